package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/digest"
	"github.com/storybot/storybot/pgstore"
	"github.com/storybot/storybot/pgstore/pgtest"
)

// channel is a digest.PartPublisher over one in-memory channel shared by
// the replicas, which finds messages by the key they carried (as Slack's
// metadata and Discord's nonce let the real platforms).
type channel struct {
	mu   sync.Mutex
	msgs []string // part keys, one per message
}

func (c *channel) Name() string { return "slack:C0DIGEST" }
func (c *channel) Publish(context.Context, bot.Digest) error {
	return errors.New("posted part by part")
}
func (c *channel) DigestParts(bot.Digest) int { return 2 }

func (c *channel) FindDigestPart(_ context.Context, _ bot.Digest, _ int, key string, _ time.Time, _ string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, k := range c.msgs {
		if k == key {
			return fmt.Sprint("m", i), nil
		}
	}
	return "", nil
}

func (c *channel) PostDigestPart(_ context.Context, _ bot.Digest, _ int, key, _ string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	time.Sleep(20 * time.Millisecond) // a post takes a while: a race would show
	c.msgs = append(c.msgs, key)
	return fmt.Sprint("m", len(c.msgs)-1), nil
}

func (c *channel) copies() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for _, k := range c.msgs {
		out[k]++
	}
	return out
}

type builder struct{}

func (builder) Digest(_ context.Context, since, until time.Time) (bot.Digest, error) {
	return bot.Digest{Since: since, Until: until, NewArticles: 1, Outlets: 1,
		Bullets: []bot.Sentence{{Text: "Something happened."}}}, nil
}

// fixedClock is a digest.Clock stopped at one time.
type fixedClock time.Time

func (c fixedClock) Now() time.Time                         { return time.Time(c) }
func (c fixedClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// killedAfterPost is a replica's digest store that dies (every later write
// fails) when it is about to record a part as posted: the message is on the
// platform, its record is not.
type killedAfterPost struct {
	pgstore.Digests
	killed bool
}

func (k *killedAfterPost) SavePeriod(ctx context.Context, id string, p *digest.Period) error {
	if k.killed {
		return errors.New("killed")
	}
	for _, d := range p.Channels {
		for _, part := range d.Parts {
			if part.Status == digest.StatusPosted {
				k.killed = true
				return errors.New("killed")
			}
		}
	}
	return k.Digests.SavePeriod(ctx, id, p)
}

func runner(t *testing.T, store digest.Store, pub digest.PartPublisher) *digest.Runner {
	t.Helper()
	r, err := digest.New(builder{}, digest.Options{Schedule: "08:00", TimeZone: "UTC", Store: store,
		Publishers: []bot.Publisher{pub}, Clock: fixedClock(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDigestsExactlyOnceAcrossReplicas: replicas whose digest falls due at
// the same minute post each part once; a replica killed between a post and
// its record leaves one copy, the next replica finding the part on the
// platform; a replica without the database posts nothing.
func TestDigestsExactlyOnceAcrossReplicas(t *testing.T) {
	url := pgtest.URL(t, os.Getenv)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 8, 0, 30, 0, time.UTC)
	pub := &channel{}
	var stores []*pgstore.Store
	for range 3 {
		stores = append(stores, open(t, url, pgstore.Options{}))
	}
	// A first period on record, so that the next one is not a first start.
	if err := stores[0].Digests().SavePeriod(ctx, "2026-03-01T08:00Z", &digest.Period{Since: at.Add(-48 * time.Hour), Until: at.Add(-24*time.Hour - 30*time.Second)}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, s := range stores {
		wg.Go(func() {
			if _, err := runner(t, s.Digests(), pub).RunOnce(ctx, at); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	want := map[string]int{digest.PartKey(pub.Name(), "2026-03-02T08:00Z", 0): 1, digest.PartKey(pub.Name(), "2026-03-02T08:00Z", 1): 1}
	if got := pub.copies(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("three replicas due at once posted %v, want each part once: %v", got, want)
	}

	// The next day: the first replica dies between its first post and the record.
	next := at.Add(24 * time.Hour)
	killed := &killedAfterPost{Digests: stores[0].Digests()}
	if _, err := runner(t, killed, pub).RunOnce(ctx, next); err == nil {
		t.Fatal("the killed replica reported success")
	}
	for _, s := range stores[1:] {
		if _, err := runner(t, s.Digests(), pub).RunOnce(ctx, next); err != nil {
			t.Fatal(err)
		}
	}
	for k, n := range pub.copies() {
		if n != 1 {
			t.Errorf("part %s posted %d times after a kill between post and record, want once", k, n)
		}
	}
	if len(pub.copies()) != 4 {
		t.Errorf("%d parts on the platform after two days, want 4: %v", len(pub.copies()), pub.copies())
	}

	// A replica that lost the database refuses to post.
	proxied, proxy := viaProxy(t, url)
	gone := open(t, proxied, pgstore.Options{})
	proxy.cut()
	before := len(pub.copies())
	if _, err := runner(t, gone.Digests(), pub).RunOnce(ctx, next.Add(24*time.Hour)); err == nil {
		t.Error("a replica without the database ran the digest")
	}
	if len(pub.copies()) != before {
		t.Error("a replica without the database posted")
	}
}

func TestDigestsRecords(t *testing.T) {
	s := open(t, pgtest.URL(t, os.Getenv), pgstore.Options{})
	d := s.Digests()
	ctx := context.Background()
	if p, err := d.Period(ctx, "none"); p != nil || err != nil {
		t.Fatalf("missing period: %v %v", p, err)
	}
	if _, ok, err := d.LatestUntil(ctx, time.Now()); ok || err != nil {
		t.Fatalf("LatestUntil on nothing: %v %v", ok, err)
	}
	day := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for i := range 3 {
		p := &digest.Period{Since: day.Add(time.Duration(i-1) * 24 * time.Hour), Until: day.Add(time.Duration(i) * 24 * time.Hour),
			Channels: map[string]*digest.Delivery{"slack:C1": {Key: "k", Status: digest.StatusPosted, Parts: []digest.Part{{Key: "p0", Status: digest.StatusPosted, Ref: "1.2"}}}}}
		if err := d.SavePeriod(ctx, fmt.Sprint("p", i), p); err != nil {
			t.Fatal(err)
		}
	}
	p, err := d.Period(ctx, "p1")
	if err != nil || p == nil || p.Channels["slack:C1"].Parts[0].Ref != "1.2" || !p.Until.Equal(day.Add(24*time.Hour)) {
		t.Fatalf("Period(p1) = %+v, %v", p, err)
	}
	until, ok, err := d.LatestUntil(ctx, day.Add(36*time.Hour))
	if err != nil || !ok || !until.Equal(day.Add(24*time.Hour)) {
		t.Errorf("LatestUntil = %v %v %v, want %v", until, ok, err, day.Add(24*time.Hour))
	}
}
