package slack

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: every
// answer, socket and retry must be owned and stopped.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
