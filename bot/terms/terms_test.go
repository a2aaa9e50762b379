package terms

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Hello, World!", []string{"hello", "world"}},
		{"The mayor's plan", []string{"the", "mayor", "plan"}},
		{"800,000 troops and 3.5% growth", []string{"800000", "troops", "and", "3.5", "growth"}},
		{"costs €50 billion", []string{"costs", "money", "50", "billion"}},
		{"end. Next", []string{"end", "next"}},
		{"", nil},
	}
	for _, tc := range tests {
		if got := Words(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Words(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestStemMatchesForms(t *testing.T) {
	groups := [][]string{
		{"accept", "acceptable", "accepted", "accepting"},
		{"negotiating", "negotiations", "negotiated"},
		{"direct", "directly"},
		{"country", "countries"},
		{"stop", "stopped", "stops"},
		{"warn", "warning", "warned"},
	}
	for _, g := range groups {
		for _, w := range g[1:] {
			if Stem(w) != Stem(g[0]) {
				t.Errorf("Stem(%q) = %q, Stem(%q) = %q; want equal", w, Stem(w), g[0], Stem(g[0]))
			}
		}
	}
	if Stem("2025") != "2025" {
		t.Error("numbers must not be stemmed")
	}
}

func TestTermsFoldSynonymsAndPhrasalVerbs(t *testing.T) {
	tests := []struct{ a, b string }{
		{"pull out of the region", "withdraw from the territory"},
		{"the head of the agency warned", "the agency chief cautioned"},
		{"will give up its claim", "relinquished its claim"},
		{"how much money", "€50"},
	}
	for _, tc := range tests {
		a, b := Set(tc.a), Set(tc.b)
		shared := 0
		for w := range a {
			if b[w] {
				shared++
			}
		}
		if shared == 0 {
			t.Errorf("%q %v and %q %v share no term", tc.a, a, tc.b, b)
		}
	}
	if got := Terms("what is it that they said"); len(got) != 0 {
		t.Errorf("stop words left: %q", got)
	}
}

func TestExpand(t *testing.T) {
	got := Expand("pull out")
	for _, w := range []string{"pull out", "withdraw", "retreat"} {
		if !strings.Contains(got, w) {
			t.Errorf("Expand = %q, lacks %q", got, w)
		}
	}
	if Expand("nothing special here") != "nothing special here" {
		t.Error("words without synonyms must come back unchanged")
	}
}

func TestSimilar(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"zelenski", "zelenskyi", true},
		{"defenc", "defens", true},
		{"russia", "russian", true},
		{"cat", "car", false}, // too short to guess
		{"planning", "planting", false},
		{"abcdef", "abcdef", true},
	}
	for _, tc := range tests {
		if got := Similar(tc.a, tc.b); got != tc.want {
			t.Errorf("Similar(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func FuzzTerms(f *testing.F) {
	for _, s := range []string{"", "Hello, World!", "800,000 troops", "€50", "a.b,c", "’s'", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, w := range Terms(s) {
			if w == "" {
				t.Fatalf("empty term from %q", s)
			}
			if utf8.ValidString(s) && !utf8.ValidString(w) {
				t.Fatalf("invalid UTF-8 term %q from %q", w, s)
			}
		}
		_ = Expand(s)
	})
}
