package claims

import (
	"math"
	"strconv"
	"strings"
)

var numberWords = map[string]float64{
	"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
	"eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
	"seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}

var scaleWords = map[string]float64{
	"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
	"bn": 1e9, "mn": 1e6, "mln": 1e6, "tn": 1e12,
}

// vague plural quantities: "thousands of", "dozens of".
var vagueWords = map[string][2]float64{
	"dozens": {24, 144}, "scores": {40, 200}, "hundreds": {200, 999}, "thousands": {2000, 9999},
	"millions": {2e6, 999e6}, "billions": {2e9, 999e9},
}

// hedgeWords are single words that may start a hedge; used to keep them out
// of content terms.
var hedgeWords = setOf(`approximately roughly nearly almost estimated around some about over above upwards
excess least most fewer less below under`)

var currencyWords = map[string]string{
	"euro": "EUR", "euros": "EUR", "eur": "EUR", "dollar": "USD", "dollars": "USD", "usd": "USD",
	"pound": "GBP", "pounds": "GBP", "gbp": "GBP", "sterling": "GBP", "yen": "JPY", "jpy": "JPY",
	"yuan": "CNY", "renminbi": "CNY", "rupee": "INR", "rupees": "INR", "franc": "CHF", "francs": "CHF",
	"rouble": "RUB", "roubles": "RUB", "ruble": "RUB", "rubles": "RUB", "hryvnia": "UAH", "hryvnias": "UAH",
}

var currencySyms = map[string]string{"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}

var monthWords = setOf(`january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec`)

var weekdayWords = setOf(`monday tuesday wednesday thursday friday saturday sunday`)

// updateCues mark a figure the article presents as a change over time.
var updateCues = setOf(`rose risen climbed increased grew jumped fell declined revised raised lowered updated upped
surged soared plunged dropped change changes increase increases decrease decreases decline growth`)

// Number is a quantity read from a sentence, as a range of possible values.
type Number struct {
	// Low and High bound the value; High is +Inf for "more than".
	Low, High float64
	// Value is the figure as written, normalised (e.g. 800000).
	Value float64
	// Hedge is the hedge phrase, e.g. "at least", or "".
	Hedge string
	// Unit is "%", a currency code such as "USD", or the stem of the counted
	// noun ("force" for "800,000 troops"); "" when unknown.
	Unit string
	// Noun is the counted noun or, for a percentage, the base ("of the region").
	Noun string
	// Of is the material counted, for units other than "%" ("tonnes of
	// grain" has Of "grain").
	Of string
	// Local holds the folded proper names in the figure's clause ("at St
	// Mary's"), which tell apart figures about different places or bodies.
	Local []string `json:"local,omitempty"`
	// Update is true when the sentence presents the figure as a change.
	Update bool
	// Text is the phrase as written, e.g. "about 10 percent of Donbas".
	Text string
}

// parseNum parses a digit token such as "800,000" or "1.5".
func parseNum(s string) (float64, bool) {
	s = strings.ReplaceAll(s, ",", "")
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// wordNumber parses number words, including hyphenated ones ("twenty-five").
func wordNumber(low string) (float64, bool) {
	if v, ok := numberWords[low]; ok {
		return v, true
	}
	if a, b, ok := strings.Cut(low, "-"); ok {
		va, oka := numberWords[a]
		vb, okb := numberWords[b]
		if oka && okb && va >= 20 && vb < 10 {
			return va + vb, true
		}
	}
	return 0, false
}

// numbers reads the quantities of a sentence.
func numbers(s string, toks []token) []Number {
	var out []Number
	update := false
	for _, t := range toks {
		if t.kind == tWord && updateCues[t.low] {
			update = true
		}
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		var lo, hi, v float64
		start, end := i, i
		switch {
		case t.kind == tNum:
			val, ok := parseNum(t.text)
			if !ok || skipNumber(toks, i, val) {
				continue
			}
			v, lo, hi = val, val, val
			// range "10-15", "10 to 15", "between 10 and 15"
			between := i > 0 && toks[i-1].low == "between"
			if i+2 < len(toks) && toks[i+2].kind == tNum && (toks[i+1].text == "-" || toks[i+1].text == "–" || toks[i+1].low == "to" || (between && toks[i+1].low == "and")) {
				if v2, ok := parseNum(toks[i+2].text); ok && v2 > v {
					hi = v2
					end = i + 2
				}
			}
		case t.kind == tWord:
			if r, ok := vagueWords[t.low]; ok {
				// "tens of thousands", "hundreds of thousands"
				if (t.low == "tens" || t.low == "hundreds") && i+2 < len(toks) && toks[i+1].low == "of" {
					if sc, ok := scaleWords[strings.TrimSuffix(toks[i+2].low, "s")]; ok {
						m := 10.0
						if t.low == "hundreds" {
							m = 100
						}
						v, lo, hi = 2*m*sc, 2*m*sc, 10*m*sc-1
						end = i + 2
						break
					}
				}
				v, lo, hi = r[0], r[0], r[1]
				break
			}
			if t.low == "tens" {
				continue
			}
			val, ok := wordNumber(t.low)
			if !ok {
				continue
			}
			if t.low == "hundred" && i > 0 && (toks[i-1].low == "a" || toks[i-1].low == "one") {
				start = i - 1
			}
			v, lo, hi = val, val, val
		default:
			continue
		}
		// scale word
		if end+1 < len(toks) {
			n := toks[end+1]
			if sc, ok := scaleWords[n.low]; ok {
				v, lo, hi = v*sc, lo*sc, hi*sc
				end++
			} else if glued(toks, end) && (n.low == "m" || n.low == "k" || n.low == "b") {
				sc := map[string]float64{"m": 1e6, "k": 1e3, "b": 1e9}[n.low]
				v, lo, hi = v*sc, lo*sc, hi*sc
				end++
			}
		}
		num := Number{Value: v, Low: lo, High: hi, Update: update}
		// currency before
		if start > 0 {
			p := toks[start-1]
			if c, ok := currencySyms[p.text]; ok {
				num.Unit = c
				start--
				if start > 0 && glued(toks, start-1) && toks[start-1].kind == tWord && len(toks[start-1].low) <= 3 {
					start-- // US$, A$
				}
			} else if p.kind == tWord && (p.text == "EUR" || p.text == "USD" || p.text == "GBP") {
				num.Unit = p.text
				start--
			}
		}
		// unit after
		j := end + 1
		if j < len(toks) {
			n := toks[j]
			switch {
			case n.text == "%":
				num.Unit = "%"
				end = j
			case n.low == "percent" || n.low == "pc":
				num.Unit = "%"
				end = j
			case n.low == "per" && j+1 < len(toks) && toks[j+1].low == "cent":
				num.Unit = "%"
				end = j + 1
			case currencyWords[n.low] != "" && num.Unit == "":
				num.Unit = currencyWords[n.low]
				end = j
			}
		}
		if num.Unit == "%" {
			// base: "of (the) region"
			k := end + 1
			if k < len(toks) && toks[k].low == "of" {
				k++
				for k < len(toks) && (toks[k].low == "the" || toks[k].low == "its" || toks[k].low == "their" || toks[k].low == "all") {
					k++
				}
				if k < len(toks) && toks[k].kind == tWord && !stopWords[toks[k].low] {
					num.Noun = stem(toks[k].low)
					end = k
				}
			}
		} else if num.Unit == "" {
			// counted noun: the next word, skipping one adjective-like word
			k := end + 1
			for hops := 0; k < len(toks) && hops < 2; hops++ {
				n := toks[k]
				if n.kind != tWord || stopWords[n.low] || n.low == "of" {
					break
				}
				if hops == 0 && k+1 < len(toks) && toks[k+1].kind == tWord && !stopWords[toks[k+1].low] && (strings.HasSuffix(n.low, "ian") || strings.HasSuffix(n.low, "al") || strings.HasSuffix(n.low, "ed") || n.cap) {
					k++
					continue
				}
				if len(n.low) < 3 {
					break // "sq", "km": abbreviations are not counted nouns
				}
				num.Noun = stem(n.low)
				num.Unit = num.Noun
				end = k
				break
			}
		}
		if num.Unit != "%" && end+2 < len(toks) && toks[end+1].low == "of" {
			k := end + 2
			definite := false
			for k < len(toks) && (toks[k].low == "the" || toks[k].low == "its" || toks[k].low == "their") {
				definite = definite || toks[k].low == "the"
				k++
			}
			// "of the chemical" refers back to a material named before: it
			// does not tell which one, so it is left open
			anaphor := definite && k < len(toks) && !toks[k].cap && (k+1 >= len(toks) || toks[k+1].kind != tWord || stopWords[toks[k+1].low])
			if k < len(toks) && toks[k].kind == tWord && !stopWords[toks[k].low] && vagueWords[toks[k].low][0] == 0 && !anaphor {
				num.Of = stem(toks[k].low)
			}
		}
		// hedge before
		num.Hedge, start = hedgeBefore(toks, start)
		applyHedge(&num)
		num.Text = s[toks[start].start:toks[end].end]
		num.Local = localNames(toks, start, end)
		out = append(out, num)
		i = end
	}
	return out
}

// skipNumber reports digit tokens that are not quantities: years, parts of
// dates and times, ordinals, labels ("Article 5") and modifiers ("10-year").
func skipNumber(toks []token, i int, v float64) bool {
	t := toks[i]
	prev := func(k int) token {
		if i-k >= 0 {
			return toks[i-k]
		}
		return token{}
	}
	next := func(k int) token {
		if i+k < len(toks) {
			return toks[i+k]
		}
		return token{}
	}
	p, n := prev(1), next(1)
	if monthWords[p.low] || monthWords[n.low] || monthWords[strings.TrimSuffix(n.low, ".")] {
		return true
	}
	if n.text == ":" && next(2).kind == tNum && glued(toks, i) {
		return true // time
	}
	if glued(toks, i) && (n.low == "st" || n.low == "nd" || n.low == "rd" || n.low == "th" || n.low == "am" || n.low == "pm" || n.low == "a.m" || n.low == "p.m") {
		return true
	}
	if i > 1 && glued(toks, i-1) && glued(toks, i-2) && p.text == "-" && prev(2).kind == tWord {
		return true // a model or a name: "COVID-19", "F-16"
	}
	if i > 0 && glued(toks, i-1) && (p.text == ":" || p.text == "+" || p.kind == tWord) {
		return true // part of a time stamp or code: "02:40", "IST2025"
	}
	if glued(toks, i) && n.kind == tWord && scaleWords[n.low] == 0 && n.low != "m" && n.low != "k" && n.low != "b" && n.low != "pc" {
		return true // "12T02", "5th"
	}
	if n.kind == tWord && n.cap && next(2).kind == tWord && next(2).cap {
		return true // an address or a name: "10 Downing Street"
	}
	if glued(toks, i) && (n.text == "-" || n.text == "/") && next(2).kind != tNum && glued(toks, i+1) {
		return true // "10-year", "20-point"
	}
	if glued(toks, i) && (n.text == "/" || n.text == "-") && next(2).kind == tNum && len(t.text) == 4 {
		return true // 2025-12-15
	}
	if i > 1 && glued(toks, i-1) && (p.text == "–" || p.text == "—") && prev(2).kind == tNum {
		return true // "1901–02"
	}
	if i > 1 && glued(toks, i-1) && (p.text == "/" || p.text == "-") && prev(2).kind == tNum && len(prev(2).text) == 4 {
		return true // month of 2025-12-15
	}
	if i > 0 && glued(toks, i-1) && (p.text == "/" || p.text == "-") && prev(2).kind == tNum {
		return !(p.text == "-")
	}
	if !strings.Contains(t.text, ",") && !strings.Contains(t.text, ".") && v >= 1900 && v <= 2100 {
		if _, ok := currencySyms[p.text]; !ok && n.text != "%" && n.low != "percent" && scaleWords[n.low] == 0 {
			return true // a year
		}
	}
	if p.kind == tWord && p.cap && !p.initial && !hedgeWords[p.low] && currencyWords[p.low] == "" && p.text != "EUR" && p.text != "USD" && p.text != "GBP" {
		return true // label: "Article 5", "Flight 370"
	}
	if p.kind == tWord && p.cap && len(p.text) > 1 && strings.ToUpper(p.text) == p.text && glued(toks, i-1) {
		return true // "MI6", "G7"
	}
	return false
}

var hedgePhrases = []struct {
	words []string
	name  string
}{
	{[]string{"at", "least"}, "at least"}, {[]string{"no", "fewer", "than"}, "at least"}, {[]string{"no", "less", "than"}, "at least"},
	{[]string{"more", "than"}, "more than"}, {[]string{"upwards", "of"}, "more than"}, {[]string{"in", "excess", "of"}, "more than"},
	{[]string{"just", "over"}, "more than"}, {[]string{"over"}, "more than"}, {[]string{"above"}, "more than"},
	{[]string{"up", "to"}, "up to"}, {[]string{"as", "many", "as"}, "up to"}, {[]string{"as", "much", "as"}, "up to"},
	{[]string{"at", "most"}, "up to"}, {[]string{"no", "more", "than"}, "up to"},
	{[]string{"less", "than"}, "less than"}, {[]string{"fewer", "than"}, "less than"}, {[]string{"under"}, "less than"},
	{[]string{"below"}, "less than"}, {[]string{"just", "under"}, "nearly"},
	{[]string{"nearly"}, "nearly"}, {[]string{"almost"}, "nearly"}, {[]string{"close", "to"}, "nearly"},
	{[]string{"an", "estimated"}, "about"}, {[]string{"the", "estimated"}, "about"}, {[]string{"estimated"}, "about"},
	{[]string{"about"}, "about"}, {[]string{"around"}, "about"}, {[]string{"roughly"}, "about"},
	{[]string{"approximately"}, "about"}, {[]string{"approx"}, "about"}, {[]string{"some"}, "about"},
	{[]string{"~"}, "about"}, {[]string{"circa"}, "about"}, {[]string{"between"}, "between"},
}

// hedgeBefore finds a hedge phrase ending just before token start.
func hedgeBefore(toks []token, start int) (string, int) {
	for _, h := range hedgePhrases {
		n := len(h.words)
		if start-n < 0 {
			continue
		}
		ok := true
		for k, w := range h.words {
			if toks[start-n+k].low != w {
				ok = false
				break
			}
		}
		if ok {
			return h.name, start - n
		}
	}
	return "", start
}

func applyHedge(n *Number) {
	switch n.Hedge {
	case "at least":
		n.High = math.Inf(1)
	case "more than":
		n.High = math.Inf(1)
	case "up to", "less than":
		n.Low = 0
	case "nearly":
		n.Low = n.Low * 0.9
	case "about":
		n.Low, n.High = n.Low*0.9, n.High*1.1
	}
}

// Overlap reports whether two quantities can both be true: their ranges
// overlap, allowing for rounding.
func (n Number) Overlap(o Number) bool {
	tol := 0.005 * math.Max(math.Abs(n.Value), math.Abs(o.Value))
	return n.Low <= o.High+tol && o.Low <= n.High+tol
}

// localNames returns the folded proper names of the clause around tokens
// a..b: capitalised words that are not sentence-initial, not dates and not
// adjectives of nationality ("Russian", "Chinese").
func localNames(toks []token, a, b int) []string {
	lo, hi := a, b
	for lo > 0 && !clauseBreak(toks[lo-1]) {
		lo--
	}
	for hi+1 < len(toks) && !clauseBreak(toks[hi+1]) {
		hi++
	}
	var out []string
	for k := lo; k <= hi; k++ {
		t := toks[k]
		if t.kind != tWord || !t.cap || t.initial || (k >= a && k <= b) {
			continue
		}
		l := stripPossessive(t.low)
		if monthWords[l] || weekdayWords[l] || notNameWords[l] || roleFirstWords[l] || titleWords[l] {
			continue
		}
		if strings.HasSuffix(l, "ian") || strings.HasSuffix(l, "ean") || strings.HasSuffix(l, "ese") || strings.HasSuffix(l, "ish") {
			continue
		}
		out = append(out, FoldName(l))
	}
	return out
}

func clauseBreak(t token) bool {
	return t.kind == tPunct && (t.text == "," || t.text == ";" || t.text == ":" || t.text == "(" || t.text == ")" || t.text == "—")
}
