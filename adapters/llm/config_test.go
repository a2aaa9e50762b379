package llm

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
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

func TestFromEnv(t *testing.T) {
	files := map[string]string{"/run/secrets/key": "  sk-from-file\n", "/empty": "\n"}
	readFile := func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, fmt.Errorf("open %s: %w", p, errors.New("no such file"))
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    Config
		wantErr string
	}{
		{name: "empty is offline", env: map[string]string{}, want: Config{}},
		{name: "all settings", env: map[string]string{
			EnvProvider: "openai", EnvBaseURL: "http://127.0.0.1:8080/v1", EnvModel: "m", EnvAPIKey: "sk-1",
			EnvEmbedModel: "e", EnvTimeout: "45s", EnvMaxRetries: "4", EnvLegacyMaxTokens: "true"},
			want: Config{Provider: "openai", BaseURL: "http://127.0.0.1:8080/v1", Model: "m", APIKey: "sk-1", EmbedModel: "e",
				Timeout: 45 * time.Second, MaxRetries: 4, LegacyMaxTokens: true}},
		{name: "key from file", env: map[string]string{EnvProvider: "anthropic", EnvModel: "c", EnvAPIKeyFile: "/run/secrets/key"},
			want: Config{Provider: "anthropic", Model: "c", APIKey: "sk-from-file"}},
		{name: "zero retries means none", env: map[string]string{EnvMaxRetries: "0"}, want: Config{MaxRetries: -1}},
		{name: "key and file", env: map[string]string{EnvAPIKey: "a", EnvAPIKeyFile: "/run/secrets/key"}, wantErr: "not both"},
		{name: "missing key file", env: map[string]string{EnvAPIKeyFile: "/nope"}, wantErr: "STORYBOT_LLM_API_KEY_FILE"},
		{name: "empty key file", env: map[string]string{EnvAPIKeyFile: "/empty"}, wantErr: "empty file"},
		{name: "bad timeout", env: map[string]string{EnvTimeout: "soon"}, wantErr: EnvTimeout},
		{name: "bad retries", env: map[string]string{EnvMaxRetries: "many"}, wantErr: EnvMaxRetries},
		{name: "bad legacy flag", env: map[string]string{EnvLegacyMaxTokens: "perhaps"}, wantErr: EnvLegacyMaxTokens},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FromEnv(func(k string) string { return tc.env[k] }, readFile)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
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
