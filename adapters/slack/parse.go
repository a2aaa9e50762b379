package slack

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	slackgo "github.com/slack-go/slack"
)

// envelope is the outer Events API payload, the same over HTTP and inside a
// Socket Mode events_api envelope.
type envelope struct {
	Type      string          `json:"type"`
	Challenge string          `json:"challenge"`
	EventID   string          `json:"event_id"`
	Event     json.RawMessage `json:"event"`
}

// message is the part of an app_mention or message event the adapter uses.
type message struct {
	Type        string          `json:"type"`
	Subtype     string          `json:"subtype"`
	User        string          `json:"user"`
	BotID       string          `json:"bot_id"`
	Text        string          `json:"text"`
	TS          string          `json:"ts"`
	ThreadTS    string          `json:"thread_ts"`
	Channel     string          `json:"channel"`
	ChannelType string          `json:"channel_type"`
	Edited      json.RawMessage `json:"edited"`
}

// event is a parsed Events API delivery.
type event struct {
	Type      string // url_verification, event_callback, ...
	Challenge string
	ID        string
	Msg       *message // set for message and app_mention events
}

var errNoEvent = errors.New("event_callback without an event")

// parseEvent parses an Events API payload. Inner events other than
// message and app_mention leave Msg nil.
func parseEvent(body []byte) (event, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return event{}, fmt.Errorf("parse event payload: %w", err)
	}
	ev := event{Type: env.Type, Challenge: env.Challenge, ID: env.EventID}
	if env.Type != "event_callback" {
		return ev, nil
	}
	if len(env.Event) == 0 {
		return ev, errNoEvent
	}
	var m message
	if err := json.Unmarshal(env.Event, &m); err != nil {
		return ev, fmt.Errorf("parse inner event: %w", err)
	}
	if m.Type == "message" || m.Type == "app_mention" {
		ev.Msg = &m
	}
	return ev, nil
}

// command is a slash command invocation.
type command struct {
	Command     string
	Text        string
	User        string
	Channel     string
	ResponseURL string
	TriggerID   string
}

func commandFrom(c slackgo.SlashCommand) command {
	return command{Command: c.Command, Text: c.Text, User: c.UserID, Channel: c.ChannelID, ResponseURL: c.ResponseURL, TriggerID: c.TriggerID}
}

// errSSLCheck marks Slack's ssl_check request for a slash command URL,
// which wants a plain 200.
var errSSLCheck = errors.New("ssl_check")

// parseForm parses an application/x-www-form-urlencoded Events API body:
// either a slash command (command=...) or an interaction (payload=...).
// Exactly one of the results is non-nil when err is nil.
func parseForm(body []byte) (*command, *slackgo.InteractionCallback, error) {
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, nil, fmt.Errorf("parse form body: %w", err)
	}
	if p := v.Get("payload"); p != "" {
		var cb slackgo.InteractionCallback
		if err := json.Unmarshal([]byte(p), &cb); err != nil {
			return nil, nil, fmt.Errorf("parse interaction payload: %w", err)
		}
		return nil, &cb, nil
	}
	if v.Get("ssl_check") == "1" {
		return nil, nil, errSSLCheck
	}
	if v.Get("command") != "" {
		return &command{
			Command:     v.Get("command"),
			Text:        v.Get("text"),
			User:        v.Get("user_id"),
			Channel:     v.Get("channel_id"),
			ResponseURL: v.Get("response_url"),
			TriggerID:   v.Get("trigger_id"),
		}, nil, nil
	}
	return nil, nil, errors.New("form body is neither a slash command nor an interaction")
}

// mentions reports whether text mentions user as <@user> or <@user|name>.
func mentions(text, user string) bool {
	if user == "" {
		return false
	}
	return strings.Contains(text, "<@"+user+">") || strings.Contains(text, "<@"+user+"|")
}

// stripMentions removes every mention of user from text.
func stripMentions(text, user string) string {
	if user == "" {
		return text
	}
	var b strings.Builder
	for {
		i := strings.Index(text, "<@"+user)
		if i < 0 {
			b.WriteString(text)
			break
		}
		rest := text[i+2+len(user):]
		if !strings.HasPrefix(rest, ">") && !strings.HasPrefix(rest, "|") {
			b.WriteString(text[:i+2+len(user)])
			text = rest
			continue
		}
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			b.WriteString(text)
			break
		}
		b.WriteString(text[:i])
		text = rest[end+1:]
	}
	return b.String()
}

// plain turns Slack message text into plain text: mentions of the bot are
// removed, Slack's escapes undone, and white space collapsed.
func plain(text, self string) string {
	text = stripMentions(text, self)
	text = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(text)
	return strings.Join(strings.Fields(text), " ")
}
