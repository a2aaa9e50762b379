package digest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
)

// fakeClock is a Clock whose time moves only when the test says.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
	added   chan struct{}
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(t time.Time) *fakeClock {
	return &fakeClock{now: t, added: make(chan struct{}, 1)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, waiter{at: c.now.Add(d), ch: ch})
	select {
	case c.added <- struct{}{}:
	default:
	}
	return ch
}

// step waits until someone waits on the clock, then moves the clock to the
// earliest deadline and wakes that waiter. It fails the test after 5 s of
// real time without a waiter.
func (c *fakeClock) step(t *testing.T) time.Time {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		c.mu.Lock()
		if len(c.waiters) > 0 {
			slices.SortFunc(c.waiters, func(a, b waiter) int { return a.at.Compare(b.at) })
			w := c.waiters[0]
			c.waiters = c.waiters[1:]
			if w.at.After(c.now) {
				c.now = w.at
			}
			now := c.now
			c.mu.Unlock()
			w.ch <- now
			return now
		}
		c.mu.Unlock()
		select {
		case <-c.added:
		case <-deadline:
			t.Fatal("nobody waited on the clock for 5 s")
		}
	}
}

// fakeBuilder returns a digest per window, recording the windows asked for.
type fakeBuilder struct {
	mu      sync.Mutex
	windows [][2]time.Time
	empty   bool
	err     error
	panics  int // the next panics calls panic
}

func (b *fakeBuilder) Digest(ctx context.Context, since, until time.Time) (bot.Digest, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.windows = append(b.windows, [2]time.Time{since, until})
	if b.panics > 0 {
		b.panics--
		panic("ledger broke")
	}
	if b.err != nil {
		return bot.Digest{}, b.err
	}
	if b.empty {
		return bot.Digest{Since: since, Until: until, Empty: true}, nil
	}
	return bot.Digest{
		Since: since, Until: until, NewArticles: 2, Outlets: 1,
		Bullets: []bot.Sentence{{Text: "The bridge reopened.", Citations: []string{"a1", "a2"}}},
		Sources: []bot.Source{{ID: "a1"}, {ID: "a2"}},
	}, nil
}

// recorder is a publisher that records what it posted and when, and can be
// told to fail or to "crash" mid-post.
type recorder struct {
	name  string
	clock Clock
	mu    sync.Mutex
	posts []post
	// fail makes the next fail posts return an error without delivering.
	fail int
	// crash, when set, is called instead of delivering the next post: it
	// stands for the process dying mid-post (it cancels the run's context).
	crash func()
	// panics makes the next panics posts panic, as a rendering bug would.
	panics int
}

type post struct {
	id   string
	at   time.Time
	text string
}

func (r *recorder) Name() string { return r.name }

func (r *recorder) Publish(ctx context.Context, d bot.Digest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.crash != nil {
		crash := r.crash
		r.crash = nil
		crash()
		return errors.New("connection reset")
	}
	if r.panics > 0 {
		r.panics--
		var blocks []string
		_ = blocks[1] // an ordinary bug: index out of range
	}
	if r.fail > 0 {
		r.fail--
		return errors.New("HTTP 503 from the platform")
	}
	if d.ID == "" {
		return errors.New("digest without a period ID")
	}
	at := time.Time{}
	if r.clock != nil {
		at = r.clock.Now()
	}
	r.posts = append(r.posts, post{id: d.ID, at: at, text: d.Text()})
	return nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.posts)
}

func (r *recorder) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, p := range r.posts {
		out = append(out, p.id)
	}
	return out
}
