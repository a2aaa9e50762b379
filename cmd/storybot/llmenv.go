package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/storybot/storybot/adapters/llm"
)

// Environment variable names for the model settings. The matching command
// line flags are --llm-provider, --llm-base-url,
// --llm-model and --embed-model; the API key is read from the environment or
// a file only, never from a flag.
const (
	envLLMProvider   = "STORYBOT_LLM_PROVIDER"
	envLLMBaseURL    = "STORYBOT_LLM_BASE_URL"
	envLLMModel      = "STORYBOT_LLM_MODEL"
	envLLMAPIKey     = "STORYBOT_LLM_API_KEY"
	envLLMAPIKeyFile = "STORYBOT_LLM_API_KEY_FILE"
	envLLMEmbedModel = "STORYBOT_EMBED_MODEL"
	// envLLMTimeout is an optional per-attempt timeout, as a Go duration ("90s").
	envLLMTimeout = "STORYBOT_LLM_TIMEOUT"
	// envLLMMaxRetries is an optional count of retries after 429 and 5xx replies.
	envLLMMaxRetries = "STORYBOT_LLM_MAX_RETRIES"
	// envLLMLegacyMaxTokens, when "true", sends max_tokens instead of
	// max_completion_tokens to OpenAI-compatible servers that predate it.
	envLLMLegacyMaxTokens = "STORYBOT_LLM_LEGACY_MAX_TOKENS"
)

// llmFromEnv reads an llm.Config from the environment through getenv (os.Getenv in
// production). STORYBOT_LLM_API_KEY_FILE names a file holding the key;
// setting both it and STORYBOT_LLM_API_KEY is an error. readFile may be nil
// for os.ReadFile. Flags set by cmd/storybot should override the result.
func llmFromEnv(getenv func(string) string, readFile func(string) ([]byte, error)) (llm.Config, error) {
	if readFile == nil {
		readFile = os.ReadFile
	}
	c := llm.Config{
		Provider:   strings.TrimSpace(getenv(envLLMProvider)),
		BaseURL:    strings.TrimSpace(getenv(envLLMBaseURL)),
		Model:      strings.TrimSpace(getenv(envLLMModel)),
		APIKey:     strings.TrimSpace(getenv(envLLMAPIKey)),
		EmbedModel: strings.TrimSpace(getenv(envLLMEmbedModel)),
	}
	if path := strings.TrimSpace(getenv(envLLMAPIKeyFile)); path != "" {
		if c.APIKey != "" {
			return llm.Config{}, fmt.Errorf("llm: set %s or %s, not both", envLLMAPIKey, envLLMAPIKeyFile)
		}
		b, err := readFile(path)
		if err != nil {
			return llm.Config{}, fmt.Errorf("llm: read %s: %w", envLLMAPIKeyFile, err)
		}
		c.APIKey = strings.TrimSpace(string(b))
		if c.APIKey == "" {
			return llm.Config{}, fmt.Errorf("llm: %s names an empty file %s", envLLMAPIKeyFile, path)
		}
	}
	if v := strings.TrimSpace(getenv(envLLMTimeout)); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return llm.Config{}, fmt.Errorf("llm: %s=%q is not a positive duration such as 90s", envLLMTimeout, v)
		}
		c.Timeout = d
	}
	if v := strings.TrimSpace(getenv(envLLMMaxRetries)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return llm.Config{}, fmt.Errorf("llm: %s=%q is not a whole number", envLLMMaxRetries, v)
		}
		c.MaxRetries = n
		if n == 0 {
			c.MaxRetries = -1 // explicit zero: no retries
		}
	}
	if v := strings.TrimSpace(getenv(envLLMLegacyMaxTokens)); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return llm.Config{}, fmt.Errorf("llm: %s=%q is not true or false", envLLMLegacyMaxTokens, v)
		}
		c.LegacyMaxTokens = b
	}
	return c, nil
}
