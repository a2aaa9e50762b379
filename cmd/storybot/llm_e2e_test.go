package main

import (
	"context"
	"strings"
	"testing"

	"github.com/storybot/storybot/adapters/llm/llmtest"
)

// The issue's acceptance check: `storybot ask --json --llm-provider openai
// --llm-base-url URL --llm-model m QUESTION` against an OpenAI-compatible
// server. Whatever the model replies, the printed answer keeps the ask
// --json contract (real, visible IDs) and states the known conflict.
func TestAskWithOpenAICompatibleModel(t *testing.T) {
	const question = "which NATO secretary general was Zelensky talking with?"
	cases := []struct {
		name    string
		reply   func(llmtest.Request) llmtest.Reply
		modelOK bool // the model's answer survives verification
	}{
		{"good answer", llmtest.EchoAnswer, true},
		{"invented ID", func(r llmtest.Request) llmtest.Reply {
			ids := r.Articles()
			return llmtest.Reply{Content: "The meeting was with the alliance's chief. [" + ids[0] + "] It was held on the moon. [made-up-0001]"}
		}, true},
		{"omits the conflict", func(r llmtest.Request) llmtest.Reply {
			return llmtest.Reply{Content: "Zelensky spoke with NATO's Secretary General. [" + r.Articles()[0] + "]\n```json\n{\"conflicts\": []}\n```"}
		}, true},
		{"junk", func(llmtest.Request) llmtest.Reply { return llmtest.Reply{Content: "lorem ipsum, no citations at all"} }, false},
		{"server error", func(llmtest.Request) llmtest.Reply { return llmtest.Reply{Status: 500, Raw: `{"error":"boom"}`} }, false},
	}
	ids := sampleIDs(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := llmtest.NewOpenAI(t, llmtest.Options{Model: "m", APIKey: "sk-test", Respond: tc.reply})
			m, out, errb := testMain(t, "", map[string]string{"STORYBOT_LLM_API_KEY": "sk-test", "STORYBOT_LLM_TIMEOUT": "5s"})
			args := []string{"ask", "--json", "--llm-provider", "openai", "--llm-base-url", srv.URL, "--llm-model", "m", question}
			if err := m.Run(context.Background(), args); err != nil {
				t.Fatalf("%v\n%s", err, errb)
			}
			if srv.Calls() == 0 {
				t.Fatal("the model server was never called")
			}
			if p := srv.Problems(); len(p) > 0 {
				t.Fatalf("the fake refused requests: %v", p)
			}
			got := checkContract(t, strings.TrimSpace(out.String()), ids)
			if strings.Contains(got.Answer, "made-up-0001") {
				t.Errorf("an invented ID reached the answer:\n%s", got.Answer)
			}
			if len(got.Conflicts) == 0 || !strings.Contains(got.Answer, "Conflicting reports") {
				t.Errorf("the known conflict is not stated:\n%s", got.Answer)
			}
			fellBack := strings.Contains(got.Answer, "offline answer")
			if fellBack == tc.modelOK {
				t.Errorf("fell back = %v, want %v:\n%s", fellBack, !tc.modelOK, got.Answer)
			}
		})
	}
}

// The README's tuning variables reach the model client: with no retries a
// failing server is called once, with two it is called three times.
func TestLLMMaxRetriesFromEnvironment(t *testing.T) {
	for _, tc := range []struct {
		retries string
		calls   int
	}{{"0", 1}, {"2", 3}} {
		srv := llmtest.NewOpenAI(t, llmtest.Options{Model: "m", APIKey: "sk-test", Respond: func(llmtest.Request) llmtest.Reply {
			return llmtest.Reply{Status: 503, Raw: `{"error":"busy"}`}
		}})
		m, out, errb := testMain(t, "", map[string]string{"STORYBOT_LLM_API_KEY": "sk-test", "STORYBOT_LLM_MAX_RETRIES": tc.retries})
		args := []string{"ask", "--json", "--llm-provider", "openai", "--llm-base-url", srv.URL, "--llm-model", "m", "What is PURL?"}
		if err := m.Run(context.Background(), args); err != nil {
			t.Fatalf("%v\n%s", err, errb)
		}
		if got := srv.Calls(); got != tc.calls {
			t.Errorf("STORYBOT_LLM_MAX_RETRIES=%s: %d calls, want %d", tc.retries, got, tc.calls)
		}
		if !strings.Contains(out.String(), "offline answer") {
			t.Errorf("want the offline fallback, got %s", out)
		}
	}
}
