package discord

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/storybot/storybot/adapters/discord/discordfake"
	"github.com/storybot/storybot/bot"
)

// Test identities: the fake Discord's.
const (
	testToken = discordfake.Token
	testAppID = discordfake.AppID
	testBotID = discordfake.BotID
	testGuild = discordfake.Guild
	testChan  = discordfake.Channel
	testUser  = discordfake.User
	testDM    = discordfake.DM
)

// fakeBot is a Bot with canned replies that records what it is asked.
type fakeBot struct {
	mu        sync.Mutex
	answer    bot.Answer
	answerErr error
	block     bool // Answer waits for its context to end
	questions []bot.Question
	conflicts []bot.Conflict
	articles  map[string]bot.Article
	digest    *bot.Digest
	size      int
	feedback  []bot.Feedback
	fbErr     error
}

func (b *fakeBot) Answer(ctx context.Context, q bot.Question) (bot.Answer, error) {
	b.mu.Lock()
	b.questions = append(b.questions, q)
	ans, err, block := b.answer, b.answerErr, b.block
	b.mu.Unlock()
	if block {
		<-ctx.Done()
		return bot.Answer{}, fmt.Errorf("answering: %w", ctx.Err())
	}
	ans.Question = q.Text
	return ans, err
}

func (b *fakeBot) Conflicts(context.Context) ([]bot.Conflict, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.conflicts, nil
}

func (b *fakeBot) Article(_ context.Context, id string) (bot.Article, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, ok := b.articles[id]
	if !ok {
		return bot.Article{}, fmt.Errorf("article %q: %w", id, bot.ErrNotFound)
	}
	return a, nil
}

func (b *fakeBot) LatestDigest(context.Context) (bot.Digest, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.digest == nil {
		return bot.Digest{}, fmt.Errorf("no digest: %w", bot.ErrNotFound)
	}
	return *b.digest, nil
}

func (b *fakeBot) CorpusSize(context.Context) (int, error) { return b.size, nil }

func (b *fakeBot) RecordFeedback(_ context.Context, f bot.Feedback) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.feedback = append(b.feedback, f)
	return b.fbErr
}

func (b *fakeBot) asked() []bot.Question {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.questions)
}
