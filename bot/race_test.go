//go:build race

package bot

// raceEnabled reports whether the tests run with the race detector.
const raceEnabled = true
