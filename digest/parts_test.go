package digest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
)

// platform is a PartPublisher over an in-memory channel that keeps every
// message with the key it carried, as Slack's metadata and Discord's
// nonce let the real ones be found.
type platform struct {
	name  string
	parts int
	mu    sync.Mutex
	msgs  []platformMsg
	// findErr makes FindDigestPart fail (the platform cannot be asked).
	findErr error
	// failPart makes the post of that part fail without delivering, once.
	failPart int
	finds    int
}

type platformMsg struct {
	key, ref, thread string
	period           string
}

func newPlatform(name string, parts int) *platform {
	return &platform{name: name, parts: parts, failPart: -1}
}

func (p *platform) Name() string { return p.name }

func (p *platform) Publish(ctx context.Context, d bot.Digest) error {
	return errors.New("a PartPublisher is posted part by part")
}

func (p *platform) DigestParts(d bot.Digest) int { return p.parts }

func (p *platform) FindDigestPart(ctx context.Context, d bot.Digest, i int, key string, since time.Time, thread string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finds++
	if p.findErr != nil {
		return "", p.findErr
	}
	for _, m := range p.msgs {
		if m.key == key && (i == 0 || m.thread == thread) {
			return m.ref, nil
		}
	}
	return "", nil
}

func (p *platform) PostDigestPart(ctx context.Context, d bot.Digest, i int, key, thread string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if i == p.failPart {
		p.failPart = -1
		return "", errors.New("HTTP 503")
	}
	if want := PartKey(p.name, d.ID, i); key != want {
		return "", fmt.Errorf("key %q, want %q", key, want)
	}
	if (i == 0) != (thread == "") {
		return "", fmt.Errorf("part %d with thread %q", i, thread)
	}
	ref := fmt.Sprintf("m%d", len(p.msgs)+1)
	p.msgs = append(p.msgs, platformMsg{key: key, ref: ref, thread: thread, period: d.ID})
	return ref, nil
}

// copies counts the messages of each part key.
func (p *platform) copies() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]int{}
	for _, m := range p.msgs {
		out[m.key]++
	}
	return out
}

// crashAfterPost is a Store that "dies" (fails every later write) once a
// part with the key is about to be recorded as posted: the message is on
// the platform, the record of it is not.
type crashAfterPost struct {
	*FileStore
	key     string
	crashed bool
}

func (c *crashAfterPost) SavePeriod(ctx context.Context, id string, p *Period) error {
	if c.crashed {
		return errors.New("killed")
	}
	for _, del := range p.Channels {
		for _, part := range del.Parts {
			if part.Key == c.key && part.Status == StatusPosted {
				c.crashed = true
				return errors.New("killed")
			}
		}
	}
	return c.FileStore.SavePeriod(ctx, id, p)
}

// A crash between the post of a part and its record, at each part of a
// single- and a three-part digest: after a restart every part is on the
// platform exactly once, the later parts in part 0's thread.
func TestPartsExactlyOnceAcrossCrashes(t *testing.T) {
	now := time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
	const period = "2026-05-04T08:00Z"
	for _, n := range []int{1, 3} {
		for crashAt := range n {
			t.Run(fmt.Sprintf("%d parts, crash after part %d", n, crashAt+1), func(t *testing.T) {
				path := statePath(t)
				slack, other := newPlatform("slack:C1", n), newPlatform("discord:9", n)
				store := &crashAfterPost{FileStore: NewFileStore(path), key: PartKey("slack:C1", period, crashAt)}
				r := newTestRunner(t, &fakeBuilder{}, Options{Publishers: []bot.Publisher{slack, other}, StatePath: path, Store: store})
				if _, err := r.RunOnce(context.Background(), now); err == nil || !strings.Contains(err.Error(), "killed") {
					t.Fatalf("the crashed run returned %v", err)
				}
				if got := len(slack.copies()); got != crashAt+1 {
					t.Fatalf("before the restart %d parts are on the platform, want %d", got, crashAt+1)
				}
				// The restarted process, with a working disk.
				b := &fakeBuilder{}
				r2 := newTestRunner(t, b, Options{Publishers: []bot.Publisher{slack, other}, StatePath: path})
				rep, err := r2.RunOnce(context.Background(), now.Add(time.Minute))
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(rep.Posted, []string{"slack:C1", "discord:9"}) {
					t.Fatalf("after the restart: %+v", rep)
				}
				if len(b.windows) != 0 {
					t.Error("the digest was built again instead of resuming the recorded one")
				}
				for _, p := range []*platform{slack, other} {
					c := p.copies()
					for i := range n {
						if k := PartKey(p.name, period, i); c[k] != 1 {
							t.Errorf("%s: %d copies of part %d, want 1 (%v)", p.name, c[k], i+1, c)
						}
					}
					for _, m := range p.msgs[1:] {
						if m.thread != p.msgs[0].ref {
							t.Errorf("%s: part %s not in part 1's thread", p.name, m.key)
						}
					}
				}
				if slack.finds != 1 {
					t.Errorf("the platform was asked %d times, want once (only the part in doubt)", slack.finds)
				}
				st, _ := ReadState(path)
				per := st.Periods[period]
				if per.Digest != nil {
					t.Error("the digest is kept after every channel is done")
				}
				if del := per.Channels["slack:C1"]; del.Status != StatusPosted || len(del.Parts) != n {
					t.Errorf("record %+v", del)
				}
				// A third start posts nothing.
				rep, err = newTestRunner(t, &fakeBuilder{}, Options{Publishers: []bot.Publisher{slack, other}, StatePath: path}).RunOnce(context.Background(), now.Add(2*time.Minute))
				if err != nil || len(rep.Done) != 2 {
					t.Fatalf("third start: %+v %v", rep, err)
				}
			})
		}
	}
}

// A part whose post failed is looked for before it is posted again; a
// platform that cannot be asked posts nothing in doubt, and the post is
// retried later.
func TestPartsFailedAndUncheckable(t *testing.T) {
	now := time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
	path := statePath(t)
	p := newPlatform("slack:C1", 2)
	p.failPart = 1
	opt := Options{Publishers: []bot.Publisher{p}, StatePath: path}
	rep, err := newTestRunner(t, &fakeBuilder{}, opt).RunOnce(context.Background(), now)
	if err == nil || !slices.Equal(rep.Failed, []string{"slack:C1"}) {
		t.Fatalf("first run: %+v %v", rep, err)
	}
	p.findErr = errors.New("HTTP 502")
	rep, err = newTestRunner(t, &fakeBuilder{}, opt).RunOnce(context.Background(), now.Add(time.Minute))
	if err == nil || !strings.Contains(err.Error(), "check whether part 2 of 2 arrived") || len(p.msgs) != 1 {
		t.Fatalf("second run (platform cannot be asked): %+v %v, %d messages", rep, err, len(p.msgs))
	}
	p.findErr = nil
	rep, err = newTestRunner(t, &fakeBuilder{}, opt).RunOnce(context.Background(), now.Add(2*time.Minute))
	if err != nil || !slices.Equal(rep.Posted, []string{"slack:C1"}) {
		t.Fatalf("third run: %+v %v", rep, err)
	}
	if c := p.copies(); len(c) != 2 || c[PartKey("slack:C1", "2026-05-04T08:00Z", 0)] != 1 || c[PartKey("slack:C1", "2026-05-04T08:00Z", 1)] != 1 {
		t.Fatalf("copies %v", c)
	}
}
