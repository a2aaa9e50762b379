package claims

import (
	"slices"
	"testing"
)

func TestAppositiveRole(t *testing.T) {
	cases := []struct {
		name, sentence       string
		person, role, qual   string
		roleText             string
		former, none, single bool
	}{
		{name: "possessive org and lower-case modifiers", sentence: "Nadia Ferrant, Eastport's flood recovery coordinator, said the shelters were full.",
			person: "ferrant", role: "flood recovery coordinator", qual: "eastp", roleText: "Eastport's flood recovery coordinator", single: true},
		{name: "known role after the possessive", sentence: "Omar Lindqvist, Acme's chief executive, declined to comment.",
			person: "lindqvist", role: "chief executive", qual: "acme", roleText: "Acme's chief executive", single: true},
		{name: "former holder", sentence: "Ruth Abara, Westfield's former treasurer, testified on Monday.",
			person: "abara", role: "treasurer", qual: "westf", former: true, roleText: "Westfield's former treasurer", single: true},
		{name: "the town's role", sentence: "Nadia Ferrant, the town's flood recovery coordinator, said the shelters were full.",
			person: "ferrant", role: "flood recovery coordinator", qual: "town", roleText: "town's flood recovery coordinator", single: true},
		{name: "role of an organisation", sentence: "Nadia Ferrant, flood recovery coordinator for the Eastport Harbour Board, said the shelters were full.",
			person: "ferrant", role: "flood recovery coordinator", qual: "eastp harbo board", roleText: "flood recovery coordinator for the Eastport Harbour Board", single: true},
		{name: "a spokesperson is one of many", sentence: "Nadia Ferrant, spokesperson for the Eastport Harbour Board, said the shelters were full.",
			person: "ferrant", role: "spokesperson", qual: "eastp harbo board", roleText: "spokesperson for the Eastport Harbour Board"},
		{name: "a place before the comma is not a name", sentence: "In Eastport, the city's flood coordinator said nothing.", none: true},
		{name: "one capitalised word is not a full name", sentence: "Yesterday, Eastport's flood coordinator said nothing.", none: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []Claim
			for _, c := range Extract(tc.sentence) {
				if c.Kind == KindRole {
					got = append(got, c)
				}
			}
			if tc.none {
				if len(got) != 0 {
					t.Fatalf("want no role claim, got %+v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("want one role claim, got %+v", got)
			}
			c := got[0]
			if c.Person.Last != ParseName(tc.person).Last || c.Role != tc.role || c.Qualifier != tc.qual || c.Former != tc.former || c.RoleText != tc.roleText || c.Single != tc.single {
				t.Errorf("got person %q role %q qualifier %q former %v role text %q single %v", c.Person.Last, c.Role, c.Qualifier, c.Former, c.RoleText, c.Single)
			}
		})
	}
}

func TestAppositiveRoleDispute(t *testing.T) {
	ds := Detect(testLang(t), []Sentence{
		{ArticleID: "a", Text: "Nadia Ferrant, Eastport's flood recovery coordinator, said the shelters were full."},
		{ArticleID: "b", Text: "Joel Marchetti, Eastport's flood recovery coordinator, told residents to stay home."},
		{ArticleID: "c", Text: "Nadia Ferrant, Eastport's flood recovery coordinator, said more buses were coming."},
	})
	if len(ds) != 1 || ds[0].Kind != KindRole || ds[0].Topic != "Eastport's flood recovery coordinator" || len(ds[0].Positions) != 2 {
		t.Fatalf("want one role dispute on Eastport's flood recovery coordinator, got %+v", ds)
	}
}

func TestDeclaringStatus(t *testing.T) {
	cases := []struct {
		sentence string
		status   Status
		object   []string
	}{
		{"The governor declared a regional state of emergency for the coast after the storm.", StatusDone, []string{"regional", "stat", "emergency"}},
		{"The governor said she was prepared to declare a regional state of emergency if the river rises.", StatusPossible, []string{"regional", "stat", "emergency"}},
		{"The state of emergency that the governor declared on Monday remains in force.", StatusDone, []string{"stat", "emergency"}},
		{"The city imposed a curfew on the old town after the riots.", StatusDone, []string{"curfew"}},
	}
	for _, tc := range cases {
		var got *Claim
		for _, c := range Extract(tc.sentence) {
			if c.Kind == KindStatus {
				c := c
				got = &c
				break
			}
		}
		if got == nil {
			t.Errorf("%q: no status claim", tc.sentence)
			continue
		}
		if got.Status != tc.status {
			t.Errorf("%q: status %q, want %q", tc.sentence, got.Status, tc.status)
		}
		for _, o := range tc.object {
			if !slices.Contains(got.Object, o) {
				t.Errorf("%q: object %v lacks %q", tc.sentence, got.Object, o)
			}
		}
	}
	// a declaration as a noun is no event
	for _, c := range Extract("This declaration lets the county hire more crews.") {
		if c.Kind == KindStatus {
			t.Errorf("noun read as an event: %+v", c)
		}
	}
	// a name in mid-sentence is no deontic cue ("Press", "Will")
	if cs := Extract("HARBOUR CITY, May 2 (Global Press) - The governor declared a state of emergency for the coast."); !slices.ContainsFunc(cs, func(c Claim) bool { return c.Kind == KindStatus && c.Status == StatusDone }) {
		t.Errorf("declared after a wire dateline not read as done: %+v", cs)
	}
}

func TestIntransitiveNegation(t *testing.T) {
	cs := Extract("The fire alarm at the depot did not sound on Sunday night.")
	if !slices.ContainsFunc(cs, func(c Claim) bool {
		return c.Kind == KindPolarity && slices.Equal(c.Predicate, []string{"alarm", "sound"})
	}) {
		t.Fatalf("want predicate [alarm sound], got %+v", cs)
	}
	// a transitive verb keeps its object
	cs = Extract("The council did not approve the budget.")
	for _, c := range cs {
		if c.Kind == KindPolarity && len(c.Predicate) > 0 && c.Predicate[0] == "council" {
			t.Errorf("transitive negation keyed by subject: %+v", c)
		}
	}
	ds := Detect(testLang(t), []Sentence{
		{ArticleID: "a", Text: "The fire alarm at the depot did not sound on Sunday night, depot records show."},
		{ArticleID: "b", Text: "A fire alarm at the depot sounded just before midnight on Sunday, the operator said."},
	})
	if len(ds) != 1 || ds[0].Kind != KindPolarity || ds[0].Topic != "whether alarm at the depot sounded" {
		t.Fatalf("want one polarity dispute on the alarm, got %+v", ds)
	}
	// a phrasal verb meets its one-word synonym, either way round
	ds = Detect(testLang(t), []Sentence{
		{ArticleID: "a", Text: "The smoke alarm in the depot did not go off on Sunday night, depot records show."},
		{ArticleID: "b", Text: "The smoke alarm in the depot sounded just before midnight on Sunday, the operator said."},
		{ArticleID: "c", Text: "The depot's smoke alarm went off at midnight on Sunday, staff said."},
	})
	if len(ds) != 1 || len(ds[0].Positions) != 2 || len(ds[0].Positions[0].Articles) != 2 {
		t.Fatalf("want the alarm dispute with two articles saying it sounded, got %+v", ds)
	}
}

func TestDatesOfTheReportIgnored(t *testing.T) {
	cases := []struct {
		sentence string
		want     []string
	}{
		{"EASTPORT — Friday, May 8, 2026 — Some 400 tonnes of grain were lost on Tuesday.", []string{"tuesday"}},
		{"About 400 tonnes of grain were lost, according to figures released Wednesday by the port.", nil},
		{"The port lost 400 tonnes of grain on Tuesday, officials said on Thursday.", []string{"tuesday"}},
	}
	for _, tc := range cases {
		var got []string
		for _, c := range Extract(tc.sentence) {
			if c.Kind == KindDate {
				got = append(got, c.Date)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: dates %v, want %v", tc.sentence, got, tc.want)
		}
	}
}

func TestIntransitiveNegationDays(t *testing.T) {
	cases := []struct {
		name string
		a, b string
		want int
	}{
		{"same day", "The ferry talks did not resume on Monday, the union said.", "The ferry talks resumed on Monday in the port office, the union said.", 1},
		{"different days", "The ferry talks did not resume on Monday, the union said.", "The ferry talks resumed on Tuesday in the port office, the union said.", 0},
		{"a time is not a day", "The depot fire alarm did not sound on Sunday night, records show.", "The depot fire alarm sounded at 11:40 p.m., the night guard said.", 1},
	}
	for _, tc := range cases {
		ds := Detect(testLang(t), []Sentence{{ArticleID: "a", Text: tc.a}, {ArticleID: "b", Text: tc.b}})
		if len(ds) != tc.want {
			t.Errorf("%s: %d disputes, want %d: %+v", tc.name, len(ds), tc.want, ds)
		}
	}
}

func TestOtherWordingsOfConflicts(t *testing.T) {
	cases := []struct {
		name  string
		a, b  string
		kind  Kind
		topic string
	}{
		{"negated declaration", "The premier has not declared a state of emergency for the valley, her office said on Friday.",
			"The premier declared a state of emergency for the valley on Wednesday evening.", KindPolarity, "whether declared a state of emergency"},
		{"the county's role", "Jane Moss, the county's emergency management director, said roads were closed.",
			"Tom Reyes, the county's emergency management director, urged calm.", KindRole, "county's emergency management director"},
		{"a system that did not activate", "The sprinkler system did not activate during the fire, inspectors found.",
			"The sprinkler system activated within seconds of the fire starting, the owner said.", KindPolarity, "whether system activated within seconds"},
		{"an evacuation ordered or only possible", "The county ordered the evacuation of 300 homes along the river on Tuesday.",
			"County officials said they could order the evacuation of homes along the river if the water keeps rising.", KindStatus, "ordering evacuation of homes along the river"},
		{"an advisory issued or considered", "The utility issued a boil-water advisory for the east end of town.",
			"The utility is considering issuing a boil-water advisory for the east end of town.", KindStatus, "issuing boil-water advisory for the east end of town"},
	}
	for _, tc := range cases {
		ds := Detect(testLang(t), []Sentence{{ArticleID: "a", Text: tc.a}, {ArticleID: "b", Text: tc.b}})
		if len(ds) != 1 || ds[0].Kind != tc.kind || ds[0].Topic != tc.topic {
			t.Errorf("%s: want one %s dispute %q, got %+v", tc.name, tc.kind, tc.topic, ds)
		}
	}
}
