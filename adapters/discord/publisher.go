package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/bot"
)

var _ bot.Publisher = (*ChannelPublisher)(nil)

// maxListPages bounds the pages of 100 messages read while looking for a
// digest part.
const maxListPages = 20

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
// need. It returns an error if any message may not have been posted. The
// digest scheduler posts part by part instead (DigestParts,
// PostDigestPart, FindDigestPart).
func (p *ChannelPublisher) Publish(ctx context.Context, d bot.Digest) error {
	for i, m := range renderDigest(d) {
		data := &discordgo.MessageSend{Content: m.Content, Embeds: m.Embeds, AllowedMentions: noMentions}
		if _, err := p.a.session.ChannelMessageSendComplex(p.channelID, data, discordgo.WithContext(ctx)); err != nil {
			return fmt.Errorf("discord: posting digest %s to channel %s (message %d): %w", d.ID, p.channelID, i+1, err)
		}
	}
	return nil
}

// DigestParts returns how many messages d takes within Discord's limits.
func (p *ChannelPublisher) DigestParts(d bot.Digest) int { return len(renderDigest(d)) }

// digestMarker is the first line of each digest message, in Discord's
// small grey subtext: it names the period and the part, and is how a
// later process recognises the part among the channel's messages (Discord
// does not list nonces).
func digestMarker(d bot.Digest, i, n int) string {
	return fmt.Sprintf("-# storybot digest %s · part %d of %d", d.ID, i+1, n)
}

// digestNonce derives the part's nonce (at most 25 characters) from its
// key.
func digestNonce(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "sd" + hex.EncodeToString(sum[:])[:23]
}

// createMessage is a create-message request with a nonce: discordgo
// v0.29's MessageSend has no nonce field.
type createMessage struct {
	Content         string                            `json:"content,omitempty"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds,omitempty"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions,omitempty"`
	Nonce           string                            `json:"nonce"`
	EnforceNonce    bool                              `json:"enforce_nonce"`
}

// PostDigestPart posts part i of d as a new channel message whose first
// line is the part's marker, with a nonce derived from key and
// enforce_nonce, so that Discord returns the message already created
// instead of a second one when the same part is sent again within minutes.
// It returns the message ID.
func (p *ChannelPublisher) PostDigestPart(ctx context.Context, d bot.Digest, i int, key, thread string) (string, error) {
	ms := renderDigest(d)
	if i < 0 || i >= len(ms) {
		return "", fmt.Errorf("discord: digest %s has %d parts, not a part %d", d.ID, len(ms), i+1)
	}
	m := ms[i]
	content := digestMarker(d, i, len(ms))
	if m.Content != "" {
		content += "\n" + m.Content
	}
	body := createMessage{Content: content, Embeds: m.Embeds, AllowedMentions: noMentions, Nonce: digestNonce(key), EnforceNonce: true}
	ep := discordgo.EndpointChannelMessages(p.channelID)
	raw, err := p.a.session.RequestWithBucketID(http.MethodPost, ep, body, ep, discordgo.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("discord: posting part %d of digest %s to channel %s: %w", i+1, d.ID, p.channelID, err)
	}
	var created discordgo.Message
	if err := json.Unmarshal(raw, &created); err != nil || created.ID == "" {
		return "", fmt.Errorf("discord: posting part %d of digest %s to channel %s: the reply names no message (%d bytes)", i+1, d.ID, p.channelID, len(raw))
	}
	return created.ID, nil
}

// FindDigestPart looks among the channel's messages since since for the
// bot's message that starts with the part's marker, and returns its ID, or
// "" when there is none.
func (p *ChannelPublisher) FindDigestPart(ctx context.Context, d bot.Digest, i int, key string, since time.Time, thread string) (string, error) {
	marker := digestMarker(d, i, p.DigestParts(d))
	self := p.a.selfID()
	after := snowflakeAt(since)
	for range maxListPages {
		ms, err := p.a.session.ChannelMessages(p.channelID, 100, "", after, "", discordgo.WithContext(ctx))
		if err != nil {
			return "", fmt.Errorf("discord: looking for digest part %s in channel %s: %w", key, p.channelID, err)
		}
		for _, m := range ms {
			if m.Author == nil || !m.Author.Bot || (self != "" && m.Author.ID != self) {
				continue
			}
			if first, _, _ := strings.Cut(m.Content, "\n"); first == marker {
				return m.ID, nil
			}
		}
		if len(ms) < 100 {
			return "", nil
		}
		for _, m := range ms {
			if snowflakeLess(after, m.ID) {
				after = m.ID
			}
		}
	}
	return "", fmt.Errorf("discord: looking for digest part %s in channel %s: more than %d pages of messages since %s", key, p.channelID, maxListPages, since.Format(time.RFC3339))
}

// discordEpoch is the start of Discord's snowflake clock, in Unix ms.
const discordEpoch = 1420070400000

// snowflakeAt returns the smallest snowflake of time t.
func snowflakeAt(t time.Time) string {
	ms := t.UnixMilli() - discordEpoch
	if ms < 0 {
		ms = 0
	}
	return strconv.FormatUint(uint64(ms)<<22, 10)
}

// snowflakeLess orders two snowflakes.
func snowflakeLess(a, b string) bool {
	x, _ := strconv.ParseUint(a, 10, 64)
	y, _ := strconv.ParseUint(b, 10, 64)
	return x < y
}
