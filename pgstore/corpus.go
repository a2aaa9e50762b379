package pgstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
)

// maxCorpusFile bounds a corpus file copied into the database when the
// syncer has no MaxSize. maxStoredFile is the most one value can hold: a
// PostgreSQL field holds less than 1 GB.
const (
	maxCorpusFile = 64 << 20
	maxStoredFile = 1<<30 - 1<<20
)

// articleFile reports whether name is an article file by its extension
// (the formats the retrieval package reads).
func articleFile(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".txt", ".md", ".markdown", ".json", ".jsonl", ".ndjson", ".html", ".htm":
		return true
	}
	return false
}

// CorpusReport says what a corpus sync changed in the database.
type CorpusReport struct {
	// Added, Changed and Removed count files.
	Added, Changed, Removed int
	// Version is the corpus version after the sync.
	Version int64
}

// CorpusSyncer copies a corpus folder into the database. Create it with
// Store.CorpusSyncer; it is safe for concurrent use.
type CorpusSyncer struct {
	// MaxSize, when set, returns the largest size of a file to copy (the
	// reader's own limit, e.g. retrieval.SizeLimit, so that the shared
	// corpus holds every file an index would read); nil means 64 MB for
	// every file. A file larger than PostgreSQL can hold in a value (just
	// under 1 GB) is skipped whatever MaxSize says. Set it before the
	// first Sync.
	MaxSize func(name string) int64

	s    *Store
	fsys fs.FS
	mu   sync.Mutex
	// stamps remembers each file's size, modification time and hash, so
	// that an unchanged file is not read again.
	stamps map[string]fileStamp
}

type fileStamp struct {
	size    int64
	modTime time.Time
	hash    string
}

// CorpusSyncer returns a syncer of the corpus tree fsys (os.DirFS of the
// corpus folder, or the built-in sample).
func (s *Store) CorpusSyncer(fsys fs.FS) *CorpusSyncer {
	return &CorpusSyncer{s: s, fsys: fsys, stamps: map[string]fileStamp{}}
}

// limit returns the largest size of the file name that is copied.
func (c *CorpusSyncer) limit(name string) int64 {
	if c.MaxSize == nil {
		return maxCorpusFile
	}
	return min(c.MaxSize(name), maxStoredFile)
}

// channel is the LISTEN/NOTIFY channel of this schema's corpus changes.
func (s *Store) channel() string {
	return "storybot_corpus_" + strconv.FormatUint(uint64(s.lockKey("corpus")), 16)
}

// Sync makes the database's corpus files those of the folder, under the
// schema's corpus advisory lock (one replica at a time: a replica that
// finds the lock taken waits, then finds little or nothing left to do).
// Changed files take a new version, and the change is announced on the
// schema's channel when the transaction commits. Every replica should see
// the same folder: a file missing from it is removed from the corpus.
func (c *CorpusSyncer) Sync(ctx context.Context) (CorpusReport, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var rep CorpusReport
	err := pgx.BeginFunc(ctx, c.s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", c.s.lockKey("corpus")); err != nil {
			return fmt.Errorf("take the corpus lock: %w", err)
		}
		stored := map[string]string{}
		rows, err := tx.Query(ctx, `SELECT path, hash FROM corpus_files WHERE NOT removed`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var p, h string
			if err := rows.Scan(&p, &h); err != nil {
				rows.Close()
				return err
			}
			stored[p] = h
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		now := c.s.now()
		present := map[string]bool{}
		err = fs.WalkDir(c.fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			if err != nil {
				if p == "." {
					return err
				}
				c.s.log.WarnContext(ctx, "corpus file or folder unreadable; skipped", "path", p, "err", err)
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
			if d.IsDir() || !articleFile(p) {
				return nil
			}
			info, err := fs.Stat(c.fsys, p) // follows a link to a file
			if err != nil || !info.Mode().IsRegular() {
				return nil
			}
			if limit := c.limit(p); info.Size() > limit {
				c.s.log.WarnContext(ctx, "corpus file too large to share; skipped", "path", p, "mb", info.Size()>>20, "limit_mb", limit>>20)
				return nil
			}
			hash, content, err := c.hash(p, info)
			if err != nil {
				c.s.log.WarnContext(ctx, "corpus file unreadable; skipped", "path", p, "err", err)
				return nil
			}
			present[p] = true
			old, had := stored[p]
			if had && old == hash {
				return nil
			}
			if content == nil {
				if content, err = fs.ReadFile(c.fsys, p); err != nil {
					return nil
				}
				hash = hashOf(content)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO corpus_files (path, content, hash, size, version, removed, updated_at)
				VALUES ($1, $2, $3, $4, nextval('corpus_version'), false, $5)
				ON CONFLICT (path) DO UPDATE SET content = EXCLUDED.content, hash = EXCLUDED.hash, size = EXCLUDED.size,
					version = EXCLUDED.version, removed = false, updated_at = EXCLUDED.updated_at`,
				p, content, hash, len(content), now); err != nil {
				return fmt.Errorf("store the corpus file %s: %w", p, err)
			}
			if had {
				rep.Changed++
			} else {
				rep.Added++
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read the corpus: %w", err)
		}
		for p := range stored {
			if present[p] {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE corpus_files SET content = NULL, removed = true, version = nextval('corpus_version'), updated_at = $2 WHERE path = $1`, p, now); err != nil {
				return fmt.Errorf("remove the corpus file %s: %w", p, err)
			}
			delete(c.stamps, p)
			rep.Removed++
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM corpus_files`).Scan(&rep.Version); err != nil {
			return err
		}
		if rep.Added+rep.Changed+rep.Removed > 0 {
			if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, c.s.channel(), strconv.FormatInt(rep.Version, 10)); err != nil {
				return fmt.Errorf("announce the corpus change: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return CorpusReport{}, fmt.Errorf("sync the corpus into the database: %w", err)
	}
	return rep, nil
}

// hash returns a file's content hash, from the stamp when its size and
// modification time are unchanged (content then nil), else by reading it.
func (c *CorpusSyncer) hash(p string, info fs.FileInfo) (string, []byte, error) {
	if st, ok := c.stamps[p]; ok && st.size == info.Size() && st.modTime.Equal(info.ModTime()) && !info.ModTime().IsZero() {
		return st.hash, nil, nil
	}
	content, err := fs.ReadFile(c.fsys, p)
	if err != nil {
		return "", nil, err
	}
	h := hashOf(content)
	c.stamps[p] = fileStamp{size: info.Size(), modTime: info.ModTime(), hash: h}
	return h, content, nil
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Mirror is this replica's read-only view of the database's corpus files:
// the fs.FS its own search index is built from (retrieval.Options.Corpus),
// so every replica parses the same bytes as the embedded store would and
// answers alike. Refresh brings it up to date; it is safe for concurrent
// use. A file's modification time is its version, so the index notices
// every change.
type Mirror struct {
	s       *Store
	mu      sync.Mutex // serialises Refresh
	version int64
	files   map[string]*fstest.MapFile
	cur     atomic.Pointer[fstest.MapFS]
}

var (
	_ fs.FS         = (*Mirror)(nil)
	_ fs.ReadDirFS  = (*Mirror)(nil)
	_ fs.ReadFileFS = (*Mirror)(nil)
	_ fs.StatFS     = (*Mirror)(nil)
)

// Mirror returns an empty mirror of the corpus; call Refresh to fill it.
func (s *Store) Mirror() *Mirror {
	m := &Mirror{s: s, files: map[string]*fstest.MapFile{}}
	empty := fstest.MapFS{}
	m.cur.Store(&empty)
	return m
}

// Refresh reads the files changed since the last Refresh and reports
// whether there were any.
func (m *Mirror) Refresh(ctx context.Context) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rows, err := m.s.pool.Query(ctx, `SELECT path, content, removed, version FROM corpus_files WHERE version > $1 ORDER BY version`, m.version)
	if err != nil {
		return false, fmt.Errorf("read the corpus from the database: %w", err)
	}
	defer rows.Close()
	changed := false
	next := m.version
	for rows.Next() {
		var (
			p       string
			content []byte
			removed bool
			version int64
		)
		if err := rows.Scan(&p, &content, &removed, &version); err != nil {
			return false, fmt.Errorf("read the corpus from the database: %w", err)
		}
		changed = true
		next = version
		if removed {
			delete(m.files, p)
			continue
		}
		m.files[p] = &fstest.MapFile{Data: content, Mode: 0o444, ModTime: time.Unix(0, version)}
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("read the corpus from the database: %w", err)
	}
	if !changed {
		return false, nil
	}
	m.version = next
	snap := make(fstest.MapFS, len(m.files))
	for p, f := range m.files {
		snap[p] = f
	}
	m.cur.Store(&snap)
	return true, nil
}

// Version returns the corpus version the mirror holds.
func (m *Mirror) Version() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.version
}

// Len returns the number of files in the mirror.
func (m *Mirror) Len() int { return len(*m.cur.Load()) }

// Open implements fs.FS.
func (m *Mirror) Open(name string) (fs.File, error) { return m.cur.Load().Open(name) }

// ReadDir implements fs.ReadDirFS.
func (m *Mirror) ReadDir(name string) ([]fs.DirEntry, error) { return m.cur.Load().ReadDir(name) }

// ReadFile implements fs.ReadFileFS.
func (m *Mirror) ReadFile(name string) ([]byte, error) { return m.cur.Load().ReadFile(name) }

// Stat implements fs.StatFS.
func (m *Mirror) Stat(name string) (fs.FileInfo, error) { return m.cur.Load().Stat(name) }

// FollowCorpus calls onChange once connected and again on every corpus
// change announced on the schema's channel, until ctx ends. It listens on
// a connection of its own; when that connection is lost it reports
// connected false, retries with a backoff capped at maxBackoff, and on
// reconnecting calls onChange to catch up on what it missed. An onChange
// error (the pool's connections may still be the dead ones) ends the
// connection like a lost one: it is logged, and after the backoff the
// following reconnects and calls onChange again, so a failed catch-up is
// retried rather than left until the next announcement.
func (s *Store) FollowCorpus(ctx context.Context, onChange func(ctx context.Context) error, onState func(connected bool), maxBackoff time.Duration) error {
	if maxBackoff <= 0 {
		maxBackoff = 30 * time.Second
	}
	backoff := 250 * time.Millisecond
	cc := s.pool.Config().ConnConfig
	for {
		err := s.listen(ctx, cc, onChange, onState, func() { backoff = 250 * time.Millisecond })
		if ctx.Err() != nil {
			return nil
		}
		onState(false)
		s.log.WarnContext(ctx, "lost the database; answering from the local index and retrying", "err", err, "retry_in", backoff.String())
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

func (s *Store) listen(ctx context.Context, cc *pgx.ConnConfig, onChange func(context.Context) error, onState func(bool), connected func()) error {
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	conn, err := pgx.ConnectConfig(cctx, cc.Copy())
	cancel()
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel()}.Sanitize()); err != nil {
		return err
	}
	connected()
	onState(true)
	change := func() error {
		if err := onChange(ctx); err != nil && ctx.Err() == nil {
			return fmt.Errorf("corpus update from the database: %w", err)
		}
		return nil
	}
	if err := change(); err != nil {
		return err
	}
	for {
		// A keep-alive wakes the wait now and then, so a dead connection
		// is noticed even when nothing is announced.
		wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		_, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded) || (err != nil && wctx.Err() != nil):
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return err
			}
			continue
		case err != nil:
			return err
		}
		if err := change(); err != nil {
			return err
		}
	}
}
