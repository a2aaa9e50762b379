package retrieval

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// decodeText turns a file's bytes into a UTF-8 string. It returns a note when
// the bytes were not plain UTF-8 (saying how they were decoded), and an error
// for content that is not text at all.
func decodeText(data []byte) (text, note string, err error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(data[2:], data[0] == 0xFE), "UTF-16 text; decoded to UTF-8", nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return "", "", fmt.Errorf("empty file")
	}
	if looksBinary(data) {
		return "", "", fmt.Errorf("binary file, not text")
	}
	if utf8.Valid(data) {
		return string(data), "", nil
	}
	// Not valid UTF-8. If most of the non-ASCII bytes form valid UTF-8
	// sequences, the file is UTF-8 with a few damaged bytes: replace those.
	// Otherwise it is a legacy single-byte encoding: decode as Windows-1252
	// (a superset of Latin-1 for printable characters).
	valid, invalid := 0, 0
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			invalid++
			i++
			continue
		}
		valid++
		i += size
	}
	if valid > invalid {
		return strings.ToValidUTF8(string(data), "\uFFFD"), fmt.Sprintf("not valid UTF-8; %d invalid byte(s) replaced with U+FFFD", invalid), nil
	}
	return decodeWindows1252(data), "not UTF-8; decoded as Windows-1252 (Latin-1)", nil
}

func decodeUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		if bigEndian {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		} else {
			u = append(u, uint16(b[i+1])<<8|uint16(b[i]))
		}
	}
	return string(utf16.Decode(u))
}

// cp1252 maps the bytes 0x80–0x9F of Windows-1252; the rest of the high
// bytes are the Latin-1 code points of the same value.
var cp1252 = [32]rune{
	'€', '\uFFFD', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\uFFFD', 'Ž', '\uFFFD',
	'\uFFFD', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\uFFFD', 'ž', 'Ÿ',
}

func decodeWindows1252(data []byte) string {
	var b strings.Builder
	b.Grow(len(data) + len(data)/8)
	for _, c := range data {
		switch {
		case c < 0x80:
			b.WriteByte(c)
		case c < 0xA0:
			b.WriteRune(cp1252[c-0x80])
		default:
			b.WriteRune(rune(c))
		}
	}
	return b.String()
}

// looksBinary reports whether data (its first 8 KiB) looks like a binary
// file: a NUL byte, or many control characters.
func looksBinary(data []byte) bool {
	if len(data) > 8192 {
		data = data[:8192]
	}
	ctrl := 0
	for _, c := range data {
		switch {
		case c == 0:
			return true
		case c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\v' && c != 0x1b:
			ctrl++
		}
	}
	return ctrl*20 > len(data)
}

// boilerplate lists whole lines that carry no reporting on any site; a line
// is dropped only when it matches one of them exactly (ignoring case and
// surrounding punctuation).
var boilerplate = map[string]bool{
	"advertisement": true, "advertisements": true, "ad": true, "sponsored": true,
	"open in app": true, "skip to content": true, "skip to main content": true,
	"share": true, "share this article": true, "share this": true, "share on facebook": true,
	"share on twitter": true, "share on x": true, "tweet": true, "print": true, "email": true,
	"read more": true, "continue reading": true, "click here": true, "subscribe": true,
	"sign up": true, "sign in": true, "log in": true, "follow us": true, "related": true,
	"related articles": true, "related stories": true, "recommended": true, "most read": true,
	"comments": true, "back to top": true, "image": true, "video": true, "listen": true,
	"listen to this article": true, "loading": true, "loading...": true,
}

func isBoilerplate(line string) bool {
	if len(line) > 40 {
		return false
	}
	l := strings.ToLower(strings.Trim(line, " .:·|•-–—>»"))
	return boilerplate[l]
}

// cleanLine maps odd spaces to plain spaces, drops invisible and control
// characters and collapses runs of spaces.
func cleanLine(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		// ASCII, most of any text, without decoding: white space and
		// control characters as unicode.IsSpace and IsControl say.
		if c := s[i]; c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ' || (c >= '\t' && c <= '\r'):
				space = true
				continue
			case c < 0x20 || c == 0x7f:
				continue
			}
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteByte(c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
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

// isClean reports whether cleanLine would return s unchanged: valid UTF-8
// with single plain spaces between words, none at the ends, and no other
// white space, control or invisible character. Most lines are.
func isClean(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return s == ""
	}
	prevSpace := false
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
			case c < 0x20 || c == 0x7f:
				return false
			default:
				prevSpace = false
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == '\u200b' || r == '\ufeff' || r == '\u00ad' || r == '\u2060' ||
			r == '\u202f' || r == '\u205f' || (r >= '\u2000' && r <= '\u200a') || unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
		i += size
		prevSpace = false
	}
	return true
}

// normalizeText returns text as paragraphs separated by one blank line, each
// paragraph on one line with single spaces. Lines within a block are kept as
// separate paragraphs unless they look hard-wrapped (the line does not end a
// sentence and the next one starts in lower case). Generic boilerplate lines
// are dropped.
func normalizeText(s string) string {
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var paras []string
	// The paragraph being read: cur, a line taken as it is, until a
	// hard-wrapped line continues it in the builder.
	cur := ""
	var wrapped strings.Builder
	flush := func() {
		if wrapped.Len() > 0 {
			cur = wrapped.String()
			wrapped = strings.Builder{}
		}
		if cur != "" {
			paras = append(paras, cur)
			cur = ""
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
		if cur != "" && hardWrapped(cur, line) {
			if wrapped.Len() == 0 {
				wrapped.WriteString(cur)
			}
			wrapped.WriteByte(' ')
			wrapped.WriteString(line)
			cur = line // its last character decides what follows
			continue
		}
		flush()
		cur = line
	}
	flush()
	return strings.Join(paras, "\n\n")
}

// hardWrapped reports whether next continues prev's sentence.
func hardWrapped(prev, next string) bool {
	last, _ := utf8.DecodeLastRuneInString(prev)
	if strings.ContainsRune(".!?:;\"'”’)]…", last) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(next)
	return unicode.IsLower(first)
}

// headline picks a title from a text's first non-empty line, shortened when
// that line is really a paragraph. A first line of one or two words (a
// section label such as "NewsPolitics") is passed over for the next line of
// at least three words, among the first few lines, when that line reads like
// a headline (it does not end with a full stop).
func headline(text string) string {
	first := ""
	n := 0
	for line := range strings.SplitSeq(text, "\n") {
		line = cleanLine(line)
		if line == "" {
			continue
		}
		if first == "" {
			first = line
		}
		if len(strings.Fields(line)) >= 3 {
			if line == first || !strings.HasSuffix(line, ".") {
				return shortTitle(line)
			}
			break
		}
		if n++; n == 4 {
			break
		}
	}
	return shortTitle(first)
}

// shortTitle keeps titles to a readable length: a long line is cut to its
// first sentence, or at a word boundary, with an ellipsis.
func shortTitle(s string) string {
	const max = 200
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	if sents := splitSentences(s); len(sents) > 0 && utf8.RuneCountInString(sents[0]) <= max {
		return sents[0]
	}
	r := []rune(s)[:160]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > 80 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}
