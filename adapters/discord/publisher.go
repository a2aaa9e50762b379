package discord

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/bot"
)

var _ bot.Publisher = (*ChannelPublisher)(nil)

// ChannelPublisher posts digests to one Discord channel. It is safe for
// concurrent use.
type ChannelPublisher struct {
	a         *Adapter
	channelID string
}

// Publisher returns a bot.Publisher that posts digests to the channel. It
// needs only the REST API, not a running gateway session.
func (a *Adapter) Publisher(channelID string) *ChannelPublisher {
	return &ChannelPublisher{a: a, channelID: channelID}
}

// Name identifies the destination as "discord:<channel ID>".
func (p *ChannelPublisher) Name() string { return "discord:" + p.channelID }

// Publish posts the digest as embeds, in as many messages as Discord's limits
// need. It returns an error if any message may not have been posted.
func (p *ChannelPublisher) Publish(ctx context.Context, d bot.Digest) error {
	for i, m := range renderDigest(d) {
		data := &discordgo.MessageSend{Content: m.Content, Embeds: m.Embeds, AllowedMentions: noMentions}
		if _, err := p.a.session.ChannelMessageSendComplex(p.channelID, data, discordgo.WithContext(ctx)); err != nil {
			return fmt.Errorf("discord: posting digest %s to channel %s (message %d): %w", d.ID, p.channelID, i+1, err)
		}
	}
	return nil
}
