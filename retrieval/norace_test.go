//go:build !race

package retrieval

// raceEnabled reports whether the tests run with the race detector.
const raceEnabled = false
