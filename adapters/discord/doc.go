// Package discord is storybot's Discord adapter. It runs a gateway session
// (discordgo) that registers the slash commands /ask, /digest, /conflicts,
// /sources and /help by bulk overwrite, answers each interaction with a
// deferred response and then edits it with the answer, and answers mentions of
// the bot in a thread of their own (follow-ups in that thread carry its
// history). InteractionsHandler serves Discord's HTTP interactions endpoint as
// the alternative to the gateway, with Ed25519 verification, a timestamp
// window and replay protection. Publisher posts digests to a channel.
//
// The adapter holds no business logic: it translates Discord events into
// bot.Question values for the Bot it is given, and renders bot.Answer and
// bot.Digest as embeds within Discord's limits. It is the only package of
// storybot that imports discordgo.
package discord
