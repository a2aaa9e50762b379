package retrieval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/retrieval/sample"
)

// benchArticles is the size of the generated benchmark corpus.
const benchArticles = 20000

var (
	benchOnce   sync.Once
	benchCorpus string // directory of generated articles
	benchData   string // data directory with the corpus indexed
	benchErr    error
	benchRoot   string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchRoot != "" {
		_ = os.RemoveAll(benchRoot)
	}
	os.Exit(code)
}

// samplePool returns the sentences of the sample articles.
func samplePool(tb testing.TB) []string {
	var pool []string
	err := fs.WalkDir(sample.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(sample.FS(), p)
		if err != nil {
			return err
		}
		for para := range strings.SplitSeq(normalizeText(string(data)), "\n\n") {
			for _, s := range splitSentences(para) {
				if len(s) > 30 {
					pool = append(pool, s)
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return pool
}

var (
	benchFirst  = strings.Fields("Anna Boris Carla Dmitri Elena Farid Greta Hassan Irina Jonas Kofi Lena Marco Nadia Omar Petra Quentin Rosa Samir Tanja Umar Vera Walter Xenia Yusuf Zofia Aiko Bram Chen Dara")
	benchLast   = strings.Fields("Adler Brandt Castillo Dubois Eriksen Fischer Gallo Horvat Ivanova Jansen Kowalski Lindqvist Moreau Novak Okafor Petrov Quinn Rossi Schmidt Tanaka Usman Varga Weber Yilmaz Zeller Haddad Mensah Silva Kim Ortega")
	benchPlaces = strings.Fields("Lisbon Gdansk Tampere Brno Varna Kaunas Split Graz Bergen Aarhus Lyon Porto Malmo Ghent Turin Cluj Riga Tartu Kosice Ljubljana")
	benchVerbs  = strings.Fields("announced confirmed denied reported warned estimated claimed disputed revealed insisted")
	benchNouns  = strings.Fields("ceasefire convoy tariff pipeline referendum blockade evacuation embargo shipment inquiry reactor harbour subsidy quota airlift corridor treaty budget strike vaccine")
)

// pseudoWord makes a pronounceable rare word so the vocabulary is large.
func pseudoWord(r *rand.Rand) string {
	syl := []string{"ka", "lo", "mer", "tin", "dra", "vo", "sel", "qui", "ban", "tor", "lin", "ze", "pra", "gul", "fen", "ro"}
	n := 2 + r.IntN(3)
	var b strings.Builder
	for range n {
		b.WriteString(syl[r.IntN(len(syl))])
	}
	return b.String()
}

func benchName(r *rand.Rand) string {
	return benchFirst[r.IntN(len(benchFirst))] + " " + benchLast[r.IntN(len(benchLast))]
}

// benchQueries returns n varied questions.
func benchQueries(pool []string, n int) []string {
	r := rand.New(rand.NewPCG(7, 11))
	templates := []string{
		"What did %[1]s say about the %[2]s?",
		"How many people were affected by the %[2]s in %[3]s?",
		"Who %[4]s the %[2]s?",
		"When did %[1]s visit %[3]s?",
		"Is the %[2]s over in %[3]s?",
	}
	out := make([]string, 0, n)
	for i := range n {
		if i%4 == 3 {
			words := strings.Fields(pool[r.IntN(len(pool))])
			k := min(len(words), 4+r.IntN(6))
			out = append(out, strings.Join(words[:k], " ")+"?")
			continue
		}
		t := templates[r.IntN(len(templates))]
		out = append(out, fmt.Sprintf(t, benchName(r), benchNouns[r.IntN(len(benchNouns))], benchPlaces[r.IntN(len(benchPlaces))], benchVerbs[r.IntN(len(benchVerbs))]))
	}
	return out
}

// generateCorpus returns the benchmark corpus, written once with a fixed
// seed in the shape of ../shared/perf/make_corpus.py: one feed.jsonl of
// benchArticles articles, each 8 to 16 long real sentences (the sample
// story's, and generated ones naming people, places, numbers and rare
// words), with title, outlet, URL and a date within 60 days.
// STORYBOT_BENCH_CORPUS names another corpus directory to use instead
// (e.g. the output of make_corpus.py).
func generateCorpus(tb testing.TB) string {
	benchOnce.Do(func() {
		benchRoot, benchErr = os.MkdirTemp("", "storybot-bench-")
		if benchErr != nil {
			return
		}
		if dir := os.Getenv("STORYBOT_BENCH_CORPUS"); dir != "" {
			benchCorpus = dir
			return
		}
		benchCorpus = filepath.Join(benchRoot, "corpus")
		if benchErr = os.MkdirAll(benchCorpus, 0o755); benchErr != nil {
			return
		}
		var b strings.Builder
		for _, line := range genFeed(samplePool(tb), 0, benchArticles) {
			b.WriteString(line)
			b.WriteByte('\n')
		}
		benchErr = os.WriteFile(filepath.Join(benchCorpus, "feed.jsonl"), []byte(b.String()), 0o644)
	})
	if benchErr != nil {
		tb.Fatal(benchErr)
	}
	return benchCorpus
}

// genFeed returns n JSON lines of articles from, first, from..from+n-1.
func genFeed(pool []string, from, n int) []string {
	r := rand.New(rand.NewPCG(2025, uint64(12+from)))
	t0 := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)
	out := make([]string, 0, n)
	for i := from; i < from+n; i++ {
		k := 8 + r.IntN(9)
		sents := make([]string, k)
		for j := range sents {
			if r.IntN(3) == 0 {
				sents[j] = fmt.Sprintf("%s %s that %d %s were affected near %s on day %d of the %s, according to officials who spoke on condition of anonymity.", benchName(r), benchVerbs[r.IntN(len(benchVerbs))], 10+r.IntN(90000), benchNouns[r.IntN(len(benchNouns))], benchPlaces[r.IntN(len(benchPlaces))], 1+r.IntN(300), pseudoWord(r))
			} else {
				sents[j] = pool[r.IntN(len(pool))]
			}
		}
		title := strings.Fields(sents[0])
		title = title[:min(9, len(title))]
		line, _ := json.Marshal(map[string]string{
			"id":        fmt.Sprintf("gen-%07d", i),
			"title":     strings.TrimRight(strings.Join(title, " "), ",.;:"),
			"outlet":    "Outlet " + string(rune('A'+r.IntN(26))),
			"url":       fmt.Sprintf("https://news.example/%d", i),
			"published": t0.Add(time.Duration(r.IntN(60*24*60)) * time.Minute).Format(time.RFC3339),
			"text":      strings.Join(sents, " "),
		})
		out = append(out, string(line))
	}
	return out
}

// peakRSSMB reads the process's peak resident set size (VmHWM).
func peakRSSMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.Sys) / (1 << 20)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

func benchOptions(corpus, data string) Options {
	return Options{DataDir: data, Name: "bench", Corpus: os.DirFS(corpus), Root: corpus, Now: func() time.Time { return time.Unix(1765800000, 0) }}
}

// indexedBenchData returns a data directory holding the indexed corpus.
func indexedBenchData(b *testing.B) string {
	corpus := generateCorpus(b)
	if benchData == "" {
		data := filepath.Join(benchRoot, "data")
		x, err := Open(context.Background(), benchOptions(corpus, data))
		if err != nil {
			b.Fatal(err)
		}
		if err := x.Close(); err != nil {
			b.Fatal(err)
		}
		benchData = data
	}
	return benchData
}

// BenchmarkIngest indexes the 20,000-article corpus from scratch.
func BenchmarkIngest(b *testing.B) {
	corpus := generateCorpus(b)
	b.ReportAllocs()
	var total time.Duration
	for i := 0; b.Loop(); i++ {
		data := filepath.Join(benchRoot, "ingest-"+strconv.Itoa(i))
		start := time.Now()
		x, err := Open(context.Background(), benchOptions(corpus, data))
		if err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		if n := x.Len(); n < benchArticles && os.Getenv("STORYBOT_BENCH_CORPUS") == "" {
			b.Fatalf("indexed %d articles, want %d", n, benchArticles)
		}
		_ = x.Close()
		_ = os.RemoveAll(data)
	}
	b.ReportMetric(float64(benchArticles)*float64(b.N)/total.Seconds(), "articles/s")
	b.ReportMetric(total.Seconds()/float64(b.N), "s/ingest")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}

// BenchmarkRestart opens the already indexed corpus: no re-indexing.
func BenchmarkRestart(b *testing.B) {
	data := indexedBenchData(b)
	b.ReportAllocs()
	var worst time.Duration
	for b.Loop() {
		start := time.Now()
		x, err := Open(context.Background(), benchOptions(benchCorpus, data))
		if err != nil {
			b.Fatal(err)
		}
		worst = max(worst, time.Since(start))
		if n := x.indexed.Load(); n != 0 {
			b.Fatalf("restart re-indexed %d passages", n)
		}
		_ = x.Close()
	}
	b.ReportMetric(worst.Seconds()*1000, "worst-ms")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}

// BenchmarkReingestUnchanged syncs the indexed corpus again with nothing
// changed: files are compared by size and time, nothing is read.
func BenchmarkReingestUnchanged(b *testing.B) {
	data := indexedBenchData(b)
	x, err := Open(context.Background(), benchOptions(benchCorpus, data))
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	for b.Loop() {
		rep, err := x.Sync(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if rep.Added+rep.Changed+rep.Removed != 0 {
			b.Fatalf("unchanged corpus changed: %+v", rep)
		}
	}
}

// BenchmarkAdd100 adds 100 articles to the indexed corpus (one new file)
// and removes them again; each sync merges the change into the index.
func BenchmarkAdd100(b *testing.B) {
	if os.Getenv("STORYBOT_BENCH_CORPUS") != "" {
		b.Skip("writes into the corpus: not on a STORYBOT_BENCH_CORPUS")
	}
	data := indexedBenchData(b)
	x, err := Open(context.Background(), benchOptions(benchCorpus, data))
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	extra := filepath.Join(benchCorpus, "extra-bench.jsonl")
	defer os.Remove(extra)
	lines := strings.Join(genFeed(samplePool(b), 10_000_000, 100), "\n") + "\n"
	var worst time.Duration
	for b.Loop() {
		if err := os.WriteFile(extra, []byte(lines), 0o644); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		rep, err := x.Sync(context.Background())
		worst = max(worst, time.Since(start))
		if err != nil || rep.Added != 100 {
			b.Fatalf("add: %+v, %v", rep, err)
		}
		b.StopTimer()
		if err := os.Remove(extra); err != nil {
			b.Fatal(err)
		}
		if rep, err := x.Sync(context.Background()); err != nil || rep.Removed != 100 {
			b.Fatalf("remove: %+v, %v", rep, err)
		}
		b.StartTimer()
	}
	b.ReportMetric(worst.Seconds()*1000, "worst-ms")
}

// BenchmarkAnswer answers 1,000 varied questions with bot.Service (the
// extractive composer, no language model) over the indexed corpus:
// retrieval plus composition, the latency a user sees.
func BenchmarkAnswer(b *testing.B) {
	data := indexedBenchData(b)
	x, err := Open(context.Background(), benchOptions(benchCorpus, data))
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	svc, err := bot.NewService(bot.Options{Retriever: x, Store: x})
	if err != nil {
		b.Fatal(err)
	}
	queries := benchQueries(samplePool(b), 1000)
	ctx := context.Background()
	lat := make([]time.Duration, 0, len(queries))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		start := time.Now()
		a, err := svc.Answer(ctx, bot.Question{Text: queries[i%len(queries)]})
		lat = append(lat, time.Since(start))
		if err != nil || len(a.Sentences) == 0 {
			b.Fatalf("answer %+v, %v", a, err)
		}
		i++
	}
	for ; i < len(queries); i++ {
		start := time.Now()
		if _, err := svc.Answer(ctx, bot.Question{Text: queries[i]}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}

// BenchmarkSearch runs 1,000 varied questions against the indexed corpus,
// reporting latency percentiles over them.
func BenchmarkSearch(b *testing.B) {
	data := indexedBenchData(b)
	x, err := Open(context.Background(), benchOptions(benchCorpus, data))
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	queries := benchQueries(samplePool(b), 1000)
	ctx := context.Background()
	lat := make([]time.Duration, 0, len(queries))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q := queries[i%len(queries)]
		i++
		start := time.Now()
		hits, err := x.Search(ctx, q, 20)
		lat = append(lat, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		_ = hits
	}
	// Make sure the percentiles cover all 1,000 questions at least once.
	for ; i < len(queries); i++ {
		start := time.Now()
		if _, err := x.Search(ctx, queries[i], 20); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}

// benchArticleSample returns the first n articles of the benchmark corpus's
// feed (or of the first .jsonl file of STORYBOT_BENCH_CORPUS).
func benchArticleSample(b *testing.B, n int) []bot.Article {
	corpus := generateCorpus(b)
	var feed string
	_ = filepath.WalkDir(corpus, func(p string, d fs.DirEntry, err error) error {
		if err == nil && feed == "" && strings.HasSuffix(p, ".jsonl") {
			feed = p
		}
		return err
	})
	f, err := os.Open(feed)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var lines strings.Builder
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for i := 0; i < n && sc.Scan(); i++ {
		lines.WriteString(sc.Text())
		lines.WriteByte('\n')
	}
	arts := parseFile("feed.jsonl", []byte(lines.String())).articles
	if len(arts) == 0 {
		b.Fatal("no articles")
	}
	return arts
}

// BenchmarkSplitPassages splits 1,000 articles into passages and sentences.
func BenchmarkSplitPassages(b *testing.B) {
	arts := benchArticleSample(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		for _, a := range arts {
			splitPassages(a)
		}
	}
}

// BenchmarkAnalysePassages turns the passages of 1,000 articles into index
// terms (with a warm piece cache, as in the middle of an ingest).
func BenchmarkAnalysePassages(b *testing.B) {
	arts := benchArticleSample(b, 1000)
	pss := make([][]bot.Passage, len(arts))
	for i, a := range arts {
		pss[i], _ = splitPassages(a)
	}
	an, err := newAnalyzer(newTermDict())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, ps := range pss {
			an.passages(ps)
		}
	}
}
