// Package bot is storybot's domain: articles, passages, questions, answers,
// citations and conflicts; the Service that answers questions and builds
// digests; the interfaces it consumes (Retriever, Store, Composer,
// Publisher); citation checks; and the extractive composer that answers
// offline.
//
// bot imports only the standard library and its own sub-packages (claims,
// guard) and prompts. Platform adapters consume Answerer; the retrieval
// package implements Retriever and Store.
package bot
