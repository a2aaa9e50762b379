package slack

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/adapters/slack/slackfake"
	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/digest"
)

var _ digest.PartPublisher = (*Publisher)(nil)

// bigDigest returns a digest citing n sources: ten to a context block,
// enough of them take more than one message of 50 blocks.
func bigDigest(n int) bot.Digest {
	d := bot.Digest{NewArticles: n, Outlets: 2,
		Bullets: []bot.Sentence{{Text: "Talks resumed.", Citations: []string{"005_eps"}}}}
	for i := range n {
		d.Sources = append(d.Sources, bot.Source{ID: fmt.Sprintf("%03d_src", i), Outlet: "Example", Title: "Talks"})
	}
	return d
}

type digestOf struct{ d bot.Digest }

func (b digestOf) Digest(ctx context.Context, since, until time.Time) (bot.Digest, error) {
	d := b.d
	d.Since, d.Until = since, until
	return d, nil
}

// digestKeys counts the channel's messages per digest part key, read from
// the metadata the fake stored.
func digestKeys(f *slackfake.Server, channel string) map[string]int {
	out := map[string]int{}
	for _, m := range f.Messages(channel) {
		if m.Metadata.EventType == DigestEventType {
			k, _ := m.Metadata.EventPayload["key"].(string)
			out[k]++
		}
	}
	return out
}

// The process dies between a part's post and its record (the run's context
// ends while Slack holds the message, before the bot hears back), at each
// part of a one- and a multi-part digest; a new Runner finds the part by
// its metadata in conversations.history (part 1) or conversations.replies
// (later parts) and posts each part exactly once, the later ones in the
// first one's thread.
func TestDigestPartsExactlyOnceAcrossCrashes(t *testing.T) {
	now := time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
	const period = "2026-05-04T08:00Z"
	for _, tc := range []struct {
		name    string
		sources int
	}{{"single", 1}, {"multi", 1100}} {
		h := newHarness(t, nil)
		pub := h.a.Publisher("CDIGEST")
		d := bigDigest(tc.sources)
		d.ID = period
		n := pub.DigestParts(d)
		if (tc.name == "single") != (n == 1) {
			t.Fatalf("%s: %d parts", tc.name, n)
		}
		for crashAt := range n {
			path := filepath.Join(t.TempDir(), digest.StateFileName)
			channel := fmt.Sprintf("C%s%d", strings.ToUpper(tc.name), crashAt)
			pub := h.a.Publisher(channel)
			opt := digest.Options{Publishers: []bot.Publisher{pub}, StatePath: path, Schedule: "08:00"}
			ctx, cancel := context.WithCancel(context.Background())
			posted := 0
			h.slack.OnPost(func(c slackfake.Call) {
				if c.Channel == channel && c.Metadata != nil {
					if posted == crashAt {
						cancel() // the process dies; Slack keeps the message
						// Hold the reply until the caller has seen its context end,
						// so the reply never reaches it (as when the process died).
						time.Sleep(200 * time.Millisecond)
					}
					posted++
				}
			})
			r, err := digest.New(digestOf{d}, opt)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.RunOnce(ctx, now); err == nil {
				t.Fatalf("%s, crash at part %d: the run did not stop", tc.name, crashAt+1)
			}
			h.slack.OnPost(nil)
			if got := len(digestKeys(h.slack, channel)); got != crashAt+1 {
				t.Fatalf("%s: %d parts before the restart, want %d", tc.name, got, crashAt+1)
			}
			r2, _ := digest.New(digestOf{d}, opt)
			rep, err := r2.RunOnce(context.Background(), now.Add(time.Minute))
			if err != nil || len(rep.Posted) != 1 {
				t.Fatalf("%s, crash at part %d: restart %+v %v", tc.name, crashAt+1, rep, err)
			}
			keys := digestKeys(h.slack, channel)
			for i := range n {
				if k := digest.PartKey(pub.Name(), period, i); keys[k] != 1 {
					t.Errorf("%s, crash at part %d: %d copies of part %d (%v)", tc.name, crashAt+1, keys[k], i+1, keys)
				}
			}
			msgs := h.slack.Messages(channel)
			for _, m := range msgs[1:] {
				if m.ThreadTimestamp != msgs[0].Timestamp {
					t.Errorf("%s: part %s is not in the first part's thread", tc.name, m.Timestamp)
				}
			}
			cancel()
		}
	}
}

// Under the mention-only profile the channel cannot be read: a part in
// doubt is posted again (and the log says why), rather than lost.
func TestDigestMentionsProfileCannotCheck(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Profile = ProfileMentions })
	pub := h.a.Publisher("C1")
	ref, err := pub.FindDigestPart(context.Background(), bot.Digest{ID: "p"}, 0, "p|slack:C1|0", time.Now(), "")
	if err != nil || ref != "" {
		t.Fatalf("FindDigestPart = %q, %v", ref, err)
	}
	if n := len(slackfake.Find(h.slack.Calls(), "conversations.history", "C1")); n != 0 {
		t.Fatal("the channel was read under the mention-only profile")
	}
}
