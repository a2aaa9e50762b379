package llm

import (
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// Providers storybot can use. An empty provider means offline.
const (
	ProviderOpenAI    = "openai"
	ProviderOllama    = "ollama"
	ProviderAnthropic = "anthropic"
	// ProviderGoogleAI is Gemini through its OpenAI-compatible endpoint:
	// Validate turns it into ProviderOpenAI with DefaultGeminiBaseURL (unless
	// a base URL is given), an API key required and max_tokens sent. It keeps
	// Google's own client, and the gRPC, OpenTelemetry and cloud libraries it
	// pulls in, out of the build.
	ProviderGoogleAI = "googleai"
)

// Defaults used when a Config leaves a field zero.
const (
	DefaultTimeout    = 120 * time.Second
	DefaultMaxRetries = 2
	DefaultMaxTokens  = 1024
)

// Default base URLs per provider.
const (
	DefaultOpenAIBaseURL    = "https://api.openai.com/v1"
	DefaultOllamaBaseURL    = "http://127.0.0.1:11434"
	DefaultAnthropicBaseURL = "https://api.anthropic.com/v1"
	// DefaultGeminiBaseURL is Google AI's OpenAI-compatible endpoint
	// (chat completions and embeddings, with an AI Studio key as the
	// bearer token).
	DefaultGeminiBaseURL = "https://generativelanguage.googleapis.com/v1beta/openai"
)

// placeholderToken is sent to OpenAI-compatible servers that need no key:
// langchaingo's client refuses to start without one.
const placeholderToken = "sk-no-key-required"

// Config selects and configures a language-model provider. The zero value is
// offline. Config is safe to log: its LogValue redacts the API key.
type Config struct {
	// Provider is openai, ollama, anthropic or googleai (Gemini through
	// the openai client, see ProviderGoogleAI); empty means offline.
	Provider string
	// BaseURL overrides the provider's API address, e.g.
	// http://127.0.0.1:8080/v1 for a local OpenAI-compatible server.
	BaseURL string
	// Model names the chat model. Required when Provider is set.
	Model string
	// APIKey authenticates to the provider. Required for hosted OpenAI
	// (no BaseURL), Anthropic and Google AI.
	APIKey string
	// EmbedModel names the embedding model; empty means no embeddings (BM25
	// retrieval alone).
	EmbedModel string
	// Timeout bounds each HTTP attempt, including reading the reply
	// (default DefaultTimeout).
	Timeout time.Duration
	// MaxRetries is how many times a 429 or 5xx reply is retried (default
	// DefaultMaxRetries; negative means none).
	MaxRetries int
	// MaxTokens caps the length of a reply (default DefaultMaxTokens).
	MaxTokens int
	// LegacyMaxTokens sends max_tokens rather than max_completion_tokens to
	// OpenAI-compatible servers that only know the older field.
	LegacyMaxTokens bool
	// Temperature is the sampling temperature (0 by default: answers should
	// stick to the passages).
	Temperature float64
}

// Offline reports whether the Config selects no provider.
func (c Config) Offline() bool { return strings.TrimSpace(c.Provider) == "" }

// LogValue renders the Config for slog with the API key redacted.
func (c Config) LogValue() slog.Value {
	key := ""
	if c.APIKey != "" {
		key = "<redacted>"
	}
	return slog.GroupValue(
		slog.String("provider", c.Provider),
		slog.String("base_url", c.BaseURL),
		slog.String("model", c.Model),
		slog.String("api_key", key),
		slog.String("embed_model", c.EmbedModel),
		slog.Duration("timeout", c.Timeout),
		slog.Int("max_retries", c.MaxRetries),
	)
}

// String renders the Config with the API key redacted.
func (c Config) String() string {
	key := ""
	if c.APIKey != "" {
		key = "<redacted>"
	}
	return fmt.Sprintf("llm.Config{Provider:%q BaseURL:%q Model:%q APIKey:%q EmbedModel:%q Timeout:%s MaxRetries:%d}",
		c.Provider, c.BaseURL, c.Model, key, c.EmbedModel, c.Timeout, c.MaxRetries)
}

// Validate checks the Config and returns it normalised (provider lower-cased,
// defaults filled in, base URL without a trailing slash). Errors name the
// setting to fix. An offline Config is always valid.
func (c Config) Validate() (Config, error) {
	c.Provider = strings.ToLower(strings.TrimSpace(c.Provider))
	c.Model = strings.TrimSpace(c.Model)
	c.EmbedModel = strings.TrimSpace(c.EmbedModel)
	c.BaseURL = strings.TrimRight(strings.TrimSpace(c.BaseURL), "/")
	c.APIKey = strings.TrimSpace(c.APIKey)
	if c.Provider == "" {
		return c, nil
	}
	switch c.Provider {
	case ProviderOpenAI, ProviderOllama, ProviderAnthropic, ProviderGoogleAI:
	default:
		return c, fmt.Errorf("llm: unknown provider %q (--llm-provider / %s): use openai, ollama, anthropic or googleai, or leave it empty to answer offline",
			c.Provider, "STORYBOT_LLM_PROVIDER")
	}
	if c.Model == "" {
		return c, fmt.Errorf("llm: provider %s needs a model (--llm-model / %s)", c.Provider, "STORYBOT_LLM_MODEL")
	}
	gemini := c.Provider == ProviderGoogleAI
	if gemini {
		c.Provider = ProviderOpenAI
		if c.BaseURL == "" {
			c.BaseURL = DefaultGeminiBaseURL
		}
		// The compatible endpoint documents max_tokens.
		c.LegacyMaxTokens = true
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, fmt.Errorf("llm: base URL %q (--llm-base-url / %s) is not an http(s) URL such as http://127.0.0.1:8080/v1",
				c.BaseURL, "STORYBOT_LLM_BASE_URL")
		}
	}
	needKey := false
	switch c.Provider {
	case ProviderOpenAI:
		needKey = c.BaseURL == "" || gemini // the hosted APIs; local servers need none
	case ProviderAnthropic:
		needKey = true
	}
	if needKey && c.APIKey == "" {
		name := c.Provider
		if gemini {
			name = ProviderGoogleAI
		}
		return c, fmt.Errorf("llm: provider %s needs an API key (%s or %s)", name, "STORYBOT_LLM_API_KEY", "STORYBOT_LLM_API_KEY_FILE")
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	if c.MaxTokens <= 0 {
		c.MaxTokens = DefaultMaxTokens
	}
	return c, nil
}
