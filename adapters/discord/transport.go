package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/storybot/storybot/adapters/chat"
)

// apiTransport carries discordgo's REST calls. It sends them to the
// configured API base URL instead of https://discord.com/api, and waits out
// Discord's rate limits itself: a 429's Retry-After is waited (at most
// maxWait, ended early by the request's context or by shutdown) and the
// call tried again, up to three times. What reaches discordgo never makes it
// sleep longer than maxWait: its global lock is not passed on and bucket
// resets are capped.
type apiTransport struct {
	base    http.RoundTripper // nil: http.DefaultTransport
	api     *url.URL          // nil: discord.com
	maxWait time.Duration
	hooks   chat.Hooks
	quit    <-chan struct{}
	log     *slog.Logger
}

// maxRateLimitTries bounds the attempts of one call that meets 429s.
const maxRateLimitTries = 3

// RoundTrip implements http.RoundTripper.
func (t *apiTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	r := req
	if t.api != nil && req.URL.Host == "discord.com" && strings.HasPrefix(req.URL.Path, "/api/") {
		r = req.Clone(req.Context())
		u := *req.URL
		u.Scheme, u.Host = t.api.Scheme, t.api.Host
		u.Path = strings.TrimRight(t.api.Path, "/") + strings.TrimPrefix(req.URL.Path, "/api")
		u.RawPath = ""
		r.URL, r.Host = &u, t.api.Host
	}
	for try := 1; ; try++ {
		resp, err := base.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusTooManyRequests {
			capResetAfter(resp.Header, t.maxWait)
			return resp, nil
		}
		t.hooks.NoteRateLimited("api")
		wait := retryAfter(resp)
		if wait > t.maxWait || try == maxRateLimitTries || r.Body != nil && r.GetBody == nil {
			t.log.Warn("rate limited by Discord; giving up on the call", "path", r.URL.Path, "retry_after", wait.String(), "max_wait", t.maxWait.String())
			resp.Header.Del("X-RateLimit-Global")
			capResetAfter(resp.Header, t.maxWait)
			return resp, nil
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		t.log.Warn("rate limited by Discord, waiting", "path", r.URL.Path, "retry_after", wait.String(), "attempt", try)
		if err := t.sleep(r.Context(), wait); err != nil {
			return nil, fmt.Errorf("waiting out Discord's rate limit: %w", err)
		}
		if r.GetBody != nil {
			body, err := r.GetBody()
			if err != nil {
				return nil, err
			}
			r = r.Clone(r.Context())
			r.Body = body
		}
	}
}

// errShutdown ends a rate limit wait at shutdown.
var errShutdown = errors.New("storybot is shutting down")

func (t *apiTransport) sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.quit:
		return errShutdown
	}
}

// retryAfter reads a 429's wait: the Retry-After header (seconds, possibly
// fractional) or the body's retry_after, else one second.
func retryAfter(resp *http.Response) time.Duration {
	if v := resp.Header.Get("Retry-After"); v != "" {
		if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 {
			return time.Duration(f * float64(time.Second))
		}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(strings.NewReader(string(b)))
	if err == nil {
		var body struct {
			RetryAfter float64 `json:"retry_after"`
		}
		if json.Unmarshal(b, &body) == nil && body.RetryAfter > 0 {
			return time.Duration(body.RetryAfter * float64(time.Second))
		}
	}
	return time.Second
}

// capResetAfter caps X-RateLimit-Reset-After, which discordgo sleeps out
// (uncancellably) before the bucket's next call.
func capResetAfter(h http.Header, max time.Duration) {
	v := h.Get("X-RateLimit-Reset-After")
	if v == "" {
		return
	}
	if f, err := strconv.ParseFloat(v, 64); err != nil || f > max.Seconds() {
		h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(max.Seconds(), 'f', 3, 64))
	}
	h.Del("X-RateLimit-Reset") // Reset-After is used when present; drop the absolute form
}
