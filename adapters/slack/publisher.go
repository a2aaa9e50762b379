package slack

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/storybot/storybot/adapters/chat"
	"github.com/storybot/storybot/bot"
)

// DigestEventType is the event_type of the message metadata every digest
// message carries; its payload holds the part's key, so that a later
// process can find the part in the channel's history.
const DigestEventType = "storybot_digest"

// maxHistoryPages bounds the conversations.history and
// conversations.replies pages read while looking for a digest part.
const maxHistoryPages = 20

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
// message may not have been posted. The digest scheduler posts part by
// part instead (DigestParts, PostDigestPart, FindDigestPart).
func (p *Publisher) Publish(ctx context.Context, d bot.Digest) error {
	r := &threadReply{a: p.a, channel: p.channel}
	if err := chat.Deliver(ctx, r, digestParts(d)); err != nil {
		return fmt.Errorf("publish digest %s to %s: %w", d.ID, p.Name(), err)
	}
	return nil
}

func digestParts(d bot.Digest) []msg { return parts(renderDigest(d), digestText(d)) }

// DigestParts returns how many messages d takes: at most 50 blocks each.
func (p *Publisher) DigestParts(d bot.Digest) int { return len(digestParts(d)) }

// PostDigestPart posts part i of d, with message metadata of event type
// DigestEventType carrying key; the parts after the first go in the thread
// of the first (thread is its ts). It returns the message's ts.
func (p *Publisher) PostDigestPart(ctx context.Context, d bot.Digest, i int, key, thread string) (string, error) {
	ms := digestParts(d)
	if i < 0 || i >= len(ms) {
		return "", fmt.Errorf("slack: digest %s has %d parts, not a part %d", d.ID, len(ms), i+1)
	}
	if i > 0 && thread == "" {
		return "", fmt.Errorf("slack: part %d of digest %s needs the thread of part 1", i+1, d.ID)
	}
	meta := slackgo.SlackMetadata{EventType: DigestEventType, EventPayload: map[string]any{"key": key, "period": d.ID, "part": i}}
	ts, err := p.a.post(ctx, p.channel, thread, ms[i], slackgo.MsgOptionMetadata(meta))
	if err != nil {
		return "", fmt.Errorf("publish part %d of digest %s to %s: %w", i+1, d.ID, p.Name(), err)
	}
	root := thread
	if root == "" {
		root = ts
	}
	p.a.rememberThread(ctx, p.channel, root, "", "")
	return ts, nil
}

// errNoHistory is FindDigestPart's answer under the mention-only profile.
var errNoHistory = errors.New("the mention-only Slack profile has no channels:history or groups:history scope, so the channel cannot be searched")

// FindDigestPart looks for the bot's message whose metadata carries key:
// part 1 in the channel's history since since (conversations.history), a
// later part in part 1's thread (conversations.replies). It returns the
// message's ts, or "" when there is none. Under the mention-only profile
// the app may not read the channel: it returns "" and logs that a part in
// doubt is posted again (use the full profile for exactly-once digests).
func (p *Publisher) FindDigestPart(ctx context.Context, d bot.Digest, i int, key string, since time.Time, thread string) (string, error) {
	if p.a.cfg.Profile == ProfileMentions {
		p.a.log.Warn("cannot check whether a digest part in doubt arrived; posting it again", "channel", p.channel, "key", key, "reason", errNoHistory.Error())
		return "", nil
	}
	me, err := p.a.self(ctx)
	if err != nil {
		return "", fmt.Errorf("look for digest part %s: %w", key, err)
	}
	mine := func(m slackgo.Message) bool {
		if m.BotID != me.BotID && m.User != me.UserID {
			return false
		}
		if m.Metadata.EventType != DigestEventType {
			return false
		}
		k, _ := m.Metadata.EventPayload["key"].(string)
		return k == key
	}
	cursor := ""
	for range maxHistoryPages {
		var (
			ms   []slackgo.Message
			more bool
			next string
		)
		if i == 0 || thread == "" {
			err = p.a.call(ctx, "conversations.history", func(ctx context.Context) error {
				resp, err := p.a.api.GetConversationHistoryContext(ctx, &slackgo.GetConversationHistoryParameters{
					ChannelID: p.channel, Oldest: slackTS(since), Limit: 200, IncludeAllMetadata: true, Cursor: cursor,
				})
				if err != nil {
					return err
				}
				ms, more, next = resp.Messages, resp.HasMore, resp.ResponseMetaData.NextCursor
				return nil
			})
		} else {
			err = p.a.call(ctx, "conversations.replies", func(ctx context.Context) error {
				var err error
				ms, more, next, err = p.a.api.GetConversationRepliesContext(ctx, &slackgo.GetConversationRepliesParameters{
					ChannelID: p.channel, Timestamp: thread, Limit: 200, IncludeAllMetadata: true, Cursor: cursor,
				})
				return err
			})
		}
		if err != nil {
			return "", fmt.Errorf("look for digest part %s in %s: %w", key, p.Name(), err)
		}
		for _, m := range ms {
			if mine(m) {
				return m.Timestamp, nil
			}
		}
		if !more || next == "" {
			return "", nil
		}
		cursor = next
	}
	return "", fmt.Errorf("look for digest part %s in %s: more than %d pages of messages since %s", key, p.Name(), maxHistoryPages, since.Format(time.RFC3339))
}

// slackTS renders t as a Slack timestamp ("1700000000.000000").
func slackTS(t time.Time) string {
	if t.IsZero() || t.Unix() < 0 {
		return "0"
	}
	return strconv.FormatInt(t.Unix(), 10) + ".000000"
}
