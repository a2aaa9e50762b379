package discordfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
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
	"unicode/utf16"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Identities the fake knows.
const (
	// Token is the only bot token the fake accepts (the form of a real one).
	Token = "MTAwMDAwMDAwMDAwMDAwMDAy.GtEsT1.c3Rvcnlib3QtdGVzdC10b2tlbi1ub3QtcmVhbA"
	// AppID is the application; BotID its bot user; BotRole the bot's
	// managed role in Guild.
	AppID   = "900000000000000001"
	BotID   = "900000000000000002"
	Guild   = "900000000000000003"
	Channel = "900000000000000004"
	User    = "900000000000000005"
	DM      = "900000000000000006"
	BotRole = "900000000000000007"
)

// Discord's limits on one message (developer docs: "Create Message" and
// "Embed Limits"), counted in UTF-16 code units.
const (
	maxContent          = 2000
	maxEmbedTitle       = 256
	maxDescription      = 4096
	maxFields           = 25
	maxFieldName        = 256
	maxFieldValue       = 1024
	maxFooter           = 2048
	maxEmbedTotal       = 6000
	maxEmbedsPerMessage = 10
	maxEmbedURL         = 2048
	maxNonce            = 25
)

// textLen counts UTF-16 code units, as Discord's limits do.
func textLen(s string) int { return len(utf16.Encode([]rune(s))) }

// embedLen is the length of an embed as counted against maxEmbedTotal.
func embedLen(e *discordgo.MessageEmbed) int {
	n := textLen(e.Title) + textLen(e.Description)
	for _, f := range e.Fields {
		n += textLen(f.Name) + textLen(f.Value)
	}
	if e.Footer != nil {
		n += textLen(e.Footer.Text)
	}
	if e.Author != nil {
		n += textLen(e.Author.Name)
	}
	return n
}

// Request is one REST request the fake Discord received.
type Request struct {
	Method string
	Path   string // without the /api/vN prefix
	Query  url.Values
	Body   []byte
}

// Sent is the message part of a request body (edit, follow-up,
// channel message, or the data of an interaction callback).
type Sent struct {
	Content         *string                     `json:"content"`
	Embeds          []*discordgo.MessageEmbed   `json:"embeds"`
	Components      []json.RawMessage           `json:"components"`
	Flags           int                         `json:"flags"`
	AllowedMentions *struct{ Parse []string }   `json:"allowed_mentions"`
	Reference       *discordgo.MessageReference `json:"message_reference"`
	Nonce           any                         `json:"nonce"`
	EnforceNonce    bool                        `json:"enforce_nonce"`
}

// Text returns the message content ("" when absent).
func (m Sent) Text() string {
	if m.Content == nil {
		return ""
	}
	return *m.Content
}

// Server is a small Discord: a REST API and a gateway on loopback. Like
// the real one it checks the bot token on every call, rejects messages over
// Discord's limits (400, code 50035), acknowledges an interaction only once,
// and accepts response edits and follow-ups only for acknowledged
// interactions.
type Server struct {
	t    testing.TB
	rest *httptest.Server
	gw   *httptest.Server

	mu           sync.Mutex
	requests     []Request
	channels     map[string]*discordgo.Channel
	messages     map[string][]*discordgo.Message // per channel, oldest first
	interactions map[string]string               // token -> state: "new", "acked"
	nextID       int
	identified   []Identify
	failPaths    map[string]int // path prefix -> status to fail with
	failOnce     map[string]int // path prefix -> status to fail the next request with
	privileged   bool           // the Message Content intent is enabled in the "portal"
	status       int            // when not 0, every REST call answers this status
	limited      map[string]int // path prefix -> 429s still to send
	retryAfter   float64
	onCreate     func(channel string, m *discordgo.Message)
	nonces       map[string]string // message ID -> nonce it was created with

	events chan []byte
	seq    int
}

// Identify is what the gateway received in an IDENTIFY.
type Identify struct {
	Token   string `json:"token"`
	Intents int    `json:"intents"`
}

// New starts a fake Discord for the test on loopback; it stops when the
// test ends.
func New(t testing.TB) *Server { return NewAt(t, "127.0.0.1:0") }

// NewAt is New with the REST API listening on addr (host:port), e.g. an
// address the code under test was pointed at before the fake came up.
func NewAt(t testing.TB, addr string) *Server {
	t.Helper()
	f := &Server{
		t:            t,
		channels:     map[string]*discordgo.Channel{},
		messages:     map[string][]*discordgo.Message{},
		interactions: map[string]string{},
		failPaths:    map[string]int{},
		failOnce:     map[string]int{},
		limited:      map[string]int{},
		nonces:       map[string]string{},
		nextID:       1000,
		events:       make(chan []byte, 64),
	}
	f.channels[Channel] = &discordgo.Channel{ID: Channel, GuildID: Guild, Type: discordgo.ChannelTypeGuildText, Name: "news"}
	f.channels[DM] = &discordgo.Channel{ID: DM, Type: discordgo.ChannelTypeDM}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("fake discord: listen on %s: %v", addr, err)
	}
	f.rest = httptest.NewUnstartedServer(http.HandlerFunc(f.serveREST))
	f.rest.Listener.Close()
	f.rest.Listener = ln
	f.rest.Start()
	f.gw = httptest.NewServer(http.HandlerFunc(f.serveGateway))
	t.Cleanup(func() {
		f.gw.CloseClientConnections()
		f.gw.Close()
		f.rest.Close()
	})
	return f
}

// APIURL is the base URL to configure as the adapter's API URL
// (DISCORD_API_URL): the REST calls and the gateway lookup go there.
func (f *Server) APIURL() string { return f.rest.URL + "/api" }

// Client returns an http.Client that sends discord.com requests to the
// fake and refuses any other host.
func (f *Server) Client() *http.Client {
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

// discordEpoch is the start of Discord's snowflake clock (2015-01-01).
const discordEpoch = 1420070400000

// id returns a new snowflake: its time is now, so IDs order by creation.
func (f *Server) id() string {
	f.nextID++
	return strconv.FormatUint(uint64(time.Now().UnixMilli()-discordEpoch)<<22|uint64(f.nextID&0xfff), 10)
}

// snowflakeLess orders two snowflakes.
func snowflakeLess(a, b string) bool {
	x, _ := strconv.ParseUint(a, 10, 64)
	y, _ := strconv.ParseUint(b, 10, 64)
	return x < y
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
	reRoles      = regexp.MustCompile(`^/guilds/([^/]+)/roles$`)
	reCommandNam = regexp.MustCompile(`^[-_a-z0-9]{1,32}$`)
)

func (f *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	if got := r.Header.Get("Authorization"); got != "Bot "+Token {
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
	f.requests = append(f.requests, Request{Method: r.Method, Path: path, Query: r.URL.Query(), Body: body})
	switch {
	case f.status == http.StatusUnauthorized:
		discordError(w, f.status, 0, "401: Unauthorized")
		return
	case f.status != 0:
		discordError(w, f.status, 0, http.StatusText(f.status))
		return
	}
	for prefix, n := range f.limited {
		if n > 0 && strings.HasPrefix(path, prefix) {
			f.limited[prefix] = n - 1
			secs := strconv.FormatFloat(f.retryAfter, 'f', 3, 64)
			w.Header().Set("Retry-After", secs)
			w.Header().Set("X-RateLimit-Reset-After", secs)
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Scope", "user")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			_ = json.NewEncoder(w).Encode(map[string]any{"message": "You are being rate limited.", "retry_after": f.retryAfter, "global": false})
			return
		}
	}
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
		if m[1] != AppID {
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
			c["application_id"] = AppID
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
		if m[1] != AppID || f.interactions[m[2]] != "acked" {
			discordError(w, http.StatusNotFound, 10015, "Unknown Webhook")
			return
		}
		var sm Sent
		if err := json.Unmarshal(body, &sm); err != nil || CheckMessage(sm) != nil {
			discordError(w, http.StatusBadRequest, 50035, fmt.Sprintf("Invalid Form Body: %v", CheckMessage(sm)))
			return
		}
		writeJSON(w, &discordgo.Message{ID: f.id(), ChannelID: Channel, Content: sm.Text(), Embeds: sm.Embeds,
			Author: &discordgo.User{ID: BotID, Bot: true}})
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
		th := &discordgo.Channel{ID: m[2], GuildID: Guild, ParentID: m[1], OwnerID: BotID,
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
		var sm Sent
		if err := json.Unmarshal(body, &sm); err != nil || CheckMessage(sm) != nil {
			discordError(w, http.StatusBadRequest, 50035, fmt.Sprintf("Invalid Form Body: %v", CheckMessage(sm)))
			return
		}
		nonce := nonceString(sm.Nonce)
		if sm.EnforceNonce {
			// Discord: a message with the same nonce from the same author
			// in the past few minutes is returned instead of a new one.
			for _, m := range f.messages[chID] {
				if nonce != "" && f.nonces[m.ID] == nonce && m.Author != nil && m.Author.ID == BotID && time.Since(m.Timestamp) < 5*time.Minute {
					writeJSON(w, m)
					return
				}
			}
		}
		msg := &discordgo.Message{ID: f.id(), ChannelID: chID, GuildID: Guild, Content: sm.Text(), Embeds: sm.Embeds,
			Author: &discordgo.User{ID: BotID, Bot: true}, Type: discordgo.MessageTypeDefault, Timestamp: time.Now()}
		f.messages[chID] = append(f.messages[chID], msg)
		if nonce != "" {
			f.nonces[msg.ID] = nonce
		}
		if hook := f.onCreate; hook != nil {
			// The message exists; the caller has not heard so yet.
			f.mu.Unlock()
			hook(chID, msg)
			f.mu.Lock()
		}
		writeJSON(w, msg)
	case r.Method == http.MethodGet && reMessages.MatchString(path):
		chID := reMessages.FindStringSubmatch(path)[1]
		list := f.messages[chID]
		if before := r.URL.Query().Get("before"); before != "" {
			if i := slices.IndexFunc(list, func(m *discordgo.Message) bool { return m.ID == before }); i >= 0 {
				list = list[:i]
			}
		}
		if after := r.URL.Query().Get("after"); after != "" {
			i := slices.IndexFunc(list, func(m *discordgo.Message) bool { return snowflakeLess(after, m.ID) })
			if i < 0 {
				i = len(list)
			}
			list = list[i:]
		}
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		if limit <= 0 || limit > 100 {
			limit = 50
		}
		if len(list) > limit {
			if r.URL.Query().Get("after") != "" {
				list = list[:limit] // the ones right after, as Discord pages forward
			} else {
				list = list[len(list)-limit:]
			}
		}
		out := slices.Clone(list) // without nonces, as Discord lists them
		slices.Reverse(out)       // newest first, like Discord
		writeJSON(w, out)
	case r.Method == http.MethodGet && reRoles.MatchString(path):
		if reRoles.FindStringSubmatch(path)[1] != Guild {
			discordError(w, http.StatusNotFound, 10004, "Unknown Guild")
			return
		}
		writeJSON(w, []map[string]any{
			{"id": Guild, "name": "@everyone", "managed": false},
			{"id": BotRole, "name": "storybot", "managed": true, "tags": map[string]any{"bot_id": BotID}},
		})
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

func (f *Server) find(chID, msgID string) *discordgo.Message {
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
		var sm Sent
		if err := json.Unmarshal(*cb.Data, &sm); err != nil {
			return err
		}
		return CheckMessage(sm)
	}
	return fmt.Errorf("unknown callback type %d", cb.Type)
}

// checkMessage checks a message against Discord's limits.
func CheckMessage(m Sent) error {
	if m.Text() == "" && len(m.Embeds) == 0 && len(m.Components) == 0 {
		return errors.New("cannot send an empty message")
	}
	if textLen(m.Text()) > maxContent {
		return fmt.Errorf("content is %d characters", textLen(m.Text()))
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
	for _, e := range m.Embeds {
		if e.URL != "" && !validURL(e.URL) {
			return fmt.Errorf("embeds.url: %q is not a valid URI of at most %d characters", e.URL, maxEmbedURL)
		}
	}
	if n := nonceString(m.Nonce); len(n) > maxNonce {
		return fmt.Errorf("nonce of %d characters (at most %d)", len(n), maxNonce)
	}
	if m.EnforceNonce && m.Nonce == nil {
		return errors.New("enforce_nonce without a nonce")
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
func (f *Server) Fail(prefix string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failPaths[prefix] = status
}

// waitFor waits until at least n Request requests match, and returns them.
func (f *Server) WaitFor(t testing.TB, n int, method string, path *regexp.Regexp) []Request {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := f.Matching(method, path)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %d %s %s; have %d; all requests: %v", n, method, path, len(got), f.Summary())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (f *Server) Matching(method string, path *regexp.Regexp) []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Request
	for _, r := range f.requests {
		if r.Method == method && path.MatchString(r.Path) {
			out = append(out, r)
		}
	}
	return out
}

func (f *Server) Summary() []string {
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
func (f *Server) RegisterInteraction(token string, acked bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.interactions[token] = "new"
	if acked {
		f.interactions[token] = "acked"
	}
}

// --- gateway ---

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (f *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
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
		Op int      `json:"op"`
		D  Identify `json:"d"`
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := c.ReadJSON(&ident); err != nil || ident.Op != 2 {
		f.t.Errorf("fake gateway: expected IDENTIFY, got op %d (%v)", ident.Op, err)
		return
	}
	f.mu.Lock()
	f.identified = append(f.identified, ident.D)
	f.mu.Unlock()
	if ident.D.Token != "Bot "+Token {
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
		"v": 10, "session_id": "fake-session", "user": map[string]any{"id": BotID, "username": "storybot", "bot": true},
		"guilds": []any{}, "application": map[string]any{"id": AppID}},
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
func (f *Server) Dispatch(t testing.TB, typ string, data any) {
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
func (f *Server) CommandInteraction(id, user, name string, opts map[string]string) map[string]any {
	var options []any
	for k, v := range opts {
		options = append(options, map[string]any{"name": k, "type": 3, "value": v})
	}
	token := "itoken-" + id
	f.RegisterInteraction(token, false)
	return map[string]any{
		"id": id, "application_id": AppID, "type": 2, "token": token, "version": 1,
		"channel_id": Channel, "guild_id": Guild,
		"member": map[string]any{"user": map[string]any{"id": user, "username": "reader"}},
		"data":   map[string]any{"id": "cmd-" + name, "name": name, "type": 1, "options": options},
	}
}

// userMessage stores a message by a user (as Discord would) and returns the
// MESSAGE_CREATE payload for it.
func (f *Server) UserMessage(channel, content string, mentionBot bool) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	msg := &discordgo.Message{ID: f.id(), ChannelID: channel, GuildID: Guild, Content: content,
		Author: &discordgo.User{ID: User, Username: "reader"}, Type: discordgo.MessageTypeDefault}
	if mentionBot {
		msg.Mentions = []*discordgo.User{{ID: BotID, Username: "storybot", Bot: true}}
	}
	f.messages[channel] = append(f.messages[channel], msg)
	b, _ := json.Marshal(msg)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// validURL applies Discord's check of an embed URL: a valid absolute URI
// (RFC 3986: ASCII, no spaces) of at most 2,048 characters.
func validURL(u string) bool {
	if len(u) > maxEmbedURL {
		return false
	}
	for i := 0; i < len(u); i++ {
		if u[i] <= ' ' || u[i] >= 0x7f || strings.IndexByte("<>\"{}|\\^`", u[i]) >= 0 {
			return false
		}
	}
	p, err := url.Parse(u)
	return err == nil && p.Scheme != "" && p.Host != ""
}

// nonceString reads a nonce, a string or an integer in Discord's API.
func nonceString(v any) string {
	switch n := v.(type) {
	case string:
		return n
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return ""
}

// SetStatus makes every REST call answer status (401: a refused token,
// 5xx: Discord failing); 0 returns to normal.
func (f *Server) SetStatus(status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status = status
}

// SetPrivileged enables (or disables) the Message Content intent in the
// "Developer Portal": without it, an IDENTIFY asking for it is closed with
// 4014.
func (f *Server) SetPrivileged(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.privileged = on
}

// FailOnce makes the next request under the path prefix fail with status.
func (f *Server) FailOnce(prefix string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failOnce[prefix] = status
}

// RateLimit makes the next n requests under the path prefix answer 429
// with Retry-After retryAfter seconds.
func (f *Server) RateLimit(prefix string, n int, retryAfter float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limited[prefix] = n
	f.retryAfter = retryAfter
}

// OnCreate sets a hook called for each message created in a channel, after
// the fake stored it and before it answers the request: a test can stop the
// caller there, between the post and its record.
func (f *Server) OnCreate(hook func(channel string, m *discordgo.Message)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onCreate = hook
}

// Messages returns the messages of a channel, oldest first.
func (f *Server) Messages(channel string) []*discordgo.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.messages[channel])
}

// Identified returns the IDENTIFY payloads the gateway received.
func (f *Server) Identified() []Identify {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.identified)
}

// AddChannel adds a text channel of Guild.
func (f *Server) AddChannel(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.channels[id] = &discordgo.Channel{ID: id, GuildID: Guild, Type: discordgo.ChannelTypeGuildText, Name: "c" + id}
}
