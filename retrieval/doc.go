// Package retrieval loads a corpus of news articles, splits them into
// sentences and passages, and keeps a persistent BM25 passage index (a
// purpose-built one, bm25.go, with bleve's English analysis, reproduced in
// english.go, and bleve's BM25 scores) plus an article store in a data directory.
//
// Open loads a corpus from an fs.FS (a directory via os.DirFS, or the
// built-in sample.FS) and returns an *Index, which implements bot.Retriever
// and bot.Store. Opening an already indexed corpus does not re-index it:
// files are compared by size and modification time, then by content hash,
// and only added or changed articles are indexed again. Sync re-reads the
// corpus and applies changes incrementally while searches keep running.
//
// Supported article formats (DESIGN §3): .txt and .md (ID from the file name,
// first non-empty line as the headline, optional YAML front matter), .json
// (one object or an array), .jsonl (one object per line) and .html/.htm
// (readable text). Hidden files and directories are skipped; sub-directories
// are read; symbolic links are followed only to files inside the corpus. A
// file, folder, line or item that cannot be used (unreadable, over 64 MB,
// unparsable, a link leading outside) is reported as a Problem, logged once
// and skipped; the rest of the corpus still loads. An ID carried by two
// sources is reported with both and every copy is left out. Only a corpus
// with no usable article is an error (ErrEmptyCorpus).
//
// Layout of DataDir/Name: meta.json (layout version; another version is
// rebuilt), store.db (bbolt: file records, articles with FirstSeen, passages,
// cached vectors, the conflict ledger) and index.bm25 (the search index,
// written once per sync that changes the corpus and rebuilt from the stored
// passages when it is missing, damaged or of another corpus generation).
// Only one process may open a corpus directory at a time.
//
// With an Embedder, retrieval is hybrid: passage vectors are cached by
// content hash and Search fuses BM25 and cosine ranks by reciprocal rank
// fusion (k=60).
package retrieval
