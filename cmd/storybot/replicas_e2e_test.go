package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/adapters/discord/discordfake"
	"github.com/storybot/storybot/adapters/slack/slackfake"
	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/digest"
	"github.com/storybot/storybot/pgstore"
	"github.com/storybot/storybot/pgstore/pgtest"
)

// childURL waits for a child's "listening" line and returns its base URL.
func childURL(t *testing.T, c *child) string {
	t.Helper()
	for start := time.Now(); time.Since(start) < 30*time.Second; time.Sleep(20 * time.Millisecond) {
		for _, rec := range c.stderr.logLines(t) {
			if rec["msg"] == "listening" {
				return "http://" + rec["addr"].(string)
			}
		}
	}
	t.Fatalf("storybot serve did not log its address:\n%s", c.stderr)
	return ""
}

// waitChildReady waits until a child's /readyz answers 200.
func waitChildReady(t *testing.T, c *child, url string) {
	t.Helper()
	for start := time.Now(); time.Since(start) < 60*time.Second; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatalf("storybot serve at %s not ready within 60 s:\n%s", url, c.stderr)
}

// seedSharedPeriod records, in the store, yesterday's period as posted and
// today's (the schedule is 00:00 UTC) with its digest built and nothing
// posted: every replica that starts finds today's digest due at once.
func seedSharedPeriod(t *testing.T, store string, d bot.Digest) string {
	t.Helper()
	s, err := pgstore.Open(context.Background(), store, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now().UTC()
	fire := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	id := fire.Format("2006-01-02T15:04Z07:00")
	d.ID, d.Since, d.Until = id, fire.Add(-24*time.Hour), fire
	ctx := context.Background()
	if err := s.Digests().SavePeriod(ctx, fire.Add(-24*time.Hour).Format("2006-01-02T15:04Z07:00"),
		&digest.Period{Since: fire.Add(-48 * time.Hour), Until: fire.Add(-24 * time.Hour), Channels: map[string]*digest.Delivery{}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Digests().SavePeriod(ctx, id, &digest.Period{Since: d.Since, Until: d.Until, Digest: &d, Channels: map[string]*digest.Delivery{}}); err != nil {
		t.Fatal(err)
	}
	return id
}

// seedEarlierPeriod records a period that ended a day ago, so that a
// replica's first start is not the deployment's first (which posts
// nothing) and catches up the digest due.
func seedEarlierPeriod(t *testing.T, store string) {
	t.Helper()
	s, err := pgstore.Open(context.Background(), store, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	until := time.Now().UTC().Add(-24 * time.Hour).Truncate(time.Minute)
	if err := s.Digests().SavePeriod(context.Background(), until.Format("2006-01-02T15:04Z07:00"),
		&digest.Period{Since: until.Add(-24 * time.Hour), Until: until, Channels: map[string]*digest.Delivery{}}); err != nil {
		t.Fatal(err)
	}
}

// replicaEnv is the environment of a replica on store with the Slack and
// Discord stand-ins, its own data folder and the given digest channels.
func replicaEnv(t *testing.T, store string, sf *slackfake.Server, fd *discordfake.Server, pub ed25519.PublicKey, slackDigest, discordDigest string) map[string]string {
	env := map[string]string{
		"STORYBOT_STORE": store, "STORYBOT_DATA": t.TempDir(),
		"STORYBOT_DIGEST_AT": "00:00", "STORYBOT_DIGEST_TZ": "UTC",
		"STORYBOT_WATCH_DEBOUNCE": "50ms", "STORYBOT_USER_RATE": "0", "STORYBOT_CHANNEL_RATE": "0",
		"SLACK_BOT_TOKEN": slackfake.BotToken, "SLACK_SIGNING_SECRET": "e2e-secret",
		"SLACK_API_URL": sf.APIURL(), "SLACK_PROFILE": "mentions",
		"DISCORD_BOT_TOKEN": discordfake.Token, "DISCORD_APP_ID": discordfake.AppID,
		"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub), "DISCORD_HTTP_ONLY": "true",
		"DISCORD_API_URL": fd.APIURL(),
	}
	if slackDigest != "" {
		env["SLACK_DIGEST_CHANNEL"] = slackDigest
	}
	if discordDigest != "" {
		env["DISCORD_DIGEST_CHANNEL"] = discordDigest
	}
	return env
}

func answeredOn(t *testing.T, c *child) int {
	n := 0
	for _, rec := range c.stderr.logLines(t) {
		if rec["msg"] == "answered" && rec["platform"] == "slack" {
			n++
		}
	}
	return n
}

// TestReplicasEndToEnd runs two real `storybot serve` processes on one
// PostgreSQL schema with the Slack and Discord stand-ins: a digest due at
// the same minute on both is posted once on each platform; the same Slack
// event delivered to both is answered once; a follow-up in the thread that
// reaches the other replica continues the conversation; an article added
// to the corpus folder is answered on both within 5 s.
func TestReplicasEndToEnd(t *testing.T) {
	t.Parallel() // mostly waiting for its processes and the minute's digest
	store := pgtest.URL(t, os.Getenv)
	corpus := copyCorpus(t)
	sf := slackfake.New(t)
	fd := discordfake.New(t)
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	const slackDigest, discordDigest = "C0DIGEST", "900000000000000042"
	fd.AddChannel(discordDigest)
	// A digest every minute, with an earlier one on record: both replicas
	// find the current minute's digest due as they start, and each later
	// minute fires on both at once. Each is built by the replica holding
	// the digest lock (a one-line note when nothing is new).
	seedEarlierPeriod(t, store)

	var kids []*child
	var urls []string
	for range 2 {
		env := replicaEnv(t, store, sf, fd, pub, slackDigest, discordDigest)
		env["STORYBOT_DIGEST_CRON"] = "* * * * *"
		env["STORYBOT_DIGEST_POST_EMPTY"] = "true"
		kids = append(kids, startChild(t, env, "--corpus", corpus))
	}
	for _, c := range kids {
		u := childURL(t, c)
		waitChildReady(t, c, u)
		urls = append(urls, u)
	}

	// The digest: due on both at once, built and posted once on each
	// platform by the replica holding the lock.
	for start := time.Now(); len(slackDigestKeys(sf, slackDigest)) < 1 || len(discordDigestParts(fd, discordDigest)) < 1; time.Sleep(50 * time.Millisecond) {
		if time.Since(start) > 30*time.Second {
			t.Fatalf("the digest was not posted:\n%s\n%s", kids[0].stderr, kids[1].stderr)
		}
	}
	time.Sleep(time.Second) // room for a second copy, if any
	for name, copies := range map[string]map[string]int{"slack": slackDigestKeys(sf, slackDigest), "discord": discordDigestParts(fd, discordDigest)} {
		for k, n := range copies {
			if n != 1 {
				t.Errorf("%s: %d copies of digest part %s, want 1", name, n, k)
			}
		}
	}

	// The same Slack event delivered to both replicas is answered once.
	text := "<@" + slackfake.BotUser + "> Who is the NATO Secretary General?"
	root := sf.AddMessage("C0NEWS", "", "U0ALICE", text)
	ev := slackfake.EventCallback("EvE2E1", slackfake.Mention("C0NEWS", "U0ALICE", root, "", text))
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Go(func() { postSlackEvent(t, u, "e2e-secret", ev) })
	}
	wg.Wait()
	sf.WaitCalls("the answer", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C0NEWS") >= 1 })
	time.Sleep(time.Second)
	if n := slackfake.Count(sf.Calls(), "chat.update", "C0NEWS"); n != 1 {
		t.Fatalf("the same event delivered to both replicas was answered %d times, want once", n)
	}

	if n := waitRows(t, 2, store, `SELECT count(*) FROM conversation_turns WHERE key = $1`, "slack/C0NEWS/"+root); n != 2 {
		t.Fatalf("%d turns recorded for the thread, want the question and the answer", n)
	}
	// The follow-up reaches the replica that did not answer.
	other := 0
	if answeredOn(t, kids[0]) == 1 {
		other = 1
	}
	before := answeredOn(t, kids[other])
	follow := "<@" + slackfake.BotUser + "> When did he take office?"
	fts := sf.AddMessage("C0NEWS", root, "U0ALICE", follow)
	postSlackEvent(t, urls[other], "e2e-secret", slackfake.EventCallback("EvE2E2", slackfake.Mention("C0NEWS", "U0ALICE", fts, root, follow)))
	sf.WaitCalls("the follow-up's answer", func(cs []slackfake.Call) bool { return slackfake.Count(cs, "chat.update", "C0NEWS") >= 2 })
	// The replica logs "answered" once the platform has the reply: wait for
	// the line rather than race it.
	for start := time.Now(); answeredOn(t, kids[other]) != before+1; time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Errorf("the other replica did not answer the follow-up:\n%s", kids[other].stderr)
			break
		}
	}
	if n := waitRows(t, 4, store, `SELECT count(*) FROM conversation_turns WHERE key = $1`, "slack/C0NEWS/"+root); n != 4 {
		t.Errorf("%d turns in the thread's conversation after the follow-up on the other replica, want 4 (both replicas' question and answer)", n)
	}

	// A new article is answered on both within 5 s.
	const q = "What did the harbour authority say about the lighthouse keeper's zebra?"
	written := time.Now()
	if err := os.WriteFile(filepath.Join(corpus, "zebra-report.txt"), []byte("Zebra escapes from lighthouse\n\nThe harbour authority said on Tuesday that the lighthouse keeper's zebra had escaped and was seen swimming towards the harbour.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, u := range urls {
		r := &running{url: u}
		for {
			_, rep := r.ask(t, q, "")
			if strings.Contains(strings.Join(rep.Citations, " "), "zebra-report") {
				break
			}
			if time.Since(written) > 5*time.Second {
				t.Fatalf("replica %d does not answer from the new article 5 s after it was written: %+v\n%s", i, rep, kids[i].stderr)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	t.Logf("new article answered on both replicas %v after it was written", time.Since(written).Round(time.Millisecond))
	for _, c := range kids {
		c.stop(t)
	}
}

// TestReplicasDigestKilledBetweenPostAndRecord kills the replica posting
// the digest (on Slack and on Discord) right after the platform accepted a
// part and before its record; the other replica, on the same PostgreSQL,
// takes the digest lock, finds the part on the platform and posts the
// rest: one copy of each part.
func TestReplicasDigestKilledBetweenPostAndRecord(t *testing.T) {
	t.Parallel() // mostly waiting for its processes
	corpus := copyCorpus(t)
	sf := slackfake.New(t)
	fd := discordfake.New(t)
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, platform := range []string{"slack", "discord"} {
		t.Run(platform, func(t *testing.T) {
			store := pgtest.URL(t, os.Getenv)
			var slackCh, discordCh string
			var copies func() map[string]int
			killed := make(chan struct{})
			var once sync.Once
			var started atomic.Pointer[child] // the hook runs on the stand-in's goroutines
			kill := func() {
				if c := started.Load(); c != nil {
					once.Do(func() { _ = c.cmd.Process.Kill(); close(killed) })
				}
			}
			if platform == "slack" {
				slackCh = "C0KILL"
				seedSharedPeriod(t, store, manySources(3))
				copies = func() map[string]int { return slackDigestKeys(sf, slackCh) }
				sf.OnPost(func(c slackfake.Call) {
					if c.Channel == slackCh && c.Metadata != nil {
						kill()
					}
				})
				defer sf.OnPost(nil)
			} else {
				discordCh = "900000000000000077"
				fd.AddChannel(discordCh)
				seedSharedPeriod(t, store, manyConflicts(60)) // several parts
				copies = func() map[string]int { return discordDigestParts(fd, discordCh) }
				fd.OnCreate(func(ch string, m *discordgo.Message) {
					if ch == discordCh {
						kill()
					}
				})
				defer fd.OnCreate(nil)
			}
			// The full Slack profile may read the channel's history: the
			// mention-only one cannot look for a part in doubt.
			env := func() map[string]string {
				e := replicaEnv(t, store, sf, fd, pub, slackCh, discordCh)
				e["SLACK_PROFILE"] = "full"
				return e
			}
			first := startChild(t, env(), "--corpus", corpus)
			started.Store(first)
			select {
			case <-killed:
			case <-time.After(60 * time.Second):
				t.Fatalf("the first replica never posted:\n%s", first.stderr)
			}
			first.kill(t)
			if n := len(copies()); n != 1 {
				t.Fatalf("%d parts on the platform after the kill, want 1", n)
			}
			second := startChild(t, env(), "--corpus", corpus)
			for start := time.Now(); !strings.Contains(second.stderr.String(), "a digest part in doubt had arrived; not posting it again"); time.Sleep(50 * time.Millisecond) {
				if time.Since(start) > 60*time.Second {
					t.Fatalf("the other replica did not find the part in doubt:\n%s", second.stderr)
				}
			}
			var rec *digest.Period
			for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
				s, err := pgstore.Open(context.Background(), store, pgstore.Options{})
				if err != nil {
					t.Fatal(err)
				}
				rec, err = s.Digests().Period(context.Background(), time.Now().UTC().Format("2006-01-02")+"T00:00Z")
				s.Close()
				if err == nil && rec != nil && len(rec.Channels) == 1 {
					var del *digest.Delivery
					for _, d := range rec.Channels {
						del = d
					}
					if del.Status == digest.StatusPosted {
						break
					}
				}
				if time.Since(start) > 60*time.Second {
					t.Fatalf("the digest was not recorded as posted: %+v\n%s", rec, second.stderr)
				}
			}
			second.stop(t)
			got := copies()
			for k, n := range got {
				if n != 1 {
					t.Errorf("%d copies of %s", n, k)
				}
			}
			for _, d := range rec.Channels {
				if len(got) != len(d.Parts) {
					t.Errorf("%d distinct parts on the platform, %d recorded", len(got), len(d.Parts))
				}
			}
		})
	}
}
