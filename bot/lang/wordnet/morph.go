package wordnet

import "strings"

// suffix is one of WordNet's detachment rules: an inflectional ending and
// what replaces it.
type suffix struct{ from, to string }

// rules are morphy's detachment rules (WordNet's morph.c, with NLTK's
// "ves"→"f" for nouns). Adverbs have none.
var rules = [numPOS][]suffix{
	Noun:      {{"s", ""}, {"ses", "s"}, {"ves", "f"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}},
	Verb:      {{"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""}},
	Adjective: {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}},
}

// Base returns the WordNet lemmas that word can be an inflection of in
// part of speech pos, the way WordNet's morphy finds them: the word
// itself when it is a lemma, then the bases its exception list gives
// ("geese" → goose, "lost" → lose), then the forms the detachment rules
// make ("storeys" → storey). Only forms that are WordNet lemmas of pos
// are returned; nil means the word is unknown in that part of speech.
// A form that is not found as given is tried with hyphens for spaces and
// the other way round ("e mail" → e-mail, "well known" → well-known),
// and a collocation with each of its words reduced in turn ("attorneys
// general", "looked up").
func (d *DB) Base(word string, pos POS) []string {
	if pos >= numPOS {
		return nil
	}
	w := normalize(word)
	if w == "" || len(w) > 200 {
		return nil
	}
	out := d.morph(w, pos)
	if len(out) > 0 {
		return out
	}
	// Hyphens and spaces vary between writers: "e mail", "well known".
	if strings.ContainsAny(w, " -") {
		for _, v := range []string{strings.ReplaceAll(w, " ", "-"), strings.ReplaceAll(w, "-", " "), strings.ReplaceAll(w, "-", "")} {
			if v != w {
				for _, b := range d.morph(v, pos) {
					if !contains(out, b) {
						out = append(out, b)
					}
				}
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	if !strings.Contains(w, " ") {
		return out
	}
	// A collocation: inflect one of its words, keep the rest
	// ("attorneys general", "looked up").
	parts := strings.Split(w, " ")
	for i, part := range parts {
		for _, b := range d.morphWord(part, pos, false) {
			if b == part {
				continue
			}
			p := append([]string(nil), parts...)
			p[i] = b
			c := strings.Join(p, " ")
			if d.lookup(c, pos) >= 0 && !contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// morph applies morphy to a whole (normalised) form.
func (d *DB) morph(w string, pos POS) []string {
	return d.morphWord(w, pos, true)
}

// morphWord returns candidate bases of w. With check set, only lemmas of
// pos are kept; without it, every candidate is (for collocation heads).
func (d *DB) morphWord(w string, pos POS, check bool) []string {
	var out []string
	add := func(c string) {
		if c == "" || contains(out, c) {
			return
		}
		if check && d.lookup(c, pos) < 0 {
			return
		}
		out = append(out, c)
	}
	add(w)
	if bases, ok := d.exc[pos][w]; ok {
		for _, b := range bases {
			add(b)
		}
		return out
	}
	for _, r := range rules[pos] {
		if strings.HasSuffix(w, r.from) && len(w) > len(r.from) {
			add(w[:len(w)-len(r.from)] + r.to)
		}
	}
	return out
}

// Lemma is a WordNet lemma with its part of speech.
type Lemma struct {
	Word string
	POS  POS
}

// Lemmas returns the base forms of word in every part of speech, nouns
// first, then verbs, adjectives and adverbs ("lost" → lost/adjective,
// lose/verb).
func (d *DB) Lemmas(word string) []Lemma {
	var out []Lemma
	for _, p := range allPOS {
		for _, b := range d.Base(word, p) {
			out = append(out, Lemma{Word: b, POS: p})
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
