package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/storybot/storybot/bot"
)

// Test identities.
const (
	testToken = "MTAwMDAwMDAwMDAwMDAwMDAy.GtEsT1.c3Rvcnlib3QtdGVzdC10b2tlbi1ub3QtcmVhbA"
	testAppID = "900000000000000001"
	testBotID = "900000000000000002"
	testGuild = "900000000000000003"
	testChan  = "900000000000000004"
	testUser  = "900000000000000005"
	testDM    = "900000000000000006"
)

// recorded is one REST request the fake Discord received.
type recorded struct {
	Method string
	Path   string // without the /api/vN prefix
	Query  url.Values
	Body   []byte
}

// sentMessage is the message part of a request body (edit, follow-up,
// channel message, or the data of an interaction callback).
type sentMessage struct {
	Content         *string                     `json:"content"`
	Embeds          []*discordgo.MessageEmbed   `json:"embeds"`
	Components      []json.RawMessage           `json:"components"`
	Flags           int                         `json:"flags"`
	AllowedMentions *struct{ Parse []string }   `json:"allowed_mentions"`
	Reference       *discordgo.MessageReference `json:"message_reference"`
}

func (m sentMessage) content() string {
	if m.Content == nil {
		return ""
	}
	return *m.Content
}

// fakeDiscord is a small Discord: a REST API and a gateway on loopback. Like
// the real one it checks the bot token on every call, rejects messages over
// Discord's limits (400, code 50035), acknowledges an interaction only once,
// and accepts response edits and follow-ups only for acknowledged
// interactions.
type fakeDiscord struct {
	t    *testing.T
	rest *httptest.Server
	gw   *httptest.Server

	mu           sync.Mutex
	requests     []recorded
	channels     map[string]*discordgo.Channel
	messages     map[string][]*discordgo.Message // per channel, oldest first
	interactions map[string]string               // token -> state: "new", "acked"
	nextID       int
	identified   []identifyPayload
	failPaths    map[string]int // path prefix -> status to fail with
	failOnce     map[string]int // path prefix -> status to fail the next request with
	privileged   bool           // the Message Content intent is enabled in the "portal"

	events chan []byte
	seq    int
}

type identifyPayload struct {
	Token   string `json:"token"`
	Intents int    `json:"intents"`
}

func newFakeDiscord(t *testing.T) *fakeDiscord {
	t.Helper()
	f := &fakeDiscord{
		t:            t,
		channels:     map[string]*discordgo.Channel{},
		messages:     map[string][]*discordgo.Message{},
		interactions: map[string]string{},
		failPaths:    map[string]int{},
		failOnce:     map[string]int{},
		nextID:       1000,
		events:       make(chan []byte, 64),
	}
	f.channels[testChan] = &discordgo.Channel{ID: testChan, GuildID: testGuild, Type: discordgo.ChannelTypeGuildText, Name: "news"}
	f.channels[testDM] = &discordgo.Channel{ID: testDM, Type: discordgo.ChannelTypeDM}
	f.rest = httptest.NewServer(http.HandlerFunc(f.serveREST))
	f.gw = httptest.NewServer(http.HandlerFunc(f.serveGateway))
	t.Cleanup(func() {
		f.gw.CloseClientConnections()
		f.gw.Close()
		f.rest.Close()
	})
	return f
}

// client returns an http.Client that sends discord.com requests to the fake.
func (f *fakeDiscord) client() *http.Client {
	target, _ := url.Parse(f.rest.URL)
	return &http.Client{Transport: rewriteTransport{target: target, base: f.rest.Client().Transport}, Timeout: 10 * time.Second}
}

// rewriteTransport sends requests for discord.com to target, and refuses any
// other host so no test can reach the real Discord.
type rewriteTransport struct {
	target *url.URL
	base   http.RoundTripper
}

func (rt rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != "discord.com" {
		return nil, fmt.Errorf("test transport: unexpected host %q", req.URL.Host)
	}
	r := req.Clone(req.Context())
	u := *req.URL
	u.Scheme, u.Host = rt.target.Scheme, rt.target.Host
	r.URL, r.Host = &u, rt.target.Host
	return rt.base.RoundTrip(r)
}

func (f *fakeDiscord) id() string {
	f.nextID++
	return "9100000000000" + strconv.Itoa(f.nextID)
}

func discordError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"message": msg, "code": code})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

var (
	reAPI        = regexp.MustCompile(`^/api/v(?:9|10)(/.*)$`) // discordgo v0.29 speaks v9
	reCallback   = regexp.MustCompile(`^/interactions/([^/]+)/([^/]+)/callback$`)
	reOriginal   = regexp.MustCompile(`^/webhooks/([^/]+)/([^/]+)/messages/@original$`)
	reFollowup   = regexp.MustCompile(`^/webhooks/([^/]+)/([^/]+)$`)
	reCommands   = regexp.MustCompile(`^/applications/([^/]+)(/guilds/([^/]+))?/commands$`)
	reChannel    = regexp.MustCompile(`^/channels/([^/]+)$`)
	reTyping     = regexp.MustCompile(`^/channels/([^/]+)/typing$`)
	reMessages   = regexp.MustCompile(`^/channels/([^/]+)/messages$`)
	reMessage    = regexp.MustCompile(`^/channels/([^/]+)/messages/([^/]+)$`)
	reThread     = regexp.MustCompile(`^/channels/([^/]+)/messages/([^/]+)/threads$`)
	reCommandNam = regexp.MustCompile(`^[-_a-z0-9]{1,32}$`)
)

func (f *fakeDiscord) serveREST(w http.ResponseWriter, r *http.Request) {
	if got := r.Header.Get("Authorization"); got != "Bot "+testToken {
		discordError(w, http.StatusUnauthorized, 0, "401: Unauthorized")
		return
	}
	m := reAPI.FindStringSubmatch(r.URL.Path)
	if m == nil {
		discordError(w, http.StatusNotFound, 0, "404: Not Found")
		return
	}
	path := m[1]
	body, _ := io.ReadAll(r.Body)
	if len(body) > 0 && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		discordError(w, http.StatusBadRequest, 50035, "Invalid Form Body (content type)")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, recorded{Method: r.Method, Path: path, Query: r.URL.Query(), Body: body})
	for prefix, status := range f.failOnce {
		if strings.HasPrefix(path, prefix) {
			delete(f.failOnce, prefix)
			discordError(w, status, 50035, "Invalid Form Body")
			return
		}
	}
	for prefix, status := range f.failPaths {
		if strings.HasPrefix(path, prefix) {
			discordError(w, status, 50001, "Missing Access")
			return
		}
	}
	switch {
	case r.Method == http.MethodGet && path == "/gateway":
		writeJSON(w, map[string]string{"url": "ws" + strings.TrimPrefix(f.gw.URL, "http")})
	case r.Method == http.MethodPut && reCommands.MatchString(path):
		m := reCommands.FindStringSubmatch(path)
		if m[1] != testAppID {
			discordError(w, http.StatusForbidden, 50001, "Missing Access")
			return
		}
		var cmds []map[string]any
		if err := json.Unmarshal(body, &cmds); err != nil {
			discordError(w, http.StatusBadRequest, 50035, "Invalid Form Body")
			return
		}
		if err := checkCommands(cmds); err != nil {
			discordError(w, http.StatusBadRequest, 50035, "Invalid Form Body: "+err.Error())
			return
		}
		for _, c := range cmds {
			c["id"] = f.id()
			c["application_id"] = testAppID
		}
		writeJSON(w, cmds)
	case r.Method == http.MethodPost && reCallback.MatchString(path):
		m := reCallback.FindStringSubmatch(path)
		state, known := f.interactions[m[2]]
		if !known {
			discordError(w, http.StatusNotFound, 10062, "Unknown interaction")
			return
		}
		if state != "new" {
			discordError(w, http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
			return
		}
		if err := checkCallback(body); err != nil {
			discordError(w, http.StatusBadRequest, 50035, "Invalid Form Body: "+err.Error())
			return
		}
		f.interactions[m[2]] = "acked"
		w.WriteHeader(http.StatusNoContent)
	case (r.Method == http.MethodPatch && reOriginal.MatchString(path)) || (r.Method == http.MethodPost && reFollowup.MatchString(path)):
		m := reOriginal.FindStringSubmatch(path)
		if m == nil {
			m = reFollowup.FindStringSubmatch(path)
		}
		if m[1] != testAppID || f.interactions[m[2]] != "acked" {
			discordError(w, http.StatusNotFound, 10015, "Unknown Webhook")
			return
		}
		var sm sentMessage
		if err := json.Unmarshal(body, &sm); err != nil || checkMessage(sm) != nil {
			discordError(w, http.StatusBadRequest, 50035, fmt.Sprintf("Invalid Form Body: %v", checkMessage(sm)))
			return
		}
		writeJSON(w, &discordgo.Message{ID: f.id(), ChannelID: testChan, Content: sm.content(), Embeds: sm.Embeds,
			Author: &discordgo.User{ID: testBotID, Bot: true}})
	case r.Method == http.MethodGet && reChannel.MatchString(path):
		ch, ok := f.channels[reChannel.FindStringSubmatch(path)[1]]
		if !ok {
			discordError(w, http.StatusNotFound, 10003, "Unknown Channel")
			return
		}
		writeJSON(w, ch)
	case r.Method == http.MethodPost && reThread.MatchString(path):
		m := reThread.FindStringSubmatch(path)
		var ts discordgo.ThreadStart
		if err := json.Unmarshal(body, &ts); err != nil || ts.Name == "" || textLen(ts.Name) > 100 {
			discordError(w, http.StatusBadRequest, 50035, "Invalid Form Body (thread name)")
			return
		}
		if _, exists := f.channels[m[2]]; exists {
			discordError(w, http.StatusBadRequest, 160004, "A thread has already been created for this message")
			return
		}
		if f.find(m[1], m[2]) == nil {
			discordError(w, http.StatusNotFound, 10008, "Unknown Message")
			return
		}
		th := &discordgo.Channel{ID: m[2], GuildID: testGuild, ParentID: m[1], OwnerID: testBotID,
			Type: discordgo.ChannelTypeGuildPublicThread, Name: ts.Name}
		f.channels[th.ID] = th
		writeJSON(w, th)
	case r.Method == http.MethodPost && reTyping.MatchString(path):
		if _, ok := f.channels[reTyping.FindStringSubmatch(path)[1]]; !ok {
			discordError(w, http.StatusNotFound, 10003, "Unknown Channel")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodPost && reMessages.MatchString(path):
		chID := reMessages.FindStringSubmatch(path)[1]
		if _, ok := f.channels[chID]; !ok {
			discordError(w, http.StatusNotFound, 10003, "Unknown Channel")
			return
		}
		var sm sentMessage
		if err := json.Unmarshal(body, &sm); err != nil || checkMessage(sm) != nil {
			discordError(w, http.StatusBadRequest, 50035, fmt.Sprintf("Invalid Form Body: %v", checkMessage(sm)))
			return
		}
		msg := &discordgo.Message{ID: f.id(), ChannelID: chID, GuildID: testGuild, Content: sm.content(), Embeds: sm.Embeds,
			Author: &discordgo.User{ID: testBotID, Bot: true}, Type: discordgo.MessageTypeDefault}
		f.messages[chID] = append(f.messages[chID], msg)
		writeJSON(w, msg)
	case r.Method == http.MethodGet && reMessages.MatchString(path):
		chID := reMessages.FindStringSubmatch(path)[1]
		list := f.messages[chID]
		if before := r.URL.Query().Get("before"); before != "" {
			if i := slices.IndexFunc(list, func(m *discordgo.Message) bool { return m.ID == before }); i >= 0 {
				list = list[:i]
			}
		}
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		if limit <= 0 || limit > 100 {
			limit = 50
		}
		if len(list) > limit {
			list = list[len(list)-limit:]
		}
		out := slices.Clone(list)
		slices.Reverse(out) // newest first, like Discord
		writeJSON(w, out)
	case r.Method == http.MethodGet && reMessage.MatchString(path):
		m := reMessage.FindStringSubmatch(path)
		msg := f.find(m[1], m[2])
		if msg == nil {
			discordError(w, http.StatusNotFound, 10008, "Unknown Message")
			return
		}
		writeJSON(w, msg)
	default:
		f.t.Errorf("fake discord: unexpected request %s %s", r.Method, path)
		discordError(w, http.StatusNotFound, 0, "404: Not Found")
	}
}

func (f *fakeDiscord) find(chID, msgID string) *discordgo.Message {
	for _, m := range f.messages[chID] {
		if m.ID == msgID {
			return m
		}
	}
	return nil
}

// checkCommands checks a bulk overwrite body as Discord does.
func checkCommands(cmds []map[string]any) error {
	seen := map[string]bool{}
	for _, c := range cmds {
		name, _ := c["name"].(string)
		desc, _ := c["description"].(string)
		if !reCommandNam.MatchString(name) || seen[name] {
			return fmt.Errorf("bad or repeated command name %q", name)
		}
		seen[name] = true
		if desc == "" || textLen(desc) > 100 {
			return fmt.Errorf("command %s: description must be 1-100 characters", name)
		}
		opts, _ := c["options"].([]any)
		optional := false
		for _, o := range opts {
			om, _ := o.(map[string]any)
			on, _ := om["name"].(string)
			od, _ := om["description"].(string)
			typ, _ := om["type"].(float64)
			req, _ := om["required"].(bool)
			if !reCommandNam.MatchString(on) || od == "" || textLen(od) > 100 || typ < 1 || typ > 11 {
				return fmt.Errorf("command %s: bad option %v", name, om)
			}
			if req && optional {
				return fmt.Errorf("command %s: required options must come first", name)
			}
			optional = optional || !req
		}
	}
	return nil
}

// checkCallback checks an interaction callback body.
func checkCallback(body []byte) error {
	var cb struct {
		Type int              `json:"type"`
		Data *json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &cb); err != nil {
		return err
	}
	switch cb.Type {
	case 1, 5, 6:
		return nil
	case 4, 7:
		if cb.Data == nil {
			return errors.New("type 4 needs data")
		}
		var sm sentMessage
		if err := json.Unmarshal(*cb.Data, &sm); err != nil {
			return err
		}
		return checkMessage(sm)
	}
	return fmt.Errorf("unknown callback type %d", cb.Type)
}

// checkMessage checks a message against Discord's limits.
func checkMessage(m sentMessage) error {
	if m.content() == "" && len(m.Embeds) == 0 && len(m.Components) == 0 {
		return errors.New("cannot send an empty message")
	}
	if textLen(m.content()) > maxContent {
		return fmt.Errorf("content is %d characters", textLen(m.content()))
	}
	if len(m.Embeds) > maxEmbedsPerMessage {
		return fmt.Errorf("%d embeds", len(m.Embeds))
	}
	total := 0
	for _, e := range m.Embeds {
		if err := checkEmbed(e); err != nil {
			return err
		}
		total += embedLen(e)
	}
	if total > maxEmbedTotal {
		return fmt.Errorf("embeds total %d characters", total)
	}
	for _, raw := range m.Components {
		var row struct {
			Type       int `json:"type"`
			Components []struct {
				Type     int    `json:"type"`
				CustomID string `json:"custom_id"`
				Style    int    `json:"style"`
				Label    string `json:"label"`
			} `json:"components"`
		}
		if err := json.Unmarshal(raw, &row); err != nil || row.Type != 1 || len(row.Components) == 0 || len(row.Components) > 5 {
			return fmt.Errorf("bad action row %s", raw)
		}
		for _, b := range row.Components {
			if b.Type != 2 || b.CustomID == "" || len(b.CustomID) > 100 || b.Style < 1 || b.Style > 4 || textLen(b.Label) > 80 {
				return fmt.Errorf("bad button %+v", b)
			}
		}
	}
	if m.AllowedMentions == nil {
		return errors.New("storybot must always set allowed_mentions (test check)")
	}
	return nil
}

func checkEmbed(e *discordgo.MessageEmbed) error {
	switch {
	case textLen(e.Title) > maxEmbedTitle:
		return fmt.Errorf("embed title %d", textLen(e.Title))
	case textLen(e.Description) > maxDescription:
		return fmt.Errorf("embed description %d", textLen(e.Description))
	case len(e.Fields) > maxFields:
		return fmt.Errorf("%d fields", len(e.Fields))
	case e.Footer != nil && textLen(e.Footer.Text) > maxFooter:
		return fmt.Errorf("footer %d", textLen(e.Footer.Text))
	case embedLen(e) > maxEmbedTotal:
		return fmt.Errorf("embed total %d", embedLen(e))
	}
	for _, fl := range e.Fields {
		if fl.Name == "" || fl.Value == "" || textLen(fl.Name) > maxFieldName || textLen(fl.Value) > maxFieldValue {
			return fmt.Errorf("field %q: name %d, value %d", fl.Name, textLen(fl.Name), textLen(fl.Value))
		}
	}
	return nil
}

// fail makes requests under a path prefix fail with status.
func (f *fakeDiscord) fail(prefix string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failPaths[prefix] = status
}

// waitFor waits until at least n recorded requests match, and returns them.
func (f *fakeDiscord) waitFor(t *testing.T, n int, method string, path *regexp.Regexp) []recorded {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := f.matching(method, path)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %d %s %s; have %d; all requests: %v", n, method, path, len(got), f.summary())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (f *fakeDiscord) matching(method string, path *regexp.Regexp) []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []recorded
	for _, r := range f.requests {
		if r.Method == method && path.MatchString(r.Path) {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeDiscord) summary() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, r := range f.requests {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// registerInteraction tells the fake about an interaction (as Discord knows
// the interactions it sends); acked marks it acknowledged, as an HTTP
// response does.
func (f *fakeDiscord) registerInteraction(token string, acked bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.interactions[token] = "new"
	if acked {
		f.interactions[token] = "acked"
	}
}

// --- gateway ---

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (f *fakeDiscord) serveGateway(w http.ResponseWriter, r *http.Request) {
	if (r.URL.Query().Get("v") != "9" && r.URL.Query().Get("v") != "10") || r.URL.Query().Get("encoding") != "json" {
		http.Error(w, "bad gateway query", http.StatusBadRequest)
		return
	}
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	var wmu sync.Mutex
	write := func(v any) error {
		wmu.Lock()
		defer wmu.Unlock()
		_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
		return c.WriteJSON(v)
	}
	if write(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}}) != nil {
		return
	}
	var ident struct {
		Op int             `json:"op"`
		D  identifyPayload `json:"d"`
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := c.ReadJSON(&ident); err != nil || ident.Op != 2 {
		f.t.Errorf("fake gateway: expected IDENTIFY, got op %d (%v)", ident.Op, err)
		return
	}
	f.mu.Lock()
	f.identified = append(f.identified, ident.D)
	f.mu.Unlock()
	if ident.D.Token != "Bot "+testToken {
		_ = c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."))
		return
	}
	f.mu.Lock()
	privileged := f.privileged
	f.mu.Unlock()
	if !privileged && ident.D.Intents&int(discordgo.IntentMessageContent|discordgo.IntentGuildMembers|discordgo.IntentGuildPresences) != 0 {
		_ = c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4014, "Disallowed intent(s)."))
		return
	}
	_ = c.SetReadDeadline(time.Time{})
	f.seq = 1
	if write(map[string]any{"op": 0, "t": "READY", "s": 1, "d": map[string]any{
		"v": 10, "session_id": "fake-session", "user": map[string]any{"id": testBotID, "username": "storybot", "bot": true},
		"guilds": []any{}, "application": map[string]any{"id": testAppID}},
	}) != nil {
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			var p struct {
				Op int `json:"op"`
			}
			if err := c.ReadJSON(&p); err != nil {
				return
			}
			if p.Op == 1 {
				_ = write(map[string]any{"op": 11})
			}
		}
	}()
	for {
		select {
		case <-done:
			return
		case ev := <-f.events:
			wmu.Lock()
			_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
			err := c.WriteMessage(websocket.TextMessage, ev)
			wmu.Unlock()
			if err != nil {
				return
			}
		}
	}
}

// dispatch sends a gateway event.
func (f *fakeDiscord) dispatch(t *testing.T, typ string, data any) {
	t.Helper()
	f.mu.Lock()
	f.seq++
	seq := f.seq
	f.mu.Unlock()
	b, err := json.Marshal(map[string]any{"op": 0, "t": typ, "s": seq, "d": data})
	if err != nil {
		t.Fatal(err)
	}
	f.events <- b
}

// commandInteraction builds an INTERACTION_CREATE payload for a slash
// command and tells the fake about it.
func (f *fakeDiscord) commandInteraction(id, user, name string, opts map[string]string) map[string]any {
	var options []any
	for k, v := range opts {
		options = append(options, map[string]any{"name": k, "type": 3, "value": v})
	}
	token := "itoken-" + id
	f.registerInteraction(token, false)
	return map[string]any{
		"id": id, "application_id": testAppID, "type": 2, "token": token, "version": 1,
		"channel_id": testChan, "guild_id": testGuild,
		"member": map[string]any{"user": map[string]any{"id": user, "username": "reader"}},
		"data":   map[string]any{"id": "cmd-" + name, "name": name, "type": 1, "options": options},
	}
}

// userMessage stores a message by a user (as Discord would) and returns the
// MESSAGE_CREATE payload for it.
func (f *fakeDiscord) userMessage(channel, content string, mentionBot bool) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	msg := &discordgo.Message{ID: f.id(), ChannelID: channel, GuildID: testGuild, Content: content,
		Author: &discordgo.User{ID: testUser, Username: "reader"}, Type: discordgo.MessageTypeDefault}
	if mentionBot {
		msg.Mentions = []*discordgo.User{{ID: testBotID, Username: "storybot", Bot: true}}
	}
	f.messages[channel] = append(f.messages[channel], msg)
	b, _ := json.Marshal(msg)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// --- fake bot ---

// fakeBot is a Bot with canned replies that records what it is asked.
type fakeBot struct {
	mu        sync.Mutex
	answer    bot.Answer
	answerErr error
	block     bool // Answer waits for its context to end
	questions []bot.Question
	conflicts []bot.Conflict
	articles  map[string]bot.Article
	digest    *bot.Digest
	size      int
	feedback  []bot.Feedback
	fbErr     error
}

func (b *fakeBot) Answer(ctx context.Context, q bot.Question) (bot.Answer, error) {
	b.mu.Lock()
	b.questions = append(b.questions, q)
	ans, err, block := b.answer, b.answerErr, b.block
	b.mu.Unlock()
	if block {
		<-ctx.Done()
		return bot.Answer{}, fmt.Errorf("answering: %w", ctx.Err())
	}
	ans.Question = q.Text
	return ans, err
}

func (b *fakeBot) Conflicts(context.Context) ([]bot.Conflict, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.conflicts, nil
}

func (b *fakeBot) Article(_ context.Context, id string) (bot.Article, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, ok := b.articles[id]
	if !ok {
		return bot.Article{}, fmt.Errorf("article %q: %w", id, bot.ErrNotFound)
	}
	return a, nil
}

func (b *fakeBot) LatestDigest(context.Context) (bot.Digest, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.digest == nil {
		return bot.Digest{}, fmt.Errorf("no digest: %w", bot.ErrNotFound)
	}
	return *b.digest, nil
}

func (b *fakeBot) CorpusSize(context.Context) (int, error) { return b.size, nil }

func (b *fakeBot) RecordFeedback(_ context.Context, f bot.Feedback) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.feedback = append(b.feedback, f)
	return b.fbErr
}

func (b *fakeBot) asked() []bot.Question {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.questions)
}
