package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storybot/storybot/adapters/slack/slackfake"
	"github.com/storybot/storybot/pgstore/pgtest"
)

// slackSign signs an Events API body as Slack does (v0 signature).
func slackSign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// postSlackEvent delivers a signed Events API payload to a replica.
func postSlackEvent(t *testing.T, baseURL, secret string, payload any) {
	t.Helper()
	body, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, baseURL+"/slack/events", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slackSign(secret, ts, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("Slack event to %s: %s", baseURL, resp.Status)
	}
}

// countRows counts rows of a query in the store's schema.
func countRows(t *testing.T, url, sql string, args ...any) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// waitRows waits up to 5 s for a count query to give want, and returns the
// last count.
func waitRows(t *testing.T, want int, url, sql string, args ...any) int {
	t.Helper()
	n := 0
	for start := time.Now(); time.Since(start) < 5*time.Second; time.Sleep(20 * time.Millisecond) {
		if n = countRows(t, url, sql, args...); n == want {
			break
		}
	}
	return n
}

// TestServeReplicasShareState: two serve replicas on one PostgreSQL schema
// (--store) answer an Events API delivery that reached both once, and a
// follow-up in the thread that reaches the other replica is answered with
// the conversation recorded by the first (Slack's mentions profile, where
// the thread's history is only in the store).
func TestServeReplicasShareState(t *testing.T) {
	store := pgtest.URL(t, os.Getenv)
	fake := slackfake.New(t)
	const secret = "shh-replicas"
	env := func() map[string]string {
		return map[string]string{
			"STORYBOT_STORE":       store,
			"SLACK_BOT_TOKEN":      slackfake.BotToken,
			"SLACK_SIGNING_SECRET": secret,
			"SLACK_API_URL":        fake.APIURL(),
			"SLACK_PROFILE":        "mentions",
			"STORYBOT_WATCH":       "0",
			"STORYBOT_USER_RATE":   "0",
		}
	}
	a := startServe(t, env())
	b := startServe(t, env())
	a.waitReady(t)
	b.waitReady(t)
	for _, r := range []*running{a, b} {
		if code, body := r.get(t, "/readyz"); code != 200 || !strings.Contains(body, "store") {
			t.Errorf("/readyz: %d %s, want ready with the store checked", code, body)
		}
	}

	text := "<@" + slackfake.BotUser + "> Who is the NATO Secretary General?"
	root := fake.AddMessage("C0NEWS", "", "U0ALICE", text)
	ev := slackfake.EventCallback("Ev1", slackfake.Mention("C0NEWS", "U0ALICE", root, "", text))
	postSlackEvent(t, a.url, secret, ev)
	postSlackEvent(t, b.url, secret, ev)
	fake.WaitCalls("the answer", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C0NEWS") >= 1 })
	time.Sleep(500 * time.Millisecond) // room for a second answer, if any
	if n := slackfake.Count(fake.Calls(), "chat.update", "C0NEWS"); n != 1 {
		t.Fatalf("the same event delivered to both replicas was answered %d times, want once: %+v", n, fake.Calls())
	}
	if n := waitRows(t, 2, store, `SELECT count(*) FROM conversation_turns WHERE key = $1`, "slack/C0NEWS/"+root); n != 2 {
		t.Fatalf("%d turns recorded for the thread, want the question and the answer", n)
	}

	answered := func(r *running) int {
		n := 0
		for _, rec := range r.stderr.logLines(t) {
			if rec["msg"] == "answered" && rec["platform"] == "slack" {
				n++
			}
		}
		return n
	}
	before := answered(b)
	// The follow-up reaches the other replica (b, whichever answered).
	follow := "<@" + slackfake.BotUser + "> When did he take office?"
	fts := fake.AddMessage("C0NEWS", root, "U0ALICE", follow)
	postSlackEvent(t, b.url, secret, slackfake.EventCallback("Ev2", slackfake.Mention("C0NEWS", "U0ALICE", fts, root, follow)))
	fake.WaitCalls("the follow-up's answer", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C0NEWS") >= 2 })
	if answered(b) != before+1 {
		t.Errorf("replica b did not answer the follow-up:\n%s", b.stderr)
	}
	if n := waitRows(t, 4, store, `SELECT count(*) FROM conversation_turns WHERE key = $1`, "slack/C0NEWS/"+root); n != 4 {
		t.Errorf("%d turns recorded for the thread after the follow-up on the other replica, want 4", n)
	}
	for _, r := range []*running{a, b} {
		if err := r.shutdown(t); err != nil {
			t.Errorf("serve: %v", err)
		}
	}
}

// TestServeReplicasShareTheCorpus: two replicas on one store and one
// corpus folder answer from an article added to the folder within 5 s,
// both citing it; the article's first-seen time is in the database.
func TestServeReplicasShareTheCorpus(t *testing.T) {
	store := pgtest.URL(t, os.Getenv)
	dir := copyCorpus(t)
	env := func() map[string]string {
		return map[string]string{"STORYBOT_STORE": store, "STORYBOT_WATCH_DEBOUNCE": "50ms"}
	}
	a := startServe(t, env(), "--corpus", dir)
	b := startServe(t, env(), "--corpus", dir)
	a.waitReady(t)
	b.waitReady(t)
	// The conflict ledger of this state of the corpus is computed once and
	// shared: both replicas have it, one row holds it.
	for _, r := range []*running{a, b} {
		for start := time.Now(); !strings.Contains(r.stderr.String(), "conflict ledger computed"); time.Sleep(20 * time.Millisecond) {
			if time.Since(start) > 10*time.Second {
				t.Fatalf("no conflict ledger:\n%s", r.stderr)
			}
		}
	}
	if n := countRows(t, store, `SELECT count(*) FROM conflict_ledgers`); n != 1 {
		t.Errorf("%d conflict ledgers stored by two replicas of one corpus, want 1", n)
	}
	const q = "What did the harbour authority say about the lighthouse keeper's zebra?"
	for _, r := range []*running{a, b} {
		if _, rep := r.ask(t, q, ""); slices.Contains(rep.Citations, "zebra-report") {
			t.Fatalf("cites an article not yet written: %+v", rep)
		}
	}
	write := time.Now()
	if err := os.WriteFile(filepath.Join(dir, "zebra-report.txt"), []byte("Zebra escapes from lighthouse\n\nThe harbour authority said on Tuesday that the lighthouse keeper's zebra had escaped and was seen swimming towards the harbour.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*running{a, b} {
		for {
			_, rep := r.ask(t, q, "")
			if slices.Contains(rep.Citations, "zebra-report") {
				break
			}
			if time.Since(write) > 5*time.Second {
				t.Fatalf("%s does not answer from the new article 5 s after it was written: %+v", r.url, rep)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	t.Logf("the new article answerable on both replicas %v after it was written", time.Since(write).Round(time.Millisecond))
	if n := countRows(t, store, `SELECT count(*) FROM articles WHERE id = 'zebra-report' AND first_seen IS NOT NULL AND content_hash <> ''`); n != 1 {
		t.Errorf("the new article is not in the articles table")
	}
	for _, r := range []*running{a, b} {
		if err := r.shutdown(t); err != nil {
			t.Errorf("serve: %v", err)
		}
	}
}

// TestStoreSetting: the store comes from --store, STORYBOT_STORE or store:
// in the YAML file, in that order of precedence; anything but a postgres://
// URL is refused naming the setting; its password never shows.
func TestStoreSetting(t *testing.T) {
	yamlFile := filepath.Join(t.TempDir(), "storybot.yaml")
	if err := os.WriteFile(yamlFile, []byte("store: postgres://u:yamlpw@db.example/news?search_path=yaml\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		want    string
		wantErr string
	}{
		{"default: embedded", nil, nil, `store: ""`, ""},
		{"yaml", nil, []string{"--config", yamlFile}, "store: postgres://u:xxxxx@db.example/news?search_path=yaml", ""},
		{"env over yaml", map[string]string{"STORYBOT_STORE": "postgres://u:envpw@db.example/news?search_path=env"}, []string{"--config", yamlFile}, "search_path=env", ""},
		{"flag over env", map[string]string{"STORYBOT_STORE": "postgres://u:envpw@db.example/news?search_path=env"}, []string{"--store", "postgresql://u:flagpw@db.example/news?search_path=flag"}, "search_path=flag", ""},
		{"not postgres", map[string]string{"STORYBOT_STORE": "mysql://u:pw@db/news"}, nil, "", "store (--store, STORYBOT_STORE)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, out, errb := testMain(t, "", tc.env)
			err := m.Run(context.Background(), append([]string{"config"}, tc.args...))
			all := out.String() + errb.String()
			if err != nil {
				all += err.Error()
			}
			for _, pw := range []string{"yamlpw", "envpw", "flagpw"} {
				if strings.Contains(all, pw) {
					t.Errorf("the password %s shows:\n%s", pw, all)
				}
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one naming %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tc.want) {
				t.Errorf("storybot config shows no %q:\n%s", tc.want, out)
			}
		})
	}
}
