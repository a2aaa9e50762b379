package watch_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/storybot/storybot/watch"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// syncs records the calls of a SyncFunc.
type syncs struct {
	ch  chan time.Time
	err error
}

func newSyncs() *syncs { return &syncs{ch: make(chan time.Time, 100)} }

func (s *syncs) sync(ctx context.Context) error {
	s.ch <- time.Now()
	return s.err
}

// wait returns the time of the next sync, failing after d.
func (s *syncs) wait(t *testing.T, d time.Duration, what string) time.Time {
	t.Helper()
	select {
	case at := <-s.ch:
		return at
	case <-time.After(d):
		t.Fatalf("no sync within %v after %s", d, what)
		return time.Time{}
	}
}

// none fails if a sync happens within d.
func (s *syncs) none(t *testing.T, d time.Duration, what string) {
	t.Helper()
	select {
	case <-s.ch:
		t.Fatalf("unexpected sync after %s", what)
	case <-time.After(d):
	}
}

// start runs a watcher over dir until the test ends.
func start(t *testing.T, dir string, s *syncs, opt watch.Options) {
	t.Helper()
	w, err := watch.New(dir, s.sync, opt)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSyncAfterChange(t *testing.T) {
	dir := t.TempDir()
	s := newSyncs()
	start(t, dir, s, watch.Options{Debounce: 100 * time.Millisecond})
	s.none(t, 150*time.Millisecond, "start with no change")

	cases := []struct {
		name   string
		change func()
	}{
		{"new file", func() { write(t, filepath.Join(dir, "a.txt"), "Headline\n\nBody.") }},
		{"changed file", func() { write(t, filepath.Join(dir, "a.txt"), "Headline\n\nNew body.") }},
		{"renamed file", func() {
			if err := os.Rename(filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")); err != nil {
				t.Fatal(err)
			}
		}},
		{"removed file", func() {
			if err := os.Remove(filepath.Join(dir, "b.txt")); err != nil {
				t.Fatal(err)
			}
		}},
		{"new folder with a file", func() {
			sub := filepath.Join(dir, "sub")
			if err := os.Mkdir(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(sub, "c.md"), "Headline\n\nBody.")
		}},
		{"file in the new folder", func() { write(t, filepath.Join(dir, "sub", "d.md"), "Headline\n\nBody.") }},
	}
	for _, tc := range cases {
		at := time.Now()
		tc.change()
		got := s.wait(t, 2*time.Second, tc.name)
		if d := got.Sub(at); d < 100*time.Millisecond {
			t.Errorf("%s: synced after %v, before the debounce", tc.name, d)
		}
		s.none(t, 150*time.Millisecond, tc.name+" (second sync)")
	}
}

func TestDebounceCoalescesABurst(t *testing.T) {
	dir := t.TempDir()
	s := newSyncs()
	start(t, dir, s, watch.Options{Debounce: 150 * time.Millisecond, MaxDelay: 5 * time.Second})
	for i := range 10 {
		write(t, filepath.Join(dir, "burst.txt"), strings.Repeat("x", i+1))
		time.Sleep(5 * time.Millisecond)
	}
	s.wait(t, 2*time.Second, "a burst of writes")
	s.none(t, 300*time.Millisecond, "a burst of writes (second sync)")
}

func TestMaxDelayUnderSteadyChanges(t *testing.T) {
	dir := t.TempDir()
	s := newSyncs()
	start(t, dir, s, watch.Options{Debounce: 100 * time.Millisecond, MaxDelay: 250 * time.Millisecond})
	stop := time.Now().Add(900 * time.Millisecond)
	begin := time.Now()
	var first time.Time
	for i := 0; time.Now().Before(stop); i++ {
		write(t, filepath.Join(dir, "stream.txt"), strings.Repeat("y", i+1))
		time.Sleep(20 * time.Millisecond)
		select {
		case at := <-s.ch:
			if first.IsZero() {
				first = at
			}
		default:
		}
	}
	if first.IsZero() {
		t.Fatal("no sync while changes kept coming: MaxDelay not honoured")
	}
	if d := first.Sub(begin); d > 700*time.Millisecond {
		t.Errorf("first sync after %v under steady changes; MaxDelay is 250ms", d)
	}
}

func TestPoll(t *testing.T) {
	s := newSyncs()
	start(t, t.TempDir(), s, watch.Options{Poll: 60 * time.Millisecond})
	s.wait(t, time.Second, "poll")
	s.wait(t, time.Second, "second poll")
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestSyncErrorIsLoggedAndRetried(t *testing.T) {
	dir := t.TempDir()
	s := newSyncs()
	s.err = errors.New("duplicate article ID")
	var logs syncBuffer
	start(t, dir, s, watch.Options{Debounce: 20 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	write(t, filepath.Join(dir, "x.txt"), "one")
	s.wait(t, 2*time.Second, "first change")
	write(t, filepath.Join(dir, "y.txt"), "two")
	s.wait(t, 2*time.Second, "change after a failed sync")
	if !strings.Contains(logs.String(), "duplicate article ID") {
		t.Errorf("sync failure not logged: %q", logs.String())
	}
}

func TestNewErrors(t *testing.T) {
	s := newSyncs()
	for _, tc := range []struct {
		name string
		dir  string
		sync watch.SyncFunc
		want string
	}{
		{"missing folder", filepath.Join(t.TempDir(), "nope"), s.sync, "nope"},
		{"no sync", t.TempDir(), nil, "Sync"},
	} {
		w, err := watch.New(tc.dir, tc.sync, watch.Options{})
		if err == nil {
			w.Close()
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not mention %q", tc.name, err, tc.want)
		}
	}
}

func TestCloseWithoutRun(t *testing.T) {
	w, err := watch.New(t.TempDir(), newSyncs().sync, watch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
