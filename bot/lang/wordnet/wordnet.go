package wordnet

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"
)

//go:embed wordnet.tbl
var table string

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

// allPOS lists the parts of speech in the order queries try them.
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

// synset is one WordNet synonym set. Its members and pointers run up to
// the next synset's (the last entry of DB.syn is a sentinel).
type synset struct {
	mem       int32 // first member in DB.mem
	ptr       int32 // first pointer in DB.ptr
	pos       POS
	satellite bool
}

// member is a lemma of a synset.
type member struct {
	lemma int32
	rank  uint16 // sense number of this synset for the lemma, 1-based
	count uint16 // tag count of that sense in the semantic concordances
}

// pointer is a relation from a synset, or from one of its members to one
// of the target's members. src and dst are member positions + 1 (0 for a
// pointer between whole synsets); DB.srcLemma and DB.dstLemma resolve
// them.
type pointer struct {
	target   int32
	kind     uint8
	src, dst uint8
}

// DB is a loaded WordNet. It is read-only after Load and safe for
// concurrent use. It keeps about 8 MB of its own; lemma strings are
// slices of the embedded table.
type DB struct {
	tbl    string  // the embedded table
	lemOff []int32 // lemma i is tbl[lemOff[i]:lemOff[i]+tbl[lemOff[i]-1]]
	syn    []synset
	mem    []member
	ptr    []pointer
	// The senses of lemma l are senses[lemSense[l]:lemSense[l+1]]: synset
	// indexes ordered by part of speech, then sense number.
	lemSense []int32
	senses   []int32
	exc      [numPOS]map[string][]string
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

// reader reads varints from the table.
type reader struct {
	s   string
	at  int
	err error
}

func (r *reader) uvarint() int {
	var v uint64
	for shift := 0; shift < 35; shift += 7 {
		if r.err != nil || r.at >= len(r.s) {
			r.err = errTruncated
			return 0
		}
		c := r.s[r.at]
		r.at++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			if v > 1<<31-1 {
				r.err = errTruncated
				return 0
			}
			return int(v)
		}
	}
	r.err = errTruncated
	return 0
}

func (r *reader) byte() byte {
	if r.err != nil || r.at >= len(r.s) {
		r.err = errTruncated
		return 0
	}
	c := r.s[r.at]
	r.at++
	return c
}

// str reads a length-prefixed string, sliced from the table.
func (r *reader) str() string {
	n := r.uvarint()
	if r.err != nil || n > len(r.s)-r.at {
		r.err = errTruncated
		return ""
	}
	s := r.s[r.at : r.at+n]
	r.at += n
	return s
}

// count reads an element count and checks it against what could still
// follow, so that a corrupt table cannot ask for a huge allocation.
func (r *reader) count(minBytesEach int) int {
	n := r.uvarint()
	if n*minBytesEach > len(r.s)-r.at {
		r.err = errTruncated
		return 0
	}
	return n
}

// decode reads a table (see gen/main.go for the format). Lemma and
// exception strings stay slices of tbl.
func decode(tbl string) (*DB, error) {
	if !strings.HasPrefix(tbl, "WNTB\x03") {
		return nil, errors.New("not a version 3 WordNet table")
	}
	r := &reader{s: tbl, at: 5}
	d := &DB{tbl: tbl}

	nl := r.count(2)
	d.lemOff = make([]int32, nl)
	prev := ""
	for i := range d.lemOff {
		n := r.byte()
		if n >= 128 || int(n) > len(tbl)-r.at {
			return nil, errTruncated
		}
		d.lemOff[i] = int32(r.at)
		w := tbl[r.at : r.at+int(n)]
		if i > 0 && w <= prev {
			return nil, errors.New("lemmas out of order")
		}
		prev = w
		r.at += int(n)
	}

	ns := r.count(3)
	nm, np := r.count(3), r.count(4)
	d.syn = make([]synset, ns+1)
	d.mem = make([]member, 0, nm)
	d.ptr = make([]pointer, 0, np)
	d.lemSense = make([]int32, nl+1)
	for i := range ns {
		s := &d.syn[i]
		p := r.byte()
		s.pos, s.satellite = POS(p&3), p&4 != 0
		s.mem, s.ptr = int32(len(d.mem)), int32(len(d.ptr))
		nmem := r.count(3)
		for range nmem {
			lemma, rank, count := r.uvarint(), r.uvarint(), r.uvarint()
			if lemma >= nl || rank < 1 || rank > 255 || count > 65535 || len(d.mem) == cap(d.mem) {
				return nil, fmt.Errorf("synset %d: bad member", i)
			}
			d.mem = append(d.mem, member{lemma: int32(lemma), rank: uint16(rank), count: uint16(count)})
			d.lemSense[lemma+1]++
		}
		for range r.count(4) {
			kind := r.byte()
			z := uint64(r.uvarint())
			target := int64(i) + int64(z>>1)*(1-2*int64(z&1)) - int64(z&1)
			src, dst := r.uvarint(), r.uvarint()
			if target < 0 || target >= int64(ns) || kind == 0 || kind >= numPointerKinds ||
				src > nmem || dst > 255 || (src == 0) != (dst == 0) || len(d.ptr) == cap(d.ptr) {
				return nil, fmt.Errorf("synset %d: bad pointer", i)
			}
			d.ptr = append(d.ptr, pointer{target: int32(target), kind: kind, src: uint8(src), dst: uint8(dst)})
		}
		if r.err != nil {
			return nil, r.err
		}
	}
	d.syn[ns] = synset{mem: int32(len(d.mem)), ptr: int32(len(d.ptr))}
	for _, p := range d.ptr {
		if int(p.dst) > len(d.members(p.target)) {
			return nil, errors.New("pointer to a missing member")
		}
	}

	// Sense index: a counting sort of the members by lemma, then each
	// lemma's few senses ordered by part of speech and sense number.
	for i := 1; i <= nl; i++ {
		d.lemSense[i] += d.lemSense[i-1]
	}
	d.senses = make([]int32, len(d.mem))
	for i := range ns {
		for _, m := range d.members(int32(i)) {
			d.senses[d.lemSense[m.lemma]] = int32(i)
			d.lemSense[m.lemma]++ // now the end of the lemma's run
		}
	}
	copy(d.lemSense[1:], d.lemSense[:nl])
	d.lemSense[0] = 0
	for l := range nl {
		run := d.senses[d.lemSense[l]:d.lemSense[l+1]]
		key := func(s int32) int { return int(d.syn[s].pos)<<16 | d.rankOf(s, int32(l)) }
		for i := 1; i < len(run); i++ {
			for j := i; j > 0 && key(run[j]) < key(run[j-1]); j-- {
				run[j], run[j-1] = run[j-1], run[j]
			}
		}
		var last POS = numPOS
		for i, s := range run {
			if p := d.syn[s].pos; p != last {
				last = p
				if d.rankOf(s, int32(l)) != 1 {
					return nil, fmt.Errorf("lemma %q: senses do not start at 1", d.lemma(int32(l)))
				}
			} else if d.rankOf(s, int32(l)) != d.rankOf(run[i-1], int32(l))+1 {
				return nil, fmt.Errorf("lemma %q: gap in its sense numbers", d.lemma(int32(l)))
			}
		}
	}

	// Exception lists.
	for p := range d.exc {
		n := r.count(4)
		d.exc[p] = make(map[string][]string, n)
		for range n {
			infl := r.str()
			nb := r.count(2)
			bases := make([]string, 0, nb)
			for range nb {
				bases = append(bases, r.str())
			}
			d.exc[p][infl] = bases
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.at != len(tbl) {
		return nil, errors.New("trailing bytes after the table")
	}
	return d, nil
}

// lemma returns lemma i.
func (d *DB) lemma(i int32) string {
	at := d.lemOff[i]
	return d.tbl[at : at+int32(d.tbl[at-1])]
}

// nLemmas returns the number of lemmas.
func (d *DB) nLemmas() int { return len(d.lemOff) }

// sensesOf returns the synsets of a lemma in a part of speech, most
// frequent sense first.
func (d *DB) sensesOf(lemma int32, p POS) []int32 {
	if lemma < 0 {
		return nil
	}
	run := d.senses[d.lemSense[lemma]:d.lemSense[lemma+1]]
	lo := 0
	for lo < len(run) && d.syn[run[lo]].pos < p {
		lo++
	}
	hi := lo
	for hi < len(run) && d.syn[run[hi]].pos == p {
		hi++
	}
	return run[lo:hi]
}

func (d *DB) members(s int32) []member {
	return d.mem[d.syn[s].mem:d.syn[s+1].mem]
}

func (d *DB) pointers(s int32) []pointer {
	return d.ptr[d.syn[s].ptr:d.syn[s+1].ptr]
}

// member returns the member of synset s that is lemma l, if any.
func (d *DB) member(s, l int32) (member, bool) {
	for _, m := range d.members(s) {
		if m.lemma == l {
			return m, true
		}
	}
	return member{}, false
}

// rankOf returns the sense number of synset s for lemma l (0 if l is not
// a member).
func (d *DB) rankOf(s, l int32) int {
	m, _ := d.member(s, l)
	return int(m.rank)
}

// countOf returns the tag count of synset s as a sense of lemma l.
func (d *DB) countOf(s, l int32) int {
	m, _ := d.member(s, l)
	return int(m.count)
}

// srcLemma returns the lemma a pointer of synset s starts from, or -1
// for a pointer from the whole synset.
func (d *DB) srcLemma(s int32, p pointer) int32 {
	if p.src == 0 {
		return -1
	}
	return d.mem[d.syn[s].mem+int32(p.src)-1].lemma
}

// dstLemma returns the lemma a pointer ends at, or -1 for a pointer to
// the whole target synset.
func (d *DB) dstLemma(p pointer) int32 {
	if p.dst == 0 {
		return -1
	}
	return d.mem[d.syn[p.target].mem+int32(p.dst)-1].lemma
}

// normalize puts a word into the table's lemma form: lower case, trimmed,
// underscores and runs of white space as single spaces.
func normalize(w string) string {
	w = strings.ToLower(strings.TrimSpace(w))
	if strings.ContainsAny(w, "_\t\n\r\u00a0") || strings.Contains(w, "  ") {
		w = strings.Join(strings.Fields(strings.ReplaceAll(w, "_", " ")), " ")
	}
	return w
}

// id returns the index of lemma w, or -1.
func (d *DB) id(w string) int32 {
	lo, hi := 0, d.nLemmas()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if d.lemma(int32(m)) < w {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < d.nLemmas() && d.lemma(int32(lo)) == w {
		return int32(lo)
	}
	return -1
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
