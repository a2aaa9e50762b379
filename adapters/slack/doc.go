// Package slack connects storybot to Slack. It receives questions over
// Socket Mode (the default: a bot token xoxb- and an app token xapp-, no
// public URL) or over the Events API (an HTTP endpoint verified with the
// signing secret), translates them into bot.Question values, and renders the
// bot's answers and digests as Block Kit messages.
//
// One handler sits behind both transports. It answers app mentions in a
// thread under the question, direct messages, follow-ups in threads the bot
// already answered (the thread's earlier turns go to the bot as context), the
// /story slash command (with digest, conflicts, sources and help), and the
// feedback buttons on every answer. Each delivery is acknowledged at once and
// answered exactly once: retries are deduplicated by event ID and by message,
// per-user and per-channel rate limits reply politely, Slack's 429
// Retry-After is honoured, and every failure is answered in the conversation
// with a short fixed sentence and a reference ID (the details are logged
// under it) rather than dropped. What Slack and Discord share (the bot port,
// dedupe, limits, the reply model, error sentences) lives in adapters/chat;
// this package keeps Slack's transport and Block Kit rendering.
//
// Only this package imports slack-go.
package slack
