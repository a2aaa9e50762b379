// Package digest posts storybot's daily digest on a schedule, exactly once
// per period and per channel.
//
// A Runner fires at a time of day ("08:00") or on a five-field cron
// expression, in an IANA time zone, using an injected Clock. For each period
// it builds the digest of the articles new since the previous period (a
// Builder, normally *bot.Service) and posts it to every target (a
// bot.Publisher: Slack and Discord channels, or stdout).
//
// Exactly once: the Runner keeps its records in a Store (FileStore: a small
// JSON file in the data folder, written atomically and guarded by an
// advisory file lock, so that `storybot serve` and a manual `storybot
// digest` never post the same period twice). For each period it records
// the digest built and, per publisher, "posting" before the post and
// "posted" after it. A PartPublisher (Slack, Discord) is posted part by
// part, each message carrying a stable key (PartKey: channel, period,
// part) that the platform keeps (Slack message metadata, a Discord nonce
// and a marker line), and each part is recorded as it goes. After a
// restart:
//
//   - a channel or part marked "posted" is never posted again;
//   - a channel with no record (a crash between two channels' posts) is
//     posted once;
//   - a part left "posting" (the process died between the post and its
//     record) or "failed" is in doubt: the Runner asks the platform for a
//     message with the part's key since the period began, records it as
//     posted when it is there, and posts it only when it is not; a
//     multi-part digest resumes at its first part not yet posted, with the
//     same digest. When the platform cannot be asked, nothing is posted
//     and the attempt is retried;
//   - a plain Publisher (stdout) left "posting" cannot be asked, so it is
//     posted once more, and only once (a second in-doubt crash marks the
//     channel "abandoned");
//   - a post that returned an error is retried, at most three attempts in
//     all, then "abandoned".
//
// A period missed while the process was down is caught up once at start-up:
// only the latest due period is posted, and its window reaches back to the
// end of the last period on record (at most MaxCatchUp), so nothing is left
// out and nothing is posted twice. On the very first start (no state yet)
// nothing is caught up.
package digest
