package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/adapters/chat"
	"github.com/storybot/storybot/adapters/slack/slackfake"
	"github.com/storybot/storybot/bot"
)

// fakeBot answers from canned data and records what it was asked.
type fakeBot struct {
	mu        sync.Mutex
	questions []bot.Question
	feedback  []bot.Feedback
	answerErr error
	delay     time.Duration
	answer    func(q bot.Question) bot.Answer
	digest    bot.Digest
	conflicts []bot.Conflict
	articles  map[string]bot.Article
}

var _ chat.Bot = (*fakeBot)(nil)

func sampleConflict() bot.Conflict {
	return bot.Conflict{Topic: "troops withdrawn", Kind: bot.ConflictNumeric, Positions: []bot.Position{
		{Claim: "some 30,000", Articles: []string{"002_beta"}},
		{Claim: "more than 40,000", Articles: []string{"003_gamma", "004_delta"}},
	}}
}

func sampleAnswer(q bot.Question) bot.Answer {
	return bot.Answer{
		ID:       "ans-" + q.Text,
		Question: q.Text,
		Sentences: []bot.Sentence{
			{Text: "Reports differ on how many troops left.", Citations: []string{"002_beta", "003_gamma"}},
			{Text: "The withdrawal began on Monday.", Citations: []string{"001_alpha"}},
		},
		Conflicts: []bot.Conflict{sampleConflict()},
		Sources: []bot.Source{
			{ID: "002_beta", Outlet: "Beta News", Title: "Troops leave", URL: "https://beta.example/troops", Published: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)},
			{ID: "003_gamma", Outlet: "Gamma Post", Title: "Withdrawal <update>", URL: "https://gamma.example/w"},
			{ID: "001_alpha", Outlet: "Alpha Daily", Title: "It begins"},
		},
		Composer: "extractive",
	}
}

func newFakeBot() *fakeBot {
	return &fakeBot{
		answer:    sampleAnswer,
		conflicts: []bot.Conflict{sampleConflict()},
		digest: bot.Digest{ID: "2025-12-15", NewArticles: 2, Outlets: 2,
			Since:   time.Date(2025, 12, 14, 9, 0, 0, 0, time.UTC),
			Until:   time.Date(2025, 12, 15, 9, 0, 0, 0, time.UTC),
			Bullets: []bot.Sentence{{Text: "Talks resumed.", Citations: []string{"005_eps"}}},
			Sources: []bot.Source{{ID: "005_eps", Outlet: "Eps Wire", Title: "Talks resume", URL: "https://eps.example/t"}},
		},
		articles: map[string]bot.Article{"001_alpha": {ID: "001_alpha", Title: "It begins", Outlet: "Alpha Daily", URL: "https://alpha.example/1", Text: "The withdrawal began on Monday."}},
	}
}

func (b *fakeBot) Answer(ctx context.Context, q bot.Question) (bot.Answer, error) {
	b.mu.Lock()
	b.questions = append(b.questions, q)
	err, delay := b.answerErr, b.delay
	b.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return bot.Answer{}, ctx.Err()
		}
	}
	if err != nil {
		return bot.Answer{}, err
	}
	return b.answer(q), nil
}

func (b *fakeBot) Conflicts(context.Context) ([]bot.Conflict, error) { return b.conflicts, nil }

func (b *fakeBot) Article(_ context.Context, id string) (bot.Article, error) {
	if a, ok := b.articles[id]; ok {
		return a, nil
	}
	return bot.Article{}, fmt.Errorf("article %q: %w", id, bot.ErrNotFound)
}

func (b *fakeBot) LatestDigest(context.Context) (bot.Digest, error) { return b.digest, nil }

func (b *fakeBot) CorpusSize(context.Context) (int, error) { return 5, nil }

func (b *fakeBot) RecordFeedback(_ context.Context, f bot.Feedback) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if f.AnswerID == "" {
		return errors.New("no answer ID")
	}
	b.feedback = append(b.feedback, f)
	return nil
}

func (b *fakeBot) asked() []bot.Question {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]bot.Question(nil), b.questions...)
}

// testSecret is the signing secret of Slack's documentation example.
const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

func testLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// harness is an adapter wired to a fake Slack and a fake bot.
type harness struct {
	t     *testing.T
	slack *slackfake.Server
	bot   *fakeBot
	a     *Adapter
	waits chan time.Duration // Retry-After waits the adapter asked for
}

// newHarness builds the adapter; edit may change the config first.
func newHarness(t *testing.T, edit func(*Config)) *harness {
	t.Helper()
	f := slackfake.New(t)
	b := newFakeBot()
	cfg := Config{BotToken: slackfake.BotToken, AppToken: slackfake.AppToken, SigningSecret: testSecret, APIURL: f.APIURL()}
	if edit != nil {
		edit(&cfg)
	}
	a, err := New(cfg, b, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, slack: f, bot: b, a: a, waits: make(chan time.Duration, 16)}
	a.sleep = func(ctx context.Context, d time.Duration) error {
		h.waits <- d
		return sleepCtx(ctx, d/20) // honour the wait, scaled down for the test
	}
	t.Cleanup(a.Wait)
	return h
}

// runSocket starts Socket Mode and waits until the adapter is connected.
func (h *harness) runSocket() {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.a.Run(ctx) }()
	h.t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				h.t.Errorf("Run: %v", err)
			}
		case <-time.After(5 * time.Second):
			h.t.Errorf("Run did not return after cancel")
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for !h.a.Ready() {
		if time.Now().After(deadline) {
			h.t.Fatal("adapter not connected in Socket Mode within 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
