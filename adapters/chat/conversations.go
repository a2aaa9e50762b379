package chat

import (
	"context"
	"sync"
	"time"

	"github.com/storybot/storybot/bot"
)

// Conversations remembers the conversations (threads) the bot took part in
// and their turns: a reply in such a thread is a follow-up, and its earlier
// turns are the question's context when the platform's history cannot be
// read (Slack's mention-only profile has no history scopes). Keys are
// chosen by the adapter, e.g. "slack/C123/1700000000.000100".
// Implementations must be safe for concurrent use; with several replicas
// they share one store. An error means the store could not be reached.
type Conversations interface {
	// Add records turns in the conversation key, marking it as one the bot
	// took part in (no turns just marks it).
	Add(ctx context.Context, key string, turns ...bot.Turn) error
	// Turns returns the conversation's recorded turns, oldest first, and
	// whether the bot took part in it.
	Turns(ctx context.Context, key string) ([]bot.Turn, bool, error)
}

// MemoryConversations is the in-process Conversations: each conversation
// is kept for TTL after its last turn, with at most MaxTurns turns. Create
// it with NewMemoryConversations.
type MemoryConversations struct {
	ttl      time.Duration
	maxTurns int
	now      func() time.Time
	mu       sync.Mutex
	convs    map[string]*conversation
}

type conversation struct {
	turns []bot.Turn
	at    time.Time
}

var _ Conversations = (*MemoryConversations)(nil)

// maxConversations bounds a MemoryConversations.
const maxConversations = 50_000

// NewMemoryConversations returns an empty store keeping conversations for
// ttl (default 7 days) with at most maxTurns turns each (default 40). now
// may be nil for time.Now.
func NewMemoryConversations(ttl time.Duration, maxTurns int, now func() time.Time) *MemoryConversations {
	if ttl <= 0 {
		ttl = 7 * 24 * time.Hour
	}
	if maxTurns <= 0 {
		maxTurns = 40
	}
	if now == nil {
		now = time.Now
	}
	return &MemoryConversations{ttl: ttl, maxTurns: maxTurns, now: now, convs: map[string]*conversation{}}
}

// Add implements Conversations.
func (m *MemoryConversations) Add(_ context.Context, key string, turns ...bot.Turn) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	c := m.convs[key]
	if c == nil || now.Sub(c.at) > m.ttl {
		if len(m.convs) >= maxConversations {
			m.sweep(now)
		}
		c = &conversation{}
		m.convs[key] = c
	}
	c.at = now
	c.turns = append(c.turns, turns...)
	if len(c.turns) > m.maxTurns {
		c.turns = append([]bot.Turn(nil), c.turns[len(c.turns)-m.maxTurns:]...)
	}
	return nil
}

// Turns implements Conversations.
func (m *MemoryConversations) Turns(_ context.Context, key string) ([]bot.Turn, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.convs[key]
	if c == nil || m.now().Sub(c.at) > m.ttl {
		return nil, false, nil
	}
	return append([]bot.Turn(nil), c.turns...), true, nil
}

// sweep drops expired conversations, and all of them when that is not enough.
func (m *MemoryConversations) sweep(now time.Time) {
	for k, c := range m.convs {
		if now.Sub(c.at) > m.ttl {
			delete(m.convs, k)
		}
	}
	if len(m.convs) >= maxConversations {
		clear(m.convs)
	}
}
