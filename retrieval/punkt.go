package retrieval

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	sentences "gopkg.in/neurosnap/sentences.v1"
	"gopkg.in/neurosnap/sentences.v1/data"
)

// This file re-implements the sentence segmenter of prose v3 (package
// segment: the Punkt algorithm of gopkg.in/neurosnap/sentences with its
// English model and prose's customisations) decision for decision, without
// its per-token allocations and regular expressions: on a news corpus it
// is about five times faster, and splitting sentences was a third of an
// ingest's CPU. It gives the same sentences as prose
// (TestPunktMatchesProse, FuzzPunktMatchesProse; checked on whole corpora
// with STORYBOT_SPLIT_CORPUS).
//
// The rules, in the order prose applies them to the words around sentence
// punctuation ("." "!" "?"):
//  1. type-based: a word ending in "?", "!" or a closing quote or bracket
//     after one or after ".", or containing ".(" and the like, ends a
//     sentence; a word ending in "." is an abbreviation when the model
//     knows it, otherwise it ends a sentence;
//  2. token-based (Punkt §4): collocations, the orthographic heuristic,
//     frequent sentence starters, initials and ordinals;
//  3. prose's multi-punctuation pass: ellipses, closing quotes, and
//     dotted abbreviations such as "U.S." followed by a sentence starter.

// Orthographic context flags of the Punkt model (sentences/ortho.go).
const (
	orthoBegUc = 1 << 1
	orthoMidUc = 1 << 2
	orthoUnkUc = 1 << 3
	orthoBegLc = 1 << 4
	orthoMidLc = 1 << 5
	orthoUnkLc = 1 << 6
	orthoUc    = orthoBegUc + orthoMidUc + orthoUnkUc
	orthoLc    = orthoBegLc + orthoMidLc + orthoUnkLc
)

// proseAbbrevs are the abbreviations prose adds to the English model
// (segment.supervisedAbbrevs).
var proseAbbrevs = []string{"sgt", "gov", "no", "mt"}

// punktModel is the trained English model, read-only once loaded.
type punktModel struct {
	abbrev, colloc, starters, ortho map[string]int
}

var englishPunkt = sync.OnceValues(func() (*punktModel, error) {
	b, err := data.Asset("data/english.json")
	if err != nil {
		return nil, err
	}
	st, err := sentences.LoadTraining(b)
	if err != nil {
		return nil, err
	}
	for _, a := range proseAbbrevs {
		st.AbbrevTypes.Add(a)
	}
	return &punktModel{abbrev: st.AbbrevTypes, colloc: st.Collocations, starters: st.SentStarters, ortho: st.OrthoContext}, nil
})

// punktToken is a word next to sentence punctuation, with its annotations.
type punktToken struct {
	tok       string
	pos       int // byte offset just past the word (where a break falls)
	sentBreak bool
	abbr      bool
	typ       string // Punkt's type of tok, when typed
	typed     bool
}

// punktSplitter segments text; it keeps scratch space and is not safe for
// concurrent use.
type punktSplitter struct {
	m    *punktModel
	toks []punktToken
	key  []byte
}

// split appends the sentences of text (trimmed of white space, empty ones
// dropped) to out, exactly as prose's Segmenter.Segment gives them.
func (s *punktSplitter) split(text string, out []string) []string {
	s.tokenize(text)
	if len(s.toks) == 0 {
		// No sentence punctuation at all: prose's single token ends at
		// the end of the text, one sentence.
		return appendTrimmed(out, text)
	}
	for i := range s.toks {
		s.typeAnnotate(&s.toks[i])
	}
	for i := 0; i+1 < len(s.toks); i++ {
		s.tokenAnnotate(&s.toks[i], &s.toks[i+1])
	}
	for i := 0; i+1 < len(s.toks); i++ {
		s.multiPunctAnnotate(&s.toks[i], &s.toks[i+1])
	}
	last := 0
	for i := range s.toks {
		if t := &s.toks[i]; t.sentBreak {
			out = appendTrimmed(out, text[last:t.pos])
			last = t.pos
		}
	}
	if last != len(text) {
		out = appendTrimmed(out, text[last:])
	}
	return out
}

// appendTrimmed appends s without surrounding white space, unless nothing
// is left.
func appendTrimmed(out []string, s string) []string {
	if s = strings.TrimFunc(s, unicode.IsSpace); s != "" {
		out = append(out, s)
	}
	return out
}

func isUnicodeSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || (r >= '\t' && r <= '\r')
	}
	return unicode.IsSpace(r)
}

// tokenize collects the words that carry sentence punctuation and the word
// after each, as sentences' DefaultWordTokenizer.Tokenize(text, true) does.
// Its words are the runs of text between white space (unicode.IsSpace),
// each ending where the next space starts, or at the end of the text; as
// there, a last word whose final character takes several bytes in UTF-8 is
// not seen.
func (s *punktSplitter) tokenize(text string) {
	s.toks = s.toks[:0]
	n := len(text)
	start := -1        // start of the current word, -1 between words
	punct := false     // the current word has ".", "!" or "?"
	prevPunct := false // the previous word had
	word := func(end int) {
		if punct || prevPunct {
			s.toks = append(s.toks, punktToken{tok: text[start:end], pos: end})
		}
		prevPunct, punct, start = punct, false, -1
	}
	for i := 0; i < n; {
		c := text[i]
		if c < utf8.RuneSelf {
			if c == ' ' || (c >= '\t' && c <= '\r') {
				if start >= 0 {
					word(i)
				}
			} else {
				if start < 0 {
					start = i
				}
				if c == '.' || c == '!' || c == '?' {
					punct = true
				}
				if i == n-1 {
					word(n)
				}
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			if start >= 0 {
				word(i)
			}
		} else if start < 0 {
			start = i
		}
		i += w
	}
}

// typeOf is Punkt's type of a word: lower case, a trailing number replaced
// by "##number##", commas dropped (DefaultWordTokenizer.Type).
func (s *punktSplitter) typeOf(t *punktToken) string {
	if t.typed {
		return t.typ
	}
	typ := strings.ToLower(t.tok)
	if p := numericSuffix(typ); p >= 0 {
		typ = typ[:p] + "##number##"
	}
	if len(typ) != 1 && strings.IndexByte(typ, ',') >= 0 {
		typ = strings.ReplaceAll(typ, ",", "")
	}
	t.typ, t.typed = typ, true
	return typ
}

// numericSuffix returns where the leftmost match of `-?[\.,]?\d[\d,\.-]*\.?$`
// starts in s, or -1.
func numericSuffix(s string) int {
	q := len(s)
	for q > 0 && isNumChar(s[q-1]) {
		q--
	}
	for p := q; p < len(s); p++ {
		i := p
		if s[i] == '-' {
			i++
		}
		if i < len(s) && (s[i] == '.' || s[i] == ',') {
			i++
		}
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			return p
		}
	}
	return -1
}

func isNumChar(c byte) bool { return (c >= '0' && c <= '9') || c == ',' || c == '.' || c == '-' }

// typeNoPeriod is the type without a final period.
func (s *punktSplitter) typeNoPeriod(t *punktToken) string {
	typ := s.typeOf(t)
	if len(typ) > 1 && typ[len(typ)-1] == '.' {
		return typ[:len(typ)-1]
	}
	return typ
}

// typeNoSentPeriod is the type without a final period when t ends a
// sentence.
func (s *punktSplitter) typeNoSentPeriod(t *punktToken) string {
	if t.sentBreak {
		return s.typeNoPeriod(t)
	}
	return s.typeOf(t)
}

func firstUpper(tok string) bool {
	r, _ := utf8.DecodeRuneInString(tok)
	return unicode.IsUpper(r)
}

func firstLower(tok string) bool {
	r, _ := utf8.DecodeRuneInString(tok)
	return unicode.IsLower(r)
}

// isInitial matches `^[A-Za-z]\.$`.
func isInitial(tok string) bool {
	return len(tok) == 2 && tok[1] == '.' && ((tok[0] >= 'a' && tok[0] <= 'z') || (tok[0] >= 'A' && tok[0] <= 'Z'))
}

func isWordByte(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
}

// hasDottedAbbrev reports whether tok contains a match of
// `(?:[\w]\.)+[\w]*\.`, which is so exactly when it contains one of
// `\w\.\w*\.` ("U.S.", "e.g.", "a.m.").
func hasDottedAbbrev(tok string) bool {
	for i := 0; i+2 < len(tok); i++ {
		if !isWordByte(tok[i]) || tok[i+1] != '.' {
			continue
		}
		j := i + 2
		for j < len(tok) && isWordByte(tok[j]) {
			j++
		}
		if j < len(tok) && tok[j] == '.' {
			return true
		}
	}
	return false
}

// proseNotEnder is the one name prose exempts from ending a sentence with
// its "!" (segment.reEntities); kept so that the splits stay prose's.
const proseNotEnder = "Yahoo!"

// hasSentEndChars is prose's wordTokenizer.HasSentEndChars: tok ends with
// "?" or "!", or with one of them or "." and then a closing quote or
// bracket (but "'" only after "?" or "!"), unless it contains
// proseNotEnder; or it contains `."` or one of ".?!" before "[" or "(".
func hasSentEndChars(tok string) bool {
	n := len(tok)
	if n == 0 {
		return false
	}
	// The character before a closing mark of k bytes.
	before := func(k int, marks string) bool {
		return n > k && strings.IndexByte(marks, tok[n-k-1]) >= 0
	}
	end := false
	switch tok[n-1] {
	case '?', '!':
		end = true
	case '"', ')':
		end = before(1, ".?!")
	case '\'':
		end = before(1, "?!")
	case '\x99', '\x9d': // ’ and ” are E2 80 99 and E2 80 9D
		end = n >= 3 && tok[n-3] == 0xe2 && tok[n-2] == 0x80 && before(3, ".?!")
	}
	if end && (strings.IndexByte(tok, '!') < 0 || !strings.Contains(tok, proseNotEnder)) {
		return true
	}
	for i := 1; i < n; i++ {
		switch tok[i] {
		case '[', '(':
			if c := tok[i-1]; c == '.' || c == '?' || c == '!' {
				return true
			}
		case '"':
			if tok[i-1] == '.' {
				return true
			}
		}
	}
	return false
}

// typeAnnotate is TypeBasedAnnotation.
func (s *punktSplitter) typeAnnotate(t *punktToken) {
	switch {
	case hasSentEndChars(t.tok):
		t.sentBreak = true
	case strings.HasSuffix(t.tok, ".") && !strings.HasSuffix(t.tok, ".."):
		// prose cuts the word at its length in runes minus one, in bytes:
		// for a word with multi-byte characters that is short of the
		// period. Kept, to give the same sentences.
		noPeriod := strings.ToLower(t.tok[:utf8.RuneCountInString(t.tok)-1])
		lastPart := noPeriod[strings.LastIndexByte(noPeriod, '-')+1:]
		if s.m.abbrev[noPeriod] != 0 || s.m.abbrev[lastPart] != 0 {
			t.abbr = true
		} else {
			t.sentBreak = true
		}
	}
}

// orthoHeuristic is Punkt's orthographic heuristic: 1 when t starts a
// sentence, 0 when it does not, -1 when unknown.
func (s *punktSplitter) orthoHeuristic(t *punktToken) int {
	if len(t.tok) == 1 && strings.IndexByte(";:,.!?", t.tok[0]) >= 0 {
		return 0
	}
	ctx := s.m.ortho[s.typeNoSentPeriod(t)]
	if firstUpper(t.tok) && ctx&orthoLc > 0 && ctx&orthoMidUc == 0 {
		return 1
	}
	if firstLower(t.tok) && (ctx&orthoUc > 0 || ctx&orthoBegLc == 0) {
		return 0
	}
	return -1
}

// isCollocation looks up "a,b" in the model's collocations.
func (s *punktSplitter) isCollocation(a, b string) bool {
	s.key = append(append(append(s.key[:0], a...), ','), b...)
	return s.m.colloc[string(s.key)] != 0
}

// tokenAnnotate is TokenBasedAnnotation.tokenAnnotation.
func (s *punktSplitter) tokenAnnotate(one, two *punktToken) {
	if !strings.HasSuffix(one.tok, ".") {
		return
	}
	typ := s.typeNoPeriod(one)
	nextTyp := s.typeNoSentPeriod(two)
	initial := isInitial(one.tok)
	if s.isCollocation(typ, nextTyp) {
		one.sentBreak, one.abbr = false, true
		return
	}
	if (one.abbr || strings.HasSuffix(one.tok, "..")) && !initial {
		if s.orthoHeuristic(two) == 1 {
			one.sentBreak = true
			return
		}
		if firstUpper(two.tok) && s.m.starters[nextTyp] != 0 {
			one.sentBreak = true
			return
		}
	}
	if one.tok == "." && two.tok == "." {
		one.sentBreak, two.sentBreak = false, false
		return
	}
	if initial || typ == "##number##" {
		h := s.orthoHeuristic(two)
		if h == 0 {
			one.sentBreak, one.abbr = false, true
			return
		}
		if h == -1 && initial && firstUpper(two.tok) && s.m.ortho[nextTyp]&orthoLc == 0 {
			one.sentBreak, one.abbr = false, true
		}
	}
}

// looksInternal reports whether tok ends with punctuation that also occurs
// inside sentences (a closing bracket or quote).
func looksInternal(tok string) bool {
	for _, p := range [...]string{")", `’`, `”`, `"`, `'`} {
		if strings.HasSuffix(tok, p) {
			return true
		}
	}
	return false
}

// multiPunctAnnotate is prose's multiPunctWordAnnotation.tokenAnnotation.
// (Its check of the last word for a newline and a space never applies to
// the words tokenize makes, which hold no white space.)
func (s *punktSplitter) multiPunctAnnotate(one, two *punktToken) {
	endsPeriod := strings.HasSuffix(one.tok, ".")
	if endsPeriod && two.tok == "." {
		one.sentBreak, two.sentBreak = false, false
		return
	}
	nextTyp, typed := "", false
	nonBreak := endsPeriod && !one.sentBreak
	ellipsis := strings.Contains(one.tok, "...") // `(?:\.\s?){2,}\.` on a word without spaces
	internal := one.sentBreak && looksInternal(one.tok)
	if nonBreak || ellipsis || internal {
		nextTyp, typed = s.typeNoSentPeriod(two), true
		starter := s.m.starters[nextTyp]
		if ellipsis && (firstUpper(two.tok) || starter != 0) {
			one.sentBreak = true
			return
		}
		if internal && firstLower(two.tok) && starter == 0 {
			one.sentBreak = false
			return
		}
		if nonBreak && firstUpper(two.tok) && s.m.ortho[nextTyp]&(orthoBegLc|orthoMidLc|orthoUnkLc) != 0 {
			one.sentBreak = true
		}
	}
	if !hasDottedAbbrev(one.tok) || isInitial(one.tok) {
		return
	}
	one.abbr, one.sentBreak = true, false
	if s.orthoHeuristic(two) == 1 {
		one.sentBreak = true
		return
	}
	if !typed || nextTyp == "" {
		nextTyp = s.typeNoSentPeriod(two)
	}
	if firstUpper(two.tok) && s.m.starters[nextTyp] != 0 {
		one.sentBreak = true
	}
}
