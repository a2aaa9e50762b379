package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/adapters/llm"
)

func TestLLMFromEnv(t *testing.T) {
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
		want    llm.Config
		wantErr string
	}{
		{name: "empty is offline", env: map[string]string{}, want: llm.Config{}},
		{name: "all settings", env: map[string]string{
			envLLMProvider: "openai", envLLMBaseURL: "http://127.0.0.1:8080/v1", envLLMModel: "m", envLLMAPIKey: "sk-1",
			envLLMEmbedModel: "e", envLLMTimeout: "45s", envLLMMaxRetries: "4", envLLMLegacyMaxTokens: "true"},
			want: llm.Config{Provider: "openai", BaseURL: "http://127.0.0.1:8080/v1", Model: "m", APIKey: "sk-1", EmbedModel: "e",
				Timeout: 45 * time.Second, MaxRetries: 4, LegacyMaxTokens: true}},
		{name: "key from file", env: map[string]string{envLLMProvider: "anthropic", envLLMModel: "c", envLLMAPIKeyFile: "/run/secrets/key"},
			want: llm.Config{Provider: "anthropic", Model: "c", APIKey: "sk-from-file"}},
		{name: "zero retries means none", env: map[string]string{envLLMMaxRetries: "0"}, want: llm.Config{MaxRetries: -1}},
		{name: "key and file", env: map[string]string{envLLMAPIKey: "a", envLLMAPIKeyFile: "/run/secrets/key"}, wantErr: "not both"},
		{name: "missing key file", env: map[string]string{envLLMAPIKeyFile: "/nope"}, wantErr: "STORYBOT_LLM_API_KEY_FILE"},
		{name: "empty key file", env: map[string]string{envLLMAPIKeyFile: "/empty"}, wantErr: "empty file"},
		{name: "bad timeout", env: map[string]string{envLLMTimeout: "soon"}, wantErr: envLLMTimeout},
		{name: "bad retries", env: map[string]string{envLLMMaxRetries: "many"}, wantErr: envLLMMaxRetries},
		{name: "bad legacy flag", env: map[string]string{envLLMLegacyMaxTokens: "perhaps"}, wantErr: envLLMLegacyMaxTokens},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := llmFromEnv(func(k string) string { return tc.env[k] }, readFile)
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
