package discord_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/storybot/storybot/adapters/discord"
)

// A Config logs without its token.
func ExampleConfig_LogValue() {
	cfg := discord.Config{Token: "secret", AppID: "123", GuildID: "456"}
	fmt.Println(cfg.LogValue())
	// Output: [token=<redacted> app_id=123 guild_id=456 http_interactions=false http_only=false message_content=false api_url=]
}

// InviteURL gives the link that adds the bot with the scopes and
// permissions it needs.
func ExampleInviteURL() {
	fmt.Println(discord.InviteURL("123"))
	// Output: https://discord.com/oauth2/authorize?client_id=123&scope=bot+applications.commands&permissions=309237730304
}

// The README's invite link asks for exactly the permissions the code needs.
func ExamplePermissions() {
	readme, _ := os.ReadFile("../../README.md")
	fmt.Println(strings.Contains(string(readme), fmt.Sprint(discord.Permissions)))
	// Output: true
}
