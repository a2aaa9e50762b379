package metrics

import (
	"context"
	"time"

	"github.com/storybot/storybot/bot"
)

// Observe returns an Answerer that answers with next and records every
// question on r: its platform (bot.Question.Platform), latency, abstention,
// conflicts stated and composer, or the failure. now is the clock; nil means
// time.Now.
func Observe(r Recorder, next bot.Answerer, now func() time.Time) bot.Answerer {
	if now == nil {
		now = time.Now
	}
	return bot.AnswerFunc(func(ctx context.Context, q bot.Question) (bot.Answer, error) {
		start := now()
		a, err := next.Answer(ctx, q)
		took := now().Sub(start)
		if err != nil {
			r.AnswerFailed(q.Platform, took)
			return a, err
		}
		r.Answered(q.Platform, took, a)
		return a, nil
	})
}

// ObserveComposer returns a Composer that composes with next (the language
// model) and records each failure on r as a model error. bot.Service answers
// offline whenever its Composer fails while the question's context is still
// live, so such a failure is also recorded as a fallback.
func ObserveComposer(r Recorder, next bot.Composer) bot.Composer {
	return composer{r: r, next: next}
}

type composer struct {
	r    Recorder
	next bot.Composer
}

func (c composer) Compose(ctx context.Context, b bot.Brief) (bot.Answer, error) {
	a, err := c.next.Compose(ctx, b)
	if err != nil {
		c.r.ModelError(reason(ctx, err))
		if ctx.Err() == nil {
			c.r.ModelFallback()
		}
	}
	return a, err
}

// ObservePublisher returns a Publisher that publishes with next and records
// every post, delivered or not, on r under next's Name. When next also
// posts part by part (the digest scheduler's PartPublisher: DigestParts,
// FindDigestPart, PostDigestPart), so does the returned Publisher: a
// failed part is recorded as a failed post, the last part as a delivered
// one.
func ObservePublisher(r Recorder, next bot.Publisher) bot.Publisher {
	p := publisher{r: r, next: next}
	if pp, ok := next.(partPublisher); ok {
		return partObserver{publisher: p, parts: pp}
	}
	return p
}

// partPublisher is the part of digest.PartPublisher this package forwards.
type partPublisher interface {
	DigestParts(d bot.Digest) int
	FindDigestPart(ctx context.Context, d bot.Digest, i int, key string, since time.Time, thread string) (string, error)
	PostDigestPart(ctx context.Context, d bot.Digest, i int, key, thread string) (string, error)
}

type partObserver struct {
	publisher
	parts partPublisher
}

func (p partObserver) DigestParts(d bot.Digest) int { return p.parts.DigestParts(d) }

// FindDigestPart counts a digest whose last part is found on the
// platform (it arrived before a crash) as posted.
func (p partObserver) FindDigestPart(ctx context.Context, d bot.Digest, i int, key string, since time.Time, thread string) (string, error) {
	ref, err := p.parts.FindDigestPart(ctx, d, i, key, since, thread)
	if err == nil && ref != "" && i == p.parts.DigestParts(d)-1 {
		p.r.DigestPosted(p.next.Name(), nil)
	}
	return ref, err
}

func (p partObserver) PostDigestPart(ctx context.Context, d bot.Digest, i int, key, thread string) (string, error) {
	ref, err := p.parts.PostDigestPart(ctx, d, i, key, thread)
	if err != nil || i == p.parts.DigestParts(d)-1 {
		p.r.DigestPosted(p.next.Name(), err)
	}
	return ref, err
}

type publisher struct {
	r    Recorder
	next bot.Publisher
}

func (p publisher) Name() string { return p.next.Name() }

func (p publisher) Publish(ctx context.Context, d bot.Digest) error {
	err := p.next.Publish(ctx, d)
	p.r.DigestPosted(p.next.Name(), err)
	return err
}
