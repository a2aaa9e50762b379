// Package digest posts storybot's daily digest on a schedule, exactly once
// per period and per channel.
//
// A Runner fires at a time of day ("08:00") or on a five-field cron
// expression, in an IANA time zone, using an injected Clock. For each period
// it builds the digest of the articles new since the previous period (a
// Builder, normally *bot.Service) and posts it to every target (a
// bot.Publisher: Slack and Discord channels, or stdout).
//
// Exactly once: the Runner keeps a small JSON state file in the data
// folder, written atomically (temporary file, fsync, rename) and guarded by
// an advisory file lock so that `storybot serve` and a manual `storybot
// digest` never post the same period twice. For each period and publisher
// (the idempotency key is period ID + publisher Name) it records "posting"
// before the post and "posted" after it. After a restart:
//
//   - a channel marked "posted" is never posted again;
//   - a channel with no record (a crash between two channels' posts) is
//     posted once;
//   - a channel left "posting" (the process died during the post) is in
//     doubt: neither Slack's chat.postMessage nor Discord's create-message
//     lets a later process ask whether a message was delivered, so the
//     Runner posts once more, and only once (a second in-doubt crash marks
//     the channel "abandoned"). A duplicate is possible only in that case;
//     a lost digest is not;
//   - a post that returned an error is retried, at most three attempts in
//     all, then "abandoned".
//
// A period missed while the process was down is caught up once at start-up:
// only the latest due period is posted, and its window reaches back to the
// end of the last period on record (at most MaxCatchUp), so nothing is left
// out and nothing is posted twice. On the very first start (no state yet)
// nothing is caught up.
package digest
