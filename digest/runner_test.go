package digest

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
)

func newTestRunner(t *testing.T, b Builder, opt Options) *Runner {
	t.Helper()
	if opt.StatePath == "" {
		t.Fatal("test runner without a state path")
	}
	r, err := New(b, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func statePath(t *testing.T) string { return filepath.Join(t.TempDir(), "data", StateFileName) }

// runUntil runs r.Run with clk until done() holds, stepping the fake clock,
// then stops it and waits for it to return.
func runUntil(t *testing.T, r *Runner, clk *fakeClock, done func() bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- r.Run(ctx) }()
	for steps := 0; !done(); steps++ {
		if steps > 20000 {
			cancel()
			t.Fatal("the condition did not hold after 20000 clock steps")
		}
		clk.step(t)
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("Run returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestRunFiresAtLocalTimeAcrossDST(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	tests := []struct {
		name  string
		start time.Time
		// want are the local dates of the three posts; each at 08:00 New York
		want    []string
		wantUTC []int // the UTC hour of each post
	}{
		{"spring forward", time.Date(2026, 3, 6, 12, 0, 0, 0, ny), []string{"2026-03-07", "2026-03-08", "2026-03-09"}, []int{13, 12, 12}},
		{"fall back", time.Date(2026, 10, 30, 12, 0, 0, 0, ny), []string{"2026-10-31", "2026-11-01", "2026-11-02"}, []int{12, 13, 13}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newFakeClock(tt.start)
			pub := &recorder{name: "slack:C1", clock: clk}
			r := newTestRunner(t, &fakeBuilder{}, Options{Schedule: "08:00", TimeZone: "America/New_York", Publishers: []bot.Publisher{pub}, StatePath: statePath(t), Clock: clk})
			runUntil(t, r, clk, func() bool { return pub.count() >= 3 })
			for i, p := range pub.posts {
				local := p.at.In(ny)
				if local.Format("2006-01-02") != tt.want[i] || local.Hour() != 8 || local.Minute() != 0 {
					t.Errorf("post %d at %s, want %s 08:00 New York time", i, local, tt.want[i])
				}
				if p.at.UTC().Hour() != tt.wantUTC[i] {
					t.Errorf("post %d at %s UTC, want %d:00 UTC", i, p.at.UTC(), tt.wantUTC[i])
				}
				if want := local.Format("2006-01-02T15:04Z07:00"); p.id != want {
					t.Errorf("post %d has period %q, want %q", i, p.id, want)
				}
			}
		})
	}
}

func TestRunWindowsFollowEachOther(t *testing.T) {
	clk := newFakeClock(time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC))
	b := &fakeBuilder{}
	pub := &recorder{name: "stdout", clock: clk}
	r := newTestRunner(t, b, Options{TimeZone: "America/New_York", Publishers: []bot.Publisher{pub}, StatePath: statePath(t), Clock: clk})
	runUntil(t, r, clk, func() bool { return pub.count() >= 3 })
	for i := 1; i < len(b.windows); i++ {
		if !b.windows[i][0].Equal(b.windows[i-1][1]) {
			t.Errorf("window %d starts at %s, not where window %d ended (%s)", i, b.windows[i][0], i-1, b.windows[i-1][1])
		}
	}
	if d := b.windows[2][1].Sub(b.windows[2][0]); d != 23*time.Hour {
		t.Errorf("the spring-forward period lasts %s, want 23h", d)
	}
}

func TestRestartAfterPostingDoesNotRepost(t *testing.T) {
	path := statePath(t)
	now := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	a, b := &recorder{name: "slack:C1"}, &recorder{name: "discord:9"}
	opt := Options{Publishers: []bot.Publisher{a, b}, StatePath: path}
	r := newTestRunner(t, &fakeBuilder{}, opt)
	rep, err := r.RunOnce(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Posted, []string{"slack:C1", "discord:9"}) {
		t.Fatalf("posted %v", rep.Posted)
	}
	// A new process, later the same period, and a Run that catches up.
	for _, at := range []time.Time{now.Add(time.Minute), now.Add(5 * time.Hour)} {
		r2 := newTestRunner(t, &fakeBuilder{}, opt)
		rep, err := r2.RunOnce(context.Background(), at)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Posted) != 0 || len(rep.Done) != 2 {
			t.Fatalf("restart at %s: report %+v, want both done", at, rep)
		}
	}
	clk := newFakeClock(now.Add(time.Hour))
	opt.Clock = clk
	r3 := newTestRunner(t, &fakeBuilder{}, opt)
	runUntil(t, r3, clk, func() bool { return clk.Now().After(now.Add(2 * time.Hour)) })
	if a.count() != 1 || b.count() != 1 {
		t.Fatalf("posts: %d and %d, want 1 each", a.count(), b.count())
	}
}

func TestCrashBetweenChannels(t *testing.T) {
	path := statePath(t)
	now := time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
	a, b, c := &recorder{name: "slack:C1"}, &recorder{name: "slack:C2"}, &recorder{name: "discord:9"}
	opt := Options{Publishers: []bot.Publisher{a, b, c}, StatePath: path}
	r := newTestRunner(t, &fakeBuilder{}, opt)
	// The process dies after C1's post is recorded, before C2's "posting"
	// record reaches the disk: the state write fails and nothing else runs.
	writes := 0
	r.store.(*FileStore).write = func(p string, data []byte) error {
		writes++
		if strings.Contains(string(data), `"slack:C2"`) {
			return errors.New("killed")
		}
		return writeAtomic(p, data)
	}
	if _, err := r.RunOnce(context.Background(), now); err == nil {
		t.Fatal("the crashed run reported no error")
	}
	if a.count() != 1 || b.count() != 0 || c.count() != 0 {
		t.Fatalf("before restart: %d %d %d posts", a.count(), b.count(), c.count())
	}
	st, err := ReadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Periods["2026-05-04T08:00Z"].Channels["slack:C1"]; got == nil || got.Status != StatusPosted {
		t.Fatalf("C1 state %+v, want posted", got)
	}
	r2 := newTestRunner(t, &fakeBuilder{}, opt)
	rep, err := r2.RunOnce(context.Background(), now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Posted, []string{"slack:C2", "discord:9"}) || !slices.Equal(rep.Done, []string{"slack:C1"}) {
		t.Fatalf("after restart: %+v", rep)
	}
	if a.count() != 1 || b.count() != 1 || c.count() != 1 {
		t.Fatalf("after restart: %d %d %d posts, want one each", a.count(), b.count(), c.count())
	}
}

func TestCrashDuringPost(t *testing.T) {
	path := statePath(t)
	now := time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
	a, b := &recorder{name: "slack:C1"}, &recorder{name: "slack:C2"}
	opt := Options{Publishers: []bot.Publisher{a, b}, StatePath: path}
	run := func(at time.Time, crashB bool) Report {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if crashB {
			b.crash = cancel
		}
		rep, _ := newTestRunner(t, &fakeBuilder{}, opt).RunOnce(ctx, at)
		return rep
	}
	run(now, true) // C1 posted, the process dies during C2's post
	st, _ := ReadState(path)
	if got := st.Periods["2026-05-04T08:00Z"].Channels["slack:C2"]; got.Status != StatusPosting || got.Attempts != 1 {
		t.Fatalf("C2 after the crash: %+v, want posting (in doubt)", got)
	}
	run(now.Add(time.Minute), true) // in doubt: one more post, and it dies again
	rep := run(now.Add(2*time.Minute), false)
	if !slices.Equal(rep.Abandoned, []string{"slack:C2"}) {
		t.Fatalf("third start: %+v, want C2 abandoned after two in-doubt posts", rep)
	}
	if a.count() != 1 || b.count() != 0 {
		t.Fatalf("posts %d and %d", a.count(), b.count())
	}
	// The simpler case: one in-doubt post is retried once and then done.
	path2 := statePath(t)
	opt.StatePath = path2
	a.posts, b.posts = nil, nil
	run(now, true)
	rep = run(now.Add(time.Minute), false)
	if !slices.Equal(rep.Posted, []string{"slack:C2"}) {
		t.Fatalf("retry after one crash: %+v", rep)
	}
	run(now.Add(2*time.Minute), false)
	if a.count() != 1 || b.count() != 1 {
		t.Fatalf("posts %d and %d, want one each", a.count(), b.count())
	}
}

func TestCatchUpOnce(t *testing.T) {
	path := statePath(t)
	day1 := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	b := &fakeBuilder{}
	pub := &recorder{name: "discord:9"}
	opt := Options{Publishers: []bot.Publisher{pub}, StatePath: path}
	if _, err := newTestRunner(t, b, opt).RunOnce(context.Background(), day1); err != nil {
		t.Fatal(err)
	}
	// Down from day 1 to day 4 10:00: the periods of day 2, 3 and 4 were missed.
	for i, start := range []time.Time{day1.Add(3*24*time.Hour + 2*time.Hour), day1.Add(3*24*time.Hour + 3*time.Hour)} {
		clk := newFakeClock(start)
		opt.Clock = clk
		r := newTestRunner(t, b, opt)
		runUntil(t, r, clk, func() bool { return clk.Now().After(start.Add(30 * time.Minute)) })
		if pub.count() != 2 {
			t.Fatalf("start %d: %d posts (%v), want the day-1 post and one catch-up", i, pub.count(), pub.ids())
		}
	}
	if got := pub.ids()[1]; got != "2026-06-04T08:00Z" {
		t.Fatalf("caught up period %s, want the latest due one", got)
	}
	last := b.windows[len(b.windows)-1]
	if !last[0].Equal(day1) || !last[1].Equal(day1.Add(3*24*time.Hour)) {
		t.Fatalf("catch-up window %v, want from the last posted period's end", last)
	}
}

func TestNoCatchUpOnFirstStart(t *testing.T) {
	clk := newFakeClock(time.Date(2026, 6, 1, 15, 0, 0, 0, time.UTC))
	pub := &recorder{name: "stdout", clock: clk}
	r := newTestRunner(t, &fakeBuilder{}, Options{Publishers: []bot.Publisher{pub}, StatePath: statePath(t), Clock: clk})
	runUntil(t, r, clk, func() bool { return pub.count() >= 1 })
	if got := pub.posts[0].at; !got.Equal(time.Date(2026, 6, 2, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("first post at %s, want the next 08:00, not a catch-up", got)
	}
}

func TestEmptyPeriod(t *testing.T) {
	now := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	for _, postEmpty := range []bool{false, true} {
		path := statePath(t)
		pub := &recorder{name: "slack:C1"}
		opt := Options{PostEmpty: postEmpty, Publishers: []bot.Publisher{pub}, StatePath: path}
		for i := range 2 { // and again after a restart
			rep, err := newTestRunner(t, &fakeBuilder{empty: true}, opt).RunOnce(context.Background(), now.Add(time.Duration(i)*time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 && !rep.Empty {
				t.Fatalf("post_empty=%v: report %+v not empty", postEmpty, rep)
			}
		}
		want := 0
		if postEmpty {
			want = 1
		}
		if pub.count() != want {
			t.Fatalf("post_empty=%v: %d posts, want %d", postEmpty, pub.count(), want)
		}
		if postEmpty {
			if text := pub.posts[0].text; text != "No new coverage since Tue 30 Jun 2026 08:00 UTC." {
				t.Fatalf("empty post %q", text)
			}
		} else {
			st, _ := ReadState(path)
			if got := st.Periods["2026-07-01T08:00Z"].Channels["slack:C1"].Status; got != StatusSkipped {
				t.Fatalf("status %q, want skipped", got)
			}
		}
	}
}

func TestFailedPostIsRetried(t *testing.T) {
	start := time.Date(2026, 7, 1, 7, 0, 0, 0, time.UTC)
	clk := newFakeClock(start)
	good, flaky := &recorder{name: "slack:C1", clock: clk}, &recorder{name: "discord:9", clock: clk, fail: 1}
	var logs bytes.Buffer
	r := newTestRunner(t, &fakeBuilder{}, Options{Publishers: []bot.Publisher{good, flaky}, StatePath: statePath(t), Clock: clk,
		RetryDelay: 10 * time.Minute, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	runUntil(t, r, clk, func() bool { return flaky.count() >= 1 })
	if got := flaky.posts[0].at; !got.Equal(start.Add(time.Hour + 10*time.Minute)) {
		t.Fatalf("retry at %s, want 10 min after the 08:00 failure", got)
	}
	if good.count() != 1 {
		t.Fatalf("the good channel got %d posts, want 1", good.count())
	}
	if !strings.Contains(logs.String(), "HTTP 503") || !strings.Contains(logs.String(), "component=digest") {
		t.Errorf("logs lack the failure:\n%s", logs.String())
	}

	// A channel that keeps failing is abandoned after three attempts.
	bad := &recorder{name: "discord:bad", fail: 100}
	opt := Options{Publishers: []bot.Publisher{bad}, StatePath: statePath(t)}
	now := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	var rep Report
	for i := range 5 {
		rep, _ = newTestRunner(t, &fakeBuilder{}, opt).RunOnce(context.Background(), now.Add(time.Duration(i)*time.Minute))
	}
	if bad.fail != 97 || len(rep.Done) != 1 {
		t.Fatalf("%d attempts, last report %+v; want 3 attempts then abandoned", 100-bad.fail, rep)
	}
}

func TestBuilderFailurePostsNothing(t *testing.T) {
	pub := &recorder{name: "slack:C1"}
	path := statePath(t)
	opt := Options{Publishers: []bot.Publisher{pub}, StatePath: path}
	_, err := newTestRunner(t, &fakeBuilder{err: errors.New("index unreadable")}, opt).RunOnce(context.Background(), time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC))
	if err == nil || !strings.Contains(err.Error(), "index unreadable") {
		t.Fatalf("err = %v", err)
	}
	rep, err := newTestRunner(t, &fakeBuilder{}, opt).RunOnce(context.Background(), time.Date(2026, 7, 1, 9, 5, 0, 0, time.UTC))
	if err != nil || pub.count() != 1 || len(rep.Posted) != 1 {
		t.Fatalf("after the builder recovered: %v, %d posts", err, pub.count())
	}
}

// TestPanicsAreFailures: a panic while building the digest or posting it is
// a failure logged with a reference ID and the panic, retried like any
// other; the scheduler goes on and the next attempt posts.
func TestPanicsAreFailures(t *testing.T) {
	start := time.Date(2026, 7, 1, 7, 0, 0, 0, time.UTC)
	clk := newFakeClock(start)
	pub := &recorder{name: "slack:C1", clock: clk, panics: 1}
	var logs bytes.Buffer
	r := newTestRunner(t, &fakeBuilder{panics: 1}, Options{Publishers: []bot.Publisher{pub}, StatePath: statePath(t), Clock: clk,
		RetryDelay: 10 * time.Minute, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	runUntil(t, r, clk, func() bool { return pub.count() >= 1 })
	// 08:00 the build panics, 08:10 the post panics, 08:20 it is posted.
	if got := pub.posts[0].at; !got.Equal(start.Add(time.Hour + 20*time.Minute)) {
		t.Errorf("posted at %s, want 08:20 after two failed attempts", got)
	}
	for _, want := range []string{"ledger broke", "index out of range", "ref=", `op="digest build"`, `op="digest post"`, bot.FailureText} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs.String())
		}
	}
}

func TestTwoProcessesPostOnce(t *testing.T) {
	path := statePath(t)
	pub := &recorder{name: "slack:C1"}
	opt := Options{Publishers: []bot.Publisher{pub}, StatePath: path}
	now := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for range 4 {
		r := newTestRunner(t, &fakeBuilder{}, opt)
		wg.Go(func() {
			if _, err := r.RunOnce(context.Background(), now); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if pub.count() != 1 {
		t.Fatalf("%d posts, want 1", pub.count())
	}
}

func TestNewErrors(t *testing.T) {
	p := &recorder{name: "x"}
	tests := []struct {
		name string
		b    Builder
		opt  Options
		want string
	}{
		{"no builder", nil, Options{StatePath: "s"}, "Builder"},
		{"no state", &fakeBuilder{}, Options{}, "state file"},
		{"bad schedule", &fakeBuilder{}, Options{StatePath: "s", Schedule: "8am"}, "schedule"},
		{"duplicate names", &fakeBuilder{}, Options{StatePath: "s", Publishers: []bot.Publisher{p, p}}, "distinct"},
	}
	for _, tt := range tests {
		if _, err := New(tt.b, tt.opt); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one about %q", tt.name, err, tt.want)
		}
	}
}

func TestDamagedState(t *testing.T) {
	path := statePath(t)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	pub := &recorder{name: "slack:C1"}
	_, err := newTestRunner(t, &fakeBuilder{}, Options{Publishers: []bot.Publisher{pub}, StatePath: path}).RunOnce(context.Background(), time.Now())
	if err == nil || !strings.Contains(err.Error(), "damaged") || pub.count() != 0 {
		t.Fatalf("err = %v, %d posts; want a damaged-state error and no post", err, pub.count())
	}
}

func TestStatePrunedAndAtomic(t *testing.T) {
	path := statePath(t)
	pub := &recorder{name: "stdout"}
	r := newTestRunner(t, &fakeBuilder{}, Options{Publishers: []bot.Publisher{pub}, StatePath: path, Schedule: "0 * * * *"})
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3 {
		if _, err := r.RunOnce(context.Background(), start.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*.tmp"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	st, err := ReadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Periods) != 3 || pub.count() != 3 {
		t.Fatalf("%d periods, %d posts; want 3", len(st.Periods), pub.count())
	}
	for i := range keepPeriods + 20 {
		at := start.Add(time.Duration(i+3) * time.Hour)
		st.Periods[at.Format(time.RFC3339)] = &Period{Until: at}
	}
	st.prune()
	if len(st.Periods) != keepPeriods {
		t.Fatalf("%d periods kept, want %d", len(st.Periods), keepPeriods)
	}
	if _, ok := st.Periods["2026-01-01T00:00Z"]; ok {
		t.Fatal("the oldest period was kept")
	}
}

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter("stdout", &buf)
	d := bot.Digest{Since: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC), Empty: true}
	if err := w.Publish(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	if w.Name() != "stdout" || buf.String() != "No new coverage since Thu 1 Jan 2026 08:00 UTC.\n\n" {
		t.Fatalf("name %q, output %q", w.Name(), buf.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := w.Publish(ctx, d); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}
