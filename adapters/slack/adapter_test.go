package slack

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/adapters/chat"
	"github.com/storybot/storybot/adapters/slack/slackfake"
	"github.com/storybot/storybot/bot"
)

func TestNewValidatesTokens(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // part of the error; "" for success
	}{
		{"socket mode", Config{BotToken: "xoxb-1", AppToken: "xapp-1"}, ""},
		{"events api", Config{BotToken: "xoxb-1", SigningSecret: "s"}, ""},
		{"no bot token", Config{AppToken: "xapp-1"}, `SLACK_BOT_TOKEN) must start with "xoxb-", got an empty value`},
		{"user token as bot token", Config{BotToken: "xoxp-123", AppToken: "xapp-1"}, `got a token starting with "xoxp-"`},
		{"bot token as app token", Config{BotToken: "xoxb-1", AppToken: "xoxb-2"}, `SLACK_APP_TOKEN) must start with "xapp-"`},
		{"garbage", Config{BotToken: "hunter2", AppToken: "xapp-1"}, "not a Slack token"},
		{"neither transport", Config{BotToken: "xoxb-1"}, "SLACK_SIGNING_SECRET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg, newFakeBot(), nil)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New error = %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "xoxp-123") {
				t.Errorf("error leaks the token: %v", err)
			}
		})
	}
	if _, err := New(Config{BotToken: "xoxb-1", AppToken: "xapp-1"}, nil, nil); err == nil {
		t.Error("New without a bot should fail")
	}
}

func TestRunNeedsAppToken(t *testing.T) {
	a, err := New(Config{BotToken: "xoxb-1", SigningSecret: "s"}, newFakeBot(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "SLACK_APP_TOKEN") {
		t.Errorf("Run = %v", err)
	}
	if !a.Ready() {
		t.Error("an Events API adapter is ready without a socket")
	}
}

func TestPublisherPostsDigest(t *testing.T) {
	h := newHarness(t, nil)
	var p bot.Publisher = h.a.Publisher("C42")
	if p.Name() != "slack:C42" {
		t.Errorf("Name = %q", p.Name())
	}
	if err := p.Publish(context.Background(), h.bot.digest); err != nil {
		t.Fatal(err)
	}
	posts := slackfake.Find(h.slack.Calls(), "chat.postMessage", "C42")
	if len(posts) != 1 || !strings.Contains(posts[0].Blocks, "Talks resumed. [005_eps]") || posts[0].UnfurlLinks != "false" {
		t.Fatalf("digest posts = %+v", posts)
	}
	h.slack.NotInChannel("C43")
	if err := h.a.Publisher("C43").Publish(context.Background(), h.bot.digest); err == nil || !strings.Contains(err.Error(), "not_in_channel") {
		t.Errorf("Publish to a channel the bot is not in = %v, want not_in_channel", err)
	}
}

func TestPublisherWrongTokenFails(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.BotToken = "xoxb-wrong" })
	err := h.a.Publisher("C1").Publish(context.Background(), bot.Digest{ID: "d", Empty: true})
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("Publish with a wrong bot token = %v, want invalid_auth", err)
	}
}

func TestRetryAfterTooLongGivesUp(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxRetryWait = time.Second })
	h.slack.RateLimit("chat.postMessage", 1, 2) // Retry-After: 2 > MaxRetryWait
	err := h.a.Publisher("C1").Publish(context.Background(), bot.Digest{ID: "d", Empty: true})
	if err == nil || !strings.Contains(err.Error(), "rate limited") {
		t.Errorf("Publish = %v, want a rate-limit error", err)
	}
}

func TestThreadMemo(t *testing.T) {
	now := time.Unix(0, 0)
	m := newThreadMemo(func() time.Time { return now })
	if m.known("C", "1") {
		t.Fatal("unknown thread reported known")
	}
	m.mark("C", "1")
	if !m.known("C", "1") {
		t.Fatal("not ours not remembered")
	}
	m.forget("C", "1")
	if m.known("C", "1") {
		t.Fatal("forget must drop the thread")
	}
	m.mark("C", "1")
	now = now.Add(notOursTTL + time.Second)
	if m.known("C", "1") {
		t.Fatal("not ours should expire")
	}
}

// bot.Service is what storybot serve passes to New.
var _ chat.Bot = (*bot.Service)(nil)

func TestLimits(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	a, err := New(Config{BotToken: "xoxb-1", AppToken: "xapp-1", Burst: 2, Now: clock}, newFakeBot(), nil)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		user, channel string
		advance       time.Duration
		want          string // part of the reply; "" when allowed
	}{
		{"U1", "C1", 0, ""},
		{"U1", "C1", 0, ""},
		{"U1", "C1", 0, "You're asking faster"}, // burst of 2 spent; 10 s default
		{"U2", "C1", 0, "This channel is asking faster"},
		{"U3", "D3", 0, ""}, // DMs have no channel limit
		{"U2", "C1", 2 * time.Second, ""},
		{"U1", "C1", 9 * time.Second, ""},       // 11 s on: U1 regained one question, C1 refilled
		{"U1", "C2", 0, "You're asking faster"}, // and spent it
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		got := a.limited(s.user, s.channel)
		if (s.want == "") != (got == "") || !strings.Contains(got, s.want) {
			t.Errorf("step %d (%s in %s): %q, want %q", i, s.user, s.channel, got, s.want)
		}
	}
	off, err := New(Config{BotToken: "xoxb-1", AppToken: "xapp-1", UserRate: -1, ChannelRate: -1, Burst: 1, Now: clock}, newFakeBot(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if got := off.limited("U1", "C1"); got != "" {
			t.Fatalf("question %d limited with limits off: %q", i, got)
		}
	}
}
