package lang

import (
	"math"
	"strings"
	"testing"
	"time"
)

func newLang(t testing.TB) *Lang {
	t.Helper()
	l, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLexicons(t *testing.T) {
	for _, name := range LexiconNames() {
		ents, err := Lexicon(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(ents) == 0 {
			t.Errorf("%s: empty lexicon", name)
		}
		seen := map[string]Entry{}
		for _, e := range ents {
			if e.Reason == "" {
				t.Errorf("%s line %d: %q has no reason", name, e.Line, e.Key)
			}
			if p, ok := seen[e.Key]; ok {
				if len(p.Fields) > 0 && len(e.Fields) > 0 && p.Fields[0] != e.Fields[0] {
					t.Errorf("%s: %q contradicts itself (lines %d and %d)", name, e.Key, p.Line, e.Line)
				} else {
					t.Errorf("%s: %q repeated (lines %d and %d)", name, e.Key, p.Line, e.Line)
				}
			}
			seen[e.Key] = e
		}
	}
	if _, err := New(); err != nil {
		t.Fatal(err)
	}
}

func TestLexiconRejectsEntriesWithoutReason(t *testing.T) {
	if _, err := ParseLexicon("x", "# comment\nword\n"); err == nil {
		t.Fatal("an entry without a reason was accepted")
	}
	ents, err := ParseLexicon("x", "#: a reason\nTwo  Words\tf\n")
	if err != nil || len(ents) != 1 || ents[0].Key != "two words" || ents[0].Fields[0] != "f" {
		t.Fatalf("got %+v, %v", ents, err)
	}
}

func TestLexiconsAreReachable(t *testing.T) {
	l := newLang(t)
	// Every stop word is a function word, never a content word.
	for w := range l.stop {
		if l.Content(Token{Text: w, Lower: w}) {
			t.Errorf("stop word %q counts as content", w)
		}
	}
	// Every unit and hedge is read after or before a figure.
	for u := range l.units {
		qs := l.Quantities(l.Tokens("It was 12 "+u+" in all."), nil)
		if len(qs) != 1 || qs[0].Dim != l.units[u].dim {
			t.Errorf("unit %q: got %+v", u, qs)
		}
	}
	for w := range l.complete {
		if qs := l.Shares(l.Tokens("The work was nearly " + w + ".")); len(qs) != 1 || qs[0].Dim != "percent" || qs[0].Hi != 100 || qs[0].Lo >= 100 {
			t.Errorf("completion word %q: got %+v", w, qs)
		}
	}
	for h := range l.hedges {
		qs := l.Quantities(l.Tokens("They counted "+h+" 40 boats."), nil)
		if len(qs) != 1 || qs[0].Hedge != l.hedges[h] {
			t.Errorf("hedge %q: got %+v", h, qs)
		}
	}
}

func TestQuantities(t *testing.T) {
	l := newLang(t)
	inf := math.Inf(1)
	for _, tc := range []struct {
		text   string
		lo, hi float64
		dim    string
		head   string
	}{
		{"The 948-foot cargo ship left port.", 288.9, 289, "length", "ship"},
		{"It carried 21 crew members.", 21, 21, "", "members"},
		{"The 22-member crew stayed aboard.", 22, 22, "", "member"},
		{"Some 46,000 scheduled flights were cancelled.", 41400, 50600, "", "flights"},
		{"Losses reached $1.94 billion.", 1.935e9, 1.945e9, "money:USD", ""},
		{"It will cost between $1.7 billion and $1.9 billion.", 1.7e9, 1.9e9, "money:USD", ""},
		{"It may cost $1.7 to $1.9 billion.", 1.7e9, 1.9e9, "money:USD", ""},
		{"About 8.5m computers crashed.", 7.6e6, 9.4e6, "", "computers"},
		{"At least 800k people fled.", 800000, inf, "", "people"},
		{"The tower was 30% complete.", 30, 30, "percent", ""},
		{"It was 30 per cent of the budget.", 30, 30, "percent", "budget"},
		{"He was a 39-year-old carpenter.", 39, 39, "age", "carpenter"},
		{"She was three or four blocks away.", 3, 4, "", "blocks"},
		{"The span is 1.6 miles long.", 2574.9, 2575, "length", ""},
		{"The quake struck at a depth of 10km.", 10000, 10000, "length", ""},
		{"Nearly twenty-one people were hurt.", 16.8, 21, "", "people"},
		{"More than 2,000 homes burned.", 2000, inf, "", "homes"},
		{"Up to 15 reboots may be needed.", 0, 15, "", "reboots"},
		{"The fund holds 50 lakh rupees.", 5e6, 5e6, "money:INR", ""},
		{"Some 38,000 litres of fuel spilled.", 34.2, 41.8, "volume", "fuel"},
		{"They shipped 70 tons of rice.", 63503, 63503.1, "mass", "rice"},
	} {
		qs := l.Quantities(l.Tokens(tc.text), nil)
		if len(qs) != 1 {
			t.Errorf("%q: %d quantities: %+v", tc.text, len(qs), qs)
			continue
		}
		q := qs[0]
		if !near(q.Lo, tc.lo) || !near(q.Hi, tc.hi) || q.Dim != tc.dim || q.HeadWord != tc.head {
			t.Errorf("%q: got [%v, %v] %q head %q, want [%v, %v] %q head %q", tc.text, q.Lo, q.Hi, q.Dim, q.HeadWord, tc.lo, tc.hi, tc.dim, tc.head)
		}
	}
}

func TestNotQuantities(t *testing.T) {
	l := newLang(t)
	for _, text := range []string{
		"Breaker HR1 tripped.",
		"It opened in 2024.",
		"It was the 19th attempt.",
		"A man spoke.",
	} {
		if qs := l.Quantities(l.Tokens(text), nil); len(qs) != 0 {
			t.Errorf("%q: got %+v", text, qs)
		}
	}
}

func TestDates(t *testing.T) {
	l := newLang(t)
	pub := time.Date(2024, 3, 28, 9, 0, 0, 0, time.UTC) // a Thursday
	for _, tc := range []struct {
		text string
		want string
	}{
		{"The ship was refloated on May 20.", "2024-05-20"},
		{"It happened on 19th of July 2023.", "2023-07-19"},
		{"The bridge fell on Tuesday.", "2024-03-26"},
		{"She spoke on Thursday, March 28.", "2024-03-28"},
		{"He left yesterday.", "2024-03-27"},
		{"Filed on 2024-10-25 in court.", "2024-10-25"},
		{"how many had left as of tuesday april 2?", "2024-04-02"},
		{"what happened on march 28?", "2024-03-28"},
	} {
		ds := l.Dates(l.Tokens(tc.text))
		if len(ds) != 1 {
			t.Errorf("%q: %+v", tc.text, ds)
			continue
		}
		got, ok := ds[0].Resolve(pub)
		if !ok || got.Format("2006-01-02") != tc.want {
			t.Errorf("%q: got %v %v, want %s", tc.text, got, ok, tc.want)
		}
	}
	if ds := l.Dates(l.Tokens("The mill opened on 2 July 1829.")); len(ds) != 1 || ds[0].Year != 1829 {
		t.Errorf("a date long ago: %+v", ds)
	}
	for _, text := range []string{"You may go.", "They march on.", "We sat down in the sun."} {
		if ds := l.Dates(l.Tokens(text)); len(ds) != 0 {
			t.Errorf("%q: a common word read as a date: %+v", text, ds)
		}
	}
}

func TestDatesSame(t *testing.T) {
	l := newLang(t)
	date := func(s string) Date { return l.Dates(l.Tokens(s))[0] }
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"on Tuesday, April 1", "said on Tuesday", true},
		{"on Tuesday, April 1", "in Friday's storm", false},
		{"on April 1", "on April 2", false},
		{"on April 1", "on Friday", true}, // without a publication date, nothing tells them apart
	} {
		if got := date(tc.a).Same(date(tc.b), time.Time{}, time.Time{}); got != tc.same {
			t.Errorf("%q vs %q: same=%v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}

func TestKindOfAgent(t *testing.T) {
	l := newLang(t)
	for word, want := range map[string]string{"footballer": "football", "cricketer": "cricket", "golfer": "golf", "teacher": "", "football": ""} {
		got, ok := l.KindOfAgent(word, "sport")
		if got != want || ok != (want != "") {
			t.Errorf("KindOfAgent(%q, sport) = %q, %v; want %q", word, got, ok, want)
		}
	}
}

func TestBareYears(t *testing.T) {
	l := newLang(t)
	for _, tc := range []struct {
		text string
		want int // the year read as a year, 0 for none
	}{
		{"The mill was founded in 1856 by weavers.", 1856},
		{"It has stood there since 1921.", 1921},
		{"It was built 1861–1862 on the quay.", 1861},
		{"The 2010 census counted the town.", 2010},
		{"The population was 1850 at the last count.", 0},
		{"The crowd grew to 1200 by noon.", 0},
	} {
		ys := l.BareYears(l.Tokens(tc.text), nil)
		switch {
		case tc.want == 0 && len(ys) != 0:
			t.Errorf("%q: read a year %+v", tc.text, ys)
		case tc.want != 0 && (len(ys) != 1 || ys[0].Year != tc.want):
			t.Errorf("%q: %+v, want %d", tc.text, ys, tc.want)
		}
	}
}

func TestYears(t *testing.T) {
	l := newLang(t)
	for _, tc := range []struct {
		text        string
		first, last int // 0 when no year is read
	}{
		{"The mill was founded in 1856 by weavers.", 1856, 1856},
		{"It was built between 1861–1862 on the quay.", 1861, 1862},
		{"The wing (1885-92) was added later.", 1885, 1892},
		{"The 2010 census counted the town.", 2010, 2010},
		{"Some 2000 people marched.", 0, 0},
		{"The fine was $1500.", 0, 0},
		{"It weighs 1200 kg.", 0, 0},
		{"Room 12 is closed.", 0, 0},
	} {
		ys := l.Years(l.Tokens(tc.text), nil)
		if tc.first == 0 {
			if len(ys) != 0 {
				t.Errorf("%q: read a year %+v", tc.text, ys)
			}
			continue
		}
		if len(ys) != 1 {
			t.Errorf("%q: %+v", tc.text, ys)
			continue
		}
		lo, hi, ok := ys[0].Span(time.Time{})
		if !ok || lo.Year() != tc.first || hi.Year() != tc.last || lo.YearDay() != 1 || hi.Month() != 12 || hi.Day() != 31 {
			t.Errorf("%q: span %v – %v %v, want %d – %d", tc.text, lo, hi, ok, tc.first, tc.last)
		}
	}
}

func TestClocks(t *testing.T) {
	l := newLang(t)
	for _, tc := range []struct {
		text string
		min  int
		utc  int
	}{
		{"It hit at 12:50 pm (06:20 GMT).", 12*60 + 50, -1},
		{"It fell at 1:28 a.m. local time.", 88, -1},
		{"The roof fell at 1.20pm.", 13*60 + 20, -1},
		{"The alert came at 06:20 GMT.", 380, 380},
	} {
		cs := l.Clocks(l.Tokens(tc.text))
		if len(cs) == 0 || cs[0].Minutes != tc.min {
			t.Errorf("%q: %+v", tc.text, cs)
			continue
		}
		if u, ok := cs[0].UTC(); tc.utc >= 0 && (!ok || u != tc.utc) {
			t.Errorf("%q: utc %d %v", tc.text, u, ok)
		}
	}
	if cs := l.Clocks(l.Tokens("It rose 1.20 points.")); len(cs) != 0 {
		t.Errorf("a decimal read as a time: %+v", cs)
	}
}

func TestDirection(t *testing.T) {
	l := newLang(t)
	for w, b := range map[string]float64{"north-west": 315, "south-southeast": 157.5, "NW": 315, "east": 90} {
		if got, ok := l.Direction(w); !ok || got != b {
			t.Errorf("%s: %v %v", w, got, ok)
		}
	}
	if _, ok := l.Direction("w"); ok {
		t.Error("lower-case letter read as a direction")
	}
}

func FuzzQuantities(f *testing.F) {
	l := newLang(f)
	for _, s := range []string{"$1.7 to $1.9 billion", "three or four", "1,2,3", "-5-", "12:99 pm", "May 40", "a a a million"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks := l.Tokens(s)
		for _, q := range l.Quantities(toks, nil) {
			if q.Start < 0 || q.End > len(toks) || q.Start >= q.End || q.Lo > q.Hi {
				t.Fatalf("%q: bad quantity %+v", s, q)
			}
		}
		for _, d := range l.Dates(toks) {
			if d.Start < 0 || d.End > len(toks) || d.Start >= d.End {
				t.Fatalf("%q: bad date %+v", s, d)
			}
		}
		l.Clocks(toks)
	})
}

// near compares interval ends within 1% (rounding and hedges are not exact).
func near(a, b float64) bool {
	if math.IsInf(a, 1) || math.IsInf(b, 1) {
		return math.IsInf(a, 1) && math.IsInf(b, 1)
	}
	return math.Abs(a-b) <= 0.01*math.Max(1, math.Abs(b))
}

func TestLastWordFullStop(t *testing.T) {
	l := newLang(t)
	for _, text := range []string{"The road runs north of Broken Bow.", "It stands in the U.S."} {
		toks := l.Tokens(text)
		last := toks[len(toks)-1].Text
		if strings.HasSuffix(text, "U.S.") {
			if last != "U.S." {
				t.Errorf("%q: an abbreviation lost its stops: %q", text, last)
			}
			continue
		}
		if last != "." || toks[len(toks)-2].Text != "Bow" {
			t.Errorf("%q: last tokens %q %q", text, toks[len(toks)-2].Text, last)
		}
	}
}

func TestIsKind(t *testing.T) {
	l := newLang(t)
	for _, tc := range []struct {
		word, kind string
		want       bool
	}{
		{"hockey", "sport", true},
		{"ice hockey", "sport", true},
		{"cricket", "sport", true}, // a rarer sense than the insect
		{"Peru", "country", true},
		{"sport", "sport", false},
		{"hockey", "country", false},
	} {
		if got := l.IsKind(tc.word, tc.kind); got != tc.want {
			t.Errorf("IsKind(%q, %q) = %v", tc.word, tc.kind, got)
		}
	}
	if l.IsKindFirst("sport", "person") || !l.IsKindFirst("welder", "person") {
		t.Error("IsKindFirst follows the most frequent sense")
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b      string
		max, want int
	}{
		{"kitten", "sitting", -1, 3},
		{"kitten", "sitting", 1, 2},
		{"dmitry", "dmytro", 2, 2},
		{"", "abc", -1, 3},
		{"same", "same", 0, 0},
	} {
		if got := EditDistance(tc.a, tc.b, tc.max); got != tc.want {
			t.Errorf("EditDistance(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.max, got, tc.want)
		}
	}
}

func TestSpanOfAMonthWithoutAYear(t *testing.T) {
	l := newLang(t)
	pub := time.Date(2031, 2, 10, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		text   string
		lo, hi string
	}{
		{"The suit was brought in late November, the firm said.", "2030-11-01", "2030-11-30"},
		{"Talks resumed in January, officials said.", "2031-01-01", "2031-01-31"},
	} {
		ds := l.Dates(l.Tokens(tc.text))
		if len(ds) != 1 {
			t.Fatalf("%q: dates %+v", tc.text, ds)
		}
		lo, hi, ok := ds[0].Span(pub)
		if !ok || lo.Format("2006-01-02") != tc.lo || hi.Format("2006-01-02") != tc.hi {
			t.Errorf("%q: span %v %v %v, want %s to %s", tc.text, lo, hi, ok, tc.lo, tc.hi)
		}
		if _, _, ok := ds[0].Span(time.Time{}); ok {
			t.Errorf("%q: a month without a year was placed without a publication date", tc.text)
		}
	}
}
