package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // digest.time_zone must work in minimal container images

	"gopkg.in/yaml.v3"

	"github.com/storybot/storybot/adapters/discord"
	"github.com/storybot/storybot/adapters/slack"
	"github.com/storybot/storybot/digest"
	"github.com/storybot/storybot/pgstore"
)

// configKey documents one setting: its YAML path, its environment variable
// and whether it is a secret (environment or *_FILE only, never YAML).
type configKey struct {
	path, env string
	secret    bool
}

// configKeys lists every setting with its environment variable. The docs
// (README.md, "Run it as a service") and `storybot config` follow it; a test checks it against
// Config and fromEnv.
var configKeys = []configKey{
	{path: "corpus", env: "STORYBOT_CORPUS"},
	{path: "data", env: "STORYBOT_DATA"},
	{path: "store", env: "STORYBOT_STORE"},
	{path: "log_format", env: "STORYBOT_LOG_FORMAT"},
	{path: "log_level", env: "STORYBOT_LOG_LEVEL"},
	{path: "llm.provider", env: "STORYBOT_LLM_PROVIDER"},
	{path: "llm.base_url", env: "STORYBOT_LLM_BASE_URL"},
	{path: "llm.model", env: "STORYBOT_LLM_MODEL"},
	{path: "llm.embed_model", env: "STORYBOT_EMBED_MODEL"},
	{path: "llm.api_key", env: "STORYBOT_LLM_API_KEY", secret: true},
	{path: "llm.timeout", env: "STORYBOT_LLM_TIMEOUT"},
	{path: "slack.bot_token", env: "SLACK_BOT_TOKEN", secret: true},
	{path: "slack.app_token", env: "SLACK_APP_TOKEN", secret: true},
	{path: "slack.signing_secret", env: "SLACK_SIGNING_SECRET", secret: true},
	{path: "slack.digest_channels", env: "SLACK_DIGEST_CHANNEL"},
	{path: "slack.allow_channels", env: "SLACK_ALLOW_CHANNELS"},
	{path: "slack.api_url", env: "SLACK_API_URL"},
	{path: "slack.profile", env: "SLACK_PROFILE"},
	{path: "discord.bot_token", env: "DISCORD_BOT_TOKEN", secret: true},
	{path: "discord.app_id", env: "DISCORD_APP_ID"},
	{path: "discord.guild_id", env: "DISCORD_GUILD_ID"},
	{path: "discord.public_key", env: "DISCORD_PUBLIC_KEY"},
	{path: "discord.digest_channels", env: "DISCORD_DIGEST_CHANNEL"},
	{path: "discord.http_only", env: "DISCORD_HTTP_ONLY"},
	{path: "discord.message_content", env: "DISCORD_MESSAGE_CONTENT"},
	{path: "discord.api_url", env: "DISCORD_API_URL"},
	{path: "digest.at", env: "STORYBOT_DIGEST_AT"},
	{path: "digest.cron", env: "STORYBOT_DIGEST_CRON"},
	{path: "digest.time_zone", env: "STORYBOT_DIGEST_TZ"},
	{path: "digest.post_empty", env: "STORYBOT_DIGEST_POST_EMPTY"},
	{path: "http.addr", env: "STORYBOT_HTTP_ADDR"},
	{path: "http.api_token", env: "STORYBOT_API_TOKEN", secret: true},
	{path: "http.api_open", env: "STORYBOT_API_OPEN"},
	{path: "http.shutdown_timeout", env: "STORYBOT_SHUTDOWN_TIMEOUT"},
	{path: "watch.enabled", env: "STORYBOT_WATCH"},
	{path: "watch.debounce", env: "STORYBOT_WATCH_DEBOUNCE"},
	{path: "watch.poll", env: "STORYBOT_WATCH_POLL"},
	{path: "limits.user_interval", env: "STORYBOT_USER_RATE"},
	{path: "limits.channel_interval", env: "STORYBOT_CHANNEL_RATE"},
	{path: "limits.burst", env: "STORYBOT_BURST"},
	{path: "limits.retry_max", env: "STORYBOT_RETRY_MAX"},
}

// envFor returns the environment variable of a YAML path, or "".
func envFor(path string) string {
	for _, k := range configKeys {
		if k.path == path {
			return k.env
		}
	}
	return ""
}

// serveFromEnv reads the settings `storybot serve` added to the environment.
func serveFromEnv(c *Config, getenv func(string) string) error {
	dur := func(dst *time.Duration, key string) error {
		v := getenv(key)
		if v == "" {
			return nil
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("%s: %q is not a duration such as 500ms, 10s or 2m", key, v)
		}
		*dst = d
		return nil
	}
	boolean := func(dst *bool, key string) error {
		v := getenv(key)
		if v == "" {
			return nil
		}
		b, err := parseBool(v)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		*dst = b
		return nil
	}
	integer := func(dst *int, key string) error {
		v := getenv(key)
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%s: %q is not a whole number", key, v)
		}
		*dst = n
		return nil
	}
	for _, kv := range []struct {
		dst *string
		key string
	}{{&c.Slack.APIURL, "SLACK_API_URL"}, {&c.Slack.Profile, "SLACK_PROFILE"}, {&c.Discord.APIURL, "DISCORD_API_URL"}} {
		if v := getenv(kv.key); v != "" {
			*kv.dst = v
		}
	}
	return errors.Join(
		dur(&c.HTTP.ShutdownTimeout, "STORYBOT_SHUTDOWN_TIMEOUT"),
		boolean(&c.HTTP.APIOpen, "STORYBOT_API_OPEN"),
		boolean(&c.Watch.Enabled, "STORYBOT_WATCH"),
		dur(&c.Watch.Debounce, "STORYBOT_WATCH_DEBOUNCE"),
		dur(&c.Watch.Poll, "STORYBOT_WATCH_POLL"),
		dur(&c.Limits.UserInterval, "STORYBOT_USER_RATE"),
		dur(&c.Limits.ChannelInterval, "STORYBOT_CHANNEL_RATE"),
		integer(&c.Limits.Burst, "STORYBOT_BURST"),
		dur(&c.Limits.RetryMax, "STORYBOT_RETRY_MAX"),
		boolean(&c.Discord.HTTPOnly, "DISCORD_HTTP_ONLY"),
		boolean(&c.Discord.MessageContent, "DISCORD_MESSAGE_CONTENT"),
	)
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("%q is not true or false", v)
}

// configPath finds --config in args (before flag parsing, because the file
// comes under the environment and the flags), else STORYBOT_CONFIG.
func configPath(args []string, getenv func(string) string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		for _, p := range []string{"-config", "--config"} {
			if a == p && i+1 < len(args) {
				return args[i+1]
			}
			if v, ok := strings.CutPrefix(a, p+"="); ok {
				return v
			}
		}
	}
	return getenv("STORYBOT_CONFIG")
}

// serviceFlags returns the flag set of serve and config: the shared flags
// plus --config and --http-addr, bound to defaults < YAML file < environment.
// The flags override all three when parsed.
func (m *Main) serviceFlags(name string, args []string) (*flag.FlagSet, *Config, error) {
	cfg := defaults()
	path := configPath(args, m.Getenv)
	if path != "" {
		if err := loadYAML(path, &cfg); err != nil {
			return nil, nil, usageError{err}
		}
	}
	if err := cfg.fromEnv(m.Getenv); err != nil {
		return nil, nil, usageError{err}
	}
	fs := flag.NewFlagSet("storybot "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	cfg.commonFlags(fs)
	fs.String("config", path, "YAML configuration `file` (env STORYBOT_CONFIG); the environment and flags override it")
	fs.Func("store", "where replicas share state: a postgres://user@host/db?sslmode=...&search_path=...&pool_max_conns=... `URL`; empty: the embedded store in --data (env STORYBOT_STORE)", func(v string) error {
		cfg.Store = StoreURL(v)
		return nil
	})
	fs.StringVar(&cfg.HTTP.Addr, "http-addr", cfg.HTTP.Addr, "HTTP listen `address` for /v1/ask, /healthz, /readyz, /metrics and webhooks (env STORYBOT_HTTP_ADDR)")
	return fs, &cfg, nil
}

// loadYAML overlays the YAML file at path on cfg. Every error names the file,
// the line and the key, and says what to write instead.
func loadYAML(path string, cfg *Config) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config (--config, STORYBOT_CONFIG): %w", err)
	}
	if err := decodeYAML(b, cfg); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	return nil
}

// decodeYAML overlays a YAML document on cfg, strictly: unknown keys,
// repeated keys, secrets and values of the wrong type are errors.
func decodeYAML(b []byte, cfg *Config) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("not valid YAML: %w", err)
	}
	if len(doc.Content) == 0 {
		return nil // an empty file
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil
	}
	return decodeMapping(root, reflect.ValueOf(cfg).Elem(), "")
}

var durationType = reflect.TypeFor[time.Duration]()

func decodeMapping(n *yaml.Node, v reflect.Value, prefix string) error {
	if n.Kind != yaml.MappingNode {
		if prefix == "" {
			return fmt.Errorf("line %d: the file must hold keys such as \"corpus: ./articles\", not a %s", n.Line, kindName(n))
		}
		return fmt.Errorf("line %d: %s must hold keys (e.g. %s), not a %s", n.Line, prefix, exampleKeys(v.Type(), prefix), kindName(n))
	}
	fields := map[string]int{}
	t := v.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			fields[name] = i
		}
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		key := k.Value
		if prefix != "" {
			key = prefix + "." + k.Value
		}
		if line, dup := seen[k.Value]; dup {
			return fmt.Errorf("line %d: %s is set twice (first on line %d); keep one", k.Line, key, line)
		}
		seen[k.Value] = k.Line
		for _, ck := range configKeys {
			if ck.secret && ck.path == key {
				return fmt.Errorf("line %d: %s is a secret and is never read from the configuration file: remove it and set %s (or %s_FILE, a file holding it) in the environment", k.Line, key, ck.env, ck.env)
			}
		}
		idx, ok := fields[k.Value]
		if !ok {
			msg := fmt.Sprintf("line %d: unknown key %s", k.Line, key)
			if s := closestKey(t, k.Value); s != "" {
				if prefix != "" {
					s = prefix + "." + s
				}
				msg += fmt.Sprintf("; did you mean %s?", s)
			} else {
				msg += fmt.Sprintf("; the keys here are %s", exampleKeys(t, prefix))
			}
			return errors.New(msg)
		}
		fv := v.Field(idx)
		if fv.Kind() == reflect.Struct {
			if err := decodeMapping(val, fv, key); err != nil {
				return err
			}
			continue
		}
		if err := decodeValue(val, fv, key); err != nil {
			return err
		}
	}
	return nil
}

func decodeValue(n *yaml.Node, fv reflect.Value, key string) error {
	if fv.Type() == reflect.TypeFor[[]string]() && n.Kind == yaml.ScalarNode {
		fv.Set(reflect.ValueOf(splitList(n.Value)))
		return nil
	}
	if n.Kind != yaml.ScalarNode && fv.Kind() != reflect.Slice {
		return fmt.Errorf("line %d: %s must be %s, not a %s", n.Line, key, typeName(fv.Type()), kindName(n))
	}
	if fv.Type() == durationType && n.Tag == "!!int" {
		if n.Value == "0" {
			fv.SetInt(0)
			return nil
		}
		// A bare number would be nanoseconds: almost surely not what was meant.
		return fmt.Errorf("line %d: %s: %s has no unit; write e.g. %ss", n.Line, key, n.Value, n.Value)
	}
	nv := reflect.New(fv.Type())
	if err := n.Decode(nv.Interface()); err != nil {
		return fmt.Errorf("line %d: %s: %q is not %s", n.Line, key, n.Value, typeName(fv.Type()))
	}
	fv.Set(nv.Elem())
	return nil
}

func typeName(t reflect.Type) string {
	switch {
	case t == durationType:
		return "a duration such as 500ms, 10s or 2m"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() == reflect.Int:
		return "a whole number"
	case t.Kind() == reflect.Slice:
		return "a list such as [C0123, C0456]"
	default:
		return "text"
	}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "set of keys"
	case yaml.SequenceNode:
		return "list"
	case yaml.AliasNode:
		return "alias"
	default:
		return "single value"
	}
}

// yamlKeys returns the YAML keys of a struct type, in field order.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

func exampleKeys(t reflect.Type, prefix string) string {
	keys := yamlKeys(t)
	if prefix != "" {
		for i, k := range keys {
			keys[i] = prefix + "." + k
		}
	}
	return strings.Join(keys, ", ")
}

// closestKey suggests the known key nearest to a mistyped one: one that
// differs only by - and _, starts the other (addr, address), or is within
// two edits.
func closestKey(t reflect.Type, key string) string {
	norm := strings.ReplaceAll(strings.ToLower(key), "-", "_")
	best, bestD := "", 3
	keys := yamlKeys(t)
	sort.Strings(keys)
	for _, k := range keys {
		if k == norm || (len(k) >= 3 && len(norm) >= 3 && (strings.HasPrefix(norm, k) || strings.HasPrefix(k, norm))) {
			return k
		}
		if d := editDistance(norm, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// validateService checks what `storybot serve` adds to validate: the
// listener, the platforms' credentials, the digest schedule and the watcher.
// Each message names the key and its variable and says how to fix it.
func (c *Config) validateService() error {
	if c.Store != "" && !pgstore.IsURL(string(c.Store)) {
		return fmt.Errorf("store (--store, STORYBOT_STORE): %s is not a postgres:// URL; leave it empty for the embedded store", c.Store)
	}
	if _, port, err := net.SplitHostPort(c.HTTP.Addr); err != nil {
		return fmt.Errorf("http.addr (--http-addr, STORYBOT_HTTP_ADDR): %q is not host:port, e.g. 127.0.0.1:8080 or :8080", c.HTTP.Addr)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("http.addr (--http-addr, STORYBOT_HTTP_ADDR): port %q is not a number from 0 to 65535", port)
	}
	if c.HTTP.APIToken == "" && !c.HTTP.APIOpen && !loopback(c.HTTP.Addr) {
		return fmt.Errorf("http.addr (--http-addr, STORYBOT_HTTP_ADDR) %s is reachable from other machines and POST /v1/ask has no token: "+
			"set STORYBOT_API_TOKEN (clients then send Authorization: Bearer <token>), "+
			"or set STORYBOT_API_OPEN=true if an open API is meant (e.g. behind an authenticating proxy)", c.HTTP.Addr)
	}
	if c.HTTP.ShutdownTimeout <= 0 || c.HTTP.ShutdownTimeout > 10*time.Minute {
		return fmt.Errorf("http.shutdown_timeout (STORYBOT_SHUTDOWN_TIMEOUT): %v must be above 0 and at most 10m; the default is 10s", c.HTTP.ShutdownTimeout)
	}
	if c.Watch.Enabled && c.Watch.Debounce <= 0 {
		return fmt.Errorf("watch.debounce (STORYBOT_WATCH_DEBOUNCE): %v must be above 0, e.g. 200ms", c.Watch.Debounce)
	}
	if c.Watch.Poll < 0 {
		return fmt.Errorf("watch.poll (STORYBOT_WATCH_POLL): %v must be 0 (off) or a positive duration such as 1m", c.Watch.Poll)
	}
	if c.Limits.UserInterval < 0 || c.Limits.ChannelInterval < 0 {
		return errors.New("limits.user_interval and limits.channel_interval (STORYBOT_USER_RATE, STORYBOT_CHANNEL_RATE) must be 0 (off) or positive durations such as 10s")
	}
	if c.Limits.RetryMax < time.Second || c.Limits.RetryMax > time.Hour {
		return fmt.Errorf("limits.retry_max (STORYBOT_RETRY_MAX): %v must be from 1s to 1h; the default is 2m", c.Limits.RetryMax)
	}
	if c.Limits.Burst < 1 {
		return fmt.Errorf("limits.burst (STORYBOT_BURST): %d must be at least 1", c.Limits.Burst)
	}
	if err := c.validateSlack(); err != nil {
		return err
	}
	if err := c.validateDiscord(); err != nil {
		return err
	}
	return c.validateDigest()
}

// loopback reports whether a listen address host:port is reachable from
// this machine only: localhost or a loopback IP. An empty host, 0.0.0.0, ::
// and any other name or address are not.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

func (c *Config) validateSlack() error {
	s := c.Slack
	if s.BotToken == "" {
		if s.AppToken != "" || s.SigningSecret != "" {
			return errors.New("slack.bot_token (SLACK_BOT_TOKEN): not set, but SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is: set SLACK_BOT_TOKEN to the bot token (xoxb-...) from the Slack app's OAuth & Permissions page")
		}
		if len(s.DigestChannels) > 0 {
			return errors.New("slack.digest_channels (SLACK_DIGEST_CHANNEL): set, but Slack is not configured: set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (or SLACK_SIGNING_SECRET)")
		}
		return nil
	}
	if !strings.HasPrefix(string(s.BotToken), "xoxb-") {
		return errors.New("slack.bot_token (SLACK_BOT_TOKEN): not a bot token: it starts with xoxb- (OAuth & Permissions → Bot User OAuth Token)")
	}
	if s.AppToken == "" && s.SigningSecret == "" {
		return errors.New("slack.app_token (SLACK_APP_TOKEN): SLACK_BOT_TOKEN is set, but neither SLACK_APP_TOKEN (Socket Mode, xapp-...) nor SLACK_SIGNING_SECRET (Events API at /slack/events) is: set one of them")
	}
	if s.AppToken != "" && !strings.HasPrefix(string(s.AppToken), "xapp-") {
		return errors.New("slack.app_token (SLACK_APP_TOKEN): not an app-level token: it starts with xapp- (Basic Information → App-Level Tokens, scope connections:write)")
	}
	if s.APIURL != "" {
		if u, err := url.Parse(s.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("slack.api_url (SLACK_API_URL): %q is not an http(s) URL such as https://slack.com/api/", s.APIURL)
		}
	}
	switch slack.Profile(s.Profile) {
	case slack.ProfileFull, slack.ProfileMentions:
	default:
		return fmt.Errorf("slack.profile (SLACK_PROFILE): %q is not full or mentions: use the profile whose manifest the app was created from (deploy/slack-manifest.yaml is full, deploy/slack-manifest-mentions.yaml is mentions)", s.Profile)
	}
	return nil
}

func (c *Config) validateDiscord() error {
	d := c.Discord
	if d.BotToken == "" {
		if d.AppID != "" || d.PublicKey != "" || len(d.DigestChannels) > 0 {
			return errors.New("discord.bot_token (DISCORD_BOT_TOKEN): not set, but other Discord settings are: set DISCORD_BOT_TOKEN (or DISCORD_BOT_TOKEN_FILE) from the developer portal's Bot page")
		}
		return nil
	}
	if discord.CheckToken(string(d.BotToken)) != nil {
		return errors.New("discord.bot_token (DISCORD_BOT_TOKEN): not a Discord bot token (three parts separated by dots): copy it from the developer portal's Bot page (Reset Token), not the client secret or the public key")
	}
	if d.AppID == "" {
		return errors.New("discord.app_id (DISCORD_APP_ID): not set, but DISCORD_BOT_TOKEN is: set it to the application ID from the developer portal's General Information page")
	}
	if d.APIURL != "" {
		if u, err := url.Parse(d.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("discord.api_url (DISCORD_API_URL): %q is not an http(s) URL such as https://discord.com/api", d.APIURL)
		}
	}
	if _, err := strconv.ParseUint(d.AppID, 10, 64); err != nil {
		return fmt.Errorf("discord.app_id (DISCORD_APP_ID): %q is not a Discord ID (digits only)", d.AppID)
	}
	if d.GuildID != "" {
		if _, err := strconv.ParseUint(d.GuildID, 10, 64); err != nil {
			return fmt.Errorf("discord.guild_id (DISCORD_GUILD_ID): %q is not a Discord ID (digits only)", d.GuildID)
		}
	}
	if d.PublicKey != "" {
		if len(d.PublicKey) != 64 || strings.Trim(strings.ToLower(d.PublicKey), "0123456789abcdef") != "" {
			return errors.New("discord.public_key (DISCORD_PUBLIC_KEY): not 64 hex characters: copy the Public Key from the developer portal's General Information page")
		}
	}
	if d.HTTPOnly && d.PublicKey == "" {
		return errors.New("discord.http_only (DISCORD_HTTP_ONLY): interactions then arrive only over HTTP, which needs discord.public_key (DISCORD_PUBLIC_KEY)")
	}
	return nil
}

func (c *Config) validateDigest() error {
	if _, err := time.LoadLocation(c.Digest.TimeZone); err != nil {
		return fmt.Errorf("digest.time_zone (STORYBOT_DIGEST_TZ): %q is not a time zone such as UTC or Europe/Berlin", c.Digest.TimeZone)
	}
	if _, err := digest.ParseSchedule(digestSchedule(c), c.Digest.TimeZone); err != nil {
		if strings.TrimSpace(c.Digest.Cron) != "" {
			return fmt.Errorf("digest.cron (STORYBOT_DIGEST_CRON): %w; write five fields (minute hour day month weekday), e.g. \"0 8 * * *\"", err)
		}
		return fmt.Errorf("digest.at (STORYBOT_DIGEST_AT): %w; write a time of day HH:MM such as 08:00", err)
	}
	return nil
}
