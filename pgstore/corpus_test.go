package pgstore_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/pgstore"
	"github.com/storybot/storybot/pgstore/pgtest"
)

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mirrorFiles(t *testing.T, m *pgstore.Mirror) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := fs.WalkDir(m, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(m, p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCorpusSyncAndMirror(t *testing.T) {
	url := pgtest.URL(t, os.Getenv)
	ctx := context.Background()
	dir := t.TempDir()
	write(t, dir, "a.txt", "A headline\n\nSome text.")
	write(t, dir, "sub/b.json", `{"id":"b","text":"Bee."}`)
	write(t, dir, ".hidden.txt", "no")
	write(t, dir, "notes.pdf", "no")
	s := open(t, url, pgstore.Options{})
	sync := s.CorpusSyncer(os.DirFS(dir))
	m := open(t, url, pgstore.Options{}).Mirror() // another replica's view

	steps := []struct {
		name   string
		change func()
		want   pgstore.CorpusReport
		files  map[string]string
	}{
		{"first", func() {}, pgstore.CorpusReport{Added: 2},
			map[string]string{"a.txt": "A headline\n\nSome text.", "sub/b.json": `{"id":"b","text":"Bee."}`}},
		{"unchanged", func() {}, pgstore.CorpusReport{},
			map[string]string{"a.txt": "A headline\n\nSome text.", "sub/b.json": `{"id":"b","text":"Bee."}`}},
		{"changed, added, removed", func() {
			write(t, dir, "a.txt", "A new headline\n\nMore text.")
			write(t, dir, "c.md", "# C")
			os.Remove(filepath.Join(dir, "sub/b.json"))
		}, pgstore.CorpusReport{Added: 1, Changed: 1, Removed: 1},
			map[string]string{"a.txt": "A new headline\n\nMore text.", "c.md": "# C"}},
		{"back again", func() { write(t, dir, "sub/b.json", `{"id":"b","text":"Bee!"}`) }, pgstore.CorpusReport{Added: 1},
			map[string]string{"a.txt": "A new headline\n\nMore text.", "c.md": "# C", "sub/b.json": `{"id":"b","text":"Bee!"}`}},
	}
	var last int64
	for _, st := range steps {
		st.change()
		rep, err := sync.Sync(ctx)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if rep.Added != st.want.Added || rep.Changed != st.want.Changed || rep.Removed != st.want.Removed {
			t.Errorf("%s: report %+v, want %+v", st.name, rep, st.want)
		}
		changed, err := m.Refresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if changed != (rep.Version != last) {
			t.Errorf("%s: Refresh changed=%v with the version going %d → %d", st.name, changed, last, rep.Version)
		}
		last = rep.Version
		if got := mirrorFiles(t, m); !equalMaps(got, st.files) {
			t.Errorf("%s: mirror %v, want %v", st.name, got, st.files)
		}
		if m.Version() != rep.Version {
			t.Errorf("%s: mirror at version %d, want %d", st.name, m.Version(), rep.Version)
		}
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

// TestCorpusSyncOneAtATime: replicas syncing the same folder at once add
// each file once (the corpus lock serialises them).
func TestCorpusSyncOneAtATime(t *testing.T) {
	url := pgtest.URL(t, os.Getenv)
	dir := t.TempDir()
	for _, n := range []string{"a.txt", "b.txt", "c.txt", "d.txt"} {
		write(t, dir, n, "Headline "+n+"\n\nText.")
	}
	var mu sync.Mutex
	added := 0
	var wg sync.WaitGroup
	for range 3 {
		s := open(t, url, pgstore.Options{})
		wg.Go(func() {
			rep, err := s.CorpusSyncer(os.DirFS(dir)).Sync(context.Background())
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			added += rep.Added + rep.Changed
			mu.Unlock()
		})
	}
	wg.Wait()
	if added != 4 {
		t.Errorf("%d files written by three replicas, want 4 (each once)", added)
	}
}

// TestFollowCorpus: a replica following the corpus learns of a change
// another made within a second, through LISTEN/NOTIFY.
func TestFollowCorpus(t *testing.T) {
	url := pgtest.URL(t, os.Getenv)
	dir := t.TempDir()
	write(t, dir, "a.txt", "A\n\ntext")
	writer := open(t, url, pgstore.Options{})
	reader := open(t, url, pgstore.Options{})
	m := reader.Mirror()
	ctx, cancel := context.WithCancel(context.Background())
	changes := make(chan int, 10)
	states := make(chan bool, 10)
	done := make(chan error, 1)
	go func() {
		done <- reader.FollowCorpus(ctx, func(ctx context.Context) error {
			if _, err := m.Refresh(ctx); err != nil {
				return err
			}
			changes <- m.Len()
			return nil
		}, func(up bool) { states <- up }, time.Second)
	}()
	if up := <-states; !up {
		t.Fatal("first state is not connected")
	}
	if n := <-changes; n != 0 {
		t.Fatalf("first catch-up saw %d files, want 0", n)
	}
	start := time.Now()
	if _, err := writer.CorpusSyncer(os.DirFS(dir)).Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-changes:
		if n != 1 {
			t.Errorf("after the notice the mirror has %d files, want 1", n)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("the change took %v to arrive", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no change notice within 5 s")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestFollowCorpusRetriesAFailedCatchUp: when the catch-up after a
// (re)connection fails (the pool may still hold the dead connections), the
// following reconnects and catches up again instead of waiting for the
// next announcement, which may never come.
func TestFollowCorpusRetriesAFailedCatchUp(t *testing.T) {
	url := pgtest.URL(t, os.Getenv)
	reader := open(t, url, pgstore.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := make(chan int, 10)
	n := 0
	done := make(chan error, 1)
	go func() {
		done <- reader.FollowCorpus(ctx, func(ctx context.Context) error {
			n++
			calls <- n
			if n == 1 {
				return errors.New("conn closed")
			}
			return nil
		}, func(bool) {}, time.Second)
	}()
	for want := 1; want <= 2; want++ {
		select {
		case got := <-calls:
			if got != want {
				t.Fatalf("call %d, want %d", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no catch-up call %d within 5 s: a failed catch-up was not retried", want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestArticlesFirstSeen(t *testing.T) {
	url := pgtest.URL(t, os.Getenv)
	ctx := context.Background()
	clk := newClock()
	a := open(t, url, pgstore.Options{Now: clk.Now}).Articles()
	b := open(t, url, pgstore.Options{Now: clk.Now}).Articles()
	day0 := clk.Now()
	arts := []bot.Article{{ID: "x", Title: "X", Text: "x"}, {ID: "y", Title: "Y", Text: "y", Published: day0.Add(-time.Hour)}}
	if err := a.Record(ctx, arts); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Hour)
	// The other replica indexes later, with one article changed and one new.
	arts2 := []bot.Article{{ID: "x", Title: "X", Text: "x, updated"}, {ID: "y", Title: "Y", Text: "y", Published: day0.Add(-time.Hour)}, {ID: "z", Text: "z"}}
	if err := b.Record(ctx, arts2); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id   string
		want time.Time
	}{{"x", day0}, {"y", day0}, {"z", day0.Add(time.Hour)}} {
		got, ok := b.FirstSeen(tc.id)
		if !ok || !got.Equal(tc.want) {
			t.Errorf("FirstSeen(%s) = %v %v, want %v", tc.id, got, ok, tc.want)
		}
	}
	if n := countArticles(t, url, "content_hash = '"+pgstore.ContentHash(arts2[0])+"'"); n != 1 {
		t.Error("the changed article's hash was not updated")
	}
	clk.Add(time.Hour)
	if err := a.Record(ctx, arts2[1:]); err != nil { // x removed
		t.Fatal(err)
	}
	if n := countArticles(t, url, "removed_at IS NOT NULL"); n != 1 {
		t.Errorf("%d articles marked removed, want 1", n)
	}
	// The wrapper gives an index's articles the shared first-seen times.
	st := b.Store(fakeStore{arts: []bot.Article{{ID: "z", FirstSeen: day0.Add(99 * time.Hour)}}})
	got, _ := st.Articles(ctx)
	one, _ := st.Article(ctx, "z")
	if !got[0].FirstSeen.Equal(day0.Add(time.Hour)) || !one.FirstSeen.Equal(day0.Add(time.Hour)) {
		t.Errorf("wrapped store: %v / %v, want %v", got[0].FirstSeen, one.FirstSeen, day0.Add(time.Hour))
	}
}

func countArticles(t *testing.T, url, where string) int64 {
	return query[int64](t, url, `SELECT count(*) FROM articles WHERE `+where)
}

type fakeStore struct{ arts []bot.Article }

func (f fakeStore) Article(_ context.Context, id string) (bot.Article, error) {
	i := sort.Search(len(f.arts), func(i int) bool { return f.arts[i].ID >= id })
	return f.arts[i], nil
}
func (f fakeStore) Articles(context.Context) ([]bot.Article, error)   { return f.arts, nil }
func (f fakeStore) Conflicts(context.Context) ([]bot.Conflict, error) { return nil, nil }

// TestCorpusSyncSizeLimit: the syncer copies the files its MaxSize allows,
// by name, as the index reading them would (a feed may be larger than an
// article file), and skips larger ones.
func TestCorpusSyncSizeLimit(t *testing.T) {
	url := pgtest.URL(t, os.Getenv)
	dir := t.TempDir()
	write(t, dir, "small.txt", "Small\n\nText.")
	write(t, dir, "large.txt", "Large\n\nText that is longer than twenty bytes.")
	write(t, dir, "feed.jsonl", `{"id":"f1","text":"A feed line longer than twenty bytes."}`)
	s := open(t, url, pgstore.Options{})
	sync := s.CorpusSyncer(os.DirFS(dir))
	sync.MaxSize = func(name string) int64 {
		if filepath.Ext(name) == ".jsonl" {
			return 1000
		}
		return 20
	}
	rep, err := sync.Sync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 2 {
		t.Errorf("added %d files, want 2", rep.Added)
	}
	m := s.Mirror()
	if _, err := m.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := mirrorFiles(t, m)
	if _, ok := got["large.txt"]; ok || len(got) != 2 || got["feed.jsonl"] == "" || got["small.txt"] == "" {
		t.Errorf("shared files = %v, want small.txt and feed.jsonl", got)
	}
}
