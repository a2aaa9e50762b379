package retrieval

import (
	"bytes"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// The passage index is a purpose-built BM25 index: one immutable segment,
// held in memory as the bytes of its file (index.bm25). A sync that
// changes the corpus builds the next segment from the current one (its
// postings re-numbered, removed passages dropped) plus the new passages,
// writes it once and swaps it in; searches keep using the segment they
// started with.
//
// Scores are bleve's BM25 (v2.6, which this index replaces, with the same
// English analysis), so rankings are unchanged: per query term t matching
// passage d,
//
//	idf(t)² · qn · √tf·k1 / (√tf + k1·(1 − b + b·len(d)/avglen))
//
// with idf(t) = ln(1 + (N − df + 0.5)/(df + 0.5)), qn = 1/√Σ idf², k1 = 1.2,
// b = 0.75, then the sum over the matched terms times the share of query
// terms matched (coord). For avglen bleve takes the size of the field's
// vocabulary over N, rounded up (its "field cardinality"; per segment, so
// this is a fully merged bleve index), not the mean passage length: the
// answers' quality was measured with it, so it is kept. It weighs passage
// length more heavily than textbook BM25 does.

// File layout, little endian:
//
//	header   bm25Magic, generation u64, docs u32, terms u32, total length u64,
//	         offsets of the doc table, term table, strings and postings (u64 each)
//	docs     per passage: article ID offset u32 and length u32 (in strings),
//	         passage index u32, length in terms u32
//	terms    sorted by term: term offset u32 and length u32 (in strings),
//	         postings offset u32 (in postings), document frequency u32
//	strings  article IDs and terms
//	postings per term, per passage in ascending order: uvarint gap, uvarint tf
//	trailer  CRC-32C of everything before it (u32)
const (
	bm25Magic     = "SBBM25\x00\x01"
	bm25Header    = 8 + 8 + 4 + 4 + 8 + 4*8
	bm25DocEntry  = 16
	bm25TermEntry = 16
	bm25File      = "index.bm25"
)

// BM25 parameters, bleve's.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// Scoring models (Options.scoring, tests only).
const (
	scoringBM25  = "bm25"
	scoringTFIDF = "tf-idf"
)

var (
	crcTable      = crc32.MakeTable(crc32.Castagnoli)
	errBadSegment = errors.New("the search index file is damaged")
)

// bm25Seg is a loaded passage index. It is immutable and safe for
// concurrent use.
type bm25Seg struct {
	gen    uint64
	nDocs  int
	nTerms int
	// totalLen is the number of terms of all passages (textbook BM25's
	// average length is totalLen/nDocs).
	totalLen uint64
	docs     []byte
	terms    []byte
	strs     []byte
	posts    []byte
	// avgLen is what bleve's BM25 uses as the average passage length:
	// the number of distinct terms over the number of passages, rounded up.
	avgLen float64
	// lenNorm is each passage's length factor of BM25's denominator,
	// k1·(1 − b + b·len/avglen), computed once at load.
	lenNorm []float64
	// scratch holds score accumulators for searches.
	scratch sync.Pool
}

// emptySegment is the index of no passages.
func emptySegment(gen uint64) *bm25Seg {
	s, err := decodeSegment(encodeSegment(gen, nil, nil, nil, nil, 0))
	if err != nil {
		panic(err) // an encoder bug
	}
	return s
}

// decodeSegment parses the bytes of an index file; the segment keeps them.
func decodeSegment(b []byte) (*bm25Seg, error) {
	if len(b) < bm25Header+4 || string(b[:8]) != bm25Magic {
		return nil, errBadSegment
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, crcTable) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, errBadSegment
	}
	s := &bm25Seg{
		gen:      binary.LittleEndian.Uint64(b[8:]),
		nDocs:    int(binary.LittleEndian.Uint32(b[16:])),
		nTerms:   int(binary.LittleEndian.Uint32(b[20:])),
		totalLen: binary.LittleEndian.Uint64(b[24:]),
	}
	var off [5]uint64
	for i := range 4 {
		off[i] = binary.LittleEndian.Uint64(b[32+8*i:])
	}
	off[4] = uint64(len(body))
	for i := range 4 {
		if off[i] < bm25Header || off[i] > off[i+1] {
			return nil, errBadSegment
		}
	}
	s.docs, s.terms, s.strs, s.posts = body[off[0]:off[1]], body[off[1]:off[2]], body[off[2]:off[3]], body[off[3]:off[4]]
	if len(s.docs) != s.nDocs*bm25DocEntry || len(s.terms) != s.nTerms*bm25TermEntry {
		return nil, errBadSegment
	}
	// Every reference must stay inside the file.
	for d := range s.nDocs {
		e := s.docs[d*bm25DocEntry:]
		o, l := uint64(binary.LittleEndian.Uint32(e)), uint64(binary.LittleEndian.Uint32(e[4:]))
		if o+l > uint64(len(s.strs)) {
			return nil, errBadSegment
		}
	}
	prev := uint32(0)
	for t := range s.nTerms {
		e := s.terms[t*bm25TermEntry:]
		o, l := uint64(binary.LittleEndian.Uint32(e)), uint64(binary.LittleEndian.Uint32(e[4:]))
		p := binary.LittleEndian.Uint32(e[8:])
		if o+l > uint64(len(s.strs)) || p < prev || int(p) > len(s.posts) {
			return nil, errBadSegment
		}
		prev = p
	}
	if s.nDocs > 0 {
		s.avgLen = math.Ceil(float64(s.nTerms) / float64(s.nDocs))
	}
	s.lenNorm = make([]float64, s.nDocs)
	for d := range s.lenNorm {
		s.lenNorm[d] = bm25K1 * (1 - bm25B + bm25B*fieldLength(s.docLen(d))/s.avgLen)
	}
	return s, nil
}

// doc returns document d's article ID, passage index and length in terms.
func (s *bm25Seg) doc(d int) (article string, passage int, length uint32) {
	e := s.docs[d*bm25DocEntry:]
	o, l := binary.LittleEndian.Uint32(e), binary.LittleEndian.Uint32(e[4:])
	return string(s.strs[o : o+l]), int(binary.LittleEndian.Uint32(e[8:])), binary.LittleEndian.Uint32(e[12:])
}

// docArticleBytes returns document d's article ID without copying.
func (s *bm25Seg) docArticleBytes(d int) []byte {
	e := s.docs[d*bm25DocEntry:]
	o, l := binary.LittleEndian.Uint32(e), binary.LittleEndian.Uint32(e[4:])
	return s.strs[o : o+l]
}

func (s *bm25Seg) docLen(d int) uint32 {
	return binary.LittleEndian.Uint32(s.docs[d*bm25DocEntry+12:])
}

// term returns term i's text.
func (s *bm25Seg) term(i int) []byte {
	e := s.terms[i*bm25TermEntry:]
	o, l := binary.LittleEndian.Uint32(e), binary.LittleEndian.Uint32(e[4:])
	return s.strs[o : o+l]
}

// postings returns term i's document frequency and encoded postings.
func (s *bm25Seg) postings(i int) (int, []byte) {
	e := s.terms[i*bm25TermEntry:]
	start := binary.LittleEndian.Uint32(e[8:])
	end := uint32(len(s.posts))
	if i+1 < s.nTerms {
		end = binary.LittleEndian.Uint32(s.terms[(i+1)*bm25TermEntry+8:])
	}
	return int(binary.LittleEndian.Uint32(e[12:])), s.posts[start:end]
}

// find returns the index of a term, or -1.
func (s *bm25Seg) find(term string) int {
	lo, hi := 0, s.nTerms
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if bytes.Compare(s.term(m), []byte(term)) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < s.nTerms && string(s.term(lo)) == term {
		return lo
	}
	return -1
}

// docFreq returns the number of passages containing term.
func (s *bm25Seg) docFreq(term string) int {
	i := s.find(term)
	if i < 0 {
		return 0
	}
	df, _ := s.postings(i)
	return df
}

// forPostings calls fn for each entry of encoded postings; it stops at the
// first malformed entry.
func forPostings(p []byte, fn func(doc, tf uint32)) {
	doc := uint64(0)
	first := true
	for len(p) > 0 {
		gap, n := binary.Uvarint(p)
		if n <= 0 {
			return
		}
		p = p[n:]
		tf, n := binary.Uvarint(p)
		if n <= 0 {
			return
		}
		p = p[n:]
		if first {
			doc, first = gap, false
		} else {
			doc += gap
		}
		fn(uint32(doc), uint32(tf))
	}
}

// accum is the scratch space of one search.
type accum struct {
	score   []float64
	matched []uint16
	touched []uint32
}

// search scores the segment's passages for terms (distinct, analysed) and
// returns the best k, best first; ties go to the earlier passage.
func (s *bm25Seg) search(terms []string, k int, model string) []scoredDoc {
	if len(terms) == 0 || s.nDocs == 0 || k <= 0 {
		return nil
	}
	type qterm struct {
		idf  float64
		post []byte
	}
	qs := make([]qterm, 0, len(terms))
	sumSq := 0.0
	n := float64(s.nDocs)
	for _, t := range terms {
		i := s.find(t)
		df := 0
		var post []byte
		if i >= 0 {
			df, post = s.postings(i)
		}
		var idf float64
		if model == scoringTFIDF {
			idf = 1 + math.Log(n/float64(df+1))
		} else {
			idf = math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
		}
		sumSq += idf * idf
		qs = append(qs, qterm{idf: idf, post: post})
	}
	qn := 1 / math.Sqrt(sumSq)
	a, _ := s.scratch.Get().(*accum)
	if a == nil {
		a = &accum{score: make([]float64, s.nDocs), matched: make([]uint16, s.nDocs)}
	}
	defer func() {
		for _, d := range a.touched {
			a.score[d], a.matched[d] = 0, 0
		}
		a.touched = a.touched[:0]
		s.scratch.Put(a)
	}()
	for _, q := range qs {
		if len(q.post) == 0 {
			continue
		}
		w := q.idf * q.idf * qn
		forPostings(q.post, func(d, tf uint32) {
			if int(d) >= s.nDocs {
				return
			}
			if a.matched[d] == 0 {
				a.touched = append(a.touched, d)
			}
			a.matched[d]++
			sq := sqrtTF(tf)
			if model == scoringTFIDF {
				a.score[d] += w * sq * lengthNorm(s.docLen(int(d)))
			} else {
				a.score[d] += w * sq * bm25K1 / (sq + s.lenNorm[d])
			}
		})
	}
	total := float64(len(terms))
	h := make(scoreHeap, 0, min(k, len(a.touched)))
	for _, d := range a.touched {
		sd := scoredDoc{doc: d, score: a.score[d] * float64(a.matched[d]) / total}
		if len(h) < k {
			heap.Push(&h, sd)
		} else if better(sd, h[0]) {
			h[0] = sd
			heap.Fix(&h, 0)
		}
	}
	out := make([]scoredDoc, len(h))
	for i := len(h) - 1; i >= 0; i-- {
		out[i] = heap.Pop(&h).(scoredDoc)
	}
	return out
}

// lengthNorm is bleve's norm of a passage of length terms: 1/√length, kept
// as a float32.
func lengthNorm(length uint32) float64 {
	return float64(float32(1 / math.Sqrt(float64(length))))
}

// fieldLength is the length bleve's BM25 uses: recovered from the norm.
func fieldLength(length uint32) float64 {
	n := lengthNorm(length)
	return 1 / (n * n)
}

// sqrtTable holds √tf for small term frequencies.
var sqrtTable = func() (t [64]float64) {
	for i := range t {
		t[i] = math.Sqrt(float64(i))
	}
	return t
}()

func sqrtTF(tf uint32) float64 {
	if tf < uint32(len(sqrtTable)) {
		return sqrtTable[tf]
	}
	return math.Sqrt(float64(tf))
}

// scoredDoc is a document with its score.
type scoredDoc struct {
	doc   uint32
	score float64
}

// better orders results: higher score first, then the earlier document.
func better(a, b scoredDoc) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.doc < b.doc
}

// scoreHeap is a min-heap of the best results so far (worst on top).
type scoreHeap []scoredDoc

func (h scoreHeap) Len() int           { return len(h) }
func (h scoreHeap) Less(i, j int) bool { return better(h[j], h[i]) }
func (h scoreHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *scoreHeap) Push(x any)        { *h = append(*h, x.(scoredDoc)) }
func (h *scoreHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// docRec is a passage of the index.
type docRec struct {
	article string
	passage uint32
	length  uint32
}

// termBuf is the posting list of one term under construction, encoded as in
// the file (the first document absolute).
type termBuf struct {
	df   uint32
	last uint32
	buf  []byte
}

// segBuilder collects new passages, numbered from 0 in the order added, with
// their postings already encoded (a few bytes a posting, so that 100,000
// articles fit in memory). Not safe for concurrent use.
type segBuilder struct {
	dict  *termDict
	docs  []docRec
	terms []*termBuf // by term number
}

func newSegBuilder(dict *termDict) *segBuilder { return &segBuilder{dict: dict} }

// add appends a passage of length terms with its distinct terms.
func (b *segBuilder) add(article string, passage int, length int, tfs []idFreq) {
	d := uint32(len(b.docs))
	b.docs = append(b.docs, docRec{article, uint32(passage), uint32(length)})
	for _, t := range tfs {
		if int(t.id) >= len(b.terms) {
			b.terms = append(b.terms, make([]*termBuf, max(int(t.id)+1-len(b.terms), len(b.terms)/2, 1024))...)
		}
		tb := b.terms[t.id]
		gap := d
		if tb == nil {
			tb = &termBuf{}
			b.terms[t.id] = tb
		} else {
			gap = d - tb.last
		}
		tb.buf = binary.AppendUvarint(tb.buf, uint64(gap))
		tb.buf = binary.AppendUvarint(tb.buf, uint64(t.tf))
		tb.last = d
		tb.df++
	}
}

// mergeSegment encodes the next segment: old's passages except those of
// articles in drop (re-numbered, in order), then add's, in order.
func mergeSegment(old *bm25Seg, drop map[string]bool, add *segBuilder, gen uint64) ([]byte, error) {
	// Old documents: keep or drop, and their new numbers.
	remap := make([]int32, old.nDocs)
	docs := make([]docRec, 0, old.nDocs+len(add.docs))
	total := uint64(0)
	for d := range old.nDocs {
		art := old.docArticleBytes(d)
		if drop[string(art)] {
			remap[d] = -1
			continue
		}
		a, p, l := old.doc(d)
		remap[d] = int32(len(docs))
		docs = append(docs, docRec{a, uint32(p), l})
		total += uint64(l)
	}
	base := len(docs)
	if uint64(base)+uint64(len(add.docs)) > math.MaxUint32 {
		return nil, errors.New("too many passages for one index")
	}
	for _, d := range add.docs {
		docs = append(docs, d)
		total += uint64(d.length)
	}
	type newTerm struct {
		term string
		buf  *termBuf
	}
	var newTerms []newTerm
	for id, tb := range add.terms {
		if tb != nil {
			newTerms = append(newTerms, newTerm{add.dict.term(uint32(id)), tb})
		}
	}
	slices.SortFunc(newTerms, func(a, b newTerm) int { return strings.Compare(a.term, b.term) })

	// The postings are at most the old ones and the new ones; the strings
	// at most the old ones and the new terms and articles.
	newPosts, newStrs := 0, 0
	for _, t := range newTerms {
		newPosts += len(t.buf.buf) + 2*binary.MaxVarintLen32
		newStrs += len(t.term)
	}
	for _, d := range add.docs {
		newStrs += len(d.article)
	}
	posts := make([]byte, 0, len(old.posts)+newPosts)
	strs := make([]byte, 0, len(old.strs)+newStrs)
	articleOff := map[string][2]uint32{}
	docTab := make([]byte, 0, len(docs)*bm25DocEntry)
	for _, d := range docs {
		ao, ok := articleOff[d.article]
		if !ok {
			ao = [2]uint32{uint32(len(strs)), uint32(len(d.article))}
			strs = append(strs, d.article...)
			articleOff[d.article] = ao
		}
		docTab = binary.LittleEndian.AppendUint32(docTab, ao[0])
		docTab = binary.LittleEndian.AppendUint32(docTab, ao[1])
		docTab = binary.LittleEndian.AppendUint32(docTab, d.passage)
		docTab = binary.LittleEndian.AppendUint32(docTab, d.length)
	}
	termTab := make([]byte, 0, (old.nTerms+len(newTerms))*bm25TermEntry)
	nTerms := 0
	emit := func(term []byte, oldPost []byte, np *termBuf) {
		start := len(posts)
		df := 0
		last := int64(-1)
		put := func(doc, tf uint32) {
			gap := uint64(doc)
			if last >= 0 {
				gap = uint64(int64(doc) - last)
			}
			posts = binary.AppendUvarint(posts, gap)
			posts = binary.AppendUvarint(posts, uint64(tf))
			last = int64(doc)
			df++
		}
		if oldPost != nil {
			forPostings(oldPost, func(doc, tf uint32) {
				if int(doc) < len(remap) && remap[doc] >= 0 {
					put(uint32(remap[doc]), tf)
				}
			})
		}
		if np != nil && len(np.buf) > 0 {
			// The new list's first document is absolute (from 0); the rest
			// are gaps, copied as they are.
			d0, n0 := binary.Uvarint(np.buf)
			tf0, n1 := binary.Uvarint(np.buf[n0:])
			put(uint32(base)+uint32(d0), uint32(tf0))
			posts = append(posts, np.buf[n0+n1:]...)
			df += int(np.df) - 1
			last = int64(base) + int64(np.last)
		}
		if df == 0 {
			posts = posts[:start]
			return
		}
		termTab = binary.LittleEndian.AppendUint32(termTab, uint32(len(strs)))
		termTab = binary.LittleEndian.AppendUint32(termTab, uint32(len(term)))
		termTab = binary.LittleEndian.AppendUint32(termTab, uint32(start))
		termTab = binary.LittleEndian.AppendUint32(termTab, uint32(df))
		strs = append(strs, term...)
		nTerms++
	}
	i, j := 0, 0
	for i < old.nTerms || j < len(newTerms) {
		var c int
		switch {
		case i >= old.nTerms:
			c = 1
		case j >= len(newTerms):
			c = -1
		default:
			c = bytes.Compare(old.term(i), []byte(newTerms[j].term))
		}
		switch {
		case c < 0:
			_, p := old.postings(i)
			emit(old.term(i), p, nil)
			i++
		case c > 0:
			emit([]byte(newTerms[j].term), nil, newTerms[j].buf)
			j++
		default:
			_, p := old.postings(i)
			emit(old.term(i), p, newTerms[j].buf)
			i++
			j++
		}
		if len(posts) > math.MaxUint32 || len(strs) > math.MaxUint32 {
			return nil, errors.New("the search index is larger than 4 GB")
		}
	}
	return encodeSegment(gen, docTab, termTab[:nTerms*bm25TermEntry], strs, posts, total), nil
}

// encodeSegment assembles an index file.
func encodeSegment(gen uint64, docTab, termTab, strs, posts []byte, total uint64) []byte {
	size := bm25Header + len(docTab) + len(termTab) + len(strs) + len(posts) + 4
	b := make([]byte, 0, size)
	b = append(b, bm25Magic...)
	b = binary.LittleEndian.AppendUint64(b, gen)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(docTab)/bm25DocEntry))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(termTab)/bm25TermEntry))
	b = binary.LittleEndian.AppendUint64(b, total)
	off := uint64(bm25Header)
	for _, sec := range [][]byte{docTab, termTab, strs, posts} {
		b = binary.LittleEndian.AppendUint64(b, off)
		off += uint64(len(sec))
	}
	for _, sec := range [][]byte{docTab, termTab, strs, posts} {
		b = append(b, sec...)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
}

// writeSegmentFile writes an index file atomically (a temporary file,
// synced, renamed over the old one).
func writeSegmentFile(dir string, b []byte) error {
	f, err := os.CreateTemp(dir, bm25File+".tmp*")
	if err != nil {
		return fmt.Errorf("write the search index: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, bm25File))
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("write the search index: %w", err)
	}
	return nil
}

// readSegmentFile loads the index file of dir.
func readSegmentFile(dir string) (*bm25Seg, error) {
	b, err := os.ReadFile(filepath.Join(dir, bm25File))
	if err != nil {
		return nil, err
	}
	return decodeSegment(b)
}
