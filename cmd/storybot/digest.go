package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/storybot/storybot/adapters/discord"
	"github.com/storybot/storybot/adapters/slack"
	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/digest"
	"github.com/storybot/storybot/httpapi"
	"github.com/storybot/storybot/pgstore"
	"github.com/storybot/storybot/retrieval"
)

// digestJSON is the output of `storybot digest --dry-run --json`.
type digestJSON struct {
	DigestID    string                 `json:"digest_id"`
	Since       time.Time              `json:"since"`
	Until       time.Time              `json:"until"`
	Text        string                 `json:"text"`
	Bullets     []bot.Sentence         `json:"bullets"`
	Citations   []string               `json:"citations"`
	Conflicts   []httpapi.ConflictJSON `json:"conflicts"`
	NewArticles int                    `json:"new_articles"`
	Outlets     int                    `json:"outlets"`
	Empty       bool                   `json:"empty"`
}

func toDigestJSON(d bot.Digest) digestJSON {
	out := digestJSON{
		DigestID:  d.ID,
		Since:     d.Since,
		Until:     d.Until,
		Text:      d.Text(),
		Bullets:   d.Bullets,
		Citations: d.Citations(),
		// The same shape as ask --json.
		Conflicts:   httpapi.NewAskResponse(bot.Answer{Conflicts: d.Conflicts}).Conflicts,
		NewArticles: d.NewArticles,
		Outlets:     d.Outlets,
		Empty:       d.Empty,
	}
	if out.Bullets == nil {
		out.Bullets = []bot.Sentence{}
	}
	for i, b := range out.Bullets {
		if b.Citations == nil {
			out.Bullets[i].Citations = []string{}
		}
	}
	if out.Citations == nil {
		out.Citations = []string{}
	}
	return out
}

// runDigest is `storybot digest`: with --dry-run it prints the digest of a
// window without posting; without, it posts the current period's digest
// once to the configured digest channels (stdout when none), with the same
// exactly-once state as `storybot serve`.
func (m *Main) runDigest(ctx context.Context, args []string) error {
	fs, cfg, err := m.flags("digest")
	if err != nil {
		return err
	}
	dryRun := fs.Bool("dry-run", false, "print the digest of the window without posting it or recording anything")
	sinceS := fs.String("since", "", "start of the window, RFC 3339 (with --dry-run; default: 24 hours before --until)")
	untilS := fs.String("until", "", "end of the window, RFC 3339 (with --dry-run; default: now)")
	asJSON := fs.Bool("json", false, "print the digest as one JSON object (with --dry-run)")
	if m.Getenv("STORYBOT_LOG_LEVEL") == "" {
		cfg.LogLevel = "warn"
	}
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: storybot digest --dry-run [--since RFC3339] [--until RFC3339] [--json] [flags]
       storybot digest [flags]     (post the current period's digest once to the digest channels, or stdout)`)
		fs.PrintDefaults()
	}
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("digest takes no arguments, got %q", strings.Join(fs.Args(), " "))}
	}
	if !*dryRun && (*sinceS != "" || *untilS != "" || *asJSON) {
		return usageError{errors.New("--since, --until and --json go with --dry-run; without it, digest posts the current scheduled period")}
	}
	since, until, err := digestWindow(m.Now(), *sinceS, *untilS)
	if err != nil {
		return usageError{err}
	}
	if !*dryRun {
		// Check the schedule before the (slow) corpus load.
		if _, err := digest.ParseSchedule(digestSchedule(cfg), cfg.Digest.TimeZone); err != nil {
			return usageError{err}
		}
	}
	a, err := m.open(ctx, cfg, nil)
	if err != nil {
		return err
	}
	if *dryRun {
		if *untilS == "" {
			// "Now" is after the load, so articles first seen by this very
			// load are in the default window.
			if since, until, err = digestWindow(m.Now(), *sinceS, ""); err != nil {
				return usageError{err}
			}
		}
		d, err := ledgerFirst{a}.Digest(ctx, since, until)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(m.Stdout).Encode(toDigestJSON(d))
		}
		_, err = fmt.Fprintf(m.Stdout, "%s\n", d.Text())
		return err
	}
	pubs, err := m.digestPublishers(cfg, a)
	if err != nil {
		return err
	}
	var records digest.Store
	if cfg.Store != "" {
		// The replicas' records: a manual digest never posts what a
		// replica posted.
		st, err := pgstore.Open(ctx, string(cfg.Store), pgstore.Options{Logger: a.logger.With("component", "store"), Now: m.Now})
		if err != nil {
			return fmt.Errorf("store (STORYBOT_STORE): %w", err)
		}
		m.onClose(st.Close)
		records = st.Digests()
	}
	r, err := newDigestRunner(cfg, a, pubs, nowClock(m.Now), records)
	if err != nil {
		return err
	}
	rep, err := r.RunOnce(ctx, m.Now())
	if len(rep.Posted) > 0 {
		fmt.Fprintf(m.Stderr, "digest %s posted to %s\n", rep.Period, strings.Join(rep.Posted, ", "))
	}
	if len(rep.Done) > 0 {
		fmt.Fprintf(m.Stderr, "digest %s was already posted to %s; not posting it again\n", rep.Period, strings.Join(rep.Done, ", "))
	}
	if len(rep.Skipped) > 0 {
		fmt.Fprintf(m.Stderr, "digest %s: no new coverage since %s; nothing posted (set STORYBOT_DIGEST_POST_EMPTY=true to post a one-line note)\n", rep.Period, rep.Since.Format(time.RFC3339))
	}
	if len(rep.Abandoned) > 0 {
		fmt.Fprintf(m.Stderr, "digest %s: gave up on %s after repeated attempts\n", rep.Period, strings.Join(rep.Abandoned, ", "))
	}
	return err
}

// digestWindow parses the --since and --until flags; the default window is
// the 24 hours up to now.
func digestWindow(now time.Time, sinceS, untilS string) (since, until time.Time, err error) {
	until = now
	if untilS != "" {
		if until, err = time.Parse(time.RFC3339, untilS); err != nil {
			return since, until, fmt.Errorf("--until %q: want an RFC 3339 time such as 2025-12-15T08:00:00Z: %w", untilS, err)
		}
	}
	since = until.Add(-bot.LatestDigestWindow)
	if sinceS != "" {
		if since, err = time.Parse(time.RFC3339, sinceS); err != nil {
			return since, until, fmt.Errorf("--since %q: want an RFC 3339 time such as 2025-12-14T08:00:00Z: %w", sinceS, err)
		}
	}
	if !until.After(since) {
		return since, until, fmt.Errorf("--since (%s) must be before --until (%s)", since.Format(time.RFC3339), until.Format(time.RFC3339))
	}
	return since, until, nil
}

// digestSchedule is the configured schedule: the cron expression when set,
// else the time of day.
func digestSchedule(cfg *Config) string {
	if strings.TrimSpace(cfg.Digest.Cron) != "" {
		return cfg.Digest.Cron
	}
	return cfg.Digest.At
}

// digestStatePath is the digest state file in the data folder.
func digestStatePath(cfg *Config) (string, error) {
	data := cfg.Data
	if data == "" {
		d, err := retrieval.DefaultDataDir()
		if err != nil {
			return "", fmt.Errorf("choose a data folder for the digest state (set --data or STORYBOT_DATA): %w", err)
		}
		data = d
	}
	return filepath.Join(data, digest.StateFileName), nil
}

// newDigestRunner builds the digest Runner for cfg, posting a's digests to
// pubs. `storybot serve` calls it with its publishers and runs r.Run(ctx)
// in its errgroup; clock nil means the system clock. records nil keeps the
// records in the state file of the data folder; with --store they are the
// replicas' shared ones.
func newDigestRunner(cfg *Config, a *app, pubs []bot.Publisher, clock digest.Clock, records digest.Store) (*digest.Runner, error) {
	path, err := digestStatePath(cfg)
	if err != nil {
		return nil, err
	}
	var logger *slog.Logger
	if a.logger != nil {
		logger = a.logger
	}
	r, err := digest.New(ledgerFirst{a}, digest.Options{
		Schedule:   digestSchedule(cfg),
		TimeZone:   cfg.Digest.TimeZone,
		PostEmpty:  cfg.Digest.PostEmpty,
		Publishers: pubs,
		StatePath:  path,
		Store:      records,
		Clock:      clock,
		Logger:     logger,
	})
	if err != nil {
		return nil, usageError{fmt.Errorf("digest (STORYBOT_DIGEST_AT, STORYBOT_DIGEST_CRON, STORYBOT_DIGEST_TZ): %w", err)}
	}
	return r, nil
}

// digestPublishers returns the configured digest targets for a one-off
// post: each Slack and Discord digest channel whose platform has a bot
// token, or stdout when there is none.
func (m *Main) digestPublishers(cfg *Config, a *app) ([]bot.Publisher, error) {
	var pubs []bot.Publisher
	if len(cfg.Slack.DigestChannels) > 0 {
		if cfg.Slack.BotToken == "" {
			return nil, usageError{errors.New("SLACK_DIGEST_CHANNEL is set but SLACK_BOT_TOKEN is not")}
		}
		ad, err := slack.New(slackConfig(cfg), a.service, a.logger)
		if err != nil {
			return nil, usageError{fmt.Errorf("slack: %w", err)}
		}
		for _, ch := range cfg.Slack.DigestChannels {
			pubs = append(pubs, ad.Publisher(ch))
		}
	}
	if len(cfg.Discord.DigestChannels) > 0 {
		if cfg.Discord.BotToken == "" {
			return nil, usageError{errors.New("DISCORD_DIGEST_CHANNEL is set but DISCORD_BOT_TOKEN is not")}
		}
		dc := discordConfig(cfg)
		dc.HTTPOnly = true // posting needs only the REST API
		ad, err := discord.New(dc, a.service, a.logger)
		if err != nil {
			return nil, usageError{fmt.Errorf("discord: %w", err)}
		}
		for _, ch := range cfg.Discord.DigestChannels {
			pubs = append(pubs, ad.Publisher(ch))
		}
	}
	if len(pubs) == 0 {
		pubs = append(pubs, digest.NewWriter("stdout", m.Stdout))
	}
	return pubs, nil
}

// nowClock is a digest.Clock telling the time with Main's clock.
type nowClock func() time.Time

func (c nowClock) Now() time.Time                         { return c() }
func (c nowClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
