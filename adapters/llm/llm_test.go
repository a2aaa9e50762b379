package llm_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/adapters/llm"
	"github.com/storybot/storybot/adapters/llm/llmtest"
	"github.com/tmc/langchaingo/llms"
)

func chat(t *testing.T, m llms.Model, stream bool) (string, error) {
	t.Helper()
	msgs := []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeSystem, "You answer from passages."),
		llms.TextParts(llms.ChatMessageTypeHuman, "Question: who? <article id=\"a1\">text</article>"),
	}
	var opts []llms.CallOption
	var streamed strings.Builder
	if stream {
		opts = append(opts, llms.WithStreamingFunc(func(ctx context.Context, chunk []byte) error {
			streamed.Write(chunk)
			return nil
		}))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := m.GenerateContent(ctx, msgs, opts...)
	if err != nil {
		return "", err
	}
	if len(resp.Choices) == 0 {
		t.Fatal("no choices")
	}
	if stream && streamed.String() != resp.Choices[0].Content {
		t.Errorf("streamed %q but returned %q", streamed.String(), resp.Choices[0].Content)
	}
	return resp.Choices[0].Content, nil
}

func TestOffline(t *testing.T) {
	m, err := llm.New(context.Background(), llm.Config{}, nil)
	if m != nil || err != nil {
		t.Fatalf("offline New = %v, %v; want nil, nil", m, err)
	}
	e, err := llm.NewEmbedder(context.Background(), llm.Config{Provider: "openai", Model: "m", BaseURL: "http://x"}, nil)
	if e != nil || err != nil {
		t.Fatalf("NewEmbedder without an embed model = %v, %v; want nil, nil", e, err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	_, err := llm.New(context.Background(), llm.Config{Provider: "mistral", Model: "m"}, nil)
	if err == nil || !strings.Contains(err.Error(), "STORYBOT_LLM_PROVIDER") {
		t.Fatalf("err = %v", err)
	}
	_, err = llm.NewEmbedder(context.Background(), llm.Config{Provider: "anthropic", Model: "c", APIKey: "k", EmbedModel: "e"}, nil)
	if err == nil || !strings.Contains(err.Error(), "no embedding API") {
		t.Fatalf("err = %v", err)
	}
}

func TestOpenAICompatible(t *testing.T) {
	for _, tc := range []struct {
		name    string
		key     string
		stream  bool
		legacy  bool
		wantTok string
	}{
		{name: "local server, no key, JSON", wantTok: "Bearer sk-no-key-required"},
		{name: "with key, streaming", key: "sk-test", stream: true, wantTok: "Bearer sk-test"},
		{name: "legacy max_tokens", legacy: true, wantTok: "Bearer sk-no-key-required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("OPENAI_API_KEY", "sk-from-env-must-not-be-used")
			t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/must-not-be-used")
			srv := llmtest.NewOpenAI(t, llmtest.Options{Model: "local-model", APIKey: tc.key,
				Replies: []llmtest.Reply{{Content: "Rutte leads it [a1]. A longer second sentence streams in parts [a1]."}}})
			m, err := llm.New(context.Background(), llm.Config{Provider: "openai", BaseURL: srv.URL, Model: "local-model",
				APIKey: tc.key, LegacyMaxTokens: tc.legacy, MaxTokens: 300}, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := chat(t, m, tc.stream)
			if err != nil {
				t.Fatalf("chat: %v (server problems: %v)", err, srv.Problems())
			}
			if got != "Rutte leads it [a1]. A longer second sentence streams in parts [a1]." {
				t.Errorf("content %q", got)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			r := reqs[0]
			if a := r.Header.Get("Authorization"); a != tc.wantTok {
				t.Errorf("Authorization %q, want %q", a, tc.wantTok)
			}
			if r.Stream != tc.stream {
				t.Errorf("stream = %v", r.Stream)
			}
			if len(r.Messages) != 2 || r.Messages[0].Role != "system" || r.Messages[1].Role != "user" {
				t.Errorf("messages %+v", r.Messages)
			}
			field := "max_completion_tokens"
			if tc.legacy {
				field = "max_tokens"
			}
			if v, ok := r.Body[field].(float64); !ok || v != 300 {
				t.Errorf("%s = %v in %v", field, r.Body[field], r.Body)
			}
			if v, ok := r.Body["temperature"].(float64); !ok || v != 0 {
				t.Errorf("temperature = %v", r.Body["temperature"])
			}
		})
	}
}

func TestOpenAIWrongModelIsAnError(t *testing.T) {
	srv := llmtest.NewOpenAI(t, llmtest.Options{Model: "right"})
	m, err := llm.New(context.Background(), llm.Config{Provider: "openai", BaseURL: srv.URL, Model: "wrong"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chat(t, m, false); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("err = %v, want a 404", err)
	}
}

func TestOpenAIRetriesThenSucceeds(t *testing.T) {
	srv := llmtest.NewOpenAI(t, llmtest.Options{Model: "m", Replies: []llmtest.Reply{
		{Status: 429, Header: map[string]string{"Retry-After": "0"}},
		{Status: 503, Header: map[string]string{"Retry-After": "0"}},
		{Content: "fine [a1]."},
	}})
	m, err := llm.New(context.Background(), llm.Config{Provider: "openai", BaseURL: srv.URL, Model: "m"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := chat(t, m, false)
	if err != nil || got != "fine [a1]." {
		t.Fatalf("got %q, %v", got, err)
	}
	if srv.Calls() != 3 {
		t.Errorf("%d calls, want 3", srv.Calls())
	}
}

func TestOpenAIGivesUpOn500(t *testing.T) {
	srv := llmtest.NewOpenAI(t, llmtest.Options{Model: "m", Replies: []llmtest.Reply{{Status: 500, Header: map[string]string{"Retry-After": "0"}}}})
	m, err := llm.New(context.Background(), llm.Config{Provider: "openai", BaseURL: srv.URL, Model: "m", MaxRetries: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chat(t, m, false); err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("err = %v, want a 500", err)
	}
	if srv.Calls() != 3 {
		t.Errorf("%d calls, want 1 + 2 retries", srv.Calls())
	}
}

func TestStallTimesOut(t *testing.T) {
	for _, stream := range []bool{false, true} {
		srv := llmtest.NewOpenAI(t, llmtest.Options{Model: "m", Replies: []llmtest.Reply{{Content: "slow answer that never ends [a1].", Delay: 10 * time.Second}}})
		m, err := llm.New(context.Background(), llm.Config{Provider: "openai", BaseURL: srv.URL, Model: "m", Timeout: 200 * time.Millisecond}, nil)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		got, err := chat(t, m, stream)
		if err == nil {
			t.Errorf("stream=%v: a stalled server gave %q and no error", stream, got)
		}
		if el := time.Since(start); el > 3*time.Second {
			t.Errorf("stream=%v: took %s", stream, el)
		}
	}
}

func TestOllama(t *testing.T) {
	for _, stream := range []bool{false, true} {
		srv := llmtest.NewOllama(t, llmtest.Options{Model: "llama3.2", Replies: []llmtest.Reply{{Content: "From Ollama, in several chunks [a1]."}}})
		m, err := llm.New(context.Background(), llm.Config{Provider: "ollama", BaseURL: srv.URL, Model: "llama3.2"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := chat(t, m, stream)
		if err != nil {
			t.Fatalf("stream=%v: %v (problems %v)", stream, err, srv.Problems())
		}
		if got != "From Ollama, in several chunks [a1]." {
			t.Errorf("stream=%v: %q", stream, got)
		}
		r := srv.Requests()[0]
		if r.Path != "/api/chat" || r.Model != "llama3.2" || len(r.Messages) != 2 {
			t.Errorf("request %+v", r)
		}
		opts, _ := r.Body["options"].(map[string]any)
		if opts["num_predict"] != float64(llm.DefaultMaxTokens) {
			t.Errorf("num_predict = %v", opts["num_predict"])
		}
	}
}

func TestOllamaAPIKeyGoesToProxy(t *testing.T) {
	srv := llmtest.NewOllama(t, llmtest.Options{Model: "m"})
	m, err := llm.New(context.Background(), llm.Config{Provider: "ollama", BaseURL: srv.URL, Model: "m", APIKey: "proxy-key"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chat(t, m, false); err != nil {
		t.Fatal(err)
	}
	if a := srv.Requests()[0].Header.Get("Authorization"); a != "Bearer proxy-key" {
		t.Errorf("Authorization %q", a)
	}
}

// anthropicFake checks what Anthropic's Messages API checks.
func anthropicFake(t *testing.T, key, model, reply string) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fail := func(code int, msg string) {
			t.Errorf("anthropic fake: %s", msg)
			w.WriteHeader(code)
			io.WriteString(w, `{"type":"error","error":{"type":"invalid_request_error","message":"`+msg+`"}}`)
		}
		if r.Method != http.MethodPost || r.URL.Path != "/v1/messages" {
			fail(404, "path "+r.URL.Path)
			return
		}
		if r.Header.Get("x-api-key") != key {
			fail(401, "bad x-api-key")
			return
		}
		if r.Header.Get("anthropic-version") == "" {
			fail(400, "missing anthropic-version")
			return
		}
		var body struct {
			Model     string `json:"model"`
			System    any    `json:"system"`
			MaxTokens int    `json:"max_tokens"`
			Messages  []struct {
				Role    string `json:"role"`
				Content any    `json:"content"`
			} `json:"messages"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			fail(400, "bad json")
			return
		}
		if body.Model != model || body.MaxTokens <= 0 || len(body.Messages) == 0 || body.Messages[0].Role != "user" || body.System == nil {
			fail(400, "bad request shape")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"id": "msg_1", "type": "message", "role": "assistant", "model": model,
			"content": []any{map[string]any{"type": "text", "text": reply}}, "stop_reason": "end_turn",
			"usage": map[string]any{"input_tokens": 10, "output_tokens": 5}})
	}))
	t.Cleanup(ts.Close)
	return ts
}

func TestAnthropic(t *testing.T) {
	ts := anthropicFake(t, "sk-ant-test", "claude-test", "From Claude [a1].")
	m, err := llm.New(context.Background(), llm.Config{Provider: "anthropic", BaseURL: ts.URL + "/v1", Model: "claude-test", APIKey: "sk-ant-test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := chat(t, m, false)
	if err != nil || got != "From Claude [a1]." {
		t.Fatalf("got %q, %v", got, err)
	}
}

// Gemini is reached through its OpenAI-compatible endpoint: the openai
// client with Google's base URL, the AI Studio key as the bearer token and
// max_tokens; embeddings the same way.
func TestGoogleAIThroughOpenAICompatibleEndpoint(t *testing.T) {
	cfg, err := llm.Config{Provider: "googleai", Model: "gemini-test", APIKey: "g-key"}.Validate()
	if err != nil || cfg.Provider != "openai" || cfg.BaseURL != llm.DefaultGeminiBaseURL || !cfg.LegacyMaxTokens {
		t.Fatalf("Validate(googleai) = %+v, %v; want openai at %s with max_tokens", cfg, err, llm.DefaultGeminiBaseURL)
	}
	if _, err := (llm.Config{Provider: "googleai", Model: "gemini-test", BaseURL: "http://127.0.0.1:1/v1"}).Validate(); err == nil || !strings.Contains(err.Error(), "googleai needs an API key") {
		t.Errorf("googleai without a key: %v", err)
	}

	srv := llmtest.NewOpenAI(t, llmtest.Options{Model: "gemini-test", EmbedModel: "text-embedding-004", APIKey: "g-key",
		Replies: []llmtest.Reply{{Content: "From Gemini [a1]."}}})
	conf := llm.Config{Provider: "googleai", Model: "gemini-test", EmbedModel: "text-embedding-004", APIKey: "g-key", BaseURL: srv.URL}
	m, err := llm.New(context.Background(), conf, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := chat(t, m, false)
	if err != nil || got != "From Gemini [a1]." {
		t.Fatalf("got %q, %v; fake's problems: %q", got, err, srv.Problems())
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Header.Get("Authorization") != "Bearer g-key" {
		t.Fatalf("requests = %+v", reqs)
	}
	if _, ok := reqs[0].Body["max_tokens"]; !ok {
		t.Errorf("max_tokens not sent: %v", reqs[0].Body)
	}
	e, err := llm.NewEmbedder(context.Background(), conf, nil)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := e.EmbedDocuments(context.Background(), []string{"first passage"})
	if err != nil || len(vs) != 1 || !slices.Equal(vs[0], llmtest.Vector("first passage")) {
		t.Errorf("embeddings = %v, %v", vs, err)
	}
}

func TestEmbedders(t *testing.T) {
	texts := []string{"first passage", "second\npassage"}
	for _, tc := range []struct {
		name string
		srv  func(testing.TB, llmtest.Options) *llmtest.Server
		prov string
	}{
		{"openai", llmtest.NewOpenAI, "openai"},
		{"ollama", llmtest.NewOllama, "ollama"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := tc.srv(t, llmtest.Options{Model: "chat", EmbedModel: "embed"})
			e, err := llm.NewEmbedder(context.Background(), llm.Config{Provider: tc.prov, BaseURL: srv.URL, Model: "chat", EmbedModel: "embed"}, nil)
			if err != nil || e == nil {
				t.Fatalf("NewEmbedder = %v, %v", e, err)
			}
			vs, err := e.EmbedDocuments(context.Background(), texts)
			if err != nil {
				t.Fatalf("EmbedDocuments: %v (problems %v)", err, srv.Problems())
			}
			want := [][]float32{llmtest.Vector("first passage"), llmtest.Vector("second passage")}
			if !reflect.DeepEqual(vs, want) {
				t.Errorf("vectors %v, want %v", vs, want)
			}
			q, err := e.EmbedQuery(context.Background(), "first passage")
			if err != nil || !reflect.DeepEqual(q, want[0]) {
				t.Errorf("EmbedQuery = %v, %v", q, err)
			}
			bad, err := llm.NewEmbedder(context.Background(), llm.Config{Provider: tc.prov, BaseURL: srv.URL, Model: "chat", EmbedModel: "nope"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := bad.EmbedQuery(context.Background(), "x"); err == nil {
				t.Error("an unknown embedding model gave no error")
			}
		})
	}
}

func TestFakeRespondsFromPrompt(t *testing.T) {
	srv := llmtest.NewOpenAI(t, llmtest.Options{Model: "m", Respond: func(r llmtest.Request) llmtest.Reply {
		ids := r.Articles()
		return llmtest.Reply{Content: strings.Join(ids, ",") + "|" + r.Passage("a1")}
	}})
	m, err := llm.New(context.Background(), llm.Config{Provider: "openai", BaseURL: srv.URL, Model: "m"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := chat(t, m, false)
	if err != nil || got != "a1|text" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestEchoAnswer(t *testing.T) {
	srv := llmtest.NewOpenAI(t, llmtest.Options{Model: "m", Respond: llmtest.EchoAnswer})
	m, err := llm.New(context.Background(), llm.Config{Provider: "openai", BaseURL: srv.URL, Model: "m"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := chat(t, m, true)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "text [a1]. ") || !strings.Contains(got, `{"conflicts":[]}`) {
		t.Errorf("echo answer %q", got)
	}
}
