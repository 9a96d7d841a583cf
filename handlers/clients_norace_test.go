//go:build !race

package handlers_test

// raceDetector is true when the tests run under -race, which slows pure-Go
// SQLite down many times: timing checks only hold without it.
const raceDetector = false
