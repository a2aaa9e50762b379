// Package values answers factoid questions from retrieved sentences, the
// way TREC question answering systems do: it reads the question's expected
// answer type, focus and constraints (Analyze), reads typed values out of
// the sentences (figures with units, dates, clock times, directions, names)
// and attaches each to the noun it counts or the words around it, then
// compares the values across articles (Engine.Answer): values that agree
// cluster together, incompatible clusters each backed by an article are a
// conflict, and no typed value attached to the focus is an abstention.
//
// It knows no story: every rule is about English and news writing, and the
// word lists it uses are the lexicons of package lang.
package values

import (
	"strings"

	"github.com/storybot/storybot/bot/lang"
)

// Answer types a question can ask for.
const (
	Count    = "count"
	Amount   = "amount"
	Money    = "money"
	Length   = "length"
	Duration = "duration"
	Mass     = "mass"
	Area     = "area"
	Volume   = "volume"
	Speed    = "speed"
	Age      = "age"
	Percent  = "percent"
	Degree   = "degree"
	Date     = "date"
	Weekday  = "weekday"
	Time     = "time"
	Person   = "person"
	Org      = "org"
	Place    = "place"
	Name     = "name"
	// KindOf is a common noun of the asked kind ("hockey" for "what
	// sport"): it answers, but never disputes another answer.
	KindOf    = "kind"
	Direction = "direction"
	YesNo     = "yesno"
	Describe  = "describe"
	// Title is the title or function a person holds ("chief executive").
	Title = "title"
	// Define is the class a defining sentence gives a thing ("Ana Ruiz is
	// a British architect": architect): its profession, genre or medium.
	Define = "define"
)

// Term is one content word of a question.
type Term struct {
	Word string // lower case, as written (chat shorthand expanded)
	Stem string
	Noun bool
	Verb bool
	// Adj is set for modifiers (adjectives, adverbs): they weigh least.
	Adj bool
	// Modifier is set for an adjective before a noun ("original" in "the
	// original bridge"): it tells one thing from another of its kind.
	Modifier bool
	// Described is set for a word of an appositive after a name ("Ana
	// Ruiz, the last worker found"): it describes the named one and does
	// not tell it from another.
	Described bool
	// Qualifier is set for a proper name before a common noun ("Bangkok"
	// in "the Bangkok tower"): it tells that thing from others of its kind.
	Qualifier bool
	// Name is set for a word of a proper name ("Ostel" in "the Ostel
	// bridge"): a text about the thing names it once, and its next
	// sentences may leave the name out ("The bridge opened in 1970").
	Name bool
	// Rel maps the stems the word matches in text to the strength of the
	// match: its own (1), base forms, WordNet synonyms and derived forms.
	Rel map[string]float64
}

// Match returns how strongly a token with these stems matches the term.
func (t Term) Match(stems []string) float64 {
	best := 0.0
	for _, s := range stems {
		if s == t.Stem {
			return 1
		}
		if w := t.Rel[s]; w > best {
			best = w
		}
	}
	return best
}

// Query is an analysed question.
type Query struct {
	Text string
	// Types are the answer types the question asks for, most likely first.
	Types []string
	// Category is the kind of thing a "which X" or "the name of the X"
	// question asks for (its stem), or "".
	Category string
	// Kind is the category as written ("sport" in "what sport"): a common
	// noun that WordNet files under it ("hockey") answers too.
	Kind string
	// Counted are the stems of the noun run a "how many" or measure
	// question asks about ("crew members": crew, member); the last is its head.
	Counted []string
	// Focus are the question's content words outside the question phrase.
	Focus []Term
	// Dates are calendar constraints the question names.
	Dates []lang.Date
	// Unit is a unit the question asks the answer in ("in miles").
	Unit string
	// Plural is set when the asked kind is plural ("which countries",
	// "the names of the workers"): several answers do not conflict.
	Plural bool
	// Dimension is the measure adjective of a "how deep", "how long"
	// question: a value with it (or its noun, "depth") beside it is the
	// measure asked for.
	Dimension *Term
	// Explicit is set when the question asks for a name in so many words
	// ("what is the name of..."): without one, it abstains.
	Explicit bool
	// Owner are the stems of the nouns that own the asked kind ("ferry" in
	// "the ferry's captain"): an answer's sentence must name one.
	Owner []string
	// Options are the alternatives a question names ("8 or 9").
	Options []string
	// Anchors are figures the question gives to say which report it means
	// ("when the agency said 40 had died, how many were hurt?"): the
	// answer's passage gives them too, and they are not the answer.
	Anchors []lang.Quantity
	// From are the stems of the place a "which direction from X" question
	// measures from ("sagaing"): a direction "of" another focus word is
	// measured from that one instead.
	From []string
	// Scene is the text of a fronted clause that says which report is
	// meant ("when the agency said 40 had died"), or "".
	Scene string
}

// Typed reports whether the question asks for a value the extractor reads
// (anything but a description or a yes/no).
func (q Query) Typed() bool {
	for _, t := range q.Types {
		if t != Describe && t != YesNo {
			return true
		}
	}
	return false
}

// Wants reports whether the question accepts answer type t.
func (q Query) Wants(t string) bool {
	for _, x := range q.Types {
		if x == t {
			return true
		}
	}
	return false
}

// hasFocus reports whether stem is one of the question's focus words.
func (q Query) hasFocus(stem string) bool {
	for _, t := range q.Focus {
		if t.Stem == stem {
			return true
		}
	}
	return false
}

// MaxFocus bounds the focus words kept from one question, so a huge
// question costs no more to answer than a long one.
const MaxFocus = 24

// Analyze reads a question.
func Analyze(l *lang.Lang, text string) Query {
	q := Query{Text: text}
	toks := expandChat(l, l.Tokens(text))
	// The question phrase: the longest one anywhere, earliest on ties,
	// ignoring auxiliaries that do not open the question.
	best, bestAt, bestN := []string(nil), -1, 0
	for i := range toks {
		ty, n := l.QuestionTypes(toks, i)
		if n == 0 {
			continue
		}
		if ty[0] == YesNo && i > 0 && !(i == 1 && !toks[0].Word()) {
			continue
		}
		if n > bestN || bestAt < 0 {
			best, bestAt, bestN = ty, i, n
		}
	}
	used := make([]bool, len(toks))
	// A typed question's other sentences are chatter ("what magnitude was
	// it? i keep seeing different numbers"): only units and type words in
	// them count, read below.
	main := sentenceOf(toks, bestAt)
	for i := range toks {
		if _, n := l.QuestionTypes(toks, i); n > 1 {
			for k := i; k < i+n; k++ {
				used[k] = true
			}
		}
	}
	if bestAt >= 0 {
		q.Types = append(q.Types, best...)
		for k := bestAt; k < bestAt+bestN; k++ {
			used[k] = true
			// "how deep", "what magnitude": the measure named by an adjective
			// or by a noun of a figure question.
			// After "how" the word is an adjective by grammar ("how deep"),
			// whatever its tag; after "what" it is a noun ("what magnitude").
			if bestN == 2 && k == bestAt+1 && (toks[bestAt].Lower == "how" && (toks[k].Adj() || toks[k].Noun()) || toks[bestAt].Lower != "how" && toks[k].Noun() && wantsFigure(Query{Types: best})) {
				tk := toks[k]
				noun := toks[bestAt].Lower != "how"
				if !noun {
					tk.Tag = "JJ"
				}
				t := Term{Word: tk.Lower, Stem: l.Stem(tk.Lower), Adj: !noun, Noun: noun, Rel: l.Related(tk)}
				q.Dimension = &t
			}
		}
		after := bestAt + bestN
		// "the population of": the noun before "of" names the measure.
		if bestN >= 2 && toks[after-1].Lower == "of" && toks[after-2].Noun() && wantsFigure(Query{Types: best}) && q.Dimension == nil {
			t := toks[after-2]
			q.Dimension = &Term{Word: t.Lower, Stem: l.Stem(t.Lower), Noun: true, Rel: l.Related(t)}
		}
		// "what river", "which airline": the noun after what/which names the kind of answer.
		// The word after "what" or "which" is a noun by grammar, whatever
		// its tag, unless it is an auxiliary or a function word.
		if w := toks[bestAt].Lower; bestN == 1 && (w == "what" || w == "which") && after < len(toks) && l.Content(toks[after]) && !toks[after].Verb() || bestN == 1 && w == "which" && after < len(toks) && l.Content(toks[after]) {
			k := after
			for k < len(toks) && (toks[k].Adj() && k+1 < len(toks) && toks[k+1].Noun()) {
				k++
			}
			for k+1 < len(toks) && toks[k+1].Noun() && !l.Stop(toks[k+1].Lower) && l.Content(toks[k+1]) && !l.InflectedVerb(toks[k+1].Lower) {
				k++
			}
			q.Types, q.Category, q.Kind = []string{Name}, l.Stem(toks[k].Lower), toks[k].Lower
			q.Plural = l.Plural(toks[k].Lower)
			used[k] = true
		}
		// "the name of the X": X is the kind of answer.
		for k := range toks {
			if toks[k].Lower == "name" || toks[k].Lower == "names" {
				if k+1 < len(toks) && toks[k+1].Lower == "of" {
					h := -1
					for m := k + 2; m < len(toks) && m < k+8; m++ {
						if toks[m].Noun() {
							h = m
						} else if h >= 0 && !(toks[m].Text == "'s" || toks[m].Text == "’s") {
							break
						}
					}
					if h >= 0 {
						q.Explicit = true
						q.Types, q.Category, q.Kind = []string{Name}, l.Stem(toks[h].Lower), toks[h].Lower
						q.Plural = toks[k].Lower == "names" || l.Plural(toks[h].Lower)
						used[h] = true
						used[k], used[k+1] = true, true
					}
				}
			}
		}
		// The counted noun run of a count or measure question.
		if q.Wants(Count) || q.Wants(Amount) || q.Wants(Money) || q.Wants(Length) || q.Wants(Duration) {
			k := after
			for k < len(toks) && (toks[k].Adj() || toks[k].Tag == "VBN" || toks[k].Lower == "of" || toks[k].Lower == "the") && k < after+3 {
				k++
			}
			// The word after "how many" is a noun by grammar, whatever the
			// tagger says ("crew" in "how many crew members"); the nouns after
			// it belong to the run.
			for k < len(toks) && l.Content(toks[k]) && (toks[k].Noun() || k == after || k+1 < len(toks) && toks[k+1].Noun() && toks[k].Verb()) && !(k > after && toks[k].Verb()) {
				if _, isUnit := l.UnitDim(toks[k].Lower); isUnit {
					break
				}
				q.Counted = append(q.Counted, l.Stem(toks[k].Lower))
				k++
			}
			// A proper name after the phrase ("the population of Port
			// Ellis") names the owner of the figure, not what it counts.
			if k > after && toks[k-1].Proper() && toks[after].Proper() {
				q.Counted = nil
			}
		}
	}
	if len(q.Types) == 0 {
		q.Types = []string{Describe}
	}
	// "what is Ana Ruiz's job?": a title question with its noun after the
	// name it belongs to, asked as "what job" would ask it.
	if q.Wants(Describe) && bestAt >= 0 && toks[bestAt].Lower == "what" {
		for k := bestAt + 2; k < len(toks); k++ {
			if toks[k-1].Text != "'s" && toks[k-1].Text != "’s" {
				continue
			}
			if ty, n := l.QuestionTypes([]lang.Token{toks[bestAt], toks[k]}, 0); n == 2 && (ty[0] == Title || ty[0] == Define) {
				q.Types = []string{ty[0]}
				used[k] = true
			}
		}
	}
	// "in miles", "how many feet": a unit of measure names the dimension asked for.
	for k := 0; k < len(toks); k++ {
		dim, ok := l.UnitDim(toks[k].Lower)
		// A capitalised unit word inside a question is part of a name
		// ("the genre of Six Feet Under").
		if k > 0 && toks[k].Text != toks[k].Lower && toks[k].Text[0] >= 'A' && toks[k].Text[0] <= 'Z' {
			ok = false
		}
		if !ok || !toks[k].Word() || dim == "duration" && !(k > 0 && (toks[k-1].Lower == "in" || toks[k-1].Lower == "many")) {
			continue
		}
		if q.Unit == "" {
			q.Unit = dim
			q.Types = []string{dim}
		}
		used[k] = true
		q.Counted = nil
	}
	// "the ferry's captain", "captain of the ship": the owner of the asked
	// kind constrains the answer.
	if q.Category != "" {
		for k := range toks {
			if l.Stem(toks[k].Lower) != q.Category {
				continue
			}
			if k >= 2 && (toks[k-1].Text == "'s" || toks[k-1].Text == "’s") && toks[k-2].Noun() {
				q.Owner = append(q.Owner, l.Stem(toks[k-2].Lower))
			}
			if k+2 < len(toks) && toks[k+1].Lower == "of" {
				for m := k + 2; m < len(toks) && m < k+5; m++ {
					if toks[m].Noun() {
						q.Owner = append(q.Owner, l.Stem(toks[m].Lower))
						break
					}
				}
			}
		}
	}
	// "in dollars", "how much in euros": a currency names money as the answer.
	for k := 1; k < len(toks); k++ {
		if _, ok := l.Currency(toks[k].Lower); ok && toks[k].Word() && toks[k-1].Lower == "in" {
			q.Types, q.Unit = []string{Money}, Money
			used[k] = true
		}
	}
	if q.Wants(Money) {
		for k := range toks {
			if _, ok := l.Currency(toks[k].Lower); ok && !toks[k].Word() {
				used[k] = true
			}
		}
	}
	// Options: "X or Y" in a question that is not about a yes or a no.
	for k := 1; k+1 < len(toks); k++ {
		if toks[k].Lower == "or" && toks[k+1].Lower != "not" && toks[k+1].Word() && toks[k-1].Word() {
			q.Options = append(q.Options, toks[k-1].Lower, toks[k+1].Lower)
		}
	}
	for _, d := range l.Dates(toks) {
		q.Dates = append(q.Dates, d)
		for k := d.Start; k < d.End; k++ {
			used[k] = true
		}
	}
	// A fronted clause ("when the agency said 40 had died, how many were
	// hurt?") says which report is meant, not what is asked: its figures
	// anchor the answer, its words are not the focus.
	scene := 0
	if bestAt > 0 {
		if _, n0 := l.QuestionTypes(toks, 0); n0 > 0 && sceneOpens(toks, n0) {
			for k := n0; k < bestAt; k++ {
				if toks[k].Text == "," {
					scene = k
				}
			}
			if scene > 0 {
				q.Scene = strings.TrimSpace(text[toks[0].Start:toks[scene].Start])
			}
		}
	}
	if q.Typed() {
		for _, x := range l.Quantities(toks, used) {
			if hasDigitIn(toks[x.Start:x.End]) {
				q.Anchors = append(q.Anchors, x)
			}
		}
	}
	if q.Wants(Direction) {
		for k := 0; k+1 < len(toks); k++ {
			if toks[k].Lower != "from" {
				continue
			}
			// The place's words run to the verb or the next preposition
			// (a name may be tagged as anything: "Sagaing" as a verb).
			for m := k + 1; m < len(toks) && toks[m].Word() && !auxiliary(toks[m].Lower) && toks[m].Tag != "IN" && toks[m].Tag != "TO"; m++ {
				if l.Content(toks[m]) {
					q.From = append(q.From, l.Stem(toks[m].Lower))
				}
			}
			break
		}
	}
	appos := appositives(toks)
	if bestAt >= 0 {
		for k, in := range sceneClauses(toks, bestAt+bestN) {
			appos[k] = appos[k] || in
		}
		for k, in := range relativeClauses(toks, bestAt+bestN) {
			appos[k] = appos[k] || in
		}
	}
	seen := map[string]bool{}
	for k, t := range toks {
		if len(q.Focus) >= MaxFocus {
			break // a question is about a few things; the rest of a huge one is noise
		}
		if q.Typed() && bestAt >= 0 && (k < main[0] || k >= main[1]) {
			continue
		}
		if k < scene || used[k] || !l.Content(t) || l.IsNumeral(t) && !lang.HasDigit(t.Text) || q.Typed() && l.TypeWord(t.Lower) {
			continue
		}
		st := l.Stem(t.Lower)
		if seen[st] || st == "" {
			continue
		}
		seen[st] = true
		term := Term{Word: t.Lower, Stem: st, Noun: t.Noun(), Verb: t.Verb(), Adj: !t.Noun() && !t.Verb(), Rel: l.Related(t)}
		term.Described = appos[k]
		term.Name = k > 0 && t.Text != t.Lower && t.Text[0] >= 'A' && t.Text[0] <= 'Z'
		term.Modifier = t.Adj() && k+1 < len(toks) && toks[k+1].Noun() && !term.Described
		term.Qualifier = term.Name && k+1 < len(toks) && toks[k+1].Noun() && !toks[k+1].Proper() && !term.Described
		// A phrasal verb matches its one-word synonyms: "pull out" matches
		// "withdraw".
		if t.Verb() && k+1 < len(toks) && (toks[k+1].Tag == "RP" || toks[k+1].Tag == "IN" || toks[k+1].Tag == "RB") {
			if rel := l.PhraseRelated(t.Lower+" "+toks[k+1].Lower, true); len(rel) > 0 {
				merged := map[string]float64{}
				for s, w := range term.Rel {
					merged[s] = w
				}
				for s, w := range rel {
					if w > merged[s] {
						merged[s] = w
					}
				}
				term.Rel = merged
			}
		}
		q.Focus = append(q.Focus, term)
	}
	return q
}

func hasDigitIn(toks []lang.Token) bool {
	for _, t := range toks {
		if lang.HasDigit(t.Text) {
			return true
		}
	}
	return false
}

// appositives marks the tokens of appositives that follow a proper name:
// ", the last worker they found" after "Ana Ruiz". An appositive runs from
// a determiner after the comma to the next comma or the end of the sentence.
func appositives(toks []lang.Token) []bool {
	out := make([]bool, len(toks))
	for k := 2; k < len(toks); k++ {
		if toks[k-1].Text != "," || !strings.HasPrefix(toks[k-2].Tag, "NNP") || toks[k].Tag != "DT" {
			continue
		}
		for m := k; m < len(toks) && toks[m].Text != "," && toks[m].Text != "?" && toks[m].Text != "." && toks[m].Text != "!"; m++ {
			out[m] = true
		}
	}
	return out
}

// relativeClauses marks the tokens of a relative clause on a noun of the
// question ("who led the team that pulled out the worker?") when the
// question has a content verb of its own before it ("led"): the asked
// thing is what that verb says, and the clause only tells which team,
// something the answer's passage says but its sentence may leave out. A
// question whose only verb is in the clause ("what is the name of the
// firm that built it?") keeps the clause's words as its focus.
func relativeClauses(toks []lang.Token, from int) []bool {
	out := make([]bool, len(toks))
	verb := false
	for k := max(from, 1); k+1 < len(toks); k++ {
		t := toks[k]
		if t.Verb() && !auxiliary(t.Lower) {
			verb = true
		}
		if !verb || (t.Lower != "that" && t.Lower != "who" && t.Lower != "which") || !toks[k-1].Noun() || !toks[k+1].Verb() {
			continue
		}
		for m := k; m < len(toks) && toks[m].Text != "," && toks[m].Text != "?" && toks[m].Text != "." && toks[m].Text != "!"; m++ {
			out[m] = true
		}
		break
	}
	return out
}

// auxiliary reports whether a lower-case verb form only carries tense,
// voice or mood ("is", "did", "has", "will").
func auxiliary(w string) bool {
	switch w {
	case "is", "are", "was", "were", "be", "been", "being", "am", "'s",
		"do", "does", "did", "has", "have", "had",
		"will", "would", "can", "could", "may", "might", "shall", "should", "must":
		return true
	}
	return false
}

// sceneClauses marks the tokens of a subordinate clause after the question
// phrase ("... when it fell down?", "... after the dam burst?"): it says
// when, not which thing. A clause opens with a subordinating word (tagged
// WRB or IN) before a subject, and holds a finite verb; a prepositional
// phrase ("in the collapse") has none.
func sceneClauses(toks []lang.Token, from int) []bool {
	out := make([]bool, len(toks))
	for k := max(from, 1); k+1 < len(toks); k++ {
		if (toks[k].Tag != "WRB" && toks[k].Tag != "IN") || !subjectStart(toks[k+1]) {
			continue
		}
		// The subject, a simple noun phrase, then its finite verb.
		v := k + 1
		for v < len(toks) && (subjectStart(toks[v]) || toks[v].Adj() || toks[v].Tag == "POS") {
			v++
		}
		finite := false
		if v < len(toks) {
			switch toks[v].Tag {
			case "VBD", "VBZ", "VBP", "MD":
				finite = true
			}
		}
		end := v
		for end < len(toks) && toks[end].Text != "," && toks[end].Text != "?" && toks[end].Text != "." && toks[end].Text != "!" {
			end++
		}
		if finite {
			for m := k; m < end; m++ {
				out[m] = true
			}
			k = end
		}
	}
	return out
}

// expandChat replaces chat shorthand by the words it stands for and
// re-tags the result, so "whats" reads as "what is".
func expandChat(l *lang.Lang, toks []lang.Token) []lang.Token {
	changed := false
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.Text
		if c := l.Chat(t.Lower); c != t.Lower {
			words[i], changed = c, true
		}
	}
	if !changed {
		return toks
	}
	return l.Tokens(strings.Join(words, " "))
}

// Split divides a compound question ("who rescued him and how long was he
// stuck?") into its questions; a simple question is returned alone.
func Split(l *lang.Lang, text string) []string {
	toks := l.Tokens(text)
	for k := 1; k+1 < len(toks); k++ {
		if toks[k].Lower != "and" && toks[k].Lower != "," {
			continue
		}
		ty, n := l.QuestionTypes(toks, k+1)
		if n == 0 || ty[0] == YesNo || ty[0] == Describe && toks[k+1].Lower != "why" {
			continue
		}
		// Both halves must ask something: the first needs its own question
		// word, and a question word before a subject opens a clause that
		// sets the scene ("when the agency said 40 had died, how many...").
		if _, n0 := l.QuestionTypes(toks, 0); n0 == 0 || sceneOpens(toks, n0) {
			continue
		}
		return []string{strings.TrimSpace(text[:toks[k].Start]), strings.TrimSpace(text[toks[k+1].Start:])}
	}
	return []string{text}
}

// sceneOpens reports whether a question opens with a clause that sets the
// scene: a wh-adverb other than "how" ("when", "where") before a subject,
// not a question word that asks ("which company...", "how many...").
func sceneOpens(toks []lang.Token, n0 int) bool {
	return n0 < len(toks) && toks[0].Tag == "WRB" && toks[0].Lower != "how" && subjectStart(toks[n0])
}

// subjectStart reports whether a token opens a noun phrase (a determiner,
// pronoun, noun or figure) rather than a verb.
func subjectStart(t lang.Token) bool {
	switch {
	case t.Tag == "DT", t.Tag == "PRP", t.Tag == "PRP$", t.Tag == "CD":
		return t.Lower != "that" && t.Lower != "this"
	case strings.HasPrefix(t.Tag, "NN"):
		return true
	}
	return false
}

// FollowUp completes a follow-up question with an earlier one: the
// follow-up keeps its own answer type and words, and gains the earlier
// question's focus words it lacks (the thing "it" refers to).
func FollowUp(q, prev Query) Query {
	if !q.Typed() && prev.Typed() && len(q.Focus) == 0 {
		q.Types, q.Category, q.Kind, q.Counted = prev.Types, prev.Category, prev.Kind, prev.Counted
	}
	for _, t := range prev.Focus {
		if !q.hasFocus(t.Stem) && t.Noun {
			q.Focus = append(q.Focus, t)
		}
	}
	if prev.Category != "" && !q.hasFocus(prev.Category) && prev.Category != q.Category {
		q.Focus = append(q.Focus, Term{Word: prev.Category, Stem: prev.Category, Noun: true})
	}
	return q
}

// LeansOnThread reports whether a question refers back to an earlier turn:
// it holds a personal or demonstrative pronoun, or fewer than two content words.
func LeansOnThread(l *lang.Lang, text string) bool {
	n := 0
	for _, t := range l.Tokens(text) {
		if t.Tag == "PRP" || t.Tag == "PRP$" || (t.Lower == "this" || t.Lower == "that" || t.Lower == "those" || t.Lower == "these") && t.Tag == "DT" {
			if t.Lower != "i" && t.Lower != "you" && t.Lower != "we" {
				return true
			}
		}
		if l.Content(t) {
			n++
		}
	}
	return n < 2
}

// sentenceOf returns the token span [start, end) of the sentence of the
// question holding token i (the whole question when i < 0).
func sentenceOf(toks []lang.Token, i int) [2]int {
	if i < 0 {
		return [2]int{0, len(toks)}
	}
	start, end := 0, len(toks)
	for k := i - 1; k >= 0; k-- {
		if toks[k].Text == "?" || toks[k].Text == "!" || toks[k].Text == "." {
			start = k + 1
			break
		}
	}
	for k := i; k < len(toks); k++ {
		if toks[k].Text == "?" || toks[k].Text == "!" || toks[k].Text == "." {
			end = k + 1
			break
		}
	}
	return [2]int{start, end}
}
