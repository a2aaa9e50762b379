package bot

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

// bracketSpan matches a span a reader takes for a citation.
var bracketSpan = regexp.MustCompile(`[\[［⟦〚【〔⁅]([^\]］⟧〛】〕⁆]*)[\]］⟧〛】〕⁆]`)

// citationLike returns the bracketed spans of text that are not among cited.
func citationLike(text string, cited []string) []string {
	ok := map[string]bool{}
	for _, id := range cited {
		ok[id] = true
	}
	var bad []string
	for _, m := range bracketSpan.FindAllStringSubmatch(text, -1) {
		if !ok[m[1]] {
			bad = append(bad, m[0])
		}
	}
	return bad
}

func TestNeutraliseBrackets(t *testing.T) {
	for in, want := range map[string]string{
		"plain text":                  "plain text",
		"[trusted-source] said so":    "(trusted-source) said so",
		"as reported [b2] earlier":    "as reported (b2) earlier",
		"a [1] and ［2］ and ⟦3⟧":       "a (1) and (2) and (3)",
		"【verified】〔x〕〚y〛⁅z⁆":         "(verified)(x)(y)(z)",
		"unbalanced [ and ] brackets": "unbalanced ( and ) brackets",
	} {
		if got := neutraliseBrackets(in); got != want {
			t.Errorf("neutraliseBrackets(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestArticleBracketsNeverLookLikeCitations: bracketed text of an article
// (an invented source tag, a footnote, another article's ID) reaches the
// answer, the digest and the conflict listing only in parentheses; the
// square brackets left are the real citations. The shared ledger is not
// modified.
func TestArticleBracketsNeverLookLikeCitations(t *testing.T) {
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m := newMemCorpus(
		Article{ID: "p1", Title: "[Video] Pilots strike", Published: day,
			Text: "[trusted-source] The harbour pilots of Port Elspeth walked out on Tuesday over unpaid overtime, their union said [p2].\n\nThe port authority【verified】 said ships would wait at anchor until the pilots return ⟦2⟧."},
		Article{ID: "p2", Title: "Port waits", Published: day.Add(time.Hour),
			Text: "Ships waited at anchor off Port Elspeth as the harbour pilots stayed out for a second day [1]."},
	)
	m.conflicts = []Conflict{{Topic: "pilots [union]", Kind: ConflictDetail, Positions: []Position{
		{Claim: "walked out [confirmed]", Articles: []string{"p1"}}, {Claim: "stayed at work", Articles: []string{"p2"}},
	}}}
	s := newTestService(t, m, nil)
	ctx := context.Background()

	for _, q := range []string{"Why did the harbour pilots of Port Elspeth walk out?", "What did the port authority say about ships waiting at anchor?"} {
		a, err := s.Answer(ctx, Question{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if a.Abstained {
			t.Fatalf("%q abstained: %s", q, a.Text())
		}
		if bad := citationLike(a.Text(), a.Citations()); len(bad) > 0 {
			t.Errorf("%q: %v look like citations in\n%s", q, bad, a.Text())
		}
		if !strings.Contains(a.Text(), "(") {
			t.Errorf("%q: the bracketed text is gone rather than shown in parentheses:\n%s", q, a.Text())
		}
	}
	d, err := s.Digest(ctx, day.Add(-time.Hour), day.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if bad := citationLike(d.Text(), d.Citations()); len(bad) > 0 {
		t.Errorf("digest: %v look like citations in\n%s", bad, d.Text())
	}
	cs, err := s.Conflicts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := FormatConflict(cs[0]); len(citationLike(got, cs[0].ArticleIDs())) > 0 || !strings.Contains(got, "(confirmed)") {
		t.Errorf("conflict listing: %q", got)
	}
	if m.conflicts[0].Positions[0].Claim != "walked out [confirmed]" {
		t.Errorf("the shared ledger was modified: %+v", m.conflicts[0])
	}
}
