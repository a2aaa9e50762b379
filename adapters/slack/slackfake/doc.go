// Package slackfake is a local fake of the parts of Slack that storybot
// uses, for tests: the Web API methods auth.test, chat.postMessage,
// chat.update, conversations.replies and apps.connections.open (built on
// slack-go's slacktest server), a Socket Mode WebSocket that sends
// envelopes and reads the acks, and response URLs. Like Slack it checks the
// bot token (Authorization bearer or token field), the app token on
// apps.connections.open, the payload shape and the Block Kit limits, and it
// can answer 429 with Retry-After. It records every post for assertions.
//
// cmd/storybot's tests use it to show that `storybot serve` connects in
// Socket Mode: set SLACK_BOT_TOKEN=BotToken, SLACK_APP_TOKEN=AppToken and
// the adapter's APIURL to Server.APIURL().
package slackfake
