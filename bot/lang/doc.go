// Package lang is storybot's one language layer: tokens and part-of-speech
// tags (prose's tokenizer and tagger), stems (the Snowball English stemmer
// bleve uses), function words, and the parsers that turn text into values:
// numbers with their hedges and units, money, dates, clock times and compass
// directions.
//
// Every word list lives in an embedded data file under data/, one entry per
// line, under a "#:" header that states the general reason the entries hold.
// TestLexicons rejects entries without a reason, duplicates and
// contradictions. Nothing here names an entity of any story.
package lang
