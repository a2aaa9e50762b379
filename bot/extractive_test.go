package bot

import (
	"context"
	"testing"
)

// TestComposeAbstainsWhenNoSentenceIsUsable: a passage may cover the
// question while every one of its sentences is unusable (too short, a
// disclaimer, a link, a "subscribe" line). The composer used to index the
// empty candidate list and panic; it must abstain instead.
func TestComposeAbstainsWhenNoSentenceIsUsable(t *testing.T) {
	tests := []struct {
		name      string
		sentences []string
		question  string
	}{
		{"short lines", []string{"Post edited.", "Editor's note follows."}, "Was this post edited?"},
		{"boilerplate lines", []string{"Subscribe to get every edited post first.", "Cookie settings for this post were edited."}, "Was this post edited?"},
		{"links", []string{"The edited post is at https://example.org/post now."}, "Where is the edited post?"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hit := Hit{Passage: Passage{ArticleID: "x1", Sentences: tc.sentences}, Score: 1}
			b := Brief{Question: Question{Text: tc.question}, Hits: []Hit{hit}, Articles: map[string]Article{"x1": {ID: "x1"}}}
			a, err := NewExtractive(nil).Compose(context.Background(), b)
			if err != nil {
				t.Fatal(err)
			}
			if !a.Abstained || len(a.Citations()) != 0 || a.Text() == "" {
				t.Errorf("want a non-empty abstention citing nothing, got %+v", a)
			}
		})
	}
}

// TestServiceAnswersWhenNoSentenceIsUsable drives the same case through the
// Service, as `ask` does.
func TestServiceAnswersWhenNoSentenceIsUsable(t *testing.T) {
	m := newMemCorpus(
		Article{ID: "n1", Text: "Post edited.\n\nSubscribe to get every edited post first."},
		Article{ID: "n2", Text: "The ferry Marigold ran aground off Kessel Point on Tuesday night."},
	)
	a, err := newTestService(t, m, nil).Answer(context.Background(), Question{Text: "Was this post edited?"})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Abstained || len(a.Citations()) != 0 {
		t.Errorf("want an abstention, got %+v", a)
	}
}

// TestFollowUpCompletesAHeadline: a best sentence without the kind of
// answer asked (a headline naming no one) is followed by the next sentence
// of its passage that has it; a sentence of another passage is not.
func TestFollowUpCompletesAHeadline(t *testing.T) {
	e := NewExtractive(nil)
	mk := func(rank, at int, text string) candidate {
		return candidate{article: "h1", rank: rank, at: at, text: text, terms: e.language().TermSet(text)}
	}
	head := mk(0, 0, "Ferry operator's director apologises to parliament over the grounding")
	name := mk(0, 1, "Ana Ruiz told the transport committee the company would review its routes")
	other := mk(1, 1, "Ivo Sands runs the harbour office on weekdays")
	wants := func(s string) bool { return e.namesSomeone(s) }
	got := followUp([]candidate{head}, []candidate{head, other, name}, wants, 3)
	if len(got) != 2 || got[1].text != name.text {
		t.Fatalf("followUp = %+v", got)
	}
	if got := followUp([]candidate{head}, []candidate{head, other}, wants, 3); len(got) != 1 {
		t.Fatalf("a sentence of another passage completed the headline: %+v", got)
	}
	if got := followUp([]candidate{name}, []candidate{name, head}, wants, 3); len(got) != 1 {
		t.Fatalf("a sentence that has a name was completed: %+v", got)
	}
}

func TestMatchSetSpellsAcronyms(t *testing.T) {
	m := NewExtractive(nil).matchSet("An estimate by the Regional Flood Board put the damage at millions.")
	q := NewExtractive(nil).query("what did the RFB estimate?")
	if !q.has(m, language().Stem("rfb")) {
		t.Fatalf("the acronym is not matched by the name it spells: %v", m)
	}
}

func TestAsksKindAndNamesSomeone(t *testing.T) {
	e := NewExtractive(nil)
	for q, want := range map[string]bool{
		"what system went down at the clinics?": true,
		"which firm built the depot?":           true,
		"what happened at the depot?":           false,
		"how many clinics closed?":              false,
	} {
		if got := e.asksKind(Brief{Question: Question{Text: q}}); got != want {
			t.Errorf("asksKind(%q) = %v", q, got)
		}
	}
	for s, want := range map[string]bool{
		"Ana Ruiz told the committee the firm would pay.": true,
		"The director told the committee it would pay.":   false,
	} {
		if got := e.namesSomeone(s); got != want {
			t.Errorf("namesSomeone(%q) = %v", s, got)
		}
	}
}
