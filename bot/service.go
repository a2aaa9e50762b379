package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxQuestionRunes bounds the part of a question that is used for retrieval;
// longer questions are answered from their first MaxQuestionRunes runes.
const MaxQuestionRunes = 2000

// Options configures a Service.
type Options struct {
	// Retriever and Store give access to the indexed corpus. Required.
	Retriever Retriever
	Store     Store
	// Composer writes answers with a language model. Nil answers offline with
	// the extractive composer alone; when set, any Composer failure falls back
	// to the extractive answer with a short note.
	Composer Composer
	// Feedback records readers' verdicts; nil only logs them.
	Feedback FeedbackRecorder
	// Logger receives one line per answer; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Hits is how many passages to retrieve per question (default 48).
	Hits int
	// Evidence is how many of them are handed to the composer (default 12).
	Evidence int
	// Trace, when set, receives the offline composer's reasoning, a line at
	// a time (storybot ask --explain).
	Trace func(line string)
}

// FeedbackRecorder stores readers' verdicts on answers. It must be safe for
// concurrent use.
type FeedbackRecorder interface {
	RecordFeedback(ctx context.Context, f Feedback) error
}

// Service answers questions about the story. It is safe for concurrent use.
type Service struct {
	retriever  Retriever
	store      Store
	composer   Composer
	extractive *Extractive
	feedback   FeedbackRecorder
	logger     *slog.Logger
	now        func() time.Time
	hits       int
	evidence   int
}

// NewService returns a Service, or an error when a required part is missing.
func NewService(opt Options) (*Service, error) {
	if opt.Retriever == nil || opt.Store == nil {
		return nil, errors.New("bot: a Service needs a Retriever and a Store")
	}
	s := &Service{
		retriever: opt.Retriever,
		store:     opt.Store,
		composer:  opt.Composer,
		feedback:  opt.Feedback,
		logger:    opt.Logger,
		now:       opt.Now,
		hits:      opt.Hits,
		evidence:  opt.Evidence,
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.hits <= 0 {
		s.hits = 48
	}
	if s.evidence <= 0 {
		s.evidence = 12
	}
	s.extractive = NewExtractive(opt.Retriever)
	s.extractive.Trace = opt.Trace
	return s, nil
}

// Answer answers one question. An empty question, or one the corpus does not
// answer, gets an abstaining answer that says so; the error is for failures
// that leave nothing to say (the index cannot be read, ctx is done). A panic
// while answering is logged with a reference ID and returned as an
// *InternalError: one bad question never ends the process.
func (s *Service) Answer(ctx context.Context, q Question) (_ Answer, err error) {
	defer Recover(ctx, s.logger, &err, "op", "answer", "platform", q.Platform)
	start := s.now()
	q.Text = strings.TrimSpace(q.Text)
	a, err := s.answer(ctx, q)
	if err != nil {
		s.logger.ErrorContext(ctx, "answer failed", "platform", q.Platform, "err", err)
		return Answer{}, err
	}
	a = neutraliseAnswer(a) // article text never passes for a citation
	a.ID = newID()
	a.Question = q.Text
	s.logger.InfoContext(ctx, "answered",
		"platform", q.Platform, "answer_id", a.ID,
		"latency_ms", s.now().Sub(start).Milliseconds(),
		"citations", len(a.Citations()), "conflicts", len(a.Conflicts),
		"abstained", a.Abstained, "composer", a.Composer)
	return a, nil
}

func (s *Service) answer(ctx context.Context, q Question) (Answer, error) {
	if q.Text == "" {
		return Answer{
			Sentences: []Sentence{{Text: "Please ask a question about the story, for example: what happened, who said what, or where the reports disagree."}},
			Abstained: true,
			Composer:  ComposerExtractive,
		}, nil
	}
	text := q.Text
	if utf8.RuneCountInString(text) > MaxQuestionRunes {
		text = string([]rune(text)[:MaxQuestionRunes])
		if i := strings.LastIndexAny(text, " \t\n"); i > 0 {
			text = text[:i] // do not end on half a word
		}
	}
	if parts := s.extractive.split(text); len(parts) > 1 {
		return s.answerParts(ctx, q, parts)
	}
	// A question is answered from its own words first; an earlier question
	// of the thread only fills in what it leaves out ("and when is it
	// running again?"), and only when it helps.
	a, err := s.answerWith(ctx, q, text, "")
	if err != nil {
		return Answer{}, err
	}
	if prev := lastUserTurn(q.Thread); prev != "" && (a.Abstained || s.extractive.leansOnThread(text)) {
		b, err := s.answerWith(ctx, q, text, prev)
		if err != nil {
			return Answer{}, err
		}
		if !b.Abstained || a.Abstained && s.extractive.leansOnThread(text) {
			return b, nil
		}
	}
	return a, nil
}

// answerWith retrieves passages for text, with the words of an earlier
// question as context when context is not empty, and composes the answer.
func (s *Service) answerWith(ctx context.Context, q Question, text, context string) (Answer, error) {
	query := strings.TrimSpace(context + " " + text)
	hits, err := s.retriever.Search(ctx, s.extractive.expand(query), s.hits)
	if err != nil {
		return Answer{}, fmt.Errorf("search the corpus: %w", err)
	}
	if scene := s.extractive.scene(text); scene != "" {
		// The clause that names the report is looked up on its own too, so
		// the passages that give it are at hand.
		more, err := s.retriever.Search(ctx, scene, s.evidence)
		if err != nil {
			return Answer{}, fmt.Errorf("search the corpus: %w", err)
		}
		hits = mergeHits(hits, more)
	}
	hits = Diversify(hits)
	brief := Brief{Question: Question{Text: text, Thread: q.Thread, Platform: q.Platform}, Context: context, Hits: hits, Articles: map[string]Article{}}
	if err := s.loadArticles(ctx, &brief); err != nil {
		return Answer{}, err
	}
	// The composer (extractive or model) is handed the passages that hold
	// the asked value first, at most Evidence of them.
	brief.Hits = s.extractive.Select(brief, s.evidence)
	return s.compose(ctx, brief)
}

// mergeHits appends to hits the passages of more it lacks.
func mergeHits(hits, more []Hit) []Hit {
	type key struct {
		id    string
		index int
	}
	have := make(map[key]bool, len(hits))
	for _, h := range hits {
		have[key{h.Passage.ArticleID, h.Passage.Index}] = true
	}
	for _, h := range more {
		if k := (key{h.Passage.ArticleID, h.Passage.Index}); !have[k] {
			have[k] = true
			hits = append(hits, h)
		}
	}
	return hits
}

// loadArticles reads the articles of the brief's hits.
func (s *Service) loadArticles(ctx context.Context, brief *Brief) error {
	for _, h := range brief.Hits {
		id := h.Passage.ArticleID
		if _, ok := brief.Articles[id]; ok {
			continue
		}
		art, err := s.store.Article(ctx, id)
		if err != nil {
			return fmt.Errorf("read article %s: %w", id, err)
		}
		brief.Articles[id] = art
	}
	return nil
}

// compose answers a brief offline, then with the model when there is one.
func (s *Service) compose(ctx context.Context, brief Brief) (Answer, error) {
	ledger, err := s.store.Conflicts(ctx)
	if err != nil {
		return Answer{}, fmt.Errorf("read the conflict ledger: %w", err)
	}
	offline, err := s.extractive.Compose(ctx, brief)
	if err != nil {
		return Answer{}, err
	}
	offline.Evidence = evidenceIDs(brief.Hits)
	if !offline.Abstained && len(offline.Conflicts) == 0 && !offline.compared {
		if s.extractive.typed(brief.Question.Text) {
			// a typed question the value reader did not compare
			brief.Conflicts = RelevantConflicts(brief.Question, supportingHits(brief.Hits, offline), ledger)
		} else {
			brief.Conflicts = s.extractive.focusConflicts(brief, supportingHits(brief.Hits, offline))
		}
		offline.Conflicts = brief.Conflicts
		offline.Sources = Sources(offline.Citations(), brief.Articles)
	}
	brief.Conflicts = offline.Conflicts
	// When no sentence of the corpus covers the question, a model could
	// only guess: the abstention stands ("never less grounded").
	if s.composer == nil || offline.Abstained {
		return offline, nil
	}
	a, err := s.composer.Compose(ctx, brief)
	if err != nil {
		if ctx.Err() != nil {
			return Answer{}, ctx.Err()
		}
		s.logger.WarnContext(ctx, "model failed; answering offline", "err", err)
		offline.Note = "The language model could not answer, so this is the offline answer."
		return offline, nil
	}
	a.Evidence = offline.Evidence
	return a, nil
}

// evidenceIDs is Answer.Evidence: the article ID of each hit, in order.
func evidenceIDs(hits []Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Passage.ArticleID
	}
	return ids
}

// answerParts answers each question of a compound question ("how much will
// it cost and when will it open?") and joins the answers; it abstains only
// when every part does.
func (s *Service) answerParts(ctx context.Context, q Question, parts []string) (Answer, error) {
	var out Answer
	out.Abstained = true
	var abstentions []Sentence
	for i, p := range parts {
		sub := q
		sub.Text = p
		if i > 0 {
			// A later part leans on the earlier one as a follow-up leans on
			// its thread ("who rescued her and how long was she trapped?").
			sub.Thread = append(append([]Turn(nil), q.Thread...), Turn{Role: RoleUser, Text: parts[i-1]})
		}
		a, err := s.answer(ctx, sub)
		if err != nil {
			return Answer{}, err
		}
		out.Evidence = append(out.Evidence, a.Evidence...)
		if a.Abstained {
			abstentions = append(abstentions, a.Sentences...)
			continue
		}
		out.Abstained = false
		out.Sentences = appendNew(out.Sentences, a.Sentences)
		out.Conflicts = append(out.Conflicts, a.Conflicts...)
		out.Composer = a.Composer
		if a.Note != "" {
			out.Note = a.Note
		}
	}
	if out.Abstained {
		out.Sentences = abstentions[:1]
		out.Composer = ComposerExtractive
		return out, nil
	}
	seen := map[string]bool{}
	for _, src := range sourcesOf(ctx, s, out.Citations()) {
		if !seen[src.ID] {
			seen[src.ID] = true
			out.Sources = append(out.Sources, src)
		}
	}
	return out, nil
}

// appendNew appends to have the sentences of more it does not hold yet:
// two parts of a question answered from one sentence quote it once, with
// the citations of both.
func appendNew(have, more []Sentence) []Sentence {
	for _, s := range more {
		dup := -1
		for i, h := range have {
			if h.Text == s.Text {
				dup = i
				break
			}
		}
		if dup < 0 {
			have = append(have, s)
			continue
		}
		ids := append([]string(nil), have[dup].Citations...)
		for _, id := range s.Citations {
			if !contains(ids, id) {
				ids = append(ids, id)
			}
		}
		have[dup].Citations = ids
	}
	return have
}

func sourcesOf(ctx context.Context, s *Service, ids []string) []Source {
	arts := map[string]Article{}
	for _, id := range ids {
		if a, err := s.store.Article(ctx, id); err == nil {
			arts[id] = a
		}
	}
	return Sources(ids, arts)
}

// supportingHits keeps the hits whose articles the offline answer rests on,
// plus the best few, so conflicts are looked for where the answer looks.
func supportingHits(hits []Hit, a Answer) []Hit {
	if a.Abstained {
		return nil
	}
	cited := map[string]bool{}
	for _, id := range a.Citations() {
		cited[id] = true
	}
	var out []Hit
	for i, h := range hits {
		if i < 8 || cited[h.Passage.ArticleID] {
			out = append(out, h)
		}
	}
	return out
}

func lastUserTurn(thread []Turn) string {
	for i := len(thread) - 1; i >= 0; i-- {
		if thread[i].Role == RoleUser && strings.TrimSpace(thread[i].Text) != "" {
			return thread[i].Text
		}
	}
	return ""
}

// Sources describes each of ids from articles, in order; IDs missing from
// articles get a bare Source.
func Sources(ids []string, articles map[string]Article) []Source {
	out := make([]Source, 0, len(ids))
	for _, id := range ids {
		a := articles[id]
		out = append(out, Source{ID: id, Outlet: a.Outlet, Title: a.Title, URL: a.URL, Published: a.Published})
	}
	return out
}

// Conflicts returns the corpus-wide conflict ledger.
func (s *Service) Conflicts(ctx context.Context) ([]Conflict, error) {
	cs, err := s.store.Conflicts(ctx)
	return NeutraliseConflicts(cs), err
}

// Article returns one article, or an error wrapping ErrNotFound.
func (s *Service) Article(ctx context.Context, id string) (Article, error) {
	return s.store.Article(ctx, strings.TrimSpace(id))
}

// Articles returns every article, ordered by ID.
func (s *Service) Articles(ctx context.Context) ([]Article, error) {
	return s.store.Articles(ctx)
}

// CorpusSize returns the number of articles in the corpus.
func (s *Service) CorpusSize(ctx context.Context) (int, error) {
	arts, err := s.store.Articles(ctx)
	return len(arts), err
}

// RecordFeedback stores a reader's verdict on an answer.
func (s *Service) RecordFeedback(ctx context.Context, f Feedback) error {
	if f.At.IsZero() {
		f.At = s.now()
	}
	s.logger.InfoContext(ctx, "feedback", "answer_id", f.AnswerID, "helpful", f.Helpful, "platform", f.Platform)
	if s.feedback == nil {
		return nil
	}
	if err := s.feedback.RecordFeedback(ctx, f); err != nil {
		return fmt.Errorf("record feedback on %s: %w", f.AnswerID, err)
	}
	return nil
}

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
