package chat

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/storybot/storybot/bot"
)

// feedbackTimeout bounds the recording of one verdict: the platform wants
// its acknowledgement within three seconds.
const feedbackTimeout = 2 * time.Second

// RecordFeedback stores a reader's verdict from a feedback button and
// returns the sentence to show them: thanks, or FeedbackFailedText with a
// reference ID (the details logged under it).
func RecordFeedback(ctx context.Context, b Bot, log *slog.Logger, f bot.Feedback) string {
	ctx, cancel := context.WithTimeout(ctx, feedbackTimeout)
	defer cancel()
	if err := b.RecordFeedback(ctx, f); err != nil {
		if errors.Is(err, ErrNotReady) {
			return LoadingText
		}
		return WithRef(FeedbackFailedText, Report(ctx, log, "feedback not recorded", err, "answer_id", f.AnswerID))
	}
	log.InfoContext(ctx, "feedback recorded", "answer_id", f.AnswerID, "helpful", f.Helpful, "user", f.User, "platform", f.Platform)
	if f.Helpful {
		return "Thanks! I noted that this answer helped."
	}
	return "Thanks! I noted that this answer missed the mark."
}
