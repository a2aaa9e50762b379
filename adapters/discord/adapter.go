package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/guard"
)

// Bot is what the adapter asks of storybot. bot.Service implements it. All
// methods must be safe for concurrent use; the adapter calls them from many
// goroutines and always passes a context with a deadline.
type Bot interface {
	// Answer answers a question; an error means no answer at all could be made.
	Answer(ctx context.Context, q bot.Question) (bot.Answer, error)
	// Conflicts returns the corpus-wide conflict ledger, for /conflicts.
	Conflicts(ctx context.Context) ([]bot.Conflict, error)
	// Article returns one article, for /sources; the error wraps
	// bot.ErrNotFound for an unknown ID.
	Article(ctx context.Context, id string) (bot.Article, error)
	// LatestDigest returns the most recent digest, for /digest.
	LatestDigest(ctx context.Context) (bot.Digest, error)
	// CorpusSize returns the number of articles, for /help.
	CorpusSize(ctx context.Context) (int, error)
	// RecordFeedback stores a reader's verdict from the feedback buttons.
	RecordFeedback(ctx context.Context, f bot.Feedback) error
}

// Config configures the adapter. Token and AppID are required.
type Config struct {
	// Token is the bot token (DISCORD_BOT_TOKEN), with or without "Bot ".
	Token string
	// AppID is the application ID (DISCORD_APP_ID).
	AppID string
	// GuildID, when set (DISCORD_GUILD_ID), registers the commands in that
	// guild only, where they appear at once; otherwise they are global.
	GuildID string
	// PublicKey is the application's hex Ed25519 public key
	// (DISCORD_PUBLIC_KEY); InteractionsHandler needs it.
	PublicKey string
	// HTTPOnly skips the gateway: interactions then arrive only through
	// InteractionsHandler, and mentions are not seen.
	HTTPOnly bool
	// MessageContent asks for the privileged Message Content intent, so that
	// follow-ups in the bot's threads are answered without a mention. Enable
	// it in the developer portal first.
	MessageContent bool
	// HTTPClient carries the REST calls; nil for a default client. Tests
	// point it at a fake server.
	HTTPClient *http.Client
	// UserRate and Burst limit each user to Burst questions at once and one
	// more every UserRate. Zero UserRate means 10s; Burst defaults to 3.
	UserRate time.Duration
	Burst    int
	// MaxBody caps the size of an HTTP interaction request (default 64 KiB).
	MaxBody int64
	// RateLimited, when set, is told of every question the per-user limit
	// refuses (scope "user"), e.g. to count it.
	RateLimited func(scope string)
	// SignatureWindow is how far an HTTP interaction's timestamp may be from
	// now (default 5 minutes).
	SignatureWindow time.Duration
	// AnswerTimeout bounds the work on one question (default 2 minutes; at
	// most 14 minutes, inside the 15-minute life of an interaction token).
	AnswerTimeout time.Duration
	// HistoryLimit is how many earlier messages of a thread are passed as
	// its history (default 20).
	HistoryLimit int
	// Now is the clock; nil for time.Now.
	Now func() time.Time
}

// LogValue keeps the token out of logs.
func (c Config) LogValue() slog.Value {
	token := ""
	if c.Token != "" {
		token = "<redacted>"
	}
	return slog.GroupValue(
		slog.String("token", token),
		slog.String("app_id", c.AppID),
		slog.String("guild_id", c.GuildID),
		slog.Bool("http_interactions", c.PublicKey != ""),
		slog.Bool("http_only", c.HTTPOnly),
		slog.Bool("message_content", c.MessageContent),
	)
}

// ConfigFromEnv reads the adapter's settings from the environment:
// DISCORD_BOT_TOKEN (or DISCORD_BOT_TOKEN_FILE), DISCORD_APP_ID,
// DISCORD_GUILD_ID, DISCORD_PUBLIC_KEY and DISCORD_MESSAGE_CONTENT=1.
// getenv is usually os.Getenv and readFile os.ReadFile.
func ConfigFromEnv(getenv func(string) string, readFile func(string) ([]byte, error)) (Config, error) {
	c := Config{
		Token:          getenv("DISCORD_BOT_TOKEN"),
		AppID:          getenv("DISCORD_APP_ID"),
		GuildID:        getenv("DISCORD_GUILD_ID"),
		PublicKey:      getenv("DISCORD_PUBLIC_KEY"),
		MessageContent: getenv("DISCORD_MESSAGE_CONTENT") == "1" || getenv("DISCORD_MESSAGE_CONTENT") == "true",
	}
	if f := getenv("DISCORD_BOT_TOKEN_FILE"); c.Token == "" && f != "" {
		b, err := readFile(f)
		if err != nil {
			return c, fmt.Errorf("discord: reading DISCORD_BOT_TOKEN_FILE: %w", err)
		}
		c.Token = strings.TrimSpace(string(b))
	}
	return c, nil
}

// Adapter connects storybot to Discord. Create it with New, start it with Run.
type Adapter struct {
	cfg     Config
	bot     Bot
	log     *slog.Logger
	session *discordgo.Session
	pubKey  ed25519.PublicKey
	now     func() time.Time

	limiter   *guard.Limiter
	warned    *guard.Dedupe // users told about the rate limit recently
	seen      *guard.Dedupe // interaction and message IDs handled
	sigs      *guard.Dedupe // HTTP interaction signatures seen
	threads   *channelCache
	botID     atomic.Value // string: the bot's user ID, from READY
	ready     atomic.Bool
	inflight  sync.WaitGroup
	quit      chan struct{} // closed when Run stops; cancels background work
	quitOnce  sync.Once
	runCalled atomic.Bool
}

// New checks cfg and builds an adapter around b. It does not connect.
func New(cfg Config, b Bot, logger *slog.Logger) (*Adapter, error) {
	if b == nil {
		return nil, errors.New("discord: no bot given")
	}
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("discord: DISCORD_BOT_TOKEN is not set")
	}
	if strings.TrimSpace(cfg.AppID) == "" {
		return nil, errors.New("discord: DISCORD_APP_ID is not set")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.UserRate == 0 {
		cfg.UserRate = 10 * time.Second
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 3
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 64 << 10
	}
	if cfg.SignatureWindow <= 0 {
		cfg.SignatureWindow = 5 * time.Minute
	}
	if cfg.AnswerTimeout <= 0 {
		cfg.AnswerTimeout = 2 * time.Minute
	}
	if cfg.AnswerTimeout > 14*time.Minute {
		cfg.AnswerTimeout = 14 * time.Minute
	}
	if cfg.HistoryLimit <= 0 {
		cfg.HistoryLimit = 20
	}
	a := &Adapter{
		cfg:     cfg,
		bot:     b,
		log:     logger.With("component", "discord"),
		now:     cfg.Now,
		limiter: guard.NewLimiter(cfg.UserRate, cfg.Burst, cfg.Now),
		warned:  guard.NewDedupe(cfg.UserRate, cfg.Now),
		seen:    guard.NewDedupe(30*time.Minute, cfg.Now),
		sigs:    guard.NewDedupe(2*cfg.SignatureWindow, cfg.Now),
		threads: newChannelCache(10_000),
		quit:    make(chan struct{}),
	}
	a.botID.Store("")
	if cfg.PublicKey != "" {
		k, err := hex.DecodeString(strings.TrimSpace(cfg.PublicKey))
		if err != nil || len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("discord: DISCORD_PUBLIC_KEY must be %d hex-encoded bytes", ed25519.PublicKeySize)
		}
		a.pubKey = ed25519.PublicKey(k)
	}
	token := strings.TrimSpace(cfg.Token)
	if !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, fmt.Errorf("discord: creating session: %w", err)
	}
	if cfg.HTTPClient != nil {
		s.Client = cfg.HTTPClient
	}
	s.Identify.Intents = discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if cfg.MessageContent {
		s.Identify.Intents |= discordgo.IntentMessageContent
	}
	s.StateEnabled = false
	s.LogLevel = discordgo.LogError
	a.session = s
	return a, nil
}

// Ready reports whether the adapter is connected: the gateway has sent READY
// (or, with HTTPOnly, the commands are registered).
func (a *Adapter) Ready() bool { return a.ready.Load() }

// commands are storybot's slash commands.
func commands() []*discordgo.ApplicationCommand {
	return []*discordgo.ApplicationCommand{
		{
			Name:        "ask",
			Description: "Ask a question about the story",
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "question",
				Description: "What you want to know", Required: true, MaxLength: 500,
			}},
		},
		{Name: "digest", Description: "The latest digest of what is new in the story"},
		{Name: "conflicts", Description: "Facts on which the articles disagree"},
		{
			Name:        "sources",
			Description: "Show one article by its ID",
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "id",
				Description: "The article ID, as cited in answers", Required: true, MaxLength: 200,
			}},
		},
		{Name: "help", Description: "What storybot can do"},
	}
}

// RegisterCommands installs the slash commands by bulk overwrite (in the
// guild when GuildID is set). Overwriting is idempotent: running it again
// with the same commands changes nothing. Run calls it.
func (a *Adapter) RegisterCommands(ctx context.Context) error {
	got, err := a.session.ApplicationCommandBulkOverwrite(a.cfg.AppID, a.cfg.GuildID, commands(), discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("discord: registering slash commands: %w", err)
	}
	a.log.Info("slash commands registered", "count", len(got), "guild", a.cfg.GuildID)
	return nil
}

// Run registers the commands, opens the gateway session (unless HTTPOnly)
// and serves until ctx is done. It then closes the session and waits for the
// answers in flight, which are cancelled. Run may be called once.
func (a *Adapter) Run(ctx context.Context) error {
	if !a.runCalled.CompareAndSwap(false, true) {
		return errors.New("discord: Run called twice")
	}
	defer a.stop()
	if err := a.RegisterCommands(ctx); err != nil {
		return err
	}
	if a.cfg.HTTPOnly {
		a.ready.Store(true)
		<-ctx.Done()
		a.ready.Store(false)
		return nil
	}
	remove := []func(){
		a.session.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
			if r.User != nil {
				a.botID.Store(r.User.ID)
			}
			a.ready.Store(true)
			a.log.Info("gateway ready", "session", r.SessionID)
		}),
		a.session.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) {
			a.ready.Store(true)
			a.log.Info("gateway session resumed")
		}),
		a.session.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
			a.ready.Store(false)
			a.log.Warn("gateway disconnected")
		}),
		a.session.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
			if ic.Interaction == nil || !a.seen.First("i:"+ic.ID) {
				return
			}
			a.handleInteraction(ctx, ic.Interaction, func(resp *discordgo.InteractionResponse) error {
				return s.InteractionRespond(ic.Interaction, resp, discordgo.WithContext(ctx))
			})
		}),
		a.session.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
			if m.Message == nil {
				return
			}
			a.handleMessage(ctx, m.Message)
		}),
	}
	defer func() {
		for _, r := range remove {
			r()
		}
	}()
	if err := a.session.Open(); err != nil {
		return fmt.Errorf("discord: opening gateway session: %w", err)
	}
	<-ctx.Done()
	a.ready.Store(false)
	if err := a.session.Close(); err != nil {
		a.log.Warn("closing gateway session", "err", err)
	}
	return nil
}

// stop cancels background work and waits for it.
func (a *Adapter) stop() {
	a.quitOnce.Do(func() { close(a.quit) })
	a.inflight.Wait()
}

// background runs f in a goroutine the adapter waits for on shutdown, with a
// context that ends at the answer timeout or when Run stops.
func (a *Adapter) background(parent context.Context, f func(ctx context.Context)) {
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Done()
		ctx, cancel := context.WithTimeout(parent, a.cfg.AnswerTimeout)
		defer cancel()
		go func() {
			select {
			case <-a.quit:
				cancel()
			case <-ctx.Done():
			}
		}()
		f(ctx)
	}()
}

// cleanupContext is for the last message after ctx may have ended: a short
// deadline of its own, so an error is still reported.
func cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}

func (a *Adapter) selfID() string { return a.botID.Load().(string) }

// channelCache remembers what the adapter learnt about channels: whether
// each is a thread and whether the bot owns it. It is bounded; when full it
// forgets everything (the facts are cheap to fetch again).
type channelCache struct {
	mu  sync.Mutex
	max int
	m   map[string]channelInfo
}

type channelInfo struct {
	thread bool   // a thread, public or private
	ours   bool   // started by the bot
	parent string // the channel a thread belongs to
}

func newChannelCache(max int) *channelCache {
	return &channelCache{max: max, m: map[string]channelInfo{}}
}

func (c *channelCache) get(id string) (channelInfo, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[id]
	return v, ok
}

func (c *channelCache) put(id string, v channelInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[id] = v
}

// Permissions is the permission integer storybot's invite asks for: view
// channels, send messages (also in threads), create public threads, embed
// links and read message history.
const Permissions int64 = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionSendMessagesInThreads | discordgo.PermissionCreatePublicThreads |
	discordgo.PermissionEmbedLinks | discordgo.PermissionReadMessageHistory

// InviteURL is the link that adds the application's bot to a server with
// the scopes bot and applications.commands and the Permissions it needs.
func InviteURL(appID string) string {
	return "https://discord.com/oauth2/authorize?client_id=" + url.QueryEscape(appID) +
		"&scope=bot+applications.commands&permissions=" + strconv.FormatInt(Permissions, 10)
}

// rateLimited reports a refused question to Config.RateLimited.
func (a *Adapter) rateLimited() {
	if a.cfg.RateLimited != nil {
		a.cfg.RateLimited("user")
	}
}
