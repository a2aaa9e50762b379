package retrieval

import (
	"github.com/storybot/storybot/bot"
	"io/fs"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/storybot/storybot/retrieval/sample"
)

// wholeTerms analyses text with bleve's English analyzer in one go, the
// reference the memoising analyzer must match.
func wholeTerms(t testing.TB, text string) []string {
	a, err := newAnalyzer(newTermDict())
	if err != nil {
		t.Fatal(err)
	}
	return a.bleveTerms(text, nil)
}

func TestAnalyzerMatchesBleve(t *testing.T) {
	texts := []string{
		"",
		"   ",
		"The U.S. Army's 3.5-mile convoy, worth $1,000,000, left at 10:30 a.m. on Nov. 3rd.",
		"Kyiv’s officials said “no” — twice; the ministers' talks (in São Paulo) failed.",
		"e.g. foo_bar __init__ a.b.c 1,2,3 x'y 'quoted' don't  CAN'T   O'Neill's",
		"Tab\tseparated\nnew line\r\nwindows line\vvertical\fform feed",
		"combining \u0301accent after a space and a zero\u200dwidth \u200djoiner",
		"Ферри harbour 港口 東京都 ١٢٣ émigré naïve façade",
		"emoji 👍🏽 family 👨\u200d👩\u200d👧 flags 🇺🇸🇬🇧",
		"word.\u00a0Next word\u2009thin space\u3000ideographic space",
		"running runs ran easily fairly happiness the and of is",
	}
	err := fs.WalkDir(sample.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(sample.FS(), p)
		texts = append(texts, string(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := newAnalyzer(newTermDict())
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range texts {
		// Twice: the second pass comes from the memo.
		for range 2 {
			if got, want := a.terms(text), wholeTerms(t, text); !slices.Equal(got, want) {
				t.Errorf("terms(%.60q)\n got %q\nwant %q", text, got, want)
			}
		}
	}
}

func FuzzAnalyzer(f *testing.F) {
	for _, s := range []string{"The U.S. Army's 3.5-mile convoy", "a \u0301b", "x'y z:w 1,2 ;", "Kyiv’s “no” —", "a_b _ __", "\t\n"} {
		f.Add(s)
	}
	a, err := newAnalyzer(newTermDict())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := a.terms(text), wholeTerms(t, text); !slices.Equal(got, want) {
			t.Errorf("terms(%q)\n got %q\nwant %q", text, got, want)
		}
	})
}

// TestPieceCache checks the cache against a map, across growth, with
// pieces of every length and zero, one or many terms.
func TestPieceCache(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	c := newPieceCache(4)
	want := map[string][]uint32{}
	var out []uint32
	for i := range 20000 {
		b := make([]byte, 1+r.IntN(30))
		for k := range b {
			b[k] = byte('a' + r.IntN(3)) // few letters: many near-identical keys
		}
		piece := string(b)
		ids := make([]uint32, r.IntN(4)*r.IntN(2))
		for k := range ids {
			ids[k] = r.Uint32()
		}
		if i%97 == 0 {
			ids = make([]uint32, 300) // more terms than a slot counts
		}
		got, ok := c.get(piece, out[:0])
		w, had := want[piece]
		if ok != had || (ok && !slices.Equal(got, w)) {
			t.Fatalf("get(%q) = %v, %v; want %v, %v", piece, got, ok, w, had)
		}
		if !had {
			c.put(piece, ids)
			want[piece] = ids
		}
	}
	if c.len() != len(want) {
		t.Errorf("len = %d, want %d", c.len(), len(want))
	}
	for piece, w := range want {
		if got, ok := c.get(piece, []uint32{7}); !ok || !slices.Equal(got, append([]uint32{7}, w...)) {
			t.Fatalf("get(%q) = %v, %v; want 7 then %v", piece, got, ok, w)
		}
	}
}

// TestPassageTermsMatchJoinedText: a passage analysed sentence by sentence
// gives the terms of its text, the sentences joined by spaces, also when a
// sentence starts with a character that joins the space before it or holds
// broken UTF-8 (then the whole text is analysed).
func TestPassageTermsMatchJoinedText(t *testing.T) {
	tests := [][]string{
		{"The convoy left at dawn.", "It reached the border by noon."},
		{"One."},
		{"Plain first.", "\u0301accent opens the second.", "Third."},
		{"\u0301accent opens the first.", "Second."},
		{"Zero\u200dwidth inside.", "\u200djoiner opens this one."},
		{"Broken \xff byte.", "Next."},
		{"Naïve café owners’ “quotes”.", "Ünïcödé 東京都 ١٢٣."},
	}
	a, err := newAnalyzer(newTermDict())
	if err != nil {
		t.Fatal(err)
	}
	for _, sents := range tests {
		p := bot.Passage{Sentences: sents}
		got := a.passages([]bot.Passage{p})[0]
		ids := a.termIDs(p.Text(), nil)
		if want := a.count(ids); !slices.Equal(got.terms, want) || got.length != len(ids) {
			t.Errorf("%q: terms %v (length %d), want %v (%d)", sents, got.terms, got.length, want, len(ids))
		}
	}
}
