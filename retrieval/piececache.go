package retrieval

import (
	"hash/maphash"
	"strings"
)

// pieceCache memoises the term numbers of text pieces (words with their
// punctuation, as split at white space). It is the analyzer's hot path: an
// ingest looks up every word of the corpus in it. A Go map of strings to
// slices touched four scattered cache lines a lookup (control word, slot,
// key bytes, value); here a piece of up to pieceInline bytes (96% of the
// words of news text) lives in one 16-byte slot with its term, so that a
// lookup reads one line and the table stays small enough for the caches.
// Longer pieces use a map; the terms of a piece with several are in an
// overflow slice. Not safe for concurrent use.
type pieceCache struct {
	seed  maphash.Seed
	slots []pieceSlot // open addressing, linear probing; len a power of two
	n     int         // occupied slots
	multi []uint32    // term numbers of inline pieces with several terms
	long  map[string][]uint32
}

// pieceInline is the longest piece kept in a slot.
const pieceInline = 10

// pieceSlot is one slot of the table. klen 0 marks it empty (no piece is
// empty). A piece with nTerms 0 or 1 has its term number in id; one with
// more terms has them at multi[id:id+nTerms].
type pieceSlot struct {
	key    [pieceInline]byte
	klen   uint8
	nTerms uint8
	id     uint32
}

func newPieceCache(size int) *pieceCache {
	n := 1024
	for n < 2*size {
		n *= 2
	}
	return &pieceCache{seed: maphash.MakeSeed(), slots: make([]pieceSlot, n), long: map[string][]uint32{}}
}

// len returns the number of pieces cached.
func (c *pieceCache) len() int { return c.n + len(c.long) }

// get appends the terms of piece to out; ok is false when it is not cached.
func (c *pieceCache) get(piece string, out []uint32) (_ []uint32, ok bool) {
	if len(piece) > pieceInline {
		ids, ok := c.long[piece]
		return append(out, ids...), ok
	}
	h := maphash.String(c.seed, piece)
	mask := uint64(len(c.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &c.slots[i]
		if s.klen == 0 {
			if len(c.long) == 0 {
				return out, false
			}
			ids, ok := c.long[piece] // a short piece with very many terms
			return append(out, ids...), ok
		}
		if int(s.klen) == len(piece) && string(s.key[:s.klen]) == piece {
			switch s.nTerms {
			case 0:
				return out, true
			case 1:
				return append(out, s.id), true
			}
			return append(out, c.multi[s.id:s.id+uint32(s.nTerms)]...), true
		}
	}
}

// put caches the terms of a piece not cached yet.
func (c *pieceCache) put(piece string, ids []uint32) {
	if len(piece) > pieceInline || len(ids) > 255 {
		c.long[strings.Clone(piece)] = ids
		return
	}
	if 2*(c.n+1) > len(c.slots) {
		c.grow()
	}
	s := pieceSlot{klen: uint8(len(piece)), nTerms: uint8(len(ids))}
	copy(s.key[:], piece)
	switch len(ids) {
	case 0:
	case 1:
		s.id = ids[0]
	default:
		s.id = uint32(len(c.multi))
		c.multi = append(c.multi, ids...)
	}
	c.insert(s, maphash.String(c.seed, piece))
	c.n++
}

func (c *pieceCache) insert(s pieceSlot, h uint64) {
	mask := uint64(len(c.slots) - 1)
	i := h & mask
	for c.slots[i].klen != 0 {
		i = (i + 1) & mask
	}
	c.slots[i] = s
}

// grow doubles the table.
func (c *pieceCache) grow() {
	old := c.slots
	c.slots = make([]pieceSlot, 2*len(old))
	for _, s := range old {
		if s.klen != 0 {
			c.insert(s, maphash.String(c.seed, string(s.key[:s.klen])))
		}
	}
}
