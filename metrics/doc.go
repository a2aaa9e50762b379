// Package metrics counts what storybot does, for Prometheus: questions by
// platform, answer latency, abstentions, conflicts stated, answer failures,
// model errors and fallbacks, digest posts, rate-limit hits and the corpus
// size.
//
// Metrics is the Prometheus implementation of Recorder, with its own registry
// (never the global one) served by Handler. The middlewares Observe,
// ObserveComposer and ObservePublisher wrap a bot.Answerer, a bot.Composer and
// a bot.Publisher so that adapters, the digest and the model layer need no
// metric code of their own. Only rate-limit hits happen inside an adapter:
// an adapter that limits calls RateLimited on a Recorder it is given (declare
// the one-method interface you need in your own package).
//
// Only this package imports the Prometheus client.
package metrics
