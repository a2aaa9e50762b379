package bot

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tmc/langchaingo/llms"
)

// digestStore is an in-memory Store (and an empty Retriever) for digest tests.
type digestStore struct {
	articles  []Article
	conflicts []Conflict
	err       error
}

func (s *digestStore) Search(ctx context.Context, query string, limit int) ([]Hit, error) {
	return nil, nil
}

func (s *digestStore) Article(ctx context.Context, id string) (Article, error) {
	for _, a := range s.articles {
		if a.ID == id {
			return a, nil
		}
	}
	return Article{}, fmt.Errorf("article %s: %w", id, ErrNotFound)
}

func (s *digestStore) Articles(ctx context.Context) ([]Article, error) {
	if s.err != nil {
		return nil, s.err
	}
	return s.articles, nil
}

func (s *digestStore) Conflicts(ctx context.Context) ([]Conflict, error) {
	return s.conflicts, nil
}

func newDigestService(t testing.TB, st *digestStore, c Composer, now time.Time) *Service {
	t.Helper()
	s, err := NewService(Options{Retriever: st, Store: st, Composer: c, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var digestNow = time.Date(2025, 12, 16, 8, 0, 0, 0, time.UTC)

// seedArticles loads the sample story, first seen an hour before digestNow.
func seedArticles(t testing.TB) []Article {
	t.Helper()
	files, err := filepath.Glob("../retrieval/sample/seed-story/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("sample corpus: %v (%d files)", err, len(files))
	}
	var out []Article
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		id := strings.TrimSuffix(filepath.Base(f), ".txt")
		out = append(out, Article{ID: id, Text: string(b), FirstSeen: digestNow.Add(-time.Hour)})
	}
	return out
}

func TestDigestSeedStory(t *testing.T) {
	arts := seedArticles(t)
	ledger := []Conflict{{
		Topic: "test fact", Kind: ConflictNumeric,
		Positions: []Position{{Claim: "one", Articles: []string{arts[0].ID}}, {Claim: "two", Articles: []string{arts[1].ID}}},
	}}
	s := newDigestService(t, &digestStore{articles: arts, conflicts: ledger}, nil, digestNow)
	d, err := s.LatestDigest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + d.Text())
	if d.Empty || d.NewArticles != len(arts) {
		t.Fatalf("empty=%v new=%d, want %d new articles", d.Empty, d.NewArticles, len(arts))
	}
	if len(d.Bullets) < MinDigestBullets || len(d.Bullets) > MaxDigestBullets {
		t.Fatalf("%d bullets, want %d..%d", len(d.Bullets), MinDigestBullets, MaxDigestBullets)
	}
	ids := map[string]bool{}
	for _, a := range arts {
		ids[a.ID] = true
	}
	seen := map[string]bool{}
	for _, b := range d.Bullets {
		if len(b.Citations) == 0 {
			t.Errorf("bullet %q cites nothing", b.Text)
		}
		for _, id := range b.Citations {
			if !ids[id] {
				t.Errorf("bullet %q cites unknown %s", b.Text, id)
			}
		}
		if seen[b.Text] {
			t.Errorf("bullet %q repeated", b.Text)
		}
		seen[b.Text] = true
		if strings.HasPrefix(b.Text, "Kyiv, Ukraine ,") {
			t.Errorf("bullet keeps its dateline: %q", b.Text)
		}
	}
	if len(d.Conflicts) != 1 {
		t.Fatalf("conflicts = %v, want the ledger's one", d.Conflicts)
	}
	text := d.Text()
	for _, want := range []string{"Conflicting reports: test fact", "5 new articles.", "Sources:", DigestAskMore} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	if len(d.Sources) != len(d.Citations()) {
		t.Errorf("%d sources for %d cited IDs", len(d.Sources), len(d.Citations()))
	}
}

func TestWindowArticles(t *testing.T) {
	since := time.Date(2025, 12, 15, 8, 0, 0, 0, time.UTC)
	until := since.Add(24 * time.Hour)
	arts := []Article{
		{ID: "pub-in", Published: since, FirstSeen: until.Add(time.Hour)},
		{ID: "pub-before", Published: since.Add(-time.Minute), FirstSeen: since.Add(time.Hour)},
		{ID: "pub-at-until", Published: until},
		{ID: "seen-in", FirstSeen: until.Add(-time.Second)},
		{ID: "seen-before", FirstSeen: since.Add(-time.Second)},
		{ID: "no-time"},
	}
	var got []string
	for _, a := range WindowArticles(arts, since, until) {
		got = append(got, a.ID)
	}
	want := []string{"pub-in", "seen-in"}
	if !slices.Equal(got, want) {
		t.Fatalf("window = %v, want %v", got, want)
	}
}

func TestDigestEmpty(t *testing.T) {
	old := Article{ID: "old", Text: "An old article about the harbour reopening after the storm.", FirstSeen: digestNow.Add(-72 * time.Hour)}
	s := newDigestService(t, &digestStore{articles: []Article{old}}, nil, digestNow)
	d, err := s.LatestDigest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !d.Empty || d.NewArticles != 0 || len(d.Bullets) != 0 {
		t.Fatalf("digest = %+v, want empty", d)
	}
	want := "No new coverage since Mon 15 Dec 2025 08:00 UTC."
	if d.Text() != want {
		t.Fatalf("text = %q, want %q", d.Text(), want)
	}
}

func TestDigestErrors(t *testing.T) {
	st := &digestStore{err: errors.New("disk gone")}
	s := newDigestService(t, st, nil, digestNow)
	if _, err := s.LatestDigest(context.Background()); err == nil || !strings.Contains(err.Error(), "disk gone") {
		t.Errorf("err = %v, want the store's error", err)
	}
	if _, err := s.Digest(context.Background(), digestNow, digestNow); err == nil {
		t.Error("an empty window gave no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s = newDigestService(t, &digestStore{articles: seedArticles(t)}, nil, digestNow)
	if _, err := s.LatestDigest(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestWindowConflicts(t *testing.T) {
	c := func(topic string, a, b string) Conflict {
		return Conflict{Topic: topic, Positions: []Position{{Claim: "x", Articles: []string{a}}, {Claim: "y", Articles: []string{b}}}}
	}
	ledger := []Conflict{
		c("old dispute", "o1", "o2"),
		c("one side new", "o1", "n1"),
		c("both new", "n1", "n2"),
		{Topic: "one position only", Positions: []Position{{Claim: "x", Articles: []string{"n1", "n2"}}}},
	}
	got := WindowConflicts(ledger, map[string]bool{"n1": true, "n2": true})
	var topics []string
	for _, c := range got {
		topics = append(topics, c.Topic)
	}
	want := []string{"both new", "one side new"}
	if !slices.Equal(topics, want) {
		t.Fatalf("topics = %v, want %v", topics, want)
	}
}

func TestDigestConflictCap(t *testing.T) {
	arts := seedArticles(t)
	var ledger []Conflict
	for i := range MaxDigestConflicts + 2 {
		ledger = append(ledger, Conflict{Topic: fmt.Sprint("fact ", i), Positions: []Position{
			{Claim: "a", Articles: []string{arts[0].ID}}, {Claim: "b", Articles: []string{"elsewhere"}}}})
	}
	all := append(slices.Clone(arts), Article{ID: "elsewhere", Title: "Older report", FirstSeen: digestNow.Add(-100 * time.Hour)})
	d := ExtractiveDigest(arts, all, ledger, digestNow.Add(-24*time.Hour), digestNow)
	if len(d.Conflicts) != MaxDigestConflicts || !strings.Contains(d.Note, "2 more disputed points") {
		t.Fatalf("%d conflicts, note %q", len(d.Conflicts), d.Note)
	}
	if !slices.Contains(d.Citations(), "elsewhere") {
		t.Fatal("the other side of a dispute is not cited")
	}
	found := false
	for _, s := range d.Sources {
		if s.ID == "elsewhere" && s.Title == "Older report" {
			found = true
		}
	}
	if !found {
		t.Fatalf("sources %v lack the older article's headline", d.Sources)
	}
}

func TestDigestOutlets(t *testing.T) {
	arts := []Article{
		{ID: "a", Outlet: "Daily Post", Title: "Bridge reopens after two years of repairs", Text: "The city bridge reopened on Monday after two years of repairs costing 40 million."},
		{ID: "b", Outlet: "daily post", Title: "Traffic returns to the bridge", Text: "Traffic returned to the city bridge on Monday after repairs costing 40 million."},
		{ID: "c", Outlet: "Evening Star", Text: "Commuters welcomed the bridge reopening, the mayor said on Monday evening."},
	}
	for i := range arts {
		arts[i].FirstSeen = digestNow.Add(-time.Hour)
	}
	d := ExtractiveDigest(arts, arts, nil, digestNow.Add(-24*time.Hour), digestNow)
	if d.Outlets != 2 || d.NewArticles != 3 {
		t.Fatalf("outlets=%d new=%d, want 2 and 3", d.Outlets, d.NewArticles)
	}
	if !strings.Contains(d.Text(), "3 new articles from 2 outlets.") {
		t.Fatalf("text:\n%s", d.Text())
	}
	multi := false
	for _, b := range d.Bullets {
		if len(b.Citations) > 1 {
			multi = true
		}
	}
	if !multi {
		t.Errorf("no bullet cites the two articles saying the same: %+v", d.Bullets)
	}
}

// fakeDigestComposer returns a fixed digest or error.
type fakeDigestComposer struct {
	d   Digest
	err error
}

func (f fakeDigestComposer) Compose(ctx context.Context, b Brief) (Answer, error) {
	return Answer{}, errors.New("not used")
}

func (f fakeDigestComposer) ComposeDigest(ctx context.Context, b DigestBrief) (Digest, error) {
	if len(b.Articles) == 0 || len(b.Draft.Bullets) == 0 {
		return Digest{}, errors.New("empty brief")
	}
	return f.d, f.err
}

func TestDigestModel(t *testing.T) {
	arts := seedArticles(t)
	first := arts[0]
	supported := Sentence{Text: "Zelensky announced a major strategic shift in foreign and security policy.", Citations: []string{first.ID}}
	tests := []struct {
		name      string
		c         fakeDigestComposer
		wantModel bool
	}{
		{"verified", fakeDigestComposer{d: Digest{Bullets: []Sentence{supported}}}, true},
		{"drops the invented bullet", fakeDigestComposer{d: Digest{Bullets: []Sentence{supported, {Text: "Aliens landed.", Citations: []string{"nope"}}}}}, true},
		{"unsupported text", fakeDigestComposer{d: Digest{Bullets: []Sentence{{Text: "The moon treaty was signed by penguins yesterday.", Citations: []string{first.ID}}}}}, false},
		{"uncited", fakeDigestComposer{d: Digest{Bullets: []Sentence{{Text: supported.Text}}}}, false},
		{"error", fakeDigestComposer{err: errors.New("HTTP 500")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newDigestService(t, &digestStore{articles: arts}, tt.c, digestNow)
			d, err := s.LatestDigest(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			isModel := len(d.Bullets) == 1 && d.Bullets[0].Text == supported.Text
			if isModel != tt.wantModel {
				t.Fatalf("model digest used = %v, want %v; bullets %+v", isModel, tt.wantModel, d.Bullets)
			}
			if !tt.wantModel && !strings.Contains(d.Note, "offline digest") {
				t.Errorf("fallback without a note: %q", d.Note)
			}
			for _, id := range d.Citations() {
				if _, err := s.Article(context.Background(), id); err != nil {
					t.Errorf("cites %s: %v", id, err)
				}
			}
		})
	}
}

func TestSplitDigestSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"One sentence here. Another one follows.", []string{"One sentence here.", "Another one follows."}},
		{"The U.S. envoy met Mr. Smith. He left.", []string{"The U.S. envoy met Mr. Smith.", "He left."}},
		{"J. Doe spoke on Nov. 3 about it. Then rain.", []string{"J. Doe spoke on Nov. 3 about it.", "Then rain."}},
		{`"We will go," he said. "Now." Done`, []string{`"We will go," he said.`, `"Now."`, "Done"}},
		{"First line\nSecond line. Third? Yes! 42 were there.", []string{"First line", "Second line.", "Third?", "Yes!", "42 were there."}},
		{"it costs 3.5 million. ok then", []string{"it costs 3.5 million. ok then"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := splitDigestSentences(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("split(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzSplitDigestSentences(f *testing.F) {
	for _, s := range []string{"A. B. C.", "Mr. X said. Y", "“Quote.” Next", "x.\n\ny. Z", ". . .", "a.” B"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts := splitDigestSentences(s)
		joined := strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
		want := strings.Join(strings.Fields(s), " ")
		if joined != want {
			t.Fatalf("sentences %q do not rebuild %q", parts, s)
		}
		for _, p := range parts {
			if p == "" || p != strings.TrimSpace(p) {
				t.Fatalf("bad sentence %q in %q", p, parts)
			}
		}
	})
}

func TestStripDateline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Kyiv, Ukraine , December 15, 2025 : The president has announced a major strategic shift in policy.", "The president has announced a major strategic shift in policy."},
		{"LONDON (Agency) — Ministers met on Tuesday to discuss the budget for the coming year.", "Ministers met on Tuesday to discuss the budget for the coming year."},
		{"In 2024: a year that changed a great many things for a great many people.", "In 2024: a year that changed a great many things for a great many people."},
		{"Short 2025: Tail", "Short 2025: Tail"},
	}
	for _, tt := range tests {
		if got := stripDateline(tt.in); got != tt.want {
			t.Errorf("stripDateline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// genCorpus makes n articles of generated news-like text; the last inWindow
// are first seen within the day before digestNow.
func genCorpus(n, inWindow int) []Article {
	r := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("minister council harbour bridge storm budget election court ruling protest police " +
		"hospital school river flood power outage company shares market bank rate inflation report " +
		"agreement talks border troops ceasefire aid convoy village city mayor governor senator vote " +
		"strike union workers wages railway airport flight delay fire rescue injured arrested investigation")
	outlets := []string{"Daily Post", "Evening Star", "Morning Herald", "City Wire", "Northern Times", "Global News"}
	out := make([]Article, n)
	for i := range out {
		var b strings.Builder
		for p := range 6 {
			for s := range 5 {
				nw := 10 + r.IntN(15)
				for w := range nw {
					word := words[r.IntN(len(words))]
					if w == 0 {
						word = strings.ToUpper(word[:1]) + word[1:]
					}
					b.WriteString(word)
					if w < nw-1 {
						b.WriteByte(' ')
					}
				}
				b.WriteString(". ")
				_ = s
			}
			if p < 5 {
				b.WriteString("\n\n")
			}
		}
		seen := digestNow.Add(-time.Duration(48+r.IntN(24*300)) * time.Hour)
		if i >= n-inWindow {
			seen = digestNow.Add(-time.Duration(1+r.IntN(23*60)) * time.Minute)
		}
		out[i] = Article{ID: fmt.Sprintf("a%05d", i), Title: fmt.Sprintf("Report number %d on the city", i), Outlet: outlets[r.IntN(len(outlets))], Text: b.String(), FirstSeen: seen}
	}
	return out
}

func TestDigestLargeWindow(t *testing.T) {
	arts := genCorpus(1000, 100)
	s := newDigestService(t, &digestStore{articles: arts}, nil, digestNow)
	d, err := s.LatestDigest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.NewArticles != 100 || d.Outlets != 6 || len(d.Bullets) < MinDigestBullets || len(d.Bullets) > MaxDigestBullets {
		t.Fatalf("new=%d outlets=%d bullets=%d", d.NewArticles, d.Outlets, len(d.Bullets))
	}
}

// BenchmarkDigest20k builds the digest of a 1,000-article window of a
// 20,000-article corpus.
func BenchmarkDigest20k(b *testing.B) {
	arts := genCorpus(20000, 1000)
	s := newDigestService(b, &digestStore{articles: arts}, nil, digestNow)
	b.ResetTimer()
	for b.Loop() {
		d, err := s.LatestDigest(context.Background())
		if err != nil || d.NewArticles != 1000 {
			b.Fatalf("digest: %v (%d new)", err, d.NewArticles)
		}
	}
}

func TestStripDatelineMore(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Kyiv [Ukraine], December 15 : Ukraine has signalled that it may be willing to give up its goal.", "Ukraine has signalled that it may be willing to give up its goal."},
		{"Springfield, Illinois – As the session enters its third week, a significant shift has emerged.", "As the session enters its third week, a significant shift has emerged."},
		{"Ministers said – as expected – that the budget would be cut next year by a lot.", "Ministers said – as expected – that the budget would be cut next year by a lot."},
	}
	for _, tt := range tests {
		if got := stripDateline(tt.in); got != tt.want {
			t.Errorf("stripDateline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// digestModel is an llms.Model answering every prompt with reply.
type digestModel struct {
	reply func(user string) (string, error)
}

func (m digestModel) GenerateContent(ctx context.Context, msgs []llms.MessageContent, _ ...llms.CallOption) (*llms.ContentResponse, error) {
	var user string
	for _, mc := range msgs {
		for _, p := range mc.Parts {
			if tp, ok := p.(llms.TextContent); ok && mc.Role != llms.ChatMessageTypeSystem {
				user += tp.Text
			}
		}
	}
	out, err := m.reply(user)
	if err != nil {
		return nil, err
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: out}}}, nil
}

func (m digestModel) Call(ctx context.Context, prompt string, opts ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, m, prompt, opts...)
}

func TestDigestWithModelComposer(t *testing.T) {
	arts := seedArticles(t)
	ledger := []Conflict{{Topic: "test fact", Positions: []Position{{Claim: "one", Articles: []string{arts[0].ID}}, {Claim: "two", Articles: []string{arts[1].ID}}}}}
	good := "- Zelensky announced a major strategic shift in foreign and security policy [" + arts[0].ID + "].\n" +
		"- Penguins signed the moon treaty [999_fake].\n```json\n{\"conflicts\":[]}\n```"
	tests := []struct {
		name      string
		reply     func(string) (string, error)
		wantModel bool
	}{
		{"verified", func(user string) (string, error) {
			if !strings.Contains(user, arts[0].ID) {
				return "", errors.New("the prompt lacks the window's articles")
			}
			return good, nil
		}, true},
		{"server error", func(string) (string, error) { return "", errors.New("HTTP 502") }, false},
		{"only invented IDs", func(string) (string, error) { return "- Penguins signed the moon treaty [999_fake].", nil }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &digestStore{articles: arts, conflicts: ledger}
			s := newDigestService(t, st, &ModelComposer{Model: digestModel{tt.reply}}, digestNow)
			d, err := s.LatestDigest(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			model := len(d.Bullets) == 1 && strings.HasPrefix(d.Bullets[0].Text, "Zelensky announced")
			if model != tt.wantModel {
				t.Fatalf("model digest = %v, want %v: %+v", model, tt.wantModel, d.Bullets)
			}
			if !tt.wantModel && (!strings.Contains(d.Note, "offline digest") || len(d.Bullets) < MinDigestBullets) {
				t.Fatalf("fallback: note %q, %d bullets", d.Note, len(d.Bullets))
			}
			if len(d.Conflicts) != 1 || !strings.Contains(d.Text(), "Conflicting reports: test fact") {
				t.Fatalf("the ledger's conflict is not stated: %+v", d.Conflicts)
			}
			if slices.Contains(d.Citations(), "999_fake") {
				t.Fatal("an invented ID is cited")
			}
			if d.NewArticles != len(arts) || d.ID != DigestID(digestNow) {
				t.Fatalf("counts or ID lost: %+v", d)
			}
		})
	}
}
