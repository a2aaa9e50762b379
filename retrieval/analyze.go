package retrieval

import (
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The passage index analyses text with bleve's English analysis (Unicode
// word segmentation, English possessives, lower case, English stop words,
// Porter stemming; english.go): retrieval quality rests on it. Running it on every word
// of a corpus costs more than the rest of an ingest, so an analyzer splits
// text at ASCII white space, which is a word boundary under Unicode's rules
// (UAX #29), and memoises the terms of each piece: a corpus repeats the
// same pieces ("the", "said,", "U.S.") millions of times. Text in which a
// combining mark or format character follows white space (where UAX #29
// would join it to the space), or that is not valid UTF-8, is analysed
// whole, without the cache.

// maxPieceCache bounds the memo of one analyzer (pieces seen once, like
// numbers, would otherwise grow it without end).
const maxPieceCache = 1 << 19

// termDict numbers terms for one build of the index, so that counting and
// postings work on small integers instead of strings. It is safe for
// concurrent use; analyzers consult it only for pieces they have not met.
type termDict struct {
	mu    sync.Mutex
	ids   map[string]uint32
	terms []string
}

func newTermDict() *termDict { return &termDict{ids: map[string]uint32{}} }

// id returns the number of term t, assigning the next one to a new term.
func (d *termDict) id(t string) uint32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	if id, ok := d.ids[t]; ok {
		return id
	}
	id := uint32(len(d.terms))
	d.ids[t] = id
	d.terms = append(d.terms, t)
	return id
}

// term returns the term numbered id.
func (d *termDict) term(id uint32) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.terms[id]
}

// size returns the number of terms.
func (d *termDict) size() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.terms)
}

// analyzer turns text into index terms. It is not safe for concurrent use:
// each goroutine has its own (they share the term dictionary, which is).
type analyzer struct {
	dict  *termDict
	cache *pieceCache // piece → its terms' numbers
	// seen is scratch for counting: term number → position + 1 in the
	// passage's list of distinct terms, 0 when not in it.
	seen []int32
}

func newAnalyzer(dict *termDict) (*analyzer, error) {
	return &analyzer{dict: dict, cache: newPieceCache(1 << 14)}, nil
}

// bleveTerms analyses s whole with the English analysis.
func (a *analyzer) bleveTerms(s string, out []string) []string {
	for _, t := range analyzeEnglish([]byte(s)) {
		out = append(out, string(t))
	}
	return out
}

// bleveIDs analyses s whole with the English analysis and numbers the terms.
func (a *analyzer) bleveIDs(s string, out []uint32) []uint32 {
	for _, t := range analyzeEnglish([]byte(s)) {
		out = append(out, a.dict.id(string(t)))
	}
	return out
}

// termIDs appends the numbers of the index terms of text to out, in order,
// with repeats: exactly the terms bleve's English analyzer gives.
func (a *analyzer) termIDs(text string, out []uint32) []uint32 {
	if ids, ok := a.pieceIDs(text, out, false); ok {
		return ids
	}
	return a.bleveIDs(text, out)
}

// pieceIDs appends the terms of text piece by piece, from the memo. When
// the pieces would not give bleve's terms (broken UTF-8, whose handling is
// the segmenter's own, or a character that joins the white space before
// it, at the start of text too when afterSpace), it returns out unchanged
// and false: text must be analysed whole.
func (a *analyzer) pieceIDs(text string, out []uint32, afterSpace bool) ([]uint32, bool) {
	start := len(out)
	i := 0
	for i < len(text) {
		for i < len(text) && isASCIISpace(text[i]) {
			i++
		}
		j := i
		ascii := true
		for j < len(text) && !isASCIISpace(text[j]) {
			if text[j] >= utf8.RuneSelf {
				ascii = false
			}
			j++
		}
		if j == i {
			break
		}
		piece := text[i:j]
		if !ascii && (!utf8.ValidString(piece) || ((i > 0 || afterSpace) && joinsSpace(piece))) {
			return out[:start], false
		}
		i = j
		var ok bool
		if out, ok = a.cache.get(piece, out); ok {
			continue
		}
		n := len(out)
		out = a.bleveIDs(piece, out)
		if a.cache.len() < maxPieceCache {
			a.cache.put(piece, slices.Clone(out[n:]))
		}
	}
	return out, true
}

// terms returns the index terms of text, in order, with repeats.
func (a *analyzer) terms(text string) []string {
	ids := a.termIDs(text, nil)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = a.dict.term(id)
	}
	return out
}

// idFreq is a term's number with its frequency in one passage.
type idFreq struct {
	id uint32
	tf uint32
}

// count turns a passage's term numbers (with repeats) into its distinct
// terms with frequencies, in order of first appearance.
func (a *analyzer) count(ids []uint32) []idFreq {
	out := make([]idFreq, 0, len(ids))
	for _, id := range ids {
		if int(id) >= len(a.seen) {
			a.seen = append(a.seen, make([]int32, max(int(id)+1-len(a.seen), a.dict.size()-len(a.seen), 1024))...)
		}
		if k := a.seen[id]; k > 0 {
			out[k-1].tf++
			continue
		}
		out = append(out, idFreq{id: id, tf: 1})
		a.seen[id] = int32(len(out))
	}
	for _, f := range out {
		a.seen[f.id] = 0
	}
	return out
}

func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

// joinsSpace reports whether s starts with a character that UAX #29 joins
// to white space before it.
func joinsSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc, unicode.Cf) || r == '\u200d'
}
