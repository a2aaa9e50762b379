package slack

import (
	"context"
	"strings"
	"testing"

	"github.com/storybot/storybot/adapters/slack/slackfake"
	"github.com/storybot/storybot/bot"
)

// memCorpus is a tiny Retriever and Store: one passage per article, scored
// by the question words it contains.
type memCorpus struct{ arts []bot.Article }

func (m memCorpus) Search(_ context.Context, q string, limit int) ([]bot.Hit, error) {
	var hits []bot.Hit
	words := strings.Fields(strings.ToLower(q))
	for _, a := range m.arts {
		score := 0.0
		for _, w := range words {
			if len(w) > 3 && strings.Contains(strings.ToLower(a.Text), strings.Trim(w, "?.,")) {
				score++
			}
		}
		if score > 0 {
			hits = append(hits, bot.Hit{Passage: bot.Passage{ArticleID: a.ID, Sentences: strings.SplitAfter(a.Text, ". ")}, Score: score})
		}
	}
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

func (m memCorpus) Article(_ context.Context, id string) (bot.Article, error) {
	for _, a := range m.arts {
		if a.ID == id {
			return a, nil
		}
	}
	return bot.Article{}, bot.ErrNotFound
}

func (m memCorpus) Articles(context.Context) ([]bot.Article, error) { return m.arts, nil }

func (m memCorpus) Conflicts(context.Context) ([]bot.Conflict, error) { return nil, nil }

// TestRealServiceThroughSlack answers a mention with the real bot.Service
// and checks Slack gets the same text the console prints for the question.
func TestRealServiceThroughSlack(t *testing.T) {
	corpus := memCorpus{arts: []bot.Article{
		{ID: "001_harbour", Title: "Harbour bridge reopens", Outlet: "Coast Times", URL: "https://coast.example/bridge", Text: "The harbour bridge reopened to traffic on Tuesday after repairs. Engineers said the repairs took six weeks."},
		{ID: "002_ferry", Title: "Ferries return", Outlet: "Bay News", Text: "Ferry services resumed on Wednesday. The operator added two extra boats."},
	}}
	svc, err := bot.NewService(bot.Options{Retriever: corpus, Store: corpus})
	if err != nil {
		t.Fatal(err)
	}
	const question = "When did the harbour bridge reopen?"
	console, err := svc.Answer(context.Background(), bot.Question{Text: question, Platform: "console"})
	if err != nil {
		t.Fatal(err)
	}

	f := slackfake.New(t)
	a, err := New(Config{BotToken: slackfake.BotToken, AppToken: slackfake.AppToken, APIURL: f.APIURL()}, svc, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, slack: f, a: a}
	t.Cleanup(a.Wait)
	h.runSocket()
	f.AskMention("C1", "U1", question)
	cs := f.WaitCalls("the answer", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C1") == 1 })
	got := slackfake.Find(cs, "chat.update", "C1")[0]
	if got.Text != console.Text() {
		t.Errorf("Slack text = %q\nconsole text = %q", got.Text, console.Text())
	}
	if p := slackfake.Find(cs, "chat.postMessage", "C1"); len(p) != 1 || p[0].Text != "Reading 2 articles..." {
		t.Errorf("placeholder = %+v", p)
	}
	if !strings.Contains(got.Blocks, "001_harbour") {
		t.Errorf("answer does not cite the article: %s", got.Blocks)
	}
}
