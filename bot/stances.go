package bot

import (
	"fmt"
	"sort"
	"strings"

	"github.com/storybot/storybot/bot/claims"
	"github.com/storybot/storybot/bot/lang"
	"github.com/storybot/storybot/bot/values"
)

const (
	// minFocus is the share of the question's focus (weighted by rarity and
	// part of speech) that one side of a dispute must cover, in a sentence
	// read with the one before it, for the dispute to be about the asked
	// fact.
	minFocus = 0.5
	// minSide is the share the other sides must cover: the comparison has
	// already found them to be about the same fact, so they may word it
	// differently ("prepared to declare" a state of emergency without
	// naming the province the question names).
	minSide = 0.3
	// minFact is how strongly a focus word must match the disputed fact.
	minFact = 0.7
)

// focusConflicts compares what the retrieved articles say about the
// question's focus (DESIGN §4, question first): the claims of the hits'
// sentences (event status, negated statements, roles, details, figures)
// are compared across articles, and a dispute is kept when the question's
// focus names the disputed fact and its sides rest on sentences that cover
// the focus. The comparison is made afresh over the retrieved sentences, so
// it does not depend on how the corpus-wide ledger names its facts.
func (e *Extractive) focusConflicts(b Brief, hits []Hit) []Conflict {
	if len(hits) == 0 {
		return nil
	}
	q := e.analyze(b)
	// "are there conflicting reports about X?" asks for any dispute about
	// X: one side that covers X is enough
	n := len(q.Focus)
	q.Focus = withoutSeeking(q.Focus)
	side := minSide
	if len(q.Focus) < n {
		side = 0
	}
	if len(q.Focus) == 0 {
		return nil
	}
	l := e.language()
	weight := e.idf(q)
	alts := alternatives(l, q.Text)
	// Each article's sentences among the hits, in order: a sentence is
	// read with the one before it.
	byArt := map[string][]Passage{}
	var order []string
	for _, h := range hits {
		p := h.Passage
		if _, ok := byArt[p.ArticleID]; !ok {
			order = append(order, p.ArticleID)
		}
		byArt[p.ArticleID] = append(byArt[p.ArticleID], p)
	}
	var sents []claims.Sentence
	cover := map[evidenceKey]float64{}
	for _, id := range order {
		ps := byArt[id]
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].Index < ps[j].Index })
		pub := b.Articles[id].Published
		var prev [][]string
		for _, p := range ps {
			for _, s := range p.Sentences {
				k := evidenceKey{id, s}
				stems := tokenStems(l, s)
				if _, seen := cover[k]; !seen {
					cover[k] = focusCover(q, alts, weight, stems, prev)
					sents = append(sents, claims.Sentence{ArticleID: id, Text: s, Published: pub})
				}
				prev = stems
			}
		}
	}
	var out []Conflict
	for _, d := range claims.Detect(l, sents) {
		c := conflictOf(d)
		named := namesFact(l, q, c)
		t, ok := keepOnFocus(c, cover, side, choosesBetween(l, q, alts, c))
		if e.Trace != nil {
			e.Trace(fmt.Sprintf("stance dispute %s %q: names the fact %v, on the focus %v", c.Kind, c.Topic, named, ok))
			for _, p := range c.Positions {
				for _, ev := range p.Evidence {
					e.Trace(fmt.Sprintf("  %.2f %s %q", cover[evidenceKey{ev.ArticleID, ev.Sentence}], ev.ArticleID, ev.Sentence))
				}
			}
		}
		if named && ok {
			out = append(out, t)
		}
	}
	return out
}

// withoutSeeking drops the words that ask for disagreement as such
// ("conflicting", "reports", "disagree") from a question's focus.
func withoutSeeking(focus []values.Term) []values.Term {
	var out []values.Term
	for _, t := range focus {
		if conflictWords[t.Word] || conflictTerms[claims.Stem(t.Word)] {
			continue
		}
		out = append(out, t)
	}
	return out
}

// evidenceKey names one sentence of one article.
type evidenceKey struct{ article, sentence string }

// keepOnFocus keeps a dispute about the asked fact: one side rests on a
// sentence that covers the question's focus (minFocus), unless the sides
// are the alternatives the question offers (chosen), and each side kept
// covers at least minSide of it (the package's minSide, or 0 when the
// question asks for any dispute about its focus). Each side keeps its evidence that
// qualifies; it reports false when fewer than two sides remain.
func keepOnFocus(c Conflict, cover map[evidenceKey]float64, minSide float64, chosen bool) (Conflict, bool) {
	anchored := chosen
	t := Conflict{Topic: c.Topic, Kind: c.Kind}
	for _, p := range c.Positions {
		np := Position{Claim: p.Claim}
		ids := map[string]bool{}
		for _, ev := range p.Evidence {
			cov := cover[evidenceKey{ev.ArticleID, ev.Sentence}]
			if cov >= minSide {
				np.Evidence = append(np.Evidence, ev)
				ids[ev.ArticleID] = true
			}
			if cov >= minFocus {
				anchored = true
			}
		}
		for _, id := range p.Articles {
			if ids[id] {
				np.Articles = append(np.Articles, id)
			}
		}
		if len(np.Articles) > 0 {
			t.Positions = append(t.Positions, np)
		}
	}
	return t, anchored && len(t.Positions) >= 2
}

// namesFact reports whether the question's focus names the disputed fact:
// a focus word (not a name, a light verb or a noun modifying the next
// one) matches, through its base forms, WordNet
// synonyms and derived forms, the fact as the comparison named it (the
// event and its object, the negated predicate, the role; a detail's
// setting and fillers; what a figure counts). A question about what caused
// a fire is not about how many died in it, though both sentences name the
// fire.
func namesFact(l *lang.Lang, q values.Query, c Conflict) bool {
	key := c.Topic
	switch c.Kind {
	case ConflictNumeric:
		// "number of people: fire, warehouse": what is counted
		if i := strings.Index(key, ":"); i >= 0 {
			key = key[:i]
		}
	case ConflictDetail:
		// "vehicle used: man, seen": the setting, and the fillers
		if i := strings.Index(key, ":"); i >= 0 {
			key = key[i+1:]
		}
		for _, p := range c.Positions {
			key += " " + p.Claim
		}
	}
	stems := tokenStems(l, key)
	mods := compoundModifiers(l, q.Text)
	for _, t := range q.Focus {
		if t.Name || l.Light(t.Word) || mods[t.Word] {
			continue // a name says who or where, not which fact
		}
		for _, st := range stems {
			if t.Match(st) >= minFact {
				return true
			}
		}
	}
	return false
}

// compoundModifiers returns the nouns of a question that modify the noun
// after them ("fire" in "the fire chief"): the compound's head names the
// thing asked about, its modifier alone does not.
func compoundModifiers(l *lang.Lang, question string) map[string]bool {
	toks := l.Tokens(question)
	out := map[string]bool{}
	for k := 0; k+1 < len(toks); k++ {
		if toks[k].Noun() && !toks[k].Proper() && toks[k+1].Noun() && !toks[k+1].Proper() {
			out[toks[k].Lower] = true
		}
	}
	return out
}

// choosesBetween reports whether the sides of a dispute name two different
// alternatives of those a question offers ("a car or a truck?"): the
// dispute is the asked choice.
func choosesBetween(l *lang.Lang, q values.Query, alts map[string]bool, c Conflict) bool {
	if len(alts) < 2 {
		return false
	}
	named := map[string]bool{}
	for _, p := range c.Positions {
		stems := tokenStems(l, p.Claim)
		for _, t := range q.Focus {
			if !alts[t.Word] {
				continue
			}
			for _, st := range stems {
				if t.Match(st) >= minFact {
					named[t.Word] = true
				}
			}
		}
	}
	return len(named) >= 2
}

// tokenStems returns the stems of each token of a text.
func tokenStems(l *lang.Lang, s string) [][]string {
	toks := l.Tokens(s)
	out := make([][]string, 0, len(toks))
	for _, t := range toks {
		out = append(out, l.Stems(t))
	}
	return out
}

// focusCover is the weighted share of the question's focus words that a
// sentence holds (nouns weigh most, then verbs, then modifiers; rarer words
// more); a word found only in the sentence before counts half. The
// alternatives a question offers ("by car or by truck") are one word: a
// sentence that holds either holds it.
func focusCover(q values.Query, alts map[string]bool, weight func(string) float64, stems, prev [][]string) float64 {
	var have, all, altW, altHave float64
	for _, t := range q.Focus {
		w := weight(t.Word) * t.Emphasis()
		best := 0.0
		for _, st := range stems {
			best = max(best, t.Match(st))
		}
		for _, st := range prev {
			best = max(best, t.Match(st)/2)
		}
		if alts[t.Word] {
			altW = max(altW, w)
			altHave = max(altHave, w*best)
			continue
		}
		all += w
		have += w * best
	}
	all += altW
	have += altHave
	if all == 0 {
		return 0
	}
	return have / all
}

// alternatives returns the heads of the alternatives a question offers:
// the noun before each "or" and the head of the noun run after it ("a
// train car or a truck": car, truck).
func alternatives(l *lang.Lang, question string) map[string]bool {
	toks := l.Tokens(question)
	out := map[string]bool{}
	for k := 1; k+1 < len(toks); k++ {
		if toks[k].Lower != "or" || !toks[k-1].Noun() {
			continue
		}
		j := k + 1
		for j < len(toks) && (toks[j].Tag == "DT" || toks[j].Tag == "IN" || toks[j].Adj()) {
			j++
		}
		for j+1 < len(toks) && toks[j].Noun() && toks[j+1].Noun() {
			j++
		}
		if j >= len(toks) || !toks[j].Noun() {
			continue
		}
		out[toks[k-1].Lower] = true
		out[toks[j].Lower] = true
	}
	return out
}
