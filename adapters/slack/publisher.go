package slack

import (
	"context"
	"fmt"

	"github.com/storybot/storybot/adapters/chat"
	"github.com/storybot/storybot/bot"
)

// Publisher posts digests to one Slack channel. It is safe for concurrent use.
type Publisher struct {
	a       *Adapter
	channel string
}

var _ bot.Publisher = (*Publisher)(nil)

// Publisher returns a bot.Publisher posting digests to channel (an ID such
// as C0123456789). The bot must be a member of the channel.
func (a *Adapter) Publisher(channel string) *Publisher {
	return &Publisher{a: a, channel: channel}
}

// Name identifies the destination as "slack:<channel>".
func (p *Publisher) Name() string { return "slack:" + p.channel }

// Publish posts d as Block Kit, split into messages of at most 50 blocks,
// the later ones in a thread under the first. It returns an error when any
// message may not have been posted.
func (p *Publisher) Publish(ctx context.Context, d bot.Digest) error {
	r := &threadReply{a: p.a, channel: p.channel}
	if err := chat.Deliver(ctx, r, parts(renderDigest(d), digestText(d))); err != nil {
		return fmt.Errorf("publish digest %s to %s: %w", d.ID, p.Name(), err)
	}
	return nil
}
