package claims

import (
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/bot/lang"
)

func TestFigureDisputes(t *testing.T) {
	l, err := lang.New()
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2030, 5, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		articles map[string][]string
		dates    map[string]time.Time
		want     int
	}{
		{"incompatible counts of one noun and verb", map[string][]string{
			"a": {"Twelve miners died in the collapse on Tuesday."},
			"b": {"Officials said 30 miners died in the collapse."},
		}, nil, 1},
		{"hedged figures that overlap agree", map[string][]string{
			"a": {"More than 40 miners died in the collapse."},
			"b": {"Officials said at least 43 miners died in the collapse."},
		}, nil, 0},
		{"different nouns are different facts", map[string][]string{
			"a": {"At least 12 miners died in the collapse."},
			"b": {"Rescuers pulled 30 trucks from the site."},
		}, nil, 0},
		{"a later, higher count is an update", map[string][]string{
			"a": {"Twelve miners died in the collapse, officials said."},
			"b": {"The number rose as 30 miners died in the collapse, officials said."},
		}, map[string]time.Time{"a": day, "b": day.AddDate(0, 0, 2)}, 0},
		{"one noun and verb about different events", map[string][]string{
			"a": {"Twelve people died when the river flooded the valley."},
			"b": {"Thirty people died after a blaze gutted a depot."},
		}, nil, 0},
		{"one article with two figures is no dispute", map[string][]string{
			"a": {"Twelve miners died in the collapse.", "Later, 30 miners died in the collapse."},
		}, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := NewFigures(l)
			for _, id := range []string{"a", "b"} {
				if s, ok := tc.articles[id]; ok {
					f.Add(id, tc.dates[id], s)
				}
			}
			got := f.Disputes()
			if len(got) != tc.want {
				t.Errorf("got %d disputes, want %d: %+v", len(got), tc.want, got)
			}
		})
	}
}

func TestFigureKeys(t *testing.T) {
	l, err := lang.New()
	if err != nil {
		t.Fatal(err)
	}
	f := NewFigures(l)
	tests := []struct {
		sentence   string
		noun, verb string
	}{
		{"Twelve miners died in the collapse.", l.Stem("miners"), l.Stem("die")},
		{"The silo held 3,000 tonnes of wheat.", l.Stem("wheat"), l.Stem("hold")},
		{"Turnout reached 48 percent.", l.Stem("turnout"), l.Stem("reach")},
	}
	for _, tc := range tests {
		figs := f.Read(tc.sentence, time.Time{})
		if len(figs) == 0 {
			t.Errorf("%q: no figure", tc.sentence)
			continue
		}
		if figs[0].Noun != tc.noun || figs[0].Verb != tc.verb {
			t.Errorf("%q: noun %q verb %q, want %q %q", tc.sentence, figs[0].Noun, figs[0].Verb, tc.noun, tc.verb)
		}
	}
	if figs := f.Read("The plan was agreed on Monday in the capital.", time.Time{}); len(figs) != 0 {
		t.Errorf("read figures from a sentence without one: %+v", figs)
	}
}

func FuzzFiguresRead(f *testing.F) {
	l, err := lang.New()
	if err != nil {
		f.Fatal(err)
	}
	figs := NewFigures(l)
	for _, s := range []string{"About 38,000 litres leaked.", "In 2010, 3,100 people lived there.", "Some 30 (or 40) boats, 7.5 km", "’s 5 of"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, x := range figs.Read(s, time.Time{}) {
			if x.Key == "" || x.Value.Lo > x.Value.Hi {
				t.Fatalf("bad figure %+v from %q", x, s)
			}
			if !strings.Contains(s, x.Claim) {
				t.Fatalf("claim %q is not part of %q", x.Claim, s)
			}
		}
	})
}

func TestMayHoldFigure(t *testing.T) {
	l, err := lang.New()
	if err != nil {
		t.Fatal(err)
	}
	f := NewFigures(l)
	tests := []struct {
		s    string
		want bool
	}{
		{"The bridge opened in 1977.", false},
		{"The bridge opened in 1977 and carried 31,000 vehicles a day.", true},
		{"Twelve people were hurt.", true},
		{"The A320 landed.", true},
		{"Nobody was hurt.", false},
		{"It rose 3.5 percent.", true},
	}
	for _, tc := range tests {
		if got := f.mayHoldFigure(tc.s); got != tc.want {
			t.Errorf("mayHoldFigure(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}
