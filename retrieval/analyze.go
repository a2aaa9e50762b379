package retrieval

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/registry"
)

// The passage index analyses text with bleve's English analyzer (Unicode
// word segmentation, English possessives, lower case, English stop words,
// Porter stemming): retrieval quality rests on it. Running it on every word
// of a corpus costs more than the rest of an ingest, so an analyzer splits
// text at ASCII white space, which is a word boundary under Unicode's rules
// (UAX #29), and memoises the terms of each piece: a corpus repeats the
// same pieces ("the", "said,", "U.S.") millions of times. Text in which a
// combining mark or format character follows white space (where UAX #29
// would join it to the space), or that is not valid UTF-8, is analysed
// whole, without the cache.

// englishAnalyzer returns bleve's English analyzer.
var englishAnalyzer = sync.OnceValues(func() (analysis.Analyzer, error) {
	return registry.NewCache().AnalyzerNamed(en.AnalyzerName)
})

// maxPieceCache bounds the memo of one analyzer (pieces seen once, like
// numbers, would otherwise grow it without end).
const maxPieceCache = 1 << 20

// analyzer turns text into index terms. It is not safe for concurrent use:
// each goroutine has its own (they share the bleve analyzer, which is).
type analyzer struct {
	an    analysis.Analyzer
	cache map[string][]string // piece → its terms (nil: none)
}

func newAnalyzer() (*analyzer, error) {
	an, err := englishAnalyzer()
	if err != nil {
		return nil, err
	}
	return &analyzer{an: an, cache: make(map[string][]string, 1<<14)}, nil
}

// bleveTerms analyses s with bleve's analyzer.
func (a *analyzer) bleveTerms(s string, out []string) []string {
	for _, tok := range a.an.Analyze([]byte(s)) {
		out = append(out, string(tok.Term))
	}
	return out
}

// terms appends the index terms of text to out, in order, with repeats:
// exactly what bleve's English analyzer gives.
func (a *analyzer) terms(text string, out []string) []string {
	if needsWholeAnalysis(text) {
		return a.bleveTerms(text, out)
	}
	i := 0
	for i < len(text) {
		for i < len(text) && isASCIISpace(text[i]) {
			i++
		}
		j := i
		for j < len(text) && !isASCIISpace(text[j]) {
			j++
		}
		if j == i {
			break
		}
		piece := text[i:j]
		i = j
		ts, ok := a.cache[piece]
		if !ok {
			ts = a.bleveTerms(piece, nil)
			if len(a.cache) < maxPieceCache {
				a.cache[strings.Clone(piece)] = ts
			}
		}
		out = append(out, ts...)
	}
	return out
}

func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

// needsWholeAnalysis reports whether some white space in text is followed by
// a character that UAX #29 attaches to it (a combining mark, a format
// character or a zero-width joiner), so that splitting at white space could
// change the words.
func needsWholeAnalysis(text string) bool {
	if !utf8.ValidString(text) {
		return true // the segmenter's handling of broken UTF-8 is its own
	}
	for i := 0; i+1 < len(text); i++ {
		if !isASCIISpace(text[i]) || text[i+1] < utf8.RuneSelf {
			continue
		}
		r, _ := utf8.DecodeRuneInString(text[i+1:])
		if unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc, unicode.Cf) || r == '\u200d' {
			return true
		}
	}
	return false
}
