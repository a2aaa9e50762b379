package slack

import (
	"fmt"
	"strings"

	slackgo "github.com/slack-go/slack"

	"github.com/storybot/storybot/adapters/chat"
	"github.com/storybot/storybot/bot"
)

// Slack's Block Kit limits (https://api.slack.com/reference/block-kit).
const (
	maxSectionText   = 3000 // characters in a section's text
	maxBlocks        = 50   // blocks in one message
	maxContextElems  = 10   // elements in one context block
	maxContextText   = 1000 // characters we allow one context element (Slack allows more)
	maxFallbackText  = 3000 // characters of the notification fallback text we send
	feedbackHelpful  = "feedback_helpful"
	feedbackUnhelped = "feedback_not_helpful"
)

// escape makes text safe for Slack mrkdwn: &, < and > are the only
// characters Slack requires escaped, and escaping < also stops article text
// from producing mentions such as <!channel>.
func escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}

// link renders a mrkdwn link to u labelled text, or just the escaped text
// when u is not an http(s) URL.
func link(u, text string) string {
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return escape(text)
	}
	u = strings.NewReplacer("|", "%7C", ">", "%3E", "<", "%3C", " ", "%20", "\n", "", "\r", "").Replace(u)
	if text == "" {
		return "<" + u + ">"
	}
	// The label may not contain "|" or ">" unescaped.
	return "<" + u + "|" + strings.ReplaceAll(escape(text), "|", "¦") + ">"
}

// truncate cuts s to at most n characters, ending with an ellipsis when cut.
func truncate(s string, n int) string { return chat.Truncate(s, n, chat.Runes) }

// splitText splits s into pieces of at most limit characters (see chat.Split).
func splitText(s string, limit int) []string { return chat.Split(s, limit, chat.Runes) }

func mrkdwn(s string) *slackgo.TextBlockObject {
	return slackgo.NewTextBlockObject(slackgo.MarkdownType, s, false, false)
}

// sections renders mrkdwn text as one or more section blocks, each within
// Slack's 3,000-character limit.
func sections(text string) []slackgo.Block {
	var blocks []slackgo.Block
	for _, piece := range splitText(text, maxSectionText) {
		blocks = append(blocks, slackgo.NewSectionBlock(mrkdwn(piece), nil, nil))
	}
	return blocks
}

// citations renders article IDs as "[id1] [id2]", escaped.
func citations(ids []string) string {
	return escape(bot.FormatCitations(ids))
}

// sentencesText renders answer or digest sentences with their citations.
func sentencesText(ss []bot.Sentence, bullets bool) string {
	var b strings.Builder
	for i, s := range ss {
		switch {
		case bullets:
			if i > 0 {
				b.WriteByte('\n')
			}
			b.WriteString("• ")
		case i > 0:
			b.WriteByte(' ')
		}
		b.WriteString(escape(s.Text))
		if len(s.Citations) > 0 {
			b.WriteByte(' ')
			b.WriteString(citations(s.Citations))
		}
	}
	return b.String()
}

// conflictBlocks renders conflicts as a clearly marked block: a warning
// heading, then one section per conflict listing each side with its
// article IDs.
func conflictBlocks(cs []bot.Conflict) []slackgo.Block {
	if len(cs) == 0 {
		return nil
	}
	title := ":warning: *Conflicting reports*"
	if len(cs) > 1 {
		title = fmt.Sprintf(":warning: *Conflicting reports* (%d)", len(cs))
	}
	blocks := []slackgo.Block{slackgo.NewDividerBlock(), slackgo.NewSectionBlock(mrkdwn(title), nil, nil)}
	for _, c := range cs {
		var b strings.Builder
		b.WriteString("*")
		b.WriteString(escape(c.Topic))
		b.WriteString("*")
		if c.Kind != "" {
			fmt.Fprintf(&b, " _(%s)_", escape(string(c.Kind)))
		}
		for i, p := range c.Positions {
			side := string(rune('A' + i%26))
			fmt.Fprintf(&b, "\n• Side %s: %s — %s", side, escape(p.Claim), citations(p.Articles))
		}
		blocks = append(blocks, sections(b.String())...)
	}
	return blocks
}

// sourceLine renders one source as "`id` · outlet · <url|headline> · date".
func sourceLine(s bot.Source) string {
	parts := []string{"`" + strings.ReplaceAll(escape(s.ID), "`", "'") + "`"}
	if s.Outlet != "" {
		parts = append(parts, escape(s.Outlet))
	}
	switch {
	case s.Title != "":
		parts = append(parts, link(s.URL, s.Title))
	case s.URL != "":
		parts = append(parts, link(s.URL, ""))
	}
	if !s.Published.IsZero() {
		parts = append(parts, s.Published.Format("2006-01-02"))
	}
	return truncate(strings.Join(parts, " · "), maxContextText)
}

// sourceBlocks renders sources as context blocks of at most ten elements,
// headed by "Sources".
func sourceBlocks(ss []bot.Source) []slackgo.Block {
	if len(ss) == 0 {
		return nil
	}
	var blocks []slackgo.Block
	elems := []slackgo.MixedElement{mrkdwn("*Sources*")}
	for _, s := range ss {
		if len(elems) == maxContextElems {
			blocks = append(blocks, slackgo.NewContextBlock("", elems...))
			elems = nil
		}
		elems = append(elems, mrkdwn(sourceLine(s)))
	}
	blocks = append(blocks, slackgo.NewContextBlock("", elems...))
	return blocks
}

func noteBlock(note string) slackgo.Block {
	return slackgo.NewContextBlock("", mrkdwn("_"+escape(truncate(note, maxContextText))+"_"))
}

// feedbackBlock renders the helpful / not helpful buttons carrying the
// answer's ID.
func feedbackBlock(answerID string) slackgo.Block {
	yes := slackgo.NewButtonBlockElement(feedbackHelpful, answerID, slackgo.NewTextBlockObject(slackgo.PlainTextType, "Helpful", true, false))
	no := slackgo.NewButtonBlockElement(feedbackUnhelped, answerID, slackgo.NewTextBlockObject(slackgo.PlainTextType, "Not helpful", true, false))
	return slackgo.NewActionBlock("feedback", yes, no)
}

// renderAnswer renders an answer as Block Kit: an optional line saying who
// asked what (for slash commands, whose question is not visible otherwise),
// the answer text, the conflict block, the sources, the note and the
// feedback buttons.
func renderAnswer(a bot.Answer, askedBy string) []slackgo.Block {
	var blocks []slackgo.Block
	if askedBy != "" {
		blocks = append(blocks, slackgo.NewContextBlock("", mrkdwn(truncate(fmt.Sprintf("<@%s> asked: %s", askedBy, escape(a.Question)), maxContextText))))
	}
	text := sentencesText(a.Sentences, false)
	if strings.TrimSpace(text) == "" {
		text = "The articles I have don't say."
	}
	blocks = append(blocks, sections(text)...)
	blocks = append(blocks, conflictBlocks(a.Conflicts)...)
	blocks = append(blocks, sourceBlocks(a.Sources)...)
	if a.Note != "" {
		blocks = append(blocks, noteBlock(a.Note))
	}
	if a.ID != "" {
		blocks = append(blocks, feedbackBlock(a.ID))
	}
	return blocks
}

// renderDigest renders a digest: a heading with the window and coverage,
// the developments as bullets, the conflicts and the sources.
func renderDigest(d bot.Digest) []slackgo.Block {
	title := "Story digest"
	if d.ID != "" {
		title += " — " + d.ID
	}
	blocks := []slackgo.Block{slackgo.NewHeaderBlock(slackgo.NewTextBlockObject(slackgo.PlainTextType, truncate(title, 150), false, false))}
	window := ""
	if !d.Since.IsZero() || !d.Until.IsZero() {
		window = fmt.Sprintf("%s to %s · ", d.Since.UTC().Format("2006-01-02 15:04 MST"), d.Until.UTC().Format("2006-01-02 15:04 MST"))
	}
	blocks = append(blocks, slackgo.NewContextBlock("", mrkdwn(fmt.Sprintf("%s%d new articles from %d outlets", window, d.NewArticles, d.Outlets))))
	if d.Empty || len(d.Bullets) == 0 {
		blocks = append(blocks, sections("Nothing new in the story since the last digest.")...)
	} else {
		blocks = append(blocks, sections(sentencesText(d.Bullets, true))...)
	}
	blocks = append(blocks, conflictBlocks(d.Conflicts)...)
	blocks = append(blocks, sourceBlocks(d.Sources)...)
	if d.Note != "" {
		blocks = append(blocks, noteBlock(d.Note))
	}
	return blocks
}

// digestText is the plain fallback text of a digest.
func digestText(d bot.Digest) string {
	if d.Empty || len(d.Bullets) == 0 {
		return "Story digest: nothing new since the last digest."
	}
	var b strings.Builder
	b.WriteString("Story digest: ")
	for i, s := range d.Bullets {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(s.Text)
		if len(s.Citations) > 0 {
			b.WriteString(" " + bot.FormatCitations(s.Citations))
		}
	}
	return b.String()
}

// renderConflicts renders the corpus-wide conflict ledger for /story conflicts.
func renderConflicts(cs []bot.Conflict) ([]slackgo.Block, string) {
	if len(cs) == 0 {
		text := "I found no conflicting reports in the articles."
		return sections(text), text
	}
	blocks := []slackgo.Block{slackgo.NewSectionBlock(mrkdwn(fmt.Sprintf("The articles disagree on %d point(s):", len(cs))), nil, nil)}
	blocks = append(blocks, conflictBlocks(cs)...)
	var lines []string
	for _, c := range cs {
		lines = append(lines, bot.FormatConflict(c))
	}
	return blocks, strings.Join(lines, "\n")
}

// renderArticle renders one article's details for /story sources <id>.
func renderArticle(a bot.Article) ([]slackgo.Block, string) {
	src := bot.Source{ID: a.ID, Outlet: a.Outlet, Title: a.Title, URL: a.URL, Published: a.Published}
	head := "*" + escape(a.Title) + "*"
	if a.Title == "" {
		head = "*" + escape(a.ID) + "*"
	}
	blocks := []slackgo.Block{slackgo.NewSectionBlock(mrkdwn(head), nil, nil)}
	if excerpt := strings.TrimSpace(a.Text); excerpt != "" {
		blocks = append(blocks, sections(escape(truncate(excerpt, 600)))...)
	}
	blocks = append(blocks, sourceBlocks([]bot.Source{src})...)
	return blocks, bot.FormatSource(src)
}

// helpText is the reply to /story help, to an empty mention and to an
// unknown subcommand.
const helpText = "*storybot* answers questions about the story from its articles, citing the article IDs and calling out conflicting reports.\n" +
	"• Mention me with a question (I answer in a thread), or send me a direct message.\n" +
	"• Reply in my thread to ask a follow-up; no need to mention me again.\n" +
	"• `/story <question>` asks from anywhere.\n" +
	"• `/story digest` shows the latest digest of what is new.\n" +
	"• `/story conflicts` lists the points the articles disagree on.\n" +
	"• `/story sources <article-id>` shows one article's details.\n" +
	"• `/story help` shows this help."

// splitMessages groups blocks into messages of at most max blocks each, in
// order; the feedback buttons, being the last block, end the last message.
func splitMessages(blocks []slackgo.Block, max int) [][]slackgo.Block {
	if max < 1 {
		max = 1
	}
	var msgs [][]slackgo.Block
	for len(blocks) > max {
		n := max
		if len(blocks)-n == 1 && n > 1 {
			n-- // don't leave the buttons alone in the last message
		}
		msgs = append(msgs, blocks[:n:n])
		blocks = blocks[n:]
	}
	if len(blocks) > 0 || len(msgs) == 0 {
		msgs = append(msgs, blocks)
	}
	return msgs
}
