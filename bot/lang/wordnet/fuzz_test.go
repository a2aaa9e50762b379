package wordnet

import (
	"strings"
	"testing"
	"time"
)

// FuzzBaseRelate runs Base, Lemmas, Synonyms, Hypernyms, IsA, Related and
// Relate on arbitrary input: they must not panic and must stay fast.
func FuzzBaseRelate(f *testing.F) {
	for _, s := range [][2]string{
		{"testified", "testimony"}, {"children", "kids"}, {"geese", "goose"},
		{"attorneys general", "lawyer"}, {"looked up", "search"}, {"", " "},
		{"___", "a  b\tc"}, {"ies", "s"}, {"ing", "ed"}, {strings.Repeat("es", 150), "x"},
		{"\xff\xfe", "日本"}, {"rise", "fall"}, {"damp", "dry"},
	} {
		f.Add(s[0], s[1])
	}
	d := db(f)
	f.Fuzz(func(t *testing.T, a, b string) {
		start := time.Now()
		for p := Noun; p <= numPOS; p++ {
			for _, base := range d.Base(a, p) {
				if !d.Has(base, p) {
					t.Fatalf("Base(%q, %v) gave %q, not a lemma", a, p, base)
				}
			}
			d.Synonyms(a, p, FirstSenses(2))
			d.Hypernyms(a, p, 3)
			d.IsA(a, p, b)
			d.Related(a, p)
		}
		d.Lemmas(b)
		r, ok := d.Relate(a, b)
		if w := r.Weight(); w < 0 || w > 1 || (!ok && r.Kind != None) {
			t.Fatalf("Relate(%q, %q) = %v, %v", a, b, r, ok)
		}
		if el := time.Since(start); el > 2*time.Second {
			t.Fatalf("queries on %q, %q took %v", a, b, el)
		}
	})
}
