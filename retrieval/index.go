package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/storybot/storybot/bot"
	bolt "go.etcd.io/bbolt"
)

// layoutVersion is the version of the data directory layout; a directory
// written with another version is rebuilt. Version 2 replaced bleve's
// index (index.bleve) with index.bm25.
const layoutVersion = 2

// Options configures Open.
type Options struct {
	// DataDir holds the persistent indexes, one sub-directory per corpus.
	// Required; see DefaultDataDir.
	DataDir string
	// Name is the corpus's sub-directory of DataDir, e.g. "sample" or
	// CorpusName(absDir). Default: CorpusName(Root).
	Name string
	// Corpus is the article tree: os.DirFS(dir), or sample.FS(). Required.
	Corpus fs.FS
	// Root names the corpus in messages: its directory, or "built-in sample".
	Root string
	// Logger receives progress and problems; nil discards.
	Logger *slog.Logger
	// Now is the clock that stamps FirstSeen; nil means time.Now.
	Now func() time.Time
	// Progress, when set, is called periodically while articles are indexed
	// with the number done and the total to do.
	Progress func(done, total int)
	// Ledger, when set, computes the corpus-wide conflict ledger from every
	// passage. It is not run by a sync: Ledger computes it on demand,
	// Conflicts for a small corpus, and a background run after each change
	// when LedgerInBackground is set. Its result is persisted with the
	// state of the corpus it was computed for.
	Ledger func(ctx context.Context, passages []bot.Passage) ([]bot.Conflict, error)
	// LedgerVersion identifies the rules Ledger applies (bot.LedgerVersion);
	// a ledger stored under another version is not current.
	LedgerVersion string
	// LedgerInline is the largest corpus, in passages, whose missing ledger
	// Conflicts computes before returning; 0 means 4,000 (about a second of
	// work), a negative value never.
	LedgerInline int
	// LedgerInBackground computes the ledger in the background after Open
	// and after every sync that changed the corpus (serve).
	LedgerInBackground bool
	// Embedder, when set, turns on hybrid retrieval: passages are embedded
	// (vectors cached in the data directory by passage content) and Search
	// fuses BM25 and vector ranks.
	Embedder Embedder

	// scoring overrides the scoring model, scoringBM25 or scoringTFIDF
	// (tests only).
	scoring string
}

// Report says what a sync did.
type Report struct {
	// Added, Changed, Removed and Unchanged count articles.
	Added, Changed, Removed, Unchanged int
	// Passages is the number of passages indexed by this sync.
	Passages int
	// Problems lists files, folders, lines or items that were skipped for a
	// fault (unreadable, too large, unparsable, a symbolic link leading
	// outside the corpus, a duplicate ID): the sync is partial.
	Problems []Problem
	// Duplicates lists the IDs left out because several sources carry them
	// (each is among Problems too).
	Duplicates []Duplicate
	// Ignored lists files skipped by design: not an article format.
	Ignored []Problem
	// Warnings lists files that loaded with a caveat (e.g. re-encoded text).
	Warnings []Problem
	// Duration is how long the sync took.
	Duration time.Duration
}

// Index is a loaded, indexed corpus. It implements bot.Retriever and
// bot.Store and is safe for concurrent use; Sync may run while searches do.
type Index struct {
	opt    Options
	log    *slog.Logger
	now    func() time.Time
	dir    string
	db     *bolt.DB
	syncMu sync.Mutex

	// seg is the passage index, loaded on first use (an ingest that
	// changes nothing never reads it); segMu serialises the loading.
	seg   atomic.Pointer[bm25Seg]
	segMu sync.Mutex

	vecMu sync.RWMutex
	vecs  map[string][]float32 // doc ID → vector, when an Embedder is set

	// indexed counts passages written to the search index since Open.
	indexed atomic.Int64
	// articles is the number of articles after the last sync.
	articles atomic.Int64

	lastMu sync.Mutex
	last   Report
	// logged holds the problems and notes already logged (guarded by
	// syncMu), so that each is named once, not at every sync.
	logged map[string]bool

	// The conflict ledger (ledger.go): the last one read or computed,
	// one computation at a time, one notice that it is not current.
	ledgerMu      sync.RWMutex
	ledger        ledgerState
	ledgerRun     sync.Mutex
	ledgerNoticed atomic.Bool
	// bgCtx is the context of background work; Close cancels it.
	bgCtx    context.Context
	bgCancel context.CancelFunc
}

var (
	_ bot.Retriever = (*Index)(nil)
	_ bot.Store     = (*Index)(nil)
)

// DefaultDataDir returns the default data directory: "storybot" under the
// user's cache directory.
func DefaultDataDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the user cache directory: %w", err)
	}
	return filepath.Join(d, "storybot"), nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// CorpusName returns a data sub-directory name for a corpus directory: its
// base name plus a short hash of the absolute path, so two corpora never
// share an index.
func CorpusName(absDir string) string {
	if a, err := filepath.Abs(absDir); err == nil {
		absDir = a
	}
	sum := sha256.Sum256([]byte(absDir))
	base := strings.Trim(unsafeName.ReplaceAllString(filepath.Base(absDir), "_"), "._")
	if len(base) > 40 {
		base = base[:40]
	}
	if base == "" {
		base = "corpus"
	}
	return base + "-" + hex.EncodeToString(sum[:6])
}

// meta is the data directory's meta.json.
type meta struct {
	Version int    `json:"version"`
	Root    string `json:"root"`
	Created string `json:"created"`
}

// Open opens (creating when needed) the index of a corpus in
// opt.DataDir/opt.Name, brings it up to date with the corpus and returns it
// ready to search. Opening an indexed, unchanged corpus does not re-index it.
// The returned error wraps ErrEmptyCorpus when the corpus has no usable
// article; problems with single files, folders and duplicate IDs are in the
// Report of Sync and are logged once each, they do not fail Open.
func Open(ctx context.Context, opt Options) (*Index, error) {
	x, err := open(ctx, opt)
	if err != nil {
		return nil, err
	}
	if _, err := x.Sync(ctx); err != nil {
		_ = x.Close()
		return nil, err
	}
	return x, nil
}

func open(ctx context.Context, opt Options) (*Index, error) {
	if opt.DataDir == "" {
		return nil, errors.New("retrieval: Options.DataDir is required")
	}
	if opt.Corpus == nil {
		return nil, errors.New("retrieval: Options.Corpus is required")
	}
	if opt.Name == "" {
		opt.Name = CorpusName(opt.Root)
	}
	if opt.Root == "" {
		opt.Root = opt.Name
	}
	if opt.scoring == "" {
		opt.scoring = scoringBM25
	}
	if opt.LedgerInline == 0 {
		opt.LedgerInline = defaultLedgerInline
	}
	x := &Index{opt: opt, log: opt.Logger, now: opt.Now}
	x.bgCtx, x.bgCancel = context.WithCancel(context.WithoutCancel(ctx))
	if x.log == nil {
		x.log = slog.New(slog.DiscardHandler)
	}
	x.log = x.log.With("component", "retrieval", "corpus", opt.Root)
	if x.now == nil {
		x.now = time.Now
	}
	x.dir = filepath.Join(opt.DataDir, opt.Name)
	if err := x.openDir(ctx); err != nil {
		x.bgCancel()
		return nil, err
	}
	return x, nil
}

// openDir opens the store and the search index, rebuilding a directory of
// another layout version or one that cannot be opened.
func (x *Index) openDir(ctx context.Context) error {
	if err := os.MkdirAll(x.dir, 0o755); err != nil {
		return fmt.Errorf("create the data directory: %w", err)
	}
	metaPath := filepath.Join(x.dir, "meta.json")
	var m meta
	data, err := os.ReadFile(metaPath)
	switch {
	case err == nil:
		if json.Unmarshal(data, &m) != nil || m.Version != layoutVersion {
			x.log.WarnContext(ctx, "data directory has another layout; rebuilding the index", "dir", x.dir, "version", m.Version, "want", layoutVersion)
			if err := x.wipe(); err != nil {
				return err
			}
			m = meta{}
		}
	case errors.Is(err, fs.ErrNotExist):
		if err := x.wipe(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("read %s: %w", metaPath, err)
	}
	if err := x.openStores(); err != nil {
		if errors.Is(err, errInUse) {
			return err
		}
		x.log.WarnContext(ctx, "cannot open the index; rebuilding it", "dir", x.dir, "err", err)
		if err := x.wipe(); err != nil {
			return err
		}
		m = meta{}
		if err := x.openStores(); err != nil {
			return err
		}
	}
	if m.Version == 0 {
		m = meta{Version: layoutVersion, Root: x.opt.Root, Created: x.now().UTC().Format(time.RFC3339)}
		data, _ := json.MarshalIndent(m, "", "  ")
		if err := os.WriteFile(metaPath, append(data, '\n'), 0o644); err != nil {
			_ = x.closeStores()
			return fmt.Errorf("write %s: %w", metaPath, err)
		}
	}
	return nil
}

// wipe removes the store, index and meta file of the corpus directory.
func (x *Index) wipe() error {
	for _, name := range []string{"meta.json", "store.db", bm25File, "index.bleve"} {
		if err := os.RemoveAll(filepath.Join(x.dir, name)); err != nil {
			return fmt.Errorf("clear the data directory: %w", err)
		}
	}
	return nil
}

func (x *Index) openStores() error {
	opts := &bolt.Options{Timeout: 2 * time.Second}
	if strconv.IntSize == 64 {
		// Address space for the store to grow into without remapping
		// (each remap copies every page the writing transaction holds,
		// and waits for readers); only pages in use take memory.
		opts.InitialMmapSize = 1 << 30
	}
	db, err := bolt.Open(filepath.Join(x.dir, "store.db"), 0o644, opts)
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return fmt.Errorf("%s: %w", x.dir, errInUse)
		}
		return fmt.Errorf("open the article store: %w", err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		_ = db.Close()
		return fmt.Errorf("prepare the article store: %w", err)
	}
	x.db = db
	return nil
}

// errInUse reports a data directory locked by another process.
var errInUse = errors.New("the data directory is in use by another storybot process")

func (x *Index) closeStores() error {
	var errs []error
	x.seg.Store(nil)
	if x.db != nil {
		errs = append(errs, x.db.Close())
		x.db = nil
	}
	return errors.Join(errs...)
}

// Close releases the index. It waits for a running Sync; no other method may
// be called after it (a second Close is harmless).
func (x *Index) Close() error {
	if x.bgCancel != nil {
		x.bgCancel()
	}
	x.syncMu.Lock()
	defer x.syncMu.Unlock()
	if err := x.closeStores(); err != nil {
		return fmt.Errorf("close the index: %w", err)
	}
	return nil
}

// LastReport returns the report of the most recent successful sync (the one
// Open ran, or a later Sync): what was indexed and which files were skipped.
func (x *Index) LastReport() Report {
	x.lastMu.Lock()
	defer x.lastMu.Unlock()
	return x.last
}

// Dir returns the corpus's directory within the data directory.
func (x *Index) Dir() string { return x.dir }

// Article returns one article, or an error wrapping bot.ErrNotFound.
func (x *Index) Article(ctx context.Context, id string) (bot.Article, error) {
	var a bot.Article
	err := x.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketArticles).Get([]byte(id))
		if v == nil {
			return fmt.Errorf("article %q: %w", id, bot.ErrNotFound)
		}
		var err error
		a, err = decodeArticle(v)
		return err
	})
	return a, err
}

// Articles returns every article, ordered by ID.
func (x *Index) Articles(ctx context.Context) ([]bot.Article, error) {
	var out []bot.Article
	err := x.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketArticles)
		out = make([]bot.Article, 0, x.Len())
		return b.ForEach(func(k, v []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			a, err := decodeArticle(v)
			if err != nil {
				return fmt.Errorf("article %q: %w", k, err)
			}
			out = append(out, a)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read the articles: %w", err)
	}
	return out, nil
}

// Len returns the number of articles in the corpus.
func (x *Index) Len() int {
	return int(x.articles.Load())
}

// passageCount returns the number of passages in the search index.
func (x *Index) passageCount() uint64 {
	s, err := x.segment()
	if err != nil {
		return 0
	}
	return uint64(s.nDocs)
}

// Passages returns every passage of one article, in order, or an error
// wrapping bot.ErrNotFound.
func (x *Index) Passages(ctx context.Context, id string) ([]bot.Passage, error) {
	var out []bot.Passage
	err := x.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketPassages).Get([]byte(id))
		if v == nil {
			return fmt.Errorf("article %q: %w", id, bot.ErrNotFound)
		}
		var err error
		out, err = decodePassages(id, v, -1)
		return err
	})
	return out, err
}
