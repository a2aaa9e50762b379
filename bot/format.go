package bot

import (
	"strings"
)

// Text renders the answer as plain text, the form posted by the console and
// `storybot ask` (DESIGN §5): the sentences, each followed by its citations;
// a "Conflicting reports" line per conflict; a Sources list; and the note.
func (a Answer) Text() string {
	var b strings.Builder
	for i, s := range a.Sentences {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s.Text)
		if len(s.Citations) > 0 {
			b.WriteByte(' ')
			b.WriteString(FormatCitations(s.Citations))
		}
	}
	for _, c := range a.Conflicts {
		b.WriteString("\n")
		b.WriteString(FormatConflict(c))
	}
	if len(a.Sources) > 0 {
		b.WriteString("\nSources:")
		for _, s := range a.Sources {
			b.WriteString("\n- ")
			b.WriteString(FormatSource(s))
		}
	}
	if a.Note != "" {
		b.WriteString("\n(")
		b.WriteString(a.Note)
		b.WriteString(")")
	}
	return b.String()
}

// FormatCitations renders article IDs as "[id1] [id2]".
func FormatCitations(ids []string) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('[')
		b.WriteString(id)
		b.WriteByte(']')
	}
	return b.String()
}

// FormatConflict renders one conflict as
// "Conflicting reports: topic — claim [ids] vs claim [ids]".
func FormatConflict(c Conflict) string {
	var b strings.Builder
	b.WriteString("Conflicting reports: ")
	b.WriteString(c.Topic)
	b.WriteString(" — ")
	for i, p := range c.Positions {
		if i > 0 {
			b.WriteString(" vs ")
		}
		b.WriteString(p.Claim)
		b.WriteByte(' ')
		b.WriteString(FormatCitations(p.Articles))
	}
	return b.String()
}

// FormatSource renders a source as "id · outlet · headline · date · url",
// leaving out the parts that are unknown.
func FormatSource(s Source) string {
	parts := []string{s.ID}
	if s.Outlet != "" {
		parts = append(parts, s.Outlet)
	}
	if s.Title != "" {
		parts = append(parts, s.Title)
	}
	if !s.Published.IsZero() {
		parts = append(parts, s.Published.Format("2006-01-02"))
	}
	if s.URL != "" {
		parts = append(parts, s.URL)
	}
	return strings.Join(parts, " · ")
}
