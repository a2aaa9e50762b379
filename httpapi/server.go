package httpapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/storybot/storybot/bot"
)

// Defaults for Options.
const (
	DefaultMaxBody       = 64 << 10
	DefaultAnswerTimeout = 2 * time.Minute
	DefaultMaxTurns      = 50
	readyTimeout         = 2 * time.Second
)

// ErrUnavailable, wrapped in an Answerer's error, means the bot cannot answer
// yet (e.g. the corpus is still loading): POST /v1/ask replies 503 with the
// error's text and Retry-After.
var ErrUnavailable = errors.New("unavailable")

// Check is one readiness condition of /readyz.
type Check struct {
	// Name names the condition in the /readyz report, e.g. "corpus" or "slack".
	Name string
	// Ready returns nil when the condition holds, or an error saying why not.
	// It must be quick and safe for concurrent use; ctx bounds it.
	Ready func(ctx context.Context) error
}

// Options configures New.
type Options struct {
	// Answerer answers POST /v1/ask; required.
	Answerer bot.Answerer
	// Token, when set, is the bearer token POST /v1/ask requires
	// (Authorization: Bearer TOKEN). Health, readiness and metrics stay open.
	Token string
	// MaxBody caps a request body in bytes (default 64 KiB); larger gets 413.
	MaxBody int64
	// MaxTurns caps the thread turns of one request (default 50).
	MaxTurns int
	// AnswerTimeout bounds one answer (default 2 min); past it the reply is 504.
	AnswerTimeout time.Duration
	// Checks are /readyz's conditions; with none, ready means alive.
	Checks []Check
	// Adapters, when set, returns the state of each chat adapter by name,
	// shown under "adapters" in /readyz. They do not make it fail: a
	// failing adapter leaves the rest of the service serving.
	Adapters func() map[string]any
	// Corpus, when set, returns the state of the last corpus sync (complete,
	// partial with the files skipped, or failed with its reason), shown
	// under "corpus" in /readyz. It does not make it fail: the articles
	// loaded keep being answered.
	Corpus func() any
	// Metrics serves /metrics; nil leaves the route out.
	Metrics http.Handler
	// Logger receives request failures; nil discards.
	Logger *slog.Logger
}

// Server is the HTTP handler of `storybot serve`. Create it with New.
type Server struct {
	mux   *http.ServeMux
	opt   Options
	token [32]byte
	log   *slog.Logger
}

var _ http.Handler = (*Server)(nil)

// New returns a Server with storybot's routes.
func New(opt Options) (*Server, error) {
	if opt.Answerer == nil {
		return nil, errors.New("httpapi: New needs an Answerer")
	}
	if opt.MaxBody <= 0 {
		opt.MaxBody = DefaultMaxBody
	}
	if opt.MaxTurns <= 0 {
		opt.MaxTurns = DefaultMaxTurns
	}
	if opt.AnswerTimeout <= 0 {
		opt.AnswerTimeout = DefaultAnswerTimeout
	}
	s := &Server{mux: http.NewServeMux(), opt: opt, log: opt.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if opt.Token != "" {
		s.token = sha256.Sum256([]byte(opt.Token))
	}
	s.mux.HandleFunc("/v1/ask", s.ask)
	s.mux.HandleFunc("/healthz", s.healthz)
	s.mux.HandleFunc("/readyz", s.readyz)
	if opt.Metrics != nil {
		s.mux.Handle("/metrics", opt.Metrics)
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such endpoint %s; storybot serves POST /v1/ask, /healthz, /readyz and /metrics", r.URL.Path))
	})
	return s, nil
}

// Handle mounts h at pattern (http.ServeMux syntax), e.g. a platform's
// webhook at "/slack/events". It must be called before serving starts.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// ServeHTTP routes a request. A panic in any route (the platforms' webhooks
// included) is logged with a reference ID and answered 500 with a short
// fixed sentence naming it; the server goes on.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tw := &trackingWriter{ResponseWriter: w}
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if v == http.ErrAbortHandler {
			panic(v) // a deliberate abort: net/http closes the connection quietly
		}
		e := bot.Recovered(r.Context(), s.log, v, "method", r.Method, "path", r.URL.Path)
		if tw.wrote {
			panic(http.ErrAbortHandler) // too late for a reply: cut the connection
		}
		writeError(w, http.StatusInternalServerError, e.Error())
	}()
	s.mux.ServeHTTP(tw, r)
}

// trackingWriter notes whether the response has started.
type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (t *trackingWriter) WriteHeader(code int) {
	t.wrote = true
	t.ResponseWriter.WriteHeader(code)
}

func (t *trackingWriter) Write(b []byte) (int, error) {
	t.wrote = true
	return t.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

func (s *Server) ask(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, `use POST with a JSON body {"question": "..."}`)
		return
	}
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="storybot"`)
		writeError(w, http.StatusUnauthorized, "missing or wrong token: send the header Authorization: Bearer <STORYBOT_API_TOKEN>")
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			writeError(w, http.StatusUnsupportedMediaType, fmt.Sprintf("content type %q is not application/json: send the header Content-Type: application/json", ct))
			return
		}
	}
	req, status, msg := s.decode(w, r)
	if status != 0 {
		writeError(w, status, msg)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opt.AnswerTimeout)
	defer cancel()
	a, err := s.opt.Answerer.Answer(ctx, bot.Question{Text: req.Question, Thread: req.Thread, Platform: "http"})
	if err != nil {
		switch {
		case errors.Is(err, ErrUnavailable):
			w.Header().Set("Retry-After", "5")
			writeError(w, http.StatusServiceUnavailable, err.Error())
		case errors.Is(err, context.DeadlineExceeded):
			s.log.WarnContext(ctx, "answer timed out", "timeout", s.opt.AnswerTimeout)
			writeError(w, http.StatusGatewayTimeout, fmt.Sprintf("no answer within %v; try again or ask a narrower question", s.opt.AnswerTimeout))
		case r.Context().Err() != nil:
			// The client left, or the server is out of time at shutdown.
			writeError(w, http.StatusServiceUnavailable, "the request was cancelled before the answer was ready")
		default:
			// A bug (a recovered panic) already has its reference; any other
			// failure gets one here. The client sees only the fixed sentence.
			var ie *bot.InternalError
			if !errors.As(err, &ie) {
				ie = bot.Fail(ctx, s.log, err, "op", "answer")
			}
			writeError(w, http.StatusInternalServerError, ie.Error())
		}
		return
	}
	writeJSON(w, http.StatusOK, NewAskResponse(a))
}

// decode reads and checks an AskRequest; a non-zero status says what is wrong.
func (s *Server) decode(w http.ResponseWriter, r *http.Request) (AskRequest, int, string) {
	var req AskRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.opt.MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &tooBig):
			return req, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", s.opt.MaxBody)
		case errors.Is(err, io.EOF):
			return req, http.StatusBadRequest, `the body is empty: send {"question": "..."}`
		case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
			return req, http.StatusBadRequest, fmt.Sprintf(`the body is not valid JSON (%v): send {"question": "..."}`, err)
		case errors.As(err, &typ):
			where := "the body"
			if typ.Field != "" {
				where = fmt.Sprintf("field %q", typ.Field)
			}
			return req, http.StatusBadRequest, fmt.Sprintf(`%s must be %s, not %s: send {"question": "..."}`, where, jsonKind(typ.Type), jsonValue(typ.Value))
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			return req, http.StatusBadRequest, fmt.Sprintf(`%s: the fields are "question" and "thread"`, strings.TrimPrefix(err.Error(), "json: "))
		default:
			s.log.WarnContext(r.Context(), "unreadable request body", "err", err)
			return req, http.StatusBadRequest, `cannot read the body: send {"question": "..."}`
		}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return req, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", s.opt.MaxBody)
		}
		return req, http.StatusBadRequest, "the body holds more than one JSON value: send one object"
	}
	if strings.TrimSpace(req.Question) == "" {
		return req, http.StatusBadRequest, `"question" is empty: ask something about the story`
	}
	if len(req.Thread) > s.opt.MaxTurns {
		return req, http.StatusBadRequest, fmt.Sprintf(`"thread" has %d turns; at most %d are accepted (send the latest ones)`, len(req.Thread), s.opt.MaxTurns)
	}
	for i, t := range req.Thread {
		if t.Role != bot.RoleUser && t.Role != bot.RoleBot {
			return req, http.StatusBadRequest, fmt.Sprintf(`"thread"[%d].role is %q; use "user" or "bot"`, i, t.Role)
		}
	}
	return req, 0, ""
}

// jsonKind names what JSON value decodes into t, in JSON's words rather
// than Go's (a client never sees a Go type name).
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another kind of value"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "another kind of value"
}

// jsonValue names the kind of JSON value encoding/json reports in an
// UnmarshalTypeError ("number", "number -5", "array", "object", "bool", ...).
func jsonValue(v string) string {
	kind, _, _ := strings.Cut(v, " ")
	switch kind {
	case "array", "object":
		return "an " + kind
	case "bool":
		return "true or false"
	case "number", "string":
		return "a " + kind
	case "":
		return "something else"
	}
	return kind
}

// authorized reports whether r carries the configured bearer token; with no
// token configured every request is authorized. The comparison is
// constant-time over digests, so neither content nor length leaks.
func (s *Server) authorized(r *http.Request) bool {
	if s.opt.Token == "" {
		return true
	}
	h := r.Header.Get("Authorization")
	const prefix = "bearer "
	if len(h) < len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(h[len(prefix):])))
	return subtle.ConstantTimeCompare(got[:], s.token[:]) == 1
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "use GET")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyReport is the body of /readyz.
type readyReport struct {
	Status   string            `json:"status"`
	Checks   map[string]string `json:"checks"`
	Adapters map[string]any    `json:"adapters,omitempty"`
	Corpus   any               `json:"corpus,omitempty"`
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "use GET")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	rep := readyReport{Status: "ready", Checks: map[string]string{}}
	status := http.StatusOK
	for _, c := range s.opt.Checks {
		if err := c.Ready(ctx); err != nil {
			rep.Checks[c.Name] = err.Error()
			rep.Status = "not ready"
			status = http.StatusServiceUnavailable
			continue
		}
		rep.Checks[c.Name] = "ok"
	}
	if s.opt.Adapters != nil {
		rep.Adapters = s.opt.Adapters()
	}
	if s.opt.Corpus != nil {
		rep.Corpus = s.opt.Corpus()
	}
	writeJSON(w, status, rep)
}

// errorBody is every error reply.
type errorBody struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
