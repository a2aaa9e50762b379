package retrieval

import (
	"github.com/storybot/storybot/bot"
)

var _ bot.TermStats = (*Index)(nil)

// DocFreqs tells, for each plain word, in how many of the index's n passages
// it occurs, after the index's own analysis (so "warned" counts passages
// with "warning"). A word the analyser drops (a stop word) counts 0. On any
// error it returns n = 0, which tells the caller to fall back on its own
// estimate.
func (x *Index) DocFreqs(words []string) (dfs []int, n int) {
	seg, err := x.segment()
	if err != nil {
		return nil, 0
	}
	dfs = make([]int, len(words))
	for i, w := range words {
		terms := analyzeEnglish([]byte(w))
		if len(terms) == 0 {
			continue
		}
		dfs[i] = seg.docFreq(string(terms[0]))
	}
	return dfs, seg.nDocs
}
