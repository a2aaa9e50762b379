package lang

import (
	"strings"

	"github.com/storybot/storybot/bot/lang/wordnet"
)

// posOf maps a Penn Treebank tag to a WordNet part of speech.
func posOf(tag string) (wordnet.POS, bool) {
	switch {
	case strings.HasPrefix(tag, "NN"):
		return wordnet.Noun, true
	case strings.HasPrefix(tag, "VB"):
		return wordnet.Verb, true
	case strings.HasPrefix(tag, "JJ"):
		return wordnet.Adjective, true
	case strings.HasPrefix(tag, "RB"):
		return wordnet.Adverb, true
	}
	return 0, false
}

// senses bounds WordNet lookups to a word's most frequent senses, so a rare
// sense never folds unrelated words together.
const senses = 2

// Lemma returns the stems of a token's base forms ("told" gives "tell",
// "children" gives "child"), by WordNet's morphology for its part of speech.
func (l *Lang) lemmaStems(t Token) []string {
	if l.wn == nil || !t.Word() {
		return nil
	}
	pos, ok := posOf(t.Tag)
	if !ok {
		return nil
	}
	key := t.Lower + "\x00" + t.Tag[:2]
	if v, ok := l.lemmaCache.Load(key); ok {
		return v.([]string)
	}
	var out []string
	for _, b := range l.wn.Base(t.Lower, pos) {
		if s := l.Stem(b); s != l.Stem(t.Lower) && !strings.Contains(b, " ") {
			out = append(out, s)
		}
	}
	l.lemmaCache.Store(key, out)
	return out
}

// Related returns the stems a question word matches in text, each with the
// strength of the match: its own stem and base forms (1), WordNet synonyms
// of its first senses ("storey" for "floor"), derived forms across parts of
// speech ("loss" for "lose", "testimony" for "testify"), pertainyms
// ("Ukraine" for "Ukrainian"), attributes ("depth" for "deep") and causes
// ("die" for "kill"), weighted by WordNet relation strength. Antonyms are
// never included.
func (l *Lang) Related(t Token) map[string]float64 {
	key := t.Lower + "\x00" + t.Tag
	if v, ok := l.relCache.Load(key); ok {
		return v.(map[string]float64)
	}
	out := map[string]float64{}
	add := func(w string, weight float64) {
		if strings.Contains(w, " ") || strings.Contains(w, "_") {
			return
		}
		s := l.Stem(strings.ToLower(w))
		if weight > out[s] {
			out[s] = weight
		}
	}
	add(t.Lower, 1)
	for _, s := range l.Stems(t) {
		out[s] = 1
	}
	if l.wn != nil && t.Word() {
		poses := []wordnet.POS{wordnet.Noun, wordnet.Verb, wordnet.Adjective}
		if p, ok := posOf(t.Tag); ok {
			poses = []wordnet.POS{p}
		}
		for _, pos := range poses {
			bases := l.wn.Base(t.Lower, pos)
			for _, b := range bases {
				add(b, 1)
				for _, syn := range l.wn.Synonyms(b, pos, wordnet.FirstSenses(senses)) {
					add(syn, 0.8)
				}
				for _, r := range l.wn.Related(b, pos, wordnet.FirstSenses(senses)) {
					switch r.Kind {
					case wordnet.Derived, wordnet.Pertainym, wordnet.Attribute, wordnet.Participle, wordnet.Cause, wordnet.CausedBy:
						if w := r.Weight(); w >= 0.4 {
							add(r.To, 0.7*w/0.8)
						}
					}
				}
			}
		}
	}
	for s, w := range out {
		if w > 1 {
			out[s] = 1
		}
	}
	l.relCache.Store(key, out)
	return out
}
