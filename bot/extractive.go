package bot

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/storybot/storybot/bot/lang"
	"github.com/storybot/storybot/bot/values"
)

// ComposerExtractive names the offline composer in Answer.Composer.
const ComposerExtractive = "extractive"

// TermStats is implemented by a Retriever that knows corpus-wide term
// statistics: for each plain word, in how many of its n passages the word
// occurs (as the retriever analyses words). The extractive composer uses it
// to tell a specific word of the question from one the whole story uses;
// without it (or when n is 0), the retrieved passages stand in for the
// corpus. It must be safe for concurrent use.
type TermStats interface {
	DocFreqs(words []string) (df []int, n int)
}

// Extractive answers from the corpus without a language model: it picks the
// sentences of the retrieved passages that best cover the question, prefers
// covering several outlets, cites every sentence, and abstains when no
// sentence covers the question's specific words. It is safe for concurrent use.
type Extractive struct {
	stats TermStats
	// Trace, when set, receives a line per step of typed answering: the
	// question's analysis and every candidate value with its scores
	// (storybot ask --explain).
	Trace func(line string)
	// MaxSentences bounds the answer body (default 3).
	MaxSentences int
	// MinCoverage is the share of the question's specific words that the best
	// sentence must cover for the question to count as answered (default 0.35).
	MinCoverage float64
}

// language returns the shared language layer, loaded on first use, so a
// command that only indexes never loads its models.
func (e *Extractive) language() *lang.Lang { return language() }

// NewExtractive returns an extractive composer; r may implement TermStats.
func NewExtractive(r Retriever) *Extractive {
	e := &Extractive{MaxSentences: 3, MinCoverage: 0.35}
	if ts, ok := r.(TermStats); ok {
		e.stats = ts
	}
	return e
}

var _ Composer = (*Extractive)(nil)

// candidate is one sentence of the retrieved passages.
type candidate struct {
	article  string
	text     string
	terms    map[string]bool
	match    map[string]bool // terms and the acronyms the sentence spells
	rank     int             // rank of its passage among the hits
	at       int             // index of its (first) sentence in the passage
	coverage float64         // weighted share of the question's terms it covers
	specific float64         // same, over the question's specific terms only
	score    float64
}

// query is what the sentence composer matches of a question: its terms'
// stems in order, the words that make each (for corpus statistics), and the
// stems each term matches in text with the strength of the match (its own
// stem and base forms 1, WordNet synonyms and derived forms less).
type query struct {
	focus []string
	words map[string][]string
	rel   map[string]map[string]float64
	// weak marks phrasal verbs ("end up", "pull out"): their words say
	// little of their meaning, so they count when found and are not
	// missed when absent.
	weak map[string]bool
}

// minRelated is the weakest WordNet relation that lets a sentence's word
// stand for a question's word: synonyms and close derived forms, not
// hypernyms ("vessel" covers "ship"; "craft" does not).
const minRelated = 0.6

// Focus returns the distinct stems of a question's terms, in order.
func (e *Extractive) Focus(question string) []string { return e.query(question).focus }

// query analyses a question for the sentence composer.
func (e *Extractive) query(question string) query {
	q := query{words: map[string][]string{}, rel: map[string]map[string]float64{}, weak: map[string]bool{}}
	toks := e.language().Tokens(question)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if ph, n := e.language().Phrasal(toks, i); n > 0 && !e.language().Light(t.Lower) {
			if _, ok := q.rel[ph]; !ok {
				q.focus = append(q.focus, ph)
				rel := map[string]float64{e.language().Stem(t.Lower): 1}
				for r, x := range e.language().PhraseRelated(ph, true) {
					rel[r] = x
				}
				q.rel[ph] = rel
				q.weak[ph] = true
				q.words[ph] = []string{t.Lower}
			}
			i += n - 1
			continue
		}
		w := strings.ToLower(strings.Trim(t.Lower, "'’"))
		if !t.Word() || !e.language().Term(w) {
			continue
		}
		s := e.language().Stem(w)
		if _, ok := q.rel[s]; !ok {
			q.focus = append(q.focus, s)
			rel := map[string]float64{s: 1}
			for r, x := range e.language().Related(t) {
				if x >= minRelated {
					rel[r] = x
				}
			}
			for r, x := range e.language().Kin(t) {
				if x > rel[r] {
					rel[r] = x
				}
			}
			q.rel[s] = rel
		}
		if !contains(q.words[s], w) {
			q.words[s] = append(q.words[s], w)
		}
	}
	return q
}

// expand returns a question followed by the WordNet synonyms and direct
// hypernyms of its nouns, and the synonyms of its phrasal verbs, for a
// retriever that matches words literally: a question about a "floor" also
// finds the article that writes "storey".
func (e *Extractive) expand(text string) string {
	var b strings.Builder
	b.WriteString(text)
	seen := map[string]bool{}
	toks := e.language().Tokens(text)
	for i, t := range toks {
		if !t.Word() || !e.language().Term(t.Lower) {
			continue
		}
		// A thing goes by other names and by its kind ("storey", "vessel");
		// a verb's or adjective's WordNet synonyms mostly bring their
		// other meanings into a literal search.
		var syn []string
		if t.Noun() {
			syn = append(e.language().Synonyms(t), e.language().Broader(t)...)
		}
		// A verb's event noun: "injuries" for "injured".
		syn = append(syn, e.language().EventNouns(t)...)
		if ph, n := e.language().Phrasal(toks, i); n > 0 {
			syn = append(syn, e.language().PhraseSynonyms(ph)...)
		}
		for _, w := range syn {
			if !seen[w] {
				seen[w] = true
				b.WriteByte(' ')
				b.WriteString(w)
			}
		}
	}
	return b.String()
}

// matchSet is what a question's terms are looked for in: the stems of a
// text's terms (see lang.TermSet) and of the acronyms its capitalised
// names spell ("US Geological Survey" answers a question about the "USGS").
// The acronyms are kept out of the term sets that compare sentences with
// each other, where two mentions of one name would count several times.
func (e *Extractive) matchSet(text string) map[string]bool {
	m := e.language().TermSet(text)
	for _, a := range lang.Acronyms(text) {
		m[e.language().Stem(a)] = true
	}
	return m
}

// has reports whether a set of stems covers the question term t.
func (q query) has(ts map[string]bool, t string) bool {
	for r := range q.rel[t] {
		if ts[r] {
			return true
		}
	}
	if ts[t] {
		return true
	}
	if len(t) < 6 {
		return false
	}
	for o := range ts {
		if lang.Similar(o, t) {
			return true
		}
	}
	return false
}

// Compose answers b.Question from b.Hits. It never returns an empty answer:
// when nothing answers the question, the answer abstains and cites nothing.
func (e *Extractive) Compose(ctx context.Context, b Brief) (Answer, error) {
	if err := ctx.Err(); err != nil {
		return Answer{}, err
	}
	if a, ok := e.composeTyped(b); ok {
		return a, nil
	}
	if b.Context != "" {
		b.Question.Text = b.Context + " " + b.Question.Text
	}
	q := e.query(b.Question.Text)
	focus := q.focus
	cands := e.candidates(b.Hits)
	weights, specific := e.weigh(q, cands)
	intent := questionIntent(b.Question.Text)
	if intent == nil && e.asksKind(b) {
		intent = nameRe.MatchString // "what system went down?" wants its name
	}
	if asksName(b.Question.Text) || e.asksKind(b) {
		// A name that opens the sentence ("Ana Ruiz told ...") is a name
		// too: the tagger tells it from a capitalised common word.
		regex := intent
		intent = func(s string) bool { return regex(s) || e.namesSomeone(s) }
	}
	answered := false
	for i := range cands {
		c := &cands[i]
		c.coverage, c.specific = q.cover(c.match, weights, specific)
		// Answered when a sentence covers most of the question's specific
		// words, or nearly all of its words.
		if c.specific >= e.MinCoverage || c.coverage >= 0.6 {
			answered = true
		}
		c.score = c.coverage + 0.04*float64(len(b.Hits)-c.rank)/float64(len(b.Hits)+1)
		if intent != nil {
			// A "how many" question wants a number, a "when" question a date:
			// a sentence without one hardly answers it.
			if intent(c.text) {
				c.score += 0.1
			} else {
				c.score *= 0.6
			}
		}
		if words := len(strings.Fields(c.text)); words > 60 {
			c.score -= 0.1
		}
	}
	if !answered {
		// A passage may answer across its sentences ("Police hunt a man ...
		// Detectives have not ruled out arson"): accept it with a stricter bar.
		for _, h := range b.Hits {
			all, spec := q.cover(e.matchSet(h.Passage.Text()), weights, specific)
			if spec >= e.MinCoverage+0.15 || all >= 0.75 {
				answered = true
				break
			}
		}
	}
	// What the question is about decides, not its every word: a sentence
	// that covers its nouns answers it even when a verb or filler word of
	// the question is missing; none covering them is an abstention.
	if byNouns, ok := e.nounsCovered(b); ok && byNouns {
		answered = true
	}
	// A passage may cover the question while every one of its sentences is
	// unusable (too short, a disclaimer or a link): then there is nothing
	// to quote, and the answer abstains.
	if len(focus) == 0 || !answered || len(cands) == 0 {
		return e.abstain(b, q), nil
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	if e.Trace != nil {
		e.Trace(fmt.Sprintf("sentences for %q: focus %v", b.Question.Text, focus))
		for i, c := range cands {
			if i >= 8 {
				break
			}
			e.Trace(fmt.Sprintf("  cov=%.2f spec=%.2f score=%.2f %s: %.90q", c.coverage, c.specific, c.score, c.article, c.text))
		}
	}
	chosen := e.choose(cands, q, weights)
	if intent != nil {
		chosen = followUp(chosen, cands, intent, e.maxSentences())
	}
	a := Answer{Composer: ComposerExtractive}
	for _, c := range chosen {
		a.Sentences = append(a.Sentences, Sentence{Text: c.text, Citations: supporters(c, cands)})
	}
	a.Sources = Sources(a.Citations(), b.Articles)
	return a, nil
}

// choose picks up to MaxSentences sentences: the best, then others that score
// close to it, say something new, and preferably come from other articles.
// It returns nothing when there is no candidate.
func (e *Extractive) choose(cands []candidate, q query, weights map[string]float64) []candidate {
	if len(cands) == 0 {
		return nil
	}
	max := e.MaxSentences
	if max <= 0 {
		max = 3
	}
	top, topSpecific := cands[0].coverage, cands[0].specific
	key := keyTerm(cands[0], q, weights)
	chosen := []candidate{cands[0]}
	used := map[string]bool{cands[0].article: true}
	for len(chosen) < max {
		bestI, bestS := -1, 0.0
		for i, c := range cands {
			// A further sentence must be about the same specific things as the
			// best one, not merely share a word with the question.
			// It must also carry the best sentence's key word.
			if c.coverage < 0.6*top || c.specific < 0.8*topSpecific || c.coverage == 0 || !q.has(c.match, key) || redundant(c, chosen) {
				continue
			}
			s := c.score
			if !used[c.article] {
				s += 0.1
			}
			if bestI < 0 || s > bestS {
				bestI, bestS = i, s
			}
		}
		if bestI < 0 {
			break
		}
		chosen = append(chosen, cands[bestI])
		used[cands[bestI].article] = true
	}
	return chosen
}

// followUp completes a best sentence that lacks the kind of answer the
// question wants (a name, a number, a date) with the sentence right after
// it in its passage, or the one after that, when that one has it: a
// headline or an opening sentence says what happened ("Firm's executive
// apologises to lawmakers") and the next names who or says how many ("Ana
// Ruiz told the committee ..."). The completing sentence follows the one
// it completes; the answer keeps at most max sentences.
func followUp(chosen, cands []candidate, intent func(string) bool, max int) []candidate {
	if len(chosen) == 0 || intent(chosen[0].text) {
		return chosen
	}
	top := chosen[0]
	for _, c := range cands {
		if c.article != top.article || c.rank != top.rank || c.at <= top.at || c.at > top.at+2 || !intent(c.text) || redundant(c, chosen[:1]) {
			continue
		}
		out := []candidate{top, c}
		for _, o := range chosen[1:] {
			if o.text != c.text && len(out) < max {
				out = append(out, o)
			}
		}
		return out
	}
	return chosen
}

func (e *Extractive) maxSentences() int {
	if e.MaxSentences <= 0 {
		return 3
	}
	return e.MaxSentences
}

// keyTerm is the rarest (heaviest) question term the candidate covers.
func keyTerm(c candidate, q query, weights map[string]float64) string {
	key, best := "", -1.0
	for _, t := range q.focus {
		if weights[t] > best && q.has(c.match, t) {
			key, best = t, weights[t]
		}
	}
	return key
}

// supporters are the articles that carry c or a sentence saying nearly the
// same; c's own article comes first.
func supporters(c candidate, cands []candidate) []string {
	ids := []string{c.article}
	for _, o := range cands {
		if len(ids) >= 4 {
			break
		}
		if o.article == c.article || contains(ids, o.article) {
			continue
		}
		if jaccard(c.terms, o.terms) >= 0.5 {
			ids = append(ids, o.article)
		}
	}
	return ids
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func redundant(c candidate, chosen []candidate) bool {
	for _, o := range chosen {
		if o.text == c.text || jaccard(c.terms, o.terms) >= 0.5 {
			return true
		}
	}
	return false
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for t := range a {
		if b[t] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// candidates lists the usable sentences of the hits, each once per article.
func (e *Extractive) candidates(hits []Hit) []candidate {
	var out []candidate
	seen := map[string]bool{}
	for rank, h := range hits {
		sents := h.Passage.Sentences
		for i := 0; i < len(sents); i++ {
			s, at := sents[i], i
			// A quotation that runs on into the next sentences is one statement.
			for j := 0; openQuote(s) && j < 2 && i+1 < len(sents); j++ {
				i++
				s += " " + sents[i]
			}
			s = stripLead(s) // "CITY, May 3 (Agency) — ..." opens an article
			s = cleanSentence(s)
			key := h.Passage.ArticleID + "\x00" + s
			if seen[key] || !usable(s) {
				continue
			}
			seen[key] = true
			out = append(out, candidate{article: h.Passage.ArticleID, text: s, terms: e.language().TermSet(s), match: e.matchSet(s), rank: rank, at: at})
		}
	}
	return out
}

// weigh gives each focus term an inverse document frequency weight, and marks
// the specific ones: those not used by most of the story's passages.
func (e *Extractive) weigh(q query, cands []candidate) (map[string]float64, map[string]bool) {
	focus := q.focus
	weights := map[string]float64{}
	specific := map[string]bool{}
	corpus := e.corpusFreqs(focus, q.words)
	for _, t := range focus {
		df, n := e.docFreq(q, t, cands)
		if c, ok := corpus[t]; ok {
			df, n = c[0], c[1]
		}
		if n == 0 {
			n = 1
		}
		if df == 0 {
			df = 1 // unknown words weigh like the rarest known ones
		}
		idf := math.Log(1 + float64(n)/float64(df))
		weights[t] = idf * idf // peaked: the question's rarest word carries it
		specific[t] = float64(df)/float64(n) < 0.35
	}
	if len(specific) == 0 || allFalse(specific) {
		for _, t := range focus {
			specific[t] = true
		}
	}
	return weights, specific
}

func allFalse(m map[string]bool) bool {
	for _, v := range m {
		if v {
			return false
		}
	}
	return true
}

// corpusFreqs asks the retriever for corpus-wide document frequencies of the
// focus terms: a term's frequency is that of its most frequent word. It returns nil without TermStats.
func (e *Extractive) corpusFreqs(focus []string, words map[string][]string) map[string][2]int {
	if e.stats == nil {
		return nil
	}
	var flat []string
	for _, t := range focus {
		flat = append(flat, words[t]...)
	}
	dfs, n := e.stats.DocFreqs(flat)
	if n == 0 || len(dfs) != len(flat) {
		return nil
	}
	out := map[string][2]int{}
	i := 0
	for _, t := range focus {
		best := 0
		for range words[t] {
			best = max(best, dfs[i])
			i++
		}
		out[t] = [2]int{best, n}
	}
	return out
}

// docFreq estimates a term's document frequency from the candidates.
func (e *Extractive) docFreq(q query, t string, cands []candidate) (int, int) {
	df := 0
	for _, c := range cands {
		if q.has(c.match, t) {
			df++
		}
	}
	return df, len(cands)
}

// cover returns the weighted share of the question's terms found in ts,
// over all terms and over the specific ones.
func (q query) cover(ts map[string]bool, w map[string]float64, specific map[string]bool) (all, spec float64) {
	var got, total, sgot, stotal float64
	for _, t := range q.focus {
		has := q.has(ts, t)
		if q.weak[t] && !has {
			continue
		}
		total += w[t]
		if specific[t] {
			stotal += w[t]
		}
		if has {
			got += w[t]
			if specific[t] {
				sgot += w[t]
			}
		}
	}
	if total > 0 {
		all = got / total
	}
	if stotal > 0 {
		spec = sgot / stotal
	}
	return all, spec
}

// abstain says which of the question's words no retrieved passage holds.
func (e *Extractive) abstain(b Brief, q query) Answer {
	present := map[string]bool{}
	for _, h := range b.Hits {
		ts := e.matchSet(h.Passage.Text())
		for _, t := range q.focus {
			if q.has(ts, t) {
				present[t] = true
			}
		}
	}
	var missing []string
	for _, t := range q.focus {
		if present[t] || q.weak[t] || len(q.words[t]) == 0 {
			continue
		}
		missing = append(missing, "\""+q.words[t][0]+"\"")
	}
	text := "The articles I have don't answer that question."
	if len(missing) > 0 {
		if len(missing) > 4 {
			missing = missing[:4]
		}
		text = "The articles I have don't say: none of them mentions " + joinOr(missing) + "."
	}
	return Answer{Sentences: []Sentence{{Text: text}}, Abstained: true, Composer: ComposerExtractive}
}

func joinOr(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

var (
	spaceRun = regexp.MustCompile(`\s+`)
	numberRe = regexp.MustCompile(`\d|\b(?i:one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|million|billion|percent)\b`)
	dateRe   = regexp.MustCompile(`\b(?i:jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t|tember)?|oct(ober)?|nov(ember)?|dec(ember)?|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|overnight|week|\d{4}|\d{1,2}:\d{2})\b`)
	nameRe   = regexp.MustCompile(`\S\s+[A-Z][a-z]+(\s+[A-Z][a-z]+)+`)
)

// questionIntent returns a test for sentences of the kind of answer the
// question wants (a number, a date, a name), or nil.
func questionIntent(q string) func(string) bool {
	l := strings.ToLower(q)
	switch {
	case strings.Contains(l, "how many") || strings.Contains(l, "how much") || strings.Contains(l, "how big") ||
		strings.Contains(l, "how large") || strings.Contains(l, "what percentage") || strings.Contains(l, "how long"):
		return numberRe.MatchString
	case strings.HasPrefix(l, "when") || strings.Contains(l, " when ") || strings.Contains(l, "what date") || strings.Contains(l, "what day"):
		return dateRe.MatchString
	case asksName(q):
		return nameRe.MatchString
	}
	return nil
}

// asksName reports whether a question asks who or which one.
func asksName(q string) bool {
	l := strings.ToLower(q)
	return strings.HasPrefix(l, "who") || strings.Contains(l, " who ") || strings.HasPrefix(l, "which")
}

// asksKind reports whether a question asks which thing of a kind it names
// ("what system went down?", "which firm built it?"): the answer is a name.
func (e *Extractive) asksKind(b Brief) bool {
	q := e.analyze(b)
	return q.Category != "" && q.Wants(values.Name)
}

// namesSomeone reports whether the tagger reads two proper nouns in a row
// in s ("Ana Ruiz"), wherever they stand.
func (e *Extractive) namesSomeone(s string) bool {
	toks := e.language().Tokens(s)
	for i := 1; i < len(toks); i++ {
		if toks[i-1].Proper() && toks[i].Proper() && toks[i-1].Word() && toks[i].Word() {
			return true
		}
	}
	return false
}

// stripLead removes datelines and bylines from the start of a sentence:
// leading segments of capitalised words, numbers and brackets that end in a
// dash or colon ("MARLOW, N.B. — Friday, March 6, 2026 — ...",
// "Kyiv [Ukraine], December 15 : ...").
func stripLead(s string) string {
	s = stripDateline(s)
	for range 3 {
		i := leadSeparator(s)
		if i < 0 {
			break
		}
		s = strings.TrimSpace(s[i:])
	}
	return s
}

// leadSeparator returns the index just after a leading dateline segment, or -1.
func leadSeparator(s string) int {
	limit := min(len(s), 80)
	for i := 0; i < limit; i++ {
		var sep int
		switch {
		case strings.HasPrefix(s[i:], " — "), strings.HasPrefix(s[i:], " – "):
			sep = len(" — ")
			if strings.HasPrefix(s[i:], " – ") {
				sep = len(" – ")
			}
		case strings.HasPrefix(s[i:], " - "), strings.HasPrefix(s[i:], " : "):
			sep = 3
		default:
			continue
		}
		if i == 0 || !allCapitalised(s[:i]) {
			return -1
		}
		return i + sep
	}
	return -1
}

// allCapitalised reports whether every word of s starts with a capital
// letter, a digit or a bracket: a place, a date or an agency, not a clause.
func allCapitalised(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 9 {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(strings.TrimLeft(w, "([\"'“"))
		if !(unicode.IsUpper(r) || unicode.IsDigit(r)) && w != "," {
			return false
		}
	}
	return true
}

// openQuote reports whether s opens a quotation it does not close.
func openQuote(s string) bool {
	open := strings.Count(s, "“") - strings.Count(s, "”")
	if open > 0 {
		return true
	}
	if open == 0 && strings.Count(s, "“") == 0 {
		return strings.Count(s, "\"")%2 == 1 && strings.HasPrefix(strings.TrimSpace(s), "\"")
	}
	return false
}

func cleanSentence(s string) string {
	s = strings.TrimSpace(spaceRun.ReplaceAllString(s, " "))
	if r := []rune(s); len(r) > 400 {
		cut := string(r[:400])
		if i := strings.LastIndexByte(cut, ' '); i > 200 {
			cut = cut[:i]
		}
		s = cut + "…"
	}
	return s
}

// usable rejects sentences that are boilerplate rather than reporting:
// too short, links, social-media embeds, captions and disclaimers.
func usable(s string) bool {
	words := strings.Fields(s)
	if len(words) < 5 {
		return false
	}
	l := strings.ToLower(s)
	// Navigation lines of web pages: "Related: A | B", "Read more: ...".
	if strings.Contains(s, " | ") || strings.HasPrefix(l, "related:") || strings.HasPrefix(l, "read more") {
		return false
	}
	for _, junk := range []string{"http://", "https://", "pic.twitter.com", "www.", "disclaimer", "photo:", "all rights reserved", "subscribe", "cookie"} {
		if strings.Contains(l, junk) {
			return false
		}
	}
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters*2 > len(s)
}

// Diversify re-ranks hits so that one article's passages do not crowd out
// the others: each further passage of an article counts a little less. A
// conflict needs both sides in view. The order is otherwise kept.
func Diversify(hits []Hit) []Hit {
	type ranked struct {
		h Hit
		s float64
	}
	seen := map[string]int{}
	rs := make([]ranked, len(hits))
	for i, h := range hits {
		k := seen[h.Passage.ArticleID]
		seen[h.Passage.ArticleID] = k + 1
		rs[i] = ranked{h, h.Score * math.Pow(0.8, float64(k))}
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].s > rs[j].s })
	out := make([]Hit, len(rs))
	for i, r := range rs {
		out[i] = r.h
	}
	return out
}
