package slack

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	slackgo "github.com/slack-go/slack"

	"github.com/storybot/storybot/adapters/chat"
	"github.com/storybot/storybot/bot"
)

// platform names Slack in questions and feedback.
const platform = "slack"

// handleEvent takes one acknowledged Events API delivery. Duplicates (Slack
// retries) are dropped at once; the rest is handled in the background.
func (a *Adapter) handleEvent(ctx context.Context, ev event) {
	if ev.Msg == nil {
		return
	}
	if ev.ID != "" && !a.first(ctx, "event/"+ev.ID) {
		a.log.Debug("duplicate event dropped", "event_id", ev.ID)
		return
	}
	m := *ev.Msg
	a.spawn(ctx, func(ctx context.Context) { a.onMessage(ctx, m) })
}

// first reports whether key is seen for the first time (within
// Config.DedupeTTL). When the store cannot say, the delivery is handled.
func (a *Adapter) first(ctx context.Context, key string) bool {
	ok, err := a.seen.First(ctx, "slack/"+key, a.cfg.DedupeTTL)
	if err != nil {
		a.log.Warn("cannot check for a repeated delivery; handling it", "key", key, "err", err)
		return true
	}
	return ok
}

// ignorable reports whether a message event is not a person's new message:
// edits, deletions, joins and other subtypes, and any bot's messages.
func ignorable(m message) bool {
	if m.Subtype != "" && m.Subtype != "thread_broadcast" {
		return true
	}
	if len(m.Edited) > 0 && string(m.Edited) != "null" {
		return true
	}
	return m.BotID != "" || m.User == "" || m.Channel == "" || m.TS == ""
}

// onMessage decides whether a message is for the bot and answers it.
func (a *Adapter) onMessage(ctx context.Context, m message) {
	if ignorable(m) {
		return
	}
	dm := m.ChannelType == "im" || (m.ChannelType == "" && isDM(m.Channel))
	inThread := m.ThreadTS != "" && m.ThreadTS != m.TS
	replyTS := m.ThreadTS
	if replyTS == "" && !dm {
		replyTS = m.TS
	}
	r := &threadReply{a: a, channel: m.Channel, threadTS: replyTS}
	log := a.log.With("channel", m.Channel, "user", m.User, "ts", m.TS)

	me, err := a.self(ctx)
	if err != nil {
		if m.Type == "app_mention" || dm {
			a.reply.Fallback(ctx, r, chat.Fail(ctx, log, "cannot learn the bot's own identity (auth.test)", err))
		} else {
			log.Error("cannot learn the bot's own identity (auth.test)", "err", err)
		}
		return
	}
	if m.User == me.UserID {
		return
	}
	mentioned := m.Type == "app_mention" || mentions(m.Text, me.UserID)
	full := a.cfg.Profile != ProfileMentions
	var (
		thread []slackgo.Message
		known  []bot.Turn // the bot's own record of the thread
		ours   bool
	)
	if inThread {
		known, ours = a.ourThread(ctx, m.Channel, m.ThreadTS)
	}
	if !dm && !mentioned {
		// Only a reply in a thread the bot answered is for the bot, and
		// only when the app may read the channel's messages.
		if !full || !inThread || !a.allowed(m.Channel) || a.notOurs.known(m.Channel, m.ThreadTS) {
			return
		}
		thread, err = a.fetchThread(ctx, m.Channel, m.ThreadTS)
		if err != nil {
			log.Warn("cannot read the thread to see whether it is a follow-up", "err", err)
			if !ours {
				return
			}
		} else if !ours && !spokeIn(thread, me) {
			a.notOurs.mark(m.Channel, m.ThreadTS)
			return
		}
	}
	// An app_mention and a message event arrive for the same message: answer once.
	if !a.first(ctx, "msg/"+m.Channel+"/"+m.TS) {
		return
	}
	if !a.allowed(m.Channel) {
		a.say(ctx, r, notAllowedText)
		return
	}
	if msg := a.limited(m.User, m.Channel); msg != "" {
		a.say(ctx, r, msg)
		return
	}
	text := plain(m.Text, me.UserID)
	if text == "" {
		a.sayBlocks(ctx, r, msg{blocks: sections(helpText), text: "Ask me a question about the story."})
		return
	}
	r.question = text
	q := bot.Question{Text: text, Platform: platform, User: m.User, Channel: m.Channel}
	switch {
	case inThread && full:
		if thread == nil {
			thread, err = a.fetchThread(ctx, m.Channel, m.ThreadTS)
			if err != nil {
				log.Warn("thread context unavailable; answering with what the bot recorded", "err", err)
			}
		}
		if thread != nil {
			q.Thread = a.turns(thread, m.TS, me)
		} else {
			q.Thread = a.lastTurns(known)
		}
	case inThread:
		q.Thread = a.lastTurns(known)
	case dm && a.cfg.DMWindow > 0:
		history, err := a.dmHistory(ctx, m.Channel, m.TS)
		if err != nil {
			log.Warn("conversation context unavailable; answering without it", "err", err)
		}
		q.Thread = a.turns(history, m.TS, me)
	}
	a.answer(ctx, r, q, "")
}

// notAllowedText answers in a channel the bot is not enabled in.
const notAllowedText = "I'm not enabled in this channel. Ask whoever runs storybot to add it to the allowed channels, or send me a direct message."

// lastTurns caps recorded turns at Config.ThreadTurns.
func (a *Adapter) lastTurns(turns []bot.Turn) []bot.Turn {
	if len(turns) > a.cfg.ThreadTurns {
		turns = turns[len(turns)-a.cfg.ThreadTurns:]
	}
	return turns
}

// fetchThread returns a thread's messages, oldest first.
func (a *Adapter) fetchThread(ctx context.Context, channel, threadTS string) ([]slackgo.Message, error) {
	const maxPages = 5
	var all []slackgo.Message
	params := &slackgo.GetConversationRepliesParameters{ChannelID: channel, Timestamp: threadTS, Limit: 200}
	for range maxPages {
		var (
			msgs []slackgo.Message
			more bool
			next string
		)
		err := a.call(ctx, "conversations.replies", func(ctx context.Context) error {
			var err error
			msgs, more, next, err = a.api.GetConversationRepliesContext(ctx, params)
			return err
		})
		if err != nil {
			return nil, err
		}
		all = append(all, msgs...)
		if !more || next == "" {
			break
		}
		params.Cursor = next
	}
	return all, nil
}

// dmHistory returns the top-level messages of a direct message
// conversation from DMWindow before ts up to ts, oldest first.
func (a *Adapter) dmHistory(ctx context.Context, channel, ts string) ([]slackgo.Message, error) {
	now, err := strconv.ParseFloat(ts, 64)
	if err != nil {
		return nil, fmt.Errorf("message timestamp %q: %w", ts, err)
	}
	params := &slackgo.GetConversationHistoryParameters{
		ChannelID: channel,
		Latest:    ts,
		Oldest:    strconv.FormatFloat(now-a.cfg.DMWindow.Seconds(), 'f', 6, 64),
		Limit:     a.cfg.ThreadTurns,
	}
	var resp *slackgo.GetConversationHistoryResponse
	err = a.call(ctx, "conversations.history", func(ctx context.Context) error {
		var err error
		resp, err = a.api.GetConversationHistoryContext(ctx, params)
		return err
	})
	if err != nil {
		return nil, err
	}
	msgs := slices.Clone(resp.Messages) // newest first
	slices.Reverse(msgs)
	return msgs, nil
}

// fromSelf reports whether a thread message was posted by this bot.
func fromSelf(m slackgo.Message, me identity) bool {
	return (me.UserID != "" && m.User == me.UserID) || (me.BotID != "" && m.BotID == me.BotID)
}

// spokeIn reports whether the bot posted in the thread.
func spokeIn(thread []slackgo.Message, me identity) bool {
	for _, m := range thread {
		if fromSelf(m, me) {
			return true
		}
	}
	return false
}

// tsBefore reports whether Slack timestamp a is earlier than b.
func tsBefore(a, b string) bool {
	fa, errA := strconv.ParseFloat(a, 64)
	fb, errB := strconv.ParseFloat(b, 64)
	if errA != nil || errB != nil {
		return a < b
	}
	return fa < fb
}

// turns converts a thread's messages before the current one into the
// question's context: people's messages as user turns, the bot's answers as
// bot turns; placeholders, other bots and system messages left out.
func (a *Adapter) turns(thread []slackgo.Message, current string, me identity) []bot.Turn {
	var out []bot.Turn
	for _, m := range thread {
		if m.Timestamp == current || (current != "" && !tsBefore(m.Timestamp, current)) {
			continue
		}
		if m.SubType != "" && m.SubType != "thread_broadcast" && m.SubType != "bot_message" {
			continue
		}
		switch {
		case fromSelf(m, me):
			if isPlaceholder(m.Text) || m.Text == "" {
				continue
			}
			out = append(out, bot.Turn{Role: bot.RoleBot, Text: m.Text})
		case m.BotID != "" || m.User == "":
			continue
		default:
			if t := plain(m.Text, me.UserID); t != "" {
				out = append(out, bot.Turn{Role: bot.RoleUser, Text: t})
			}
		}
	}
	if len(out) > a.cfg.ThreadTurns {
		out = out[len(out)-a.cfg.ThreadTurns:]
	}
	return out
}

// answer posts the placeholder, asks the bot and puts the answer (or, on
// failure, a short sentence with a reference ID) in the placeholder's place.
func (a *Adapter) answer(ctx context.Context, r chat.Replier[msg], q bot.Question, askedBy string) {
	a.reply.Run(ctx, r, "answer", func(ctx context.Context) ([]msg, error) {
		ans, err := a.bot.Answer(ctx, q)
		if err != nil {
			return nil, err
		}
		a.log.Info("answered", "user", q.User, "channel", q.Channel, "answer_id", ans.ID, "citations", len(ans.Citations()), "conflicts", len(ans.Conflicts), "abstained", ans.Abstained)
		return parts(renderAnswer(ans, askedBy), ans.Text()), nil
	})
}

// say replies with a short plain message.
func (a *Adapter) say(ctx context.Context, r chat.Replier[msg], text string) {
	a.sayBlocks(ctx, r, say(text))
}

// sayBlocks replies with one message, without a placeholder.
func (a *Adapter) sayBlocks(ctx context.Context, r chat.Replier[msg], m msg) {
	if err := r.Put(ctx, 0, 1, m); err != nil {
		a.log.Error("reply not delivered", "err", err)
	}
}

// handleCommand takes one acknowledged slash command.
func (a *Adapter) handleCommand(ctx context.Context, c command) {
	if c.TriggerID != "" && !a.first(ctx, "command/"+c.TriggerID) {
		return
	}
	a.spawn(ctx, func(ctx context.Context) { a.onCommand(ctx, c) })
}

// onCommand answers /story and its subcommands.
func (a *Adapter) onCommand(ctx context.Context, c command) {
	sub, arg, _ := strings.Cut(strings.TrimSpace(c.Text), " ")
	arg = strings.TrimSpace(arg)
	private := &urlReply{a: a, url: c.ResponseURL, ephemeral: true}
	switch strings.ToLower(sub) {
	case "", "help":
		a.sayBlocks(ctx, private, msg{blocks: sections(helpText), text: "How to use storybot"})
		return
	}
	if !a.allowed(c.Channel) {
		a.say(ctx, private, notAllowedText)
		return
	}
	if msg := a.limited(c.User, c.Channel); msg != "" {
		a.say(ctx, private, msg)
		return
	}
	r := &commandReply{t: &threadReply{a: a, channel: c.Channel}, u: &urlReply{a: a, url: c.ResponseURL}}
	run := func(what string, produce func(ctx context.Context) ([]msg, error)) {
		a.reply.Run(ctx, r, what, produce)
	}
	switch strings.ToLower(sub) {
	case "digest":
		run("/story digest", func(ctx context.Context) ([]msg, error) {
			d, err := a.bot.LatestDigest(ctx)
			if errors.Is(err, bot.ErrNotFound) {
				return []msg{say("No digest has been made yet.")}, nil
			}
			if err != nil {
				return nil, fmt.Errorf("latest digest: %w", err)
			}
			return parts(renderDigest(d), digestText(d)), nil
		})
	case "conflicts":
		run("/story conflicts", func(ctx context.Context) ([]msg, error) {
			cs, err := a.bot.Conflicts(ctx)
			if err != nil {
				return nil, fmt.Errorf("conflicts: %w", err)
			}
			return parts(renderConflicts(cs)), nil
		})
	case "sources", "source":
		if arg == "" {
			a.say(ctx, private, "Tell me which article: /story sources <article-id>")
			return
		}
		id := strings.Trim(arg, "[]`")
		run("/story sources", func(ctx context.Context) ([]msg, error) {
			art, err := a.bot.Article(ctx, id)
			if errors.Is(err, bot.ErrNotFound) {
				return []msg{say(fmt.Sprintf("I have no article with the ID %q.", truncate(id, 200)))}, nil
			}
			if err != nil {
				return nil, fmt.Errorf("article %q: %w", id, err)
			}
			return parts(renderArticle(art)), nil
		})
	default:
		q := bot.Question{Text: plain(c.Text, ""), Platform: platform, User: c.User, Channel: c.Channel}
		r.t.question = q.Text
		a.answer(ctx, r, q, c.User)
	}
}

// handleInteraction takes one acknowledged interaction: the feedback buttons.
func (a *Adapter) handleInteraction(ctx context.Context, cb slackgo.InteractionCallback) {
	if cb.Type != slackgo.InteractionTypeBlockActions {
		return
	}
	for _, act := range cb.ActionCallback.BlockActions {
		if act == nil || (act.ActionID != feedbackHelpful && act.ActionID != feedbackUnhelped) {
			continue
		}
		if !a.first(ctx, "action/"+cb.TriggerID+"/"+act.ActionTs+"/"+act.ActionID) {
			continue
		}
		f := bot.Feedback{AnswerID: act.Value, Helpful: act.ActionID == feedbackHelpful, Platform: platform, User: cb.User.ID, At: a.now()}
		url := cb.ResponseURL
		a.spawn(ctx, func(ctx context.Context) {
			text := chat.RecordFeedback(ctx, a.bot, a.log, f)
			// A new ephemeral note: the message with the buttons stays.
			r := &urlReply{a: a, url: url, ephemeral: true}
			if err := r.Put(ctx, 0, 1, say(text)); err != nil {
				a.log.Error("reply not delivered", "err", err)
			}
		})
	}
}
