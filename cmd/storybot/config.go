package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/storybot/storybot/pgstore"
)

// Config is storybot's whole configuration, built once in Main from flags,
// the environment (and a YAML file where supported) and passed down.
// Secrets are read from the environment or from *_FILE paths only.
type Config struct {
	// Explain prints the offline composer's reasoning to stderr (ask --explain).
	Explain bool `yaml:"-"`
	// Corpus is the article folder; empty means the built-in sample story.
	Corpus string `yaml:"corpus"`
	// Data is where the index lives (STORYBOT_DATA); default under the user's cache dir.
	Data string `yaml:"data"`
	// Store is where serve keeps the state replicas share: empty for the
	// embedded store in Data, or a postgres:// URL (STORYBOT_STORE).
	Store StoreURL `yaml:"store"`
	// LogFormat is "text" or "json"; LogLevel is debug, info, warn or error.
	LogFormat string `yaml:"log_format"`
	LogLevel  string `yaml:"log_level"`

	LLM     LLMConfig     `yaml:"llm"`
	Slack   SlackConfig   `yaml:"slack"`
	Discord DiscordConfig `yaml:"discord"`
	Digest  DigestConfig  `yaml:"digest"`
	HTTP    HTTPConfig    `yaml:"http"`
	Watch   WatchConfig   `yaml:"watch"`
	Limits  LimitsConfig  `yaml:"limits"`

	// Profile turns on CPU and heap profiling (flags only).
	Profile ProfileConfig `yaml:"-"`
}

// LLMConfig chooses the language model (empty Provider: offline).
type LLMConfig struct {
	Provider   string        `yaml:"provider"`
	BaseURL    string        `yaml:"base_url"`
	Model      string        `yaml:"model"`
	EmbedModel string        `yaml:"embed_model"`
	APIKey     Secret        `yaml:"-"`
	Timeout    time.Duration `yaml:"timeout"`
}

// SlackConfig holds the Slack app's credentials and options.
type SlackConfig struct {
	BotToken       Secret   `yaml:"-"`
	AppToken       Secret   `yaml:"-"`
	SigningSecret  Secret   `yaml:"-"`
	DigestChannels []string `yaml:"digest_channels"`
	AllowChannels  []string `yaml:"allow_channels"`
	// APIURL is Slack's Web API base URL: https://slack.com/api/ when empty;
	// GovSlack, a proxy or a test server otherwise.
	APIURL string `yaml:"api_url"`
	// Profile is the scope set the app was installed with: "full"
	// (deploy/slack-manifest.yaml) or "mentions"
	// (deploy/slack-manifest-mentions.yaml).
	Profile string `yaml:"profile"`
}

// DiscordConfig holds the Discord application's credentials and options.
type DiscordConfig struct {
	BotToken       Secret   `yaml:"-"`
	AppID          string   `yaml:"app_id"`
	GuildID        string   `yaml:"guild_id"`
	PublicKey      string   `yaml:"public_key"`
	DigestChannels []string `yaml:"digest_channels"`
	// HTTPOnly skips the gateway: interactions arrive only at /discord/interactions.
	HTTPOnly bool `yaml:"http_only"`
	// MessageContent asks for the privileged Message Content intent.
	MessageContent bool `yaml:"message_content"`
	// APIURL is Discord's API base URL (https://discord.com/api when
	// empty) for the REST calls and the gateway lookup: a proxy or a test rig.
	APIURL string `yaml:"api_url"`
}

// DigestConfig sets when the daily digest is posted.
type DigestConfig struct {
	// At is a time of day "HH:MM"; Cron, when set, overrides it.
	At       string `yaml:"at"`
	Cron     string `yaml:"cron"`
	TimeZone string `yaml:"time_zone"`
	// PostEmpty posts a one-line "no new coverage" digest when nothing is new.
	PostEmpty bool `yaml:"post_empty"`
}

// HTTPConfig sets the HTTP listener of `storybot serve`.
type HTTPConfig struct {
	Addr     string `yaml:"addr"`
	APIToken Secret `yaml:"-"`
	// APIOpen says that POST /v1/ask without a token on an address beyond
	// loopback is meant (e.g. behind an authenticating proxy); without it
	// serve refuses to start that way.
	APIOpen bool `yaml:"api_open"`
	// ShutdownTimeout is how long answers in flight may take to finish at shutdown.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
}

// WatchConfig sets how `storybot serve` follows changes to the corpus folder.
type WatchConfig struct {
	// Enabled turns the corpus watcher on.
	Enabled bool `yaml:"enabled"`
	// Debounce is how long the folder must be quiet before it is re-read.
	Debounce time.Duration `yaml:"debounce"`
	// Poll re-reads the folder at this interval even without a change
	// notice (network shares, some bind mounts); 0 turns polling off.
	Poll time.Duration `yaml:"poll"`
}

// LimitsConfig sets the per-user and per-channel question rate limits of
// the chat platforms.
type LimitsConfig struct {
	// UserInterval and ChannelInterval are how often one user and one channel
	// regain a question after a burst; 0 turns that limit off.
	UserInterval    time.Duration `yaml:"user_interval"`
	ChannelInterval time.Duration `yaml:"channel_interval"`
	// Burst is how many questions may come at once.
	Burst int `yaml:"burst"`
	// RetryMax caps the wait between attempts to reconnect a failing
	// chat adapter (the wait doubles from 1s up to it).
	RetryMax time.Duration `yaml:"retry_max"`
}

// StoreURL is the store setting: empty, or a postgres:// URL whose
// password prints as xxxxx.
type StoreURL string

// String hides the URL's password.
func (u StoreURL) String() string {
	if u == "" {
		return ""
	}
	return pgstore.Redact(string(u))
}

// MarshalText hides the password in YAML and JSON output.
func (u StoreURL) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

// Secret is a credential: it prints as <redacted>.
type Secret string

// String hides the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "<redacted>"
}

// MarshalText hides the secret in YAML and JSON output.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// defaults returns the configuration before the environment and flags.
func defaults() Config {
	return Config{
		LogFormat: "text",
		LogLevel:  "info",
		LLM:       LLMConfig{Timeout: 60 * time.Second},
		Digest:    DigestConfig{At: "08:00", TimeZone: "UTC"},
		Slack:     SlackConfig{Profile: "full"},
		HTTP:      HTTPConfig{Addr: "127.0.0.1:8080", ShutdownTimeout: 10 * time.Second},
		Watch:     WatchConfig{Enabled: true, Debounce: 200 * time.Millisecond, Poll: time.Minute},
		Limits:    LimitsConfig{UserInterval: 10 * time.Second, ChannelInterval: 2 * time.Second, Burst: 3, RetryMax: 2 * time.Minute},
	}
}

// fromEnv overlays environment variables on c. getenv is os.Getenv in main.
func (c *Config) fromEnv(getenv func(string) string) error {
	str := func(dst *string, key string) {
		if v := getenv(key); v != "" {
			*dst = v
		}
	}
	list := func(dst *[]string, key string) {
		if v := getenv(key); v != "" {
			*dst = splitList(v)
		}
	}
	secret := func(dst *Secret, key string) error {
		v, err := readSecret(getenv, key)
		if err != nil {
			return err
		}
		if v != "" {
			*dst = Secret(v)
		}
		return nil
	}
	str(&c.Corpus, "STORYBOT_CORPUS")
	str(&c.Data, "STORYBOT_DATA")
	if v := getenv("STORYBOT_STORE"); v != "" {
		c.Store = StoreURL(v)
	}
	str(&c.LogFormat, "STORYBOT_LOG_FORMAT")
	str(&c.LogLevel, "STORYBOT_LOG_LEVEL")
	str(&c.LLM.Provider, "STORYBOT_LLM_PROVIDER")
	str(&c.LLM.BaseURL, "STORYBOT_LLM_BASE_URL")
	str(&c.LLM.Model, "STORYBOT_LLM_MODEL")
	str(&c.LLM.EmbedModel, "STORYBOT_EMBED_MODEL")
	if v := getenv("STORYBOT_LLM_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("STORYBOT_LLM_TIMEOUT: %q is not a duration such as 30s or 2m: %w", v, err)
		}
		c.LLM.Timeout = d
	}
	str(&c.Discord.AppID, "DISCORD_APP_ID")
	str(&c.Discord.GuildID, "DISCORD_GUILD_ID")
	str(&c.Discord.PublicKey, "DISCORD_PUBLIC_KEY")
	list(&c.Slack.DigestChannels, "SLACK_DIGEST_CHANNEL")
	list(&c.Slack.AllowChannels, "SLACK_ALLOW_CHANNELS")
	list(&c.Discord.DigestChannels, "DISCORD_DIGEST_CHANNEL")
	str(&c.Digest.At, "STORYBOT_DIGEST_AT")
	str(&c.Digest.Cron, "STORYBOT_DIGEST_CRON")
	str(&c.Digest.TimeZone, "STORYBOT_DIGEST_TZ")
	if v := getenv("STORYBOT_DIGEST_POST_EMPTY"); v != "" {
		c.Digest.PostEmpty = v == "1" || strings.EqualFold(v, "true") || strings.EqualFold(v, "yes")
	}
	str(&c.HTTP.Addr, "STORYBOT_HTTP_ADDR")
	if err := serveFromEnv(c, getenv); err != nil {
		return err
	}
	for _, s := range []struct {
		dst *Secret
		key string
	}{
		{&c.LLM.APIKey, "STORYBOT_LLM_API_KEY"},
		{&c.Slack.BotToken, "SLACK_BOT_TOKEN"},
		{&c.Slack.AppToken, "SLACK_APP_TOKEN"},
		{&c.Slack.SigningSecret, "SLACK_SIGNING_SECRET"},
		{&c.Discord.BotToken, "DISCORD_BOT_TOKEN"},
		{&c.HTTP.APIToken, "STORYBOT_API_TOKEN"},
	} {
		if err := secret(s.dst, s.key); err != nil {
			return err
		}
	}
	return nil
}

// readSecret reads KEY, or the file named by KEY_FILE.
func readSecret(getenv func(string) string, key string) (string, error) {
	if v := getenv(key); v != "" {
		return strings.TrimSpace(v), nil
	}
	path := getenv(key + "_FILE")
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: read the secret file: %w", key, err)
	}
	return strings.TrimSpace(string(b)), nil
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// commonFlags registers the flags every subcommand shares; their defaults
// are the values already in c (from the environment).
func (c *Config) commonFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Corpus, "corpus", c.Corpus, "article `folder` (env STORYBOT_CORPUS; default: the built-in sample story)")
	fs.StringVar(&c.Data, "data", c.Data, "index `folder` (env STORYBOT_DATA; default: storybot under the user's cache folder)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log format: text or json (env STORYBOT_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "log level: debug, info, warn or error (env STORYBOT_LOG_LEVEL)")
	fs.StringVar(&c.LLM.Provider, "llm-provider", c.LLM.Provider, "language model provider: openai, ollama, anthropic, googleai; empty: offline (env STORYBOT_LLM_PROVIDER)")
	fs.StringVar(&c.LLM.BaseURL, "llm-base-url", c.LLM.BaseURL, "model server `URL`, e.g. http://127.0.0.1:8000/v1 (env STORYBOT_LLM_BASE_URL)")
	fs.StringVar(&c.LLM.Model, "llm-model", c.LLM.Model, "model `name` (env STORYBOT_LLM_MODEL)")
	fs.StringVar(&c.LLM.EmbedModel, "embed-model", c.LLM.EmbedModel, "embedding model `name` for hybrid retrieval (env STORYBOT_EMBED_MODEL)")
	fs.DurationVar(&c.LLM.Timeout, "llm-timeout", c.LLM.Timeout, "time allowed for one model answer (env STORYBOT_LLM_TIMEOUT)")
	fs.StringVar(&c.Profile.CPU, "cpuprofile", "", "write a CPU profile of the command to `file` (go tool pprof)")
	fs.StringVar(&c.Profile.Mem, "memprofile", "", "write an allocation profile to `file` when the command ends (go tool pprof)")
}

// validate checks the settings every subcommand uses.
func (c *Config) validate() error {
	switch c.LogFormat {
	case "text", "json":
	default:
		return fmt.Errorf("log_format (--log-format, STORYBOT_LOG_FORMAT): %q is not text or json", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log_level (--log-level, STORYBOT_LOG_LEVEL): %q is not debug, info, warn or error", c.LogLevel)
	}
	switch c.LLM.Provider {
	case "", "openai", "ollama", "anthropic", "googleai":
	default:
		return fmt.Errorf("llm.provider (--llm-provider, STORYBOT_LLM_PROVIDER): %q is not one of openai, ollama, anthropic, googleai (or empty for offline)", c.LLM.Provider)
	}
	if c.Corpus != "" {
		st, err := os.Stat(c.Corpus)
		if err != nil {
			return fmt.Errorf("corpus (--corpus, STORYBOT_CORPUS): %w", err)
		}
		if !st.IsDir() {
			return fmt.Errorf("corpus (--corpus, STORYBOT_CORPUS): %s is not a folder of articles", c.Corpus)
		}
	}
	return nil
}
