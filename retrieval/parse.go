package retrieval

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/storybot/storybot/bot"
	"gopkg.in/yaml.v3"
)

// maxIDLen bounds article IDs.
const maxIDLen = 200

// parsed is what one corpus file yields.
type parsed struct {
	articles []bot.Article
	problems []Problem // items or files skipped
	warnings []Problem // loaded, with a caveat
}

func (p *parsed) problem(name string, line int, format string, args ...any) {
	p.problems = append(p.problems, Problem{File: name, Line: line, Reason: fmt.Sprintf(format, args...)})
}

func (p *parsed) warn(name string, line int, format string, args ...any) {
	p.warnings = append(p.warnings, Problem{File: name, Line: line, Reason: fmt.Sprintf(format, args...)})
}

// supported reports whether a file name has an article extension.
func supported(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".txt", ".md", ".markdown", ".json", ".jsonl", ".ndjson", ".html", ".htm":
		return true
	}
	return false
}

// parseFile parses one corpus file, named by its slash-separated path within
// the corpus. Articles come back with Source set and FirstSeen zero.
func parseFile(name string, data []byte) parsed {
	var p parsed
	text, note, err := decodeText(data)
	if err != nil {
		p.problem(name, 0, "%v", err)
		return p
	}
	if note != "" {
		p.warn(name, 0, "%s", note)
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".txt":
		parseText(&p, name, text, false)
	case ".md", ".markdown":
		parseText(&p, name, text, true)
	case ".json":
		parseJSON(&p, name, text)
	case ".jsonl", ".ndjson":
		parseJSONL(&p, name, text)
	case ".html", ".htm":
		parseHTMLFile(&p, name, text)
	default:
		p.problem(name, 0, "unsupported file type")
	}
	return p
}

// stem returns a file name without directory and extension.
func stem(name string) string {
	base := path.Base(name)
	return strings.TrimSuffix(base, path.Ext(base))
}

// frontMatter is the optional YAML block of a .txt or .md article.
type frontMatter struct {
	ID        string `yaml:"id"`
	Title     string `yaml:"title"`
	Outlet    string `yaml:"outlet"`
	URL       string `yaml:"url"`
	Published string `yaml:"published"`
	Date      string `yaml:"date"`
}

// splitFrontMatter separates a leading "---" YAML block from the body. ok is
// false when there is no complete block.
func splitFrontMatter(text string) (block, body string, ok bool) {
	t := strings.TrimLeft(text, "\n\r \t")
	if !strings.HasPrefix(t, "---") {
		return "", text, false
	}
	nl := strings.IndexByte(t, '\n')
	if nl < 0 || strings.TrimSpace(t[:nl]) != "---" {
		return "", text, false
	}
	rest := t[nl+1:]
	off := 0
	for {
		end := strings.IndexByte(rest[off:], '\n')
		line := rest[off:]
		if end >= 0 {
			line = rest[off : off+end]
		}
		if l := strings.TrimSpace(line); l == "---" || l == "..." {
			if end < 0 {
				return rest[:off], "", true
			}
			return rest[:off], rest[off+end+1:], true
		}
		if end < 0 {
			return "", text, false
		}
		off += end + 1
	}
}

func parseText(p *parsed, name, text string, markdown bool) {
	a := bot.Article{ID: stem(name), Source: name}
	if block, body, ok := splitFrontMatter(text); ok {
		var fm frontMatter
		if err := yaml.Unmarshal([]byte(block), &fm); err != nil {
			p.warn(name, 0, "front matter is not valid YAML, ignored: %v", firstLine(err.Error()))
		} else {
			if fm.ID != "" {
				a.ID = fm.ID
			}
			a.Title = strings.TrimSpace(fm.Title)
			a.Outlet = strings.TrimSpace(fm.Outlet)
			a.URL = strings.TrimSpace(fm.URL)
			pub := fm.Published
			if pub == "" {
				pub = fm.Date
			}
			a.Published = parsePublished(p, name, 0, pub)
		}
		text = body
	}
	if markdown {
		text = stripMarkdown(text)
	}
	a.Text = normalizeText(text)
	if a.Title == "" {
		a.Title = headline(a.Text)
	}
	addArticle(p, name, 0, a, "")
}

// addArticle validates a and appends it, or records why it was skipped.
func addArticle(p *parsed, name string, line int, a bot.Article, item string) {
	id, changed := cleanID(a.ID)
	switch {
	case id == "":
		p.problem(name, line, "%sno id", item)
		return
	case len(id) > maxIDLen:
		p.problem(name, line, "%sid longer than %d characters", item, maxIDLen)
		return
	case strings.TrimSpace(a.Text) == "":
		p.problem(name, line, "%sno text (article %q)", item, id)
		return
	}
	if changed {
		p.warn(name, line, "%sid %q contains spaces, brackets or control characters; using %q", item, a.ID, id)
	}
	a.ID = id
	p.articles = append(p.articles, a)
}

// cleanID trims an ID and replaces characters that would break citations
// ("[id]") with underscores.
func cleanID(id string) (string, bool) {
	id = strings.TrimSpace(id)
	out := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '[' || r == ']' || r == '\uFFFD' {
			return '_'
		}
		return r
	}, id)
	return out, out != id
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

var (
	mdImage    = regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)`)
	mdLink     = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdHeading  = regexp.MustCompile(`(?m)^\s{0,3}#{1,6}\s+`)
	mdQuote    = regexp.MustCompile(`(?m)^\s{0,3}>\s?`)
	mdList     = regexp.MustCompile(`(?m)^\s*[-*+]\s+`)
	mdEmphasis = regexp.MustCompile(`(\*\*|__|\*|~~)`)
	mdRule     = regexp.MustCompile(`(?m)^\s*([-*_]\s*){3,}$`)
	mdFence    = regexp.MustCompile("(?m)^\\s*(```|~~~).*$")
)

// stripMarkdown removes the Markdown syntax that would otherwise end up in
// sentences: headings, links and images, emphasis, quotes, list markers.
func stripMarkdown(s string) string {
	s = mdFence.ReplaceAllString(s, "")
	s = mdRule.ReplaceAllString(s, "")
	s = mdImage.ReplaceAllString(s, "")
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdHeading.ReplaceAllString(s, "")
	s = mdQuote.ReplaceAllString(s, "")
	s = mdList.ReplaceAllString(s, "")
	s = mdEmphasis.ReplaceAllString(s, "")
	return s
}

// record is one article of a .json or .jsonl file.
type record struct {
	ID        json.RawMessage `json:"id"`
	Title     string          `json:"title"`
	Outlet    string          `json:"outlet"`
	URL       string          `json:"url"`
	Published string          `json:"published"`
	Date      string          `json:"date"`
	Text      string          `json:"text"`
	Body      string          `json:"body"`
	Content   string          `json:"content"`
}

// recordArticle converts a record; item prefixes messages ("item 3: ").
func recordArticle(p *parsed, name string, line int, source string, r record, item string) {
	a := bot.Article{Title: cleanLine(r.Title), Outlet: cleanLine(r.Outlet), URL: strings.TrimSpace(r.URL), Source: source}
	switch {
	case len(r.ID) == 0 || string(r.ID) == "null":
	case r.ID[0] == '"':
		_ = json.Unmarshal(r.ID, &a.ID)
	case r.ID[0] == '-' || (r.ID[0] >= '0' && r.ID[0] <= '9'):
		a.ID = string(r.ID)
	default:
		p.problem(name, line, "%sid must be a string or a number, not %s", item, truncate(string(r.ID), 40))
		return
	}
	text := r.Text
	if strings.TrimSpace(text) == "" {
		text = r.Body
	}
	if strings.TrimSpace(text) == "" {
		text = r.Content
	}
	if looksLikeHTML(text) {
		text = htmlText(text).body
	}
	a.Text = normalizeText(text)
	pub := r.Published
	if pub == "" {
		pub = r.Date
	}
	a.Published = parsePublished(p, name, line, pub)
	if a.Title == "" {
		a.Title = headline(a.Text)
	}
	addArticle(p, name, line, a, item)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func parseJSON(p *parsed, name, text string) {
	t := strings.TrimSpace(text)
	switch {
	case strings.HasPrefix(t, "["):
		var items []json.RawMessage
		if err := json.Unmarshal([]byte(t), &items); err != nil {
			p.problem(name, 0, "invalid JSON: %v", err)
			return
		}
		if len(items) == 0 {
			p.problem(name, 0, "empty JSON array")
			return
		}
		for i, raw := range items {
			var r record
			item := fmt.Sprintf("item %d: ", i+1)
			if err := json.Unmarshal(raw, &r); err != nil {
				p.problem(name, 0, "%sinvalid article object: %v", item, err)
				continue
			}
			recordArticle(p, name, 0, fmt.Sprintf("%s#%d", name, i+1), r, item)
		}
	case strings.HasPrefix(t, "{"):
		var r record
		if err := json.Unmarshal([]byte(t), &r); err != nil {
			p.problem(name, 0, "invalid JSON: %v", err)
			return
		}
		recordArticle(p, name, 0, name, r, "")
	default:
		p.problem(name, 0, "invalid JSON: expected an object or an array")
	}
}

func parseJSONL(p *parsed, name, text string) {
	// A large file is parsed in chunks of whole lines on every core; the
	// results are joined in file order, so they are those of one pass.
	chunks := lineChunks(text, jsonlChunk)
	parts := make([]parsed, len(chunks))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	for i, c := range chunks {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			parseJSONLLines(&parts[i], name, c.text, c.first)
		}()
	}
	wg.Wait()
	for _, part := range parts {
		p.articles = append(p.articles, part.articles...)
		p.problems = append(p.problems, part.problems...)
		p.warnings = append(p.warnings, part.warnings...)
	}
	if len(p.articles) == 0 && len(p.problems) == 0 {
		p.problem(name, 0, "no articles")
	}
}

// jsonlChunk is the size of a chunk of a .jsonl file parsed on its own.
const jsonlChunk = 1 << 20

// lineChunk is a run of whole lines of a file, starting at line first.
type lineChunk struct {
	text  string
	first int
}

// lineChunks cuts text after newlines into chunks of about size bytes.
func lineChunks(text string, size int) []lineChunk {
	var out []lineChunk
	line := 1
	for len(text) > 0 {
		end := len(text)
		if end > size {
			if j := strings.IndexByte(text[size:], '\n'); j >= 0 {
				end = size + j + 1
			}
		}
		out = append(out, lineChunk{text[:end], line})
		line += strings.Count(text[:end], "\n")
		text = text[end:]
	}
	return out
}

// parseJSONLLines parses lines of a .jsonl file, the first being line
// number first.
func parseJSONLLines(p *parsed, name, text string, first int) {
	n := first - 1
	for line := range strings.SplitSeq(strings.TrimSuffix(text, "\n"), "\n") {
		n++
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		r, ok := fastRecord(line)
		if !ok {
			r = record{} // what fastRecord read before it declined
			dec := json.NewDecoder(strings.NewReader(line))
			if err := dec.Decode(&r); err != nil {
				p.problem(name, n, "invalid JSON: %v", err)
				continue
			}
			if dec.More() {
				p.problem(name, n, "invalid JSON: more than one value on the line")
				continue
			}
		}
		recordArticle(p, name, n, fmt.Sprintf("%s#%d", name, n), r, "")
	}
}

var publishedLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
	time.RFC850,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"January 2, 2006",
	"2 January 2006",
	"Jan 2, 2006",
}

// parsePublished parses a publication date; an unrecognised one is a
// warning and gives the zero time.
func parsePublished(p *parsed, name string, line int, s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range publishedLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return time.Unix(n, 0).UTC()
	}
	p.warn(name, line, "unrecognised published date %q, ignored", truncate(s, 60))
	return time.Time{}
}

func looksLikeHTML(s string) bool {
	i := strings.IndexByte(s, '<')
	if i < 0 {
		return false
	}
	l := strings.ToLower(s)
	for _, tag := range []string{"<p>", "<p ", "</p>", "<br", "<div", "</a>", "<html"} {
		if strings.Contains(l, tag) {
			return true
		}
	}
	return false
}

func parseHTMLFile(p *parsed, name, text string) {
	doc := htmlText(text)
	a := bot.Article{
		ID:     stem(name),
		Title:  doc.title,
		Outlet: doc.outlet,
		URL:    doc.url,
		Text:   normalizeText(doc.body),
		Source: name,
	}
	a.Published = parsePublished(p, name, 0, doc.published)
	if a.Title == "" {
		a.Title = headline(a.Text)
	}
	a.Title = shortTitle(a.Title)
	addArticle(p, name, 0, a, "")
}
