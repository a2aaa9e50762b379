package slack

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/adapters/slack/slackfake"
)

// testNow is the fixed clock of the Events API tests.
var testNow = time.Unix(1_800_000_000, 0)

// signedRequest builds an Events API request signed like Slack signs it.
func signedRequest(t *testing.T, url, contentType string, body []byte, at time.Time, secret string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(at.Unix(), 10)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sign(secret, ts, body))
	return req
}

func newHTTPHarness(t *testing.T, edit func(*Config)) (*harness, *httptest.Server) {
	h := newHarness(t, func(c *Config) {
		c.AppToken = ""
		c.Now = func() time.Time { return testNow }
		if edit != nil {
			edit(c)
		}
	})
	srv := httptest.NewServer(h.a.EventsHandler())
	t.Cleanup(srv.Close)
	return h, srv
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEventsAPISecurity(t *testing.T) {
	h, srv := newHTTPHarness(t, func(c *Config) { c.MaxBody = 4096 })
	event := mustJSON(t, slackfake.EventCallback("EvH", slackfake.Mention("C1", "U1", "1800000000.000001", "", "<@UBOT> q")))
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"valid", func() *http.Request {
			return signedRequest(t, srv.URL, "application/json", event, testNow, testSecret)
		}, http.StatusOK},
		{"forged signature", func() *http.Request {
			return signedRequest(t, srv.URL, "application/json", event, testNow, "not-the-secret")
		}, http.StatusUnauthorized},
		{"body altered after signing", func() *http.Request {
			r := signedRequest(t, srv.URL, "application/json", event, testNow, testSecret)
			r.Body = io.NopCloser(bytes.NewReader(bytes.Replace(event, []byte("U1"), []byte("U9"), 1)))
			return r
		}, http.StatusUnauthorized},
		{"no signature", func() *http.Request {
			r := signedRequest(t, srv.URL, "application/json", event, testNow, testSecret)
			r.Header.Del("X-Slack-Signature")
			return r
		}, http.StatusUnauthorized},
		{"stale timestamp", func() *http.Request {
			return signedRequest(t, srv.URL, "application/json", event, testNow.Add(-5*time.Minute-time.Second), testSecret)
		}, http.StatusUnauthorized},
		{"future timestamp", func() *http.Request {
			return signedRequest(t, srv.URL, "application/json", event, testNow.Add(6*time.Minute), testSecret)
		}, http.StatusUnauthorized},
		{"oversized body", func() *http.Request {
			big := bytes.Repeat([]byte("x"), 5000)
			return signedRequest(t, srv.URL, "application/json", big, testNow, testSecret)
		}, http.StatusRequestEntityTooLarge},
		{"oversized body, chunked", func() *http.Request {
			big := bytes.Repeat([]byte("x"), 5000)
			r := signedRequest(t, srv.URL, "application/json", big, testNow, testSecret)
			r.ContentLength = -1
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(big)))
			return r
		}, http.StatusRequestEntityTooLarge},
		{"GET", func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			return r
		}, http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, body := do(t, tt.req()); got != tt.status {
				t.Errorf("status = %d (%s), want %d", got, body, tt.status)
			}
		})
	}
	h.slack.WaitCalls("the one valid event answered", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C1") == 1 })
	h.a.Wait()
	if n := len(h.bot.asked()); n != 1 {
		t.Errorf("bot asked %d times, want 1 (only the valid request)", n)
	}
}

func TestEventsAPIURLVerification(t *testing.T) {
	_, srv := newHTTPHarness(t, nil)
	body := mustJSON(t, map[string]string{"type": "url_verification", "token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"})
	code, resp := do(t, signedRequest(t, srv.URL, "application/json", body, testNow, testSecret))
	if code != http.StatusOK || !strings.Contains(resp, `"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"`) {
		t.Errorf("url_verification = %d %s", code, resp)
	}
}

func TestEventsAPIRetryAnsweredOnce(t *testing.T) {
	h, srv := newHTTPHarness(t, nil)
	ts := h.slack.AddMessage("C1", "", "U1", "<@UBOT> q")
	body := mustJSON(t, slackfake.EventCallback("EvRetry", slackfake.Mention("C1", "U1", ts, "", "<@UBOT> q")))
	for i := range 3 {
		req := signedRequest(t, srv.URL, "application/json", body, testNow, testSecret)
		if i > 0 {
			req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(i))
			req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
		}
		if code, resp := do(t, req); code != http.StatusOK {
			t.Fatalf("delivery %d: %d %s", i, code, resp)
		}
	}
	h.slack.WaitCalls("the answer", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C1") == 1 })
	h.a.Wait()
	if n := slackfake.Count(h.slack.Calls(), "chat.postMessage", "C1"); n != 1 {
		t.Errorf("placeholders = %d, want 1", n)
	}
	if n := len(h.bot.asked()); n != 1 {
		t.Errorf("bot asked %d times, want 1", n)
	}
}

func TestEventsAPISlashCommandAndButton(t *testing.T) {
	h, srv := newHTTPHarness(t, nil)
	form := url.Values{"command": {"/story"}, "text": {"how many troops left?"}, "user_id": {"U1"}, "channel_id": {"C5"}, "trigger_id": {"tr1"}, "response_url": {h.slack.ResponseURL("C5")}}
	start := time.Now()
	code, body := do(t, signedRequest(t, srv.URL, "application/x-www-form-urlencoded", []byte(form.Encode()), testNow, testSecret))
	if code != http.StatusOK || body != "" {
		t.Errorf("slash command ack = %d %q, want an empty 200", code, body)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("ack took %s", d)
	}
	cs := h.slack.WaitCalls("answer", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C5") == 1 })
	if u := slackfake.Find(cs, "chat.update", "C5")[0]; !strings.Contains(u.Blocks, "[003_gamma] [004_delta]") {
		t.Errorf("answer = %s", u.Blocks)
	}

	payload := mustJSON(t, map[string]any{"type": "block_actions", "trigger_id": "tr2", "user": map[string]any{"id": "U1"},
		"response_url": h.slack.ResponseURL("C5"),
		"actions":      []map[string]any{{"action_id": "feedback_helpful", "block_id": "feedback", "value": "ans-7", "type": "button", "action_ts": "1"}}})
	code, _ = do(t, signedRequest(t, srv.URL, "application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(payload)}}.Encode()), testNow, testSecret))
	if code != http.StatusOK {
		t.Errorf("interaction ack = %d", code)
	}
	h.slack.WaitCalls("thanks", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "response_url", "C5") == 1 })
	h.a.Wait()
	h.bot.mu.Lock()
	defer h.bot.mu.Unlock()
	if len(h.bot.feedback) != 1 || !h.bot.feedback[0].Helpful || h.bot.feedback[0].AnswerID != "ans-7" {
		t.Errorf("feedback = %+v", h.bot.feedback)
	}
}

func TestEventsAPISSLCheck(t *testing.T) {
	_, srv := newHTTPHarness(t, nil)
	code, _ := do(t, signedRequest(t, srv.URL, "application/x-www-form-urlencoded", []byte("ssl_check=1&token=x"), testNow, testSecret))
	if code != http.StatusOK {
		t.Errorf("ssl_check = %d, want 200", code)
	}
	code, _ = do(t, signedRequest(t, srv.URL, "application/x-www-form-urlencoded", []byte("nothing=1"), testNow, testSecret))
	if code != http.StatusBadRequest {
		t.Errorf("unknown form = %d, want 400", code)
	}
}

func TestEventsHandlerWithoutSecret(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.SigningSecret = "" })
	rec := httptest.NewRecorder()
	h.a.EventsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}")))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", rec.Code)
	}
}
