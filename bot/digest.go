package bot

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of a digest.
const (
	// MinDigestBullets and MaxDigestBullets bound the developments listed
	// (fewer than the minimum only when the window has too little to say).
	MinDigestBullets = 3
	MaxDigestBullets = 7
	// MaxDigestConflicts bounds the disputes listed; the rest are counted in
	// the digest's note.
	MaxDigestConflicts = 6
	// LatestDigestWindow is the window of LatestDigest.
	LatestDigestWindow = 24 * time.Hour
)

// DigestComposer is implemented by a Composer that can also write the
// digest (the model composer, when it supports digests). The Service checks
// for it with a type assertion on Options.Composer, verifies what it writes
// like any answer, and falls back to the extractive digest when it fails.
// ComposeDigest must be safe for concurrent use; its bullets' citations must
// name articles of the brief.
type DigestComposer interface {
	ComposeDigest(ctx context.Context, b DigestBrief) (Digest, error)
}

// DigestBrief is everything a DigestComposer may use to write a digest.
type DigestBrief struct {
	// Since and Until bound the window.
	Since, Until time.Time
	// Articles are the window's articles, oldest first.
	Articles []Article
	// Conflicts are the ledger's disputes with at least one side in the window.
	Conflicts []Conflict
	// Draft is the extractive digest of the same window: a model may start
	// from its bullets; its conflicts are stated whatever the model writes.
	Draft Digest
}

// LatestDigest returns the digest of the last 24 hours up to now, the form
// shown on demand by `/story digest` in Slack and `/digest` in Discord.
func (s *Service) LatestDigest(ctx context.Context) (Digest, error) {
	until := s.now()
	return s.Digest(ctx, until.Add(-LatestDigestWindow), until)
}

// Digest summarises what is new in the story in the window [since, until):
// the articles published in it (or, when the publication time is unknown,
// first seen in it). It lists 3 to 7 cited developments, the disputes with at
// least one side among those articles, and counts of articles and outlets.
// With no new article the digest is Empty. When the configured Composer is a
// DigestComposer it writes the bullets, verified against the articles; any
// failure falls back to the extractive digest with a note. A panic while
// building it is logged with a reference ID and returned as an
// *InternalError.
func (s *Service) Digest(ctx context.Context, since, until time.Time) (_ Digest, err error) {
	defer Recover(ctx, s.logger, &err, "op", "digest")
	start := time.Now()
	if !until.After(since) {
		return Digest{}, fmt.Errorf("digest window: until (%s) must be after since (%s)", until.Format(time.RFC3339), since.Format(time.RFC3339))
	}
	all, err := s.store.Articles(ctx)
	if err != nil {
		return Digest{}, fmt.Errorf("digest: read the articles: %w", err)
	}
	ledger, err := s.store.Conflicts(ctx)
	if err != nil {
		return Digest{}, fmt.Errorf("digest: read the conflict ledger: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return Digest{}, err
	}
	window := WindowArticles(all, since, until)
	d := ExtractiveDigest(window, all, ledger, since, until)
	composer := ComposerExtractive
	if dc, ok := s.composer.(DigestComposer); ok && !d.Empty {
		md, err := dc.ComposeDigest(ctx, DigestBrief{Since: since, Until: until, Articles: window, Conflicts: d.Conflicts, Draft: d})
		if err == nil {
			md, err = verifyDigest(md, d, window, all)
		}
		switch {
		case err == nil:
			d, composer = md, "model"
		case ctx.Err() != nil:
			return Digest{}, ctx.Err()
		default:
			s.logger.WarnContext(ctx, "model digest failed; using the offline digest", "err", err)
			d.Note = joinNote("The language model could not write the digest, so this is the offline digest.", d.Note)
		}
	}
	d = neutraliseDigest(d) // article text never passes for a citation
	s.logger.InfoContext(ctx, "digest built", "id", d.ID, "since", since, "until", until,
		"new_articles", d.NewArticles, "outlets", d.Outlets, "bullets", len(d.Bullets),
		"conflicts", len(d.Conflicts), "empty", d.Empty, "composer", composer,
		"took_ms", time.Since(start).Milliseconds())
	return d, nil
}

// WindowArticles returns the articles new in [since, until): those published
// in it, or, when the publication time is unknown, first seen in it; oldest
// first (ties by ID).
func WindowArticles(all []Article, since, until time.Time) []Article {
	var out []Article
	for _, a := range all {
		t := articleTime(a)
		if !t.IsZero() && !t.Before(since) && t.Before(until) {
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ti, tj := articleTime(out[i]), articleTime(out[j])
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func articleTime(a Article) time.Time {
	if !a.Published.IsZero() {
		return a.Published
	}
	return a.FirstSeen
}

// DigestID names the period that ends at until, e.g. "2025-12-15T08:00Z".
func DigestID(until time.Time) string {
	return until.UTC().Format("2006-01-02T15:04Z")
}

// ExtractiveDigest builds the digest of window (the window's articles, as
// WindowArticles returns them) without a language model. all describes every
// article that may be cited (the window's and the other sides of their
// disputes); ledger is the corpus-wide conflict ledger.
//
// Developments are the window's most central sentences: those whose words
// recur across the window's articles, with a bonus for headlines and lead
// sentences, picked so that no two say nearly the same thing and preferring
// articles not yet used. Each is cited with every article (up to four) that
// says nearly the same.
func ExtractiveDigest(window, all []Article, ledger []Conflict, since, until time.Time) Digest {
	d := Digest{ID: DigestID(until), Since: since, Until: until, NewArticles: len(window), Bullets: []Sentence{}, Conflicts: []Conflict{}, Sources: []Source{}}
	if len(window) == 0 {
		d.Empty = true
		return d
	}
	outlets := map[string]bool{}
	for _, a := range window {
		if o := strings.TrimSpace(a.Outlet); o != "" {
			outlets[strings.ToLower(o)] = true
		}
	}
	d.Outlets = len(outlets)

	cands, weights := digestCandidates(window)
	addNovelty(cands, window, all, since)
	chosen := chooseDevelopments(cands, weights, bulletTarget(len(window)))
	for _, c := range chosen {
		d.Bullets = append(d.Bullets, Sentence{Text: c.text, Citations: supporters(c, cands)})
	}

	inWindow := make(map[string]bool, len(window))
	for _, a := range window {
		inWindow[a.ID] = true
	}
	open := WindowConflicts(ledger, inWindow)
	if len(open) > MaxDigestConflicts {
		more := len(open) - MaxDigestConflicts
		open = open[:MaxDigestConflicts]
		d.Note = fmt.Sprintf("%d more disputed %s among these articles; ask me about them.", more, plural(more, "point", "points"))
	}
	d.Conflicts = open

	byID := make(map[string]Article, len(all)+len(window))
	for _, a := range all {
		byID[a.ID] = a
	}
	for _, a := range window {
		byID[a.ID] = a
	}
	d.Sources = Sources(d.Citations(), byID)
	return d
}

// addNovelty favours the sentences that carry what the window adds to the
// story: names and figures that no earlier article has (a newly named
// victim, a new toll, a newly hit system). A digest leads with those.
func addNovelty(cands []candidate, window, all []Article, since time.Time) {
	inWindow := map[string]bool{}
	for _, a := range window {
		inWindow[a.ID] = true
	}
	known := map[string]bool{}
	earlier := 0
	for _, a := range all {
		if inWindow[a.ID] || !articleTime(a).Before(since) {
			continue
		}
		earlier++
		for _, w := range strings.FieldsFunc(a.Text+" "+a.Title, notWordRune) {
			known[strings.ToLower(strings.Trim(w, ".,-"))] = true
		}
	}
	if earlier == 0 {
		return // the first day: everything is new
	}
	for i := range cands {
		c := &cands[i]
		novel := 0
		for k, w := range strings.FieldsFunc(c.text, notWordRune) {
			w = strings.Trim(w, ".,-")
			r, _ := utf8.DecodeRuneInString(w)
			value := unicode.IsDigit(r) || unicode.IsUpper(r) && k > 0
			if value && len(w) > 1 && !known[strings.ToLower(w)] {
				novel++
			}
		}
		c.score += 0.2 * math.Min(1, float64(novel)/2)
	}
}

func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ',' && r != '.' && r != '-'
}

// WindowConflicts keeps the ledger's conflicts with at least one side in
// the window (the disputes new or still open), those with most window
// articles first, otherwise in ledger order.
func WindowConflicts(ledger []Conflict, inWindow map[string]bool) []Conflict {
	type scored struct {
		c Conflict
		n int
	}
	var keep []scored
	for _, c := range ledger {
		if len(c.Positions) < 2 {
			continue
		}
		n := 0
		for _, id := range c.ArticleIDs() {
			if inWindow[id] {
				n++
			}
		}
		if n > 0 {
			keep = append(keep, scored{c, n})
		}
	}
	sort.SliceStable(keep, func(i, j int) bool { return keep[i].n > keep[j].n })
	out := make([]Conflict, 0, len(keep))
	for _, k := range keep {
		out = append(out, k.c)
	}
	return out
}

// bulletTarget is how many developments to list for n new articles.
func bulletTarget(n int) int {
	switch {
	case n <= 2:
		return MinDigestBullets
	case n <= 10:
		return 5
	default:
		return MaxDigestBullets
	}
}

// digestCandidates lists the usable sentences of the window's articles
// (headline first) with their headline, lead and length bonus in
// candidate.score, and the centrality weight of every term.
func digestCandidates(window []Article) ([]candidate, map[string]float64) {
	var cands []candidate
	df := map[string]int{}
	for _, a := range window {
		start := len(cands)
		pos := 0
		dup := map[string]bool{}
		add := func(s string) {
			if pos < 2 { // datelines open an article
				s = stripDateline(s)
			}
			s = cleanSentence(s)
			if !usable(s) || dup[s] {
				pos++
				return
			}
			dup[s] = true
			cands = append(cands, candidate{article: a.ID, text: s, terms: language().TermSet(s), rank: pos})
			pos++
		}
		title := strings.TrimSpace(a.Title)
		if title != "" && !strings.HasPrefix(strings.TrimSpace(a.Text), strings.TrimSuffix(title, "…")) {
			add(title)
		}
		for _, s := range splitDigestSentences(a.Text) {
			add(s)
		}
		seen := map[string]bool{}
		for _, c := range cands[start:] {
			for t := range c.terms {
				if !seen[t] {
					seen[t] = true
					df[t]++
				}
			}
		}
	}
	n := len(window)
	for i := range cands {
		c := &cands[i]
		c.coverage = 0
		if n > 1 {
			for t := range c.terms {
				if k := df[t]; k >= 2 {
					c.coverage += float64(k-1) / float64(n-1)
				}
			}
		}
		s := 0.0
		switch c.rank {
		case 0:
			s += 0.15
		case 1:
			s += 0.08
		case 2:
			s += 0.03
		}
		if w := len(strings.Fields(c.text)); w > 60 {
			s -= 0.2
		} else if w < 8 {
			s -= 0.1
		}
		if strings.HasSuffix(c.text, "?") || strings.HasSuffix(c.text, "…") {
			s -= 0.15
		}
		if fragment(c.text) {
			s -= 0.3
		}
		if r, _ := utf8.DecodeRuneInString(c.text); r == '"' || r == '“' {
			s -= 0.15 // a quotation is colour more often than news
		}
		c.score = s // the bonus; chooseDevelopments adds the centrality
	}
	return cands, centralWeights(df, n)
}

// fragment reports whether s looks like a piece of a sentence: it starts in
// lower case, or closes a quotation it did not open.
func fragment(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	if unicode.IsLower(r) {
		return true
	}
	open := strings.Count(s, "“")
	closing := strings.Count(s, "”")
	return closing > open || strings.Count(s, `"`)%2 == 1
}

// centralWeights weighs each term by the share of the window's other
// articles that use it; terms of one article only weigh nothing.
func centralWeights(df map[string]int, n int) map[string]float64 {
	w := make(map[string]float64, len(df))
	if n < 2 {
		return w
	}
	for t, k := range df {
		if k >= 2 {
			w[t] = float64(k-1) / float64(n-1)
		}
	}
	return w
}

// chooseDevelopments picks up to max salient, non-redundant sentences
// greedily: each round takes the sentence with the most central weight not
// yet covered by the sentences already chosen (so the second bullet says
// something the first does not), plus its headline or lead bonus, preferring
// articles not yet used. It returns at least MinDigestBullets when there are
// that many distinct sentences.
func chooseDevelopments(cands []candidate, w map[string]float64, max int) []candidate {
	if len(cands) == 0 {
		return nil
	}
	gain := func(c candidate, covered map[string]bool) float64 {
		g := 0.0
		for t := range c.terms {
			if !covered[t] {
				g += w[t]
			}
		}
		return g / math.Sqrt(float64(len(c.terms))+1)
	}
	// Normalise the centrality so the bonuses mean the same in any window.
	norm := 0.0
	for i := range cands {
		if g := gain(cands[i], nil); g > norm {
			norm = g
		}
	}
	if norm == 0 {
		norm = 1
	}
	order := make([]int, len(cands))
	base := make([]float64, len(cands))
	for i := range order {
		order[i] = i
		base[i] = gain(cands[i], nil)/norm + cands[i].score
	}
	sort.SliceStable(order, func(i, j int) bool { return base[order[i]] > base[order[j]] })
	if len(order) > 400 {
		order = order[:400] // the rest cannot win against these
	}
	var chosen []candidate
	var top float64
	covered := map[string]bool{}
	used := map[string]int{}
	taken := map[int]bool{}
	for len(chosen) < max {
		bestI, bestS := -1, 0.0
		for _, i := range order {
			c := cands[i]
			if taken[i] || digestRedundant(c, chosen) {
				continue
			}
			s := gain(c, covered)/norm + c.score - 0.1*float64(used[c.article])
			if bestI < 0 || s > bestS {
				bestI, bestS = i, s
			}
		}
		if len(chosen) == 0 {
			top = bestS
		}
		if bestI < 0 || (len(chosen) >= MinDigestBullets && bestS < 0.2*top) {
			break
		}
		taken[bestI] = true
		c := cands[bestI]
		chosen = append(chosen, c)
		used[c.article]++
		for t := range c.terms {
			covered[t] = true
		}
	}
	return chosen
}

// digestRedundant is redundant with a lower bar: a digest must not say the
// same development twice in other words.
func digestRedundant(c candidate, chosen []candidate) bool {
	if redundant(c, chosen) {
		return true
	}
	for _, o := range chosen {
		if jaccard(c.terms, o.terms) >= 0.4 {
			return true
		}
	}
	return false
}

// Datelines at the start of a sentence: "CITY, Country , May 3, 2025 :",
// "City [Country], December 15 :", "CITY (Agency) —", or a short
// "City, Country –".
var (
	datelineRe      = regexp.MustCompile(`^\p{Lu}[^.:!?—–]{0,80}?(\b\d{4}\b|\b(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b|\([^)]{1,30}\)|\[[^\]]{1,30}\])\s*[:—–-]\s+`)
	placeDatelineRe = regexp.MustCompile(`^\p{Lu}\p{L}+(?: \p{Lu}\p{L}+)?, \p{Lu}\p{L}+(?: \p{Lu}\p{L}+)?\s+[—–-]\s+`)
)

func stripDateline(s string) string {
	for _, re := range []*regexp.Regexp{datelineRe, placeDatelineRe} {
		m := re.FindString(s)
		if m == "" || len(s)-len(m) <= 40 {
			continue
		}
		rest := s[len(m):]
		r, _ := utf8.DecodeRuneInString(rest)
		if unicode.IsUpper(r) || unicode.IsDigit(r) || r == '"' || r == '“' {
			return rest
		}
	}
	return s
}

// abbreviations that end in a dot without ending a sentence (lower case,
// without the dot). General English only.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "gov": true, "sen": true,
	"rep": true, "gen": true, "col": true, "lt": true, "sgt": true, "capt": true, "st": true,
	"jr": true, "sr": true, "vs": true, "no": true, "inc": true, "corp": true, "ltd": true,
	"co": true, "jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true,
	"aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true, "etc": true,
	"approx": true, "est": true, "dept": true, "fig": true, "mt": true, "ft": true, "rev": true,
}

// splitDigestSentences splits article text into sentences: at line breaks,
// and after ".", "!" or "?" (with any closing quotes or brackets) followed by
// a space and a capital, a digit or an opening quote, unless the dot ends an
// abbreviation or an initial ("Mr.", "U.S.", "J.").
func splitDigestSentences(text string) []string {
	var out []string
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		start := 0
		for i := 0; i < len(line); i++ {
			ch := line[i]
			if ch != '.' && ch != '!' && ch != '?' {
				continue
			}
			j := i + 1
			for j < len(line) {
				r, size := utf8.DecodeRuneInString(line[j:])
				if r == '"' || r == '\'' || r == ')' || r == ']' || r == '”' || r == '’' {
					j += size
					continue
				}
				break
			}
			if j >= len(line) || line[j] != ' ' {
				continue
			}
			k := j
			for k < len(line) && line[k] == ' ' {
				k++
			}
			if k >= len(line) {
				continue
			}
			next, _ := utf8.DecodeRuneInString(line[k:])
			if !unicode.IsUpper(next) && !unicode.IsDigit(next) && next != '"' && next != '“' && next != '‘' {
				continue
			}
			if ch == '.' && abbreviationBefore(line[start:i]) {
				continue
			}
			out = append(out, strings.TrimSpace(line[start:j]))
			start = k
			i = k - 1
		}
		if rest := strings.TrimSpace(line[start:]); rest != "" {
			out = append(out, rest)
		}
	}
	return out
}

// abbreviationBefore reports whether s ends with an abbreviation or initial
// (the dot after it is not the end of a sentence).
func abbreviationBefore(s string) bool {
	i := strings.LastIndexAny(s, " (\"“")
	w := s[i+1:]
	if w == "" {
		return false
	}
	if strings.Contains(w, ".") { // U.S, e.g, a.m
		return true
	}
	if n := utf8.RuneCountInString(w); n == 1 {
		r, _ := utf8.DecodeRuneInString(w)
		return unicode.IsUpper(r)
	}
	return abbreviations[strings.ToLower(w)]
}

// verifyDigest checks a model-written digest like an answer, with Verify
// over a brief of the window's articles: bullets may cite only the window's
// articles and must say what those articles say (unsupported ones are
// dropped); the draft's conflicts are all stated, and a conflict the model
// adds is kept only when it passes Verify's checks. Counts, window and ID
// are the draft's. It fails when no bullet survives.
func verifyDigest(md, draft Digest, window, all []Article) (Digest, error) {
	b := Brief{Articles: make(map[string]Article, len(window)), Conflicts: draft.Conflicts}
	for _, a := range window {
		b.Articles[a.ID] = a
		// One hit per article; Verify reads the article's whole text.
		b.Hits = append(b.Hits, Hit{Passage: Passage{ArticleID: a.ID, Sentences: []string{a.Title}}})
	}
	v, err := Verify(b, Answer{Sentences: md.Bullets, Conflicts: md.Conflicts})
	if err != nil {
		return Digest{}, fmt.Errorf("model digest: %w", err)
	}
	out := draft
	out.Bullets = v.Sentences
	if len(out.Bullets) > MaxDigestBullets {
		out.Bullets = out.Bullets[:MaxDigestBullets]
	}
	out.Conflicts = v.Conflicts
	out.Note = joinNote(md.Note, draft.Note)
	byID := make(map[string]Article, len(all)+len(window))
	for _, a := range all {
		byID[a.ID] = a
	}
	for _, a := range window {
		byID[a.ID] = a
	}
	out.Sources = Sources(out.Citations(), byID)
	return out, nil
}

func joinNote(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Citations returns every article ID the digest cites (bullets, then
// conflicts), without repeats, in order of first appearance.
func (d Digest) Citations() []string { return citedIDs(d.Bullets, d.Conflicts) }

// DigestAskMore is the closing line of a digest.
const DigestAskMore = "Want more? Ask me a question about the story (mention me or send me a message) and I will answer with sources."

// digestTime formats a window bound for people.
func digestTime(t time.Time) string {
	return t.Format("Mon 2 Jan 2006 15:04 MST")
}

// Text renders the digest as plain text, the form posted to stdout: a
// heading, the developments as bullets each followed by its citations, a
// "Conflicting reports" line per dispute, the counts, the Sources list, the
// note and a closing line on how to ask more. An Empty digest is one line:
// "No new coverage since <time>."
func (d Digest) Text() string {
	if d.Empty {
		return "No new coverage since " + digestTime(d.Since) + "."
	}
	var b strings.Builder
	b.WriteString("What's new in the story since ")
	b.WriteString(digestTime(d.Since))
	b.WriteString(":")
	for _, s := range d.Bullets {
		b.WriteString("\n- ")
		b.WriteString(s.Text)
		if len(s.Citations) > 0 {
			b.WriteByte(' ')
			b.WriteString(FormatCitations(s.Citations))
		}
	}
	for _, c := range d.Conflicts {
		b.WriteString("\n")
		b.WriteString(FormatConflict(c))
	}
	b.WriteString("\n")
	b.WriteString(d.CountLine())
	if len(d.Sources) > 0 {
		b.WriteString("\nSources:")
		for _, s := range d.Sources {
			b.WriteString("\n- ")
			b.WriteString(FormatSource(s))
		}
	}
	if d.Note != "" {
		b.WriteString("\n(")
		b.WriteString(d.Note)
		b.WriteString(")")
	}
	b.WriteString("\n")
	b.WriteString(DigestAskMore)
	return b.String()
}

// CountLine says how much coverage the window held, e.g.
// "12 new articles from 5 outlets." (outlets left out when unknown).
func (d Digest) CountLine() string {
	s := strconv.Itoa(d.NewArticles) + " new " + plural(d.NewArticles, "article", "articles")
	if d.Outlets > 0 {
		s += " from " + strconv.Itoa(d.Outlets) + " " + plural(d.Outlets, "outlet", "outlets")
	}
	return s + "."
}
