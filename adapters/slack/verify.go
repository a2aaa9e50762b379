package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// signatureWindow is how far a request's timestamp may be from now.
const signatureWindow = 5 * time.Minute

// Errors returned by verifySignature.
var (
	errNoSignature  = errors.New("missing X-Slack-Signature or X-Slack-Request-Timestamp")
	errBadTimestamp = errors.New("malformed X-Slack-Request-Timestamp")
	errStale        = errors.New("request timestamp is more than 5 minutes from now")
	errBadSignature = errors.New("signature does not match")
)

// sign returns the v0 signature of body sent at timestamp ts, as Slack
// computes it: "v0=" + hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body)).
func sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:"))
	mac.Write([]byte(ts))
	mac.Write([]byte(":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// verifySignature checks a request from Slack: its timestamp must be within
// five minutes of now, and its signature must be the HMAC-SHA256 of
// "v0:timestamp:body" under the signing secret, compared in constant time.
func verifySignature(secret string, h http.Header, body []byte, now time.Time) error {
	ts := h.Get("X-Slack-Request-Timestamp")
	sig := h.Get("X-Slack-Signature")
	if ts == "" || sig == "" {
		return errNoSignature
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sec < 0 {
		return errBadTimestamp
	}
	at := time.Unix(sec, 0)
	if d := now.Sub(at); d > signatureWindow || d < -signatureWindow {
		return fmt.Errorf("%w (%s)", errStale, d.Round(time.Second))
	}
	got, ok := strings.CutPrefix(sig, "v0=")
	if !ok {
		return errBadSignature
	}
	gotMAC, err := hex.DecodeString(got)
	if err != nil {
		return errBadSignature
	}
	want, _ := hex.DecodeString(strings.TrimPrefix(sign(secret, ts, body), "v0="))
	if !hmac.Equal(gotMAC, want) {
		return errBadSignature
	}
	return nil
}
