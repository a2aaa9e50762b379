package bot

import (
	"fmt"
	"math"
	"strings"

	"github.com/storybot/storybot/bot/values"
)

// composeTyped answers a question that asks for a typed value (a count, an
// amount, a date, a name...) by comparing the values the articles attach to
// its focus. ok is false when the question is not typed: the sentence
// composer answers it then.
func (e *Extractive) composeTyped(b Brief) (Answer, bool) {
	q := e.analyze(b)
	if !q.Typed() {
		return Answer{}, false
	}
	eng := values.Engine{Lang: e.language(), Weight: e.idf(q)}
	var dropped []string
	if e.Trace != nil {
		eng.Dropped = func(c values.Candidate) {
			dropped = append(dropped, fmt.Sprintf("  weak %s %q (of %q) in %s rel=%.2f att=%.2f", c.Type, c.Label, c.HeadWord, c.Article, c.Relevance, c.Attach))
		}
	}
	res := eng.Answer(q, passagesOf(b.Hits, b.Articles))
	if e.Trace != nil {
		e.Trace(fmt.Sprintf("question %q: types %v, category %q, counted %v, owner %v, outcome %s", q.Text, q.Types, q.Category, q.Counted, q.Owner, res.Outcome))
		var focus []string
		for _, t := range q.Focus {
			focus = append(focus, t.Word)
		}
		e.Trace(fmt.Sprintf("  focus %v", focus))
		for i, t := range append(res.Trace, dropped...) {
			if i >= 30 {
				break
			}
			e.Trace("  " + t)
		}
	}
	switch res.Outcome {
	case values.Unanswered:
		if !q.Explicit && (q.Wants(values.Name) || q.Wants(values.Person) || q.Wants(values.Place) || q.Wants(values.Org) || q.Wants(values.Date) || q.Wants(values.Define)) {
			// "who is paying?", "where was it headed?", "when will they
			// vote?": the answer may be a common noun ("the federal
			// government") or a phrase ("next month"), so sentences answer.
			return Answer{}, false
		}
		if res.Counted && q.Category == "" {
			// A sentence counts the very noun asked about but holds little
			// else of the question ("how many fields vs what the sensor
			// gave?"): a value attaches to the focus, so the sentence
			// composer decides whether the sentence answers.
			return Answer{}, false
		}
		if res.Covered >= 0.8 && q.Category == "" && len(q.Focus) >= 2 {
			// A sentence holds everything the question names but no value
			// of a form the reader knows ("raised fares by a tenth"): it may
			// answer, so the sentence composer decides.
			return Answer{}, false
		}
		return typedAbstain(q), true
	case values.Updated:
		return updatedAnswer(res, b), true
	case values.Agreed, values.Conflicting, values.Several:
	default:
		return Answer{}, false
	}
	a := Answer{Composer: ComposerExtractive, compared: res.Outcome != values.Agreed || res.Judged > 0}
	used := map[string]bool{}
	for i, c := range res.Clusters {
		lead := c.Candidates[0]
		ids := supportIDs(c)
		a.Sentences = append(a.Sentences, Sentence{Text: quote(lead), Citations: ids})
		used[lead.Sentence] = true
		if len(res.Clusters) == 1 && i == 0 {
			// One answer: a second sentence from another article, if one says it.
			for _, o := range c.Candidates[1:] {
				if o.Article != lead.Article && !used[o.Sentence] && len(a.Sentences) < 2 {
					a.Sentences = append(a.Sentences, Sentence{Text: quote(o), Citations: []string{o.Article}})
					used[o.Sentence] = true
				}
			}
		}
	}
	for _, o := range res.Others {
		// Another article's answer, perhaps about another thing of the same
		// name: the value, the words around it, and the article.
		c := o.Candidates[0]
		text := "Another report gives " + o.Label
		if cl := clauseAround(cleanSentence(c.Sentence), c.Label, 12); cl != "" && cl != o.Label {
			text += ": \"" + cl + "\""
		}
		a.Sentences = append(a.Sentences, Sentence{Text: text + ".", Citations: supportIDs(o)})
	}
	if res.Outcome == values.Conflicting {
		conf := Conflict{Topic: topicOf(q), Kind: ConflictNumeric}
		for _, c := range res.Clusters {
			p := Position{Claim: c.Label, Articles: c.Articles}
			for _, cand := range c.Candidates {
				p.Evidence = append(p.Evidence, Evidence{ArticleID: cand.Article, Sentence: cand.Sentence})
			}
			conf.Positions = append(conf.Positions, p)
		}
		if !isFigure(q) {
			conf.Kind = ConflictDetail
		}
		a.Conflicts = []Conflict{conf}
		a.Sentences = append([]Sentence{{Text: "Reports differ on this."}}, a.Sentences...)
	}
	a.Sources = Sources(a.Citations(), b.Articles)
	return a, true
}

// supportIDs are the articles of a cluster whose sentences give its value,
// lead first, at most four.
func supportIDs(c values.Cluster) []string {
	ids := c.Articles
	if len(ids) > 4 {
		ids = ids[:4]
	}
	return append([]string(nil), ids...)
}

func isFigure(q values.Query) bool {
	for _, t := range q.Types {
		switch t {
		case values.Person, values.Org, values.Place, values.Name, values.KindOf, values.Define, values.Direction:
			return false
		}
	}
	return true
}

// topicOf names the asked fact from the question's focus words.
func topicOf(q values.Query) string {
	var ws []string
	for _, t := range q.Focus {
		ws = append(ws, t.Word)
	}
	if len(ws) == 0 {
		return strings.Join(q.Types, " or ")
	}
	return strings.Join(ws, " ")
}

// typedAbstain says what no article gives.
func typedAbstain(q values.Query) Answer {
	what := map[string]string{
		values.Count: "a number", values.Amount: "an amount", values.Money: "an amount of money",
		values.Length: "a length or distance", values.Duration: "a duration", values.Age: "an age",
		values.Percent: "a percentage", values.Date: "a date", values.Weekday: "a day", values.Time: "a time",
		values.Person: "a name", values.Org: "a name", values.Place: "a place", values.Name: "a name",
		values.Direction: "a direction", values.Mass: "a weight", values.Area: "an area", values.Speed: "a speed",
	}[q.Types[0]]
	if what == "" {
		what = "an answer"
	}
	text := "The articles I have don't give " + what
	if t := topicOf(q); t != "" && len(q.Focus) > 0 {
		text += " for that (" + t + ")"
	}
	return Answer{Sentences: []Sentence{{Text: text + "."}}, Abstained: true, Composer: ComposerExtractive}
}

// idf weighs a question's focus words by how rare they are in the corpus:
// a word every passage has says little about which sentence answers.
func (e *Extractive) idf(q values.Query) func(string) float64 {
	words := make([]string, len(q.Focus))
	for i, t := range q.Focus {
		words[i] = t.Word
	}
	w := map[string]float64{}
	if e.stats != nil && len(words) > 0 {
		df, n := e.stats.DocFreqs(words)
		if n > 0 && len(df) == len(words) {
			for i, word := range words {
				w[word] = math.Log(1 + float64(n)/float64(df[i]+1))
			}
		}
	}
	return func(word string) float64 {
		if x, ok := w[word]; ok {
			return x
		}
		return 1
	}
}

// typed reports whether a question asks for a typed value.
func (e *Extractive) typed(text string) bool {
	return values.Analyze(e.language(), text).Typed()
}

// split divides a compound question into its questions.
func (e *Extractive) split(text string) []string {
	return values.Split(e.language(), text)
}

func passagesOf(hits []Hit, arts map[string]Article) []values.Passage {
	out := make([]values.Passage, 0, len(hits))
	for i, h := range hits {
		out = append(out, values.Passage{
			Article: h.Passage.ArticleID, Published: arts[h.Passage.ArticleID].Published,
			Rank: i, Sentences: h.Passage.Sentences, Text: arts[h.Passage.ArticleID].Text,
		})
	}
	return out
}

// Select picks the n passages to hand to a composer: for a question that
// asks for a typed value, the passages holding candidate values attached to
// its focus come first (best first), then the rest in retrieval order.
func (e *Extractive) Select(b Brief, n int) []Hit {
	hits := b.Hits
	if q := e.analyze(b); q.Typed() {
		eng := values.Engine{Lang: e.language(), Weight: e.idf(q)}
		hits = byValue(hits, eng.PassageValues(q, passagesOf(hits, b.Articles)))
	}
	if len(hits) > n {
		hits = hits[:n]
	}
	return hits
}

// byValue orders hits by their best value's score, greedily: a passage
// whose value agrees with ones already taken counts for less each time
// (0.85 per earlier agreeing passage), so the passages that give other
// values, the other side of a dispute, are handed over too. Passages
// without a value follow in retrieval order.
func byValue(hits []Hit, best []values.Candidate) []Hit {
	out := make([]Hit, 0, len(hits))
	taken := make([]bool, len(hits))
	var picked []values.Candidate
	for len(out) < len(hits) {
		at, top := -1, -1.0
		for i := range hits {
			if taken[i] {
				continue
			}
			s := best[i].Score
			if s > 0 && best[i].Label != "" {
				for _, p := range picked {
					if p.Compatible(best[i].Value) {
						s *= 0.85
					}
				}
			}
			if s > top {
				at, top = i, s
			}
		}
		taken[at] = true
		out = append(out, hits[at])
		if best[at].Label != "" {
			picked = append(picked, best[at])
		}
	}
	return out
}

// recase capitalises the question's lower-case words that the passages
// write capitalised inside sentences ("ostel river" is "Ostel River"), so the
// tagger reads them as the names they are.
func recase(question string, hits []Hit) string {
	if strings.ToLower(question) != question && strings.ToUpper(question) != question {
		return question // the asker's capitals stand
	}
	caps, low := map[string]int{}, map[string]int{}
	for _, h := range hits {
		for _, s := range h.Passage.Sentences {
			words := strings.Fields(s)
			for i, w := range words {
				w = strings.Trim(w, ".,;:!?\"'()[]“”‘’")
				if w == "" {
					continue
				}
				lw := strings.ToLower(w)
				switch {
				case w == lw:
					low[lw]++
				case i > 0 && w[0] >= 'A' && w[0] <= 'Z':
					caps[lw]++
				}
			}
		}
	}
	words := strings.Fields(question)
	for i, w := range words {
		core := strings.Trim(w, ".,;:!?\"'()")
		if core == "" || caps[core] < 2 || caps[core] <= 2*low[core] {
			continue
		}
		words[i] = strings.Replace(w, core, strings.ToUpper(core[:1])+core[1:], 1)
	}
	return strings.Join(words, " ")
}

// analyze reads the brief's question, recased from the passages, with the
// thread's earlier question filling in what it leaves out.
func (e *Extractive) analyze(b Brief) values.Query {
	q := values.Analyze(e.language(), recase(b.Question.Text, b.Hits))
	if b.Context != "" {
		q = values.FollowUp(q, values.Analyze(e.language(), recase(b.Context, b.Hits)))
	}
	return q
}

// scene returns the fronted clause of a question that says which report
// it means ("when the agency said 40 had died, how many..."), or "".
func (e *Extractive) scene(text string) string {
	return values.Analyze(e.language(), text).Scene
}

// leansOnThread reports whether a question needs an earlier turn to be
// understood: it refers back with a pronoun, or has fewer than two content words.
func (e *Extractive) leansOnThread(text string) bool {
	return values.LeansOnThread(e.language(), text)
}

// nounsCovered reports whether some sentence of the hits (with the one
// before it) covers at least half of the question's nouns and names,
// weighted by rarity and matched through base forms, synonyms and derived
// forms. ok is false when the question has no nouns to judge by. A
// descriptive question abstains only when no sentence covers what it is
// about, never because a verb or filler word ("associated", "exactly") is
// missing.
func (e *Extractive) nounsCovered(b Brief) (covered, ok bool) {
	q := e.analyze(b)
	var nouns []values.Term
	for _, t := range q.Focus {
		if t.Noun {
			nouns = append(nouns, t)
		}
	}
	if len(nouns) == 0 {
		return false, false
	}
	weight := e.idf(q)
	total := 0.0
	for _, t := range nouns {
		total += weight(t.Word)
	}
	for _, h := range b.Hits {
		var prev [][]string
		for _, s := range h.Passage.Sentences {
			toks := e.language().Tokens(s)
			stems := make([][]string, len(toks))
			for i, tok := range toks {
				stems[i] = e.language().Stems(tok)
			}
			both := append(append([][]string{}, prev...), stems...)
			have := 0.0
			for _, t := range nouns {
				best := 0.0
				for _, st := range both {
					if m := t.Match(st); m > best {
						best = m
					}
				}
				have += weight(t.Word) * best
			}
			if have >= 0.5*total {
				return true, true
			}
			prev = stems
		}
	}
	return false, true
}

// updatedAnswer leads with the latest figure of a count that rose over
// time and says what earlier reports gave, each cited.
func updatedAnswer(res values.Result, b Brief) Answer {
	newer, older := res.Clusters[0], res.Clusters[1]
	if older.Candidates[0].Published.After(newer.Candidates[0].Published) {
		newer, older = older, newer
	}
	a := Answer{Composer: ComposerExtractive}
	a.Sentences = append(a.Sentences,
		Sentence{Text: cleanSentence(newer.Candidates[0].Sentence), Citations: supportIDs(newer)},
		Sentence{Text: "Earlier reports gave " + older.Label + ":"},
		Sentence{Text: cleanSentence(older.Candidates[0].Sentence), Citations: supportIDs(older)},
	)
	a.Sources = Sources(a.Citations(), b.Articles)
	return a
}

// clauseAround returns the clause of a sentence that holds label: from the
// punctuation before it to the punctuation after it, at most words words
// on either side. It returns "" when the sentence does not hold label.
func clauseAround(sentence, label string, words int) string {
	at := strings.Index(sentence, label)
	if at < 0 || label == "" {
		return ""
	}
	start, n := at, 0
	for start > 0 {
		c := sentence[start-1]
		if c == ',' || c == ';' || c == ':' || c == '(' || c == '|' || c == '"' {
			break
		}
		if c == ' ' {
			if n++; n > words {
				break
			}
		}
		start--
	}
	end, n := at+len(label), 0
	for end < len(sentence) {
		c := sentence[end]
		if c == ',' || c == ';' || c == ':' || c == ')' || c == '|' || c == '"' || c == '.' && (end+1 == len(sentence) || sentence[end+1] == ' ') {
			break
		}
		if c == ' ' {
			if n++; n > words {
				break
			}
		}
		end++
	}
	return strings.TrimSpace(sentence[start:end])
}

// maxQuote is the length in words beyond which a sentence is quoted by the
// clause that holds its value: a run-on sentence (a table or a list read as
// one sentence) carries other figures and names that are not the answer.
const maxQuote = 40

// quote is the text that supports a candidate: its sentence, or the clause
// holding its value when the sentence is long.
func quote(c values.Candidate) string {
	s := cleanSentence(c.Sentence)
	if len(strings.Fields(s)) <= maxQuote {
		return s
	}
	if cl := clauseAround(s, c.Label, maxQuote/2); cl != "" {
		return "… " + cl + " …"
	}
	return s
}
