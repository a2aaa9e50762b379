package chat

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Measure is how a platform counts the length of one character: Slack
// counts characters (Runes), Discord UTF-16 code units (UTF16).
type Measure func(r rune) int

// Runes counts one per character.
func Runes(rune) int { return 1 }

// UTF16 counts UTF-16 code units: two for characters outside the Basic
// Multilingual Plane.
func UTF16(r rune) int {
	if n := utf16.RuneLen(r); n > 0 {
		return n
	}
	return 1
}

// Len is the length of s under m.
func Len(s string, m Measure) int {
	n := 0
	for _, r := range s {
		n += m(r)
	}
	return n
}

// prefixWithin returns the byte length of the longest prefix of s, on a
// character boundary, whose length under m is at most max.
func prefixWithin(s string, max int, m Measure) int {
	n := 0
	for i, r := range s {
		l := m(r)
		if n+l > max {
			return i
		}
		n += l
	}
	return len(s)
}

// Truncate shortens s to at most max under m, ending it with "…" when cut.
func Truncate(s string, max int, m Measure) string {
	if Len(s, m) <= max {
		return s
	}
	if max < 1 {
		return ""
	}
	return strings.TrimRight(s[:prefixWithin(s, max-1, m)], " \n") + "…"
}

// Split cuts s into pieces of at most max under m, preferring to cut after
// a line break, then after a sentence, then at a space, and only then
// inside a word (on a character boundary). White space at the cuts is
// dropped; no piece is empty, and an empty s gives no pieces.
func Split(s string, max int, m Measure) []string {
	if max < 2 {
		max = 2
	}
	s = strings.TrimSpace(s)
	var out []string
	for Len(s, m) > max {
		cut := cutPoint(s, max, m)
		if piece := strings.TrimRight(s[:cut], " \t\n"); piece != "" {
			out = append(out, piece)
		}
		s = strings.TrimLeft(s[cut:], " \t\n")
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// cutPoint picks where to cut s so that s[:cut] fits in max; cut > 0.
func cutPoint(s string, max int, m Measure) int {
	end := prefixWithin(s, max, m)
	if end == 0 {
		_, size := utf8.DecodeRuneInString(s)
		return size
	}
	head := s[:end]
	floor := end / 2 // never cut so early that pieces get tiny
	if i := strings.LastIndex(head, "\n"); i >= floor && i > 0 {
		return i + 1
	}
	best := -1
	for _, p := range []string{". ", "! ", "? ", "] "} {
		if i := strings.LastIndex(head, p); i > best {
			best = i
		}
	}
	if best >= floor && best > 0 {
		return best + 2
	}
	if i := strings.LastIndex(head, " "); i >= floor && i > 0 {
		return i + 1
	}
	return end
}
