package main

import (
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/pgstore/pgtest"
)

// dbProxy forwards TCP connections to a PostgreSQL server until cut: then
// it drops every connection and refuses new ones, as a network partition
// would, until restored on the same address.
type dbProxy struct {
	t      *testing.T
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newDBProxy(t *testing.T, target string) *dbProxy {
	p := &dbProxy{t: t, target: target}
	p.listen("127.0.0.1:0")
	t.Cleanup(p.cut)
	return p
}

func (p *dbProxy) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(s, c); s.Close() }()
			go func() { _, _ = io.Copy(c, s); c.Close() }()
		}
	}()
}

func (p *dbProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *dbProxy) restore() { p.listen(p.addr) }

// via returns rawURL with its host replaced by the proxy's address.
func (p *dbProxy) via(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		p.t.Fatal(err)
	}
	u.Host = p.addr
	return u.String()
}

// TestServeReplicaLosesTheDatabase: a replica cut off from PostgreSQL keeps
// answering from its local index, says on /readyz that writes are
// unavailable, and, once the database is back, catches up on an article
// another replica added meanwhile.
func TestServeReplicaLosesTheDatabase(t *testing.T) {
	store := pgtest.URL(t, os.Getenv)
	u, _ := url.Parse(store)
	proxy := newDBProxy(t, u.Host)
	dir := copyCorpus(t)
	env := func(s string) map[string]string {
		return map[string]string{"STORYBOT_STORE": s, "STORYBOT_WATCH_DEBOUNCE": "50ms", "STORYBOT_RETRY_MAX": "1s"}
	}
	cutOff := startServe(t, env(proxy.via(store)), "--corpus", dir)
	writer := startServe(t, env(store), "--corpus", dir)
	cutOff.waitReady(t)
	writer.waitReady(t)

	proxy.cut()
	const known = "Who is the NATO Secretary General?"
	if code, rep := cutOff.ask(t, known, ""); code != 200 || len(rep.Citations) == 0 {
		t.Errorf("without the database: %d %+v, want an answer from the local index", code, rep)
	}
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		code, body := cutOff.get(t, "/readyz")
		if code == 503 && strings.Contains(body, "writes unavailable") {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("/readyz without the database: %d %s", code, body)
		}
	}

	const q = "What did the harbour authority say about the lighthouse keeper's zebra?"
	if err := os.WriteFile(filepath.Join(dir, "zebra-report.txt"), []byte("Zebra escapes from lighthouse\n\nThe harbour authority said on Tuesday that the lighthouse keeper's zebra had escaped and was seen swimming towards the harbour.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if _, rep := writer.ask(t, q, ""); slices.Contains(rep.Citations, "zebra-report") {
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("the connected replica did not index the new article")
		}
	}
	if _, rep := cutOff.ask(t, q, ""); slices.Contains(rep.Citations, "zebra-report") {
		t.Fatal("the cut-off replica answered from an article it cannot have seen")
	}

	proxy.restore()
	back := time.Now()
	for {
		if _, rep := cutOff.ask(t, q, ""); slices.Contains(rep.Citations, "zebra-report") {
			break
		}
		if time.Since(back) > 10*time.Second {
			t.Fatalf("the replica did not catch up within 10 s of the database's return:\n%s", cutOff.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("caught up %v after the database came back", time.Since(back).Round(time.Millisecond))
	if code, body := cutOff.get(t, "/readyz"); code != 200 {
		t.Errorf("/readyz after the database came back: %d %s", code, body)
	}
	for _, r := range []*running{cutOff, writer} {
		if err := r.shutdown(t); err != nil {
			t.Errorf("serve: %v", err)
		}
	}
}
