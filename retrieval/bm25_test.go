package retrieval

import (
	"bytes"
	"context"
	"fmt"
	"hash/crc32"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testDoc is a passage for segment tests.
type testDoc struct {
	article string
	passage int
	terms   []string // with repeats
}

func buildTestSegment(t *testing.T, old *bm25Seg, drop map[string]bool, docs []testDoc, gen uint64) *bm25Seg {
	t.Helper()
	b := newSegBuilder(newTermDict())
	for _, d := range docs {
		addTestDoc(b, d.article, d.passage, d.terms)
	}
	if old == nil {
		old = emptySegment(0)
	}
	data, err := mergeSegment(old, drop, b, gen)
	if err != nil {
		t.Fatal(err)
	}
	s, err := decodeSegment(data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// bruteForce scores docs the way bleve's BM25 does, from the definitions.
func bruteForce(docs []testDoc, query []string, k int) []scoredDoc {
	vocab := map[string]bool{}
	df := map[string]int{}
	for _, d := range docs {
		seen := map[string]bool{}
		for _, t := range d.terms {
			vocab[t] = true
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	n := float64(len(docs))
	avg := math.Ceil(float64(len(vocab)) / n)
	idf := func(t string) float64 { return math.Log(1 + (n-float64(df[t])+0.5)/(float64(df[t])+0.5)) }
	sumSq := 0.0
	for _, q := range query {
		sumSq += idf(q) * idf(q)
	}
	var out []scoredDoc
	for i, d := range docs {
		sum, matched := 0.0, 0
		for _, q := range query {
			tf := 0
			for _, t := range d.terms {
				if t == q {
					tf++
				}
			}
			if tf == 0 {
				continue
			}
			matched++
			norm := float64(float32(1 / math.Sqrt(float64(len(d.terms)))))
			fl := 1 / (norm * norm)
			sq := math.Sqrt(float64(tf))
			sum += idf(q) * idf(q) / math.Sqrt(sumSq) * sq * 1.2 / (sq + 1.2*(0.25+0.75*fl/avg))
		}
		if matched > 0 {
			out = append(out, scoredDoc{uint32(i), sum * float64(matched) / float64(len(query))})
		}
	}
	slices.SortFunc(out, func(a, b scoredDoc) int {
		if better(a, b) {
			return -1
		}
		return 1
	})
	return out[:min(k, len(out))]
}

func randomDocs(r *rand.Rand, articles int, prefix string) []testDoc {
	words := strings.Fields("harbour ferry storm crane bridge ship pier council mayor vote tanker river port wind rain closed opened")
	var docs []testDoc
	for a := range articles {
		for p := range 1 + r.IntN(3) {
			var ts []string
			for range 1 + r.IntN(30) {
				ts = append(ts, words[r.IntN(len(words))])
			}
			docs = append(docs, testDoc{fmt.Sprintf("%s%03d", prefix, a), p, ts})
		}
	}
	return docs
}

func TestSegmentScoresAsBM25(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	docs := randomDocs(r, 60, "a")
	s := buildTestSegment(t, nil, nil, docs, 1)
	if s.nDocs != len(docs) || s.gen != 1 {
		t.Fatalf("segment has %d docs, generation %d", s.nDocs, s.gen)
	}
	for _, q := range [][]string{{"harbour"}, {"ferry", "storm"}, {"crane", "missing", "vote"}, {"river", "port", "wind", "rain"}} {
		got := s.search(q, 10, scoringBM25)
		want := bruteForce(docs, q, 10)
		if len(got) != len(want) {
			t.Fatalf("%q: %d results, want %d", q, len(got), len(want))
		}
		for i := range got {
			if got[i].doc != want[i].doc || math.Abs(got[i].score-want[i].score) > 1e-9*want[i].score {
				t.Errorf("%q result %d = %+v, want %+v", q, i, got[i], want[i])
			}
		}
	}
	if got := s.search([]string{"absent"}, 10, scoringBM25); len(got) != 0 {
		t.Errorf("a missing term found %v", got)
	}
}

// TestSegmentMerge checks that building the next segment from the current
// one (dropping changed and removed articles, adding new passages) gives
// the same index as building it from scratch.
func TestSegmentMerge(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	first := randomDocs(r, 40, "a")
	s1 := buildTestSegment(t, nil, nil, first, 1)
	// Change a005 and a017, remove a020..a024, add b000..b009.
	drop := map[string]bool{"a005": true, "a017": true}
	for i := 20; i < 25; i++ {
		drop[fmt.Sprintf("a%03d", i)] = true
	}
	var kept []testDoc
	for _, d := range first {
		if !drop[d.article] {
			kept = append(kept, d)
		}
	}
	added := append(randomDocs(r, 2, "a005x"), randomDocs(r, 10, "b")...)
	s2 := buildTestSegment(t, s1, drop, added, 2)
	scratch := buildTestSegment(t, nil, nil, append(slices.Clone(kept), added...), 2)
	if s2.nDocs != scratch.nDocs || s2.nTerms != scratch.nTerms || s2.totalLen != scratch.totalLen {
		t.Fatalf("merged: %d docs %d terms %d length; from scratch: %d %d %d", s2.nDocs, s2.nTerms, s2.totalLen, scratch.nDocs, scratch.nTerms, scratch.totalLen)
	}
	for d := range s2.nDocs {
		a1, p1, l1 := s2.doc(d)
		a2, p2, l2 := scratch.doc(d)
		if a1 != a2 || p1 != p2 || l1 != l2 {
			t.Fatalf("doc %d: merged %s#%d (%d), scratch %s#%d (%d)", d, a1, p1, l1, a2, p2, l2)
		}
	}
	for i := range s2.nTerms {
		df1, p1 := s2.postings(i)
		df2, p2 := scratch.postings(i)
		if string(s2.term(i)) != string(scratch.term(i)) || df1 != df2 || string(p1) != string(p2) {
			t.Errorf("term %d %q differs from scratch %q", i, s2.term(i), scratch.term(i))
		}
	}
	// Removing everything leaves an empty index.
	all := map[string]bool{}
	for d := range s2.nDocs {
		a, _, _ := s2.doc(d)
		all[a] = true
	}
	if empty := buildTestSegment(t, s2, all, nil, 3); empty.nDocs != 0 || empty.nTerms != 0 {
		t.Errorf("after removing all: %d docs, %d terms", empty.nDocs, empty.nTerms)
	}
}

func TestDecodeSegmentRejectsDamage(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	b := newSegBuilder(newTermDict())
	for _, d := range randomDocs(r, 5, "a") {
		addTestDoc(b, d.article, d.passage, d.terms)
	}
	data, err := mergeSegment(emptySegment(0), nil, b, 7)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeSegment(data); err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int{0, 10, bm25Header, len(data) / 2, len(data) - 1} {
		if _, err := decodeSegment(data[:cut]); err == nil {
			t.Errorf("a file cut at %d bytes decoded", cut)
		}
	}
	for _, at := range []int{9, 20, bm25Header + 3, len(data) / 2, len(data) - 5} {
		bad := slices.Clone(data)
		bad[at] ^= 0x40
		if _, err := decodeSegment(bad); err == nil {
			t.Errorf("a file with byte %d flipped decoded", at)
		}
	}
}

func FuzzDecodeSegment(f *testing.F) {
	b := newSegBuilder(newTermDict())
	addTestDoc(b, "a", 0, []string{"x", "y", "x"})
	data, _ := mergeSegment(emptySegment(0), nil, b, 1)
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		// Recompute the checksum so the fuzzer reaches the structure checks.
		if len(data) >= 4 {
			body := data[:len(data)-4]
			data = append(slices.Clone(body), 0, 0, 0, 0)
			sum := crc32Castagnoli(body)
			data[len(data)-4], data[len(data)-3], data[len(data)-2], data[len(data)-1] = byte(sum), byte(sum>>8), byte(sum>>16), byte(sum>>24)
		}
		s, err := decodeSegment(data)
		if err != nil {
			return
		}
		for d := range s.nDocs {
			s.doc(d)
		}
		for i := range s.nTerms {
			s.postings(i)
			s.term(i)
		}
		s.search([]string{"x", "y"}, 5, scoringBM25)
	})
}

// TestIndexFileRebuilt: a missing, damaged or stale index file is rebuilt
// from the stored passages, with the same results and without re-reading
// the corpus.
func TestIndexFileRebuilt(t *testing.T) {
	f := newFixture(t, basicCorpus)
	x := f.open(t)
	want := search(t, x, "harbour ferry")
	if len(want) == 0 {
		t.Fatal("no hits")
	}
	dir := x.Dir()
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, bm25File)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	stale := slices.Clone(good)
	stale[8]++ // generation
	stale = append(stale[:len(stale)-4], 0, 0, 0, 0)
	sum := crc32Castagnoli(stale[:len(stale)-4])
	stale[len(stale)-4], stale[len(stale)-3], stale[len(stale)-2], stale[len(stale)-1] = byte(sum), byte(sum>>8), byte(sum>>16), byte(sum>>24)
	damaged := slices.Clone(good)
	damaged[len(damaged)/2] ^= 0xff
	for name, content := range map[string][]byte{"missing": nil, "damaged": damaged, "stale": stale, "empty": {}} {
		t.Run(name, func(t *testing.T) {
			if content == nil {
				_ = os.Remove(path)
			} else if err := os.WriteFile(path, content, 0o644); err != nil {
				t.Fatal(err)
			}
			f.logs.Reset()
			y := f.open(t)
			defer y.Close()
			if got := search(t, y, "harbour ferry"); !slices.Equal(got, want) {
				t.Errorf("after rebuild %q, want %q", got, want)
			}
			if n := y.indexed.Load(); n != 0 {
				t.Errorf("the corpus was re-indexed (%d passages); the index should come from the store", n)
			}
			if name != "missing" && !strings.Contains(f.logs.String(), "rebuilt from the stored passages") {
				t.Errorf("no warning logged: %s", f.logs)
			}
			if again, err := os.ReadFile(path); err != nil || !slices.Equal(again, good) {
				t.Errorf("the rebuilt file differs from the original (%v)", err)
			}
		})
	}
}

// TestIncrementalSyncMatchesScratch: adding, changing and removing articles gives the
// same search results as indexing the final corpus from scratch.
func TestIncrementalSyncMatchesScratch(t *testing.T) {
	files := maps.Clone(basicCorpus)
	f := newFixture(t, files)
	x := f.open(t)
	ctx := context.Background()
	writeCorpus(t, f.corpus, map[string]string{"new.json": `{"id": "new-1", "text": "The ferry to the harbour sails again after the storm, the port said."}`})
	writeCorpus(t, f.corpus, map[string]string{"alpha.txt": "Harbour storm\n\nThe harbour crane fell in the storm; the ferry waited."})
	if err := os.Remove(filepath.Join(f.corpus, "items", "epsilon.json")); err != nil {
		t.Fatal(err)
	}
	rep, err := x.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 1 || rep.Changed != 1 || rep.Removed != 1 {
		t.Errorf("report %+v, want 1 added, 1 changed, 1 removed", rep)
	}
	queries := []string{"harbour ferry", "storm crane", "port said", "volunteers debris", "storm damaged piers"}
	var got [][]string
	for _, q := range queries {
		got = append(got, search(t, x, q))
	}
	fresh := &fixture{corpus: f.corpus, data: t.TempDir(), clock: f.clock, logs: &bytes.Buffer{}}
	y := fresh.open(t)
	for i, q := range queries {
		if want := search(t, y, q); !slices.Equal(got[i], want) {
			t.Errorf("%q after sync %q, from scratch %q", q, got[i], want)
		}
	}
}

func crc32Castagnoli(b []byte) uint32 { return crc32.Checksum(b, crcTable) }

// addTestDoc adds a passage given by its terms (with repeats) to b.
func addTestDoc(b *segBuilder, article string, passage int, terms []string) {
	ids := make([]uint32, len(terms))
	for i, t := range terms {
		ids[i] = b.dict.id(t)
	}
	a := &analyzer{dict: b.dict}
	b.add(article, passage, len(terms), a.count(ids))
}
