package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/storybot/storybot/adapters/slack/slackfake"
)

// lockedBuffer is a goroutine-safe io.Writer for a Main's Stderr.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// logLines returns the JSON log records written so far.
func (b *lockedBuffer) logLines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(b.String()))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err == nil {
			out = append(out, rec)
		}
	}
	return out
}

// copyCorpus copies the sample story's articles into a fresh folder.
func copyCorpus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := "../../retrieval/sample/seed-story"
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// running is a `storybot serve` started through the real Main.
type running struct {
	m      *Main
	stderr *lockedBuffer
	url    string
	stop   context.CancelFunc
	done   chan error
	client http.Client
}

// startServe runs `storybot serve args...` with env (plus a temporary
// STORYBOT_DATA and JSON logs) and waits for its "listening" line.
func startServe(t *testing.T, env map[string]string, args ...string) *running {
	t.Helper()
	return startServeMain(t, NewMain(), env, args...)
}

// startServeMain is startServe with a Main of the caller's, e.g. with its
// own clock.
func startServeMain(t *testing.T, m *Main, env map[string]string, args ...string) *running {
	t.Helper()
	if _, ok := env["STORYBOT_DATA"]; !ok {
		env["STORYBOT_DATA"] = t.TempDir()
	}
	stderr := &lockedBuffer{}
	m.Stdin = strings.NewReader("")
	m.Stdout = io.Discard
	m.Stderr = stderr
	m.Getenv = func(k string) string { return env[k] }
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{m: m, stderr: stderr, stop: cancel, done: make(chan error, 1)}
	go func() {
		err := m.Run(ctx, append([]string{"serve", "--http-addr", "127.0.0.1:0", "--log-format", "json"}, args...))
		r.done <- errors.Join(err, m.Close())
	}()
	deadline := time.Now().Add(20 * time.Second)
	for r.url == "" {
		for _, rec := range stderr.logLines(t) {
			if rec["msg"] == "listening" {
				r.url = "http://" + rec["addr"].(string)
			}
		}
		select {
		case err := <-r.done:
			t.Fatalf("serve stopped before listening: %v\n%s", err, stderr)
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not log its address:\n%s", stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return r
}

// shutdown cancels serve's context (SIGTERM in main) and returns Run's error.
func (r *running) shutdown(t *testing.T) error {
	t.Helper()
	r.stop()
	select {
	case err := <-r.done:
		r.client.CloseIdleConnections()
		return err
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not stop within 15s:\n%s", r.stderr)
		return nil
	}
}

// get fetches path and returns the status and body.
func (r *running) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := r.client.Get(r.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// askReply is the ask --json object as a client sees it.
type askReply struct {
	Question  string   `json:"question"`
	Answer    string   `json:"answer"`
	Citations []string `json:"citations"`
	Conflicts []struct {
		Topic string `json:"topic"`
	} `json:"conflicts"`
	Abstained bool   `json:"abstained"`
	Error     string `json:"error"`
}

// ask posts a question to /v1/ask.
func (r *running) ask(t *testing.T, question, token string) (int, askReply) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"question": question})
	req, err := http.NewRequest(http.MethodPost, r.url+"/v1/ask", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out askReply
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("/v1/ask reply is not JSON: %v", err)
	}
	return resp.StatusCode, out
}

// waitAdapter polls /readyz until the adapter name reports status (e.g.
// "connected") and returns its state.
func (r *running) waitAdapter(t *testing.T, name, status string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st := r.adapterState(t, name)
		if st["status"] == status {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not %s after 30s: %v\n%s", name, status, st, r.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// adapterState returns an adapter's state from /readyz.
func (r *running) adapterState(t *testing.T, name string) map[string]any {
	t.Helper()
	_, body := r.get(t, "/readyz")
	var rep struct {
		Adapters map[string]map[string]any `json:"adapters"`
	}
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		t.Fatalf("/readyz is not JSON: %v: %s", err, body)
	}
	return rep.Adapters[name]
}

// waitReady polls /readyz until it answers 200.
func (r *running) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, body := r.get(t, "/readyz")
		if code == http.StatusOK {
			return
		}
		if code != http.StatusServiceUnavailable {
			t.Fatalf("/readyz: %d %s", code, body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready after 30s: %s\n%s", body, r.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServe is the "done when": serve with no platform configured
// answers /healthz, /readyz and /metrics and POST /v1/ask; an article file
// dropped into the corpus folder is cited within 2 seconds; it stops cleanly
// on cancel, leaving no goroutine behind.
func TestServe(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	dir := copyCorpus(t)
	r := startServe(t, map[string]string{"STORYBOT_API_TOKEN": "tok-123"}, "--corpus", dir)

	if code, body := r.get(t, "/healthz"); code != 200 || !strings.Contains(body, `"ok"`) {
		t.Errorf("/healthz: %d %s", code, body)
	}
	r.waitReady(t)
	if code, body := r.get(t, "/readyz"); !strings.Contains(body, `"corpus":"ok"`) {
		t.Errorf("/readyz: %d %s", code, body)
	}

	if code, reply := r.ask(t, "Who is the NATO Secretary General?", ""); code != http.StatusUnauthorized {
		t.Errorf("ask without the token: %d %+v", code, reply)
	}
	code, reply := r.ask(t, "Who is the NATO Secretary General?", "tok-123")
	if code != 200 || reply.Abstained || len(reply.Citations) == 0 {
		t.Fatalf("ask: %d %+v", code, reply)
	}
	for _, id := range reply.Citations {
		if !strings.Contains(reply.Answer, "["+id+"]") {
			t.Errorf("cited %s is not in the answer text", id)
		}
	}

	// A new article is answerable within 2 seconds, without a restart.
	const id = "zz_lighthouse_keepers"
	article := "Lighthouse keepers strike over unpaid wages\n\n" +
		"The lighthouse keepers of Port Elspeth walked out on Tuesday after eleven weeks without pay, their union said.\n\n" +
		"The harbour authority said the wages would be paid by Friday.\n"
	q := "Why did the lighthouse keepers of Port Elspeth walk out?"
	if _, before := r.ask(t, q, "tok-123"); slices.Contains(before.Citations, id) {
		t.Fatal("cited an article that does not exist yet")
	}
	dropped := time.Now()
	if err := os.WriteFile(filepath.Join(dir, id+".txt"), []byte(article), 0o644); err != nil {
		t.Fatal(err)
	}
	for {
		_, after := r.ask(t, q, "tok-123")
		if slices.Contains(after.Citations, id) {
			t.Logf("new article cited %v after it was written", time.Since(dropped).Round(time.Millisecond))
			break
		}
		if time.Since(dropped) > 2*time.Second {
			t.Fatalf("new article not cited within 2s: %+v\n%s", after, r.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}

	// The sync reports to the metrics once it has finished (the conflict
	// ledger comes after the article is searchable).
	var page string
	for start := time.Now(); ; {
		code, body := r.get(t, "/metrics")
		if code != 200 {
			t.Fatalf("/metrics: %d", code)
		}
		page = body
		if strings.Contains(page, "storybot_corpus_articles 6\n") || time.Since(start) > 10*time.Second {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, want := range []string{
		"storybot_corpus_articles 6\n",
		`storybot_questions_total{platform="http"}`,
		`storybot_answer_duration_seconds_bucket{platform="http",le="+Inf"}`,
		"go_goroutines",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	if err := r.shutdown(t); err != nil {
		t.Fatalf("serve: %v\n%s", err, r.stderr)
	}
	logs := r.stderr.String()
	for _, want := range []string{`"msg":"answered"`, `"platform":"http"`, `"msg":"corpus updated"`, `"msg":"stopped"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s", want)
		}
	}
	if strings.Contains(logs, "tok-123") {
		t.Error("the API token was logged")
	}
	if strings.Contains(logs, "eleven weeks without pay") {
		t.Error("article text was logged")
	}
}

// gate is a clock that can hold the nth reader after it is armed: it makes
// one answer slow without any test seam in the production code. The answer
// path reads Main.Now first in the metrics middleware, then when
// bot.Service.Answer starts: holding the second read stops the answer inside
// the service, before it searches the corpus with the request's context.
type gate struct {
	mu      sync.Mutex
	armed   int // reads left before the one held; 0 when not armed
	entered chan struct{}
	release chan struct{}
}

func newGate() *gate {
	return &gate{entered: make(chan struct{}), release: make(chan struct{})}
}

func (g *gate) now() time.Time {
	g.mu.Lock()
	hold := false
	if g.armed > 0 {
		g.armed--
		hold = g.armed == 0
	}
	g.mu.Unlock()
	if hold {
		close(g.entered)
		<-g.release
	}
	return time.Now()
}

// arm holds the nth read of the clock from now on.
func (g *gate) arm(n int) {
	g.mu.Lock()
	g.armed = n
	g.mu.Unlock()
}

// TestServeFinishesAnswerInFlight cancels serve (SIGTERM) while an answer is
// being made: the answer still reaches its client whole, and serve then
// stops without error.
func TestServeFinishesAnswerInFlight(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	g := newGate()
	env := map[string]string{"STORYBOT_WATCH": "false", "STORYBOT_DATA": t.TempDir()}
	stderr := &lockedBuffer{}
	m := NewMain()
	m.Stdout, m.Stderr = io.Discard, stderr
	m.Getenv = func(k string) string { return env[k] }
	m.Now = g.now
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &running{m: m, stderr: stderr, stop: cancel, done: make(chan error, 1)}
	go func() {
		err := m.Run(ctx, []string{"serve", "--corpus", copyCorpus(t), "--http-addr", "127.0.0.1:0", "--log-format", "json"})
		r.done <- errors.Join(err, m.Close())
	}()
	for r.url == "" {
		for _, rec := range stderr.logLines(t) {
			if rec["msg"] == "listening" {
				r.url = "http://" + rec["addr"].(string)
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.waitReady(t)

	type result struct {
		code  int
		reply askReply
		err   error
	}
	got := make(chan result, 1)
	g.arm(2)
	go func() {
		resp, err := r.client.Post(r.url+"/v1/ask", "application/json", strings.NewReader(`{"question": "Who is the NATO Secretary General?"}`))
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		res := result{code: resp.StatusCode}
		res.err = json.NewDecoder(resp.Body).Decode(&res.reply)
		got <- res
	}()
	select {
	case <-g.entered: // the answer has started
	case <-time.After(10 * time.Second):
		t.Fatal("the answer never read the clock")
	}
	cancel() // SIGTERM
	time.Sleep(300 * time.Millisecond)
	select {
	case res := <-got:
		t.Fatalf("the answer in flight was cut short: %+v", res)
	case err := <-r.done:
		t.Fatalf("serve stopped before the answer in flight finished: %v", err)
	default:
	}
	if _, err := (&http.Client{}).Get(r.url + "/healthz"); err == nil {
		t.Error("serve still takes new requests while shutting down")
	}
	close(g.release)
	res := <-got
	if res.err != nil || res.code != 200 || len(res.reply.Citations) == 0 || res.reply.Answer == "" {
		t.Fatalf("answer in flight at shutdown: %d %+v %v", res.code, res.reply, res.err)
	}
	if err := <-r.done; err != nil {
		t.Fatalf("serve: %v\n%s", err, stderr)
	}
	r.client.CloseIdleConnections()
}

// TestServeBadConfig: a bad setting stops serve before it starts, with a
// usage error (exit status 2) whose message names the key and the fix.
func TestServeBadConfig(t *testing.T) {
	yamlFile := func(text string) string {
		p := filepath.Join(t.TempDir(), "storybot.yaml")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"unknown YAML key", nil, []string{"--config", yamlFile("http:\n  address: :8080\n")}, []string{"line 2", "http.address", "did you mean http.addr"}},
		{"misspelt YAML key", nil, []string{"--config", yamlFile("watch:\n  debounse: 1s\n")}, []string{"watch.debounse", "did you mean watch.debounce"}},
		{"unknown YAML section", nil, []string{"--config", yamlFile("telegram:\n  token: x\n")}, []string{"line 1", "unknown key telegram", "slack"}},
		{"secret in YAML", nil, []string{"--config", yamlFile("slack:\n  bot_token: xoxb-1\n")}, []string{"slack.bot_token", "SLACK_BOT_TOKEN", "environment"}},
		{"wrong YAML type", nil, []string{"--config", yamlFile("watch:\n  debounce: soon\n")}, []string{"watch.debounce", "duration"}},
		{"duration without unit", nil, []string{"--config", yamlFile("http:\n  shutdown_timeout: 10\n")}, []string{"http.shutdown_timeout", "no unit"}},
		{"YAML key twice", nil, []string{"--config", yamlFile("corpus: a\ncorpus: b\n")}, []string{"corpus", "twice"}},
		{"config file missing", map[string]string{"STORYBOT_CONFIG": "/nonexistent/storybot.yaml"}, nil, []string{"STORYBOT_CONFIG", "/nonexistent/storybot.yaml"}},
		{"bad env duration", map[string]string{"STORYBOT_SHUTDOWN_TIMEOUT": "ten"}, nil, []string{"STORYBOT_SHUTDOWN_TIMEOUT", "duration"}},
		{"bad env bool", map[string]string{"STORYBOT_WATCH": "maybe"}, nil, []string{"STORYBOT_WATCH", "true or false"}},
		{"bad listen address", nil, []string{"--http-addr", "localhost"}, []string{"http.addr", "--http-addr", "STORYBOT_HTTP_ADDR"}},
		{"slack without app token", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, nil, []string{"slack.app_token", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"}},
		{"slack app token alone", map[string]string{"SLACK_APP_TOKEN": "xapp-1"}, nil, []string{"SLACK_BOT_TOKEN"}},
		{"slack wrong token kind", map[string]string{"SLACK_BOT_TOKEN": "xapp-1", "SLACK_APP_TOKEN": "xapp-2"}, nil, []string{"SLACK_BOT_TOKEN", "xoxb-"}},
		{"discord without app id", map[string]string{"DISCORD_BOT_TOKEN": "MTIz.YWJj.ZGVm"}, nil, []string{"discord.app_id", "DISCORD_APP_ID"}},
		{"discord client secret as token", map[string]string{"DISCORD_BOT_TOKEN": "k3Zt9vQwX1yR2uS4tP6oN8mL0jH5gF7d", "DISCORD_APP_ID": "123"}, nil, []string{"discord.bot_token", "DISCORD_BOT_TOKEN", "not a Discord bot token"}},
		{"discord API URL", map[string]string{"DISCORD_BOT_TOKEN": "MTIz.YWJj.ZGVm", "DISCORD_APP_ID": "123", "DISCORD_API_URL": "discord.com"}, nil, []string{"discord.api_url", "DISCORD_API_URL"}},
		{"slack profile", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_PROFILE": "readonly"}, nil, []string{"slack.profile", "SLACK_PROFILE", "mentions"}},
		{"discord bad public key", map[string]string{"DISCORD_BOT_TOKEN": "MTIz.YWJj.ZGVm", "DISCORD_APP_ID": "123", "DISCORD_PUBLIC_KEY": "xyz"}, nil, []string{"DISCORD_PUBLIC_KEY", "64 hex"}},
		{"bad digest time", map[string]string{"STORYBOT_DIGEST_AT": "8am"}, nil, []string{"digest.at", "STORYBOT_DIGEST_AT", "HH:MM"}},
		{"bad time zone", map[string]string{"STORYBOT_DIGEST_TZ": "Mars/Olympus"}, nil, []string{"digest.time_zone", "STORYBOT_DIGEST_TZ"}},
		{"bad log format", nil, []string{"--log-format", "xml"}, []string{"log_format", "--log-format"}},
		{"missing corpus", nil, []string{"--corpus", "/nonexistent/articles"}, []string{"corpus", "--corpus"}},
		{"secret file missing", map[string]string{"STORYBOT_API_TOKEN_FILE": "/nonexistent/token"}, nil, []string{"STORYBOT_API_TOKEN_FILE"}},
		{"open API on all interfaces", nil, []string{"--http-addr", ":0"}, []string{"STORYBOT_API_TOKEN", "STORYBOT_API_OPEN"}},
		{"open API, empty token (compose)", map[string]string{"STORYBOT_API_TOKEN": "", "STORYBOT_HTTP_ADDR": "0.0.0.0:0"}, []string{"--http-addr", "0.0.0.0:0"}, []string{"STORYBOT_API_TOKEN", "STORYBOT_API_OPEN"}},
		{"open API on a LAN address", map[string]string{"STORYBOT_API_OPEN": "false"}, []string{"--http-addr", "192.0.2.7:0"}, []string{"STORYBOT_API_TOKEN", "STORYBOT_API_OPEN"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"STORYBOT_DATA": t.TempDir()}
			for k, v := range tc.env {
				env[k] = v
			}
			m := NewMain()
			var stderr bytes.Buffer
			m.Stdout, m.Stderr = io.Discard, &stderr
			m.Getenv = func(k string) string { return env[k] }
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := m.Run(ctx, append([]string{"serve", "--http-addr", "127.0.0.1:0"}, tc.args...))
			m.Close()
			if err == nil {
				t.Fatal("serve accepted a bad configuration")
			}
			if code := exitCode(err); code != 2 {
				t.Errorf("exit status %d, want 2 for a configuration error: %v", code, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q does not mention %q", err, w)
				}
			}
			for _, secret := range []string{"xoxb-1", "xapp-1", "xapp-2"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("message shows a secret: %q", err)
				}
			}
		})
	}
}

// TestServeSlackEventsOnly: with a bot token and a signing secret (no app
// token), serve mounts the Events API at /slack/events, rejects unsigned
// requests, reports Slack in /readyz, and schedules the digest for the
// Slack digest channel (the first start catches nothing up, so nothing is
// posted).
func TestServeSlackEventsOnly(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	r := startServe(t, map[string]string{
		"SLACK_BOT_TOKEN":      "xoxb-test",
		"SLACK_SIGNING_SECRET": "shh",
		"SLACK_DIGEST_CHANNEL": "C0DIGEST",
		"STORYBOT_WATCH":       "0",
	})
	r.waitReady(t)
	code, body := r.get(t, "/readyz")
	if code != 200 || !strings.Contains(body, `"slack":{"status":"events_api"}`) {
		t.Errorf("/readyz: %d %s", code, body)
	}
	resp, err := r.client.Post(r.url+"/slack/events", "application/json", strings.NewReader(`{"type":"url_verification","challenge":"c"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned Slack request: %d, want 401", resp.StatusCode)
	}
	if err := r.shutdown(t); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.stderr.String(), "shh") || strings.Contains(r.stderr.String(), "xoxb-test") {
		t.Error("a Slack secret was logged")
	}
	scheduled := false
	for _, rec := range r.stderr.logLines(t) {
		if rec["msg"] == "digest scheduled" && rec["destinations"] == "slack:C0DIGEST" && rec["next"] != "" {
			scheduled = true
		}
	}
	if !scheduled {
		t.Errorf("no digest scheduled for slack:C0DIGEST:\n%s", r.stderr)
	}
}

// TestServeEmptyCorpusWaits: a corpus folder with no article yet (a fresh
// deployment) does not stop serve: it is alive, not ready, and answers from
// the first article within 2 seconds of its arrival.
func TestServeEmptyCorpusWaits(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	dir := t.TempDir()
	r := startServe(t, map[string]string{}, "--corpus", dir)
	if code, _ := r.get(t, "/healthz"); code != 200 {
		t.Errorf("/healthz with an empty corpus: %d", code)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, body := r.get(t, "/readyz")
		if code == 503 && strings.Contains(body, "no articles yet") {
			break
		}
		if code == 200 || time.Now().After(deadline) {
			t.Fatalf("/readyz with an empty corpus: %d %s\n%s", code, body, r.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code, reply := r.ask(t, "What happened?", ""); code != http.StatusServiceUnavailable {
		t.Errorf("ask before any article: %d %+v", code, reply)
	}
	article := "Ferry service resumes after storm\n\nThe island ferry resumed service on Sunday after a three-day storm, the operator said.\n"
	dropped := time.Now()
	if err := os.WriteFile(filepath.Join(dir, "ferry.txt"), []byte(article), 0o644); err != nil {
		t.Fatal(err)
	}
	for {
		code, reply := r.ask(t, "When did the island ferry resume service?", "")
		if code == 200 && slices.Contains(reply.Citations, "ferry") {
			t.Logf("first article cited %v after it was written", time.Since(dropped).Round(time.Millisecond))
			break
		}
		if time.Since(dropped) > 2*time.Second {
			t.Fatalf("first article not answerable within 2s: %d %+v\n%s", code, reply, r.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The corpus watcher takes over from there.
	if err := os.WriteFile(filepath.Join(dir, "ferry2.txt"), []byte("Ferry fares rise\n\nThe island ferry operator raised fares by a tenth on Monday.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if _, reply := r.ask(t, "By how much did the ferry operator raise fares?", ""); slices.Contains(reply.Citations, "ferry2") {
			break
		}
		if time.Since(start) > 2*time.Second {
			t.Fatalf("second article not answerable within 2s\n%s", r.stderr)
		}
	}
	if err := r.shutdown(t); err != nil {
		t.Fatal(err)
	}
}

// TestServeSlackSocketMode: with Slack's bot and app tokens serve connects
// in Socket Mode (here to a fake Slack), reports it connected in /readyz,
// answers a mention in its thread, counts it in the metrics and disconnects
// cleanly at shutdown.
func TestServeSlackSocketMode(t *testing.T) {
	// Registered first, so it runs after the fake Slack has stopped.
	t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) })
	fake := slackfake.New(t)
	r := startServe(t, map[string]string{
		"SLACK_BOT_TOKEN": slackfake.BotToken,
		"SLACK_APP_TOKEN": slackfake.AppToken,
		"SLACK_API_URL":   fake.APIURL(),
		"STORYBOT_WATCH":  "0",
	})
	r.waitReady(t)
	r.waitAdapter(t, "slack", "connected")
	if fake.Connections() < 1 {
		t.Fatal("ready without a Socket Mode connection")
	}
	thread := fake.AskMention("C0NEWS", "U0ALICE", "<@UBOT> Who is the NATO Secretary General?")
	var answer []slackfake.Call
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		answer = slackfake.Find(fake.Calls(), "chat.update", "C0NEWS")
		if len(answer) > 0 {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("no answer in Slack: %+v\n%s", fake.Calls(), r.stderr)
		}
	}
	if !strings.Contains(answer[0].Text, "[0") {
		t.Errorf("Slack answer without citations: %q", answer[0].Text)
	}
	for _, c := range fake.Calls() {
		if c.Method == "chat.postMessage" && c.ThreadTS != thread {
			t.Errorf("posted outside the question's thread: %+v", c)
		}
	}
	if _, page := r.get(t, "/metrics"); !strings.Contains(page, `storybot_questions_total{platform="slack"} 1`) {
		t.Errorf("the Slack question is not in the metrics")
	}
	if err := r.shutdown(t); err != nil {
		t.Fatalf("serve: %v\n%s", err, r.stderr)
	}
}

func TestServeStopsWhileWaitingForArticles(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	r := startServe(t, map[string]string{}, "--corpus", t.TempDir())
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, body := r.get(t, "/readyz"); strings.Contains(body, "no articles yet") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never waited for articles:\n%s", r.stderr)
		}
	}
	if err := r.shutdown(t); err != nil {
		t.Fatalf("serve stopped while waiting: %v", err)
	}
}

// TestServeBuiltInSample: with no corpus folder serve answers from the
// built-in sample story and watches nothing.
func TestServeBuiltInSample(t *testing.T) {
	r := startServe(t, map[string]string{})
	r.waitReady(t)
	code, reply := r.ask(t, "What did Zelensky announce?", "")
	if code != 200 || len(reply.Citations) == 0 {
		t.Errorf("ask: %d %+v", code, reply)
	}
	if err := r.shutdown(t); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.stderr.String(), "watching the corpus folder") {
		t.Error("watched a folder for the built-in sample")
	}
}

func TestServeRejectsArguments(t *testing.T) {
	m := NewMain()
	m.Stdout, m.Stderr = io.Discard, io.Discard
	m.Getenv = func(string) string { return "" }
	err := m.Run(context.Background(), []string{"serve", "--http-addr", "127.0.0.1:0", "extra"})
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "extra") {
		t.Fatalf("serve with an argument: %v", err)
	}
}

func TestHealthcheck(t *testing.T) {
	r := startServe(t, map[string]string{"STORYBOT_WATCH": "0"})
	defer func() {
		if err := r.shutdown(t); err != nil {
			t.Error(err)
		}
	}()
	addr := strings.TrimPrefix(r.url, "http://")
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		ok   bool
	}{
		{"from STORYBOT_HTTP_ADDR", map[string]string{"STORYBOT_HTTP_ADDR": addr}, nil, true},
		{"from --url", nil, []string{"--url", r.url + "/healthz"}, true},
		{"not found", nil, []string{"--url", r.url + "/nope"}, false},
		{"nothing listening", map[string]string{"STORYBOT_HTTP_ADDR": "127.0.0.1:1"}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMain()
			var out bytes.Buffer
			m.Stdout, m.Stderr = &out, io.Discard
			m.Getenv = func(k string) string { return tc.env[k] }
			err := m.Run(context.Background(), append([]string{"healthcheck"}, tc.args...))
			if (err == nil) != tc.ok {
				t.Fatalf("healthcheck: %v", err)
			}
			if tc.ok && strings.TrimSpace(out.String()) != "ok" {
				t.Errorf("healthcheck printed %q", out.String())
			}
		})
	}
}

// TestServeOpenAPIOnPurpose: on all interfaces serve starts with a token
// (and requires it), or without one when STORYBOT_API_OPEN=true says an
// open API is meant; loopback needs neither.
func TestServeOpenAPIOnPurpose(t *testing.T) {
	for _, tc := range []struct {
		name, addr string
		env        map[string]string
		token      string
	}{
		{"token", ":0", map[string]string{"STORYBOT_API_TOKEN": "tok-9"}, "tok-9"},
		{"open on purpose", "0.0.0.0:0", map[string]string{"STORYBOT_API_OPEN": "true"}, ""},
		{"loopback", "127.0.0.1:0", map[string]string{}, ""},
		{"localhost", "localhost:0", map[string]string{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.env["STORYBOT_WATCH"] = "0"
			r := startServe(t, tc.env, "--http-addr", tc.addr)
			_, port, _ := net.SplitHostPort(strings.TrimPrefix(r.url, "http://"))
			r.url = "http://127.0.0.1:" + port
			r.waitReady(t)
			if code, reply := r.ask(t, "Who is the NATO Secretary General?", tc.token); code != 200 {
				t.Errorf("ask: %d %+v", code, reply)
			}
			if tc.token != "" {
				if code, _ := r.ask(t, "Who is the NATO Secretary General?", ""); code != http.StatusUnauthorized {
					t.Errorf("ask without the token: %d", code)
				}
			}
			if err := r.shutdown(t); err != nil {
				t.Fatal(err)
			}
		})
	}
}
