package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/bot"
)

// respondFunc sends the initial response to an interaction: a REST callback
// on the gateway, the HTTP response body on the interactions endpoint. It is
// called exactly once per interaction handled.
type respondFunc func(*discordgo.InteractionResponse) error

// noMentions stops any text we post from pinging anyone, whatever the
// articles say (e.g. "@everyone").
var noMentions = &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}

// handleInteraction answers one interaction. The initial response is sent
// before it returns; the answer itself is delivered in the background.
func (a *Adapter) handleInteraction(ctx context.Context, i *discordgo.Interaction, respond respondFunc) {
	log := a.log.With("interaction", i.ID, "user", interactionUser(i))
	var err error
	switch i.Type {
	case discordgo.InteractionPing:
		err = respond(&discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
	case discordgo.InteractionApplicationCommand:
		a.handleCommand(ctx, i, respond, log)
		return
	case discordgo.InteractionMessageComponent:
		err = respond(immediate(a.feedback(ctx, i)))
	default:
		err = respond(immediate(message{Content: "I don't handle that kind of interaction.", Ephemeral: true}))
	}
	if err != nil {
		log.Warn("responding to interaction", "err", err)
	}
}

// handleCommand defers the response at once, then works out the reply and
// edits the deferred response with it.
func (a *Adapter) handleCommand(ctx context.Context, i *discordgo.Interaction, respond respondFunc, log *slog.Logger) {
	user := interactionUser(i)
	if ok, wait := a.limiter.Allow("discord:" + user); !ok {
		a.rateLimited()
		if err := respond(immediate(rateLimitedMessage(wait))); err != nil {
			log.Warn("sending rate-limit reply", "err", err)
		}
		return
	}
	if err := respond(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
		log.Warn("deferring interaction response", "err", err)
		return
	}
	data, _ := i.Data.(discordgo.ApplicationCommandInteractionData)
	a.background(ctx, func(ctx context.Context) {
		start := a.now()
		msgs, err := safely(func() ([]message, error) { return a.command(ctx, i, data) })
		if err != nil {
			log.Warn("command failed", "command", data.Name, "err", err)
			msgs = []message{errorMessage(err)}
		}
		a.deliverInteraction(ctx, i, msgs)
		log.Info("command answered", "command", data.Name, "messages", len(msgs), "took", a.now().Sub(start))
	})
}

// safely runs f, turning a panic into an error so that the user still gets
// a reply and the process survives a bug.
func safely(f func() ([]message, error)) (msgs []message, err error) {
	defer func() {
		if r := recover(); r != nil {
			msgs, err = nil, fmt.Errorf("internal error (%v)", r)
		}
	}()
	return f()
}

// command runs one slash command and renders its reply.
func (a *Adapter) command(ctx context.Context, i *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) ([]message, error) {
	switch data.Name {
	case "ask":
		q := strings.TrimSpace(stringOption(data, "question"))
		if q == "" {
			return textMessages("Ask me something, e.g. `/ask question: what happened today?`"), nil
		}
		ans, err := a.bot.Answer(ctx, bot.Question{
			Text: q, Platform: "discord", User: interactionUser(i), Channel: i.ChannelID,
		})
		if err != nil {
			return nil, err
		}
		return renderAnswer(ans), nil
	case "digest":
		d, err := a.bot.LatestDigest(ctx)
		if errors.Is(err, bot.ErrNotFound) {
			return textMessages("No digest has been made yet."), nil
		}
		if err != nil {
			return nil, fmt.Errorf("getting the latest digest: %w", err)
		}
		return renderDigest(d), nil
	case "conflicts":
		cs, err := a.bot.Conflicts(ctx)
		if err != nil {
			return nil, fmt.Errorf("getting the conflicts: %w", err)
		}
		return renderConflicts(cs), nil
	case "sources":
		id := strings.TrimSpace(stringOption(data, "id"))
		id = strings.TrimSuffix(strings.TrimPrefix(id, "["), "]")
		if id == "" {
			return textMessages("Give me an article ID, e.g. `/sources id: 001_ccb51c14b77c787b`."), nil
		}
		art, err := a.bot.Article(ctx, id)
		if errors.Is(err, bot.ErrNotFound) {
			return textMessages("I have no article with the ID `" + strings.ReplaceAll(truncate(id, 200), "`", "'") + "`."), nil
		}
		if err != nil {
			return nil, fmt.Errorf("getting article %q: %w", id, err)
		}
		return renderArticle(art), nil
	case "help":
		n, err := a.bot.CorpusSize(ctx)
		if err != nil {
			n = -1
		}
		return textMessages(helpText(n)), nil
	default:
		return nil, fmt.Errorf("unknown command /%s", data.Name)
	}
}

// deliverInteraction replaces the deferred "thinking..." with the first
// message and sends the rest as follow-ups. It uses a context of its own so
// that a reply, or at least an error, is posted even after ctx ended.
func (a *Adapter) deliverInteraction(ctx context.Context, i *discordgo.Interaction, msgs []message) {
	sctx, cancel := cleanupContext(ctx)
	defer cancel()
	log := a.log.With("interaction", i.ID)
	if len(msgs) == 0 {
		msgs = []message{{Content: "(nothing to show)"}}
	}
	first := msgs[0]
	if _, err := a.session.InteractionResponseEdit(i, webhookEdit(first), discordgo.WithContext(sctx)); err != nil {
		log.Warn("editing interaction response", "err", err)
		// Never leave "thinking...": try once more with a plain error.
		fallback := errorMessage(fmt.Errorf("the reply could not be posted (%v)", err))
		if _, err := a.session.InteractionResponseEdit(i, webhookEdit(fallback), discordgo.WithContext(sctx)); err != nil {
			log.Error("editing interaction response with error", "err", err)
		}
		return
	}
	for _, m := range msgs[1:] {
		params := &discordgo.WebhookParams{
			Content: m.Content, Embeds: m.Embeds, Components: nonNil(m.Components), AllowedMentions: noMentions,
		}
		if _, err := a.session.FollowupMessageCreate(i, true, params, discordgo.WithContext(sctx)); err != nil {
			log.Warn("sending follow-up message", "err", err)
			return
		}
	}
}

// feedback records a feedback button press and says thanks.
func (a *Adapter) feedback(ctx context.Context, i *discordgo.Interaction) message {
	data, _ := i.Data.(discordgo.MessageComponentInteractionData)
	id, helpful, ok := parseFeedbackID(data.CustomID)
	if !ok {
		return message{Content: "I don't know that button.", Ephemeral: true}
	}
	fctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	err := a.bot.RecordFeedback(fctx, bot.Feedback{
		AnswerID: id, Helpful: helpful, Platform: "discord", User: interactionUser(i), At: a.now(),
	})
	if err != nil {
		a.log.Warn("recording feedback", "answer", id, "err", err)
		return message{Content: truncate("I couldn't record that: "+err.Error(), maxContent), Ephemeral: true}
	}
	if helpful {
		return message{Content: "Thanks — noted that this answer helped.", Ephemeral: true}
	}
	return message{Content: "Thanks — noted that this answer missed the mark.", Ephemeral: true}
}

// immediate is an interaction response that carries the message itself.
func immediate(m message) *discordgo.InteractionResponse {
	data := &discordgo.InteractionResponseData{
		Content: m.Content, Embeds: m.Embeds, Components: m.Components, AllowedMentions: noMentions,
	}
	if m.Ephemeral {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data}
}

func webhookEdit(m message) *discordgo.WebhookEdit {
	content := m.Content
	embeds := m.Embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	components := nonNil(m.Components)
	return &discordgo.WebhookEdit{Content: &content, Embeds: &embeds, Components: &components, AllowedMentions: noMentions}
}

func nonNil(c []discordgo.MessageComponent) []discordgo.MessageComponent {
	if c == nil {
		return []discordgo.MessageComponent{}
	}
	return c
}

// interactionUser is the ID of the user behind an interaction, in a guild or
// in a DM.
func interactionUser(i *discordgo.Interaction) string {
	switch {
	case i.Member != nil && i.Member.User != nil:
		return i.Member.User.ID
	case i.User != nil:
		return i.User.ID
	}
	return ""
}

func stringOption(data discordgo.ApplicationCommandInteractionData, name string) string {
	for _, o := range data.Options {
		if o.Name == name && o.Type == discordgo.ApplicationCommandOptionString {
			if s, ok := o.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}
