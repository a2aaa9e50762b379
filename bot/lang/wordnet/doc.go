// Package wordnet answers lexical questions about English words from
// WordNet 3.0: base forms (morphy), synonyms ranked by sense frequency,
// hypernyms and is-a tests, derivationally and otherwise related words,
// and the strongest relation between two words with a weight that callers
// can use to score soft matches.
//
// The database is a compact table embedded in the binary (wordnet.tbl,
// 4.2 MB, 2.2 MB once git or gzip compresses it), so nothing has to be
// installed at run time. The WordNet
// licence is in LICENSE.wordnet beside it; it must travel with any copy.
// Only the standard library is used.
//
// # Regenerating the table
//
// The table is generated from Debian's wordnet-base package by the
// program in gen/ and committed; CI does not run it:
//
//	apt-get install -y wordnet-base
//	go generate ./bot/lang/wordnet
//
// which runs
//
//	go run ./gen -dict /usr/share/wordnet -out wordnet.tbl -license LICENSE.wordnet
//
// The generator is deterministic, and TestTableFacts checks a few facts
// of the database against the embedded table.
//
// # Using it
//
// Load parses the table (about 40 ms of CPU, 19 MB of heap kept) and
// returns a *DB that is read-only and safe for concurrent use. A caller
// that wants the cost paid only on first use keeps a Lazy:
//
//	var wn wordnet.Lazy // a field of some long-lived struct
//	db, err := wn.DB()  // loads once
//
// There is no package-level state. Every query takes any inflected form
// ("children", "testified", "storeys") and reduces it with Base first.
//
// # Folding words safely
//
// WordNet lists rare senses next to common ones: "state" shares a synset
// with "country", and "shut" with "close". Relation.Weight discounts
// relations that hold only through rare senses, Synonyms and friends
// accept FirstSenses to ignore them, and antonyms are reported with Kind
// Antonym and weight 0 so that a caller never folds "rise" into "fall".
package wordnet

//go:generate go run ./gen -dict /usr/share/wordnet -out wordnet.tbl -license LICENSE.wordnet
