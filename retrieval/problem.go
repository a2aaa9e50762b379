package retrieval

import (
	"context"
	"errors"
	"fmt"
)

// Problem is a file, or one line or item of a file, that could not be loaded
// as it is (a Report's Problems) or that loaded with a caveat (its Warnings).
type Problem struct {
	// File is the path of the file within the corpus.
	File string `json:"file"`
	// Line is the 1-based line (JSONL) or item (JSON array) number; 0 when the
	// problem concerns the whole file.
	Line int `json:"line,omitempty"`
	// Reason says what is wrong, in plain words.
	Reason string `json:"reason"`
}

// String renders the problem as "file: reason" or "file:line: reason".
func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Reason)
	}
	return p.File + ": " + p.Reason
}

// ErrEmptyCorpus is returned (wrapped) by Open and Sync when the corpus holds
// no loadable article.
var ErrEmptyCorpus = errors.New("the corpus has no articles")

// Duplicate is an article ID carried by two or more sources. Every copy is
// left out of the index (which one is meant cannot be told, and a citation
// of the ID would be ambiguous); the rest of the corpus loads.
type Duplicate struct {
	// ID is the shared article ID.
	ID string `json:"id"`
	// Sources are the files (with #line or #item for JSONL and JSON
	// arrays) that carry it, in path order.
	Sources []string `json:"sources"`
}

// logProblems logs the report's problems (warnings) and caveats (info) that
// were not logged before by this Index, each once; one that goes away and
// comes back is logged again. The caller holds syncMu.
func (x *Index) logProblems(ctx context.Context, rep Report) {
	now := make(map[string]bool, len(rep.Problems)+len(rep.Warnings)+len(rep.Ignored))
	for _, p := range rep.Problems {
		key := "p " + p.String()
		if now[key] = true; !x.logged[key] {
			x.log.WarnContext(ctx, "skipped", p.attrs("reason")...)
		}
	}
	for _, p := range rep.Warnings {
		key := "w " + p.String()
		if now[key] = true; !x.logged[key] {
			x.log.InfoContext(ctx, "loaded with a caveat", p.attrs("note")...)
		}
	}
	for _, p := range rep.Ignored {
		key := "i " + p.String()
		if now[key] = true; !x.logged[key] {
			x.log.InfoContext(ctx, "ignored", p.attrs("reason")...)
		}
	}
	x.logged = now
}

// attrs are the log attributes of p: file, line when there is one, and the
// reason under key.
func (p Problem) attrs(key string) []any {
	if p.Line > 0 {
		return []any{"file", p.File, "line", p.Line, key, p.Reason}
	}
	return []any{"file", p.File, key, p.Reason}
}
