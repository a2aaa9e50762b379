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

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/guard"
)

// Bot is what the adapter needs from storybot. bot.Service implements it.
// Implementations must be safe for concurrent use; the adapter calls them
// from one goroutine per question and passes contexts bounded by
// Config.AnswerTimeout.
type Bot interface {
	// Answer answers a question; an error means no answer at all could be made.
	Answer(ctx context.Context, q bot.Question) (bot.Answer, error)
	// Conflicts returns the corpus-wide conflict ledger (/story conflicts).
	Conflicts(ctx context.Context) ([]bot.Conflict, error)
	// Article returns one article (/story sources <id>), or an error wrapping
	// bot.ErrNotFound.
	Article(ctx context.Context, id string) (bot.Article, error)
	// LatestDigest returns the most recent digest (/story digest).
	LatestDigest(ctx context.Context) (bot.Digest, error)
	// CorpusSize returns the number of articles, for the placeholder.
	CorpusSize(ctx context.Context) (int, error)
	// RecordFeedback stores a reader's verdict from the feedback buttons.
	RecordFeedback(ctx context.Context, f bot.Feedback) error
}

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
	// RateLimited, when set, is told of every question a rate limit refuses,
	// with the limit's scope ("user" or "channel"), e.g. to count it.
	RateLimited func(scope string)
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

// Adapter connects a Bot to Slack. Create it with New; it is safe for
// concurrent use.
type Adapter struct {
	cfg      Config
	bot      Bot
	log      *slog.Logger
	api      *slackgo.Client
	http     *http.Client
	now      func() time.Time
	dedupe   *guard.Dedupe
	users    *guard.Limiter
	channels *guard.Limiter
	allow    map[string]bool
	threads  *threadMemo
	sleep    func(ctx context.Context, d time.Duration) error

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
func New(cfg Config, b Bot, logger *slog.Logger) (*Adapter, error) {
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
	a := &Adapter{
		cfg:      cfg,
		bot:      b,
		log:      logger.With("component", "slack"),
		api:      slackgo.New(cfg.BotToken, opts...),
		http:     cfg.HTTPClient,
		now:      cfg.Now,
		dedupe:   guard.NewDedupe(cfg.DedupeTTL, cfg.Now),
		users:    guard.NewLimiter(max(cfg.UserRate, 0), cfg.Burst, cfg.Now),
		channels: guard.NewLimiter(max(cfg.ChannelRate, 0), cfg.Burst, cfg.Now),
		threads:  newThreadMemo(cfg.Now),
		sleep:    sleepCtx,
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

// rateLimited reports a refused question to Config.RateLimited.
func (a *Adapter) rateLimited(scope string) {
	if a.cfg.RateLimited != nil {
		a.cfg.RateLimited(scope)
	}
}

// isDM reports whether a channel ID is a direct message conversation.
func isDM(channel string) bool { return strings.HasPrefix(channel, "D") }

// limited checks the per-user and per-channel limits and returns a friendly
// reply when the question must wait, or "" when it may go ahead.
func (a *Adapter) limited(user, channel string) string {
	if ok, wait := a.users.Allow(user); !ok {
		a.rateLimited("user")
		return fmt.Sprintf("You're asking faster than I can read. Give me %s and ask again.", roundUp(wait))
	}
	if !isDM(channel) {
		if ok, wait := a.channels.Allow(channel); !ok {
			a.rateLimited("channel")
			return fmt.Sprintf("This channel is asking faster than I can read. Give me %s and ask again.", roundUp(wait))
		}
	}
	return ""
}

func roundUp(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	if s <= 1 {
		return "a second"
	}
	return fmt.Sprintf("%d seconds", s)
}

// errorText is the reply when something failed: always said, never silent.
func errorText(err error) string {
	reason := "something went wrong on my side"
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		reason = "it took too long; please try again"
	case errors.Is(err, context.Canceled):
		reason = "I was interrupted; please try again"
	case err != nil:
		reason = truncate(err.Error(), 300)
	}
	return "I couldn't answer that: " + reason + "."
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
