package discord

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/adapters/chat"
	"github.com/storybot/storybot/bot"
)

// handleMessage answers a message that mentions the bot, a DM, or a
// follow-up in one of the bot's threads. A mention in an ordinary channel is
// answered in a new thread started from it; in a thread, the answer goes to
// the thread and carries the thread's history.
//
// Without the privileged Message Content intent Discord delivers the text of
// mentions and DMs only; other messages arrive empty and are ignored.
func (a *Adapter) handleMessage(ctx context.Context, m *discordgo.Message) {
	self := a.selfID()
	if self == "" || m.Author == nil || m.Author.Bot || m.Author.ID == self {
		return
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return
	}
	dm := m.GuildID == ""
	role := ""
	if !dm && len(m.MentionRoles) > 0 {
		role = a.botRole(ctx, m.GuildID)
	}
	text := stripMention(m.Content, self, role)
	mentioned := mentionsUser(m, self) || (role != "" && slices.Contains(m.MentionRoles, role))
	if !mentioned && !dm && text == "" {
		return
	}
	if !a.first(ctx, "m:"+m.ID) {
		return
	}
	var info channelInfo
	if !dm {
		info = a.channel(ctx, m.ChannelID)
	}
	inThread := info.thread && (mentioned || info.ours)
	if !dm && !inThread && !mentioned {
		return
	}
	log := a.log.With("message", m.ID, "channel", m.ChannelID, "user", m.Author.ID)
	r := &channelReply{a: a, channel: m.ChannelID, ref: &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID}}
	if msg := a.limits.Check("discord:"+m.Author.ID, ""); msg != "" {
		// Say it once per interval, not to every message of a burst.
		if a.firstFor(ctx, "warned:"+m.Author.ID, a.cfg.UserRate) {
			a.background(ctx, func(ctx context.Context) {
				if err := r.Put(ctx, 0, 1, message{Content: msg}); err != nil {
					log.Warn("sending rate-limit reply", "err", err)
				}
			})
		}
		return
	}
	a.background(ctx, func(ctx context.Context) {
		if text == "" {
			if err := chat.Deliver(ctx, r, textMessages(helpText(-1))); err != nil {
				log.Warn("sending help", "err", err)
			}
			return
		}
		q := bot.Question{Text: text, Platform: "discord", User: m.Author.ID, Channel: m.ChannelID}
		switch {
		case inThread:
			q.Thread = a.history(ctx, m.ChannelID, m.ID, info, self)
			r.ref = nil
		case !dm:
			th, err := a.session.MessageThreadStartComplex(m.ChannelID, m.ID, &discordgo.ThreadStart{
				Name: threadName(text), AutoArchiveDuration: 1440,
			}, discordgo.WithContext(ctx))
			if err != nil {
				log.Warn("starting thread; answering in the channel", "err", err)
				break
			}
			a.threads.put(th.ID, channelInfo{thread: true, ours: true, parent: m.ChannelID})
			r.channel, q.Channel, r.ref = th.ID, th.ID, nil
		}
		a.reply.Run(ctx, r, "answer", func(ctx context.Context) ([]message, error) {
			ans, err := a.bot.Answer(ctx, q)
			if err != nil {
				return nil, err
			}
			return renderAnswer(ans), nil
		})
	})
}

// channelReply posts a reply as channel messages: "storybot is typing..."
// as the placeholder, then the parts, the first replying to ref when set.
type channelReply struct {
	a       *Adapter
	channel string
	ref     *discordgo.MessageReference
}

var _ chat.Replier[message] = (*channelReply)(nil)

// Start shows the typing indicator (about ten seconds, or until the bot posts).
func (r *channelReply) Start(ctx context.Context) error {
	return r.a.session.ChannelTyping(r.channel, discordgo.WithContext(ctx))
}

// Put posts part i; the first replies to the question.
func (r *channelReply) Put(ctx context.Context, i, n int, m message) error {
	data := &discordgo.MessageSend{Content: m.Content, Embeds: m.Embeds, Components: m.Components, AllowedMentions: noMentions}
	if i == 0 && r.ref != nil {
		data.Reference = r.ref
	}
	_, err := r.a.session.ChannelMessageSendComplex(r.channel, data, discordgo.WithContext(ctx))
	return err
}

// botRole returns the ID of the bot's managed role in a guild ("" when it
// cannot be learnt), asking Discord once per guild: a mention of that role
// is a mention of the bot.
func (a *Adapter) botRole(ctx context.Context, guild string) string {
	if info, ok := a.roles.get(guild); ok {
		return info.parent
	}
	self := a.selfID()
	endpoint := discordgo.EndpointGuildRoles(guild)
	body, err := a.session.RequestWithBucketID(http.MethodGet, endpoint, nil, endpoint, discordgo.WithContext(ctx))
	if err != nil {
		a.log.Warn("looking up the bot's role", "guild", guild, "err", err)
		return ""
	}
	var roles []struct {
		ID      string `json:"id"`
		Managed bool   `json:"managed"`
		Tags    struct {
			BotID string `json:"bot_id"`
		} `json:"tags"`
	}
	if err := json.Unmarshal(body, &roles); err != nil {
		a.log.Warn("reading the guild's roles", "guild", guild, "err", err)
		return ""
	}
	id := ""
	for _, r := range roles {
		if r.Managed && r.Tags.BotID == self {
			id = r.ID
		}
	}
	a.roles.put(guild, channelInfo{parent: id})
	return id
}

// channel tells what kind of channel id is, asking Discord once and
// remembering the answer. An error yields the zero channelInfo (an
// ordinary channel), which is not remembered.
func (a *Adapter) channel(ctx context.Context, id string) channelInfo {
	if info, ok := a.threads.get(id); ok {
		return info
	}
	ch, err := a.session.Channel(id, discordgo.WithContext(ctx))
	if err != nil {
		a.log.Warn("looking up channel", "channel", id, "err", err)
		return channelInfo{}
	}
	info := channelInfo{thread: ch.IsThread(), ours: ch.OwnerID == a.selfID(), parent: ch.ParentID}
	a.threads.put(id, info)
	return info
}

// history returns the turns of a thread before message before, oldest
// first: the message the thread was started from, then the thread's own
// messages. Failures to read it are logged and give a shorter history.
func (a *Adapter) history(ctx context.Context, threadID, before string, info channelInfo, self string) []bot.Turn {
	limit := a.cfg.HistoryLimit
	msgs, err := a.session.ChannelMessages(threadID, limit, before, "", "", discordgo.WithContext(ctx))
	if err != nil {
		a.log.Warn("reading thread history", "thread", threadID, "err", err)
		return nil
	}
	slices.Reverse(msgs) // Discord lists newest first
	var turns []bot.Turn
	starter := false
	for _, m := range msgs {
		if m.Type == discordgo.MessageTypeThreadStarterMessage {
			starter = true
			if m.ReferencedMessage != nil {
				m = m.ReferencedMessage
			} else if ref := m.MessageReference; ref != nil {
				if m, err = a.session.ChannelMessage(ref.ChannelID, ref.MessageID, discordgo.WithContext(ctx)); err != nil {
					a.log.Warn("reading thread starter", "thread", threadID, "err", err)
					continue
				}
			}
		}
		if t, ok := turn(m, self); ok {
			turns = append(turns, t)
		}
	}
	// A thread started from a message shares its ID; the starter lives in
	// the parent channel and may not be listed in the thread.
	if !starter && len(msgs) < limit && info.parent != "" {
		if m, err := a.session.ChannelMessage(info.parent, threadID, discordgo.WithContext(ctx)); err == nil {
			if t, ok := turn(m, self); ok {
				turns = append([]bot.Turn{t}, turns...)
			}
		}
	}
	if len(turns) > limit {
		turns = turns[len(turns)-limit:]
	}
	return turns
}

// turn reads one earlier message as a conversation turn: the bot's own
// answers (their embed text) and people's messages; other bots are left out.
func turn(m *discordgo.Message, self string) (bot.Turn, bool) {
	if m == nil || m.Author == nil {
		return bot.Turn{}, false
	}
	if m.Author.ID == self {
		parts := []string{}
		if c := strings.TrimSpace(m.Content); c != "" {
			parts = append(parts, c)
		}
		for _, e := range m.Embeds {
			if e != nil && strings.TrimSpace(e.Description) != "" {
				parts = append(parts, unescapeMarkdown(e.Description))
			}
		}
		text := strings.Join(parts, "\n")
		return bot.Turn{Role: bot.RoleBot, Text: text}, text != ""
	}
	if m.Author.Bot {
		return bot.Turn{}, false
	}
	text := stripMention(m.Content, self, "")
	return bot.Turn{Role: bot.RoleUser, Text: text}, text != ""
}

// mentionsUser reports whether m mentions the user id.
func mentionsUser(m *discordgo.Message, id string) bool {
	for _, u := range m.Mentions {
		if u != nil && u.ID == id {
			return true
		}
	}
	return strings.Contains(m.Content, "<@"+id+">") || strings.Contains(m.Content, "<@!"+id+">")
}

// stripMention removes mentions of the user id, and of the role when set,
// from text and trims it.
func stripMention(text, id, role string) string {
	if id != "" {
		text = strings.ReplaceAll(text, "<@"+id+">", "")
		text = strings.ReplaceAll(text, "<@!"+id+">", "")
	}
	if role != "" {
		text = strings.ReplaceAll(text, "<@&"+role+">", "")
	}
	return strings.Join(strings.Fields(text), " ")
}

// threadName names a thread after its question (Discord allows 100 characters).
func threadName(question string) string {
	name := truncate(strings.Join(strings.Fields(question), " "), 100)
	if name == "" {
		return "storybot"
	}
	return name
}
