package bot

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/bot/claims"
)

var cfSentEnd = regexp.MustCompile(`[.!?]["”’]?\s+`)

// testSplit splits text into sentences (not after "U.S." or "Mr."), and
// groups them into passages of three, like the retrieval package does.
func cfSplit(id, text string) []Passage {
	var sents []string
	for _, para := range strings.Split(text, "\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		start := 0
		for _, m := range cfSentEnd.FindAllStringIndex(para, -1) {
			words := strings.Fields(para[start:m[0]])
			if len(words) > 0 {
				w := words[len(words)-1]
				if len(w) <= 3 && w[0] >= 'A' && w[0] <= 'Z' || strings.Contains(w, ".") {
					continue
				}
			}
			sents = append(sents, strings.TrimSpace(para[start:m[1]]))
			start = m[1]
		}
		if rest := strings.TrimSpace(para[start:]); rest != "" {
			sents = append(sents, rest)
		}
	}
	var ps []Passage
	for i := 0; i < len(sents); i += 3 {
		ps = append(ps, Passage{ArticleID: id, Index: len(ps), Sentences: sents[i:min(i+3, len(sents))]})
	}
	return ps
}

func cfLoad(t testing.TB, dir string) []Passage {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus in %s: %v", dir, err)
	}
	var ps []Passage
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if strings.HasPrefix(text, "---\n") {
			if i := strings.Index(text[4:], "\n---\n"); i >= 0 {
				text = text[4+i+5:]
			}
		}
		ps = append(ps, cfSplit(strings.TrimSuffix(filepath.Base(f), ".txt"), text)...)
	}
	return ps
}

func cfHits(ps []Passage) []Hit {
	hs := make([]Hit, len(ps))
	for i, p := range ps {
		hs[i] = Hit{Passage: p, Score: 1}
	}
	return hs
}

// cfTop ranks passages by the question terms they hold (a stand-in for the
// retriever) and keeps the best n.
func cfTop(q string, hits []Hit, n int) []Hit {
	qt := claims.Terms(q)
	type scored struct {
		h Hit
		s int
	}
	var ss []scored
	for _, h := range hits {
		pt := claims.Terms(h.Passage.Text())
		ss = append(ss, scored{h, matches(pt, qt)})
	}
	sort.SliceStable(ss, func(i, j int) bool { return ss[i].s > ss[j].s })
	var out []Hit
	for i := 0; i < len(ss) && i < n; i++ {
		out = append(out, ss[i].h)
	}
	return out
}

func cfDescribe(cs []Conflict) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(FormatConflict(c))
		b.WriteString("; ")
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}

func TestRelevantConflictsNeedsBothSidesInHits(t *testing.T) {
	ps := cfLoad(t, "../retrieval/sample/seed-story")
	ledger, err := DetectConflicts(context.Background(), ps)
	if err != nil {
		t.Fatal(err)
	}
	q := Question{Text: "which NATO secretary general was Zelensky talking with?"}
	var one []Passage
	for _, p := range ps {
		if p.ArticleID == "000_594ce857ad291df7" {
			one = append(one, p)
		}
	}
	if got := RelevantConflicts(q, cfHits(one), ledger); len(got) != 0 {
		t.Errorf("one side only among hits: got %s", cfDescribe(got))
	}
	if got := RelevantConflicts(q, nil, ledger); got != nil {
		t.Errorf("no hits: got %s", cfDescribe(got))
	}
	if got := RelevantConflicts(q, cfHits(ps), nil); got != nil {
		t.Errorf("no ledger: got %s", cfDescribe(got))
	}
	if got := RelevantConflicts(q, cfHits(ps), ledger); len(got) != 1 || got[0].Kind != ConflictRole {
		t.Errorf("want the role conflict, got %s", cfDescribe(got))
	}
}

func TestDetectConflictsNoDisagreement(t *testing.T) {
	ps := []Passage{
		{ArticleID: "a", Sentences: []string{"The bridge reopened on Monday after repairs costing $2 million.", "Mayor Ana Silva cut the ribbon."}},
		{ArticleID: "b", Sentences: []string{"Repairs to the bridge cost about $2 million, and it reopened on Monday.", "Mayor Ana Silva attended."}},
	}
	got, err := DetectConflicts(context.Background(), ps)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("consistent reports gave conflicts: %s", cfDescribe(got))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := DetectConflicts(ctx, ps); err == nil {
		t.Error("cancelled context: want an error")
	}
}

// cfCorpus generates a synthetic corpus of n articles with a fixed seed:
// sentences mixing figures, roles, status cues, settings and negations.
func cfCorpus(n int) []Passage {
	r := rand.New(rand.NewSource(42))
	words := strings.Fields(`harbour council budget bridge school river storm flood police hospital market train station
factory union strike teachers nurses plan vote election museum festival airport tunnel road water power
energy prices rent housing park stadium contract report inquiry court judge ship port farm crop wheat`)
	names := strings.Fields(`Ana Silva Tomas Berg Lena Ortiz Omar Haddad Mia Novak Ivan Petrov Sara Cohen Ken Mori`)
	w := func() string { return words[r.Intn(len(words))] }
	nm := func() string { return names[r.Intn(len(names)/2)*2] + " " + names[r.Intn(len(names)/2)*2+1] }
	templates := []func() string{
		func() string {
			return fmt.Sprintf("At least %d people were hurt when the %s near the %s collapsed, officials said.", r.Intn(90)+1, w(), w())
		},
		func() string {
			return fmt.Sprintf("The %s %s, %s, said the %s would cost about $%d million.", w(), "director", nm(), w(), r.Intn(500)+1)
		},
		func() string { return fmt.Sprintf("City Mayor %s has formally suspended the %s %s.", nm(), w(), w()) },
		func() string {
			return fmt.Sprintf("The %s board may suspend the %s %s if the %s fails.", w(), w(), w(), w())
		},
		func() string {
			return fmt.Sprintf("%s told reporters in a video call that the %s was not ready.", nm(), w())
		},
		func() string {
			return fmt.Sprintf("Some %d percent of the %s was under water on %s.", r.Intn(100), w(), []string{"Monday", "Tuesday"}[r.Intn(2)])
		},
		func() string { return fmt.Sprintf("The %s and the %s were discussed at length.", w(), w()) },
	}
	ps := make([]Passage, 0, n*10)
	for a := 0; a < n; a++ {
		id := fmt.Sprintf("art-%05d", a)
		for p := 0; p < 10; p++ {
			var ss []string
			for s := 0; s < 4; s++ {
				ss = append(ss, templates[r.Intn(len(templates))]())
			}
			ps = append(ps, Passage{ArticleID: id, Index: p, Sentences: ss})
		}
	}
	return ps
}

func TestDetectConflictsFast(t *testing.T) {
	n := 2000 // 80,000 sentences
	if raceEnabled {
		n = 400 // the race detector slows the ledger several times over
	}
	ps := cfCorpus(n)
	start := time.Now()
	if _, err := DetectConflicts(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
	// A guard against a quadratic ledger, not a benchmark: generous enough
	// for -race on a loaded 2-core machine (BenchmarkDetectConflicts20k
	// measures).
	if d := time.Since(start); d > 60*time.Second {
		t.Errorf("%d articles took %v; the ledger for 20,000 must build in under a minute", n, d)
	}
}

// BenchmarkDetectConflicts20k builds the ledger for 20,000 generated articles
// (800,000 sentences). Run with -benchtime=1x.
func BenchmarkDetectConflicts20k(b *testing.B) {
	ps := cfCorpus(20000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := DetectConflicts(context.Background(), ps); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzRelevantConflicts(f *testing.F) {
	ps := cfLoad(f, "../retrieval/sample/seed-story")
	ledger, err := DetectConflicts(context.Background(), ps)
	if err != nil {
		f.Fatal(err)
	}
	hits := cfHits(ps)
	for _, q := range []string{"Has Ukraine given up on NATO?", "how many", "", "who [x] said what?"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, c := range RelevantConflicts(Question{Text: q}, hits, ledger) {
			if len(c.Positions) < 2 {
				t.Fatalf("conflict with %d positions", len(c.Positions))
			}
		}
	})
}

func TestRelevantConflictsWhenAskedForDisagreement(t *testing.T) {
	ps := cfLoad(t, "../retrieval/sample/seed-story")
	ledger, err := DetectConflicts(context.Background(), ps)
	if err != nil {
		t.Fatal(err)
	}
	hits := cfHits(ps)
	tests := []struct {
		q    string
		want []ConflictKind
	}{
		{"Are there any conflicting reports?", []ConflictKind{ConflictRole, ConflictStatus, ConflictDetail, ConflictNumeric}},
		{"Do the sources disagree about the NATO secretary general?", []ConflictKind{ConflictRole}},
		{"Do the reports contradict each other about the weather in Lisbon?", nil},
	}
	for _, tt := range tests {
		got := RelevantConflicts(Question{Text: tt.q}, hits, ledger)
		kinds := map[ConflictKind]bool{}
		for _, c := range got {
			kinds[c.Kind] = true
		}
		for _, k := range tt.want {
			if !kinds[k] {
				t.Errorf("%q: no %s conflict in %s", tt.q, k, cfDescribe(got))
			}
		}
		if len(tt.want) == 0 && len(got) > 0 {
			t.Errorf("%q: want none, got %s", tt.q, cfDescribe(got))
		}
		if len(got) > len(tt.want) {
			t.Errorf("%q: %d conflicts, want %d: %s", tt.q, len(got), len(tt.want), cfDescribe(got))
		}
	}
}
