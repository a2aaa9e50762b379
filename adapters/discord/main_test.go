package discord

import (
	"flag"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind: the
// gateway session, answers in flight and fake servers must all stop.
//
// Most gateway tests spend a second idle in discordgo's Session.Close (it
// sleeps to let Discord close the connection), so more of them run at once
// than the default of one per CPU, unless -test.parallel is given.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		if err := flag.Set("test.parallel", "8"); err != nil {
			panic(err)
		}
	}
	goleak.VerifyTestMain(m)
}
