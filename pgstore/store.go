package pgstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options configures Open.
type Options struct {
	// Logger receives migrations and background problems; nil discards.
	Logger *slog.Logger
	// Now is the clock of expiry times and timestamps; nil means time.Now.
	Now func() time.Time
	// ConversationTTL is how long a conversation is kept after its last
	// turn (default 7 days); MaxTurns caps its turns (default 40).
	ConversationTTL time.Duration
	MaxTurns        int
}

// Store is storybot's state in one PostgreSQL schema. It is safe for
// concurrent use; Close releases its connections.
type Store struct {
	pool   *pgxpool.Pool
	schema string
	log    *slog.Logger
	now    func() time.Time
	ttl    time.Duration
	turns  int
	sweep  sweeper
}

// IsURL reports whether s names a PostgreSQL store (postgres:// or
// postgresql://); an empty store means the embedded one.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Redact returns the URL with its password hidden, for logs.
func Redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "<unparsable URL>"
	}
	return u.Redacted()
}

// Open connects to the database named by rawURL, creates the schema named
// first in its search_path when missing and migrates it to the current
// version under an advisory lock.
func Open(ctx context.Context, rawURL string, opt Options) (*Store, error) {
	if !IsURL(rawURL) {
		return nil, fmt.Errorf("store %q is not a postgres:// URL", Redact(rawURL))
	}
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", Redact(rawURL), err)
	}
	s := &Store{log: opt.Logger, now: opt.Now, ttl: opt.ConversationTTL, turns: opt.MaxTurns}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.ttl <= 0 {
		s.ttl = 7 * 24 * time.Hour
	}
	if s.turns <= 0 {
		s.turns = 40
	}
	if schema := firstSchema(cfg.ConnConfig.RuntimeParams["search_path"]); schema != "" {
		if err := createSchema(ctx, cfg.ConnConfig, schema); err != nil {
			return nil, err
		}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", Redact(rawURL), err)
	}
	s.pool = pool
	var schema *string
	if err := pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to %s: %w", Redact(rawURL), err)
	}
	if schema == nil {
		pool.Close()
		return nil, fmt.Errorf("store %s: no schema of the search_path exists", Redact(rawURL))
	}
	s.schema = *schema
	if err := s.migrate(ctx, cfg.ConnConfig); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// firstSchema returns the first schema of a search_path setting, unless it
// is "$user" or empty.
func firstSchema(searchPath string) string {
	first, _, _ := strings.Cut(searchPath, ",")
	first = strings.TrimSpace(first)
	if strings.HasPrefix(first, `"`) && strings.HasSuffix(first, `"`) && len(first) >= 2 {
		first = strings.ReplaceAll(first[1:len(first)-1], `""`, `"`)
	}
	if first == "$user" {
		return ""
	}
	return first
}

func createSchema(ctx context.Context, cc *pgx.ConnConfig, schema string) error {
	conn, err := pgx.ConnectConfig(ctx, cc.Copy())
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL at %s/%s: %w", cc.Host, cc.Database, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize()); err != nil {
		// A role that may not create schemas can still use an existing one.
		var exists bool
		if qerr := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&exists); qerr == nil && exists {
			return nil
		}
		return fmt.Errorf("create the schema %q: %w", schema, err)
	}
	return nil
}

// migrate brings the schema to the latest embedded migration. goose holds
// a session advisory lock (one per schema) while it runs, so replicas
// starting together migrate one after the other.
func (s *Store) migrate(ctx context.Context, cc *pgx.ConnConfig) error {
	db := stdlib.OpenDB(*cc.Copy())
	defer db.Close()
	return migrateDB(ctx, db, s.lockKey("migrate"), s.log)
}

func migrateDB(ctx context.Context, db *sql.DB, lockID int64, log *slog.Logger) error {
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(lockID), lock.WithLockTimeout(1, 300))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate the database: %w", err)
	}
	for _, r := range res {
		log.InfoContext(ctx, "database migrated", "version", r.Source.Version, "migration", r.Source.Path, "took", r.Duration.Round(time.Millisecond).String())
	}
	return nil
}

// lockKey is the advisory lock ID of name in this schema.
func (s *Store) lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("storybot\x00" + s.schema + "\x00" + name))
	return int64(h.Sum64())
}

// Schema returns the schema the store lives in.
func (s *Store) Schema() string { return s.schema }

// Ping reports whether the database answers: the readiness of writes.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("the database does not answer: %w", err)
	}
	return nil
}

// Close releases the store's connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// MaxConns returns the pool's size (pool_max_conns in the URL).
func (s *Store) MaxConns() int32 { return s.pool.Config().MaxConns }

// LockKey returns the advisory lock ID of name in this store's schema.
func (s *Store) LockKey(name string) int64 { return s.lockKey(name) }

// Migrations lists the embedded migrations' file names, in order.
func Migrations() ([]string, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out, nil
}
