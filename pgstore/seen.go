package pgstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storybot/storybot/adapters/chat"
	"github.com/storybot/storybot/bot"
)

var (
	_ chat.Seen            = (*Store)(nil)
	_ chat.Conversations   = (*Store)(nil)
	_ bot.FeedbackRecorder = (*Store)(nil)
)

// sweepEvery is how often expired keys and conversations are deleted.
const sweepEvery = 10 * time.Minute

// sweeper deletes expired rows now and then, from whichever call comes
// first after sweepEvery.
type sweeper struct {
	mu   sync.Mutex
	next time.Time
}

func (w *sweeper) due(now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if now.Before(w.next) {
		return false
	}
	w.next = now.Add(sweepEvery)
	return true
}

// First implements chat.Seen: one INSERT ... ON CONFLICT, so two replicas
// offered the same key at once see exactly one true. An expired key is
// taken again. An empty key is always first.
func (s *Store) First(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if key == "" {
		return true, nil
	}
	now := s.now()
	var got string
	err := s.pool.QueryRow(ctx, `INSERT INTO seen AS s (key, expires_at) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE s.expires_at <= $3
		RETURNING key`, key, now.Add(ttl), now).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("record the delivery key %q: %w", key, err)
	}
	s.maybeSweep(ctx, now)
	return true, nil
}

// maybeSweep deletes expired keys and conversations, at most once per
// sweepEvery per process; a failure is only logged.
func (s *Store) maybeSweep(ctx context.Context, now time.Time) {
	if !s.sweep.due(now) {
		return
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM seen WHERE expires_at <= $1`, now); err != nil {
		s.log.WarnContext(ctx, "cannot delete expired delivery keys", "err", err)
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM conversations WHERE updated_at < $1`, now.Add(-s.ttl)); err != nil {
		s.log.WarnContext(ctx, "cannot delete expired conversations", "err", err)
	}
}
