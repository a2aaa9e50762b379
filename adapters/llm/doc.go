// Package llm builds storybot's language-model clients from configuration.
//
// It is the one place that chooses and sets up a langchaingo provider: any
// OpenAI-compatible server (OpenAI, vLLM, llama.cpp server, LM Studio) by
// base URL, Ollama, Anthropic, and Google AI's Gemini through its
// OpenAI-compatible endpoint (provider googleai). New returns an llms.Model and
// NewEmbedder an Embedder; both return nil with no error when no provider is
// configured, which means storybot answers offline.
//
// Every client talks HTTP through a Transport that bounds each attempt with a
// timeout and retries 429 and 5xx replies with exponential backoff, honouring
// Retry-After, while respecting the caller's context. Callers see only
// llms.Model and Embedder: langchaingo stays behind this package.
package llm
