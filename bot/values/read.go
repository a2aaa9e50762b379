package values

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/storybot/storybot/bot/lang"
)

// Value is one typed value read from a sentence.
type Value struct {
	Type string
	// Label is the value as the sentence writes it ("88-foot", "$1.94
	// billion", "Ostel River").
	Label string
	// Lo and Hi bound a numeric value (a figure's interval, a day number, a
	// time of day in minutes, a compass bearing); Key identifies a name.
	Lo, Hi float64
	Key    string
	Dim    string
	// Start and End delimit the value's tokens in the sentence.
	Start, End int
	// HeadWord is the noun a figure counts or measures, or "".
	HeadWord string
	// Head is the token of that noun, or -1.
	Head int
}

// Compatible reports whether two values can state the same fact.
func (v Value) Compatible(o Value) bool {
	if v.Type != o.Type || v.Dim != o.Dim {
		return false
	}
	switch v.Type {
	case Person, Org, Place, Name, KindOf, Define:
		return SameName(v.Key, o.Key)
	case Title:
		return sameTitle(v.Key, o.Key)
	case Direction:
		d := math.Abs(v.Lo - o.Lo)
		return math.Min(d, 360-d) <= 11.25
	}
	return v.Lo <= o.Hi && o.Lo <= v.Hi
}

// Sentence is one sentence with its tokens.
type Sentence struct {
	Text string
	Toks []lang.Token
}

// Read returns the values of the wanted types in a sentence published at pub.
func Read(l *lang.Lang, s Sentence, q Query, pub time.Time) []Value {
	toks := s.Toks
	var out []Value
	used := make([]bool, len(toks))
	span := func(a, b int) string {
		if a >= b || b > len(toks) {
			return ""
		}
		end := len(s.Text)
		if b < len(toks) {
			end = toks[b].Start
		}
		return strings.TrimSpace(s.Text[toks[a].Start:end])
	}
	if q.Wants(Date) || q.Wants(Weekday) {
		dates := l.Dates(toks)
		for _, d := range dates {
			for k := d.Start; k < d.End; k++ {
				used[k] = true
			}
		}
		if q.Wants(Date) {
			// A year alone dates what happened long ago or over a year
			// ("founded in 1856", "built 1861–1862").
			dates = append(dates, l.Years(toks, used)...)
		}
		for _, d := range dates {
			for k := d.Start; k < d.End; k++ {
				used[k] = true
			}
			day, ok := d.Resolve(pub)
			if !ok {
				// A month or a year without a day is a date too, as wide
				// as what it names ("June 1936", "1856").
				lo, hi, ok := d.Span(pub)
				if !ok || !q.Wants(Date) {
					continue
				}
				start := d.Start
				if start > 0 {
					if _, hedged := l.Hedge(toks[start-1].Lower); hedged || d.YearEnd > 0 && toks[start-1].Lower == "between" {
						start-- // "about 1820", "between 1861–1862"
					}
				}
				out = append(out, Value{Type: Date, Label: span(start, d.End), Lo: float64(lo.Unix() / 86400), Hi: float64(hi.Unix() / 86400), Start: start, End: d.End, Head: -1})
				continue
			}
			n := float64(day.Unix() / 86400)
			if q.Wants(Weekday) && !q.Wants(Date) {
				out = append(out, Value{Type: Weekday, Label: day.Weekday().String(), Lo: float64(day.Weekday()), Hi: float64(day.Weekday()), Start: d.Start, End: d.End, Head: -1})
				continue
			}
			label := span(d.Start, d.End)
			if q.Wants(Weekday) && d.Weekday < 0 {
				label = fmt.Sprintf("%s (%s)", label, day.Weekday())
			}
			out = append(out, Value{Type: Date, Label: label, Lo: n, Hi: n, Start: d.Start, End: d.End, Head: -1})
		}
	} else {
		// A year is not a count: "founded in 1850" gives no population.
		for _, d := range append(l.Dates(toks), l.BareYears(toks, nil)...) {
			for k := d.Start; k < d.End; k++ {
				used[k] = true
			}
		}
	}
	clocks := l.Clocks(toks)
	for _, c := range clocks {
		for k := c.Start; k < c.End; k++ {
			used[k] = true
		}
		if q.Wants(Time) {
			lo, hi := float64(c.Lo), float64(c.Hi)
			if u, ok := c.UTC(); ok && !anyLocal(clocks) {
				d := float64(u - c.Minutes)
				lo, hi = lo+d, hi+d
			} else if c.HasZone && anyLocal(clocks) {
				continue // "12:50 pm (06:20 GMT)": the local time stands for both
			}
			out = append(out, Value{Type: Time, Label: span(c.Start, c.End), Lo: lo, Hi: hi, Start: c.Start, End: c.End, Head: -1})
		}
	}
	if wantsFigure(q) {
		qs := l.Quantities(toks, used)
		for i, x := range qs {
			// A conversion in brackets restates the figure before it: "88ft (27m)".
			if i > 0 && x.Start > 0 && toks[x.Start-1].Text == "(" && qs[i-1].End == x.Start-1 {
				continue
			}
			ty := figureType(x, toks)
			if ty == "" || !q.Wants(ty) && !(q.Wants(Amount) && ty != Age && ty != Duration) && !(ty == Count && q.Wants(Age) && appositiveAge(toks, x)) {
				continue
			}
			if ty == Count && notCount(toks, x) {
				continue
			}
			if ty == Count && q.Wants(Age) && appositiveAge(toks, x) {
				ty, x.Dim = Age, "age" // "Ana Ruiz, 37," is 37 years old
			}
			// "How much" asks for a mass quantity: a count of a plural
			// noun, or of the thing asked about, answers "how many".
			if ty == Count && !q.Wants(Count) && q.Wants(Amount) && x.Head >= 0 && (toks[x.Head].Tag == "NNS" || q.hasFocus(l.Stem(x.HeadWord))) {
				continue
			}
			out = append(out, Value{Type: ty, Label: span(x.Start, x.End), Lo: x.Lo, Hi: x.Hi, Dim: x.Dim, Start: x.Start, End: x.End, HeadWord: x.HeadWord, Head: x.Head})
		}
		if q.Wants(Percent) {
			// "nearly finished" is a share: just under all of it.
			for _, x := range l.Shares(toks) {
				out = append(out, Value{Type: Percent, Label: span(x.Start, x.End), Lo: x.Lo, Hi: x.Hi, Dim: x.Dim, Start: x.Start, End: x.End, Head: -1})
			}
		}
	}
	if q.Wants(Direction) {
		for k, t := range toks {
			if b, ok := l.Direction(t.Text); ok && !used[k] {
				out = append(out, Value{Type: Direction, Label: t.Text, Lo: b, Hi: b, Start: k, End: k + 1, Head: -1})
			}
		}
	}
	if q.Wants(Person) || q.Wants(Org) || q.Wants(Place) || q.Wants(Name) {
		names := Names(toks)
		for i := 0; i < len(names); i++ {
			n := names[i]
			if used[n[0]] || used[n[1]-1] {
				continue // a date or a time, not a name
			}
			// A title the question gives is not part of the answer: "NATO
			// Secretary General Jens Stoltenberg" answers with "Jens Stoltenberg".
			for n[1]-n[0] > 1 && (q.hasFocus(l.Stem(toks[n[0]].Lower)) || l.Stem(toks[n[0]].Lower) == q.Category) {
				n[0]++
			}
			// Coordinated names are one answer: "valves VX2 and VX7".
			for i+1 < len(names) && names[i+1][0] == n[1]+1 && (toks[n[1]].Lower == "and" || toks[n[1]].Text == ",") && !used[names[i+1][0]] {
				n[1] = names[i+1][1]
				i++
			}
			v := Value{Type: Name, Label: span(n[0], n[1]), Key: strings.ToLower(span(n[0], n[1])), Start: n[0], End: n[1], Head: -1}
			if q.Category != "" && !categoryFits(l, toks, n, q.Category) {
				continue
			}
			// A place is where something is: after a preposition of place.
			if q.Category == "" && q.Wants(Place) && !q.Wants(Person) && !locative(toks, n[0]) {
				continue
			}
			if q.Category == "" {
				v.Type = q.Types[0]
			}
			out = append(out, v)
		}
		// A person's answer is a name, and a question that asks for a
		// name in so many words wants one.
		if q.Kind != "" && !q.Explicit && !l.IsKindFirst(q.Kind, "person") {
			out = append(out, kindNouns(l, toks, used, q.Kind, span)...)
		}
	}
	if q.Wants(Title) {
		out = append(out, titles(l, toks, q, span)...)
	}
	if q.Wants(Define) {
		out = append(out, definitions(l, toks, q, span)...)
	}
	return out
}

// definitions reads what a sentence says one of the question's names is:
// the noun phrase after "is" or "was" ("Ana Ruiz (1910–1982) was a British
// architect": British architect), or in apposition ("Ana Ruiz, an
// architect, ..."). A bracketed aside after the name is passed over.
func definitions(l *lang.Lang, toks []lang.Token, q Query, span func(a, b int) string) []Value {
	var out []Value
	for k := 0; k < len(toks); k++ {
		if !namesFocus(l, q, toks[k]) {
			continue
		}
		m := k + 1
		for m < len(toks) && namesFocus(l, q, toks[m]) {
			m++
		}
		k = m - 1
		if m < len(toks) && toks[m].Text == "(" {
			for d := m; d < len(toks) && d < m+30; d++ {
				if toks[d].Text == ")" {
					m = d + 1
					break
				}
			}
		}
		if m+1 >= len(toks) {
			continue
		}
		switch w := toks[m].Lower; {
		case w == "is" || w == "was" || w == "are" || w == "were":
			m++
		case w == "," && (toks[m+1].Lower == "a" || toks[m+1].Lower == "an"):
			m++
		default:
			continue
		}
		if m < len(toks) && toks[m].Tag == "DT" {
			m++
		}
		a, b, head := m, m, -1
		for b < len(toks) && b < m+8 {
			t := toks[b]
			if t.Noun() || t.Adj() || t.Tag == "CD" || t.Tag == "VBN" || t.Tag == "VBG" && b+1 < len(toks) && toks[b+1].Noun() || t.Text == "-" {
				if t.Noun() {
					head = b
				}
				b++
				continue
			}
			// "actor and director": a coordinated noun belongs to the class.
			if t.Lower == "and" && head == b-1 && b+1 < len(toks) && toks[b+1].Noun() {
				b++
				continue
			}
			break
		}
		if head < 0 {
			continue
		}
		label := span(a, head+1)
		out = append(out, Value{Type: Define, Label: label, Key: strings.ToLower(label), Start: a, End: head + 1, Head: -1})
	}
	return out
}

// titles reads the titles a sentence gives the people the question names:
// in apposition after the name ("Ana Ruiz, the company's chief financial
// officer") or before it ("chief financial officer Ana Ruiz"). A title is a
// noun run whose head is a kind of person.
func titles(l *lang.Lang, toks []lang.Token, q Query, span func(a, b int) string) []Value {
	var out []Value
	for k := 0; k < len(toks); k++ {
		if !strings.HasPrefix(toks[k].Tag, "NNP") {
			continue
		}
		// The whole name ("Ana Maria Ruiz"), which must hold one the
		// question names.
		start, end, named := k, k, false
		for end < len(toks) && strings.HasPrefix(toks[end].Tag, "NNP") {
			named = named || namesFocus(l, q, toks[end])
			end++
		}
		k = end - 1
		if !named {
			continue
		}
		// After: ", [the|a] [Owner's] title".
		if m := end; m+1 < len(toks) && toks[m].Text == "," {
			m++
			if toks[m].Tag == "DT" {
				m++
			}
			for p := m; p < len(toks) && p < m+4; p++ {
				if toks[p].Text == "'s" || toks[p].Text == "’s" {
					m = p + 1
					break
				}
			}
			if a, b, ok := titleRun(l, toks, m); ok {
				out = append(out, titleValue(toks, a, b, span))
			}
		}
		// Before: "title Name".
		a := start
		for a > 0 && titleWord(toks[a-1]) && a > start-5 {
			a--
		}
		if a < start && l.Person(toks[start-1].Lower) {
			out = append(out, titleValue(toks, a, start, span))
		}
	}
	return out
}

// titleRun returns the noun run from m whose last noun is a kind of person.
func titleRun(l *lang.Lang, toks []lang.Token, m int) (int, int, bool) {
	b := m
	for b < len(toks) && titleWord(toks[b]) && b < m+6 {
		b++
	}
	for b > m && !toks[b-1].Noun() {
		b--
	}
	if b == m || !l.Person(toks[b-1].Lower) {
		return 0, 0, false
	}
	return m, b, true
}

func titleWord(t lang.Token) bool {
	return t.Noun() || t.Adj() || t.Tag == "VBG"
}

func titleValue(toks []lang.Token, a, b int, span func(a, b int) string) Value {
	var key []string
	for _, t := range toks[a:b] {
		key = append(key, t.Lower)
	}
	return Value{Type: Title, Label: span(a, b), Key: strings.Join(key, " "), Start: a, End: b, Head: -1}
}

// namesFocus reports whether a token is one of the question's proper names.
func namesFocus(l *lang.Lang, q Query, t lang.Token) bool {
	st := l.Stems(t)
	for _, f := range q.Focus {
		if f.Name && f.Match(st) >= 1 {
			return true
		}
	}
	return false
}

// sameTitle reports whether two titles can name one post: the words of one
// hold the other's ("financial officer", "chief financial officer").
func sameTitle(a, b string) bool {
	wa, wb := strings.Fields(a), strings.Fields(b)
	if len(wa) > len(wb) {
		wa, wb = wb, wa
	}
	for _, w := range wa {
		found := false
		for _, x := range wb {
			if x == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return len(wa) > 0
}

// kindNouns reads the nouns WordNet files under the asked kind ("what
// sport": "hockey", "ice hockey"), names or not, that no other value
// holds. A noun before one that makes a kind with it ("ice hockey",
// "American football") belongs to the answer.
func kindNouns(l *lang.Lang, toks []lang.Token, used []bool, kind string, span func(a, b int) string) []Value {
	var out []Value
	for k := 0; k < len(toks); k++ {
		t := toks[k]
		if used[k] || !t.Noun() || !t.Word() || l.Stop(t.Lower) {
			continue
		}
		if !l.IsKind(t.Lower, kind) {
			// "a Welsh footballer": the agent names the kind it is derived from.
			if of, ok := l.KindOfAgent(t.Lower, kind); ok {
				out = append(out, Value{Type: KindOf, Label: of, Key: strings.ToLower(of), Start: k, End: k + 1, Head: -1})
			}
			continue
		}
		start := k
		if k > 0 && (toks[k-1].Noun() || toks[k-1].Adj()) && !used[k-1] && l.IsKind(toks[k-1].Lower+" "+t.Lower, kind) {
			start = k - 1
		}
		label := span(start, k+1)
		out = append(out, Value{Type: KindOf, Label: label, Key: strings.ToLower(label), Start: start, End: k + 1, Head: -1})
	}
	return out
}

// locative reports whether a preposition of place stands before token i
// ("in Arles", "to the harbour of Sete", "bound for Sete").
func locative(toks []lang.Token, i int) bool {
	for k := i - 1; k >= 0 && k >= i-3; k-- {
		switch toks[k].Lower {
		case "in", "at", "to", "into", "from", "near", "for", "toward", "towards", "outside", "inside", "across", "off":
			return true
		case "the", "a", "an", "of":
			continue
		}
		return false
	}
	return false
}

func anyLocal(cs []lang.Clock) bool {
	for _, c := range cs {
		if !c.HasZone {
			return true
		}
	}
	return false
}

func wantsFigure(q Query) bool {
	for _, t := range q.Types {
		switch t {
		case Count, Amount, Money, Length, Duration, Mass, Area, Volume, Speed, Age, Percent:
			return true
		}
	}
	return false
}

// figureType maps a quantity's dimension to an answer type.
func figureType(x lang.Quantity, toks []lang.Token) string {
	switch {
	case x.Dim == "":
		return Count
	case strings.HasPrefix(x.Dim, "money:"):
		return Money
	case x.Dim == "age":
		return Age
	}
	return x.Dim
}

// notCount reports whether a bare figure is a reading rather than a count
// of things: a number written with three or more decimals and no scale
// word ("40.159366", a coordinate or a ratio; things are counted whole),
// or a rate ("1,980 people per square mile").
func notCount(toks []lang.Token, x lang.Quantity) bool {
	if x.End-x.Start == 1 {
		if _, frac, ok := strings.Cut(toks[x.Start].Text, "."); ok && len(frac) >= 3 && strings.Trim(frac, "0123456789") == "" {
			return true
		}
	}
	for k := x.End; k < len(toks) && k <= x.Head+1; k++ {
		if toks[k].Lower == "per" {
			return true
		}
	}
	return x.End < len(toks) && toks[x.End].Lower == "per"
}

// appositiveAge reports whether a bare figure is an age in apposition to a
// name: "Maria Lopez, 39, of ..." or "Lopez, 39."
func appositiveAge(toks []lang.Token, x lang.Quantity) bool {
	if x.Start < 2 || x.End >= len(toks) || x.Hi > 120 || x.Lo < 1 || x.Hedge != "" {
		return false
	}
	if toks[x.Start-1].Text != "," || !toks[x.Start-2].Proper() {
		return false
	}
	next := toks[x.End].Text
	return next == "," || next == "." || next == ";" || next == ")" || toks[x.End].Lower == "and"
}

// Names returns the spans [start, end) of proper-name runs: capitalised
// words tagged as proper nouns, joined by "of", "de" or a hyphen inside.
func Names(toks []lang.Token) [][2]int {
	var out [][2]int
	for i := 0; i < len(toks); i++ {
		if !nameWord(toks, i) {
			continue
		}
		j := i + 1
		for j < len(toks) {
			if nameWord(toks, j) {
				j++
				continue
			}
			if (toks[j].Lower == "of" || toks[j].Lower == "de" || toks[j].Lower == "al") && j+1 < len(toks) && nameWord(toks, j+1) {
				j += 2
				continue
			}
			break
		}
		out = append(out, [2]int{i, j})
		i = j - 1
	}
	return out
}

func nameWord(toks []lang.Token, i int) bool {
	t := toks[i]
	if t.Text == "" || !(t.Text[0] >= 'A' && t.Text[0] <= 'Z') {
		return false
	}
	if t.Proper() {
		// A sentence-initial word is a name only when the tagger insists and
		// the next word is a name too, or it is not a common word.
		return i > 0 || len(toks) > 1 && toks[1].Proper()
	}
	// Acronyms and codes: "NASA", "VX2".
	return i > 0 && strings.ToUpper(t.Text) == t.Text && len(t.Text) > 1 && t.Word()
}

// categoryFits reports whether a name is of the asked kind: its last word is
// the category ("Ostel River" for river), the category noun stands just
// before or after it ("the airline Norvia", "Norvia, the airline", "the Grand
// hotel"), or the name is in apposition to it.
func categoryFits(l *lang.Lang, toks []lang.Token, n [2]int, cat string) bool {
	if l.Stem(toks[n[1]-1].Lower) == cat {
		return n[1]-n[0] > 1
	}
	for k := n[1]; k < len(toks) && k < n[1]+3; k++ {
		if l.Stem(toks[k].Lower) == cat {
			return true
		}
		if !toks[k].Noun() && !toks[k].Adj() && toks[k].Text != "," && toks[k].Lower != "the" && toks[k].Lower != "a" {
			break
		}
	}
	for k := n[0] - 1; k >= 0 && k >= n[0]-4; k-- {
		if l.Stem(toks[k].Lower) == cat {
			return true
		}
		// "the hotel in Arles": a name after a preposition other than the
		// "of" that names ("the town of Arles") is another thing than the
		// noun before it.
		if toks[k].Verb() || toks[k].Text == "." || (toks[k].Tag == "IN" || toks[k].Tag == "TO") && toks[k].Lower != "of" {
			break
		}
	}
	return false
}

// SameName reports whether two names can name the same thing: one's words
// contain the other's, or they differ only in a spelling variant
// ("Petrenkoy" and "Petrenko").
func SameName(a, b string) bool {
	a, b = strings.ToLower(a), strings.ToLower(b)
	if a == b {
		return true
	}
	wa, wb := strings.Fields(a), strings.Fields(b)
	if len(wa) == 0 || len(wb) == 0 {
		return false
	}
	contains := func(x, y []string) bool {
		for _, w := range y {
			found := false
			for _, v := range x {
				if v == w || variant(v, w) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	}
	return contains(wa, wb) || contains(wb, wa)
}

// variant reports spelling variants of one name: the same first five letters
// and lengths within two, or transliterations that differ in at most two
// letters of six or more, with the same first letter ("Dmitry" and "Dmytro").
func variant(a, b string) bool {
	if len(a) < 6 || len(b) < 6 {
		return false
	}
	d := len(a) - len(b)
	if a[:5] == b[:5] && d <= 2 && d >= -2 {
		return true
	}
	if a[0] == b[0] && lang.EditDistance(a, b, 2) <= 2 {
		return true
	}
	// Transliterations of one name keep its consonants and change its
	// vowels and digraphs ("Zhukovsky", "Joukovski"): the same skeleton of
	// five or more consonants is one name.
	ka, kb := skeleton(a), skeleton(b)
	return len(ka) >= 5 && ka == kb
}

// skeleton is a word's consonants, with the digraphs that transliterations
// swap folded to one letter (zh and dj to j, kh to h, ph to f, ck to k, tch
// to ch, w to v, x to ks) and doubled letters written once.
func skeleton(w string) string {
	b := make([]byte, 0, len(w)+2)
	put := func(c byte) {
		if len(b) == 0 || b[len(b)-1] != c {
			b = append(b, c)
		}
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		next := byte(0)
		if i+1 < len(w) {
			next = w[i+1]
		}
		switch {
		case c == 'z' && next == 'h', c == 'd' && next == 'j':
			put('j')
			i++
		case c == 'k' && next == 'h':
			put('h')
			i++
		case c == 'p' && next == 'h':
			put('f')
			i++
		case c == 'c' && next == 'k':
			put('k')
			i++
		case c == 't' && next == 'c' && i+2 < len(w) && w[i+2] == 'h':
			put('c')
			put('h')
			i += 2
		case c == 'w':
			put('v')
		case c == 'x':
			put('k')
			put('s')
		case c < 'a' || c > 'z' || strings.IndexByte("aeiouy", c) >= 0:
		default:
			put(c)
		}
	}
	return string(b)
}
