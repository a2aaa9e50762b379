package slack

import (
	"context"
	"errors"

	slackgo "github.com/slack-go/slack"
)

// reply is where one answer goes: a placeholder at once, then the answer in
// its place.
type reply interface {
	// start posts the placeholder. A failure is logged, not fatal: finish
	// then posts the answer afresh.
	start(ctx context.Context, text string)
	// finish replaces the placeholder with the answer, split into messages
	// of at most 50 blocks. text is the plain fallback.
	finish(ctx context.Context, blocks []slackgo.Block, text string) error
}

// messageOptions are the options of every message the bot posts: Block
// Kit, a plain fallback for notifications, and no link or media unfurls.
func messageOptions(blocks []slackgo.Block, text string) []slackgo.MsgOption {
	opts := []slackgo.MsgOption{
		slackgo.MsgOptionText(truncate(text, maxFallbackText), false),
		slackgo.MsgOptionDisableLinkUnfurl(),
		slackgo.MsgOptionDisableMediaUnfurl(),
	}
	if len(blocks) > 0 {
		opts = append(opts, slackgo.MsgOptionBlocks(blocks...))
	}
	return opts
}

// post sends one message to channel, in the thread threadTS when set, and
// returns its timestamp.
func (a *Adapter) post(ctx context.Context, channel, threadTS string, blocks []slackgo.Block, text string) (string, error) {
	opts := messageOptions(blocks, text)
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
func (a *Adapter) update(ctx context.Context, channel, ts string, blocks []slackgo.Block, text string) error {
	opts := messageOptions(blocks, text)
	return a.call(ctx, "chat.update", func(ctx context.Context) error {
		_, _, _, err := a.api.UpdateMessageContext(ctx, channel, ts, opts...)
		return err
	})
}

// respond posts to a slash command's or an interaction's response URL.
func (a *Adapter) respond(ctx context.Context, responseURL string, blocks []slackgo.Block, text string, inChannel, replace bool) error {
	if responseURL == "" {
		return errors.New("slack: no response URL to answer on")
	}
	off := false
	msg := &slackgo.WebhookMessage{
		Text:            truncate(text, maxFallbackText),
		ResponseType:    slackgo.ResponseTypeEphemeral,
		ReplaceOriginal: replace,
		UnfurlLinks:     &off,
		UnfurlMedia:     &off,
	}
	if inChannel {
		msg.ResponseType = slackgo.ResponseTypeInChannel
	}
	if len(blocks) > 0 {
		msg.Blocks = &slackgo.Blocks{BlockSet: blocks}
	}
	return a.call(ctx, "response_url", func(ctx context.Context) error {
		return slackgo.PostWebhookCustomHTTPContext(ctx, responseURL, a.http, msg)
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
}

func (r *threadReply) start(ctx context.Context, text string) {
	ts, err := r.a.post(ctx, r.channel, r.threadTS, nil, text)
	if err != nil {
		r.a.log.Warn("placeholder not posted", "channel", r.channel, "err", err)
		return
	}
	r.placeholder = ts
	r.remember(ts)
}

func (r *threadReply) remember(ts string) {
	root := r.threadTS
	if root == "" {
		root = ts
	}
	r.a.threads.markOurs(r.channel, root)
}

func (r *threadReply) finish(ctx context.Context, blocks []slackgo.Block, text string) error {
	msgs := splitMessages(blocks, maxBlocks)
	thread := r.threadTS
	for i, m := range msgs {
		if i == 0 && r.placeholder != "" {
			err := r.a.update(ctx, r.channel, r.placeholder, m, text)
			if err == nil {
				if thread == "" {
					thread = r.placeholder
				}
				continue
			}
			r.a.log.Warn("placeholder not updated, posting afresh", "channel", r.channel, "err", err)
		}
		ts, err := r.a.post(ctx, r.channel, thread, m, text)
		if err != nil {
			return err
		}
		if thread == "" {
			thread = ts
		}
		r.remember(ts)
	}
	return nil
}

// urlReply answers on a response URL: an ephemeral placeholder, then the
// answer visible to the channel (or only to the asker when ephemeral).
type urlReply struct {
	a         *Adapter
	url       string
	ephemeral bool
}

func (r *urlReply) start(ctx context.Context, text string) {
	if err := r.a.respond(ctx, r.url, nil, text, false, false); err != nil {
		r.a.log.Warn("placeholder not posted on response URL", "err", err)
	}
}

func (r *urlReply) finish(ctx context.Context, blocks []slackgo.Block, text string) error {
	for i, m := range splitMessages(blocks, maxBlocks) {
		if err := r.a.respond(ctx, r.url, m, text, !r.ephemeral, i == 0); err != nil {
			return err
		}
	}
	return nil
}
