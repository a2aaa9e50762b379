package pgstore_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/pgstore"
	"github.com/storybot/storybot/pgstore/pgtest"
)

// TestSharedLedger: replicas needing the ledger of one state of the corpus
// at once compute it once and all get it; another state, or other rules,
// is computed again; without the database each computes its own.
func TestSharedLedger(t *testing.T) {
	url := pgtest.URL(t, os.Getenv)
	var computed atomic.Int32
	compute := func(_ context.Context, ps []bot.Passage) ([]bot.Conflict, error) {
		computed.Add(1)
		return []bot.Conflict{{Topic: fmt.Sprintf("%d passages", len(ps)), Kind: "numeric",
			Positions: []bot.Position{{Claim: "30", Articles: []string{"a"}}, {Claim: "40", Articles: []string{"b"}}}}}, nil
	}
	var ledgers []pgstore.LedgerFunc
	for range 3 {
		ledgers = append(ledgers, open(t, url, pgstore.Options{}).SharedLedger(compute, "v1"))
	}
	ps := []bot.Passage{{ArticleID: "a", Sentences: []string{"Some 30 were hurt."}}, {ArticleID: "b", Sentences: []string{"More than 40 were hurt."}}}
	var wg sync.WaitGroup
	results := make([][]bot.Conflict, len(ledgers))
	for i, l := range ledgers {
		wg.Go(func() {
			var err error
			if results[i], err = l(context.Background(), ps); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := computed.Load(); n != 1 {
		t.Errorf("computed %d times by three replicas, want once", n)
	}
	for i, r := range results {
		if fmt.Sprint(r) != fmt.Sprint(results[0]) || len(r) != 1 || len(r[0].Positions) != 2 {
			t.Errorf("replica %d got %+v", i, r)
		}
	}
	for _, tc := range []struct {
		name    string
		ledger  pgstore.LedgerFunc
		ps      []bot.Passage
		compute int32
	}{
		{"same state again", ledgers[1], ps, 0},
		{"a changed passage", ledgers[1], append(ps[:1:1], bot.Passage{ArticleID: "b", Sentences: []string{"Some 40 were hurt."}}), 1},
		{"other rules", open(t, url, pgstore.Options{}).SharedLedger(compute, "v2"), ps, 1},
	} {
		before := computed.Load()
		if _, err := tc.ledger(context.Background(), tc.ps); err != nil {
			t.Fatal(err)
		}
		if got := computed.Load() - before; got != tc.compute {
			t.Errorf("%s: computed %d times, want %d", tc.name, got, tc.compute)
		}
	}
	proxied, proxy := viaProxy(t, url)
	gone := open(t, proxied, pgstore.Options{})
	proxy.cut()
	before := computed.Load()
	if r, err := gone.SharedLedger(compute, "v1")(context.Background(), ps); err != nil || len(r) != 1 || computed.Load() != before+1 {
		t.Errorf("without the database: %v %v, computed %d times", r, err, computed.Load()-before)
	}
}

// TestSharedLedgerDoesNotHoldUpClose: a long computation (20k articles
// take minutes) never keeps Close, and so a replica's shutdown, waiting.
func TestSharedLedgerDoesNotHoldUpClose(t *testing.T) {
	s, err := pgstore.Open(context.Background(), pgtest.URL(t, os.Getenv), pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	ledger := s.SharedLedger(func(context.Context, []bot.Passage) ([]bot.Conflict, error) {
		close(started)
		<-release
		return nil, nil
	}, "v1")
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = ledger(context.Background(), []bot.Passage{{ArticleID: "a"}})
	}()
	<-started
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(3 * time.Second):
		t.Error("Close waited for the ledger's computation")
	}
	close(release)
	<-done
	<-closed
}
