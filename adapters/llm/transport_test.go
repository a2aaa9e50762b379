package llm

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// scripted is a test server replying with statuses in order and recording
// the bodies it received.
type scripted struct {
	mu     sync.Mutex
	steps  []step
	bodies []string
}

type step struct {
	status     int
	retryAfter string
	delay      time.Duration
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	i := min(len(s.bodies), len(s.steps)-1)
	s.bodies = append(s.bodies, string(b))
	st := s.steps[i]
	s.mu.Unlock()
	if st.delay > 0 {
		select {
		case <-time.After(st.delay):
		case <-r.Context().Done():
			return
		}
	}
	if st.retryAfter != "" {
		w.Header().Set("Retry-After", st.retryAfter)
	}
	w.WriteHeader(st.status)
	io.WriteString(w, http.StatusText(st.status))
}

func (s *scripted) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

func TestTransportRetries(t *testing.T) {
	now := time.Date(2025, 12, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		steps      []step
		maxRetries int
		wantStatus int
		wantErr    string
		wantCalls  int
		wantWaits  []time.Duration // exact waits; nil means "check backoff bounds"
	}{
		{name: "success first time", steps: []step{{status: 200}}, maxRetries: 2, wantStatus: 200, wantCalls: 1, wantWaits: []time.Duration{}},
		{name: "429 with Retry-After seconds, then success", steps: []step{{status: 429, retryAfter: "3"}, {status: 200}},
			maxRetries: 2, wantStatus: 200, wantCalls: 2, wantWaits: []time.Duration{3 * time.Second}},
		{name: "503 with Retry-After date", steps: []step{{status: 503, retryAfter: now.Add(7 * time.Second).Format(http.TimeFormat)}, {status: 200}},
			maxRetries: 2, wantStatus: 200, wantCalls: 2, wantWaits: []time.Duration{7 * time.Second}},
		{name: "500 every time gives up after retries", steps: []step{{status: 500}},
			maxRetries: 2, wantStatus: 500, wantCalls: 3},
		{name: "502 then 504 then success", steps: []step{{status: 502}, {status: 504}, {status: 200}},
			maxRetries: 3, wantStatus: 200, wantCalls: 3},
		{name: "400 is not retried", steps: []step{{status: 400}}, maxRetries: 3, wantStatus: 400, wantCalls: 1, wantWaits: []time.Duration{}},
		{name: "501 is not retried", steps: []step{{status: 501}}, maxRetries: 3, wantStatus: 501, wantCalls: 1, wantWaits: []time.Duration{}},
		{name: "no retries configured", steps: []step{{status: 429, retryAfter: "1"}}, maxRetries: 0, wantStatus: 429, wantCalls: 1, wantWaits: []time.Duration{}},
		{name: "Retry-After too long fails fast", steps: []step{{status: 429, retryAfter: "3600"}}, maxRetries: 2,
			wantErr: "retry after more than", wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := &scripted{steps: tc.steps}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			var waits []time.Duration
			tr := &Transport{MaxRetries: tc.maxRetries, Now: func() time.Time { return now },
				Sleep: func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
			client := &http.Client{Transport: tr}
			resp, err := client.Post(ts.URL, "application/json", strings.NewReader(`{"q":"same body"}`))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tc.wantStatus {
					t.Errorf("status %d, want %d (%s)", resp.StatusCode, tc.wantStatus, b)
				}
			}
			got := srv.received()
			if len(got) != tc.wantCalls {
				t.Errorf("server saw %d calls, want %d", len(got), tc.wantCalls)
			}
			for i, b := range got {
				if b != `{"q":"same body"}` {
					t.Errorf("attempt %d body %q: the body was not replayed", i, b)
				}
			}
			if tc.wantWaits != nil {
				if len(waits) != len(tc.wantWaits) {
					t.Fatalf("waits %v, want %v", waits, tc.wantWaits)
				}
				for i := range waits {
					if waits[i] != tc.wantWaits[i] {
						t.Errorf("wait %d = %s, want %s", i, waits[i], tc.wantWaits[i])
					}
				}
			} else if tc.wantErr == "" {
				if len(waits) != tc.wantCalls-1 {
					t.Fatalf("waits %v for %d calls", waits, tc.wantCalls)
				}
				for i, w := range waits {
					hi := 500 * time.Millisecond << i
					if w < hi/2 || w > hi {
						t.Errorf("backoff %d = %s, want within [%s, %s]", i, w, hi/2, hi)
					}
				}
			}
		})
	}
}

func TestTransportAttemptTimeout(t *testing.T) {
	srv := &scripted{steps: []step{{status: 200, delay: 5 * time.Second}}}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	client := &http.Client{Transport: &Transport{Timeout: 100 * time.Millisecond, MaxRetries: 2}}
	start := time.Now()
	_, err := client.Get(ts.URL)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("took %s; the attempt timeout did not bound it", el)
	}
	if n := len(srv.received()); n != 1 {
		t.Errorf("a timed-out attempt was retried: %d calls", n)
	}
}

func TestTransportStopsWaitingWhenContextEnds(t *testing.T) {
	srv := &scripted{steps: []step{{status: 429, retryAfter: "20"}}}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	client := &http.Client{Transport: &Transport{MaxRetries: 3}}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL, nil)
	start := time.Now()
	_, err := client.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context deadline", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("waited %s after the context ended", el)
	}
}

func TestTransportBodyOutlivesRoundTrip(t *testing.T) {
	// The attempt timeout must cover reading the body, and closing the body
	// must release it; a body read within the timeout must succeed.
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("x", 100000))
	}))
	defer ts.Close()
	client := &http.Client{Transport: &Transport{Timeout: 5 * time.Second}}
	resp, err := client.Get(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || len(b) != 100000 {
		t.Fatalf("read %d bytes, err %v", len(b), err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"12", 12 * time.Second, true},
		{" 5 ", 5 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"", 0, false},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
	}
	for _, tc := range tests {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "120", "Wed, 21 Oct 2015 07:28:00 GMT", "-3", "1e9", "99999999999999999999"} {
		f.Add(s)
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseRetryAfter(s, now)
		if d < 0 {
			t.Fatalf("negative wait %s for %q", d, s)
		}
		if !ok && d != 0 {
			t.Fatalf("wait %s reported with ok=false", d)
		}
		tr := &Transport{}
		if w, ok := tr.delay(3, s); ok && (w < 0 || w > tr.maxRetryAfter()) {
			t.Fatalf("delay %s outside [0, %s]", w, tr.maxRetryAfter())
		}
	})
}
