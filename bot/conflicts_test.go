package bot

import (
	"context"
	"encoding/json"
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

// cfWant is an expectation for one question: Conflict nil means either
// answer is acceptable.
type cfWant struct {
	ID       string
	Question string
	Conflict *bool
	Sides    [][]string
}

func cfCovers(c Conflict, sides [][]string) bool {
	if len(sides) < 2 || len(c.Positions) < 2 {
		return false
	}
	for _, s := range sides[:2] {
		ok := false
		for _, p := range c.Positions {
			for _, a := range p.Articles {
				for _, id := range s {
					if a == id {
						ok = true
					}
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
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

// cfCheck runs RelevantConflicts twice per question, with every passage as
// a hit (the hardest case for false alarms) and with the ten passages that
// best match the question (closer to the service), and checks each
// expectation against both.
func cfCheck(t *testing.T, ledger []Conflict, hits []Hit, qs []cfWant) (recall, falseAlarm float64) {
	t.Helper()
	r1, f1 := cfCheckHits(t, ledger, func(string) []Hit { return hits }, qs)
	r2, f2 := cfCheckHits(t, ledger, func(q string) []Hit { return cfTop(q, hits, 10) }, qs)
	return min(r1, r2), max(f1, f2)
}

func cfCheckHits(t *testing.T, ledger []Conflict, hitsFor func(string) []Hit, qs []cfWant) (recall, falseAlarm float64) {
	t.Helper()
	var nTrue, hitTrue, nFalse, alarms int
	for _, q := range qs {
		got := RelevantConflicts(Question{Text: q.Question}, hitsFor(q.Question), ledger)
		switch {
		case q.Conflict == nil:
		case *q.Conflict:
			nTrue++
			found := false
			for _, c := range got {
				if cfCovers(c, q.Sides) {
					found = true
				}
			}
			if found {
				hitTrue++
			} else {
				t.Errorf("%s %q: conflict not found (got %s)", q.ID, q.Question, cfDescribe(got))
			}
		default:
			nFalse++
			if len(got) > 0 {
				alarms++
				t.Errorf("%s %q: false alarm %s", q.ID, q.Question, cfDescribe(got))
			}
		}
	}
	return float64(hitTrue) / float64(max(nTrue, 1)), float64(alarms) / float64(max(nFalse, 1))
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

func cfBool(b bool) *bool { return &b }

// cfReadQuestions reads a question set in the scorer's format.
func cfReadQuestions(t *testing.T, path string) []cfWant {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []cfWant
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var q struct {
			ID       string     `json:"id"`
			Question string     `json:"question"`
			Conflict *bool      `json:"conflict"`
			Sides    [][]string `json:"conflict_sides"`
		}
		if err := json.Unmarshal([]byte(line), &q); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, cfWant{q.ID, q.Question, q.Conflict, q.Sides})
	}
	return out
}

// The sample story's questions and the expectations of its question set.
var cfSeedQuestions = []cfWant{
	{"s01", "Has Ukraine formally given up on joining NATO?", cfBool(true), [][]string{{"000_594ce857ad291df7", "002_bd6c7c73cd97d84f", "004_7c1e63f644720b9e"}, {"001_ccb51c14b77c787b", "003_d2e172f256ad25d0"}}},
	{"s02", "which NATO secretary general was Zelensky talking with?", cfBool(true), [][]string{{"000_594ce857ad291df7"}, {"002_bd6c7c73cd97d84f"}}},
	{"s03", "where did zelensky announce this, was it a meeting or what", cfBool(true), [][]string{{"000_594ce857ad291df7"}, {"001_ccb51c14b77c787b", "003_d2e172f256ad25d0", "004_7c1e63f644720b9e"}}},
	{"s04", "Did Zelensky say the security guarantees must be legally binding?", nil, nil},
	{"s05", "How much territory does Russia want Ukraine to pull out of?", cfBool(true), [][]string{{"003_d2e172f256ad25d0"}, {"004_7c1e63f644720b9e"}}},
	{"s06", "Which countries would give Ukraine the security guarantees?", cfBool(false), nil},
	{"s07", "who did trump send to berlin", cfBool(false), nil},
	{"s08", "How big an army would Ukraine accept?", cfBool(false), nil},
	{"s09", "how much money are the europeans putting into ukraine's defence?", cfBool(false), nil},
	{"s10", "What has Russia said about the proposed security guarantees?", cfBool(false), nil},
	{"s11", "Is Ukraine going to give up territory as part of the deal?", cfBool(false), nil},
	{"s12", "Is Ukraine negotiating directly with Russia?", cfBool(false), nil},
	{"s13", "what's the 20 point plan", cfBool(false), nil},
	{"s14", "What did the head of MI6 warn about?", cfBool(false), nil},
	{"s15", "What is PURL?", cfBool(false), nil},
	{"s16", "When did Zelensky tell reporters he'd drop the NATO bid?", nil, nil},
	{"s17", "Who won the 2022 World Cup?", cfBool(false), nil},
	{"s18", "How many Ukrainian soldiers have been killed in the war so far?", cfBool(false), nil},
	{"s19", "Is NATO membership in Ukraine's constitution?", cfBool(false), nil},
	{"s20", "what does zelensky think of the US idea that ukraine leaves the donbas", cfBool(false), nil},
	{"s21", "Are the Russian strikes still going on during the talks?", cfBool(false), nil},
}

// Other wordings of the sample story's questions.
var cfSeedParaphrases = []cfWant{
	{"p01", "Did Ukraine abandon its NATO bid?", cfBool(true), [][]string{{"000_594ce857ad291df7", "002_bd6c7c73cd97d84f", "004_7c1e63f644720b9e"}, {"001_ccb51c14b77c787b", "003_d2e172f256ad25d0"}}},
	{"p02", "Has Kyiv officially dropped the goal of NATO membership?", cfBool(true), [][]string{{"000_594ce857ad291df7", "002_bd6c7c73cd97d84f", "004_7c1e63f644720b9e"}, {"001_ccb51c14b77c787b", "003_d2e172f256ad25d0"}}},
	{"p03", "Who is NATO's secretary general?", cfBool(true), [][]string{{"000_594ce857ad291df7"}, {"002_bd6c7c73cd97d84f"}}},
	{"p04", "Was the announcement made in a WhatsApp chat?", cfBool(true), [][]string{{"000_594ce857ad291df7"}, {"001_ccb51c14b77c787b", "003_d2e172f256ad25d0", "004_7c1e63f644720b9e"}}},
	{"p05", "What share of Donbas does Russia demand?", cfBool(true), [][]string{{"003_d2e172f256ad25d0"}, {"004_7c1e63f644720b9e"}}},
	{"p06", "How many troops would Ukraine keep under the plan?", cfBool(false), nil},
	{"p07", "Who is the UK prime minister?", cfBool(false), nil},
	{"p08", "What did the MI6 chief say about hybrid warfare?", cfBool(false), nil},
	{"p09", "Which countries are ready to give guarantees?", cfBool(false), nil},
	{"p10", "Does Russia want Ukraine to be neutral?", cfBool(false), nil},
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
	ps := cfCorpus(2000) // 80,000 sentences
	start := time.Now()
	if _, err := DetectConflicts(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("2,000 articles took %v; the ledger for 20,000 must build in under a minute", d)
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
	for _, q := range cfSeedQuestions {
		f.Add(q.Question)
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
