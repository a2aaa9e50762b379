package retrieval

// The English analysis of bleve v2.6.1's "en" analyzer, which the passage
// index was built on, reproduced with the two small libraries it rests on
// (blevesearch/segment for Unicode word segmentation, UAX #29, and
// blevesearch/go-porterstemmer) instead of bleve's registry, which pulled a
// geo library, roaring bitmaps and a JSON library into every build. The
// steps, in bleve's order: words (segments of a known type), the English
// possessive stripped, lower case, English stop words dropped, Porter stem.
// Terms are identical to bleve's (testdata/analysis.golden holds bleve's
// terms of a set of texts; tools/blevecheck compares a whole corpus).
//
// Portions adapted from bleve (analysis/lang/en, analysis/token/lowercase),
// Copyright (c) 2014 Couchbase, Inc., Apache License 2.0; the stop words are
// the Snowball English list (BSD licence, snowball.tartarus.org).

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	porterstemmer "github.com/blevesearch/go-porterstemmer"
	"github.com/blevesearch/segment"
)

// analyzeEnglish returns the index terms of input, in order, with repeats.
// The terms may share input's memory; input is modified.
func analyzeEnglish(input []byte) [][]byte {
	var terms [][]byte
	seg := segment.NewWordSegmenterDirect(input)
	for seg.Segment() {
		if seg.Type() == segment.None {
			continue
		}
		t := toLower(stripPossessive(seg.Bytes()))
		if englishStopWords[string(t)] {
			continue
		}
		terms = append(terms, porterStem(t))
	}
	return terms
}

// stripPossessive drops a final 's (with any of three apostrophes, either
// case of s), as bleve's possessive_en filter does, contractions included.
func stripPossessive(t []byte) []byte {
	last, n := utf8.DecodeLastRune(t)
	if last != 's' && last != 'S' {
		return t
	}
	prev, m := utf8.DecodeLastRune(t[:len(t)-n])
	if prev == '\u2019' || prev == '\'' || prev == '\uff07' {
		return t[:len(t)-n-m]
	}
	return t
}

// toLower lower-cases t in place where the encoded width allows, exactly
// like bleve's to_lower filter (a final capital sigma becomes ς; when a
// lower-case rune is wider, the rest goes through bytes.ToLower).
func toLower(s []byte) []byte {
	j := 0
	for i := 0; i < len(s); {
		wid := 1
		r := rune(s[i])
		if r >= utf8.RuneSelf {
			r, wid = utf8.DecodeRune(s[i:])
		}
		l := unicode.ToLower(r)
		if l == r {
			i += wid
			j += wid
			continue
		}
		if l == 'σ' && i+2 == len(s) {
			l = 'ς'
		}
		lwid := utf8.RuneLen(l)
		if lwid > wid {
			rest := bytes.ToLower(s[i:])
			rv := make([]byte, j+len(rest))
			copy(rv[:j], s[:j])
			copy(rv[j:], rest)
			return rv
		}
		utf8.EncodeRune(s[j:], l)
		i += wid
		j += lwid
	}
	return s[:j]
}

// porterStem applies the Porter stemmer to a lower-cased term, as bleve's
// stemmer_porter filter does (invalid UTF-8 becomes U+FFFD on the way).
func porterStem(t []byte) []byte {
	runes := porterstemmer.StemWithoutLowerCasing(bytes.Runes(t))
	out := make([]byte, 0, len(runes)*utf8.UTFMax)
	for _, r := range runes {
		out = utf8.AppendRune(out, r)
	}
	return out
}

// englishStopWords is bleve's stop_en list: the Snowball English stop words.
var englishStopWords = func() map[string]bool {
	m := make(map[string]bool, 174)
	for _, w := range []string{
		"a", "about", "above", "after", "again", "against", "all", "am", "an",
		"and", "any", "are", "aren't", "as", "at", "be", "because", "been",
		"before", "being", "below", "between", "both", "but", "by", "can't",
		"cannot", "could", "couldn't", "did", "didn't", "do", "does", "doesn't",
		"doing", "don't", "down", "during", "each", "few", "for", "from",
		"further", "had", "hadn't", "has", "hasn't", "have", "haven't", "having",
		"he", "he'd", "he'll", "he's", "her", "here", "here's", "hers", "herself",
		"him", "himself", "his", "how", "how's", "i", "i'd", "i'll", "i'm",
		"i've", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself",
		"let's", "me", "more", "most", "mustn't", "my", "myself", "no", "nor",
		"not", "of", "off", "on", "once", "only", "or", "other", "ought", "our",
		"ours", "ourselves", "out", "over", "own", "same", "shan't", "she",
		"she'd", "she'll", "she's", "should", "shouldn't", "so", "some", "such",
		"than", "that", "that's", "the", "their", "theirs", "them", "themselves",
		"then", "there", "there's", "these", "they", "they'd", "they'll",
		"they're", "they've", "this", "those", "through", "to", "too", "under",
		"until", "up", "very", "was", "wasn't", "we", "we'd", "we'll", "we're",
		"we've", "were", "weren't", "what", "what's", "when", "when's", "where",
		"where's", "which", "while", "who", "who's", "whom", "why", "why's",
		"with", "won't", "would", "wouldn't", "you", "you'd", "you'll", "you're",
		"you've", "your", "yours", "yourself", "yourselves",
	} {
		m[w] = true
	}
	return m
}()
