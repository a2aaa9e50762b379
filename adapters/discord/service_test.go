package discord

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/adapters/chat"
	"github.com/storybot/storybot/bot"

	"github.com/storybot/storybot/adapters/discord/discordfake"
)

// bot.Service is what cmd/storybot hands the adapter.
var _ chat.Bot = (*bot.Service)(nil)

// sampleCorpus is a minimal Store and Retriever over the sample story, so
// the acceptance test can run the real bot.Service without the retrieval
// package (adapters do not import it).
type sampleCorpus struct {
	articles map[string]bot.Article
	passages []bot.Passage
}

var sentenceEnd = regexp.MustCompile(`([.!?])\s+`)

func loadSampleCorpus(t *testing.T) *sampleCorpus {
	t.Helper()
	dir := filepath.Join("..", "..", "retrieval", "sample", "seed-story")
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("sample corpus not found in %s: %v", dir, err)
	}
	c := &sampleCorpus{articles: map[string]bot.Article{}}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		id := strings.TrimSuffix(filepath.Base(f), ".txt")
		text := strings.TrimSpace(string(raw))
		title, _, _ := strings.Cut(text, "\n")
		c.articles[id] = bot.Article{ID: id, Title: strings.TrimSpace(title), Text: text, Source: f}
		for i, para := range strings.Split(text, "\n") {
			para = strings.TrimSpace(para)
			if para == "" {
				continue
			}
			var sents []string
			for _, s := range strings.Split(sentenceEnd.ReplaceAllString(para, "$1\n"), "\n") {
				if s = strings.TrimSpace(s); s != "" {
					sents = append(sents, s)
				}
			}
			c.passages = append(c.passages, bot.Passage{ArticleID: id, Index: i, Sentences: sents})
		}
	}
	return c
}

func (c *sampleCorpus) Search(_ context.Context, query string, limit int) ([]bot.Hit, error) {
	words := strings.Fields(strings.ToLower(query))
	var hits []bot.Hit
	for _, p := range c.passages {
		text := strings.ToLower(p.Text())
		score := 0.0
		for _, w := range words {
			if len(w) > 3 && strings.Contains(text, strings.Trim(w, "?.,!")) {
				score++
			}
		}
		if score > 0 {
			hits = append(hits, bot.Hit{Passage: p, Score: score})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

func (c *sampleCorpus) Article(_ context.Context, id string) (bot.Article, error) {
	a, ok := c.articles[id]
	if !ok {
		return bot.Article{}, fmt.Errorf("article %q: %w", id, bot.ErrNotFound)
	}
	return a, nil
}

func (c *sampleCorpus) Articles(context.Context) ([]bot.Article, error) {
	var out []bot.Article
	for _, a := range c.articles {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b bot.Article) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (c *sampleCorpus) Conflicts(context.Context) ([]bot.Conflict, error) { return nil, nil }

// TestGatewayAskWithServiceMatchesConsole runs /ask through the fake gateway
// against the real bot.Service over the sample story, and compares what
// Discord shows with what the console prints for the same question.
func TestGatewayAskWithServiceMatchesConsole(t *testing.T) {
	t.Parallel()
	corpus := loadSampleCorpus(t)
	now := func() time.Time { return time.Date(2025, 12, 16, 0, 0, 0, 0, time.UTC) }
	svc, err := bot.NewService(bot.Options{Retriever: corpus, Store: corpus, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	fd := discordfake.New(t)
	h := startGatewayOn(t, fd, nil, func(*Config) {}, svc)
	for i, question := range []string{
		"Is Ukraine dropping its NATO membership bid?",
		"What security guarantees does Zelensky want?",
		"What is the weather on Mars?",
	} {
		console, err := svc.Answer(context.Background(), bot.Question{Text: question, Platform: "console"})
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("svc-%d", i)
		h.fd.Dispatch(t, "INTERACTION_CREATE", h.fd.CommandInteraction(id, testUser, "ask", map[string]string{"question": question}))
		edit := h.fd.WaitFor(t, 1, "PATCH", regexp.MustCompile("^/webhooks/"+testAppID+"/itoken-"+id+"/messages/@original$"))
		msgs := []discordfake.Sent{decodeMessage(t, edit[0].Body)}
		time.Sleep(50 * time.Millisecond)
		for _, f := range h.fd.Matching("POST", regexp.MustCompile("^/webhooks/"+testAppID+"/itoken-"+id+"$")) {
			msgs = append(msgs, decodeMessage(t, f.Body))
		}
		t.Logf("%s\n%s", question, console.Text())
		if got, want := flatten(msgs), console.Text(); got != want {
			t.Errorf("%q: Discord shows\n%q\nthe console prints\n%q", question, got, want)
		}
		if i == 0 && len(console.Citations()) == 0 {
			t.Errorf("%q: the service cited nothing; the test corpus is not working", question)
		}
	}
}
