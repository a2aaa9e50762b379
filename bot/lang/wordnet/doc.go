// Package wordnet answers lexical questions about English words from
// WordNet 3.0: base forms (morphy), synonyms ranked by sense frequency,
// hypernyms and is-a tests, derivationally and otherwise related words,
// and the strongest relation between two words with a weight that callers
// can use to score soft matches.
//
// The database is a compact table embedded in the binary (wordnet.tbl,
// 5.0 MB, 2.4 MB once git or gzip compresses it), so nothing has to be
// installed at run time. The WordNet licence is in LICENSE.wordnet beside
// it; it must travel with any copy. Only the standard library is used.
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
// The generator is deterministic: where wordnet-base is installed,
// gen's TestRegenerate checks that it rebuilds the committed files byte
// for byte, and TestTableFacts compares every lemma's sense count with
// the installed index files. Elsewhere TestTableFacts still checks known
// facts of WordNet 3.0 against the embedded table.
//
// # Using it
//
// Load parses the table (about 80 ms of CPU in a fresh process, 40 ms
// warm; 8 MB of heap kept, the process grows by about 14 MB) and
// returns a *DB that is read-only and safe for concurrent use. A caller
// that wants the cost paid only on first use keeps a Lazy:
//
//	var wn wordnet.Lazy // a field of some long-lived struct
//	db, err := wn.DB()  // loads once
//
// There is no mutable package-level state. Every query takes any inflected form
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
