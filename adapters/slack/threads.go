package slack

import (
	"sync"
	"time"
)

// threadMemo remembers which threads the bot has answered in (so a reply
// there is a follow-up) and, briefly, which it has not (so chatty threads do
// not cost a conversations.replies call per message). It is safe for
// concurrent use.
type threadMemo struct {
	now     func() time.Time
	mu      sync.Mutex
	ours    map[string]time.Time
	notOurs map[string]time.Time
}

const (
	oursTTL     = 7 * 24 * time.Hour
	notOursTTL  = 10 * time.Minute
	memoMaxKeys = 50_000
)

func newThreadMemo(now func() time.Time) *threadMemo {
	return &threadMemo{now: now, ours: map[string]time.Time{}, notOurs: map[string]time.Time{}}
}

func threadKey(channel, ts string) string { return channel + "/" + ts }

// markOurs records that the bot answered in the thread.
func (m *threadMemo) markOurs(channel, ts string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := threadKey(channel, ts)
	delete(m.notOurs, k)
	m.ours[k] = m.now()
	m.bound(m.ours, oursTTL)
}

// markNotOurs records that the bot has not spoken in the thread.
func (m *threadMemo) markNotOurs(channel, ts string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.notOurs[threadKey(channel, ts)] = m.now()
	m.bound(m.notOurs, notOursTTL)
}

// lookup says whether the thread is known to be the bot's (ours) or known
// not to be (notOurs); both false means unknown.
func (m *threadMemo) lookup(channel, ts string) (ours, notOurs bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := threadKey(channel, ts)
	now := m.now()
	if t, ok := m.ours[k]; ok && now.Sub(t) <= oursTTL {
		return true, false
	}
	if t, ok := m.notOurs[k]; ok && now.Sub(t) <= notOursTTL {
		return false, true
	}
	return false, false
}

// bound drops expired keys when a map grows large, and everything when
// that is not enough.
func (m *threadMemo) bound(keys map[string]time.Time, ttl time.Duration) {
	if len(keys) <= memoMaxKeys {
		return
	}
	now := m.now()
	for k, t := range keys {
		if now.Sub(t) > ttl {
			delete(keys, k)
		}
	}
	if len(keys) > memoMaxKeys {
		clear(keys)
	}
}
