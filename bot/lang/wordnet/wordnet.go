package wordnet

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

//go:embed wordnet.tbl
var table []byte

// POS is a WordNet part of speech. Adjective satellites count as
// adjectives.
type POS uint8

// The parts of speech WordNet knows.
const (
	Noun POS = iota
	Verb
	Adjective
	Adverb
	numPOS
)

// AllPOS lists the parts of speech in the order queries try them.
var allPOS = [numPOS]POS{Noun, Verb, Adjective, Adverb}

// String returns "noun", "verb", "adjective" or "adverb".
func (p POS) String() string {
	switch p {
	case Noun:
		return "noun"
	case Verb:
		return "verb"
	case Adjective:
		return "adjective"
	case Adverb:
		return "adverb"
	}
	return fmt.Sprintf("POS(%d)", uint8(p))
}

// Stored pointer kinds; gen/main.go writes the same numbers.
const (
	pAntonym = iota + 1
	pHypernym
	pInstanceHypernym
	pHyponym
	pInstanceHyponym
	pMemberHolonym
	pSubstanceHolonym
	pPartHolonym
	pMemberMeronym
	pSubstanceMeronym
	pPartMeronym
	pAttribute
	pDerivation
	pEntailment
	pCause
	pAlsoSee
	pVerbGroup
	pSimilar
	pParticiple
	pPertainym
	numPointerKinds
)

// synset is one WordNet synonym set.
type synset struct {
	pos       POS
	satellite bool
	mem       [2]int32 // members: db.mem[mem[0]:mem[1]]
	ptr       [2]int32 // pointers: db.ptr[ptr[0]:ptr[1]]
}

// member is a lemma of a synset.
type member struct {
	lemma int32
	rank  int32 // sense number of this synset for the lemma, 1-based
	count int32 // tag count of that sense in the semantic concordances
}

// pointer is a relation from a synset (src < 0) or from one of its lemmas.
type pointer struct {
	kind   uint8
	target int32
	src    int32 // lemma, or -1 for the whole synset
	dst    int32 // lemma, or -1 for the whole synset
}

// sense is one synset of a lemma, in the index's sense order.
type sense struct {
	synset int32
	count  int32
}

// DB is a loaded WordNet. It is read-only after Load and safe for
// concurrent use.
type DB struct {
	lemmas []string // sorted
	syn    []synset
	mem    []member
	ptr    []pointer
	// senses of lemma l in part of speech p: senses[idx[l*4+p]:idx[l*4+p+1]]
	idx    []int32
	senses []sense
	exc    [numPOS]map[string][]string
}

// Lazy loads a DB on first use. The zero value is ready; it is safe for
// concurrent use and loads at most once.
type Lazy struct {
	once sync.Once
	db   *DB
	err  error
}

// DB returns the loaded database, loading it on the first call.
func (l *Lazy) DB() (*DB, error) {
	l.once.Do(func() { l.db, l.err = Load() })
	return l.db, l.err
}

// Load parses the embedded WordNet table. It takes a few tens of
// milliseconds; keep the *DB (or a Lazy) rather than calling it per query.
func Load() (*DB, error) {
	d, err := decode(table)
	if err != nil {
		return nil, fmt.Errorf("wordnet: decode embedded table: %w", err)
	}
	return d, nil
}

var errTruncated = errors.New("table truncated")

type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > 1<<31-1 {
		r.err = errTruncated
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

func (r *reader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.err = errTruncated
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n > len(r.b) {
		r.err = errTruncated
		return nil
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

// count reads an element count and checks it against what could still
// follow, so that a corrupt table cannot ask for a huge allocation.
func (r *reader) count(minBytesEach int) int {
	n := r.uvarint()
	if n*minBytesEach > len(r.b) {
		r.err = errTruncated
		return 0
	}
	return n
}

func decode(raw []byte) (*DB, error) {
	if !bytes.HasPrefix(raw, []byte("WNTB\x02")) {
		return nil, errors.New("not a version 2 WordNet table")
	}
	r := &reader{b: raw[5:]}
	d := &DB{}

	// Lemmas, front-coded; kept as substrings of one string.
	nl := r.count(2)
	var all strings.Builder
	all.Grow(len(r.b) / 2)
	ends := make([]int, nl)
	prev := ""
	for i := range nl {
		shared := r.uvarint()
		suffix := r.bytes(r.uvarint())
		if r.err != nil || shared > len(prev) {
			return nil, errTruncated
		}
		start := all.Len()
		all.WriteString(prev[:shared])
		all.Write(suffix)
		ends[i] = all.Len()
		prev = all.String()[start:]
	}
	blob := all.String()
	d.lemmas = make([]string, nl)
	start := 0
	for i, e := range ends {
		d.lemmas[i] = blob[start:e]
		if i > 0 && d.lemmas[i] <= d.lemmas[i-1] {
			return nil, errors.New("lemmas out of order")
		}
		start = e
	}

	// Synsets.
	ns := r.count(3)
	nm, np := r.count(3), r.count(4)
	d.syn = make([]synset, ns)
	d.mem = make([]member, 0, nm)
	d.ptr = make([]pointer, 0, np)
	for i := range d.syn {
		s := &d.syn[i]
		p := r.byte()
		s.pos, s.satellite = POS(p&3), p&4 != 0
		s.mem[0] = int32(len(d.mem))
		for range r.count(3) {
			m := member{lemma: int32(r.uvarint()), rank: int32(r.uvarint()), count: int32(r.uvarint())}
			if int(m.lemma) >= nl || m.rank < 1 {
				return nil, fmt.Errorf("synset %d: bad member", i)
			}
			d.mem = append(d.mem, m)
		}
		s.mem[1] = int32(len(d.mem))
		s.ptr[0] = int32(len(d.ptr))
		for range r.count(4) {
			kind := r.byte()
			z := uint64(r.uvarint())
			target := int64(i) + int64(z>>1)*(1-2*int64(z&1)) - int64(z&1)
			pt := pointer{kind: kind, target: int32(target), src: int32(r.uvarint()) - 1, dst: int32(r.uvarint()) - 1}
			if target < 0 || target >= int64(ns) || kind == 0 || kind >= numPointerKinds ||
				int(pt.src) >= int(s.mem[1]-s.mem[0]) {
				return nil, fmt.Errorf("synset %d: bad pointer", i)
			}
			if pt.src >= 0 {
				pt.src = d.mem[s.mem[0]+pt.src].lemma
			}
			d.ptr = append(d.ptr, pt)
		}
		s.ptr[1] = int32(len(d.ptr))
		if r.err != nil {
			return nil, r.err
		}
	}

	// Pointer targets are resolved once every synset is known: a member
	// position becomes a lemma.
	for i := range d.ptr {
		pt := &d.ptr[i]
		if pt.dst < 0 {
			continue
		}
		t := &d.syn[pt.target]
		if pt.dst >= t.mem[1]-t.mem[0] {
			return nil, errors.New("pointer to a missing member")
		}
		pt.dst = d.mem[t.mem[0]+pt.dst].lemma
	}

	// Sense index: bucket the members by (lemma, pos), ordered by rank.
	d.idx = make([]int32, nl*int(numPOS)+1)
	for _, s := range d.syn {
		for _, m := range d.mem[s.mem[0]:s.mem[1]] {
			d.idx[int(m.lemma)*int(numPOS)+int(s.pos)+1]++
		}
	}
	for i := 1; i < len(d.idx); i++ {
		d.idx[i] += d.idx[i-1]
	}
	d.senses = make([]sense, len(d.mem))
	for i := range d.senses {
		d.senses[i].synset = -1
	}
	for i, s := range d.syn {
		for _, m := range d.mem[s.mem[0]:s.mem[1]] {
			k := int(m.lemma)*int(numPOS) + int(s.pos)
			lo, hi := d.idx[k], d.idx[k+1]
			at := lo + m.rank - 1
			if at >= hi || d.senses[at].synset >= 0 {
				return nil, fmt.Errorf("lemma %q: bad sense rank %d", d.lemmas[m.lemma], m.rank)
			}
			d.senses[at] = sense{synset: int32(i), count: m.count}
		}
	}

	for _, s := range d.senses {
		if s.synset < 0 {
			return nil, errors.New("gap in the sense index")
		}
	}

	// Exception lists.
	for p := range d.exc {
		n := r.count(4)
		d.exc[p] = make(map[string][]string, n)
		for range n {
			infl := string(r.bytes(r.uvarint()))
			nb := r.count(2)
			bases := make([]string, 0, nb)
			for range nb {
				bases = append(bases, string(r.bytes(r.uvarint())))
			}
			d.exc[p][infl] = bases
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(r.b) != 0 {
		return nil, errors.New("trailing bytes after the table")
	}
	return d, nil
}

// sensesOf returns the senses of a lemma in a part of speech, most
// frequent first.
func (d *DB) sensesOf(lemma int32, p POS) []sense {
	k := int(lemma)*int(numPOS) + int(p)
	return d.senses[d.idx[k]:d.idx[k+1]]
}

func (d *DB) members(s int32) []member {
	ss := &d.syn[s]
	return d.mem[ss.mem[0]:ss.mem[1]]
}

func (d *DB) pointers(s int32) []pointer {
	ss := &d.syn[s]
	return d.ptr[ss.ptr[0]:ss.ptr[1]]
}

// normalize puts a word into the table's lemma form: lower case, trimmed,
// underscores and runs of white space as single spaces.
func normalize(w string) string {
	w = strings.ToLower(strings.TrimSpace(w))
	if strings.ContainsAny(w, "_\t\n\r  ") {
		w = strings.Join(strings.Fields(strings.ReplaceAll(w, "_", " ")), " ")
	}
	return w
}

// id returns the index of lemma w, or -1.
func (d *DB) id(w string) int32 {
	i, ok := slices.BinarySearch(d.lemmas, w)
	if !ok {
		return -1
	}
	return int32(i)
}

// lookup returns the id of a lemma in part of speech p, or -1.
func (d *DB) lookup(w string, p POS) int32 {
	id := d.id(w)
	if id < 0 || len(d.sensesOf(id, p)) == 0 {
		return -1
	}
	return id
}

// Has reports whether word, exactly as given (after case folding), is a
// lemma of WordNet in part of speech pos. It does not reduce inflections;
// use Base for that.
func (d *DB) Has(word string, pos POS) bool {
	return pos < numPOS && d.lookup(normalize(word), pos) >= 0
}
