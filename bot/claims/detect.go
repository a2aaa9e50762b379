package claims

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/storybot/storybot/bot/lang"
)

// Evidence is a sentence of an article that carries a claim.
type Evidence struct {
	ArticleID string `json:"article_id"`
	Sentence  string `json:"sentence"`
}

// Position is one side of a Dispute.
type Position struct {
	// Claim states the side briefly, as written in the first article.
	Claim string `json:"claim"`
	// Articles are the IDs of the articles making the claim, sorted.
	Articles []string `json:"articles"`
	// Evidence holds one sentence per article.
	Evidence []Evidence `json:"evidence"`
}

// Dispute is a fact on which articles report incompatible things.
type Dispute struct {
	Kind Kind `json:"kind"`
	// Topic names the fact, e.g. "NATO Secretary General".
	Topic string `json:"topic"`
	// Terms are the stems that identify the fact (for matching questions).
	Terms []string `json:"terms,omitempty"`
	// Positions are the incompatible sides, at least two, each from
	// different articles.
	Positions []Position `json:"positions"`
}

// item is a claim with where it came from.
type item struct {
	c     Claim
	art   string
	sent  int // index into the sentence list
	terms []string
	dates []string
}

// Version identifies the detection rules. It changes whenever Detect may
// give different disputes for the same sentences, so a persisted ledger
// stamped with another version should be recomputed.
const Version = "2026-12-02.9"

// maxBucket bounds how many claims one fact key may gather before it is
// deemed too generic to compare (it keeps Detect near linear).
const maxBucket = 200

// Detect finds the disputes among sentences: claims from different articles
// about the same fact whose values cannot all be true. It is deterministic:
// the same input gives the same disputes in the same order.
//
// Figures (counts, amounts, measures, shares) are read with bot/values and
// compared per key (Figures); roles, event status, negated statements and
// details by this package's own analysis.
func Detect(l *lang.Lang, sentences []Sentence) []Dispute {
	figures := figureDisputes(l, sentences)
	ans := analyzeAll(sentences)
	n := 0
	for _, a := range ans {
		n += len(a.claims)
	}
	items := make([]item, 0, n)
	for i, a := range ans {
		if len(a.claims) == 0 {
			continue
		}
		var dates []string
		for _, c := range a.claims {
			if c.Kind == KindDate {
				dates = append(dates, c.Date)
			}
		}
		for _, c := range a.claims {
			if c.Kind == KindDate {
				continue
			}
			items = append(items, item{c: c, art: sentences[i].ArticleID, sent: i, terms: a.terms, dates: dates})
		}
	}
	d := &detector{sents: sentences}
	out := figures
	out = append(out, d.roles(items)...)
	out = append(out, d.statuses(items)...)
	out = append(out, d.details(items)...)
	out = append(out, d.polarity(items, ans)...)
	return dedupe(out)
}

// figureDisputes reads the figures of every sentence in parallel and
// compares them per key.
func figureDisputes(l *lang.Lang, sentences []Sentence) []Dispute {
	f := NewFigures(l)
	read := make([][]Figure, len(sentences))
	workers := max(1, min(runtime.GOMAXPROCS(0), 8))
	var wg sync.WaitGroup
	var next atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(sentences) {
					return
				}
				read[i] = f.Read(sentences[i].Text, sentences[i].Published)
			}
		}()
	}
	wg.Wait()
	for i, figs := range read {
		f.Merge(sentences[i].ArticleID, figs)
	}
	var out []Dispute
	for _, d := range f.Disputes() {
		out = append(out, d.Dispute(l))
	}
	return out
}

// analyzeAll analyses sentences in parallel.
func analyzeAll(sentences []Sentence) []analysis {
	out := make([]analysis, len(sentences))
	workers := runtime.GOMAXPROCS(0)
	if workers > 8 {
		workers = 8
	}
	var wg sync.WaitGroup
	chunk := (len(sentences) + workers - 1) / max(workers, 1)
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(sentences))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				a := analyze(sentences[i].Text)
				if len(a.claims) > 0 {
					a.terms = contentTerms(a.toks)
				}
				a.toks = nil
				out[i] = a
			}
		}()
	}
	wg.Wait()
	return out
}

type detector struct {
	sents []Sentence
}

func (d *detector) evidence(it item) Evidence {
	return Evidence{ArticleID: it.art, Sentence: d.sents[it.sent].Text}
}

// side collects the items of one position.
type side struct {
	items []item
}

func (s *side) articles() []string {
	seen := map[string]bool{}
	var ids []string
	for _, it := range s.items {
		if !seen[it.art] {
			seen[it.art] = true
			ids = append(ids, it.art)
		}
	}
	sort.Strings(ids)
	return ids
}

// position turns a side into a Position; claim names it.
func (d *detector) position(s side, claim string) Position {
	p := Position{Claim: claim}
	seen := map[string]bool{}
	sorted := append([]item(nil), s.items...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].art != sorted[j].art {
			return sorted[i].art < sorted[j].art
		}
		return sorted[i].sent < sorted[j].sent
	})
	for _, it := range sorted {
		if seen[it.art] {
			continue
		}
		seen[it.art] = true
		p.Articles = append(p.Articles, it.art)
		p.Evidence = append(p.Evidence, d.evidence(it))
	}
	return p
}

// splitSides groups items by a value key and drops the articles that appear
// in more than one group (an article that reports both values itself is
// explaining the difference, not contradicting anyone). It reports whether
// any article straddled.
func splitSides(items []item, key func(item) string) (map[string]*side, []string, bool) {
	groups := map[string]*side{}
	var order []string
	artGroups := map[string]map[string]bool{}
	for _, it := range items {
		k := key(it)
		if k == "" {
			continue
		}
		if groups[k] == nil {
			groups[k] = &side{}
			order = append(order, k)
		}
		groups[k].items = append(groups[k].items, it)
		if artGroups[it.art] == nil {
			artGroups[it.art] = map[string]bool{}
		}
		artGroups[it.art][k] = true
	}
	straddle := false
	for _, gs := range artGroups {
		if len(gs) > 1 {
			straddle = true
		}
	}
	return groups, order, straddle
}

// --- roles ---

func (d *detector) roles(items []item) []Dispute {
	// a local role named without its place joins the one place the corpus
	// names for it ("Fire Chief X" and "Calder Fire Chief Y")
	quals := map[string]map[string]bool{}
	for i := range items {
		c := &items[i].c
		if c.Kind == KindRole && c.Single && c.Qualifier != "" {
			if quals[c.Role] == nil {
				quals[c.Role] = map[string]bool{}
			}
			quals[c.Role][c.Qualifier] = true
		}
	}
	bk := newBucketer()
	for i := range items {
		c := &items[i].c
		if c.Kind != KindRole || !c.Single || c.Former || c.Person.Last == "" {
			continue
		}
		q := c.Qualifier
		if q == "" {
			if !localRoles[strings.ReplaceAll(c.Role, " ", "_")] || len(quals[c.Role]) > 1 {
				continue
			}
			for only := range quals[c.Role] {
				q = only
			}
		}
		bk.add(q+"|"+c.Role, i)
	}
	sort.Strings(bk.keys)
	var out []Dispute
	for _, k := range bk.keys {
		b := bk.items(items, k, 0)
		if b == nil || anyChanging(b) {
			continue
		}
		// cluster people
		var reps []PersonName
		personOf := func(it item) string {
			for i, r := range reps {
				if SamePerson(r, it.c.Person) {
					if it.c.Person.First != "" && r.First == "" {
						reps[i] = it.c.Person
					}
					return fmt.Sprint(i)
				}
			}
			reps = append(reps, it.c.Person)
			return fmt.Sprint(len(reps) - 1)
		}
		groups, order, straddle := splitSides(b, personOf)
		if straddle || len(order) < 2 {
			continue
		}
		dp := Dispute{Kind: KindRole, Topic: b[0].c.RoleText, Terms: termsOf(b[0].c.RoleText)}
		for _, g := range order {
			s := groups[g]
			name := ""
			for _, it := range s.items {
				if len(it.c.Person.Display) > len(name) {
					name = it.c.Person.Display
				}
			}
			dp.Positions = append(dp.Positions, d.position(*s, name))
		}
		out = append(out, dp)
	}
	return out
}

// bucketer gathers item indices under fact keys, in first-seen key order.
type bucketer struct {
	idx  map[string][]int32
	keys []string
}

func newBucketer() *bucketer { return &bucketer{idx: map[string][]int32{}} }

func (b *bucketer) add(k string, i int) {
	if b.idx[k] == nil {
		b.keys = append(b.keys, k)
	}
	b.idx[k] = append(b.idx[k], int32(i))
}

// items returns a bucket's items, at most limit (0: all), or nil when they
// all come from one article.
func (b *bucketer) items(all []item, k string, limit int) []item {
	ix := b.idx[k]
	if limit > 0 && len(ix) > limit {
		ix = ix[:limit]
	}
	if len(ix) < 2 {
		return nil
	}
	first := all[ix[0]].art
	multi := false
	for _, i := range ix[1:] {
		if all[i].art != first {
			multi = true
			break
		}
	}
	if !multi {
		return nil
	}
	out := make([]item, len(ix))
	for j, i := range ix {
		out[j] = all[i]
	}
	return out
}

// localRoles have one holder in the place a story happens, so they are
// compared even when no organisation or place is named.
var localRoles = setOf(`mayor police_chief fire_chief headteacher principal coach head_coach`)

// anyChanging reports whether a report says the role changed hands.
func anyChanging(b []item) bool {
	for _, it := range b {
		if it.c.Changing {
			return true
		}
	}
	return false
}

func multiArticle(b []item) bool {
	for _, it := range b[1:] {
		if it.art != b[0].art {
			return true
		}
	}
	return false
}

func termsOf(s string) []string { return contentTerms(tokenize(s)) }

// --- status ---

func (d *detector) statuses(items []item) []Dispute {
	bk := newBucketer()
	for i := range items {
		c := &items[i].c
		if c.Kind != KindStatus {
			continue
		}
		for _, t := range c.Object {
			bk.add(c.Event+"|"+t, i)
		}
	}
	sort.Strings(bk.keys)
	var out []Dispute
	for _, k := range bk.keys {
		// a very common event: compare the first reports only
		b := bk.items(items, k, 2*maxBucket)
		if b == nil {
			continue
		}
		// keep items with a compatible partner of the other status in another article
		var keep []item
		for i, a := range b {
			for j, c := range b {
				if i != j && a.art != c.art && a.c.Status != c.c.Status && sameEvent(a.c, c.c) {
					keep = append(keep, a)
					break
				}
			}
		}
		if len(keep) < 2 {
			continue
		}
		groups, _, _ := splitSides(keep, func(it item) string { return string(it.c.Status) })
		// drop articles reporting both
		both := map[string]bool{}
		if g1, g2 := groups[string(StatusDone)], groups[string(StatusPossible)]; g1 != nil && g2 != nil {
			arts := map[string]bool{}
			for _, it := range g1.items {
				arts[it.art] = true
			}
			for _, it := range g2.items {
				if arts[it.art] {
					both[it.art] = true
				}
			}
		}
		var sides []side
		var claims []string
		for _, st := range []Status{StatusDone, StatusPossible} {
			g := groups[string(st)]
			if g == nil {
				continue
			}
			var s side
			for _, it := range g.items {
				if !both[it.art] {
					s.items = append(s.items, it)
				}
			}
			if len(s.items) > 0 {
				sides = append(sides, s)
				claims = append(claims, statusClaimText(s, st))
			}
		}
		if len(sides) < 2 {
			continue
		}
		shared := sharedObject(sides)
		topic := b[0].c.Event + " " + shortestObject(sides, shared)
		dp := Dispute{Kind: KindStatus, Topic: topic, Terms: shared}
		for i, s := range sides {
			dp.Positions = append(dp.Positions, d.position(s, claims[i]))
		}
		out = append(out, dp)
	}
	return out
}

// sameEvent reports whether two status claims of one class concern one
// event: a shared proper noun, or two shared object stems, and subjects that
// do not differ.
func sameEvent(a, b Claim) bool {
	if a.Event != b.Event {
		return false
	}
	if a.Subject != "" && b.Subject != "" && !similarKey(a.Subject, b.Subject) && prefix(a.Subject, 5) != prefix(b.Subject, 5) {
		return false
	}
	if overlap(a.Proper, b.Proper) >= 1 {
		return true
	}
	o := overlap(a.Object, b.Object)
	return o >= 2 || (o == 1 && overlap(a.Agent, b.Agent) >= 1)
}

func prefix(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// overlap counts the distinct strings of a found in b (both without
// repeats, as extraction makes them).
func overlap(a, b []string) int {
	n := 0
	for _, x := range a {
		for _, y := range b {
			if x == y {
				n++
				break
			}
		}
	}
	return n
}

func uniq(a []string) []string {
	if len(a) < 2 {
		return a
	}
	var out []string
	seen := map[string]bool{}
	for _, x := range a {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func sharedObject(sides []side) []string {
	count := map[string]int{}
	for _, s := range sides {
		seen := map[string]bool{}
		for _, it := range s.items {
			for _, t := range it.c.Object {
				if !seen[t] {
					seen[t] = true
					count[t]++
				}
			}
		}
	}
	var out []string
	for t, n := range count {
		if n == len(sides) {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

// surfaceOf finds how a stem was written in the items' claims.
func surfaceOf(b []item, st string) string {
	for _, it := range b {
		for _, t := range tokenize(it.c.Text) {
			if t.kind == tWord && stem(t.low) == st {
				return strings.Trim(t.text, "()")
			}
		}
	}
	return st
}

// shortestObject returns the shortest object phrase on any side that holds
// all the shared stems (or the first one).
func shortestObject(sides []side, shared []string) string {
	best := ""
	for _, s := range sides {
		for _, it := range s.items {
			if overlap(it.c.Object, shared) < len(shared) || it.c.ObjectText == "" {
				continue
			}
			if best == "" || len(it.c.ObjectText) < len(best) {
				best = it.c.ObjectText
			}
		}
	}
	if best == "" {
		best = sides[0].items[0].c.ObjectText
	}
	return best
}

func statusClaimText(s side, st Status) string {
	label := "reported as done"
	if st == StatusPossible {
		label = "reported as only possible or conditional"
	}
	// the most explicit example: a cue first, then the shortest
	ex := s.items[0].c.Text
	bestScore := -1
	for _, it := range s.items {
		score := 0
		first := strings.ToLower(strings.Fields(it.c.Text + " x")[0])
		if doneAdverbs[first] || possibleCues[first] || first == "has" || first == "have" {
			score = 1000
		}
		for _, w := range strings.Fields(strings.ToLower(it.c.Text)) {
			if doneAdverbs[w] {
				score += 200
				break
			}
		}
		score -= len(it.c.Text) / 10
		if bestScore < 0 && score < 0 {
			bestScore = score - 1
		}
		if score > bestScore {
			bestScore, ex = score, it.c.Text
		}
	}
	if len(ex) > 80 {
		ex = ex[:80]
		if i := strings.LastIndexByte(ex, ' '); i > 40 {
			ex = ex[:i]
		}
		ex += "…"
	}
	return fmt.Sprintf("%s (%q)", label, ex)
}

// --- details ---

func (d *detector) details(items []item) []Dispute {
	bk := newBucketer()
	for i := range items {
		it := &items[i]
		c := &it.c
		if c.Kind != KindDetail {
			continue
		}
		if c.Slot == "medium" {
			if c.Speaker != "" {
				bk.add("medium|"+c.Speaker, i)
			}
			continue
		}
		for _, t := range it.terms {
			if _, isSlot := slotLexicon[t]; isSlot {
				continue
			}
			bk.add(c.Slot+"|"+t, i)
		}
	}
	sort.Strings(bk.keys)
	var out []Dispute
	for _, k := range bk.keys {
		if len(bk.idx[k]) > maxBucket {
			continue
		}
		b := bk.items(items, k, 0)
		if b == nil {
			continue
		}
		medium := strings.HasPrefix(k, "medium|")
		if !medium {
			// an article naming two incompatible fillers itself explains them
			byArt := map[string][]string{}
			mixed := false
			for _, it := range b {
				for _, f := range byArt[it.art] {
					if !FillersCompatible(f, it.c.Filler) {
						mixed = true
					}
				}
				byArt[it.art] = append(byArt[it.art], it.c.Filler)
			}
			if mixed {
				continue
			}
			// keep items sharing two terms with an item of another article
			var keep []item
			for i, a := range b {
				for j, c := range b {
					if i != j && a.art != c.art && !FillersCompatible(a.c.Filler, c.c.Filler) && overlap(a.terms, c.terms) >= 3 {
						keep = append(keep, a)
						break
					}
				}
			}
			b = keep
			if len(b) < 2 {
				continue
			}
		}
		// generic fillers join the one specific group they fit
		specific := map[string]bool{}
		for _, it := range b {
			if _, g := slotGeneric[it.c.Filler]; !g {
				specific[it.c.Filler] = true
			}
		}
		groups, order, straddle := splitSides(b, func(it item) string {
			f := it.c.Filler
			if _, g := slotGeneric[f]; g {
				var fit []string
				for s := range specific {
					if FillersCompatible(f, s) {
						fit = append(fit, s)
					}
				}
				if len(fit) == 1 {
					return fit[0]
				}
				if len(fit) > 1 {
					return ""
				}
			}
			return f
		})
		if straddle || len(order) < 2 {
			continue
		}
		if datesDisagree(groups) {
			continue
		}
		slot := b[0].c.Slot
		anchor := k[strings.Index(k, "|")+1:]
		topic := slot
		if medium {
			topic = "where or how " + d.displaySpeaker(b, anchor) + " spoke (setting)"
		} else {
			var sides []side
			for _, g := range order {
				sides = append(sides, *groups[g])
			}
			shared := sharedAcross(sides)
			var words []string
			for _, t := range shared {
				words = append(words, surfaceIn(d.sents[b[0].sent].Text, t))
				if len(words) == 4 {
					break
				}
			}
			topic = slot + " used: " + strings.Join(words, ", ")
		}
		dp := Dispute{Kind: KindDetail, Topic: topic, Terms: []string{anchor, slot}}
		for _, g := range order {
			s := groups[g]
			dp.Positions = append(dp.Positions, d.position(*s, s.items[0].c.Text))
		}
		out = append(out, dp)
	}
	return out
}

// datesDisagree reports whether every side dates its sentences and no date is
// shared: then the sides are likely about different occasions.
func datesDisagree(groups map[string]*side) bool {
	var sets []map[string]bool
	for _, g := range groups {
		set := map[string]bool{}
		for _, it := range g.items {
			for _, dt := range it.dates {
				set[dt] = true
			}
		}
		if len(set) == 0 {
			return false
		}
		sets = append(sets, set)
	}
	for i := range sets {
		for j := i + 1; j < len(sets); j++ {
			shared := false
			for dt := range sets[i] {
				if sets[j][dt] {
					shared = true
				}
			}
			if !shared {
				return true
			}
		}
	}
	return false
}

func (d *detector) displaySpeaker(b []item, key string) string {
	for _, it := range b {
		for _, w := range strings.Fields(strings.NewReplacer(",", " ", ".", " ", ";", " ", ":", " ").Replace(d.sents[it.sent].Text)) {
			if FoldName(w) == key {
				return strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
			}
		}
	}
	return key
}

// --- numbers ---

// --- polarity ---

var polarityModal = setOf(`may might could would must should will can if shall whether unless`)

func (d *detector) polarity(items []item, ans []analysis) []Dispute {
	index := map[string][]item{}
	for _, it := range items {
		if it.c.Kind != KindPolarity || len(it.c.Predicate) < 2 {
			continue
		}
		index[it.c.Predicate[0]] = append(index[it.c.Predicate[0]], it)
	}
	for k, v := range index {
		if len(v) > maxBucket {
			delete(index, k) // a common predicate ("not clear"): too generic to pair
		}
	}
	if len(index) == 0 {
		return nil
	}
	type hit struct {
		neg item
		pos item
	}
	var mu sync.Mutex
	var hits []hit
	workers := max(1, min(8, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	chunk := (len(d.sents) + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(d.sents))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for si := lo; si < hi; si++ {
				text := d.sents[si].Text
				if strings.HasSuffix(strings.TrimSpace(text), "?") {
					continue
				}
				toks := tokenize(text)
				var terms []string
				for i, t := range toks {
					if t.kind != tWord {
						continue
					}
					cands := index[stem(t.low)]
					if len(cands) == 0 {
						continue
					}
					if negatedOrModal(toks, i) {
						continue
					}
					for _, n := range cands {
						if n.art == d.sents[si].ArticleID || !predicateNear(toks, i, n.c.Predicate) {
							continue
						}
						if terms == nil {
							terms = contentTerms(toks)
						}
						h, _ := holderOf(toks)
						if h != "" && n.c.Holder != "" && h != n.c.Holder {
							continue
						}
						if overlap(minus(terms, n.c.Predicate), minus(n.terms, n.c.Predicate)) < 2 {
							continue
						}
						if len(n.dates) > 0 && daysDisagree(n.dates, sentenceDates(text, toks)) {
							continue // "did not resume on Monday", "resumed on Tuesday"
						}
						pos := item{c: Claim{Kind: KindPolarity, Text: phraseAt(text, toks, i, predicateSpan(toks, i, n.c.Predicate)), Holder: h}, art: d.sents[si].ArticleID, sent: si, terms: terms}
						mu.Lock()
						hits = append(hits, hit{neg: n, pos: pos})
						mu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	// the workers append in any order: sort, so a side's first claim (which
	// names the dispute) is the same on every run
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.pos.sent != b.pos.sent {
			return a.pos.sent < b.pos.sent
		}
		if a.neg.sent != b.neg.sent {
			return a.neg.sent < b.neg.sent
		}
		if a.pos.c.Text != b.pos.c.Text {
			return a.pos.c.Text < b.pos.c.Text
		}
		return a.neg.c.Text < b.neg.c.Text
	})
	// group by the negated predicate
	byKey := map[string][]hit{}
	var keys []string
	for _, h := range hits {
		k := strings.Join(h.neg.c.Predicate, " ")
		if byKey[k] == nil {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], h)
	}
	sort.Strings(keys)
	var out []Dispute
	for _, k := range keys {
		var negs, poss []item
		for _, h := range byKey[k] {
			negs = append(negs, h.neg)
			poss = append(poss, h.pos)
		}
		all := append(append([]item(nil), negs...), poss...)
		groups, _, straddle := splitSides(all, func(it item) string {
			for _, n := range negs {
				if n.sent == it.sent && n.c.Text == it.c.Text {
					return "neg"
				}
			}
			return "pos"
		})
		if straddle || groups["neg"] == nil || groups["pos"] == nil {
			continue
		}
		dp := Dispute{Kind: KindPolarity, Topic: "whether " + groups["pos"].items[0].c.Text, Terms: negs[0].c.Predicate}
		dp.Positions = append(dp.Positions, d.position(*groups["pos"], groups["pos"].items[0].c.Text))
		dp.Positions = append(dp.Positions, d.position(*groups["neg"], groups["neg"].items[0].c.Text))
		out = append(out, dp)
	}
	return out
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		keep := true
		for _, y := range b {
			if x == y {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, x)
		}
	}
	return out
}

// negatedOrModal reports a negation or modal just before token i.
func negatedOrModal(toks []token, i int) bool {
	for k := i - 1; k >= 0 && k >= i-4; k-- {
		l := toks[k].low
		if toks[k].kind == tPunct {
			break
		}
		if negCues[l] || strings.HasSuffix(l, "n't") || polarityModal[l] || deonticCues[l] {
			return true
		}
	}
	return false
}

// predicateNear reports whether the predicate's second stem follows token i
// closely (and the third, if any, somewhere after).
func predicateNear(toks []token, i int, pred []string) bool {
	found := 1
	for k := i + 1; k < len(toks) && k <= i+6 && found < min(len(pred), 2); k++ {
		if toks[k].kind == tPunct {
			return false
		}
		if st, _ := verbStemAt(toks, k); toks[k].kind == tWord && st == pred[found] {
			found++
		}
	}
	return found >= min(len(pred), 2)
}

// predicateSpan is how many tokens after i the phrase of a predicate found
// at i should cover: its length, or up to its second stem when that lies
// further ("alarm at the plant sounded").
func predicateSpan(toks []token, i int, pred []string) int {
	n := len(pred)
	if len(pred) < 2 {
		return n
	}
	for k := i + 1; k < len(toks) && k <= i+6; k++ {
		if st, w := verbStemAt(toks, k); toks[k].kind == tWord && st == pred[1] {
			return max(n, k-i+w-2)
		}
	}
	return n
}

func phraseAt(s string, toks []token, i, n int) string {
	e := min(len(toks)-1, i+n+1)
	for e > i && toks[e].kind == tPunct {
		e--
	}
	return s[toks[i].start:toks[e].end]
}

// dedupe drops disputes whose sides repeat an earlier dispute of the same
// kind (the same fact found through two keys), keeping the widest.
func dedupe(ds []Dispute) []Dispute {
	covers := func(a, b Dispute) bool { // a's articles include b's, per side
		if a.Kind != b.Kind || len(b.Positions) > len(a.Positions) {
			return false
		}
		for _, pb := range b.Positions {
			ok := false
			for _, pa := range a.Positions {
				if subset(pb.Articles, pa.Articles) {
					ok = true
					break
				}
			}
			if !ok {
				return false
			}
		}
		return true
	}
	var out []Dispute
	for i, d := range ds {
		drop := false
		for j, e := range ds {
			if i == j {
				continue
			}
			if covers(e, d) && (!covers(d, e) || j < i) {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, d)
		}
	}
	return out
}

func subset(a, b []string) bool {
	for _, x := range a {
		found := false
		for _, y := range b {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// sharedAcross returns the sentence terms found on every side, in sorted
// order.
func sharedAcross(sides []side) []string {
	count := map[string]int{}
	for _, s := range sides {
		seen := map[string]bool{}
		for _, it := range s.items {
			for _, t := range it.terms {
				if !seen[t] {
					seen[t] = true
					count[t]++
				}
			}
		}
	}
	var out []string
	for t, n := range count {
		if n == len(sides) {
			if _, isSlot := slotLexicon[t]; !isSlot {
				out = append(out, t)
			}
		}
	}
	sort.Strings(out)
	return out
}

// surfaceIn returns how stem st is written in text, or st.
func surfaceIn(text, st string) string {
	for _, t := range tokenize(text) {
		if t.kind == tWord && stem(t.low) == st {
			return stripPossessive(t.text)
		}
	}
	return st
}

// orderedSurfaces writes the stems in the order they appear in text, as
// written there; stems not found are appended.
func orderedSurfaces(text string, stems []string) string {
	want := map[string]bool{}
	for _, s := range stems {
		want[s] = true
	}
	var words []string
	for _, t := range tokenize(text) {
		if t.kind != tWord {
			continue
		}
		st := stem(stripPossessive(t.low))
		if want[st] {
			words = append(words, strings.Trim(t.text, "()"))
			delete(want, st)
		}
	}
	for _, s := range stems {
		if want[s] {
			words = append(words, s)
		}
	}
	return strings.Join(words, " ")
}

// yearsDisagree reports whether both date lists name years and share none.
func yearsDisagree(a, b []string) bool {
	ya, yb := years(a), years(b)
	if len(ya) == 0 || len(yb) == 0 {
		return false
	}
	return overlap(ya, yb) == 0
}

func years(ds []string) []string {
	var out []string
	for _, d := range ds {
		if len(d) >= 4 && d[0] >= '1' && d[0] <= '2' && d[1] >= '0' && d[1] <= '9' && d[2] >= '0' && d[2] <= '9' && d[3] >= '0' && d[3] <= '9' {
			out = append(out, d[:4])
		}
	}
	return uniq(out)
}

// distinctTexts joins up to n different claim texts of a side, in article
// order ("at least 14 people / more than 12 people").
func distinctTexts(items []item, n int) string {
	sorted := append([]item(nil), items...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].art < sorted[j].art })
	var out []string
	seen := map[string]bool{}
	for _, it := range sorted {
		k := strings.ToLower(it.c.Text)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, it.c.Text)
		if len(out) == n {
			break
		}
	}
	return strings.Join(out, " / ")
}
