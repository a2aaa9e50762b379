package bot

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/storybot/storybot/bot/lang"
)

// memCorpus is an in-memory Retriever and Store scoring passages by shared
// terms: enough to drive the Service without a search library.
type memCorpus struct {
	articles  map[string]Article
	passages  []Passage
	conflicts []Conflict
	searchErr error
}

func newMemCorpus(arts ...Article) *memCorpus {
	m := &memCorpus{articles: map[string]Article{}}
	for _, a := range arts {
		m.articles[a.ID] = a
		for i, para := range strings.Split(a.Text, "\n\n") {
			var sents []string
			for _, s := range strings.SplitAfter(para, ". ") {
				if s = strings.TrimSpace(s); s != "" {
					sents = append(sents, s)
				}
			}
			m.passages = append(m.passages, Passage{ArticleID: a.ID, Index: i, Sentences: sents})
		}
	}
	return m
}

func (m *memCorpus) Search(ctx context.Context, query string, limit int) ([]Hit, error) {
	if m.searchErr != nil {
		return nil, m.searchErr
	}
	l, err := lang.New()
	if err != nil {
		return nil, err
	}
	q := l.TermSet(query)
	var hits []Hit
	for _, p := range m.passages {
		n := 0
		for t := range l.TermSet(p.Text()) {
			if q[t] {
				n++
			}
		}
		if n > 0 {
			hits = append(hits, Hit{Passage: p, Score: float64(n)})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

func (m *memCorpus) Article(ctx context.Context, id string) (Article, error) {
	a, ok := m.articles[id]
	if !ok {
		return Article{}, fmt.Errorf("article %q: %w", id, ErrNotFound)
	}
	return a, nil
}

func (m *memCorpus) Articles(ctx context.Context) ([]Article, error) {
	var out []Article
	for _, a := range m.articles {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (m *memCorpus) Conflicts(ctx context.Context) ([]Conflict, error) { return m.conflicts, nil }

// The test story is invented: a ferry that ran aground.
func testCorpus() *memCorpus {
	return newMemCorpus(
		Article{ID: "a1", Outlet: "Harbour Times", Title: "Ferry runs aground off Kessel Point",
			Text: "The ferry Marigold ran aground off Kessel Point on Tuesday night. All 212 passengers were taken ashore by lifeboats. The harbour master said the tide was unusually low.\n\nThe operator, Bluewake Lines, has suspended the route until Friday."},
		Article{ID: "a2", Outlet: "Coastal Courier", Title: "Marigold passengers rescued",
			Text: "Lifeboat crews brought the passengers of the Marigold ferry ashore after it ran aground near Kessel Point. Bluewake Lines said an investigation into the grounding has begun.\n\nLocal fishermen helped tow the ferry off the sandbank on Wednesday."},
		Article{ID: "a3", Outlet: "Daily Ledger", Title: "Council debates new library",
			Text: "The town council debated plans for a new public library on Monday. Councillors will vote on the budget next month."},
	)
}

func newTestService(t *testing.T, m *memCorpus, c Composer) *Service {
	t.Helper()
	s, err := NewService(Options{Retriever: m, Store: m, Composer: c})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestServiceAnswer(t *testing.T) {
	tests := []struct {
		name      string
		question  string
		abstain   bool
		mustCite  []string
		mustNot   []string
		mustWords []string
	}{
		{name: "single fact", question: "How many passengers were on the ferry?", mustCite: []string{"a1"}, mustNot: []string{"a3"}, mustWords: []string{"212"}},
		{name: "several outlets", question: "Where did the Marigold ferry run aground?", mustCite: []string{"a1", "a2"}, mustNot: []string{"a3"}, mustWords: []string{"Kessel Point"}},
		{name: "other topic", question: "When will the council vote on the library budget?", mustCite: []string{"a3"}, mustNot: []string{"a1", "a2"}},
		{name: "not in corpus", question: "Who won the football cup final?", abstain: true},
		{name: "empty", question: "   ", abstain: true},
		{name: "huge", question: strings.Repeat("How many passengers were on the ferry? ", 300), mustCite: []string{"a1"}},
	}
	s := newTestService(t, testCorpus(), nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := s.Answer(context.Background(), Question{Text: tc.question})
			if err != nil {
				t.Fatal(err)
			}
			text := a.Text()
			if strings.TrimSpace(text) == "" {
				t.Fatal("empty reply")
			}
			if a.Abstained != tc.abstain {
				t.Fatalf("abstained = %v, want %v; answer:\n%s", a.Abstained, tc.abstain, text)
			}
			if tc.abstain {
				if len(a.Citations()) != 0 {
					t.Fatalf("an abstention cites %v", a.Citations())
				}
				return
			}
			for _, sent := range a.Sentences {
				if len(sent.Citations) == 0 {
					t.Errorf("sentence without citation: %q", sent.Text)
				}
			}
			cited := strings.Join(a.Citations(), " ")
			for _, id := range tc.mustCite {
				if !strings.Contains(cited, id) || !strings.Contains(text, "["+id+"]") {
					t.Errorf("does not cite %s; answer:\n%s", id, text)
				}
			}
			for _, id := range tc.mustNot {
				if strings.Contains(cited, id) {
					t.Errorf("cites off-topic %s; answer:\n%s", id, text)
				}
			}
			for _, w := range tc.mustWords {
				if !strings.Contains(strings.ToLower(text), strings.ToLower(w)) {
					t.Errorf("answer lacks %q:\n%s", w, text)
				}
			}
			if len(a.Sources) != len(a.Citations()) {
				t.Errorf("sources %d for %d citations", len(a.Sources), len(a.Citations()))
			}
			if !strings.Contains(text, "Sources:") {
				t.Errorf("no Sources list:\n%s", text)
			}
		})
	}
}

type failingComposer struct{ err error }

func (f failingComposer) Compose(ctx context.Context, b Brief) (Answer, error) {
	return Answer{}, f.err
}

type fixedComposer struct{ a Answer }

func (f fixedComposer) Compose(ctx context.Context, b Brief) (Answer, error) { return f.a, nil }

func TestServiceModelFallback(t *testing.T) {
	s := newTestService(t, testCorpus(), failingComposer{errors.New("HTTP 500")})
	a, err := s.Answer(context.Background(), Question{Text: "How many passengers were on the ferry?"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Composer != ComposerExtractive || a.Note == "" || len(a.Citations()) == 0 {
		t.Fatalf("want the offline answer with a note, got composer %q note %q citations %v", a.Composer, a.Note, a.Citations())
	}
	want := Answer{Sentences: []Sentence{{Text: "212 passengers.", Citations: []string{"a1"}}}, Composer: "model"}
	s = newTestService(t, testCorpus(), fixedComposer{want})
	a, err = s.Answer(context.Background(), Question{Text: "How many passengers were on the ferry?"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Composer != "model" {
		t.Fatalf("composer = %q, want the model's answer", a.Composer)
	}
}

func TestServiceSearchError(t *testing.T) {
	m := testCorpus()
	m.searchErr = errors.New("index closed")
	s := newTestService(t, m, nil)
	if _, err := s.Answer(context.Background(), Question{Text: "ferry"}); err == nil || !strings.Contains(err.Error(), "index closed") {
		t.Fatalf("err = %v, want the search error wrapped", err)
	}
}

func TestFollowUpUsesThread(t *testing.T) {
	s := newTestService(t, testCorpus(), nil)
	a, err := s.Answer(context.Background(), Question{
		Text:   "and when is it running again?",
		Thread: []Turn{{Role: RoleUser, Text: "Which route did Bluewake Lines suspend?"}, {Role: RoleBot, Text: "The ferry route."}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if a.Abstained || !strings.Contains(a.Text(), "Friday") {
		t.Fatalf("follow-up should be answered from the thread's topic:\n%s", a.Text())
	}
}

func TestDiversify(t *testing.T) {
	hits := []Hit{
		{Passage: Passage{ArticleID: "x", Index: 0}, Score: 10},
		{Passage: Passage{ArticleID: "x", Index: 1}, Score: 9.5},
		{Passage: Passage{ArticleID: "y", Index: 0}, Score: 9},
	}
	got := Diversify(hits)
	if got[1].Passage.ArticleID != "y" {
		t.Fatalf("second hit is %s/%d; another article should come before x's second passage", got[1].Passage.ArticleID, got[1].Passage.Index)
	}
}

func TestStripLead(t *testing.T) {
	tests := []struct{ in, want string }{
		{"MARLOW, N.B. — Friday, March 6, 2026 — The plant closed.", "The plant closed."},
		{"Kyiv [Ukraine], December 15 : Ukraine has signalled a shift.", "Ukraine has signalled a shift."},
		{"PORT TOWN (Wire) - Crews worked overnight.", "Crews worked overnight."},
		{"The mayor said the plan — the old one — was dead.", "The mayor said the plan — the old one — was dead."},
		{"Crews worked overnight.", "Crews worked overnight."},
	}
	for _, tc := range tests {
		if got := stripLead(tc.in); got != tc.want {
			t.Errorf("stripLead(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

type countingComposer struct{ calls int }

func (c *countingComposer) Compose(ctx context.Context, b Brief) (Answer, error) {
	c.calls++
	return Answer{Sentences: []Sentence{{Text: "A guess.", Citations: []string{"a1"}}}, Composer: "model"}, nil
}

func TestModelNotAskedWhenTheCorpusHasNoAnswer(t *testing.T) {
	c := &countingComposer{}
	s := newTestService(t, testCorpus(), c)
	a, err := s.Answer(context.Background(), Question{Text: "Who won the football cup final?"})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Abstained || c.calls != 0 || len(a.Citations()) != 0 {
		t.Fatalf("abstained=%v model calls=%d citations=%v; the abstention must stand", a.Abstained, c.calls, a.Citations())
	}
}

// TestUnansweredTurnDoesNotPoisonTheThread: after a question the corpus
// cannot answer, the next, answerable one is answered from its own words.
func TestUnansweredTurnDoesNotPoisonTheThread(t *testing.T) {
	s := newTestService(t, testCorpus(), nil)
	thread := []Turn{{Role: RoleUser, Text: "What did the pope say about bananas?"}, {Role: RoleBot, Text: "The articles I have don't say."}}
	a, err := s.Answer(context.Background(), Question{Text: "How many passengers were on the ferry?", Thread: thread})
	if err != nil {
		t.Fatal(err)
	}
	if a.Abstained || !strings.Contains(a.Text(), "212") {
		t.Fatalf("an earlier unanswerable turn spoiled the answer:\n%s", a.Text())
	}
}

// TestMissingFillerWordDoesNotAbstain: a descriptive question is answered
// when a sentence covers what it is about (its nouns), though a verb or
// filler word of it appears nowhere ("reportedly", "associated").
func TestMissingFillerWordDoesNotAbstain(t *testing.T) {
	s := newTestService(t, testCorpus(), nil)
	for _, q := range []string{
		"What was the harbour master reportedly associated with saying about the tide?",
		"Why exactly did the ferry Marigold supposedly end up on the sandbank?",
	} {
		a, err := s.Answer(context.Background(), Question{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if a.Abstained || len(a.Citations()) == 0 {
			t.Errorf("%q abstained over a filler word:\n%s", q, a.Text())
		}
	}
	a, err := s.Answer(context.Background(), Question{Text: "What did the bishop say about the orchestra?"})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Abstained {
		t.Errorf("a question about things no article names was answered:\n%s", a.Text())
	}
}

// TestJudgedRivalOverridesLedger: when the value reader has seen another
// article's figure and judged it to count something else, a ledger entry
// pairing the two by shared words does not turn the answer into a dispute.
func TestJudgedRivalOverridesLedger(t *testing.T) {
	m := newMemCorpus(
		Article{ID: "b1", Outlet: "Harbour Times", Text: "Dock crews have unloaded 180 containers from the freighter Osprey so far."},
		Article{ID: "b2", Outlet: "Coastal Courier", Text: "Dock crews said the freighter Osprey was carrying about 4,700 containers when it ran aground."},
	)
	m.conflicts = []Conflict{{Topic: "containers: Osprey", Kind: ConflictNumeric, Positions: []Position{
		{Claim: "180 containers", Articles: []string{"b1"}, Evidence: []Evidence{{ArticleID: "b1", Sentence: "Dock crews have unloaded 180 containers from the freighter Osprey so far."}}},
		{Claim: "about 4,700 containers", Articles: []string{"b2"}, Evidence: []Evidence{{ArticleID: "b2", Sentence: "Dock crews said the freighter Osprey was carrying about 4,700 containers when it ran aground."}}},
	}}}
	s := newTestService(t, m, nil)
	a, err := s.Answer(context.Background(), Question{Text: "How many containers have dock crews unloaded from the Osprey?"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Abstained || !strings.Contains(a.Text(), "180") {
		t.Fatalf("answer:\n%s", a.Text())
	}
	if len(a.Conflicts) != 0 {
		t.Fatalf("the ledger's pairing overrode the reader's judgement: %+v\n%s", a.Conflicts, a.Text())
	}
}

// briefsComposer records every brief it is handed.
type briefsComposer struct{ got []Brief }

func (c *briefsComposer) Compose(ctx context.Context, b Brief) (Answer, error) {
	c.got = append(c.got, b)
	return Answer{Sentences: []Sentence{{Text: "The ferry ran aground.", Citations: []string{"a1"}}}, Composer: "model"}, nil
}

// TestCompoundPartsLeanOnEachOther: the second part of a compound question
// ("... and how long was it shut?") is a follow-up of the first, so its
// brief carries the first part as context.
func TestCompoundPartsLeanOnEachOther(t *testing.T) {
	c := &briefsComposer{}
	s := newTestService(t, testCorpus(), c)
	first := "Which company suspended the Marigold ferry route"
	if _, err := s.Answer(context.Background(), Question{Text: first + " and when will it run again?"}); err != nil {
		t.Fatal(err)
	}
	for _, b := range c.got {
		if b.Context == first {
			return
		}
	}
	var ctxs []string
	for _, b := range c.got {
		ctxs = append(ctxs, b.Question.Text+" | "+b.Context)
	}
	t.Fatalf("no part was answered with the first part as context: %q", ctxs)
}

// TestCompoundPartsQuoteASentenceOnce: when two parts of a compound
// question are answered by the same sentence, the answer quotes it once.
func TestCompoundPartsQuoteASentenceOnce(t *testing.T) {
	s := newTestService(t, testCorpus(), &briefsComposer{})
	a, err := s.Answer(context.Background(), Question{Text: "Which company suspended the Marigold ferry route and when will it run again?"})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(a.Text(), "The ferry ran aground."); n != 1 {
		t.Fatalf("the shared sentence is quoted %d times:\n%s", n, a.Text())
	}
}

func TestAppendNewMergesCitations(t *testing.T) {
	got := appendNew([]Sentence{{Text: "A.", Citations: []string{"x"}}}, []Sentence{{Text: "A.", Citations: []string{"y", "x"}}, {Text: "B.", Citations: []string{"z"}}})
	want := []Sentence{{Text: "A.", Citations: []string{"x", "y"}}, {Text: "B.", Citations: []string{"z"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("appendNew = %+v, want %+v", got, want)
	}
}
