package slack

import (
	"context"
	"sync"
	"time"

	"github.com/storybot/storybot/bot"
)

const (
	// oursTTL is how long a thread the bot answered in stays a follow-up thread.
	oursTTL = 7 * 24 * time.Hour
	// notOursTTL is how long a thread found not to be the bot's is not asked about again.
	notOursTTL  = 10 * time.Minute
	memoMaxKeys = 50_000
)

// threadKey is a thread's key in the Conversations store.
func threadKey(channel, ts string) string { return "slack/" + channel + "/" + ts }

// rememberThread records that the bot answered in the thread root of
// channel, with the question and answer as its turns when given. A store
// failure is logged: it costs a follow-up's context, not the answer.
func (a *Adapter) rememberThread(ctx context.Context, channel, root, question, answer string) {
	var turns []bot.Turn
	if answer != "" {
		if question != "" {
			turns = append(turns, bot.Turn{Role: bot.RoleUser, Text: question})
		}
		turns = append(turns, bot.Turn{Role: bot.RoleBot, Text: answer})
	}
	a.notOurs.forget(channel, root)
	if err := a.convs.Add(ctx, threadKey(channel, root), turns...); err != nil {
		a.log.Warn("cannot record the thread", "channel", channel, "thread", root, "err", err)
	}
}

// ourThread reports whether the bot answered in the thread, per the
// Conversations store, with the turns recorded there.
func (a *Adapter) ourThread(ctx context.Context, channel, root string) ([]bot.Turn, bool) {
	turns, ours, err := a.convs.Turns(ctx, threadKey(channel, root))
	if err != nil {
		a.log.Warn("cannot read the thread record", "channel", channel, "thread", root, "err", err)
	}
	return turns, ours
}

// threadMemo remembers briefly which threads the bot has not spoken in, so
// chatty threads do not cost a conversations.replies call per message. It
// is a cache of this process only and safe for concurrent use.
type threadMemo struct {
	now  func() time.Time
	mu   sync.Mutex
	seen map[string]time.Time
}

func newThreadMemo(now func() time.Time) *threadMemo {
	return &threadMemo{now: now, seen: map[string]time.Time{}}
}

// mark records that the bot has not spoken in the thread.
func (m *threadMemo) mark(channel, ts string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if len(m.seen) > memoMaxKeys {
		for k, t := range m.seen {
			if now.Sub(t) > notOursTTL {
				delete(m.seen, k)
			}
		}
		if len(m.seen) > memoMaxKeys {
			clear(m.seen)
		}
	}
	m.seen[threadKey(channel, ts)] = now
}

// known reports whether the thread was recently found not to be the bot's.
func (m *threadMemo) known(channel, ts string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.seen[threadKey(channel, ts)]
	return ok && m.now().Sub(t) <= notOursTTL
}

// forget drops the thread, once the bot has answered in it.
func (m *threadMemo) forget(channel, ts string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.seen, threadKey(channel, ts))
}
