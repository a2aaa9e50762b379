package retrieval

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/storybot/storybot/bot"
)

// checkParsed holds for any parse result: every article has a clean,
// non-empty ID, non-empty valid UTF-8 text and a source naming the file;
// every problem names the file; and something is said about every input.
func checkParsed(t *testing.T, name string, p parsed) {
	t.Helper()
	if len(p.articles) == 0 && len(p.problems) == 0 {
		t.Fatalf("%s: no article and no problem", name)
	}
	for _, a := range p.articles {
		if a.ID == "" || strings.ContainsAny(a.ID, "[] \t\n") || len(a.ID) > maxIDLen || !utf8.ValidString(a.ID) {
			t.Errorf("bad id %q", a.ID)
		}
		if strings.TrimSpace(a.Text) == "" || !utf8.ValidString(a.Text) {
			t.Errorf("%s: bad text %q", a.ID, a.Text)
		}
		if strings.Contains(a.Text, "\n\n\n") || strings.Contains(a.Text, "\r") {
			t.Errorf("%s: text not normalised: %q", a.ID, a.Text)
		}
		if !strings.HasPrefix(a.Source, name) {
			t.Errorf("%s: source %q", a.ID, a.Source)
		}
		ps, _ := splitPassages(a)
		if len(ps) == 0 {
			t.Errorf("%s: no passages from %q", a.ID, a.Text)
		}
		for _, q := range ps {
			if len(q.Sentences) == 0 {
				t.Errorf("%s: empty passage", a.ID)
			}
			for _, s := range q.Sentences {
				if s == "" || len(s) > maxSentence+len(a.Title) {
					t.Errorf("%s: bad sentence of %d bytes", a.ID, len(s))
				}
			}
		}
	}
	for _, pr := range append(slices.Clone(p.problems), p.warnings...) {
		if pr.File != name || pr.Reason == "" {
			t.Errorf("bad problem %+v", pr)
		}
	}
}

func addFixtures(f *testing.F, names ...string) {
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join("testdata", "parse", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func FuzzParseText(f *testing.F) {
	addFixtures(f, "plain.txt", "front.md", "latin1.txt", "binary.txt", "empty.txt")
	f.Add([]byte("---\nid: x\ntitle: [a\n---\nbody"))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("# Head\n\n![img](x) [link](y) **bold** > quote\n- item"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"fuzz.txt", "fuzz.md"} {
			checkParsed(t, name, parseFile(name, data))
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	addFixtures(f, "one.json", "many.json", "broken.json")
	f.Add([]byte(`{"id": 1e400, "text": "x"}`))
	f.Add([]byte(`[{"id": {"a": 1}, "text": "x"}, null, 3]`))
	f.Add([]byte(`{"id": "a", "text": "<p>x</p>", "published": "2025-13-45"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParsed(t, "fuzz.json", parseFile("fuzz.json", data))
	})
}

func FuzzParseJSONL(f *testing.F) {
	addFixtures(f, "feed.jsonl")
	f.Add([]byte("{\"id\": \"a\", \"text\": \"x\"} {\"id\": \"b\"}\n\n\n{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := parseFile("fuzz.jsonl", data)
		checkParsed(t, "fuzz.jsonl", p)
		for _, pr := range p.problems {
			if pr.Line > strings.Count(string(data), "\n")+1 {
				t.Errorf("problem on line %d of a %d-line file", pr.Line, strings.Count(string(data), "\n")+1)
			}
		}
	})
}

func FuzzParseHTML(f *testing.F) {
	addFixtures(f, "page.html")
	f.Add([]byte("<p>unclosed <b>bold <script>alert(1)"))
	f.Add([]byte("<html><body><article><p>short</p></article><main><p>main text</p></main></body></html>"))
	f.Add([]byte("<div hidden>gone</div><div aria-hidden=true>gone</div><p class='x ad'>ad</p><p>kept text</p>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParsed(t, "fuzz.html", parseFile("fuzz.html", data))
	})
}

func FuzzPassageCodec(f *testing.F) {
	f.Add("a\x00b", "second sentence", 3)
	f.Fuzz(func(t *testing.T, s1, s2 string, n int) {
		n = n%5 + 1
		if n < 1 {
			n = 1
		}
		var ps []bot.Passage
		for i := range n {
			ps = append(ps, bot.Passage{ArticleID: "id", Index: i, Sentences: []string{s1, s2}[:1+i%2]})
		}
		got, err := decodePassages("id", encodePassages(ps), -1)
		if err != nil || len(got) != len(ps) {
			t.Fatalf("round trip: %v, %d passages", err, len(got))
		}
		for i := range ps {
			if !slices.Equal(got[i].Sentences, ps[i].Sentences) || got[i].Index != i {
				t.Fatalf("passage %d differs", i)
			}
		}
		one, err := decodePassages("id", encodePassages(ps), n-1)
		if err != nil || len(one) != 1 || one[0].Index != n-1 {
			t.Fatalf("single decode: %v %+v", err, one)
		}
		// Garbage never panics.
		_, _ = decodePassages("id", []byte(s1+s2), -1)
	})
}
