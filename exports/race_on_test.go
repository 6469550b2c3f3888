//go:build race

package exports

// raceEnabled is true when the tests run under the race detector, which slows excelize's
// XML parsing some thirtyfold.
const raceEnabled = true
