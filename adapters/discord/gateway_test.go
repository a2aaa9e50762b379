package discord

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/adapters/chat"
	"github.com/storybot/storybot/bot"

	"github.com/storybot/storybot/adapters/discord/discordfake"
)

// sampleAnswer is a fixed answer with a conflict and sources, shaped like
// the ones bot.Service gives for the sample story.
func sampleAnswer() bot.Answer {
	pub := time.Date(2025, 12, 15, 0, 0, 0, 0, time.UTC)
	return bot.Answer{
		ID: "ans-42",
		Sentences: []bot.Sentence{
			{Text: "The president said the country would drop its bid to join the alliance in exchange for security guarantees.", Citations: []string{"000_594ce857ad291df7", "001_ccb51c14b77c787b"}},
			{Text: "The announcement came after talks in Berlin with envoys from Washington.", Citations: []string{"002_bd6c7c73cd97d84f"}},
			{Text: "Officials called the *offer* a \"painful_compromise\".", Citations: []string{"003_d2e172f256ad25d0"}},
		},
		Conflicts: []bot.Conflict{{
			Topic: "alliance Secretary General", Kind: bot.ConflictRole,
			Positions: []bot.Position{
				{Claim: "Jens Stoltenberg", Articles: []string{"000_594ce857ad291df7"}},
				{Claim: "Mark Rutte", Articles: []string{"001_ccb51c14b77c787b", "004_7c1e63f644720b9e"}},
			},
		}},
		Sources: []bot.Source{
			{ID: "000_594ce857ad291df7", Outlet: "Example Times", Title: "A shift in policy", Published: pub, URL: "https://example.com/a_b?x=1"},
			{ID: "001_ccb51c14b77c787b", Outlet: "Daily Example", Title: "Talks in Berlin"},
			{ID: "002_bd6c7c73cd97d84f"},
			{ID: "003_d2e172f256ad25d0", URL: "https://example.org/3"},
			{ID: "004_7c1e63f644720b9e", Outlet: "Wire", Published: pub},
		},
		Note:     "a model was not available; the offline answer is shown",
		Composer: "extractive",
	}
}

// flatten rebuilds the plain text of an answer from its Discord rendering,
// the inverse of renderAnswer's layout: the description, a "Conflicting
// reports" line per conflict field, the Sources list and the note.
func flatten(msgs []discordfake.Sent) string {
	var b strings.Builder
	for _, m := range msgs {
		for _, e := range m.Embeds {
			if e.Description != "" {
				if b.Len() > 0 {
					b.WriteString(" ")
				}
				b.WriteString(unescapeMarkdown(e.Description))
			}
			for _, f := range e.Fields {
				v := unescapeMarkdown(f.Value)
				switch {
				case strings.HasPrefix(f.Name, "Conflicting reports: "):
					b.WriteString("\n" + f.Name + " — " + strings.ReplaceAll(v, "\nvs ", " vs "))
				case f.Name == "Sources":
					b.WriteString("\nSources:\n" + v)
				case strings.HasSuffix(f.Name, " (continued)"):
					b.WriteString("\n" + v)
				}
			}
			if e.Footer != nil {
				b.WriteString("\n(" + e.Footer.Text + ")")
			}
		}
	}
	return b.String()
}

func decodeMessage(t *testing.T, body []byte) discordfake.Sent {
	t.Helper()
	var m discordfake.Sent
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
	return m
}

type harness struct {
	fd      *discordfake.Server
	bot     *fakeBot
	adapter *Adapter
	cancel  context.CancelFunc
	done    chan error
}

// startGateway runs an adapter against the fake Discord through the real
// Session.Open, and waits until it is ready.
func startGateway(t *testing.T, fb *fakeBot, tweak func(*Config)) *harness {
	t.Helper()
	return startGatewayOn(t, discordfake.New(t), fb, tweak, nil)
}

// startGatewayOn is startGateway on a given fake Discord; b, when not nil,
// replaces fb as the adapter's Bot.
func startGatewayOn(t *testing.T, fd *discordfake.Server, fb *fakeBot, tweak func(*Config), b chat.Bot) *harness {
	t.Helper()
	if b == nil {
		b = fb
	}
	// Through APIURL (DISCORD_API_URL), as the binary is pointed at a stand-in.
	cfg := Config{Token: testToken, AppID: testAppID, GuildID: testGuild, APIURL: fd.APIURL(),
		UserRate: time.Millisecond, Burst: 100}
	if tweak != nil {
		tweak(&cfg)
	}
	a, err := New(cfg, b, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{fd: fd, bot: fb, adapter: a, cancel: cancel, done: make(chan error, 1)}
	go func() { h.done <- a.Run(ctx) }()
	t.Cleanup(func() { h.stop(t) })
	deadline := time.Now().Add(10 * time.Second)
	for !a.Ready() {
		select {
		case err := <-h.done:
			h.done <- err
			t.Fatalf("Run ended before ready: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("adapter not ready; requests: %v", fd.Summary())
		}
		time.Sleep(5 * time.Millisecond)
	}
	return h
}

func (h *harness) stop(t *testing.T) {
	t.Helper()
	h.cancel()
	select {
	case err := <-h.done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
		h.done <- nil
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

var (
	pathCallback = regexp.MustCompile(`^/interactions/[^/]+/[^/]+/callback$`)
	pathOriginal = regexp.MustCompile(`^/webhooks/[^/]+/[^/]+/messages/@original$`)
	pathFollowup = regexp.MustCompile(`^/webhooks/[^/]+/[^/]+$`)
	pathCommands = regexp.MustCompile(`/commands$`)
	pathThreads  = regexp.MustCompile(`/threads$`)
	pathGateway  = regexp.MustCompile(`^/gateway`)
)

func callbackType(t *testing.T, body []byte) (int, discordfake.Sent) {
	t.Helper()
	var cb struct {
		Type int              `json:"type"`
		Data discordfake.Sent `json:"data"`
	}
	if err := json.Unmarshal(body, &cb); err != nil {
		t.Fatal(err)
	}
	return cb.Type, cb.Data
}

// TestGatewayAskMatchesConsole is the acceptance test: /ask through the
// gateway yields the answer content the console prints (bot.Answer.Text).
func TestGatewayAskMatchesConsole(t *testing.T) {
	t.Parallel()
	fb := &fakeBot{answer: sampleAnswer()}
	h := startGateway(t, fb, nil)

	ident := h.fd.Identified()
	if len(ident) != 1 || ident[0].Token != "Bot "+testToken {
		t.Fatalf("IDENTIFY = %+v, want the bot token", ident)
	}
	if want := int(discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages); ident[0].Intents != want {
		t.Errorf("intents = %d, want %d (no privileged intents)", ident[0].Intents, want)
	}
	puts := h.fd.WaitFor(t, 1, "PUT", pathCommands)
	if puts[0].Path != "/applications/"+testAppID+"/guilds/"+testGuild+"/commands" {
		t.Errorf("commands registered at %s, want the guild", puts[0].Path)
	}

	question := "Who leads the alliance?"
	h.fd.Dispatch(t, "INTERACTION_CREATE", h.fd.CommandInteraction("i-1", testUser, "ask", map[string]string{"question": question}))

	cbs := h.fd.WaitFor(t, 1, "POST", pathCallback)
	if typ, _ := callbackType(t, cbs[0].Body); typ != 5 {
		t.Fatalf("first response type = %d, want 5 (deferred)", typ)
	}
	edits := h.fd.WaitFor(t, 1, "PATCH", pathOriginal)
	msgs := []discordfake.Sent{decodeMessage(t, edits[0].Body)}
	time.Sleep(50 * time.Millisecond)
	for _, f := range h.fd.Matching("POST", pathFollowup) {
		msgs = append(msgs, decodeMessage(t, f.Body))
	}
	want := fb.answer
	want.Question = question
	if got := flatten(msgs); got != want.Text() {
		t.Errorf("Discord rendering differs from the console text.\n got: %q\nwant: %q", got, want.Text())
	}
	if len(msgs[len(msgs)-1].Components) != 1 {
		t.Errorf("want one row of feedback buttons, got %d", len(msgs[len(msgs)-1].Components))
	}
	if msgs[0].Embeds[0].Title != question {
		t.Errorf("embed title = %q, want the question", msgs[0].Embeds[0].Title)
	}
	qs := fb.asked()
	if len(qs) != 1 {
		t.Fatalf("bot asked %d questions, want 1", len(qs))
	}
	if got := qs[0]; got.Text != question || got.Platform != "discord" || got.User != testUser || got.Channel != testChan {
		t.Errorf("question = %+v", got)
	}
}

func TestGatewayLongAnswerUsesFollowUps(t *testing.T) {
	t.Parallel()
	long := sampleAnswer()
	long.Sentences = nil
	for i := range 40 {
		long.Sentences = append(long.Sentences, bot.Sentence{
			Text:      strings.Repeat("word ", 50) + "sentence " + string(rune('A'+i%26)) + ".",
			Citations: []string{"000_594ce857ad291df7"},
		})
	}
	for i := range 60 {
		long.Sources = append(long.Sources, bot.Source{ID: "id-" + strings.Repeat("x", i%7) + string(rune('a'+i%26)),
			Outlet: "Outlet", Title: strings.Repeat("Headline ", 8), URL: "https://example.com/" + strings.Repeat("p", 30)})
	}
	fb := &fakeBot{answer: long}
	h := startGateway(t, fb, nil)
	h.fd.Dispatch(t, "INTERACTION_CREATE", h.fd.CommandInteraction("i-long", testUser, "ask", map[string]string{"question": "everything?"}))
	h.fd.WaitFor(t, 1, "PATCH", pathOriginal)
	fups := h.fd.WaitFor(t, 1, "POST", pathFollowup)
	time.Sleep(100 * time.Millisecond)
	fups = h.fd.Matching("POST", pathFollowup)
	var all strings.Builder
	for _, r := range append(h.fd.Matching("PATCH", pathOriginal), fups...) {
		m := decodeMessage(t, r.Body)
		for _, e := range m.Embeds {
			all.WriteString(unescapeMarkdown(e.Description) + "\n")
			for _, f := range e.Fields {
				all.WriteString(unescapeMarkdown(f.Value) + "\n")
			}
		}
	}
	// The fake rejects any message over Discord's limits, so reaching here
	// means every message fitted; now check nothing was lost.
	for _, s := range long.Sentences {
		if !strings.Contains(all.String(), s.Text) {
			t.Fatalf("sentence %q missing from the messages", s.Text)
		}
	}
	for _, s := range long.Sources {
		if !strings.Contains(all.String(), "- "+s.ID) {
			t.Fatalf("source %s missing", s.ID)
		}
	}
	if len(fups) == 0 {
		t.Fatal("want follow-up messages for the overflow")
	}
}

func TestGatewayCommands(t *testing.T) {
	t.Parallel()
	pub := time.Date(2025, 12, 14, 9, 0, 0, 0, time.UTC)
	fb := &fakeBot{
		size:      5,
		conflicts: sampleAnswer().Conflicts,
		articles:  map[string]bot.Article{"001_x": {ID: "001_x", Title: "Talks", Outlet: "Wire", URL: "https://e.com/1", Published: pub, Text: "Body text here."}},
		digest: &bot.Digest{ID: "2025-12-15", Since: pub, Until: pub.Add(24 * time.Hour), NewArticles: 2, Outlets: 2,
			Bullets: []bot.Sentence{{Text: "Talks resumed.", Citations: []string{"001_x"}}}},
	}
	h := startGateway(t, fb, nil)
	tests := []struct {
		name, cmd string
		opts      map[string]string
		want      []string
	}{
		{"help", "help", nil, []string{"/ask question:", "/sources id:", "I have 5 articles"}},
		{"digest", "digest", nil, []string{"Story digest — 2025-12-15", "2 new articles from 2 outlets", "- Talks resumed. [001\\_x]"}},
		{"conflicts", "conflicts", nil, []string{"Conflicting reports (1)", "alliance Secretary General (role)", "Jens Stoltenberg [000\\_594ce857ad291df7]\nvs Mark Rutte"}},
		{"sources found", "sources", map[string]string{"id": "[001_x]"}, []string{"Talks", "https://e.com/1", "Body text here.", "2025-12-14"}},
		{"sources unknown", "sources", map[string]string{"id": "nope"}, []string{"I have no article with the ID `nope`."}},
	}
	for n, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := "i-cmd-" + tc.name
			h.fd.Dispatch(t, "INTERACTION_CREATE", h.fd.CommandInteraction(id, testUser, tc.cmd, tc.opts))
			edits := h.fd.WaitFor(t, n+1, "PATCH", pathOriginal)
			raw, _ := json.Marshal(decodeMessage(t, edits[n].Body))
			for _, w := range tc.want {
				wj, _ := json.Marshal(w)
				if !strings.Contains(string(raw), strings.Trim(string(wj), `"`)) {
					t.Errorf("reply lacks %q:\n%s", w, raw)
				}
			}
		})
	}
}

func TestGatewayErrorIsAnswered(t *testing.T) {
	t.Parallel()
	fb := &fakeBot{answerErr: errors.New("the index is not loaded")}
	h := startGateway(t, fb, nil)
	h.fd.Dispatch(t, "INTERACTION_CREATE", h.fd.CommandInteraction("i-err", testUser, "ask", map[string]string{"question": "q?"}))
	edits := h.fd.WaitFor(t, 1, "PATCH", pathOriginal)
	if got := decodeMessage(t, edits[0].Body).Text(); !strings.HasPrefix(got, chat.FailedText+" (reference ") || strings.Contains(got, "index") {
		t.Errorf("error reply = %q", got)
	}
}

// TestShutdownAnswersPending checks that a question still being worked on
// when the adapter stops gets an error reply, not an endless "thinking...".
func TestShutdownAnswersPending(t *testing.T) {
	t.Parallel()
	fb := &fakeBot{block: true}
	h := startGateway(t, fb, nil)
	h.fd.Dispatch(t, "INTERACTION_CREATE", h.fd.CommandInteraction("i-block", testUser, "ask", map[string]string{"question": "q?"}))
	h.fd.WaitFor(t, 1, "POST", pathCallback)
	for len(fb.asked()) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	h.stop(t)
	edits := h.fd.Matching("PATCH", pathOriginal)
	if len(edits) != 1 {
		t.Fatalf("want the pending answer edited once on shutdown, got %d edits", len(edits))
	}
	if got := decodeMessage(t, edits[0].Body).Text(); !strings.HasPrefix(got, chat.StoppedText+" (reference ") || strings.Contains(got, "canceled") {
		t.Errorf("reply = %q", got)
	}
}

func TestGatewayRateLimit(t *testing.T) {
	t.Parallel()
	fb := &fakeBot{answer: sampleAnswer()}
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	var limited atomic.Int64
	h := startGateway(t, fb, func(c *Config) {
		c.UserRate, c.Burst, c.Now = time.Minute, 1, func() time.Time { return now }
		c.Hooks.RateLimited = func(scope string) {
			if scope == "user" {
				limited.Add(1)
			}
		}
	})
	h.fd.Dispatch(t, "INTERACTION_CREATE", h.fd.CommandInteraction("i-r1", testUser, "ask", map[string]string{"question": "one?"}))
	h.fd.WaitFor(t, 1, "PATCH", pathOriginal)
	h.fd.Dispatch(t, "INTERACTION_CREATE", h.fd.CommandInteraction("i-r2", testUser, "ask", map[string]string{"question": "two?"}))
	cbs := h.fd.WaitFor(t, 2, "POST", pathCallback)
	typ, data := callbackType(t, cbs[1].Body)
	if typ != 4 || data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 || !strings.Contains(data.Text(), "Give me 60 seconds") {
		t.Errorf("rate-limited reply: type %d flags %d %q", typ, data.Flags, data.Text())
	}
	// Another user is not limited.
	h.fd.Dispatch(t, "INTERACTION_CREATE", h.fd.CommandInteraction("i-r3", "someone-else", "ask", map[string]string{"question": "three?"}))
	h.fd.WaitFor(t, 2, "PATCH", pathOriginal)
	if n := limited.Load(); n != 1 {
		t.Errorf("RateLimited hook called %d times, want 1", n)
	}
	if n := len(fb.asked()); n != 2 {
		t.Errorf("bot asked %d questions, want 2", n)
	}
}

func TestGatewayFeedbackButton(t *testing.T) {
	t.Parallel()
	fb := &fakeBot{answer: sampleAnswer()}
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	h := startGateway(t, fb, func(c *Config) { c.Now = func() time.Time { return now } })
	for i, tc := range []struct {
		custom  string
		helpful bool
		reply   string
	}{
		{feedbackID(false, "ans-42"), false, "missed the mark"},
		{feedbackID(true, "ans-42"), true, "helped"},
		{"something-else", false, "I don't know that button."},
	} {
		token := "itoken-fb" + string(rune('0'+i))
		h.fd.RegisterInteraction(token, false)
		h.fd.Dispatch(t, "INTERACTION_CREATE", map[string]any{
			"id": "i-fb" + string(rune('0'+i)), "application_id": testAppID, "type": 3, "token": token, "version": 1,
			"channel_id": testChan, "guild_id": testGuild,
			"member": map[string]any{"user": map[string]any{"id": testUser}},
			"data":   map[string]any{"custom_id": tc.custom, "component_type": 2},
		})
		cbs := h.fd.WaitFor(t, i+1, "POST", pathCallback)
		typ, data := callbackType(t, cbs[i].Body)
		if typ != 4 || data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 || !strings.Contains(data.Text(), tc.reply) {
			t.Errorf("button %q: reply type %d %q", tc.custom, typ, data.Text())
		}
	}
	fb.mu.Lock()
	defer fb.mu.Unlock()
	want := []bot.Feedback{
		{AnswerID: "ans-42", Helpful: false, Platform: "discord", User: testUser, At: now},
		{AnswerID: "ans-42", Helpful: true, Platform: "discord", User: testUser, At: now},
	}
	if len(fb.feedback) != 2 || fb.feedback[0] != want[0] || fb.feedback[1] != want[1] {
		t.Errorf("feedback = %+v, want %+v", fb.feedback, want)
	}
}

func TestGatewayMentionStartsThreadAndFollowUpHasHistory(t *testing.T) {
	t.Parallel()
	fb := &fakeBot{answer: sampleAnswer()}
	h := startGateway(t, fb, nil)

	// Someone else's chatter without a mention is not ours to answer.
	h.fd.Dispatch(t, "MESSAGE_CREATE", h.fd.UserMessage(testChan, "", false))

	first := h.fd.UserMessage(testChan, "<@"+testBotID+"> who leads the alliance?", true)
	h.fd.Dispatch(t, "MESSAGE_CREATE", first)
	threads := h.fd.WaitFor(t, 1, "POST", pathThreads)
	threadID := first["id"].(string)
	if threads[0].Path != "/channels/"+testChan+"/messages/"+threadID+"/threads" {
		t.Errorf("thread started at %s", threads[0].Path)
	}
	var ts discordgo.ThreadStart
	_ = json.Unmarshal(threads[0].Body, &ts)
	if ts.Name != "who leads the alliance?" {
		t.Errorf("thread name = %q", ts.Name)
	}
	inThread := regexp.MustCompile("^/channels/" + threadID + "/messages$")
	posts := h.fd.WaitFor(t, 1, "POST", inThread)
	if n := len(h.fd.Matching("POST", regexp.MustCompile("^/channels/"+threadID+"/typing$"))); n != 1 {
		t.Errorf("typing indicators in the thread = %d, want 1", n)
	}
	if got := flatten([]discordfake.Sent{decodeMessage(t, posts[0].Body)}); !strings.Contains(got, "Conflicting reports: alliance Secretary General") {
		t.Errorf("thread answer = %q", got)
	}

	// A follow-up in the thread (mentioning the bot: no privileged intent).
	follow := h.fd.UserMessage(threadID, "<@"+testBotID+"> and before him?", true)
	h.fd.Dispatch(t, "MESSAGE_CREATE", follow)
	h.fd.WaitFor(t, 2, "POST", inThread)
	if n := len(h.fd.Matching("POST", pathThreads)); n != 1 {
		t.Errorf("follow-up started %d threads in all, want 1", n)
	}
	qs := fb.asked()
	if len(qs) != 2 {
		t.Fatalf("asked %d questions, want 2", len(qs))
	}
	if qs[0].Text != "who leads the alliance?" || qs[0].Channel != threadID || len(qs[0].Thread) != 0 {
		t.Errorf("first question = %+v", qs[0])
	}
	q := qs[1]
	if q.Text != "and before him?" || q.Channel != threadID || q.Platform != "discord" || q.User != testUser {
		t.Errorf("follow-up question = %+v", q)
	}
	if len(q.Thread) != 2 || q.Thread[0] != (bot.Turn{Role: bot.RoleUser, Text: "who leads the alliance?"}) ||
		q.Thread[1].Role != bot.RoleBot || !strings.HasPrefix(q.Thread[1].Text, fb.answer.Sentences[0].Text) {
		t.Errorf("thread history = %+v", q.Thread)
	}
}

func TestGatewayMentionWithoutThreadPermission(t *testing.T) {
	t.Parallel()
	fb := &fakeBot{answer: sampleAnswer()}
	h := startGateway(t, fb, nil)
	h.fd.Fail("/channels/"+testChan+"/messages/", 403) // thread creation refused
	m := h.fd.UserMessage(testChan, "<@!"+testBotID+"> what happened?", true)
	h.fd.Dispatch(t, "MESSAGE_CREATE", m)
	posts := h.fd.WaitFor(t, 1, "POST", regexp.MustCompile("^/channels/"+testChan+"/messages$"))
	sm := decodeMessage(t, posts[0].Body)
	if sm.Reference == nil || sm.Reference.MessageID != m["id"] {
		t.Errorf("fallback reply should reference the question, got %+v", sm.Reference)
	}
	if len(sm.Embeds) == 0 {
		t.Error("fallback reply has no answer embed")
	}
}

func TestRegisterCommandsIdempotent(t *testing.T) {
	t.Parallel()
	for _, guild := range []string{"", testGuild} {
		fd := discordfake.New(t)
		a, err := New(Config{Token: testToken, AppID: testAppID, GuildID: guild, HTTPClient: fd.Client()}, &fakeBot{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := a.RegisterCommands(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		puts := fd.Matching("PUT", pathCommands)
		if len(puts) != 2 || string(puts[0].Body) != string(puts[1].Body) {
			t.Fatalf("guild %q: want two identical overwrites, got %d", guild, len(puts))
		}
		wantPath := "/applications/" + testAppID + "/commands"
		if guild != "" {
			wantPath = "/applications/" + testAppID + "/guilds/" + guild + "/commands"
		}
		if puts[0].Path != wantPath {
			t.Errorf("path = %s, want %s", puts[0].Path, wantPath)
		}
		var cmds []struct {
			Name    string `json:"name"`
			Options []struct {
				Name     string `json:"name"`
				Type     int    `json:"type"`
				Required bool   `json:"required"`
			} `json:"options"`
		}
		if err := json.Unmarshal(puts[0].Body, &cmds); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range cmds {
			names = append(names, c.Name)
		}
		if strings.Join(names, ",") != "ask,digest,conflicts,sources,help" {
			t.Errorf("commands = %v", names)
		}
		if o := cmds[0].Options; len(o) != 1 || o[0].Name != "question" || o[0].Type != 3 || !o[0].Required {
			t.Errorf("/ask options = %+v", o)
		}
		if o := cmds[3].Options; len(o) != 1 || o[0].Name != "id" || !o[0].Required {
			t.Errorf("/sources options = %+v", o)
		}
	}
}

func TestWrongTokenIsRefused(t *testing.T) {
	t.Parallel()
	fd := discordfake.New(t)
	a, err := New(Config{Token: "d3JvbmcK.wrong.d3JvbmctdG9rZW4", AppID: testAppID, HTTPClient: fd.Client()}, &fakeBot{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = a.Run(context.Background())
	var p *chat.Problem
	if !errors.As(err, &p) || !strings.Contains(p.Reason, "401") || !strings.Contains(p.Fix, "DISCORD_BOT_TOKEN") || p.Permanent {
		t.Errorf("Run with a wrong token = %v, want a retryable problem naming the 401 and the setting", err)
	}
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  Config
		b    chat.Bot
	}{
		{"no token", Config{AppID: "1"}, &fakeBot{}},
		{"no app", Config{Token: testToken}, &fakeBot{}},
		{"no bot", Config{Token: testToken, AppID: "1"}, nil},
		{"bad key", Config{Token: testToken, AppID: "1", PublicKey: "zz"}, &fakeBot{}},
		{"short key", Config{Token: testToken, AppID: "1", PublicKey: "abcd"}, &fakeBot{}},
		{"client secret as token", Config{Token: "k3Zt9vQwX1yR2uS4tP6oN8mL0jH5gF7d", AppID: "1"}, &fakeBot{}},
		{"public key as token", Config{Token: strings.Repeat("ab", 32), AppID: "1"}, &fakeBot{}},
		{"bad API URL", Config{Token: testToken, AppID: "1", APIURL: "discord.com/api"}, &fakeBot{}},
	} {
		if _, err := New(tc.cfg, tc.b, nil); err == nil {
			t.Errorf("%s: New succeeded", tc.name)
		}
	}
}

func TestPublisher(t *testing.T) {
	t.Parallel()
	fd := discordfake.New(t)
	a, err := New(Config{Token: testToken, AppID: testAppID, HTTPClient: fd.Client()}, &fakeBot{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var p bot.Publisher = a.Publisher(testChan)
	if p.Name() != "discord:"+testChan {
		t.Errorf("Name = %q", p.Name())
	}
	d := bot.Digest{ID: "2025-12-15", NewArticles: 1, Outlets: 1, Bullets: []bot.Sentence{{Text: "News.", Citations: []string{"a"}}},
		Sources: []bot.Source{{ID: "a", URL: "https://e.com/a"}}}
	if err := p.Publish(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	posts := fd.Matching("POST", regexp.MustCompile("^/channels/"+testChan+"/messages$"))
	if len(posts) != 1 || !strings.Contains(string(posts[0].Body), "News. [a]") {
		t.Fatalf("posts = %v", fd.Summary())
	}
	if err := a.Publisher("unknown-channel").Publish(context.Background(), d); err == nil {
		t.Error("publishing to an unknown channel succeeded")
	}
}

func TestConfigRedaction(t *testing.T) {
	t.Parallel()
	cfg := Config{Token: "s3cret", AppID: "1", GuildID: "2"}
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("cfg", "discord", cfg)
	if strings.Contains(b.String(), "s3cret") || !strings.Contains(b.String(), "<redacted>") {
		t.Errorf("log shows the token: %s", b.String())
	}
}

func TestGatewayDirectMessage(t *testing.T) {
	t.Parallel()
	fb := &fakeBot{answer: sampleAnswer()}
	h := startGateway(t, fb, nil)
	m := h.fd.UserMessage(testDM, "what happened in Berlin?", false)
	delete(m, "guild_id")
	h.fd.Dispatch(t, "MESSAGE_CREATE", m)
	posts := h.fd.WaitFor(t, 1, "POST", regexp.MustCompile("^/channels/"+testDM+"/messages$"))
	if sm := decodeMessage(t, posts[0].Body); len(sm.Embeds) == 0 || sm.Reference == nil {
		t.Errorf("DM reply = %+v", sm)
	}
	if qs := fb.asked(); len(qs) != 1 || qs[0].Text != "what happened in Berlin?" || qs[0].Channel != testDM {
		t.Errorf("questions = %+v", qs)
	}
	if n := len(h.fd.Matching("POST", pathThreads)); n != 0 {
		t.Errorf("started %d threads in a DM", n)
	}
}

// With the Message Content intent, follow-ups in the bot's thread need no
// mention.
func TestGatewayThreadFollowUpWithMessageContent(t *testing.T) {
	t.Parallel()
	fb := &fakeBot{answer: sampleAnswer()}
	fd := discordfake.New(t)
	fd.SetPrivileged(true)
	h := startGatewayOn(t, fd, fb, func(c *Config) { c.MessageContent = true }, nil)
	got := h.fd.Identified()[0].Intents
	if got&int(discordgo.IntentMessageContent) == 0 {
		t.Fatalf("intents %d lack Message Content", got)
	}
	first := h.fd.UserMessage(testChan, "<@"+testBotID+"> who leads the alliance?", true)
	h.fd.Dispatch(t, "MESSAGE_CREATE", first)
	threadID := first["id"].(string)
	inThread := regexp.MustCompile("^/channels/" + threadID + "/messages$")
	h.fd.WaitFor(t, 1, "POST", inThread)
	// Plain chatter in the parent channel is not answered...
	h.fd.Dispatch(t, "MESSAGE_CREATE", h.fd.UserMessage(testChan, "lunch anyone?", false))
	// ...but a follow-up in the bot's thread is.
	h.fd.Dispatch(t, "MESSAGE_CREATE", h.fd.UserMessage(threadID, "since when?", false))
	h.fd.WaitFor(t, 2, "POST", inThread)
	time.Sleep(50 * time.Millisecond)
	qs := fb.asked()
	if len(qs) != 2 || qs[1].Text != "since when?" || len(qs[1].Thread) != 2 {
		t.Errorf("questions = %+v", qs)
	}
}

// When Discord refuses the answer, the user still gets an error in place of
// "thinking...".
func TestGatewayRejectedEditFallsBackToError(t *testing.T) {
	t.Parallel()
	fb := &fakeBot{answer: sampleAnswer()}
	h := startGateway(t, fb, nil)
	h.fd.FailOnce("/webhooks/", 400)
	h.fd.Dispatch(t, "INTERACTION_CREATE", h.fd.CommandInteraction("i-rej", testUser, "ask", map[string]string{"question": "q?"}))
	edits := h.fd.WaitFor(t, 2, "PATCH", pathOriginal)
	if got := decodeMessage(t, edits[1].Body).Text(); !strings.HasPrefix(got, chat.FailedText+" (reference ") {
		t.Errorf("fallback = %q", got)
	}
}

func TestGatewayMentionRateLimit(t *testing.T) {
	t.Parallel()
	fb := &fakeBot{answer: sampleAnswer()}
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	h := startGateway(t, fb, func(c *Config) {
		c.UserRate, c.Burst, c.Now = time.Minute, 1, func() time.Time { return now }
	})
	for i := range 3 {
		h.fd.Dispatch(t, "MESSAGE_CREATE", h.fd.UserMessage(testChan, "<@"+testBotID+"> question "+string(rune('a'+i)), true))
	}
	// One answer in a thread, one friendly reply in the channel (the third
	// message is not answered again: the user was just told).
	h.fd.WaitFor(t, 1, "POST", pathThreads)
	posts := h.fd.WaitFor(t, 1, "POST", regexp.MustCompile("^/channels/"+testChan+"/messages$"))
	time.Sleep(100 * time.Millisecond)
	posts = h.fd.Matching("POST", regexp.MustCompile("^/channels/"+testChan+"/messages$"))
	if len(posts) != 1 || !strings.Contains(decodeMessage(t, posts[0].Body).Text(), "Give me 60 seconds") {
		t.Errorf("rate-limit replies = %d, first %q", len(posts), decodeMessage(t, posts[0].Body).Text())
	}
	if n := len(fb.asked()); n != 1 {
		t.Errorf("asked %d, want 1", n)
	}
}

// panicBot is a Bot whose Answer panics, as a bug might.
type panicBot struct{ fakeBot }

func (*panicBot) Answer(context.Context, bot.Question) (bot.Answer, error) { panic("boom") }

func TestGatewayPanicIsAnswered(t *testing.T) {
	t.Parallel()
	fd := discordfake.New(t)
	h := startGatewayOn(t, fd, nil, nil, &panicBot{})
	h.fd.Dispatch(t, "INTERACTION_CREATE", h.fd.CommandInteraction("i-panic", testUser, "ask", map[string]string{"question": "q?"}))
	edits := h.fd.WaitFor(t, 1, "PATCH", pathOriginal)
	if got := decodeMessage(t, edits[0].Body).Text(); !strings.HasPrefix(got, chat.FailedText+" (reference ") || strings.Contains(got, "boom") {
		t.Errorf("reply = %q", got)
	}
}
