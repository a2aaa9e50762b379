package llm

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		in      Config
		wantErr string // substring; empty means valid
	}{
		{name: "offline", in: Config{}},
		{name: "offline ignores a model", in: Config{Model: "m"}},
		{name: "unknown provider", in: Config{Provider: "gpt", Model: "m"}, wantErr: "--llm-provider"},
		{name: "missing model", in: Config{Provider: "ollama"}, wantErr: "--llm-model / STORYBOT_LLM_MODEL"},
		{name: "hosted openai needs a key", in: Config{Provider: "openai", Model: "gpt-4o-mini"}, wantErr: "STORYBOT_LLM_API_KEY"},
		{name: "local openai needs no key", in: Config{Provider: "openai", Model: "m", BaseURL: "http://127.0.0.1:8080/v1/"}},
		{name: "anthropic needs a key", in: Config{Provider: "anthropic", Model: "claude"}, wantErr: "STORYBOT_LLM_API_KEY_FILE"},
		{name: "googleai needs a key", in: Config{Provider: "googleai", Model: "gemini"}, wantErr: "needs an API key"},
		{name: "ollama needs no key", in: Config{Provider: "Ollama", Model: "llama3.2"}},
		{name: "bad base URL", in: Config{Provider: "openai", Model: "m", BaseURL: "localhost:8080"}, wantErr: "--llm-base-url"},
		{name: "ftp base URL", in: Config{Provider: "ollama", Model: "m", BaseURL: "ftp://x"}, wantErr: "not an http(s) URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.in.Validate()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if got.Provider != strings.ToLower(got.Provider) || strings.HasSuffix(got.BaseURL, "/") {
					t.Errorf("not normalised: %+v", got)
				}
				if !got.Offline() && (got.Timeout != DefaultTimeout || got.MaxRetries != DefaultMaxRetries || got.MaxTokens != DefaultMaxTokens) {
					t.Errorf("defaults not filled: %+v", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}

func TestValidateIsIdempotent(t *testing.T) {
	c := Config{Provider: "openai", Model: "m", BaseURL: "http://x/v1", MaxRetries: -1}
	once, err := c.Validate()
	if err != nil {
		t.Fatal(err)
	}
	twice, err := once.Validate()
	if err != nil {
		t.Fatal(err)
	}
	if once != twice || twice.MaxRetries != -1 {
		t.Errorf("Validate changed a validated config: %+v then %+v", once, twice)
	}
}

func TestConfigNeverPrintsTheKey(t *testing.T) {
	c := Config{Provider: "openai", Model: "m", APIKey: "sk-secret-123"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("cfg", "config", c)
	for _, s := range []string{c.String(), fmt.Sprint(c), fmt.Sprintf("%v", c), buf.String()} {
		if strings.Contains(s, "sk-secret-123") {
			t.Errorf("key leaked: %s", s)
		}
		if !strings.Contains(s, "<redacted>") {
			t.Errorf("no <redacted> marker: %s", s)
		}
	}
}
