package slack

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

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
	if ev.ID != "" && !a.dedupe.First("event/"+ev.ID) {
		a.log.Debug("duplicate event dropped", "event_id", ev.ID)
		return
	}
	m := *ev.Msg
	a.spawn(ctx, func(ctx context.Context) { a.onMessage(ctx, m) })
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
		log.Error("cannot learn the bot's own identity (auth.test)", "err", err)
		if m.Type == "app_mention" || dm {
			a.fail(ctx, r, err)
		}
		return
	}
	if m.User == me.UserID {
		return
	}
	mentioned := m.Type == "app_mention" || mentions(m.Text, me.UserID)
	var thread []slackgo.Message
	if !dm && !mentioned {
		// Only a reply in a thread the bot answered is for the bot.
		if !inThread || !a.allowed(m.Channel) {
			return
		}
		ours, notOurs := a.threads.lookup(m.Channel, m.ThreadTS)
		if notOurs {
			return
		}
		thread, err = a.fetchThread(ctx, m.Channel, m.ThreadTS)
		if err != nil {
			log.Warn("cannot read the thread to see whether it is a follow-up", "err", err)
			if !ours {
				return
			}
		} else if !ours && !spokeIn(thread, me) {
			a.threads.markNotOurs(m.Channel, m.ThreadTS)
			return
		}
	}
	// An app_mention and a message event arrive for the same message: answer once.
	if !a.dedupe.First("msg/" + m.Channel + "/" + m.TS) {
		return
	}
	if !a.allowed(m.Channel) {
		a.say(ctx, r, "I'm not enabled in this channel. Ask whoever runs storybot to add it to the allowed channels, or send me a direct message.")
		return
	}
	if msg := a.limited(m.User, m.Channel); msg != "" {
		a.say(ctx, r, msg)
		return
	}
	text := plain(m.Text, me.UserID)
	if text == "" {
		a.sayBlocks(ctx, r, sections(helpText), "Ask me a question about the story.")
		return
	}
	q := bot.Question{Text: text, Platform: platform, User: m.User, Channel: m.Channel}
	if inThread {
		if thread == nil {
			thread, err = a.fetchThread(ctx, m.Channel, m.ThreadTS)
			if err != nil {
				log.Warn("thread context unavailable; answering without it", "err", err)
			}
		}
		q.Thread = a.turns(thread, m.TS, me)
	} else if dm && a.cfg.DMWindow > 0 {
		history, err := a.dmHistory(ctx, m.Channel, m.TS)
		if err != nil {
			log.Warn("conversation context unavailable; answering without it", "err", err)
		}
		q.Thread = a.turns(history, m.TS, me)
	}
	a.answer(ctx, r, q, "")
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

// answer posts the placeholder, asks the bot and replaces the placeholder
// with the answer or, on failure, with the reason.
func (a *Adapter) answer(ctx context.Context, r reply, q bot.Question, askedBy string) {
	a.produce(ctx, r, func(ctx context.Context) ([]slackgo.Block, string, error) {
		ans, err := a.bot.Answer(ctx, q)
		if err != nil {
			return nil, "", err
		}
		a.log.Info("answered", "user", q.User, "channel", q.Channel, "answer_id", ans.ID, "citations", len(ans.Citations()), "conflicts", len(ans.Conflicts), "abstained", ans.Abstained)
		return renderAnswer(ans, askedBy), ans.Text(), nil
	})
}

// produce posts the placeholder, runs fn and puts its result (or the error)
// in the placeholder's place.
func (a *Adapter) produce(ctx context.Context, r reply, fn func(ctx context.Context) ([]slackgo.Block, string, error)) {
	r.start(ctx, a.placeholderText(ctx))
	blocks, text, err := fn(ctx)
	if err != nil {
		a.fail(ctx, r, err)
		return
	}
	if err := r.finish(ctx, blocks, text); err != nil {
		a.log.Error("answer not delivered", "err", err)
		a.fail(ctx, r, err)
	}
}

// fail tells the asker what went wrong, with a fresh deadline so a timed
// out question still gets its reply.
func (a *Adapter) fail(ctx context.Context, r reply, err error) {
	a.log.Error("question failed", "err", err)
	text := errorText(err)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := r.finish(ctx, sections(escape(text)), text); err != nil {
		a.log.Error("error reply not delivered either", "err", err)
	}
}

// say replies with a short plain message.
func (a *Adapter) say(ctx context.Context, r reply, text string) {
	a.sayBlocks(ctx, r, sections(escape(text)), text)
}

func (a *Adapter) sayBlocks(ctx context.Context, r reply, blocks []slackgo.Block, text string) {
	if err := r.finish(ctx, blocks, text); err != nil {
		a.log.Error("reply not delivered", "err", err)
	}
}

// handleCommand takes one acknowledged slash command.
func (a *Adapter) handleCommand(ctx context.Context, c command) {
	if c.TriggerID != "" && !a.dedupe.First("command/"+c.TriggerID) {
		return
	}
	a.spawn(ctx, func(ctx context.Context) { a.onCommand(ctx, c) })
}

// commandReply answers a slash command in its channel, where the answer can
// be threaded and followed up, and falls back to the response URL where the
// bot cannot post (a channel it is not in, another person's DM).
type commandReply struct {
	t      *threadReply
	u      *urlReply
	useURL bool
}

func (r *commandReply) start(ctx context.Context, text string) {
	r.t.start(ctx, text)
	if r.t.placeholder == "" {
		r.useURL = true
		r.u.start(ctx, text)
	}
}

func (r *commandReply) finish(ctx context.Context, blocks []slackgo.Block, text string) error {
	if !r.useURL {
		err := r.t.finish(ctx, blocks, text)
		if err == nil {
			return nil
		}
		r.t.a.log.Warn("cannot post in the channel, answering on the response URL", "err", err)
		r.useURL = true
	}
	return r.u.finish(ctx, blocks, text)
}

// onCommand answers /story and its subcommands.
func (a *Adapter) onCommand(ctx context.Context, c command) {
	sub, arg, _ := strings.Cut(strings.TrimSpace(c.Text), " ")
	arg = strings.TrimSpace(arg)
	private := &urlReply{a: a, url: c.ResponseURL, ephemeral: true}
	switch strings.ToLower(sub) {
	case "", "help":
		a.sayBlocks(ctx, private, sections(helpText), "How to use storybot")
		return
	}
	if !a.allowed(c.Channel) {
		a.say(ctx, private, "I'm not enabled in this channel. Ask whoever runs storybot to add it to the allowed channels, or send me a direct message.")
		return
	}
	if msg := a.limited(c.User, c.Channel); msg != "" {
		a.say(ctx, private, msg)
		return
	}
	r := &commandReply{t: &threadReply{a: a, channel: c.Channel}, u: &urlReply{a: a, url: c.ResponseURL}}
	switch strings.ToLower(sub) {
	case "digest":
		a.produce(ctx, r, func(ctx context.Context) ([]slackgo.Block, string, error) {
			d, err := a.bot.LatestDigest(ctx)
			if err != nil {
				return nil, "", fmt.Errorf("latest digest: %w", err)
			}
			return renderDigest(d), digestText(d), nil
		})
	case "conflicts":
		a.produce(ctx, r, func(ctx context.Context) ([]slackgo.Block, string, error) {
			cs, err := a.bot.Conflicts(ctx)
			if err != nil {
				return nil, "", fmt.Errorf("conflicts: %w", err)
			}
			blocks, text := renderConflicts(cs)
			return blocks, text, nil
		})
	case "sources", "source":
		if arg == "" {
			a.say(ctx, private, "Tell me which article: /story sources <article-id>")
			return
		}
		id := strings.Trim(arg, "[]`")
		a.produce(ctx, r, func(ctx context.Context) ([]slackgo.Block, string, error) {
			art, err := a.bot.Article(ctx, id)
			if errors.Is(err, bot.ErrNotFound) {
				text := fmt.Sprintf("I have no article with the ID %q.", id)
				return sections(escape(text)), text, nil
			}
			if err != nil {
				return nil, "", fmt.Errorf("article %q: %w", id, err)
			}
			blocks, text := renderArticle(art)
			return blocks, text, nil
		})
	default:
		q := bot.Question{Text: plain(c.Text, ""), Platform: platform, User: c.User, Channel: c.Channel}
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
		if !a.dedupe.First("action/" + cb.TriggerID + "/" + act.ActionTs + "/" + act.ActionID) {
			continue
		}
		f := bot.Feedback{AnswerID: act.Value, Helpful: act.ActionID == feedbackHelpful, Platform: platform, User: cb.User.ID, At: a.now()}
		url := cb.ResponseURL
		a.spawn(ctx, func(ctx context.Context) {
			r := &urlReply{a: a, url: url, ephemeral: true}
			if err := a.bot.RecordFeedback(ctx, f); err != nil {
				a.log.Error("feedback not recorded", "answer_id", f.AnswerID, "err", err)
				a.sayNew(ctx, r, "I couldn't record your feedback: "+truncate(err.Error(), 200))
				return
			}
			a.log.Info("feedback recorded", "answer_id", f.AnswerID, "helpful", f.Helpful, "user", f.User)
			verdict := "not helpful"
			if f.Helpful {
				verdict = "helpful"
			}
			a.sayNew(ctx, r, "Thanks! I noted that this answer was "+verdict+".")
		})
	}
}

// sayNew posts an ephemeral note on a response URL without replacing the
// message the buttons are on.
func (a *Adapter) sayNew(ctx context.Context, r *urlReply, text string) {
	if err := a.respond(ctx, r.url, nil, text, false, false); err != nil {
		a.log.Error("reply not delivered", "err", err)
	}
}
