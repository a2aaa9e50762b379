package bot

import (
	"fmt"
	"sync"

	"github.com/storybot/storybot/bot/lang"
)

// language returns the one language layer the package shares: its lexicons
// and models are embedded and immutable, so one instance serves every
// Service, the verifier and the digest. The lexicons are checked by bot/lang's
// tests; failing to load them is a build defect, reported as a panic that
// Recover turns into an InternalError.
var language = sync.OnceValue(func() *lang.Lang {
	l, err := lang.New()
	if err != nil {
		panic(fmt.Sprintf("bot: the embedded language layer does not load: %v", err))
	}
	return l
})
