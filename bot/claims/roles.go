package claims

import (
	"strings"
)

// roleDef is a role noun phrase. Single roles have one holder at a time
// within one organisation or country, so two different names for it conflict.
type roleDef struct {
	words  []string
	canon  string
	single bool
}

var roleDefs = func() []roleDef {
	raw := []struct {
		phrase, canon string
		single        bool
	}{
		{"secretary general", "secretary general", true}, {"secretary-general", "secretary general", true},
		{"prime minister", "prime minister", true}, {"vice president", "vice president", true},
		{"vice-president", "vice president", true}, {"president", "president", true}, {"premier", "premier", true},
		{"chancellor", "chancellor", true}, {"foreign minister", "foreign minister", true},
		{"defence minister", "defence minister", true}, {"defense minister", "defence minister", true},
		{"finance minister", "finance minister", true}, {"interior minister", "interior minister", true},
		{"justice minister", "justice minister", true}, {"health minister", "health minister", true},
		{"energy minister", "energy minister", true}, {"economy minister", "economy minister", true},
		{"foreign secretary", "foreign secretary", true}, {"home secretary", "home secretary", true},
		{"defence secretary", "defence secretary", true}, {"defense secretary", "defence secretary", true},
		{"secretary of state", "secretary of state", true}, {"attorney general", "attorney general", true},
		{"high representative", "high representative", true},
		{"chief executive officer", "chief executive", true}, {"chief executive", "chief executive", true},
		{"ceo", "chief executive", true}, {"chief operating officer", "chief operating officer", true},
		{"chief financial officer", "chief financial officer", true}, {"cfo", "chief financial officer", true},
		{"director general", "director general", true}, {"director-general", "director general", true},
		{"chief of staff", "chief of staff", true}, {"police chief", "police chief", true}, {"fire chief", "fire chief", true},
		{"head coach", "head coach", true}, {"chief", "chief", true}, {"head", "head", true}, {"director", "director", true},
		{"chairman", "chair", true}, {"chairwoman", "chair", true}, {"chairperson", "chair", true}, {"chair", "chair", true},
		{"governor", "governor", true}, {"mayor", "mayor", true}, {"king", "king", true}, {"queen", "queen", true},
		{"speaker", "speaker", true}, {"commander-in-chief", "commander in chief", true},
		{"commander in chief", "commander in chief", true}, {"coach", "coach", true}, {"manager", "manager", true},
		{"headteacher", "headteacher", true}, {"principal", "principal", true},
		{"spokesman", "spokesperson", false}, {"spokeswoman", "spokesperson", false}, {"spokesperson", "spokesperson", false},
		{"special envoy", "envoy", false}, {"envoy", "envoy", false}, {"ambassador", "ambassador", false},
		{"minister", "minister", false}, {"adviser", "adviser", false}, {"advisor", "adviser", false},
		{"commander", "commander", false}, {"official", "official", false},
		{"coordinator", "coordinator", true}, {"co-ordinator", "coordinator", true}, {"commissioner", "commissioner", true},
		{"superintendent", "superintendent", true}, {"administrator", "administrator", true},
		{"treasurer", "treasurer", true}, {"ombudsman", "ombudsman", true}, {"ombudsperson", "ombudsman", true},
		{"sheriff", "sheriff", true}, {"warden", "warden", true}, {"registrar", "registrar", true},
	}
	out := make([]roleDef, len(raw))
	for i, r := range raw {
		out[i] = roleDef{words: strings.Fields(r.phrase), canon: r.canon, single: r.single}
	}
	return out
}()

var roleFirstWords = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range roleDefs {
		for _, w := range r.words {
			m[w] = true
		}
	}
	return m
}()

// lowerRoles may be written in lower case between an organisation and a
// name ("the Harbour Board spokesman Tim Roe", "Acme chief executive Ann
// Lee"); others ("speaker", "manager") are too often plain nouns.
var lowerRoles = setOf(`chief chief_executive spokesperson chair director head secretary_general president
mayor governor minister envoy ambassador police_chief fire_chief director_general prime_minister
foreign_minister chief_financial_officer chief_operating_officer high_representative`)

// pastContext words before a role place its holder in another time: "under
// President X", "during the tenure of".
var pastContext = setOf(`under during until since`)

// timeQualifiers mark a role held at another time than the story's.
var timeQualifiers = setOf(`former ex ex- then late outgoing incoming acting interim deputy future previous onetime
one-time erstwhile designate elect president-elect predecessor successor retired`)

// roleChange words say a role is changing hands; a bucket that holds one is
// not a dispute but a succession.
var roleChange = setOf(`sacked fired dismissed ousted resigned resigns replaced replaces replacing succeeded succeeds
appointed appoints named elected sworn retired retires quit quits successor predecessor outgoing incoming
interim acting caretaker took takes newly stepped steps`)

// notNameWords are capitalised words that never start or make a person name.
var notNameWords = setOf(`the a an this that these those his her its their our my your in on at of for and or but
with by from to as if while when after before during meanwhile however despite although also said says according
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december`)

// matchRole returns the role starting at token i and its length in tokens.
func matchRole(toks []token, i int) (roleDef, int, bool) {
	for _, r := range roleDefs {
		n := len(r.words)
		if i+n > len(toks) {
			continue
		}
		ok := true
		for k, w := range r.words {
			if stripPossessive(toks[i+k].low) != w || toks[i+k].kind != tWord {
				ok = false
				break
			}
		}
		if ok {
			return r, n, true
		}
	}
	return roleDef{}, 0, false
}

// isNameWord reports whether token t can be part of a person's name.
func isNameWord(t token) bool {
	if t.kind != tWord || !t.cap {
		return false
	}
	l := stripPossessive(t.low)
	if notNameWords[l] || roleFirstWords[l] || monthWords[l] {
		return false
	}
	// all-caps acronyms (NATO, EU) are organisations, not people
	if len(t.text) > 1 && strings.ToUpper(t.text) == t.text {
		return false
	}
	return true
}

// nameAt reads a person name (1-3 capitalised words, titles skipped) starting
// at token i; it returns the name, the index after it, and whether the last
// word carried a possessive.
func nameAt(toks []token, i int) (string, int, bool) {
	for i < len(toks) && toks[i].kind == tWord && titleWords[toks[i].low] && toks[i].cap {
		i++
		if i < len(toks) && toks[i].text == "." {
			i++
		}
	}
	var words []string
	j := i
	poss := false
	for j < len(toks) && len(words) < 3 && isNameWord(toks[j]) {
		words = append(words, toks[j].text)
		j++
		if isPossessive(toks[j-1].low) {
			poss = true
			break
		}
	}
	if len(words) == 0 {
		return "", i, false
	}
	return strings.Join(words, " "), j, poss
}

// qualifierBefore reads the organisation or country words just before the
// role at token i ("NATO", "U.S.", "the company's"), and whether a time
// qualifier ("former") precedes.
func qualifierBefore(toks []token, i int) (string, bool) {
	var q []string
	former := false
	for k := i - 1; k >= 0 && len(q) < 3; k-- {
		t := toks[k]
		if t.kind != tWord {
			break
		}
		l := stripPossessive(t.low)
		if timeQualifiers[l] || strings.HasPrefix(l, "ex-") || (l == "new" && !t.cap) {
			former = true // "former", "new head coach": another time
			break
		}
		if notNameWords[l] || roleFirstWords[l] {
			if l == "the" && k > 0 && timeQualifiers[toks[k-1].low] {
				former = true
			}
			break
		}
		if !t.cap && !isPossessive(t.low) {
			break
		}
		q = append([]string{qualKey(t.low)}, q...)
		if isPossessive(t.low) {
			// "Z's Y": stop after the possessor
			if k > 0 && timeQualifiers[toks[k-1].low] {
				former = true
			}
			break
		}
	}
	if !former && i-len(q)-1 >= 0 {
		l := toks[i-len(q)-1].low
		if timeQualifiers[l] || pastContext[l] {
			former = true // "under US President X": another time
		}
		if l == "the" && i-len(q)-2 >= 0 && pastContext[toks[i-len(q)-2].low] {
			former = true
		}
	}
	return strings.Join(q, " "), former
}

// qualKey normalises a qualifier word so that country names and their
// adjectives tend to meet ("Ukrainian"/"Ukraine's", "U.S."/"US").
func qualKey(low string) string {
	low = stripPossessive(low)
	low = strings.ReplaceAll(low, ".", "")
	if len(low) > 5 {
		low = low[:5]
	}
	return low
}

// roleClaims reads role-person pairs from a sentence.
func roleClaims(s string, toks []token) []Claim {
	out := roleClaimsRaw(s, toks)
	if len(out) == 0 {
		return nil
	}
	for _, t := range toks {
		if roleChange[t.low] {
			for i := range out {
				out[i].Changing = true
			}
			break
		}
	}
	return out
}

func roleClaimsRaw(s string, toks []token) []Claim {
	var out []Claim
	for i := 0; i < len(toks); i++ {
		if toks[i].kind != tWord || !roleFirstWords[stripPossessive(toks[i].low)] {
			continue
		}
		r, n, ok := matchRole(toks, i)
		if !ok {
			continue
		}
		end := i + n
		// Pattern A: "[Q] Role Name" (title case role)
		prevQual := i > 0 && toks[i-1].kind == tWord && ((toks[i-1].cap && !toks[i-1].initial) || isPossessive(toks[i-1].low)) && !notNameWords[stripPossessive(toks[i-1].low)] && lowerRoles[strings.ReplaceAll(r.canon, " ", "_")]
		if (toks[i].cap || prevQual) && !isPossessive(toks[end-1].low) {
			if name, j, _ := nameAt(toks, end); name != "" {
				q, former := qualifierBefore(toks, i)
				start := i - len(strings.Fields(q))
				if start < 0 {
					start = 0
				}
				c := roleClaim(s, toks, start, j, r, q, name, former)
				c.RoleText = s[toks[start].start:toks[end-1].end]
				out = append(out, c)
				i = j - 1
				continue
			}
		}
		// Pattern C: "the [Q] role, Name," — role then comma then name
		if end+1 < len(toks) && toks[end].text == "," {
			if name, j, _ := nameAt(toks, end+1); name != "" && (j >= len(toks) || toks[j].kind == tPunct) {
				q, former := qualifierBefore(toks, i)
				q2 := ofQualifier(toks, end)
				if q == "" {
					q = q2
				}
				c := roleClaim(s, toks, max(0, i-1), j, r, q, name, former)
				if qs := i - len(strings.Fields(q)); q != "" && q != q2 && qs >= 0 {
					c.RoleText = s[toks[qs].start:toks[end-1].end]
				} else if q2 != "" {
					c.RoleText = s[toks[i].start:toks[ofEnd(toks, end+0)-1].end]
				}
				out = append(out, c)
				i = j - 1
				continue
			}
		}
		// Pattern D: "Name, Org's [modifiers] role," — an appositive after
		// the name with a possessive organisation or place
		if c, ok := appositiveRole(s, toks, i, end, r); ok {
			out = append(out, c)
			i = end - 1
			continue
		}
		// Pattern B: "Name, the [Q] role [of Org]"
		k := i - 1
		for k >= 0 && toks[k].kind == tWord && (toks[k].cap || isPossessive(toks[k].low)) && !notNameWords[toks[k].low] {
			k--
		}
		if k >= 0 && toks[k].low == "the" && k-1 >= 0 && toks[k-1].text == "," {
			// name ends at k-2
			e := k - 1
			b := e
			for b-1 >= 0 && isNameWord(toks[b-1]) && e-b < 3 {
				b--
			}
			if b < e {
				name := s[toks[b].start:toks[e-1].end]
				q, former := qualifierBefore(toks, i)
				if q == "" {
					q = ofQualifier(toks, end-1)
				}
				stop := end
				if o := ofEnd(toks, end); o > end {
					stop = o
				}
				c := roleClaim(s, toks, b, stop, r, q, name, former || (b > 0 && timeQualifiers[toks[b-1].low]))
				if qs := i - len(strings.Fields(q)); stop > end {
					c.RoleText = s[toks[i].start:toks[stop-1].end]
				} else if q != "" && qs >= 0 {
					c.RoleText = s[toks[qs].start:toks[end-1].end]
				}
				out = append(out, c)
			}
		}
		i = end - 1
	}
	return out
}

// ofQualifier reads "of Org" after the role ending at token e-1... e is the
// index just after the role.
func ofQualifier(toks []token, e int) string {
	k := e + 1
	if e < len(toks) && toks[e].low == "of" {
		k = e + 1
	} else if e+1 < len(toks) && toks[e+1].low == "of" {
		k = e + 2
	} else {
		return ""
	}
	if k < len(toks) && toks[k].low == "the" {
		k++
	}
	var q []string
	for k < len(toks) && toks[k].kind == tWord && toks[k].cap && len(q) < 3 {
		q = append(q, qualKey(toks[k].low))
		k++
	}
	return strings.Join(q, " ")
}

func ofEnd(toks []token, e int) int {
	if e >= len(toks) || toks[e].low != "of" {
		return e
	}
	k := e + 1
	if k < len(toks) && toks[k].low == "the" {
		k++
	}
	for k < len(toks) && toks[k].kind == tWord && toks[k].cap {
		k++
	}
	return k
}

func roleClaim(s string, toks []token, a, b int, r roleDef, q, name string, former bool) Claim {
	if b > len(toks) {
		b = len(toks)
	}
	p := ParseName(name)
	return Claim{
		Kind:      KindRole,
		Text:      s[toks[a].start:toks[b-1].end],
		Role:      r.canon,
		Qualifier: q,
		Person:    p,
		Former:    former,
		Single:    r.single,
		RoleText:  strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(q+" "+r.canon, " "), "the ")),
	}
}

// clauseOpeners may stand just before a name that opens an appositive.
var clauseOpeners = setOf(`and but said says told while whereas`)

// appositiveRole reads "Name, Org's [modifiers] role," where the role
// noun at toks[i:end] follows up to three lower-case modifiers ("emergency
// measures coordinator") and a possessive organisation or place. The
// modifiers become part of the role, the possessor its qualifier.
func appositiveRole(s string, toks []token, i, end int, r roleDef) (Claim, bool) {
	k := i - 1
	var mods []string
	former := false
	for k >= 0 && len(mods) < 3 && toks[k].kind == tWord && !toks[k].cap && !isPossessive(toks[k].low) {
		l := toks[k].low
		switch {
		case timeQualifiers[l] || strings.HasPrefix(l, "ex-"):
			former = true
		case l == "the" && len(mods) > 0:
			goto done
		case stopWords[l] || notNameWords[l] || pronouns[l]:
			return Claim{}, false
		default:
			mods = append([]string{l}, mods...)
		}
		k--
	}
done:
	if k < 0 {
		return Claim{}, false
	}
	var q []string
	p, stop := k, end
	switch {
	case toks[k].kind == tWord && isPossessive(toks[k].low) && toks[k].cap:
		// "Name, Org's [modifiers] role,"
		for p-1 >= 0 && k-p < 2 && toks[p-1].kind == tWord && toks[p-1].cap && !notNameWords[toks[p-1].low] && !isPossessive(toks[p-1].low) {
			p--
		}
		for j := p; j <= k; j++ {
			q = append(q, qualKey(toks[j].low))
		}
	case toks[k].kind == tWord && isPossessive(toks[k].low) && k > 0 && toks[k-1].low == "the":
		// "Name, the town's [modifiers] role,"
		p = k - 1
		q = []string{qualKey(toks[k].low)}
	case toks[k].low == "the" && len(mods) > 0, toks[k].text == ",":
		// "Name, [the] [modifiers] role of the Org,"
		if toks[k].text == "," {
			p = k + 1
		}
		var oq string
		oq, stop = orgAfter(toks, end)
		if oq == "" {
			return Claim{}, false
		}
		q = []string{oq}
	default:
		return Claim{}, false
	}
	if stop < len(toks) && toks[stop].kind != tPunct {
		return Claim{}, false
	}
	if p-1 < 0 || toks[p-1].text != "," {
		return Claim{}, false
	}
	e := p - 1
	b := e
	for b-1 >= 0 && isNameWord(toks[b-1]) && e-b < 3 {
		b--
	}
	if b == e || e-b < 2 {
		return Claim{}, false // a full name: "Ann Lee", not a place or a pronoun
	}
	if b > 0 && toks[b-1].kind != tPunct && !clauseOpeners[toks[b-1].low] {
		return Claim{}, false // "In Calder, ..." is not a name
	}
	if b > 0 && timeQualifiers[toks[b-1].low] {
		former = true
	}
	canon := r.canon
	if len(mods) > 0 {
		canon = strings.Join(mods, " ") + " " + r.canon
	}
	name := s[toks[b].start:toks[e-1].end]
	c := roleClaim(s, toks, b, stop, roleDef{words: r.words, canon: canon, single: r.single}, strings.Join(q, " "), name, former)
	rs := p
	if toks[rs].low == "the" {
		rs++
	}
	c.RoleText = s[toks[rs].start:toks[stop-1].end]
	return c, true
}

// orgAfter reads "of [the] Org" or "for [the] Org" after a role ending
// before token e: the organisation's qualifier key and the index after it;
// "" when none.
func orgAfter(toks []token, e int) (string, int) {
	if e >= len(toks) || (toks[e].low != "of" && toks[e].low != "for") {
		return "", e
	}
	k := e + 1
	if k < len(toks) && toks[k].low == "the" {
		k++
	}
	var q []string
	for k < len(toks) && toks[k].kind == tWord && toks[k].cap && !notNameWords[toks[k].low] && len(q) < 5 {
		if len(q) < 3 {
			q = append(q, qualKey(toks[k].low))
		}
		k++
	}
	if len(q) == 0 {
		return "", e
	}
	return strings.Join(q, " "), k
}
