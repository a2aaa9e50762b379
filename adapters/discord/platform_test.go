package discord

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storybot/storybot/adapters/chat"
	"github.com/storybot/storybot/adapters/discord/discordfake"
	"github.com/storybot/storybot/bot"
)

// Discord's 429s are waited out (Retry-After), counted, bounded by
// MaxRetryWait, and never passed on as an unbounded wait.
func TestRateLimitWaitsAreBoundedAndCounted(t *testing.T) {
	t.Parallel()
	fd := discordfake.New(t)
	var api atomic.Int64
	a, err := New(Config{Token: testToken, AppID: testAppID, APIURL: fd.APIURL(), MaxRetryWait: time.Second,
		Hooks: chat.Hooks{RateLimited: func(scope string) {
			if scope == "api" {
				api.Add(1)
			}
		}}}, &fakeBot{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := bot.Digest{ID: "d1", Empty: true}
	fd.RateLimit("/channels/", 1, 0.2)
	start := time.Now()
	if err := a.Publisher(testChan).Publish(context.Background(), d); err != nil {
		t.Fatalf("Publish after a short 429: %v", err)
	}
	if took := time.Since(start); took < 200*time.Millisecond {
		t.Errorf("the Retry-After of 0.2 s was not waited (%v)", took)
	}
	if n := api.Load(); n != 1 {
		t.Errorf("429s counted: %d, want 1", n)
	}
	// Longer than MaxRetryWait: given up at once, and the next call is not
	// held up by the rate limit headers.
	fd.RateLimit("/channels/", 1, 60)
	start = time.Now()
	if err := a.Publisher(testChan).Publish(context.Background(), d); err == nil {
		t.Error("Publish through a 60 s rate limit succeeded")
	}
	if err := a.Publisher(testChan).Publish(context.Background(), d); err != nil {
		t.Errorf("Publish after the rate limit: %v", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("a 60 s rate limit held the adapter for %v (MaxRetryWait 1 s)", took)
	}
	if n := api.Load(); n != 2 {
		t.Errorf("429s counted: %d, want 2", n)
	}
}

// A wait for a rate limit ends at shutdown.
func TestRateLimitWaitEndsAtShutdown(t *testing.T) {
	t.Parallel()
	fb := &fakeBot{answer: sampleAnswer()}
	h := startGateway(t, fb, func(c *Config) { c.MaxRetryWait = time.Minute })
	h.fd.RateLimit("/webhooks/", 1, 50)
	h.fd.Dispatch(t, "INTERACTION_CREATE", h.fd.CommandInteraction("i-rl", testUser, "ask", map[string]string{"question": "q?"}))
	h.fd.WaitFor(t, 1, "PATCH", pathOriginal) // the 429
	start := time.Now()
	h.stop(t)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("shutdown took %v: the 50 s rate limit wait was not cancelled", took)
	}
}

// A mention of the bot's managed role is a mention of the bot.
func TestGatewayRoleMention(t *testing.T) {
	t.Parallel()
	fb := &fakeBot{answer: sampleAnswer()}
	h := startGateway(t, fb, nil)
	m := h.fd.UserMessage(testChan, "<@&"+discordfake.BotRole+"> who leads the alliance?", false)
	m["mention_roles"] = []string{discordfake.BotRole}
	h.fd.Dispatch(t, "MESSAGE_CREATE", m)
	h.fd.WaitFor(t, 1, "POST", pathThreads)
	deadline := time.Now().Add(5 * time.Second)
	for len(fb.asked()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if qs := fb.asked(); len(qs) != 1 || qs[0].Text != "who leads the alliance?" {
		t.Fatalf("questions = %+v", qs)
	}
	// Another role's mention is not for the bot.
	other := h.fd.UserMessage(testChan, "<@&123> ping the mods", false)
	other["mention_roles"] = []string{"123"}
	h.fd.Dispatch(t, "MESSAGE_CREATE", other)
	time.Sleep(100 * time.Millisecond)
	if n := len(fb.asked()); n != 1 {
		t.Errorf("asked %d times; another role's mention was answered", n)
	}
	if n := len(h.fd.Matching("GET", regexp.MustCompile(`^/guilds/`+testGuild+`/roles$`))); n != 1 {
		t.Errorf("the guild's roles were read %d times, want once", n)
	}
}

// /sources with an article URL Discord would refuse as an embed URL (a
// space, over 2,048 characters) shows it as text, and the reply is accepted.
func TestSourcesInvalidEmbedURL(t *testing.T) {
	t.Parallel()
	long := "https://example.com/?q=" + strings.Repeat("x", 2100)
	for _, u := range []string{"https://example.com/a b", long, "javascript:alert(1)", "https://exämple.com/"} {
		fb := &fakeBot{articles: map[string]bot.Article{"a1": {ID: "a1", Title: "T", URL: u, Text: "Body."}}}
		h := startGateway(t, fb, nil)
		h.fd.Dispatch(t, "INTERACTION_CREATE", h.fd.CommandInteraction("i-src", testUser, "sources", map[string]string{"id": "a1"}))
		edits := h.fd.WaitFor(t, 1, "PATCH", pathOriginal)
		sm := decodeMessage(t, edits[0].Body)
		if len(sm.Embeds) == 0 || sm.Embeds[0].URL != "" || sm.Embeds[0].Title != "T" {
			t.Errorf("URL %.40q: reply %+v", u, sm.Embeds)
		}
		h.stop(t)
	}
	if !embedURL("https://example.com/a_b?x=1") {
		t.Error("a good URL was refused")
	}
}

// Run's failures say what to fix, and a Supervisor retries them until
// Discord answers: close 4014 (Message Content intent off in the portal),
// 5xx, then a working Discord.
func TestRunProblemsAndRecovery(t *testing.T) {
	t.Parallel()
	fd := discordfake.New(t)
	a, err := New(Config{Token: testToken, AppID: testAppID, APIURL: fd.APIURL(), MessageContent: true}, &fakeBot{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	err = a.Run(ctx)
	var p *chat.Problem
	if !errors.As(err, &p) || !strings.Contains(p.Reason, "4014") || !strings.Contains(p.Fix, "enable Message Content Intent in the Developer Portal") || !strings.Contains(p.Fix, "DISCORD_MESSAGE_CONTENT") {
		t.Fatalf("Run with the intent off = %v (%+v)", err, p)
	}
	fd.SetStatus(502)
	b, _ := New(Config{Token: testToken, AppID: testAppID, APIURL: fd.APIURL()}, &fakeBot{}, nil)
	if err := b.Run(ctx); !errors.As(err, &p) || !strings.Contains(p.Reason, "HTTP 502") {
		t.Fatalf("Run against a failing Discord = %v", err)
	}
	// Under a supervisor, the adapter comes up once Discord is fixed.
	fd.SetStatus(0)
	fd.SetPrivileged(true)
	sup := &chat.Supervisor{Name: "discord", Conn: a, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- sup.Run(sctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for sup.State().Status != chat.StatusConnected {
		if time.Now().After(deadline) {
			t.Fatalf("not connected: %+v", sup.State())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// Each way Run can fail at start is a chat.Problem that says what went
// wrong and what to do, never a bare Go error: a refused connection, a
// 5xx, a refused token, and 403 Missing Access for the configured guild
// while registering the commands. None of them is Permanent: a supervisor
// retries them.
func TestRunProblemsSayWhatToFix(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		setup      func(fd *discordfake.Server) (apiURL string)
		reason     string
		fix        string
		guildScope bool
	}{
		{"refused", func(fd *discordfake.Server) string { return "http://127.0.0.1:1/api" }, "cannot reach Discord's API at http://127.0.0.1:1/api (DISCORD_API_URL)", "check the network, the proxy and DISCORD_API_URL", false},
		{"HTTP 500", func(fd *discordfake.Server) string { fd.SetStatus(500); return fd.APIURL() }, "Discord's API is failing (HTTP 500)", "storybot tries again", false},
		{"HTTP 401", func(fd *discordfake.Server) string { fd.SetStatus(401); return fd.APIURL() }, "Discord refused the bot token (HTTP 401)", "check DISCORD_BOT_TOKEN", false},
		{"HTTP 403 for the guild", func(fd *discordfake.Server) string {
			fd.Fail("/applications/"+testAppID+"/guilds/", 403)
			return fd.APIURL()
		}, "Discord denied access (HTTP 403) while registering the slash commands in server " + testGuild, "invite the bot to that server", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fd := discordfake.New(t)
			cfg := Config{Token: testToken, AppID: testAppID, APIURL: tc.setup(fd)}
			if tc.guildScope {
				cfg.GuildID = testGuild
			}
			a, err := New(cfg, &fakeBot{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err = a.Run(ctx)
			var p *chat.Problem
			if !errors.As(err, &p) {
				t.Fatalf("Run = %v, want a chat.Problem", err)
			}
			if !strings.Contains(p.Reason, tc.reason) || !strings.Contains(p.Fix, tc.fix) || p.Permanent {
				t.Errorf("problem = reason %q, fix %q, permanent %v; want %q and %q, retried", p.Reason, p.Fix, p.Permanent, tc.reason, tc.fix)
			}
		})
	}
}
