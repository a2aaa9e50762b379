// Package chat holds what storybot's chat adapters (Slack and Discord)
// share, so that each adapter keeps only its platform's transport and
// rendering:
//
//   - Bot, the port an adapter answers through (bot.Service implements it),
//     and ErrNotReady, the error of a Bot that is still loading the articles;
//   - Seen, which remembers platform delivery IDs so that a retried event is
//     handled once, and Conversations, which remembers the threads the bot
//     took part in and their turns; both are small interfaces with an
//     in-process implementation here, so a shared store (several replicas)
//     can take their place without touching the adapters;
//   - Limiter, the per-user and per-channel question limits;
//   - the reply model: a placeholder at once, then the answer in its place,
//     split into the parts a platform's limits allow (Replier, Respond), and
//     text splitting by a platform's own length measure (Split, Truncate);
//   - what users see when something fails: short fixed sentences with a
//     reference ID under which the details are logged (Fail), and panic
//     recovery for handler goroutines (Safely, Go);
//   - feedback buttons' values and the replies to them;
//   - Supervisor, which runs one adapter's connection, restarts it after a
//     failure with capped exponential backoff, and reports its state.
//
// The package imports only the standard library and bot.
package chat
