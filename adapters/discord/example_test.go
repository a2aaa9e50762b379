package discord_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/storybot/storybot/adapters/discord"
)

// ConfigFromEnv reads the adapter's settings; the token never reaches logs.
func ExampleConfigFromEnv() {
	env := map[string]string{"DISCORD_BOT_TOKEN": "secret", "DISCORD_APP_ID": "123", "DISCORD_GUILD_ID": "456"}
	cfg, err := discord.ConfigFromEnv(func(k string) string { return env[k] }, os.ReadFile)
	if err != nil {
		panic(err)
	}
	fmt.Println(cfg.AppID, cfg.GuildID, cfg.LogValue())
	// Output: 123 456 [token=<redacted> app_id=123 guild_id=456 http_interactions=false http_only=false message_content=false]
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
