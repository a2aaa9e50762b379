package discord

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/adapters/chat"
)

// InteractionsHandler serves Discord's HTTP interactions endpoint (the
// "Interactions Endpoint URL" of the application), the alternative to the
// gateway. It verifies each request's Ed25519 signature against PublicKey
// (401 when forged or when its timestamp is outside SignatureWindow), answers
// a replayed request only once (409 after the first), caps bodies at MaxBody
// (413), answers PING with PONG, and otherwise responds as the gateway does:
// a deferred response in the HTTP reply, the answer by editing it later.
// Without a PublicKey it answers 503.
func (a *Adapter) InteractionsHandler() http.Handler {
	return http.HandlerFunc(a.serveInteraction)
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	if a.pubKey == nil {
		http.Error(w, "interactions endpoint not configured (DISCORD_PUBLIC_KEY)", http.StatusServiceUnavailable)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.cfg.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "reading request body", http.StatusBadRequest)
		return
	}
	sig, err := verifyRequest(a.pubKey, r.Header.Get("X-Signature-Ed25519"), r.Header.Get("X-Signature-Timestamp"),
		body, a.now(), a.cfg.SignatureWindow)
	if err != nil {
		a.log.Warn("rejected interaction request", "err", err, "remote", r.RemoteAddr)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	if !a.firstFor(r.Context(), "sig:"+sig, 2*a.cfg.SignatureWindow) {
		a.log.Warn("replayed interaction request", "remote", r.RemoteAddr)
		http.Error(w, "replayed request", http.StatusConflict)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		http.Error(w, "malformed interaction", http.StatusBadRequest)
		return
	}
	if i.Type != discordgo.InteractionPing && !a.first(r.Context(), "i:"+i.ID) {
		http.Error(w, "interaction already handled", http.StatusConflict)
		return
	}
	var once sync.Once
	responded := false
	respond := func(resp *discordgo.InteractionResponse) error {
		err := errors.New("interaction already responded to")
		once.Do(func() {
			responded = true
			w.Header().Set("Content-Type", "application/json")
			err = json.NewEncoder(w).Encode(resp)
		})
		return err
	}
	// The answer outlives this request: work on it under a context that the
	// request's end does not cancel (the adapter's shutdown and the answer
	// timeout still do).
	_, _ = chat.Safely(a.cfg.Hooks, func() (struct{}, error) {
		a.handleInteraction(context.WithoutCancel(r.Context()), &i, respond)
		return struct{}{}, nil
	})
	if !responded {
		http.Error(w, "interaction not handled", http.StatusInternalServerError)
	}
}
