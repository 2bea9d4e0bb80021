package hostile

import (
	"runtime"
	"testing"
	"time"
)

// Default bounds of one call on hostile input. They are generous, many
// times what any case was measured to take (see each package's
// adversarial_test.go), so that they fail on a regression to super-linear
// or exponential behaviour, not on a slow machine.
const (
	// MaxAlloc is the most memory, in bytes, one call may allocate in all
	// (runtime.MemStats.TotalAlloc, which counts what the garbage collector
	// frees too).
	MaxAlloc = 64 << 20
	// MaxTime is the most CPU time (user and system, of the whole
	// process) one call may take without the race detector. CPU time, not
	// wall time, so that other jobs on a shared machine do not make a
	// case fail.
	MaxTime = 2 * time.Second
	// raceSlowdown is how much longer a call may take under the race
	// detector, which slows Go code 2 to 20 times, allocation-heavy code
	// (the YAML readers) the most.
	raceSlowdown = 20
)

// Bounds are the limits of one call.
type Bounds struct {
	Alloc uint64        // bytes allocated; 0 means MaxAlloc
	Time  time.Duration // CPU time without the race detector; 0 means MaxTime
}

// Cost is what one call took.
type Cost struct {
	Alloc uint64        // bytes allocated
	CPU   time.Duration // CPU time of the process, user and system
	Wall  time.Duration // wall time
}

// Measure runs f once and returns what it took. The allocation counted is
// the whole process's, so the caller must not run other tests in parallel
// (no t.Parallel) while it measures.
func Measure(f func()) Cost {
	// TotalAlloc only grows, so no collection is needed first.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu, start := cpuTime(), time.Now()
	f()
	wall, cpu := time.Since(start), cpuTime()-cpu
	runtime.ReadMemStats(&after)
	return Cost{Alloc: after.TotalAlloc - before.TotalAlloc, CPU: cpu, Wall: wall}
}

// Bounded runs f once and fails t when it allocates or takes more CPU time
// than b allows (the time multiplied by 20 under the race detector). It
// logs the cost, so that `go test -v -run Adversarial` shows every case's
// figures.
func Bounded(t testing.TB, b Bounds, f func()) Cost {
	t.Helper()
	if b.Alloc == 0 {
		b.Alloc = MaxAlloc
	}
	if b.Time == 0 {
		b.Time = MaxTime
	}
	limit := b.Time
	if RaceEnabled {
		limit *= raceSlowdown
	}
	c := Measure(f)
	t.Logf("cost: %.2f MiB allocated, %v CPU, %v wall (bounds %.0f MiB, %v CPU)", float64(c.Alloc)/(1<<20),
		c.CPU.Round(time.Microsecond), c.Wall.Round(time.Microsecond), float64(b.Alloc)/(1<<20), limit)
	if c.Alloc > b.Alloc {
		t.Errorf("allocated %.1f MiB, more than the bound of %.0f MiB", float64(c.Alloc)/(1<<20), float64(b.Alloc)/(1<<20))
	}
	if c.CPU > limit {
		t.Errorf("took %v of CPU time, more than the bound of %v", c.CPU, limit)
	}
	return c
}
