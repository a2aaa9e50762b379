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
// every post, delivered or not, on r under next's Name.
func ObservePublisher(r Recorder, next bot.Publisher) bot.Publisher {
	return publisher{r: r, next: next}
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
