package claims

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/storybot/storybot/bot/lang"
	"github.com/storybot/storybot/bot/values"
)

// Figure is one figure read from one sentence by bot/values, keyed by what
// it counts or measures.
type Figure struct {
	// Key is the bucket the figure is compared in: a count by the noun it
	// counts ("worker|count:"), another measure by the verb that governs it
	// ("withdraw|percent:percent"), with its type and dimension.
	Key string
	// Noun and Verb are the stems of the noun the figure counts or measures
	// and of the verb that governs it in its clause, or "".
	Noun, Verb string
	// Claim is the figure as written with the noun it counts or measures
	// ("about 10 percent of the region").
	Claim string
	// Proper marks a Noun written as a proper noun.
	Proper    bool
	Value     values.Value
	ArticleID string
	Sentence  string
	Published time.Time
	// terms are the stems of the sentence's other terms.
	terms map[string]bool
	// verbTok is the governing verb's token, for its WordNet relations.
	verbTok lang.Token
	// measure marks a figure of a unit of measurement read as a count.
	measure bool
	// names and dates anchor the figure: the stems of the proper nouns and
	// the years written in its clause. Figures anchored to different names
	// or days are about different things.
	names, dates []string
}

// FigureDispute is a key on which figures from different articles cannot
// all be true: two or more groups of compatible figures, each group
// backed by its own articles.
type FigureDispute struct {
	Key    string
	Groups [][]Figure
}

// Figures keeps the figures of a corpus bucketed by key, article by article,
// so that finding disputes compares only figures about the same thing and is
// never quadratic in the corpus. The zero value is not usable; build one with
// NewFigures. It is not safe for concurrent use.
type Figures struct {
	lang    *lang.Lang
	query   values.Query
	buckets map[string][]Figure
	verbs   map[string]map[string]bool
}

// figureTypes are the value types the ledger compares.
var figureTypes = []string{values.Count, values.Money, values.Length, values.Duration, values.Mass,
	values.Area, values.Speed, values.Age, values.Percent}

// NewFigures returns an empty figure ledger reading with l.
func NewFigures(l *lang.Lang) *Figures {
	return &Figures{lang: l, query: values.Query{Types: figureTypes}, buckets: map[string][]Figure{}, verbs: map[string]map[string]bool{}}
}

// Add reads the figures of one article's sentences. Sentences without a
// digit or a number word are skipped before tagging, which keeps a large
// corpus cheap. published may be zero when unknown.
func (f *Figures) Add(articleID string, published time.Time, sentences []string) {
	for _, s := range sentences {
		for _, x := range f.Read(s, published) {
			x.ArticleID = articleID
			f.buckets[x.Key] = append(f.buckets[x.Key], x)
		}
	}
}

// Read returns the keyed figures of one sentence (without ArticleID). It is
// safe for concurrent use, unlike Add.
func (f *Figures) Read(s string, published time.Time) []Figure {
	if !f.mayHoldFigure(s) {
		return nil
	}
	toks := f.lang.Tokens(s)
	var dateSpans []lang.Date
	datesRead := false
	var out []Figure
	var terms map[string]bool
	for _, v := range values.Read(f.lang, values.Sentence{Text: s, Toks: toks}, f.query, published) {
		noun, vt := f.about(toks, v)
		verb := ""
		if vt.Text != "" {
			verb = f.verbStem(vt)
		}
		dim := v.Type + ":" + v.Dim
		if _, unit := f.lang.UnitDim(v.HeadWord); unit && v.Type == values.Count {
			continue // "three hours" read as a bare count: a measure whose kind is lost
		}
		if v.Type == values.Count && (v.Lo != math.Trunc(v.Lo) || v.Hi != math.Trunc(v.Hi) && !math.IsInf(v.Hi, 1)) {
			continue // things are counted in whole numbers: "a 7.7 earthquake" is a measure
		}
		if v.Type == values.Count && v.End < len(toks) && toks[v.End].Lower == "of" && v.Head > v.End {
			continue // "eight of the 23 crew members": a part, not the count
		}
		if v.Type == values.Count && noun != "" && !countable(f.lang, toks, v) {
			noun = "" // "1990 August", "the 1 Henry ...": not a count of things
		}
		measure := v.Type == values.Count && noun != "" && f.lang.Measure(strings.ToLower(v.HeadWord))
		var keys []string
		switch {
		case measure:
			keys = []string{noun + "|measure"} // "38,000 litres": an amount, whatever verb moved it
		case v.Type == values.Count && noun != "":
			keys = []string{noun + "|" + dim}
		case v.Type != values.Count:
			// A measure is compared with those of the same verb and with
			// those of the same noun ("10 percent of Donbas" and "25% of the
			// region" share a verb; "turnout was 62%" and "turnout reached 48
			// percent" a noun).
			if verb != "" {
				keys = append(keys, "v:"+verb+"|"+dim)
			}
			if noun != "" {
				keys = append(keys, "n:"+noun+"|"+dim)
			}
		}
		if len(keys) == 0 {
			continue // nothing says which fact the figure belongs to
		}
		if terms == nil {
			terms = map[string]bool{}
			for _, t := range toks {
				if t.Word() && f.lang.Term(t.Lower) {
					terms[f.lang.Stem(t.Lower)] = true
				}
			}
		}
		proper := v.Head >= 0 && v.Head < len(toks) && toks[v.Head].Proper()
		claim := v.Label
		if v.Head >= v.End && v.Head-v.End <= 3 && v.Head < len(toks) {
			end := len(s)
			if v.Head+1 < len(toks) {
				end = toks[v.Head+1].Start
			}
			claim = strings.TrimSpace(s[toks[v.Start].Start:end])
		}
		if !datesRead {
			dateSpans, datesRead = f.lang.Dates(toks), true
		}
		names, dates := f.anchors(toks, v, dateSpans)
		for _, key := range keys {
			out = append(out, Figure{names: names, dates: dates, Key: key, Noun: noun, Verb: verb, Proper: proper, Claim: claim, verbTok: vt, measure: measure, Value: v, Sentence: s, Published: published, terms: terms})
		}
	}
	return out
}

// Merge adds figures read with Read, with their article, to the ledger.
func (f *Figures) Merge(articleID string, figs []Figure) {
	for _, x := range figs {
		x.ArticleID = articleID
		f.buckets[x.Key] = append(f.buckets[x.Key], x)
	}
}

// mayHoldFigure reports whether a sentence has a number other than a year,
// in digits or in words: the cheap test before tagging.
func (f *Figures) mayHoldFigure(s string) bool {
	// Words of letters and digits holding a digit, found without splitting
	// the sentence: any but a lone year is a figure to read.
	start, digits, other := -1, 0, false
	for i := 0; i <= len(s); i++ {
		c := byte(' ')
		if i < len(s) {
			c = s[i]
		}
		switch {
		case c >= '0' && c <= '9':
			if start < 0 {
				start = i
			}
			digits++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 || (c == ',' || c == '.') && start >= 0 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			if start < 0 {
				start = i
			}
			other = true
		default:
			if start >= 0 && digits > 0 {
				w := s[start:i]
				if other || digits != 4 || w < "1800" || w > "2100" {
					return true // a year alone is a date, not a figure
				}
			}
			start, digits, other = -1, 0, false
		}
	}
	return f.hasNumberWord(s)
}

// hasNumberWord reports whether s holds a number word ("twelve", "dozen"),
// without splitting it into a slice of words.
func (f *Figures) hasNumberWord(s string) bool {
	start := -1
	for i := 0; i <= len(s); i++ {
		letter := i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] == '-')
		if letter && start < 0 {
			start = i
		}
		if !letter && start >= 0 {
			if _, ok := f.lang.NumberWord(strings.ToLower(s[start:i])); ok {
				return true
			}
			start = -1
		}
	}
	return false
}

// about returns what a figure is about: the stem of the noun it counts or
// measures (when that noun is a term), and the stem of the verb that governs
// it in its clause: the first content verb after the noun, else the nearest
// finite content verb before the figure ("withdraw ... from 10 percent").
func (f *Figures) about(toks []lang.Token, v values.Value) (noun string, verb lang.Token) {
	if v.Head >= 0 && v.Head < len(toks) && f.lang.Term(toks[v.Head].Lower) && !lang.HasDigit(toks[v.Head].Lower) {
		noun = f.lang.Stem(toks[v.Head].Lower)
	}
	if noun == "" && v.Type != values.Count {
		noun = f.measured(toks, v)
	}
	from := v.End
	if v.Head >= v.End {
		from = v.Head + 1
	}
	for i := from; i < len(toks) && verb.Text == ""; i++ {
		if clauseEnd(toks[i]) {
			break
		}
		if f.contentVerb(toks[i]) {
			verb = toks[i]
		}
	}
	for i := v.Start - 1; i >= 0 && verb.Text == ""; i-- {
		if clauseEnd(toks[i]) {
			break
		}
		if toks[i].Tag != "VBG" && f.contentVerb(toks[i]) {
			verb = toks[i]
		}
	}
	return noun, verb
}

// anchors returns the stems of the proper nouns in the figure's clause
// (other than the noun it counts), the years written there, and the days
// written before the figure ("On Monday, tests found ..."). A day after the
// figure is not an anchor: it is often the report's own ("figures released
// Wednesday") beside the figure of an earlier day.
func (f *Figures) anchors(toks []lang.Token, v values.Value, dates []lang.Date) (names, days []string) {
	lo, hi := v.Start, v.End
	for lo > 0 && !clauseEnd(toks[lo-1]) {
		lo--
	}
	for hi < len(toks) && !clauseEnd(toks[hi]) {
		hi++
	}
	inDate := func(i int) bool {
		for _, d := range dates {
			if i >= d.Start && i < d.End {
				return true
			}
		}
		return false
	}
	for i := lo; i < hi; i++ {
		t := toks[i]
		if i == v.Head || !t.Proper() || !t.Word() || inDate(i) {
			continue
		}
		if st := f.lang.Stem(t.Lower); st != "" && !contains(names, st) {
			names = append(names, st)
		}
	}
	for _, d := range dates {
		if d.Start < lo || d.End > hi {
			continue
		}
		if d.Year != 0 && !contains(days, fmt.Sprint(d.Year)) {
			days = append(days, fmt.Sprint(d.Year))
		}
		if d.End <= v.Start && (d.Day != 0 || d.Weekday >= 0 || d.IsRelative) {
			days = append(days, fmt.Sprint(d.Month, "-", d.Day, "-", d.Weekday, "-", d.Relative, d.IsRelative))
		}
	}
	for i := lo; i < hi; i++ {
		if i >= v.Start && i < v.End {
			continue
		}
		if w := toks[i].Lower; toks[i].Tag == "CD" && len(w) == 4 && allDigits(w) && w >= "1800" && w <= "2100" && !contains(days, w) {
			days = append(days, w) // "in 2010": a year
		}
	}
	return names, days
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if contains(b, x) {
			return true
		}
	}
	return false
}

// countable reports whether a count's head is a thing counted: a common
// noun, plural when the count is more than one ("three children", "one
// child"; not "1990 August" or "2 Henry").
func countable(l *lang.Lang, toks []lang.Token, v values.Value) bool {
	if v.Head < 0 || v.Head >= len(toks) {
		return false
	}
	h := toks[v.Head]
	if h.Proper() || !h.Noun() && v.Head != v.End-1 {
		return false
	}
	if v.Lo > 1 && h.Tag != "NNS" && !l.Plural(h.Lower) && !strings.ContainsAny(h.Lower, "-") {
		return v.Head == v.End-1 // "22-member": the noun inside the figure's compound
	}
	return true
}

// measured returns the stem of what a measure without a counted noun is
// of: the noun after "of" ("3,000 tonnes of wheat"), else the nearest noun
// before the figure in its clause, its subject ("Turnout was 62%").
func (f *Figures) measured(toks []lang.Token, v values.Value) string {
	if v.End+1 < len(toks) && toks[v.End].Lower == "of" {
		for i := v.End + 1; i < len(toks) && i <= v.End+4; i++ {
			t := toks[i]
			if t.Noun() && f.lang.Term(t.Lower) {
				// the last noun of the run: "of crude oil"
				for i+1 < len(toks) && toks[i+1].Noun() && f.lang.Term(toks[i+1].Lower) {
					i++
				}
				return f.lang.Stem(toks[i].Lower)
			}
			if !(t.Tag == "DT" || t.Adj() || t.Tag == "PRP$") {
				break
			}
		}
	}
	for i := v.Start - 1; i >= 0; i-- {
		t := toks[i]
		if clauseEnd(t) {
			break
		}
		// a noun, or a content word the tagger took for a function word
		// ("Turnout reached ...")
		if (t.Noun() && !t.Proper() || t.Tag == "IN" || t.Tag == "DT") && t.Word() && f.lang.Term(t.Lower) && !lang.HasDigit(t.Lower) {
			return f.lang.Stem(t.Lower)
		}
	}
	return ""
}

// contentVerb reports whether a token is a verb that is a term (not "is",
// "said" or a stray "'s").
func (f *Figures) contentVerb(t lang.Token) bool {
	return t.Verb() && t.Word() && !strings.ContainsAny(t.Lower, "'’") && f.lang.Term(t.Lower)
}

// verbStem is the stem of a verb's base form ("died" and "dies" give "die").
func (f *Figures) verbStem(t lang.Token) string {
	ss := f.lang.Stems(t)
	return ss[len(ss)-1]
}

// clauseEnd reports a token that closes a clause.
func clauseEnd(t lang.Token) bool {
	switch t.Text {
	case ";", ":", ".", "—", "–", "(", ")":
		return true
	}
	return t.Tag == "WDT" || t.Tag == "WP" || t.Lower == "while" || t.Lower == "but"
}

// maxBucket bounds the figures one key may gather before it is deemed too
// generic to compare; it keeps the pairwise check inside a bucket cheap.
const maxFigureBucket = 200

// Disputes returns the facts on which the articles disagree. Within a key,
// figures about the same fact are joined (same counted noun and verb, or
// for other measures two more shared terms); the figures of one fact fall
// into groups of overlapping intervals, and two groups backed by different
// articles are a dispute, unless the higher group's articles are all
// published after the lower group's (a count that rose over time is an
// update). Disputes come sorted by key.
func (f *Figures) Disputes() []FigureDispute {
	keys := make([]string, 0, len(f.buckets))
	for k, b := range f.buckets {
		if len(b) >= 2 && len(b) <= maxFigureBucket {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []FigureDispute
	for _, k := range keys {
		for _, fact := range f.facts(f.buckets[k]) {
			groups := groupFigures(fact)
			if len(groups) < 2 || !independent(groups) || updated(groups) {
				continue
			}
			out = append(out, FigureDispute{Key: k, Groups: groups})
		}
	}
	return out
}

// facts splits a bucket into sets of figures about one fact: the connected
// parts of the "same fact" relation between figures of different articles.
// Only sets spanning two articles are returned.
func (f *Figures) facts(b []Figure) [][]Figure {
	parent := make([]int, len(b))
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for i := range b {
		for j := i + 1; j < len(b); j++ {
			if b[i].ArticleID != b[j].ArticleID && f.sameFact(b[i], b[j]) {
				parent[find(i)] = find(j)
			}
		}
	}
	sets := map[int][]Figure{}
	var roots []int
	for i := range b {
		r := find(i)
		if sets[r] == nil {
			roots = append(roots, r)
		}
		sets[r] = append(sets[r], b[i])
	}
	var out [][]Figure
	for _, r := range roots {
		if set := sets[r]; len(set) >= 2 && spansArticles(set) {
			out = append(out, set)
		}
	}
	return out
}

func spansArticles(fs []Figure) bool {
	for _, x := range fs[1:] {
		if x.ArticleID != fs[0].ArticleID {
			return true
		}
	}
	return false
}

// sameFact reports whether two figures of one bucket state the same fact.
// Figures whose clauses name different proper nouns, or different years,
// are about different things.
// An amount of a unit of measurement ("38,000 litres") is keyed by its unit
// and needs two more shared terms. A count's noun is its key; its verb must
// be the same or a close WordNet relation ("30 workers died"
// is not "30 workers were rescued", nor "30 workers are missing"). Another
// measure is keyed by its verb and by its noun; its nouns must agree when
// both are common nouns (a name and a common noun may be one thing: "10
// percent of Donbas", "25% of the region"), its verbs when both have one,
// and the sentences must share another term when they have one.
func (f *Figures) sameFact(a, b Figure) bool {
	if len(a.names) > 0 && len(b.names) > 0 && !overlaps(a.names, b.names) {
		return false // "Delta cancelled 3,500 flights", "American cancelled 44"
	}
	if len(a.dates) > 0 && len(b.dates) > 0 && !overlaps(a.dates, b.dates) {
		return false // figures of different years
	}
	if a.measure {
		return shared(a, b) >= 2
	}
	if a.Value.Type == values.Count {
		if a.Verb != b.Verb && !f.verbsRelated(a, b) {
			return false
		}
		// two counts of one noun and verb still need a shared word more
		// ("died" in the flood and "died" in the fire)
		return a.others() == 0 || b.others() == 0 || shared(a, b) >= 1
	}
	if a.Noun != "" && b.Noun != "" && a.Noun != b.Noun && !a.Proper && !b.Proper {
		return false
	}
	if a.Verb != "" && b.Verb != "" && a.Verb != b.Verb && !f.verbsRelated(a, b) {
		return false
	}
	need := 1
	if a.others() == 0 || b.others() == 0 {
		need = 0 // "Turnout was 62%." has nothing more to share
	}
	return shared(a, b) >= need
}

// others counts the terms of a figure's sentence besides its noun and verb.
func (x Figure) others() int {
	n := 0
	for t := range x.terms {
		if t != x.Noun && t != x.Verb && !lang.HasDigit(t) {
			n++
		}
	}
	return n
}

// verbsRelated reports whether two figures' verbs are close in WordNet:
// synonyms, derived forms, causes ("kill" causes "die") or kin.
func (f *Figures) verbsRelated(a, b Figure) bool {
	if a.verbTok.Text == "" || b.verbTok.Text == "" {
		return false
	}
	return f.relatedVerbs(a.verbTok)[b.Verb] || f.relatedVerbs(b.verbTok)[a.Verb]
}

// relatedVerbs returns the stems close to a verb, memoised per word and tag.
func (f *Figures) relatedVerbs(t lang.Token) map[string]bool {
	key := t.Lower + "\x00" + t.Tag
	if m, ok := f.verbs[key]; ok {
		return m
	}
	m := map[string]bool{}
	for st, w := range f.lang.Related(t) {
		if w >= 0.4 {
			m[st] = true
		}
	}
	for st := range f.lang.Kin(t) {
		m[st] = true
	}
	f.verbs[key] = m
	return m
}

// shared counts the terms two figures' sentences share besides their noun
// and verb.
func shared(a, b Figure) int {
	n := 0
	for t := range a.terms {
		if b.terms[t] && t != a.Noun && t != a.Verb && !lang.HasDigit(t) {
			n++
		}
	}
	return n
}

// groupFigures sorts figures by their interval and merges overlapping
// intervals into groups, in ascending order.
func groupFigures(fs []Figure) [][]Figure {
	fs = append([]Figure(nil), fs...)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Value.Lo < fs[j].Value.Lo })
	var groups [][]Figure
	hi := 0.0
	for _, x := range fs {
		if len(groups) > 0 && x.Value.Lo <= hi {
			groups[len(groups)-1] = append(groups[len(groups)-1], x)
			hi = max(hi, x.Value.Hi)
			continue
		}
		groups = append(groups, []Figure{x})
		hi = x.Value.Hi
	}
	return groups
}

// independent reports whether at least two groups each have an article that
// no other group has: one article giving two figures is not a dispute.
func independent(groups [][]Figure) bool {
	owner := map[string]int{}
	for gi, g := range groups {
		for _, x := range g {
			if o, ok := owner[x.ArticleID]; ok && o != gi {
				owner[x.ArticleID] = -1
			} else if !ok {
				owner[x.ArticleID] = gi
			}
		}
	}
	backed := map[int]bool{}
	for _, gi := range owner {
		if gi >= 0 {
			backed[gi] = true
		}
	}
	return len(backed) >= 2
}

// updated reports whether the groups of a count rise with publication: every
// article of a higher group is dated after every article of each lower group.
func updated(groups [][]Figure) bool {
	if groups[0][0].Value.Type != values.Count {
		return false
	}
	for i := 1; i < len(groups); i++ {
		lowLatest := latest(groups[i-1])
		for _, x := range groups[i] {
			if x.Published.IsZero() || lowLatest.IsZero() || !x.Published.After(lowLatest) {
				return false
			}
		}
	}
	return true
}

func latest(g []Figure) time.Time {
	var t time.Time
	for _, x := range g {
		if x.Published.IsZero() {
			return time.Time{}
		}
		if x.Published.After(t) {
			t = x.Published
		}
	}
	return t
}

// Dispute renders a figure dispute as a numeric Dispute: its topic names
// the kind of figure and the words every article's sentence shares ("share
// (%): troops, withdraw"), each position gives the figures as written and
// one evidence sentence per article.
func (d FigureDispute) Dispute(l *lang.Lang) Dispute {
	first := d.Groups[0][0]
	shared := sharedFigureTerms(d.Groups)
	out := Dispute{Kind: KindNumber, Topic: figureTopic(l, first, shared), Terms: shared}
	for _, g := range d.Groups {
		var p Position
		var labels []string
		seen := map[string]bool{}
		for _, x := range g {
			label := x.Claim
			if len(labels) < 2 && !containsFold(labels, label) {
				labels = append(labels, label)
			}
			if !seen[x.ArticleID] {
				seen[x.ArticleID] = true
				p.Articles = append(p.Articles, x.ArticleID)
				p.Evidence = append(p.Evidence, Evidence{ArticleID: x.ArticleID, Sentence: x.Sentence})
			}
		}
		sort.Strings(p.Articles)
		sort.SliceStable(p.Evidence, func(i, j int) bool { return p.Evidence[i].ArticleID < p.Evidence[j].ArticleID })
		p.Claim = strings.Join(labels, "; ")
		out.Positions = append(out.Positions, p)
	}
	return out
}

func containsFold(xs []string, x string) bool {
	for _, y := range xs {
		if strings.EqualFold(x, y) {
			return true
		}
	}
	return false
}

// sharedFigureTerms returns the terms that every article's sentence in the
// dispute holds (with three articles or more, when those are few, all but
// one), sorted.
func sharedFigureTerms(groups [][]Figure) []string {
	perArt := map[string]map[string]bool{}
	for _, g := range groups {
		for _, x := range g {
			set := perArt[x.ArticleID]
			if set == nil {
				set = map[string]bool{}
				perArt[x.ArticleID] = set
			}
			for t := range x.terms {
				if !lang.HasDigit(t) {
					set[t] = true
				}
			}
		}
	}
	count := map[string]int{}
	for _, set := range perArt {
		for t := range set {
			count[t]++
		}
	}
	var out []string
	for t, n := range count {
		if n == len(perArt) {
			out = append(out, t)
		}
	}
	if len(out) < 3 && len(perArt) >= 3 {
		// one terse report ("about 38,000 litres of the chemical"): the
		// terms all the others share
		out = out[:0]
		for t, n := range count {
			if n >= len(perArt)-1 {
				out = append(out, t)
			}
		}
	}
	sort.Strings(out)
	return out
}

// figureTopic names a figure dispute: the kind of figure, then up to four
// shared words as the first sentence writes them.
func figureTopic(l *lang.Lang, x Figure, shared []string) string {
	v := x.Value
	var what string
	switch {
	case v.Type == values.Percent:
		what = "share (%)"
	case v.Type == values.Money:
		what = "amount (" + strings.TrimPrefix(v.Dim, "money:") + ")"
	case v.Type == values.Count && v.HeadWord != "":
		what = "number of " + strings.ToLower(v.HeadWord)
	case v.Type == values.Count:
		what = "figure"
	default:
		what = v.Type
	}
	surface := map[string]string{}
	for _, w := range lang.Words(x.Sentence) {
		if st := l.Stem(w); surface[st] == "" {
			surface[st] = w
		}
	}
	var words []string
	for _, t := range shared {
		if t == x.Noun && v.Type == values.Count {
			continue
		}
		if w := surface[t]; w != "" {
			words = append(words, w)
		}
		if len(words) == 4 {
			break
		}
	}
	if len(words) == 0 {
		return what
	}
	return what + ": " + strings.Join(words, ", ")
}
