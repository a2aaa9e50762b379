package slackfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/slacktest"
)

// Tokens and identities the fake accepts and reports.
const (
	// BotToken is the only bot token the Web API methods accept.
	BotToken = "xoxb-test-bot-token"
	// AppToken is the only app token apps.connections.open accepts.
	AppToken = "xapp-1-test-app-token"
	// BotUser and BotID are the bot's identity, as auth.test reports it.
	BotUser = "UBOT"
	BotID   = "BBOT"
)

// Block Kit limits the fake enforces, as Slack does.
const (
	maxBlocks       = 50
	maxSectionText  = 3000
	maxContextElems = 10
)

// Call is one recorded write to the fake Slack.
type Call struct {
	// Method is chat.postMessage, chat.update or response_url.
	Method string
	// Channel is the channel posted to; for response_url, the last path
	// element of the response URL (see ResponseURL).
	Channel string
	// TS is the timestamp of the message posted or updated.
	TS string
	// ThreadTS is the thread a message was posted in, if any.
	ThreadTS string
	// Text is the fallback text.
	Text string
	// Blocks is the Block Kit JSON, re-encoded without HTML escapes.
	Blocks string
	// UnfurlLinks and UnfurlMedia are the form values sent, e.g. "false".
	UnfurlLinks, UnfurlMedia string
	// ResponseType and Replace are what a response_url post asked for.
	ResponseType string
	Replace      bool
	// Metadata is the message metadata posted with the message, if any.
	Metadata *slackgo.SlackMetadata
}

// Server is a slacktest server with handlers that check what Slack
// checks (tokens, payload shape, Block Kit limits) and record what the bot
// posts, plus a Socket Mode WebSocket that sends envelopes and reads acks.
type Server struct {
	t   testing.TB
	srv *slacktest.Server

	mu       sync.Mutex
	calls    []Call
	msgs     map[string][]slackgo.Message // channel/thread root → messages, oldest first
	seq      int
	limited  map[string]int // method → 429s still to send
	retryHdr string
	opens    int
	conns    []*websocket.Conn
	outbox   chan []byte
	acks     chan string
	notIn    map[string]bool // channels the bot is not a member of
	replies  int             // conversations.replies calls
	authErrs int
	onPost   func(Call)
	// scopes, when set, are the bot token's scopes: a method needing
	// another answers missing_scope, as Slack does.
	scopes map[string]bool
	denied []string
	// ephemeral records, per response URL, that an ephemeral message was
	// posted there (Slack cannot turn it into an in-channel one).
	ephemeral map[string]bool
}

// New starts a fake Slack for the test; it stops when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	f := &Server{
		t:        t,
		msgs:     map[string][]slackgo.Message{},
		limited:  map[string]int{},
		retryHdr: "2",
		outbox:   make(chan []byte, 64),
		acks:     make(chan string, 64),
		notIn:    map[string]bool{},
	}
	f.srv = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/auth.test", f.authTest)
		c.Handle("/chat.postMessage", f.postMessage)
		c.Handle("/chat.update", f.update)
		c.Handle("/conversations.replies", f.conversationsReplies)
		c.Handle("/conversations.history", f.conversationsHistory)
		c.Handle("/apps.connections.open", f.connectionsOpen)
		c.Handle("/ws", f.websocket)
		c.Handle("/response/", f.responseURL)
	})
	f.srv.Start()
	t.Cleanup(f.stop)
	return f
}

// stop closes the WebSockets and the server.
func (f *Server) stop() {
	f.mu.Lock()
	for _, c := range f.conns {
		_ = c.Close()
	}
	f.mu.Unlock()
	f.srv.Stop()
}

// APIURL is the Web API base URL to configure the client with (it ends in
// "/"). apps.connections.open there returns the fake's Socket Mode URL.
func (f *Server) APIURL() string { return f.srv.GetAPIURL() }

// ResponseURL returns a response URL on the fake; posts to it are recorded
// as response_url calls with Channel set to name.
func (f *Server) ResponseURL(name string) string { return f.srv.GetAPIURL() + "response/" + name }

// NotInChannel makes chat.postMessage to channel fail with not_in_channel.
func (f *Server) NotInChannel(channel string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notIn[channel] = true
}

// RateLimit makes the next n calls of method (e.g. "chat.postMessage")
// answer 429 with Retry-After: retryAfter seconds.
func (f *Server) RateLimit(method string, n, retryAfter int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limited[method] = n
	f.retryHdr = strconv.Itoa(retryAfter)
}

// Connections returns how many times apps.connections.open succeeded.
func (f *Server) Connections() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.opens
}

func (f *Server) responseURL(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal bool            `json:"replace_original"`
		UnfurlLinks     *bool           `json:"unfurl_links"`
	}
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		http.Error(w, "want a JSON POST", http.StatusBadRequest)
		return
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || (body.Text == "" && len(body.Blocks) == 0) {
		http.Error(w, "no_text", http.StatusBadRequest)
		return
	}
	if msg := CheckBlocks(string(body.Blocks)); msg != "" {
		http.Error(w, msg, http.StatusBadRequest)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/response/")
	f.mu.Lock()
	if f.ephemeral == nil {
		f.ephemeral = map[string]bool{}
	}
	wasEphemeral := f.ephemeral[name]
	inChannel := body.ResponseType == slackgo.ResponseTypeInChannel
	if !inChannel && !body.ReplaceOriginal {
		f.ephemeral[name] = true
	}
	f.mu.Unlock()
	if body.ReplaceOriginal && inChannel && wasEphemeral {
		// Slack keeps an ephemeral message ephemeral: replacing it with an
		// in-channel one shows the answer to the asker only. The fake
		// refuses, so the bot must post a new in-channel message instead.
		f.t.Errorf("fake slack: response_url %s: an ephemeral message replaced by an in_channel one (Slack keeps it visible to the asker only)", name)
		http.Error(w, "cannot_replace_ephemeral_with_in_channel", http.StatusBadRequest)
		return
	}
	f.record(Call{Method: "response_url", Channel: strings.TrimPrefix(r.URL.Path, "/response/"), Text: body.Text, Blocks: PlainJSON(string(body.Blocks)), ResponseType: body.ResponseType, Replace: body.ReplaceOriginal})
	_, _ = w.Write([]byte("ok"))
}

func (f *Server) record(c Call) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
}

// token returns the token a Web API call carries, as Slack reads it: the
// Authorization bearer or the token form field.
func token(r *http.Request) string {
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return t
	}
	return r.Form.Get("token")
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func slackErr(w http.ResponseWriter, code string) {
	writeJSON(w, map[string]any{"ok": false, "error": code})
}

// authorize checks the bot token and a 429 budget; it returns false when it
// has answered the request itself.
func (f *Server) authorize(w http.ResponseWriter, r *http.Request, method string) bool {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return false
	}
	if err := r.ParseForm(); err != nil {
		slackErr(w, "invalid_form_data")
		return false
	}
	if token(r) != BotToken {
		f.mu.Lock()
		f.authErrs++
		f.mu.Unlock()
		slackErr(w, "invalid_auth")
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if need := scopeFor(method, r.Form.Get("channel")); f.scopes != nil && need != "" && !f.scopes[need] {
		f.t.Logf("fake slack: %s in %s needs the %s scope, which the app was not granted", method, r.Form.Get("channel"), need)
		f.denied = append(f.denied, method+" "+r.Form.Get("channel")+" needs "+need)
		writeJSON(w, map[string]any{"ok": false, "error": "missing_scope", "needed": need})
		return false
	}
	if f.limited[method] > 0 {
		f.limited[method]--
		w.Header().Set("Retry-After", f.retryHdr)
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"ok":false,"error":"ratelimited"}`))
		return false
	}
	return true
}

func (f *Server) authTest(w http.ResponseWriter, r *http.Request) {
	if !f.authorize(w, r, "auth.test") {
		return
	}
	writeJSON(w, map[string]any{"ok": true, "user_id": BotUser, "bot_id": BotID, "user": "storybot", "team_id": "T1", "url": "https://example.slack.com/"})
}

// PlainJSON re-encodes raw JSON without Go's HTML escaping (\u003c for <),
// so tests can look for the text as Slack reads it.
func PlainJSON(raw string) string {
	if raw == "" {
		return ""
	}
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return raw
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSpace(b.String())
}

// CheckBlocks applies Slack's Block Kit limits and returns the error code
// Slack would, or "".
func CheckBlocks(raw string) string {
	if raw == "" {
		return ""
	}
	var blocks []map[string]any
	if err := json.Unmarshal([]byte(raw), &blocks); err != nil {
		return "invalid_blocks_format"
	}
	if len(blocks) > maxBlocks {
		return "invalid_blocks: more than 50 blocks"
	}
	for _, b := range blocks {
		switch b["type"] {
		case "section":
			txt, _ := b["text"].(map[string]any)
			s, _ := txt["text"].(string)
			if s == "" || len([]rune(s)) > maxSectionText {
				return fmt.Sprintf("invalid_blocks: section text of %d characters", len([]rune(s)))
			}
		case "context":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > maxContextElems {
				return "invalid_blocks: context elements"
			}
		case "actions", "divider", "header":
		default:
			return fmt.Sprintf("invalid_blocks: unknown type %v", b["type"])
		}
	}
	return ""
}

func (f *Server) nextTS() string {
	f.seq++
	return fmt.Sprintf("1800000000.%06d", f.seq)
}

// AddMessage stores a person's message, in the thread root when set, so
// conversations.replies returns it, and returns its ts.
func (f *Server) AddMessage(channel, root, user, text string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	ts := f.nextTS()
	m := slackgo.Message{}
	m.Channel, m.User, m.Text, m.Timestamp = channel, user, text, ts
	if root == "" {
		root = ts
	} else {
		m.ThreadTimestamp = root
	}
	f.msgs[channel+"/"+root] = append(f.msgs[channel+"/"+root], m)
	return ts
}

func (f *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	if !f.authorize(w, r, "chat.postMessage") {
		return
	}
	ch, text, blocks, thread := r.Form.Get("channel"), r.Form.Get("text"), r.Form.Get("blocks"), r.Form.Get("thread_ts")
	if ch == "" {
		slackErr(w, "channel_not_found")
		return
	}
	if text == "" && blocks == "" {
		slackErr(w, "no_text")
		return
	}
	if msg := CheckBlocks(blocks); msg != "" {
		slackErr(w, msg)
		return
	}
	meta, merr := checkMetadata(r.Form.Get("metadata"))
	if merr != "" {
		slackErr(w, merr)
		return
	}
	f.mu.Lock()
	if f.notIn[ch] {
		f.mu.Unlock()
		slackErr(w, "not_in_channel")
		return
	}
	ts := f.nextTS()
	m := slackgo.Message{}
	m.Channel, m.User, m.BotID, m.Text, m.Timestamp, m.ThreadTimestamp = ch, BotUser, BotID, text, ts, thread
	if meta != nil {
		m.Metadata = *meta
	}
	root := thread
	if root == "" {
		root = ts
	}
	f.msgs[ch+"/"+root] = append(f.msgs[ch+"/"+root], m)
	call := Call{Method: "chat.postMessage", Channel: ch, TS: ts, ThreadTS: thread, Text: text, Blocks: PlainJSON(blocks), UnfurlLinks: r.Form.Get("unfurl_links"), UnfurlMedia: r.Form.Get("unfurl_media"), Metadata: meta}
	f.calls = append(f.calls, call)
	hook := f.onPost
	f.mu.Unlock()
	if hook != nil {
		// The message exists; the caller has not heard so yet.
		hook(call)
	}
	writeJSON(w, map[string]any{"ok": true, "channel": ch, "ts": ts, "message": map[string]any{"text": text, "ts": ts, "user": BotUser, "bot_id": BotID}})
}

func (f *Server) update(w http.ResponseWriter, r *http.Request) {
	if !f.authorize(w, r, "chat.update") {
		return
	}
	ch, ts, text, blocks := r.Form.Get("channel"), r.Form.Get("ts"), r.Form.Get("text"), r.Form.Get("blocks")
	if text == "" && blocks == "" {
		slackErr(w, "no_text")
		return
	}
	if msg := CheckBlocks(blocks); msg != "" {
		slackErr(w, msg)
		return
	}
	f.mu.Lock()
	found := false
	for k, ms := range f.msgs {
		if !strings.HasPrefix(k, ch+"/") {
			continue
		}
		for i := range ms {
			if ms[i].Timestamp == ts {
				if ms[i].User != BotUser {
					f.mu.Unlock()
					slackErr(w, "cant_update_message")
					return
				}
				ms[i].Text = text
				found = true
			}
		}
	}
	if found {
		f.calls = append(f.calls, Call{Method: "chat.update", Channel: ch, TS: ts, Text: text, Blocks: PlainJSON(blocks)})
	}
	f.mu.Unlock()
	if !found {
		slackErr(w, "message_not_found")
		return
	}
	writeJSON(w, map[string]any{"ok": true, "channel": ch, "ts": ts, "text": text})
}

func (f *Server) conversationsReplies(w http.ResponseWriter, r *http.Request) {
	if !f.authorize(w, r, "conversations.replies") {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replies++
	ms, ok := f.msgs[r.Form.Get("channel")+"/"+r.Form.Get("ts")]
	if !ok {
		slackErr(w, "thread_not_found")
		return
	}
	writeJSON(w, map[string]any{"ok": true, "messages": withMetadata(ms, r.Form.Get("include_all_metadata")), "has_more": false})
}

// conversationsHistory returns a channel's top-level messages, newest
// first, between oldest and latest (both exclusive), at most limit.
func (f *Server) conversationsHistory(w http.ResponseWriter, r *http.Request) {
	if !f.authorize(w, r, "conversations.history") {
		return
	}
	ch := r.Form.Get("channel")
	if ch == "" {
		slackErr(w, "channel_not_found")
		return
	}
	limit, _ := strconv.Atoi(r.Form.Get("limit"))
	if limit <= 0 {
		limit = 100
	}
	latest, oldest := r.Form.Get("latest"), r.Form.Get("oldest")
	f.mu.Lock()
	var top []slackgo.Message
	for k, ms := range f.msgs {
		if strings.HasPrefix(k, ch+"/") && len(ms) > 0 && ms[0].Timestamp == strings.TrimPrefix(k, ch+"/") {
			m := ms[0]
			if (latest == "" || m.Timestamp < latest) && (oldest == "" || m.Timestamp > oldest) {
				top = append(top, m)
			}
		}
	}
	f.mu.Unlock()
	sort.Slice(top, func(i, j int) bool { return top[i].Timestamp > top[j].Timestamp })
	if len(top) > limit {
		top = top[:limit]
	}
	writeJSON(w, map[string]any{"ok": true, "messages": withMetadata(top, r.Form.Get("include_all_metadata")), "has_more": false})
}

// withMetadata returns the messages as Slack lists them: with their
// metadata only when include_all_metadata is true.
func withMetadata(ms []slackgo.Message, include string) []slackgo.Message {
	out := slices.Clone(ms)
	if include == "1" || include == "true" {
		return out
	}
	for i := range out {
		out[i].Metadata = slackgo.SlackMetadata{}
	}
	return out
}

// checkMetadata parses chat.postMessage's metadata argument as Slack does:
// a JSON object with an event_type (letters, digits, underscores) and an
// event_payload object. It returns Slack's error code when it is invalid.
func checkMetadata(raw string) (*slackgo.SlackMetadata, string) {
	if raw == "" {
		return nil, ""
	}
	var m slackgo.SlackMetadata
	if err := json.Unmarshal([]byte(raw), &m); err != nil || m.EventPayload == nil {
		return nil, "invalid_metadata_format"
	}
	if m.EventType == "" || strings.TrimFunc(m.EventType, func(r rune) bool {
		return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}) != "" {
		return nil, "invalid_metadata_format"
	}
	return &m, ""
}

// scopeFor is the bot scope Slack requires for method in channel (by the
// channel ID's kind: C public, G private, D direct message); "" when the
// method needs none this fake checks.
func scopeFor(method, channel string) string {
	switch method {
	case "chat.postMessage", "chat.update":
		return "chat:write"
	case "conversations.history", "conversations.replies":
		switch {
		case strings.HasPrefix(channel, "D"):
			return "im:history"
		case strings.HasPrefix(channel, "G"):
			return "groups:history"
		default:
			return "channels:history"
		}
	}
	return ""
}

// Grant limits the bot token to scopes (as an app installed from a
// manifest with exactly those): a Web API method needing another scope
// answers missing_scope and is listed by Denied.
func (f *Server) Grant(scopes ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scopes = map[string]bool{}
	for _, s := range scopes {
		f.scopes[s] = true
	}
}

// Denied lists the calls refused for a missing scope ("method channel
// needs scope").
func (f *Server) Denied() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.denied)
}

// OnPost sets a hook called for each chat.postMessage after the message is
// stored and before the bot hears back: a test can stop the bot there.
func (f *Server) OnPost(hook func(Call)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onPost = hook
}

// Messages returns the channel's messages, top-level and in threads.
func (f *Server) Messages(channel string) []slackgo.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []slackgo.Message
	for k, ms := range f.msgs {
		if strings.HasPrefix(k, channel+"/") {
			out = append(out, ms...)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Timestamp < out[j].Timestamp })
	return out
}

func (f *Server) connectionsOpen(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Authorization") != "Bearer "+AppToken {
		slackErr(w, "invalid_auth")
		return
	}
	f.mu.Lock()
	f.opens++
	f.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true, "url": f.srv.GetWSURL()})
}

// websocket is the Socket Mode endpoint: it says hello, pings, sends the
// queued envelopes and reads the acks.
func (f *Server) websocket(w http.ResponseWriter, r *http.Request) {
	// slack-go dials with Origin: https://api.slack.com.
	up := websocket.Upgrader{CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "https://api.slack.com" }}
	c, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	f.mu.Lock()
	f.conns = append(f.conns, c)
	f.mu.Unlock()
	defer c.Close()
	if err := c.WriteJSON(map[string]any{"type": "hello", "num_connections": 1}); err != nil {
		return
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if c.WriteControl(websocket.PingMessage, []byte("p"), time.Now().Add(time.Second)) != nil {
					return
				}
			case m := <-f.outbox:
				if c.WriteMessage(websocket.TextMessage, m) != nil {
					return
				}
			}
		}
	}()
	for {
		var ack struct {
			EnvelopeID string `json:"envelope_id"`
		}
		if err := c.ReadJSON(&ack); err != nil {
			return
		}
		if ack.EnvelopeID == "" {
			f.t.Errorf("Socket Mode ack without envelope_id")
			continue
		}
		f.acks <- ack.EnvelopeID
	}
}

var envelopeSeq struct {
	sync.Mutex
	n int
}

// Send queues a Socket Mode envelope of type typ (events_api,
// slash_commands, interactive) for the connected client, waits up to 3 s
// for its ack (failing the test otherwise) and returns its envelope ID.
// retry sets retry_attempt, as Slack does when it redelivers.
func (f *Server) Send(typ string, payload any, retry int) string {
	f.t.Helper()
	envelopeSeq.Lock()
	envelopeSeq.n++
	id := "env-" + strconv.Itoa(envelopeSeq.n)
	envelopeSeq.Unlock()
	raw, err := json.Marshal(map[string]any{"type": typ, "envelope_id": id, "payload": payload, "accepts_response_payload": typ != "events_api", "retry_attempt": retry})
	if err != nil {
		f.t.Fatal(err)
	}
	f.outbox <- raw
	deadline := time.After(3 * time.Second)
	for {
		select {
		case got := <-f.acks:
			if got == id {
				return id
			}
		case <-deadline:
			f.t.Fatalf("envelope %s (%s) not acknowledged within 3 s", id, typ)
		}
	}
}

// Calls returns the calls recorded so far.
func (f *Server) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...)
}

// WaitCalls waits up to 5 s until ok holds for the recorded calls and
// returns them; it fails the test on timeout, naming what.
func (f *Server) WaitCalls(what string, ok func([]Call) bool) []Call {
	f.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		cs := f.Calls()
		if ok(cs) {
			return cs
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("timed out waiting for %s; calls: %+v", what, cs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Count returns how many calls match method and channel ("" for any channel).
func Count(cs []Call, method, channel string) int {
	n := 0
	for _, c := range cs {
		if c.Method == method && (channel == "" || c.Channel == channel) {
			n++
		}
	}
	return n
}

// Find returns the calls that match method and channel ("" for any channel).
func Find(cs []Call, method, channel string) []Call {
	var out []Call
	for _, c := range cs {
		if c.Method == method && (channel == "" || c.Channel == channel) {
			out = append(out, c)
		}
	}
	return out
}

// EventCallback wraps an inner event in an Events API event_callback
// payload with the given event ID.
func EventCallback(id string, ev map[string]any) map[string]any {
	return map[string]any{"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": id, "event_time": 1800000000, "event": ev}
}

// Mention is an app_mention event; threadTS may be "".
func Mention(channel, user, ts, threadTS, text string) map[string]any {
	m := map[string]any{"type": "app_mention", "channel": channel, "user": user, "ts": ts, "text": text, "event_ts": ts}
	if threadTS != "" {
		m["thread_ts"] = threadTS
	}
	return m
}

// Message is a message event; channelType is channel, group or im.
func Message(channel, channelType, user, ts, threadTS, text string) map[string]any {
	m := map[string]any{"type": "message", "channel": channel, "channel_type": channelType, "user": user, "ts": ts, "text": text, "event_ts": ts}
	if threadTS != "" {
		m["thread_ts"] = threadTS
	}
	return m
}

// AskMention posts a person's message mentioning the bot in channel (a new
// thread), delivers the app_mention over Socket Mode, and returns the
// message's ts: the thread the answer goes to. Wait for the answer with
// WaitCalls, e.g. until Count(cs, "chat.update", channel) == 1.
func (f *Server) AskMention(channel, user, question string) string {
	f.t.Helper()
	text := "<@" + BotUser + "> " + question
	ts := f.AddMessage(channel, "", user, text)
	f.Send("events_api", EventCallback("Ev"+strings.ReplaceAll(ts, ".", ""), Mention(channel, user, ts, "", text)), 0)
	return ts
}
