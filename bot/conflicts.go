package bot

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/storybot/storybot/bot/claims"
)

// LedgerVersion identifies the rules DetectConflicts applies; a ledger
// persisted under another version should be recomputed.
const LedgerVersion = claims.Version

// DetectConflicts builds the corpus-wide conflict ledger from passages: the
// facts on which articles report incompatible things (DESIGN §4), each with
// its positions, their articles and evidence sentences. The retrieval
// package calls it at ingest and persists the result. It is deterministic
// and safe for concurrent use.
func DetectConflicts(ctx context.Context, passages []Passage) ([]Conflict, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("detect conflicts: %w", err)
	}
	n := 0
	for _, p := range passages {
		n += len(p.Sentences)
	}
	sents := make([]claims.Sentence, 0, n)
	for _, p := range passages {
		for _, s := range p.Sentences {
			sents = append(sents, claims.Sentence{ArticleID: p.ArticleID, Text: s, Published: p.Published})
		}
	}
	disputes := claims.Detect(language(), sents)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("detect conflicts: %w", err)
	}
	out := make([]Conflict, 0, len(disputes))
	for _, d := range disputes {
		out = append(out, conflictOf(d))
	}
	return out, nil
}

func conflictOf(d claims.Dispute) Conflict {
	c := Conflict{Topic: d.Topic, Kind: kindOf(d.Kind)}
	for _, p := range d.Positions {
		pos := Position{Claim: p.Claim, Articles: append([]string(nil), p.Articles...)}
		for _, e := range p.Evidence {
			pos.Evidence = append(pos.Evidence, Evidence{ArticleID: e.ArticleID, Sentence: e.Sentence})
		}
		c.Positions = append(c.Positions, pos)
	}
	return c
}

func kindOf(k claims.Kind) ConflictKind {
	switch k {
	case claims.KindNumber:
		return ConflictNumeric
	case claims.KindRole:
		return ConflictRole
	case claims.KindStatus:
		return ConflictStatus
	case claims.KindPolarity:
		return ConflictPolarity
	case claims.KindDetail:
		return ConflictDetail
	}
	return ConflictModel
}

// minCoverage is the share (weighted by rarity among the hits) of the
// question's terms that a conflict's topic and evidence must cover.
const minCoverage = 0.55

// RelevantConflicts returns the ledger conflicts that concern the asked fact
// among the evidence: at least two positions must have articles among the
// hits (positions are trimmed to those articles), and the question must be
// about the conflict's fact: it names the fact's key terms (the role, the
// event's object, the speaker and the setting, the counted quantity) and
// its content terms are mostly found in the conflict's topic and evidence.
// When none qualifies it returns nil.
func RelevantConflicts(q Question, hits []Hit, ledger []Conflict) []Conflict {
	if len(hits) == 0 || len(ledger) == 0 {
		return nil
	}
	inHits := map[string]bool{}
	for _, h := range hits {
		inHits[h.Passage.ArticleID] = true
	}
	qTerms := claims.Terms(q.Text)
	if len(qTerms) == 0 {
		return nil
	}
	qWords := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(q.Text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	}) {
		qWords[w] = true
	}
	// "are there conflicting reports about X?" asks for any dispute on X
	seeking := false
	for w := range qWords {
		if conflictWords[w] {
			seeking = true
		}
	}
	if seeking {
		var rest []string
		for _, t := range qTerms {
			if !conflictTerms[t] {
				rest = append(rest, t)
			}
		}
		qTerms = rest
	}
	weight := idfWeights(hits)
	var out []Conflict
	for _, c := range ledger {
		t, ok := trimToHits(c, inHits)
		if !ok {
			continue
		}
		if seeking && len(qTerms) == 0 {
			out = append(out, t)
			continue
		}
		if !seeking && !asksAbout(c, qTerms, qWords) {
			continue
		}
		if !seeking && c.Kind == ConflictRole && (namesWholeRole(c, qTerms) || (qWords["who"] || qWords["whom"] || qWords["which"]) && matches(qTerms, claims.Terms(c.Topic)) >= 2) {
			out = append(out, t) // "who is the Calder fire chief?" needs nothing more
			continue
		}
		if seeking && matches(qTerms, claims.Terms(c.Topic)) == 0 && !mentionsHolder(c, qWords) {
			continue // the question names another fact
		}
		have := termsOfConflict(t)
		ft := formTerms(c.Kind, qTerms)
		if coverage(ft, have, weight) < minCoverage || !rarestCovered(ft, have, weight) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// formTerms drops the words that only give a question its form for the
// conflict's kind ("how fast" for a figure, "meeting" for a setting, a light
// verb for a yes-no statement), which
// the evidence need not contain.
func formTerms(k ConflictKind, qTerms []string) []string {
	var drop map[string]bool
	switch k {
	case ConflictNumeric:
		drop = quantityWords
	case ConflictDetail:
		drop = settingWords
	case ConflictPolarity:
		drop = lightVerbs // "did the alarm go off?" paraphrases the predicate
	default:
		return qTerms
	}
	var out []string
	for _, t := range qTerms {
		if !drop[t] {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return qTerms
	}
	return out
}

// conflictWords mark a question that asks for disagreements as such.
var conflictWords = map[string]bool{"conflict": true, "conflicts": true, "conflicting": true, "disagree": true,
	"disagreement": true, "disagreements": true, "contradict": true, "contradiction": true, "contradictions": true,
	"contradictory": true, "discrepancy": true, "discrepancies": true, "dispute": true, "disputed": true,
	"inconsistent": true, "inconsistencies": true, "differ": true, "agree": true}

// conflictTerms are conflictWords (and generic fillers of such questions)
// as stems.
var conflictTerms = func() map[string]bool {
	m := map[string]bool{}
	for w := range conflictWords {
		m[claims.Stem(w)] = true
	}
	for _, w := range []string{"report", "reports", "source", "sources", "article", "articles", "outlet", "outlets", "story"} {
		m[claims.Stem(w)] = true
	}
	return m
}()

// trimToHits keeps each position's articles found among the hits; it reports
// false when fewer than two positions remain.
func trimToHits(c Conflict, inHits map[string]bool) (Conflict, bool) {
	t := Conflict{Topic: c.Topic, Kind: c.Kind}
	for _, p := range c.Positions {
		var np Position
		np.Claim = p.Claim
		for _, id := range p.Articles {
			if inHits[id] {
				np.Articles = append(np.Articles, id)
			}
		}
		for _, e := range p.Evidence {
			if inHits[e.ArticleID] {
				np.Evidence = append(np.Evidence, e)
			}
		}
		if len(np.Articles) > 0 {
			t.Positions = append(t.Positions, np)
		}
	}
	return t, len(t.Positions) >= 2
}

// quantity cues say a question asks for a figure.
var quantityWords = map[string]bool{"much": true, "many": true, "big": true, "large": true, "size": true,
	"percent": true, "percentage": true, "share": true, "proportion": true, "number": true, "figure": true,
	"amount": true, "total": true, "count": true, "toll": true, "cost": true, "sum": true, "small": true,
	"fast": true, "speed": true, "far": true, "distance": true, "long": true, "high": true, "tall": true,
	"old": true, "age": true, "heavy": true, "weight": true, "deep": true, "price": true, "rate": true}

// setting cues say a question asks where or how something was done.
var settingWords = map[string]bool{"where": true, "how": true, "venue": true, "setting": true, "channel": true,
	"meeting": true, "meet": true, "chat": true, "call": true, "conference": true, "interview": true,
	"speech": true, "video": true, "virtual": true, "online": true, "message": true, "platform": true,
	"used": true, "use": true, "using": true, "vehicle": true, "tool": true, "place": true, "room": true}

// asksAbout reports whether the question names the conflict's fact.
func asksAbout(c Conflict, qTerms []string, qWords map[string]bool) bool {
	topic := claims.Terms(c.Topic)
	switch c.Kind {
	case ConflictRole:
		n := matches(qTerms, topic)
		if n >= 2 || n == len(topic) {
			return true
		}
		// a holder's name plus part of the role
		return n >= 1 && mentionsHolder(c, qWords)
	case ConflictStatus:
		// the event's object must be asked about
		return matches(qTerms, dropEventWords(topic)) >= 1
	case ConflictDetail:
		var specific []string
		for _, t := range positionTerms(c) {
			if !settingWords[t] {
				specific = append(specific, t)
			}
		}
		filler := matches(qTerms, specific) > 0
		if !mentionsSpeakerOrAnchor(c, qTerms, qWords) && !filler {
			return false
		}
		if filler {
			return true
		}
		for w := range qWords {
			if settingWords[w] {
				return true
			}
		}
		return false
	case ConflictNumeric:
		quant := false
		for w := range qWords {
			if quantityWords[w] || (len(w) > 0 && w[0] >= '0' && w[0] <= '9') {
				quant = true
			}
		}
		if !quant {
			return false
		}
		key := topic
		if i := strings.Index(c.Topic, ":"); i >= 0 {
			key = claims.Terms(c.Topic[i+1:])
		}
		return matches(qTerms, append(key, positionTerms(c)...)) >= 1 && asksForMeasure(c, qTerms, qWords)
	case ConflictPolarity:
		// the predicate's head must be asked about
		topic = dropWords(topic, "whether")
		return len(topic) > 0 && matches(qTerms, topic[:1]) == 1
	}
	return matches(qTerms, topic) >= 2
}

// shareWords and moneyWords say what kind of figure a question wants.
var (
	shareWords = map[string]bool{"percent": true, "percentage": true, "share": true, "proportion": true,
		"fraction": true, "part": true, "portion": true, "%": true, "half": true, "third": true, "quarter": true}
	moneyWords = map[string]bool{"money": true, "cost": true, "costs": true, "spend": true, "spent": true,
		"spending": true, "fund": true, "funds": true, "funding": true, "price": true, "budget": true,
		"billion": true, "million": true, "paid": true, "pay": true, "worth": true, "value": true, "invest": true,
		"investment": true, "aid": true, "euros": true, "dollars": true, "pounds": true, "compensation": true}
)

// asksForMeasure reports whether the question asks for the conflict's kind
// of figure: a share of the same base, an amount of money, or a count of the
// same thing.
func asksForMeasure(c Conflict, qTerms []string, qWords map[string]bool) bool {
	claimTerms := positionTerms(c)
	switch {
	case strings.HasPrefix(c.Topic, "share"):
		for w := range qWords {
			if shareWords[w] {
				return true
			}
		}
		return matches(qTerms, claimTerms) >= 1
	case strings.HasPrefix(c.Topic, "amount"):
		for w := range qWords {
			if moneyWords[w] {
				return true
			}
		}
		return false
	}
	// a count: of the same thing, or in the same context ("death toll")
	if i := strings.Index(c.Topic, ":"); i >= 0 {
		claimTerms = append(claimTerms, claims.Terms(c.Topic[i+1:])...)
	}
	return matches(qTerms, claimTerms) >= 1
}

// namesWholeRole reports whether the question names every word of a role
// conflict's topic ("Calder Fire Chief").
func namesWholeRole(c Conflict, qTerms []string) bool {
	topic := claims.Terms(c.Topic)
	return len(topic) >= 2 && matches(qTerms, topic) == len(topic)
}

// positionTerms returns the content terms of the positions' claims.
func positionTerms(c Conflict) []string {
	var ts []string
	for _, p := range c.Positions {
		ts = append(ts, claims.Terms(p.Claim)...)
	}
	return ts
}

func dropEventWords(ts []string) []string {
	var out []string
	for _, t := range ts {
		switch t {
		case "give", "giv", "resign", "accept", "join", "call", "clos", "reopen", "ban", "lift", "appoint",
			"sell", "buy", "launch", "deploy", "evacuat", "arrest", "charg", "releas", "agree", "deal", "cancel":
			continue
		}
		out = append(out, t)
	}
	return out
}

func dropWords(ts []string, words ...string) []string {
	var out []string
	for _, t := range ts {
		keep := true
		for _, w := range words {
			if t == w {
				keep = false
			}
		}
		if keep {
			out = append(out, t)
		}
	}
	return out
}

// mentionsHolder reports whether the question names a person on any side.
func mentionsHolder(c Conflict, qWords map[string]bool) bool {
	for _, p := range c.Positions {
		for _, w := range strings.Fields(p.Claim) {
			k := claims.FoldName(w)
			for qw := range qWords {
				if len(k) >= 3 && claims.FoldName(qw) == k {
					return true
				}
			}
		}
	}
	return false
}

// mentionsSpeakerOrAnchor reports whether the question names the detail
// conflict's anchor (the speaker, or the shared subject term).
func mentionsSpeakerOrAnchor(c Conflict, qTerms []string, qWords map[string]bool) bool {
	topic := c.Topic
	for _, w := range strings.FieldsFunc(topic, func(r rune) bool { return r == ' ' || r == '(' || r == ')' || r == ',' || r == ':' }) {
		k := claims.FoldName(w)
		if len(k) < 3 || claims.IsStopWord(w) {
			continue
		}
		switch strings.ToLower(w) {
		case "where", "how", "spoke", "setting", "used", "vehicle", "tool", "place", "medium":
			continue
		}
		for qw := range qWords {
			if claims.FoldName(qw) == k {
				return true
			}
		}
		st := claims.Stem(w)
		for _, t := range qTerms {
			if claims.TermsMatch(t, st) {
				return true
			}
		}
	}
	return false
}

// matches counts the terms of want found among have.
func matches(have, want []string) int {
	n := 0
	for _, w := range want {
		for _, h := range have {
			if claims.TermsMatch(h, w) {
				n++
				break
			}
		}
	}
	return n
}

func termsOfConflict(c Conflict) []string {
	ts := claims.Terms(c.Topic)
	for _, p := range c.Positions {
		ts = append(ts, claims.Terms(p.Claim)...)
		for _, e := range p.Evidence {
			ts = append(ts, claims.Terms(e.Sentence)...)
		}
	}
	return ts
}

// idfWeights returns a term weight from the hits: rare terms weigh more.
func idfWeights(hits []Hit) func(string) float64 {
	df := map[string]int{}
	for _, h := range hits {
		seen := map[string]bool{}
		for _, t := range claims.Terms(h.Passage.Text()) {
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	n := float64(len(hits))
	return func(t string) float64 {
		d := df[t]
		if d == 0 {
			// unknown to the evidence: prefix variants count too
			for k, v := range df {
				if claims.TermsMatch(k, t) && v > d {
					d = v
				}
			}
		}
		return math.Log(1 + (n+1)/float64(d+1))
	}
}

// lightVerbs carry little of a question's topic.
var lightVerbs = map[string]bool{"want": true, "need": true, "think": true, "know": true, "happen": true,
	"go": true, "do": true, "mean": true, "like": true, "look": true, "seem": true, "use": true, "make": true,
	"come": true, "take": true, "give": true, "keep": true, "let": true, "put": true, "see": true}

// rarestCovered reports whether the question's most specific term (the
// rarest among the hits that the hits contain at all, light verbs aside) is
// found among have: "Is X in the constitution?" is not about a dispute over
// X unless the dispute mentions the constitution.
func rarestCovered(qTerms, have []string, weight func(string) float64) bool {
	best, bestW := []string{}, 0.0
	for _, q := range qTerms {
		if lightVerbs[q] {
			continue
		}
		w := weight(q)
		if w >= weight(unknownTerm) {
			continue // not in the hits at all
		}
		switch {
		case w > bestW+1e-9:
			best, bestW = []string{q}, w
		case w > bestW-1e-9:
			best = append(best, q)
		}
	}
	if len(best) == 0 {
		return true
	}
	for _, q := range best {
		for _, h := range have {
			if claims.TermsMatch(q, h) {
				return true
			}
		}
	}
	return false
}

// unknownTerm is a term no passage holds.
const unknownTerm = "\x00"

// coverage is the weighted share of qTerms found among have.
func coverage(qTerms, have []string, weight func(string) float64) float64 {
	var tot, got float64
	seen := map[string]bool{}
	for _, q := range qTerms {
		if seen[q] {
			continue
		}
		seen[q] = true
		w := weight(q)
		tot += w
		for _, h := range have {
			if claims.TermsMatch(q, h) {
				got += w
				break
			}
		}
	}
	if tot == 0 {
		return 0
	}
	return got / tot
}
