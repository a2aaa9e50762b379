package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/adapters/discord/discordfake"
)

type httpHarness struct {
	fd   *discordfake.Server
	bot  *fakeBot
	a    *Adapter
	srv  *httptest.Server
	priv ed25519.PrivateKey
	mu   sync.Mutex
	now  time.Time
}

func startHTTP(t *testing.T, fb *fakeBot) *httpHarness {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	h := &httpHarness{fd: discordfake.New(t), bot: fb, priv: priv, now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	h.a, err = New(Config{
		Token: testToken, AppID: testAppID, PublicKey: hex.EncodeToString(pub), HTTPClient: h.fd.Client(),
		MaxBody: 4096, UserRate: time.Millisecond, Burst: 100, HTTPOnly: true,
		Now: func() time.Time { h.mu.Lock(); defer h.mu.Unlock(); return h.now },
	}, fb, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.srv = httptest.NewServer(h.a.InteractionsHandler())
	t.Cleanup(h.srv.Close)
	return h
}

// sign signs body at timestamp ts with key, as Discord does.
func sign(key ed25519.PrivateKey, ts string, body []byte) string {
	return hex.EncodeToString(ed25519.Sign(key, append([]byte(ts), body...)))
}

func (h *httpHarness) post(t *testing.T, body []byte, sig, ts string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if sig != "" {
		req.Header.Set("X-Signature-Ed25519", sig)
	}
	if ts != "" {
		req.Header.Set("X-Signature-Timestamp", ts)
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (h *httpHarness) ts(offset time.Duration) string {
	return strconv.FormatInt(h.now.Add(offset).Unix(), 10)
}

func interactionBody(t *testing.T, v map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHTTPInteractions(t *testing.T) {
	t.Parallel()
	fb := &fakeBot{answer: sampleAnswer()}
	h := startHTTP(t, fb)
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	ping := []byte(`{"id":"p1","application_id":"` + testAppID + `","type":1,"token":"ptok","version":1}`)

	ask := h.fd.CommandInteraction("h-1", testUser, "ask", map[string]string{"question": "Who leads the alliance?"})
	// Over HTTP, the HTTP response is the acknowledgement.
	h.fd.RegisterInteraction(ask["token"].(string), true)
	askBody := interactionBody(t, ask)
	askTS := h.ts(0)
	askSig := sign(h.priv, askTS, askBody)

	tests := []struct {
		name       string
		body       []byte
		sig, ts    string
		wantStatus int
		wantBody   string
	}{
		{"ping", ping, sign(h.priv, h.ts(0), ping), h.ts(0), 200, `{"type":1}`},
		{"ask deferred", askBody, askSig, askTS, 200, `{"type":5}`},
		{"replay answered once", askBody, askSig, askTS, 409, "replayed"},
		{"forged with another key", ping, sign(otherKey, h.ts(0), ping), h.ts(0), 401, "invalid"},
		{"body tampered", append(bytes.Clone(ping), ' '), sign(h.priv, h.ts(-time.Second), ping), h.ts(-time.Second), 401, "invalid"},
		{"timestamp tampered", ping, sign(h.priv, h.ts(-2*time.Second), ping), h.ts(-3 * time.Second), 401, "invalid"},
		{"stale", ping, sign(h.priv, h.ts(-6*time.Minute), ping), h.ts(-6 * time.Minute), 401, "invalid"},
		{"from the future", ping, sign(h.priv, h.ts(6*time.Minute), ping), h.ts(6 * time.Minute), 401, "invalid"},
		{"just inside the window", ping, sign(h.priv, h.ts(-4*time.Minute), ping), h.ts(-4 * time.Minute), 200, `{"type":1}`},
		{"no signature", ping, "", h.ts(0), 401, "invalid"},
		{"no timestamp", ping, sign(h.priv, "", ping), "", 401, "invalid"},
		{"too large", bytes.Repeat([]byte("x"), 5000), sign(h.priv, h.ts(0), bytes.Repeat([]byte("x"), 5000)), h.ts(0), 413, "too large"},
		{"signed junk", []byte("not json"), sign(h.priv, h.ts(-5*time.Second), []byte("not json")), h.ts(-5 * time.Second), 400, "malformed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := h.post(t, tc.body, tc.sig, tc.ts)
			if status != tc.wantStatus || !strings.Contains(body, tc.wantBody) {
				t.Errorf("got %d %q, want %d containing %q", status, body, tc.wantStatus, tc.wantBody)
			}
		})
	}

	// The deferred /ask is then answered by editing the original response.
	edits := h.fd.WaitFor(t, 1, "PATCH", pathOriginal)
	want := fb.answer
	want.Question = "Who leads the alliance?"
	if got := flatten([]discordfake.Sent{decodeMessage(t, edits[0].Body)}); got != want.Text() {
		t.Errorf("HTTP answer differs from the console text:\n got %q\nwant %q", got, want.Text())
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(fb.asked()); n != 1 {
		t.Errorf("replayed request answered %d times, want once", n)
	}
	if n := len(h.fd.Matching("PATCH", pathOriginal)); n != 1 {
		t.Errorf("%d edits, want 1", n)
	}

	// The same interaction re-signed later (a fresh signature) is still
	// answered only once.
	h.mu.Lock()
	h.now = h.now.Add(time.Second)
	h.mu.Unlock()
	if status, _ := h.post(t, askBody, sign(h.priv, h.ts(0), askBody), h.ts(0)); status != 409 {
		t.Errorf("re-signed duplicate interaction: status %d, want 409", status)
	}

	// Only POST.
	resp, err := h.srv.Client().Get(h.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d, want 405", resp.StatusCode)
	}
}

func TestHTTPInteractionsRateLimitAndButtons(t *testing.T) {
	t.Parallel()
	fb := &fakeBot{answer: sampleAnswer()}
	h := startHTTP(t, fb)
	strict, err := New(Config{Token: testToken, AppID: testAppID, PublicKey: hex.EncodeToString(h.priv.Public().(ed25519.PublicKey)),
		HTTPClient: h.fd.Client(), UserRate: time.Hour, Burst: 1, Now: h.a.now}, fb, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.srv.Config.Handler = strict.InteractionsHandler()

	send := func(v map[string]any) (int, string) {
		b := interactionBody(t, v)
		return h.post(t, b, sign(h.priv, h.ts(0), b), h.ts(0))
	}
	first := h.fd.CommandInteraction("h-r1", testUser, "ask", map[string]string{"question": "one"})
	h.fd.RegisterInteraction(first["token"].(string), true)
	if status, body := send(first); status != 200 || body != "{\"type\":5}\n" {
		t.Fatalf("first: %d %q", status, body)
	}
	second := h.fd.CommandInteraction("h-r2", testUser, "ask", map[string]string{"question": "two"})
	status, body := send(second)
	if status != 200 || !strings.Contains(body, `"type":4`) || !strings.Contains(body, "try again in 1 hour") && !strings.Contains(body, "3600 seconds") || !strings.Contains(body, `"flags":64`) {
		t.Errorf("rate-limited: %d %s", status, body)
	}
	status, body = send(map[string]any{
		"id": "h-b1", "application_id": testAppID, "type": 3, "token": "btok", "version": 1,
		"user": map[string]any{"id": testUser}, "data": map[string]any{"custom_id": feedbackID(true, "ans-42"), "component_type": 2},
	})
	if status != 200 || !strings.Contains(body, "helped") {
		t.Errorf("button: %d %s", status, body)
	}
	h.fd.WaitFor(t, 1, "PATCH", pathOriginal)
	fb.mu.Lock()
	defer fb.mu.Unlock()
	if len(fb.feedback) != 1 || !fb.feedback[0].Helpful || fb.feedback[0].User != testUser {
		t.Errorf("feedback = %+v", fb.feedback)
	}
	if len(fb.questions) != 1 {
		t.Errorf("questions = %d, want 1", len(fb.questions))
	}
}

func TestHTTPOnlyRun(t *testing.T) {
	t.Parallel()
	fb := &fakeBot{}
	h := startHTTP(t, fb)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.a.Run(ctx) }()
	h.fd.WaitFor(t, 1, "PUT", pathCommands)
	for !h.a.Ready() {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if h.a.Ready() {
		t.Error("still ready after Run returned")
	}
	if n := len(h.fd.Matching("GET", pathGateway)); n != 0 {
		t.Errorf("HTTPOnly asked for the gateway %d times", n)
	}
}

func TestInteractionsHandlerWithoutKey(t *testing.T) {
	t.Parallel()
	a, err := New(Config{Token: testToken, AppID: testAppID}, &fakeBot{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	a.InteractionsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}")))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", rec.Code)
	}
}
