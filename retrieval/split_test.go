package retrieval

import (
	"slices"
	"strings"
	"testing"

	"github.com/storybot/storybot/bot"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Talks with U.S. envoys began on Nov. 3 in Berlin. They ended late.",
			[]string{"Talks with U.S. envoys began on Nov. 3 in Berlin.", "They ended late."}},
		{"Gov. Lopez spoke. Dr. Chen replied! Was it enough? Nobody knows.",
			[]string{"Gov. Lopez spoke.", "Dr. Chen replied!", "Was it enough?", "Nobody knows."}},
		{`"We will not give in," she said. The crowd cheered.`,
			[]string{`"We will not give in," she said.`, "The crowd cheered."}},
		{"Prices rose 3.5 percent in 2025. Wages did not.",
			[]string{"Prices rose 3.5 percent in 2025.", "Wages did not."}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := splitSentences(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("splitSentences(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
		}
	}
}

func TestChopLong(t *testing.T) {
	long := strings.Repeat("word ", 1000)
	parts := chopLong(strings.TrimSpace(long))
	if len(parts) < 4 {
		t.Fatalf("parts = %d", len(parts))
	}
	for _, p := range parts {
		if len(p) > maxSentence || strings.HasPrefix(p, " ") || strings.HasSuffix(p, " ") {
			t.Errorf("bad piece of %d bytes", len(p))
		}
	}
	if got := strings.Join(parts, " "); got != strings.TrimSpace(long) {
		t.Error("pieces do not rebuild the text")
	}
	nospace := strings.Repeat("é", 2000)
	for _, p := range chopLong(nospace) {
		if !strings.HasPrefix(nospace, p[:2]) || len(p) > maxSentence {
			t.Errorf("cut inside a rune or too long: %d", len(p))
		}
	}
}

func TestSplitPassages(t *testing.T) {
	var paras []string
	for i := range 12 {
		var s []string
		for j := range 3 + i%5 {
			s = append(s, "Sentence "+string(rune('A'+i))+string(rune('a'+j))+" reports that the council met again and voted on the long plan.")
		}
		paras = append(paras, strings.Join(s, " "))
	}
	paras = append(paras, "Short one.", "Another short one.")
	a := bot.Article{ID: "a1", Title: "A headline not in the text", Text: strings.Join(paras, "\n\n")}
	ps, truncated := splitPassages(a)
	if truncated {
		t.Fatal("truncated")
	}
	if len(ps) < 8 {
		t.Fatalf("passages = %d", len(ps))
	}
	if ps[0].Sentences[0] != a.Title {
		t.Errorf("first sentence = %q, want the headline", ps[0].Sentences[0])
	}
	var all []string
	for i, p := range ps {
		if p.Index != i || p.ArticleID != "a1" {
			t.Errorf("passage %d: index %d, article %q", i, p.Index, p.ArticleID)
		}
		if len(p.Sentences) > passageSentences {
			t.Errorf("passage %d has %d sentences", i, len(p.Sentences))
		}
		if n := len(p.Text()); n > passageChars && len(p.Sentences) > 1 {
			t.Errorf("passage %d has %d chars", i, n)
		}
		all = append(all, p.Sentences...)
	}
	var want []string
	want = append(want, a.Title)
	for _, para := range paras {
		want = append(want, splitSentences(para)...)
	}
	if !slices.Equal(all, want) {
		t.Errorf("passages lose or split sentences:\n%q\nwant\n%q", all, want)
	}
	// The two short paragraphs at the end share a passage.
	last := ps[len(ps)-1]
	if !slices.Contains(last.Sentences, "Short one.") || !slices.Contains(last.Sentences, "Another short one.") {
		t.Errorf("last passage = %q", last.Sentences)
	}

	b := bot.Article{ID: "b", Title: "Flood waters recede", Text: "Flood waters recede\n\nThe river fell."}
	ps, _ = splitPassages(b)
	if len(ps) != 1 || ps[0].Sentences[0] != "Flood waters recede" || len(ps[0].Sentences) != 2 {
		t.Errorf("headline in text repeated or lost: %+v", ps)
	}
}

func FuzzCollapseSpaces(f *testing.F) {
	for _, s := range []string{"", " ", "a", "a b", " a", "a ", "a  b", "a\tb", "a\u00a0b", "naïve café", "\xff \xfe", "a \u2003b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := collapseSpaces(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("collapseSpaces(%q) = %q, want %q", s, got, want)
		}
	})
}
