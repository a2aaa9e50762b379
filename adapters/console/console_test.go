package console

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/storybot/storybot/bot"
)

// fakeBot answers every question with one cited sentence, except that it
// panics on the question "boom" and when listing articles.
type fakeBot struct{}

func (fakeBot) Answer(ctx context.Context, q bot.Question) (bot.Answer, error) {
	if q.Text == "boom" {
		var m map[string]int
		m["x"]++ // an ordinary bug: assignment to a nil map
	}
	return bot.Answer{Sentences: []bot.Sentence{{Text: "Answer to " + q.Text + ".", Citations: []string{"a1"}}}}, nil
}

func (fakeBot) Article(ctx context.Context, id string) (bot.Article, error) {
	return bot.Article{ID: id, Text: "Text."}, nil
}

func (fakeBot) Articles(ctx context.Context) ([]bot.Article, error) { panic("articles broke") }

func (fakeBot) Conflicts(ctx context.Context) ([]bot.Conflict, error) { return nil, nil }

// TestConsoleSurvivesPanics: a panic while answering one line, or in a
// command, prints the fixed sentence with a reference ID (the log has the
// details under it) and the conversation goes on.
func TestConsoleSurvivesPanics(t *testing.T) {
	var out, logs bytes.Buffer
	c := &Console{
		In:     strings.NewReader("first\nboom\n/sources\nlast\n"),
		Out:    &out,
		Bot:    fakeBot{},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	}
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"Answer to first. [a1]", "Answer to last. [a1]"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, bot.FailureText+" (reference "); n != 2 {
		t.Errorf("want the fixed sentence twice (answer and command), got %d:\n%s", n, got)
	}
	for _, leak := range []string{"nil map", "articles broke", "goroutine"} {
		if strings.Contains(got, leak) {
			t.Errorf("the user sees %q:\n%s", leak, got)
		}
	}
	for _, want := range []string{"nil map", "articles broke", "ref="} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log lacks %q:\n%s", want, logs.String())
		}
	}
}
