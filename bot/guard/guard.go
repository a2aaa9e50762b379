// Package guard holds the small protections every chat adapter needs at the
// platform edge: remembering delivery IDs so a retried event is handled once,
// and per-key rate limits. It uses only the standard library and an injected
// clock, so tests control time.
package guard

import (
	"sync"
	"time"
)

// Dedupe remembers keys for a time to live. It is safe for concurrent use.
type Dedupe struct {
	ttl  time.Duration
	now  func() time.Time
	mu   sync.Mutex
	seen map[string]time.Time
	last time.Time // last sweep
}

// NewDedupe returns a Dedupe that forgets keys after ttl. now may be nil for
// time.Now.
func NewDedupe(ttl time.Duration, now func() time.Time) *Dedupe {
	if now == nil {
		now = time.Now
	}
	return &Dedupe{ttl: ttl, now: now, seen: map[string]time.Time{}}
}

// First reports whether key is seen for the first time within the TTL, and
// remembers it. An empty key is always first.
func (d *Dedupe) First(key string) bool {
	if key == "" {
		return true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	if now.Sub(d.last) > d.ttl {
		for k, t := range d.seen {
			if now.Sub(t) > d.ttl {
				delete(d.seen, k)
			}
		}
		d.last = now
	}
	if t, ok := d.seen[key]; ok && now.Sub(t) <= d.ttl {
		return false
	}
	d.seen[key] = now
	return true
}

// Limiter is a per-key token bucket: each key may spend Burst events at once
// and regains one every Every. It is safe for concurrent use.
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
// more every interval. A zero interval disables limiting. now may be nil.
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
	t := b.tokens + float64(now.Sub(b.at))/float64(l.every)
	if t > l.burst {
		t = l.burst
	}
	return t
}
