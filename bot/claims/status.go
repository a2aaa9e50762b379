package claims

import (
	"strings"
)

// eventClass is a family of verbs naming one kind of event; phrases are
// written as stems.
type eventClass struct {
	name    string
	phrases [][]string
}

var eventClasses = func() []eventClass {
	raw := map[string][]string{
		"giving up": {"give up", "drop", "relinquish", "abandon", "renounc", "forgo", "forego", "step back from",
			"back away from", "walk away from", "ditch", "scrap", "shelv", "waiv", "surrender", "withdraw from", "pull out of", "quit"},
		"resigning":       {"resign", "step down", "stand down"},
		"accepting":       {"accept", "agree to", "approv", "endors", "ratify", "sign"},
		"joining":         {"join"},
		"calling off":     {"call off", "cancel", "suspend", "halt", "postpon"},
		"closing":         {"clos", "shut down", "shut"},
		"reopening":       {"reopen"},
		"banning":         {"ban", "prohibit"},
		"lifting":         {"lift", "eas"},
		"appointing":      {"appoint", "nominat"},
		"selling":         {"sell"},
		"buying":          {"buy", "acquir", "purchas"},
		"launching":       {"launch"},
		"deploying":       {"deploy"},
		"evacuating":      {"evacuat"},
		"arresting":       {"arrest", "detain"},
		"charging":        {"charg"},
		"releasing":       {"releas"},
		"agreeing a deal": {"reach a deal", "strike a deal", "clinch"},
		"ordering":        {"order"},
		"issuing":         {"issu"},
		"extending":       {"extend"},
		"recalling":       {"recall"},
	}
	var out []eventClass
	for name, ps := range raw {
		c := eventClass{name: name}
		for _, p := range ps {
			f := strings.Fields(p)
			if st := stem(f[0]); st != f[0] && len(st) > 3 {
				f[0] = st
			}
			c.phrases = append(c.phrases, f)
		}
		out = append(out, c)
	}
	return out
}()

// prefixEvents are event verbs matched by their written prefix, because
// stem folds them onto a broader synonym ("declared" onto "reveal"); their
// nouns ("declaration") are not events.
var prefixEvents = map[string]string{"declar": "declaring", "impos": "imposing"}

// verb stems that start some phrase, for a quick filter
var eventFirst = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range eventClasses {
		for _, p := range c.phrases {
			m[p[0]] = true
		}
	}
	return m
}()

var (
	possibleCues = setOf(`may might could would can willing prepared ready open considering consider considers
possibly potentially likely offered offers offer poised mulling mulls weighing weighs exploring eyeing expected expects
expect set`)
	deonticCues = setOf(`must should ought demand demands demanded demanding want wants wanted urge urges urged urging
ask asks asked insist insists insisted pressure pressured pressing press pushed push pushing
hope hopes hoped plan plans planned threaten threatens threatened refuse refuses refused reject rejects rejected
called calls calling needs need will shall won't forced forcing allowed told`)
	doneAdverbs  = setOf(`formally officially finally definitively already`)
	announceCues = setOf(`announced announces confirmed confirms decided decides declared declares`)
	negCues      = setOf(`not never no n't cannot nor neither`)
	condAfter    = setOf(`if unless provided providing`)
	objStop      = setOf(`if in with amid while as after before ahead because since and but which that who so unless
until when where whereas though although despite following over against`)
	objFiller = setOf(`goal aim ambition bid pursuit demand desire wish plan hope push quest dream effort attempt
aspiration claim intention application idea objective long-standing longstanding long-held country own stance
position policy commitment prospect option path course`)
	beForms = setOf(`is are was were be been being am 's`)
)

// matchEvent returns the event class and phrase length at token i.
func matchEvent(toks []token, i int) (string, int, bool) {
	if toks[i].kind != tWord {
		return "", 0, false
	}
	for pre, name := range prefixEvents {
		if l := toks[i].low; strings.HasPrefix(l, pre) && !strings.HasSuffix(l, "ion") && !strings.HasSuffix(l, "ions") {
			return name, 1, true
		}
	}
	s0 := stem(toks[i].low)
	if !eventFirst[s0] || (s0 == "order" && i > 0 && toks[i-1].low == "in") {
		return "", 0, false // "in order to"
	}
	for _, c := range eventClasses {
	next:
		for _, p := range c.phrases {
			if p[0] != s0 || i+len(p) > len(toks) {
				continue
			}
			k := i + 1
			for _, w := range p[1:] {
				// allow one determiner inside ("reach a deal")
				if k >= len(toks) {
					continue next
				}
				if toks[k].low != w && stem(toks[k].low) != w {
					continue next
				}
				k++
			}
			return c.name, k - i, true
		}
	}
	return "", 0, false
}

// statusClaims reads events reported as done or as only possible.
func statusClaims(s string, toks []token) []Claim {
	var out []Claim
	question := strings.HasSuffix(strings.TrimSpace(s), "?")
	if question {
		return nil
	}
	for i := 0; i < len(toks); i++ {
		ev, n, ok := matchEvent(toks, i)
		if !ok {
			continue
		}
		st, cueStart := eventStatus(toks, i, n)
		if st == "" {
			i += n - 1
			continue
		}
		// object
		var obj, proper []string
		var objEnd = i + n
		objStart := -1
		for k := i + n; k < len(toks) && k < i+n+12; k++ {
			t := toks[k]
			if t.kind == tPunct && t.text != "(" && t.text != ")" && t.text != "-" && t.text != "'" {
				break
			}
			if t.kind == tWord && objStop[t.low] {
				break
			}
			objEnd = k + 1
			if t.kind != tWord {
				continue
			}
			l := stripPossessive(t.low)
			if (stopWords[l] && !objectNouns[l]) || objFiller[l] || objFiller[stem(l)] {
				continue
			}
			if objStart < 0 {
				objStart = k
			}
			st := stem(l)
			obj = append(obj, st)
			if t.cap || (len(t.text) > 1 && strings.ToUpper(t.text) == t.text) {
				proper = append(proper, st)
			}
		}
		a := cueStart
		if a > i {
			a = i
		}
		if objStart < 0 || objStart == i+n && adjunctWords[toks[objStart].low] || objStart > i+n && adjunctWords[toks[i+n].low] {
			// "the X that Y declared on Monday": the object is X
			if ro, rp, rt, ok := relativeObject(s, toks, a); ok {
				obj, proper, objStart = ro, rp, -1
				out = append(out, Claim{Kind: KindStatus, ObjectText: rt, Text: s[toks[a].start:toks[i+n-1].end],
					Event: ev, Status: st, Object: obj, Proper: proper, Subject: subjectBefore(toks, a), Agent: agentBefore(toks, a)})
				i += n - 1
				continue
			}
		}
		subj := subjectBefore(toks, a)
		subjText := ""
		if len(obj) == 0 && subj != "" {
			// intransitive: "the mayor has resigned" is about its subject
			obj, proper = []string{subj}, []string{subj}
			for k := a - 1; k >= 0 && k >= a-8; k-- {
				if toks[k].kind == tWord && FoldName(stripPossessive(toks[k].low)) == subj {
					subjText = stripPossessive(toks[k].text)
					break
				}
			}
		}
		if len(obj) == 0 {
			i += n - 1
			continue
		}
		objText := subjText
		if objStart >= 0 {
			objText = strings.Trim(s[toks[objStart].start:toks[objEnd-1].end], "() ")
		}
		out = append(out, Claim{
			Kind:       KindStatus,
			ObjectText: objText,
			Text:       s[toks[a].start:toks[objEnd-1].end],
			Event:      ev,
			Status:     st,
			Object:     obj,
			Proper:     proper,
			Subject:    subj,
			Agent:      agentBefore(toks, a),
		})
		i = objEnd - 1
	}
	return out
}

// eventStatus decides whether the event verb at i (n tokens) is reported as
// done or possible; "" when neither (negated, demanded, future, unknown). It
// also returns where the cue starts, for the claim's text.
func eventStatus(toks []token, i, n int) (Status, int) {
	// negation close before
	for k := i - 1; k >= 0 && k >= i-4; k-- {
		if negCues[toks[k].low] || strings.HasSuffix(toks[k].low, "n't") {
			return "", i
		}
		if toks[k].low == "longer" {
			return "", i
		}
	}
	// deontic, desire or future within the clause before
	for k := i - 1; k >= 0 && k >= i-12; k-- {
		l := toks[k].low
		if toks[k].text == ";" || toks[k].text == "." {
			break
		}
		if deonticCues[l] && !(toks[k].cap && !toks[k].initial) { // "Press", "Will" mid-sentence are names
			if l == "told" || l == "called" || l == "calls" || l == "calling" {
				// "called on X to", "told X to": only with a following infinitive
				if !hasInfinitiveAfter(toks, k, i) {
					continue
				}
			}
			return "", i
		}
	}
	// possible cue close before
	for k := i - 1; k >= 0 && k >= i-6; k-- {
		l := toks[k].low
		if toks[k].kind == tPunct && toks[k].text != "-" {
			break
		}
		if possibleCues[l] {
			return StatusPossible, k
		}
	}
	// conditional after, within the clause
	for k := i + n; k < len(toks) && k < i+n+20; k++ {
		if toks[k].text == ";" || toks[k].text == "." {
			break
		}
		if condAfter[toks[k].low] {
			if hasDoneCue(toks, i) {
				break
			}
			return StatusPossible, i
		}
	}
	if c, ok := doneCue(toks, i, n); ok {
		return StatusDone, c
	}
	return "", i
}

func hasInfinitiveAfter(toks []token, k, i int) bool {
	for j := k + 1; j < i; j++ {
		if toks[j].low == "to" {
			return true
		}
	}
	return false
}

func hasDoneCue(toks []token, i int) bool {
	for k := i - 1; k >= 0 && k >= i-3; k-- {
		if doneAdverbs[toks[k].low] {
			return true
		}
	}
	return false
}

// doneCue reports a done reading: a done adverb or perfect auxiliary just
// before, a past-tense verb, or an announcement earlier in the sentence.
func doneCue(toks []token, i, n int) (int, bool) {
	v := toks[i].low
	prev := ""
	if i > 0 {
		prev = toks[i-1].low
	}
	infinitive := prev == "to"
	for k := i - 1; k >= 0 && k >= i-3; k-- {
		l := toks[k].low
		if doneAdverbs[l] {
			if k > 0 && (toks[k-1].low == "has" || toks[k-1].low == "have" || toks[k-1].low == "had") {
				return k - 1, true
			}
			return k, true
		}
		if l == "to" {
			infinitive = true
			break // "formally applied to join" did not join
		}
	}
	if infinitive {
		return i, false
	}
	perfectOrPast := false
	if prev == "has" || prev == "have" || prev == "had" || prev == "been" {
		perfectOrPast = true
	}
	if strings.HasSuffix(v, "ed") || v == "gave" || v == "given" || v == "quit" || v == "shut" || v == "drew" || v == "withdrew" || v == "stood" || v == "sold" || v == "bought" || v == "signed" {
		// a bare past form, unless used as an adjective after a determiner
		if prev != "the" && prev != "a" && prev != "an" {
			perfectOrPast = true
		}
	}
	if perfectOrPast {
		a := i
		if prev == "has" || prev == "have" || prev == "had" {
			a = i - 1
		}
		return a, true
	}
	// progressive or bare form after an announcement: "has announced ...,
	// signaling that X is stepping back"
	if strings.HasSuffix(v, "ing") && i > 0 && !beForms[prev] {
		return i, false // gerund: "abandoning the goal could ..."
	}
	for k := i - 1; k >= 0; k-- {
		if announceCues[toks[k].low] {
			return i, true
		}
	}
	return i, false
}

// subjectBefore returns the folded name of the nearest named subject before
// token a within the clause; "" for pronouns or none.
func subjectBefore(toks []token, a int) string {
	for k := a - 1; k >= 0 && k >= a-8; k-- {
		t := toks[k]
		if t.kind == tPunct {
			return ""
		}
		if pronouns[t.low] {
			return ""
		}
		if t.kind == tWord && t.cap && !t.initial && !notNameWords[t.low] && !roleFirstWords[t.low] {
			return FoldName(stripPossessive(t.low))
		}
		if t.kind == tWord && t.cap && t.initial && !notNameWords[t.low] {
			return FoldName(stripPossessive(t.low))
		}
	}
	return ""
}

// agentBefore returns the content stems of up to three words before the
// cue at a, within the clause ("the rail operator has ...").
func agentBefore(toks []token, a int) []string {
	var out []string
	for k := a - 1; k >= 0 && k >= a-5 && len(out) < 3; k-- {
		t := toks[k]
		if t.kind == tPunct {
			break
		}
		if t.kind != tWord {
			continue
		}
		l := stripPossessive(t.low)
		if objStop[l] || l == "that" {
			break
		}
		if stopWords[l] || beForms[l] || possibleCues[l] {
			continue
		}
		out = append(out, stem(l))
	}
	return uniq(out)
}

// objectNouns are stop words (as verbs of saying) that are nouns when they
// follow an event verb ("declared a state of emergency").
var objectNouns = setOf(`state states`)

// adjunctWords start a time or place phrase rather than an object.
var adjunctWords = setOf(`on at in during last this yesterday today overnight late early earlier`)

// relativeObject reads the noun phrase a relative clause before token a
// modifies: "The state of emergency that the minister declared" has the
// object "state of emergency". It returns the object's stems, the proper
// ones, and the phrase as written.
func relativeObject(s string, toks []token, a int) ([]string, []string, string, bool) {
	rel := -1
	for k := a - 1; k >= 0 && k >= a-8; k-- {
		if toks[k].kind == tPunct {
			return nil, nil, "", false
		}
		if !toks[k].cap && (toks[k].low == "that" || toks[k].low == "which") {
			rel = k
			break
		}
	}
	if rel <= 0 {
		return nil, nil, "", false
	}
	var obj, proper []string
	b := rel
	for k := rel - 1; k >= 0 && k >= rel-6; k-- {
		t := toks[k]
		if t.kind == tPunct || (t.kind == tWord && (objStop[t.low] || beForms[t.low] || reportVerbs[t.low])) {
			break
		}
		b = k
		if t.kind != tWord {
			continue
		}
		l := stripPossessive(t.low)
		if (stopWords[l] && !objectNouns[l]) || objFiller[l] {
			continue
		}
		st := stem(l)
		obj = append([]string{st}, obj...)
		if t.cap && !t.initial {
			proper = append([]string{st}, proper...)
		}
	}
	if len(obj) == 0 {
		return nil, nil, "", false
	}
	for b < rel && toks[b].kind == tWord && stopWords[toks[b].low] && !objectNouns[toks[b].low] {
		b++
	}
	return obj, proper, s[toks[b].start:toks[rel-1].end], true
}
