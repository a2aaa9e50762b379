package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/storybot/storybot/adapters/llm"
	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/retrieval"
	"github.com/storybot/storybot/retrieval/sample"
)

// app is the wired core every subcommand shares: logger, index and service.
type app struct {
	cfg     *Config
	logger  *slog.Logger
	index   *retrieval.Index
	service *bot.Service
	// corpus describes the corpus for people: its folder, or "the built-in sample story".
	corpus string
}

// newLogger builds the one logger of the process.
func newLogger(w io.Writer, cfg *Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// open loads and indexes the corpus and builds the service. progress, when
// set, receives ingest progress.
func (m *Main) open(ctx context.Context, cfg *Config, progress func(done, total int)) (*app, error) {
	if err := m.startProfiles(cfg.Profile); err != nil {
		return nil, err
	}
	logger := newLogger(m.Stderr, cfg)
	a := &app{cfg: cfg, logger: logger}
	data := cfg.Data
	if data == "" {
		d, err := retrieval.DefaultDataDir()
		if err != nil {
			return nil, fmt.Errorf("choose a data folder (set --data or STORYBOT_DATA): %w", err)
		}
		data = d
	}
	opt := retrieval.Options{
		DataDir:  data,
		Logger:   logger,
		Now:      m.Now,
		Progress: progress,
		Ledger:   bot.DetectConflicts,
		// New detection rules recompute a stored ledger.
		LedgerVersion: bot.LedgerVersion,
		// serve keeps the ledger current in the background; the other
		// commands build it when they need it (conflicts, digest).
		LedgerInBackground: m.backgroundLedger,
	}
	if cfg.Corpus == "" {
		opt.Name = "sample"
		opt.Corpus = sample.FS()
		opt.Root = "built-in sample story"
		a.corpus = "the built-in sample story"
	} else {
		abs, err := filepath.Abs(cfg.Corpus)
		if err != nil {
			return nil, fmt.Errorf("corpus %s: %w", cfg.Corpus, err)
		}
		opt.Name = retrieval.CorpusName(abs)
		opt.Corpus = os.DirFS(abs)
		opt.Root = abs
		a.corpus = abs
	}
	if m.shared != nil {
		// Several replicas: the index is built from the database's copy of
		// the corpus, kept apart from an embedded index of the same folder.
		opt.Corpus = m.shared.fsys
		opt.Name += "-pg-" + m.shared.name
		if m.shared.ledger != nil {
			opt.Ledger = m.shared.ledger
		}
	}
	// The tuning variables (STORYBOT_LLM_MAX_RETRIES, ..._LEGACY_MAX_TOKENS)
	// come from the environment; flags and the config file win for the rest.
	llmCfg, err := llmFromEnv(m.Getenv, nil)
	if err != nil {
		return nil, usageError{fmt.Errorf("language model settings: %w", err)}
	}
	llmCfg.Provider = cfg.LLM.Provider
	llmCfg.BaseURL = cfg.LLM.BaseURL
	llmCfg.Model = cfg.LLM.Model
	llmCfg.APIKey = string(cfg.LLM.APIKey)
	llmCfg.EmbedModel = cfg.LLM.EmbedModel
	llmCfg.Timeout = cfg.LLM.Timeout
	embedder, err := llm.NewEmbedder(ctx, llmCfg, logger.With("component", "llm"))
	if err != nil {
		return nil, usageError{fmt.Errorf("embedding model (--embed-model, STORYBOT_EMBED_MODEL): %w", err)}
	}
	if embedder != nil {
		opt.Embedder = embedder
	}
	start := time.Now()
	idx, err := retrieval.Open(ctx, opt)
	if err != nil {
		return nil, fmt.Errorf("open the corpus (%s): %w", a.corpus, err)
	}
	m.onClose(idx.Close)
	a.index = idx
	logger.Debug("corpus ready", "corpus", a.corpus, "data", data, "took", time.Since(start))
	var composer bot.Composer
	model, err := llm.New(ctx, llmCfg, logger.With("component", "llm"))
	if err != nil {
		return nil, usageError{fmt.Errorf("language model (--llm-provider, --llm-base-url, --llm-model, STORYBOT_LLM_API_KEY): %w", err)}
	}
	if model != nil {
		composer = &bot.ModelComposer{
			Model:   model,
			Name:    cfg.LLM.Model,
			Logger:  logger.With("component", "model"),
			Timeout: cfg.LLM.Timeout,
			Now:     m.Now,
		}
		if m.wrapComposer != nil {
			composer = m.wrapComposer(composer)
		}
		logger.Info("answers written by a language model", "provider", cfg.LLM.Provider, "model", cfg.LLM.Model)
	}
	opts := bot.Options{
		Retriever: idx,
		Store:     idx,
		Composer:  composer,
		Feedback:  m.feedback,
		Logger:    logger.With("component", "bot"),
		Now:       m.Now,
	}
	if cfg.Explain {
		opts.Trace = func(line string) { fmt.Fprintln(m.Stderr, "explain:", line) }
	}
	svc, err := bot.NewService(opts)
	if err != nil {
		return nil, err
	}
	a.service = svc
	return a, nil
}

// ledgerFirst builds digests with the conflict ledger of the corpus as it
// is now: a digest names every open dispute, so it waits for the ledger
// (computed once per state of the corpus) instead of taking an earlier one.
type ledgerFirst struct{ a *app }

// Digest computes the ledger when it is not current, then the digest.
func (l ledgerFirst) Digest(ctx context.Context, since, until time.Time) (bot.Digest, error) {
	if _, err := l.a.index.Ledger(ctx); err != nil {
		return bot.Digest{}, err
	}
	return l.a.service.Digest(ctx, since, until)
}
