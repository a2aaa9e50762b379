package retrieval

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/storybot/storybot/bot"
	bolt "go.etcd.io/bbolt"
)

// Embedder turns text into vectors for hybrid retrieval. Implementations
// must be safe for concurrent use; EmbedDocuments returns one vector per
// text, in order, all of the same dimension as EmbedQuery's.
type Embedder interface {
	EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error)
	EmbedQuery(ctx context.Context, text string) ([]float32, error)
}

// embedBatch is how many passages are sent to the Embedder at once.
const embedBatch = 64

// syncVectors brings the in-memory vectors up to date after a sync: on the
// first sync every passage is covered, later only indexed and removed
// articles. Vectors are cached in the store by passage content, so only new
// text is embedded. Embedding failures are logged; those passages are found
// by BM25 alone until a later sync embeds them.
func (x *Index) syncVectors(ctx context.Context, indexed []bot.Article, removed []fileArticle, counts map[string]int) error {
	if x.opt.Embedder == nil {
		return nil
	}
	x.vecMu.Lock()
	first := x.vecs == nil
	if first {
		x.vecs = map[string][]float32{}
	}
	for _, o := range removed {
		for k := 0; k < o.Passages; k++ {
			delete(x.vecs, docID(o.ID, k))
		}
	}
	x.vecMu.Unlock()

	type pending struct {
		doc, text string
		hash      []byte
	}
	var todo []pending
	found := map[string][]float32{}
	visit := func(tx *bolt.Tx, id string, v []byte) error {
		ps, err := decodePassages(id, v, -1)
		if err != nil {
			return fmt.Errorf("article %q: %w", id, err)
		}
		vb := tx.Bucket(bucketVectors)
		for _, p := range ps {
			t := p.Text()
			h := passageHash(t)
			if raw := vb.Get(h); raw != nil {
				found[docID(id, p.Index)] = decodeVector(raw)
				continue
			}
			todo = append(todo, pending{doc: docID(id, p.Index), text: t, hash: h})
		}
		return nil
	}
	err := x.db.View(func(tx *bolt.Tx) error {
		pb := tx.Bucket(bucketPassages)
		if first {
			return pb.ForEach(func(k, v []byte) error { return visit(tx, string(k), v) })
		}
		for _, a := range indexed {
			x.vecMu.Lock()
			for k := counts[a.ID]; k < counts[a.ID]+maxPassages; k++ {
				if _, ok := x.vecs[docID(a.ID, k)]; !ok {
					break
				}
				delete(x.vecs, docID(a.ID, k))
			}
			x.vecMu.Unlock()
			if v := pb.Get([]byte(a.ID)); v != nil {
				if err := visit(tx, a.ID, v); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read passages for embedding: %w", err)
	}
	for start := 0; start < len(todo); start += embedBatch {
		if err := ctx.Err(); err != nil {
			return err
		}
		part := todo[start:min(start+embedBatch, len(todo))]
		texts := make([]string, len(part))
		for i, p := range part {
			texts[i] = p.text
		}
		vecs, err := x.opt.Embedder.EmbedDocuments(ctx, texts)
		if err == nil && len(vecs) != len(texts) {
			err = fmt.Errorf("got %d vectors for %d passages", len(vecs), len(texts))
		}
		if err != nil {
			x.log.WarnContext(ctx, "embedding failed; those passages are searched by words only", "passages", len(todo)-start, "err", err)
			break
		}
		if err := x.db.Update(func(tx *bolt.Tx) error {
			vb := tx.Bucket(bucketVectors)
			for i, p := range part {
				if err := vb.Put(p.hash, encodeVector(vecs[i])); err != nil {
					return err
				}
				found[p.doc] = vecs[i]
			}
			return nil
		}); err != nil {
			return fmt.Errorf("store vectors: %w", err)
		}
	}
	x.vecMu.Lock()
	for doc, v := range found {
		x.vecs[doc] = normalized(v)
	}
	x.vecMu.Unlock()
	return nil
}

func normalized(v []float32) []float32 {
	var s float64
	for _, f := range v {
		s += float64(f) * float64(f)
	}
	if s == 0 {
		return v
	}
	n := float32(1 / math.Sqrt(s))
	out := make([]float32, len(v))
	for i, f := range v {
		out[i] = f * n
	}
	return out
}

// searchVectors ranks passages by cosine similarity to the query's vector.
// A failing Embedder is logged and gives no ranking.
func (x *Index) searchVectors(ctx context.Context, q string, k int) []ranked {
	qv, err := x.opt.Embedder.EmbedQuery(ctx, q)
	if err != nil {
		x.log.WarnContext(ctx, "query embedding failed; searching by words only", "err", err)
		return nil
	}
	return x.searchVectorsFor(qv, k)
}

// searchVectorsFor ranks passages by cosine similarity to qv, best k first.
func (x *Index) searchVectorsFor(qv []float32, k int) []ranked {
	qv = normalized(qv)
	if k <= 0 {
		return nil
	}
	x.vecMu.RLock()
	defer x.vecMu.RUnlock()
	// A bounded min-heap keeps the k best without sorting every passage.
	top := make([]ranked, 0, k)
	less := func(a, b ranked) bool { // a ranks below b
		if a.score != b.score {
			return a.score < b.score
		}
		return a.id > b.id
	}
	down := func(i int) {
		for {
			l, m := 2*i+1, i
			if l < len(top) && less(top[l], top[m]) {
				m = l
			}
			if r := l + 1; r < len(top) && less(top[r], top[m]) {
				m = r
			}
			if m == i {
				return
			}
			top[i], top[m] = top[m], top[i]
			i = m
		}
	}
	for id, v := range x.vecs {
		if len(v) != len(qv) {
			continue
		}
		var dot float32
		for i := range v {
			dot += v[i] * qv[i]
		}
		r := ranked{id: id, score: float64(dot)}
		switch {
		case len(top) < k:
			top = append(top, r)
			for i := len(top) - 1; i > 0; {
				p := (i - 1) / 2
				if !less(top[i], top[p]) {
					break
				}
				top[i], top[p] = top[p], top[i]
				i = p
			}
		case less(top[0], r):
			top[0] = r
			down(0)
		}
	}
	slices.SortFunc(top, func(a, b ranked) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	return top
}
