package discord

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/adapters/chat"
	"github.com/storybot/storybot/bot"
)

// Discord's limits on one message (developer docs: "Create Message" and
// "Embed Limits"). Lengths are counted in UTF-16 code units, which is never
// fewer than Discord's own count.
const (
	maxContent          = 2000
	maxEmbedTitle       = 256
	maxDescription      = 4096
	maxFields           = 25
	maxFieldName        = 256
	maxFieldValue       = 1024
	maxFooter           = 2048
	maxEmbedTotal       = 6000 // all embeds of one message together
	maxEmbedsPerMessage = 10
	// maxMessages is our own cap on the messages of one reply.
	maxMessages = 10
)

// Embed colours.
const (
	colorAnswer   = 0x3B82F6
	colorConflict = 0xF59E0B
	colorDigest   = 0x10B981
	colorSource   = 0x6B7280
)

// truncatedNote is put in the content of the last message when a reply was
// cut to maxMessages.
const truncatedNote = "(The rest was cut: it is too long for Discord.)"

// message is one Discord message of a reply, ready to be sent as an
// interaction response edit, a follow-up, or a channel message.
type message struct {
	Content    string                       `json:"content,omitempty"`
	Embeds     []*discordgo.MessageEmbed    `json:"embeds,omitempty"`
	Components []discordgo.MessageComponent `json:"components,omitempty"`
	Ephemeral  bool                         `json:"ephemeral,omitempty"`
}

// textLen is the length of s as Discord counts it (UTF-16 code units, an
// upper bound on its character count).
func textLen(s string) int { return chat.Len(s, chat.UTF16) }

// truncate shortens s to at most max units, ending it with "…" when cut.
func truncate(s string, max int) string { return chat.Truncate(s, max, chat.UTF16) }

// splitText cuts s into pieces of at most max units (see chat.Split).
func splitText(s string, max int) []string { return chat.Split(s, max, chat.UTF16) }

// markdownSpecial are the characters escaped in text Discord renders as
// markdown (descriptions and field values).
const markdownSpecial = "\\*_~`|"

// escapeMarkdown makes s display literally in Discord markdown.
func escapeMarkdown(s string) string {
	if !strings.ContainsAny(s, markdownSpecial) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(markdownSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// unescapeMarkdown undoes escapeMarkdown.
func unescapeMarkdown(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	esc := false
	for _, r := range s {
		if !esc && r == '\\' {
			esc = true
			continue
		}
		if esc && !strings.ContainsRune(markdownSpecial, r) {
			b.WriteByte('\\')
		}
		esc = false
		b.WriteRune(r)
	}
	if esc {
		b.WriteByte('\\')
	}
	return b.String()
}

// embedLen is the length of an embed as counted against maxEmbedTotal.
func embedLen(e *discordgo.MessageEmbed) int {
	n := textLen(e.Title) + textLen(e.Description)
	for _, f := range e.Fields {
		n += textLen(f.Name) + textLen(f.Value)
	}
	if e.Footer != nil {
		n += textLen(e.Footer.Text)
	}
	if e.Author != nil {
		n += textLen(e.Author.Name)
	}
	return n
}

// packer lays content out over as many embeds as Discord's limits need, then
// over as many messages.
type packer struct {
	color  int
	embeds []*discordgo.MessageEmbed
}

func (p *packer) next() *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Color: p.color}
	p.embeds = append(p.embeds, e)
	return e
}

func (p *packer) last() *discordgo.MessageEmbed {
	if len(p.embeds) == 0 {
		return p.next()
	}
	return p.embeds[len(p.embeds)-1]
}

// start opens the reply with a title and a description, split over embeds
// when longer than a description may be.
func (p *packer) start(title, description string) {
	e := p.next()
	e.Title = truncate(strings.TrimSpace(title), maxEmbedTitle)
	chunks := splitText(description, maxDescription)
	for i, c := range chunks {
		if i > 0 {
			e = p.next()
		}
		e.Description = c
	}
}

// field adds a field, continuing a long value over several fields and
// starting a new embed when the current one is full.
func (p *packer) field(name, value string, inline bool) {
	name = truncate(strings.TrimSpace(name), maxFieldName)
	if name == "" {
		name = "\u200b"
	}
	values := splitText(value, maxFieldValue)
	if len(values) == 0 {
		values = []string{"\u200b"}
	}
	for i, v := range values {
		n := name
		if i > 0 {
			n = truncate(name+" (continued)", maxFieldName)
		}
		e := p.last()
		if len(e.Fields) >= maxFields || embedLen(e)+textLen(n)+textLen(v) > maxEmbedTotal {
			e = p.next()
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: n, Value: v, Inline: inline})
	}
}

// footer ends the reply with a footer line.
func (p *packer) footer(text string) {
	text = truncate(strings.TrimSpace(text), maxFooter)
	if text == "" {
		return
	}
	e := p.last()
	if embedLen(e)+textLen(text) > maxEmbedTotal {
		e = p.next()
	}
	e.Footer = &discordgo.MessageEmbedFooter{Text: text}
}

// messages packs the embeds into messages: at most maxEmbedsPerMessage and
// maxEmbedTotal units each, and at most maxMessages in all.
func (p *packer) messages() []message {
	var out []message
	total := 0
	for _, e := range p.embeds {
		l := embedLen(e)
		if len(out) == 0 || len(out[len(out)-1].Embeds) >= maxEmbedsPerMessage || total+l > maxEmbedTotal {
			out = append(out, message{})
			total = 0
		}
		m := &out[len(out)-1]
		m.Embeds = append(m.Embeds, e)
		total += l
	}
	if len(out) > maxMessages {
		out = out[:maxMessages]
		out[len(out)-1].Content = truncatedNote
	}
	return out
}

// sentencesText renders sentences as bot.Answer.Text does, escaped for
// markdown: each sentence followed by its citations.
func sentencesText(ss []bot.Sentence, sep string) string {
	parts := make([]string, 0, len(ss))
	for _, s := range ss {
		t := escapeMarkdown(s.Text)
		if len(s.Citations) > 0 {
			t += " " + escapeMarkdown(bot.FormatCitations(s.Citations))
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, sep)
}

// conflictName is the field name of a conflict in an answer or digest.
func conflictName(c bot.Conflict) string { return "Conflicting reports: " + c.Topic }

// conflictValue lists the sides of a conflict, one per line, each with the
// IDs of the articles making it.
func conflictValue(c bot.Conflict) string {
	parts := make([]string, 0, len(c.Positions))
	for _, p := range c.Positions {
		parts = append(parts, escapeMarkdown(p.Claim+" "+bot.FormatCitations(p.Articles)))
	}
	return strings.Join(parts, "\nvs ")
}

// sourceLine renders a source as bot.FormatSource does, with the text parts
// escaped and the link left intact so Discord makes it clickable.
func sourceLine(s bot.Source) string {
	e := s
	e.ID = escapeMarkdown(s.ID)
	e.Outlet = escapeMarkdown(s.Outlet)
	e.Title = escapeMarkdown(s.Title)
	return "- " + bot.FormatSource(e)
}

func sourcesValue(ss []bot.Source) string {
	lines := make([]string, 0, len(ss))
	for _, s := range ss {
		lines = append(lines, sourceLine(s))
	}
	return strings.Join(lines, "\n")
}

// renderAnswer lays out an answer: the sentences with their citations as
// the description, one field per conflict, the sources, the note as footer,
// and feedback buttons under the last message.
func renderAnswer(a bot.Answer) []message {
	p := &packer{color: colorAnswer}
	if len(a.Conflicts) > 0 {
		p.color = colorConflict
	}
	body := sentencesText(a.Sentences, " ")
	if body == "" {
		body = "The articles I have don't answer that."
	}
	title := a.Question
	if title == "" {
		title = "Answer"
	}
	p.start(title, body)
	for _, c := range a.Conflicts {
		p.field(conflictName(c), conflictValue(c), false)
	}
	if len(a.Sources) > 0 {
		p.field("Sources", sourcesValue(a.Sources), false)
	}
	p.footer(a.Note)
	msgs := p.messages()
	if row, ok := feedbackRow(a.ID); ok {
		msgs[len(msgs)-1].Components = []discordgo.MessageComponent{row}
	}
	return msgs
}

// renderDigest lays out a digest: the window and its coverage, the
// developments as a list, the open conflicts and the sources.
func renderDigest(d bot.Digest) []message {
	p := &packer{color: colorDigest}
	title := "Story digest"
	if d.ID != "" {
		title += " — " + d.ID
	}
	var body string
	switch {
	case d.Empty || d.NewArticles == 0 && len(d.Bullets) == 0:
		body = "No new articles since " + formatTime(d.Since) + "."
	default:
		body = fmt.Sprintf("%s from %s, %s to %s.", plural(d.NewArticles, "new article"), plural(d.Outlets, "outlet"),
			formatTime(d.Since), formatTime(d.Until))
		if len(d.Bullets) > 0 {
			body += "\n- " + sentencesText(d.Bullets, "\n- ")
		}
	}
	p.start(title, body)
	for _, c := range d.Conflicts {
		p.field(conflictName(c), conflictValue(c), false)
	}
	if len(d.Sources) > 0 {
		p.field("Sources", sourcesValue(d.Sources), false)
	}
	p.footer(d.Note)
	return p.messages()
}

// renderConflicts lays out the corpus-wide conflict ledger.
func renderConflicts(cs []bot.Conflict) []message {
	p := &packer{color: colorConflict}
	if len(cs) == 0 {
		p.start("Conflicting reports", "I found no conflicting reports among the articles I have.")
		return p.messages()
	}
	p.start(fmt.Sprintf("Conflicting reports (%d)", len(cs)),
		"Facts on which the articles I have disagree, with the articles on each side.")
	for _, c := range cs {
		name := c.Topic
		if c.Kind != "" {
			name += " (" + string(c.Kind) + ")"
		}
		p.field(name, conflictValue(c), false)
	}
	return p.messages()
}

// excerptLen bounds the article text shown by /sources.
const excerptLen = 600

// renderArticle lays out one article for /sources.
func renderArticle(a bot.Article) []message {
	p := &packer{color: colorSource}
	title := a.Title
	if title == "" {
		title = a.ID
	}
	excerpt := ""
	if pieces := splitText(a.Text, excerptLen); len(pieces) > 0 {
		excerpt = escapeMarkdown(pieces[0])
		if len(pieces) > 1 {
			excerpt += " …"
		}
	}
	if excerpt == "" {
		excerpt = "(no text)"
	}
	p.start(title, excerpt)
	if embedURL(a.URL) {
		p.embeds[0].URL = a.URL
	}
	p.field("ID", escapeMarkdown(a.ID), true)
	if a.Outlet != "" {
		p.field("Outlet", escapeMarkdown(a.Outlet), true)
	}
	if !a.Published.IsZero() {
		p.field("Published", a.Published.Format("2006-01-02"), true)
	}
	if a.URL != "" {
		p.field("Link", a.URL, false)
	}
	return p.messages()
}

// helpText is the /help reply; corpus is the number of articles, or -1 when
// unknown.
func helpText(corpus int) string {
	var b strings.Builder
	b.WriteString("I answer questions about one developing news story from the articles I have, citing the article IDs behind every sentence and calling out conflicting reports.\n\n")
	b.WriteString("`/ask question:<text>` ask a question\n")
	b.WriteString("`/digest` the latest digest of what is new\n")
	b.WriteString("`/conflicts` facts on which the articles disagree\n")
	b.WriteString("`/sources id:<id>` one article by its ID\n")
	b.WriteString("`/help` this message\n\n")
	b.WriteString("You can also mention me in a channel: I answer in a thread, and you can ask follow-ups there.")
	if corpus >= 0 {
		b.WriteString("\nI have " + plural(corpus, "article") + " right now.")
	}
	return b.String()
}

// textMessages splits plain text into messages of at most maxContent units.
func textMessages(s string) []message {
	var out []message
	for _, piece := range splitText(s, maxContent) {
		out = append(out, message{Content: piece})
	}
	if len(out) == 0 {
		out = []message{{Content: "(empty)"}}
	}
	if len(out) > maxMessages {
		out = out[:maxMessages]
		out[len(out)-1].Content = truncate(out[len(out)-1].Content, maxContent-textLen(truncatedNote)-1) + "\n" + truncatedNote
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "the start"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// maxEmbedURL is Discord's limit on an embed's URL.
const maxEmbedURL = 2048

// embedURL reports whether u may be an embed's URL: Discord requires a
// valid absolute http(s) URI of at most 2,048 characters, and refuses the
// whole message otherwise. Anything else is shown as text.
func embedURL(u string) bool {
	if len(u) > maxEmbedURL || strings.ContainsAny(u, " \t\r\n<>\"{}|\\^`") {
		return false
	}
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != "" && p.Opaque == "" && utf8.ValidString(u) && isASCII(u)
}

// isASCII reports whether s is plain ASCII, as a URI must be (RFC 3986).
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x21 {
			return false
		}
	}
	return true
}
