package pgstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storybot/storybot/bot"
)

// ContentHash is an article's content hash as stored in the articles
// table: its metadata and text.
func ContentHash(a bot.Article) string {
	h := sha256.New()
	for _, s := range []string{a.ID, a.Title, a.Outlet, a.URL, a.Published.UTC().Format(time.RFC3339Nano), a.Text} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Articles keeps the articles table in step with a replica's index and
// serves the first-seen times every replica agrees on. Create it with
// Store.Articles; it is safe for concurrent use.
type Articles struct {
	s    *Store
	mu   sync.Mutex
	seen atomic.Pointer[map[string]time.Time]
}

// Articles returns the articles recorder.
func (s *Store) Articles() *Articles {
	a := &Articles{s: s}
	empty := map[string]time.Time{}
	a.seen.Store(&empty)
	return a
}

// Record stores the current articles: a new one is first seen now, a
// changed one takes its new hash and metadata, one missing from arts is
// marked removed (its first-seen time is kept, should it come back).
// Replicas recording the same corpus agree, whoever comes first.
func (a *Articles) Record(ctx context.Context, arts []bot.Article) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.s.now()
	seen := map[string]time.Time{}
	err := pgx.BeginFunc(ctx, a.s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", a.s.lockKey("articles")); err != nil {
			return err
		}
		stored := map[string]string{}
		rows, err := tx.Query(ctx, `SELECT id, content_hash, first_seen, removed_at IS NOT NULL FROM articles`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var (
				id, h   string
				first   time.Time
				removed bool
			)
			if err := rows.Scan(&id, &h, &first, &removed); err != nil {
				rows.Close()
				return err
			}
			seen[id] = first
			if !removed {
				stored[id] = h
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var ids, titles, outlets, urls, sources, hashes []string
		var published []*time.Time
		current := make(map[string]bool, len(arts))
		for _, art := range arts {
			current[art.ID] = true
			h := ContentHash(art)
			if stored[art.ID] == h {
				continue
			}
			ids = append(ids, art.ID)
			titles = append(titles, art.Title)
			outlets = append(outlets, art.Outlet)
			urls = append(urls, art.URL)
			sources = append(sources, art.Source)
			hashes = append(hashes, h)
			var p *time.Time
			if !art.Published.IsZero() {
				t := art.Published
				p = &t
			}
			published = append(published, p)
		}
		if len(ids) > 0 {
			rows, err := tx.Query(ctx, `INSERT INTO articles AS a (id, title, outlet, url, published, source, content_hash, first_seen, updated_at)
				SELECT u.id, u.title, u.outlet, u.url, u.published, u.source, u.hash, $8, $8
				FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[]) AS u(id, title, outlet, url, published, source, hash)
				ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, outlet = EXCLUDED.outlet, url = EXCLUDED.url,
					published = EXCLUDED.published, source = EXCLUDED.source, content_hash = EXCLUDED.content_hash,
					updated_at = EXCLUDED.updated_at, removed_at = NULL
				RETURNING id, first_seen`, ids, titles, outlets, urls, published, sources, hashes, now)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id string
				var first time.Time
				if err := rows.Scan(&id, &first); err != nil {
					rows.Close()
					return err
				}
				seen[id] = first
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		var gone []string
		for id := range stored {
			if !current[id] {
				gone = append(gone, id)
			}
		}
		if len(gone) > 0 {
			if _, err := tx.Exec(ctx, `UPDATE articles SET removed_at = $2 WHERE id = ANY($1) AND removed_at IS NULL`, gone, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record the articles in the database: %w", err)
	}
	a.seen.Store(&seen)
	return nil
}

// FirstSeen returns when any replica first saw the article.
func (a *Articles) FirstSeen(id string) (time.Time, bool) {
	t, ok := (*a.seen.Load())[id]
	return t, ok
}

// Store wraps a replica's bot.Store (its index) so that articles carry the
// first-seen time from the database: the digest of any replica then covers
// the same articles, whichever replica indexed them when.
func (a *Articles) Store(inner bot.Store) bot.Store { return firstSeenStore{Store: inner, a: a} }

type firstSeenStore struct {
	bot.Store
	a *Articles
}

func (f firstSeenStore) Article(ctx context.Context, id string) (bot.Article, error) {
	art, err := f.Store.Article(ctx, id)
	if err == nil {
		if t, ok := f.a.FirstSeen(id); ok {
			art.FirstSeen = t
		}
	}
	return art, err
}

func (f firstSeenStore) Articles(ctx context.Context) ([]bot.Article, error) {
	arts, err := f.Store.Articles(ctx)
	arts = slices.Clone(arts) // the inner store's slice stays its own
	seen := *f.a.seen.Load()
	for i := range arts {
		if t, ok := seen[arts[i].ID]; ok {
			arts[i].FirstSeen = t
		}
	}
	return arts, err
}
