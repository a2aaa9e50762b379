package lang

import (
	"bufio"
	"embed"
	"fmt"
	"strings"
)

//go:embed data/*.txt
var dataFS embed.FS

// Entry is one line of a lexicon: a key (lower case, words separated by one
// space), its fields, and the reason stated by the "#:" header above it.
type Entry struct {
	Key    string
	Fields []string
	Reason string
	Line   int
}

// ParseLexicon reads a lexicon file: "#:" lines state the reason for the
// entries that follow, other "#" lines are comments, and each entry is a key
// with optional tab-separated fields. An entry before any reason is an error.
func ParseLexicon(name, text string) ([]Entry, error) {
	var out []Entry
	reason := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \r")
		switch {
		case strings.TrimSpace(line) == "":
			continue
		case strings.HasPrefix(line, "#:"):
			reason = strings.TrimSpace(line[2:])
			continue
		case strings.HasPrefix(line, "#"):
			continue
		}
		if reason == "" {
			return nil, fmt.Errorf("lexicon %s line %d: entry %q has no \"#:\" reason above it", name, n, line)
		}
		parts := strings.Split(line, "\t")
		key := strings.Join(strings.Fields(strings.ToLower(parts[0])), " ")
		if key == "" {
			return nil, fmt.Errorf("lexicon %s line %d: empty key", name, n)
		}
		out = append(out, Entry{Key: key, Fields: parts[1:], Reason: reason, Line: n})
	}
	return out, sc.Err()
}

// Lexicon reads one embedded lexicon by file name without extension
// ("units"). It is exported for tests and tools; Lang loads them all.
func Lexicon(name string) ([]Entry, error) {
	b, err := dataFS.ReadFile("data/" + name + ".txt")
	if err != nil {
		return nil, fmt.Errorf("lexicon %s: %w", name, err)
	}
	return ParseLexicon(name, string(b))
}

// LexiconNames lists the embedded lexicons.
func LexiconNames() []string {
	ents, _ := dataFS.ReadDir("data")
	var out []string
	for _, e := range ents {
		out = append(out, strings.TrimSuffix(e.Name(), ".txt"))
	}
	return out
}
