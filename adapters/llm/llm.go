package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/tmc/langchaingo/embeddings"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/anthropic"
	"github.com/tmc/langchaingo/llms/ollama"
	"github.com/tmc/langchaingo/llms/openai"
)

// Embedder turns texts into vectors. It has the method set of langchaingo's
// embeddings.Embedder and of retrieval's Embedder, so it plugs into either.
// Implementations are safe for concurrent use.
type Embedder interface {
	// EmbedDocuments returns one vector per text, in order.
	EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error)
	// EmbedQuery returns the vector of one query.
	EmbedQuery(ctx context.Context, text string) ([]float32, error)
}

// New returns the chat model cfg selects, or nil and no error when cfg is
// offline (no provider). The model sends every call through an HTTP client
// with per-attempt timeouts and retries (see Transport), uses cfg's
// temperature and reply-length cap unless a call overrides them, and is safe
// for concurrent use. logger may be nil.
func New(ctx context.Context, cfg Config, logger *slog.Logger) (llms.Model, error) {
	cfg, err := cfg.Validate()
	if err != nil {
		return nil, err
	}
	if cfg.Offline() {
		return nil, nil
	}
	logger = componentLogger(logger)
	client := httpClientFor(cfg, logger)
	var m llms.Model
	switch cfg.Provider {
	case ProviderOpenAI:
		m, err = openai.New(openaiOptions(cfg, cfg.Model, client)...)
	case ProviderOllama:
		var base *url.URL
		base, err = url.Parse(baseURLOr(cfg.BaseURL, DefaultOllamaBaseURL))
		if err == nil {
			m, err = ollama.New(ollama.WithServerURL(base.String()), ollama.WithModel(cfg.Model), ollama.WithHTTPClient(client))
		}
	case ProviderAnthropic:
		m, err = anthropic.New(
			anthropic.WithToken(cfg.APIKey),
			anthropic.WithModel(cfg.Model),
			anthropic.WithBaseURL(baseURLOr(cfg.BaseURL, DefaultAnthropicBaseURL)),
			anthropic.WithHTTPClient(client),
		)
	}
	if err != nil {
		return nil, fmt.Errorf("llm: set up %s model %q: %w", cfg.Provider, cfg.Model, err)
	}
	defaults := []llms.CallOption{
		llms.WithModel(cfg.Model),
		llms.WithTemperature(cfg.Temperature),
		llms.WithMaxTokens(cfg.MaxTokens),
	}
	if cfg.Provider == ProviderOpenAI && cfg.LegacyMaxTokens {
		defaults = append(defaults, openai.WithLegacyMaxTokensField())
	}
	logger.InfoContext(ctx, "language model configured", "config", cfg)
	return &model{Model: m, defaults: defaults}, nil
}

// NewEmbedder returns the embedder cfg selects (cfg.EmbedModel with the same
// provider settings as the chat model), or nil and no error when cfg is
// offline or names no embedding model. Anthropic has no embedding API, so
// asking it for one is an error. logger may be nil.
func NewEmbedder(ctx context.Context, cfg Config, logger *slog.Logger) (Embedder, error) {
	if cfg.EmbedModel == "" || cfg.Offline() {
		return nil, nil
	}
	cfg, err := cfg.Validate()
	if err != nil {
		return nil, err
	}
	logger = componentLogger(logger)
	client := httpClientFor(cfg, logger)
	var ec embeddings.EmbedderClient
	switch cfg.Provider {
	case ProviderOpenAI:
		ec, err = openai.New(openaiOptions(cfg, cfg.Model, client)...)
	case ProviderOllama:
		ec, err = ollama.New(ollama.WithServerURL(baseURLOr(cfg.BaseURL, DefaultOllamaBaseURL)),
			ollama.WithModel(cfg.EmbedModel), ollama.WithHTTPClient(client))
	case ProviderAnthropic:
		return nil, fmt.Errorf("llm: provider anthropic has no embedding API; unset --embed-model / %s or use another provider", "STORYBOT_EMBED_MODEL")
	}
	if err != nil {
		return nil, fmt.Errorf("llm: set up %s embedding model %q: %w", cfg.Provider, cfg.EmbedModel, err)
	}
	e, err := embeddings.NewEmbedder(ec)
	if err != nil {
		return nil, fmt.Errorf("llm: set up embedder: %w", err)
	}
	logger.InfoContext(ctx, "embedding model configured", "provider", cfg.Provider, "embed_model", cfg.EmbedModel)
	return &embedder{inner: e, model: cfg.EmbedModel}, nil
}

func componentLogger(logger *slog.Logger) *slog.Logger {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return logger.With("component", "llm")
}

func baseURLOr(u, def string) string {
	if u == "" {
		return def
	}
	return u
}

// httpClientFor builds the HTTP client for cfg's provider. Ollama behind an
// authenticating proxy gets its key added by a header transport.
func httpClientFor(cfg Config, logger *slog.Logger) *http.Client {
	c := NewHTTPClient(cfg.Timeout, cfg.MaxRetries, logger)
	if cfg.Provider == ProviderOllama && cfg.APIKey != "" {
		c.Transport = &headerTransport{base: c.Transport, name: "Authorization", value: "Bearer " + cfg.APIKey}
	}
	return c
}

// openaiOptions configures an OpenAI-compatible client explicitly, so the
// OPENAI_* environment variables langchaingo reads cannot leak in.
func openaiOptions(cfg Config, chatModel string, client *http.Client) []openai.Option {
	token := cfg.APIKey
	if token == "" {
		token = placeholderToken
	}
	opts := []openai.Option{
		openai.WithToken(token),
		openai.WithModel(chatModel),
		openai.WithBaseURL(baseURLOr(cfg.BaseURL, DefaultOpenAIBaseURL)),
		openai.WithOrganization(""),
		openai.WithHTTPClient(client),
	}
	if cfg.EmbedModel != "" {
		opts = append(opts, openai.WithEmbeddingModel(cfg.EmbedModel))
	}
	return opts
}

// headerTransport sets one header on every request.
type headerTransport struct {
	base        http.RoundTripper
	name, value string
}

func (h *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set(h.name, h.value)
	return h.base.RoundTrip(r)
}

// model wraps a provider's llms.Model with default call options; options a
// caller passes come later and win.
type model struct {
	llms.Model
	defaults []llms.CallOption
}

// GenerateContent implements llms.Model.
func (m *model) GenerateContent(ctx context.Context, msgs []llms.MessageContent, opts ...llms.CallOption) (*llms.ContentResponse, error) {
	all := make([]llms.CallOption, 0, len(m.defaults)+len(opts))
	all = append(all, m.defaults...)
	all = append(all, opts...)
	return m.Model.GenerateContent(ctx, msgs, all...)
}

// Call implements llms.Model.
func (m *model) Call(ctx context.Context, prompt string, opts ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, m, prompt, opts...)
}

// errShortEmbedding reports a server that returned fewer vectors than texts.
var errShortEmbedding = errors.New("the server returned fewer vectors than texts")

// embedder guards langchaingo's embedder against short or empty replies,
// which it would otherwise index out of range on.
type embedder struct {
	inner *embeddings.EmbedderImpl
	model string
}

// EmbedDocuments implements Embedder.
func (e *embedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	vs, err := e.inner.EmbedDocuments(ctx, texts)
	if err != nil {
		return nil, fmt.Errorf("llm: embed %d texts with %s: %w", len(texts), e.model, err)
	}
	if len(vs) != len(texts) {
		return nil, fmt.Errorf("llm: embed %d texts with %s: got %d vectors: %w", len(texts), e.model, len(vs), errShortEmbedding)
	}
	for i, v := range vs {
		if len(v) == 0 {
			return nil, fmt.Errorf("llm: embed text %d with %s: empty vector: %w", i, e.model, errShortEmbedding)
		}
	}
	return vs, nil
}

// EmbedQuery implements Embedder.
func (e *embedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	vs, err := e.EmbedDocuments(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}
