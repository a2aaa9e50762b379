package discord

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/storybot/storybot/bot"

	"github.com/storybot/storybot/adapters/discord/discordfake"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update if the change is intended)\n got: %s", path, got)
	}
}

// checkRendered checks every message against Discord's limits with the same
// checks the fake server applies.
func checkRendered(t *testing.T, msgs []message) {
	t.Helper()
	if len(msgs) == 0 || len(msgs) > maxMessages {
		t.Fatalf("%d messages", len(msgs))
	}
	for i, m := range msgs {
		raw, _ := json.Marshal(webhookEdit(m))
		var sm discordfake.Sent
		if err := json.Unmarshal(raw, &sm); err != nil {
			t.Fatal(err)
		}
		if err := discordfake.CheckMessage(sm); err != nil {
			t.Errorf("message %d breaks Discord's limits: %v", i, err)
		}
	}
}

func longAnswer() bot.Answer {
	a := sampleAnswer()
	a.Sentences = nil
	for range 30 {
		a.Sentences = append(a.Sentences, bot.Sentence{
			Text:      "Sentence " + strings.Repeat("long ", 40) + "ends here.",
			Citations: []string{"000_594ce857ad291df7", "003_d2e172f256ad25d0"},
		})
	}
	for i := range 40 {
		a.Sources = append(a.Sources, bot.Source{ID: "extra_" + strings.Repeat("9", i%5) + string(rune('a'+i%26)) + string(rune('a'+i/26)),
			Outlet: "Outlet", Title: strings.Repeat("Headline words ", 6), URL: "https://example.com/story/" + strings.Repeat("x", 20)})
	}
	for range 30 {
		a.Conflicts = append(a.Conflicts, a.Conflicts[0])
	}
	return a
}

func TestRenderGolden(t *testing.T) {
	pub := time.Date(2025, 12, 15, 8, 0, 0, 0, time.UTC)
	huge := bot.Answer{ID: "huge", Question: "everything?"}
	for range 200 {
		huge.Sentences = append(huge.Sentences, bot.Sentence{Text: strings.Repeat("Very long sentence without an end ", 6) + ".", Citations: []string{"a_1"}})
	}
	tests := []struct {
		name string
		msgs []message
	}{
		{"answer_conflict", renderAnswer(func() bot.Answer { a := sampleAnswer(); a.Question = "Who leads the alliance?"; return a }())},
		{"answer_abstained", renderAnswer(bot.Answer{Question: "What about the moon?", Abstained: true,
			Sentences: []bot.Sentence{{Text: "The articles I have don't say anything about the moon."}}})},
		{"answer_long", renderAnswer(longAnswer())},
		{"answer_truncated", renderAnswer(huge)},
		{"answer_long_question", renderAnswer(bot.Answer{Question: strings.Repeat("why ", 100), ID: strings.Repeat("x", 120),
			Sentences: []bot.Sentence{{Text: "Because.", Citations: []string{"a"}}}})},
		{"digest", renderDigest(bot.Digest{ID: "2025-12-15", Since: pub, Until: pub.Add(24 * time.Hour), NewArticles: 3, Outlets: 2,
			Bullets:   []bot.Sentence{{Text: "Talks resumed.", Citations: []string{"001_ccb51c14b77c787b"}}, {Text: "A deal was *not* signed.", Citations: []string{"002_bd6c7c73cd97d84f"}}},
			Conflicts: sampleAnswer().Conflicts, Sources: sampleAnswer().Sources[:2], Note: "model unavailable"})},
		{"digest_empty", renderDigest(bot.Digest{ID: "2025-12-16", Since: pub, Until: pub.Add(24 * time.Hour), Empty: true})},
		{"conflicts_none", renderConflicts(nil)},
		{"conflicts_many", renderConflicts(longAnswer().Conflicts)},
		{"article", renderArticle(bot.Article{ID: "001_ccb51c14b77c787b", Title: "Talks in Berlin", Outlet: "Wire", URL: "https://example.com/1",
			Published: pub, Text: strings.Repeat("Paragraph text with `code` and | pipes. ", 30)})},
		{"article_url_with_space", renderArticle(bot.Article{ID: "a1", Title: "Spaces", URL: "https://example.com/a b?q=1"})},
		{"help", textMessages(helpText(5))},
		{"text_split", textMessages(strings.Repeat("A line of plain text that goes on.\n", 150))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkRendered(t, tc.msgs)
			got, err := json.MarshalIndent(tc.msgs, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "render/"+tc.name+".json", append(got, '\n'))
		})
	}
}

// TestCommandsGolden pins the bulk overwrite body: the commands users see.
func TestCommandsGolden(t *testing.T) {
	got, err := json.MarshalIndent(commands(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "commands.json", append(got, '\n'))
}

func TestRenderLongAnswerKeepsEverything(t *testing.T) {
	a := longAnswer()
	msgs := renderAnswer(a)
	if len(msgs) < 2 {
		t.Fatalf("a long answer should need several messages, got %d", len(msgs))
	}
	var all strings.Builder
	fields := 0
	for _, m := range msgs {
		for _, e := range m.Embeds {
			all.WriteString(e.Description + "\n")
			for _, f := range e.Fields {
				fields++
				all.WriteString(f.Value + "\n")
			}
		}
	}
	text := unescapeMarkdown(all.String())
	for _, s := range a.Sources {
		if !strings.Contains(text, "- "+s.ID) {
			t.Errorf("source %s lost", s.ID)
		}
	}
	if n := strings.Count(text, "ends here. [000_594ce857ad291df7] [003_d2e172f256ad25d0]"); n != len(a.Sentences) {
		t.Errorf("%d of %d sentences kept whole", n, len(a.Sentences))
	}
	if fields < len(a.Conflicts)+1 {
		t.Errorf("%d fields for %d conflicts and the sources", fields, len(a.Conflicts))
	}
	if row := msgs[len(msgs)-1].Components; len(row) != 1 {
		t.Error("feedback buttons should follow the last message")
	}
}

func TestSplitText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want []string
	}{
		{"fits", "short text", 20, []string{"short text"}},
		{"empty", "  ", 20, nil},
		{"at line", "first line\nsecond line", 15, []string{"first line", "second line"}},
		{"at sentence", "One two three. Four five six.", 20, []string{"One two three.", "Four five six."}},
		{"at citation", "Claim made here [a] and more words", 22, []string{"Claim made here [a]", "and more words"}},
		{"at space", "alpha beta gamma delta", 12, []string{"alpha beta", "gamma delta"}},
		{"inside a word", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"runes kept whole", "ééééé", 2, []string{"éé", "éé", "é"}},
		{"astral counts two", "😀😀😀", 4, []string{"😀😀", "😀"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := splitText(tc.in, tc.max)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Errorf("splitText(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
		})
	}
}

func FuzzSplitText(f *testing.F) {
	f.Add("One two three. Four five six.\nSeven [a] eight", 10)
	f.Add("ééé😀 x", 3)
	f.Add("", 5)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 2 || max > 5000 || !utf8.ValidString(s) {
			t.Skip()
		}
		pieces := splitText(s, max)
		for _, p := range pieces {
			if p == "" || textLen(p) > max {
				t.Fatalf("piece %q of %d units (max %d)", p, textLen(p), max)
			}
		}
		strip := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if strip(strings.Join(pieces, "")) != strip(s) {
			t.Fatalf("splitting lost text: %q -> %q", s, pieces)
		}
	})
}

func FuzzEscapeMarkdown(f *testing.F) {
	f.Add("a *b* _c_ ~~d~~ `e` |f| \\g")
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip("text reaching Discord is UTF-8 (JSON-encoded)")
		}
		if got := unescapeMarkdown(escapeMarkdown(s)); got != s {
			t.Fatalf("round trip %q -> %q", s, got)
		}
	})
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"a longer sentence", 10, "a longer…"},
		{"ééééé", 3, "éé…"},
	} {
		if got := truncate(tc.in, tc.max); got != tc.want || textLen(got) > tc.max {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

// FuzzRenderArticle: whatever an article's URL, title and text, /sources
// renders messages Discord accepts (the stand-in's checks of Discord's
// published limits, including a valid embed URI of at most 2,048
// characters): a URL the embed cannot carry is shown as text instead.
func FuzzRenderArticle(f *testing.F) {
	for _, u := range []string{"https://example.com/a b", "https://example.com/?q=" + strings.Repeat("x", 2100), "javascript:alert(1)",
		"https://exämple.com/", "https://example.com/a_b?x=1", "http://[::1]:80/", "https://e.com/%zz", ""} {
		f.Add(u, "Title", "Body text.")
	}
	f.Fuzz(func(t *testing.T, u, title, text string) {
		if !utf8.ValidString(u + title + text) {
			return
		}
		for i, m := range renderArticle(bot.Article{ID: "a1", Title: title, URL: u, Text: text}) {
			content := m.Content
			sent := discordfake.Sent{Content: &content, Embeds: m.Embeds, AllowedMentions: &struct{ Parse []string }{}}
			if err := discordfake.CheckMessage(sent); err != nil {
				t.Fatalf("message %d for URL %q: Discord would refuse it: %v", i+1, u, err)
			}
		}
	})
}
