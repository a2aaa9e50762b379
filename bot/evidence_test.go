package bot

import (
	"context"
	"slices"
	"testing"
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
