package slack

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storybot/storybot/adapters/chat"
	"github.com/storybot/storybot/adapters/slack/slackfake"
	"github.com/storybot/storybot/bot"
)

func TestSocketMentionAnsweredInThreadWithCitations(t *testing.T) {
	h := newHarness(t, nil)
	h.runSocket()
	ts := h.slack.AddMessage("C1", "", "U1", "<@UBOT> how many troops left?")
	h.slack.Send("events_api", slackfake.EventCallback("Ev1", slackfake.Mention("C1", "U1", ts, "", "<@UBOT> how many troops left?")), 0)

	cs := h.slack.WaitCalls("placeholder and update", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C1") == 1 })
	posts := slackfake.Find(cs, "chat.postMessage", "C1")
	if len(posts) != 1 {
		t.Fatalf("want one post (the placeholder), got %+v", posts)
	}
	p := posts[0]
	if p.Text != "Reading 5 articles..." || p.ThreadTS != ts {
		t.Errorf("placeholder = %q in thread %q, want \"Reading 5 articles...\" in thread %q", p.Text, p.ThreadTS, ts)
	}
	if p.UnfurlLinks != "false" || p.UnfurlMedia != "false" {
		t.Errorf("unfurls not off: links=%q media=%q", p.UnfurlLinks, p.UnfurlMedia)
	}
	u := slackfake.Find(cs, "chat.update", "C1")[0]
	if u.TS != p.TS {
		t.Errorf("update replaced %q, want the placeholder %q", u.TS, p.TS)
	}
	for _, want := range []string{"[002_beta] [003_gamma]", "[001_alpha]", "Conflicting reports", "Side A: some 30,000 — [002_beta]", "Side B: more than 40,000 — [003_gamma] [004_delta]", "<https://beta.example/troops|Troops leave>", "Withdrawal &lt;update&gt;", "feedback_helpful", "ans-how many troops left?"} {
		if !strings.Contains(u.Blocks, want) {
			t.Errorf("answer blocks lack %q:\n%s", want, u.Blocks)
		}
	}
	// The plain text is the console's text for the same answer, escaped
	// as Slack requires of a message's text.
	if want := escape(sampleAnswer(bot.Question{Text: "how many troops left?"}).Text()); u.Text != want {
		t.Errorf("fallback text = %q, want the escaped console text %q", u.Text, want)
	}
	if !strings.Contains(u.Text, "Withdrawal &lt;update&gt;") {
		t.Errorf("fallback text not escaped: %q", u.Text)
	}
	qs := h.bot.asked()
	if len(qs) != 1 {
		t.Fatalf("bot asked %d times, want 1", len(qs))
	}
	want := bot.Question{Text: "how many troops left?", Platform: "slack", User: "U1", Channel: "C1"}
	if q := qs[0]; q.Text != want.Text || q.Platform != want.Platform || q.User != want.User || q.Channel != want.Channel || len(q.Thread) != 0 {
		t.Errorf("question = %+v, want %+v", q, want)
	}
}

func TestSocketDirectMessageAnswered(t *testing.T) {
	h := newHarness(t, nil)
	h.runSocket()
	ts := h.slack.AddMessage("D1", "", "U2", "who leads the talks?")
	h.slack.Send("events_api", slackfake.EventCallback("EvDM", slackfake.Message("D1", "im", "U2", ts, "", "who leads the talks?")), 0)
	cs := h.slack.WaitCalls("DM answer", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "D1") == 1 })
	if p := slackfake.Find(cs, "chat.postMessage", "D1"); len(p) != 1 || p[0].ThreadTS != "" {
		t.Errorf("DM placeholder should be one top-level message, got %+v", p)
	}
	if qs := h.bot.asked(); len(qs) != 1 || qs[0].Text != "who leads the talks?" || qs[0].Channel != "D1" {
		t.Errorf("questions = %+v", qs)
	}
}

func TestSocketDirectMessageFollowUpHasContext(t *testing.T) {
	h := newHarness(t, nil)
	h.runSocket()
	ts := h.slack.AddMessage("D1", "", "U2", "how many troops left?")
	h.slack.Send("events_api", slackfake.EventCallback("EvD1", slackfake.Message("D1", "im", "U2", ts, "", "how many troops left?")), 0)
	h.slack.WaitCalls("first DM answer", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "D1") == 1 })
	ts = h.slack.AddMessage("D1", "", "U2", "and when?")
	h.slack.Send("events_api", slackfake.EventCallback("EvD2", slackfake.Message("D1", "im", "U2", ts, "", "and when?")), 0)
	h.slack.WaitCalls("second DM answer", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "D1") == 2 })
	qs := h.bot.asked()
	if len(qs) != 2 {
		t.Fatalf("bot asked %d times, want 2", len(qs))
	}
	th := qs[1].Thread
	if len(th) != 2 || th[0].Role != bot.RoleUser || th[0].Text != "how many troops left?" || th[1].Role != bot.RoleBot || !strings.Contains(th[1].Text, "[002_beta]") {
		t.Errorf("DM context = %+v", th)
	}
}

func TestSocketThreadFollowUpWithoutMention(t *testing.T) {
	h := newHarness(t, nil)
	h.runSocket()
	root := h.slack.AddMessage("C1", "", "U1", "<@UBOT> how many troops left?")
	h.slack.Send("events_api", slackfake.EventCallback("Ev1", slackfake.Mention("C1", "U1", root, "", "<@UBOT> how many troops left?")), 0)
	h.slack.WaitCalls("first answer", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C1") == 1 })

	// A reply in the bot's thread, without a mention: a follow-up.
	next := h.slack.AddMessage("C1", root, "U1", "and when did it start?")
	h.slack.Send("events_api", slackfake.EventCallback("Ev2", slackfake.Message("C1", "channel", "U1", next, root, "and when did it start?")), 0)
	cs := h.slack.WaitCalls("follow-up answer", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C1") == 2 })
	if p := slackfake.Find(cs, "chat.postMessage", "C1"); len(p) != 2 || p[1].ThreadTS != root {
		t.Fatalf("follow-up not answered in the thread: %+v", p)
	}
	qs := h.bot.asked()
	if len(qs) != 2 {
		t.Fatalf("bot asked %d times, want 2", len(qs))
	}
	th := qs[1].Thread
	if len(th) != 2 || th[0].Role != bot.RoleUser || th[0].Text != "how many troops left?" || th[1].Role != bot.RoleBot || !strings.Contains(th[1].Text, "[002_beta]") {
		t.Errorf("follow-up thread context = %+v", th)
	}
	if qs[1].Text != "and when did it start?" {
		t.Errorf("follow-up text = %q", qs[1].Text)
	}

	// A reply in somebody else's thread is not for the bot.
	other := h.slack.AddMessage("C1", "", "U3", "lunch?")
	reply := h.slack.AddMessage("C1", other, "U4", "yes")
	h.slack.Send("events_api", slackfake.EventCallback("Ev3", slackfake.Message("C1", "channel", "U4", reply, other, "yes")), 0)
	// The bot's own message, another bot's message and an edit are ignored.
	h.slack.Send("events_api", slackfake.EventCallback("Ev4", map[string]any{"type": "message", "channel": "C1", "channel_type": "channel", "user": "UBOT", "bot_id": "BBOT", "ts": "1800000001.000001", "thread_ts": root, "text": "my own words"}), 0)
	h.slack.Send("events_api", slackfake.EventCallback("Ev5", map[string]any{"type": "message", "subtype": "bot_message", "channel": "C1", "channel_type": "channel", "bot_id": "BOTHER", "ts": "1800000001.000002", "thread_ts": root, "text": "beep"}), 0)
	h.slack.Send("events_api", slackfake.EventCallback("Ev6", map[string]any{"type": "message", "subtype": "message_changed", "channel": "C1", "channel_type": "channel", "ts": "1800000001.000003", "message": map[string]any{"user": "U1", "text": "edited <@UBOT> q", "ts": next}}), 0)
	h.slack.Send("events_api", slackfake.EventCallback("Ev7", map[string]any{"type": "app_mention", "channel": "C1", "user": "U1", "ts": "1800000001.000004", "text": "<@UBOT> edited", "edited": map[string]any{"user": "U1", "ts": "1800000001.000005"}}), 0)
	time.Sleep(300 * time.Millisecond)
	h.a.Wait()
	if n := len(h.bot.asked()); n != 2 {
		t.Errorf("bot asked %d times after ignorable messages, want still 2", n)
	}
}

func TestSocketSlashCommands(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		method    string // where the reply lands
		want      []string
		wantAsked int
	}{
		{"question", "how many troops left?", "chat.update", []string{"<@U1> asked: how many troops left?", "[002_beta]", "Conflicting reports"}, 1},
		{"digest", "digest", "chat.update", []string{"Story digest — 2025-12-15", "Talks resumed. [005_eps]", "2 new articles from 2 outlets"}, 0},
		{"conflicts", "conflicts", "chat.update", []string{"disagree on 1 point", "troops withdrawn", "[003_gamma] [004_delta]"}, 0},
		{"sources", "sources 001_alpha", "chat.update", []string{"It begins", "Alpha Daily", "<https://alpha.example/1|It begins>"}, 0},
		{"unknown source", "sources nope", "chat.update", []string{"no article with the ID \\\"nope\\\""}, 0},
		{"help", "help", "response_url", []string{"/story digest", "/story conflicts"}, 0},
		{"empty", "", "response_url", []string{"/story sources"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.runSocket()
			start := time.Now()
			h.slack.Send("slash_commands", map[string]any{"command": "/story", "text": tt.text, "user_id": "U1", "channel_id": "C9", "trigger_id": "trig-" + tt.name, "response_url": h.slack.ResponseURL("C9")}, 0)
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("ack took %s", d)
			}
			cs := h.slack.WaitCalls(tt.method, func(cs []slackfake.Call) bool { return slackfake.Count(cs, tt.method, "C9") == 1 })
			got := slackfake.Find(cs, tt.method, "C9")[0]
			for _, w := range tt.want {
				if !strings.Contains(got.Blocks, w) {
					t.Errorf("%s blocks lack %q:\n%s", tt.method, w, got.Blocks)
				}
			}
			if tt.method == "chat.update" {
				if p := slackfake.Find(cs, "chat.postMessage", "C9"); len(p) != 1 || p[0].Text != "Reading 5 articles..." || p[0].ThreadTS != "" {
					t.Errorf("placeholder = %+v", p)
				}
			} else if got.ResponseType != "ephemeral" {
				t.Errorf("help should be ephemeral, got %q", got.ResponseType)
			}
			h.a.Wait()
			if n := len(h.bot.asked()); n != tt.wantAsked {
				t.Errorf("bot asked %d times, want %d", n, tt.wantAsked)
			}
		})
	}
}

func TestSlashCommandFallsBackToResponseURL(t *testing.T) {
	h := newHarness(t, nil)
	h.slack.NotInChannel("C7")
	h.runSocket()
	h.slack.Send("slash_commands", map[string]any{"command": "/story", "text": "how many troops left?", "user_id": "U1", "channel_id": "C7", "trigger_id": "t1", "response_url": h.slack.ResponseURL("C7")}, 0)
	cs := h.slack.WaitCalls("answer on the response URL", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "response_url", "C7") == 2 })
	r := slackfake.Find(cs, "response_url", "C7")
	if r[0].Text != "Reading 5 articles..." || r[0].ResponseType != "ephemeral" {
		t.Errorf("placeholder = %+v", r[0])
	}
	// Slack never turns the ephemeral placeholder into an in-channel
	// message: the answer is a new one, visible to the channel.
	if r[1].ResponseType != "in_channel" || r[1].Replace || !strings.Contains(r[1].Blocks, "[002_beta]") {
		t.Errorf("answer = %+v", r[1])
	}
}

func TestSocketSameEventTwiceAnsweredOnce(t *testing.T) {
	h := newHarness(t, nil)
	h.runSocket()
	ts := h.slack.AddMessage("C1", "", "U1", "<@UBOT> how many troops left?")
	ev := slackfake.EventCallback("EvDup", slackfake.Mention("C1", "U1", ts, "", "<@UBOT> how many troops left?"))
	h.slack.Send("events_api", ev, 0)
	h.slack.Send("events_api", ev, 1) // Slack's retry: same event ID, acked again
	// The message event for the same message (Slack sends both) is answered once too.
	h.slack.Send("events_api", slackfake.EventCallback("EvMsg", slackfake.Message("C1", "channel", "U1", ts, "", "<@UBOT> how many troops left?")), 0)
	h.slack.WaitCalls("the answer", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C1") >= 1 })
	time.Sleep(200 * time.Millisecond)
	h.a.Wait()
	cs := h.slack.Calls()
	if n := slackfake.Count(cs, "chat.postMessage", "C1"); n != 1 {
		t.Errorf("placeholders posted = %d, want 1", n)
	}
	if n := len(h.bot.asked()); n != 1 {
		t.Errorf("bot asked %d times, want 1", n)
	}
}

func TestRateLimitedBySlackThenSuccess(t *testing.T) {
	h := newHarness(t, nil)
	h.slack.RateLimit("chat.postMessage", 1, 2)
	h.slack.RateLimit("chat.update", 1, 2)
	h.runSocket()
	ts := h.slack.AddMessage("C1", "", "U1", "<@UBOT> q")
	h.slack.Send("events_api", slackfake.EventCallback("Ev429", slackfake.Mention("C1", "U1", ts, "", "<@UBOT> q")), 0)
	h.slack.WaitCalls("the answer after 429s", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C1") == 1 })
	for i := range 2 {
		select {
		case d := <-h.waits:
			if d != 2*time.Second {
				t.Errorf("wait %d = %s, want the Retry-After of 2s", i, d)
			}
		default:
			t.Errorf("wait %d: the adapter did not wait out the 429", i)
		}
	}
	if n := slackfake.Count(h.slack.Calls(), "chat.postMessage", "C1"); n != 1 {
		t.Errorf("placeholder posted %d times, want 1 (the 429 is not a post)", n)
	}
}

func TestPerUserRateLimitRepliesFriendly(t *testing.T) {
	var limited atomic.Int64
	h := newHarness(t, func(c *Config) {
		c.UserRate = time.Hour
		c.Burst = 1
		c.Hooks.RateLimited = func(scope string) {
			if scope == "user" {
				limited.Add(1)
			}
		}
	})
	h.runSocket()
	ts1 := h.slack.AddMessage("C1", "", "U1", "<@UBOT> one")
	h.slack.Send("events_api", slackfake.EventCallback("EvA", slackfake.Mention("C1", "U1", ts1, "", "<@UBOT> one")), 0)
	h.slack.WaitCalls("first answer", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C1") == 1 })
	ts2 := h.slack.AddMessage("C1", "", "U1", "<@UBOT> two")
	h.slack.Send("events_api", slackfake.EventCallback("EvB", slackfake.Mention("C1", "U1", ts2, "", "<@UBOT> two")), 0)
	cs := h.slack.WaitCalls("friendly reply", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.postMessage", "C1") == 2 })
	last := slackfake.Find(cs, "chat.postMessage", "C1")[1]
	if !strings.Contains(last.Text, "faster than I can read") || last.ThreadTS != ts2 {
		t.Errorf("rate-limit reply = %+v", last)
	}
	h.a.Wait()
	if n := len(h.bot.asked()); n != 1 {
		t.Errorf("bot asked %d times, want 1", n)
	}
	if n := limited.Load(); n != 1 {
		t.Errorf("RateLimited hook called %d times, want 1", n)
	}
}

func TestChannelAllowlist(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.AllowChannels = []string{"C1"} })
	h.runSocket()
	ts := h.slack.AddMessage("C2", "", "U1", "<@UBOT> q")
	h.slack.Send("events_api", slackfake.EventCallback("EvX", slackfake.Mention("C2", "U1", ts, "", "<@UBOT> q")), 0)
	cs := h.slack.WaitCalls("refusal", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.postMessage", "C2") == 1 })
	if p := slackfake.Find(cs, "chat.postMessage", "C2")[0]; !strings.Contains(p.Text, "not enabled in this channel") {
		t.Errorf("reply = %q", p.Text)
	}
	ts = h.slack.AddMessage("C1", "", "U1", "<@UBOT> q")
	h.slack.Send("events_api", slackfake.EventCallback("EvY", slackfake.Mention("C1", "U1", ts, "", "<@UBOT> q")), 0)
	h.slack.WaitCalls("answer in the allowed channel", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C1") == 1 })
	h.a.Wait()
	if n := len(h.bot.asked()); n != 1 {
		t.Errorf("bot asked %d times, want 1", n)
	}
}

func TestBotErrorIsAnswered(t *testing.T) {
	h := newHarness(t, nil)
	h.bot.answerErr = errors.New("index unavailable")
	h.runSocket()
	ts := h.slack.AddMessage("C1", "", "U1", "<@UBOT> q")
	h.slack.Send("events_api", slackfake.EventCallback("EvErr", slackfake.Mention("C1", "U1", ts, "", "<@UBOT> q")), 0)
	cs := h.slack.WaitCalls("error reply", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C1") == 1 })
	u := slackfake.Find(cs, "chat.update", "C1")[0]
	if !strings.HasPrefix(u.Text, chat.FailedText+" (reference ") || strings.Contains(u.Text+u.Blocks, "index unavailable") {
		t.Errorf("error reply = %q, want the fixed sentence with a reference and no error text", u.Text)
	}
}

func TestAnswerTimeoutIsAnswered(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.AnswerTimeout = 100 * time.Millisecond })
	h.bot.delay = time.Minute
	h.runSocket()
	ts := h.slack.AddMessage("C1", "", "U1", "<@UBOT> q")
	h.slack.Send("events_api", slackfake.EventCallback("EvSlow", slackfake.Mention("C1", "U1", ts, "", "<@UBOT> q")), 0)
	cs := h.slack.WaitCalls("timeout reply", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C1") == 1 })
	if u := slackfake.Find(cs, "chat.update", "C1")[0]; !strings.HasPrefix(u.Text, chat.TimeoutText+" (reference ") || strings.Contains(u.Text, "deadline") {
		t.Errorf("timeout reply = %q", u.Text)
	}
}

func TestFeedbackButtonsRecorded(t *testing.T) {
	h := newHarness(t, nil)
	h.runSocket()
	payload := map[string]any{
		"type":         "block_actions",
		"trigger_id":   "trig-fb",
		"user":         map[string]any{"id": "U1"},
		"channel":      map[string]any{"id": "C1"},
		"response_url": h.slack.ResponseURL("C1"),
		"actions":      []map[string]any{{"action_id": "feedback_not_helpful", "block_id": "feedback", "value": "ans-42", "type": "button", "action_ts": "1800000000.1"}},
	}
	h.slack.Send("interactive", payload, 0)
	h.slack.Send("interactive", payload, 1) // a redelivery is recorded once
	cs := h.slack.WaitCalls("thanks", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "response_url", "C1") == 1 })
	if r := slackfake.Find(cs, "response_url", "C1")[0]; r.Replace || r.ResponseType != "ephemeral" || !strings.Contains(r.Text, "missed the mark") {
		t.Errorf("thanks = %+v", r)
	}
	h.a.Wait()
	h.bot.mu.Lock()
	defer h.bot.mu.Unlock()
	if len(h.bot.feedback) != 1 {
		t.Fatalf("feedback recorded %d times, want 1", len(h.bot.feedback))
	}
	if f := h.bot.feedback[0]; f.AnswerID != "ans-42" || f.Helpful || f.User != "U1" || f.Platform != "slack" || f.At.IsZero() {
		t.Errorf("feedback = %+v", f)
	}
}

func TestSocketModeRejectsWrongAppToken(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.AppToken = "xapp-wrong" })
	err := h.a.Run(t.Context())
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("Run with a wrong app token = %v, want invalid_auth", err)
	}
	if h.a.Ready() {
		t.Error("Ready after a refused connection")
	}
}
