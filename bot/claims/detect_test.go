package claims

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// arts builds sentences from "article|sentence" lines.
func arts(lines ...string) []Sentence {
	var out []Sentence
	for _, l := range lines {
		id, s, _ := strings.Cut(l, "|")
		out = append(out, Sentence{ArticleID: id, Text: s})
	}
	return out
}

func kindsOf(ds []Dispute) []string {
	var out []string
	for _, d := range ds {
		out = append(out, string(d.Kind))
	}
	sort.Strings(out)
	return out
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name  string
		sents []Sentence
		want  []Kind // kinds of the disputes expected, none for a trap
		sides [][]string
	}{
		{"numeric: some 30 vs more than 40 deaths", arts(
			"a|Some 30 people died when the river burst its banks in Millbrook on Tuesday.",
			"b|More than 40 people died when the river burst its banks in Millbrook.",
		), []Kind{KindNumber}, [][]string{{"a"}, {"b"}}},
		{"numeric: short sentences", arts(
			"a|Turnout was 62%.",
			"b|Turnout reached 48 percent.",
		), []Kind{KindNumber}, [][]string{{"a"}, {"b"}}},
		{"trap: short sentences about different things", arts(
			"a|Inflation was 3%.",
			"b|Unemployment was 5%.",
		), nil, nil},
		{"trap: hedged ranges that overlap", arts(
			"a|At least 43 people were killed when the river burst its banks in Millbrook.",
			"b|More than 40 people were killed when the river burst its banks in Millbrook.",
		), nil, nil},
		{"trap: two parties' positions", arts(
			"a|The nurses' union wants a pay rise of 8 percent for hospital staff this year.",
			"b|The health ministry offered hospital staff a pay rise of 3 percent this year.",
		), nil, nil},
		{"trap: one article reports both figures", arts(
			"a|Officials first counted 30 people dead after the river burst its banks in Millbrook.",
			"a|Officials later counted 45 people dead after the river burst its banks in Millbrook.",
			"b|Officials counted 45 people dead after the river burst its banks in Millbrook.",
		), nil, nil},
		{"trap: a figure presented as an update", arts(
			"a|The number of people dead after the river burst its banks in Millbrook rose to 45.",
			"b|Thirty people were dead after the river burst its banks in Millbrook.",
		), nil, nil},
		{"trap: different quantities sharing a unit", arts(
			"a|The Millbrook silo held 3,000 tonnes of wheat before the river burst its banks.",
			"b|The Millbrook silo held 500 tonnes of fuel before the river burst its banks.",
		), nil, nil},
		{"trap: deaths and injuries", arts(
			"a|Twelve people were killed when the river burst its banks in Millbrook.",
			"b|Forty people were injured when the river burst its banks in Millbrook.",
		), nil, nil},
		{"trap: figures for different years", arts(
			"a|In 2010 the Millbrook census counted 3,100 people in the valley villages.",
			"b|In 2020 the Millbrook census counted 4,400 people in the valley villages.",
		), nil, nil},
		{"trap: figures about different named places", arts(
			"a|Doctors at St Mary's treated 40 patients after the storm hit the coast.",
			"b|Doctors at Westgate General treated 12 patients after the storm hit the coast.",
		), nil, nil},
		{"trap: figures for different days", arts(
			"a|On Monday, tests of the Lakemoor supply found bacteria in 12 samples.",
			"b|On Thursday, tests of the Lakemoor supply found bacteria in 3 samples.",
		), nil, nil},
		{"role: two holders named", arts(
			"a|Lakeside Mayor Ola Nordin opened the new bridge on Friday.",
			"b|Lakeside Mayor Ivo Sand opened the new bridge on Friday.",
		), []Kind{KindRole}, [][]string{{"a"}, {"b"}}},
		{"trap: one holder, spelled two ways", arts(
			"a|Lakeside Mayor Dmitri Volkov opened the bridge.",
			"b|Lakeside Mayor Dmitriy Volkoff opened the bridge.",
			"c|Volkov, the mayor of Lakeside, cut the ribbon.",
		), nil, nil},
		{"trap: a former holder", arts(
			"a|Lakeside Mayor Ola Nordin opened the bridge.",
			"b|Former Lakeside Mayor Ivo Sand attended.",
		), nil, nil},
		{"trap: a role that changed hands", arts(
			"a|Head coach Paulo Mendes was sacked by Rivermouth on Sunday.",
			"b|Head coach Ian Cole led training on Friday.",
			"c|Head coach Paulo Mendes praised the fans.",
		), nil, nil},
		{"trap: a holder in a past context", arts(
			"a|Lakeside Mayor Ola Nordin opened the bridge.",
			"b|The bridge was planned under Lakeside Mayor Ivo Sand.",
		), nil, nil},
		{"trap: roles of different organisations", arts(
			"a|Lakeside Mayor Ola Nordin opened the bridge.",
			"b|Hillford Mayor Ivo Sand opened a bridge too.",
		), nil, nil},
		{"role: a local role with and without its place", arts(
			"a|Calder Fire Chief Imogen Ruiz praised the crews.",
			"b|Fire Chief Tomas Brandt praised the crews.",
		), []Kind{KindRole}, [][]string{{"a"}, {"b"}}},
		{"trap: unqualified national roles", arts(
			"a|President Ana Lima met the envoys.",
			"b|President Omar Diaz met the envoys.",
		), nil, nil},
		{"status: done vs expected", arts(
			"a|Health Minister Ana Lima has resigned.",
			"b|Health Minister Ana Lima is expected to resign.",
		), []Kind{KindStatus}, [][]string{{"a"}, {"b"}}},
		{"trap: done and expected for different people", arts(
			"a|Health Minister Ana Lima has resigned.",
			"b|Finance Minister Omar Diaz is expected to resign.",
		), nil, nil},
		{"status: done vs conditional", arts(
			"a|The council has formally abandoned the Eastport tunnel project.",
			"b|The council may be willing to abandon the Eastport tunnel project if costs keep rising.",
			"c|The council is prepared to scrap the Eastport tunnel project.",
		), []Kind{KindStatus}, [][]string{{"a"}, {"b", "c"}}},
		{"trap: a demand is not a report of the event", arts(
			"a|The council has formally abandoned the Eastport tunnel project.",
			"b|Residents demanded that the council abandon the Eastport tunnel project.",
		), nil, nil},
		{"trap: different events of one kind", arts(
			"a|The council has formally abandoned the Eastport tunnel project.",
			"b|The council may abandon the Westfield stadium plan.",
		), nil, nil},
		{"polarity: asserted vs negated", arts(
			"a|The Millbrook dam was inspected by engineers last spring.",
			"b|The Millbrook dam was not inspected by engineers last spring.",
		), []Kind{KindPolarity}, [][]string{{"a"}, {"b"}}},
		{"trap: a statement and another party's denial", arts(
			"a|The water board said the Millbrook dam was inspected by engineers last spring.",
			"b|The engineers' union said the Millbrook dam was not inspected by engineers last spring.",
		), nil, nil},
		{"detail: vehicle", arts(
			"a|The two robbers fled the Millbrook bank on motorbikes, police said.",
			"b|The two robbers escaped from the Millbrook bank in a car, police said.",
		), []Kind{KindDetail}, [][]string{{"a"}, {"b"}}},
		{"trap: compatible fillers", arts(
			"a|The robber threatened staff at the Millbrook bank with a gun, police said.",
			"b|The robber threatened staff at the Millbrook bank with a pistol, police said.",
		), nil, nil},
		{"trap: one article names both fillers", arts(
			"a|The robbers arrived at the Millbrook bank in a car and fled the bank on motorbikes.",
			"b|The robbers fled the Millbrook bank on motorbikes.",
		), nil, nil},
		{"detail: medium of one speaker", arts(
			"a|Lakeside Mayor Ola Nordin told reporters in a group chat that the bridge would reopen.",
			"b|Nordin said at a press conference that the bridge would reopen.",
		), []Kind{KindDetail}, [][]string{{"a"}, {"b"}}},
		{"trap: different days for the settings", arts(
			"a|On Monday, Nordin told reporters in a group chat that the bridge would reopen.",
			"b|On Friday, Nordin said at a press conference that the bridge had reopened.",
		), nil, nil},
		{"trap: one article, both values", arts(
			"a|Lakeside Mayor Ola Nordin opened the bridge.",
			"a|Lakeside Mayor Ivo Sand opened the bridge.",
		), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Detect(testLang(t), tt.sents)
			var want []string
			for _, k := range tt.want {
				want = append(want, string(k))
			}
			if fmt.Sprint(kindsOf(got)) != fmt.Sprint(want) {
				t.Fatalf("kinds %v, want %v; disputes %s", kindsOf(got), want, show(got))
			}
			if tt.sides != nil {
				var sides []string
				for _, p := range got[0].Positions {
					sides = append(sides, strings.Join(p.Articles, ","))
				}
				var wantSides []string
				for _, s := range tt.sides {
					wantSides = append(wantSides, strings.Join(s, ","))
				}
				sort.Strings(sides)
				sort.Strings(wantSides)
				if fmt.Sprint(sides) != fmt.Sprint(wantSides) {
					t.Errorf("sides %v, want %v", sides, wantSides)
				}
			}
			checkDisputes(t, got)
		})
	}
}

func show(ds []Dispute) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "\n[%s] %s:", d.Kind, d.Topic)
		for _, p := range d.Positions {
			fmt.Fprintf(&b, " %q %v;", p.Claim, p.Articles)
		}
	}
	return b.String()
}

// checkDisputes asserts the invariants every dispute keeps.
func checkDisputes(t *testing.T, ds []Dispute) {
	t.Helper()
	for _, d := range ds {
		if len(d.Positions) < 2 {
			t.Errorf("dispute %q has %d positions", d.Topic, len(d.Positions))
		}
		seen := map[string]int{}
		arts := map[string]bool{}
		for i, p := range d.Positions {
			if p.Claim == "" || len(p.Articles) == 0 || len(p.Evidence) != len(p.Articles) {
				t.Errorf("dispute %q: bad position %+v", d.Topic, p)
			}
			for _, a := range p.Articles {
				if j, ok := seen[a]; ok && j != i {
					t.Errorf("dispute %q: article %s on two sides", d.Topic, a)
				}
				seen[a] = i
				arts[a] = true
			}
		}
		if len(arts) < 2 {
			t.Errorf("dispute %q rests on one article", d.Topic)
		}
	}
}

// planted is a dispute a corpus must show: its kind and one article of
// each side.
type planted struct {
	kind Kind
	a, b string
}

func hasDispute(ds []Dispute, p planted) bool {
	for _, d := range ds {
		if d.Kind != p.kind {
			continue
		}
		sa, sb := -1, -1
		for i, pos := range d.Positions {
			for _, id := range pos.Articles {
				if id == p.a {
					sa = i
				}
				if id == p.b {
					sb = i
				}
			}
		}
		if sa >= 0 && sb >= 0 && sa != sb {
			return true
		}
	}
	return false
}

func TestDetectCorpora(t *testing.T) {
	tests := []struct {
		dir     string
		planted []planted
		max     int
	}{
		{"../../retrieval/sample/seed-story", []planted{
			{KindStatus, "002_bd6c7c73cd97d84f", "001_ccb51c14b77c787b"},
			{KindStatus, "004_7c1e63f644720b9e", "003_d2e172f256ad25d0"},
			{KindRole, "000_594ce857ad291df7", "002_bd6c7c73cd97d84f"},
			{KindDetail, "000_594ce857ad291df7", "004_7c1e63f644720b9e"},
			{KindNumber, "003_d2e172f256ad25d0", "004_7c1e63f644720b9e"},
		}, 5},
		{"../../testdata/story2", []planted{
			{KindNumber, "s2-01-calder-courier", "s2-02-harbourline"},
			{KindNumber, "s2-03-northshore-daily", "s2-02-harbourline"},
			{KindRole, "s2-01-calder-courier", "s2-04-radio-calder"},
			{KindStatus, "s2-03-northshore-daily", "s2-05-estuary-post"},
			{KindDetail, "s2-02-harbourline", "s2-06-coastwire"},
			{KindPolarity, "s2-04-radio-calder", "s2-05-estuary-post"},
		}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			ds := Detect(testLang(t), loadDir(t, tt.dir))
			checkDisputes(t, ds)
			for _, p := range tt.planted {
				if !hasDispute(ds, p) {
					t.Errorf("planted %s dispute %s vs %s not found in %s", p.kind, p.a, p.b, show(ds))
				}
			}
			if len(ds) > tt.max {
				t.Errorf("%d disputes, want at most %d (traps flagged?): %s", len(ds), tt.max, show(ds))
			}
		})
	}
}

func TestDetectDeterministic(t *testing.T) {
	s := loadDir(t, "../../testdata/story2")
	a, b := show(Detect(testLang(t), s)), show(Detect(testLang(t), s))
	if a != b {
		t.Errorf("two runs differ:\n%s\n%s", a, b)
	}
	// A negated statement that two articles assert, far apart in the
	// input so that different workers read them: which assertion names the
	// dispute must not depend on the workers' order.
	pol := []Sentence{{ArticleID: "a", Text: "An automatic leak alarm at the Kessel mill sounded at 11:40 p.m., the owners said."}}
	for i := range 40 {
		pol = append(pol, Sentence{ArticleID: "d", Text: fmt.Sprintf("Crews cleared debris from road %d near the mill.", i)})
	}
	pol = append(pol,
		Sentence{ArticleID: "c", Text: "The leak alarm at the Kessel mill went off shortly after 11 p.m., the owners said."},
		Sentence{ArticleID: "b", Text: "The leak alarm at the Kessel mill did not sound on Monday night."})
	first := show(Detect(testLang(t), pol))
	if !strings.Contains(first, "polarity") {
		t.Fatalf("no polarity dispute: %s", first)
	}
	for range 20 {
		if again := show(Detect(testLang(t), pol)); again != first {
			t.Fatalf("two runs differ:\n%s\n%s", first, again)
		}
	}
	if got := Detect(testLang(t), nil); len(got) != 0 {
		t.Errorf("no sentences: %v", got)
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"At least 43 people were killed, officials said.",
		"Lakeside Mayor Ola Nordin, the mayor of Lakeside, said in a video call",
		"The council has formally abandoned the tunnel.", "nearly €50 billion", "$15bn", "25% of the region",
		"Mr. U.S. 1901–02 No. 2 2025-12-15T02:37:51+5:30", "between 10 and", "twenty-five", "’s , , ( )",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range Extract(s) {
			if c.Kind == "" {
				t.Fatalf("claim without kind: %+v", c)
			}
			if c.Text != "" && !strings.Contains(s, c.Text) && !strings.Contains(s, strings.TrimSpace(c.Text)) {
				// texts are slices of the input, except trimmed detail phrases
				if c.Kind != KindDetail {
					t.Fatalf("claim text %q not in input %q", c.Text, s)
				}
			}
		}
	})
}

func FuzzDetect(f *testing.F) {
	f.Add("Some 30 people died in Millbrook.", "More than 40 people died in Millbrook.")
	f.Add("Lakeside Mayor Ola Nordin spoke.", "Lakeside Mayor Ivo Sand spoke.")
	f.Add("The council has formally abandoned the Eastport tunnel.", "The council may abandon the Eastport tunnel if")
	f.Add("The dam was not inspected by engineers.", "The dam was inspected by engineers.")
	f.Fuzz(func(t *testing.T, a, b string) {
		var s []Sentence
		for _, x := range strings.Split(a, ".") {
			s = append(s, Sentence{ArticleID: "a", Text: x})
		}
		for _, x := range strings.Split(b, ".") {
			s = append(s, Sentence{ArticleID: "b", Text: x})
		}
		checkDisputes(t, Detect(testLang(t), s))
	})
}
