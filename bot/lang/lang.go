package lang

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/jdkato/prose/v3/tag"
	"github.com/jdkato/prose/v3/token"
	"github.com/jdkato/prose/v3/tokenize"
	"github.com/storybot/storybot/bot/lang/wordnet"
	"golang.org/x/text/unicode/norm"
)

// Token is one token of a text: its text as written, lower-cased, its
// part-of-speech tag (Penn Treebank, from prose's tagger) and its byte
// offset in the text.
type Token struct {
	Text  string
	Lower string
	Tag   string
	Start int
}

// Noun reports whether the token is tagged as a common or proper noun.
func (t Token) Noun() bool { return strings.HasPrefix(t.Tag, "NN") }

// Proper reports whether the token is tagged as a proper noun.
func (t Token) Proper() bool { return strings.HasPrefix(t.Tag, "NNP") }

// Verb reports whether the token is tagged as a verb.
func (t Token) Verb() bool { return strings.HasPrefix(t.Tag, "VB") }

// Adj reports whether the token is tagged as an adjective.
func (t Token) Adj() bool { return strings.HasPrefix(t.Tag, "JJ") }

// Word reports whether the token holds a letter or digit.
func (t Token) Word() bool {
	for _, r := range t.Text {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 {
			return true
		}
	}
	return false
}

type unit struct {
	dim    string
	factor float64
}

type calendarWord struct {
	kind string
	n    int
}

type clockWord struct {
	kind   string
	offset float64
}

// Lang holds the lexicons, the tokenizer and the tagger. It is safe for
// concurrent use; build one with New and share it.
type Lang struct {
	stop       map[string]bool
	light      map[string]bool
	chat       map[string]string
	numbers    map[string]float64
	scales     map[string]float64
	hedges     map[string]string
	units      map[string]unit
	currencies map[string]string
	calendar   map[string]calendarWord
	compass    map[string]float64
	clock      map[string]clockWord
	questions  map[string][]string
	typeWords  map[string]bool
	complete   map[string]bool
	maxPhrase  int

	tok    *tokenize.Tokenizer
	tagger *tag.Tagger

	wn *wordnet.DB

	mu         sync.Mutex
	cache      map[string][]Token
	old        map[string][]Token
	stemCache  sync.Map
	lemmaCache sync.Map
	relCache   sync.Map
	kindCache  sync.Map
}

// cacheSize bounds each generation of the token cache.
const cacheSize = 20000

// New loads the embedded lexicons and the tagger model.
func New() (*Lang, error) {
	tg, err := tag.New()
	if err != nil {
		return nil, fmt.Errorf("lang: load the part-of-speech model: %w", err)
	}
	wn, err := wordnet.Load()
	if err != nil {
		return nil, fmt.Errorf("lang: %w", err)
	}
	l := &Lang{
		stop: map[string]bool{}, light: map[string]bool{}, complete: map[string]bool{}, chat: map[string]string{}, numbers: map[string]float64{},
		scales: map[string]float64{}, hedges: map[string]string{}, units: map[string]unit{},
		currencies: map[string]string{}, calendar: map[string]calendarWord{}, compass: map[string]float64{},
		clock: map[string]clockWord{}, questions: map[string][]string{}, typeWords: map[string]bool{},
		tok: tokenize.New(), tagger: tg, cache: map[string][]Token{}, wn: wn,
	}
	load := func(name string, min int, put func(e Entry) error) error {
		ents, err := Lexicon(name)
		if err != nil {
			return err
		}
		for _, e := range ents {
			if len(e.Fields) < min {
				return fmt.Errorf("lexicon %s line %d: %q needs %d fields", name, e.Line, e.Key, min)
			}
			if err := put(e); err != nil {
				return fmt.Errorf("lexicon %s line %d: %w", name, e.Line, err)
			}
			if n := len(strings.Fields(e.Key)); n > l.maxPhrase {
				l.maxPhrase = n
			}
		}
		return nil
	}
	num := func(s string) (float64, error) { return strconv.ParseFloat(strings.TrimSpace(s), 64) }
	steps := []error{
		load("stopwords", 0, func(e Entry) error { l.stop[e.Key] = true; return nil }),
		load("light", 0, func(e Entry) error { l.light[e.Key] = true; return nil }),
		load("completion", 0, func(e Entry) error { l.complete[e.Key] = true; return nil }),
		load("chat", 1, func(e Entry) error { l.chat[e.Key] = e.Fields[0]; return nil }),
		load("numbers", 1, func(e Entry) (err error) { l.numbers[e.Key], err = num(e.Fields[0]); return }),
		load("scales", 1, func(e Entry) (err error) { l.scales[e.Key], err = num(e.Fields[0]); return }),
		load("hedges", 1, func(e Entry) error { l.hedges[e.Key] = e.Fields[0]; return nil }),
		load("units", 2, func(e Entry) error {
			f, err := num(e.Fields[1])
			l.units[e.Key] = unit{dim: e.Fields[0], factor: f}
			return err
		}),
		load("currencies", 1, func(e Entry) error { l.currencies[e.Key] = e.Fields[0]; return nil }),
		load("calendar", 2, func(e Entry) error {
			n, err := strconv.Atoi(e.Fields[1])
			l.calendar[e.Key] = calendarWord{kind: e.Fields[0], n: n}
			return err
		}),
		load("compass", 1, func(e Entry) (err error) { l.compass[e.Key], err = num(e.Fields[0]); return }),
		load("clock", 2, func(e Entry) error {
			f, err := num(e.Fields[1])
			l.clock[e.Key] = clockWord{kind: e.Fields[0], offset: f}
			return err
		}),
		load("questions", 1, func(e Entry) error { l.questions[e.Key] = strings.Split(e.Fields[0], ","); return nil }),
	}
	for _, err := range steps {
		if err != nil {
			return nil, err
		}
	}
	// The content words of question phrases ("time" in "what time", "number"
	// in "the number of") name answer types, not topics.
	for k := range l.questions {
		for _, w := range strings.Fields(k) {
			if !l.stop[w] && w != "$" && w != "%" {
				l.typeWords[w] = true
			}
		}
	}
	return l, nil
}

// Tokens splits text into tagged tokens. Results are cached, so asking for
// the same sentence again is cheap.
func (l *Lang) Tokens(text string) []Token {
	l.mu.Lock()
	if t, ok := l.cache[text]; ok {
		l.mu.Unlock()
		return t
	}
	if t, ok := l.old[text]; ok {
		l.cache[text] = t
		l.mu.Unlock()
		return t
	}
	l.mu.Unlock()
	raw := l.splitSymbols(l.tok.Tokenize(text))
	l.tagger.TagTokens(raw)
	out := make([]Token, len(raw))
	for i, r := range raw {
		out[i] = Token{Text: r.Text, Lower: strings.ToLower(r.Text), Tag: r.Tag, Start: r.Start}
		if !out[i].Word() {
			out[i].Tag = r.Text // punctuation keeps itself as its tag
		}
	}
	l.mu.Lock()
	if len(l.cache) >= cacheSize {
		l.old, l.cache = l.cache, map[string][]Token{}
	}
	l.cache[text] = out
	l.mu.Unlock()
	return out
}

// splitSymbols splits a currency symbol glued to a figure ("€50") and a
// contraction glued to its word ("he'd") into two tokens.
func (l *Lang) splitSymbols(toks []token.Token) []token.Token {
	var out []token.Token
	for i, t := range toks {
		// The tokenizer keeps the full stop of some last words as if they
		// were abbreviations ("Bow."): a word with no other stop in it
		// ends the sentence there.
		if i == len(toks)-1 && len(t.Text) > 2 && strings.HasSuffix(t.Text, ".") && !strings.Contains(t.Text[:len(t.Text)-1], ".") && t.Text[0] != '.' {
			out = append(out, token.Token{Text: t.Text[:len(t.Text)-1], Start: t.Start}, token.Token{Text: ".", Start: t.Start + len(t.Text) - 1})
			continue
		}
		if r, n := utf8.DecodeRuneInString(t.Text); n < len(t.Text) && !unicode.IsLetter(r) && !unicode.IsDigit(r) && isDigit(t.Text[n]) {
			if _, ok := l.currencies[t.Text[:n]]; ok {
				out = append(out, token.Token{Text: t.Text[:n], Start: t.Start}, token.Token{Text: t.Text[n:], Start: t.Start + n})
				continue
			}
		}
		if i := strings.IndexAny(t.Text, "'’"); i > 0 && i < len(t.Text)-1 && l.stop[strings.ToLower(t.Text[:i])] {
			out = append(out, token.Token{Text: t.Text[:i], Start: t.Start}, token.Token{Text: t.Text[i:], Start: t.Start + i})
			continue
		}
		out = append(out, t)
	}
	return out
}

// Stem returns the Snowball English stem of a lower-case word (the stemmer
// bleve's English analyzer uses), after folding chat shorthand.
func (l *Lang) Stem(word string) string {
	word = strings.ToLower(word)
	if v, ok := l.stemCache.Load(word); ok {
		return v.(string)
	}
	w := word
	if c, ok := l.chat[w]; ok && !strings.Contains(c, " ") {
		w = c
	}
	w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
	w = Fold(w)
	env := snowballstem.NewEnv(w)
	english.Stem(env)
	s := env.Current()
	l.stemCache.Store(word, s)
	return s
}

// Fold removes diacritics ("López" is "Lopez"), so spellings with and
// without accents match.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Stems returns the stems a token matches: its own, its base forms' ("told"
// matches "tell"), and for a hyphenated word the stems of its parts
// ("Suazo-Sandoval" matches "sandoval").
func (l *Lang) Stems(t Token) []string {
	out := append([]string{l.Stem(t.Lower)}, l.lemmaStems(t)...)
	if strings.Contains(t.Lower, "-") {
		for _, p := range strings.Split(t.Lower, "-") {
			if p != "" {
				out = append(out, l.Stem(p))
			}
		}
	}
	return out
}

// TypeWord reports whether a lower-case word names an answer type ("date",
// "time", "number", "age"): such words in a question say what is asked, not
// what it is about.
func (l *Lang) TypeWord(word string) bool { return l.typeWords[word] }

// Stop reports whether a lower-case word is a function word.
func (l *Lang) Stop(word string) bool { return l.stop[word] }

// Chat returns what a chat shorthand stands for, or the word itself.
func (l *Lang) Chat(word string) string {
	if c, ok := l.chat[word]; ok {
		return c
	}
	return word
}

// Content reports whether a token is a content word: a letter-bearing
// word that is not a function word.
func (l *Lang) Content(t Token) bool {
	if !t.Word() || l.stop[t.Lower] {
		return false
	}
	if c, ok := l.chat[t.Lower]; ok && l.stop[c] {
		return false
	}
	return true
}

// QuestionTypes returns the answer types that the longest question phrase
// starting at token i asks for, and how many tokens the phrase spans.
func (l *Lang) QuestionTypes(toks []Token, i int) ([]string, int) {
	for n := min(l.maxPhrase, len(toks)-i); n >= 1; n-- {
		if ty, ok := l.questions[phrase(toks[i:i+n])]; ok {
			return ty, n
		}
	}
	return nil, 0
}

// UnitDim returns the dimension of a unit word or phrase ("feet" is length).
func (l *Lang) UnitDim(word string) (string, bool) {
	u, ok := l.units[strings.ToLower(word)]
	return u.dim, ok
}

// Currency returns the ISO code of a currency word or symbol.
func (l *Lang) Currency(word string) (string, bool) {
	c, ok := l.currencies[strings.ToLower(word)]
	return c, ok
}

func phrase(toks []Token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.Lower)
	}
	return b.String()
}
