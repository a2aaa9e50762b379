package digest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Store keeps the digest records: for each period its window, the digest
// built for it and, per channel and per part, what was posted. The Runner
// reads and writes records only while it holds the Store's lock.
//
// FileStore keeps the records in a JSON file in the data folder; another
// implementation (a database shared by several replicas) needs only these
// four methods. Implementations must be safe for concurrent use.
type Store interface {
	// Lock takes the exclusive right to post digests, across processes,
	// waiting while another holder has it, until ctx is done. The Runner
	// calls unlock when the run ends.
	Lock(ctx context.Context) (unlock func(), err error)
	// Period returns the record of the period id, or nil and no error when
	// there is none.
	Period(ctx context.Context, id string) (*Period, error)
	// SavePeriod stores the record of the period id, replacing any earlier
	// one. When it returns without error the record must survive a crash:
	// the Runner posts only what it has durably recorded as being posted.
	SavePeriod(ctx context.Context, id string, p *Period) error
	// LatestUntil returns the end of the latest recorded period that ends
	// before the given time; ok is false when there is none.
	LatestUntil(ctx context.Context, before time.Time) (until time.Time, ok bool, err error)
}

// FileStore is a Store in a JSON file (normally StateFileName in the data
// folder), written atomically (temporary file, fsync, rename) and guarded
// by an advisory lock on a sibling ".lock" file, so that `storybot serve`
// and a manual `storybot digest` never post the same period twice.
type FileStore struct {
	path string
	// write replaces the file; tests swap it to simulate a crash or a full
	// disk.
	write func(path string, data []byte) error
}

var _ Store = (*FileStore)(nil)

// NewFileStore returns the Store kept in the file at path.
func NewFileStore(path string) *FileStore { return &FileStore{path: path} }

// Path returns the state file's path.
func (f *FileStore) Path() string { return f.path }

// Lock implements Store with an advisory lock on path + ".lock".
func (f *FileStore) Lock(ctx context.Context) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return nil, fmt.Errorf("create the digest state folder: %w", err)
	}
	return lockFile(ctx, f.path+".lock")
}

// Period implements Store.
func (f *FileStore) Period(ctx context.Context, id string) (*Period, error) {
	st, err := f.load()
	if err != nil {
		return nil, err
	}
	return st.Periods[id], nil
}

// SavePeriod implements Store: it rewrites the file with the record
// replaced, keeping the latest periods only.
func (f *FileStore) SavePeriod(ctx context.Context, id string, p *Period) error {
	st, err := f.load()
	if err != nil {
		return err
	}
	st.Periods[id] = p
	return f.save(st)
}

// LatestUntil implements Store.
func (f *FileStore) LatestUntil(ctx context.Context, before time.Time) (time.Time, bool, error) {
	st, err := f.load()
	if err != nil {
		return time.Time{}, false, err
	}
	t, ok := st.latestUntil(before)
	return t, ok, nil
}
