package llm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Transport is an http.RoundTripper that bounds each attempt with a timeout
// and retries replies that say "try again": 429 and the transient 5xx codes
// (500, 502, 503, 504). It waits with exponential backoff and jitter, or for
// the server's Retry-After when that is given and not too long. Waits end
// early when the request's context is done. The request body is replayed on
// each attempt. Transport is safe for concurrent use.
type Transport struct {
	// Base sends the requests; nil means a clone of http.DefaultTransport.
	Base http.RoundTripper
	// Timeout bounds one attempt, from sending the request to closing the
	// reply's body; zero means no bound beyond the request's context.
	Timeout time.Duration
	// MaxRetries is how many times a retryable reply is retried.
	MaxRetries int
	// BaseDelay is the first backoff (default 500ms); each retry doubles it,
	// up to MaxDelay (default 8s).
	BaseDelay, MaxDelay time.Duration
	// MaxRetryAfter caps how long a Retry-After may make us wait (default
	// 30s); a longer one is not waited for and the reply is returned as is.
	MaxRetryAfter time.Duration
	// Now is the clock, for Retry-After dates; nil means time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx is done; nil means a timer. Tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger receives a line per retry; nil discards.
	Logger *slog.Logger
}

// NewHTTPClient returns an http.Client whose Transport bounds each attempt
// with timeout and retries 429 and 5xx replies up to maxRetries times.
func NewHTTPClient(timeout time.Duration, maxRetries int, logger *slog.Logger) *http.Client {
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	base.TLSHandshakeTimeout = 10 * time.Second
	if timeout > 0 {
		base.ResponseHeaderTimeout = timeout
	}
	return &http.Client{Transport: &Transport{Base: base, Timeout: timeout, MaxRetries: maxRetries, Logger: logger}}
}

// RoundTrip sends req, retrying as described on Transport.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	getBody := req.GetBody
	if req.Body != nil && req.Body != http.NoBody && getBody == nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("llm transport: read request body: %w", err)
		}
		getBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	ctx := req.Context()
	for attempt := 0; ; attempt++ {
		actx, cancel := ctx, context.CancelFunc(func() {})
		if t.Timeout > 0 {
			actx, cancel = context.WithTimeout(ctx, t.Timeout)
		}
		r := req.Clone(actx)
		if getBody != nil {
			body, err := getBody()
			if err != nil {
				cancel()
				return nil, fmt.Errorf("llm transport: replay request body: %w", err)
			}
			r.Body = body
		}
		resp, err := base.RoundTrip(r)
		if err != nil {
			cancel()
			if ctx.Err() == nil && actx.Err() != nil {
				return nil, fmt.Errorf("llm transport: no reply from %s within %s: %w", req.URL.Host, t.Timeout, context.DeadlineExceeded)
			}
			return nil, err
		}
		if !retryable(resp.StatusCode) || attempt >= t.MaxRetries {
			resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
			return resp, nil
		}
		wait, ok := t.delay(attempt, resp.Header.Get("Retry-After"))
		// Drain a little so the connection can be reused, then let it go.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		cancel()
		if !ok {
			return nil, fmt.Errorf("llm transport: %s asks to retry after more than %s (HTTP %d)", req.URL.Host, t.maxRetryAfter(), resp.StatusCode)
		}
		t.logger().WarnContext(ctx, "model request will be retried",
			"status", resp.StatusCode, "attempt", attempt+1, "wait", wait, "host", req.URL.Host)
		if err := t.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// retryable reports whether a status code is worth retrying.
func retryable(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// delay returns how long to wait before retry number attempt+1, and false
// when the server asks for a wait longer than MaxRetryAfter.
func (t *Transport) delay(attempt int, retryAfter string) (time.Duration, bool) {
	if d, ok := parseRetryAfter(retryAfter, t.now()); ok {
		if d > t.maxRetryAfter() {
			return 0, false
		}
		return d, true
	}
	baseDelay, maxDelay := t.BaseDelay, t.MaxDelay
	if baseDelay <= 0 {
		baseDelay = 500 * time.Millisecond
	}
	if maxDelay <= 0 {
		maxDelay = 8 * time.Second
	}
	d := baseDelay << min(attempt, 20)
	if d > maxDelay || d <= 0 {
		d = maxDelay
	}
	// Full jitter in [d/2, d].
	return d/2 + rand.N(d/2+1), true
}

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0, false
		}
		n = min(n, 1<<20) // about 12 days: far beyond any cap, and no overflow
		return time.Duration(n) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		d := at.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

func (t *Transport) maxRetryAfter() time.Duration {
	if t.MaxRetryAfter > 0 {
		return t.MaxRetryAfter
	}
	return 30 * time.Second
}

func (t *Transport) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *Transport) logger() *slog.Logger {
	if t.Logger != nil {
		return t.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (t *Transport) sleep(ctx context.Context, d time.Duration) error {
	if t.Sleep != nil {
		return t.Sleep(ctx, d)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// cancelBody releases an attempt's timeout when the reply body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = fmt.Errorf("llm transport: reading reply: %w", err)
	}
	return n, err
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
