package values

import (
	"math"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/storybot/storybot/bot/lang"
)

// Passage is a retrieved run of sentences of one article.
type Passage struct {
	Article   string
	Published time.Time
	// Rank is the passage's position in the retrieval order, from 0.
	Rank      int
	Sentences []string
	// Text is the whole article's text, when known: the figures a question
	// anchors itself with may stand anywhere in it.
	Text string
}

// Candidate is a value read from one sentence, scored for how well it
// answers the question.
type Candidate struct {
	Value
	Article string
	// Published is the article's publication time (zero when unknown).
	Published time.Time
	Sentence  string
	Rank      int
	modifiers []string
	// headOK is set when the figure counts the asked noun; headWrong when
	// it counts another.
	headOK, headWrong bool
	// dated is set when the sentence names a day the question names.
	dated bool
	// measured is set when the measure a noun question names ("what
	// magnitude") stands beside the value.
	measured bool
	// unanchored is set when the question anchors itself with a figure
	// its article does not give: another report than the one meant.
	unanchored bool
	// Relevance is the weighted share of the question's focus the sentence
	// covers; Attach is how closely the value is bound to the focus.
	Relevance, Attach, Score float64
}

// Cluster is a group of compatible candidates: one answer and the articles
// that give it.
type Cluster struct {
	Label      string
	Articles   []string
	Candidates []Candidate
	Score      float64
}

// Outcome says how the articles answer a typed question.
type Outcome int

// Outcomes of Engine.Answer.
const (
	// Untyped: the question is not one the value reader answers.
	Untyped Outcome = iota
	// Unanswered: no value of the expected type is attached to the focus.
	Unanswered
	// Agreed: one answer, or compatible ones.
	Agreed
	// Conflicting: incompatible answers, each backed by an article.
	Conflicting
	// Several: the question asks for several things ("which countries"),
	// and the clusters are its answers.
	Several
	// Updated: a count rose over time; the first cluster or the second,
	// whichever was published later, is the latest figure.
	Updated
)

// String names the outcome.
func (o Outcome) String() string {
	switch o {
	case Untyped:
		return "untyped"
	case Unanswered:
		return "unanswered"
	case Agreed:
		return "agreed"
	case Conflicting:
		return "conflicting"
	case Several:
		return "several"
	case Updated:
		return "updated"
	}
	return "unknown"
}

// Result is the answer to a typed question.
type Result struct {
	Outcome  Outcome
	Clusters []Cluster
	// Trace explains the decision, one line per candidate, for --explain.
	Trace []string
	// Covered is the best share of the question's focus that one sentence
	// holds, with or without a value: a sentence that covers the whole
	// focus but gives no value of a known form may still answer.
	Covered float64
	// Counted is set when some sentence gives a value of the asked type
	// that counts the very noun the question counts ("21 input fields"
	// for "how many input fields"), however little else of the question
	// the sentence holds: a value attaches to the focus, so the question
	// is not to be abstained on for want of one.
	Counted bool
	// Others are the answers other articles give, each its article's best
	// value, that neither agree with Clusters nor dispute them: articles
	// about another thing of the same name, or values too weak to call a
	// dispute. They are listed beside the answer, not called a conflict.
	Others []Cluster
	// Judged counts the clusters from other articles that scored as
	// rivals but were judged to be about something else (another noun,
	// day, report or thing): the reader settled that they do not dispute
	// the answer.
	Judged int
}

// Engine reads and compares values. Weight, when set, gives the weight of a
// focus word (a corpus-wide inverse document frequency); nil weighs every
// word the same.
type Engine struct {
	Lang   *lang.Lang
	Weight func(word string) float64
	// MinScore is the score a candidate needs (default 0.4); a second
	// cluster needs RivalShare of the first's score to be a conflict
	// (default 0.55).
	MinScore   float64
	RivalShare float64
	// Dropped, when set, sees every candidate too weak to keep (for traces).
	Dropped func(Candidate)

	covered float64
	// named caches namedThing per article for one question.
	named   map[string]mention
	counted bool
}

func (e *Engine) weight(w string) float64 {
	if e.Weight == nil {
		return 1
	}
	return e.Weight(w)
}

// Answer compares the values of the question's type across the passages.
func (e *Engine) Answer(q Query, passages []Passage) Result {
	if !q.Typed() {
		return Result{Outcome: Untyped}
	}
	minScore, rival := e.MinScore, e.RivalShare
	if minScore <= 0 {
		minScore = 0.4
	}
	if rival <= 0 {
		rival = 0.55
	}
	e.covered, e.counted, e.named = 0, false, nil
	passages = e.withNamesOfKind(q, passages)
	cands := e.candidates(q, passages, e.anchored(q, passages))
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].Score > cands[j].Score })
	res := Result{Covered: e.covered, Counted: e.counted}
	for _, c := range cands {
		res.Trace = append(res.Trace, traceLine(c))
	}
	cands, altered := e.dropAltered(cands, articleTexts(passages))
	for _, c := range altered {
		res.Trace = append(res.Trace, "altered copy: "+traceLine(c))
	}
	return e.decide(q, cands, res, minScore, rival)
}

// dropAltered sets aside the values that only an altered copy gives: a
// sentence that repeats, word for word but for its value, a sentence of
// another article (or any sentence of an article that repeats another
// whole), when more of the other articles give or mention the twin's value
// than the copy's. With no publication dates to tell an update from an
// error, two copies of one report disagree because one was changed, and
// the version the other reports bear out (copies of it included: an outlet
// that reprints a report vouches for its text) is the report. Dated copies
// are left alone: a later one may be an update, which the comparison
// reports as such. texts are the articles' texts, by article.
func (e *Engine) dropAltered(cands []Candidate, texts map[string]string) (kept, dropped []Candidate) {
	l := e.Lang
	words := map[string][]string{}
	wordsOf := func(s string) []string {
		if w, ok := words[s]; ok {
			return w
		}
		var w []string
		for _, t := range l.Tokens(s) {
			if t.Word() {
				w = append(w, t.Lower)
			}
		}
		words[s] = w
		return w
	}
	copies := map[[2]string]bool{}
	copied := func(a, b string) bool {
		k := [2]string{min(a, b), max(a, b)}
		if v, ok := copies[k]; ok {
			return v
		}
		v := texts[a] != "" && texts[b] != "" && nearCopyText(wordsOf(texts[a]), wordsOf(texts[b]))
		copies[k] = v
		return v
	}
	flat := map[string]string{}
	for a, t := range texts {
		flat[a] = flatten(t)
	}
	altered := make([]bool, len(cands))
	for i, c := range cands {
		if !c.Published.IsZero() {
			continue
		}
		for j, t := range cands {
			if j == i || t.Article == c.Article || !t.Published.IsZero() || c.Compatible(t.Value) {
				continue
			}
			if !nearCopy(wordsOf(c.Sentence), wordsOf(t.Sentence)) && !copied(c.Article, t.Article) {
				continue
			}
			// The articles besides the two that give or mention the twin's
			// value outnumber those that give or mention the copy's.
			forTwin, forCopy := map[string]bool{}, map[string]bool{}
			for k, x := range cands {
				if k == i || k == j || x.Article == c.Article || x.Article == t.Article {
					continue
				}
				if x.Compatible(t.Value) {
					forTwin[x.Article] = true
				}
				if x.Compatible(c.Value) {
					forCopy[x.Article] = true
				}
			}
			tw, cp := flatten(t.Label), flatten(c.Label)
			for a, text := range flat {
				if a == c.Article || a == t.Article || tw == "" || cp == "" {
					continue
				}
				if strings.Contains(text, tw) {
					forTwin[a] = true
				}
				if strings.Contains(text, cp) {
					forCopy[a] = true
				}
			}
			if len(forTwin) > len(forCopy) {
				altered[i] = true
				break
			}
		}
	}
	for i, c := range cands {
		if altered[i] {
			dropped = append(dropped, c)
		} else {
			kept = append(kept, c)
		}
	}
	return kept, dropped
}

// articleTexts maps each passage's article to its whole text, or to the
// passages' sentences when the text is not known.
func articleTexts(passages []Passage) map[string]string {
	out, whole := map[string]string{}, map[string]bool{}
	for _, p := range passages {
		switch {
		case p.Text != "":
			out[p.Article], whole[p.Article] = p.Text, true
		case !whole[p.Article]:
			out[p.Article] += " " + strings.Join(p.Sentences, " ")
		}
	}
	return out
}

// flatten lower-cases text and keeps its letters and digits, one space
// between words and at either end, so a value's words are found in a text
// whatever the punctuation around them.
func flatten(text string) string {
	var b strings.Builder
	b.WriteByte(' ')
	space := true
	for _, r := range strings.ToLower(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
		} else if r != ',' && !space {
			b.WriteByte(' ')
			space = true
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	if b.Len() <= 1 {
		return ""
	}
	return b.String()
}

// nearCopyText reports whether two texts are one text reworded in places:
// at least twenty words each, and seven in ten of the longer one's words
// shared. Two articles about different things of one name share far less.
func nearCopyText(a, b []string) bool {
	if len(a) < 20 || len(b) < 20 {
		return false
	}
	n := max(len(a), len(b))
	shared := sharedWords(a, b)
	return float64(shared) >= 0.7*float64(n)
}

// sharedWords counts the words two word lists share, each occurrence once.
func sharedWords(a, b []string) int {
	count := map[string]int{}
	for _, w := range a {
		count[w]++
	}
	shared := 0
	for _, w := range b {
		if count[w] > 0 {
			count[w]--
			shared++
		}
	}
	return shared
}

// nearCopy reports whether two sentences are one sentence with a word or
// few changed: at least eight words each, and all but a fifth of the
// longer one's words shared.
func nearCopy(a, b []string) bool {
	if len(a) < 8 || len(b) < 8 {
		return false
	}
	n := max(len(a), len(b))
	if min(len(a), len(b)) < n-2 {
		return false
	}
	shared := sharedWords(a, b)
	return float64(shared) >= 0.8*float64(n)
}

// candidates reads and scores every value of the question's type in the
// passages, best first.
func (e *Engine) candidates(q Query, passages []Passage, anchored map[string]bool) []Candidate {
	l := e.Lang
	minScore := e.MinScore
	if minScore <= 0 {
		minScore = 0.4
	}
	var cands []Candidate
	seen := map[string]bool{}
	if e.named == nil {
		e.named = map[string]mention{}
	}
	named := e.named
	sur := surnames(l, q)
	for _, p := range passages {
		var prev [][]string
		var earlier [][]string
		if hasName(q) {
			earlier = e.before(p)
		}
		for _, text := range p.Sentences {
			s := Sentence{Text: text, Toks: l.Tokens(text)}
			stems := make([][]string, len(s.Toks))
			for i, t := range s.Toks {
				stems[i] = l.Stems(t)
			}
			bySurname(sur, s.Toks, stems)
			before, above := prev, earlier
			prev = stems
			earlier = append(earlier, stems...)
			key := p.Article + "\x00" + text
			if seen[key] {
				continue
			}
			seen[key] = true
			if r := e.relevance(q, stems); r > e.covered {
				e.covered = r
			}
			vals := Read(l, s, q, p.Published)
			if len(vals) == 0 {
				continue
			}
			prev := before
			rel := e.relevance(q, stems)
			if prev != nil {
				// A sentence often continues the one before it ("Two were
				// saved, but the remaining six went into the river").
				rel = math.Max(rel, 0.8*e.relevance(q, append(append([][]string{}, prev...), stems...)))
			}
			if above != nil {
				// A text names its subject once and then leaves the name
				// out ("The parish was founded in 1856").
				rel = math.Max(rel, 0.7*e.carried(q, stems, above))
			}
			if len(q.Owner) > 0 && !hasAny(stems, q.Owner) {
				continue // the captain of another ship
			}
			for _, v := range vals {
				if e.ownWords(q, stems, v) || isAnchor(q, v) {
					continue // a name or figure the question itself gives is not its answer
				}
				if fromOther(q, s.Toks, stems, v) {
					continue // "330 km southeast of the epicentre" for "which direction from the town was the epicentre?"
				}
				if measuresOther(q, s, stems, v) {
					continue // "38,000 litres of fuel" for "how much was the firm fined?"
				}
				rel, about, prev := rel, stems, prev
				att := e.attach(q, s, stems, v, p.Published, prev != nil && e.relevance(q, prev) > 0)
				if headed(l, s.Toks, v, q) {
					// "the Golden Lake Hotel" for "the name of the hotel
					// where...": the article's sentences about the focus
					// that speak of "the hotel" speak of it.
					m, ok := named[p.Article]
					if !ok {
						m = e.namedThing(q, p)
						named[p.Article] = m
					}
					if m.rel*(0.4+0.6*m.att) > rel*(0.4+0.6*att) {
						rel, att, about, prev = m.rel, m.att, m.stems, nil
					}
					// Its head names the asked kind, as the noun a figure
					// counts does for a count.
					att = math.Min(1, att+0.4)
				}
				headOK := len(q.Counted) > 0 && v.Head >= 0 && (runHas(l, s.Toks, v, q.Counted) || eventNoun(q, stems, v.Head))
				headWrong := len(q.Counted) > 0 && v.HeadWord != "" && !headOK && !countedBefore(l, s.Toks, v, q.Counted)
				if headOK {
					e.counted = true
				}
				c := Candidate{Value: v, Article: p.Article, Published: p.Published, Sentence: text, Rank: p.Rank, Relevance: rel, Attach: att, modifiers: append(modifiersIn(q, about), namesIn(q, about, above)...), headOK: headOK, headWrong: headWrong, dated: namesDay(l, q, s, p.Published), measured: q.Dimension != nil && q.Dimension.Noun && besideMeasure(q, stems, v)}
				c.Score = rel * (0.4 + 0.6*att)
				if missesModifier(q, about, prev) {
					c.Score *= 0.6 // "the original bridge" asked, another one described
				}
				if anchored != nil && !anchored[p.Article] {
					c.Score *= 0.6 // another report than the one the question means
					c.unanchored = true
				}
				if c.Score >= minScore*0.6 {
					cands = append(cands, c)
				} else if e.Dropped != nil {
					e.Dropped(c)
				}
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].Score > cands[j].Score })
	return cands
}

// headed reports whether a name value ends with the noun of the kind the
// question asks the name of ("Golden Lake Hotel" for "the name of the
// hotel"): the name says what it is.
func headed(l *lang.Lang, toks []lang.Token, v Value, q Query) bool {
	return v.Type == Name && q.Category != "" && v.End-v.Start > 1 && l.Stem(toks[v.End-1].Lower) == q.Category
}

// namedThing is how well an article speaks of the thing a name question
// asks about, when it names one thing of the asked kind: 0.8 of the best
// relevance of its sentences that speak of that kind with a common noun
// ("a collapsed hotel in the city" before "the Golden Lake Hotel"). An
// article that names two things of the kind ("the Golden Lake Hotel", "the
// Palm Hotel") does not say which one "the hotel" is, and gets 0.
func (e *Engine) namedThing(q Query, p Passage) mention {
	l := e.Lang
	text := p.Text
	if text == "" {
		text = strings.Join(p.Sentences, " ")
	}
	sents := splitSentences(l, text)
	if len(namesOfKind(l, sents, q.Category)) != 1 {
		return mention{}
	}
	var best mention
	for _, sent := range sents {
		at := -1
		stems := make([][]string, len(sent.Toks))
		for i, t := range sent.Toks {
			stems[i] = l.Stems(t)
			if t.Text == t.Lower && t.Noun() && l.Stem(t.Lower) == q.Category {
				at = i
			}
		}
		if at < 0 {
			continue
		}
		m := mention{rel: 0.9 * e.relevance(q, stems), stems: stems}
		m.att = e.attach(q, sent, stems, Value{Type: Name, Start: at, End: at + 1, Head: -1}, p.Published, false)
		if m.rel*(0.4+0.6*m.att) > best.rel*(0.4+0.6*best.att) {
			best = m
		}
	}
	return best
}

// mention is how well a sentence that speaks of the asked thing with a
// common noun covers the question (rel) and binds the noun to it (att).
type mention struct {
	rel, att float64
	stems    [][]string
}

// namesOfKind returns the sentences' distinct names headed by the noun of
// a kind ("the Palm Hotel" for hotel), each with the first sentence that
// gives it.
func namesOfKind(l *lang.Lang, sents []Sentence, kind string) map[string]string {
	out := map[string]string{}
	for _, s := range sents {
		for _, n := range Names(s.Toks) {
			if n[1]-n[0] < 2 || l.Stem(s.Toks[n[1]-1].Lower) != kind {
				continue
			}
			var key []string
			for _, t := range s.Toks[n[0]:n[1]] {
				key = append(key, t.Lower)
			}
			if k := strings.Join(key, " "); out[k] == "" {
				out[k] = s.Text
			}
		}
	}
	return out
}

// splitSentences splits a text into tagged sentences at the tokens that
// end one.
func splitSentences(l *lang.Lang, text string) []Sentence {
	toks := l.Tokens(text)
	var out []Sentence
	start := 0
	for k := range toks {
		if end := toks[k].Text == "." || toks[k].Text == "!" || toks[k].Text == "?" || k == len(toks)-1; !end {
			continue
		}
		a, b := toks[start].Start, len(text)
		if k+1 < len(toks) {
			b = toks[k+1].Start
		}
		out = append(out, Sentence{Text: strings.TrimSpace(text[a:b]), Toks: l.Tokens(strings.TrimSpace(text[a:b]))})
		start = k + 1
	}
	return out
}

// withNamesOfKind adds to the passages of a question that asks for the
// name of a kind of thing ("the name of the hotel") the sentences of their
// articles that name one thing of that kind, when an article names only
// one: an article about the asked thing may name it far from the
// passages that describe it.
func (e *Engine) withNamesOfKind(q Query, passages []Passage) []Passage {
	if q.Category == "" || !q.Wants(Name) {
		return passages
	}
	have := map[string]bool{}
	for _, p := range passages {
		for _, s := range p.Sentences {
			have[p.Article+"\x00"+s] = true
		}
	}
	out := passages
	done := map[string]bool{}
	for _, p := range passages {
		if p.Text == "" || done[p.Article] {
			continue
		}
		done[p.Article] = true
		names := namesOfKind(e.Lang, splitSentences(e.Lang, p.Text), q.Category)
		if len(names) != 1 {
			continue
		}
		for _, s := range names {
			if !have[p.Article+"\x00"+s] {
				out = append(out, Passage{Article: p.Article, Published: p.Published, Rank: p.Rank, Sentences: []string{s}, Text: p.Text})
			}
		}
	}
	return out
}

// decide clusters the candidates and tells agreement from conflict.
func (e *Engine) decide(q Query, cands []Candidate, res Result, minScore, rival float64) Result {
	if len(cands) == 0 || cands[0].Score < minScore {
		res.Outcome = Unanswered
		return res
	}
	var clusters []Cluster
	skipped := false
	for _, c := range cands {
		if c.Score < minScore*0.8 {
			break
		}
		if c.unanchored && !cands[0].unanchored {
			// Another report than the one the question names: it neither
			// backs nor lists an answer, and was judged so.
			if c.Score >= minScore && !skipped {
				skipped = true
				res.Judged++
			}
			continue
		}
		placed := false
		for i := range clusters {
			if clusters[i].Candidates[0].Compatible(c.Value) {
				clusters[i].add(c)
				placed = true
				break
			}
		}
		if !placed {
			clusters = append(clusters, Cluster{Label: c.Label, Score: c.Score})
			clusters[len(clusters)-1].add(c)
		}
	}
	top := clusters[0]
	if q.Plural {
		rival *= 0.8 // several answers are expected, not disputed
	}
	res.Clusters = []Cluster{top}
	for _, o := range clusters[1:] {
		// At most four positions: a measure read by several agencies may
		// take as many values, each backed by its reports.
		if o.Score < rival*top.Score || o.Score < minScore || len(res.Clusters) >= 4 {
			continue
		}
		if !hasOther(o.Articles, res.Clusters) || o.Candidates[0].Sentence == top.Candidates[0].Sentence {
			continue // one article or one sentence giving two values is not a dispute between reports
		}
		if a, b := o.Candidates[0], top.Candidates[0]; a.Type != b.Type || a.Dim != b.Dim {
			continue // a count cannot dispute a sum of money
		}
		if q.Category == "" && q.Wants(Person) {
			continue // "who" questions name several actors; they do not dispute one
		}
		if o.Candidates[0].Type == KindOf || o.Candidates[0].Type == Define {
			continue // "hockey" and "cricket" may both be so; they are listed, not disputed
		}
		if len(q.Counted) > 0 && headMismatch(o.Candidates[0]) && !headMismatch(top.Candidates[0]) {
			res.Judged++
			continue // it counts something else ("300 rescuers" against "12 miners")
		}
		if o.Candidates[0].unanchored && !top.Candidates[0].unanchored {
			res.Judged++
			continue // a report other than the one the question names
		}
		if top.Candidates[0].measured && !o.Candidates[0].measured {
			res.Judged++
			continue // "magnitude 7.1" against a bare figure: that one measures something else
		}
		if top.Candidates[0].dated && !o.Candidates[0].dated {
			res.Judged++
			continue // the top report gives the asked day; this one may be of another
		}
		if lacks(o.Candidates[0].modifiers, top.Candidates[0].modifiers) && !(q.Wants(Time) && top.Candidates[0].dated && o.Candidates[0].dated) {
			res.Judged++
			// "the new bridge's span" against the old one's: another thing.
			// Two times of day given for the day the question asks about
			// time one event, however each words what happened.
			continue
		}
		res.Clusters = append(res.Clusters, o)
	}
	if !cands[0].unanchored {
		var anchored []Candidate
		for _, c := range cands {
			if !c.unanchored {
				anchored = append(anchored, c)
			}
		}
		cands = anchored
	}
	res.Others = others(cands, res.Clusters, minScore)
	res.Outcome = Agreed
	if len(res.Clusters) > 1 {
		res.Outcome = Conflicting
		if q.Plural {
			res.Outcome = Several // "which countries": each is an answer
		} else if len(res.Clusters) == 2 && updates(res.Clusters[0], res.Clusters[1]) {
			res.Outcome = Updated
		}
	}
	return res
}

// nameLike reports whether values of type t name something (a name or a
// noun of the asked kind) rather than measure it.
func nameLike(t string) bool { return t == Name || t == KindOf }

// maxOthers bounds the other answers listed beside the main one (a name
// rarely stands for more than three things in one set of articles, and
// each further answer is one more chance to repeat an error), and
// othersShare is the share of the answer's score one needs: a weaker value
// is more likely about something else the articles mention.
const (
	maxOthers   = 2
	othersShare = 0.45
)

// others clusters the best value of each article that the shown clusters
// do not cite, when it is strong enough to answer on its own: an article
// is about one thing, and its best value is its answer for that thing.
func others(cands []Candidate, shown []Cluster, minScore float64) []Cluster {
	cited := map[string]bool{}
	for _, c := range shown {
		for _, a := range c.Articles {
			cited[a] = true
		}
	}
	best := map[string]bool{}
	var out []Cluster
	for _, c := range cands { // best first
		if best[c.Article] {
			continue
		}
		best[c.Article] = true
		if cited[c.Article] || c.Score < minScore || c.Score < othersShare*shown[0].Score {
			continue
		}
		if t := shown[0].Candidates[0].Type; c.Type != t && !(nameLike(c.Type) && nameLike(t)) {
			continue
		}
		placed := false
		for _, s := range shown {
			if s.Candidates[0].Compatible(c.Value) {
				placed = true // it agrees with an answer given
			}
		}
		for i := range out {
			if !placed && out[i].Candidates[0].Compatible(c.Value) {
				out[i].add(c)
				placed = true
			}
		}
		if !placed && len(out) < maxOthers {
			out = append(out, Cluster{Label: c.Label, Score: c.Score})
			out[len(out)-1].add(c)
		}
	}
	return out
}

// updates reports whether two clusters of counts are one figure updated
// over time rather than disputed: every report of the higher figure was
// published after every report of the lower one (a toll that rose).
func updates(a, b Cluster) bool {
	ca, cb := a.Candidates[0], b.Candidates[0]
	if ca.Type != Count || cb.Type != Count {
		return false
	}
	lo, hi := a, b
	if ca.Lo > cb.Lo {
		lo, hi = b, a
	}
	var lastLo, firstHi time.Time
	for _, c := range lo.Candidates {
		if c.Published.IsZero() {
			return false
		}
		if c.Published.After(lastLo) {
			lastLo = c.Published
		}
	}
	for _, c := range hi.Candidates {
		if c.Published.IsZero() {
			return false
		}
		if firstHi.IsZero() || c.Published.Before(firstHi) {
			firstHi = c.Published
		}
	}
	return lastLo.Before(firstHi)
}

func (c *Cluster) add(x Candidate) {
	c.Candidates = append(c.Candidates, x)
	for _, a := range c.Articles {
		if a == x.Article {
			return
		}
	}
	c.Articles = append(c.Articles, x.Article)
}

// hasOther reports whether ids holds an article none of the clusters has.
func hasOther(ids []string, cs []Cluster) bool {
	for _, id := range ids {
		in := false
		for _, c := range cs {
			for _, a := range c.Articles {
				if a == id {
					in = true
				}
			}
		}
		if !in {
			return true
		}
	}
	return false
}

// relevance is the weighted share of focus words the sentence holds.
func (e *Engine) relevance(q Query, stems [][]string) float64 {
	var have, all float64
	for _, t := range q.Focus {
		w := e.termWeight(t)
		all += w
		best := bestMatch(t, stems)
		if best < 0.5 && spelled(t.Word, stems, e.Lang.Stop) {
			best = 1 // "vm" for "virtual machines"
		}
		have += w * best
	}
	if all == 0 {
		return 0.5
	}
	return have / all
}

// bestMatch is how strongly the best token of stems matches t.
func bestMatch(t Term, stems [][]string) float64 {
	best := 0.0
	for _, st := range stems {
		if m := t.Match(st); m > best {
			best = m
		}
	}
	return best
}

// spelled reports whether a short word (two to five letters) is the
// acronym of consecutive words of the text: their initials spell it ("VM"
// for "Virtual Machines", "NTSB" for "National Transportation Safety
// Board"). Inside the run, a function word (skip) or a mark other than a
// word ("of", "the", "'s") may stand between two spelled words, as
// acronyms leave them out ("PMK" for "People's Movement of Kosovo").
func spelled(word string, stems [][]string, skip func(string) bool) bool {
	if len(word) < 2 || len(word) > 5 {
		return false
	}
	initial := func(st []string) byte {
		if len(st) == 0 || st[0] == "" {
			return 0
		}
		return st[0][0]
	}
	for i := 0; i+len(word) <= len(stems); i++ {
		if initial(stems[i]) != word[0] {
			continue
		}
		j, k := i+1, 1
		for k < len(word) && j < len(stems) {
			c := initial(stems[j])
			switch {
			case c == word[k]:
				k++
			case c == 0 || c < 'a' || c > 'z' || skip != nil && skip(stems[j][0]):
			default:
				j = len(stems)
				continue
			}
			j++
		}
		if k == len(word) {
			return true
		}
	}
	return false
}

// before returns the stems of the article's text before the passage, when
// the article's text is known and holds the passage: a name given there is
// carried into the passage ("the building" after "the Audit Office
// building"). It returns nil otherwise.
func (e *Engine) before(p Passage) [][]string {
	if p.Text == "" || len(p.Sentences) == 0 {
		return nil
	}
	at := strings.Index(p.Text, p.Sentences[0])
	if at <= 0 {
		return nil
	}
	// Only the question's names are carried (see carried): the stems of
	// the capitalised words, untagged and each once, are enough.
	seen := map[string]bool{}
	var out [][]string
	for _, f := range strings.Fields(p.Text[:at]) {
		if f[0] < 'A' || f[0] > 'Z' {
			continue
		}
		for _, w := range lang.Words(f) {
			if st := e.Lang.Stem(w); !seen[st] {
				seen[st] = true
				out = append(out, []string{st})
			}
		}
	}
	return out
}

// surnames maps the last word of each two- or three-word proper name of
// the question ("Gilbert" of "Larry Gilbert") to the stems of the words
// before it: news and reference writing name a person in full once and by
// the surname after, so a capitalised surname stands for the whole name.
// Words before the last that are common nouns ("Port Calder", "Judge
// Ade") make a place's name or a title, not a person's given names.
func surnames(l *lang.Lang, q Query) map[string][]string {
	out := map[string][]string{}
	words := strings.Fields(strings.ToLower(q.Text))
	for i := 0; i < len(q.Focus); {
		j := i
		for j < len(q.Focus) && q.Focus[j].Name && q.Focus[j].Noun {
			j++
		}
		if n := j - i; n >= 2 && n <= 3 && adjacent(words, q.Focus[i:j]) {
			var given []string
			for _, t := range q.Focus[i : j-1] {
				if l.CommonNoun(t.Word) {
					given = nil
					break
				}
				given = append(given, t.Stem)
			}
			if len(given) > 0 {
				out[q.Focus[j-1].Stem] = given
			}
		}
		i = max(j, i+1)
	}
	return out
}

// bySurname lets a capitalised surname of the question's names stand for
// the whole name in a sentence that does not write the given names ("Gilbert
// won" for "Larry Gilbert"): the surname's token matches them too.
func bySurname(sur map[string][]string, toks []lang.Token, stems [][]string) {
	if len(sur) == 0 {
		return
	}
	for i, t := range toks {
		if t.Text == t.Lower {
			continue
		}
		for _, st := range stems[i] {
			given, ok := sur[st]
			if !ok || hasAny(stems, given) {
				continue
			}
			stems[i] = append(append([]string(nil), stems[i]...), given...)
			break
		}
	}
}

// adjacent reports whether the terms are written one after the other in
// the question's words (no "of" or other word between them: "Battle of
// Beirut" is not a person's name).
func adjacent(words []string, ts []Term) bool {
	for i := range words {
		ok := i+len(ts) <= len(words)
		for k := 0; ok && k < len(ts); k++ {
			ok = strings.Trim(words[i+k], ".,;:!?\"'()“”‘’") == ts[k].Word
		}
		if ok {
			return true
		}
	}
	return false
}

// hasName reports whether the question names something by a proper name.
func hasName(q Query) bool {
	for _, t := range q.Focus {
		if t.Name {
			return true
		}
	}
	return false
}

// carried is the relevance of a sentence whose passage named the
// question's proper names earlier: the names count where the passage has
// them, every other focus word must be in the sentence itself.
func (e *Engine) carried(q Query, stems, above [][]string) float64 {
	var have, all float64
	names := false
	for _, t := range q.Focus {
		w := e.termWeight(t)
		all += w
		best := bestMatch(t, stems)
		if t.Name || t.Described {
			// A name, and what describes the asked thing rather than asks
			// about it ("the team that pulled out the worker"), may be
			// given earlier.
			names = names || t.Name
			best = max(best, bestMatch(t, above))
		} else if best < 0.5 && t.Noun {
			return 0 // the sentence must say what is asked of the thing
		}
		have += w * best
	}
	if all == 0 || !names {
		return 0
	}
	return have / all
}

// ownWords reports whether a name value repeats the question's own words.
func (e *Engine) ownWords(q Query, stems [][]string, v Value) bool {
	if v.Type != Name && v.Type != Person && v.Type != Org && v.Type != Place && v.Type != KindOf && v.Type != Define {
		return false
	}
	for k := v.Start; k < v.End; k++ {
		for _, t := range q.Focus {
			if contains(stems[k], t.Stem) && t.Stem != q.Category {
				return true
			}
		}
	}
	return false
}

// termWeight weighs a focus word by its rarity and its part of speech:
// nouns and names say what is asked about, verbs what happened to it,
// modifiers least.
func (e *Engine) termWeight(t Term) float64 {
	w := e.weight(t.Word)
	if t.Described {
		w *= 0.3 // it says when or who, not what is asked
	}
	return w * t.Emphasis()
}

// Emphasis is how much a focus term's part of speech says what is asked:
// nouns most, verbs less, modifiers least.
func (t Term) Emphasis() float64 {
	switch {
	case t.Noun:
		return 1
	case t.Verb:
		return 0.6
	}
	return 0.3
}

// measuresOther reports whether a physical measure is of a thing the
// question does not name ("38,000 litres of fuel" when the question asks
// how much a firm was fined, and counts nothing).
func measuresOther(q Query, s Sentence, stems [][]string, v Value) bool {
	switch v.Type {
	case Volume, Mass, Length, Area:
	default:
		return false
	}
	return len(q.Counted) == 0 && v.Head > v.End && v.Head < len(stems) && s.Toks[v.End].Lower == "of" && !focusMatch(q, stems[v.Head])
}

// fromOther reports whether a direction is given from another focus
// word than the place the question measures from: "southeast of the
// epicentre" locates something else from the epicentre when the question
// asks which direction from the town the epicentre lay.
func fromOther(q Query, toks []lang.Token, stems [][]string, v Value) bool {
	if v.Type != Direction || len(q.From) == 0 {
		return false
	}
	k := v.End
	if k >= len(toks) || toks[k].Lower != "of" {
		return false
	}
	for k++; k < len(toks) && toks[k].Tag == "DT"; k++ {
	}
	if k >= len(toks) || hasAny(stems[k:k+1], q.From) {
		return false
	}
	for _, t := range q.Focus {
		if !contains(q.From, t.Stem) && t.Match(stems[k]) >= 0.5 {
			return true
		}
	}
	return false
}

// focusMatch reports whether a token's stems match a focus word.
func focusMatch(q Query, stems []string) bool {
	for _, t := range q.Focus {
		if t.Match(stems) >= 0.5 {
			return true
		}
	}
	return false
}

// hasAny reports whether any token's stems hold one of want.
func hasAny(stems [][]string, want []string) bool {
	for _, ss := range stems {
		for _, s := range ss {
			if contains(want, s) {
				return true
			}
		}
	}
	return false
}

// attach scores how closely a value is bound to the question: focus words
// near it (weighted, nearer counts more), the noun it counts against the
// noun asked about, and the dates the question names.
func (e *Engine) attach(q Query, s Sentence, stems [][]string, v Value, pub time.Time, prevHas bool) float64 {
	var have, all, present float64
	for _, t := range q.Focus {
		if contains(q.Counted, t.Stem) {
			continue
		}
		w := e.termWeight(t)
		all += w
		d, m := math.MaxInt, 0.0
		for k, st := range stems {
			mk := t.Match(st)
			if mk < 0.5 {
				continue
			}
			if mk > m {
				m = mk
			}
			dist := v.Start - k
			if k >= v.End {
				dist = k - v.End + 1
			}
			if dist < 0 {
				dist = -dist
			}
			if dist < d {
				d = dist
			}
		}
		if d != math.MaxInt {
			have += w * m * math.Max(0.2, 1-float64(d)/20)
			present += w * m
		}
	}
	// Proximity is measured over the focus words the sentence holds: how
	// they are missing is the relevance's business.
	att := 0.0
	if present > 0 {
		att = have / present
	} else if prevHas {
		// The sentence continues one about the focus ("The 984-foot ship
		// was leaving port" after a sentence naming it): bound, loosely.
		att = 0.4
	}
	if len(q.Counted) > 0 && (v.Type == Count || v.Type == Amount || v.Dim != "" && v.Head >= 0) {
		switch {
		case v.Head >= 0 && (runHas(e.Lang, s.Toks, v, q.Counted) || runRelates(q, stems, v)):
			att = math.Min(1, att+0.4)
		case countedBefore(e.Lang, s.Toks, v, q.Counted) || eventBefore(q, s.Toks, stems, v):
			att = math.Min(1, att+0.3)
		case v.HeadWord != "":
			att *= 0.6 // it may count something else
		default:
			att *= 0.8
		}
	}
	if q.Dimension != nil {
		// "how deep": a value beside "deep" or "depth" is the measure asked.
		// A measure named by a noun ("what magnitude") is bound to its
		// figure ("magnitude 5.1", "a population of 4,210"); a figure
		// without it more likely measures something else (x0.6).
		beside := besideMeasure(q, stems, v)
		switch {
		case beside:
			att = math.Min(1, att+0.3)
		case q.Dimension.Noun:
			att *= 0.6
		case !q.Wants(Count) && matchAny(*q.Dimension, stems):
			// The sentence gives the measure beside another figure ("16 km
			// north, at a depth of 10 km"): this one measures something else.
			att *= 0.7
		}
	}
	if len(q.Dates) > 0 && v.Type != Date && v.Type != Weekday {
		ds := e.Lang.Dates(s.Toks)
		if len(ds) > 0 {
			match := sameDay(q.Dates, ds, pub)
			if match {
				att = math.Min(1, att+0.2)
			} else {
				att *= 0.6
			}
		} else if quantity(v.Type) && !pub.IsZero() {
			att = asOf(q.Dates, pub, att)
		}
	}
	return att
}

// anchored returns the articles whose passages give every figure the
// question anchors itself with, or nil when it anchors none. A figure is
// given when an article repeats it (within rounding), not when a hedged
// one ("more than 1,000") merely allows it.
func (e *Engine) anchored(q Query, passages []Passage) map[string]bool {
	if len(q.Anchors) == 0 {
		return nil
	}
	found := map[string]int{}
	read := map[string]bool{}
	for _, p := range passages {
		texts := p.Sentences
		if p.Text != "" {
			if read[p.Article] {
				continue
			}
			read[p.Article] = true
			texts = []string{p.Text}
		}
		for _, text := range texts {
			for _, x := range e.Lang.Quantities(e.Lang.Tokens(text), nil) {
				for i, a := range q.Anchors {
					if repeats(x, a) {
						found[p.Article] |= 1 << (i % 30)
					}
				}
			}
		}
	}
	all := 1<<min(len(q.Anchors), 30) - 1
	out := map[string]bool{}
	for a, bits := range found {
		out[a] = bits == all
	}
	return out
}

// holdsAnchor reports whether a passage's sentences give one of the
// question's anchor figures.
func (e *Engine) holdsAnchor(q Query, p Passage) bool {
	for _, text := range p.Sentences {
		for _, x := range e.Lang.Quantities(e.Lang.Tokens(text), nil) {
			for _, a := range q.Anchors {
				if repeats(x, a) {
					return true
				}
			}
		}
	}
	return false
}

func (e *Engine) minScore() float64 {
	if e.MinScore > 0 {
		return e.MinScore
	}
	return 0.4
}

// repeats reports whether figure x gives anchor a again, within rounding.
func repeats(x, a lang.Quantity) bool {
	return x.Dim == a.Dim && math.Abs(x.Value-a.Value) <= 0.01*math.Abs(a.Value)
}

// isAnchor reports whether a value is one of the question's own figures.
func isAnchor(q Query, v Value) bool {
	for _, a := range q.Anchors {
		if v.Lo == a.Lo && v.Hi == a.Hi && v.Dim == a.Dim {
			return true
		}
	}
	return false
}

// namesDay reports whether a sentence names a day the question asks about.
func namesDay(l *lang.Lang, q Query, s Sentence, pub time.Time) bool {
	return len(q.Dates) > 0 && sameDay(q.Dates, l.Dates(s.Toks), pub)
}

// sameDay reports whether a date of ds can be a day the question names.
func sameDay(asked, ds []lang.Date, pub time.Time) bool {
	for _, d := range ds {
		for _, qd := range asked {
			if qd.Same(d, pub, pub) {
				return true
			}
		}
	}
	return false
}

// besideMeasure reports whether the measure the question names ("deep",
// "magnitude") stands right beside a value ("a depth of 10 km", "magnitude
// 7.1").
func besideMeasure(q Query, stems [][]string, v Value) bool {
	if q.Dimension == nil {
		return false
	}
	for k := max(0, v.Start-3); k < len(stems) && k < v.End+2; k++ {
		if q.Dimension.Match(stems[k]) >= 0.5 {
			return true
		}
	}
	return false
}

// quantity reports whether an answer type is a figure that can change
// from day to day (a toll, a sum, a share).
func quantity(t string) bool {
	return t == Count || t == Amount || t == Money || t == Percent
}

// asOf weighs an undated figure by when its article appeared, for a
// question that asks for it as of a day: an article published before that
// day cannot report the figure then, and one published that day or the
// next reports it as it stood.
func asOf(dates []lang.Date, pub time.Time, att float64) float64 {
	day := time.Date(pub.Year(), pub.Month(), pub.Day(), 0, 0, 0, 0, time.UTC)
	for _, qd := range dates {
		t, ok := qd.Resolve(pub)
		if !ok {
			continue
		}
		switch {
		case day.Before(t):
			return att * 0.6
		case !day.After(t.AddDate(0, 0, 1)):
			return math.Min(1, att+0.1)
		}
	}
	return att
}

// runHas reports whether the noun run a figure counts ("Windows devices")
// holds one of the counted stems.
func runHas(l *lang.Lang, toks []lang.Token, v Value, counted []string) bool {
	if v.HeadWord != "" && contains(counted, l.Stem(v.HeadWord)) {
		return true
	}
	for k := v.End; k <= v.Head && k < len(toks); k++ {
		if contains(counted, l.Stem(toks[k].Lower)) {
			return true
		}
	}
	return false
}

// runRelates reports whether the noun run a figure measures matches a
// counted focus word through WordNet ("25% of the region" for "how much
// territory").
func runRelates(q Query, stems [][]string, v Value) bool {
	for _, t := range q.Focus {
		if !contains(q.Counted, t.Stem) {
			continue
		}
		for k := v.End; k <= v.Head && k < len(stems); k++ {
			if t.Match(stems[k]) >= 0.5 {
				return true
			}
		}
	}
	return false
}

// countedBefore reports whether the counted noun stands just before a bare
// figure: "a crew of 21", "the death toll rose to 2,719".
func countedBefore(l *lang.Lang, toks []lang.Token, v Value, counted []string) bool {
	for k := v.Start - 1; k >= 0 && k >= v.Start-4; k-- {
		if contains(counted, l.Stem(toks[k].Lower)) {
			return true
		}
		if toks[k].Text == "," || toks[k].Text == "." {
			return false
		}
	}
	return false
}

// eventBefore reports whether a noun derived from the question's verb
// stands just before a bare figure: "injuries now total 3,408" for "how
// many people were injured", "deaths rose to 40" for "how many died". The
// asked event, counted, counts those it happened to.
func eventBefore(q Query, toks []lang.Token, stems [][]string, v Value) bool {
	if v.HeadWord != "" {
		return false
	}
	for k := v.Start - 1; k >= 0 && k >= v.Start-4; k-- {
		if toks[k].Text == "," || toks[k].Text == "." {
			return false
		}
		if !toks[k].Noun() {
			continue
		}
		if eventNoun(q, stems, k) {
			return true
		}
	}
	return false
}

// eventNoun reports whether the noun at k is derived from one of the
// question's verbs ("injuries" for "injured", "cancellations" for
// "cancelled"): counted, the asked event counts those it happened to.
func eventNoun(q Query, stems [][]string, k int) bool {
	if k < 0 || k >= len(stems) {
		return false
	}
	for _, t := range q.Focus {
		if t.Verb && !t.Described && t.Match(stems[k]) >= 0.6 {
			return true
		}
	}
	return false
}

// missesModifier reports whether the question names its thing with an
// adjective ("the original bridge") that neither the sentence nor the one
// before it has.
func missesModifier(q Query, stems, prev [][]string) bool {
	for _, t := range q.Focus {
		if t.Modifier && !matchAny(t, stems) && !matchAny(t, prev) {
			return true
		}
	}
	return false
}

// headMismatch reports whether a candidate counts a noun other than the
// asked one.
func headMismatch(c Candidate) bool { return c.headWrong }

// modifiersIn lists the question's verbs and modifiers ("refloat", "new",
// "main") that a sentence holds: a rival sentence without the top one's is
// about another event or thing.
func modifiersIn(q Query, stems [][]string) []string {
	var out []string
	for _, t := range q.Focus {
		if (t.Verb || t.Modifier) && !t.Described && matchAny(t, stems) {
			out = append(out, t.Stem)
		}
	}
	return out
}

// namesIn lists the question's proper names that qualify a noun
// ("Bangkok" in "the Bangkok tower") that a sentence or the text of its
// article before it holds: such a name tells one thing from another of its
// kind, and a rival whose article never names the top one's thing is about
// another.
func namesIn(q Query, stems, above [][]string) []string {
	var out []string
	for _, t := range q.Focus {
		if t.Qualifier && (matchAny(t, stems) || matchAny(t, above)) {
			out = append(out, t.Stem)
		}
	}
	return out
}

func matchAny(t Term, stems [][]string) bool {
	return bestMatch(t, stems) >= 0.5
}

// lacks reports whether have misses a modifier of want.
func lacks(have, want []string) bool {
	for _, w := range want {
		if !contains(have, w) {
			return true
		}
	}
	return false
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func traceLine(c Candidate) string {
	var b strings.Builder
	b.WriteString(c.Type)
	b.WriteString(" ")
	b.WriteString(c.Label)
	if c.HeadWord != "" {
		b.WriteString(" (of " + c.HeadWord + ")")
	}
	b.WriteString(" in " + c.Article)
	b.WriteString(" rel=" + f2(c.Relevance) + " att=" + f2(c.Attach) + " score=" + f2(c.Score))
	for _, f := range []struct {
		on   bool
		name string
	}{{c.dated, "dated"}, {c.unanchored, "unanchored"}, {c.measured, "measured"}, {c.headOK, "headOK"}, {c.headWrong, "headWrong"}} {
		if f.on {
			b.WriteString(" " + f.name)
		}
	}
	return b.String()
}

func f2(x float64) string {
	return strings.TrimRight(strings.TrimRight(strconvF(x), "0"), ".")
}

// PassageScores returns, for each passage, the best score of a candidate
// value in it (0 when it has none).
func (e *Engine) PassageScores(q Query, passages []Passage) []float64 {
	out := make([]float64, len(passages))
	for i, c := range e.PassageValues(q, passages) {
		out[i] = c.Score
	}
	return out
}

// PassageValues returns, for each passage, its best candidate value (a
// zero Candidate when it has none). A passage that gives the figure the
// question anchors itself with scores 1: it is context for any answer.
func (e *Engine) PassageValues(q Query, passages []Passage) []Candidate {
	out := make([]Candidate, len(passages))
	anchored := e.anchored(q, passages)
	e.named = nil
	for i, p := range passages {
		p.Rank = i
		r := e.candidates(q, []Passage{p}, anchored)
		if len(r) > 0 {
			out[i] = r[0]
		}
		if anchored[p.Article] && e.holdsAnchor(q, p) {
			out[i].Score = 1
		}
	}
	return out
}
