package retrieval

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/jdkato/prose/v3/segment"
	"github.com/storybot/storybot/bot"
)

// Limits on passages. A passage is roughly a paragraph: consecutive
// sentences of one paragraph up to passageChars characters or
// passageSentences sentences; a short paragraph is joined by the next one.
// A sentence is never split, except a "sentence" longer than maxSentence
// characters, which is not prose and is cut at spaces.
const (
	passageChars     = 900
	passageSentences = 6
	shortPassage     = 240
	maxSentence      = 1200
	// maxPassages caps how much of one article is indexed (about 2 MB of
	// text); the article's full text is still stored.
	maxPassages = 2500
)

var segmenter = sync.OnceValues(segment.New)

// splitters holds reusable punktSplitters.
var splitters sync.Pool

// splitSentences splits one paragraph into sentences as prose's Punkt
// segmenter does (it knows "U.S.", "Nov." and "Gov."), with the faster port
// of punkt.go; should the model not load, it uses prose itself, and should
// that fail, it splits at sentence punctuation.
func splitSentences(p string) (out []string) {
	p = strings.TrimSpace(p)
	if p == "" {
		return nil
	}
	var raw []string
	if m, err := englishPunkt(); err == nil {
		sp, _ := splitters.Get().(*punktSplitter)
		if sp == nil {
			sp = &punktSplitter{m: m}
		}
		raw = sp.split(p, nil)
		splitters.Put(sp)
	} else {
		raw = proseSentences(p)
	}
	if raw == nil {
		raw = fallbackSentences(p)
	}
	for _, s := range raw {
		s = collapseSpaces(s)
		if s == "" {
			continue
		}
		out = append(out, chopLong(s)...)
	}
	return out
}

// proseSentences splits p with prose's segmenter; nil if it fails.
func proseSentences(p string) (raw []string) {
	seg, err := segmenter()
	if err != nil {
		return nil
	}
	defer func() {
		if recover() != nil {
			raw = nil
		}
	}()
	for _, s := range seg.Segment(p) {
		raw = append(raw, s.Text)
	}
	return raw
}

// fallbackSentences splits at ". ", "! " and "? " followed by a capital.
func fallbackSentences(p string) []string {
	var out []string
	start := 0
	for i := 0; i+2 < len(p); i++ {
		if (p[i] == '.' || p[i] == '!' || p[i] == '?') && p[i+1] == ' ' && p[i+2] >= 'A' && p[i+2] <= 'Z' {
			out = append(out, p[start:i+1])
			start = i + 2
		}
	}
	return append(out, p[start:])
}

// chopLong cuts an over-long run of text at spaces into pieces of at most
// maxSentence bytes (or at any rune boundary when there is no space).
func chopLong(s string) []string {
	var out []string
	for len(s) > maxSentence {
		cut := strings.LastIndexByte(s[:maxSentence], ' ')
		if cut < maxSentence/2 {
			cut = maxSentence
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
		}
		out = append(out, strings.TrimSpace(s[:cut]))
		s = strings.TrimSpace(s[cut:])
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// splitPassages splits an article into passages. The headline is the first
// sentence of the first passage unless the text already starts with it. It
// reports whether the article was cut at maxPassages.
func splitPassages(a bot.Article) (ps []bot.Passage, truncated bool) {
	var cur []string
	size := 0
	emit := func() {
		if len(cur) == 0 {
			return
		}
		ps = append(ps, bot.Passage{ArticleID: a.ID, Index: len(ps), Sentences: cur})
		cur, size = nil, 0
	}
	if t := strings.TrimSuffix(a.Title, "…"); t != "" {
		head := a.Text
		if len(head) > 2*len(t)+64 {
			head = head[:2*len(t)+64]
		}
		if !strings.Contains(head, t) {
			cur = append(cur, a.Title)
			size = len(a.Title)
		}
	}
	budget := maxPassages * passageChars * 3 / 2 // bytes worth segmenting
	for para := range strings.SplitSeq(a.Text, "\n\n") {
		if len(ps) >= maxPassages || budget <= 0 {
			return ps, true
		}
		if len(para) > budget {
			cut := budget
			for cut > 0 && !utf8.RuneStart(para[cut]) {
				cut--
			}
			para = para[:cut]
			truncated = true
		}
		budget -= len(para)
		// A short passage so far is continued by the next paragraph.
		if size >= shortPassage {
			emit()
		}
		for _, s := range splitSentences(para) {
			if len(cur) > 0 && (size+len(s)+1 > passageChars || len(cur) >= passageSentences) {
				emit()
				if len(ps) >= maxPassages {
					return ps, true
				}
			}
			cur = append(cur, s)
			size += len(s) + 1
		}
	}
	emit()
	return ps, truncated
}

// collapseSpaces is strings.Join(strings.Fields(s), " "), without the copy
// when s is already so (single spaces between words, none at the ends, no
// other white space): most sentences are.
func collapseSpaces(s string) string {
	if isCollapsed(s) {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

func isCollapsed(s string) bool {
	prevSpace := true // a space first would be a leading one
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ':
				if prevSpace {
					return false
				}
				prevSpace = true
			case c >= '\t' && c <= '\r':
				return false
			default:
				prevSpace = false
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return false
		}
		i += n
		prevSpace = false
	}
	return !prevSpace || s == ""
}
