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

	"github.com/storybot/storybot/adapters/chat"
)

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
	// APIURL is Discord's API base URL, "https://discord.com/api" when
	// empty: the REST calls and the gateway URL lookup go there (a proxy, a
	// test rig). The API version ("/v9") is appended to it.
	APIURL string
	// HTTPClient carries the REST calls; nil for a client with a 30 s
	// timeout. Its transport is wrapped to honour APIURL and to bound the
	// waits for Discord's rate limits.
	HTTPClient *http.Client
	// MaxRetryWait is the longest rate limit wait (HTTP 429 Retry-After)
	// the adapter sits out before giving up on a call (default 30 s). Waits
	// end early at shutdown.
	MaxRetryWait time.Duration
	// UserRate and Burst limit each user to Burst questions at once and one
	// more every UserRate. Zero UserRate means 10s; Burst defaults to 3.
	UserRate time.Duration
	Burst    int
	// MaxBody caps the size of an HTTP interaction request (default 64 KiB).
	MaxBody int64
	// Hooks are told of rate limits (the per-user limit, scope "user", and
	// Discord's 429 replies, scope "api") and of recovered panics.
	Hooks chat.Hooks
	// Seen remembers interaction, message and request IDs so that each is
	// handled once; nil means an in-process store.
	Seen chat.Seen
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
		slog.String("api_url", c.APIURL),
	)
}

// Adapter connects storybot to Discord. Create it with New, start it with Run.
type Adapter struct {
	cfg     Config
	bot     chat.Bot
	log     *slog.Logger
	session *discordgo.Session
	pubKey  ed25519.PublicKey
	now     func() time.Time

	limits     chat.Limits
	seen       chat.Seen
	reply      chat.Reply[message]
	threads    *channelCache
	roles      *channelCache // guild ID -> the bot's managed role (in parent)
	botID      atomic.Value  // string: the bot's user ID, from READY
	ready      atomic.Bool
	registered atomic.Bool // the slash commands are installed
	inflight   sync.WaitGroup
	quit       chan struct{} // closed at shutdown; cancels background work and rate limit waits
	quitOnce   sync.Once
}

// New checks cfg and builds an adapter around b. It does not connect.
func New(cfg Config, b chat.Bot, logger *slog.Logger) (*Adapter, error) {
	if b == nil {
		return nil, errors.New("discord: no bot given")
	}
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("discord: DISCORD_BOT_TOKEN is not set")
	}
	if err := CheckToken(cfg.Token); err != nil {
		return nil, err
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
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = 30 * time.Second
	}
	if cfg.Seen == nil {
		cfg.Seen = chat.NewMemorySeen(cfg.Now)
	}
	var api *url.URL
	if cfg.APIURL != "" {
		u, err := url.Parse(strings.TrimRight(cfg.APIURL, "/"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("discord: the API URL %q is not an http(s) URL such as https://discord.com/api", cfg.APIURL)
		}
		api = u
	}
	log := logger.With("component", "discord")
	a := &Adapter{
		cfg:     cfg,
		bot:     b,
		log:     log,
		now:     cfg.Now,
		limits:  chat.Limits{Users: chat.NewLimiter(cfg.UserRate, cfg.Burst, cfg.Now), Hooks: cfg.Hooks},
		seen:    cfg.Seen,
		reply:   chat.Reply[message]{Log: log, Hooks: cfg.Hooks, Say: func(s string) message { return message{Content: truncate(s, maxContent)} }},
		threads: newChannelCache(10_000),
		roles:   newChannelCache(1_000),
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
	client := &http.Client{Timeout: 30 * time.Second}
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		client = &c
	}
	client.Transport = &apiTransport{base: client.Transport, api: api, maxWait: cfg.MaxRetryWait, hooks: cfg.Hooks, quit: a.quit, log: log}
	s.Client = client
	// Rate limits are waited out by apiTransport, within MaxRetryWait and
	// cancelled by shutdown; discordgo's own waits are neither.
	s.ShouldRetryOnRateLimit = false
	// The Supervisor reconnects a lost gateway, with its backoff and state.
	s.ShouldReconnectOnError = false
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
// with the same commands changes nothing. Run calls it until it succeeds.
// Its error is a *chat.Problem saying what to fix.
func (a *Adapter) RegisterCommands(ctx context.Context) error {
	got, err := a.session.ApplicationCommandBulkOverwrite(a.cfg.AppID, a.cfg.GuildID, commands(), discordgo.WithContext(ctx))
	if err != nil {
		return a.restProblem("registering the slash commands", err)
	}
	a.log.Info("slash commands registered", "count", len(got), "guild", a.cfg.GuildID)
	return nil
}

// Run registers the commands (once they are, not again), opens the gateway
// session (unless HTTPOnly) and serves until ctx is done, then closes the
// session and waits for the answers in flight, which are cancelled. When
// Discord cannot be reached, refuses the token or closes the gateway, Run
// returns a *chat.Problem saying why and what to fix; a chat.Supervisor
// calls it again after a backoff (the session resumes).
func (a *Adapter) Run(ctx context.Context) error {
	defer a.ready.Store(false)
	defer func() {
		if ctx.Err() != nil {
			a.stop()
		}
	}()
	if !a.registered.Load() {
		if err := a.RegisterCommands(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		a.registered.Store(true)
	}
	if a.cfg.HTTPOnly {
		a.ready.Store(true)
		<-ctx.Done()
		return nil
	}
	lost := make(chan struct{}, 1)
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
			select {
			case lost <- struct{}{}:
			default:
			}
		}),
		a.session.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
			defer chat.Recover(a.log, a.cfg.Hooks)
			if ic.Interaction == nil || !a.first(ctx, "i:"+ic.ID) {
				return
			}
			a.handleInteraction(ctx, ic.Interaction, func(resp *discordgo.InteractionResponse) error {
				return s.InteractionRespond(ic.Interaction, resp, discordgo.WithContext(ctx))
			})
		}),
		a.session.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
			defer chat.Recover(a.log, a.cfg.Hooks)
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
		if ctx.Err() != nil {
			return nil
		}
		return a.gatewayProblem(err)
	}
	select {
	case <-ctx.Done():
		a.ready.Store(false)
		if err := a.session.Close(); err != nil {
			a.log.Warn("closing gateway session", "err", err)
		}
		return nil
	case <-lost:
		_ = a.session.Close()
		if ctx.Err() != nil {
			return nil
		}
		return &chat.Problem{Reason: "the gateway connection to Discord was lost",
			Fix: "nothing to do if it comes back; otherwise check the network (storybot reconnects by itself)"}
	}
}

// first reports whether key is handled for the first time. When the store
// cannot say, the delivery is handled.
func (a *Adapter) first(ctx context.Context, key string) bool {
	return a.firstFor(ctx, key, 30*time.Minute)
}

// firstFor is first with a time to live of its own.
func (a *Adapter) firstFor(ctx context.Context, key string, ttl time.Duration) bool {
	ok, err := a.seen.First(ctx, "discord/"+key, ttl)
	if err != nil {
		a.log.Warn("cannot check for a repeated delivery; handling it", "key", key, "err", err)
		return true
	}
	return ok
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
		defer chat.Recover(a.log, a.cfg.Hooks)
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

// CheckToken checks the form of a bot token: three dot-separated parts of
// base64url characters, with or without "Bot " before them. A client
// secret, a public key or an application ID pasted in its place fails.
func CheckToken(token string) error {
	t := strings.TrimPrefix(strings.TrimSpace(token), "Bot ")
	parts := strings.Split(t, ".")
	ok := len(parts) == 3
	for _, p := range parts {
		if p == "" || strings.Trim(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			ok = false
		}
	}
	if !ok {
		return errors.New("discord: the bot token is not a Discord bot token (three parts separated by dots): copy it from the Developer Portal's Bot page (Reset Token), not the client secret or public key")
	}
	return nil
}
