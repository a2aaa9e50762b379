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
