package prompts

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
)

// Version identifies the prompt set. Change it whenever a template changes;
// the golden files pin the rendered text.
const Version = "storybot-prompts-2025-12-01.1"

// NoAnswer is what the answer prompt tells the model to reply when the
// passages do not answer the question.
const NoAnswer = "NO_ANSWER"

//go:embed *.tmpl
var files embed.FS

var templates = template.Must(template.New("prompts").Option("missingkey=error").ParseFS(files, "*.tmpl"))

// Passage is one numbered passage of an article as shown to the model.
type Passage struct {
	// N numbers the passage within the prompt, from 1.
	N int
	// ArticleID is the ID the model must cite.
	ArticleID string
	// Outlet, Title and Date (YYYY-MM-DD) describe the article, when known.
	Outlet, Title, Date string
	// Text is the passage's text (untrusted).
	Text string
}

// Turn is an earlier message of the conversation.
type Turn struct {
	// Role is "user" or "bot".
	Role string
	// Text is what was said (untrusted).
	Text string
}

// Position is one side of a known conflict.
type Position struct {
	Claim    string
	Articles []string
}

// Conflict is a disagreement already detected among the articles.
type Conflict struct {
	Topic     string
	Positions []Position
}

// AnswerInput is what the answer prompt needs.
type AnswerInput struct {
	// Question is what the user asked (untrusted).
	Question string
	// Thread holds the earlier turns, oldest first.
	Thread []Turn
	// Passages are the retrieved passages, best first.
	Passages []Passage
	// Conflicts are the conflicts already detected about the question.
	Conflicts []Conflict
	// MaxSentences bounds the answer's length (default 5).
	MaxSentences int
}

// ConflictCheckInput is what the conflict-check prompt needs.
type ConflictCheckInput struct {
	// Question is the fact to check, usually the user's question (untrusted).
	Question string
	// Passages are the passages to compare.
	Passages []Passage
	// Known are the conflicts already detected, which need not be repeated.
	Known []Conflict
}

// DigestInput is what the digest prompt needs.
type DigestInput struct {
	// Since and Until bound the window, as dates or times in words.
	Since, Until string
	// Passages are the window's passages, most important first.
	Passages []Passage
	// Conflicts are the disputes new or open in the window.
	Conflicts []Conflict
	// MaxBullets bounds the digest's length (default 6).
	MaxBullets int
}

// Answer renders the answer prompt: system and user messages.
func Answer(in AnswerInput) (system, user string, err error) {
	if strings.TrimSpace(in.Question) == "" {
		return "", "", fmt.Errorf("prompts: answer: empty question")
	}
	if in.MaxSentences <= 0 {
		in.MaxSentences = 5
	}
	data := map[string]any{
		"Question":     Neutralise(in.Question),
		"Thread":       cleanTurns(in.Thread),
		"Passages":     cleanPassages(in.Passages),
		"Conflicts":    cleanConflicts(in.Conflicts),
		"MaxSentences": in.MaxSentences,
		"NoAnswer":     NoAnswer,
	}
	return render("answer", data)
}

// ConflictCheck renders the conflict-check prompt: system and user messages.
func ConflictCheck(in ConflictCheckInput) (system, user string, err error) {
	if len(in.Passages) == 0 {
		return "", "", fmt.Errorf("prompts: conflict check: no passages")
	}
	data := map[string]any{
		"Question":  Neutralise(in.Question),
		"Passages":  cleanPassages(in.Passages),
		"Conflicts": cleanConflicts(in.Known),
	}
	return render("conflicts", data)
}

// Digest renders the digest prompt: system and user messages.
func Digest(in DigestInput) (system, user string, err error) {
	if len(in.Passages) == 0 {
		return "", "", fmt.Errorf("prompts: digest: no passages")
	}
	if in.MaxBullets <= 0 {
		in.MaxBullets = 6
	}
	data := map[string]any{
		"Since":      Neutralise(in.Since),
		"Until":      Neutralise(in.Until),
		"Passages":   cleanPassages(in.Passages),
		"Conflicts":  cleanConflicts(in.Conflicts),
		"MaxBullets": in.MaxBullets,
		"NoAnswer":   NoAnswer,
	}
	return render("digest", data)
}

func render(name string, data any) (system, user string, err error) {
	var s, u bytes.Buffer
	if err := templates.ExecuteTemplate(&s, name+"_system.tmpl", data); err != nil {
		return "", "", fmt.Errorf("prompts: render %s system: %w", name, err)
	}
	if err := templates.ExecuteTemplate(&u, name+"_user.tmpl", data); err != nil {
		return "", "", fmt.Errorf("prompts: render %s user: %w", name, err)
	}
	return strings.TrimSpace(s.String()) + "\n", strings.TrimSpace(u.String()) + "\n", nil
}

// Neutralise makes untrusted text safe to place inside a fence: angle
// brackets become look-alike guillemets, so the text cannot open or close a
// tag such as </article>; backquote runs that could open a code fence are
// broken up; control characters other than newline and tab are dropped.
func Neutralise(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	ticks := 0
	for _, r := range s {
		if r == '`' {
			ticks++
			if ticks >= 3 {
				b.WriteRune('\'')
				ticks = 0
				continue
			}
			b.WriteRune(r)
			continue
		}
		ticks = 0
		switch {
		case r == '<':
			b.WriteRune('‹')
		case r == '>':
			b.WriteRune('›')
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || r == '\uFEFF' || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069):
			// control and bidirectional-override characters
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// attr makes a value safe inside a double-quoted tag attribute on one line.
func attr(s string) string {
	s = Neutralise(s)
	s = strings.ReplaceAll(s, `"`, "'")
	return strings.Join(strings.Fields(s), " ")
}

type passageView struct {
	N                             int
	ID, Outlet, Title, Date, Text string
}

func cleanPassages(ps []Passage) []passageView {
	out := make([]passageView, len(ps))
	for i, p := range ps {
		n := p.N
		if n <= 0 {
			n = i + 1
		}
		out[i] = passageView{N: n, ID: attr(p.ArticleID), Outlet: attr(p.Outlet), Title: attr(p.Title), Date: attr(p.Date),
			Text: strings.TrimSpace(Neutralise(p.Text))}
	}
	return out
}

func cleanTurns(ts []Turn) []Turn {
	out := make([]Turn, 0, len(ts))
	for _, t := range ts {
		role := "user"
		if t.Role != "user" {
			role = "assistant"
		}
		txt := strings.TrimSpace(Neutralise(t.Text))
		if txt == "" {
			continue
		}
		out = append(out, Turn{Role: role, Text: txt})
	}
	return out
}

func cleanConflicts(cs []Conflict) []Conflict {
	out := make([]Conflict, len(cs))
	for i, c := range cs {
		nc := Conflict{Topic: attr(c.Topic)}
		for _, p := range c.Positions {
			ids := make([]string, len(p.Articles))
			for j, id := range p.Articles {
				ids[j] = attr(id)
			}
			nc.Positions = append(nc.Positions, Position{Claim: attr(p.Claim), Articles: ids})
		}
		out[i] = nc
	}
	return out
}
