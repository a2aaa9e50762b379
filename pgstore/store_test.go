package pgstore_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/pgstore"
	"github.com/storybot/storybot/pgstore/pgtest"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func open(t *testing.T, url string, opt pgstore.Options) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(context.Background(), url, opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func query[T any](t *testing.T, url, sql string, args ...any) T {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var v T
	if err := conn.QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

func TestOpenMigratesOnceUnderTheLock(t *testing.T) {
	url := pgtest.URL(t, os.Getenv)
	const replicas = 4
	var wg sync.WaitGroup
	errs := make([]error, replicas)
	for i := range replicas {
		wg.Go(func() {
			s, err := pgstore.Open(context.Background(), url, pgstore.Options{})
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
	applied := query[int64](t, url, `SELECT count(*) FROM goose_db_version WHERE version_id > 0 AND is_applied`)
	files, _ := pgstore.Migrations()
	if applied != int64(len(files)) {
		t.Errorf("%d migrations applied, want %d (each once)", applied, len(files))
	}
	// Opening again migrates nothing and keeps the data.
	s := open(t, url, pgstore.Options{})
	if _, err := s.First(context.Background(), "k", time.Hour); err != nil {
		t.Fatal(err)
	}
	s2 := open(t, url, pgstore.Options{})
	if first, _ := s2.First(context.Background(), "k", time.Hour); first {
		t.Error("a second Open lost the recorded key")
	}
}

func TestOpenHonoursURLParameters(t *testing.T) {
	base := pgtest.URL(t, os.Getenv) // reserves a schema for cleanup; we use another below
	schema := "t_params_" + fmt.Sprint(time.Now().UnixNano())
	t.Cleanup(func() { pgtest.Drop(t, pgtest.ServerURL(os.Getenv), schema) })
	url := pgtest.WithSearchPath(base, schema) + "&pool_max_conns=3&application_name=storybot-test"
	s := open(t, url, pgstore.Options{})
	if s.Schema() != schema {
		t.Errorf("schema %q, want %q from search_path", s.Schema(), schema)
	}
	if got := s.MaxConns(); got != 3 {
		t.Errorf("pool size %d, want 3 from pool_max_conns", got)
	}
	tables := query[int64](t, pgtest.ServerURL(os.Getenv), `SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename IN ('seen', 'conversations', 'feedback')`, schema)
	if tables != 3 {
		t.Errorf("%d of the tables in schema %s, want 3", tables, schema)
	}

	for _, tc := range []struct {
		name, url, want string
	}{
		{"not postgres", "mysql://x@127.0.0.1/test", "not a postgres:// URL"},
		{"bad sslmode", base + "&sslmode=sometimes", "sslmode"},
		{"password redacted", "postgres://u:hunter2@127.0.0.1:1/test?connect_timeout=1", "xxxxx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pgstore.Open(context.Background(), tc.url, pgstore.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open(%s) = %v, want an error containing %q", tc.name, err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

func TestSeen(t *testing.T) {
	url := pgtest.URL(t, os.Getenv)
	clk := newClock()
	a := open(t, url, pgstore.Options{Now: clk.Now})
	b := open(t, url, pgstore.Options{Now: clk.Now})
	ctx := context.Background()
	steps := []struct {
		name    string
		store   *pgstore.Store
		advance time.Duration
		key     string
		want    bool
	}{
		{"new key", a, 0, "slack/event/Ev1", true},
		{"again on the same replica", a, 0, "slack/event/Ev1", false},
		{"again on the other replica", b, time.Minute, "slack/event/Ev1", false},
		{"another key", b, 0, "discord/1234", true},
		{"expired", b, time.Hour, "slack/event/Ev1", true},
		{"renewed by the expiry", a, time.Minute, "slack/event/Ev1", false},
		{"empty key", a, 0, "", true},
		{"empty key again", a, 0, "", true},
	}
	for _, st := range steps {
		clk.Add(st.advance)
		got, err := st.store.First(ctx, st.key, 30*time.Minute)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got != st.want {
			t.Errorf("%s: First(%q) = %v, want %v", st.name, st.key, got, st.want)
		}
	}
}

func TestSeenIsAtomicAcrossReplicas(t *testing.T) {
	url := pgtest.URL(t, os.Getenv)
	stores := []*pgstore.Store{open(t, url, pgstore.Options{}), open(t, url, pgstore.Options{})}
	for round := range 20 {
		key := fmt.Sprintf("slack/event/Ev%d", round)
		var firsts atomic.Int32
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				ok, err := stores[i%2].First(context.Background(), key, time.Hour)
				if err != nil {
					t.Error(err)
				}
				if ok {
					firsts.Add(1)
				}
			})
		}
		wg.Wait()
		if n := firsts.Load(); n != 1 {
			t.Fatalf("round %d: %d deliveries handled, want exactly 1", round, n)
		}
	}
}

func TestSeenSweepsExpiredKeys(t *testing.T) {
	url := pgtest.URL(t, os.Getenv)
	clk := newClock()
	s := open(t, url, pgstore.Options{Now: clk.Now})
	ctx := context.Background()
	for i := range 5 {
		if _, err := s.First(ctx, fmt.Sprint("old", i), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	clk.Add(time.Hour)
	if _, err := s.First(ctx, "new", time.Minute); err != nil {
		t.Fatal(err)
	}
	if n := query[int64](t, url, `SELECT count(*) FROM seen`); n != 1 {
		t.Errorf("%d keys kept, want 1 (the expired ones swept)", n)
	}
}

func TestConversations(t *testing.T) {
	url := pgtest.URL(t, os.Getenv)
	clk := newClock()
	opt := pgstore.Options{Now: clk.Now, ConversationTTL: 24 * time.Hour, MaxTurns: 4}
	a := open(t, url, opt)
	b := open(t, url, opt)
	ctx := context.Background()
	u := func(s string) bot.Turn { return bot.Turn{Role: bot.RoleUser, Text: s} }
	r := func(s string) bot.Turn { return bot.Turn{Role: bot.RoleBot, Text: s} }

	if turns, ok, err := a.Turns(ctx, "slack/C1/1.0"); err != nil || ok || turns != nil {
		t.Fatalf("unknown conversation: %v %v %v", turns, ok, err)
	}
	if err := a.Add(ctx, "slack/C1/1.0"); err != nil {
		t.Fatal(err)
	}
	if turns, ok, err := b.Turns(ctx, "slack/C1/1.0"); err != nil || !ok || len(turns) != 0 {
		t.Fatalf("marked conversation on the other replica: %v %v %v", turns, ok, err)
	}
	if err := a.Add(ctx, "slack/C1/1.0", u("q1"), r("a1")); err != nil {
		t.Fatal(err)
	}
	if err := b.Add(ctx, "slack/C1/1.0", u("q2"), r("a2"), u("q3")); err != nil {
		t.Fatal(err)
	}
	turns, ok, err := a.Turns(ctx, "slack/C1/1.0")
	want := []bot.Turn{r("a1"), u("q2"), r("a2"), u("q3")}
	if err != nil || !ok || fmt.Sprint(turns) != fmt.Sprint(want) {
		t.Fatalf("Turns = %v %v %v, want the last 4 in order %v", turns, ok, err, want)
	}
	clk.Add(23 * time.Hour)
	if _, ok, _ := b.Turns(ctx, "slack/C1/1.0"); !ok {
		t.Fatal("conversation forgotten before its TTL")
	}
	clk.Add(2 * time.Hour)
	if _, ok, _ := b.Turns(ctx, "slack/C1/1.0"); ok {
		t.Fatal("conversation kept past its TTL")
	}
	if err := b.Add(ctx, "slack/C1/1.0", u("fresh")); err != nil {
		t.Fatal(err)
	}
	turns, ok, err = a.Turns(ctx, "slack/C1/1.0")
	if err != nil || !ok || fmt.Sprint(turns) != fmt.Sprint([]bot.Turn{u("fresh")}) {
		t.Fatalf("an expired conversation restarted as %v %v %v, want only the new turn", turns, ok, err)
	}
}

func TestConversationsConcurrentAdds(t *testing.T) {
	url := pgtest.URL(t, os.Getenv)
	opt := pgstore.Options{MaxTurns: 1000}
	stores := []*pgstore.Store{open(t, url, opt), open(t, url, opt)}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := stores[i%2].Add(context.Background(), "k", bot.Turn{Role: bot.RoleUser, Text: fmt.Sprint(i)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	turns, _, err := stores[0].Turns(context.Background(), "k")
	if err != nil || len(turns) != 20 {
		t.Fatalf("%d turns (%v), want 20", len(turns), err)
	}
}

func TestFeedback(t *testing.T) {
	url := pgtest.URL(t, os.Getenv)
	clk := newClock()
	s := open(t, url, pgstore.Options{Now: clk.Now})
	ctx := context.Background()
	in := []bot.Feedback{
		{AnswerID: "a1", Helpful: true, Platform: "slack", User: "U1", At: clk.Now().Add(-time.Minute)},
		{AnswerID: "a1", Helpful: false, Platform: "discord"},
		{AnswerID: "a2", Helpful: true, Platform: "slack", User: "U2"},
	}
	for _, f := range in {
		if err := s.RecordFeedback(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Feedback(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got[0].Helpful || got[0].User != "U1" || got[1].Helpful || got[1].Platform != "discord" || !got[1].At.Equal(clk.Now()) {
		t.Errorf("Feedback(a1) = %+v", got)
	}
}

func TestLockKeyIsPerSchema(t *testing.T) {
	a := open(t, pgtest.URL(t, os.Getenv), pgstore.Options{})
	b := open(t, pgtest.URL(t, os.Getenv), pgstore.Options{})
	if a.LockKey("digest") == b.LockKey("digest") {
		t.Error("two schemas share an advisory lock key")
	}
	if a.LockKey("digest") == a.LockKey("corpus") {
		t.Error("two locks share a key")
	}
}
