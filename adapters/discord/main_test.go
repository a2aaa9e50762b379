package discord

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind: the
// gateway session, answers in flight and fake servers must all stop.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
