// Package claims is storybot's pure text analysis of reported facts: it reads
// claims out of single sentences (numbers as value ranges, role-person pairs,
// event status, negated statements, dates and times, and the slot fillers of
// an event such as the vehicle, tool or medium) and finds, across articles,
// the claims about one fact that cannot all be true (Detect).
//
// The package uses only the standard library and generic English lexicons
// (hedges, number and scale words, modality cues, role nouns, vehicle and
// channel nouns). Nothing in it knows about any particular story: names are
// compared by a generic spelling-variant folding, never by lists of people.
package claims
