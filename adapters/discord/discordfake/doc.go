// Package discordfake is a local stand-in for the parts of Discord that
// storybot uses, for tests: the REST API (application commands, interaction
// callbacks and webhooks, channels, messages with nonces and enforce_nonce,
// threads, typing, guild roles, the gateway lookup) and a gateway WebSocket
// that says hello, reads IDENTIFY, closes with 4004 or 4014 as Discord does,
// and dispatches events. Like Discord it checks the bot token, the payloads
// against the API's limits (content, embeds, embed URLs, components,
// nonces, allowed_mentions), and acknowledges an interaction only once. It
// can fail every call with a status, rate-limit a path (429 Retry-After),
// listen on a given address, and stop a caller between a message's
// creation and its reply (OnCreate), for crash tests.
//
// Point the adapter at it with Config.APIURL = Server.APIURL() (the
// DISCORD_API_URL of the binary) or Config.HTTPClient = Server.Client().
package discordfake
