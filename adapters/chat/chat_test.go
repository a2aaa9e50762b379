package chat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/storybot/storybot/bot"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestMemorySeen(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	s := NewMemorySeen(c.now)
	steps := []struct {
		advance time.Duration
		key     string
		ttl     time.Duration
		want    bool
	}{
		{0, "a", time.Minute, true},
		{0, "a", time.Minute, false},
		{0, "b", time.Second, true},
		{30 * time.Second, "a", time.Minute, false},
		{0, "b", time.Second, true}, // b's second has passed
		{0, "", time.Minute, true},
		{0, "", time.Minute, true},
		{2 * time.Minute, "a", time.Minute, true},
	}
	for i, st := range steps {
		c.add(st.advance)
		got, err := s.First(context.Background(), st.key, st.ttl)
		if err != nil || got != st.want {
			t.Fatalf("step %d: First(%q) = %v, %v; want %v", i, st.key, got, err, st.want)
		}
	}
}

func TestLimiter(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	l := NewLimiter(10*time.Second, 2, c.now)
	for i, want := range []bool{true, true, false} {
		if ok, _ := l.Allow("u"); ok != want {
			t.Fatalf("call %d: ok = %v, want %v", i, ok, want)
		}
	}
	if ok, _ := l.Allow("other"); !ok {
		t.Fatal("another key must have its own bucket")
	}
	_, wait := l.Allow("u")
	if wait <= 0 || wait > 10*time.Second {
		t.Fatalf("wait = %v, want in (0, 10s]", wait)
	}
	c.add(10 * time.Second)
	if ok, _ := l.Allow("u"); !ok {
		t.Fatal("a token must come back after the interval")
	}
	var off *Limiter
	if ok, _ := off.Allow("x"); !ok {
		t.Fatal("a nil limiter allows everything")
	}
}

func TestLimitsCheck(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	var scopes []string
	l := Limits{
		Users:    NewLimiter(10*time.Second, 1, c.now),
		Channels: NewLimiter(2*time.Second, 1, c.now),
		Hooks:    Hooks{RateLimited: func(s string) { scopes = append(scopes, s) }},
	}
	if msg := l.Check("u1", "C1"); msg != "" {
		t.Fatalf("first question refused: %q", msg)
	}
	if msg := l.Check("u1", "C2"); !strings.Contains(msg, "You're asking faster") || !strings.Contains(msg, "10 seconds") {
		t.Fatalf("user limit reply = %q", msg)
	}
	if msg := l.Check("u2", "C1"); !strings.Contains(msg, "This channel is asking faster") {
		t.Fatalf("channel limit reply = %q", msg)
	}
	if msg := l.Check("u3", ""); msg != "" {
		t.Fatalf("no channel limit without a channel, got %q", msg)
	}
	if strings.Join(scopes, ",") != "user,channel" {
		t.Fatalf("hook scopes = %v", scopes)
	}
}

func TestMemoryConversations(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	m := NewMemoryConversations(time.Hour, 3, c.now)
	ctx := context.Background()
	if _, ours, _ := m.Turns(ctx, "k"); ours {
		t.Fatal("an unknown conversation is not ours")
	}
	_ = m.Add(ctx, "k")
	if turns, ours, _ := m.Turns(ctx, "k"); !ours || len(turns) != 0 {
		t.Fatalf("marked conversation: %v, %v", turns, ours)
	}
	for i := range 4 {
		_ = m.Add(ctx, "k", bot.Turn{Role: bot.RoleUser, Text: fmt.Sprint(i)})
	}
	turns, _, _ := m.Turns(ctx, "k")
	if len(turns) != 3 || turns[0].Text != "1" || turns[2].Text != "3" {
		t.Fatalf("turns = %+v, want the last three", turns)
	}
	c.add(2 * time.Hour)
	if _, ours, _ := m.Turns(ctx, "k"); ours {
		t.Fatal("an expired conversation is forgotten")
	}
}

func TestSplitAndTruncate(t *testing.T) {
	cases := []struct {
		name string
		in   string
		max  int
		m    Measure
		want []string
	}{
		{"short", "hello", 10, Runes, []string{"hello"}},
		{"empty", "   ", 10, Runes, nil},
		{"line break first", "aaaa bbbb\ncc dd", 12, Runes, []string{"aaaa bbbb", "cc dd"}},
		{"sentence", "One two. Three four five", 14, Runes, []string{"One two.", "Three four", "five"}},
		{"inside a word", "abcdefghij", 4, Runes, []string{"abcd", "efgh", "ij"}},
		{"utf16 counts surrogates", "😀😀😀", 4, UTF16, []string{"😀😀", "😀"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Split(tc.in, tc.max, tc.m)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("Split = %q, want %q", got, tc.want)
			}
		})
	}
	if got := Truncate("hello world", 6, Runes); got != "hello…" {
		t.Fatalf("Truncate = %q", got)
	}
	if got := Truncate("short", 6, Runes); got != "short" {
		t.Fatalf("Truncate = %q", got)
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("One two. Three four five\nsix", 7)
	f.Add("😀 a😀b", 3)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 2 || max > 5000 || !utf8.ValidString(s) {
			return
		}
		for _, m := range []Measure{Runes, UTF16} {
			for _, p := range Split(s, max, m) {
				if p == "" || Len(p, m) > max {
					t.Fatalf("piece %q of length %d (max %d)", p, Len(p, m), max)
				}
			}
			if tr := Truncate(s, max, m); Len(tr, m) > max {
				t.Fatalf("Truncate gave length %d > %d", Len(tr, m), max)
			}
		}
	})
}

func TestFailSentences(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	ctx := context.Background()
	secret := errors.New("open /var/lib/storybot/index: permission denied")
	cases := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("x: %w", ErrNotReady), LoadingText},
		{fmt.Errorf("answer: %w", context.DeadlineExceeded), TimeoutText},
		{fmt.Errorf("answer: %w", context.Canceled), StoppedText},
		{secret, FailedText},
	}
	for _, tc := range cases {
		got := Fail(ctx, log, "answer failed", tc.err)
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("Fail(%v) = %q, want it to start with %q", tc.err, got, tc.want)
		}
		if strings.Contains(got, "permission") || strings.Contains(got, "context") || strings.Contains(got, ":") {
			t.Errorf("Fail(%v) = %q shows error text", tc.err, got)
		}
		if tc.want != LoadingText {
			ref := strings.TrimSuffix(got[strings.LastIndex(got, "(reference ")+11:], ")")
			if len(ref) != 8 || !strings.Contains(logs.String(), `"ref":"`+ref+`"`) {
				t.Errorf("reference %q not in the log:\n%s", ref, logs.String())
			}
		}
	}
	if !strings.Contains(logs.String(), "permission denied") {
		t.Error("the details must be logged")
	}
}

func TestSafely(t *testing.T) {
	var n atomic.Int32
	hooks := Hooks{Panicked: func() { n.Add(1) }}
	v, err := Safely(hooks, func() (int, error) { panic("boom") })
	if v != 0 || !errors.Is(err, ErrPanic) || !strings.Contains(err.Error(), "boom") || n.Load() != 1 {
		t.Fatalf("Safely after panic = %v, %v (hook %d)", v, err, n.Load())
	}
	v, err = Safely(hooks, func() (int, error) { return 7, nil })
	if v != 7 || err != nil || n.Load() != 1 {
		t.Fatalf("Safely = %v, %v", v, err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer Recover(slog.New(slog.DiscardHandler), hooks)
		panic("in a goroutine")
	}()
	<-done
	if n.Load() != 2 {
		t.Fatalf("Recover did not tell the hook: %d", n.Load())
	}
}

// fakeReplier records what the reply model did.
type fakeReplier struct {
	startErr error
	putErr   map[int]error // part index -> error, used once
	log      []string
}

func (r *fakeReplier) Start(context.Context) error {
	r.log = append(r.log, "start")
	return r.startErr
}

func (r *fakeReplier) Put(_ context.Context, i, n int, p string) error {
	if err := r.putErr[i]; err != nil {
		delete(r.putErr, i)
		r.log = append(r.log, fmt.Sprintf("fail %d/%d", i, n))
		return err
	}
	r.log = append(r.log, fmt.Sprintf("put %d/%d %s", i, n, p))
	return nil
}

func TestReplyRun(t *testing.T) {
	var panics atomic.Int32
	rp := Reply[string]{Log: slog.New(slog.DiscardHandler), Hooks: Hooks{Panicked: func() { panics.Add(1) }}, Say: func(s string) string { return s }}
	ctx := context.Background()
	cases := []struct {
		name    string
		r       *fakeReplier
		produce func(context.Context) ([]string, error)
		want    string
	}{
		{"parts", &fakeReplier{}, func(context.Context) ([]string, error) { return []string{"a", "b"}, nil }, "start|put 0/2 a|put 1/2 b"},
		{"placeholder failed", &fakeReplier{startErr: errors.New("x")}, func(context.Context) ([]string, error) { return []string{"a"}, nil }, "start|put 0/1 a"},
		{"not ready", &fakeReplier{}, func(context.Context) ([]string, error) { return nil, ErrNotReady }, "start|put 0/1 " + LoadingText},
		{"nothing", &fakeReplier{}, func(context.Context) ([]string, error) { return nil, nil }, "start|put 0/1 (nothing to show)"},
		{"delivery failed", &fakeReplier{putErr: map[int]error{0: errors.New("http 400")}}, func(context.Context) ([]string, error) { return []string{"a"}, nil }, "start|fail 0/1|put 0/1 " + FailedText},
		{"panic", &fakeReplier{}, func(context.Context) ([]string, error) { panic("bug") }, "start|put 0/1 " + FailedText},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rp.Run(ctx, tc.r, "answer", tc.produce)
			got := strings.Join(tc.r.log, "|")
			if i := strings.Index(got, " (reference "); i >= 0 {
				got = got[:i]
			}
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	if panics.Load() != 1 {
		t.Fatalf("panics counted: %d", panics.Load())
	}
}

type fakeBot struct {
	Bot
	err error
}

func (b fakeBot) RecordFeedback(context.Context, bot.Feedback) error { return b.err }

func TestRecordFeedback(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	ctx := context.Background()
	if got := RecordFeedback(ctx, fakeBot{}, log, bot.Feedback{AnswerID: "a", Helpful: true}); !strings.Contains(got, "helped") {
		t.Fatal(got)
	}
	if got := RecordFeedback(ctx, fakeBot{}, log, bot.Feedback{AnswerID: "a"}); !strings.Contains(got, "missed") {
		t.Fatal(got)
	}
	got := RecordFeedback(ctx, fakeBot{err: errors.New("disk full")}, log, bot.Feedback{AnswerID: "a"})
	if !strings.HasPrefix(got, FeedbackFailedText+" (reference ") || strings.Contains(got, "disk") {
		t.Fatal(got)
	}
}

// flakyConn fails its first n runs, then stays up until ctx ends.
type flakyConn struct {
	mu    sync.Mutex
	fails int
	runs  int
	up    atomic.Bool
	err   error
}

func (c *flakyConn) Run(ctx context.Context) error {
	c.mu.Lock()
	c.runs++
	fail := c.runs <= c.fails
	c.mu.Unlock()
	if fail {
		return c.err
	}
	c.up.Store(true)
	<-ctx.Done()
	c.up.Store(false)
	return nil
}

func (c *flakyConn) Ready() bool { return c.up.Load() }

func TestSupervisorRetriesWithBackoff(t *testing.T) {
	conn := &flakyConn{fails: 3, err: &Problem{Reason: "Discord refused the bot token (HTTP 401)", Fix: "reset the token", Err: errors.New("HTTP 401")}}
	var failures atomic.Int32
	s := &Supervisor{Name: "discord", Conn: conn, MinBackoff: 10 * time.Millisecond, MaxBackoff: 40 * time.Millisecond,
		OnFailure: func(*Problem) { failures.Add(1) }}
	if st := s.State(); st.Status != StatusStarting {
		t.Fatalf("before Run: %+v", st)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- s.Run(ctx) }()
	sawFailing := false
	deadline := time.Now().Add(5 * time.Second)
	for s.State().Status != StatusConnected {
		if st := s.State(); st.Status == StatusFailing {
			sawFailing = true
			if st.Reason == "" || st.Fix == "" || st.RetryAt == nil {
				t.Fatalf("failing state without reason, fix or retry time: %+v", st)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("never connected: %+v", s.State())
		}
		time.Sleep(time.Millisecond)
	}
	// 10 + 20 + 40 ms of backoff at least.
	if took := time.Since(start); took < 70*time.Millisecond {
		t.Errorf("connected after %v: the backoff was not waited", took)
	}
	if !sawFailing || failures.Load() != 3 {
		t.Errorf("saw failing %v, failures %d", sawFailing, failures.Load())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if st := s.State(); st.Status != StatusStopped {
		t.Fatalf("after stop: %+v", st)
	}
}

func TestSupervisorPermanentAndPanic(t *testing.T) {
	conn := &flakyConn{fails: 1, err: &Problem{Reason: "no app token", Permanent: true}}
	s := &Supervisor{Name: "slack", Conn: conn, MinBackoff: time.Millisecond}
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := s.State(); st.Status != StatusFailed || st.Reason != "no app token" {
		t.Fatalf("state = %+v", st)
	}
	var panics atomic.Int32
	p := &Supervisor{Name: "x", Conn: panicConn{}, MinBackoff: time.Millisecond, Hooks: Hooks{Panicked: func() { panics.Add(1) }}}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := p.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if panics.Load() < 2 {
		t.Fatalf("a panicking connection must be restarted: %d runs", panics.Load())
	}
}

type panicConn struct{}

func (panicConn) Run(context.Context) error { panic("bug") }
func (panicConn) Ready() bool               { return false }
