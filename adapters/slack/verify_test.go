package slack

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func signedHeader(secret string, at time.Time, body []byte) http.Header {
	ts := strconv.FormatInt(at.Unix(), 10)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", sign(secret, ts, body))
	return h
}

func TestVerifySignature(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"type":"event_callback"}`)
	// The example from Slack's documentation.
	docBody := []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
	docHeader := http.Header{}
	docHeader.Set("X-Slack-Request-Timestamp", "1531420618")
	docHeader.Set("X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")
	tests := []struct {
		name   string
		secret string
		h      http.Header
		body   []byte
		now    time.Time
		want   error
	}{
		{"valid", testSecret, signedHeader(testSecret, now, body), body, now, nil},
		{"slack documentation example", testSecret, docHeader, docBody, time.Unix(1531420618, 0).Add(time.Minute), nil},
		{"wrong secret", testSecret, signedHeader("other", now, body), body, now, errBadSignature},
		{"body changed", testSecret, signedHeader(testSecret, now, body), []byte(`{"type":"x"}`), now, errBadSignature},
		{"4m59s old", testSecret, signedHeader(testSecret, now.Add(-299*time.Second), body), body, now, nil},
		{"5m01s old", testSecret, signedHeader(testSecret, now.Add(-301*time.Second), body), body, now, errStale},
		{"5m01s ahead", testSecret, signedHeader(testSecret, now.Add(301*time.Second), body), body, now, errStale},
		{"missing", testSecret, http.Header{}, body, now, errNoSignature},
		{"bad timestamp", testSecret, http.Header{"X-Slack-Request-Timestamp": {"soon"}, "X-Slack-Signature": {"v0=00"}}, body, now, errBadTimestamp},
		{"no v0 prefix", testSecret, http.Header{"X-Slack-Request-Timestamp": {"1800000000"}, "X-Slack-Signature": {sign(testSecret, "1800000000", body)[3:]}}, body, now, errBadSignature},
		{"not hex", testSecret, http.Header{"X-Slack-Request-Timestamp": {"1800000000"}, "X-Slack-Signature": {"v0=zz"}}, body, now, errBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verifySignature(tt.secret, tt.h, tt.body, tt.now)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("verifySignature = %v, want %v", err, tt.want)
			}
		})
	}
}

func FuzzVerifySignature(f *testing.F) {
	f.Add("1800000000", "v0=abc", []byte("{}"))
	f.Add("-1", "v0=", []byte(""))
	f.Add("99999999999999999999", "v1=00", []byte("x"))
	now := time.Unix(1_800_000_000, 0)
	f.Fuzz(func(t *testing.T, ts, sig string, body []byte) {
		h := http.Header{}
		h.Set("X-Slack-Request-Timestamp", ts)
		h.Set("X-Slack-Signature", sig)
		if err := verifySignature(testSecret, h, body, now); err == nil && sig != sign(testSecret, ts, body) {
			t.Fatalf("accepted a signature that is not the HMAC: ts=%q sig=%q", ts, sig)
		}
		// A correct signature within the window is always accepted.
		if sec, err := strconv.ParseInt(ts, 10, 64); err == nil && sec >= 0 {
			if d := now.Sub(time.Unix(sec, 0)); d <= signatureWindow && d >= -signatureWindow {
				h.Set("X-Slack-Signature", sign(testSecret, ts, body))
				if err := verifySignature(testSecret, h, body, now); err != nil {
					t.Fatalf("rejected a valid signature: %v", err)
				}
			}
		}
	})
}
