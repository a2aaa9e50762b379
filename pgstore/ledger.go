package pgstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

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
// The lock is held on a connection of its own, outside the pool, so that a
// long computation never holds up Close (closing the connection, or the
// process ending, releases the lock). When the database cannot be reached
// the ledger is computed locally.
func (s *Store) SharedLedger(compute LedgerFunc, version string) LedgerFunc {
	return func(ctx context.Context, passages []bot.Passage) ([]bot.Conflict, error) {
		key := ledgerKey(passages, version)
		local := func(err error) ([]bot.Conflict, error) {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			s.log.WarnContext(ctx, "cannot read the shared conflict ledger; computing it here", "err", err)
			return compute(ctx, passages)
		}
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		conn, err := pgx.ConnectConfig(cctx, s.pool.Config().ConnConfig.Copy())
		cancel()
		if err != nil {
			return local(err)
		}
		defer conn.Close(context.WithoutCancel(ctx))
		if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", s.lockKey("ledger:"+key)); err != nil {
			return local(err)
		}
		var raw []byte
		err = conn.QueryRow(ctx, `SELECT conflicts FROM conflict_ledgers WHERE key = $1`, key).Scan(&raw)
		if err == nil {
			var out []bot.Conflict
			if err := json.Unmarshal(raw, &out); err == nil {
				return out, nil
			}
			return local(fmt.Errorf("the stored ledger is damaged: %w", err))
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return local(err)
		}
		out, err := compute(ctx, passages)
		if err != nil {
			return nil, err
		}
		if raw, err = json.Marshal(out); err == nil {
			_, err = conn.Exec(ctx, `INSERT INTO conflict_ledgers (key, conflicts, computed_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`, key, raw, s.now())
		}
		if err == nil {
			_, err = conn.Exec(ctx, `DELETE FROM conflict_ledgers WHERE key NOT IN (SELECT key FROM conflict_ledgers ORDER BY computed_at DESC LIMIT $1)`, keepLedgers)
		}
		if err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "cannot share the conflict ledger; keeping it here", "err", err)
		}
		return out, nil
	}
}

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
