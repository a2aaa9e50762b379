package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/storybot/storybot/adapters/chat"
	"github.com/storybot/storybot/adapters/discord"
	"github.com/storybot/storybot/adapters/slack"
	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/digest"
	"github.com/storybot/storybot/httpapi"
	"github.com/storybot/storybot/metrics"
	"github.com/storybot/storybot/pgstore"
	"github.com/storybot/storybot/retrieval"
	"github.com/storybot/storybot/watch"
)

// runServe runs everything configured under one errgroup: the HTTP server
// (/v1/ask, /healthz, /readyz, /metrics and the platforms' webhooks), Slack,
// Discord, the digest schedule and the corpus watcher. The HTTP server
// starts first, so /healthz answers and /readyz says "indexing" while the
// corpus loads. On ctx's end (SIGINT, SIGTERM) it stops taking new work and
// lets answers in flight finish within http.shutdown_timeout.
func (m *Main) runServe(ctx context.Context, args []string) error {
	fs, cfg, err := m.serviceFlags("serve", args)
	if err != nil {
		return err
	}
	fs.StringVar(&cfg.Profile.HTTPAddr, "pprof-addr", "", "serve Go's profiler (/debug/pprof/) on this `address`, e.g. 127.0.0.1:6060; keep it on loopback")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: storybot serve [flags]

Runs storybot as a service: the HTTP API (POST /v1/ask, /healthz, /readyz,
/metrics), Slack and Discord when their tokens are set, the daily digest and a
watcher that indexes new or changed articles without a restart. Settings come
from the --config file, then the environment, then these flags; see
'storybot config'.`)
		fs.PrintDefaults()
	}
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("serve takes no arguments, got %q", strings.Join(fs.Args(), " "))}
	}
	if err := cfg.validateService(); err != nil {
		return usageError{err}
	}
	base := newLogger(m.Stderr, cfg)
	s := &server{m: m, cfg: cfg, base: base, logger: base.With("component", "serve")}
	return s.run(ctx)
}

// server is one run of `storybot serve`.
type server struct {
	m      *Main
	cfg    *Config
	base   *slog.Logger // without a component
	logger *slog.Logger
	rec    *metrics.Metrics
	// store is the PostgreSQL store replicas share (--store), or nil;
	// storeUp says whether this replica follows its corpus changes.
	store   *pgstore.Store
	storeUp atomic.Bool

	answerer lazyAnswerer
	corpus   atomic.Pointer[app]
	waiting  atomic.Bool // the corpus folder had no article yet

	mu        sync.Mutex
	afterHTTP []func() // drains that must wait for the HTTP server to stop

	syncMu   sync.Mutex
	lastSync *corpusState // nil until the first load ends
}

// corpusState is the last corpus sync, as /readyz shows it under "corpus".
type corpusState struct {
	// Status is "complete", "partial" (some files skipped) or "failed"
	// (the sync stopped; the articles loaded before are still answered).
	Status   string `json:"status"`
	Articles int    `json:"articles"`
	// Problems counts what was skipped; Skipped names the first of them,
	// each with its reason.
	Problems int      `json:"problems,omitempty"`
	Skipped  []string `json:"skipped,omitempty"`
	Error    string   `json:"error,omitempty"`
	At       string   `json:"at"`
}

// maxSkippedShown bounds the problems /readyz lists (the log has them all).
const maxSkippedShown = 20

// synced records a corpus sync (the first load or a later one) in the
// metrics and for /readyz.
func (s *server) synced(a *app, rep retrieval.Report, err error) {
	s.rec.CorpusSynced(a.index.Len(), len(rep.Problems), err)
	st := &corpusState{Status: "complete", Articles: a.index.Len(), At: s.m.Now().UTC().Format(time.RFC3339)}
	switch {
	case err != nil:
		st.Status, st.Error = "failed", err.Error()
	case len(rep.Problems) > 0:
		st.Status, st.Problems = "partial", len(rep.Problems)
		for _, p := range rep.Problems[:min(len(rep.Problems), maxSkippedShown)] {
			st.Skipped = append(st.Skipped, p.String())
		}
	}
	s.syncMu.Lock()
	s.lastSync = st
	s.syncMu.Unlock()
}

// corpusReport is /readyz's "corpus": the last sync, or nil before one ended.
func (s *server) corpusReport() any {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	if s.lastSync == nil {
		return nil
	}
	return s.lastSync
}

func (s *server) run(ctx context.Context) error {
	cfg := s.cfg
	s.rec = metrics.New(metrics.Options{Now: s.m.Now})
	s.m.wrapComposer = func(c bot.Composer) bot.Composer { return metrics.ObserveComposer(s.rec, c) }
	s.m.backgroundLedger = true
	ln, err := net.Listen("tcp", cfg.HTTP.Addr)
	if err != nil {
		return usageError{fmt.Errorf("http.addr (--http-addr, STORYBOT_HTTP_ADDR): cannot listen on %s: %w", cfg.HTTP.Addr, err)}
	}
	checks := []httpapi.Check{{Name: "corpus", Ready: func(context.Context) error {
		a := s.corpus.Load()
		if a == nil && s.waiting.Load() {
			return errors.New("no articles yet: add some to the corpus folder")
		}
		if a == nil {
			return errors.New("indexing")
		}
		if a.index.Len() == 0 {
			return errors.New("no articles")
		}
		return nil
	}}}
	if cfg.Store != "" {
		st, err := s.openStore(ctx)
		if err != nil {
			ln.Close()
			return err
		}
		checks = append(checks, httpapi.Check{Name: "store", Ready: func(ctx context.Context) error {
			if err := st.Ping(ctx); err != nil {
				return fmt.Errorf("writes unavailable (dedupe, conversations, digests); answering from the local index: %w", err)
			}
			return nil
		}})
	}
	slackOn := cfg.Slack.BotToken != ""
	discordOn := cfg.Discord.BotToken != ""
	// The adapters exist before the corpus is loaded, so that platforms'
	// set-up checks (Slack's url_verification and ssl_check, Discord's
	// PING) are answered at once, and questions get "still loading".
	bots := &lazyBot{}
	var (
		publishers []bot.Publisher
		conns      []*chat.Supervisor
		states     = map[string]func() any{}
		slackAd    *slack.Adapter
		discordAd  *discord.Adapter
	)
	if slackOn {
		sc := slackConfig(cfg)
		sc.Hooks = s.hooks("slack")
		if s.store != nil {
			sc.Seen, sc.Conversations = s.store, s.store
		}
		slackAd, err = slack.New(sc, bots, s.base)
		if err != nil {
			ln.Close()
			return usageError{err}
		}
		for _, ch := range cfg.Slack.DigestChannels {
			publishers = append(publishers, metrics.ObservePublisher(s.rec, slackAd.Publisher(ch)))
		}
		if cfg.Slack.AppToken != "" {
			conns = append(conns, s.supervisor("slack", slackAd))
		} else {
			s.rec.Adapter("slack", slackAd.Ready)
			states["slack"] = func() any { return map[string]string{"status": "events_api"} }
			s.drainAfterHTTP(slackAd.Wait)
		}
	}
	if discordOn {
		dc := discordConfig(cfg)
		dc.Hooks = s.hooks("discord")
		if s.store != nil {
			dc.Seen = s.store
		}
		discordAd, err = discord.New(dc, bots, s.base)
		if err != nil {
			ln.Close()
			return usageError{err}
		}
		for _, ch := range cfg.Discord.DigestChannels {
			publishers = append(publishers, metrics.ObservePublisher(s.rec, discordAd.Publisher(ch)))
		}
		conns = append(conns, s.supervisor("discord", discordAd))
	}
	for _, c := range conns {
		states[c.Name] = func() any { return c.State() }
	}
	var adapterStates func() map[string]any
	if len(states) > 0 {
		adapterStates = func() map[string]any {
			out := map[string]any{}
			for name, st := range states {
				out[name] = st()
			}
			return out
		}
	}
	api, err := httpapi.New(httpapi.Options{
		Answerer:      metrics.Observe(s.rec, &s.answerer, s.m.Now),
		Token:         string(cfg.HTTP.APIToken),
		AnswerTimeout: answerTimeout(cfg),
		Checks:        checks,
		Adapters:      adapterStates,
		Corpus:        s.corpusReport,
		Metrics:       s.rec.Handler(),
		Logger:        s.base.With("component", "http"),
	})
	if err != nil {
		ln.Close()
		return err
	}
	if slackOn && cfg.Slack.SigningSecret != "" {
		api.Handle("/slack/events", slackAd.EventsHandler())
	}
	if discordOn && cfg.Discord.PublicKey != "" {
		api.Handle("/discord/interactions", discordAd.InteractionsHandler())
	}
	if cfg.HTTP.APIToken == "" && !loopback(cfg.HTTP.Addr) {
		s.logger.Warn("POST /v1/ask is open to anyone who can reach this address (STORYBOT_API_OPEN=true)", "addr", cfg.HTTP.Addr)
	}
	s.logger.Info("listening", "addr", ln.Addr().String(),
		"slack", slackOn, "discord", discordOn, "api_token", cfg.HTTP.APIToken != "", "model", modelName(cfg))

	g, gctx := errgroup.WithContext(ctx)
	for _, c := range conns {
		g.Go(func() error { return c.Run(gctx) })
	}
	if cfg.Profile.HTTPAddr != "" {
		pln, err := net.Listen("tcp", cfg.Profile.HTTPAddr)
		if err != nil {
			ln.Close()
			return usageError{fmt.Errorf("--pprof-addr: cannot listen on %s: %w", cfg.Profile.HTTPAddr, err)}
		}
		s.logger.Info("profiler listening", "addr", pln.Addr().String(), "path", "/debug/pprof/")
		g.Go(func() error { return servePprof(gctx, pln, s.base.With("component", "pprof")) })
	}
	g.Go(func() error {
		err := httpapi.Run(gctx, ln, api, cfg.HTTP.ShutdownTimeout, s.base.With("component", "http"))
		s.mu.Lock()
		drains := s.afterHTTP
		s.mu.Unlock()
		for _, d := range drains {
			d()
		}
		return err
	})
	g.Go(func() error {
		start := time.Now()
		var (
			a   *app
			err error
		)
		if s.store != nil {
			a, err = s.openShared(gctx, g)
		} else {
			a, err = s.m.open(gctx, cfg, nil)
		}
		if errors.Is(err, retrieval.ErrEmptyCorpus) && cfg.Corpus != "" && cfg.Watch.Enabled && s.store == nil {
			// A new deployment: serve, and index the first articles
			// as they arrive.
			a, err = s.waitForArticles(gctx)
		}
		if err != nil {
			if gctx.Err() != nil {
				return nil // stopped while indexing
			}
			return err
		}
		if a == nil {
			return nil // stopped while waiting for articles
		}
		s.synced(a, a.index.LastReport(), nil)
		b := observedBot{Service: a.service, answer: metrics.Observe(s.rec, a.service, s.m.Now)}
		s.answerer.set(a.service)
		s.corpus.Store(a)
		s.logger.Info("corpus ready", "corpus", a.corpus, "articles", a.index.Len(), "took", time.Since(start).Round(time.Millisecond).String())

		bots.set(b)
		if len(publishers) > 0 {
			if err := s.startDigest(gctx, g, a, publishers); err != nil {
				return err
			}
		}
		if cfg.Watch.Enabled && cfg.Corpus != "" && s.store == nil {
			return s.watchCorpus(gctx, g, a)
		}
		return nil
	})

	// The whole shutdown gets http.shutdown_timeout (plus a moment for the
	// parts to report); past that serve returns and the process exits.
	done := make(chan error, 1)
	go func() { done <- g.Wait() }()
	select {
	case err := <-done:
		return err
	case <-gctx.Done():
	}
	s.logger.Info("shutting down; answers in flight may finish", "deadline", cfg.HTTP.ShutdownTimeout.String())
	select {
	case err := <-done:
		if err == nil {
			s.logger.Info("stopped")
		}
		return err
	case <-time.After(cfg.HTTP.ShutdownTimeout + time.Second):
		return fmt.Errorf("shutdown did not finish within http.shutdown_timeout (%v); stopping anyway", cfg.HTTP.ShutdownTimeout)
	}
}

// openStore connects to the PostgreSQL store (--store) and migrates it:
// delivery keys, conversations and feedback are then shared with the
// other replicas on it.
func (s *server) openStore(ctx context.Context) (*pgstore.Store, error) {
	st, err := pgstore.Open(ctx, string(s.cfg.Store), pgstore.Options{
		Logger: s.base.With("component", "store"),
		Now:    s.m.Now,
	})
	if err != nil {
		return nil, fmt.Errorf("store (--store, STORYBOT_STORE): %w", err)
	}
	s.m.onClose(st.Close)
	s.store = st
	s.m.feedback = st
	s.logger.Info("state shared in PostgreSQL", "store", s.cfg.Store.String(), "schema", st.Schema())
	return st, nil
}

// watchCorpus starts the corpus watcher: new, changed and removed files are
// indexed within watch.debounce plus the time to index them.
func (s *server) watchCorpus(ctx context.Context, g *errgroup.Group, a *app) error {
	log := a.logger.With("component", "watch")
	sync := func(ctx context.Context) error {
		rep, err := a.index.Sync(ctx)
		if ctx.Err() == nil {
			s.synced(a, rep, err)
		}
		if err != nil {
			return err
		}
		if rep.Added+rep.Changed+rep.Removed > 0 || len(rep.Problems) > 0 {
			log.InfoContext(ctx, "corpus updated", "added", rep.Added, "changed", rep.Changed, "removed", rep.Removed,
				"problems", len(rep.Problems), "articles", a.index.Len(), "took", rep.Duration.Round(time.Millisecond).String())
		}
		return nil
	}
	w, err := watch.New(a.corpus, sync, watch.Options{Debounce: s.cfg.Watch.Debounce, Poll: s.cfg.Watch.Poll, Logger: log})
	if err != nil {
		return err
	}
	g.Go(func() error {
		// Catch what changed between the first load and the watch.
		if err := sync(ctx); err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "corpus sync failed", "err", err)
		}
		return w.Run(ctx)
	})
	log.Info("watching the corpus folder", "dir", a.corpus, "debounce", s.cfg.Watch.Debounce.String(), "poll", s.cfg.Watch.Poll.String())
	return nil
}

// waitForArticles watches the (empty) corpus folder and opens the corpus
// once it holds an article. It returns nil, nil when ctx ends first.
func (s *server) waitForArticles(ctx context.Context) (*app, error) {
	s.waiting.Store(true)
	dir, err := filepath.Abs(s.cfg.Corpus)
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %w", s.cfg.Corpus, err)
	}
	s.logger.Warn("the corpus folder has no articles yet; waiting for the first one", "corpus", dir)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var opened *app
	try := func(context.Context) error {
		// The index outlives this wait: open it with serve's context.
		a, err := s.m.open(ctx, s.cfg, nil)
		if errors.Is(err, retrieval.ErrEmptyCorpus) {
			return nil // still empty: keep waiting, quietly
		}
		if err != nil {
			return err
		}
		opened = a
		cancel()
		return nil
	}
	w, err := watch.New(dir, try, watch.Options{Debounce: s.cfg.Watch.Debounce, Poll: s.cfg.Watch.Poll,
		Logger: s.base.With("component", "watch")})
	if err != nil {
		return nil, err
	}
	// Articles may have arrived between the first look and the watch.
	if err := try(wctx); err != nil || opened != nil {
		w.Close()
		return opened, err
	}
	if err := w.Run(wctx); err != nil {
		return nil, err
	}
	return opened, nil
}

// startDigest runs the digest schedule: each period's digest is posted once
// to every publisher (the digest package keeps the exactly-once state in
// the data folder, shared with `storybot digest`).
func (s *server) startDigest(ctx context.Context, g *errgroup.Group, a *app, pubs []bot.Publisher) error {
	var records digest.Store
	if s.store != nil {
		records = s.store.Digests()
	}
	r, err := newDigestRunner(s.cfg, a, pubs, nowClock(s.m.Now), records)
	if err != nil {
		return err
	}
	names := make([]string, len(pubs))
	for i, p := range pubs {
		names[i] = p.Name()
	}
	s.logger.Info("digest scheduled", "schedule", digestSchedule(s.cfg), "time_zone", s.cfg.Digest.TimeZone,
		"next", r.Due(s.m.Now()).Format(time.RFC3339), "destinations", strings.Join(names, ","))
	g.Go(func() error { return r.Run(ctx) })
	return nil
}

// hooks count a chat platform's rate limits and recovered panics (a panic
// is a question that got no answer, only the error sentence).
func (s *server) hooks(platform string) chat.Hooks {
	return chat.Hooks{
		RateLimited: func(scope string) { s.rec.RateLimited(platform, scope) },
		Panicked:    func() { s.rec.AnswerFailed(platform, 0) },
	}
}

func (s *server) drainAfterHTTP(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.afterHTTP = append(s.afterHTTP, f)
}

// observedBot is the bot.Service the adapters talk to, with its answers
// recorded in the metrics.
type observedBot struct {
	*bot.Service
	answer bot.Answerer
}

// Answer answers through the metrics middleware.
func (b observedBot) Answer(ctx context.Context, q bot.Question) (bot.Answer, error) {
	return b.answer.Answer(ctx, q)
}

// errIndexing is the answer to a question asked before the corpus is loaded.
var errIndexing = fmt.Errorf("%w: storybot is still indexing the corpus; try again in a moment", httpapi.ErrUnavailable)

// lazyAnswerer answers with the service once it is set, and with
// errIndexing before.
type lazyAnswerer struct{ p atomic.Pointer[bot.Service] }

func (l *lazyAnswerer) set(s *bot.Service) { l.p.Store(s) }

// Answer implements bot.Answerer.
func (l *lazyAnswerer) Answer(ctx context.Context, q bot.Question) (bot.Answer, error) {
	s := l.p.Load()
	if s == nil {
		return bot.Answer{}, errIndexing
	}
	return s.Answer(ctx, q)
}

// lazyBot is the chat adapters' Bot: every call fails with
// chat.ErrNotReady ("still loading the articles") until the corpus is
// loaded and set is called.
type lazyBot struct{ p atomic.Pointer[chat.Bot] }

var _ chat.Bot = (*lazyBot)(nil)

func (l *lazyBot) set(b chat.Bot) { l.p.Store(&b) }

// errLoading is every call's error before the corpus is loaded.
var errLoading = fmt.Errorf("storybot is still indexing the corpus: %w", chat.ErrNotReady)

func (l *lazyBot) get() (chat.Bot, error) {
	if b := l.p.Load(); b != nil {
		return *b, nil
	}
	return nil, errLoading
}

// Answer implements chat.Bot.
func (l *lazyBot) Answer(ctx context.Context, q bot.Question) (bot.Answer, error) {
	b, err := l.get()
	if err != nil {
		return bot.Answer{}, err
	}
	return b.Answer(ctx, q)
}

// Conflicts implements chat.Bot.
func (l *lazyBot) Conflicts(ctx context.Context) ([]bot.Conflict, error) {
	b, err := l.get()
	if err != nil {
		return nil, err
	}
	return b.Conflicts(ctx)
}

// Article implements chat.Bot.
func (l *lazyBot) Article(ctx context.Context, id string) (bot.Article, error) {
	b, err := l.get()
	if err != nil {
		return bot.Article{}, err
	}
	return b.Article(ctx, id)
}

// LatestDigest implements chat.Bot.
func (l *lazyBot) LatestDigest(ctx context.Context) (bot.Digest, error) {
	b, err := l.get()
	if err != nil {
		return bot.Digest{}, err
	}
	return b.LatestDigest(ctx)
}

// CorpusSize implements chat.Bot.
func (l *lazyBot) CorpusSize(ctx context.Context) (int, error) {
	b, err := l.get()
	if err != nil {
		return 0, err
	}
	return b.CorpusSize(ctx)
}

// RecordFeedback implements chat.Bot.
func (l *lazyBot) RecordFeedback(ctx context.Context, f bot.Feedback) error {
	b, err := l.get()
	if err != nil {
		return err
	}
	return b.RecordFeedback(ctx, f)
}

// supervisor runs an adapter's connection with capped backoff, its state
// in /readyz and in the metrics (storybot_adapter_up,
// storybot_adapter_failures_total).
func (s *server) supervisor(name string, c chat.Conn) *chat.Supervisor {
	s.rec.Adapter(name, c.Ready)
	return &chat.Supervisor{
		Name:       name,
		Conn:       c,
		MaxBackoff: s.cfg.Limits.RetryMax,
		Logger:     s.base,
		Hooks:      s.hooks(name),
		OnFailure:  func(*chat.Problem) { s.rec.AdapterFailed(name) },
	}
}

func slackConfig(cfg *Config) slack.Config {
	return slack.Config{
		BotToken:      string(cfg.Slack.BotToken),
		AppToken:      string(cfg.Slack.AppToken),
		SigningSecret: string(cfg.Slack.SigningSecret),
		AllowChannels: cfg.Slack.AllowChannels,
		APIURL:        slackAPIURL(cfg.Slack.APIURL),
		Profile:       slack.Profile(cfg.Slack.Profile),
		UserRate:      cfg.Limits.UserInterval,
		ChannelRate:   cfg.Limits.ChannelInterval,
		Burst:         cfg.Limits.Burst,
		AnswerTimeout: answerTimeout(cfg),
	}
}

// slackAPIURL gives the Web API base URL the form slack-go wants: with a
// trailing slash.
func slackAPIURL(u string) string {
	if u != "" && !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

func discordConfig(cfg *Config) discord.Config {
	return discord.Config{
		Token:          string(cfg.Discord.BotToken),
		AppID:          cfg.Discord.AppID,
		GuildID:        cfg.Discord.GuildID,
		PublicKey:      cfg.Discord.PublicKey,
		HTTPOnly:       cfg.Discord.HTTPOnly,
		MessageContent: cfg.Discord.MessageContent,
		APIURL:         cfg.Discord.APIURL,
		UserRate:       cfg.Limits.UserInterval,
		Burst:          cfg.Limits.Burst,
		AnswerTimeout:  answerTimeout(cfg),
	}
}

// answerTimeout bounds one answer: the model's time plus room for
// retrieval, or two minutes offline.
func answerTimeout(cfg *Config) time.Duration {
	if cfg.LLM.Provider != "" && cfg.LLM.Timeout > 0 {
		return cfg.LLM.Timeout + 30*time.Second
	}
	return 2 * time.Minute
}

// modelName says what composes answers, for the start-up log line.
func modelName(cfg *Config) string {
	if cfg.LLM.Provider == "" {
		return "offline"
	}
	return cfg.LLM.Provider + ":" + cfg.LLM.Model
}

// runHealthcheck probes a running server's /healthz and fails unless it
// answers 200: the container image's HEALTHCHECK.
func (m *Main) runHealthcheck(ctx context.Context, args []string) error {
	fs, cfg, err := m.serviceFlags("healthcheck", args)
	if err != nil {
		return err
	}
	url := fs.String("url", "", "URL to probe (default: http://<http.addr>/healthz, with 127.0.0.1 for an all-interfaces address)")
	timeout := fs.Duration("timeout", 3*time.Second, "time allowed for the probe")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	target := *url
	if target == "" {
		host, port, err := net.SplitHostPort(cfg.HTTP.Addr)
		if err != nil {
			return usageError{fmt.Errorf("http.addr (--http-addr, STORYBOT_HTTP_ADDR): %q is not host:port", cfg.HTTP.Addr)}
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		target = "http://" + net.JoinHostPort(host, port) + "/healthz"
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return usageError{fmt.Errorf("--url: %w", err)}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck %s: %w", target, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck %s: %s", target, resp.Status)
	}
	fmt.Fprintln(m.Stdout, "ok")
	return nil
}
