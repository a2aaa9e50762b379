package slack

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/storybot/storybot/adapters/slack/slackfake"
	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/digest"
)

// manifest is the part of a Slack app manifest storybot depends on.
type manifest struct {
	Features struct {
		AppHome struct {
			MessagesTab         bool `yaml:"messages_tab_enabled"`
			MessagesTabReadOnly bool `yaml:"messages_tab_read_only_enabled"`
		} `yaml:"app_home"`
		BotUser struct {
			DisplayName string `yaml:"display_name"`
		} `yaml:"bot_user"`
		SlashCommands []struct {
			Command string `yaml:"command"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuth struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		Events struct {
			Bot []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			Enabled bool `yaml:"is_enabled"`
		} `yaml:"interactivity"`
		SocketMode bool `yaml:"socket_mode_enabled"`
	} `yaml:"settings"`
}

// manifests are the deploy/ manifest of each profile, with exactly the
// scopes and events the adapter uses under it.
var manifests = []struct {
	profile Profile
	file    string
	scopes  []string
	events  []string
}{
	{ProfileFull, "../../deploy/slack-manifest.yaml", []string{
		"app_mentions:read", // app_mention events
		"channels:history",  // message.channels, conversations.replies and .history in public channels
		"chat:write",        // chat.postMessage, chat.update
		"commands",          // /story
		"groups:history",    // message.groups, conversations.replies and .history in private channels
		"im:history",        // message.im, conversations.history and conversations.replies in DMs
	}, []string{"app_mention", "message.channels", "message.groups", "message.im"}},
	{ProfileMentions, "../../deploy/slack-manifest-mentions.yaml", []string{
		"app_mentions:read", // app_mention events
		"chat:write",        // chat.postMessage, chat.update
		"commands",          // /story
		"im:history",        // message.im, conversations.history and conversations.replies in DMs
	}, []string{"app_mention", "message.im"}},
}

func readManifest(t *testing.T, file string) manifest {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s is not valid YAML: %v", file, err)
	}
	for _, scope := range m.OAuth.Scopes.Bot {
		if !strings.Contains(string(raw), "#   "+scope+" ") {
			t.Errorf("%s does not say in its header what %s buys", file, scope)
		}
	}
	return m
}

// TestManifest checks that each deploy/ manifest asks for exactly the
// scopes and events this package uses under its profile, and enables
// what it relies on.
func TestManifest(t *testing.T) {
	for _, tc := range manifests {
		t.Run(string(tc.profile), func(t *testing.T) {
			m := readManifest(t, tc.file)
			if got := slices.Sorted(slices.Values(m.OAuth.Scopes.Bot)); !slices.Equal(got, tc.scopes) {
				t.Errorf("bot scopes = %v, want exactly %v", got, tc.scopes)
			}
			if got := slices.Sorted(slices.Values(m.Settings.Events.Bot)); !slices.Equal(got, tc.events) {
				t.Errorf("bot events = %v, want exactly %v", got, tc.events)
			}
			if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != "/story" {
				t.Errorf("slash commands = %+v, want /story", m.Features.SlashCommands)
			}
			if !m.Settings.SocketMode || !m.Settings.Interactivity.Enabled {
				t.Errorf("socket mode %v, interactivity %v: both must be on", m.Settings.SocketMode, m.Settings.Interactivity.Enabled)
			}
			if !m.Features.AppHome.MessagesTab || m.Features.AppHome.MessagesTabReadOnly {
				t.Error("the Messages tab must be on and writable for direct messages")
			}
			if m.Features.BotUser.DisplayName == "" {
				t.Error("the manifest needs a bot user")
			}
		})
	}
}

// TestProfileWithItsScopes runs the bot under each profile against a
// Slack that grants exactly its manifest's scopes: a mention, a direct
// message, /story, a follow-up in the bot's thread with and without a
// mention, and a digest post are all done without one call Slack would
// refuse for a missing scope. Under the mention-only profile a follow-up
// needs a mention and its context is the bot's record of the thread.
func TestProfileWithItsScopes(t *testing.T) {
	for _, tc := range manifests {
		t.Run(string(tc.profile), func(t *testing.T) {
			h := newHarness(t, func(c *Config) { c.Profile, c.UserRate, c.ChannelRate = tc.profile, -1, -1 })
			h.slack.Grant(readManifest(t, tc.file).OAuth.Scopes.Bot...)
			h.runSocket()
			updates := func(ch string, n int) []slackfake.Call {
				return h.slack.WaitCalls("answers", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", ch) == n })
			}

			root := h.slack.AddMessage("C1", "", "U1", "<@UBOT> how many troops left?")
			h.slack.Send("events_api", slackfake.EventCallback("Ev1", slackfake.Mention("C1", "U1", root, "", "<@UBOT> how many troops left?")), 0)
			updates("C1", 1)

			// A follow-up in the bot's thread without a mention: answered
			// only when the app may read the channel.
			next := h.slack.AddMessage("C1", root, "U1", "and when did it start?")
			h.slack.Send("events_api", slackfake.EventCallback("Ev2", slackfake.Message("C1", "channel", "U1", next, root, "and when did it start?")), 0)
			want := 2
			if tc.profile == ProfileMentions {
				time.Sleep(200 * time.Millisecond)
				h.a.Wait()
				if n := len(h.bot.asked()); n != 1 {
					t.Fatalf("a follow-up without a mention was answered under the mention-only profile (%d questions)", n)
				}
				want = 1
			} else {
				updates("C1", 2)
			}
			// With a mention, a follow-up is answered under both, with the
			// thread's earlier turns as context.
			again := h.slack.AddMessage("C1", root, "U1", "<@UBOT> and who said so?")
			h.slack.Send("events_api", slackfake.EventCallback("Ev3", slackfake.Mention("C1", "U1", again, root, "<@UBOT> and who said so?")), 0)
			updates("C1", want+1)
			qs := h.bot.asked()
			if th := qs[len(qs)-1].Thread; len(th) < 2 || th[0].Text != "how many troops left?" {
				t.Errorf("follow-up context = %+v", th)
			}

			dm := h.slack.AddMessage("D1", "", "U1", "how many troops left?")
			h.slack.Send("events_api", slackfake.EventCallback("Ev4", slackfake.Message("D1", "im", "U1", dm, "", "how many troops left?")), 0)
			updates("D1", 1)

			h.slack.Send("slash_commands", map[string]any{"command": "/story", "text": "how many troops left?", "user_id": "U1", "channel_id": "C9", "trigger_id": "trig-1", "response_url": h.slack.ResponseURL("C9")}, 0)
			updates("C9", 1)

			pub := h.a.Publisher("CDIGEST")
			r, err := digest.New(digestOf{h.bot.digest}, digest.Options{Publishers: []bot.Publisher{pub}, StatePath: t.TempDir() + "/state.json"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.RunOnce(context.Background(), time.Now()); err != nil {
				t.Fatal(err)
			}
			if _, err := pub.FindDigestPart(context.Background(), h.bot.digest, 0, "k", time.Now().Add(-time.Hour), ""); err != nil {
				t.Fatal(err)
			}
			h.a.Wait()
			if d := h.slack.Denied(); len(d) != 0 {
				t.Errorf("calls Slack refuses under the %s profile: %v", tc.profile, d)
			}
		})
	}
}
