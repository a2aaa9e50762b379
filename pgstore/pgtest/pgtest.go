// Package pgtest gives tests a PostgreSQL schema of their own.
//
// URL returns a postgres:// URL whose search_path is a new, empty schema,
// dropped when the test ends. The server is STORYBOT_TEST_POSTGRES (default
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable). When no server
// answers, the test is skipped with a message saying so, unless CI is set:
// then it fails, so CI never passes without the PostgreSQL tests.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultURL is the server tests use when STORYBOT_TEST_POSTGRES is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// ServerURL returns the test server's URL, without a search_path:
// STORYBOT_TEST_POSTGRES from getenv (os.Getenv in tests; the environment
// is read by the caller), else DefaultURL.
func ServerURL(getenv func(string) string) string {
	if u := getenv("STORYBOT_TEST_POSTGRES"); u != "" {
		return u
	}
	return DefaultURL
}

// URL creates a fresh schema for t and returns the server URL with that
// schema as its search_path; the schema is dropped at the end of the test.
// getenv (os.Getenv in tests) gives STORYBOT_TEST_POSTGRES and CI.
func URL(t testing.TB, getenv func(string) string) string {
	t.Helper()
	base := ServerURL(getenv)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		if getenv("CI") == "" {
			t.Skipf("no PostgreSQL answers at %s (set STORYBOT_TEST_POSTGRES, or start one; CI fails instead of skipping): %v", redact(base), err)
		}
		t.Fatalf("PostgreSQL at %s: %v", redact(base), err)
	}
	defer conn.Close(context.Background())
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + strings.ToLower(sanitize(t.Name())) + "_" + hex.EncodeToString(b[:])
	if len(schema) > 63 {
		schema = schema[len(schema)-63:]
		schema = "t" + schema[1:]
	}
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() { Drop(t, base, schema) })
	return WithSearchPath(base, schema)
}

// Drop drops schema, and everything in it, on the server at base.
func Drop(t testing.TB, base, schema string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Logf("drop schema %s: %v", schema, err)
		return
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
		t.Logf("drop schema %s: %v", schema, err)
	}
}

// WithSearchPath returns rawURL with its search_path parameter set.
func WithSearchPath(rawURL, schema string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func sanitize(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "<unparsable URL>"
	}
	return u.Redacted()
}
