package discord

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Errors of verifyRequest.
var (
	errBadSignature = errors.New("invalid request signature")
	errStale        = errors.New("request timestamp outside the allowed window")
)

// maxTimestampLen bounds the X-Signature-Timestamp header we parse.
const maxTimestampLen = 20

// verifyRequest checks an HTTP interaction the way Discord signs it: an
// Ed25519 signature (hex, X-Signature-Ed25519) by the application's key over
// the timestamp (X-Signature-Timestamp, Unix seconds) followed by the body.
// It also rejects timestamps more than window away from now, which
// discordgo's VerifyInteraction does not. It returns the signature in
// canonical (lower-case hex) form, the key for replay detection.
func verifyRequest(key ed25519.PublicKey, sigHex, timestamp string, body []byte, now time.Time, window time.Duration) (string, error) {
	if len(key) != ed25519.PublicKeySize {
		return "", errors.New("no public key configured")
	}
	if len(sigHex) != 2*ed25519.SignatureSize {
		return "", errBadSignature
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil {
		return "", errBadSignature
	}
	if timestamp == "" || len(timestamp) > maxTimestampLen {
		return "", errBadSignature
	}
	for _, c := range timestamp {
		if c < '0' || c > '9' {
			return "", errBadSignature
		}
	}
	msg := make([]byte, 0, len(timestamp)+len(body))
	msg = append(msg, timestamp...)
	msg = append(msg, body...)
	if !ed25519.Verify(key, msg, sig) {
		return "", errBadSignature
	}
	secs, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return "", errBadSignature
	}
	if d := now.Sub(time.Unix(secs, 0)); d > window || d < -window {
		return "", fmt.Errorf("%w: %s off", errStale, d.Round(time.Second))
	}
	return hex.EncodeToString(sig), nil
}
