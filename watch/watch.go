package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// SyncFunc reloads the folder's contents. It is called from one goroutine at
// a time; an error is logged and the next change (or poll) tries again.
type SyncFunc func(ctx context.Context) error

// Options configures a Watcher.
type Options struct {
	// Debounce is how long the folder must be quiet after a change before
	// Sync runs (default 200 ms), so a file written in several steps is read
	// once, whole.
	Debounce time.Duration
	// MaxDelay bounds the wait under a steady stream of changes (default
	// 1 s): Sync runs at least this often while changes keep coming.
	MaxDelay time.Duration
	// Poll, when positive, also runs Sync at this interval whether or not a
	// change was reported.
	Poll time.Duration
	// Logger receives watch errors and sync failures; nil discards.
	Logger *slog.Logger
}

// Watcher calls a SyncFunc when files under a folder change. Create it with
// New and start it with Run.
type Watcher struct {
	dir  string
	sync SyncFunc
	opt  Options
	fsw  *fsnotify.Watcher
	log  *slog.Logger
}

// New starts watching dir and every folder under it; changes made after New
// returns are seen by Run. Call Run, or Close if Run will not be called.
func New(dir string, sync SyncFunc, opt Options) (*Watcher, error) {
	if sync == nil {
		return nil, errors.New("watch: New needs a Sync function")
	}
	if opt.Debounce <= 0 {
		opt.Debounce = 200 * time.Millisecond
	}
	if opt.MaxDelay <= 0 {
		opt.MaxDelay = time.Second
	}
	if opt.MaxDelay < opt.Debounce {
		opt.MaxDelay = opt.Debounce
	}
	w := &Watcher{dir: dir, sync: sync, opt: opt, log: opt.Logger}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", dir, err)
	}
	w.fsw = fsw
	if err := w.addTree(dir); err != nil {
		fsw.Close()
		return nil, err
	}
	return w, nil
}

// addTree watches root and every folder below it. Folders that vanish while
// being walked are ignored.
func (w *Watcher) addTree(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path != root && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return fmt.Errorf("watch %s: %w", path, err)
		}
		if !d.IsDir() {
			return nil
		}
		if err := w.fsw.Add(path); err != nil {
			if path != root && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return fmt.Errorf("watch %s: %w", path, err)
		}
		return nil
	})
}

// Close stops watching. Run closes the watcher itself when it returns.
func (w *Watcher) Close() error { return w.fsw.Close() }

// Run calls Sync after changes settle (and every Poll) until ctx is done,
// then closes the watcher and returns nil. A Sync in progress gets ctx and
// is waited for.
func (w *Watcher) Run(ctx context.Context) error {
	defer w.fsw.Close()
	quiet := time.NewTimer(time.Hour)
	quiet.Stop()
	var poll <-chan time.Time
	if w.opt.Poll > 0 {
		t := time.NewTicker(w.opt.Poll)
		defer t.Stop()
		poll = t.C
	}
	var first time.Time // first unsynced change; zero when none is pending
	run := func(why string) {
		first = time.Time{}
		quiet.Stop()
		start := time.Now()
		if err := w.sync(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			w.log.WarnContext(ctx, "corpus sync failed; will retry on the next change", "dir", w.dir, "trigger", why, "err", err)
			return
		}
		w.log.DebugContext(ctx, "corpus synced", "dir", w.dir, "trigger", why, "took", time.Since(start).String())
	}
	for {
		select {
		case <-ctx.Done():
			quiet.Stop()
			return nil
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return nil
			}
			if ev.Op == fsnotify.Chmod {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					// Files may already be inside; the sync will read them.
					if err := w.addTree(ev.Name); err != nil {
						w.log.WarnContext(ctx, "cannot watch a new folder", "err", err)
					}
				}
			}
			now := time.Now()
			if first.IsZero() {
				first = now
			}
			wait := min(w.opt.Debounce, w.opt.MaxDelay-now.Sub(first))
			if wait <= 0 {
				run("change")
				continue
			}
			quiet.Reset(wait)
		case <-quiet.C:
			run("change")
		case <-poll:
			run("poll")
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return nil
			}
			// An overflow means lost events: a sync catches up with them.
			w.log.WarnContext(ctx, "file watch error", "dir", w.dir, "err", err)
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				run("overflow")
			}
		}
	}
}
