package bot

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// panicky is a memCorpus whose Search and Articles panic while armed.
type panicky struct {
	*memCorpus
	armed atomic.Bool
}

func (p *panicky) Search(ctx context.Context, query string, limit int) ([]Hit, error) {
	if p.armed.Load() {
		var hits []Hit
		_ = hits[3] // an ordinary bug: index out of range
	}
	return p.memCorpus.Search(ctx, query, limit)
}

func (p *panicky) Articles(ctx context.Context) ([]Article, error) {
	if p.armed.Load() {
		panic("store broke")
	}
	return p.memCorpus.Articles(ctx)
}

// TestServiceRecoversPanics: a panic inside answering or building a digest
// becomes an *InternalError with a reference ID that the log shows with the
// panic and its stack; the user-facing message is the fixed sentence, and
// the next request is answered normally.
func TestServiceRecoversPanics(t *testing.T) {
	var logs bytes.Buffer
	p := &panicky{memCorpus: testCorpus()}
	s, err := NewService(Options{Retriever: p, Store: p, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	checkFailure := func(t *testing.T, err error) {
		t.Helper()
		var ie *InternalError
		if !errors.As(err, &ie) || len(ie.Ref) < 8 {
			t.Fatalf("want an *InternalError with a reference, got %v", err)
		}
		if !strings.HasPrefix(err.Error(), FailureText) || !strings.Contains(err.Error(), ie.Ref) {
			t.Errorf("message %q is not the fixed sentence with the reference", err)
		}
		if strings.Contains(err.Error(), "index out of range") || strings.Contains(err.Error(), "store broke") {
			t.Errorf("the panic value reaches the user: %q", err)
		}
		if !strings.Contains(logs.String(), `"ref":"`+ie.Ref+`"`) || !strings.Contains(logs.String(), "recover_test.go") {
			t.Errorf("the log lacks the reference or the stack:\n%s", logs.String())
		}
	}

	p.armed.Store(true)
	_, err = s.Answer(ctx, Question{Text: "Where did the Marigold run aground?", Platform: "test"})
	checkFailure(t, err)
	if !strings.Contains(logs.String(), "index out of range") {
		t.Errorf("the log lacks the panic value:\n%s", logs.String())
	}
	_, err = s.Digest(ctx, time.Unix(0, 0), time.Now())
	checkFailure(t, err)

	p.armed.Store(false)
	a, err := s.Answer(ctx, Question{Text: "Where did the Marigold run aground?", Platform: "test"})
	if err != nil || a.Abstained || len(a.Citations()) == 0 {
		t.Fatalf("the next question: %+v, %v", a, err)
	}
	if _, err := s.Digest(ctx, time.Unix(0, 0), time.Now()); err != nil {
		t.Fatalf("the next digest: %v", err)
	}
}
