package lang

import (
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Quantity is a figure read from text, normalised: a unit's figure is
// converted to its dimension's base unit (metres, seconds, kilograms), a
// currency keeps its own dimension ("money:USD") and is never converted, and
// hedges, ranges and rounding widen the figure into the interval [Lo, Hi]
// it stands for.
type Quantity struct {
	Value  float64
	Lo, Hi float64
	// Dim is the dimension: "" for a bare number (a count), "length",
	// "duration", "mass", "area", "speed", "percent", "age" or "money:CODE".
	Dim  string
	Unit string // the unit or currency as written, lower case
	// Hedge is the hedge kind before the figure (approx, below, min, above,
	// max, under), "range" for a range, or "".
	Hedge string
	// Start and End delimit the tokens of the figure, its scale, unit and
	// hedge: toks[Start:End].
	Start, End int
	// Head is the token of the noun the figure counts or measures ("crew"
	// in "22-member crew", "flights" in "46,000 scheduled flights"), or -1.
	// HeadWord is that noun, or the noun inside a hyphenated compound
	// ("member" in "22-member").
	Head     int
	HeadWord string
}

// Compatible reports whether two quantities can describe the same fact:
// same dimension and overlapping intervals.
func (q Quantity) Compatible(o Quantity) bool {
	if q.Dim != o.Dim {
		return false
	}
	return q.Lo <= o.Hi && o.Lo <= q.Hi
}

// figure is a number as written: its value, the power of ten of its last
// significant written digit, and what was glued to it.
type figure struct {
	value  float64
	place  float64 // 1 for "21", 0.1 for "8.5", 1000 for "46,000"
	suffix string
}

// parseFigure reads a numeral at the start of s: "1,200", "8.5", "800k",
// "10km", "30%", "88-foot". It reports false when s does not start with a
// digit or is a clock time, a fraction or a code.
func parseFigure(s string) (figure, bool) {
	i, digits, dot := 0, 0, -1
	for i < len(s) {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == ',' && dot < 0 && digits > 0 && i+4 <= len(s) && allDigits(s[i+1:i+4]) && (i+4 == len(s) || !isDigit(s[i+4])):
		case c == '.' && dot < 0 && digits > 0 && i+1 < len(s) && isDigit(s[i+1]):
			dot = i
		default:
			goto done
		}
		i++
	}
done:
	if digits == 0 {
		return figure{}, false
	}
	num := strings.ReplaceAll(s[:i], ",", "")
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return figure{}, false
	}
	f := figure{value: v, place: 1, suffix: s[i:]}
	if dot >= 0 {
		f.place = math.Pow(10, -float64(len(num)-strings.IndexByte(num, '.')-1))
	} else if v >= 1000 {
		// Trailing zeros of a large round figure are rounding: "46,000".
		for z := 1000.0; z <= v && math.Mod(v, z*10) == 0; z *= 10 {
			f.place = z * 10
		}
		if math.Mod(v, 1000) == 0 && f.place < 1000 {
			f.place = 1000
		}
	}
	if strings.HasPrefix(f.suffix, ":") || strings.HasPrefix(f.suffix, "/") {
		return figure{}, false // 1:30, 3/4
	}
	return f, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// NumberWord returns the value of a spelled-out number ("twenty-one",
// "three", "dozen").
func (l *Lang) NumberWord(w string) (float64, bool) {
	w = strings.ToLower(w)
	if v, ok := l.numbers[w]; ok && w != "a" && w != "an" {
		return v, true
	}
	if a, b, ok := strings.Cut(w, "-"); ok {
		x, ok1 := l.numbers[a]
		y, ok2 := l.numbers[b]
		if ok1 && ok2 && x >= 20 && x < 100 && y < 10 && y > 0 {
			return x + y, true
		}
	}
	return 0, false
}

// Quantities reads every figure in toks. Tokens marked in skip (dates and
// clock times already read) are not figures.
func (l *Lang) Quantities(toks []Token, skip []bool) []Quantity {
	var out []Quantity
	for i := 0; i < len(toks); i++ {
		if skip != nil && skip[i] {
			continue
		}
		q, ok := l.quantityAt(toks, i, skip)
		if !ok {
			continue
		}
		out = append(out, q)
		i = q.End - 1
	}
	// "eight of the 23 crew members": the first figure counts the second's noun.
	for k := 0; k+1 < len(out); k++ {
		a, b := &out[k], out[k+1]
		if a.Head < 0 && a.Dim == "" && b.Start-a.End <= 2 && b.Start > a.End && toks[a.End].Lower == "of" {
			a.Head, a.HeadWord = b.Head, b.HeadWord
		}
	}
	return out
}

// number reads one number at toks[i] (a numeral or a number word, with its
// scale words), returning its value, written precision, glued suffix and the
// index after it.
func (l *Lang) number(toks []Token, i int) (v, place float64, suffix string, end int, ok bool) {
	t := toks[i]
	if f, ok := parseFigure(t.Text); ok {
		v, place, suffix = f.value, f.place, f.suffix
		if sc, ok := l.scales[strings.ToLower(suffix)]; ok {
			v, place, suffix = v*sc, place*sc, ""
		}
	} else if w, ok := l.NumberWord(t.Lower); ok {
		v, place = w, 1
	} else if (t.Lower == "a" || t.Lower == "an") && i+1 < len(toks) {
		if _, ok := l.scales[toks[i+1].Lower]; !ok || len(toks[i+1].Lower) < 4 {
			return 0, 0, "", 0, false
		}
		v, place = 1, 1
	} else if a, b, ok := strings.Cut(t.Lower, "-"); ok {
		// "twenty-two-member"
		if w, ok := l.NumberWord(a); ok {
			v, place, suffix = w, 1, "-"+b
		} else if a2, b2, ok := strings.Cut(b, "-"); ok {
			if w, ok := l.NumberWord(a + "-" + a2); ok {
				v, place, suffix = w, 1, "-"+b2
			} else {
				return 0, 0, "", 0, false
			}
		} else {
			return 0, 0, "", 0, false
		}
	} else {
		return 0, 0, "", 0, false
	}
	end = i + 1
	if suffix == "" {
		for end < len(toks) {
			sc, ok := l.scales[toks[end].Lower]
			if !ok || len(toks[end].Lower) < 4 && !(place < 1 || v < 1000) {
				break
			}
			if len(toks[end].Lower) < 3 && toks[end].Lower != "bn" && toks[end].Lower != "mn" {
				break // a lone "m" or "k" after a space is a unit or a letter
			}
			v, place = v*sc, place*sc
			end++
		}
	}
	return v, place, suffix, end, true
}

func (l *Lang) quantityAt(toks []Token, i int, skip []bool) (Quantity, bool) {
	q := Quantity{Start: i, Head: -1}
	j := i
	// A currency written before the figure: "$", "US$", "€".
	if c, ok := l.currencies[toks[j].Lower]; ok && !toks[j].Word() || ok && j+1 < len(toks) && isDigit(firstByte(toks[j+1].Text)) && len(toks[j].Lower) == 3 {
		if j+1 < len(toks) {
			q.Dim, q.Unit = "money:"+c, toks[j].Lower
			j++
		}
	}
	v, place, suffix, end, ok := l.number(toks, j)
	if !ok {
		return Quantity{}, false
	}
	if skip != nil && skip[j] {
		return Quantity{}, false
	}
	// Codes and ordinals are not figures: "VX2", "19th", "737-8".
	if suffix != "" && !strings.HasPrefix(suffix, "-") {
		low := strings.ToLower(suffix)
		switch {
		case l.unitOK(low):
		case low == "st" || low == "nd" || low == "rd" || low == "th" || low == "s":
			return Quantity{}, false
		default:
			return Quantity{}, false
		}
	}
	// A bare year is a date, not a figure.
	if q.Dim == "" && suffix == "" && place == 1 && v >= 1900 && v <= 2100 && !strings.Contains(toks[j].Text, ",") && end == j+1 {
		if !(end < len(toks) && (toks[end].Noun() && !toks[end].Proper())) {
			return Quantity{}, false
		}
	}
	lo, hi := v-place/2*0.999, v+place/2*0.999
	if place <= 1 {
		lo, hi = v, v
	}
	q.Value, q.Lo, q.Hi = v, lo, hi
	// A range: "three or four", "1.7 to 1.9 billion", "between 20 and 30", "30-40".
	if end+1 < len(toks) && (toks[end].Lower == "or" || toks[end].Lower == "to" || toks[end].Lower == "-" || toks[end].Lower == "and" && i > 0 && toks[i-1].Lower == "between") && !(i > 0 && toks[i-1].Lower == "from") {
		cur := q.Dim
		k := end + 1
		if c, ok := l.currencies[toks[k].Lower]; ok && !toks[k].Word() && cur == "money:"+c {
			k++
		}
		if k < len(toks) {
			if v2, p2, s2, e2, ok := l.number(toks, k); ok && s2 == "" && v2 > v {
				// "1.7 to 1.9 billion": the scale after the second applies to the first.
				if v2 >= 1000*v && p2 > place {
					raw, ok := parseFigure(toks[k].Text)
					scale := 1.0
					if ok && raw.value > 0 {
						scale = v2 / raw.value
					} else if w, ok := l.NumberWord(toks[k].Lower); ok && w > 0 {
						scale = v2 / w
					}
					if scale > 1 {
						v, lo = v*scale, lo*scale
					}
				}
				q.Lo, q.Hi, q.Value, q.Hedge = v, v2, (v+v2)/2, "range"
				end = e2
			}
		}
	}
	// Units and currencies written after the figure.
	if s := strings.ToLower(strings.TrimPrefix(suffix, "-")); s != "" {
		switch {
		case s == "year-old" || s == "years-old" || s == "year" && end < len(toks) && toks[end].Lower == "old":
			q.Dim, q.Unit = "age", "years"
		case l.unitOK(s):
			u := l.units[s]
			q.Dim, q.Unit = u.dim, s
			q.Value, q.Lo, q.Hi = q.Value*u.factor, q.Lo*u.factor, q.Hi*u.factor
		case strings.HasPrefix(suffix, "-"):
			q.HeadWord = s // "22-member"
			q.Head = j
		}
	} else if end < len(toks) {
		if n, u, ok := l.unitAfter(toks, end); ok {
			if u.dim == "duration" && end+n < len(toks) && toks[end+n].Lower == "old" {
				q.Dim, q.Unit = "age", "years"
				end += n + 1
			} else {
				q.Dim, q.Unit = u.dim, phrase(toks[end:end+n])
				q.Value, q.Lo, q.Hi = q.Value*u.factor, q.Lo*u.factor, q.Hi*u.factor
				end += n
			}
		} else if c, ok := l.currencies[toks[end].Lower]; ok && toks[end].Word() && q.Dim == "" {
			q.Dim, q.Unit = "money:"+c, toks[end].Lower
			end++
		}
	}
	// "aged 38"
	if q.Dim == "" && i > 0 && toks[i-1].Lower == "aged" {
		q.Dim, q.Unit = "age", "years"
		q.Start = i - 1
	}
	q.End = end
	// Hedges before the figure (or before its currency symbol).
	for n := min(3, q.Start); n >= 1; n-- {
		if h, ok := l.hedges[phrase(toks[q.Start-n:q.Start])]; ok {
			if q.Hedge == "" {
				q.Hedge = h
				q.Lo, q.Hi = hedge(h, q.Value, q.Lo, q.Hi)
			}
			q.Start -= n
			break
		}
	}
	// The noun the figure counts or measures: skip modifiers, take the last
	// noun of the noun run that follows.
	if q.Head < 0 || q.Dim != "" {
		k := end
		// A share or a measure names what it is of: "25% of the region",
		// "38,000 litres of fuel".
		if q.Dim != "" && q.Dim != "age" && k+1 < len(toks) && toks[k].Lower == "of" {
			k++
			for k < len(toks) && (toks[k].Tag == "DT" || toks[k].Tag == "PRP$") {
				k++
			}
		}
		for k < len(toks) && k < end+3 && (toks[k].Adj() || toks[k].Tag == "VBN" || toks[k].Tag == "RB" && k == end) && !toks[k].Proper() {
			k++
		}
		head := -1
		for k < len(toks) && toks[k].Noun() && k < end+6 {
			if _, isUnit := l.units[toks[k].Lower]; isUnit {
				break
			}
			head = k
			k++
		}
		if head >= 0 {
			q.Head, q.HeadWord = head, toks[head].Lower
		}
	}
	if q.HeadWord == "" && q.Head >= 0 {
		q.HeadWord = toks[q.Head].Lower
	}
	// "one" alone is a pronoun ("one of them", "no one"), not a figure.
	if q.Dim == "" && q.Head < 0 && q.Hedge == "" && q.End == j+1 && (toks[j].Lower == "one") {
		return Quantity{}, false
	}
	return q, true
}

// unitAfter reads a unit word or phrase at toks[i].
func (l *Lang) unitAfter(toks []Token, i int) (int, unit, bool) {
	for n := min(3, len(toks)-i); n >= 1; n-- {
		if u, ok := l.units[phrase(toks[i:i+n])]; ok {
			return n, u, true
		}
	}
	return 0, unit{}, false
}

func (l *Lang) unitOK(s string) bool {
	_, ok := l.units[s]
	return ok
}

func firstByte(s string) byte {
	if s == "" {
		return 0
	}
	return s[0]
}

// hedge widens [lo, hi] around v by a hedge kind.
func hedge(kind string, v, lo, hi float64) (float64, float64) {
	switch kind {
	case "approx":
		return math.Min(lo, v*0.9), math.Max(hi, v*1.1)
	case "below":
		return v * 0.8, v
	case "min":
		return lo, math.Inf(1)
	case "above":
		return v, math.Inf(1)
	case "max":
		return 0, hi
	case "under":
		return 0, v
	}
	return lo, hi
}

// IsNumeral reports whether a token is written with digits or is a number word.
func (l *Lang) IsNumeral(t Token) bool {
	if _, ok := parseFigure(t.Text); ok {
		return true
	}
	_, ok := l.NumberWord(t.Lower)
	return ok
}

// HasDigit reports whether s holds a digit.
func HasDigit(s string) bool {
	return strings.IndexFunc(s, unicode.IsDigit) >= 0
}

// Shares reads the shares a hedged word of completion states: "nearly
// finished" is just under 100%, "about half built" needs no rule (a figure
// reads it), "close to completion" is "close to" 100%. Each is a percent
// Quantity spanning the hedge and the word.
func (l *Lang) Shares(toks []Token) []Quantity {
	var out []Quantity
	for i := 1; i < len(toks); i++ {
		if !l.complete[toks[i].Lower] {
			continue
		}
		for n := min(l.maxPhrase, i); n >= 1; n-- {
			kind, ok := l.hedges[phrase(toks[i-n:i])]
			if !ok {
				continue
			}
			lo, hi := hedge(kind, 100, 100, 100)
			out = append(out, Quantity{Value: 100, Lo: lo, Hi: math.Min(hi, 100), Dim: "percent", Hedge: kind, Start: i - n, End: i + 1, Head: -1})
			break
		}
	}
	return out
}
