package claims

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/storybot/storybot/bot/lang"
)

var sentEnd = regexp.MustCompile(`[.!?…]["”’]?\s+`)

// splitSentences splits text into sentences, not after abbreviations such
// as "U.S." or "Mr." (the retrieval package does this for real).
func splitSentences(text string) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		start := 0
		for _, m := range sentEnd.FindAllStringIndex(para, -1) {
			words := strings.Fields(para[start:m[0]])
			if len(words) > 0 {
				w := strings.TrimRight(words[len(words)-1], ".")
				if w == "" || len(w) <= 2 && strings.ToUpper(w[:1]) == w[:1] || strings.Contains(w, ".") {
					continue
				}
			}
			out = append(out, strings.TrimSpace(para[start:m[1]]))
			start = m[1]
		}
		if p := strings.TrimSpace(para[start:]); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// loadDir reads a folder of .txt articles (front matter skipped) as
// sentences.
func loadDir(t testing.TB, dir string) []Sentence {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus in %s: %v", dir, err)
	}
	var out []Sentence
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if strings.HasPrefix(text, "---\n") {
			if i := strings.Index(text[4:], "\n---\n"); i >= 0 {
				text = text[4+i+5:]
			}
		}
		id := strings.TrimSuffix(filepath.Base(f), ".txt")
		for _, s := range splitSentences(text) {
			out = append(out, Sentence{ArticleID: id, Text: s})
		}
	}
	return out
}

// testLang returns one shared language layer for the package's tests.
func testLang(t testing.TB) *lang.Lang {
	t.Helper()
	l, err := sharedLang()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

var sharedLang = sync.OnceValues(lang.New)
