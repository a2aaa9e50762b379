package retrieval

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/storybot/storybot/bot"
	bolt "go.etcd.io/bbolt"
)

// The conflict ledger is not part of a sync: a sync only leaves the corpus
// answerable. The ledger is computed on demand (Ledger), or in the
// background after each sync that changed the corpus when
// Options.LedgerInBackground is set, and persisted with the corpus state it
// was computed for, so it is computed once per state of the corpus.

// defaultLedgerInline is the default of Options.LedgerInline: the largest
// corpus, in passages, whose missing ledger Conflicts computes before
// returning (about a second of work).
const defaultLedgerInline = 4000

// Meta keys of the ledger.
var (
	metaGeneration = []byte("generation") // uint64 big endian, bumped by every sync that changes the corpus
	metaLedgerKey  = []byte("ledger")     // "<generation>:<LedgerVersion>" of the stored ledger
	metaConflicts  = []byte("conflicts")  // JSON []bot.Conflict
)

// ledgerState is a ledger in memory with the corpus state it belongs to.
type ledgerState struct {
	key       string // "<generation>:<LedgerVersion>"
	conflicts []bot.Conflict
}

// generation returns the corpus generation recorded in tx.
func generation(tx *bolt.Tx) uint64 {
	v := tx.Bucket(bucketMeta).Get(metaGeneration)
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

// setGeneration records the generation of the corpus after a sync that
// changed it.
func setGeneration(tx *bolt.Tx, gen uint64) error {
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], gen)
	return tx.Bucket(bucketMeta).Put(metaGeneration, v[:])
}

// currentLedgerKey is the key a ledger of the corpus as it is now has.
func (x *Index) currentLedgerKey(tx *bolt.Tx) string {
	return strconv.FormatUint(generation(tx), 10) + ":" + x.opt.LedgerVersion
}

// storedLedger returns the ledger last persisted, decoded once and then kept
// in memory, and whether it belongs to the corpus as it is now.
func (x *Index) storedLedger() (ledgerState, bool, error) {
	var cur, key string
	var raw []byte
	err := x.db.View(func(tx *bolt.Tx) error {
		cur = x.currentLedgerKey(tx)
		b := tx.Bucket(bucketMeta)
		key = string(b.Get(metaLedgerKey))
		x.ledgerMu.RLock()
		cached := x.ledger
		x.ledgerMu.RUnlock()
		if cached.key == key && key != "" {
			return nil
		}
		if v := b.Get(metaConflicts); v != nil {
			raw = append([]byte(nil), v...)
		}
		return nil
	})
	if err != nil {
		return ledgerState{}, false, fmt.Errorf("read the conflict ledger: %w", err)
	}
	x.ledgerMu.Lock()
	defer x.ledgerMu.Unlock()
	if x.ledger.key != key || key == "" {
		var cs []bot.Conflict
		if raw != nil {
			if err := json.Unmarshal(raw, &cs); err != nil {
				return ledgerState{}, false, fmt.Errorf("read the conflict ledger: %w", err)
			}
		}
		x.ledger = ledgerState{key: key, conflicts: cs}
	}
	return x.ledger, key != "" && x.ledger.key == cur, nil
}

// Conflicts returns the corpus-wide conflict ledger, for answers and the
// digest (bot.Store). When the ledger of the corpus as it is now has not
// been computed yet, a small corpus (up to Options.LedgerInline passages)
// gets it computed first; a larger one gets the ledger of an earlier state
// of the corpus, or none, while Ledger, `storybot conflicts` or a
// background run builds the current one. Without Options.Ledger it is
// empty.
func (x *Index) Conflicts(ctx context.Context) ([]bot.Conflict, error) {
	if x.opt.Ledger == nil {
		return nil, nil
	}
	st, fresh, err := x.storedLedger()
	if err != nil || fresh {
		return st.conflicts, err
	}
	if int(x.passageCount()) <= x.opt.LedgerInline {
		return x.Ledger(ctx)
	}
	if x.ledgerNoticed.CompareAndSwap(false, true) {
		x.log.WarnContext(ctx, "the conflict ledger of this corpus state is not built yet; answers call out conflicts from an earlier ledger, or none, until it is (run `storybot conflicts` once, or let serve build it)",
			"passages", x.passageCount(), "earlier_conflicts", len(st.conflicts))
	}
	return st.conflicts, nil
}

// Ledger returns the conflict ledger of the corpus as it is now, computing
// and persisting it first when needed; concurrent calls share one
// computation. Without Options.Ledger it is empty.
func (x *Index) Ledger(ctx context.Context) ([]bot.Conflict, error) {
	if x.opt.Ledger == nil {
		return nil, nil
	}
	x.ledgerRun.Lock()
	defer x.ledgerRun.Unlock()
	start := time.Now()
	var key string
	var all []bot.Passage
	// The store is read and written under syncMu: never in the middle of a
	// sync, never after Close (a background run may outlive it).
	x.syncMu.Lock()
	if x.db == nil {
		x.syncMu.Unlock()
		return nil, errClosed
	}
	st, fresh, err := x.storedLedger()
	if err != nil || fresh {
		x.syncMu.Unlock()
		return st.conflicts, err
	}
	err = x.db.View(func(tx *bolt.Tx) error {
		key = x.currentLedgerKey(tx)
		arts := tx.Bucket(bucketArticles)
		return tx.Bucket(bucketPassages).ForEach(func(k, v []byte) error {
			ps, err := decodePassages(string(k), v, -1)
			if err != nil {
				return fmt.Errorf("article %q: %w", k, err)
			}
			// The ledger tells a figure updated over time from a dispute by
			// the articles' dates.
			if date := articleDate(arts.Get(k)); !date.IsZero() {
				for i := range ps {
					ps[i].Published = date
				}
			}
			all = append(all, ps...)
			return nil
		})
	})
	x.syncMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("read passages for the conflict ledger: %w", err)
	}
	conflicts, err := x.opt.Ledger(ctx, all)
	if err != nil {
		return nil, fmt.Errorf("compute the conflict ledger: %w", err)
	}
	x.syncMu.Lock()
	if x.db == nil {
		x.syncMu.Unlock()
		return nil, errClosed
	}
	err = x.db.Update(func(tx *bolt.Tx) error {
		if x.currentLedgerKey(tx) != key {
			return errLedgerOutdated // a sync changed the corpus meanwhile
		}
		b := tx.Bucket(bucketMeta)
		if err := putJSON(b, string(metaConflicts), conflicts); err != nil {
			return err
		}
		return b.Put(metaLedgerKey, []byte(key))
	})
	x.syncMu.Unlock()
	switch {
	case errors.Is(err, errLedgerOutdated):
		x.log.InfoContext(ctx, "the corpus changed while its conflict ledger was computed; that ledger is used once, not kept")
	case err != nil:
		return nil, fmt.Errorf("store the conflict ledger: %w", err)
	default:
		x.ledgerMu.Lock()
		x.ledger = ledgerState{key: key, conflicts: conflicts}
		x.ledgerMu.Unlock()
	}
	x.log.InfoContext(ctx, "conflict ledger computed", "conflicts", len(conflicts), "passages", len(all), "ms", time.Since(start).Milliseconds())
	return conflicts, nil
}

// errClosed reports use of a closed Index.
var errClosed = errors.New("retrieval: the index is closed")

var errLedgerOutdated = errors.New("the corpus changed")

// startBackgroundLedger computes the ledger in the background when
// Options.LedgerInBackground asks for it and it is not current. Close
// cancels its context; a computation that does not watch the context ends
// on its own and then finds the index closed.
func (x *Index) startBackgroundLedger() {
	if x.opt.Ledger == nil || !x.opt.LedgerInBackground {
		return
	}
	if _, fresh, err := x.storedLedger(); err == nil && fresh {
		return
	}
	go func() {
		if _, err := x.Ledger(x.bgCtx); err != nil && x.bgCtx.Err() == nil {
			x.log.ErrorContext(x.bgCtx, "conflict ledger failed; it is retried after the next change", "err", err)
		}
	}()
}
