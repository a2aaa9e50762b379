package discord

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/storybot/storybot/adapters/chat"
)

// tokenFix is the fix for a refused bot token.
const tokenFix = "check DISCORD_BOT_TOKEN: copy the token again from the Developer Portal's Bot page (Reset Token)"

// where names the API address for messages.
func (a *Adapter) where() string {
	if a.cfg.APIURL != "" {
		return a.cfg.APIURL + " (DISCORD_API_URL)"
	}
	return "https://discord.com/api"
}

// restProblem explains a failed REST call made while connecting.
func (a *Adapter) restProblem(what string, err error) *chat.Problem {
	var rest *discordgo.RESTError
	var rl *discordgo.RateLimitError
	switch {
	case errors.As(err, &rl):
		return &chat.Problem{Reason: "Discord rate-limited storybot while " + what, Fix: "nothing to do: storybot tries again later", Err: err}
	case errors.As(err, &rest) && rest.Response != nil:
		code := rest.Response.StatusCode
		p := &chat.Problem{Err: err}
		switch {
		case code == http.StatusUnauthorized:
			p.Reason = fmt.Sprintf("Discord refused the bot token (HTTP 401) while %s", what)
			p.Fix = tokenFix
		case code == http.StatusForbidden && a.cfg.GuildID != "":
			p.Reason = fmt.Sprintf("Discord denied access (HTTP 403) while %s in server %s", what, a.cfg.GuildID)
			p.Fix = "invite the bot to that server with the bot and applications.commands scopes (the invite link is in the README), or unset DISCORD_GUILD_ID"
		case code == http.StatusForbidden || code == http.StatusNotFound:
			p.Reason = fmt.Sprintf("Discord denied access (HTTP %d) while %s", code, what)
			p.Fix = "check DISCORD_APP_ID: it must be the application ID of the bot whose token is DISCORD_BOT_TOKEN"
		case code >= 500:
			p.Reason = fmt.Sprintf("Discord's API is failing (HTTP %d) while %s", code, what)
			p.Fix = "nothing to do: storybot tries again; see https://discordstatus.com"
		default:
			p.Reason = fmt.Sprintf("Discord refused a request (HTTP %d) while %s", code, what)
			p.Fix = "see the log for Discord's answer"
		}
		return p
	case strings.HasPrefix(err.Error(), "Exceeded Max retries HTTP 502"):
		// discordgo retries a 502 itself, then says so in plain words.
		return &chat.Problem{Reason: "Discord's API is failing (HTTP 502) while " + what,
			Fix: "nothing to do: storybot tries again; see https://discordstatus.com", Err: err}
	default:
		return &chat.Problem{Reason: "cannot reach Discord's API at " + a.where() + " while " + what,
			Fix: "check the network, the proxy and DISCORD_API_URL; storybot tries again", Err: err}
	}
}

// gatewayProblem explains a failed gateway connection.
func (a *Adapter) gatewayProblem(err error) *chat.Problem {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		p := &chat.Problem{Err: err}
		switch ce.Code {
		case 4014:
			p.Reason = "Discord closed the gateway: the Message Content intent is not enabled (close code 4014)"
			p.Fix = "enable Message Content Intent in the Developer Portal (Bot page, Privileged Gateway Intents), or unset DISCORD_MESSAGE_CONTENT"
		case 4004:
			p.Reason = "Discord refused the bot token on the gateway (close code 4004)"
			p.Fix = tokenFix
		case 4013:
			p.Reason = "Discord refused the gateway intents (close code 4013)"
			p.Fix = "report this as a storybot bug"
		default:
			p.Reason = fmt.Sprintf("Discord closed the gateway (close code %d)", ce.Code)
			p.Fix = "nothing to do if it passes: storybot reconnects"
		}
		return p
	}
	var rest *discordgo.RESTError
	if errors.As(err, &rest) {
		return a.restProblem("looking up the gateway", err)
	}
	return &chat.Problem{Reason: "cannot connect to Discord's gateway",
		Fix: "check the network and the proxy (the gateway address comes from " + a.where() + "); storybot tries again", Err: err}
}
