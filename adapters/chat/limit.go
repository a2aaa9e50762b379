package chat

import (
	"fmt"
	"sync"
	"time"
)

// Limiter is a per-key token bucket: each key may spend Burst events at once
// and regains one every interval. It is safe for concurrent use. Its state
// is per process: with several replicas each enforces its own share.
type Limiter struct {
	every time.Duration
	burst float64
	now   func() time.Time
	mu    sync.Mutex
	keys  map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewLimiter returns a Limiter allowing burst events per key at once and one
// more every interval. A zero or negative interval disables limiting. now
// may be nil for time.Now.
func NewLimiter(every time.Duration, burst int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	if burst < 1 {
		burst = 1
	}
	return &Limiter{every: every, burst: float64(burst), now: now, keys: map[string]*bucket{}}
}

// Allow reports whether key may act now, spending a token if so. When it may
// not, wait says how long until it may.
func (l *Limiter) Allow(key string) (ok bool, wait time.Duration) {
	if l == nil || l.every <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.keys[key]
	if b == nil {
		if len(l.keys) > 100_000 { // bound memory: drop full buckets
			for k, v := range l.keys {
				if l.refill(v, now) >= l.burst {
					delete(l.keys, k)
				}
			}
		}
		b = &bucket{tokens: l.burst, at: now}
		l.keys[key] = b
	}
	b.tokens = l.refill(b, now)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(l.every))
}

func (l *Limiter) refill(b *bucket, now time.Time) float64 {
	return min(b.tokens+float64(now.Sub(b.at))/float64(l.every), l.burst)
}

// Scope names a rate limit in replies and hooks.
type Scope string

// The limits an adapter applies to questions.
const (
	ScopeUser    Scope = "user"
	ScopeChannel Scope = "channel"
)

// Limits are an adapter's per-user and per-channel question limits.
type Limits struct {
	Users, Channels *Limiter
	Hooks           Hooks
}

// Check spends a token of user and, when channel is not "", of channel. It
// returns "" when the question may go ahead, or the polite reply to post
// instead (and tells Hooks.RateLimited).
func (l Limits) Check(user, channel string) string {
	if ok, wait := l.Users.Allow(user); !ok {
		l.Hooks.rateLimited(string(ScopeUser))
		return fmt.Sprintf("You're asking faster than I can read. Give me %s and ask again.", seconds(wait))
	}
	if channel != "" {
		if ok, wait := l.Channels.Allow(channel); !ok {
			l.Hooks.rateLimited(string(ScopeChannel))
			return fmt.Sprintf("This channel is asking faster than I can read. Give me %s and ask again.", seconds(wait))
		}
	}
	return ""
}

// seconds renders a wait rounded up to whole seconds.
func seconds(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	if s <= 1 {
		return "a second"
	}
	return fmt.Sprintf("%d seconds", s)
}
