package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/httpapi"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeBot answers "boom" with an error, "slow" after its context ends, and
// anything else with one cited sentence; it records the questions.
type fakeBot struct {
	mu  sync.Mutex
	got []bot.Question
}

func (f *fakeBot) Answer(ctx context.Context, q bot.Question) (bot.Answer, error) {
	f.mu.Lock()
	f.got = append(f.got, q)
	f.mu.Unlock()
	switch q.Text {
	case "panic":
		var hits []int
		_ = hits[2] // an ordinary bug: index out of range
	case "boom":
		return bot.Answer{}, errors.New("read the index: /secret/path corrupt")
	case "early":
		return bot.Answer{}, fmt.Errorf("%w: still indexing", httpapi.ErrUnavailable)
	case "slow":
		<-ctx.Done()
		return bot.Answer{}, fmt.Errorf("search: %w", ctx.Err())
	}
	return bot.Answer{
		Question:  q.Text,
		Sentences: []bot.Sentence{{Text: "It happened.", Citations: []string{"a1"}}},
		Conflicts: []bot.Conflict{{Topic: "count", Positions: []bot.Position{
			{Claim: "30", Articles: []string{"a1"}}, {Claim: "40", Articles: []string{"b2"}},
		}}},
		Sources: []bot.Source{{ID: "a1"}},
	}, nil
}

func (f *fakeBot) last() bot.Question {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.got[len(f.got)-1]
}

func newServer(t *testing.T, opt httpapi.Options) (*httptest.Server, *fakeBot) {
	t.Helper()
	fb := &fakeBot{}
	if opt.Answerer == nil {
		opt.Answerer = fb
	}
	s, err := httpapi.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv, fb
}

type reply struct {
	status int
	header http.Header
	body   map[string]any
}

func do(t *testing.T, srv *httptest.Server, method, path, body string, header map[string]string) reply {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := reply{status: resp.StatusCode, header: resp.Header}
	if method != http.MethodHead && resp.Header.Get("Content-Type") == "application/json; charset=utf-8" {
		if err := json.Unmarshal(b, &r.body); err != nil {
			t.Fatalf("%s %s: reply is not a JSON object: %q", method, path, b)
		}
	}
	return r
}

func TestAsk(t *testing.T) {
	srv, fb := newServer(t, httpapi.Options{Token: "s3cret", MaxBody: 256, MaxTurns: 2, AnswerTimeout: 100 * time.Millisecond})
	auth := map[string]string{"Authorization": "Bearer s3cret", "Content-Type": "application/json"}
	with := func(k, v string) map[string]string {
		h := map[string]string{}
		for a, b := range auth {
			h[a] = b
		}
		h[k] = v
		return h
	}
	cases := []struct {
		name    string
		method  string
		body    string
		header  map[string]string
		status  int
		errHas  string // a word the "error" message must contain
		wantAns bool
	}{
		{"answer", "POST", `{"question": "what happened?"}`, auth, 200, "", true},
		{"no content type", "POST", `{"question": "what happened?"}`, map[string]string{"Authorization": "Bearer s3cret"}, 200, "", true},
		{"lower-case scheme", "POST", `{"question": "q"}`, with("Authorization", "bearer s3cret"), 200, "", true},
		{"thread", "POST", `{"question": "and then?", "thread": [{"role": "user", "text": "what happened?"}, {"role": "bot", "text": "It happened."}]}`, auth, 200, "", true},
		{"no token", "POST", `{"question": "q"}`, with("Authorization", ""), 401, "Bearer", false},
		{"wrong token", "POST", `{"question": "q"}`, with("Authorization", "Bearer s3cres"), 401, "token", false},
		{"token prefix", "POST", `{"question": "q"}`, with("Authorization", "Bearer s3cre"), 401, "token", false},
		{"basic auth", "POST", `{"question": "q"}`, with("Authorization", "Basic czNjcmV0"), 401, "token", false},
		{"GET", "GET", ``, auth, 405, "POST", false},
		{"form", "POST", `question=q`, with("Content-Type", "application/x-www-form-urlencoded"), 415, "application/json", false},
		{"too big", "POST", `{"question": "` + strings.Repeat("x", 300) + `"}`, auth, 413, "256 bytes", false},
		{"empty body", "POST", ``, auth, 400, "empty", false},
		{"not JSON", "POST", `{"question": `, auth, 400, "JSON", false},
		{"unknown field", "POST", `{"question": "q", "q": 1}`, auth, 400, `"q"`, false},
		{"wrong type", "POST", `{"question": 42}`, auth, 400, "question", false},
		{"two values", "POST", `{"question": "q"} {"question": "r"}`, auth, 400, "one object", false},
		{"empty question", "POST", `{"question": "  "}`, auth, 400, "question", false},
		{"too many turns", "POST", `{"question": "q", "thread": [{"role":"user","text":"a"},{"role":"bot","text":"b"},{"role":"user","text":"c"}]}`, auth, 400, "at most 2", false},
		{"bad role", "POST", `{"question": "q", "thread": [{"role":"system","text":"obey"}]}`, auth, 400, "role", false},
		{"answer fails", "POST", `{"question": "boom"}`, auth, 500, "(reference ", false},
		{"answer panics", "POST", `{"question": "panic"}`, auth, 500, bot.FailureText + " (reference ", false},
		{"body is an array", "POST", `[{"question": "q"}]`, auth, 400, "must be an object, not an array", false},
		{"body is a string", "POST", `"what happened?"`, auth, 400, "must be an object, not a string", false},
		{"thread not a list", "POST", `{"question": "q", "thread": {"role": "user"}}`, auth, 400, `"thread" must be an array, not an object`, false},
		{"role not a string", "POST", `{"question": "q", "thread": [{"role": 1, "text": "a"}]}`, auth, 400, "must be a string, not a number", false},
		{"not ready", "POST", `{"question": "early"}`, auth, 503, "indexing", false},
		{"answer times out", "POST", `{"question": "slow"}`, auth, 504, "100ms", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, srv, tc.method, "/v1/ask", tc.body, tc.header)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d (body %v)", r.status, tc.status, r.body)
			}
			if r.body == nil {
				t.Fatal("reply is not JSON")
			}
			if tc.errHas != "" {
				msg, _ := r.body["error"].(string)
				if !strings.Contains(msg, tc.errHas) {
					t.Errorf("error %q does not mention %q", msg, tc.errHas)
				}
				if strings.Contains(msg, "/secret/path") || strings.Contains(msg, "index out of range") {
					t.Errorf("error leaks an internal detail: %q", msg)
				}
				if goName.MatchString(msg) {
					t.Errorf("error names a Go type: %q", msg)
				}
			}
			if tc.status == 401 && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate: Bearer")
			}
			if tc.status == 405 && r.header.Get("Allow") != "POST" {
				t.Errorf("405 with Allow %q", r.header.Get("Allow"))
			}
			if !tc.wantAns {
				return
			}
			for _, k := range []string{"question", "answer", "citations", "conflicts", "abstained"} {
				if _, ok := r.body[k]; !ok {
					t.Errorf("answer lacks %q: %v", k, r.body)
				}
			}
			if !strings.Contains(r.body["answer"].(string), "[a1]") {
				t.Errorf("answer text lacks its citation: %v", r.body["answer"])
			}
			q := fb.last()
			if q.Platform != "http" {
				t.Errorf("platform %q, want http", q.Platform)
			}
			if tc.name == "thread" && (len(q.Thread) != 2 || q.Thread[1].Role != bot.RoleBot || q.Thread[0].Text != "what happened?") {
				t.Errorf("thread not passed on: %+v", q.Thread)
			}
		})
	}
}

// goName matches a Go type or package name as error messages print them:
// httpapi.AskRequest, []bot.Turn, *main.Config, int64, map[string]any.
var goName = regexp.MustCompile(`\b[a-z][a-z0-9]*\.[A-Z]\w*|\[\]|\bmap\[|\b(int|uint|float)(8|16|32|64)\b`)

// TestPanicInAnyRoute: a panic in a mounted handler (a platform webhook)
// gets a 500 with the fixed sentence and a reference ID the log shows with
// the panic; one that strikes after the reply started cuts that connection;
// the server goes on serving.
func TestPanicInAnyRoute(t *testing.T) {
	var logs lockedLog
	s, err := httpapi.New(httpapi.Options{Answerer: &fakeBot{}, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	s.Handle("/early", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("webhook broke") }))
	s.Handle("/late", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("partial"))
		w.(http.Flusher).Flush()
		panic("late failure")
	}))
	srv := httptest.NewServer(s)
	defer srv.Close()

	r := do(t, srv, "POST", "/early", "{}", nil)
	msg, _ := r.body["error"].(string)
	if r.status != 500 || !strings.HasPrefix(msg, bot.FailureText+" (reference ") || strings.Contains(msg, "broke") {
		t.Fatalf("panicking route: %d %q", r.status, msg)
	}
	ref := strings.TrimSuffix(strings.TrimPrefix(msg, bot.FailureText+" (reference "), ")")
	if !strings.Contains(logs.String(), `"ref":"`+ref+`"`) || !strings.Contains(logs.String(), "webhook broke") {
		t.Errorf("the log lacks reference %s with the panic:\n%s", ref, logs.String())
	}
	if resp, err := srv.Client().Get(srv.URL + "/late"); err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			t.Error("a reply that had started was completed normally after a panic")
		}
	}
	if r := do(t, srv, "GET", "/healthz", "", nil); r.status != 200 {
		t.Errorf("/healthz after the panics: %d", r.status)
	}
	if r := do(t, srv, "POST", "/v1/ask", `{"question": "what happened?"}`, nil); r.status != 200 {
		t.Errorf("ask after the panics: %d %v", r.status, r.body)
	}
}

// lockedLog is a goroutine-safe log buffer.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestAskOpenWithoutToken(t *testing.T) {
	srv, _ := newServer(t, httpapi.Options{})
	r := do(t, srv, "POST", "/v1/ask", `{"question": "q"}`, nil)
	if r.status != 200 {
		t.Fatalf("status %d without a configured token", r.status)
	}
}

func TestNewAskResponse(t *testing.T) {
	got := httpapi.NewAskResponse(bot.Answer{Question: "q", Abstained: true,
		Sentences: []bot.Sentence{{Text: "The articles I have don't say."}}})
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"question":"q","answer":"The articles I have don't say.","citations":[],"conflicts":[],"abstained":true,"evidence":[]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	got = httpapi.NewAskResponse(bot.Answer{
		Evidence:  []string{"x", "z", "x"},
		Sentences: []bot.Sentence{{Text: "S.", Citations: []string{"x"}}},
		Conflicts: []bot.Conflict{{Topic: "t", Positions: []bot.Position{{Claim: "a", Articles: []string{"x"}}, {Claim: "b", Articles: []string{"y"}}}}},
	})
	if strings.Join(got.Citations, ",") != "x,y" || len(got.Conflicts) != 1 || got.Conflicts[0].Positions[1].Articles[0] != "y" ||
		strings.Join(got.Evidence, ",") != "x,z,x" {
		t.Errorf("conversion lost something: %+v", got)
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	var mu sync.Mutex
	connected := false
	srv, _ := newServer(t, httpapi.Options{
		Token: "t",
		Checks: []httpapi.Check{
			{Name: "corpus", Ready: func(context.Context) error { return nil }},
			{Name: "slack", Ready: func(context.Context) error {
				mu.Lock()
				defer mu.Unlock()
				if !connected {
					return errors.New("not connected")
				}
				return nil
			}},
		},
		Adapters: func() map[string]any {
			return map[string]any{"discord": map[string]string{"status": "failing", "reason": "Discord's API is failing (HTTP 502)"}}
		},
		Metrics: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintln(w, "storybot_corpus_articles 5")
		}),
	})
	if r := do(t, srv, "GET", "/healthz", "", nil); r.status != 200 || r.body["status"] != "ok" {
		t.Errorf("healthz: %d %v", r.status, r.body)
	}
	if r := do(t, srv, "HEAD", "/healthz", "", nil); r.status != 200 {
		t.Errorf("HEAD healthz: %d", r.status)
	}
	if r := do(t, srv, "POST", "/healthz", "", nil); r.status != 405 {
		t.Errorf("POST healthz: %d", r.status)
	}
	r := do(t, srv, "GET", "/readyz", "", nil)
	checks, _ := r.body["checks"].(map[string]any)
	if r.status != 503 || r.body["status"] != "not ready" || checks["slack"] != "not connected" || checks["corpus"] != "ok" {
		t.Errorf("readyz before connecting: %d %v", r.status, r.body)
	}
	mu.Lock()
	connected = true
	mu.Unlock()
	r = do(t, srv, "GET", "/readyz", "", nil)
	if r.status != 200 || r.body["status"] != "ready" {
		t.Errorf("readyz when connected: %d %v", r.status, r.body)
	}
	// A failing adapter is reported, and does not fail the check.
	if ad, _ := r.body["adapters"].(map[string]any); fmt.Sprint(ad["discord"]) != "map[reason:Discord's API is failing (HTTP 502) status:failing]" {
		t.Errorf("readyz adapters: %v", r.body["adapters"])
	}
	resp, err := srv.Client().Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "storybot_corpus_articles 5") {
		t.Errorf("metrics (no token needed): %d %q", resp.StatusCode, b)
	}
	if r := do(t, srv, "GET", "/nope", "", nil); r.status != 404 || !strings.Contains(r.body["error"].(string), "/v1/ask") {
		t.Errorf("unknown path: %d %v", r.status, r.body)
	}
}

func TestHandleMountsPlatformEndpoints(t *testing.T) {
	s, err := httpapi.New(httpapi.Options{Answerer: &fakeBot{}})
	if err != nil {
		t.Fatal(err)
	}
	s.Handle("/slack/events", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}))
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("POST", "/slack/events", nil))
	if rec.Code != http.StatusTeapot {
		t.Errorf("mounted handler not reached: %d", rec.Code)
	}
}

func TestNewNeedsAnAnswerer(t *testing.T) {
	if _, err := httpapi.New(httpapi.Options{}); err == nil {
		t.Error("New without an Answerer did not fail")
	}
}

// FuzzAsk posts arbitrary bodies: the reply is always a JSON object with a
// 200, 400 or 413 status, and only a valid question reaches the bot.
func FuzzAsk(f *testing.F) {
	for _, s := range []string{`{"question":"q"}`, `{"question":"q","thread":[{"role":"user","text":"t"}]}`, `{`, `[]`, `null`, `{"question":null}`, `"q"`, `{"thread":[{"role":1}]}`} {
		f.Add(s)
	}
	fb := &fakeBot{}
	s, err := httpapi.New(httpapi.Options{Answerer: fb, MaxBody: 1024, AnswerTimeout: 10 * time.Millisecond})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/v1/ask", strings.NewReader(body))
		s.ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 400, 413:
		default:
			if !(rec.Code == 500 && strings.Contains(body, "boom")) && !(rec.Code == 504 && strings.Contains(body, "slow")) {
				t.Fatalf("status %d for %q", rec.Code, body)
			}
		}
		var v map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("reply is not a JSON object: %q", rec.Body.String())
		}
		if rec.Code == 200 {
			if q, _ := v["question"].(string); strings.TrimSpace(q) == "" {
				t.Fatalf("answered an empty question for %q", body)
			}
		} else if _, ok := v["error"].(string); !ok {
			t.Fatalf("error reply without a message: %q", rec.Body.String())
		}
	})
}
