package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storybot/storybot/bot"
)

// Add implements chat.Conversations: the turns are appended in one
// transaction that holds the conversation's row lock, so replicas adding
// to one thread keep its order. A conversation idle for longer than
// Options.ConversationTTL starts afresh; only its last Options.MaxTurns
// turns are kept.
func (s *Store) Add(ctx context.Context, key string, turns ...bot.Turn) error {
	now := s.now()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO conversations (key, updated_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, now); err != nil {
			return err
		}
		var at time.Time
		if err := tx.QueryRow(ctx, `SELECT updated_at FROM conversations WHERE key = $1 FOR UPDATE`, key).Scan(&at); err != nil {
			return err
		}
		if now.Sub(at) > s.ttl {
			if _, err := tx.Exec(ctx, `DELETE FROM conversation_turns WHERE key = $1`, key); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE conversations SET updated_at = $2 WHERE key = $1`, key, now); err != nil {
			return err
		}
		if len(turns) == 0 {
			return nil
		}
		roles := make([]string, len(turns))
		texts := make([]string, len(turns))
		for i, t := range turns {
			roles[i], texts[i] = string(t.Role), t.Text
		}
		if _, err := tx.Exec(ctx, `INSERT INTO conversation_turns (key, role, text)
			SELECT $1, u.role, u.text FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(role, text, n) ORDER BY u.n`,
			key, roles, texts); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM conversation_turns WHERE key = $1 AND seq < (
			SELECT min(seq) FROM (SELECT seq FROM conversation_turns WHERE key = $1 ORDER BY seq DESC LIMIT $2) last)`,
			key, s.turns)
		return err
	})
	if err != nil {
		return fmt.Errorf("record the conversation %q: %w", key, err)
	}
	return nil
}

// Turns implements chat.Conversations.
func (s *Store) Turns(ctx context.Context, key string) ([]bot.Turn, bool, error) {
	var at time.Time
	err := s.pool.QueryRow(ctx, `SELECT updated_at FROM conversations WHERE key = $1`, key).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read the conversation %q: %w", key, err)
	}
	if s.now().Sub(at) > s.ttl {
		return nil, false, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT role, text FROM conversation_turns WHERE key = $1 ORDER BY seq`, key)
	if err != nil {
		return nil, false, fmt.Errorf("read the conversation %q: %w", key, err)
	}
	turns, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (bot.Turn, error) {
		var t bot.Turn
		var role string
		err := r.Scan(&role, &t.Text)
		t.Role = bot.Role(role)
		return t, err
	})
	if err != nil {
		return nil, false, fmt.Errorf("read the conversation %q: %w", key, err)
	}
	return turns, true, nil
}
