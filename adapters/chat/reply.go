package chat

import (
	"context"
	"log/slog"
	"time"
)

// Replier delivers one reply on a platform, in the reply model both
// adapters follow: a placeholder at once ("Reading 12 articles...", a
// deferred interaction response, a typing indicator), then the answer in
// the placeholder's place, in as many parts as the platform's limits need.
// P is the platform's rendered message.
type Replier[P any] interface {
	// Start shows the placeholder. An error is logged and not fatal: Put
	// then posts the first part afresh.
	Start(ctx context.Context) error
	// Put delivers part i of n: part 0 replaces the placeholder (or is
	// posted afresh when that fails), later parts follow it (in its thread
	// where the platform has threads).
	Put(ctx context.Context, i, n int, part P) error
}

// Reply runs one question's reply: Start, then produce, then Put of each
// part. produce runs under Safely, so a panic in it becomes an error. When
// produce fails, or the first part cannot be delivered, the reader gets the
// sentence Fail chooses, rendered by say and delivered with a fresh
// deadline (the question's own may be spent). The reply is never silent
// unless the platform itself cannot be reached.
type Reply[P any] struct {
	// Log receives failures, with the reference IDs shown to readers.
	Log *slog.Logger
	// Hooks are told of recovered panics.
	Hooks Hooks
	// Say renders a short plain sentence as one part.
	Say func(text string) P
}

// cleanupTimeout bounds the delivery of an error sentence.
const cleanupTimeout = 15 * time.Second

// Run carries out the reply model on r; msg names the work in the log
// ("answer", "/story digest").
func (rp Reply[P]) Run(ctx context.Context, r Replier[P], msg string, produce func(ctx context.Context) ([]P, error)) {
	if err := r.Start(ctx); err != nil {
		rp.Log.WarnContext(ctx, "placeholder not shown", "err", err)
	}
	parts, err := Safely(rp.Hooks, func() ([]P, error) { return produce(ctx) })
	if err != nil {
		rp.Fallback(ctx, r, Fail(ctx, rp.Log, msg+" failed", err))
		return
	}
	if len(parts) == 0 {
		parts = []P{rp.Say("(nothing to show)")}
	}
	if err := Deliver(ctx, r, parts); err != nil {
		rp.Fallback(ctx, r, Fail(ctx, rp.Log, msg+" not delivered", err))
	}
}

// Fallback delivers text as the only part, with a fresh deadline.
func (rp Reply[P]) Fallback(ctx context.Context, r Replier[P], text string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if err := r.Put(ctx, 0, 1, rp.Say(text)); err != nil {
		rp.Log.ErrorContext(ctx, "the error reply was not delivered either", "err", err)
	}
}

// Deliver puts parts on r in order and stops at the first error.
func Deliver[P any](ctx context.Context, r Replier[P], parts []P) error {
	for i, p := range parts {
		if err := r.Put(ctx, i, len(parts), p); err != nil {
			return err
		}
	}
	return nil
}
