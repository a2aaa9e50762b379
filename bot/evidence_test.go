package bot

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/storybot/storybot/bot/values"
)

// briefComposer records the brief it was handed and answers as a model would.
type briefComposer struct{ got Brief }

func (c *briefComposer) Compose(ctx context.Context, b Brief) (Answer, error) {
	c.got = b
	return Answer{Sentences: []Sentence{{Text: "212 passengers.", Citations: []string{"a1"}}}, Composer: "model"}, nil
}

// Answer.Evidence is the article ID of every passage handed to the composer,
// in rank order, for the offline and the model composer alike.
func TestAnswerEvidence(t *testing.T) {
	q := Question{Text: "How many passengers were on the ferry?"}
	offline, err := newTestService(t, testCorpus(), nil).Answer(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	c := &briefComposer{}
	model, err := newTestService(t, testCorpus(), c).Answer(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, h := range c.got.Hits {
		want = append(want, h.Passage.ArticleID)
	}
	if len(want) == 0 || !slices.Equal(model.Evidence, want) || !slices.Equal(offline.Evidence, want) {
		t.Errorf("evidence: model %q, offline %q; want the brief's passages %q", model.Evidence, offline.Evidence, want)
	}
	if !slices.Contains(want, "a1") {
		t.Errorf("the cited article is not in the evidence %q", want)
	}
	empty, _ := newTestService(t, testCorpus(), nil).Answer(context.Background(), Question{Text: ""})
	if len(empty.Evidence) != 0 {
		t.Errorf("an empty question has evidence %q", empty.Evidence)
	}
}

// TestByValueHandsOverTheOtherSide: passages that repeat an agreed value
// count for less each time, so one giving another value is handed over.
func TestByValueHandsOverTheOtherSide(t *testing.T) {
	hit := func(id string) Hit { return Hit{Passage: Passage{ArticleID: id}} }
	cand := func(label string, v, score float64) values.Candidate {
		return values.Candidate{Value: values.Value{Type: values.Count, Label: label, Lo: v, Hi: v}, Score: score}
	}
	hits := []Hit{hit("a"), hit("b"), hit("c"), hit("d"), hit("e")}
	best := []values.Candidate{cand("7", 7, 1), cand("7", 7, 1), cand("7", 7, 1), cand("8", 8, 0.8), {}}
	got := byValue(hits, best)
	var ids []string
	for _, h := range got[:3] {
		ids = append(ids, h.Passage.ArticleID)
	}
	if !strings.Contains(strings.Join(ids, ","), "d") {
		t.Fatalf("the passage with the other value is not among the first three: %v", ids)
	}
	if got[len(got)-1].Passage.ArticleID != "e" {
		t.Fatalf("a passage without a value should come last: %v", got)
	}
}
