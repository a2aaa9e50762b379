package retrieval

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/storybot/storybot/bot"
	bolt "go.etcd.io/bbolt"
)

// segment returns the passage index, loading it on first use. The file is
// current when it was written for the corpus generation the store records;
// otherwise (missing, damaged, or left behind by an interrupted sync) the
// index is rebuilt from the passages in the store, which needs no re-reading
// of the corpus.
func (x *Index) segment() (*bm25Seg, error) {
	if s := x.seg.Load(); s != nil {
		return s, nil
	}
	x.segMu.Lock()
	defer x.segMu.Unlock()
	if s := x.seg.Load(); s != nil {
		return s, nil
	}
	if x.db == nil {
		return nil, errClosed
	}
	var gen uint64
	if err := x.db.View(func(tx *bolt.Tx) error {
		gen = generation(tx)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read the article store: %w", err)
	}
	s, err := readSegmentFile(x.dir)
	switch {
	case err == nil && s.gen == gen:
		x.seg.Store(s)
		return s, nil
	case err == nil:
		err = fmt.Errorf("it was written for corpus generation %d, the store is at %d", s.gen, gen)
	case errors.Is(err, fs.ErrNotExist):
		err = nil
	}
	start := time.Now()
	s, err2 := x.rebuildSegment(x.bgCtx, gen)
	if err2 != nil {
		return nil, err2
	}
	if err != nil {
		x.log.Warn("the search index was rebuilt from the stored passages", "reason", err, "passages", s.nDocs, "ms", time.Since(start).Milliseconds())
	}
	x.seg.Store(s)
	return s, nil
}

// rebuildSegment indexes every passage of the store afresh and writes the
// index file.
func (x *Index) rebuildSegment(ctx context.Context, gen uint64) (*bm25Seg, error) {
	var ids []string
	var pss [][]bot.Passage
	if err := x.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPassages).ForEach(func(k, v []byte) error {
			ps, err := decodePassages(string(k), v, -1)
			if err != nil {
				return fmt.Errorf("article %q: %w", k, err)
			}
			ids = append(ids, string(k))
			pss = append(pss, ps)
			return nil
		})
	}); err != nil {
		return nil, fmt.Errorf("read passages to index: %w", err)
	}
	dict := newTermDict()
	b := newSegBuilder(dict)
	ans, err := newAnalyzers(dict)
	if err != nil {
		return nil, err
	}
	analysed := make([][]analysedPassage, len(pss))
	if err := parallel(ctx, len(pss), func(w, i int) {
		analysed[i] = ans[w].passages(pss[i])
	}); err != nil {
		return nil, err
	}
	for i, id := range ids {
		for j, ap := range analysed[i] {
			b.add(id, pss[i][j].Index, ap.length, ap.terms)
		}
	}
	data, err := mergeSegment(emptySegment(0), nil, b, gen)
	if err != nil {
		return nil, err
	}
	if err := writeSegmentFile(x.dir, data); err != nil {
		return nil, err
	}
	return decodeSegment(data)
}

// analysedPassage is a passage's distinct terms and its length in terms.
type analysedPassage struct {
	terms  []idFreq
	length int
}

// newAnalyzers returns one analyzer per worker of parallel, sharing dict.
func newAnalyzers(dict *termDict) ([]*analyzer, error) {
	ans := make([]*analyzer, workers())
	for i := range ans {
		a, err := newAnalyzer(dict)
		if err != nil {
			return nil, fmt.Errorf("the English analyzer: %w", err)
		}
		ans[i] = a
	}
	return ans, nil
}

// passages analyses the passages of one article.
func (a *analyzer) passages(ps []bot.Passage) []analysedPassage {
	out := make([]analysedPassage, len(ps))
	var buf []uint32
	for i, p := range ps {
		// The terms of p.Text(), the sentences joined by spaces, without
		// joining them.
		buf = buf[:0]
		ok := true
		for j, s := range p.Sentences {
			if buf, ok = a.pieceIDs(s, buf, j > 0); !ok {
				buf = a.bleveIDs(p.Text(), buf[:0])
				break
			}
		}
		out[i] = analysedPassage{terms: a.count(buf), length: len(buf)}
	}
	return out
}

// workers is the number of goroutines of parallel work.
func workers() int { return max(1, runtime.GOMAXPROCS(0)) }

// parallel runs fn(worker, i) for i in [0, n) on workers() goroutines; fn
// of one worker never runs concurrently with itself. It stops early when
// ctx is cancelled.
func parallel(ctx context.Context, n int, fn func(worker, i int)) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range min(workers(), max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				fn(w, i)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}
