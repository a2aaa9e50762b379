package httpapi_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/httpapi"
)

// POST /v1/ask answers with the `ask --json` object.
func ExampleNew() {
	answerer := bot.AnswerFunc(func(ctx context.Context, q bot.Question) (bot.Answer, error) {
		return bot.Answer{Question: q.Text, Sentences: []bot.Sentence{{Text: "It rained.", Citations: []string{"a1"}}}}, nil
	})
	api, err := httpapi.New(httpapi.Options{Answerer: answerer, Token: "s3cret"})
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest("POST", "/v1/ask", strings.NewReader(`{"question": "What happened?"}`))
	req.Header.Set("Authorization", "Bearer s3cret")
	rec := httptest.NewRecorder()
	api.ServeHTTP(rec, req)
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output:
	// 200 {"question":"What happened?","answer":"It rained. [a1]","citations":["a1"],"conflicts":[],"abstained":false,"evidence":[]}
}
