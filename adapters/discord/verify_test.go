package discord

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestVerifyRequest(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	now := time.Unix(1_700_000_000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	body := []byte(`{"type":1}`)
	good := sign(priv, ts, body)
	tests := []struct {
		name    string
		sig, ts string
		body    []byte
		now     time.Time
		wantErr error
	}{
		{"valid", good, ts, body, now, nil},
		{"valid upper-case hex", strings.ToUpper(good), ts, body, now, nil},
		{"other key", sign(other, ts, body), ts, body, now, errBadSignature},
		{"body changed", good, ts, []byte(`{"type":2}`), now, errBadSignature},
		{"timestamp changed", good, strconv.FormatInt(now.Unix()+1, 10), body, now, errBadSignature},
		{"not hex", strings.Repeat("zz", 64), ts, body, now, errBadSignature},
		{"short signature", good[:10], ts, body, now, errBadSignature},
		{"empty timestamp", sign(priv, "", body), "", body, now, errBadSignature},
		{"signed non-numeric timestamp", sign(priv, "abc", body), "abc", body, now, errBadSignature},
		{"signed negative timestamp", sign(priv, "-5", body), "-5", body, now, errBadSignature},
		{"stale", good, ts, body, now.Add(5*time.Minute + time.Second), errStale},
		{"future", good, ts, body, now.Add(-5*time.Minute - time.Second), errStale},
		{"edge of window", good, ts, body, now.Add(5 * time.Minute), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, err := verifyRequest(pub, tc.sig, tc.ts, tc.body, tc.now, 5*time.Minute)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if err == nil && key != strings.ToLower(tc.sig) {
				t.Errorf("replay key = %q, want the lower-case signature", key)
			}
		})
	}
	if _, err := verifyRequest(nil, good, ts, body, now, time.Minute); err == nil {
		t.Error("verified without a key")
	}
}

func FuzzVerifyRequest(f *testing.F) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	now := time.Unix(1_700_000_000, 0)
	f.Add([]byte(`{"type":1}`), "1700000000", int64(0), false)
	f.Add([]byte(`{}`), "1699999000", int64(3), true)
	f.Add([]byte(nil), "", int64(0), true)
	f.Fuzz(func(t *testing.T, body []byte, ts string, flip int64, sign bool) {
		sig := strings.Repeat("00", ed25519.SignatureSize)
		if sign {
			raw := ed25519.Sign(priv, append([]byte(ts), body...))
			if flip != 0 {
				raw[int(uint64(flip)%uint64(len(raw)))] ^= 1
			}
			sig = hex.EncodeToString(raw)
		}
		key, err := verifyRequest(pub, sig, ts, body, now, 5*time.Minute)
		if err != nil {
			return
		}
		// Accepted: it must be genuinely signed, untampered and fresh.
		if !sign || flip != 0 {
			t.Fatalf("accepted a forged request (ts %q)", ts)
		}
		secs, perr := strconv.ParseInt(ts, 10, 64)
		if perr != nil || now.Sub(time.Unix(secs, 0)).Abs() > 5*time.Minute {
			t.Fatalf("accepted timestamp %q", ts)
		}
		if key != sig {
			t.Fatalf("key %q != signature", key)
		}
	})
}

func TestFeedbackID(t *testing.T) {
	for _, tc := range []struct {
		in      string
		id      string
		helpful bool
		ok      bool
	}{
		{feedbackID(true, "ans-1"), "ans-1", true, true},
		{feedbackID(false, "a:b"), "a:b", false, true},
		{"storybot:fb:2:x", "", false, false},
		{"storybot:fb:1:", "", false, false},
		{"other:fb:1:x", "", false, false},
		{"storybot:fb:1:" + strings.Repeat("x", 100), "", false, false},
	} {
		id, helpful, ok := parseFeedbackID(tc.in)
		if id != tc.id || helpful != tc.helpful || ok != tc.ok {
			t.Errorf("parseFeedbackID(%q) = %q %v %v", tc.in, id, helpful, ok)
		}
	}
	if _, ok := feedbackRow(strings.Repeat("x", 90)); ok {
		t.Error("feedback row for an ID too long for a custom ID")
	}
}

func FuzzParseFeedbackID(f *testing.F) {
	f.Add("storybot:fb:1:ans")
	f.Add("storybot:fb:0:")
	f.Fuzz(func(t *testing.T, s string) {
		id, helpful, ok := parseFeedbackID(s)
		if !ok {
			return
		}
		if id == "" || len(s) > maxCustomID || feedbackID(helpful, id) != s {
			t.Fatalf("parse(%q) = %q %v: does not round-trip", s, id, helpful)
		}
	})
}

func TestStripMentionAndThreadName(t *testing.T) {
	if got := stripMention("<@42>  who is  <@!42> <@&7> there?", "42", "7"); got != "who is there?" {
		t.Errorf("stripMention = %q", got)
	}
	if got := threadName(strings.Repeat("word ", 40)); textLen(got) > 100 || !strings.HasSuffix(got, "…") {
		t.Errorf("threadName = %q", got)
	}
	if got := threadName("  "); got != "storybot" {
		t.Errorf("threadName(empty) = %q", got)
	}
}
