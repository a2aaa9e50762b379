package discord

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/adapters/chat"
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
		a.handleCommand(ctx, i, respond)
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
// puts it in the deferred response's place.
func (a *Adapter) handleCommand(ctx context.Context, i *discordgo.Interaction, respond respondFunc) {
	log := a.log.With("interaction", i.ID, "user", interactionUser(i))
	if msg := a.limits.Check("discord:"+interactionUser(i), ""); msg != "" {
		if err := respond(immediate(message{Content: msg, Ephemeral: true})); err != nil {
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
		a.reply.Run(ctx, &interactionReply{a: a, i: i}, "/"+data.Name, func(ctx context.Context) ([]message, error) {
			return a.command(ctx, i, data)
		})
		log.Info("command answered", "command", data.Name, "took", a.now().Sub(start))
	})
}

// interactionReply delivers a reply to a deferred interaction: the first
// part replaces "storybot is thinking...", the rest are follow-ups. The
// deferred response is the placeholder, already sent.
type interactionReply struct {
	a *Adapter
	i *discordgo.Interaction
}

var _ chat.Replier[message] = (*interactionReply)(nil)

// Start does nothing: the deferred response was the placeholder.
func (r *interactionReply) Start(context.Context) error { return nil }

// Put edits the deferred response with part 0 and sends the rest as follow-ups.
func (r *interactionReply) Put(ctx context.Context, i, n int, m message) error {
	if i == 0 {
		_, err := r.a.session.InteractionResponseEdit(r.i, webhookEdit(m), discordgo.WithContext(ctx))
		return err
	}
	params := &discordgo.WebhookParams{Content: m.Content, Embeds: m.Embeds, Components: nonNil(m.Components), AllowedMentions: noMentions}
	_, err := r.a.session.FollowupMessageCreate(r.i, true, params, discordgo.WithContext(ctx))
	return err
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

// feedback records a feedback button press and says thanks.
func (a *Adapter) feedback(ctx context.Context, i *discordgo.Interaction) message {
	data, _ := i.Data.(discordgo.MessageComponentInteractionData)
	id, helpful, ok := parseFeedbackID(data.CustomID)
	if !ok {
		return message{Content: "I don't know that button.", Ephemeral: true}
	}
	text := chat.RecordFeedback(ctx, a.bot, a.log, bot.Feedback{
		AnswerID: id, Helpful: helpful, Platform: "discord", User: interactionUser(i), At: a.now(),
	})
	return message{Content: text, Ephemeral: true}
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
