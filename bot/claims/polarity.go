package claims

import "strings"

// auxiliaries skipped between a negation cue and its predicate.
var negSkip = setOf(`be been being is are was were have has had do does did any a an the yet ever fully always
entirely currently longer more`)

// negationClaims reads negated statements: the cue and up to three content
// stems of the predicate after it.
func negationClaims(s string, toks []token) []Claim {
	var out []Claim
	for i, t := range toks {
		if t.kind != tWord {
			continue
		}
		neg := negCues[t.low] || strings.HasSuffix(t.low, "n't")
		if !neg || t.low == "nor" || t.low == "neither" {
			continue
		}
		if t.low == "not" && i+1 < len(toks) && (toks[i+1].low == "only" || toks[i+1].low == "just" || toks[i+1].low == "every" || toks[i+1].low == "all") {
			continue // "not only", "not every": not a plain negation
		}
		if t.low == "no" && i+1 < len(toks) && (toks[i+1].low == "one" || toks[i+1].low == "doubt" || toks[i+1].text == "." || toks[i+1].kind == tNum) {
			continue // "No. 2" is a number sign
		}
		if t.cap && t.low == "no" && i+1 < len(toks) && toks[i+1].kind == tNum {
			continue
		}
		var pred []string
		end := i
		for k := i + 1; k < len(toks) && k <= i+7 && len(pred) < 3; k++ {
			tk := toks[k]
			if tk.kind == tPunct {
				break
			}
			if tk.kind != tWord || negSkip[tk.low] {
				continue
			}
			l := stripPossessive(tk.low)
			if stopWords[l] {
				if len(pred) > 0 && (l == "and" || l == "but" || l == "or" || l == "that" || l == "which") {
					break
				}
				continue
			}
			pred = append(pred, stem(l))
			end = k
		}
		if len(pred) == 0 {
			continue
		}
		if first := firstWordAfter(toks, i); first.cap {
			continue // "not Bhagat Singh": a name, not a predicate
		}
		a := i
		if a > 0 && toks[a-1].kind == tWord && (negSkip[toks[a-1].low] || toks[a-1].low == "will" || toks[a-1].low == "would") {
			a--
		}
		if v := verbAfter(toks, i); v > 0 {
			vs, w := verbStemAt(toks, v)
			if n := v + w; n >= len(toks) || toks[n].kind == tPunct || adjunctWords[toks[n].low] || weekdayWords[toks[n].low] {
				// an intransitive verb ("the alarm did not sound on Monday"):
				// its subject names the statement, not the time after it
				if h := subjectHead(toks, a); h >= 0 {
					out = append(out, Claim{Kind: KindPolarity, Text: s[toks[h].start:toks[n-1].end], Predicate: []string{stem(stripPossessive(toks[h].low)), vs}})
					continue
				}
			}
		}
		out = append(out, Claim{Kind: KindPolarity, Text: s[toks[a].start:toks[end].end], Predicate: pred})
	}
	return out
}

// firstWordAfter returns the first word token after i that is not an
// auxiliary.
func firstWordAfter(toks []token, i int) token {
	for k := i + 1; k < len(toks); k++ {
		if toks[k].kind == tWord && !negSkip[toks[k].low] {
			return toks[k]
		}
		if toks[k].kind == tPunct {
			break
		}
	}
	return token{}
}

// verbAfter returns the index of the first word after the negation at i
// that is not an auxiliary, when it is a bare verb after "did not", "does
// not" or "do not"; -1 otherwise.
func verbAfter(toks []token, i int) int {
	if i == 0 || (toks[i-1].low != "did" && toks[i-1].low != "does" && toks[i-1].low != "do") {
		if !strings.HasPrefix(toks[i].low, "didn") && !strings.HasPrefix(toks[i].low, "doesn") && !strings.HasPrefix(toks[i].low, "don") {
			return -1
		}
	}
	v := i + 1
	if v >= len(toks) || toks[v].kind != tWord || toks[v].cap || stopWords[toks[v].low] || negSkip[toks[v].low] {
		return -1
	}
	return v
}

// subjectHead returns the head noun of the clause's subject ending before
// token a ("The leak alarm at the plant did not ..." gives "alarm"): the
// last content word before the first preposition. It returns -1 for
// pronouns, names and clauses it cannot read.
func subjectHead(toks []token, a int) int {
	start := a - 1
	for start >= 0 && toks[start].kind == tWord && a-start <= 10 {
		start--
	}
	if start >= 0 && toks[start].kind == tWord {
		return -1 // too long to be read as one subject
	}
	start++
	if start >= a || start > 0 && toks[start-1].text == "'" {
		return -1
	}
	head := -1
	for k := start; k < a; k++ {
		t := toks[k]
		if t.kind != tWord {
			return -1
		}
		if pronouns[t.low] {
			return -1
		}
		if stopWords[t.low] {
			if head >= 0 {
				break // the preposition after the head
			}
			continue
		}
		if t.cap && !t.initial {
			return -1 // a named subject is compared as a name elsewhere
		}
		head = k
	}
	if head < 0 || weekdayWords[toks[head].low] {
		return -1
	}
	return head
}
