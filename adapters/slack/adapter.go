package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/storybot/storybot/adapters/chat"
)

// Config configures the Slack adapter. BotToken is required, with AppToken
// (Socket Mode), SigningSecret (Events API over HTTP) or both.
type Config struct {
	// BotToken is the bot user OAuth token (SLACK_BOT_TOKEN, "xoxb-...").
	BotToken string
	// AppToken is the app-level token with connections:write
	// (SLACK_APP_TOKEN, "xapp-..."); it enables Socket Mode.
	AppToken string
	// SigningSecret verifies Events API requests (SLACK_SIGNING_SECRET).
	SigningSecret string
	// APIURL overrides Slack's Web API base URL ("https://slack.com/api/");
	// tests point it at a local fake. Socket Mode's WebSocket URL comes from
	// apps.connections.open on this API.
	APIURL string
	// HTTPClient is used for Web API calls and response URLs; nil means a
	// client with a 30 s timeout.
	HTTPClient *http.Client
	// AllowChannels, when not empty, restricts the bot to these channel IDs.
	// Direct messages are always allowed.
	AllowChannels []string
	// UserRate and ChannelRate are the intervals at which one user and one
	// channel regain a question, after a burst of Burst questions (defaults
	// 10 s and 2 s). A negative value disables that limit.
	UserRate, ChannelRate time.Duration
	// Burst is how many questions a user or channel may ask at once (default 3).
	Burst int
	// MaxBody caps an Events API request body in bytes (default 1 MiB);
	// larger requests get 413.
	MaxBody int64
	// Profile is the set of scopes the Slack app was installed with:
	// ProfileFull (the default) or ProfileMentions.
	Profile Profile
	// Hooks are told of rate limits and recovered panics, e.g. to count them.
	Hooks chat.Hooks
	// Seen remembers delivery IDs; nil means an in-process store.
	Seen chat.Seen
	// Conversations remembers the threads the bot answered in; nil means an
	// in-process store.
	Conversations chat.Conversations
	// DedupeTTL is how long delivery and message IDs are remembered (default 1 h).
	DedupeTTL time.Duration
	// AnswerTimeout bounds the work on one question (default 2 min).
	AnswerTimeout time.Duration
	// MaxRetryWait is the longest Retry-After the adapter waits out on a 429
	// before giving up on that call (default 1 min).
	MaxRetryWait time.Duration
	// ThreadTurns caps the earlier thread turns sent as context (default 20).
	ThreadTurns int
	// DMWindow is how far back a direct message conversation's earlier
	// top-level messages count as context for a new one (default 30 min;
	// negative turns it off). Threads in DMs use the thread instead.
	DMWindow time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Profile names the set of scopes the Slack app was installed with; the
// manifests in deploy/ match them.
type Profile string

const (
	// ProfileFull (deploy/slack-manifest.yaml) reads the messages of the
	// channels the bot is in: follow-ups in its threads need no mention,
	// and the thread's other messages are context.
	ProfileFull Profile = "full"
	// ProfileMentions (deploy/slack-manifest-mentions.yaml) has no
	// channels:history or groups:history: the bot sees mentions, direct
	// messages and /story only; a follow-up in its thread needs a mention,
	// and the context is the bot's own record of the thread.
	ProfileMentions Profile = "mentions"
)

// Adapter connects a Bot to Slack. Create it with New; it is safe for
// concurrent use.
type Adapter struct {
	cfg     Config
	bot     chat.Bot
	log     *slog.Logger
	api     *slackgo.Client
	http    *http.Client
	now     func() time.Time
	seen    chat.Seen
	limits  chat.Limits
	allow   map[string]bool
	convs   chat.Conversations
	notOurs *threadMemo
	reply   chat.Reply[msg]
	sleep   func(ctx context.Context, d time.Duration) error

	connected atomic.Bool
	work      sync.WaitGroup

	idMu sync.Mutex
	id   identity
}

// identity is the bot's own user and bot IDs, from auth.test.
type identity struct {
	UserID string
	BotID  string
}

// Check the token kinds without printing the tokens.
func checkToken(name, token, prefix string) error {
	if strings.HasPrefix(token, prefix) && len(token) > len(prefix) {
		return nil
	}
	kind := "an empty value"
	if i := strings.IndexByte(token, '-'); i > 0 && i < 6 {
		kind = fmt.Sprintf("a token starting with %q", token[:i+1])
	} else if token != "" {
		kind = "a value that is not a Slack token"
	}
	return fmt.Errorf("slack: %s must start with %q, got %s", name, prefix, kind)
}

// New validates cfg and returns an Adapter answering through b. It makes no
// network calls; Run connects Socket Mode and EventsHandler serves HTTP.
func New(cfg Config, b chat.Bot, logger *slog.Logger) (*Adapter, error) {
	if b == nil {
		return nil, errors.New("slack: no bot to answer with")
	}
	if err := checkToken("the bot token (SLACK_BOT_TOKEN)", cfg.BotToken, "xoxb-"); err != nil {
		return nil, err
	}
	if cfg.AppToken != "" {
		if err := checkToken("the app token (SLACK_APP_TOKEN)", cfg.AppToken, "xapp-"); err != nil {
			return nil, err
		}
	}
	switch cfg.Profile {
	case "":
		cfg.Profile = ProfileFull
	case ProfileFull, ProfileMentions:
	default:
		return nil, fmt.Errorf("slack: unknown profile %q: use %q or %q", cfg.Profile, ProfileFull, ProfileMentions)
	}
	if cfg.AppToken == "" && cfg.SigningSecret == "" {
		return nil, errors.New("slack: set the app token (SLACK_APP_TOKEN, xapp-...) for Socket Mode or the signing secret (SLACK_SIGNING_SECRET) for the Events API")
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
	if cfg.ChannelRate == 0 {
		cfg.ChannelRate = 2 * time.Second
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 3
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.DedupeTTL <= 0 {
		cfg.DedupeTTL = time.Hour
	}
	if cfg.AnswerTimeout <= 0 {
		cfg.AnswerTimeout = 2 * time.Minute
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = time.Minute
	}
	if cfg.ThreadTurns <= 0 {
		cfg.ThreadTurns = 20
	}
	if cfg.DMWindow == 0 {
		cfg.DMWindow = 30 * time.Minute
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	opts := []slackgo.Option{slackgo.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.APIURL != "" {
		u := cfg.APIURL
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		opts = append(opts, slackgo.OptionAPIURL(u))
	}
	if cfg.AppToken != "" {
		opts = append(opts, slackgo.OptionAppLevelToken(cfg.AppToken))
	}
	if cfg.Seen == nil {
		cfg.Seen = chat.NewMemorySeen(cfg.Now)
	}
	if cfg.Conversations == nil {
		cfg.Conversations = chat.NewMemoryConversations(oursTTL, 2*cfg.ThreadTurns, cfg.Now)
	}
	log := logger.With("component", "slack")
	a := &Adapter{
		cfg:  cfg,
		bot:  b,
		log:  log,
		api:  slackgo.New(cfg.BotToken, opts...),
		http: cfg.HTTPClient,
		now:  cfg.Now,
		seen: cfg.Seen,
		limits: chat.Limits{
			Users:    chat.NewLimiter(cfg.UserRate, cfg.Burst, cfg.Now),
			Channels: chat.NewLimiter(cfg.ChannelRate, cfg.Burst, cfg.Now),
			Hooks:    cfg.Hooks,
		},
		convs:   cfg.Conversations,
		notOurs: newThreadMemo(cfg.Now),
		reply:   chat.Reply[msg]{Log: log, Hooks: cfg.Hooks, Say: say},
		sleep:   sleepCtx,
	}
	if len(cfg.AllowChannels) > 0 {
		a.allow = map[string]bool{}
		for _, c := range cfg.AllowChannels {
			a.allow[strings.TrimSpace(c)] = true
		}
	}
	return a, nil
}

// Ready reports whether the adapter can take questions: in Socket Mode,
// whether the WebSocket is connected; with the Events API alone, always.
func (a *Adapter) Ready() bool {
	if a.cfg.AppToken == "" {
		return true
	}
	return a.connected.Load()
}

// Wait blocks until every question already received has been answered (or
// has timed out). Call it at shutdown after the HTTP server has stopped;
// Run calls it itself.
func (a *Adapter) Wait() { a.work.Wait() }

// spawn runs fn in the background with a context that outlives the
// delivery (an HTTP request or a Socket Mode envelope) but not
// AnswerTimeout.
func (a *Adapter) spawn(ctx context.Context, fn func(ctx context.Context)) {
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		defer chat.Recover(a.log, a.cfg.Hooks)
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.AnswerTimeout)
		defer cancel()
		fn(ctx)
	}()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// call runs one Web API call, waiting out Slack's 429 Retry-After and
// trying again, up to five attempts.
func (a *Adapter) call(ctx context.Context, method string, fn func(ctx context.Context) error) error {
	const attempts = 5
	for i := 1; ; i++ {
		err := fn(ctx)
		var rl *slackgo.RateLimitedError
		if err == nil || !errors.As(err, &rl) || i == attempts {
			if err != nil {
				return fmt.Errorf("slack %s: %w", method, err)
			}
			return nil
		}
		a.cfg.Hooks.NoteRateLimited("api")
		wait := rl.RetryAfter
		if wait <= 0 {
			wait = time.Second
		}
		if wait > a.cfg.MaxRetryWait {
			return fmt.Errorf("slack %s: rate limited for %s, longer than the %s we wait: %w", method, wait, a.cfg.MaxRetryWait, err)
		}
		a.log.Warn("rate limited by Slack, waiting", "method", method, "retry_after", wait, "attempt", i)
		if err := a.sleep(ctx, wait); err != nil {
			return fmt.Errorf("slack %s: waiting out a rate limit: %w", method, err)
		}
	}
}

// self returns the bot's identity, asking auth.test once.
func (a *Adapter) self(ctx context.Context) (identity, error) {
	a.idMu.Lock()
	defer a.idMu.Unlock()
	if a.id.UserID != "" {
		return a.id, nil
	}
	var resp *slackgo.AuthTestResponse
	err := a.call(ctx, "auth.test", func(ctx context.Context) error {
		var err error
		resp, err = a.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		return identity{}, err
	}
	a.id = identity{UserID: resp.UserID, BotID: resp.BotID}
	return a.id, nil
}

// allowed reports whether the bot may answer in channel.
func (a *Adapter) allowed(channel string) bool {
	return a.allow == nil || isDM(channel) || a.allow[channel]
}

// isDM reports whether a channel ID is a direct message conversation.
func isDM(channel string) bool { return strings.HasPrefix(channel, "D") }

// limited checks the per-user and per-channel limits (none per channel in
// a DM) and returns a polite reply when the question must wait, or "".
func (a *Adapter) limited(user, channel string) string {
	if isDM(channel) {
		channel = ""
	}
	return a.limits.Check(user, channel)
}

// placeholderText is posted at once and replaced by the answer.
func (a *Adapter) placeholderText(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	n, err := a.bot.CorpusSize(ctx)
	if err != nil || n <= 0 {
		return "Reading the articles..."
	}
	if n == 1 {
		return "Reading 1 article..."
	}
	return fmt.Sprintf("Reading %d articles...", n)
}

// isPlaceholder recognises the adapter's own placeholders in a thread.
func isPlaceholder(text string) bool {
	return strings.HasPrefix(text, "Reading ") && strings.HasSuffix(text, "...") && len(text) < 40
}
