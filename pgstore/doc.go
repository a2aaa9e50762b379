// Package pgstore keeps storybot's shared state in PostgreSQL, so that
// several `storybot serve` replicas can run on one database: delivery
// dedupe keys with expiry (chat.Seen), conversation threads
// (chat.Conversations), readers' feedback (bot.FeedbackRecorder), the
// corpus files and articles with their content hash and first-seen time
// (Mirror and FollowCorpus keep each replica's own index in step through
// LISTEN/NOTIFY), the conflict ledger (SharedLedger: computed by one
// replica, read by the others) and digest records (Digests, a
// digest.Store).
//
// Open connects with a postgres:// URL (pgx/v5): its parameters are
// honoured, among them sslmode, search_path (the first schema is created
// if missing, so deployments can share one database in their own schemas)
// and pool_max_conns. Open then runs the versioned migrations embedded in
// the binary (goose) under a PostgreSQL advisory lock, so replicas started
// together migrate once.
//
// Advisory locks are scoped to the schema (Store.lockKey): two deployments
// in two schemas never wait for each other.
package pgstore
