package bot

import "strings"

// bracketReplacer turns every square bracket, and the look-alikes a reader
// could take for one, into parentheses. Citations are the only square
// brackets of an answer: they are written from Sentence.Citations by the
// renderers, never from text, so bracketed text of an article or a model
// ("[trusted-source]", "[1]", even "[an-article-id]") cannot pass for one.
var bracketReplacer = strings.NewReplacer(
	"[", "(", "]", ")",
	"［", "(", "］", ")", // fullwidth
	"⟦", "(", "⟧", ")", // mathematical white square brackets
	"〚", "(", "〛", ")", // white square brackets
	"【", "(", "】", ")", // black lenticular brackets
	"〔", "(", "〕", ")", // tortoise shell brackets
	"⁅", "(", "⁆", ")", // square brackets with quill
)

// neutraliseBrackets rewrites s so that nothing in it looks like a citation.
func neutraliseBrackets(s string) string {
	if !strings.ContainsAny(s, "[]［］⟦⟧〚〛【】〔〕⁅⁆") {
		return s
	}
	return bracketReplacer.Replace(s)
}

// neutraliseAnswer applies neutraliseBrackets to every text of a that comes
// from articles or a model: sentences, conflicts, sources and the note. It
// copies what it changes, so a shared ledger is left alone.
func neutraliseAnswer(a Answer) Answer {
	a.Sentences = neutraliseSentences(a.Sentences)
	a.Conflicts = NeutraliseConflicts(a.Conflicts)
	a.Sources = neutraliseSources(a.Sources)
	a.Note = neutraliseBrackets(a.Note)
	return a
}

// neutraliseDigest is neutraliseAnswer for a digest.
func neutraliseDigest(d Digest) Digest {
	d.Bullets = neutraliseSentences(d.Bullets)
	d.Conflicts = NeutraliseConflicts(d.Conflicts)
	d.Sources = neutraliseSources(d.Sources)
	d.Note = neutraliseBrackets(d.Note)
	return d
}

func neutraliseSentences(ss []Sentence) []Sentence {
	if ss == nil {
		return nil
	}
	out := make([]Sentence, len(ss))
	for i, s := range ss {
		s.Text = neutraliseBrackets(s.Text)
		out[i] = s
	}
	return out
}

// NeutraliseConflicts returns cs with the brackets of topics and claims
// turned into parentheses, so that a ledger listing shows no citation but its
// own; cs itself is left alone. Service.Answer, Service.Digest and
// Service.Conflicts apply it already.
func NeutraliseConflicts(cs []Conflict) []Conflict {
	if cs == nil {
		return nil
	}
	out := make([]Conflict, len(cs))
	for i, c := range cs {
		c.Topic = neutraliseBrackets(c.Topic)
		ps := make([]Position, len(c.Positions))
		for j, p := range c.Positions {
			p.Claim = neutraliseBrackets(p.Claim)
			ps[j] = p
		}
		if c.Positions != nil {
			c.Positions = ps
		}
		out[i] = c
	}
	return out
}

func neutraliseSources(ss []Source) []Source {
	if ss == nil {
		return nil
	}
	out := make([]Source, len(ss))
	for i, s := range ss {
		s.Outlet = neutraliseBrackets(s.Outlet)
		s.Title = neutraliseBrackets(s.Title)
		out[i] = s
	}
	return out
}
