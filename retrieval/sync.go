package retrieval

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/storybot/storybot/bot"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/sync/errgroup"
)

// maxFileSize bounds the size of one corpus file; maxFeedSize that of a
// line-delimited feed (.jsonl, .ndjson), which is parsed in runs of lines
// and holds many articles (100,000 news articles are about 170 MB).
const (
	maxFileSize = 64 << 20
	maxFeedSize = 1 << 30
)

// SizeLimit returns the largest size of a corpus file read: 64 MB, or 1 GB
// for a line-delimited feed (.jsonl, .ndjson), named by its path.
func SizeLimit(name string) int64 {
	switch strings.ToLower(path.Ext(name)) {
	case ".jsonl", ".ndjson":
		return maxFeedSize
	}
	return maxFileSize
}

// chunkArticles is how many articles are split and stored per step.
const chunkArticles = 500

// scannedFile is a corpus file found by the walk.
type scannedFile struct {
	path    string
	size    int64
	modTime int64
}

// scanCorpus lists the article files of fsys: supported extensions, hidden
// files and directories skipped, sub-directories followed. A symbolic link is
// followed only when it leads to a file inside the corpus (root is the
// corpus's directory, used for links with an absolute target); links to a
// folder are not followed, as the walk reaches what lies inside the corpus
// anyway. Problems names every file and folder skipped for a fault (too
// large, unreadable, a link leading outside); ignored names files skipped by
// design (not an article format).
func scanCorpus(ctx context.Context, fsys fs.FS, root string) (files []scannedFile, problems, ignored []Problem, err error) {
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			if p == "." {
				return err
			}
			what := "file"
			if d != nil && d.IsDir() {
				what = "folder"
			}
			problems = append(problems, Problem{File: p, Reason: fmt.Sprintf("cannot read this %s (%s); skipped", what, plainErr(err))})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		var info fs.FileInfo
		if d.Type()&fs.ModeSymlink != 0 {
			target, why := resolveLink(fsys, root, p)
			if why != "" {
				problems = append(problems, Problem{File: p, Reason: why})
				return nil
			}
			info, err = fs.Stat(fsys, target)
			if err == nil && info.IsDir() {
				problems = append(problems, Problem{File: p, Reason: "symbolic link to a folder; not followed (link the files, or put the folder inside the corpus)"})
				return nil
			}
		} else {
			info, err = d.Info()
		}
		if !supported(p) {
			ignored = append(ignored, Problem{File: p, Reason: "not an article file (.txt, .md, .json, .jsonl, .html); ignored"})
			return nil
		}
		if err != nil {
			problems = append(problems, Problem{File: p, Reason: fmt.Sprintf("cannot read this file (%s); skipped", plainErr(err))})
			return nil
		}
		if !info.Mode().IsRegular() {
			problems = append(problems, Problem{File: p, Reason: "not a regular file; skipped"})
			return nil
		}
		if limit := SizeLimit(p); info.Size() > limit {
			problems = append(problems, Problem{File: p, Reason: fmt.Sprintf("file is larger than %d MB (%d MB); skipped", limit>>20, info.Size()>>20)})
			return nil
		}
		files = append(files, scannedFile{path: p, size: info.Size(), modTime: info.ModTime().UnixNano()})
		return nil
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read the corpus: %w", err)
	}
	return files, problems, ignored, nil
}

// readResult is one changed (or possibly changed) file, read and parsed.
type readResult struct {
	path      string
	rec       fileRec
	articles  []bot.Article // nil when the content is unchanged
	unchanged bool
	newProbs  []Problem
	newWarns  []Problem
}

// Sync re-reads the corpus and applies the changes: added and changed
// articles are (re-)indexed, removed ones leave the index, unchanged ones are
// not touched. Files are compared by size and modification time, then by
// content hash. It is safe to call while searches run; concurrent Syncs run
// one after the other. On an error (an empty corpus, duplicate IDs, a
// cancelled ctx) the index keeps its previous content.
func (x *Index) Sync(ctx context.Context) (Report, error) {
	x.syncMu.Lock()
	defer x.syncMu.Unlock()
	if x.db == nil {
		return Report{}, errors.New("retrieval: the index is closed")
	}
	start := time.Now()
	rep, err := x.sync(ctx)
	rep.Duration = time.Since(start)
	if err != nil {
		return rep, err
	}
	x.lastMu.Lock()
	x.last = rep
	x.lastMu.Unlock()
	x.startBackgroundLedger()
	x.log.InfoContext(ctx, "corpus synced",
		"added", rep.Added, "changed", rep.Changed, "removed", rep.Removed, "unchanged", rep.Unchanged,
		"passages_indexed", rep.Passages, "skipped", len(rep.Problems), "ms", rep.Duration.Milliseconds())
	return rep, nil
}

func (x *Index) sync(ctx context.Context) (Report, error) {
	var rep Report
	files, scanProbs, ignored, err := scanCorpus(ctx, x.opt.Corpus, x.opt.Root)
	if err != nil {
		return rep, err
	}
	old := map[string]fileRec{}
	var stored map[string]int // article ID → passages in the index
	var gen uint64            // the corpus generation before this sync
	nArts := 0                // articles in the file records, to size maps
	if err := x.db.View(func(tx *bolt.Tx) error {
		gen = generation(tx)
		if err := tx.Bucket(bucketFiles).ForEach(func(k, v []byte) error {
			var r fileRec
			if err := json.Unmarshal(v, &r); err != nil {
				return nil // a damaged record: the file is simply re-read
			}
			old[string(k)] = r
			nArts += len(r.Articles)
			return nil
		}); err != nil {
			return err
		}
		// The small counts bucket, not the passages themselves: an
		// unchanged corpus is checked without reading its text.
		stored = make(map[string]int, nArts)
		return tx.Bucket(bucketCounts).ForEach(func(k, v []byte) error {
			n, _ := binary.Uvarint(v)
			stored[string(k)] = int(min(n, maxPassages))
			return nil
		})
	}); err != nil {
		return rep, fmt.Errorf("read the article store: %w", err)
	}

	// Files whose size and modification time match need no reading.
	recs := make(map[string]fileRec, len(files))
	var toRead []scannedFile
	for _, f := range files {
		if o, ok := old[f.path]; ok && f.modTime != 0 && o.Size == f.size && o.ModTime == f.modTime {
			recs[f.path] = o
			continue
		}
		toRead = append(toRead, f)
	}
	results, err := x.readFiles(ctx, toRead, old)
	if err != nil {
		return rep, err
	}
	parsedArts := map[string]bot.Article{}
	for _, r := range results {
		recs[r.path] = r.rec
		for _, a := range r.articles {
			parsedArts[a.ID] = a
		}
	}

	// The new set of articles. An ID carried by two or more sources is
	// ambiguous (a citation could not say which article it means): every
	// copy is left out and the sources are named, and the rest loads.
	paths := make([]string, 0, len(recs))
	for p := range recs {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	rep.Problems = append(rep.Problems, scanProbs...)
	rep.Ignored = ignored
	seen := make(map[string]fileArticle, nArts)
	sources := make(map[string][]string, nArts)
	for _, p := range paths {
		r := recs[p]
		rep.Problems = append(rep.Problems, r.Problems...)
		rep.Warnings = append(rep.Warnings, r.Warnings...)
		for _, fa := range r.Articles {
			sources[fa.ID] = append(sources[fa.ID], fa.Source)
			if _, ok := seen[fa.ID]; !ok {
				seen[fa.ID] = fa
			}
		}
	}
	leftOut := map[string]bool{}
	for _, p := range paths {
		for _, fa := range recs[p].Articles {
			srcs := sources[fa.ID]
			if len(srcs) < 2 || leftOut[fa.ID] {
				continue
			}
			leftOut[fa.ID] = true
			delete(seen, fa.ID)
			rep.Duplicates = append(rep.Duplicates, Duplicate{ID: fa.ID, Sources: srcs})
			rep.Problems = append(rep.Problems, Problem{File: srcs[0],
				Reason: fmt.Sprintf("duplicate article ID %q, also in %s; all %d copies left out", fa.ID, strings.Join(srcs[1:], ", "), len(srcs))})
		}
	}
	x.logProblems(ctx, rep)
	if len(seen) == 0 {
		extra := ""
		if n := len(rep.Problems); n > 0 {
			extra = fmt.Sprintf("; %d file(s) or line(s) skipped, the first: %s", n, rep.Problems[0])
		}
		return rep, fmt.Errorf("%s: %w (looked for .txt, .md, .json, .jsonl and .html files%s)", x.opt.Root, ErrEmptyCorpus, extra)
	}

	oldArts := make(map[string]fileArticle, nArts)
	for _, r := range old {
		for _, fa := range r.Articles {
			oldArts[fa.ID] = fa
		}
	}
	// Only what the index holds is old: an article a file record lists but
	// the index lacks (a left-out duplicate) is new when it loads again.
	for id := range oldArts {
		if _, ok := stored[id]; !ok {
			delete(oldArts, id)
		}
	}
	// Articles stored by an interrupted sync belong to no file record: treat
	// them as old articles of unknown content, so they are re-indexed when
	// still in the corpus and removed when not.
	for id, n := range stored {
		if _, ok := oldArts[id]; !ok {
			oldArts[id] = fileArticle{ID: id, Passages: n}
		}
	}
	var toIndex, sourceOnly []bot.Article
	for id, fa := range seen {
		a, parsed := parsedArts[id]
		o, existed := oldArts[id]
		switch {
		case !parsed || (existed && o.Hash == fa.Hash):
			rep.Unchanged++
			if parsed && o.Source != fa.Source {
				sourceOnly = append(sourceOnly, a)
			}
		case existed:
			rep.Changed++
			toIndex = append(toIndex, a)
		default:
			rep.Added++
			toIndex = append(toIndex, a)
		}
	}
	var removed []fileArticle
	for id, o := range oldArts {
		if _, ok := seen[id]; !ok {
			removed = append(removed, o)
		}
	}
	rep.Removed = len(removed)
	slices.SortFunc(toIndex, func(a, b bot.Article) int { return cmp.Compare(a.ID, b.ID) })

	counts, err := x.apply(ctx, toIndex, sourceOnly, removed, oldArts, gen+1)
	if err != nil {
		return rep, err
	}
	for _, n := range counts {
		rep.Passages += n
	}

	// Record the files last: an interrupted sync is redone from here.
	changed := rep.Added+rep.Changed+rep.Removed > 0
	if err := x.db.Update(func(tx *bolt.Tx) error {
		fb := tx.Bucket(bucketFiles)
		for p := range old {
			if _, ok := recs[p]; !ok {
				if err := fb.Delete([]byte(p)); err != nil {
					return err
				}
			}
		}
		write := map[string]bool{}
		for _, r := range results {
			write[r.path] = true
		}
		for p, r := range recs {
			for _, fa := range r.Articles {
				if leftOut[fa.ID] {
					write[p] = true
				}
			}
		}
		for name := range write {
			rec := recs[name]
			rec.Articles = slices.Clone(rec.Articles)
			for i, fa := range rec.Articles {
				if n, ok := counts[fa.ID]; ok {
					rec.Articles[i].Passages = n
				} else if o, ok := oldArts[fa.ID]; ok {
					rec.Articles[i].Passages = o.Passages
				}
			}
			for _, fa := range rec.Articles {
				if leftOut[fa.ID] {
					// Read and parse this file again on the next sync,
					// when its article may load.
					rec.ModTime, rec.Hash = 0, ""
				}
			}
			if err := putJSON(fb, name, rec); err != nil {
				return err
			}
		}
		if changed {
			return setGeneration(tx, gen+1)
		}
		return nil
	}); err != nil {
		return rep, fmt.Errorf("record the corpus files: %w", err)
	}

	x.articles.Store(int64(len(seen)))
	if err := x.syncVectors(ctx, toIndex, removed, counts); err != nil {
		return rep, err
	}
	return rep, nil
}

// readFiles reads, hashes and (when the content changed) parses files in
// parallel.
func (x *Index) readFiles(ctx context.Context, files []scannedFile, old map[string]fileRec) ([]readResult, error) {
	results := make([]readResult, len(files))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0) + 1)
	for i, f := range files {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			r := readResult{path: f.path}
			data, err := fs.ReadFile(x.opt.Corpus, f.path)
			if err != nil {
				p := Problem{File: f.path, Reason: "cannot read: " + err.Error()}
				r.rec = fileRec{Size: f.size, ModTime: f.modTime, Problems: []Problem{p}}
				r.newProbs = r.rec.Problems
				results[i] = r
				return nil
			}
			h := hashBytes(data)
			if o, ok := old[f.path]; ok && o.Hash == h {
				o.Size, o.ModTime = int64(len(data)), f.modTime
				r.rec, r.unchanged = o, true
				results[i] = r
				return nil
			}
			p := parseFile(f.path, data)
			r.rec = fileRec{Size: int64(len(data)), ModTime: f.modTime, Hash: h, Problems: p.problems, Warnings: p.warnings}
			for _, a := range p.articles {
				r.rec.Articles = append(r.rec.Articles, fileArticle{ID: a.ID, Source: a.Source, Hash: articleHash(a)})
			}
			r.articles, r.newProbs, r.newWarns = p.articles, p.problems, p.warnings
			results[i] = r
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("read the corpus: %w", err)
	}
	return results, nil
}

// docID names passage i of an article in the search index.
func docID(articleID string, i int) string { return articleID + "#" + strconv.Itoa(i) }

// parseDocID reverses docID.
func parseDocID(id string) (string, int, bool) {
	j := strings.LastIndexByte(id, '#')
	if j < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(id[j+1:])
	return id[:j], n, err == nil
}

// apply indexes toIndex (replacing any older passages), rewrites the stored
// record of sourceOnly articles and removes removed ones; a changed index
// is written for corpus generation gen. It returns the number of passages
// of each indexed article.
func (x *Index) apply(ctx context.Context, toIndex, sourceOnly []bot.Article, removed []fileArticle, oldArts map[string]fileArticle, gen uint64) (map[string]int, error) {
	counts := make(map[string]int, len(toIndex))
	total := len(toIndex)
	changed := total > 0 || len(removed) > 0
	var old *bm25Seg
	if changed {
		var err error
		if old, err = x.segment(); err != nil {
			return nil, err
		}
	}
	dict := newTermDict()
	ans, err := newAnalyzers(dict)
	if err != nil {
		return nil, err
	}
	b := newSegBuilder(dict)
	if total > 0 && x.opt.Progress != nil {
		x.opt.Progress(0, total)
	}
	type split struct {
		passages []bot.Passage
		analysed []analysedPassage
	}
	type done struct {
		start int
		chunk []bot.Article
		res   []split
	}
	// Chunks are split and analysed on every core while the previous one
	// is added to the postings and stored.
	g, gctx := errgroup.WithContext(ctx)
	ready := make(chan done, 1)
	g.Go(func() error {
		defer close(ready)
		for start := 0; start < total; start += chunkArticles {
			chunk := toIndex[start:min(start+chunkArticles, total)]
			res := make([]split, len(chunk))
			if err := parallel(gctx, len(chunk), func(w, i int) {
				a := chunk[i]
				ps, truncated := splitPassages(a)
				if truncated {
					x.log.WarnContext(ctx, "article is very long; only its beginning is indexed", "id", a.ID, "passages", len(ps), "source", a.Source)
				}
				res[i] = split{ps, ans[w].passages(ps)}
			}); err != nil {
				return err
			}
			select {
			case ready <- done{start, chunk, res}:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	g.Go(func() error {
		for d := range ready {
			if err := x.storeChunk(d.chunk, func(i int) []bot.Passage { return d.res[i].passages }); err != nil {
				return err
			}
			n := 0
			for i, a := range d.chunk {
				for j, p := range d.res[i].passages {
					b.add(a.ID, p.Index, d.res[i].analysed[j].length, d.res[i].analysed[j].terms)
				}
				counts[a.ID] = len(d.res[i].passages)
				n += len(d.res[i].passages)
			}
			x.indexed.Add(int64(n))
			if x.opt.Progress != nil {
				x.opt.Progress(d.start+len(d.chunk), total)
			}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := x.db.Update(func(tx *bolt.Tx) error {
		ab, pb, fb, cb := tx.Bucket(bucketArticles), tx.Bucket(bucketPassages), tx.Bucket(bucketFirstSeen), tx.Bucket(bucketCounts)
		for _, o := range removed {
			if err := ab.Delete([]byte(o.ID)); err != nil {
				return err
			}
			if err := pb.Delete([]byte(o.ID)); err != nil {
				return err
			}
			if err := cb.Delete([]byte(o.ID)); err != nil {
				return err
			}
		}
		for _, a := range sourceOnly {
			a.FirstSeen, _ = getTime(fb, a.ID)
			if err := ab.Put([]byte(a.ID), encodeArticle(a)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("store articles: %w", err)
	}
	if !changed {
		return counts, nil
	}
	// The next index: the current one without the old passages of changed
	// and removed articles, plus the new passages.
	drop := make(map[string]bool, len(toIndex)+len(removed))
	for _, a := range toIndex {
		if _, ok := oldArts[a.ID]; ok {
			drop[a.ID] = true
		}
	}
	for _, o := range removed {
		drop[o.ID] = true
	}
	data, err := mergeSegment(old, drop, b, gen)
	if err != nil {
		return nil, fmt.Errorf("build the search index: %w", err)
	}
	if err := writeSegmentFile(x.dir, data); err != nil {
		return nil, err
	}
	seg, err := decodeSegment(data)
	if err != nil {
		return nil, fmt.Errorf("build the search index: %w", err)
	}
	x.seg.Store(seg)
	return counts, nil
}

// storeChunk stores articles with their passages (passages(i) of chunk[i])
// in one transaction, stamping FirstSeen on articles new to the store.
func (x *Index) storeChunk(chunk []bot.Article, passages func(i int) []bot.Passage) error {
	err := x.db.Update(func(tx *bolt.Tx) error {
		ab, pb, fb, cb := tx.Bucket(bucketArticles), tx.Bucket(bucketPassages), tx.Bucket(bucketFirstSeen), tx.Bucket(bucketCounts)
		// Articles come in ID order: fill pages, they are mostly appended.
		ab.FillPercent, pb.FillPercent, cb.FillPercent = 0.9, 0.9, 0.9
		for i, a := range chunk {
			if t, ok := getTime(fb, a.ID); ok {
				a.FirstSeen = t
			} else {
				a.FirstSeen = x.now().UTC()
				if err := putTime(fb, a.ID, a.FirstSeen); err != nil {
					return err
				}
			}
			if err := ab.Put([]byte(a.ID), encodeArticle(a)); err != nil {
				return err
			}
			ps := passages(i)
			if err := pb.Put([]byte(a.ID), encodePassages(ps)); err != nil {
				return err
			}
			if err := cb.Put([]byte(a.ID), binary.AppendUvarint(nil, uint64(len(ps)))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store articles: %w", err)
	}
	return nil
}
