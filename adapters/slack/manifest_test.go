package slack

import (
	"os"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestManifest checks that deploy/slack-manifest.yaml asks for exactly the
// scopes and events this package uses, and enables what it relies on.
func TestManifest(t *testing.T) {
	raw, err := os.ReadFile("../../deploy/slack-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
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
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("manifest is not valid YAML: %v", err)
	}
	scopes := []string{
		"app_mentions:read", // app_mention events
		"channels:history",  // message.channels, conversations.replies in public channels
		"chat:write",        // chat.postMessage, chat.update
		"commands",          // /story
		"groups:history",    // message.groups, conversations.replies in private channels
		"im:history",        // message.im, conversations.history and conversations.replies in DMs
	}
	events := []string{"app_mention", "message.channels", "message.groups", "message.im"}
	got := slices.Sorted(slices.Values(m.OAuth.Scopes.Bot))
	if !slices.Equal(got, scopes) {
		t.Errorf("bot scopes = %v, want exactly %v", got, scopes)
	}
	if got := slices.Sorted(slices.Values(m.Settings.Events.Bot)); !slices.Equal(got, events) {
		t.Errorf("bot events = %v, want exactly %v", got, events)
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
}
