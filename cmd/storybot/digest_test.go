package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
)

// seedCorpus is the sample story inside the repository (the evaluation kit
// has a copy as corpus/seed-story).
const seedCorpus = "../../retrieval/sample/seed-story"

// digestMain returns a Main with captured output, the given environment
// (STORYBOT_DATA included) and clock.
func digestMain(env map[string]string, now func() time.Time) (*Main, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Main{
		Stdin:      strings.NewReader(""),
		Stdout:     &out,
		Stderr:     &errb,
		Getenv:     func(k string) string { return env[k] },
		Now:        now,
		IsTerminal: func() bool { return false },
	}, &out, &errb
}

func runDigestCmd(t *testing.T, env map[string]string, now func() time.Time, args ...string) (string, string, error) {
	t.Helper()
	m, out, errb := digestMain(env, now)
	err := m.Run(context.Background(), append([]string{"digest"}, args...))
	if cerr := m.Close(); cerr != nil {
		t.Fatalf("close: %v", cerr)
	}
	return out.String(), errb.String(), err
}

func corpusIDs(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(seedCorpus, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("corpus %s: %v", seedCorpus, err)
	}
	ids := map[string]bool{}
	for _, f := range files {
		ids[strings.TrimSuffix(filepath.Base(f), ".txt")] = true
	}
	return ids
}

func TestDigestDryRunSeedJSON(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"STORYBOT_DATA": data}
	out, stderr, err := runDigestCmd(t, env, time.Now, "--dry-run", "--corpus", seedCorpus, "--json")
	if err != nil {
		t.Fatalf("digest: %v\n%s", err, stderr)
	}
	var got digestJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out)
	}
	var raw map[string]any
	_ = json.Unmarshal([]byte(out), &raw)
	for _, k := range []string{"digest_id", "since", "until", "text", "bullets", "citations", "conflicts", "new_articles", "outlets", "empty"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	t.Logf("digest:\n%s", got.Text)
	ids := corpusIDs(t)
	if got.Empty || got.NewArticles != len(ids) {
		t.Fatalf("empty=%v new_articles=%d, want the %d articles first seen now", got.Empty, got.NewArticles, len(ids))
	}
	if n := len(got.Bullets); n < bot.MinDigestBullets || n > bot.MaxDigestBullets {
		t.Fatalf("%d bullets, want %d to %d", n, bot.MinDigestBullets, bot.MaxDigestBullets)
	}
	// Every article is in the window here, so "among the window's articles
	// or their disputes" means: exists in the corpus.
	cited := map[string]bool{}
	for _, b := range got.Bullets {
		if len(b.Citations) == 0 {
			t.Errorf("bullet %q cites nothing", b.Text)
		}
		if !strings.Contains(got.Text, b.Text+" "+bot.FormatCitations(b.Citations)) {
			t.Errorf("text lacks the bullet with its citations: %q", b.Text)
		}
		for _, id := range b.Citations {
			cited[id] = true
		}
	}
	for _, c := range got.Conflicts {
		if len(c.Positions) < 2 {
			t.Errorf("conflict %q has %d sides", c.Topic, len(c.Positions))
		}
		if !strings.Contains(got.Text, "Conflicting reports: "+c.Topic+" — ") {
			t.Errorf("text does not state the conflict %q", c.Topic)
		}
		for _, p := range c.Positions {
			if !strings.Contains(got.Text, p.Claim+" "+bot.FormatCitations(p.Articles)) {
				t.Errorf("text lacks the side %q %v", p.Claim, p.Articles)
			}
			for _, id := range p.Articles {
				cited[id] = true
			}
		}
	}
	for id := range cited {
		if !ids[id] {
			t.Errorf("cites %q, which is not in the corpus", id)
		}
		if !slices.Contains(got.Citations, id) {
			t.Errorf("citations lack %q", id)
		}
		if !strings.Contains(got.Text, "\n- "+id) {
			t.Errorf("Sources lack %q", id)
		}
	}
	if len(got.Citations) != len(cited) {
		t.Errorf("citations %v, want exactly %d cited IDs", got.Citations, len(cited))
	}

	// The conflicts stated are the ledger's (all articles are in the window).
	cfg := defaults()
	cfg.Corpus, cfg.Data, cfg.LogLevel = seedCorpus, data, "warn"
	m, _, _ := digestMain(env, time.Now)
	defer m.Close()
	a, err := m.open(context.Background(), &cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ledger, err := a.service.Conflicts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := min(len(ledger), bot.MaxDigestConflicts)
	if len(got.Conflicts) != want {
		t.Fatalf("%d conflicts stated, the ledger has %d", len(got.Conflicts), len(ledger))
	}
	if len(ledger) == 0 {
		t.Log("the conflict ledger is empty: no conflicts to state")
	}
}

func TestDigestDryRunWindow(t *testing.T) {
	env := map[string]string{"STORYBOT_DATA": t.TempDir()}
	out, stderr, err := runDigestCmd(t, env, time.Now, "--dry-run", "--corpus", seedCorpus,
		"--since", "2020-01-01T00:00:00Z", "--until", "2020-01-02T00:00:00Z")
	if err != nil {
		t.Fatalf("digest: %v\n%s", err, stderr)
	}
	if out != "No new coverage since Wed 1 Jan 2020 00:00 UTC.\n" {
		t.Fatalf("output %q", out)
	}
}

func TestDigestFlagErrors(t *testing.T) {
	env := map[string]string{"STORYBOT_DATA": t.TempDir()}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--dry-run", "--since", "yesterday"}, "RFC 3339"},
		{[]string{"--dry-run", "--since", "2025-01-02T00:00:00Z", "--until", "2025-01-01T00:00:00Z"}, "before"},
		{[]string{"--json"}, "--dry-run"},
		{[]string{"--dry-run", "extra"}, "no arguments"},
	}
	for _, tt := range tests {
		_, _, err := runDigestCmd(t, env, time.Now, tt.args...)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("digest %v: err = %v, want a usage error about %q", tt.args, err, tt.want)
		}
	}
	envBad := map[string]string{"STORYBOT_DATA": t.TempDir(), "STORYBOT_DIGEST_TZ": "Nowhere/Land"}
	if _, _, err := runDigestCmd(t, envBad, time.Now, "--corpus", seedCorpus); err == nil || !strings.Contains(err.Error(), "time zone") {
		t.Errorf("bad time zone: err = %v", err)
	}
}

func TestDigestPostsOnceToStdout(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"STORYBOT_DATA": data}
	at := func(s string) func() time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return func() time.Time { return tm }
	}
	// Index at 07:00: the articles are first seen then.
	if _, stderr, err := runDigestCmd(t, env, at("2030-01-01T07:00:00Z"), "--dry-run", "--corpus", seedCorpus); err != nil {
		t.Fatalf("first load: %v\n%s", err, stderr)
	}
	// At 08:30 the 08:00 period is due: posted to stdout (no channels set).
	out, stderr, err := runDigestCmd(t, env, at("2030-01-01T08:30:00Z"), "--corpus", seedCorpus)
	if err != nil {
		t.Fatalf("post: %v\n%s", err, stderr)
	}
	if !strings.HasPrefix(out, "What's new in the story since Mon 31 Dec 2029 08:00 UTC:\n- ") || !strings.Contains(stderr, "posted to stdout") {
		t.Fatalf("stdout:\n%s\nstderr:\n%s", out, stderr)
	}
	// Again within the period: nothing.
	out, stderr, err = runDigestCmd(t, env, at("2030-01-01T09:30:00Z"), "--corpus", seedCorpus)
	if err != nil || out != "" || !strings.Contains(stderr, "already posted to stdout") {
		t.Fatalf("second run: err %v, stdout %q, stderr %q", err, out, stderr)
	}
	if _, err := os.Stat(filepath.Join(data, "digest-state.json")); err != nil {
		t.Fatalf("no state file: %v", err)
	}
	// The next period has nothing new: nothing posted, unless post_empty.
	out, stderr, err = runDigestCmd(t, env, at("2030-01-02T08:30:00Z"), "--corpus", seedCorpus)
	if err != nil || out != "" || !strings.Contains(stderr, "no new coverage") {
		t.Fatalf("empty period: err %v, stdout %q, stderr %q", err, out, stderr)
	}
	env["STORYBOT_DIGEST_POST_EMPTY"] = "true"
	out, _, err = runDigestCmd(t, env, at("2030-01-03T08:30:00Z"), "--corpus", seedCorpus)
	if err != nil || out != "No new coverage since Wed 2 Jan 2030 08:00 UTC.\n\n" {
		t.Fatalf("empty period with post_empty: err %v, stdout %q", err, out)
	}
}
