package retrieval

import (
	"encoding/json"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// fastRecord decodes one line of a feed into a record exactly as
// encoding/json would, for the common shape of an article line: one object
// whose keys are plain ASCII and whose values are strings, numbers, true,
// false or null, with nothing after it but white space. encoding/json scans
// a line twice through a state machine; this reads it once. Anything else
// (another shape, an error to report, a string with a broken escape or
// invalid UTF-8, which encoding/json would repair) makes ok false, and the
// caller uses encoding/json. FuzzFastRecord holds it to encoding/json.
func fastRecord(line string) (r record, ok bool) {
	p := jsonScan{s: line}
	p.space()
	if !p.byte('{') {
		return r, false
	}
	p.space()
	if p.byte('}') {
		return r, p.end()
	}
	for {
		p.space()
		key, ok := p.plainKey()
		if !ok {
			return r, false
		}
		p.space()
		if !p.byte(':') {
			return r, false
		}
		p.space()
		text, isID := r.field(key)
		start := p.i
		if p.i < len(p.s) && p.s[p.i] == '"' {
			v, ok := p.str()
			if !ok {
				return r, false
			}
			if text != nil {
				*text = v
			}
		} else {
			kind, ok := p.scalar()
			if !ok || (text != nil && kind != 'n') {
				// A number or boolean for a text field is an error to report.
				return r, false
			}
		}
		if isID {
			r.ID = json.RawMessage(p.s[start:p.i])
		}
		p.space()
		if p.byte('}') {
			return r, p.end()
		}
		if !p.byte(',') {
			return r, false
		}
	}
}

// field returns where the value of key goes: the text field it names, or
// isID for the id (kept raw). Keys match field names regardless of case, as
// encoding/json matches them (the key is ASCII here).
func (r *record) field(key string) (text *string, isID bool) {
	switch {
	case strings.EqualFold(key, "id"):
		return nil, true
	case strings.EqualFold(key, "title"):
		return &r.Title, false
	case strings.EqualFold(key, "outlet"):
		return &r.Outlet, false
	case strings.EqualFold(key, "url"):
		return &r.URL, false
	case strings.EqualFold(key, "published"):
		return &r.Published, false
	case strings.EqualFold(key, "date"):
		return &r.Date, false
	case strings.EqualFold(key, "text"):
		return &r.Text, false
	case strings.EqualFold(key, "body"):
		return &r.Body, false
	case strings.EqualFold(key, "content"):
		return &r.Content, false
	}
	return nil, false
}

// jsonScan reads JSON from s at i.
type jsonScan struct {
	s string
	i int
}

func (p *jsonScan) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonScan) byte(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// end reports whether only white space follows.
func (p *jsonScan) end() bool {
	p.space()
	return p.i == len(p.s)
}

// plainKey reads a key of printable ASCII without escapes.
func (p *jsonScan) plainKey() (string, bool) {
	if !p.byte('"') {
		return "", false
	}
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return p.s[start : p.i-1], true
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return "", false
		}
		p.i++
	}
	return "", false
}

// str reads a string at p.i (its opening quote). Escapes are decoded; an
// invalid one, a lone surrogate, a control character or invalid UTF-8
// gives false.
func (p *jsonScan) str() (string, bool) {
	p.i++
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			// A copy: a substring would keep the whole file in memory as
			// long as the article (measured: 50 MB more at 20,000).
			return strings.Clone(p.s[start : p.i-1]), true
		case c == '\\':
			return p.escaped(start)
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(p.s[p.i:])
			if r == utf8.RuneError && n == 1 {
				return "", false
			}
			p.i += n
			continue
		}
		p.i++
	}
	return "", false
}

// escaped continues str at the first backslash, building the value.
func (p *jsonScan) escaped(start int) (string, bool) {
	// The value is no longer than its JSON: size the buffer to the
	// string's end.
	end := p.i
	for end < len(p.s) && p.s[end] != '"' {
		if p.s[end] == '\\' {
			end++
		}
		end++
	}
	var b strings.Builder
	b.Grow(min(end, len(p.s)) - start)
	b.WriteString(p.s[start:p.i])
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), true
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(p.s[p.i:])
			if r == utf8.RuneError && n == 1 {
				return "", false
			}
			b.WriteString(p.s[p.i : p.i+n])
			p.i += n
			continue
		case c != '\\':
			b.WriteByte(c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.s) {
			return "", false
		}
		e := p.s[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", false
			}
			if utf16.IsSurrogate(r) {
				// Only a valid pair is decoded here.
				if !strings.HasPrefix(p.s[p.i:], `\u`) {
					return "", false
				}
				p.i += 2
				r2, ok := p.hex4()
				if !ok {
					return "", false
				}
				if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
					return "", false
				}
			}
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	return "", false
}

func (p *jsonScan) hex4() (rune, bool) {
	if p.i+4 > len(p.s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(p.s[p.i : p.i+4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	p.i += 4
	return r, true
}

// scalar reads a number, true, false or null; kind is 'd', 't', 'f' or 'n'.
func (p *jsonScan) scalar() (kind byte, ok bool) {
	for _, lit := range [...]string{"true", "false", "null"} {
		if strings.HasPrefix(p.s[p.i:], lit) {
			p.i += len(lit)
			return lit[0], true
		}
	}
	// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
	digits := func() int {
		n := 0
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	p.byte('-')
	switch {
	case p.byte('0'):
	case digits() == 0:
		return 0, false
	}
	if p.byte('.') && digits() == 0 {
		return 0, false
	}
	if p.byte('e') || p.byte('E') {
		if !p.byte('+') {
			p.byte('-')
		}
		if digits() == 0 {
			return 0, false
		}
	}
	return 'd', true
}
