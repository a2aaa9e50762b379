package wordnet

import (
	"fmt"
	"slices"
)

// Kind is how one word relates to another. Each constant's comment
// says what it means for a Relation's From and To: for Hypernym, To is a
// more general word for From; for Cause, From causes To.
type Kind uint8

// The relations Relate and Related report. Weight gives their strength.
const (
	// None is the zero Kind: no relation.
	None Kind = iota
	// Identical: the two words share a base form ("kids", "kid").
	Identical
	// Synonym: the words share a synset ("floor", "storey").
	Synonym
	// Derived: derivationally related forms, also across parts of speech
	// ("lose", "loss"; "testify", "testimony"; "die", "death").
	Derived
	// Hypernym: To is a more general term for From ("ship" → "vessel").
	Hypernym
	// Hyponym: To is a more specific term for From ("vessel" → "ship").
	Hyponym
	// Cause: From causes To ("kill" → "die").
	Cause
	// CausedBy: To causes From ("die" → "kill").
	CausedBy
	// Entails: doing From entails doing To ("snore" → "sleep").
	Entails
	// EntailedBy: doing To entails doing From ("sleep" → "snore").
	EntailedBy
	// Attribute: an adjective and the noun for the attribute it values
	// ("deep" ↔ "depth", "long" ↔ "length").
	Attribute
	// Pertainym: an adjective pertaining to a noun, or an adverb derived
	// from an adjective ("nuclear" → "nucleus", "quickly" → "quick").
	Pertainym
	// Participle: an adjective that is a participle of a verb ("lost" ↔
	// "lose").
	Participle
	// Similar: adjectives of similar meaning ("damp" → "wet").
	Similar
	// AlsoSee: WordNet's see-also and verb-group links between related
	// senses.
	AlsoSee
	// Holonym: To is a whole that From is a part, member or substance of
	// ("crewman" → "crew").
	Holonym
	// Meronym: To is a part, member or substance of From ("crew" →
	// "crewman").
	Meronym
	// Antonym: the words are opposites ("rise", "fall"). Its weight is 0:
	// never fold an antonym into a match.
	Antonym
	numKinds
)

var kindNames = [numKinds]string{"none", "identical", "synonym", "derived", "hypernym", "hyponym",
	"cause", "caused-by", "entails", "entailed-by", "attribute", "pertainym", "participle",
	"similar", "also-see", "holonym", "meronym", "antonym"}

// String returns the kind's name in lower case ("synonym").
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// kindWeight is the strength of each kind before sense and depth
// discounts.
var kindWeight = [numKinds]float64{
	Identical: 1, Synonym: 0.9, Derived: 0.8, Hypernym: 0.7, Hyponym: 0.7,
	Attribute: 0.6, Pertainym: 0.6, Participle: 0.6, Similar: 0.6,
	Cause: 0.5, CausedBy: 0.5, Entails: 0.5, EntailedBy: 0.5,
	Holonym: 0.4, Meronym: 0.4, AlsoSee: 0.4, Antonym: 0,
}

// Relation is a lexical relation between two lemmas.
type Relation struct {
	// From and To are the related lemmas (base forms).
	From, To string
	// FromPOS and ToPOS are their parts of speech.
	FromPOS, ToPOS POS
	// Kind says how From and To relate (see the Kind constants).
	Kind Kind
	// FromSense and ToSense are the sense numbers (1 = most frequent) of
	// the senses the relation holds between; 0 for Identical.
	FromSense, ToSense int
	// Depth is the number of steps up or down the taxonomy for Hypernym
	// and Hyponym, 1 for other relations and 0 for Identical.
	Depth int

	// fromRank and toRank are the senses' frequency ranks: the sense
	// number, except that senses tagged as often as a sense before them
	// share its rank. 0 means use the sense number.
	fromRank, toRank int
}

// String renders a relation for logs and tests:
// "kill/verb#1 -cause-> die/verb#1".
func (r Relation) String() string {
	s := fmt.Sprintf("%s/%s#%d -%s", r.From, r.FromPOS, r.FromSense, r.Kind)
	if r.Depth > 1 {
		s += fmt.Sprintf("(%d)", r.Depth)
	}
	return s + fmt.Sprintf("-> %s/%s#%d (%.2f)", r.To, r.ToPOS, r.ToSense, r.Weight())
}

// Weight scores the relation in [0, 1] for soft matching: 1 for
// Identical, 0.9 for synonyms, 0.8 for derived forms, 0.7 for a direct
// hypernym or hyponym (×0.7 per further step), 0.6 for attributes,
// pertainyms, participles and similar adjectives, 0.5 for cause and
// entailment, 0.4 for part/member and see-also links, and 0 for antonyms
// and None. Relations that hold only between rarer senses are discounted:
// each side's frequency rank r (its sense number, shared with earlier
// senses tagged as often) multiplies the weight by 1/(1+0.2(r-1)), so
// "floor" (sense 2) ~ "storey" (sense 1) weighs 0.75 while a synonym
// through two tenth senses weighs under 0.13.
func (r Relation) Weight() float64 {
	if r.Kind >= numKinds {
		return 0
	}
	w := kindWeight[r.Kind]
	if r.Kind == Identical || w == 0 {
		return w
	}
	for d := 1; d < r.Depth; d++ {
		w *= 0.7
	}
	return w * senseFactor(rankOr(r.fromRank, r.FromSense)) * senseFactor(rankOr(r.toRank, r.ToSense))
}

func rankOr(rank, sense int) int {
	if rank > 0 {
		return rank
	}
	return sense
}

// freqRank returns the frequency rank of sense number n of a lemma: n,
// or the rank of the first earlier sense tagged as often when the sense
// was tagged at all ("vessel" has two senses tagged 6 times each; both
// rank 1).
func (d *DB) freqRank(lemma string, pos POS, n int) int {
	id := d.id(lemma)
	if id < 0 || n < 1 {
		return n
	}
	senses := d.sensesOf(id, pos)
	if n > len(senses) {
		return n
	}
	c := d.countOf(senses[n-1], id)
	if c == 0 {
		return n
	}
	for i := range n {
		if d.countOf(senses[i], id) <= c {
			return i + 1
		}
	}
	return n
}

func senseFactor(rank int) float64 {
	if rank <= 1 {
		return 1
	}
	return 1 / (1 + 0.2*float64(rank-1))
}

// pointerKind maps a stored pointer to the Kind it gives From → To, and
// inverse to the Kind when the pointer is read backwards (To → From).
func pointerKind(k uint8) (forward, inverse Kind) {
	switch k {
	case pAntonym:
		return Antonym, Antonym
	case pHypernym, pInstanceHypernym:
		return Hypernym, Hyponym
	case pHyponym, pInstanceHyponym:
		return Hyponym, Hypernym
	case pMemberHolonym, pSubstanceHolonym, pPartHolonym:
		return Holonym, Meronym
	case pMemberMeronym, pSubstanceMeronym, pPartMeronym:
		return Meronym, Holonym
	case pAttribute:
		return Attribute, Attribute
	case pDerivation:
		return Derived, Derived
	case pEntailment:
		return Entails, EntailedBy
	case pCause:
		return Cause, CausedBy
	case pAlsoSee, pVerbGroup:
		return AlsoSee, AlsoSee
	case pSimilar:
		return Similar, Similar
	case pParticiple:
		return Participle, Participle
	case pPertainym:
		return Pertainym, Pertainym
	}
	return None, None
}

func isTaxonomy(k uint8) bool {
	return k == pHypernym || k == pInstanceHypernym || k == pHyponym || k == pInstanceHyponym
}

// Related returns the words related to word (after Base) in part of
// speech pos by WordNet's pointers other than the taxonomy (see Hypernyms
// for that): derived forms in any part of speech, causes, entailments,
// attributes, pertainyms, participles, similar adjectives, see-also
// links, parts and wholes, and antonyms (Kind Antonym, never to be
// folded). Lexical pointers count only for the word itself, not for its
// synonyms. The word's more frequent senses come first. Related lists the
// pointers WordNet stores from the word; Relate also reads them backwards
// ("die" is caused by "kill").
func (d *DB) Related(word string, pos POS, opts ...Option) []Relation {
	var out []Relation
	type key struct {
		to   string
		pos  POS
		kind Kind
	}
	seen := map[key]bool{}
	for _, s := range d.senseRefs(word, pos, collect(opts)) {
		from := d.id(s.lemma)
		for _, p := range d.pointers(s.synset) {
			src, dst := d.srcLemma(s.synset, p), d.dstLemma(p)
			if isTaxonomy(p.kind) || (src >= 0 && src != from) {
				continue
			}
			kind, _ := pointerKind(p.kind)
			tpos := d.syn[p.target].pos
			for _, m := range d.members(p.target) {
				if dst >= 0 && m.lemma != dst {
					continue
				}
				k := key{d.lemma(m.lemma), tpos, kind}
				if seen[k] || (m.lemma == from && tpos == pos) {
					continue
				}
				seen[k] = true
				out = append(out, Relation{
					From: s.lemma, To: d.lemma(m.lemma), FromPOS: pos, ToPOS: tpos,
					Kind: kind, FromSense: s.rank, ToSense: int(m.rank), Depth: 1,
					fromRank: d.freqRank(s.lemma, pos, s.rank),
					toRank:   d.freqRank(d.lemma(m.lemma), tpos, int(m.rank)),
				})
			}
		}
	}
	return out
}

// maxRelateDepth bounds how far up the taxonomy Relate looks; beyond it a
// shared ancestor says little about two words.
const maxRelateDepth = 4

// Relate finds the strongest relation from a to b. Both are reduced to
// their base forms in every part of speech first, so inflections and
// parts of speech do not matter: Relate("killed", "died") finds kill
// causes die. Relations are ranked by Weight; an antonym pair is reported
// as Antonym (weight 0) even when a weaker relation also holds, so that a
// caller never folds opposites. Words that are equal after case folding,
// or share a base form, are Identical. ok is false when no relation is
// found, including when either word is unknown to WordNet.
func (d *DB) Relate(a, b string) (Relation, bool) {
	na, nb := normalize(a), normalize(b)
	if na == "" || nb == "" || len(na) > 200 || len(nb) > 200 {
		return Relation{}, false
	}
	la, lb := d.Lemmas(na), d.Lemmas(nb)
	if na == nb {
		r := Relation{From: na, To: nb, Kind: Identical}
		if len(la) > 0 {
			r.FromPOS, r.ToPOS = la[0].POS, la[0].POS
		}
		return r, true
	}
	for _, x := range la {
		for _, y := range lb {
			if x.Word == y.Word {
				return Relation{From: x.Word, To: y.Word, FromPOS: x.POS, ToPOS: y.POS, Kind: Identical}, true
			}
		}
	}
	var best, anti Relation
	consider := func(r Relation) {
		r.fromRank = d.freqRank(r.From, r.FromPOS, r.FromSense)
		r.toRank = d.freqRank(r.To, r.ToPOS, r.ToSense)
		if r.Kind == Antonym {
			if anti.Kind == None || senseFactor(r.fromRank)*senseFactor(r.toRank) > senseFactor(anti.fromRank)*senseFactor(anti.toRank) {
				anti = r
			}
			return
		}
		if best.Kind == None || r.Weight() > best.Weight() {
			best = r
		}
	}
	var w walker
	ay := make([][]ancestor, len(lb)) // computed on first need
	for _, x := range la {
		xid := d.id(x.Word)
		var ax []ancestor
		for j, y := range lb {
			yid := d.id(y.Word)
			base := Relation{From: x.Word, To: y.Word, FromPOS: x.POS, ToPOS: y.POS, Depth: 1}
			if x.POS == y.POS {
				if fr, tr, ok := d.shared(xid, yid, x.POS); ok {
					r := base
					r.Kind, r.FromSense, r.ToSense = Synonym, fr, tr
					consider(r)
				}
			}
			d.direct(xid, x.POS, yid, y.POS, func(k uint8, fr, tr int) {
				r := base
				r.Kind, _ = pointerKind(k)
				r.FromSense, r.ToSense = fr, tr
				consider(r)
			})
			d.direct(yid, y.POS, xid, x.POS, func(k uint8, fr, tr int) {
				r := base
				_, r.Kind = pointerKind(k)
				r.FromSense, r.ToSense = tr, fr
				consider(r)
			})
			if x.POS == Adjective && y.POS == Adjective {
				if fr, tr, ok := d.indirectAntonym(xid, yid); ok {
					r := base
					r.Kind, r.FromSense, r.ToSense = Antonym, fr, tr
					consider(r)
				}
			}
			if x.POS == y.POS && (x.POS == Noun || x.POS == Verb) {
				if ax == nil {
					ax = d.ancestors(xid, x.POS, &w)
				}
				if a, ok := bestAncestor(ax, d.sensesOf(yid, y.POS)); ok {
					r := base
					r.Kind, r.FromSense, r.ToSense, r.Depth = Hypernym, a.fromRank, a.toRank, a.depth
					consider(r)
				}
				if ay[j] == nil {
					ay[j] = d.ancestors(yid, y.POS, &w)
				}
				if a, ok := bestAncestor(ay[j], d.sensesOf(xid, x.POS)); ok {
					r := base
					r.Kind, r.FromSense, r.ToSense, r.Depth = Hyponym, a.toRank, a.fromRank, a.depth
					consider(r)
				}
			}
		}
	}
	if anti.Kind != None {
		return anti, true
	}
	return best, best.Kind != None
}

// shared returns the best-ranked synset that lemmas x and y share in pos.
func (d *DB) shared(x, y int32, pos POS) (fromRank, toRank int, ok bool) {
	ys := d.sensesOf(y, pos)
	for i, s := range d.sensesOf(x, pos) {
		for j, t := range ys {
			if s == t && (!ok || i+j+2 < fromRank+toRank) {
				fromRank, toRank, ok = i+1, j+1, true
			}
		}
	}
	return fromRank, toRank, ok
}

// direct calls fn for every non-taxonomic pointer from a sense of lemma x
// (part of speech px) to a sense of lemma y (part of speech py), with the
// stored kind and both sense numbers. A lexical pointer (between two
// words) also counts for y when a lemma of its target synset is an
// inflected form of y: WordNet links "lose" to "losings", whose synset
// holds "losses", the plural of "loss". Other synonyms of the target do
// not count: "train" is derived from a verb sense that "rail" shares, but
// "train" and "rail" are not derived forms of each other.
func (d *DB) direct(x int32, px POS, y int32, py POS, fn func(kind uint8, fromRank, toRank int)) {
	ys := d.sensesOf(y, py)
	rankOf := func(s int32) int {
		for j, t := range ys {
			if t == s {
				return j + 1
			}
		}
		return 0
	}
	for i, s := range d.sensesOf(x, px) {
		for _, p := range d.pointers(s) {
			src, dst := d.srcLemma(s, p), d.dstLemma(p)
			if isTaxonomy(p.kind) || (src >= 0 && src != x) {
				continue
			}
			r := 0
			if dst < 0 || dst == y {
				r = rankOf(p.target)
			} else if d.syn[p.target].pos == py {
				for _, m := range d.members(p.target) {
					if d.inflects(m.lemma, y, py) {
						r = int(m.rank)
						break
					}
				}
			}
			if r > 0 {
				fn(p.kind, i+1, r)
			}
		}
	}
}

// inflects reports whether lemma z is an inflected form of lemma y in
// part of speech pos ("losses" of "loss").
func (d *DB) inflects(z, y int32, pos POS) bool {
	zw, yw := d.lemma(z), d.lemma(y)
	if len(zw) < 3 || len(yw) < 3 || zw[:2] != yw[:2] {
		return false
	}
	for _, b := range d.morphWord(zw, pos, true) {
		if b == yw {
			return true
		}
	}
	return false
}

// memberRank returns the sense number of synset s for lemma m.
func (d *DB) memberRank(s, m int32) int {
	for _, x := range d.members(s) {
		if x.lemma == m {
			return int(x.rank)
		}
	}
	return 0
}

// antonymSynsets returns the synsets opposite to adjective synset s:
// direct antonyms of its lemmas and, for a satellite, those of its head
// ("damp" is similar to "wet", whose antonym is "dry"), each with the
// satellites similar to it.
func (d *DB) antonymSynsets(s int32) []int32 {
	heads := []int32{s}
	if d.syn[s].satellite {
		for _, p := range d.pointers(s) {
			if p.kind == pSimilar {
				heads = append(heads, p.target)
			}
		}
	}
	var out []int32
	for _, h := range heads {
		for _, p := range d.pointers(h) {
			if p.kind != pAntonym {
				continue
			}
			out = append(out, p.target)
			if d.syn[p.target].pos != Adjective {
				continue
			}
			for _, q := range d.pointers(p.target) {
				if q.kind == pSimilar {
					out = append(out, q.target)
				}
			}
		}
	}
	return out
}

// indirectAntonym finds adjective senses of x and y that are opposite
// through their heads, returning both sense numbers.
func (d *DB) indirectAntonym(x, y int32) (fromRank, toRank int, ok bool) {
	ys := d.sensesOf(y, Adjective)
	for i, s := range d.sensesOf(x, Adjective) {
		for _, a := range d.antonymSynsets(s) {
			for j, t := range ys {
				if t == a {
					return i + 1, j + 1, true
				}
			}
		}
	}
	return 0, 0, false
}

// ancestor is a synset above a sense of a lemma.
type ancestor struct {
	synset   int32
	depth    int
	fromRank int
}

// ancestors lists the synsets up to maxRelateDepth steps above each sense
// of lemma x, each with its shallowest depth.
func (d *DB) ancestors(x int32, pos POS, w *walker) []ancestor {
	var out []ancestor
	for i, s := range d.sensesOf(x, pos) {
		w.seen = append(w.seen[:0], s)
		w.frontier = append(w.frontier[:0], s)
		for depth := 1; depth <= maxRelateDepth && len(w.frontier) > 0; depth++ {
			w.next = w.next[:0]
			for _, f := range w.frontier {
				for _, p := range d.pointers(f) {
					if !isHypernymKind(p.kind) || slices.Contains(w.seen, p.target) {
						continue
					}
					w.seen = append(w.seen, p.target)
					w.next = append(w.next, p.target)
					out = append(out, ancestor{synset: p.target, depth: depth, fromRank: i + 1})
				}
			}
			w.frontier, w.next = w.next, w.frontier
		}
	}
	if out == nil {
		out = []ancestor{} // computed, none
	}
	return out
}

// bestAncestor finds the strongest (shallowest, then most frequent)
// match between ancestors and the senses of another lemma.
func bestAncestor(anc []ancestor, senses []int32) (hit, bool) {
	var best hit
	found := false
	for _, a := range anc {
		for j, s := range senses {
			if s != a.synset {
				continue
			}
			h := hit{depth: a.depth, fromRank: a.fromRank, toRank: j + 1}
			if !found || h.better(best) {
				best, found = h, true
			}
		}
	}
	return best, found
}
