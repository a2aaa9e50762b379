package claims

import (
	"strings"
	"unicode"

	"github.com/storybot/storybot/bot/lang"
)

// titleWords are honorifics and titles dropped from person names.
var titleWords = setOf(`mr mr. mrs mrs. ms ms. dr dr. sir dame lord lady prof prof. professor president
gen gen. general col col. colonel capt capt. captain lt rev rev. reverend judge senator sen sen. rep rep.
minister chancellor king queen prince princess sheikh pope father sister brother madam monsieur herr`)

var diacritics = map[rune]string{
	'á': "a", 'à': "a", 'â': "a", 'ä': "a", 'ã': "a", 'å': "a", 'ą': "a", 'æ': "ae",
	'é': "e", 'è': "e", 'ê': "e", 'ë': "e", 'ę': "e", 'ě': "e",
	'í': "i", 'ì': "i", 'î': "i", 'ï': "i", 'ı': "i",
	'ó': "o", 'ò': "o", 'ô': "o", 'ö': "o", 'õ': "o", 'ø': "o", 'ő': "o",
	'ú': "u", 'ù': "u", 'û': "u", 'ü': "u", 'ů': "u", 'ű': "u",
	'ý': "y", 'ÿ': "y", 'ç': "c", 'č': "c", 'ć': "c", 'ñ': "n", 'ń': "n", 'ň': "n",
	'ł': "l", 'ś': "s", 'š': "s", 'ş': "s", 'ž': "z", 'ź': "z", 'ż': "z", 'ř': "r", 'ť': "t", 'ď': "d", 'ğ': "g", 'ß': "ss",
}

// translit folds common spelling variants of transliterated names onto one
// form. Applied in order to a lower-case ASCII name.
var translit = strings.NewReplacer(
	"iy", "y", "yy", "y", "ij", "y", "yi", "y", "ii", "i",
	"kh", "h", "ck", "k", "ph", "f", "w", "v", "x", "ks",
	"tsch", "ch", "tch", "ch", "sch", "sh", "zh", "j", "dzh", "j", "dj", "j",
	"ou", "u", "oo", "u",
)

// FoldName reduces one name word to a comparison key: lower case, accents
// removed, transliteration variants folded (Zelenskyy, Zelenskiy and
// Zelensky give one key) and doubled letters collapsed.
func FoldName(w string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(w) {
		if s, ok := diacritics[r]; ok {
			b.WriteString(s)
		} else if r < 128 && unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	s := b.String()
	s = strings.TrimSuffix(s, "s'") // possessive
	if strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "’s") {
		s = strings.TrimSuffix(s, "s")
	}
	s = translit.Replace(s)
	s = translit.Replace(s)
	// collapse doubled letters
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if i > 0 && s[i] == s[i-1] {
			continue
		}
		out = append(out, s[i])
	}
	return string(out)
}

// PersonName is a normalised person name.
type PersonName struct {
	// Display is the name as written, titles removed.
	Display string
	// First and Last are folded keys (FoldName) of the first and last name;
	// First is "" for a bare surname.
	First, Last string
}

// ParseName normalises a person name: titles such as Mr, Dr, Sir or
// President are dropped and the first and last words folded.
func ParseName(s string) PersonName {
	var words []string
	for _, w := range strings.Fields(s) {
		lw := strings.ToLower(strings.Trim(w, ",;:"))
		if titleWords[lw] || titleWords[strings.TrimSuffix(lw, ".")] {
			continue
		}
		words = append(words, strings.Trim(w, ",;:"))
	}
	if len(words) == 0 {
		return PersonName{}
	}
	last := words[len(words)-1]
	last = strings.TrimSuffix(strings.TrimSuffix(last, "'s"), "’s")
	p := PersonName{Display: strings.Join(words, " "), Last: FoldName(last)}
	p.Display = strings.TrimSuffix(strings.TrimSuffix(p.Display, "'s"), "’s")
	if len(words) > 1 {
		p.First = FoldName(words[0])
	}
	return p
}

// SamePerson reports whether two names can denote one person: same folded
// surname, or surnames within a small edit distance, and first names (when
// both are given) starting alike.
func SamePerson(a, b PersonName) bool {
	if a.Last == "" || b.Last == "" {
		return false
	}
	if !similarKey(a.Last, b.Last) {
		return false
	}
	if a.First != "" && b.First != "" && a.First[0] != b.First[0] && !similarKey(a.First, b.First) && !(isVowel(a.First[0]) && isVowel(b.First[0])) {
		return false
	}
	return true
}

// similarKey compares folded keys with a length-scaled edit-distance budget.
func similarKey(a, b string) bool {
	if a == b {
		return true
	}
	n := min(len(a), len(b))
	budget := 0
	switch {
	case n >= 9:
		budget = 2
	case n >= 5:
		budget = 1
	}
	if budget == 0 || abs(len(a)-len(b)) > budget {
		return false
	}
	return lang.EditDistance(a, b, budget) <= budget
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func isVowel(c byte) bool { return strings.IndexByte("aeiouy", c) >= 0 }
