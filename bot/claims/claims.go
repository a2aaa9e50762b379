package claims

import (
	"strings"
	"time"
)

// Kind says what sort of claim a Claim is.
type Kind string

// Kinds of claim.
const (
	KindNumber   Kind = "numeric"
	KindRole     Kind = "role"
	KindStatus   Kind = "status"
	KindPolarity Kind = "polarity"
	KindDetail   Kind = "detail"
	KindDate     Kind = "date"
)

// Status is an event's factuality as reported (after FactBank's certainty
// scale, reduced to what can be compared).
type Status string

// Event statuses.
const (
	StatusDone     Status = "done"     // reported as having happened: "formally relinquished"
	StatusPossible Status = "possible" // possible or conditional: "may be willing to", "prepared to ... if"
)

// Claim is one fact read from one sentence. Which fields are set depends on
// Kind.
type Claim struct {
	Kind Kind `json:"kind"`
	// Text is the phrase the claim was read from, as written.
	Text string `json:"text"`
	// Holder is who the sentence attributes the claim to ("according to X",
	// "X said", "X's demand"), folded; "" when unattributed or a pronoun.
	Holder string `json:"holder,omitempty"`
	// Stance is true when the holder wants, demands, offers or accepts the
	// claim (a party's position) rather than reports it.
	Stance bool `json:"stance,omitempty"`

	// Role, Qualifier and Person describe a role claim: "NATO Secretary
	// General Jens Stoltenberg" has Role "secretary general", Qualifier "nato".
	Role      string     `json:"role,omitempty"`
	Qualifier string     `json:"qualifier,omitempty"`
	Person    PersonName `json:"person,omitzero"`
	// RoleText is the role as written, with its qualifier ("NATO Secretary
	// General").
	RoleText string `json:"role_text,omitempty"`
	// Former marks a role held at another time ("former", "outgoing").
	Former bool `json:"former,omitempty"`
	// Changing marks a role named in a sentence about it changing hands
	// ("sacked", "appointed", "successor").
	Changing bool `json:"changing,omitempty"`
	// Single marks a role with one holder at a time.
	Single bool `json:"single,omitempty"`

	// Event names the event class of a status claim ("give up", "resign").
	Event  string `json:"event,omitempty"`
	Status Status `json:"status,omitempty"`
	// Object holds the stems of the event's object ("nato", "membership");
	// Proper the subset written as proper nouns.
	Object []string `json:"object,omitempty"`
	// ObjectText is the event's object as written ("NATO ambitions").
	ObjectText string   `json:"object_text,omitempty"`
	Proper     []string `json:"proper,omitempty"`
	// Agent holds the stems of the words naming who acts ("rail operator").
	Agent []string `json:"agent,omitempty"`
	// Subject is the folded name of the event's subject, when named.
	Subject string `json:"subject,omitempty"`

	// Slot and Filler describe a detail claim: Slot is "medium", "vehicle",
	// "tool" or "place", Filler the canonical value ("messaging chat").
	Slot   string `json:"slot,omitempty"`
	Filler string `json:"filler,omitempty"`
	// Speaker is the folded name of who spoke, for medium slots.
	Speaker string `json:"speaker,omitempty"`

	// Predicate holds the stems of a negated statement's predicate.
	Predicate []string `json:"predicate,omitempty"`

	// Date is a date or time as normalised text ("2025-12-14", "12-14",
	// "sunday", "14:30").
	Date string `json:"date,omitempty"`
}

// analysis is everything read from one sentence.
type analysis struct {
	toks   []token
	claims []Claim
	terms  []string
	holder string
	stance bool
}

// Extract reads the claims of one sentence. It never fails; a sentence
// without claims gives none.
func Extract(sentence string) []Claim {
	return analyze(sentence).claims
}

// Stances returns the stances one sentence takes, for comparing stances
// keyed to a question's focus the way the ledger compares them across the
// corpus: events reported as done or only possible (KindStatus, with Event,
// Object and Status), negated statements (KindPolarity, with Predicate) and
// who holds a role (KindRole, with Role, Qualifier and Person), each with the
// holder the sentence attributes it to. Two stances contradict when their
// kinds, events or predicates and objects match and their Status, polarity
// or Person differ (see Detect).
func Stances(sentence string) []Claim {
	var out []Claim
	for _, c := range analyze(sentence).claims {
		switch c.Kind {
		case KindStatus, KindPolarity, KindRole:
			out = append(out, c)
		}
	}
	return out
}

func analyze(s string) analysis {
	if len(s) > 4000 {
		s = s[:4000]
	}
	toks := tokenize(s)
	a := analysis{toks: toks}
	if len(toks) == 0 {
		return a
	}
	a.holder, a.stance = holderOf(toks)
	a.claims = append(a.claims, roleClaims(s, toks)...)
	a.claims = append(a.claims, statusClaims(s, toks)...)
	a.claims = append(a.claims, slotClaims(s, toks)...)
	a.claims = append(a.claims, negationClaims(s, toks)...)
	a.claims = append(a.claims, dateClaims(s, toks)...)
	for i := range a.claims {
		a.claims[i].Holder = a.holder
		a.claims[i].Stance = a.stance
	}
	return a
}

// attribution verbs: "X said" reports; "X demanded" takes a stance.
var (
	reportVerbs = setOf(`said says told stated maintained insisted claimed estimated estimates argued argues denied
denies believes believed announced announces reported reports warned warns confirmed confirms added noted`)
	stanceVerbs = setOf(`demanded demands demanding wants wanted want accepted accepts accepting proposed proposes
proposing offered offers offering seeks seeking sought insists rejected rejects rejecting`)
	stanceNouns = setOf(`demand demands proposal proposals offer offers position plan claim request requests`)
)

// pronouns never name a holder.
var pronouns = setOf(`he she it they we i you this that who which there`)

// holderOf finds who a sentence attributes its content to, and whether that
// is a party's stance (wants, offers) rather than a report (said).
func holderOf(toks []token) (string, bool) {
	for i, t := range toks {
		if t.kind != tWord {
			continue
		}
		if t.low == "according" && i+1 < len(toks) && toks[i+1].low == "to" {
			for k := i + 2; k < len(toks) && k < i+7; k++ {
				if toks[k].kind != tWord {
					break
				}
				if stopWords[toks[k].low] && !toks[k].cap {
					continue
				}
				e := k
				for e+1 < len(toks) && toks[e+1].kind == tWord && !stopWords[toks[e+1].low] && e < k+3 {
					e++
				}
				return holderKey(toks[e].low), false
			}
			return "", false
		}
		if isPossessive(t.low) && i+1 < len(toks) && stanceNouns[toks[i+1].low] && !pronouns[stripPossessive(t.low)] {
			return holderKey(t.low), true
		}
		report, stance := reportVerbs[t.low], stanceVerbs[t.low]
		if !report && !stance {
			continue
		}
		// subject before: skip auxiliaries, adverbs and an appositive's comma
		commas := 0
		for k := i - 1; k >= 0 && k >= i-4; k-- {
			l := toks[k].low
			if l == "has" || l == "have" || l == "had" || l == "is" || l == "are" || l == "was" || l == "were" || l == "also" || l == "repeatedly" || l == "already" || (strings.HasSuffix(l, "ly") && !toks[k].cap) {
				continue
			}
			if l == "," && commas == 0 && k > 0 && toks[k-1].kind == tWord && toks[k-1].cap {
				commas++
				continue
			}
			if pronouns[l] {
				return "", stance
			}
			if toks[k].kind == tWord && !stopWords[l] && !notNameWords[l] {
				return holderKey(l), stance
			}
			break
		}
		// inverted: "..., said X"
		if report && i+1 < len(toks) && toks[i+1].kind == tWord && !pronouns[toks[i+1].low] {
			k := i + 1
			for k < len(toks) && toks[k].kind == tWord && stopWords[toks[k].low] && !toks[k].cap {
				k++
			}
			e := k
			for e+1 < len(toks) && toks[e+1].kind == tWord && (toks[e+1].cap || !stopWords[toks[e+1].low]) && e < k+3 {
				e++
			}
			if e < len(toks) && toks[e].kind == tWord && !stopWords[toks[e].low] {
				return holderKey(toks[e].low), false
			}
		}
	}
	return "", false
}

func holderKey(low string) string {
	return FoldName(stem(stripPossessive(low)))
}

var monthNum = map[string]string{"jan": "01", "feb": "02", "mar": "03", "apr": "04", "may": "05", "jun": "06",
	"jul": "07", "aug": "08", "sep": "09", "oct": "10", "nov": "11", "dec": "12"}

// dateClaims reads dates and clock times.
func dateClaims(s string, toks []token) []Claim {
	var out []Claim
	for i := datelineEnd(toks); i < len(toks); i++ {
		t := toks[i]
		if reportedOn(toks, i) {
			continue
		}
		switch {
		case t.kind == tWord && monthWords[strings.TrimSuffix(t.low, ".")] && (t.cap || t.low != "may"):
			m := monthNum[t.low[:3]]
			day, year := "", ""
			a, b := i, i
			if i > 0 && toks[i-1].kind == tNum && len(toks[i-1].text) <= 2 {
				day = toks[i-1].text
				a = i - 1
			} else if i+1 < len(toks) && toks[i+1].kind == tNum && len(toks[i+1].text) <= 2 {
				day = toks[i+1].text
				b = i + 1
			}
			k := b + 1
			if k < len(toks) && toks[k].text == "," {
				k++
			}
			if k < len(toks) && toks[k].kind == tNum && len(toks[k].text) == 4 {
				year = toks[k].text
				b = k
			}
			if day == "" && year == "" {
				continue
			}
			if len(day) == 1 {
				day = "0" + day
			}
			d := m
			if day != "" {
				d += "-" + day
			}
			if year != "" {
				d = year + "-" + d
			}
			out = append(out, Claim{Kind: KindDate, Text: s[toks[a].start:toks[b].end], Date: d})
			i = b
		case t.kind == tWord && weekdayWords[t.low]:
			out = append(out, Claim{Kind: KindDate, Text: t.text, Date: t.low})
		case t.kind == tNum && len(t.text) == 4 && i+4 < len(toks) && toks[i+1].text == "-" && toks[i+2].kind == tNum && toks[i+3].text == "-" && toks[i+4].kind == tNum && glued(toks, i) && glued(toks, i+1) && glued(toks, i+2) && glued(toks, i+3):
			out = append(out, Claim{Kind: KindDate, Text: s[t.start:toks[i+4].end], Date: s[t.start:toks[i+4].end]})
			i += 4
		case t.kind == tNum && len(t.text) == 4 && (t.text[0] == '1' && t.text[1] == '9' || t.text[0] == '2' && t.text[1] == '0') && (i+1 >= len(toks) || !glued(toks, i) || toks[i+1].kind == tPunct):
			out = append(out, Claim{Kind: KindDate, Text: t.text, Date: t.text})
		case t.kind == tNum && len(t.text) <= 2 && i+2 < len(toks) && toks[i+1].text == ":" && toks[i+2].kind == tNum && glued(toks, i) && glued(toks, i+1):
			out = append(out, Claim{Kind: KindDate, Text: s[t.start:toks[i+2].end], Date: s[t.start:toks[i+2].end]})
			i += 2
		}
	}
	return out
}

// Sentence is one sentence of one article, the input of Detect.
type Sentence struct {
	ArticleID string
	Text      string
	// Published is the article's publication time, zero when unknown: it
	// resolves relative dates and tells an updated count from a dispute.
	Published time.Time
}
