package slack

import (
	"context"
	"errors"

	slackgo "github.com/slack-go/slack"

	"github.com/storybot/storybot/adapters/chat"
)

// msg is one Slack message of a reply: Block Kit blocks and the plain
// fallback text Slack shows in notifications (escaped when sent).
type msg struct {
	blocks []slackgo.Block
	text   string
}

// say renders a short plain sentence as a message.
func say(text string) msg { return msg{blocks: sections(escape(text)), text: text} }

// parts splits a rendered reply into messages of at most 50 blocks, each
// with the same fallback text.
func parts(blocks []slackgo.Block, text string) []msg {
	var out []msg
	for _, b := range splitMessages(blocks, maxBlocks) {
		out = append(out, msg{blocks: b, text: text})
	}
	return out
}

// messageOptions are the options of every message the bot posts: Block
// Kit, the escaped plain fallback for notifications, and no link or media
// unfurls.
func messageOptions(m msg) []slackgo.MsgOption {
	opts := []slackgo.MsgOption{
		slackgo.MsgOptionText(fallback(m.text), false),
		slackgo.MsgOptionDisableLinkUnfurl(),
		slackgo.MsgOptionDisableMediaUnfurl(),
	}
	if len(m.blocks) > 0 {
		opts = append(opts, slackgo.MsgOptionBlocks(m.blocks...))
	}
	return opts
}

// fallback is the text field of a message: escaped like any mrkdwn (so an
// article's "<!channel>" notifies no one) and within Slack's limit.
func fallback(text string) string {
	return escape(truncate(text, maxFallbackText))
}

// post sends one message to channel, in the thread threadTS when set, and
// returns its timestamp.
func (a *Adapter) post(ctx context.Context, channel, threadTS string, m msg, extra ...slackgo.MsgOption) (string, error) {
	opts := append(messageOptions(m), extra...)
	if threadTS != "" {
		opts = append(opts, slackgo.MsgOptionTS(threadTS))
	}
	var ts string
	err := a.call(ctx, "chat.postMessage", func(ctx context.Context) error {
		var err error
		_, ts, err = a.api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	return ts, err
}

// update replaces the message at ts in channel.
func (a *Adapter) update(ctx context.Context, channel, ts string, m msg) error {
	return a.call(ctx, "chat.update", func(ctx context.Context) error {
		_, _, _, err := a.api.UpdateMessageContext(ctx, channel, ts, messageOptions(m)...)
		return err
	})
}

// respond posts to a slash command's or an interaction's response URL: a
// new message visible to the channel (inChannel) or to the asker only, or,
// with replace, an ephemeral replacement of the ephemeral message posted
// there before. Slack never turns an ephemeral message into an in-channel
// one, so replace and inChannel do not go together.
func (a *Adapter) respond(ctx context.Context, responseURL string, m msg, inChannel, replace bool) error {
	if responseURL == "" {
		return errors.New("slack: no response URL to answer on")
	}
	if inChannel && replace {
		return errors.New("slack: an ephemeral message cannot be replaced by an in-channel one")
	}
	off := false
	wm := &slackgo.WebhookMessage{
		Text:            fallback(m.text),
		ResponseType:    slackgo.ResponseTypeEphemeral,
		ReplaceOriginal: replace,
		UnfurlLinks:     &off,
		UnfurlMedia:     &off,
	}
	if inChannel {
		wm.ResponseType = slackgo.ResponseTypeInChannel
	}
	if len(m.blocks) > 0 {
		wm.Blocks = &slackgo.Blocks{BlockSet: m.blocks}
	}
	return a.call(ctx, "response_url", func(ctx context.Context) error {
		return slackgo.PostWebhookCustomHTTPContext(ctx, responseURL, a.http, wm)
	})
}

// threadReply answers with chat.postMessage and chat.update in a channel,
// in the thread threadTS when set. It remembers the thread as the bot's, so
// replies there are follow-ups.
type threadReply struct {
	a           *Adapter
	channel     string
	threadTS    string
	placeholder string // ts of the placeholder, once posted
	root        string // the thread the reply lives in, once known
	question    string // recorded as the conversation's user turn, if set
}

var _ chat.Replier[msg] = (*threadReply)(nil)

// Start posts the placeholder.
func (r *threadReply) Start(ctx context.Context) error {
	ts, err := r.a.post(ctx, r.channel, r.threadTS, msg{text: r.a.placeholderText(ctx)})
	if err != nil {
		return err
	}
	r.placeholder = ts
	r.remember(ctx, ts, "")
	return nil
}

// remember marks the thread as the bot's; answer, when set, is recorded
// as the bot's turn after the question.
func (r *threadReply) remember(ctx context.Context, ts, answer string) {
	if r.root == "" {
		r.root = r.threadTS
		if r.root == "" {
			r.root = ts
		}
	}
	r.a.rememberThread(ctx, r.channel, r.root, r.question, answer)
}

// Put replaces the placeholder with part 0 (or posts it afresh) and posts
// the later parts in the thread.
func (r *threadReply) Put(ctx context.Context, i, n int, m msg) error {
	if i == 0 && r.placeholder != "" {
		err := r.a.update(ctx, r.channel, r.placeholder, m)
		if err == nil {
			r.remember(ctx, r.placeholder, m.text)
			return nil
		}
		r.a.log.Warn("placeholder not updated, posting afresh", "channel", r.channel, "err", err)
	}
	thread := r.threadTS
	if thread == "" {
		thread = r.root
	}
	ts, err := r.a.post(ctx, r.channel, thread, m)
	if err != nil {
		return err
	}
	answer := ""
	if i == 0 {
		answer = m.text
	}
	r.remember(ctx, ts, answer)
	return nil
}

// urlReply answers on a response URL. An ephemeral reply replaces its own
// ephemeral placeholder; an in-channel reply is posted as new messages
// (Slack never turns an ephemeral message into an in-channel one), the
// placeholder staying with the asker.
type urlReply struct {
	a           *Adapter
	url         string
	ephemeral   bool
	placeholder bool // an ephemeral placeholder was posted
}

var _ chat.Replier[msg] = (*urlReply)(nil)

// Start posts the ephemeral placeholder.
func (r *urlReply) Start(ctx context.Context) error {
	if err := r.a.respond(ctx, r.url, msg{text: r.a.placeholderText(ctx)}, false, false); err != nil {
		return err
	}
	r.placeholder = true
	return nil
}

// Put posts part i.
func (r *urlReply) Put(ctx context.Context, i, n int, m msg) error {
	replace := r.ephemeral && r.placeholder && i == 0
	return r.a.respond(ctx, r.url, m, !r.ephemeral, replace)
}

// commandReply answers a slash command in its channel, where the answer can
// be threaded and followed up, and falls back to the response URL where the
// bot cannot post (a channel it is not in, another person's DM).
type commandReply struct {
	t      *threadReply
	u      *urlReply
	useURL bool
}

var _ chat.Replier[msg] = (*commandReply)(nil)

// Start posts the placeholder in the channel, or on the response URL.
func (r *commandReply) Start(ctx context.Context) error {
	err := r.t.Start(ctx)
	if err == nil {
		return nil
	}
	r.t.a.log.Info("cannot post in the channel, answering on the response URL", "err", err)
	r.useURL = true
	return r.u.Start(ctx)
}

// Put posts part i in the channel, or on the response URL.
func (r *commandReply) Put(ctx context.Context, i, n int, m msg) error {
	if !r.useURL {
		err := r.t.Put(ctx, i, n, m)
		if err == nil || i > 0 {
			return err
		}
		r.t.a.log.Warn("cannot post in the channel, answering on the response URL", "err", err)
		r.useURL = true
	}
	return r.u.Put(ctx, i, n, m)
}
