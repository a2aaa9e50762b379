package wordnet

import "slices"

// Option narrows a query.
type Option func(*options)

type options struct {
	senses int // first N senses only; 0 means all
}

// FirstSenses limits a query to the n most frequent senses of the word
// (WordNet orders senses by their tag counts in sense-tagged text). One
// or two senses keep rare meanings from folding unrelated words: "state"
// is a synonym of "country" only in its third noun sense. n ≤ 0 means all.
func FirstSenses(n int) Option {
	return func(o *options) { o.senses = n }
}

func collect(opts []Option) options {
	var o options
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return o
}

// Sense is one meaning of a word: a synset, where it ranks among the
// word's senses and how often it was tagged.
type Sense struct {
	// Lemma is the base form the sense belongs to.
	Lemma string
	// POS is the synset's part of speech.
	POS POS
	// Rank is the sense number, 1 for the most frequent.
	Rank int
	// Count is the sense's tag count in WordNet's semantic concordances
	// (0 for senses never tagged).
	Count int
	// Synonyms are the synset's lemmas, the word itself included, most
	// frequent (for this synset) first.
	Synonyms []string
	// Satellite is set for adjective satellites (similar to a head
	// adjective).
	Satellite bool

	synset int32
}

// Senses returns the senses of word (after Base) in part of speech pos,
// most frequent first; FirstSenses limits them per base form.
func (d *DB) Senses(word string, pos POS, opts ...Option) []Sense {
	refs := d.senseRefs(word, pos, collect(opts))
	out := make([]Sense, 0, len(refs))
	for _, r := range refs {
		out = append(out, Sense{
			Lemma: r.lemma, POS: pos, Rank: r.rank, Count: r.count,
			Synonyms: d.synsetLemmas(r.synset), Satellite: d.syn[r.synset].satellite,
			synset: r.synset,
		})
	}
	return out
}

// senseRef is a sense without its synonym list, for internal walks.
type senseRef struct {
	lemma  string
	rank   int
	count  int
	synset int32
}

// senseRefs lists the senses of word's base forms in part of speech pos,
// ordered by rank across base forms.
func (d *DB) senseRefs(word string, pos POS, o options) []senseRef {
	var out []senseRef
	for _, b := range d.Base(word, pos) {
		id := d.id(b)
		for i, s := range d.sensesOf(id, pos) {
			if o.senses > 0 && i >= o.senses {
				break
			}
			out = append(out, senseRef{lemma: b, rank: i + 1, count: d.countOf(s, id), synset: s})
		}
	}
	// Stable insertion sort by rank: a second base form's first sense
	// comes before the first base form's tenth.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].rank < out[j-1].rank; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// synsetLemmas returns a synset's lemmas, most frequently tagged first,
// keeping WordNet's order among equals.
func (d *DB) synsetLemmas(s int32) []string {
	ms := d.members(s)
	out := make([]string, 0, len(ms))
	order := make([]int, len(ms))
	for i := range order {
		order[i] = i
	}
	// Insertion sort: synsets are small.
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && ms[order[j]].count > ms[order[j-1]].count; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	for _, i := range order {
		out = append(out, d.lemma(ms[i].lemma))
	}
	return out
}

// Synonyms returns the other lemmas of word's synsets in part of speech
// pos: the synonyms of its most frequent sense first, then those of the
// next sense, and so on; within a synset the lemmas most often tagged
// with that meaning come first. The word's own base forms are left out.
// Use FirstSenses to keep rare senses out.
func (d *DB) Synonyms(word string, pos POS, opts ...Option) []string {
	senses := d.senseRefs(word, pos, collect(opts))
	self := map[string]bool{}
	for _, s := range senses {
		self[s.lemma] = true
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range senses {
		for _, w := range d.synsetLemmas(s.synset) {
			if !self[w] && !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	return out
}

// isHypernymKind reports whether a stored pointer goes up the taxonomy.
func isHypernymKind(k uint8) bool { return k == pHypernym || k == pInstanceHypernym }

// Hypernyms returns the lemmas of the synsets above word's senses in part
// of speech pos, up to depth steps (class and instance hypernyms: "Paris"
// → national capital → capital → seat → center ...). The nearest come
// first; for one depth, the word's more frequent senses first. depth ≤ 0
// means 1. Use FirstSenses to follow only the common senses.
func (d *DB) Hypernyms(word string, pos POS, depth int, opts ...Option) []string {
	if depth <= 0 {
		depth = 1
	}
	senses := d.senseRefs(word, pos, collect(opts))
	var frontier []int32
	seen := map[int32]bool{}
	for _, s := range senses {
		if !seen[s.synset] {
			seen[s.synset] = true
			frontier = append(frontier, s.synset)
		}
	}
	var out []string
	got := map[string]bool{}
	for range depth {
		var next []int32
		for _, s := range frontier {
			for _, p := range d.pointers(s) {
				if isHypernymKind(p.kind) && !seen[p.target] {
					seen[p.target] = true
					next = append(next, p.target)
					for _, w := range d.synsetLemmas(p.target) {
						if !got[w] {
							got[w] = true
							out = append(out, w)
						}
					}
				}
			}
		}
		if len(next) == 0 {
			break
		}
		frontier = next
	}
	return out
}

// maxIsADepth bounds the walk up the taxonomy (WordNet's deepest noun
// chains are under 20 steps).
const maxIsADepth = 32

// IsA reports whether some sense of word (in part of speech pos) is a
// kind or an instance of some sense of ancestor, at any depth: "captain"
// is a person, "Baltimore" a city, "week" a time period, "mile" a unit
// of measurement. A word is not its own ancestor. ancestor is a lemma,
// multi-word ones with spaces ("time period"); it is reduced with Base
// too. Use FirstSenses to follow only the word's common senses.
func (d *DB) IsA(word string, pos POS, ancestor string, opts ...Option) bool {
	_, ok := d.isA(word, pos, ancestor, maxIsADepth, opts...)
	return ok
}

// isA returns the shallowest depth at which a sense of ancestor is found
// above a sense of word, with the senses involved.
func (d *DB) isA(word string, pos POS, ancestor string, maxDepth int, opts ...Option) (hit, bool) {
	targets := d.senseRefs(ancestor, pos, options{})
	if len(targets) == 0 {
		return hit{}, false
	}
	best := hit{}
	found := false
	var w walker
	for _, s := range d.senseRefs(word, pos, collect(opts)) {
		h, ok := w.climb(d, s.synset, targets, maxDepth)
		if !ok {
			continue
		}
		h.fromRank = s.rank
		if !found || h.better(best) {
			best, found = h, true
		}
	}
	return best, found
}

// hit is where a walk up the taxonomy met a target synset.
type hit struct {
	depth    int
	fromRank int
	toRank   int
}

func (h hit) better(o hit) bool {
	if h.depth != o.depth {
		return h.depth < o.depth
	}
	return h.fromRank+h.toRank < o.fromRank+o.toRank
}

// walker holds the buffers of breadth-first walks up the taxonomy, reused
// from one walk to the next. Hypernym sets are small (a few dozen
// synsets), so linear scans beat maps.
type walker struct {
	seen, frontier, next []int32
}

// climb walks breadth-first up from synset s and returns the shallowest
// target met.
func (w *walker) climb(d *DB, s int32, targets []senseRef, maxDepth int) (hit, bool) {
	w.seen = append(w.seen[:0], s)
	w.frontier = append(w.frontier[:0], s)
	for depth := 1; depth <= maxDepth && len(w.frontier) > 0; depth++ {
		w.next = w.next[:0]
		found, best := false, 0
		for _, f := range w.frontier {
			for _, p := range d.pointers(f) {
				if !isHypernymKind(p.kind) || slices.Contains(w.seen, p.target) {
					continue
				}
				w.seen = append(w.seen, p.target)
				w.next = append(w.next, p.target)
				for _, t := range targets {
					if t.synset == p.target && (!found || t.rank < best) {
						found, best = true, t.rank
					}
				}
			}
		}
		if found {
			return hit{depth: depth, toRank: best}, true
		}
		w.frontier, w.next = w.next, w.frontier
	}
	return hit{}, false
}
