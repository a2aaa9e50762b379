package bot

import (
	"testing"
)

// stanceBrief builds a brief whose hits are one passage per article.
func stanceBrief(question string, articles map[string][]string) Brief {
	b := Brief{Question: Question{Text: question}, Articles: map[string]Article{}}
	for id, sents := range articles {
		b.Hits = append(b.Hits, Hit{Passage: Passage{ArticleID: id, Sentences: sents}})
		b.Articles[id] = Article{ID: id}
	}
	return b
}

func TestFocusConflicts(t *testing.T) {
	articles := map[string][]string{
		"a": {
			"The Orlen council formally closed the Varna ferry terminal on Monday.",
			"The fire at the Varna warehouse killed 12 people, officials said.",
			"An automatic leak alarm at the Kessel mill sounded at 11:40 p.m., the owners said.",
		},
		"b": {
			"The Orlen council said it may close the Varna ferry terminal if inspectors find more damage.",
			"The fire at the Varna warehouse killed 30 people, the hospital said.",
			"The leak alarm at the Kessel mill did not sound on Monday night.",
		},
		"c": {
			"Ships kept sailing from the harbour on Tuesday.",
		},
	}
	tests := []struct {
		question string
		want     int // disputes found
		sides    [2]string
	}{
		// the asked event is reported as done and as only possible
		{"Has the Orlen council closed the Varna ferry terminal?", 1, [2]string{"a", "b"}},
		// the statement is made in one article and negated in another
		{"Did the alarm at the Kessel mill go off?", 1, [2]string{"a", "b"}},
		// asked for disagreements about the alarm as such
		{"Are there conflicting reports about the leak alarm?", 1, [2]string{"a", "b"}},
		// the same articles dispute a death toll, which is not what is asked
		{"Has the harbour reopened for ships?", 0, [2]string{}},
		// the sentences name the fire, but the dispute is about how many died
		{"What caused the fire at the Varna warehouse?", 0, [2]string{}},
	}
	e := NewExtractive(nil)
	for _, tc := range tests {
		b := stanceBrief(tc.question, articles)
		got := e.focusConflicts(b, b.Hits)
		if len(got) != tc.want {
			t.Errorf("%q: %d disputes, want %d: %+v", tc.question, len(got), tc.want, got)
			continue
		}
		if tc.want == 0 {
			continue
		}
		ids := map[string]bool{}
		for _, p := range got[0].Positions {
			for _, id := range p.Articles {
				ids[id] = true
			}
		}
		if !ids[tc.sides[0]] || !ids[tc.sides[1]] {
			t.Errorf("%q: sides %+v, want articles %v", tc.question, got[0].Positions, tc.sides)
		}
	}
}

func TestAlternatives(t *testing.T) {
	l := language()
	tests := []struct {
		question string
		want     []string
	}{
		{"Did the courier arrive by a delivery van or a bicycle?", []string{"van", "bicycle"}},
		{"Was the bridge closed or not?", nil},
		{"Has the mayor resigned?", nil},
	}
	for _, tc := range tests {
		got := alternatives(l, tc.question)
		if len(got) != len(tc.want) {
			t.Errorf("%q: %v, want %v", tc.question, got, tc.want)
			continue
		}
		for _, w := range tc.want {
			if !got[w] {
				t.Errorf("%q: %v, want %v", tc.question, got, tc.want)
			}
		}
	}
}

func TestCompoundModifiers(t *testing.T) {
	got := compoundModifiers(language(), "Who is the Orlen fire chief?")
	if !got["fire"] || got["chief"] {
		t.Errorf("modifiers %v, want fire only", got)
	}
}
