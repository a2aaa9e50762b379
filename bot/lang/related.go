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
		// An adjective of a place or people matches its noun: "Norwegian"
		// matches "Norway".
		if pos == wordnet.Adjective {
			for _, r := range l.wn.Related(b, pos, wordnet.FirstSenses(1)) {
				if r.Kind == wordnet.Pertainym && !strings.Contains(r.To, " ") {
					out = append(out, l.Stem(strings.ToLower(r.To)))
				}
			}
		}
	}
	l.lemmaCache.Store(key, out)
	return out
}

// Related returns the stems a question word matches in text, each with the
// strength of the match: its own stem and base forms (1), WordNet synonyms
// of its first senses ("storey" for "floor"), derived forms across parts of
// speech ("loss" for "lose", "testimony" for "testify"), pertainyms
// ("Norway" for "Norwegian"), attributes ("depth" for "deep") and causes
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
				n := senses
				if pos == wordnet.Verb {
					n = 1 // verbs have many senses; the first carries the meaning
				}
				for _, syn := range l.wn.Synonyms(b, pos, wordnet.FirstSenses(n)) {
					add(syn, 0.8)
				}
				for _, h := range l.wn.Hypernyms(b, pos, 1, wordnet.FirstSenses(1)) {
					add(h, 0.5)
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

// PhraseRelated returns the stems a multi-word verb or noun ("pull out",
// "death toll") matches through its WordNet synonyms, when WordNet knows the
// phrase; nil otherwise.
func (l *Lang) PhraseRelated(phrase string, verb bool) map[string]float64 {
	if l.wn == nil {
		return nil
	}
	pos := wordnet.Noun
	if verb {
		pos = wordnet.Verb
	}
	key := "\x01" + phrase + "\x00" + pos.String()
	if v, ok := l.relCache.Load(key); ok {
		return v.(map[string]float64)
	}
	var out map[string]float64
	if bases := l.wn.Base(phrase, pos); len(bases) > 0 {
		out = map[string]float64{}
		for _, b := range bases {
			for _, syn := range l.wn.Synonyms(b, pos, wordnet.FirstSenses(senses)) {
				if !strings.Contains(syn, " ") && !strings.Contains(syn, "_") {
					out[l.Stem(strings.ToLower(syn))] = 0.8
				}
			}
		}
	}
	l.relCache.Store(key, out)
	return out
}

// Plural reports whether a lower-case word is a plural noun: WordNet's
// morphology reduces it to another noun ("towns", "children", "crew
// members" are; "news", "crew" are not).
func (l *Lang) Plural(word string) bool {
	if l.wn == nil {
		return strings.HasSuffix(word, "s") && !strings.HasSuffix(word, "ss")
	}
	for _, b := range l.wn.Base(word, wordnet.Noun) {
		if b != word {
			return true
		}
	}
	return false
}

// InflectedVerb reports whether a lower-case word is an inflected verb form
// ("sent", "failed", "testified"): WordNet's morphology reduces it to
// another verb.
func (l *Lang) InflectedVerb(word string) bool {
	if l.wn == nil {
		return false
	}
	for _, b := range l.wn.Base(word, wordnet.Verb) {
		if b != word {
			return true
		}
	}
	return false
}

// Person reports whether a noun names a kind of person in one of its first
// two WordNet senses ("officer", "spokeswoman", "CEO"): a title or role.
func (l *Lang) Person(word string) bool {
	if l.wn == nil {
		return false
	}
	for _, b := range l.wn.Base(strings.ToLower(word), wordnet.Noun) {
		if l.wn.IsA(b, wordnet.Noun, "person", wordnet.FirstSenses(2)) {
			return true
		}
	}
	return false
}

// CommonNoun reports whether WordNet knows a word as a noun ("port",
// "lake", "judge"); a given name such as "Larry" is none.
func (l *Lang) CommonNoun(word string) bool {
	return l.wn != nil && len(l.wn.Base(strings.ToLower(word), wordnet.Noun)) > 0
}

// IsKind reports whether a noun (or a two-word noun, "ice hockey") is a
// kind or an instance of kind in WordNet: "hockey" is a sport, "Peru" a
// country, "guitar" an instrument. A word is not a kind of itself.
func (l *Lang) IsKind(word, kind string) bool {
	if l.wn == nil || word == "" || kind == "" {
		return false
	}
	key := strings.ToLower(word) + "\x00" + kind
	if v, ok := l.kindCache.Load(key); ok {
		return v.(bool)
	}
	ok := l.wn.IsA(strings.ToLower(word), wordnet.Noun, kind)
	l.kindCache.Store(key, ok)
	return ok
}

// KindOfAgent returns the noun of the asked kind that an agent noun is
// derived from, in WordNet's first sense of the agent: a "footballer" plays
// "football", a "novelist" writes a "novel". ok is false when the word is
// no such agent.
func (l *Lang) KindOfAgent(word, kind string) (string, bool) {
	if l.wn == nil || word == "" || kind == "" {
		return "", false
	}
	for _, b := range l.wn.Base(strings.ToLower(word), wordnet.Noun) {
		if !l.Person(b) {
			continue
		}
		for _, r := range l.wn.Related(b, wordnet.Noun, wordnet.FirstSenses(1)) {
			if r.Kind == wordnet.Derived && !strings.Contains(r.To, " ") && l.IsKind(r.To, kind) {
				return r.To, true
			}
		}
	}
	return "", false
}

// IsKindFirst is IsKind for the word's most frequent sense only: "sport"
// is a person in a rare sense ("a good sport"), an activity first.
func (l *Lang) IsKindFirst(word, kind string) bool {
	if l.wn == nil || word == "" || kind == "" {
		return false
	}
	return l.wn.IsA(strings.ToLower(word), wordnet.Noun, kind, wordnet.FirstSenses(1))
}
