package lang

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/storybot/storybot/bot/lang/wordnet"
)

// Words splits text into lower-case words of letters and digits, without
// tagging: the cheap split for comparing whole articles. A comma or dot
// between digits stays inside the figure ("1,000" gives "1000", "3.5"), a
// possessive is dropped ("Zelensky's" gives "zelensky"), and a currency sign
// gives the word "money" ("€50" is about money).
func Words(text string) []string {
	var out []string
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := strings.ToLower(text[start:end])
		w = strings.TrimSuffix(w, "'s")
		w = strings.TrimSuffix(w, "’s")
		w = strings.Trim(w, "'’")
		w = strings.ReplaceAll(w, ",", "")
		if w != "" {
			out = append(out, w)
		}
		start = -1
	}
	for i, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
		case (r == '\'' || r == '’') && start >= 0:
			// a possessive or contraction, trimmed by flush
		case (r == ',' || r == '.') && start >= 0 && digitAt(text, i-1) && digitAt(text, i+1):
			// a digit group separator or a decimal point
		case unicode.Is(unicode.Sc, r):
			flush(i)
			out = append(out, "money")
		default:
			flush(i)
		}
	}
	flush(len(text))
	return out
}

func digitAt(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsDigit(r)
}

// Light reports whether a lower-case word carries no topic of a news
// question or sentence although it is not a function word: reporting and
// light verbs ("said", "made"), vague nouns ("thing") and words about the
// reports themselves ("article"). Such words never decide what a question
// is about.
func (l *Lang) Light(word string) bool { return l.light[word] }

// Term reports whether a lower-case word is a term: a word of two or more
// characters that is neither a function word nor light.
func (l *Lang) Term(word string) bool {
	if len(word) < 2 || l.stop[word] || l.light[word] {
		return false
	}
	if c, ok := l.chat[word]; ok && (l.stop[c] || l.light[c]) {
		return false
	}
	return true
}

// Terms returns the stems of text's terms (see Term), in order.
func (l *Lang) Terms(text string) []string {
	var out []string
	for _, w := range Words(text) {
		if l.Term(w) {
			out = append(out, l.Stem(w))
		}
	}
	return out
}

// TermSet returns the distinct stems of text's terms, with the stems of
// their irregular base forms ("fled" also gives "flee", "children" also
// "child"), found by WordNet's morphology without tagging.
func (l *Lang) TermSet(text string) map[string]bool {
	m := map[string]bool{}
	for _, w := range Words(text) {
		if !l.Term(w) {
			continue
		}
		m[l.Stem(w)] = true
		for _, b := range l.baseStems(w) {
			m[b] = true
		}
	}
	return m
}

// Acronyms returns, in lower case, the acronyms that runs of capitalised
// words in text spell: the initials of two or more consecutive capitalised
// words, an all-capital word giving all its letters ("US Geological Survey"
// spells "usgs" and "gs"; "National Weather Service" spells "nws"). "of",
// "and", "for" and "the" inside a run are passed over, as acronyms pass over
// them ("Department of Energy" spells "de" and "doe"). Acronyms of two to
// six letters are kept. A text writes a name in full where a question may
// use its acronym.
func Acronyms(text string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(a string) {
		if len(a) >= 2 && len(a) <= 6 && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	var run []string // each capitalised word's letters for the acronym
	var minor []bool // whether the letters may be skipped (a function word)
	flush := func() {
		for i := range run {
			if minor[i] {
				continue
			}
			for j := i + 1; j < len(run); j++ {
				if minor[j] {
					continue
				}
				var a, b strings.Builder
				for k := i; k <= j; k++ {
					if !minor[k] {
						a.WriteString(run[k])
					}
					b.WriteString(run[k])
				}
				add(a.String())
				add(b.String())
			}
		}
		run, minor = run[:0], minor[:0]
	}
	for _, f := range strings.Fields(text) {
		w := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		r, _ := utf8.DecodeRuneInString(w)
		switch lw := strings.ToLower(w); {
		case w != "" && unicode.IsUpper(r):
			if isUpperWord(w) && utf8.RuneCountInString(w) <= 4 {
				run, minor = append(run, lw), append(minor, false)
			} else {
				run, minor = append(run, string(unicode.ToLower(r))), append(minor, false)
			}
		case len(run) > 0 && !minor[len(run)-1] && (lw == "of" || lw == "and" || lw == "for" || lw == "the") && f == w:
			// One function word inside a name; two ("and the") join names.
			run, minor = append(run, string(lw[0])), append(minor, true)
			continue
		default:
			flush()
			continue
		}
		if f != w && strings.ContainsAny(f[len(f)-1:], ",.;:!?)”\"") {
			flush() // punctuation ends the run
		}
	}
	flush()
	return out
}

// isUpperWord reports whether every letter of w is a capital.
func isUpperWord(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) && !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// baseStems returns the stems of a word's verb and noun base forms that
// differ from its own stem.
func (l *Lang) baseStems(w string) []string {
	if l.wn == nil || HasDigit(w) {
		return nil
	}
	key := "\x02" + w
	if v, ok := l.lemmaCache.Load(key); ok {
		return v.([]string)
	}
	var out []string
	own := l.Stem(w)
	for _, pos := range []wordnet.POS{wordnet.Verb, wordnet.Noun} {
		for _, b := range l.wn.Base(w, pos) {
			if strings.ContainsAny(b, " _-") {
				continue
			}
			if s := l.Stem(b); s != own && !contains(out, s) {
				out = append(out, s)
			}
		}
	}
	l.lemmaCache.Store(key, out)
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Similar reports whether two stems are spelling variants of one word:
// equal, or both at least six letters long and one edit apart, where a
// substitution is one of the usual spelling swaps (transliterations such as
// "zelensky"/"zelenskyy", "defence"/"defense", "-ise"/"-ize").
func Similar(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) < 6 || len(b) < 6 || len(a)-len(b) > 1 || len(b)-len(a) > 1 {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	i, j, edits := 0, 0, 0
	for i < len(a) && j < len(b) {
		if a[i] == b[j] {
			i++
			j++
			continue
		}
		edits++
		if edits > 1 {
			return false
		}
		if len(a) == len(b) {
			if !swappable(a[i], b[j]) {
				return false
			}
			i++
		}
		j++
	}
	return edits+(len(b)-j)+(len(a)-i) <= 1
}

// swappable reports letter pairs that spellings of one word swap: c/s
// (defence), s/z (-ise), i/y and j/y (transliterations), c/k, f/v.
func swappable(x, y byte) bool {
	if x > y {
		x, y = y, x
	}
	switch string([]byte{x, y}) {
	case "cs", "sz", "iy", "ck", "jy", "fv":
		return true
	}
	return false
}

// Synonyms returns single-word WordNet synonyms of a tagged token's first
// senses ("storey" for "floor"), lower case, without the word itself: words
// to add to a literal search so that it also finds the other side's
// wording. A synonym is kept only when the shared meaning is one of its own
// first senses and it is a term: "go" shares a rare sense with "die" and would
// bring its other meanings into the search. Verbs use their first sense
// only.
func (l *Lang) Synonyms(t Token) []string {
	if l.wn == nil || !t.Word() {
		return nil
	}
	pos, ok := posOf(t.Tag)
	if !ok || pos == wordnet.Adverb {
		return nil
	}
	n := senses
	if pos == wordnet.Verb {
		n = 1
	}
	var out []string
	for _, s := range l.wn.Senses(t.Lower, pos, wordnet.FirstSenses(n)) {
		for _, v := range s.Synonyms {
			w := strings.ToLower(v)
			if w == t.Lower || v == s.Lemma || strings.ContainsAny(w, " _") || contains(out, w) || !l.Term(w) {
				continue
			}
			if !l.leadingSense(v, pos, s.Synonyms) {
				continue
			}
			out = append(out, w)
		}
	}
	return out
}

// Broader returns the single-word direct hypernyms of a noun's first sense
// ("region" for "territory", "vessel" for "ship"): a report often names a
// thing by its kind.
func (l *Lang) Broader(t Token) []string {
	if l.wn == nil || !t.Noun() || t.Proper() {
		return nil
	}
	var out []string
	for _, b := range l.wn.Base(t.Lower, wordnet.Noun) {
		for _, h := range l.wn.Hypernyms(b, wordnet.Noun, 1, wordnet.FirstSenses(1)) {
			w := strings.ToLower(h)
			if strings.ContainsAny(w, " _") || contains(out, w) || !l.Term(w) {
				continue
			}
			out = append(out, w)
		}
	}
	return out
}

// EventNouns returns the nouns a verb's first sense is derived into in
// WordNet ("injury" for "injured", "death" for "died"), single words that
// are terms: a report often counts or names the event with its noun
// ("injuries rose to 40") where a question uses the verb.
func (l *Lang) EventNouns(t Token) []string {
	if l.wn == nil || !t.Verb() || !t.Word() {
		return nil
	}
	var out []string
	for _, b := range l.wn.Base(t.Lower, wordnet.Verb) {
		for _, r := range l.wn.Related(b, wordnet.Verb, wordnet.FirstSenses(1)) {
			w := strings.ToLower(r.To)
			if r.Kind != wordnet.Derived || r.ToPOS != wordnet.Noun || r.Weight() < 0.8 || strings.ContainsAny(w, " _") || contains(out, w) || l.Stem(w) == l.Stem(b) || !l.Term(w) || l.Person(w) {
				continue
			}
			out = append(out, w)
		}
	}
	return out
}

// PhraseSynonyms returns the single-word WordNet synonyms of a phrasal verb
// ("withdraw" for "pull out"), kept as Synonyms keeps them.
func (l *Lang) PhraseSynonyms(phrase string) []string {
	if l.wn == nil {
		return nil
	}
	var out []string
	for _, s := range l.wn.Senses(phrase, wordnet.Verb, wordnet.FirstSenses(senses)) {
		for _, v := range s.Synonyms {
			w := strings.ToLower(v)
			if strings.ContainsAny(w, " _") || contains(out, w) || !l.Term(w) || !l.leadingSense(v, wordnet.Verb, s.Synonyms) {
				continue
			}
			out = append(out, w)
		}
	}
	return out
}

// maxKinSenses bounds how far down a word's senses Kin looks.
const maxKinSenses = 8

// Kin returns the stems of the words that share a meaning with a tagged
// token where that meaning is the other word's first: "chief" for "head"
// (the fourth sense of "head" is the first of "chief"), so that a rarer
// sense of the asked word still meets a word that is mostly used in it.
// Related covers the asked word's own first senses; Kin adds these, weighted
// 0.8, without the word itself.
func (l *Lang) Kin(t Token) map[string]float64 {
	out := map[string]float64{}
	if l.wn == nil || !t.Word() {
		return out
	}
	pos, ok := posOf(t.Tag)
	if !ok || pos == wordnet.Adverb {
		return out
	}
	key := "\x03" + t.Lower + "\x00" + t.Tag[:2]
	if v, ok := l.relCache.Load(key); ok {
		return v.(map[string]float64)
	}
	own := l.Stem(t.Lower)
	for _, s := range l.wn.Senses(t.Lower, pos, wordnet.FirstSenses(maxKinSenses)) {
		for _, v := range s.Synonyms {
			if v == s.Lemma || strings.ContainsAny(v, " _") {
				continue
			}
			first := l.wn.Senses(v, pos, wordnet.FirstSenses(1))
			if len(first) == 0 || first[0].Lemma != v || !sameWords(first[0].Synonyms, s.Synonyms) {
				continue
			}
			if st := l.Stem(strings.ToLower(v)); st != own {
				out[st] = 0.8
			}
		}
	}
	// An adjective's meaning is a cluster of similar adjectives around a
	// head ("harmful": "injurious", see also "toxic").
	if pos == wordnet.Adjective {
		for _, b := range l.wn.Base(t.Lower, pos) {
			for _, r := range l.wn.Related(b, pos, wordnet.FirstSenses(senses)) {
				if (r.Kind == wordnet.Similar || r.Kind == wordnet.AlsoSee) && r.Weight() >= 0.4 && !strings.ContainsAny(r.To, " _") {
					if st := l.Stem(strings.ToLower(r.To)); st != own && out[st] < 0.6 {
						out[st] = 0.6
					}
				}
			}
		}
	}
	l.relCache.Store(key, out)
	return out
}

// Phrasal reports whether the tokens from i on open a phrasal verb that
// WordNet knows ("pull out", "end up", "call off"): a word followed by a
// particle. It returns the phrase and the number of tokens it spans.
func (l *Lang) Phrasal(toks []Token, i int) (string, int) {
	if l.wn == nil || i+1 >= len(toks) {
		return "", 0
	}
	p := toks[i+1]
	if p.Tag != "RP" && p.Tag != "RB" && p.Tag != "IN" {
		return "", 0
	}
	if !toks[i].Verb() && !toks[i].Noun() {
		return "", 0
	}
	for _, b := range l.wn.Base(toks[i].Lower, wordnet.Verb) {
		if ph := b + " " + p.Lower; l.wn.Has(ph, wordnet.Verb) {
			return ph, 2
		}
	}
	return "", 0
}

// leadingSense reports whether the synset of synonyms is one of the first
// senses of word v.
func (l *Lang) leadingSense(v string, pos wordnet.POS, synonyms []string) bool {
	for _, f := range l.wn.Senses(v, pos, wordnet.FirstSenses(senses)) {
		if f.Lemma == v && sameWords(f.Synonyms, synonyms) {
			return true
		}
	}
	return false
}

func sameWords(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !contains(b, x) {
			return false
		}
	}
	return true
}

// Measure reports whether a lower-case noun names a unit of measurement in
// WordNet ("litres", "barrels", "acres"): a figure of it measures an amount
// of something rather than counting things.
func (l *Lang) Measure(noun string) bool {
	if l.wn == nil {
		return false
	}
	for _, b := range l.wn.Base(noun, wordnet.Noun) {
		if l.wn.IsA(b, wordnet.Noun, "unit of measurement", wordnet.FirstSenses(1)) {
			return true
		}
	}
	return false
}

// EditDistance is the Levenshtein distance of two strings, in bytes. With
// max >= 0 it gives up once the distance exceeds max and returns max+1.
func EditDistance(a, b string, max int) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
			best = min(best, cur[j])
		}
		if max >= 0 && best > max {
			return max + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
