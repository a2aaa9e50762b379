// Package claims is storybot's question-independent conflict ledger: it
// finds, across articles, the reports about one fact that cannot all be true
// (Detect).
//
// Figures (counts, amounts, measures, shares) are read with bot/values, the
// same reader the answers use, and compared per key: what each figure counts
// or measures, found from the part-of-speech tags (Figures). Stances (events
// reported as done or only possible, negated statements, who holds a role)
// and the slot fillers of an event (the vehicle, tool or medium) are read by
// this package's own sentence analysis (Stances, Extract), which still has
// its own tokenizer, stemmer and word lists; porting it onto bot/lang is
// unfinished. Nothing in it knows about any particular story: names are
// compared by a generic spelling-variant folding, never by lists of people.
package claims
