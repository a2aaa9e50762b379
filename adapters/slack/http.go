package slack

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
)

// EventsHandler returns the HTTP endpoint for the Events API, slash
// commands and interactivity; point all three request URLs of the Slack app
// at it. Every request must carry a valid signature (401 otherwise) made
// within five minutes (401), with a body of at most Config.MaxBody bytes
// (413). Valid deliveries are acknowledged at once with 200 and answered in
// the background. Without a signing secret it answers 503.
func (a *Adapter) EventsHandler() http.Handler {
	return http.HandlerFunc(a.serveHTTP)
}

func (a *Adapter) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if a.cfg.SigningSecret == "" {
		http.Error(w, "the Events API is not configured (no signing secret)", http.StatusServiceUnavailable)
		return
	}
	if r.ContentLength > a.cfg.MaxBody {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.cfg.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	if err := verifySignature(a.cfg.SigningSecret, r.Header, body, a.now()); err != nil {
		a.log.Warn("rejected an Events API request", "err", err, "remote", r.RemoteAddr)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	ctx := r.Context()
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		ev, err := parseEvent(body)
		if err != nil {
			http.Error(w, "bad event payload", http.StatusBadRequest)
			return
		}
		switch ev.Type {
		case "url_verification":
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]string{"challenge": ev.Challenge})
			return
		case "event_callback":
			if n, _ := strconv.Atoi(r.Header.Get("X-Slack-Retry-Num")); n > 0 {
				a.log.Debug("Slack retried an event", "event_id", ev.ID, "attempt", n, "reason", r.Header.Get("X-Slack-Retry-Reason"))
			}
			w.WriteHeader(http.StatusOK)
			a.handleEvent(ctx, ev)
			return
		default:
			w.WriteHeader(http.StatusOK)
			return
		}
	case "application/x-www-form-urlencoded":
		cmd, cb, err := parseForm(body)
		if errors.Is(err, errSSLCheck) {
			w.WriteHeader(http.StatusOK)
			return
		}
		if err != nil {
			http.Error(w, "bad form payload", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
		if cmd != nil {
			a.handleCommand(ctx, *cmd)
		} else {
			a.handleInteraction(ctx, *cb)
		}
	default:
		http.Error(w, "unsupported content type", http.StatusUnsupportedMediaType)
	}
}
