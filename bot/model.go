package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tmc/langchaingo/llms"

	"github.com/storybot/storybot/prompts"
)

// Errors of the model composer. Compose wraps one of them (or the model's
// own error) whenever it cannot give a grounded answer; the Service then
// falls back to the extractive answer.
var (
	// ErrModelReply means the model's reply was empty or unreadable.
	ErrModelReply = errors.New("the model's reply was empty or unreadable")
	// ErrModelUnsupported means nothing in the reply survived verification.
	ErrModelUnsupported = errors.New("nothing in the model's reply is supported by the retrieved articles")
)

// Defaults of ModelComposer.
const (
	// DefaultMaxContextTokens is the default prompt budget, in estimated tokens.
	DefaultMaxContextTokens = 6000
	// DefaultModelPassages is the default cap on passages shown to the model.
	DefaultModelPassages = 16
	// ModelAbstention is the answer text when the model finds no answer.
	ModelAbstention = "The articles I have don't answer that question."
)

// ModelComposer writes answers (and digests) with a language model through
// langchaingo's llms.Model. It renders the prompts of package prompts within
// a token budget, parses the reply (sentences with [article-id] citations and
// a JSON block of conflicts) and verifies it with Verify. Any failure is an
// error, never a half-checked answer, so the caller can fall back to the
// extractive composer. It is safe for concurrent use if Model is (the
// adapters/llm models are; langchaingo's llms/fake is not).
type ModelComposer struct {
	// Model is the chat model. Required.
	Model llms.Model
	// Name labels answers in Answer.Composer, e.g. the model's name
	// (default "model").
	Name string
	// Logger receives one line per model call; nil discards.
	Logger *slog.Logger
	// MaxContextTokens bounds the prompt (system and user messages), in
	// tokens estimated locally (about 4 characters each); passages that do
	// not fit are left out (default DefaultMaxContextTokens).
	MaxContextTokens int
	// MaxPassages caps the passages in the prompt (default DefaultModelPassages).
	MaxPassages int
	// MaxSentences bounds the answer's length (default 5).
	MaxSentences int
	// Stream asks the model to stream its reply; it is assembled before
	// parsing either way.
	Stream bool
	// Timeout, when positive, bounds each model call (all HTTP attempts and
	// retries included) on top of the caller's context.
	Timeout time.Duration
	// Now is the clock for latency logs; nil means time.Now.
	Now func() time.Time
}

var (
	_ Composer       = (*ModelComposer)(nil)
	_ DigestComposer = (*ModelComposer)(nil)
)

// Compose answers the brief's question with the model and verifies the
// answer (see Verify). It returns an error when the model fails, times out,
// replies with junk or with nothing that survives verification. When the
// model says the passages do not answer the question and no conflict was
// detected, the answer abstains.
func (m *ModelComposer) Compose(ctx context.Context, b Brief) (Answer, error) {
	if m == nil || m.Model == nil {
		return Answer{}, errors.New("model composer: no model configured")
	}
	if len(b.Hits) == 0 {
		return Answer{}, fmt.Errorf("model composer: no passages to answer from: %w", ErrModelUnsupported)
	}
	in := prompts.AnswerInput{
		Question:     b.Question.Text,
		Thread:       mcTurns(b.Question.Thread),
		Conflicts:    mcPromptConflicts(b.Conflicts),
		MaxSentences: m.MaxSentences,
	}
	render := func(ps []prompts.Passage) (string, string, error) {
		in.Passages = ps
		return prompts.Answer(in)
	}
	ps := mcPassages(b.Hits, b.Articles)
	system, user, kept, err := m.fit(ps, render)
	if err != nil {
		return Answer{}, fmt.Errorf("model composer: %w", err)
	}
	reply, err := m.call(ctx, "answer", system, user, kept, len(ps))
	if err != nil {
		return Answer{}, err
	}
	parsed := ParseModelReply(reply, mcPassageIDs(kept))
	log := m.logger().With("prompt_version", prompts.Version)
	if parsed.NoAnswer {
		if len(b.Conflicts) > 0 {
			return Answer{}, fmt.Errorf("model composer: the model found no answer though conflicts were detected: %w", ErrModelUnsupported)
		}
		log.InfoContext(ctx, "model abstained")
		return Answer{Sentences: []Sentence{{Text: ModelAbstention, Citations: []string{}}}, Conflicts: []Conflict{},
			Sources: []Source{}, Abstained: true, Composer: m.name()}, nil
	}
	if len(parsed.Sentences) == 0 {
		return Answer{}, fmt.Errorf("model composer: no sentences in a reply of %d bytes: %w", len(reply), ErrModelReply)
	}
	a, err := Verify(b, Answer{Sentences: parsed.Sentences, Conflicts: parsed.Conflicts})
	if err != nil {
		log.WarnContext(ctx, "model answer failed verification", "sentences", len(parsed.Sentences), "err", err)
		return Answer{}, fmt.Errorf("model composer: %w", err)
	}
	if m.MaxSentences > 0 && len(a.Sentences) > m.MaxSentences {
		a.Sentences = a.Sentences[:m.MaxSentences]
		a.Sources = Sources(a.Citations(), b.Articles)
	}
	a.Composer = m.name()
	log.InfoContext(ctx, "model answer verified",
		"sentences_parsed", len(parsed.Sentences), "sentences_kept", len(a.Sentences),
		"model_conflicts", len(parsed.Conflicts), "conflicts", len(a.Conflicts), "citations", len(a.Citations()))
	return a, nil
}

// CheckConflicts asks the model, with the conflict-check prompt, which
// conflicts the brief's passages hold beyond those already detected, and
// returns only those that pass Verify's conflict checks (real, retrieved
// articles on every side; sides from different articles; claims grounded in
// their articles' text).
func (m *ModelComposer) CheckConflicts(ctx context.Context, b Brief) ([]Conflict, error) {
	if m == nil || m.Model == nil {
		return nil, errors.New("model composer: no model configured")
	}
	if len(b.Hits) == 0 {
		return nil, nil
	}
	in := prompts.ConflictCheckInput{Question: b.Question.Text, Known: mcPromptConflicts(b.Conflicts)}
	render := func(ps []prompts.Passage) (string, string, error) {
		in.Passages = ps
		return prompts.ConflictCheck(in)
	}
	ps := mcPassages(b.Hits, b.Articles)
	system, user, kept, err := m.fit(ps, render)
	if err != nil {
		return nil, fmt.Errorf("model composer: %w", err)
	}
	reply, err := m.call(ctx, "conflict-check", system, user, kept, len(ps))
	if err != nil {
		return nil, err
	}
	parsed := ParseModelReply(reply, mcPassageIDs(kept))
	if !parsed.HasConflictBlock {
		return nil, fmt.Errorf("model composer: conflict check: no JSON conflicts block: %w", ErrModelReply)
	}
	allowed := vfAllowed(b)
	texts := vfTexts(b)
	var out []Conflict
	for _, c := range parsed.Conflicts {
		if vc, ok := vfModelConflict(c, allowed, texts); ok && !vfDuplicate(vc, b.Conflicts) && !vfDuplicate(vc, out) {
			out = append(out, vc)
		}
	}
	return out, nil
}

// ComposeDigest writes the digest's bullets with the model from the window's
// articles and verifies them like an answer: citations must name the
// window's articles, unsupported bullets are dropped, the brief's conflicts
// are kept and model-found ones must pass the conflict checks. It fails when
// no bullet survives. Counts, window and ID come from the brief's draft.
func (m *ModelComposer) ComposeDigest(ctx context.Context, db DigestBrief) (Digest, error) {
	if m == nil || m.Model == nil {
		return Digest{}, errors.New("model composer: no model configured")
	}
	b := Brief{Articles: map[string]Article{}, Conflicts: db.Conflicts}
	for _, a := range db.Articles {
		b.Articles[a.ID] = a
		for i, para := range mcParagraphs(a.Text, 3) {
			b.Hits = append(b.Hits, Hit{Passage: Passage{ArticleID: a.ID, Index: i, Sentences: []string{para}}})
		}
	}
	if len(b.Hits) == 0 {
		return Digest{}, fmt.Errorf("model composer: digest: no article text: %w", ErrModelUnsupported)
	}
	in := prompts.DigestInput{Conflicts: mcPromptConflicts(db.Conflicts), MaxBullets: MaxDigestBullets}
	if !db.Since.IsZero() {
		in.Since = db.Since.UTC().Format("2006-01-02 15:04 UTC")
	}
	if !db.Until.IsZero() {
		in.Until = db.Until.UTC().Format("2006-01-02 15:04 UTC")
	}
	render := func(ps []prompts.Passage) (string, string, error) {
		in.Passages = ps
		return prompts.Digest(in)
	}
	// Spread the budget over articles: each article's first paragraph first.
	ps := mcPassages(mcRoundRobin(b.Hits), b.Articles)
	system, user, kept, err := m.fit(ps, render)
	if err != nil {
		return Digest{}, fmt.Errorf("model composer: %w", err)
	}
	reply, err := m.call(ctx, "digest", system, user, kept, len(ps))
	if err != nil {
		return Digest{}, err
	}
	parsed := ParseModelReply(reply, mcPassageIDs(kept))
	if parsed.NoAnswer || len(parsed.Sentences) == 0 {
		return Digest{}, fmt.Errorf("model composer: digest: no bullets: %w", ErrModelReply)
	}
	a, err := Verify(b, Answer{Sentences: parsed.Sentences, Conflicts: parsed.Conflicts})
	if err != nil {
		return Digest{}, fmt.Errorf("model composer: digest: %w", err)
	}
	d := db.Draft
	d.Bullets = a.Sentences
	if len(d.Bullets) > MaxDigestBullets {
		d.Bullets = d.Bullets[:MaxDigestBullets]
	}
	d.Conflicts = a.Conflicts
	d.Sources = Sources((Answer{Sentences: d.Bullets, Conflicts: d.Conflicts}).Citations(), b.Articles)
	return d, nil
}

// fit renders the prompt with as many passages as the token budget allows,
// best first; the first passage is shortened when even it does not fit.
func (m *ModelComposer) fit(ps []prompts.Passage, render func([]prompts.Passage) (string, string, error)) (system, user string, kept []prompts.Passage, err error) {
	budget := m.MaxContextTokens
	if budget <= 0 {
		budget = DefaultMaxContextTokens
	}
	maxP := m.MaxPassages
	if maxP <= 0 {
		maxP = DefaultModelPassages
	}
	if len(ps) > maxP {
		ps = ps[:maxP]
	}
	// Measure the instructions with one empty passage (some prompts refuse none).
	system, user, err = render([]prompts.Passage{{N: 1, ArticleID: "x"}})
	if err != nil {
		return "", "", nil, err
	}
	used := EstimateTokens(system) + EstimateTokens(user)
	for _, p := range ps {
		cost := EstimateTokens(p.Text) + EstimateTokens(p.ArticleID+p.Outlet+p.Title+p.Date) + 12
		if used+cost > budget {
			if len(kept) == 0 && budget-used > 50 {
				p.Text = mcTruncate(p.Text, (budget-used-50)*4)
				kept = append(kept, p)
			}
			break
		}
		used += cost
		kept = append(kept, p)
	}
	if len(kept) == 0 {
		return "", "", nil, fmt.Errorf("the prompt budget of %d tokens leaves no room for a passage", budget)
	}
	for i := range kept {
		kept[i].N = i + 1
	}
	system, user, err = render(kept)
	return system, user, kept, err
}

// call sends the prompt and returns the reply's text; it logs the prompt
// version, the estimated prompt size and the outcome.
func (m *ModelComposer) call(ctx context.Context, kind, system, user string, kept []prompts.Passage, offered int) (string, error) {
	now := m.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	tokens := EstimateTokens(system) + EstimateTokens(user)
	log := m.logger().With("prompt", kind, "prompt_version", prompts.Version, "prompt_tokens_est", tokens,
		"passages", len(kept), "passages_left_out", offered-len(kept))
	msgs := []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeSystem, system),
		llms.TextParts(llms.ChatMessageTypeHuman, user),
	}
	if m.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, m.Timeout)
		defer cancel()
	}
	var opts []llms.CallOption
	if m.Stream {
		opts = append(opts, llms.WithStreamingFunc(func(context.Context, []byte) error { return nil }))
	}
	resp, err := m.Model.GenerateContent(ctx, msgs, opts...)
	latency := now().Sub(start)
	if err != nil {
		log.WarnContext(ctx, "model call failed", "latency_ms", latency.Milliseconds(), "err", err)
		return "", fmt.Errorf("model composer: %s call: %w", kind, err)
	}
	if resp == nil || len(resp.Choices) == 0 || resp.Choices[0] == nil || strings.TrimSpace(resp.Choices[0].Content) == "" {
		log.WarnContext(ctx, "model gave an empty reply", "latency_ms", latency.Milliseconds())
		return "", fmt.Errorf("model composer: %s call: %w", kind, ErrModelReply)
	}
	reply := resp.Choices[0].Content
	log.InfoContext(ctx, "model replied", "latency_ms", latency.Milliseconds(), "reply_chars", len(reply))
	return reply, nil
}

func (m *ModelComposer) name() string {
	if m.Name != "" {
		return m.Name
	}
	return "model"
}

func (m *ModelComposer) logger() *slog.Logger {
	l := m.Logger
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	return l.With("component", "model-composer")
}

// EstimateTokens estimates how many tokens a model's tokenizer makes of s,
// without downloading a tokenizer: about one per 4 bytes of English, and
// never fewer than the words and punctuation marks counted generously.
func EstimateTokens(s string) int {
	if s == "" {
		return 0
	}
	byLen := (len(s) + 3) / 4
	words, punct := 0, 0
	in := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !in {
				words++
				in = true
			}
		default:
			in = false
			if !unicode.IsSpace(r) {
				punct++
			}
		}
	}
	byWords := (words*4+2)/3 + punct
	return max(byLen, byWords)
}

// mcPassages turns hits into prompt passages, skipping repeats.
func mcPassages(hits []Hit, articles map[string]Article) []prompts.Passage {
	var out []prompts.Passage
	seen := map[string]bool{}
	for _, h := range hits {
		key := h.Passage.ArticleID + "#" + strconv.Itoa(h.Passage.Index)
		text := strings.TrimSpace(h.Passage.Text())
		if seen[key] || h.Passage.ArticleID == "" || text == "" {
			continue
		}
		seen[key] = true
		p := prompts.Passage{ArticleID: h.Passage.ArticleID, Text: text}
		if a, ok := articles[h.Passage.ArticleID]; ok {
			p.Outlet, p.Title = a.Outlet, a.Title
			if !a.Published.IsZero() {
				p.Date = a.Published.UTC().Format("2006-01-02")
			}
		}
		out = append(out, p)
	}
	return out
}

func mcPassageIDs(ps []prompts.Passage) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ArticleID
	}
	return ids
}

func mcTurns(ts []Turn) []prompts.Turn {
	out := make([]prompts.Turn, 0, len(ts))
	for _, t := range ts {
		out = append(out, prompts.Turn{Role: string(t.Role), Text: t.Text})
	}
	return out
}

func mcPromptConflicts(cs []Conflict) []prompts.Conflict {
	out := make([]prompts.Conflict, 0, len(cs))
	for _, c := range cs {
		pc := prompts.Conflict{Topic: c.Topic}
		for _, p := range c.Positions {
			pc.Positions = append(pc.Positions, prompts.Position{Claim: p.Claim, Articles: p.Articles})
		}
		out = append(out, pc)
	}
	return out
}

// mcParagraphs returns up to n non-empty paragraphs of text.
func mcParagraphs(text string, n int) []string {
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		p = strings.Join(strings.Fields(p), " ")
		if p == "" {
			continue
		}
		out = append(out, p)
		if len(out) == n {
			break
		}
	}
	return out
}

// mcRoundRobin orders hits so that each article's first passage comes
// before any article's second.
func mcRoundRobin(hits []Hit) []Hit {
	out := make([]Hit, 0, len(hits))
	for round := 0; len(out) < len(hits); round++ {
		for _, h := range hits {
			if h.Passage.Index == round {
				out = append(out, h)
			}
		}
		if round > len(hits) {
			break
		}
	}
	return out
}

// mcTruncate cuts s to at most n bytes at a word boundary.
func mcTruncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut <= 0 {
		cut = n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return s[:cut] + " …"
}

// ModelReply is a model reply parsed into sentences and conflicts, before
// verification.
type ModelReply struct {
	// Sentences are the answer's sentences with the citations found in them.
	Sentences []Sentence
	// Conflicts are those of the JSON conflicts block.
	Conflicts []Conflict
	// HasConflictBlock is true when a JSON conflicts block was found.
	HasConflictBlock bool
	// NoAnswer is true when the model said the passages do not answer.
	NoAnswer bool
}

// ParseModelReply reads a model's reply: prose whose sentences end with
// citations such as [article-id] or [id1, id2], and a JSON block
// {"conflicts":[...]}, fenced or not. passageIDs maps passage numbers (from
// 1) to article IDs, for a model that cites [3] instead of an ID. It never
// fails: what it cannot read it leaves out, and Verify decides what stays.
func ParseModelReply(reply string, passageIDs []string) ModelReply {
	var out ModelReply
	if len(reply) > 1<<20 {
		reply = reply[:1<<20]
	}
	body, conflicts, found := mcExtractConflicts(reply, passageIDs)
	out.Conflicts, out.HasConflictBlock = conflicts, found
	body = mcCleanBody(body)
	if t := strings.Trim(strings.TrimSpace(body), ".*_`\"'"); strings.EqualFold(t, prompts.NoAnswer) {
		out.NoAnswer = true
		return out
	}
	out.Sentences = mcSentences(body, passageIDs)
	return out
}

// mcExtractConflicts finds the first JSON object with a "conflicts" key and
// returns the text without it.
func mcExtractConflicts(reply string, passageIDs []string) (string, []Conflict, bool) {
	for i := 0; i < len(reply); i++ {
		if reply[i] != '{' {
			continue
		}
		rest := strings.TrimLeft(reply[i+1:], " \t\r\n")
		if !strings.HasPrefix(rest, `"conflicts"`) {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(reply[i:]))
		var block struct {
			Conflicts []struct {
				Topic     string `json:"topic"`
				Positions []struct {
					Claim    string `json:"claim"`
					Articles []any  `json:"articles"`
				} `json:"positions"`
			} `json:"conflicts"`
		}
		if err := dec.Decode(&block); err != nil {
			continue
		}
		end := i + int(dec.InputOffset())
		var cs []Conflict
		for _, bc := range block.Conflicts {
			c := Conflict{Topic: strings.TrimSpace(bc.Topic), Kind: ConflictModel}
			for _, bp := range bc.Positions {
				p := Position{Claim: strings.TrimSpace(bp.Claim)}
				for _, a := range bp.Articles {
					var tok string
					switch v := a.(type) {
					case string:
						tok = v
					case float64:
						tok = strconv.FormatFloat(v, 'f', -1, 64)
					default:
						continue
					}
					p.Articles = append(p.Articles, mcCitationIDs(tok, passageIDs)...)
				}
				c.Positions = append(c.Positions, p)
			}
			cs = append(cs, c)
		}
		return reply[:i] + "\n" + reply[end:], cs, true
	}
	return reply, nil, false
}

// mcCleanBody drops code fences, headings, "Sources:" lists and
// "Conflicting reports:" lines, and list markers.
func mcCleanBody(body string) string {
	var lines []string
	for _, line := range strings.Split(body, "\n") {
		t := strings.TrimSpace(line)
		low := strings.ToLower(strings.Trim(t, "*_# "))
		switch {
		case strings.HasPrefix(t, "```"), strings.HasPrefix(t, "#"):
			continue
		case strings.HasPrefix(low, "sources:"), strings.HasPrefix(low, "source:"), strings.HasPrefix(low, "references:"),
			low == "sources", low == "references":
			return strings.Join(lines, "\n")
		case strings.HasPrefix(low, "conflicting reports:"), strings.HasPrefix(low, "conflicts:"):
			continue
		}
		t = mcStripMarker(t)
		if l := strings.ToLower(t); strings.HasPrefix(l, "answer:") {
			t = strings.TrimSpace(t[len("answer:"):])
		}
		t = strings.ReplaceAll(t, "**", "")
		lines = append(lines, t)
	}
	return strings.Join(lines, "\n")
}

// mcStripMarker removes a leading list marker: "- ", "* ", "• ", "1. ", "2) ".
func mcStripMarker(t string) string {
	for _, p := range []string{"- ", "* ", "• ", "– "} {
		if strings.HasPrefix(t, p) {
			return strings.TrimSpace(t[len(p):])
		}
	}
	i := 0
	for i < len(t) && i < 3 && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(t) && (t[i] == '.' || t[i] == ')') && t[i+1] == ' ' {
		return strings.TrimSpace(t[i+2:])
	}
	return t
}

// mcIDToken matches something that may be an article ID.
func mcIDToken(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case i > 0 && (r == '_' || r == '-' || r == '.' || r == ':' || r == '/'):
		default:
			return false
		}
	}
	return true
}

// mcCitationIDs reads the inside of a citation bracket ("id", "id1, id2",
// "article id", "3") as article IDs; nil when it is not a citation.
func mcCitationIDs(group string, passageIDs []string) []string {
	f := strings.FieldsFunc(group, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '|' })
	var ids []string
	for _, tok := range f {
		low := strings.ToLower(tok)
		switch low {
		case "and", "article", "articles", "id", "ids", "id:", "source", "sources", "passage", "see", "&":
			continue
		}
		tok = strings.TrimPrefix(strings.TrimPrefix(tok, "id:"), "ID:")
		tok = strings.Trim(tok, `"'*`)
		if !mcIDToken(tok) {
			return nil
		}
		if n, err := strconv.Atoi(tok); err == nil && n >= 1 && n <= len(passageIDs) && !mcContains(passageIDs, tok) {
			tok = passageIDs[n-1]
		}
		ids = append(ids, tok)
	}
	return ids
}

func mcContains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// mcAbbrev lists words after which a full stop does not end a sentence.
var mcAbbrev = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "gen": true, "sen": true, "rep": true, "gov": true,
	"lt": true, "col": true, "capt": true, "sgt": true, "st": true, "jr": true, "sr": true, "no": true, "vs": true,
	"etc": true, "inc": true, "corp": true, "ltd": true, "co": true, "jan": true, "feb": true, "mar": true, "apr": true,
	"aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true, "approx": true, "est": true,
}

// mcSentences splits prose into sentences, attaching each citation group to
// the sentence it ends (or sits in). Newlines end sentences.
func mcSentences(body string, passageIDs []string) []Sentence {
	var out []Sentence
	rs := []rune(body)
	var cur strings.Builder
	var cites []string
	flush := func() {
		text := mcCleanSentence(cur.String())
		if text != "" {
			out = append(out, Sentence{Text: text, Citations: mcDedupe(cites)})
		}
		cur.Reset()
		cites = nil
	}
	skipSpace := func(i int) int {
		for i < len(rs) && (rs[i] == ' ' || rs[i] == '\t') {
			i++
		}
		return i
	}
	// endsHere reports whether position i (just after a full stop or a
	// citation group) starts a new sentence: a space, then anything but a
	// lower-case letter after a full stop (loose), or an upper-case letter,
	// digit or quote after a citation.
	endsHere := func(i int, loose bool) bool {
		j := skipSpace(i)
		if j >= len(rs) || rs[j] == '\n' {
			return true
		}
		if j == i { // no space after the mark
			return false
		}
		r := rs[j]
		if loose {
			return !unicode.IsLower(r)
		}
		return unicode.IsUpper(r) || unicode.IsDigit(r) || r == '"' || r == '“' || r == '\'' || r == '(' || r == '‘'
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\n':
			flush()
		case r == '[' || r == '(' || r == '【':
			closer := map[rune]rune{'[': ']', '(': ')', '【': '】'}[r]
			end := -1
			for k := i + 1; k < len(rs) && k-i < 400; k++ {
				if rs[k] == closer {
					end = k
					break
				}
				if rs[k] == '\n' || rs[k] == r {
					break
				}
			}
			var ids []string
			if end > 0 {
				ids = mcCitationIDs(string(rs[i+1:end]), passageIDs)
				if r == '(' && !mcAllListed(ids, passageIDs) {
					ids = nil // parentheses are prose unless they hold passage IDs
				}
			}
			if ids == nil {
				cur.WriteRune(r)
				continue
			}
			cites = append(cites, ids...)
			i = end
			// Punctuation right after the citation belongs to the sentence.
			k := skipSpace(i + 1)
			p := k
			for p < len(rs) && strings.ContainsRune(".!?;:,", rs[p]) {
				cur.WriteRune(rs[p])
				p++
			}
			if p > k {
				i = p - 1
				if strings.ContainsRune(".!?", rs[p-1]) && endsHere(p, true) {
					flush()
				} else {
					cur.WriteRune(' ')
				}
				continue
			}
			if k < len(rs) && (rs[k] == '[' || rs[k] == '(' || rs[k] == '【') {
				i = k - 1 // more citations follow
				continue
			}
			if endsHere(i+1, false) {
				flush()
				continue
			}
			cur.WriteRune(' ')
		case r == '.' || r == '!' || r == '?':
			cur.WriteRune(r)
			j := i + 1
			for j < len(rs) && strings.ContainsRune(`"'”’)`, rs[j]) {
				cur.WriteRune(rs[j])
				j++
			}
			i = j - 1
			if r == '.' && mcAbbreviated(cur.String()) {
				continue
			}
			if k := skipSpace(j); k < len(rs) && rs[k] == '[' {
				continue // citations follow the full stop
			}
			if endsHere(j, true) {
				flush()
			}
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return out
}

// mcAllListed reports whether ids is non-empty and every ID is a passage's.
func mcAllListed(ids, passageIDs []string) bool {
	if len(ids) == 0 {
		return false
	}
	for _, id := range ids {
		if !mcContains(passageIDs, id) {
			return false
		}
	}
	return true
}

// mcAbbreviated reports whether s ends with an abbreviation's full stop.
func mcAbbreviated(s string) bool {
	s = strings.TrimRight(s, `"'”’)`)
	s = strings.TrimSuffix(s, ".")
	k := strings.LastIndexAny(s, " \t(\"“")
	w := s[k+1:]
	if w == "" {
		return false
	}
	if strings.Contains(w, ".") { // U.S, a.m
		return true
	}
	if utf8.RuneCountInString(w) == 1 && unicode.IsUpper([]rune(w)[0]) { // initials
		return true
	}
	return mcAbbrev[strings.ToLower(w)]
}

// mcCleanSentence tidies a sentence's text: spaces collapsed, no space before
// punctuation, no dangling list marker; "" when it has no letter or digit.
func mcCleanSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, p := range []string{".", ",", ";", ":", "!", "?"} {
		s = strings.ReplaceAll(s, " "+p, p)
	}
	s = strings.ReplaceAll(s, "..", ".")
	s = mcStripMarker(s)
	s = strings.TrimLeft(s, ",;: ")
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return ""
	}
	return s
}

func mcDedupe(ids []string) []string {
	out := make([]string, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
