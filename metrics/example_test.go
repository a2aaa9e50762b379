package metrics_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/metrics"
)

// Wrap the bot an adapter talks to, and every question it answers is
// counted by platform, timed, and checked for abstentions and conflicts.
func ExampleObserve() {
	m := metrics.New(metrics.Options{NoRuntime: true})
	service := bot.AnswerFunc(func(ctx context.Context, q bot.Question) (bot.Answer, error) {
		return bot.Answer{Abstained: true, Composer: bot.ComposerExtractive}, nil
	})
	answerer := metrics.Observe(m, service, nil)
	_, _ = answerer.Answer(context.Background(), bot.Question{Text: "Who won?", Platform: "slack"})

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	page, _ := io.ReadAll(rec.Body)
	for _, line := range strings.Split(string(page), "\n") {
		if strings.HasPrefix(line, "storybot_questions_total") || strings.HasPrefix(line, "storybot_abstentions_total") {
			fmt.Println(line)
		}
	}
	// Output:
	// storybot_abstentions_total{platform="slack"} 1
	// storybot_questions_total{platform="slack"} 1
}
