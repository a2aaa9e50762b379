package retrieval

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/storybot/storybot/bot"
	bolt "go.etcd.io/bbolt"
)

// Query limits: a query is cut to maxQueryBytes of text and its first
// maxQueryTerms distinct analysed terms, so a pasted essay stays fast.
const (
	maxQueryBytes = 4096
	maxQueryTerms = 32
	maxLimit      = 500
	defaultLimit  = 20
)

// queryTerms analyses a user's query with the index's English analyzer and
// returns its distinct terms, in order, capped. The text is never parsed as
// query syntax.
func (x *Index) queryTerms(q string) []string {
	if len(q) > maxQueryBytes {
		cut := maxQueryBytes
		for cut > 0 && !utf8.RuneStart(q[cut]) {
			cut--
		}
		q = q[:cut]
	}
	seen := map[string]bool{}
	var terms []string
	for _, term := range analyzeEnglish([]byte(q)) {
		t := string(term)
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		terms = append(terms, t)
		if len(terms) == maxQueryTerms {
			break
		}
	}
	return terms
}

// ranked is a document ID with a score, best first.
type ranked struct {
	id    string
	score float64
}

// Search returns up to limit passages relevant to a plain-text query, best
// first, scored with BM25 (fused with vector similarity by reciprocal rank
// when an Embedder is configured). A query with no searchable words gives
// no hits and no error.
func (x *Index) Search(ctx context.Context, q string, limit int) ([]bot.Hit, error) {
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	k := limit
	if x.opt.Embedder != nil {
		k = max(limit*3, 60)
	}
	seg, err := x.segment()
	if err != nil {
		return nil, fmt.Errorf("search the index: %w", err)
	}
	lexical := x.searchBM25(seg, pruneTerms(seg, x.queryTerms(q)), k)
	results := lexical
	if x.opt.Embedder != nil {
		if vec := x.searchVectors(ctx, q, k); len(vec) > 0 {
			results = fuseRRF(lexical, vec)
		}
	}
	if len(results) > limit {
		results = results[:limit]
	}
	return x.hits(results)
}

// Pruning of very common query terms, a guard on latency for large corpora:
// in an index of more than pruneMinDocs passages, terms found in more than
// pruneShare of them are dropped (their BM25 weight is tiny, their posting
// lists are long), keeping at least pruneKeep terms, the rarest.
const (
	pruneMinDocs = 20000
	pruneShare   = 0.2
	pruneKeep    = 3
)

// pruneTerms drops very common terms of a query on a large index.
func pruneTerms(seg *bm25Seg, terms []string) []string {
	if len(terms) <= pruneKeep || seg.nDocs < pruneMinDocs {
		return terms
	}
	type tdf struct {
		term string
		df   int
		pos  int
	}
	dfs := make([]tdf, 0, len(terms))
	for i, t := range terms {
		dfs = append(dfs, tdf{t, seg.docFreq(t), i})
	}
	slices.SortStableFunc(dfs, func(a, b tdf) int { return cmp.Compare(a.df, b.df) })
	limit := int(pruneShare * float64(seg.nDocs))
	keep := dfs[:0]
	for i, d := range dfs {
		if i < pruneKeep || d.df <= limit {
			keep = append(keep, d)
		}
	}
	slices.SortFunc(keep, func(a, b tdf) int { return cmp.Compare(a.pos, b.pos) })
	out := make([]string, len(keep))
	for i, d := range keep {
		out[i] = d.term
	}
	return out
}

// searchBM25 returns the k best passages for terms, named by docID.
func (x *Index) searchBM25(seg *bm25Seg, terms []string, k int) []ranked {
	res := seg.search(terms, k, x.opt.scoring)
	out := make([]ranked, len(res))
	for i, r := range res {
		a, p, _ := seg.doc(int(r.doc))
		out[i] = ranked{id: docID(a, p), score: r.score}
	}
	return out
}

// rrfK is the constant of reciprocal rank fusion.
const rrfK = 60

// fuseRRF merges rankings by reciprocal rank fusion: each document scores
// the sum of 1/(rrfK+rank) over the rankings it appears in.
func fuseRRF(lists ...[]ranked) []ranked {
	score := map[string]float64{}
	var order []string
	for _, l := range lists {
		for i, r := range l {
			if _, ok := score[r.id]; !ok {
				order = append(order, r.id)
			}
			score[r.id] += 1 / float64(rrfK+i+1)
		}
	}
	out := make([]ranked, len(order))
	for i, id := range order {
		out[i] = ranked{id: id, score: score[id]}
	}
	slices.SortStableFunc(out, func(a, b ranked) int { return cmp.Compare(b.score, a.score) })
	return out
}

// hits loads the passages of ranked documents; documents whose passage is
// gone (removed by a concurrent Sync) are skipped.
func (x *Index) hits(rs []ranked) ([]bot.Hit, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	out := make([]bot.Hit, 0, len(rs))
	err := x.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPassages)
		for _, r := range rs {
			id, i, ok := parseDocID(r.id)
			if !ok {
				continue
			}
			v := b.Get([]byte(id))
			if v == nil {
				continue
			}
			ps, err := decodePassages(id, v, i)
			if err != nil {
				return fmt.Errorf("article %q: %w", id, err)
			}
			if len(ps) == 1 {
				out = append(out, bot.Hit{Passage: ps[0], Score: r.score})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read passages: %w", err)
	}
	return out, nil
}
