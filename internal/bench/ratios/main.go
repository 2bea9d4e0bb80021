// Command ratios reads `go test -bench` output of internal/bench's
// BenchmarkRender, BenchmarkReconcile and BenchmarkBatch and prints, from
// that one run, the median of each figure and each reference's ratio to
// guestnet's, then checks the speed targets. internal/bench/run.sh runs
// it.
//
// Medians are the center benchstat reports; the ratios divide medians of
// the same run.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	os.Exit(run(os.Stdin, os.Stdout))
}

// key names one benchmark: its vm, implementation and GOMAXPROCS.
type key struct{ vm, impl, procs string }

var line = regexp.MustCompile(`^Benchmark(Render|Reconcile|Batch)(?:/vm=([^/]+)/impl=(\S+?))?(?:-(\d+))?\s+\d+\s+(.*)$`)

func run(in io.Reader, out io.Writer) int {
	samples := map[key]map[string][]float64{}
	var order []key
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		k := key{m[2], m[3], m[4]}
		if m[1] == "Reconcile" {
			k.vm = "reconcile " + k.vm
		}
		if m[1] == "Batch" {
			k = key{"batch10000", "guestnet", m[4]}
		}
		if k.procs == "" {
			k.procs = "1"
		}
		if samples[k] == nil {
			samples[k] = map[string][]float64{}
			order = append(order, k)
		}
		f := strings.Fields(m[5])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err == nil {
				samples[k][f[i+1]] = append(samples[k][f[i+1]], v)
			}
		}
	}
	med := func(k key, unit string) float64 { return median(samples[k][unit]) }
	ok := true
	check := func(pass bool, format string, args ...any) {
		mark := "PASS"
		if !pass {
			mark, ok = "MISS", false
		}
		fmt.Fprintf(out, "  %s  %s\n", mark, fmt.Sprintf(format, args...))
	}

	fmt.Fprintln(out, "Medians, and each reference's ratio to guestnet's figure (reference ÷ guestnet):")
	fmt.Fprintf(out, "%-26s %-9s %12s %10s %10s %12s %8s %8s %8s\n", "vm", "impl", "ns/op", "B/op", "allocs/op", "ns/network", "× time", "× B", "× allocs")
	for _, k := range order {
		if k.vm == "batch10000" {
			continue
		}
		g := key{k.vm, "guestnet", k.procs}
		fmt.Fprintf(out, "%-26s %-9s %12.0f %10.0f %10.0f %12.0f", k.vm, k.impl, med(k, "ns/op"), med(k, "B/op"), med(k, "allocs/op"), med(k, "ns/network"))
		if k.impl != "guestnet" {
			fmt.Fprintf(out, " %8.2f %8.2f %8.2f", med(k, "ns/op")/med(g, "ns/op"), med(k, "B/op")/med(g, "B/op"), med(k, "allocs/op")/med(g, "allocs/op"))
		}
		fmt.Fprintln(out)
	}

	var batch []key
	for _, k := range order {
		if k.vm == "batch10000" {
			batch = append(batch, k)
		}
	}
	if len(batch) > 0 {
		fmt.Fprintln(out, "\n10,000-VM batch (4 secondaries each) across GOMAXPROCS goroutines:")
		fmt.Fprintf(out, "%-10s %14s %10s %10s\n", "GOMAXPROCS", "ns/batch", "ns/vm", "speed-up")
		base := med(batch[0], "ns/vm")
		for _, k := range batch {
			fmt.Fprintf(out, "%-10s %14.0f %10.0f %10.2f\n", k.procs, med(k, "ns/op"), med(k, "ns/vm"), base/med(k, "ns/vm"))
		}
	}

	fmt.Fprintln(out, "\nTargets:")
	procs := order[0].procs
	at := func(vm, impl string) key { return key{vm, impl, procs} }
	ratio := func(vm, impl, base string) float64 {
		return med(at(vm, impl), "ns/op") / med(at(vm, base), "ns/op")
	}
	for _, vm := range []string{"secondaries=4", "secondaries=64"} {
		if _, have := samples[at(vm, "guestnet")]; !have {
			continue
		}
		r := ratio(vm, "guestnet", "concat")
		check(r <= 3, "Build, %s: within 3x of the concatenation: %.2fx", vm, r)
		s := ratio(vm, "sigsyaml", "guestnet")
		check(s >= 10, "Build, %s: at least 10x faster than sigs.k8s.io/yaml: %.1fx", vm, s)
	}
	for _, vm := range []string{"reconcile secondaries=4", "reconcile secondaries=64"} {
		if _, have := samples[at(vm, "guestnet")]; !have {
			continue
		}
		r := ratio(vm, "guestnet", "floor")
		check(r <= 3, "%s: the step within 3x of its floor (VM copy, concatenation, annotation decode): %.2fx", vm, r)
	}
	if _, have := samples[at("reconcile secondaries=64", "guestnet")]; have {
		four, sixtyFour := med(at("reconcile secondaries=4", "guestnet"), "ns/network"), med(at("reconcile secondaries=64", "guestnet"), "ns/network")
		check(sixtyFour <= 1.25*four, "reconcile: cost per network flat from 4 to 64 secondaries (64's at most 1.25x 4's): %.0f and %.0f ns/network, %.2fx", four, sixtyFour, sixtyFour/four)
	}
	if len(batch) > 1 {
		last := batch[len(batch)-1]
		procs, _ := strconv.Atoi(last.procs)
		speedup := med(batch[0], "ns/vm") / med(last, "ns/vm")
		check(speedup >= 0.8*float64(procs), "10,000-VM batch scales with cores: %.2fx on %d against 1 (80%% of linear or better)", speedup, procs)
	}
	if !ok {
		return 1
	}
	return 0
}

// median returns the median of vs, or NaN when there are none.
func median(vs []float64) float64 {
	if len(vs) == 0 {
		return nan()
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func nan() float64 { v, _ := strconv.ParseFloat("NaN", 64); return v }
