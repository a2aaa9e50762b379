package slack

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"github.com/storybot/storybot/adapters/slack/slackfake"
	"github.com/storybot/storybot/bot"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares blocks, as JSON, with testdata/name.golden.json.
func golden(t *testing.T, name string, msgs [][]slackgo.Block) {
	t.Helper()
	raw, err := json.Marshal(msgs)
	if err != nil {
		t.Fatal(err)
	}
	var v any // re-encoded without HTML escapes, so the files read as Slack sees them
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("%s differs from the golden file (go test -update to accept):\n%s", path, b.String())
	}
}

// checkLimits fails when a message breaks Slack's Block Kit limits.
func checkLimits(t *testing.T, msgs [][]slackgo.Block) {
	t.Helper()
	for i, m := range msgs {
		raw, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if msg := slackfake.CheckBlocks(string(raw)); msg != "" {
			t.Errorf("message %d: %s", i, msg)
		}
	}
}

func longAnswer() bot.Answer {
	a := sampleAnswer(bot.Question{Text: "tell me everything"})
	a.Sentences = nil
	for i := range 60 {
		a.Sentences = append(a.Sentences, bot.Sentence{Text: fmt.Sprintf("Sentence %d says something at length about the story & its many twists, so the answer grows well past one section.", i), Citations: []string{fmt.Sprintf("%03d_src", i%7)}})
	}
	for i := range 40 {
		a.Conflicts = append(a.Conflicts, bot.Conflict{Topic: fmt.Sprintf("fact %d", i), Kind: bot.ConflictDetail, Positions: []bot.Position{{Claim: "one way", Articles: []string{"001_a"}}, {Claim: "another", Articles: []string{"002_b"}}}})
	}
	for i := range 23 {
		a.Sources = append(a.Sources, bot.Source{ID: fmt.Sprintf("%03d_src", i), Outlet: "Outlet", Title: "Headline | with a pipe", URL: "https://example.com/a b"})
	}
	a.Note = "The model timed out; this is the offline answer."
	return a
}

func TestRenderGolden(t *testing.T) {
	digest := newFakeBot().digest
	digest.Conflicts = []bot.Conflict{sampleConflict()}
	conflicts, _ := renderConflicts([]bot.Conflict{sampleConflict()})
	noConflicts, _ := renderConflicts(nil)
	article, _ := renderArticle(bot.Article{ID: "001_alpha", Title: "It begins", Outlet: "Alpha Daily", URL: "https://alpha.example/1", Published: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), Text: "The withdrawal began on Monday. <!channel> should not ping."})
	abstained := bot.Answer{ID: "ans-x", Question: "who won?", Abstained: true, Sentences: []bot.Sentence{{Text: "The articles I have don't say who won."}}}
	tests := []struct {
		name   string
		blocks []slackgo.Block
	}{
		{"answer", renderAnswer(sampleAnswer(bot.Question{Text: "how many troops left?"}), "")},
		{"answer_slash", renderAnswer(sampleAnswer(bot.Question{Text: "how many troops left?"}), "U1")},
		{"answer_abstained", renderAnswer(abstained, "")},
		{"answer_long", renderAnswer(longAnswer(), "")},
		{"digest", renderDigest(digest)},
		{"digest_empty", renderDigest(bot.Digest{ID: "2025-12-16", Empty: true})},
		{"conflicts", conflicts},
		{"conflicts_none", noConflicts},
		{"article", article},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs := splitMessages(tt.blocks, maxBlocks)
			checkLimits(t, msgs)
			golden(t, tt.name, msgs)
		})
	}
}

func TestRenderLongAnswerSplits(t *testing.T) {
	msgs := splitMessages(renderAnswer(longAnswer(), ""), maxBlocks)
	if len(msgs) < 2 {
		t.Fatalf("a long answer should need several messages, got %d", len(msgs))
	}
	checkLimits(t, msgs)
	last := msgs[len(msgs)-1]
	if _, ok := last[len(last)-1].(*slackgo.ActionBlock); !ok {
		t.Errorf("the feedback buttons should end the last message")
	}
	var all strings.Builder
	for _, m := range msgs {
		raw, _ := json.Marshal(m)
		all.Write(raw)
	}
	for i := range 60 {
		if !strings.Contains(all.String(), fmt.Sprintf("Sentence %d says", i)) {
			t.Errorf("sentence %d lost in the split", i)
		}
	}
}

func TestEscapeAndLink(t *testing.T) {
	tests := []struct{ got, want string }{
		{escape("a < b & c > d"), "a &lt; b &amp; c &gt; d"},
		{escape("<!channel>"), "&lt;!channel&gt;"},
		{link("https://x.example/a|b>c", "T|i<t>le"), "<https://x.example/a%7Cb%3Ec|T¦i&lt;t&gt;le>"},
		{link("javascript:alert(1)", "T"), "T"},
		{link("https://x.example/", ""), "<https://x.example/>"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func FuzzSplitText(f *testing.F) {
	f.Add("One two. Three four five.", 12)
	f.Add("ééé\n\n  x", 2)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if limit < 2 || limit > 5000 || !utf8.ValidString(s) {
			return
		}
		var total int
		for _, p := range splitText(s, limit) {
			if n := utf8.RuneCountInString(p); n > limit || n == 0 {
				t.Fatalf("piece of %d runes with limit %d: %q", n, limit, p)
			}
			total += len(strings.Join(strings.Fields(p), ""))
		}
		if want := len(strings.Join(strings.Fields(s), "")); total != want {
			t.Fatalf("non-space bytes %d, want %d", total, want)
		}
	})
}
