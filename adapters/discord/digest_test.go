package discord

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/adapters/discord/discordfake"
	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/digest"
)

var _ digest.PartPublisher = (*ChannelPublisher)(nil)

// conflictDigest returns a digest with n long conflicts: enough of them
// take more than one message within Discord's 6,000 characters.
func conflictDigest(n int) bot.Digest {
	d := bot.Digest{NewArticles: 3, Outlets: 2,
		Bullets: []bot.Sentence{{Text: "Talks resumed.", Citations: []string{"a"}}},
		Sources: []bot.Source{{ID: "a", URL: "https://e.com/a"}}}
	for i := range n {
		d.Conflicts = append(d.Conflicts, bot.Conflict{Topic: fmt.Sprintf("figure %d", i), Kind: bot.ConflictNumeric, Positions: []bot.Position{
			{Claim: fmt.Sprintf("%d %s", i, strings.Repeat("reported ", 25)), Articles: []string{"a"}},
			{Claim: fmt.Sprintf("%d %s", i+100, strings.Repeat("stated ", 25)), Articles: []string{"b"}}}})
	}
	return d
}

type digestOf struct{ d bot.Digest }

func (b digestOf) Digest(ctx context.Context, since, until time.Time) (bot.Digest, error) {
	d := b.d
	d.Since, d.Until = since, until
	return d, nil
}

// partsIn counts the channel's digest messages per marker line.
func partsIn(fd *discordfake.Server, channel string) map[string]int {
	out := map[string]int{}
	for _, m := range fd.Messages(channel) {
		if first, _, _ := strings.Cut(m.Content, "\n"); strings.HasPrefix(first, "-# storybot digest ") {
			out[first]++
		}
	}
	return out
}

// The process dies between a part's post and its record (Discord holds the
// message, the bot never hears back), at each part of a one- and a
// multi-part digest; a new Runner finds the part among the channel's
// recent messages and posts each part exactly once.
func TestDigestPartsExactlyOnceAcrossCrashes(t *testing.T) {
	t.Parallel()
	now := time.Now().UTC()
	fd := discordfake.New(t)
	a, err := New(Config{Token: testToken, AppID: testAppID, APIURL: fd.APIURL()}, &fakeBot{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		conflicts int
	}{{"single", 1}, {"multi", 60}} {
		d := conflictDigest(tc.conflicts)
		n := len(renderDigest(d))
		if (tc.name == "single") != (n == 1) {
			t.Fatalf("%s: %d parts", tc.name, n)
		}
		for crashAt := range n {
			channel := fmt.Sprintf("9%d%d", len(tc.name), crashAt)
			fd.AddChannel(channel)
			pub := a.Publisher(channel)
			opt := digest.Options{Publishers: []bot.Publisher{pub}, StatePath: filepath.Join(t.TempDir(), digest.StateFileName), Schedule: "* * * * *"}
			ctx, cancel := context.WithCancel(context.Background())
			created := 0
			fd.OnCreate(func(ch string, m *discordgo.Message) {
				if ch == channel {
					if created == crashAt {
						cancel() // the process dies; Discord keeps the message
						// Hold the reply until the caller has seen its context end,
						// so the reply never reaches it (as when the process died).
						time.Sleep(200 * time.Millisecond)
					}
					created++
				}
			})
			r, _ := digest.New(digestOf{d}, opt)
			if _, err := r.RunOnce(ctx, now); err == nil {
				t.Fatalf("%s, crash at part %d: the run did not stop", tc.name, crashAt+1)
			}
			fd.OnCreate(nil)
			if got := len(partsIn(fd, channel)); got != crashAt+1 {
				t.Fatalf("%s: %d parts before the restart, want %d", tc.name, got, crashAt+1)
			}
			r2, _ := digest.New(digestOf{d}, opt)
			rep, err := r2.RunOnce(context.Background(), now)
			if err != nil || len(rep.Posted) != 1 {
				t.Fatalf("%s, crash at part %d: restart %+v %v", tc.name, crashAt+1, rep, err)
			}
			got := partsIn(fd, channel)
			if len(got) != n {
				t.Errorf("%s, crash at part %d: parts %v, want %d", tc.name, crashAt+1, got, n)
			}
			for marker, c := range got {
				if c != 1 {
					t.Errorf("%s, crash at part %d: %d copies of %q", tc.name, crashAt+1, c, marker)
				}
			}
			cancel()
		}
	}
}

// The same part sent twice within minutes (a retry whose first attempt
// did arrive) is one message: the create request carries the part's nonce
// with enforce_nonce, through Session.RequestWithBucketID.
func TestDigestPartNonce(t *testing.T) {
	t.Parallel()
	fd := discordfake.New(t)
	a, err := New(Config{Token: testToken, AppID: testAppID, APIURL: fd.APIURL()}, &fakeBot{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pub := a.Publisher(testChan)
	d := conflictDigest(1)
	d.ID = "2026-05-04T08:00Z"
	key := digest.PartKey(pub.Name(), d.ID, 0)
	id1, err := pub.PostDigestPart(context.Background(), d, 0, key, "")
	if err != nil {
		t.Fatal(err)
	}
	id2, err := pub.PostDigestPart(context.Background(), d, 0, key, "")
	if err != nil || id1 != id2 {
		t.Fatalf("second send: %q %v, want the first message %q", id2, err, id1)
	}
	if n := len(fd.Messages(testChan)); n != 1 {
		t.Fatalf("%d messages, want 1", n)
	}
	sent := fd.Matching("POST", regexp.MustCompile("^/channels/"+testChan+"/messages$"))
	for _, s := range sent {
		body := string(s.Body)
		if !strings.Contains(body, `"nonce":"`+digestNonce(key)+`"`) || !strings.Contains(body, `"enforce_nonce":true`) {
			t.Errorf("create request without the nonce: %s", body)
		}
	}
	if len(digestNonce(key)) > 25 {
		t.Errorf("nonce %q is longer than Discord's 25 characters", digestNonce(key))
	}
	ref, err := pub.FindDigestPart(context.Background(), d, 0, key, time.Now().Add(-time.Hour), "")
	if err != nil || ref != id1 {
		t.Fatalf("FindDigestPart = %q %v, want %q", ref, err, id1)
	}
	if ref, err := pub.FindDigestPart(context.Background(), d, 0, key, time.Now().Add(time.Hour), ""); err != nil || ref != "" {
		t.Fatalf("FindDigestPart after the message = %q %v, want none", ref, err)
	}
}
