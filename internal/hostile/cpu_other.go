//go:build !unix

package hostile

import "time"

// processStart stands in for the process's CPU clock where there is no
// getrusage: the bounds are then on wall time.
var processStart = time.Now()

// cpuTime returns the wall time since the package was initialised.
func cpuTime() time.Duration { return time.Since(processStart) }
