package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storybot/storybot/digest"
)

// Digests is the digest.Store of several replicas: the records in the
// digest_periods table, the lock a PostgreSQL session advisory lock. A
// replica that dies while holding the lock loses it with its connection,
// so another takes over; a replica that cannot reach the database cannot
// take the lock and posts nothing.
type Digests struct{ s *Store }

var _ digest.Store = Digests{}

// Digests returns the store's digest records.
func (s *Store) Digests() Digests { return Digests{s: s} }

// Lock implements digest.Store: it waits for the schema's digest advisory
// lock on a connection of its own, held until unlock.
func (d Digests) Lock(ctx context.Context) (func(), error) {
	conn, err := d.s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("take the digest lock: the database does not answer: %w", err)
	}
	key := d.s.lockKey("digest")
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		conn.Release()
		return nil, fmt.Errorf("take the digest lock: %w", err)
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", key); err != nil {
			// Closing the session releases the lock.
			_ = conn.Conn().Close(ctx)
		}
		conn.Release()
	}, nil
}

// Period implements digest.Store.
func (d Digests) Period(ctx context.Context, id string) (*digest.Period, error) {
	var raw []byte
	err := d.s.pool.QueryRow(ctx, `SELECT record FROM digest_periods WHERE id = $1`, id).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the digest record %s: %w", id, err)
	}
	var p digest.Period
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("digest record %s is damaged: %w", id, err)
	}
	if p.Channels == nil {
		p.Channels = map[string]*digest.Delivery{}
	}
	return &p, nil
}

// SavePeriod implements digest.Store: the record is committed (durable)
// when it returns.
func (d Digests) SavePeriod(ctx context.Context, id string, p *digest.Period) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode the digest record %s: %w", id, err)
	}
	if _, err := d.s.pool.Exec(ctx, `INSERT INTO digest_periods (id, until_at, record, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET until_at = EXCLUDED.until_at, record = EXCLUDED.record, updated_at = EXCLUDED.updated_at`,
		id, p.Until, raw, d.s.now()); err != nil {
		return fmt.Errorf("save the digest record %s: %w", id, err)
	}
	return nil
}

// LatestUntil implements digest.Store.
func (d Digests) LatestUntil(ctx context.Context, before time.Time) (time.Time, bool, error) {
	var until *time.Time
	if err := d.s.pool.QueryRow(ctx, `SELECT max(until_at) FROM digest_periods WHERE until_at < $1`, before).Scan(&until); err != nil {
		return time.Time{}, false, fmt.Errorf("read the digest records: %w", err)
	}
	if until == nil {
		return time.Time{}, false, nil
	}
	return until.UTC(), true, nil
}
