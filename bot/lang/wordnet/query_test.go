package wordnet

import (
	"slices"
	"testing"
)

func TestSynonyms(t *testing.T) {
	d := db(t)
	tests := []struct {
		word    string
		pos     POS
		opts    []Option
		want    []string // must be present
		notWant []string // must be absent
		first   string   // expected first synonym, if set
	}{
		{word: "floor", pos: Noun, want: []string{"storey", "story", "level"}},
		{word: "kids", pos: Noun, opts: []Option{FirstSenses(1)}, want: []string{"child"}, first: "child"},
		{word: "quake", pos: Noun, want: []string{"earthquake", "temblor"}},
		{word: "bridge", pos: Noun, opts: []Option{FirstSenses(1)}, want: []string{"span"}, first: "span"},
		{word: "shut", pos: Verb, opts: []Option{FirstSenses(1)}, want: []string{"close"}},
		// "state" ~ "country" only in its fourth sense.
		{word: "state", pos: Noun, opts: []Option{FirstSenses(2)}, notWant: []string{"country", "nation"}},
		{word: "state", pos: Noun, want: []string{"country", "nation"}},
		// "train" ~ "rail" only in rare verb senses.
		{word: "train", pos: Verb, opts: []Option{FirstSenses(3)}, notWant: []string{"rail"}},
		// The word itself is never its own synonym.
		{word: "dog", pos: Noun, notWant: []string{"dog"}, first: "domestic dog"},
		{word: "qwzx", pos: Noun},
	}
	for _, tc := range tests {
		got := d.Synonyms(tc.word, tc.pos, tc.opts...)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("Synonyms(%q, %v) = %q, missing %q", tc.word, tc.pos, got, w)
			}
		}
		for _, w := range tc.notWant {
			if slices.Contains(got, w) {
				t.Errorf("Synonyms(%q, %v) = %q, should not hold %q", tc.word, tc.pos, got, w)
			}
		}
		if tc.first != "" && (len(got) == 0 || got[0] != tc.first) {
			t.Errorf("Synonyms(%q, %v) = %q, want %q first", tc.word, tc.pos, got, tc.first)
		}
		if len(tc.want) == 0 && tc.first == "" && len(tc.notWant) == 0 && got != nil {
			t.Errorf("Synonyms(%q) = %q, want none", tc.word, got)
		}
	}
}

// Senses come in WordNet's frequency order and FirstSenses cuts them.
func TestSensesOrder(t *testing.T) {
	d := db(t)
	all := d.Senses("bank", Noun)
	if len(all) != 10 {
		t.Fatalf("bank has %d noun senses, want 10", len(all))
	}
	for i, s := range all {
		if s.Rank != i+1 || s.Lemma != "bank" || s.POS != Noun {
			t.Errorf("sense %d = %+v", i, s)
		}
		if i > 0 && s.Count > all[i-1].Count && all[i-1].Count > 0 {
			t.Errorf("sense %d tagged %d times, more than sense %d (%d)", i+1, s.Count, i, all[i-1].Count)
		}
	}
	if got := d.Senses("bank", Noun, FirstSenses(2)); len(got) != 2 {
		t.Errorf("FirstSenses(2) gave %d senses", len(got))
	}
}

func TestHypernyms(t *testing.T) {
	d := db(t)
	tests := []struct {
		word  string
		pos   POS
		depth int
		want  []string
	}{
		{"ship", Noun, 1, []string{"vessel"}},
		{"Baltimore", Noun, 1, []string{"city", "port"}}, // instance hypernyms
		{"mile", Noun, 1, []string{"linear unit"}},
		{"mile", Noun, 2, []string{"linear unit", "unit of measurement"}},
		{"walked", Verb, 1, []string{"travel"}},
	}
	for _, tc := range tests {
		got := d.Hypernyms(tc.word, tc.pos, tc.depth)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("Hypernyms(%q, %v, %d) = %q, missing %q", tc.word, tc.pos, tc.depth, got, w)
			}
		}
	}
	if got := d.Hypernyms("mile", Noun, 1); slices.Contains(got, "unit of measurement") {
		t.Errorf("depth 1 reached two steps up: %q", got)
	}
	if got := d.Hypernyms("entity", Noun, 3); len(got) != 0 {
		t.Errorf("entity has hypernyms %q", got)
	}
}

func TestIsA(t *testing.T) {
	d := db(t)
	tests := []struct {
		word     string
		pos      POS
		ancestor string
		opts     []Option
		want     bool
	}{
		{"captain", Noun, "person", nil, true},
		{"captains", Noun, "person", nil, true},
		{"Baltimore", Noun, "city", nil, true},
		{"week", Noun, "time period", nil, true},
		{"mile", Noun, "unit of measurement", nil, true},
		{"mile", Noun, "linear unit", nil, true},
		{"ship", Noun, "vessel", nil, true},
		{"earthquake", Noun, "natural phenomenon", nil, true},
		{"run", Verb, "travel", nil, true},
		{"mile", Noun, "person", nil, false},
		{"person", Noun, "captain", nil, false}, // not downwards
		{"dog", Noun, "dog", nil, false},        // not itself
		{"dog", Noun, "qwzx", nil, false},
		// "bank" is a financial institution only in its second sense.
		{"bank", Noun, "financial institution", nil, true},
		{"bank", Noun, "financial institution", []Option{FirstSenses(1)}, false},
		{"bank", Noun, "financial institution", []Option{FirstSenses(2)}, true},
	}
	for _, tc := range tests {
		if got := d.IsA(tc.word, tc.pos, tc.ancestor, tc.opts...); got != tc.want {
			t.Errorf("IsA(%q, %v, %q) = %v, want %v", tc.word, tc.pos, tc.ancestor, got, tc.want)
		}
	}
}

func TestRelated(t *testing.T) {
	d := db(t)
	type want struct {
		to   string
		pos  POS
		kind Kind
	}
	tests := []struct {
		word string
		pos  POS
		want []want
	}{
		{"testify", Verb, []want{{"testimony", Noun, Derived}}},
		{"collapse", Verb, []want{{"collapse", Noun, Derived}}},
		{"die", Verb, []want{{"death", Noun, Derived}}},
		{"kill", Verb, []want{{"die", Verb, Cause}}},
		{"snore", Verb, []want{{"sleep", Verb, Entails}}},
		{"deep", Adjective, []want{{"depth", Noun, Attribute}, {"shallow", Adjective, Antonym}}},
		{"long", Adjective, []want{{"length", Noun, Attribute}, {"short", Adjective, Antonym}}},
		{"nuclear", Adjective, []want{{"nucleus", Noun, Pertainym}}},
		{"damp", Adjective, []want{{"wet", Adjective, Similar}}},
		{"rise", Verb, []want{{"fall", Verb, Antonym}}},
		{"crew", Noun, []want{{"crewman", Noun, Meronym}}},
	}
	for _, tc := range tests {
		got := d.Related(tc.word, tc.pos)
		for _, w := range tc.want {
			found := false
			for _, r := range got {
				found = found || (r.To == w.to && r.ToPOS == w.pos && r.Kind == w.kind)
			}
			if !found {
				t.Errorf("Related(%q, %v) lacks %s %s/%v; got %v", tc.word, tc.pos, w.kind, w.to, w.pos, got)
			}
		}
		for _, r := range got {
			if r.Kind == Hypernym || r.Kind == Hyponym || r.Kind == Synonym {
				t.Errorf("Related(%q) holds taxonomy or synonym %v", tc.word, r)
			}
		}
	}
}

func TestRelate(t *testing.T) {
	d := db(t)
	tests := []struct {
		a, b      string
		kind      Kind
		minWeight float64
		maxWeight float64
	}{
		{"floor", "storey", Synonym, 0.7, 0.9},
		{"storeys", "floors", Synonym, 0.7, 0.9},
		{"kids", "children", Synonym, 0.9, 0.9},
		{"quake", "earthquake", Synonym, 0.9, 0.9},
		{"bridge", "span", Synonym, 0.4, 0.9},
		{"ship", "vessel", Hypernym, 0.5, 0.7},
		{"vessel", "ship", Hyponym, 0.5, 0.7},
		{"mile", "unit of measurement", Hypernym, 0.3, 0.5},
		{"killed", "died", Cause, 0.5, 0.5},
		{"died", "killed", CausedBy, 0.5, 0.5},
		{"deep", "depth", Attribute, 0.6, 0.6},
		{"long", "length", Attribute, 0.4, 0.6},
		{"testify", "testimony", Derived, 0.8, 0.8},
		{"testified", "testimony", Derived, 0.8, 0.8},
		{"die", "death", Derived, 0.8, 0.8},
		{"lose", "loss", Derived, 0.3, 0.8},
		{"collapsed", "collapse", Identical, 1, 1},
		{"kid", "kids", Identical, 1, 1},
		{"Dog", "dog", Identical, 1, 1},
		{"snoring", "sleep", Entails, 0.5, 0.5},
		{"nuclear", "nucleus", Pertainym, 0.4, 0.6}, // nuclear#3
		{"crew", "crewman", Meronym, 0.3, 0.4},
		{"rise", "fall", Antonym, 0, 0},
		{"hot", "cold", Antonym, 0, 0},
		{"increase", "decrease", Antonym, 0, 0},
		{"damp", "dry", Antonym, 0, 0}, // through "wet"
		// Rare senses relate, but weakly.
		{"train", "rail", Derived, 0, 0.45},
		{"state", "country", Synonym, 0, 0.6},
	}
	for _, tc := range tests {
		r, ok := d.Relate(tc.a, tc.b)
		if !ok || r.Kind != tc.kind || r.Weight() < tc.minWeight-1e-9 || r.Weight() > tc.maxWeight+1e-9 {
			t.Errorf("Relate(%q, %q) = %v, %v; want %s with weight in [%.2f, %.2f]", tc.a, tc.b, r, ok, tc.kind, tc.minWeight, tc.maxWeight)
		}
	}
	for _, p := range [][2]string{{"dog", "mile"}, {"qwzx", "dog"}, {"", "dog"}, {"sailor", "banana"}} {
		if r, ok := d.Relate(p[0], p[1]); ok {
			t.Errorf("Relate(%q, %q) = %v, want no relation", p[0], p[1], r)
		}
	}
}

func TestWeight(t *testing.T) {
	tests := []struct {
		r    Relation
		want float64
	}{
		{Relation{Kind: Identical}, 1},
		{Relation{Kind: Synonym, FromSense: 1, ToSense: 1, Depth: 1}, 0.9},
		{Relation{Kind: Synonym, FromSense: 2, ToSense: 1, Depth: 1}, 0.75},
		{Relation{Kind: Hypernym, FromSense: 1, ToSense: 1, Depth: 2}, 0.49},
		{Relation{Kind: Antonym, FromSense: 1, ToSense: 1, Depth: 1}, 0},
		{Relation{}, 0},
		{Relation{Kind: Kind(200)}, 0},
	}
	for _, tc := range tests {
		if got := tc.r.Weight(); got < tc.want-1e-9 || got > tc.want+1e-9 {
			t.Errorf("%v.Weight() = %v, want %v", tc.r, got, tc.want)
		}
	}
	for k := None; k < numKinds; k++ {
		if k.String() == "" || kindNames[k] == "" {
			t.Errorf("kind %d has no name", k)
		}
	}
}
