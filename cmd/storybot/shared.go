package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/retrieval"
	"github.com/storybot/storybot/retrieval/sample"
	"github.com/storybot/storybot/watch"
)

// sharedCorpus is the corpus of a replica on a shared store: its index is
// built from the database's copy of the corpus folder.
type sharedCorpus struct {
	// fsys is the replica's mirror of the database's corpus files.
	fsys fs.FS
	// name tells the local index apart from an embedded one of the folder.
	name string
	// store gives the index's articles the first-seen times of the database.
	store func(bot.Store) bot.Store
	// ledger computes the conflict ledger once for all replicas.
	ledger func(ctx context.Context, passages []bot.Passage) ([]bot.Conflict, error)
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// openShared is serve's corpus start with --store. This replica copies the
// corpus folder (or the built-in sample) into the database under the corpus
// lock, builds its own index from the database's copy, then follows the
// database: every change announced (by any replica's sync) is read into its
// index, and on reconnecting after losing the database it catches up. The
// folder watcher, when on, syncs the folder into the database. It returns
// once the index holds articles, or nil, nil when ctx ends first.
func (s *server) openShared(ctx context.Context, g *errgroup.Group) (*app, error) {
	cfg := s.cfg
	log := s.base.With("component", "corpus")
	var (
		src fs.FS = sample.FS()
		dir string
	)
	if cfg.Corpus != "" {
		abs, err := filepath.Abs(cfg.Corpus)
		if err != nil {
			return nil, fmt.Errorf("corpus %s: %w", cfg.Corpus, err)
		}
		dir, src = abs, os.DirFS(abs)
	}
	syncer := s.store.CorpusSyncer(src)
	syncer.MaxSize = retrieval.SizeLimit // the database holds every file the index would read
	var folderPending atomic.Bool        // a folder sync failed: retry it once the database is back
	syncFolder := func(ctx context.Context) error {
		rep, err := syncer.Sync(ctx)
		if err != nil {
			folderPending.Store(true)
			return err
		}
		folderPending.Store(false)
		if rep.Added+rep.Changed+rep.Removed > 0 {
			log.InfoContext(ctx, "corpus folder copied into the database", "added", rep.Added, "changed", rep.Changed, "removed", rep.Removed, "version", rep.Version)
		}
		return nil
	}
	if err := syncFolder(ctx); err != nil {
		return nil, err
	}
	mirror := s.store.Mirror()
	if _, err := mirror.Refresh(ctx); err != nil {
		return nil, err
	}
	arts := s.store.Articles()
	s.m.shared = &sharedCorpus{fsys: mirror, name: unsafeChars.ReplaceAllString(s.store.Schema(), "_"), store: arts.Store,
		ledger: s.store.SharedLedger(bot.DetectConflicts, bot.LedgerVersion)}

	record := func(ctx context.Context, a *app) {
		list, err := a.index.Articles(ctx)
		if err == nil {
			err = arts.Record(ctx, list)
		}
		if err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "cannot record the articles' first-seen times in the database", "err", err)
		}
	}
	var cur *app
	if mirror.Len() > 0 {
		a, err := s.m.open(ctx, cfg, nil)
		if err != nil && !errors.Is(err, retrieval.ErrEmptyCorpus) {
			return nil, err
		}
		if a != nil {
			record(ctx, a)
			cur = a
		}
	}
	if cur == nil {
		s.waiting.Store(true)
		log.Warn("the corpus has no articles yet; waiting for the first one", "corpus", s.corpusName())
	}
	ready := make(chan *app, 1)
	// onChange runs on the follower's goroutine only.
	onChange := func(ctx context.Context) error {
		if folderPending.Load() {
			if err := syncFolder(ctx); err != nil {
				return err
			}
		}
		changed, err := mirror.Refresh(ctx)
		if err != nil {
			return err
		}
		if cur == nil {
			a, err := s.m.open(ctx, cfg, nil)
			if errors.Is(err, retrieval.ErrEmptyCorpus) {
				return nil
			}
			if err != nil {
				return err
			}
			cur = a
			record(ctx, a)
			ready <- a
			return nil
		}
		if !changed {
			return nil
		}
		rep, err := cur.index.Sync(ctx)
		s.synced(cur, rep, err)
		if err != nil {
			return err
		}
		log.InfoContext(ctx, "corpus updated from the database", "added", rep.Added, "changed", rep.Changed, "removed", rep.Removed,
			"articles", cur.index.Len(), "version", mirror.Version(), "took", rep.Duration.Round(time.Millisecond).String())
		record(ctx, cur)
		return nil
	}
	g.Go(func() error {
		return s.store.FollowCorpus(ctx, onChange, func(up bool) { s.storeUp.Store(up) }, cfg.Limits.RetryMax)
	})
	if dir != "" && cfg.Watch.Enabled {
		w, err := watch.New(dir, func(ctx context.Context) error {
			if err := syncFolder(ctx); err != nil {
				log.WarnContext(ctx, "cannot copy the corpus folder into the database; retrying when it is back", "err", err)
			}
			return nil
		}, watch.Options{Debounce: cfg.Watch.Debounce, Poll: cfg.Watch.Poll, Logger: s.base.With("component", "watch")})
		if err != nil {
			return nil, err
		}
		g.Go(func() error {
			// Catch what changed between the first sync and the watch.
			_ = syncFolder(ctx)
			return w.Run(ctx)
		})
		log.Info("watching the corpus folder; changes go to the database", "dir", dir, "debounce", cfg.Watch.Debounce.String(), "poll", cfg.Watch.Poll.String())
	}
	if cur != nil {
		return cur, nil
	}
	select {
	case a := <-ready:
		s.waiting.Store(false)
		return a, nil
	case <-ctx.Done():
		return nil, nil
	}
}

// corpusName describes the corpus for people.
func (s *server) corpusName() string {
	if s.cfg.Corpus == "" {
		return "the built-in sample story"
	}
	return s.cfg.Corpus
}
