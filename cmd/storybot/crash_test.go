package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/adapters/discord/discordfake"
	"github.com/storybot/storybot/adapters/slack/slackfake"
	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/digest"
)

// childEnv marks the test binary re-run as `storybot` itself (see
// TestMain): the crash tests kill a real process.
const childEnv = "STORYBOT_TEST_RUN_MAIN"

// The parallel tests mostly wait for processes, servers and timers, so four
// run at once rather than the default of one per CPU, unless
// -test.parallel is given.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		main()
		os.Exit(0)
	}
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		if err := flag.Set("test.parallel", "4"); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}

// child is a `storybot serve` process: this test binary run as main.
type child struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	done   chan error
}

// startChild starts `storybot serve args...` as a separate process with
// only env (and PATH) in its environment.
func startChild(t *testing.T, env map[string]string, args ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--http-addr", "127.0.0.1:0", "--log-format", "json"}, args...)...)
	cmd.Env = []string{childEnv + "=1", "PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	c := &child{cmd: cmd, stderr: &lockedBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-c.done
	})
	return c
}

// kill ends the process at once, as a crash or an OOM kill would.
func (c *child) kill(t *testing.T) {
	t.Helper()
	_ = c.cmd.Process.Kill()
	select {
	case <-c.done:
		c.done <- nil // for the cleanup
	case <-time.After(10 * time.Second):
		t.Fatal("the killed process did not exit")
	}
}

// stop asks the process to shut down and waits for it.
func (c *child) stop(t *testing.T) {
	t.Helper()
	_ = c.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-c.done:
		c.done <- err
		if err != nil {
			t.Errorf("storybot serve exited with %v:\n%s", err, c.stderr)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("storybot serve did not stop:\n%s", c.stderr)
	}
}

// seedPeriod writes a digest state in which today's period (the digest
// schedule is 00:00 UTC) has its digest built and nothing posted, as left
// by a process that died right after building it: the next start catches
// the period up at once.
func seedPeriod(t *testing.T, data string, d bot.Digest) string {
	t.Helper()
	now := time.Now().UTC()
	fire := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	id := fire.Format("2006-01-02T15:04Z07:00")
	d.ID, d.Since, d.Until = id, fire.Add(-24*time.Hour), fire
	st := digest.State{Version: 1, Periods: map[string]*digest.Period{
		id: {Since: d.Since, Until: d.Until, Digest: &d, Channels: map[string]*digest.Delivery{}},
	}}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, digest.StateFileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return id
}

// waitPosted waits until the state file records the channel's digest of
// the period as posted.
func waitPosted(t *testing.T, c *child, data, period, channel string) *digest.Delivery {
	t.Helper()
	for start := time.Now(); time.Since(start) < 60*time.Second; time.Sleep(50 * time.Millisecond) {
		st, err := digest.ReadState(filepath.Join(data, digest.StateFileName))
		if err != nil {
			continue
		}
		if p := st.Periods[period]; p != nil {
			if del := p.Channels[channel]; del != nil && del.Status == digest.StatusPosted {
				return del
			}
		}
	}
	t.Fatalf("the digest of %s was not posted to %s:\n%s", period, channel, c.stderr)
	return nil
}

// manySources is a digest citing n sources (ten to a Slack context block).
func manySources(n int) bot.Digest {
	d := bot.Digest{NewArticles: n, Outlets: 2, Bullets: []bot.Sentence{{Text: "Talks resumed.", Citations: []string{"000_src"}}}}
	for i := range n {
		d.Sources = append(d.Sources, bot.Source{ID: fmt.Sprintf("%03d_src", i), Outlet: "Example", Title: "Talks"})
	}
	return d
}

// manyConflicts is a digest with n long conflicts (over Discord's 6,000
// characters a message when n is large).
func manyConflicts(n int) bot.Digest {
	d := bot.Digest{NewArticles: 3, Outlets: 2, Bullets: []bot.Sentence{{Text: "Talks resumed.", Citations: []string{"a"}}},
		Sources: []bot.Source{{ID: "a", URL: "https://e.com/a"}}}
	for i := range n {
		d.Conflicts = append(d.Conflicts, bot.Conflict{Topic: fmt.Sprintf("figure %d", i), Kind: bot.ConflictNumeric, Positions: []bot.Position{
			{Claim: fmt.Sprintf("%d %s", i, strings.Repeat("reported ", 25)), Articles: []string{"a"}},
			{Claim: fmt.Sprintf("%d %s", i+100, strings.Repeat("stated ", 25)), Articles: []string{"b"}}}})
	}
	return d
}

// crashCase is one platform's side of the crash test.
type crashCase struct {
	name string
	// channel returns the publisher name and the environment that posts
	// the digest to the channel named by key.
	channel func(key string) (name string, env map[string]string)
	// onPost installs a hook the stand-in calls with the number of digest
	// messages stored in the channel so far, before the bot hears back;
	// nil removes it.
	onPost func(name string, hook func(n int))
	// copies counts the digest messages in the channel per part.
	copies func(name string) map[string]int
}

// TestServeDigestExactlyOnceAcrossKills kills a real `storybot serve`
// process between the post of a digest part and its record (the stand-in
// holds the message; the process never hears back), at each part of a
// single- and a multi-part digest, for Slack and Discord; a restarted
// process finds what arrived and posts the rest: exactly one copy of each
// part.
//
// The four runs (platform × size) are independent, each with stand-ins of
// its own, and run in parallel with each other and the other parallel
// tests: most of their time is spent waiting for processes.
func TestServeDigestExactlyOnceAcrossKills(t *testing.T) {
	t.Parallel()
	corpus := copyCorpus(t)
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	digests := map[string]map[string]bot.Digest{
		"slack":   {"single": manySources(3), "multi": manySources(1100)},
		"discord": {"single": manyConflicts(1), "multi": manyConflicts(60)},
	}
	for _, platform := range []string{"slack", "discord"} {
		for _, size := range []string{"single", "multi"} {
			t.Run(platform+"/"+size, func(t *testing.T) {
				t.Parallel()
				crashRun(t, newCrashCase(t, platform, pub), digests[platform][size], size, corpus)
			})
		}
	}
}

// newCrashCase returns the platform's side of the crash test, with
// stand-ins of its own.
func newCrashCase(t *testing.T, platform string, pub ed25519.PublicKey) crashCase {
	if platform == "slack" {
		sf := slackfake.New(t)
		return crashCase{
			name: "slack",
			channel: func(key string) (string, map[string]string) {
				ch := "CD" + key
				return "slack:" + ch, map[string]string{
					"SLACK_BOT_TOKEN": slackfake.BotToken, "SLACK_SIGNING_SECRET": "crash-secret",
					"SLACK_API_URL": sf.APIURL(), "SLACK_DIGEST_CHANNEL": ch,
				}
			},
			onPost: func(name string, hook func(int)) {
				ch := strings.TrimPrefix(name, "slack:")
				if hook == nil {
					sf.OnPost(nil)
					return
				}
				sf.OnPost(func(c slackfake.Call) {
					if c.Channel == ch && c.Metadata != nil {
						hook(len(slackDigestKeys(sf, ch)))
					}
				})
			},
			copies: func(name string) map[string]int { return slackDigestKeys(sf, strings.TrimPrefix(name, "slack:")) },
		}
	}
	fd := discordfake.New(t)
	discordChannels := 0
	return crashCase{
		name: "discord",
		channel: func(key string) (string, map[string]string) {
			discordChannels++
			ch := fmt.Sprintf("9000000000%08d", discordChannels)
			fd.AddChannel(ch)
			return "discord:" + ch, map[string]string{
				"DISCORD_BOT_TOKEN": discordfake.Token, "DISCORD_APP_ID": discordfake.AppID,
				"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub), "DISCORD_HTTP_ONLY": "true",
				"DISCORD_API_URL": fd.APIURL(), "DISCORD_DIGEST_CHANNEL": ch,
			}
		},
		onPost: func(name string, hook func(int)) {
			ch := strings.TrimPrefix(name, "discord:")
			if hook == nil {
				fd.OnCreate(nil)
				return
			}
			fd.OnCreate(func(c string, m *discordgo.Message) {
				if c == ch {
					hook(len(discordDigestParts(fd, ch)))
				}
			})
		},
		copies: func(name string) map[string]int { return discordDigestParts(fd, strings.TrimPrefix(name, "discord:")) },
	}
}

// crashRun kills the process after each part of digest d in turn (size is
// "single" or "multi") and checks the restarted one posts the rest once.
func crashRun(t *testing.T, pc crashCase, d bot.Digest, size, corpus string) {
	parts := 0
	for crashAt := 0; crashAt == 0 || crashAt < parts; crashAt++ {
		t.Run(fmt.Sprintf("kill after part %d", crashAt+1), func(t *testing.T) {
			name, penv := pc.channel(fmt.Sprintf("%s%d", strings.ToUpper(size[:1]), crashAt))
			data := t.TempDir()
			period := seedPeriod(t, data, d)
			env := map[string]string{"STORYBOT_DATA": data, "STORYBOT_DIGEST_AT": "00:00", "STORYBOT_DIGEST_TZ": "UTC", "STORYBOT_WATCH": "0"}
			for k, v := range penv {
				env[k] = v
			}
			var once sync.Once
			var first *child
			killed := make(chan struct{})
			started := make(chan struct{}) // first is set: the hook runs on the fake's goroutines
			pc.onPost(name, func(n int) {
				if n == crashAt+1 {
					<-started
					once.Do(func() { _ = first.cmd.Process.Kill(); close(killed) })
				}
			})
			first = startChild(t, env, "--corpus", corpus)
			close(started)
			select {
			case <-killed:
			case <-time.After(60 * time.Second):
				t.Fatalf("part %d was never posted:\n%s", crashAt+1, first.stderr)
			}
			pc.onPost(name, nil)
			first.kill(t)
			if got := len(pc.copies(name)); got != crashAt+1 {
				t.Fatalf("%d parts in the channel after the kill, want %d", got, crashAt+1)
			}
			second := startChild(t, env, "--corpus", corpus)
			del := waitPosted(t, second, data, period, name)
			second.stop(t)
			parts = len(del.Parts)
			if (size == "single") != (parts == 1) {
				t.Fatalf("a %s digest took %d parts", size, parts)
			}
			copies := pc.copies(name)
			if len(copies) != parts {
				t.Errorf("%d distinct parts in the channel, want %d", len(copies), parts)
			}
			for k, n := range copies {
				if n != 1 {
					t.Errorf("%d copies of %s", n, k)
				}
			}
			if !strings.Contains(second.stderr.String(), "a digest part in doubt had arrived; not posting it again") {
				t.Errorf("the restarted process did not find the part in doubt:\n%s", second.stderr)
			}
		})
		if t.Failed() {
			return
		}
	}
}

// slackDigestKeys counts the channel's messages per digest part key.
func slackDigestKeys(f *slackfake.Server, channel string) map[string]int {
	out := map[string]int{}
	for _, m := range f.Messages(channel) {
		if m.Metadata.EventType == "storybot_digest" {
			k, _ := m.Metadata.EventPayload["key"].(string)
			out[k]++
		}
	}
	return out
}

// discordDigestParts counts the channel's digest messages per marker line
// (period and part).
func discordDigestParts(f *discordfake.Server, channel string) map[string]int {
	out := map[string]int{}
	for _, m := range f.Messages(channel) {
		if first, _, _ := strings.Cut(m.Content, "\n"); strings.HasPrefix(first, "-# storybot digest ") {
			out[first]++
		}
	}
	return out
}
