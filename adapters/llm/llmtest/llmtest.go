// Package llmtest runs fake language-model servers for tests: one that speaks
// the OpenAI chat-completions protocol (JSON and streaming SSE, plus
// /embeddings) and one that speaks Ollama's /api/chat and /api/embed. The
// fakes check what a real server checks (method, path, model name, the
// Authorization header, the message shape) and answer from a script, so
// tests can make them succeed, fail, stall or rate-limit on cue.
package llmtest

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Reply is one scripted answer of a fake server.
type Reply struct {
	// Status is the HTTP status; zero means 200.
	Status int
	// Header holds extra reply headers, e.g. Retry-After.
	Header map[string]string
	// Content is the assistant's text, wrapped in the protocol's envelope.
	Content string
	// Raw, when set, is sent as the body as is instead of an envelope.
	Raw string
	// Delay stalls the reply (before the first byte, or after the first
	// streamed chunk when the client streams) unless the client gives up.
	Delay time.Duration
}

// Message is one chat message as the fake received it.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Request is what the fake recorded of one accepted chat request.
type Request struct {
	Path     string
	Model    string
	Stream   bool
	Messages []Message
	Header   http.Header
	// Body is the raw JSON body.
	Body map[string]any
}

// Server is a fake model server. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL to configure the client with (for the OpenAI fake
	// it ends in /v1, like the real API).
	URL string
	// Model is the only model name the server knows.
	Model string
	// EmbedModel is the only embedding model the server knows.
	EmbedModel string
	// APIKey, when set, is the bearer token the server requires (OpenAI fake).
	APIKey string
	// Require lists substrings every chat request's user message must
	// contain; a request without them is refused with 400 and recorded in
	// Problems.
	Require []string

	respond func(Request) Reply

	srv *httptest.Server

	mu       sync.Mutex
	replies  []Reply
	calls    int
	requests []Request
	problems []string
}

// Options configures a fake server.
type Options struct {
	Model      string
	EmbedModel string
	APIKey     string
	Require    []string
	Replies    []Reply
	// Respond, when set, computes each reply from the request instead of
	// the script, e.g. to cite an article the prompt actually carries.
	Respond func(Request) Reply
}

// NewOpenAI starts a fake OpenAI-compatible server answering from
// opt.Replies in order (the last one repeats). It is closed when t ends.
func NewOpenAI(t testing.TB, opt Options) *Server {
	s := newServer(opt)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveOpenAI))
	s.URL = s.srv.URL + "/v1"
	t.Cleanup(s.srv.Close)
	return s
}

// NewOllama starts a fake Ollama server answering from opt.Replies in order
// (the last one repeats). It is closed when t ends.
func NewOllama(t testing.TB, opt Options) *Server {
	s := newServer(opt)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveOllama))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// OpenAIHandler returns a fake OpenAI-compatible server as an http.Handler
// for programs that serve it themselves (the API lives under /v1).
func OpenAIHandler(opt Options) (*Server, http.Handler) {
	s := newServer(opt)
	return s, http.HandlerFunc(s.serveOpenAI)
}

// OllamaHandler returns a fake Ollama server as an http.Handler.
func OllamaHandler(opt Options) (*Server, http.Handler) {
	s := newServer(opt)
	return s, http.HandlerFunc(s.serveOllama)
}

// EchoAnswer is a Respond function that answers like a well-behaved model:
// the first sentence of each of the first three passages in the prompt,
// each cited with its article ID, and an empty conflicts block.
func EchoAnswer(r Request) Reply {
	var b strings.Builder
	for i, id := range r.Articles() {
		if i == 3 {
			break
		}
		text := strings.Join(strings.Fields(r.Passage(id)), " ")
		if k := strings.Index(text, ". "); k > 0 {
			text = text[:k]
		}
		text = strings.TrimSuffix(text, ".")
		if text == "" {
			continue
		}
		fmt.Fprintf(&b, "%s [%s]. ", text, id)
	}
	b.WriteString("\n\n```json\n{\"conflicts\":[]}\n```\n")
	return Reply{Content: b.String()}
}

func newServer(opt Options) *Server {
	if opt.Model == "" {
		opt.Model = "test-model"
	}
	if len(opt.Replies) == 0 {
		opt.Replies = []Reply{{Content: "ok"}}
	}
	return &Server{Model: opt.Model, EmbedModel: opt.EmbedModel, APIKey: opt.APIKey, Require: opt.Require,
		replies: opt.Replies, respond: opt.Respond}
}

// Calls returns how many chat requests reached the script (accepted or not
// by the script's status).
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// Requests returns the chat requests that passed the protocol checks.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Problems returns why requests were refused (bad path, model, auth, shape).
func (s *Server) Problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.problems...)
}

// Articles returns the article IDs of the <article id="..."> fences in the
// request's user messages, in order, without repeats.
func (r Request) Articles() []string {
	var ids []string
	seen := map[string]bool{}
	for _, m := range r.Messages {
		if m.Role != "user" {
			continue
		}
		rest := m.Content
		for {
			i := strings.Index(rest, `<article id="`)
			if i < 0 {
				break
			}
			rest = rest[i+len(`<article id="`):]
			j := strings.IndexByte(rest, '"')
			if j < 0 {
				break
			}
			if id := rest[:j]; !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// Passage returns the text of the first fenced passage of article id in
// the request's user messages, or "".
func (r Request) Passage(id string) string {
	for _, m := range r.Messages {
		i := strings.Index(m.Content, `<article id="`+id+`"`)
		if i < 0 {
			continue
		}
		rest := m.Content[i:]
		start := strings.IndexByte(rest, '>')
		end := strings.Index(rest, "</article>")
		if start >= 0 && end > start {
			return strings.TrimSpace(rest[start+1 : end])
		}
	}
	return ""
}

// SetReplies replaces the script and resets the reply counter.
func (s *Server) SetReplies(r ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replies = r
	s.calls = 0
}

func (s *Server) refuse(w http.ResponseWriter, status int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.mu.Lock()
	s.problems = append(s.problems, msg)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "invalid_request_error"}})
}

// next records req and returns the next scripted reply.
func (s *Server) next(req Request) Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	i := min(s.calls, len(s.replies)-1)
	s.calls++
	if s.respond != nil {
		return s.respond(req)
	}
	return s.replies[i]
}

// decode reads and checks a chat request body common to both protocols.
func (s *Server) decode(w http.ResponseWriter, r *http.Request) (Request, bool) {
	if r.Method != http.MethodPost {
		s.refuse(w, http.StatusMethodNotAllowed, "method %s not allowed", r.Method)
		return Request{}, false
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		s.refuse(w, http.StatusUnsupportedMediaType, "content type %q, want application/json", ct)
		return Request{}, false
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		s.refuse(w, http.StatusBadRequest, "read body: %v", err)
		return Request{}, false
	}
	var body map[string]any
	var typed struct {
		Model    string    `json:"model"`
		Stream   *bool     `json:"stream"`
		Messages []Message `json:"messages"`
	}
	if json.Unmarshal(raw, &body) != nil || json.Unmarshal(raw, &typed) != nil {
		s.refuse(w, http.StatusBadRequest, "body is not a JSON chat request")
		return Request{}, false
	}
	if typed.Model != s.Model {
		s.refuse(w, http.StatusNotFound, "model %q not found (have %q)", typed.Model, s.Model)
		return Request{}, false
	}
	if len(typed.Messages) == 0 {
		s.refuse(w, http.StatusBadRequest, "messages must not be empty")
		return Request{}, false
	}
	var user strings.Builder
	for i, m := range typed.Messages {
		switch m.Role {
		case "system", "user", "assistant":
		default:
			s.refuse(w, http.StatusBadRequest, "message %d has role %q", i, m.Role)
			return Request{}, false
		}
		if strings.TrimSpace(m.Content) == "" {
			s.refuse(w, http.StatusBadRequest, "message %d has no text content", i)
			return Request{}, false
		}
		if m.Role == "user" {
			user.WriteString(m.Content)
		}
	}
	if last := typed.Messages[len(typed.Messages)-1]; last.Role != "user" {
		s.refuse(w, http.StatusBadRequest, "the last message must be the user's, got %q", last.Role)
		return Request{}, false
	}
	for _, want := range s.Require {
		if !strings.Contains(user.String(), want) {
			s.refuse(w, http.StatusBadRequest, "user message lacks %q", want)
			return Request{}, false
		}
	}
	return Request{Path: r.URL.Path, Model: typed.Model, Stream: typed.Stream != nil && *typed.Stream,
		Messages: typed.Messages, Header: r.Header.Clone(), Body: body}, true
}

func (s *Server) serveOpenAI(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "Bearer ") || strings.TrimPrefix(auth, "Bearer ") == "" {
		s.refuse(w, http.StatusUnauthorized, "missing bearer token")
		return
	}
	if s.APIKey != "" && auth != "Bearer "+s.APIKey {
		s.refuse(w, http.StatusUnauthorized, "incorrect API key provided")
		return
	}
	switch r.URL.Path {
	case "/v1/chat/completions":
	case "/v1/embeddings":
		s.serveOpenAIEmbeddings(w, r)
		return
	default:
		s.refuse(w, http.StatusNotFound, "unknown path %s", r.URL.Path)
		return
	}
	req, ok := s.decode(w, r)
	if !ok {
		return
	}
	_, legacy := req.Body["max_tokens"]
	_, modern := req.Body["max_completion_tokens"]
	if legacy && modern {
		s.refuse(w, http.StatusBadRequest, "send max_tokens or max_completion_tokens, not both")
		return
	}
	rep := s.next(req)
	if !s.prelude(w, r, rep, req.Stream) {
		return
	}
	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": s.Model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": rep.Content}}},
			"usage": map[string]any{"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
		})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	fl, _ := w.(http.Flusher)
	send := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		if fl != nil {
			fl.Flush()
		}
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1700000000, "model": s.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
	}
	fmt.Fprint(w, ": keep-alive\n\n")
	send(chunk(map[string]any{"role": "assistant", "content": ""}, nil))
	for i, part := range pieces(rep.Content, 16) {
		send(chunk(map[string]any{"content": part}, nil))
		if i == 0 && !stall(r, rep.Delay) {
			return
		}
	}
	send(chunk(map[string]any{}, "stop"))
	send(map[string]any{"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": s.Model, "choices": []any{},
		"usage": map[string]any{"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150}})
	fmt.Fprint(w, "data: [DONE]\n\n")
}

// prelude writes a non-200 or raw reply, or stalls a reply that is not
// streamed; it returns true when the caller should write the normal
// envelope. A streamed reply stalls after its first chunk instead.
func (s *Server) prelude(w http.ResponseWriter, r *http.Request, rep Reply, streamed bool) bool {
	for k, v := range rep.Header {
		w.Header().Set(k, v)
	}
	special := (rep.Status != 0 && rep.Status != http.StatusOK) || rep.Raw != ""
	if (!streamed || special) && !stall(r, rep.Delay) {
		return false
	}
	if rep.Status != 0 && rep.Status != http.StatusOK {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rep.Status)
		if rep.Raw != "" {
			_, _ = io.WriteString(w, rep.Raw)
		} else {
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": http.StatusText(rep.Status), "type": "server_error"}})
		}
		return false
	}
	if rep.Raw != "" {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, rep.Raw)
		return false
	}
	return true
}

// stall waits d or until the client goes away; it reports whether to go on.
func stall(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	select {
	case <-time.After(d):
		return true
	case <-r.Context().Done():
		return false
	}
}

// pieces cuts s into parts of about n bytes on rune boundaries.
func pieces(s string, n int) []string {
	if s == "" {
		return []string{""}
	}
	var out []string
	r := []rune(s)
	for len(r) > 0 {
		k := min(n, len(r))
		out = append(out, string(r[:k]))
		r = r[k:]
	}
	return out
}

func (s *Server) serveOllama(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/api/chat":
	case "/api/embed":
		s.serveOllamaEmbed(w, r)
		return
	default:
		s.refuse(w, http.StatusNotFound, "unknown path %s", r.URL.Path)
		return
	}
	req, ok := s.decode(w, r)
	if !ok {
		return
	}
	_, hasStream := req.Body["stream"]
	streaming := !hasStream || req.Stream // Ollama streams unless told not to
	rep := s.next(req)
	if !s.prelude(w, r, rep, streaming) {
		return
	}
	msg := func(content string, done bool) map[string]any {
		m := map[string]any{"model": s.Model, "created_at": "2025-01-01T00:00:00Z",
			"message": map[string]any{"role": "assistant", "content": content}, "done": done}
		if done {
			m["done_reason"] = "stop"
			m["prompt_eval_count"] = 100
			m["eval_count"] = 50
		}
		return m
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	enc := json.NewEncoder(w)
	if !streaming {
		_ = enc.Encode(msg(rep.Content, true))
		return
	}
	fl, _ := w.(http.Flusher)
	for i, part := range pieces(rep.Content, 16) {
		_ = enc.Encode(msg(part, false))
		if fl != nil {
			fl.Flush()
		}
		if i == 0 && !stall(r, rep.Delay) {
			return
		}
	}
	_ = enc.Encode(msg("", true))
}

// Vector returns the fake embedding of text: 8 numbers from its hash, so
// equal texts get equal vectors.
func Vector(text string) []float32 {
	h := sha256.Sum256([]byte(text))
	v := make([]float32, 8)
	for i := range v {
		v[i] = float32(h[i])/255 - 0.5
	}
	return v
}

func (s *Server) embedInput(w http.ResponseWriter, r *http.Request) ([]string, bool) {
	var body struct {
		Model string `json:"model"`
		Input any    `json:"input"`
	}
	if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&body) != nil {
		s.refuse(w, http.StatusBadRequest, "bad embedding request")
		return nil, false
	}
	if s.EmbedModel == "" || body.Model != s.EmbedModel {
		s.refuse(w, http.StatusNotFound, "embedding model %q not found", body.Model)
		return nil, false
	}
	var in []string
	switch v := body.Input.(type) {
	case string:
		in = []string{v}
	case []any:
		for _, x := range v {
			str, ok := x.(string)
			if !ok {
				s.refuse(w, http.StatusBadRequest, "input must be strings")
				return nil, false
			}
			in = append(in, str)
		}
	default:
		s.refuse(w, http.StatusBadRequest, "input must be a string or a list of strings")
		return nil, false
	}
	if len(in) == 0 {
		s.refuse(w, http.StatusBadRequest, "input must not be empty")
		return nil, false
	}
	return in, true
}

func (s *Server) serveOpenAIEmbeddings(w http.ResponseWriter, r *http.Request) {
	in, ok := s.embedInput(w, r)
	if !ok {
		return
	}
	data := make([]any, len(in))
	for i, t := range in {
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": Vector(t)}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"object": "list", "model": s.EmbedModel, "data": data,
		"usage": map[string]any{"prompt_tokens": len(in), "total_tokens": len(in)}})
}

func (s *Server) serveOllamaEmbed(w http.ResponseWriter, r *http.Request) {
	in, ok := s.embedInput(w, r)
	if !ok {
		return
	}
	vs := make([][]float32, len(in))
	for i, t := range in {
		vs[i] = Vector(t)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"model": s.EmbedModel, "embeddings": vs})
}
