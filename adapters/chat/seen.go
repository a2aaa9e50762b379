package chat

import (
	"context"
	"sync"
	"time"
)

// Seen remembers keys for a while: the delivery IDs a platform may send
// again (Slack retries an event it thinks was not acknowledged; an app
// mention and a message event arrive for one message), so each is handled
// once. Implementations must be safe for concurrent use, and, when several
// replicas share one, must make First atomic across them. An error means
// the store could not be asked; callers then handle the delivery (answering
// twice is better than never).
type Seen interface {
	// First records key for ttl and reports whether it was not already
	// recorded (and unexpired).
	First(ctx context.Context, key string, ttl time.Duration) (bool, error)
}

// MemorySeen is the in-process Seen: a map with expiry, swept as it grows.
// Create it with NewMemorySeen.
type MemorySeen struct {
	now   func() time.Time
	mu    sync.Mutex
	until map[string]time.Time
	next  time.Time // next sweep
}

var _ Seen = (*MemorySeen)(nil)

// memoryMaxKeys bounds a MemorySeen: past it, everything expired is dropped,
// then, if still too many, everything.
const memoryMaxKeys = 200_000

// NewMemorySeen returns an empty MemorySeen; now may be nil for time.Now.
func NewMemorySeen(now func() time.Time) *MemorySeen {
	if now == nil {
		now = time.Now
	}
	return &MemorySeen{now: now, until: map[string]time.Time{}}
}

// First implements Seen. An empty key is always first.
func (m *MemorySeen) First(_ context.Context, key string, ttl time.Duration) (bool, error) {
	if key == "" {
		return true, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if now.After(m.next) || len(m.until) > memoryMaxKeys {
		for k, t := range m.until {
			if !now.Before(t) {
				delete(m.until, k)
			}
		}
		if len(m.until) > memoryMaxKeys {
			clear(m.until)
		}
		m.next = now.Add(time.Minute)
	}
	if t, ok := m.until[key]; ok && now.Before(t) {
		return false, nil
	}
	m.until[key] = now.Add(ttl)
	return true, nil
}
