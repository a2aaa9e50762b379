package retrieval

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/retrieval/sample"
	bolt "go.etcd.io/bbolt"
)

// clock is a fake clock that tests move forward.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 12, 15, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// writeCorpus writes files (path → content) under dir.
func writeCorpus(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type fixture struct {
	corpus, data string
	clock        *clock
	logs         *bytes.Buffer
}

func newFixture(t *testing.T, files map[string]string) *fixture {
	t.Helper()
	f := &fixture{corpus: t.TempDir(), data: t.TempDir(), clock: newClock(), logs: &bytes.Buffer{}}
	writeCorpus(t, f.corpus, files)
	return f
}

func (f *fixture) options() Options {
	return Options{
		DataDir: f.data, Corpus: os.DirFS(f.corpus), Root: f.corpus, Now: f.clock.Now,
		Logger: slog.New(slog.NewTextHandler(f.logs, nil)),
	}
}

func (f *fixture) open(t *testing.T, mod ...func(*Options)) *Index {
	t.Helper()
	opt := f.options()
	for _, m := range mod {
		m(&opt)
	}
	x, err := Open(context.Background(), opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = x.Close() })
	return x
}

func hitIDs(hits []bot.Hit) []string {
	var ids []string
	for _, h := range hits {
		if !slices.Contains(ids, h.Passage.ArticleID) {
			ids = append(ids, h.Passage.ArticleID)
		}
	}
	return ids
}

func search(t *testing.T, x *Index, q string) []string {
	t.Helper()
	hits, err := x.Search(context.Background(), q, 20)
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	return hitIDs(hits)
}

var basicCorpus = map[string]string{
	"alpha.txt":          "Harbour reopens after storm\n\nThe harbour reopened on Monday after the storm damaged two piers.",
	"sub/beta.md":        "---\nid: beta\noutlet: Coast Times\n---\n# Ferry service resumes\n\nFerries resumed crossings to the island on Tuesday.",
	"feed/gamma.jsonl":   `{"id": "gamma", "title": "Fishermen count losses", "text": "Fishermen said the storm destroyed forty boats."}` + "\n",
	".hidden.txt":        "Secret draft\n\nThis hidden file must not load.",
	".git/config.txt":    "Not an article\n\nHidden directories are skipped.",
	"notes/readme.pdf":   "unsupported extension",
	"pages/delta.html":   "<html><head><title>Storm damage estimate</title></head><body><p>Insurers estimated the storm damage at ten million euros.</p></body></html>",
	"items/epsilon.json": `[{"id": "epsilon", "text": "Volunteers cleared debris from the beach."}]`,
}

func TestOpenLoadsEveryFormat(t *testing.T) {
	f := newFixture(t, basicCorpus)
	x := f.open(t)
	arts, err := x.Articles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range arts {
		ids = append(ids, a.ID)
		if !a.FirstSeen.Equal(f.clock.Now()) {
			t.Errorf("%s: FirstSeen = %v", a.ID, a.FirstSeen)
		}
	}
	want := []string{"alpha", "beta", "delta", "epsilon", "gamma"}
	if !slices.Equal(ids, want) {
		t.Fatalf("articles = %q, want %q", ids, want)
	}
	tests := map[string]string{
		"When did the harbour reopen?":        "alpha",
		"ferry crossings island":              "beta",
		"how many boats were destroyed":       "gamma",
		"what was the estimated storm damage": "delta",
		"volunteers debris":                   "epsilon",
	}
	for q, want := range tests {
		if got := search(t, x, q); len(got) == 0 || got[0] != want {
			t.Errorf("Search(%q) = %q, want %s first", q, got, want)
		}
	}
	if rep := x.LastReport(); rep.Added != 5 || len(rep.Problems) != 0 {
		t.Errorf("LastReport = %+v", rep)
	}
	b, err := x.Article(context.Background(), "beta")
	if err != nil || b.Outlet != "Coast Times" || b.Title != "Ferry service resumes" || b.Source != "sub/beta.md" {
		t.Errorf("Article(beta) = %+v, %v", b, err)
	}
	if _, err := x.Article(context.Background(), "nope"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Article(nope) err = %v, want ErrNotFound", err)
	}
}

func TestBadFilesAreReportedAndSkipped(t *testing.T) {
	big := "Huge report\n\n" + strings.Repeat("The committee examined the budget line by line and found nothing unusual. ", 140000) // ~10 MB
	files := map[string]string{
		"good.txt":    "Good article\n\nThis one loads fine.",
		"binary.txt":  "\x00\x01\x02\x03binary",
		"empty.txt":   "",
		"feed.jsonl":  "{\"id\": \"l1\", \"text\": \"Line one loads.\"}\n{not json}\n{\"id\": \"l3\", \"text\": \"Line three loads.\"}\n",
		"noid.json":   `{"text": "No id at all."}`,
		"notext.json": `{"id": "nt"}`,
		"latin.txt":   "Caf\xe9 reopens\n\nThe caf\xe9 reopened.",
		"big.txt":     big,
	}
	f := newFixture(t, files)
	x, err := open(context.Background(), f.options())
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	start := time.Now()
	rep, err := x.Sync(context.Background())
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	// A guard against a 70 MB file being read or indexed, not a benchmark:
	// generous enough for -race on a loaded 2-core machine.
	if d := time.Since(start); d > 90*time.Second {
		t.Errorf("sync took %v", d)
	}
	if rep.Added != 5 {
		t.Errorf("added = %d, want 5 (good, l1, l3, latin, big)", rep.Added)
	}
	var probs []string
	for _, p := range rep.Problems {
		probs = append(probs, p.String())
	}
	slices.Sort(probs)
	want := []string{
		"binary.txt: binary file, not text",
		"empty.txt: empty file",
		"feed.jsonl:2: invalid JSON",
		"noid.json: no id",
		`notext.json: no text (article "nt")`,
	}
	if len(probs) != len(want) {
		t.Fatalf("problems = %q, want %q", probs, want)
	}
	for i := range want {
		if !strings.HasPrefix(probs[i], want[i]) {
			t.Errorf("problem %d = %q, want %q", i, probs[i], want[i])
		}
	}
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].String(), "latin.txt: not UTF-8; decoded as Windows-1252") {
		t.Errorf("warnings = %v", rep.Warnings)
	}
	for _, name := range []string{"binary.txt", "feed.jsonl", "noid.json"} {
		if !strings.Contains(f.logs.String(), name) {
			t.Errorf("log does not mention %s", name)
		}
	}
	a, err := x.Article(context.Background(), "big")
	if err != nil || len(a.Text) < 10_000_000 {
		t.Fatalf("big article: %d bytes, %v", len(a.Text), err)
	}
	ps, err := x.Passages(context.Background(), "big")
	if err != nil || len(ps) != maxPassages {
		t.Errorf("big article passages = %d, %v; want the cap %d", len(ps), err, maxPassages)
	}
	if got := search(t, x, "line three"); !slices.Contains(got, "l3") {
		t.Errorf("l3 not found: %q", got)
	}
	lat, _ := x.Article(context.Background(), "latin")
	if lat.Title != "Café reopens" {
		t.Errorf("latin title = %q", lat.Title)
	}
}

func TestDuplicateIDs(t *testing.T) {
	f := newFixture(t, map[string]string{
		"a/story.txt": "One\n\nFirst copy.",
		"b/story.md":  "Two\n\nSecond copy.",
		"other.jsonl": `{"id": "x", "text": "one"}` + "\n" + `{"id": "x", "text": "two"}` + "\n" + `{"id": "y", "text": "Lighthouse keeper retires."}` + "\n",
		"fine.txt":    "Fine\n\nThe ferry timetable changes on Sunday.",
	})
	x := f.open(t)
	rep := x.LastReport()
	want := []Duplicate{{ID: "story", Sources: []string{"a/story.txt", "b/story.md"}}, {ID: "x", Sources: []string{"other.jsonl#1", "other.jsonl#2"}}}
	if !reflect.DeepEqual(rep.Duplicates, want) {
		t.Errorf("Duplicates = %+v, want %+v", rep.Duplicates, want)
	}
	for _, id := range []string{"story", "x"} {
		if _, err := x.Article(context.Background(), id); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("duplicate %q was loaded (err %v); every copy should be left out", id, err)
		}
	}
	if got := search(t, x, "ferry timetable"); !slices.Equal(got, []string{"fine"}) {
		t.Errorf("the rest of the corpus is not answerable: %q", got)
	}
	if got := search(t, x, "lighthouse keeper"); !slices.Equal(got, []string{"y"}) {
		t.Errorf("the other line of the JSONL file did not load: %q", got)
	}
	logs := f.logs.String()
	for _, s := range []string{`\"story\"`, "a/story.txt", "b/story.md", "other.jsonl#1", "other.jsonl#2", "left out"} {
		if !strings.Contains(logs, s) {
			t.Errorf("the log does not name %s:\n%s", s, logs)
		}
	}
}

// A duplicate arriving in a running corpus takes the ID out of the index
// (which copy is meant cannot be told); removing it brings the article back.
func TestDuplicateAddedLater(t *testing.T) {
	f := newFixture(t, map[string]string{"a.txt": "Head\n\nQuarry blast heard for miles.", "c.txt": "Other\n\nOrchard harvest begins."})
	x := f.open(t)
	writeCorpus(t, f.corpus, map[string]string{"b.json": `{"id": "a", "text": "dup"}`})
	rep, err := x.Sync(context.Background())
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	if len(rep.Duplicates) != 1 || rep.Removed != 1 {
		t.Errorf("report = %+v, want one duplicate and one removal", rep)
	}
	if got := search(t, x, "quarry blast"); len(got) != 0 {
		t.Errorf("a duplicate ID is still answerable: %q", got)
	}
	if got := search(t, x, "orchard harvest"); len(got) != 1 {
		t.Errorf("the rest of the corpus is lost: %q", got)
	}
	if err := os.Remove(filepath.Join(f.corpus, "b.json")); err != nil {
		t.Fatal(err)
	}
	rep, err = x.Sync(context.Background())
	if err != nil || rep.Added != 1 || len(rep.Problems) != 0 {
		t.Fatalf("after removing the copy: %+v, %v", rep, err)
	}
	if got := search(t, x, "quarry blast"); !slices.Equal(got, []string{"a"}) {
		t.Errorf("the article did not come back: %q", got)
	}
}

func TestEmptyCorpus(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"no files":   {},
		"only bad":   {"x.txt": "", "y.json": "{"},
		"only other": {"notes.pdf": "x"},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, files)
			_, err := Open(context.Background(), f.options())
			if !errors.Is(err, ErrEmptyCorpus) || !strings.Contains(err.Error(), f.corpus) {
				t.Fatalf("err = %v, want ErrEmptyCorpus naming the directory", err)
			}
			if name == "only bad" && !strings.Contains(err.Error(), "2 file(s)") {
				t.Errorf("err = %v, want the skipped files counted", err)
			}
		})
	}
}

func TestIncrementalSync(t *testing.T) {
	f := newFixture(t, map[string]string{
		"a.txt":      "Bridge closed\n\nThe bridge closed for repairs on Monday.",
		"b.txt":      "Tunnel opens\n\nThe new tunnel opened to traffic.",
		"c.txt":      "Airport strike\n\nAirport staff walked out over pay.",
		"feed.jsonl": `{"id": "f1", "text": "Buses replace trains this weekend."}` + "\n" + `{"id": "f2", "text": "Taxi fares rise in January."}` + "\n",
	})
	x := f.open(t)
	ctx := context.Background()
	first := x.indexed.Load()
	if first == 0 {
		t.Fatal("nothing indexed")
	}
	aSeen := mustArticle(t, x, "a").FirstSeen

	// No change: nothing is re-indexed.
	f.clock.Advance(time.Hour)
	rep, err := x.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unchanged != 5 || rep.Added+rep.Changed+rep.Removed != 0 || rep.Passages != 0 || x.indexed.Load() != first {
		t.Fatalf("unchanged sync: %+v, indexed %d → %d", rep, first, x.indexed.Load())
	}

	// Touch a file without changing it: hashed, still unchanged.
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(filepath.Join(f.corpus, "b.txt"), later, later); err != nil {
		t.Fatal(err)
	}
	if rep, err = x.Sync(ctx); err != nil || rep.Unchanged != 5 || rep.Passages != 0 {
		t.Fatalf("touched sync: %+v, %v", rep, err)
	}

	// Change a, remove c, add d, change one line of the feed.
	writeCorpus(t, f.corpus, map[string]string{
		"a.txt":      "Bridge reopened\n\nThe bridge reopened early after a quick repair.",
		"d.txt":      "Port expands\n\nThe port added a container terminal.",
		"feed.jsonl": `{"id": "f1", "text": "Buses replace trains this weekend."}` + "\n" + `{"id": "f2", "text": "Taxi fares fall in January."}` + "\n",
	})
	if err := os.Remove(filepath.Join(f.corpus, "c.txt")); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)
	before := x.indexed.Load()
	rep, err = x.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 1 || rep.Changed != 2 || rep.Removed != 1 || rep.Unchanged != 2 {
		t.Fatalf("report = %+v, want 1 added, 2 changed (a, f2), 1 removed, 2 unchanged", rep)
	}
	if got := x.indexed.Load() - before; got != int64(rep.Passages) || got != 3 {
		t.Errorf("indexed %d passages, report says %d, want 3", got, rep.Passages)
	}
	if got := search(t, x, "closed for repairs Monday"); slices.Contains(got, "a") && strings.Contains(mustArticle(t, x, "a").Text, "Monday") {
		t.Errorf("old text of a still found")
	}
	if got := search(t, x, "reopened early"); len(got) == 0 || got[0] != "a" {
		t.Errorf("new text of a not found: %q", got)
	}
	if got := search(t, x, "airport staff walked out"); slices.Contains(got, "c") {
		t.Errorf("removed article c still found: %q", got)
	}
	if _, err := x.Article(ctx, "c"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Article(c) err = %v", err)
	}
	if got := search(t, x, "container terminal"); len(got) == 0 || got[0] != "d" {
		t.Errorf("added d not found: %q", got)
	}
	if got := search(t, x, "taxi fares fall"); len(got) == 0 || got[0] != "f2" {
		t.Errorf("changed f2 not found: %q", got)
	}
	a := mustArticle(t, x, "a")
	if !a.FirstSeen.Equal(aSeen) {
		t.Errorf("changed article's FirstSeen moved: %v → %v", aSeen, a.FirstSeen)
	}
	if d := mustArticle(t, x, "d"); !d.FirstSeen.Equal(aSeen.Add(2 * time.Hour)) {
		t.Errorf("new article's FirstSeen = %v", d.FirstSeen)
	}

	// Restart: nothing re-indexed, FirstSeen kept.
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)
	y := f.open(t)
	if y.indexed.Load() != 0 {
		t.Errorf("restart re-indexed %d passages", y.indexed.Load())
	}
	if !mustArticle(t, y, "a").FirstSeen.Equal(aSeen) {
		t.Error("FirstSeen lost on restart")
	}
	if got := search(t, y, "container terminal"); len(got) == 0 || got[0] != "d" {
		t.Errorf("after restart: %q", got)
	}
	if got := search(t, y, "airport staff walked out"); slices.Contains(got, "c") {
		t.Errorf("after restart removed c found: %q", got)
	}
}

func mustArticle(t *testing.T, x *Index, id string) bot.Article {
	t.Helper()
	a, err := x.Article(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestSyncErrorKeepsIndex(t *testing.T) {
	f := newFixture(t, map[string]string{"a.txt": "Head\n\nQuarry blast heard for miles."})
	x := f.open(t)
	if err := os.Remove(filepath.Join(f.corpus, "a.txt")); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Sync(context.Background()); !errors.Is(err, ErrEmptyCorpus) {
		t.Fatalf("err = %v", err)
	}
	if got := search(t, x, "quarry blast"); len(got) != 1 {
		t.Errorf("index lost its content: %q", got)
	}
}

func TestLayoutVersionRebuild(t *testing.T) {
	f := newFixture(t, map[string]string{"a.txt": "Head\n\nGlacier melt accelerates."})
	x := f.open(t)
	dir := x.Dir()
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "meta.json"), []byte(`{"version": 99}`), 0o644); err != nil {
		t.Fatal(err)
	}
	y := f.open(t)
	if y.indexed.Load() == 0 {
		t.Error("an incompatible layout was not rebuilt")
	}
	if !strings.Contains(f.logs.String(), "rebuilding") {
		t.Errorf("no log line about the rebuild:\n%s", f.logs)
	}
	if got := search(t, y, "glacier"); len(got) != 1 {
		t.Errorf("after rebuild: %q", got)
	}
}

func TestBM25Scoring(t *testing.T) {
	// Two passages mention "zebra": a 4-word one once, a 64-word one ten
	// times; long filler passages raise the average length. Bleve's TF-IDF
	// (sqrt(tf)/sqrt(length)) ranks the short passage first (0.5 vs 0.375);
	// BM25, which normalises length against the average, ranks the long one
	// first. The same corpus under TF-IDF proves the test can tell them apart.
	word := func(i int) string {
		return "w" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676%26))
	}
	var long []string
	for i := range 64 {
		if i%7 == 0 && len(long) < 64 {
			long = append(long, "zebra")
		} else {
			long = append(long, word(i))
		}
	}
	files := map[string]string{
		"short.json": `{"id": "short", "text": "zebra quokka wombat dingo"}`,
		"long.json":  `{"id": "long", "text": "` + strings.Join(long, " ") + `"}`,
	}
	for d := range 4 {
		var filler []string
		for i := range 900 {
			filler = append(filler, word(1000+d*900+i))
		}
		files[fmt.Sprintf("filler%d.json", d)] = `{"id": "filler` + strconv.Itoa(d) + `", "text": "` + strings.Join(filler, " ") + `"}`
	}
	if n := strings.Count(files["long.json"], "zebra"); n != 10 {
		t.Fatalf("long passage has %d zebras", n)
	}
	f := newFixture(t, files)
	x := f.open(t)
	if got := search(t, x, "zebra"); !slices.Equal(got, []string{"long", "short"}) {
		t.Errorf("ranking = %q, want long before short (BM25)", got)
	}
	tfidf := &fixture{corpus: f.corpus, data: t.TempDir(), clock: f.clock, logs: &bytes.Buffer{}}
	z := tfidf.open(t, func(o *Options) { o.scoring = scoringTFIDF })
	if got := search(t, z, "zebra"); !slices.Equal(got, []string{"short", "long"}) {
		t.Errorf("under TF-IDF ranking = %q, want short first", got)
	}
	// The scoring model survives a restart.
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	y := f.open(t)
	if got := search(t, y, "zebra"); !slices.Equal(got, []string{"long", "short"}) {
		t.Errorf("after restart ranking = %q", got)
	}
}

func TestSearchQueries(t *testing.T) {
	f := newFixture(t, basicCorpus)
	x := f.open(t)
	ctx := context.Background()
	long := strings.Repeat("What happened to the harbour and the ferry after the storm? ", 170) // > 10,000 chars
	tests := []struct {
		name  string
		q     string
		empty bool
	}{
		{name: "empty", q: "", empty: true},
		{name: "stop words only", q: "the and of", empty: true},
		{name: "syntax", q: `+harbour -ferry "storm" title:x AND (piers~2) boat* ?`},
		{name: "very long", q: long},
		{name: "unicode", q: "Ферри harbour 港口"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			hits, err := x.Search(ctx, tt.q, 10)
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			if (len(hits) == 0) != tt.empty {
				t.Errorf("hits = %d", len(hits))
			}
			for i, h := range hits {
				if len(h.Passage.Sentences) == 0 || h.Passage.ArticleID == "" {
					t.Errorf("hit %d is empty: %+v", i, h)
				}
				if i > 0 && h.Score > hits[i-1].Score {
					t.Errorf("hits not ordered by score")
				}
			}
		})
	}
	if terms := x.queryTerms(long); len(terms) > maxQueryTerms {
		t.Errorf("query terms not capped: %d", len(terms))
	}
	hits, err := x.Search(ctx, "storm", 2)
	if err != nil || len(hits) != 2 {
		t.Errorf("limit 2 gave %d hits, %v", len(hits), err)
	}
}

func TestSyncWhileSearching(t *testing.T) {
	files := map[string]string{}
	for i := range 30 {
		files[fmt.Sprintf("a%02d.txt", i)] = fmt.Sprintf("Report %d\n\nThe river level reached %d centimetres at gauge %d.", i, 100+i, i)
	}
	f := newFixture(t, files)
	x := f.open(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var searches atomic.Int64
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if _, err := x.Search(ctx, "river level gauge", 10); err != nil && ctx.Err() == nil {
					t.Error(err)
					return
				}
				searches.Add(1)
			}
		}()
	}
	for i := range 5 {
		writeCorpus(t, f.corpus, map[string]string{fmt.Sprintf("a%02d.txt", i): fmt.Sprintf("Report %d\n\nThe river level fell to %d centimetres.", i, 50+i)})
		_ = os.Remove(filepath.Join(f.corpus, fmt.Sprintf("a%02d.txt", 29-i)))
		if _, err := x.Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	wg.Wait()
	if searches.Load() == 0 {
		t.Error("no search ran")
	}
	if n := x.Len(); n != 25 {
		t.Errorf("articles = %d, want 25", n)
	}
}

func TestSampleCorpus(t *testing.T) {
	start := time.Now()
	x, err := Open(context.Background(), Options{DataDir: t.TempDir(), Name: "sample", Corpus: sample.FS(), Root: "built-in sample"})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("indexing the sample took %v", d)
	}
	if x.Len() != 5 {
		t.Errorf("sample has %d articles", x.Len())
	}
	hits, err := x.Search(context.Background(), "Who is the NATO Secretary General?", 5)
	if err != nil || len(hits) == 0 || !strings.Contains(hits[0].Passage.Text(), "Secretary General") {
		t.Errorf("hits = %+v, %v", hits, err)
	}
}

func TestCorpusName(t *testing.T) {
	a, b := CorpusName("/tmp/news/story"), CorpusName("/srv/news/story")
	if a == b || !strings.HasPrefix(a, "story-") {
		t.Errorf("names %q, %q", a, b)
	}
	if CorpusName("/tmp/news/story") != a {
		t.Error("not stable")
	}
	if n := CorpusName("/"); strings.ContainsAny(n, "/\\ ") || n == "" {
		t.Errorf("root name %q", n)
	}
	if d, err := DefaultDataDir(); err == nil && !strings.HasSuffix(d, "storybot") {
		t.Errorf("DefaultDataDir = %q", d)
	}
}

func TestDataDirInUse(t *testing.T) {
	f := newFixture(t, map[string]string{"a.txt": "Head\n\nText."})
	f.open(t)
	opt := f.options()
	_, err := Open(context.Background(), opt)
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("second Open err = %v", err)
	}
}

func TestLedgerVersionChangeRecomputes(t *testing.T) {
	f := newFixture(t, map[string]string{"a.txt": "Head A\n\nAt least 40 people were hurt."})
	var calls atomic.Int64
	ledger := func(ctx context.Context, ps []bot.Passage) ([]bot.Conflict, error) {
		calls.Add(1)
		return nil, nil
	}
	steps := []struct {
		version string
		want    int64
	}{
		{"1", 1}, // first use computes it
		{"1", 1}, // same rules, unchanged corpus: kept
		{"2", 2}, // new rules: recomputed though no article changed
		{"2", 2},
	}
	for i, st := range steps {
		x := f.open(t, func(o *Options) { o.Ledger = ledger; o.LedgerVersion = st.version })
		if _, err := x.Ledger(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := calls.Load(); got != st.want {
			t.Fatalf("step %d (version %s): ledger calls = %d, want %d", i, st.version, got, st.want)
		}
		_ = x.Close()
	}
}

// countingLedger is a Ledger that reports one numeric conflict between the
// first two articles it sees and counts its runs and passages.
type countingLedger struct {
	calls, seen atomic.Int64
	// When gate is set, each run signals entered, then waits for a value.
	gate, entered chan struct{}
}

func (l *countingLedger) run(ctx context.Context, ps []bot.Passage) ([]bot.Conflict, error) {
	if l.gate != nil {
		l.entered <- struct{}{}
		<-l.gate
	}
	l.calls.Add(1)
	l.seen.Store(int64(len(ps)))
	return []bot.Conflict{{Topic: "people hurt", Kind: bot.ConflictNumeric, Positions: []bot.Position{
		{Claim: "at least 40", Articles: []string{"a"}}, {Claim: "some 30", Articles: []string{"b"}},
	}}}, nil
}

func TestLedgerIsNotPartOfSync(t *testing.T) {
	f := newFixture(t, map[string]string{
		"a.txt": "Head A\n\nAt least 40 people were hurt.",
		"b.txt": "Head B\n\nSome 30 people were hurt.",
	})
	l := &countingLedger{}
	var progress []int
	x := f.open(t, func(o *Options) {
		o.Ledger = l.run
		o.Progress = func(done, total int) { progress = append(progress, done, total) }
	})
	if l.calls.Load() != 0 {
		t.Errorf("Open computed the ledger (%d runs)", l.calls.Load())
	}
	if len(progress) < 2 || progress[len(progress)-2] != 2 || progress[len(progress)-1] != 2 {
		t.Errorf("progress = %v", progress)
	}
	// A small corpus gets its ledger on first use, once.
	for range 2 {
		cs, err := x.Conflicts(context.Background())
		if err != nil || len(cs) != 1 || cs[0].Topic != "people hurt" {
			t.Errorf("conflicts = %+v, %v", cs, err)
		}
	}
	if l.calls.Load() != 1 || l.seen.Load() != 2 {
		t.Errorf("ledger runs = %d over %d passages, want 1 over 2", l.calls.Load(), l.seen.Load())
	}
	if _, err := x.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Conflicts(context.Background()); err != nil || l.calls.Load() != 1 {
		t.Errorf("ledger re-run without changes (%d runs, %v)", l.calls.Load(), err)
	}
	_ = x.Close()
	y := f.open(t, func(o *Options) { o.Ledger = l.run })
	if cs, _ := y.Conflicts(context.Background()); len(cs) != 1 || l.calls.Load() != 1 {
		t.Errorf("ledger after restart: %+v, %d runs", cs, l.calls.Load())
	}
	writeCorpus(t, f.corpus, map[string]string{"c.txt": "Head C\n\nMore than 40 people were hurt."})
	if _, err := y.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if l.calls.Load() != 1 {
		t.Errorf("Sync computed the ledger")
	}
	if _, err := y.Conflicts(context.Background()); err != nil || l.calls.Load() != 2 || l.seen.Load() != 3 {
		t.Errorf("ledger after a change: %d runs over %d passages, %v", l.calls.Load(), l.seen.Load(), err)
	}
}

func TestLedgerOfALargeCorpusIsNotComputedByConflicts(t *testing.T) {
	f := newFixture(t, map[string]string{
		"a.txt": "Head A\n\nAt least 40 people were hurt.",
		"b.txt": "Head B\n\nSome 30 people were hurt.",
	})
	l := &countingLedger{}
	x := f.open(t, func(o *Options) { o.Ledger = l.run; o.LedgerInline = 1 })
	cs, err := x.Conflicts(context.Background())
	if err != nil || len(cs) != 0 || l.calls.Load() != 0 {
		t.Errorf("Conflicts on a corpus over LedgerInline = %+v, %v, %d runs; want none, not computed", cs, err, l.calls.Load())
	}
	if !strings.Contains(f.logs.String(), "not built yet") {
		t.Errorf("no notice that the ledger is not built:\n%s", f.logs)
	}
	cs, err = x.Ledger(context.Background())
	if err != nil || len(cs) != 1 || l.calls.Load() != 1 {
		t.Fatalf("Ledger = %+v, %v, %d runs", cs, err, l.calls.Load())
	}
	if cs, _ := x.Conflicts(context.Background()); len(cs) != 1 {
		t.Errorf("Conflicts after Ledger = %+v", cs)
	}
	// After a change, answers keep the earlier ledger until a new one is built.
	writeCorpus(t, f.corpus, map[string]string{"c.txt": "Head C\n\nMore than 40 people were hurt."})
	if _, err := x.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if cs, _ := x.Conflicts(context.Background()); len(cs) != 1 || l.calls.Load() != 1 {
		t.Errorf("Conflicts after a change = %+v with %d runs; want the earlier ledger, not recomputed", cs, l.calls.Load())
	}
}

func TestLedgerInBackground(t *testing.T) {
	f := newFixture(t, map[string]string{
		"a.txt": "Head A\n\nAt least 40 people were hurt.",
		"b.txt": "Head B\n\nSome 30 people were hurt.",
	})
	l := &countingLedger{gate: make(chan struct{}), entered: make(chan struct{}, 1)}
	x := f.open(t, func(o *Options) { o.Ledger = l.run; o.LedgerInline = -1; o.LedgerInBackground = true })
	<-l.entered
	if hits := search(t, x, "people hurt"); len(hits) != 2 {
		t.Errorf("not answerable before the ledger: %q", hits)
	}
	l.gate <- struct{}{}
	waitFor(t, func() bool {
		cs, _ := x.Conflicts(context.Background())
		return len(cs) == 1
	})
	writeCorpus(t, f.corpus, map[string]string{"c.txt": "Head C\n\nMore than 40 people were hurt."})
	if _, err := x.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-l.entered
	l.gate <- struct{}{}
	waitFor(t, func() bool { return l.seen.Load() == 3 })
	// Close while a background run waits: it ends without touching the store.
	writeCorpus(t, f.corpus, map[string]string{"d.txt": "Head D\n\nFifty people were hurt."})
	if _, err := x.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-l.entered
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	l.gate <- struct{}{}
	waitFor(t, func() bool { return l.calls.Load() == 3 })
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestMapFSCorpus(t *testing.T) {
	fsys := fstest.MapFS{
		"one.txt":     {Data: []byte("Head\n\nMeteor seen over the bay.")},
		"dir/two.txt": {Data: []byte("Head\n\nAstronomers confirm the meteor.")},
	}
	x, err := Open(context.Background(), Options{DataDir: t.TempDir(), Name: "mapfs", Corpus: fsys, Root: "map"})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := search(t, x, "meteor"); len(got) != 2 {
		t.Errorf("hits %q", got)
	}
	// No modification times: content hashes decide, so nothing is re-indexed.
	rep, err := x.Sync(context.Background())
	if err != nil || rep.Unchanged != 2 || rep.Passages != 0 {
		t.Errorf("resync = %+v, %v", rep, err)
	}
}

// fakeEmbedder embeds text as a hashed bag of words, counting calls.
type fakeEmbedder struct {
	docs  atomic.Int64
	fail  atomic.Bool
	synon map[string]string // maps words to a shared concept
}

func (e *fakeEmbedder) vec(text string) []float32 {
	v := make([]float32, 64)
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return r < 'a' || r > 'z' }) {
		if s, ok := e.synon[w]; ok {
			w = s
		}
		h := fnv.New32a()
		_, _ = io.WriteString(h, w)
		v[h.Sum32()%64]++
	}
	return v
}

func (e *fakeEmbedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	if e.fail.Load() {
		return nil, errors.New("embedding server down")
	}
	if len(texts) == 0 || len(texts) > embedBatch {
		return nil, fmt.Errorf("bad batch of %d", len(texts))
	}
	e.docs.Add(int64(len(texts)))
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = e.vec(t)
	}
	return out, nil
}

func (e *fakeEmbedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	if e.fail.Load() {
		return nil, errors.New("embedding server down")
	}
	return e.vec(text), nil
}

func TestHybridSearch(t *testing.T) {
	f := newFixture(t, map[string]string{
		"car.txt":  "Head\n\nThe automobile plant closed its doors.",
		"boat.txt": "Head\n\nThe shipyard hired welders.",
		"bank.txt": "Head\n\nThe bank raised interest rates.",
	})
	emb := &fakeEmbedder{synon: map[string]string{"car": "vehicle", "automobile": "vehicle"}}
	x := f.open(t, func(o *Options) { o.Embedder = emb })
	if emb.docs.Load() != 3 {
		t.Errorf("embedded %d passages, want 3", emb.docs.Load())
	}
	// "car" is not in any text: only the vectors find the automobile plant.
	if got := search(t, x, "car factory"); len(got) == 0 || got[0] != "car" {
		t.Errorf("hybrid search = %q, want car first", got)
	}
	// Restart: vectors come from the store, nothing is embedded again.
	_ = x.Close()
	y := f.open(t, func(o *Options) { o.Embedder = emb })
	if emb.docs.Load() != 3 {
		t.Errorf("restart embedded %d more passages", emb.docs.Load()-3)
	}
	writeCorpus(t, f.corpus, map[string]string{"bank.txt": "Head\n\nThe bank cut interest rates."})
	if _, err := y.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if emb.docs.Load() != 4 {
		t.Errorf("after one change embedded %d in total, want 4", emb.docs.Load())
	}
	// A failing embedder degrades to BM25.
	emb.fail.Store(true)
	if got := search(t, y, "shipyard welders"); len(got) == 0 || got[0] != "boat" {
		t.Errorf("BM25 fallback = %q", got)
	}
}

func TestFuseRRF(t *testing.T) {
	a := []ranked{{id: "x"}, {id: "y"}, {id: "z"}}
	b := []ranked{{id: "z"}, {id: "x"}}
	got := fuseRRF(a, b)
	var ids []string
	for _, r := range got {
		ids = append(ids, r.id)
	}
	if !slices.Equal(ids, []string{"x", "z", "y"}) {
		t.Errorf("fused = %q", ids)
	}
	if want := 1.0/61 + 1.0/62; math.Abs(got[0].score-want) > 1e-12 {
		t.Errorf("score = %v, want %v", got[0].score, want)
	}
}

func TestInterruptedSyncLeavesNoOrphans(t *testing.T) {
	f := newFixture(t, map[string]string{
		"keep.txt": "Head\n\nThe lighthouse keeper retired.",
		"gone.txt": "Head\n\nThe orchard flooded twice.",
	})
	// An interrupted first sync: articles stored and indexed, files not
	// recorded (simulated by cancelling right after the last progress call).
	ctx, cancel := context.WithCancel(context.Background())
	x, err := open(ctx, f.options())
	if err != nil {
		t.Fatal(err)
	}
	x.opt.Progress = func(done, total int) {
		if done == total {
			cancel()
		}
	}
	x.opt.Ledger = func(ctx context.Context, _ []bot.Passage) ([]bot.Conflict, error) { return nil, ctx.Err() }
	_, _ = x.Sync(ctx)
	_ = x.db.Update(func(tx *bolt.Tx) error { // make sure no file is recorded
		return tx.DeleteBucket(bucketFiles)
	})
	_ = x.db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucketFiles); return err })
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(f.corpus, "gone.txt")); err != nil {
		t.Fatal(err)
	}
	y := f.open(t)
	if got := search(t, y, "orchard flooded"); len(got) != 0 {
		t.Errorf("orphan article still found: %q", got)
	}
	if _, err := y.Article(context.Background(), "gone"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("orphan article still stored: %v", err)
	}
	if got := search(t, y, "lighthouse keeper"); len(got) != 1 {
		t.Errorf("kept article: %q", got)
	}
}

func TestSearchVectorsTopK(t *testing.T) {
	emb := &fakeEmbedder{}
	x := &Index{opt: Options{Embedder: emb}, log: slog.New(slog.DiscardHandler), vecs: map[string][]float32{}}
	want := []ranked{}
	for i := range 200 {
		v := make([]float32, 64)
		v[0] = float32(i)
		v[1] = 1
		id := fmt.Sprintf("d%03d", i)
		x.vecs[id] = normalized(v)
	}
	q := make([]float32, 64)
	q[0] = 1
	for id, v := range x.vecs {
		want = append(want, ranked{id: id, score: float64(v[0] * normalized(q)[0])})
	}
	slices.SortFunc(want, func(a, b ranked) int {
		if a.score != b.score {
			if a.score > b.score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.id, b.id)
	})
	emb.synon = nil
	got := x.searchVectorsFor(q, 7)
	var gi, wi []string
	for i := range got {
		gi = append(gi, got[i].id)
		wi = append(wi, want[i].id)
	}
	if len(got) != 7 || !slices.Equal(gi, wi) {
		t.Errorf("top 7 = %q, want %q", gi, wi)
	}
}
