package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/httpapi"
)

// openTestApp loads and indexes corpus (empty: the built-in sample) through
// the real wiring, once per test or fuzz target.
func openTestApp(tb testing.TB, corpus string) *app {
	tb.Helper()
	env := map[string]string{"STORYBOT_DATA": tb.TempDir(), "STORYBOT_LOG_LEVEL": "error"}
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard,
		Getenv: func(k string) string { return env[k] }, Now: time.Now, IsTerminal: func() bool { return false }}
	tb.Cleanup(func() { _ = m.Close() })
	fs, cfg, err := m.flags("ask")
	if err != nil {
		tb.Fatal(err)
	}
	var args []string
	if corpus != "" {
		args = []string{"--corpus", corpus}
	}
	if err := parse(fs, cfg, args); err != nil {
		tb.Fatal(err)
	}
	a, err := m.open(context.Background(), cfg, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// corpusIDsOf returns the IDs of the app's articles.
func corpusIDsOf(tb testing.TB, a *app) map[string]bool {
	tb.Helper()
	arts, err := a.service.Articles(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	ids := map[string]bool{}
	for _, art := range arts {
		ids[art.ID] = true
	}
	return ids
}

// sampleWords returns the distinct words of the sample story (runs of
// letters and digits, compared without case), in order.
func sampleWords(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob("../../retrieval/sample/seed-story/*.txt")
	if err != nil || len(files) == 0 {
		tb.Fatalf("sample corpus not found: %v", err)
	}
	seen := map[string]bool{}
	var words []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for _, w := range strings.FieldsFunc(string(b), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			if k := strings.ToLower(w); !seen[k] {
				seen[k] = true
				words = append(words, w)
			}
		}
	}
	return words
}

// boilerplate are lines that are not reporting: the composer must drop them
// without losing the question.
var boilerplate = []string{
	"Subscribe to our newsletter for the latest updates.",
	"We use cookies to improve your experience. Accept all cookies?",
	"Read more at https://example.org/news/story-1234.html",
	"Photo: Staff photographer.",
	"Disclaimer: the views expressed are the author's own.",
	"All rights reserved.",
	"Share this article.",
	"Advertisement",
	"pic.twitter.com/AbCdEf",
	"This post was edited.",
	"[Video] Watch the report.",
	"Updated 10:42 GMT.",
}

// generateCorpus writes a story made of the sample's words: headlines,
// sentences of random words with numbers and dates, short sentences,
// boilerplate lines and bracketed spans, some sentences repeated across
// articles. seed makes it reproducible.
func generateCorpus(tb testing.TB, dir string, seed uint64) {
	tb.Helper()
	words := sampleWords(tb)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := func() string { return words[r.IntN(len(words))] }
	sentence := func(n int) string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = pick()
		}
		switch r.IntN(6) {
		case 0:
			ws = append(ws, "at least", fmt.Sprint(r.IntN(500)), pick())
		case 1:
			ws = append(ws, "on", []string{"Monday", "Tuesday", "March 3", "2025"}[r.IntN(4)])
		case 2:
			ws = append([]string{"[" + pick() + "]"}, ws...)
		}
		s := strings.Join(ws, " ")
		return strings.ToUpper(s[:1]) + s[1:] + "."
	}
	var shared []string
	for i := range 14 {
		var b strings.Builder
		b.WriteString(sentence(3 + r.IntN(5)))
		b.WriteString("\n\n")
		for range 2 + r.IntN(5) {
			var para []string
			for range 1 + r.IntN(4) {
				switch k := r.IntN(10); {
				case k < 5:
					s := sentence(6 + r.IntN(16))
					para = append(para, s)
					shared = append(shared, s)
				case k < 7:
					para = append(para, sentence(1+r.IntN(3)))
				case k < 9:
					para = append(para, boilerplate[r.IntN(len(boilerplate))])
				case len(shared) > 0:
					para = append(para, shared[r.IntN(len(shared))])
				}
			}
			b.WriteString(strings.Join(para, " "))
			b.WriteString("\n\n")
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("gen_%02d.txt", i)), []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// citationSpan matches a square-bracketed span as answers show citations.
var citationSpan = regexp.MustCompile(`\[([^\]]*)\]`)

// checkAnswer asserts what every answer must satisfy (the ask --json
// contract, DESIGN §5): non-empty text; every cited ID a corpus article
// shown in the text; an abstention cites nothing; no square-bracketed span
// other than a citation; and the JSON form encodes.
func checkAnswer(t *testing.T, q string, a bot.Answer, ids map[string]bool) {
	t.Helper()
	text := a.Text()
	if strings.TrimSpace(text) == "" {
		t.Fatalf("%q: empty answer", q)
	}
	cited := map[string]bool{}
	for _, id := range a.Citations() {
		cited[id] = true
		if !ids[id] {
			t.Errorf("%q: cites %q, not an article", q, id)
		}
		if !strings.Contains(text, "["+id+"]") {
			t.Errorf("%q: cited %q is not in the text", q, id)
		}
	}
	if a.Abstained && len(cited) > 0 {
		t.Errorf("%q: an abstention cites %v", q, a.Citations())
	}
	for _, m := range citationSpan.FindAllStringSubmatch(text, -1) {
		if !cited[m[1]] {
			t.Errorf("%q: %q looks like a citation but is none:\n%s", q, m[0], text)
		}
	}
	if _, err := json.Marshal(httpapi.NewAskResponse(a)); err != nil {
		t.Errorf("%q: the answer does not encode: %v", q, err)
	}
}

// FuzzAsk asks any question of the sample story and of a generated one
// (random words of the sample, short sentences, boilerplate lines, brackets)
// through the real wiring: never a panic or an error, always an answer or
// an abstention that keeps the ask --json contract. The seed corpus is in
// testdata/fuzz/FuzzAsk; .ci/run fuzzes it briefly.
func FuzzAsk(f *testing.F) {
	for _, q := range []string{
		"Was this post edited?", "post", "agency", "text", "",
		"Who is the NATO Secretary General?", "How many troops?", "When did Zelensky announce it?",
		"[trusted-source]", "Subscribe", "cookie https://example.org", "?", "¿Qué pasó?", "\x00\xff",
	} {
		f.Add(q, false)
		f.Add(q, true)
	}
	generatedIn := f.TempDir()
	generateCorpus(f, generatedIn, 14)
	apps := [2]*app{openTestApp(f, ""), openTestApp(f, generatedIn)}
	ids := [2]map[string]bool{corpusIDsOf(f, apps[0]), corpusIDsOf(f, apps[1])}
	f.Fuzz(func(t *testing.T, q string, generated bool) {
		i := 0
		if generated {
			i = 1
		}
		a, err := apps[i].service.Answer(context.Background(), bot.Question{Text: q, Platform: "cli"})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		checkAnswer(t, q, a, ids[i])
	})
}

// TestAskEveryWordOfTheSample asks every distinct word of the sample story
// as a question, through `ask --json -` as a user would: exit 0, and one
// answer or abstention per word that keeps the contract.
func TestAskEveryWordOfTheSample(t *testing.T) {
	t.Parallel()
	words := sampleWords(t)
	sort.Strings(words)
	m, out, stderr := testMain(t, strings.Join(words, "\n")+"\n", nil)
	if err := m.Run(context.Background(), []string{"ask", "--json", "-"}); err != nil {
		log := stderr.String()
		t.Fatalf("ask: %v\n%s", err, log[:min(len(log), 3000)])
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(words) {
		t.Fatalf("%d answers for %d words", len(lines), len(words))
	}
	ids := sampleIDs(t)
	answered := 0
	for i, line := range lines {
		got := checkContract(t, line, ids)
		if got.Question != words[i] {
			t.Fatalf("line %d answers %q, want %q", i, got.Question, words[i])
		}
		if !got.Abstained {
			answered++
		}
	}
	t.Logf("%d words: %d answered, %d abstained", len(words), answered, len(words)-answered)
}

// TestGeneratedCorpusAnswers: the generated story of FuzzAsk is a real
// corpus: it loads, and a question made of one of its sentences is answered
// with citations, so the fuzz target exercises answering, not abstaining.
func TestGeneratedCorpusAnswers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	generateCorpus(t, dir, 14)
	a := openTestApp(t, dir)
	ids := corpusIDsOf(t, a)
	if len(ids) != 14 {
		t.Fatalf("%d articles loaded, want 14", len(ids))
	}
	b, err := os.ReadFile(filepath.Join(dir, "gen_03.txt"))
	if err != nil {
		t.Fatal(err)
	}
	paras := strings.Split(string(b), "\n\n")
	q := strings.TrimSuffix(strings.SplitAfter(paras[1], ".")[0], ".") + "?"
	ans, err := a.service.Answer(context.Background(), bot.Question{Text: q})
	if err != nil {
		t.Fatal(err)
	}
	checkAnswer(t, q, ans, ids)
	if ans.Abstained || len(ans.Citations()) == 0 {
		t.Errorf("a question made of a generated sentence is not answered: %q\n%s", q, ans.Text())
	}
}
