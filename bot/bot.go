package bot

import (
	"context"
	"errors"
	"time"
)

// Article is one news report in the corpus.
type Article struct {
	// ID identifies the article; for files it is the file name without extension.
	ID string `json:"id"`
	// Title is the headline, when known.
	Title string `json:"title,omitempty"`
	// Outlet is the publisher, when known.
	Outlet string `json:"outlet,omitempty"`
	// URL links to the original, when known.
	URL string `json:"url,omitempty"`
	// Published is the publication time; zero when unknown.
	Published time.Time `json:"published,omitzero"`
	// FirstSeen is when storybot first loaded the article; it drives the digest
	// when Published is unknown.
	FirstSeen time.Time `json:"first_seen,omitzero"`
	// Text is the body, normalised to plain text with paragraphs separated by
	// blank lines.
	Text string `json:"text"`
	// Source names where the article came from (a file path, or path#line).
	Source string `json:"source,omitempty"`
}

// Passage is a run of consecutive sentences of one article: the unit of
// retrieval.
type Passage struct {
	// ArticleID is the article the passage belongs to.
	ArticleID string `json:"article_id"`
	// Index is the passage's position within its article, from 0.
	Index int `json:"index"`
	// Sentences are the passage's sentences, in order.
	Sentences []string `json:"sentences"`
	// Published is when the passage's article was published (when it was
	// first seen, if its date is unknown). It is set on the passages handed
	// to the conflict ledger, which tells an updated figure from a dispute
	// by it; elsewhere it may be zero.
	Published time.Time `json:"published,omitzero"`
}

// Text returns the passage's sentences joined by spaces.
func (p Passage) Text() string {
	n := 0
	for _, s := range p.Sentences {
		n += len(s) + 1
	}
	b := make([]byte, 0, n)
	for i, s := range p.Sentences {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, s...)
	}
	return string(b)
}

// Hit is a retrieved passage with its relevance score (higher is better;
// scores are comparable only within one search).
type Hit struct {
	Passage Passage
	Score   float64
}

// Role says who spoke a Turn.
type Role string

// Roles of a conversation turn.
const (
	RoleUser Role = "user"
	RoleBot  Role = "bot"
)

// Turn is one earlier message of a conversation thread.
type Turn struct {
	Role Role   `json:"role"`
	Text string `json:"text"`
}

// Question is what a user asked, translated from the platform by an adapter.
type Question struct {
	// Text is the question itself.
	Text string `json:"question"`
	// Thread holds the conversation's earlier turns, oldest first, when the
	// question is a follow-up.
	Thread []Turn `json:"thread,omitempty"`
	// Platform names where it was asked: console, slack, discord, http, cli.
	Platform string `json:"platform,omitempty"`
	// User and Channel identify the asker on the platform, for logs and limits.
	User    string `json:"user,omitempty"`
	Channel string `json:"channel,omitempty"`
}

// Sentence is one sentence of an answer with the article IDs it rests on.
type Sentence struct {
	Text      string   `json:"text"`
	Citations []string `json:"citations"`
}

// Source describes a cited article for the Sources list.
type Source struct {
	ID        string    `json:"id"`
	Outlet    string    `json:"outlet,omitempty"`
	Title     string    `json:"title,omitempty"`
	URL       string    `json:"url,omitempty"`
	Published time.Time `json:"published,omitzero"`
}

// ConflictKind says what sort of disagreement a Conflict is.
type ConflictKind string

// Kinds of conflict detected without a model (DESIGN §4), plus model-found ones.
const (
	ConflictNumeric  ConflictKind = "numeric"
	ConflictRole     ConflictKind = "role"
	ConflictStatus   ConflictKind = "status"
	ConflictPolarity ConflictKind = "polarity"
	ConflictDetail   ConflictKind = "detail"
	ConflictModel    ConflictKind = "model"
)

// Position is one side of a Conflict: a claim and the articles that make it.
type Position struct {
	// Claim states the side briefly, e.g. "formally relinquished" or "about 10 percent".
	Claim string `json:"claim"`
	// Articles are the IDs of the articles making the claim.
	Articles []string `json:"articles"`
	// Evidence holds the sentences the claim was read from, one per article
	// where available; used to decide whether a conflict concerns a question.
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Evidence is a sentence of an article that carries a claim.
type Evidence struct {
	ArticleID string `json:"article_id"`
	Sentence  string `json:"sentence"`
}

// Conflict is a fact on which two or more articles report incompatible
// things. Positions always come from different articles.
type Conflict struct {
	// Topic names the fact, e.g. "NATO Secretary General" or "troops withdrawn".
	Topic string `json:"topic"`
	// Kind says how the positions disagree.
	Kind ConflictKind `json:"kind,omitempty"`
	// Positions are the incompatible sides; at least two.
	Positions []Position `json:"positions"`
}

// ArticleIDs returns every article ID on any side of the conflict, in order
// of first appearance.
func (c Conflict) ArticleIDs() []string {
	var ids []string
	seen := map[string]bool{}
	for _, p := range c.Positions {
		for _, id := range p.Articles {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// Answer is the bot's reply to a Question. Adapters render it for their
// platform; Text is the plain-text form, as posted by the console and `ask`.
type Answer struct {
	// ID identifies this answer, e.g. for feedback buttons.
	ID string `json:"id"`
	// Question is the question answered.
	Question string `json:"question"`
	// Sentences is the answer body, each sentence with its citations.
	Sentences []Sentence `json:"sentences"`
	// Conflicts are the disagreements among the evidence on the asked fact.
	Conflicts []Conflict `json:"conflicts"`
	// Sources describe every cited article, in citation order.
	Sources []Source `json:"sources"`
	// Abstained is true when the corpus does not answer the question.
	Abstained bool `json:"abstained"`
	// Note is a short remark for the reader, e.g. that the model failed and
	// the offline answer is shown.
	Note string `json:"note,omitempty"`
	// Composer names what wrote the answer: "extractive" or a model name.
	Composer string `json:"composer,omitempty"`
	// Evidence lists the article ID of each passage handed to the composer,
	// in rank order (an article with several passages repeats): what any
	// composer could at best cite and call out.
	Evidence []string `json:"evidence,omitempty"`
	// compared is set when the value reader compared the asked value
	// across the articles: agreement or dispute is settled, and the
	// question-independent ledger is not consulted.
	compared bool
}

// Citations returns every article ID the answer cites (sentences, then
// conflicts), without repeats, in order of first appearance.
func (a Answer) Citations() []string { return citedIDs(a.Sentences, a.Conflicts) }

// citedIDs lists the article IDs of sentences, then of conflicts, without
// repeats, in order of first appearance.
func citedIDs(sentences []Sentence, conflicts []Conflict) []string {
	var ids []string
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, s := range sentences {
		for _, id := range s.Citations {
			add(id)
		}
	}
	for _, c := range conflicts {
		for _, id := range c.ArticleIDs() {
			add(id)
		}
	}
	return ids
}

// ErrNotFound is returned by a Store for an unknown article ID.
var ErrNotFound = errors.New("not found")

// Retriever finds the passages most relevant to a query. Implementations
// must be safe for concurrent use. Search returns at most limit hits, best
// first; an empty result is not an error.
type Retriever interface {
	Search(ctx context.Context, query string, limit int) ([]Hit, error)
}

// Store gives read access to the indexed corpus. Implementations must be safe
// for concurrent use.
type Store interface {
	// Article returns one article, or an error wrapping ErrNotFound.
	Article(ctx context.Context, id string) (Article, error)
	// Articles returns every article in the corpus, ordered by ID.
	Articles(ctx context.Context) ([]Article, error)
	// Conflicts returns the corpus-wide conflict ledger computed at ingest.
	Conflicts(ctx context.Context) ([]Conflict, error)
}

// Answerer answers questions. Adapters consume it. Implementations must be
// safe for concurrent use; Answer returns an error only when no answer at all
// could be produced (an abstention is an answer, not an error).
type Answerer interface {
	Answer(ctx context.Context, q Question) (Answer, error)
}

// AnswerFunc adapts a function to the Answerer interface, like http.HandlerFunc.
type AnswerFunc func(ctx context.Context, q Question) (Answer, error)

// Answer calls f(ctx, q).
func (f AnswerFunc) Answer(ctx context.Context, q Question) (Answer, error) { return f(ctx, q) }

// Publisher posts a finished digest or answer to one destination (a Slack or
// Discord channel, or stdout). Publish must be safe for concurrent use and
// must return an error when the post may not have been delivered.
type Publisher interface {
	// Name identifies the destination, e.g. "slack:C123"; it is part of the
	// digest's idempotency key.
	Name() string
	Publish(ctx context.Context, d Digest) error
}

// Digest is a summary of what is new in the story over a window.
type Digest struct {
	// ID identifies the digest period (e.g. "2025-12-15"), used with the
	// publisher's name as the idempotency key.
	ID string `json:"id"`
	// Since and Until bound the window of new articles.
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
	// Bullets are the developments, each with its citations.
	Bullets []Sentence `json:"bullets"`
	// Conflicts are the disputes new or still open among the window's articles.
	Conflicts []Conflict `json:"conflicts"`
	// Sources describe every cited article.
	Sources []Source `json:"sources"`
	// NewArticles and Outlets count the window's coverage.
	NewArticles int `json:"new_articles"`
	Outlets     int `json:"outlets"`
	// Empty is true when the window held no new article.
	Empty bool `json:"empty"`
	// Note is a short remark, e.g. about a model fallback.
	Note string `json:"note,omitempty"`
}

// Brief is everything a Composer may use to answer one question: the
// question, the retrieved passages and the known conflicts on the asked fact.
type Brief struct {
	// Question is what was asked, with its thread.
	Question Question
	// Context is an earlier question of the thread whose words fill in what
	// Question leaves out ("and when is it running again?"), or "".
	Context string
	// Hits are the retrieved passages, best first, re-ranked for outlet diversity.
	Hits []Hit
	// Articles holds the metadata (and text) of every article in Hits, by ID.
	Articles map[string]Article
	// Conflicts are the detected conflicts about the asked fact among the hits.
	Conflicts []Conflict
}

// Composer writes an answer from a Brief. The extractive composer is the
// offline default; the model composer uses a language model. Compose must be
// safe for concurrent use. Its answer's citations must name articles in the
// brief; the Service verifies this.
type Composer interface {
	Compose(ctx context.Context, b Brief) (Answer, error)
}

// Feedback is a reader's verdict on one answer, from a platform's buttons.
type Feedback struct {
	AnswerID string    `json:"answer_id"`
	Helpful  bool      `json:"helpful"`
	Platform string    `json:"platform"`
	User     string    `json:"user,omitempty"`
	At       time.Time `json:"at"`
}
