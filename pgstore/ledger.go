package pgstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/storybot/storybot/bot"
)

// keepLedgers is how many ledgers (states of the corpus) are kept.
const keepLedgers = 5

// LedgerFunc computes the conflict ledger of a corpus's passages, as
// retrieval.Options.Ledger does.
type LedgerFunc func(ctx context.Context, passages []bot.Passage) ([]bot.Conflict, error)

// SharedLedger wraps compute so that the replicas share the ledger: the
// first replica to need the ledger of a state of the corpus (the passages,
// and version, the detection rules' version) computes it under that
// state's advisory lock and stores it; the others wait for it and read it.
// When the database cannot be reached the ledger is computed locally.
func (s *Store) SharedLedger(compute LedgerFunc, version string) LedgerFunc {
	return func(ctx context.Context, passages []bot.Passage) ([]bot.Conflict, error) {
		key := ledgerKey(passages, version)
		var out []bot.Conflict
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", s.lockKey("ledger:"+key)); err != nil {
				return err
			}
			var raw []byte
			err := tx.QueryRow(ctx, `SELECT conflicts FROM conflict_ledgers WHERE key = $1`, key).Scan(&raw)
			if err == nil {
				return json.Unmarshal(raw, &out)
			}
			if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			if out, err = compute(ctx, passages); err != nil {
				return errComputed{err}
			}
			if raw, err = json.Marshal(out); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO conflict_ledgers (key, conflicts, computed_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`, key, raw, s.now()); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `DELETE FROM conflict_ledgers WHERE key NOT IN (SELECT key FROM conflict_ledgers ORDER BY computed_at DESC LIMIT $1)`, keepLedgers)
			return err
		})
		var ce errComputed
		switch {
		case err == nil:
			return out, nil
		case errors.As(err, &ce):
			return nil, ce.err
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case out != nil:
			// Computed, not stored: the database went away meanwhile.
			s.log.WarnContext(ctx, "cannot share the conflict ledger; keeping it here", "err", err)
			return out, nil
		}
		s.log.WarnContext(ctx, "cannot read the shared conflict ledger; computing it here", "err", err)
		return compute(ctx, passages)
	}
}

// errComputed carries the compute function's own error through the
// transaction.
type errComputed struct{ err error }

func (e errComputed) Error() string { return fmt.Sprintf("compute the conflict ledger: %v", e.err) }

// ledgerKey identifies a state of the corpus: every passage's article,
// position and text, and the rules' version.
func ledgerKey(passages []bot.Passage, version string) string {
	h := sha256.New()
	h.Write([]byte(version))
	h.Write([]byte{0})
	for _, p := range passages {
		h.Write([]byte(p.ArticleID))
		h.Write([]byte{0})
		h.Write([]byte(strconv.Itoa(p.Index)))
		h.Write([]byte{0})
		h.Write([]byte(p.Text()))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
