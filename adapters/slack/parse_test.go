package slack

import (
	"net/url"
	"testing"
)

func TestParseEvent(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		typ, id string
		msg     bool
		wantErr bool
	}{
		{"mention", `{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention","user":"U1","text":"<@UBOT> hi","ts":"1.2","channel":"C1"}}`, "event_callback", "Ev1", true, false},
		{"message", `{"type":"event_callback","event_id":"Ev2","event":{"type":"message","channel_type":"im","user":"U1","text":"hi","ts":"1.2","channel":"D1"}}`, "event_callback", "Ev2", true, false},
		{"other event", `{"type":"event_callback","event_id":"Ev3","event":{"type":"reaction_added"}}`, "event_callback", "Ev3", false, false},
		{"url verification", `{"type":"url_verification","challenge":"c"}`, "url_verification", "", false, false},
		{"callback without event", `{"type":"event_callback","event_id":"Ev4"}`, "event_callback", "Ev4", false, true},
		{"not json", `{`, "", "", false, true},
		{"event not an object", `{"type":"event_callback","event":[1]}`, "event_callback", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := parseEvent([]byte(tt.body))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if ev.Type != tt.typ || ev.ID != tt.id || (ev.Msg != nil) != tt.msg {
				t.Errorf("parseEvent = %+v", ev)
			}
		})
	}
}

func TestParseForm(t *testing.T) {
	cmd, cb, err := parseForm([]byte(url.Values{"command": {"/story"}, "text": {"digest"}, "user_id": {"U1"}, "channel_id": {"C1"}, "response_url": {"https://hooks.slack.com/x"}, "trigger_id": {"t"}}.Encode()))
	if err != nil || cb != nil || cmd == nil || cmd.Text != "digest" || cmd.User != "U1" || cmd.Channel != "C1" || cmd.TriggerID != "t" {
		t.Errorf("slash command = %+v, %v, %v", cmd, cb, err)
	}
	cmd, cb, err = parseForm([]byte(url.Values{"payload": {`{"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":"feedback_helpful","block_id":"feedback","value":"a1"}]}`}}.Encode()))
	if err != nil || cmd != nil || cb == nil || len(cb.ActionCallback.BlockActions) != 1 || cb.ActionCallback.BlockActions[0].Value != "a1" {
		t.Errorf("interaction = %+v, %+v, %v", cmd, cb, err)
	}
	for _, bad := range []string{"", "payload=%7B", "x=1", "%zz"} {
		if _, _, err := parseForm([]byte(bad)); err == nil {
			t.Errorf("parseForm(%q) accepted", bad)
		}
	}
}

func TestMentions(t *testing.T) {
	tests := []struct {
		text      string
		mentioned bool
		plain     string
	}{
		{"<@UBOT> how many?", true, "how many?"},
		{"hey <@UBOT|storybot>, and <@UOTHER>?", true, "hey , and <@UOTHER>?"},
		{"<@UBOTX> not me", false, "<@UBOTX> not me"},
		{"a &lt;b&gt; &amp; c", false, "a <b> & c"},
		{"<@UBOT", false, "<@UBOT"},
		{"<@UBOT|unterminated", true, "<@UBOT|unterminated"},
	}
	for _, tt := range tests {
		if got := mentions(tt.text, "UBOT"); got != tt.mentioned {
			t.Errorf("mentions(%q) = %v", tt.text, got)
		}
		if got := plain(tt.text, "UBOT"); got != tt.plain {
			t.Errorf("plain(%q) = %q, want %q", tt.text, got, tt.plain)
		}
	}
}

func FuzzParseEvent(f *testing.F) {
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention","user":"U1","text":"<@UBOT> hi","ts":"1.2","channel":"C1"}}`))
	f.Add([]byte(`{"type":"url_verification","challenge":"c"}`))
	f.Add([]byte(`{"type":"event_callback","event":{"type":"message","edited":null}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := parseEvent(body)
		if err == nil && ev.Msg != nil && ev.Msg.Type != "message" && ev.Msg.Type != "app_mention" {
			t.Fatalf("unexpected inner type %q", ev.Msg.Type)
		}
		if ev.Msg != nil {
			_ = ignorable(*ev.Msg)
		}
	})
}

func FuzzParseForm(f *testing.F) {
	f.Add([]byte("command=%2Fstory&text=digest&user_id=U1"))
	f.Add([]byte("payload=%7B%22type%22%3A%22block_actions%22%7D"))
	f.Fuzz(func(t *testing.T, body []byte) {
		cmd, cb, err := parseForm(body)
		if err == nil && (cmd == nil) == (cb == nil) {
			t.Fatalf("want exactly one of command and interaction, got %v and %v", cmd, cb)
		}
	})
}

func FuzzStripMentions(f *testing.F) {
	f.Add("<@UBOT> hi <@UBOT|name> there")
	f.Add("<@UBOT<@UBOT>>")
	f.Fuzz(func(t *testing.T, s string) {
		out := stripMentions(s, "UBOT")
		if len(out) > len(s) {
			t.Fatalf("stripMentions grew the text: %q → %q", s, out)
		}
		if mentions(out, "UBOT") && !mentions(s, "UBOT") {
			t.Fatalf("stripMentions created a mention: %q → %q", s, out)
		}
	})
}
