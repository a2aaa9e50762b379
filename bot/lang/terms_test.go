package lang

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"The mayor's 1,200 plans.", []string{"the", "mayor", "1200", "plans"}},
		{"It cost €50, or 3.5 times more", []string{"it", "cost", "money", "50", "or", "3.5", "times", "more"}},
		{"didn't stop", []string{"didn't", "stop"}},
		{"", nil},
	}
	for _, tc := range tests {
		if got := Words(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Words(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTermsSkipFunctionAndLightWords(t *testing.T) {
	l := newLang(t)
	got := l.Terms("She said the bakers were making bread again.")
	want := []string{l.Stem("bakers"), l.Stem("making"), l.Stem("bread")}
	// "making" is a light verb only in its plain forms: "make", "made", "makes".
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Terms = %q, want %q", got, want)
	}
}

func TestTermSetAddsIrregularBases(t *testing.T) {
	l := newLang(t)
	set := l.TermSet("The geese fled across the field.")
	for _, w := range []string{"goose", "flee", "field"} {
		if !set[l.Stem(w)] {
			t.Errorf("TermSet lacks the stem of %q: %v", w, set)
		}
	}
	if set["the"] {
		t.Errorf("TermSet kept a function word: %v", set)
	}
}

func TestLightWordsAreNotStopWords(t *testing.T) {
	l := newLang(t)
	for w := range l.light {
		if l.stop[w] {
			t.Errorf("%q is both a stop word and a light word", w)
		}
		if l.Term(w) {
			t.Errorf("light word %q counts as a term", w)
		}
	}
}

func TestSimilar(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"defence", "defense", true},
		{"organise", "organize", true},
		{"petrenko", "petrenkoy", true},
		{"garden", "garden", true},
		{"garden", "warden", false},
		{"cat", "cap", false},
		{"station", "nation", false},
	}
	for _, tc := range tests {
		if got := Similar(tc.a, tc.b); got != tc.want {
			t.Errorf("Similar(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestKin(t *testing.T) {
	l := newLang(t)
	head := l.Tokens("The head of the agency spoke.")[1]
	if k := l.Kin(head); k[l.Stem("chief")] == 0 {
		t.Errorf("Kin(head) lacks chief: %v", k)
	}
	harmful := l.Tokens("A harmful gas spread.")[1]
	if k := l.Kin(harmful); k[l.Stem("toxic")] == 0 {
		t.Errorf("Kin(harmful) lacks toxic: %v", k)
	}
}

func TestPhrasal(t *testing.T) {
	l := newLang(t)
	toks := l.Tokens("Did the company pull out of the deal?")
	found := ""
	for i := range toks {
		if p, n := l.Phrasal(toks, i); n > 0 {
			found = p
		}
	}
	if found != "pull out" {
		t.Errorf("Phrasal found %q, want \"pull out\"", found)
	}
	toks = l.Tokens("The river rose overnight.")
	for i := range toks {
		if p, n := l.Phrasal(toks, i); n > 0 {
			t.Errorf("Phrasal found %q in a sentence without one", p)
		}
	}
}

func FuzzWords(f *testing.F) {
	for _, s := range []string{"1,000.5 €", "it's", "’s", "a,b.c", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, w := range Words(s) {
			if w == "" {
				t.Fatalf("empty word from %q", s)
			}
			if utf8.ValidString(s) && strings.ToLower(w) != w {
				t.Fatalf("word %q of %q is not lower case", w, s)
			}
		}
	})
}

func TestBroaderAndSynonyms(t *testing.T) {
	l := newLang(t)
	ship := l.Tokens("The ship sank.")[1]
	if b := l.Broader(ship); !contains(b, "vessel") {
		t.Errorf("Broader(ship) = %q, want vessel among them", b)
	}
	floor := l.Tokens("The floor collapsed.")[1]
	if s := l.Synonyms(floor); !contains(s, "storey") {
		t.Errorf("Synonyms(floor) = %q, want storey among them", s)
	}
}

func TestEventNouns(t *testing.T) {
	l := newLang(t)
	for _, tc := range []struct {
		sentence, verb string
		want           []string
	}{
		{"Forty people were injured.", "injured", []string{"injury"}},
		{"Two men died.", "died", []string{"death"}},
		// A noun with the verb's own stem adds nothing to a search.
		{"They hit the wall.", "hit", nil},
	} {
		var got []string
		for _, tk := range l.Tokens(tc.sentence) {
			if tk.Lower == tc.verb {
				got = l.EventNouns(tk)
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("EventNouns(%q) = %q, want %q", tc.verb, got, tc.want)
		}
	}
}

func TestAcronyms(t *testing.T) {
	tests := []struct {
		text string
		want []string
		not  []string
	}{
		{"A warning from the US Weather Bureau came late.", []string{"uswb", "wb"}, nil},
		{"The Ministry of Roads and the Harbour Board met.", []string{"mor", "mr", "hb"}, []string{"mrhb", "morathb"}},
		{"Officials at Grey Port Authority, which runs it, said so.", []string{"gpa"}, nil},
		{"the grey port authority said", nil, []string{"gpa"}},
	}
	for _, tt := range tests {
		got := Acronyms(tt.text)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("Acronyms(%q) = %v, lacks %q", tt.text, got, w)
			}
		}
		for _, w := range tt.not {
			if slices.Contains(got, w) {
				t.Errorf("Acronyms(%q) = %v, has %q", tt.text, got, w)
			}
		}
	}
}
