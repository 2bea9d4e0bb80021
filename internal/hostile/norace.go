//go:build !race

package hostile

// RaceEnabled reports whether the race detector is on.
const RaceEnabled = false
