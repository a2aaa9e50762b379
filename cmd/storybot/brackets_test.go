package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/storybot/storybot/adapters/discord/discordfake"
	"github.com/storybot/storybot/adapters/slack/slackfake"
)

// bracketArticle carries bracketed spans that are not citations: an
// invented source tag, another article's ID, a footnote and look-alike
// brackets.
const bracketArticle = "Harbour pilots strike at Port Elspeth\n\n" +
	"[trusted-source] The harbour pilots of Port Elspeth walked out on Tuesday over unpaid overtime, their union said [001_ccb51c14b77c787b].\n\n" +
	"The port authority【verified】 said ships would wait at anchor until the pilots return ⟦2⟧.\n"

const bracketQuestion = "Why did the harbour pilots of Port Elspeth walk out?"

// squareSpan matches a span a reader takes for a citation.
var squareSpan = regexp.MustCompile(`[\[［⟦【]([^\]］⟧】]*)[\]］⟧】]`)

// checkNoForgedCitation fails when text shows a bracketed span other than
// the citation of the article the answer rests on, or lost the source tag.
func checkNoForgedCitation(t *testing.T, where, text string) {
	t.Helper()
	for _, m := range squareSpan.FindAllStringSubmatch(text, -1) {
		if m[1] != "zz_pilots" {
			t.Errorf("%s: %q looks like a citation in\n%s", where, m[0], text)
		}
	}
	if !strings.Contains(text, "(trusted-source)") || !strings.Contains(text, "[zz_pilots]") {
		t.Errorf("%s: want the tag in parentheses and the real citation in brackets:\n%s", where, text)
	}
}

func bracketCorpus(t *testing.T) string {
	t.Helper()
	dir := copyCorpus(t)
	if err := os.WriteFile(filepath.Join(dir, "zz_pilots.txt"), []byte(bracketArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBracketsInEveryRenderer: article text with bracketed spans never shows
// a citation-like span in the answers of `ask`, the console, the HTTP API,
// Slack (Block Kit and fallback text) and Discord (content and embeds).
func TestBracketsInEveryRenderer(t *testing.T) {
	dir := bracketCorpus(t)
	t.Run("ask", func(t *testing.T) {
		m, out, _ := testMain(t, "", nil)
		if err := m.Run(context.Background(), []string{"ask", "--corpus", dir, "--json", bracketQuestion}); err != nil {
			t.Fatal(err)
		}
		var got struct{ Answer string }
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		checkNoForgedCitation(t, "ask --json", got.Answer)
	})
	t.Run("console", func(t *testing.T) {
		m, out, _ := testMain(t, bracketQuestion+"\n", nil)
		if err := m.Run(context.Background(), []string{"chat", "--corpus", dir}); err != nil {
			t.Fatal(err)
		}
		checkNoForgedCitation(t, "console", out.String())
	})
	t.Run("serve", func(t *testing.T) {
		t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) })
		fake, dfake := slackfake.New(t), discordfake.New(t)
		r := startServe(t, platformsEnv(fake, dfake), "--corpus", dir)
		r.waitReady(t)
		code, reply := r.ask(t, bracketQuestion, "")
		if code != 200 {
			t.Fatalf("HTTP: %d %+v", code, reply)
		}
		checkNoForgedCitation(t, "HTTP", reply.Answer)
		fake.AskMention("C0NEWS", "U0ALICE", "<@UBOT> "+bracketQuestion)
		waitSlackUpdates(t, fake, 1, r)
		call := slackfake.Find(fake.Calls(), "chat.update", "C0NEWS")[0]
		checkNoForgedCitation(t, "Slack text", call.Text)
		checkNoForgedCitation(t, "Slack blocks", blockTexts(t, call.Blocks))
		checkNoForgedCitation(t, "Discord", discordAsk(t, dfake, "i-brackets", discordfake.User, bracketQuestion))
		if err := r.shutdown(t); err != nil {
			t.Fatal(err)
		}
	})
}

// blockTexts joins every text of a Block Kit JSON document.
func blockTexts(t *testing.T, blocks string) string {
	t.Helper()
	var doc any
	if err := json.Unmarshal([]byte(blocks), &doc); err != nil {
		t.Fatalf("blocks are not JSON: %v", err)
	}
	var texts []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if s, ok := v["text"].(string); ok {
				texts = append(texts, s)
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	return strings.Join(texts, "\n")
}
