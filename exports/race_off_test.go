//go:build !race

package exports

// raceEnabled is true when the tests run under the race detector.
const raceEnabled = false
