package pgstore

import (
	"context"
	"fmt"

	"github.com/storybot/storybot/bot"
)

// RecordFeedback implements bot.FeedbackRecorder: one row per verdict.
func (s *Store) RecordFeedback(ctx context.Context, f bot.Feedback) error {
	at := f.At
	if at.IsZero() {
		at = s.now()
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO feedback (answer_id, helpful, platform, user_id, at) VALUES ($1, $2, $3, $4, $5)`,
		f.AnswerID, f.Helpful, f.Platform, f.User, at); err != nil {
		return fmt.Errorf("record feedback on %s: %w", f.AnswerID, err)
	}
	return nil
}

// Feedback returns the verdicts recorded on an answer, oldest first.
func (s *Store) Feedback(ctx context.Context, answerID string) ([]bot.Feedback, error) {
	rows, err := s.pool.Query(ctx, `SELECT answer_id, helpful, platform, user_id, at FROM feedback WHERE answer_id = $1 ORDER BY id`, answerID)
	if err != nil {
		return nil, fmt.Errorf("read feedback on %s: %w", answerID, err)
	}
	defer rows.Close()
	var out []bot.Feedback
	for rows.Next() {
		var f bot.Feedback
		if err := rows.Scan(&f.AnswerID, &f.Helpful, &f.Platform, &f.User, &f.At); err != nil {
			return nil, fmt.Errorf("read feedback on %s: %w", answerID, err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read feedback on %s: %w", answerID, err)
	}
	return out, nil
}
