package retrieval

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/storybot/storybot/bot"
	bolt "go.etcd.io/bbolt"
)

// Buckets of the store (store.db in the corpus's data directory).
var (
	bucketMeta      = []byte("meta")      // "generation", "ledger" and "conflicts" (ledger.go)
	bucketFiles     = []byte("files")     // path → JSON fileRec
	bucketArticles  = []byte("articles")  // id → encodeArticle (or, written by older versions, JSON) bot.Article
	bucketPassages  = []byte("passages")  // id → encoded sentences of each passage
	bucketCounts    = []byte("counts")    // id → uvarint number of passages (what sync checks)
	bucketFirstSeen = []byte("firstseen") // id → int64 unix nanoseconds, kept after removal
	bucketVectors   = []byte("vectors")   // passage hash → float32s
)

var allBuckets = [][]byte{bucketMeta, bucketFiles, bucketArticles, bucketPassages, bucketCounts, bucketFirstSeen, bucketVectors}

// fileRec is what the store remembers of one corpus file.
type fileRec struct {
	Size     int64         `json:"size"`
	ModTime  int64         `json:"mtime"`
	Hash     string        `json:"hash"`
	Articles []fileArticle `json:"articles,omitempty"`
	Problems []Problem     `json:"problems,omitempty"`
	Warnings []Problem     `json:"warnings,omitempty"`
}

// fileArticle is one article of a file, as last indexed.
type fileArticle struct {
	ID       string `json:"id"`
	Source   string `json:"source"`
	Hash     string `json:"hash"`
	Passages int    `json:"passages"`
}

func hashBytes(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:16])
}

// articleHash identifies an article's indexed content (not its Source or
// FirstSeen).
func articleHash(a bot.Article) string {
	h := sha256.New()
	var buf [4096]byte
	for _, s := range []string{a.ID, a.Title, a.Outlet, a.URL, a.Published.UTC().Format(time.RFC3339Nano), a.Text} {
		binary.LittleEndian.PutUint64(buf[:8], uint64(len(s)))
		h.Write(buf[:8])
		// Through buf: h.Write([]byte(s)) would copy the whole text.
		for len(s) > 0 {
			n := copy(buf[:], s)
			h.Write(buf[:n])
			s = s[n:]
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// passageHash identifies a passage's text, the key of its vector.
func passageHash(text string) []byte {
	s := sha256.Sum256([]byte(text))
	return s[:16]
}

// encodePassages packs passages' sentences as uvarint counts and
// length-prefixed strings.
func encodePassages(ps []bot.Passage) []byte {
	n := 8
	for _, p := range ps {
		n += 4
		for _, s := range p.Sentences {
			n += len(s) + 4
		}
	}
	b := make([]byte, 0, n)
	b = binary.AppendUvarint(b, uint64(len(ps)))
	for _, p := range ps {
		b = binary.AppendUvarint(b, uint64(len(p.Sentences)))
		for _, s := range p.Sentences {
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
		}
	}
	return b
}

var errCorrupt = errors.New("corrupt passage record")

// decodePassages reverses encodePassages. When only >= 0, it decodes just
// that passage (the result has one element, or none).
func decodePassages(id string, b []byte, only int) ([]bot.Passage, error) {
	next := func() (uint64, error) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, errCorrupt
		}
		b = b[n:]
		return v, nil
	}
	np, err := next()
	if err != nil || np > uint64(len(b)) {
		return nil, errCorrupt
	}
	var out []bot.Passage
	for i := 0; i < int(np); i++ {
		ns, err := next()
		if err != nil || ns > uint64(len(b)) {
			return nil, errCorrupt
		}
		keep := only < 0 || only == i
		var sents []string
		if keep {
			sents = make([]string, 0, ns)
		}
		for j := 0; j < int(ns); j++ {
			l, err := next()
			if err != nil || l > uint64(len(b)) {
				return nil, errCorrupt
			}
			if keep {
				sents = append(sents, string(b[:l]))
			}
			b = b[l:]
		}
		if keep {
			out = append(out, bot.Passage{ArticleID: id, Index: i, Sentences: sents})
			if only >= 0 {
				break
			}
		}
	}
	return out, nil
}

// articleEncoding is the first byte of an encoded article (a JSON one, as
// older versions stored, starts with '{').
const articleEncoding = 1

// encodeArticle packs an article: the encoding byte, then ID, Title,
// Outlet, URL, Text and Source as uvarint lengths and bytes, then Published
// and FirstSeen (appendTime). It is several times faster than JSON, which
// spent most of its time escaping the text.
func encodeArticle(a bot.Article) []byte {
	b := make([]byte, 0, len(a.ID)+len(a.Title)+len(a.Outlet)+len(a.URL)+len(a.Text)+len(a.Source)+64)
	b = append(b, articleEncoding)
	for _, s := range [...]string{a.ID, a.Title, a.Outlet, a.URL, a.Text, a.Source} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = appendTime(b, a.Published)
	return appendTime(b, a.FirstSeen)
}

// appendTime packs a time as 0 when zero, else 1, then varint seconds since
// 1970, uvarint nanoseconds and varint zone offset in seconds (the instant
// and the offset survive; a zone's name does not, as in JSON).
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	_, off := t.Zone()
	b = append(b, 1)
	b = binary.AppendVarint(b, t.Unix())
	b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	return binary.AppendVarint(b, int64(off))
}

var errCorruptArticle = errors.New("corrupt article record")

// decodeArticle reverses encodeArticle; it reads the JSON of older
// versions too.
func decodeArticle(v []byte) (bot.Article, error) {
	var a bot.Article
	if len(v) > 0 && v[0] == '{' {
		if err := json.Unmarshal(v, &a); err != nil {
			return a, fmt.Errorf("%w: %w", errCorruptArticle, err)
		}
		return a, nil
	}
	if len(v) == 0 || v[0] != articleEncoding {
		return a, errCorruptArticle
	}
	v = v[1:]
	for _, f := range [...]*string{&a.ID, &a.Title, &a.Outlet, &a.URL, &a.Text, &a.Source} {
		n, k := binary.Uvarint(v)
		if k <= 0 || n > uint64(len(v)-k) {
			return bot.Article{}, errCorruptArticle
		}
		*f = string(v[k : k+int(n)])
		v = v[k+int(n):]
	}
	var ok bool
	if a.Published, v, ok = readTime(v); !ok {
		return bot.Article{}, errCorruptArticle
	}
	if a.FirstSeen, v, ok = readTime(v); !ok || len(v) != 0 {
		return bot.Article{}, errCorruptArticle
	}
	return a, nil
}

// articleDate returns an encoded article's publication time, or its
// first-seen time when that is unknown, without decoding its text; zero
// when v is not a readable article.
func articleDate(v []byte) time.Time {
	if len(v) > 0 && v[0] == '{' {
		a, err := decodeArticle(v)
		if err != nil {
			return time.Time{}
		}
		if a.Published.IsZero() {
			return a.FirstSeen
		}
		return a.Published
	}
	if len(v) == 0 || v[0] != articleEncoding {
		return time.Time{}
	}
	v = v[1:]
	for range 6 {
		n, k := binary.Uvarint(v)
		if k <= 0 || n > uint64(len(v)-k) {
			return time.Time{}
		}
		v = v[k+int(n):]
	}
	pub, v, ok := readTime(v)
	if !ok {
		return time.Time{}
	}
	if pub.IsZero() {
		seen, _, _ := readTime(v)
		return seen
	}
	return pub
}

// readTime reverses appendTime.
func readTime(v []byte) (time.Time, []byte, bool) {
	if len(v) == 0 {
		return time.Time{}, nil, false
	}
	switch v[0] {
	case 0:
		return time.Time{}, v[1:], true
	case 1:
	default:
		return time.Time{}, nil, false
	}
	v = v[1:]
	sec, k1 := binary.Varint(v)
	if k1 <= 0 {
		return time.Time{}, nil, false
	}
	v = v[k1:]
	nsec, k2 := binary.Uvarint(v)
	if k2 <= 0 || nsec >= 1e9 {
		return time.Time{}, nil, false
	}
	v = v[k2:]
	off, k3 := binary.Varint(v)
	if k3 <= 0 || off <= -(1<<20) || off >= 1<<20 {
		return time.Time{}, nil, false
	}
	t := time.Unix(sec, int64(nsec)).UTC()
	if off != 0 {
		t = t.In(time.FixedZone("", int(off)))
	}
	return t, v[k3:], true
}

func encodeVector(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return b
}

func decodeVector(b []byte) []float32 {
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}

func putJSON(b *bolt.Bucket, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return b.Put([]byte(key), data)
}

func putTime(b *bolt.Bucket, key string, t time.Time) error {
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], uint64(t.UnixNano()))
	return b.Put([]byte(key), v[:])
}

func getTime(b *bolt.Bucket, key string) (time.Time, bool) {
	v := b.Get([]byte(key))
	if len(v) != 8 {
		return time.Time{}, false
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC(), true
}
