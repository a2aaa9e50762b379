package chat

import (
	"context"
	"errors"

	"github.com/storybot/storybot/bot"
)

// Bot is what a chat adapter needs from storybot. bot.Service implements
// it. Implementations must be safe for concurrent use: adapters call them
// from one goroutine per question, with contexts bounded by the adapter's
// answer timeout. Any method may return an error wrapping ErrNotReady while
// the articles are still being loaded.
type Bot interface {
	// Answer answers a question; an error means no answer at all could be made.
	Answer(ctx context.Context, q bot.Question) (bot.Answer, error)
	// Conflicts returns the corpus-wide conflict ledger.
	Conflicts(ctx context.Context) ([]bot.Conflict, error)
	// Article returns one article, or an error wrapping bot.ErrNotFound.
	Article(ctx context.Context, id string) (bot.Article, error)
	// LatestDigest returns the most recent digest, or an error wrapping
	// bot.ErrNotFound when there is none.
	LatestDigest(ctx context.Context) (bot.Digest, error)
	// CorpusSize returns the number of articles.
	CorpusSize(ctx context.Context) (int, error)
	// RecordFeedback stores a reader's verdict from the feedback buttons.
	RecordFeedback(ctx context.Context, f bot.Feedback) error
}

// ErrNotReady, wrapped in a Bot's error, means the articles are still being
// loaded: the reader is told to ask again shortly, and nothing is logged as
// a failure.
var ErrNotReady = errors.New("the articles are still being loaded")

// Hooks tell the wiring about events worth counting, without the adapters
// importing the metrics. Nil fields are skipped. They must not block.
type Hooks struct {
	// RateLimited is told of every question refused by storybot's own
	// limits (scope "user" or "channel") and of every rate limit reply
	// (HTTP 429) from the platform's API (scope "api").
	RateLimited func(scope string)
	// Panicked is told of every panic recovered in a handler; the reader
	// got the error reply.
	Panicked func()
}

func (h Hooks) rateLimited(scope string) {
	if h.RateLimited != nil {
		h.RateLimited(scope)
	}
}

func (h Hooks) panicked() {
	if h.Panicked != nil {
		h.Panicked()
	}
}

// NoteRateLimited tells the hook about a rate limit of the given scope.
func (h Hooks) NoteRateLimited(scope string) { h.rateLimited(scope) }
