package retrieval

import (
	"context"

	"github.com/storybot/storybot/bot"
)

var _ bot.TermStats = (*Index)(nil)

// DocFreqs tells, for each plain word, in how many of the index's n passages
// it occurs, after the index's own analysis (so "warned" counts passages
// with "warning"). A word the analyser drops (a stop word) counts 0. On any
// error it returns n = 0, which tells the caller to fall back on its own
// estimate.
func (x *Index) DocFreqs(words []string) (dfs []int, n int) {
	adv, err := x.bl.Advanced()
	if err != nil {
		return nil, 0
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, 0
	}
	defer r.Close()
	total, err := r.DocCount()
	if err != nil {
		return nil, 0
	}
	ctx := context.Background()
	dfs = make([]int, len(words))
	for i, w := range words {
		toks := x.an.Analyze([]byte(w))
		if len(toks) == 0 {
			continue
		}
		tfr, err := r.TermFieldReader(ctx, toks[0].Term, textField, false, false, false)
		if err != nil {
			return nil, 0
		}
		dfs[i] = int(tfr.Count())
		_ = tfr.Close()
	}
	return dfs, int(total)
}
