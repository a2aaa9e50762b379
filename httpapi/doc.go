// Package httpapi is storybot's own HTTP surface, served by `storybot serve`:
//
//	POST /v1/ask   {"question": "...", "thread": [{"role": "user|bot", "text": "..."}]}
//	               → the `ask --json` object (DESIGN §5), behind an optional bearer token
//	GET  /healthz  200 while the process is alive
//	GET  /readyz   200 when every readiness check passes (corpus indexed), else 503; the state of
//	               the chat adapters and of the last corpus sync (complete, partial, failed) beside
//	GET  /metrics  the Prometheus metrics, when a handler is given
//
// Platform endpoints (the Slack Events API, Discord interactions) are mounted
// on the same mux with Handle. Every error is a JSON object {"error": "..."}
// with a 4xx or 5xx status that says what to fix. Run serves a handler on a
// listener until its context ends, then shuts down gracefully: requests in
// flight (answers being written) finish within a deadline.
//
// AskResponse and NewAskResponse define the `ask --json` contract, shared with
// `storybot ask --json`.
package httpapi
