package slack

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/slacktest"
)

// Test identities and tokens.
const (
	testBotToken = "xoxb-test-bot-token"
	testAppToken = "xapp-1-test-app-token"
	testSecret   = "8f742231b10e8888abcd99yyyzzz85a5"
	testBotUser  = "UBOT"
	testBotID    = "BBOT"
)

// apiCall is one recorded write to the fake Slack.
type apiCall struct {
	Method       string // chat.postMessage, chat.update, response_url
	Channel      string
	TS           string // the message posted or updated
	ThreadTS     string
	Text         string
	Blocks       string // raw JSON
	UnfurlLinks  string
	UnfurlMedia  string
	ResponseType string
	Replace      bool
}

// fakeSlack is a slacktest server with handlers that check what Slack
// checks (tokens, payload shape, Block Kit limits) and record what the bot
// posts, plus a Socket Mode WebSocket that sends envelopes and reads acks.
type fakeSlack struct {
	t   *testing.T
	srv *slacktest.Server

	mu       sync.Mutex
	calls    []apiCall
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
}

func newFakeSlack(t *testing.T) *fakeSlack {
	t.Helper()
	f := &fakeSlack{
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
		c.Handle("/apps.connections.open", f.connectionsOpen)
		c.Handle("/ws", f.websocket)
		c.Handle("/response/", f.responseURL)
	})
	f.srv.Start()
	t.Cleanup(f.stop)
	return f
}

func (f *fakeSlack) stop() {
	f.mu.Lock()
	for _, c := range f.conns {
		_ = c.Close()
	}
	f.mu.Unlock()
	f.srv.Stop()
}

func (f *fakeSlack) apiURL() string { return f.srv.GetAPIURL() }

func (f *fakeSlack) responseURL(w http.ResponseWriter, r *http.Request) {
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
	if msg := checkBlocks(string(body.Blocks)); msg != "" {
		http.Error(w, msg, http.StatusBadRequest)
		return
	}
	f.record(apiCall{Method: "response_url", Channel: strings.TrimPrefix(r.URL.Path, "/response/"), Text: body.Text, Blocks: plainJSON(string(body.Blocks)), ResponseType: body.ResponseType, Replace: body.ReplaceOriginal})
	_, _ = w.Write([]byte("ok"))
}

func (f *fakeSlack) record(c apiCall) {
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

func slackErr(w http.ResponseWriter, code string) { writeJSON(w, map[string]any{"ok": false, "error": code}) }

// authorize checks the bot token and a 429 budget; it returns false when it
// has answered the request itself.
func (f *fakeSlack) authorize(w http.ResponseWriter, r *http.Request, method string) bool {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return false
	}
	if err := r.ParseForm(); err != nil {
		slackErr(w, "invalid_form_data")
		return false
	}
	if token(r) != testBotToken {
		f.mu.Lock()
		f.authErrs++
		f.mu.Unlock()
		slackErr(w, "invalid_auth")
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.limited[method] > 0 {
		f.limited[method]--
		w.Header().Set("Retry-After", f.retryHdr)
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"ok":false,"error":"ratelimited"}`))
		return false
	}
	return true
}

func (f *fakeSlack) authTest(w http.ResponseWriter, r *http.Request) {
	if !f.authorize(w, r, "auth.test") {
		return
	}
	writeJSON(w, map[string]any{"ok": true, "user_id": testBotUser, "bot_id": testBotID, "user": "storybot", "team_id": "T1", "url": "https://example.slack.com/"})
}

// plainJSON re-encodes raw JSON without Go's HTML escaping (\u003c for <),
// so tests can look for the text as Slack reads it.
func plainJSON(raw string) string {
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

// checkBlocks applies Slack's Block Kit limits and returns the error code
// Slack would, or "".
func checkBlocks(raw string) string {
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

func (f *fakeSlack) nextTS() string {
	f.seq++
	return fmt.Sprintf("1800000000.%06d", f.seq)
}

// addMessage stores a person's message (in the thread root when set) and
// returns its ts.
func (f *fakeSlack) addMessage(channel, root, user, text string) string {
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

func (f *fakeSlack) postMessage(w http.ResponseWriter, r *http.Request) {
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
	if msg := checkBlocks(blocks); msg != "" {
		slackErr(w, msg)
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
	m.Channel, m.User, m.BotID, m.Text, m.Timestamp, m.ThreadTimestamp = ch, testBotUser, testBotID, text, ts, thread
	root := thread
	if root == "" {
		root = ts
	}
	f.msgs[ch+"/"+root] = append(f.msgs[ch+"/"+root], m)
	f.calls = append(f.calls, apiCall{Method: "chat.postMessage", Channel: ch, TS: ts, ThreadTS: thread, Text: text, Blocks: plainJSON(blocks), UnfurlLinks: r.Form.Get("unfurl_links"), UnfurlMedia: r.Form.Get("unfurl_media")})
	f.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true, "channel": ch, "ts": ts, "message": map[string]any{"text": text, "ts": ts, "user": testBotUser, "bot_id": testBotID}})
}

func (f *fakeSlack) update(w http.ResponseWriter, r *http.Request) {
	if !f.authorize(w, r, "chat.update") {
		return
	}
	ch, ts, text, blocks := r.Form.Get("channel"), r.Form.Get("ts"), r.Form.Get("text"), r.Form.Get("blocks")
	if text == "" && blocks == "" {
		slackErr(w, "no_text")
		return
	}
	if msg := checkBlocks(blocks); msg != "" {
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
				if ms[i].User != testBotUser {
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
		f.calls = append(f.calls, apiCall{Method: "chat.update", Channel: ch, TS: ts, Text: text, Blocks: plainJSON(blocks)})
	}
	f.mu.Unlock()
	if !found {
		slackErr(w, "message_not_found")
		return
	}
	writeJSON(w, map[string]any{"ok": true, "channel": ch, "ts": ts, "text": text})
}

func (f *fakeSlack) conversationsReplies(w http.ResponseWriter, r *http.Request) {
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
	writeJSON(w, map[string]any{"ok": true, "messages": ms, "has_more": false})
}

func (f *fakeSlack) connectionsOpen(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Authorization") != "Bearer "+testAppToken {
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
func (f *fakeSlack) websocket(w http.ResponseWriter, r *http.Request) {
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

// send queues a Socket Mode envelope and waits up to 3 s for its ack.
func (f *fakeSlack) send(typ string, payload any, retry int) string {
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

// snapshot returns the calls recorded so far.
func (f *fakeSlack) snapshot() []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiCall(nil), f.calls...)
}

// waitCalls waits until ok holds for the recorded calls.
func (f *fakeSlack) waitCalls(what string, ok func([]apiCall) bool) []apiCall {
	f.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		cs := f.snapshot()
		if ok(cs) {
			return cs
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("timed out waiting for %s; calls: %+v", what, cs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// count returns how many calls match method and channel.
func count(cs []apiCall, method, channel string) int {
	n := 0
	for _, c := range cs {
		if c.Method == method && (channel == "" || c.Channel == channel) {
			n++
		}
	}
	return n
}

func find(cs []apiCall, method, channel string) []apiCall {
	var out []apiCall
	for _, c := range cs {
		if c.Method == method && (channel == "" || c.Channel == channel) {
			out = append(out, c)
		}
	}
	return out
}
