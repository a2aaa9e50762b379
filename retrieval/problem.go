package retrieval

import (
	"errors"
	"fmt"
	"strings"
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

// ErrDuplicateID is returned (wrapped, inside a *DuplicateIDError) when two
// articles share an ID.
var ErrDuplicateID = errors.New("duplicate article ID")

// DuplicateIDError reports articles that share an ID, naming both sources.
type DuplicateIDError struct {
	// Dups lists each duplicate: the ID and the two sources that carry it.
	Dups []Duplicate
}

// Duplicate is one ID found in two sources.
type Duplicate struct {
	ID            string
	First, Second string
}

// Error names every duplicate ID and both of its sources.
func (e *DuplicateIDError) Error() string {
	var b strings.Builder
	for i, d := range e.Dups {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Dups)-5)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "duplicate article ID %q in %s and %s", d.ID, d.First, d.Second)
	}
	return b.String()
}

// Unwrap lets errors.Is(err, ErrDuplicateID) match.
func (e *DuplicateIDError) Unwrap() error { return ErrDuplicateID }
