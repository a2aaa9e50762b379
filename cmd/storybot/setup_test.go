package main

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/storybot/storybot/adapters/chat"
	"github.com/storybot/storybot/adapters/discord/discordfake"
	"github.com/storybot/storybot/adapters/slack/slackfake"
)

// slackSigned posts body to /slack/events signed with secret as Slack
// signs it.
func slackSigned(t *testing.T, r *running, secret, contentType, body string) (int, string) {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":" + body))
	req, _ := http.NewRequest(http.MethodPost, r.url+"/slack/events", strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return send(t, r, req)
}

// discordSigned posts body to /discord/interactions signed with key.
func discordSigned(t *testing.T, r *running, key ed25519.PrivateKey, body string) (int, string) {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, r.url+"/discord/interactions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, []byte(ts+body))))
	return send(t, r, req)
}

func send(t *testing.T, r *running, req *http.Request) (int, string) {
	t.Helper()
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeSetupBeforeArticles: with an empty corpus folder (nothing will
// be indexed), the platforms' set-up checks are answered at once (a signed
// url_verification gets its challenge, a signed ssl_check 200, a signed
// Discord PING a PONG; a forged one 401), and a question gets the short
// "still loading" reply rather than silence.
func TestServeSetupBeforeArticles(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) })
	fake := slackfake.New(t)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	const secret = "setup-signing-secret"
	r := startServe(t, map[string]string{
		"SLACK_BOT_TOKEN":      slackfake.BotToken,
		"SLACK_SIGNING_SECRET": secret,
		"SLACK_API_URL":        fake.APIURL(),
		"DISCORD_BOT_TOKEN":    "MTAwMDAwMDAwMDAwMDAwMDAx.c2V0dXA.c2V0dXAtdGVzdC10b2tlbi1ub3QtcmVhbA",
		"DISCORD_APP_ID":       "100000000000000001",
		"DISCORD_PUBLIC_KEY":   hex.EncodeToString(pub),
		"DISCORD_HTTP_ONLY":    "true",
		"DISCORD_API_URL":      "http://127.0.0.1:1/api", // nothing listens: Discord's REST is down
		"STORYBOT_RETRY_MAX":   "1s",
	}, "--corpus", t.TempDir())
	if code, body := r.get(t, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "corpus") {
		t.Fatalf("/readyz: %d %s, want 503 on the corpus", code, body)
	}

	code, body := slackSigned(t, r, secret, "application/json", `{"type":"url_verification","token":"x","challenge":"c4llenge"}`)
	var ch struct{ Challenge string }
	if code != 200 || json.Unmarshal([]byte(body), &ch) != nil || ch.Challenge != "c4llenge" {
		t.Errorf("url_verification: %d %s", code, body)
	}
	if code, body := slackSigned(t, r, secret, "application/x-www-form-urlencoded", "ssl_check=1&token=x"); code != 200 {
		t.Errorf("ssl_check: %d %s", code, body)
	}
	if code, _ := slackSigned(t, r, "forged", "application/json", `{"type":"url_verification","challenge":"c"}`); code != http.StatusUnauthorized {
		t.Errorf("forged url_verification: %d, want 401", code)
	}

	code, body = discordSigned(t, r, priv, `{"id":"1","application_id":"100000000000000001","type":1,"token":"t","version":1}`)
	if code != 200 || strings.TrimSpace(body) != `{"type":1}` {
		t.Errorf("Discord PING: %d %s, want a PONG", code, body)
	}
	_, forger, _ := ed25519.GenerateKey(rand.Reader)
	if code, _ := discordSigned(t, r, forger, `{"id":"2","application_id":"100000000000000001","type":1,"token":"t","version":1}`); code != http.StatusUnauthorized {
		t.Errorf("forged Discord PING: %d, want 401", code)
	}

	// A question before the articles: the short "still loading" reply.
	ts := fake.AddMessage("C0NEWS", "", "U0ALICE", "<@UBOT> what happened?")
	ev, _ := json.Marshal(slackfake.EventCallback("EvEarly", slackfake.Mention("C0NEWS", "U0ALICE", ts, "", "<@UBOT> what happened?")))
	if code, body := slackSigned(t, r, secret, "application/json", string(ev)); code != 200 {
		t.Fatalf("event: %d %s", code, body)
	}
	cs := fake.WaitCalls("the loading reply", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C0NEWS") == 1 })
	if got := slackfake.Find(cs, "chat.update", "C0NEWS")[0].Text; got != chat.LoadingText {
		t.Errorf("reply before the articles = %q, want %q", got, chat.LoadingText)
	}

	// Discord's REST is down: the adapter is failing, and says why.
	st := r.waitAdapter(t, "discord", "failing")
	if reason, _ := st["reason"].(string); !strings.Contains(reason, "cannot reach Discord's API") {
		t.Errorf("discord state = %v", st)
	}
	if err := r.shutdown(t); err != nil {
		t.Fatal(err)
	}
}

// TestServeStillLoadingOnBothPlatforms: with an empty corpus folder, a
// Discord /ask (through the gateway and DISCORD_API_URL) and a Slack
// mention (Socket Mode) each get the short "still loading" reply, not
// silence and not an error.
func TestServeStillLoadingOnBothPlatforms(t *testing.T) {
	sf := slackfake.New(t)
	fd := discordfake.New(t)
	env := platformsEnv(sf, fd)
	delete(env, "STORYBOT_WATCH") // the folder is watched for its first article
	r := startServe(t, env, "--corpus", t.TempDir())
	r.waitAdapter(t, "discord", "connected")
	r.waitAdapter(t, "slack", "connected")
	if got := discordAsk(t, fd, "8001", "U8", "How many crew members?"); got != chat.LoadingText {
		t.Errorf("Discord /ask before the articles = %q, want %q", got, chat.LoadingText)
	}
	sf.AskMention("C0LOAD", "U0LOAD", "How many crew members?")
	cs := sf.WaitCalls("the loading reply", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C0LOAD") == 1 })
	if got := slackfake.Find(cs, "chat.update", "C0LOAD")[0].Text; got != chat.LoadingText {
		t.Errorf("Slack mention before the articles = %q, want %q", got, chat.LoadingText)
	}
	if err := r.shutdown(t); err != nil {
		t.Fatal(err)
	}
}
