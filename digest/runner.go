package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/storybot/storybot/bot"
)

// Builder builds the digest of a window; *bot.Service implements it. It
// must be safe for concurrent use.
type Builder interface {
	Digest(ctx context.Context, since, until time.Time) (bot.Digest, error)
}

// PartPublisher is a bot.Publisher whose platform can say, after a crash,
// whether a message arrived. The Runner posts a digest through it part by
// part, each part carrying a stable key (PartKey), and before posting a
// part again after an attempt in doubt it asks the platform. Methods must
// be safe for concurrent use; the Runner calls them in order, one at a
// time per channel.
type PartPublisher interface {
	bot.Publisher
	// DigestParts returns how many messages d takes on the platform. It
	// must return the same number for the same digest.
	DigestParts(d bot.Digest) int
	// FindDigestPart looks on the platform for part i of d, posted with
	// key at or after since (in the thread of part 0, whose reference is
	// thread, when i > 0 and the platform threads parts). It returns the
	// message's reference, "" when the part is not there, or an error when
	// the platform could not be asked (the part is then not posted).
	FindDigestPart(ctx context.Context, d bot.Digest, i int, key string, since time.Time, thread string) (ref string, err error)
	// PostDigestPart posts part i of d carrying key, and returns the new
	// message's reference. thread is the reference of part 0 when i > 0.
	PostDigestPart(ctx context.Context, d bot.Digest, i int, key, thread string) (ref string, err error)
}

// Defaults of Options.
const (
	// DefaultRetryDelay is how long after a failed post it is retried.
	DefaultRetryDelay = 5 * time.Minute
	// DefaultMaxCatchUp bounds how far back a catch-up window reaches.
	DefaultMaxCatchUp = 7 * 24 * time.Hour
	// StateFileName is the state file's name in the data folder.
	StateFileName = "digest-state.json"
	// maxAttempts bounds the posts of one period to one channel.
	maxAttempts = 3
	// maxInDoubt bounds the posts of one period to one channel when earlier
	// ones may have been delivered (the process died during the post).
	maxInDoubt = 2
	// maxInDoubtParts bounds the attempts of a PartPublisher's post that the
	// process died during: its parts are looked up, not posted twice, so
	// this only stops a crash loop.
	maxInDoubtParts = 6
	// maxSleep caps one wait, so a clock that jumps (suspend, NTP) is noticed.
	maxSleep = time.Minute
)

// Options configures a Runner with plain values.
type Options struct {
	// Schedule is a time of day "HH:MM" or a cron expression (see
	// ParseSchedule); empty means DefaultSchedule.
	Schedule string
	// TimeZone is an IANA time zone name; empty means UTC.
	TimeZone string
	// PostEmpty posts a one-line "no new coverage" digest for a period with
	// nothing new; otherwise such a period posts nothing.
	PostEmpty bool
	// Publishers are the targets, each posted in turn. Their Names must be
	// distinct and stable: with the period ID they are the idempotency key.
	Publishers []bot.Publisher
	// Store keeps the records of what was posted where. When nil, a
	// FileStore at StatePath is used.
	Store Store
	// StatePath is the state file, normally StateFileName in the data
	// folder. Required when Store is nil.
	StatePath string
	// Clock tells the time and waits; nil means SystemClock().
	Clock Clock
	// Logger receives the Runner's logs; nil discards.
	Logger *slog.Logger
	// RetryDelay is the wait before retrying failed posts (default 5 min).
	RetryDelay time.Duration
	// MaxCatchUp bounds the window of a period that follows missed ones
	// (default 7 days).
	MaxCatchUp time.Duration
}

// Runner posts each period's digest once per publisher. Its methods are
// safe for concurrent use (posting is serialised by the Store's lock).
type Runner struct {
	builder    Builder
	sched      *Schedule
	pubs       []bot.Publisher
	postEmpty  bool
	store      Store
	clock      Clock
	logger     *slog.Logger
	retryDelay time.Duration
	maxCatchUp time.Duration
}

// New returns a Runner, or an error naming the bad setting.
func New(b Builder, opt Options) (*Runner, error) {
	if b == nil {
		return nil, errors.New("digest: a Runner needs a Builder (the bot service)")
	}
	store := opt.Store
	if store == nil {
		if opt.StatePath == "" {
			return nil, errors.New("digest: a Runner needs a state file path (in the data folder)")
		}
		store = NewFileStore(opt.StatePath)
	}
	sched, err := ParseSchedule(opt.Schedule, opt.TimeZone)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for i, p := range opt.Publishers {
		if p == nil {
			return nil, fmt.Errorf("digest: publisher %d is nil", i)
		}
		if names[p.Name()] {
			return nil, fmt.Errorf("digest: two publishers are named %q; names must be distinct", p.Name())
		}
		names[p.Name()] = true
	}
	r := &Runner{
		builder:    b,
		sched:      sched,
		pubs:       append([]bot.Publisher(nil), opt.Publishers...),
		postEmpty:  opt.PostEmpty,
		store:      store,
		clock:      opt.Clock,
		logger:     opt.Logger,
		retryDelay: opt.RetryDelay,
		maxCatchUp: opt.MaxCatchUp,
	}
	if r.clock == nil {
		r.clock = SystemClock()
	}
	if r.logger == nil {
		r.logger = slog.New(slog.DiscardHandler)
	}
	r.logger = r.logger.With("component", "digest")
	if r.retryDelay <= 0 {
		r.retryDelay = DefaultRetryDelay
	}
	if r.maxCatchUp <= 0 {
		r.maxCatchUp = DefaultMaxCatchUp
	}
	return r, nil
}

// Schedule returns the Runner's schedule.
func (r *Runner) Schedule() *Schedule { return r.sched }

// Report says what one run did.
type Report struct {
	// Period is the period's ID; Since and Until its window.
	Period       string
	Since, Until time.Time
	// Empty is true when the window held nothing new.
	Empty bool
	// Posted, Skipped and Failed list publisher names by outcome in this
	// run; Done lists those already finished by earlier runs.
	Posted, Skipped, Failed, Done []string
	// Abandoned lists publishers given up on in this run.
	Abandoned []string
}

// Pending reports whether some publisher should be retried.
func (rep Report) Pending() bool { return len(rep.Failed) > 0 }

// PeriodID names the period that fires at t, e.g. "2025-12-15T08:00-05:00".
func (r *Runner) PeriodID(t time.Time) string {
	return t.In(r.sched.loc).Format("2006-01-02T15:04Z07:00")
}

// Due returns the fire time of the period due at now: the latest fire time
// at or before now.
func (r *Runner) Due(now time.Time) time.Time { return r.sched.Prev(now) }

// RunOnce posts the period due at now (the latest scheduled time at or
// before now) to every publisher that has not had it, and records each post
// in the Store. A publisher that fails is reported in Report.Failed and in
// the error; the others are still posted. It is what the scheduler calls at
// each fire time, what start-up calls to catch up, and what `storybot
// digest` calls once.
func (r *Runner) RunOnce(ctx context.Context, now time.Time) (Report, error) {
	fire := r.sched.Prev(now)
	if fire.IsZero() {
		return Report{}, fmt.Errorf("digest: schedule %s has no time at or before %s", r.sched, now.Format(time.RFC3339))
	}
	id := r.PeriodID(fire)
	rep := Report{Period: id, Until: fire}
	unlock, err := r.store.Lock(ctx)
	if err != nil {
		return rep, fmt.Errorf("digest: %w", err)
	}
	defer unlock()
	per, err := r.store.Period(ctx, id)
	if err != nil {
		return rep, fmt.Errorf("digest: %w", err)
	}
	if per == nil {
		since, err := r.windowStart(ctx, fire)
		if err != nil {
			return rep, fmt.Errorf("digest: %w", err)
		}
		per = &Period{Since: since, Until: fire}
	}
	if per.Channels == nil {
		per.Channels = map[string]*Delivery{}
	}
	save := func() error { return r.store.SavePeriod(ctx, id, per) }
	rep.Since, rep.Until = per.Since, per.Until
	var pending []bot.Publisher
	for _, p := range r.pubs {
		if per.Channels[p.Name()].done() {
			rep.Done = append(rep.Done, p.Name())
			continue
		}
		pending = append(pending, p)
	}
	if len(pending) == 0 {
		if per.Digest != nil {
			per.Digest = nil
			return rep, save()
		}
		return rep, nil
	}
	var d bot.Digest
	if per.Digest != nil {
		// Resuming: the same digest as the posts already made.
		d = *per.Digest
	} else {
		d, err = r.build(ctx, per.Since, per.Until)
		if err != nil {
			return rep, fmt.Errorf("digest: build the digest of %s: %w", id, err)
		}
		d.ID = id
		per.Digest = &d
	}
	rep.Empty = d.Empty
	log := r.logger.With("period", id, "since", per.Since, "until", per.Until)
	if d.Empty && !r.postEmpty {
		for _, p := range pending {
			per.Channels[p.Name()] = &Delivery{Key: key(id, p), Status: StatusSkipped, At: now}
			rep.Skipped = append(rep.Skipped, p.Name())
		}
		per.Digest = nil
		log.InfoContext(ctx, "no new coverage; nothing posted (post_empty is off)")
		return rep, save()
	}
	var errs []error
	for _, p := range pending {
		name := p.Name()
		pp, parted := p.(PartPublisher)
		del := per.Channels[name]
		if del == nil {
			del = &Delivery{Key: key(id, p)}
			per.Channels[name] = del
		}
		plog := log.With("channel", name, "key", del.Key)
		limit := maxAttempts
		switch {
		case del.Status == StatusPosting && !parted:
			limit = maxInDoubt
		case del.Status == StatusPosting:
			// Parts in doubt are looked up on the platform, never posted
			// twice: only a crash loop needs a bound.
			limit = maxInDoubtParts
		}
		if del.Attempts >= limit && (del.Status == StatusPosting || del.Status == StatusFailed) {
			plog.ErrorContext(ctx, "giving up on this digest post after repeated attempts", "attempts", del.Attempts, "last_status", del.Status, "err", del.Error)
			del.Status = StatusAbandoned
			rep.Abandoned = append(rep.Abandoned, name)
			if err := save(); err != nil {
				return rep, fmt.Errorf("digest: %w", err)
			}
			continue
		}
		if del.Status == StatusPosting && !parted {
			plog.WarnContext(ctx, "the process stopped during an earlier post; this platform cannot tell whether it arrived, so posting once more")
		}
		del.Status = StatusPosting
		del.Attempts++
		del.At = r.clock.Now()
		del.Error = ""
		if err := save(); err != nil {
			// Never post what could not be recorded as being posted.
			return rep, fmt.Errorf("digest: before posting to %s: %w", name, err)
		}
		var perr error
		if parted {
			perr = r.publishParts(ctx, pp, id, per, del, d, save, plog)
		} else {
			perr = r.publish(ctx, p, d)
		}
		var serr *saveError
		if errors.As(perr, &serr) {
			return rep, fmt.Errorf("digest: posting to %s: %w", name, perr)
		}
		if perr != nil && ctx.Err() != nil {
			// Stopped mid-post: leave it "posting" (in doubt), as a crash would.
			return rep, fmt.Errorf("digest: posting to %s interrupted: %w", name, errors.Join(perr, ctx.Err()))
		}
		if perr != nil {
			del.Status = StatusFailed
			del.Error = perr.Error()
			rep.Failed = append(rep.Failed, name)
			errs = append(errs, fmt.Errorf("post to %s: %w", name, perr))
			plog.ErrorContext(ctx, "digest post failed; will retry", "attempt", del.Attempts, "err", perr)
		} else {
			del.Status = StatusPosted
			rep.Posted = append(rep.Posted, name)
			plog.InfoContext(ctx, "digest posted", "parts", max(len(del.Parts), 1), "bullets", len(d.Bullets), "conflicts", len(d.Conflicts), "new_articles", d.NewArticles, "empty", d.Empty)
		}
		del.At = r.clock.Now()
		if allDone(per, r.pubs) {
			per.Digest = nil
		}
		if err := save(); err != nil {
			return rep, fmt.Errorf("digest: after posting to %s: %w", name, err)
		}
	}
	if len(errs) > 0 {
		return rep, fmt.Errorf("digest %s: %w", id, errors.Join(errs...))
	}
	return rep, nil
}

// allDone reports whether every publisher is done with the period.
func allDone(per *Period, pubs []bot.Publisher) bool {
	for _, p := range pubs {
		if !per.Channels[p.Name()].done() {
			return false
		}
	}
	return true
}

// saveError is a record that could not be saved: the run stops there.
type saveError struct{ err error }

func (e *saveError) Error() string { return e.err.Error() }
func (e *saveError) Unwrap() error { return e.err }

// lookBack is how long before the period's fire time the platform is
// searched for parts in doubt, for clocks that disagree a little.
const lookBack = 10 * time.Minute

// publishParts posts d to pp part by part, each exactly once: a part
// recorded as posted is skipped; a part in doubt (recorded as posting or
// failed by an earlier attempt) is first looked for on the platform; any
// other part is recorded as posting, posted, then recorded as posted with
// its reference. A multi-part digest thus resumes at its first part not
// yet posted.
func (r *Runner) publishParts(ctx context.Context, pp PartPublisher, id string, per *Period, del *Delivery, d bot.Digest, save func() error, log *slog.Logger) (err error) {
	defer bot.Recover(ctx, r.logger, &err, "op", "digest post", "channel", pp.Name())
	n := pp.DigestParts(d)
	if n < 1 {
		return fmt.Errorf("digest %s renders to no message on %s", id, pp.Name())
	}
	for len(del.Parts) < n {
		i := len(del.Parts)
		del.Parts = append(del.Parts, Part{Key: PartKey(pp.Name(), id, i)})
	}
	since := per.Until.Add(-lookBack)
	for i := range n {
		part := &del.Parts[i]
		if part.Status == StatusPosted {
			continue
		}
		thread := ""
		if i > 0 {
			thread = del.Parts[0].Ref
		}
		if part.Status == StatusPosting || part.Status == StatusFailed {
			ref, err := pp.FindDigestPart(ctx, d, i, part.Key, since, thread)
			if err != nil {
				return fmt.Errorf("check whether part %d of %d arrived before posting it again: %w", i+1, n, err)
			}
			if ref != "" {
				part.Status, part.Ref, part.At = StatusPosted, ref, r.clock.Now()
				log.InfoContext(ctx, "a digest part in doubt had arrived; not posting it again", "part", i+1, "of", n, "ref", ref)
				if err := save(); err != nil {
					return &saveError{err}
				}
				continue
			}
			log.InfoContext(ctx, "a digest part in doubt had not arrived; posting it", "part", i+1, "of", n)
		}
		part.Status, part.At = StatusPosting, r.clock.Now()
		if err := save(); err != nil {
			return &saveError{fmt.Errorf("before posting part %d of %d: %w", i+1, n, err)}
		}
		ref, err := pp.PostDigestPart(ctx, d, i, part.Key, thread)
		if err != nil {
			if ctx.Err() == nil {
				part.Status = StatusFailed
			}
			return fmt.Errorf("part %d of %d: %w", i+1, n, err)
		}
		part.Status, part.Ref, part.At = StatusPosted, ref, r.clock.Now()
		if err := save(); err != nil {
			return &saveError{fmt.Errorf("after posting part %d of %d: %w", i+1, n, err)}
		}
	}
	return nil
}

// build and publish guard the Builder and each Publisher: a panic becomes an
// error logged with a reference ID (a failed post, retried like any other),
// and the scheduler goes on.
func (r *Runner) build(ctx context.Context, since, until time.Time) (_ bot.Digest, err error) {
	defer bot.Recover(ctx, r.logger, &err, "op", "digest build")
	return r.builder.Digest(ctx, since, until)
}

func (r *Runner) publish(ctx context.Context, p bot.Publisher, d bot.Digest) (err error) {
	defer bot.Recover(ctx, r.logger, &err, "op", "digest post", "channel", p.Name())
	return p.Publish(ctx, d)
}

// windowStart is where the window of the period firing at fire begins: the
// previous fire time, or the end of the last period on record when that is
// earlier (periods were missed, or the schedule changed), but no more than
// MaxCatchUp before fire.
func (r *Runner) windowStart(ctx context.Context, fire time.Time) (time.Time, error) {
	since := r.sched.Prev(fire.Add(-time.Nanosecond))
	last, ok, err := r.store.LatestUntil(ctx, fire)
	if err != nil {
		return time.Time{}, err
	}
	if ok && (since.IsZero() || last.Before(since)) {
		since = last
	}
	if floor := fire.Add(-r.maxCatchUp); since.IsZero() || since.Before(floor) {
		since = floor
	}
	return since, nil
}

func key(period string, p bot.Publisher) string { return period + "|" + p.Name() }

// PartKey is the stable key of one part (counted from 0) of the period's
// digest on the channel (a publisher Name): "<period>|<channel>|<part>".
// A PartPublisher carries it in the posted message (Slack message
// metadata, a Discord nonce) so that a later process can find the part.
func PartKey(channel, period string, part int) string {
	return period + "|" + channel + "|" + strconv.Itoa(part)
}

// Run posts digests on the schedule until ctx is done, then returns nil. At
// start-up it catches up once: when the state file shows earlier runs and
// the latest due period is not finished on every publisher, it is posted
// (to the publishers missing it) at once. Failed posts are retried after
// RetryDelay, at most three attempts per period and publisher. Errors of
// single runs are logged, not returned.
func (r *Runner) Run(ctx context.Context) error {
	now := r.clock.Now()
	r.logger.InfoContext(ctx, "digest scheduler started", "schedule", r.sched.String(), "publishers", len(r.pubs), "next", r.sched.Next(now))
	var retryAt time.Time
	_, recorded, err := r.store.LatestUntil(ctx, now.Add(100*365*24*time.Hour))
	if err != nil {
		r.logger.ErrorContext(ctx, "cannot read the digest state; not catching up", "err", err)
	} else if recorded {
		if rep, err := r.RunOnce(ctx, now); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			r.logger.ErrorContext(ctx, "catch-up run failed", "period", rep.Period, "err", err)
			retryAt = now.Add(r.retryDelay)
		} else if len(rep.Posted) > 0 || len(rep.Skipped) > 0 {
			r.logger.InfoContext(ctx, "caught up a missed digest", "period", rep.Period, "posted", rep.Posted, "skipped", rep.Skipped)
		}
	}
	next := r.sched.Next(now)
	for {
		now = r.clock.Now()
		wake := next
		if !retryAt.IsZero() && retryAt.Before(wake) {
			wake = retryAt
		}
		if wait := wake.Sub(now); wait > 0 {
			select {
			case <-ctx.Done():
				r.logger.InfoContext(ctx, "digest scheduler stopped")
				return nil
			case <-r.clock.After(min(wait, maxSleep)):
			}
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil
		}
		// A fire time or a retry is due.
		rep, err := r.RunOnce(ctx, now)
		retryAt = time.Time{}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			r.logger.ErrorContext(ctx, "digest run failed", "period", rep.Period, "err", err)
			retryAt = now.Add(r.retryDelay)
		}
		next = r.sched.Next(now)
	}
}
