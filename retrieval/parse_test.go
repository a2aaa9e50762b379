package retrieval

import (
	"encoding/json"
	"fmt"
	"golang.org/x/text/unicode/norm"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestParseFile(t *testing.T) {
	tests := []struct {
		file      string
		ids       []string
		titles    []string          // by position, "" = don't check
		contains  map[string]string // id → substring of its text
		missing   map[string]string // id → substring that must not be in its text
		problems  []string          // substrings of the problems, in order
		warnings  []string          // substrings of the warnings, in order
		published map[string]time.Time
		outlet    map[string]string
	}{
		{
			file:     "plain.txt",
			ids:      []string{"plain"},
			titles:   []string{"Flood waters recede in the river valley"},
			contains: map[string]string{"plain": "About 1,200 residents were allowed to return home."},
		},
		{
			file:      "front.md",
			ids:       []string{"md-article-1"},
			titles:    []string{"Bridge reopens after repairs"},
			contains:  map[string]string{"md-article-1": "The old bridge reopened on Monday, the city said."},
			missing:   map[string]string{"md-article-1": "https://"},
			published: map[string]time.Time{"md-article-1": time.Date(2025, 12, 14, 0, 0, 0, 0, time.UTC)},
			outlet:    map[string]string{"md-article-1": "The Daily Example"},
		},
		{
			file:      "one.json",
			ids:       []string{"json-1"},
			titles:    []string{"Port strike ends"},
			contains:  map[string]string{"json-1": "three-day strike on Monday.\n\nShips began"},
			published: map[string]time.Time{"json-1": time.Date(2025, 12, 15, 8, 30, 0, 0, time.UTC)},
		},
		{
			file:     "many.json",
			ids:      []string{"json-a", "42"},
			problems: []string{"item 3: no id", `item 4: no text (article "json-c")`},
		},
		{
			file:     "feed.jsonl",
			ids:      []string{"line-1", "line-3", "line-5"},
			contains: map[string]string{"line-5": "HTML inside JSON is cleaned.\n\nSecond paragraph."},
			problems: []string{"feed.jsonl:2: invalid JSON"},
			warnings: []string{`feed.jsonl:3: unrecognised published date "yesterday-ish"`},
		},
		{
			file:      "page.html",
			ids:       []string{"page"},
			titles:    []string{"Election results delayed"},
			contains:  map[string]string{"page": "Officials delayed the final count by two days, citing a recount in three districts.\n\nObservers said the delay was lawful.\n\nTurnout was 61 percent."},
			missing:   map[string]string{"page": "watches"},
			published: map[string]time.Time{"page": time.Date(2025, 12, 15, 9, 0, 0, 0, time.UTC)},
			outlet:    map[string]string{"page": "Example News"},
		},
		{
			file:     "latin1.txt",
			ids:      []string{"latin1"},
			titles:   []string{"Café owners protest new rules"},
			contains: map[string]string{"latin1": "the rules were “unfair” and would cost €500 a month."},
			warnings: []string{"latin1.txt: not UTF-8; decoded as Windows-1252"},
		},
		{file: "binary.txt", problems: []string{"binary.txt: binary file"}},
		{file: "empty.txt", problems: []string{"empty.txt: empty file"}},
		{file: "blank.md", problems: []string{"blank.md: empty file"}},
		{file: "broken.json", problems: []string{"broken.json: invalid JSON"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "parse", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			p := parseFile(tt.file, data)
			var ids []string
			byID := map[string]int{}
			for i, a := range p.articles {
				ids = append(ids, a.ID)
				byID[a.ID] = i
				if !utf8.ValidString(a.Text) {
					t.Errorf("%s: text is not valid UTF-8", a.ID)
				}
				if !strings.HasPrefix(a.Source, tt.file) {
					t.Errorf("%s: source %q does not name the file", a.ID, a.Source)
				}
			}
			if !slices.Equal(ids, tt.ids) {
				t.Errorf("ids = %q, want %q", ids, tt.ids)
			}
			for i, title := range tt.titles {
				if i < len(p.articles) && title != "" && p.articles[i].Title != title {
					t.Errorf("title[%d] = %q, want %q", i, p.articles[i].Title, title)
				}
			}
			for id, sub := range tt.contains {
				if i, ok := byID[id]; !ok || !strings.Contains(p.articles[i].Text, sub) {
					t.Errorf("%s: text does not contain %q:\n%s", id, sub, textOfID(p, id))
				}
			}
			for id, sub := range tt.missing {
				if i, ok := byID[id]; ok && strings.Contains(p.articles[i].Text, sub) {
					t.Errorf("%s: text contains %q:\n%s", id, sub, p.articles[i].Text)
				}
			}
			for id, want := range tt.published {
				if i, ok := byID[id]; !ok || !p.articles[i].Published.Equal(want) {
					t.Errorf("%s: published = %v, want %v", id, textOfIDPub(p, id), want)
				}
			}
			for id, want := range tt.outlet {
				if i, ok := byID[id]; !ok || p.articles[i].Outlet != want {
					t.Errorf("%s: outlet wrong, want %q", id, want)
				}
			}
			checkProblems(t, "problem", p.problems, tt.problems)
			checkProblems(t, "warning", p.warnings, tt.warnings)
		})
	}
}

func textOfID(p parsed, id string) string {
	for _, a := range p.articles {
		if a.ID == id {
			return a.Text
		}
	}
	return "(no such article)"
}

func textOfIDPub(p parsed, id string) time.Time {
	for _, a := range p.articles {
		if a.ID == id {
			return a.Published
		}
	}
	return time.Time{}
}

func checkProblems(t *testing.T, kind string, got []Problem, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%ss = %v, want %d matching %q", kind, got, len(want), want)
		return
	}
	for i, w := range want {
		if !strings.Contains(got[i].String(), w) {
			t.Errorf("%s %d = %q, want it to contain %q", kind, i, got[i], w)
		}
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name, in, want, note string
		err                  string
	}{
		{name: "utf8", in: "héllo", want: "héllo"},
		{name: "bom", in: "\xef\xbb\xbfhello", want: "hello"},
		{name: "cp1252", in: "caf\xe9 \x93x\x94", want: "café “x”", note: "Windows-1252"},
		{name: "mostly utf8 with a bad byte", in: "café café café \xff ok", want: "café café café \uFFFD ok", note: "replaced"},
		{name: "utf16le", in: "\xff\xfeh\x00i\x00", want: "hi", note: "UTF-16"},
		{name: "binary", in: "\x00\x01\x02abc", err: "binary"},
		{name: "empty", in: " \n\t ", err: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, note, err := decodeText([]byte(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want || !strings.Contains(note, tt.note) || (tt.note == "" && note != "") {
				t.Errorf("decodeText(%q) = %q, %q, %v; want %q, note with %q", tt.in, got, note, err, tt.want, tt.note)
			}
		})
	}
}

func TestFrontMatter(t *testing.T) {
	tests := []struct {
		name, in      string
		id, title     string
		warn          string
		bodyHasFences bool
	}{
		{name: "none", in: "Headline\n\nBody text here.", id: "x", title: "Headline"},
		{name: "full", in: "---\nid: abc\ntitle: T\npublished: 2025-01-02T03:04:05Z\n---\nHead\n\nBody.", id: "abc", title: "T"},
		{name: "unterminated", in: "---\nid: abc\nBody without end.", id: "x", title: "--- id: abc", bodyHasFences: true},
		{name: "bad yaml", in: "---\nid: [unclosed\n---\nHead\n\nBody.", id: "x", title: "Head", warn: "front matter is not valid YAML"},
		{name: "dots end", in: "---\nid: d1\n...\nHead\n\nBody.", id: "d1", title: "Head"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parseFile("x.txt", []byte(tt.in))
			if len(p.articles) != 1 {
				t.Fatalf("articles = %d, problems %v", len(p.articles), p.problems)
			}
			a := p.articles[0]
			if a.ID != tt.id || a.Title != tt.title {
				t.Errorf("id, title = %q, %q; want %q, %q", a.ID, a.Title, tt.id, tt.title)
			}
			if strings.Contains(a.Text, "---") != tt.bodyHasFences {
				t.Errorf("text = %q", a.Text)
			}
			if tt.warn != "" && (len(p.warnings) != 1 || !strings.Contains(p.warnings[0].Reason, tt.warn)) {
				t.Errorf("warnings = %v, want %q", p.warnings, tt.warn)
			}
		})
	}
}

func TestCleanID(t *testing.T) {
	p := parseFile("my article [draft].txt", []byte("Head\n\nBody."))
	if len(p.articles) != 1 || p.articles[0].ID != "my_article__draft_" {
		t.Fatalf("articles = %+v", p.articles)
	}
	if len(p.warnings) != 1 || !strings.Contains(p.warnings[0].Reason, "using") {
		t.Errorf("warnings = %v", p.warnings)
	}
}

func TestNormalizeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"A.\r\nB.", "A.\n\nB."},
		{"one\u00a0two\u200b  three\t four", "one two three four"},
		{"Para one.\n\n\n\n\nPara two.", "Para one.\n\nPara two."},
		{"A line that wraps\nin the middle.", "A line that wraps in the middle."},
		{"Headline\nBody starts here.", "Headline\n\nBody starts here."},
		{"Story text.\nAdvertisement\nMore text.", "Story text.\n\nMore text."},
		{"e\u0301", "é"},
	}
	for _, tt := range tests {
		if got := normalizeText(tt.in); got != tt.want {
			t.Errorf("normalizeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHeadline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Flood waters recede\n\nBody.", "Flood waters recede"},
		{"NewsPolitics\n\nMinister resigns over budget row\n\nBody text here.", "Minister resigns over budget row"},
		{"Short\n\nOK", "Short"},
		{strings.Repeat("word ", 100) + "end.", strings.TrimSpace(strings.Repeat("word ", 100))[:159] + "…"},
	}
	for _, tt := range tests {
		if got := headline(tt.in); got != tt.want {
			t.Errorf("headline(%.30q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestParseLargeJSONLInChunks: a .jsonl file larger than one chunk is
// parsed in parallel with the line numbers, sources and order of one pass.
func TestParseLargeJSONLInChunks(t *testing.T) {
	var b strings.Builder
	const lines = 3000
	body := strings.Repeat("The harbour reopened after the storm. ", 24)
	for i := 1; i <= lines; i++ {
		switch {
		case i == 1234:
			b.WriteString("{broken\n")
		case i == 2001:
			b.WriteString("\n")
		default:
			fmt.Fprintf(&b, `{"id": "a%d", "text": %q}`+"\n", i, body)
		}
	}
	if b.Len() < 2*jsonlChunk {
		t.Fatalf("test file of %d bytes is not larger than two chunks", b.Len())
	}
	p := parseFile("big.jsonl", []byte(b.String()))
	if len(p.problems) != 1 || p.problems[0].Line != 1234 {
		t.Fatalf("problems = %+v, want one at line 1234", p.problems)
	}
	if len(p.articles) != lines-2 {
		t.Fatalf("%d articles, want %d", len(p.articles), lines-2)
	}
	n := 0
	for i := 1; i <= lines; i++ {
		if i == 1234 || i == 2001 {
			continue
		}
		a := p.articles[n]
		if a.ID != fmt.Sprintf("a%d", i) || a.Source != fmt.Sprintf("big.jsonl#%d", i) {
			t.Fatalf("article %d = %s from %s, want a%d from line %d", n, a.ID, a.Source, i, i)
		}
		n++
	}
}

func TestSizeLimit(t *testing.T) {
	for name, want := range map[string]int64{
		"a.txt": maxFileSize, "b/c.json": maxFileSize, "d.html": maxFileSize,
		"feed.jsonl": maxFeedSize, "FEED.NDJSON": maxFeedSize,
	} {
		if got := SizeLimit(name); got != want {
			t.Errorf("SizeLimit(%q) = %d, want %d", name, got, want)
		}
	}
	if maxFeedSize < 200<<20 {
		t.Errorf("a feed of 100,000 articles (170 MB) must load")
	}
}

// cleanLineRef is cleanLine as it was, rune by rune: the reference for the
// ASCII fast path.
func cleanLineRef(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == '\u200b' || r == '\ufeff' || r == '\u00ad' || r == '\u2060':
			continue
		case r == '\t' || r == '\u00a0' || r == '\u202f' || r == '\u205f' || r == '\u3000' || (r >= '\u2000' && r <= '\u200a') || unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func FuzzCleanLine(f *testing.F) {
	for _, s := range []string{"", "Already clean, one space a word: naïve café.", "two  spaces", " lead", "trail ", "a\u3000b", "  a\tb\x00c\x7f d ", "naïve\u00a0café\u200b", "\xff\xfeabc", "a\x85b\u2028c", "\r\n\v\f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := cleanLine(s), cleanLineRef(s); got != want {
			t.Errorf("cleanLine(%q) = %q, want %q", s, got, want)
		}
	})
}

// jsonRecord decodes a feed line with encoding/json, as parseJSONLLines
// does when fastRecord declines it.
func jsonRecord(line string) (record, bool) {
	var r record
	dec := json.NewDecoder(strings.NewReader(line))
	if err := dec.Decode(&r); err != nil || dec.More() {
		return r, false
	}
	return r, true
}

// fastRecordCases are feed lines of every shape fastRecord meets.
var fastRecordCases = []string{
	`{"id": "a-1", "title": "A title", "outlet": "Outlet", "url": "https://news.example/1", "published": "2025-11-14T09:44:00Z", "text": "Body text."}`,
	`{"id": 42, "text": "numeric id"}`, `{"id": -4.5e+3, "text": "x"}`, `{"id": 01, "text": "x"}`, `{"id": 1., "text": "x"}`,
	`{"id": null, "text": "null id"}`, `{"id": true, "text": "x"}`, `{"id": {"a": 1}, "text": "x"}`, `{"id": ["a"], "text": "x"}`,
	`{"ID": "upper", "Text": "case-insensitive keys", "TITLE": "T"}`, `{"id": "a", "text": "first", "text": "last wins"}`,
	`{"id": "a", "text": "kept", "text": null}`, `{"id": "a", "text": 5}`, `{"id": "a", "title": false, "text": "x"}`,
	`{"id": "a", "text": "escapes \" \\ \/ \b \f \n \r \t \u00e9 \u20ac \ud83d\ude00 end"}`,
	`{"id": "a", "text": "lone surrogate \ud83d end"}`, `{"id": "a", "text": "bad escape \x"}`, `{"id": "a", "text": "short \u12"}`,
	"{\"id\": \"a\", \"text\": \"invalid utf-8 \xff here\"}", "{\"id\": \"a\", \"text\": \"control \x01 char\"}",
	`{"id": "a", "extra": {"nested": [1, 2]}, "text": "x"}`, `{"id": "a", "extra": 3, "more": "s", "flag": true, "text": "x"}`,
	`{"id": "a", "t\u0065xt": "escaped key"}`, `{"id": "a", "téxt": "non-ASCII key"}`, "{\"id\": \"a\", \"\u212aey\": \"kelvin\"}",
	`{"id": "a", "text": "x"} {"id": "b"}`, `{"id": "a", "text": "x"} trailing`, `{"id": "a", "text": "x"`, `{"id": "a",}`,
	`{}`, `[]`, `"just a string"`, `42`, ``, `{"id" "a"}`, ` { "id" : "a" , "text" : "spaced" } `, "{\"id\":\"a\",\r\n\t\"text\":\"x\"}",
	`{"id": "a", "body": "in body", "content": "in content", "date": "2025-01-01"}`,
}

func TestFastRecordMatchesEncodingJSON(t *testing.T) {
	fast := 0
	for _, line := range fastRecordCases {
		got, ok := fastRecord(line)
		if !ok {
			continue
		}
		fast++
		want, wok := jsonRecord(line)
		if !wok || !reflect.DeepEqual(got, want) {
			t.Errorf("fastRecord(%q) = %+v\nencoding/json: %+v (ok %v)", line, got, want, wok)
		}
	}
	if fast < 12 {
		t.Errorf("only %d of the lines took the fast path", fast)
	}
}

// TestFeedLineDeclinedByFastPath: lines fastRecord declines after reading
// part of them load through encoding/json, or are reported by it.
func TestFeedLineDeclinedByFastPath(t *testing.T) {
	line := `{"title": "Read first", "text": "Body.", "id": {"not": "a string"}}` + "\n" + `{"id": "b", "text": "B.", "extra": [1]}`
	p := parseFile("feed.jsonl", []byte(line))
	if len(p.problems) != 1 || !strings.Contains(p.problems[0].Reason, "id must be a string or a number") {
		t.Errorf("problems = %v", p.problems)
	}
	if len(p.articles) != 1 || p.articles[0].ID != "b" || p.articles[0].Title != "B." {
		t.Errorf("articles = %+v", p.articles)
	}
}

func FuzzFastRecord(f *testing.F) {
	for _, line := range fastRecordCases {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		got, ok := fastRecord(line)
		if !ok {
			return
		}
		if want, wok := jsonRecord(line); !wok || !reflect.DeepEqual(got, want) {
			t.Errorf("fastRecord(%q) = %+v\nencoding/json: %+v (ok %v)", line, got, want, wok)
		}
	})
}

// normalizeTextRef is normalizeText as it was, building every paragraph:
// the reference for the version that takes one-line paragraphs as they are.
func normalizeTextRef(s string) string {
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var paras []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			paras = append(paras, cur.String())
			cur.Reset()
		}
	}
	for line := range strings.SplitSeq(s, "\n") {
		line = cleanLine(line)
		if line == "" {
			flush()
			continue
		}
		if isBoilerplate(line) {
			continue
		}
		if cur.Len() > 0 && hardWrapped(cur.String(), line) {
			cur.WriteByte(' ')
			cur.WriteString(line)
			continue
		}
		flush()
		cur.WriteString(line)
	}
	flush()
	return strings.Join(paras, "\n\n")
}

func FuzzNormalizeText(f *testing.F) {
	for _, s := range []string{
		"One paragraph on one line.",
		"A hard-wrapped line\nthat goes on\nand on.\n\nNext paragraph.\nA new line here.",
		"Ends with a comma,\nnext starts lower.\r\nAdvertisement\r\n\r\n\r\nLast one",
		"  spaced\t out \u00a0 line  \n\n\n  ",
		"Quote ends here”\nlower start",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := normalizeText(s), normalizeTextRef(s); got != want {
			t.Errorf("normalizeText(%q) = %q, want %q", s, got, want)
		}
	})
}
