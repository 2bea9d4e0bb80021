package guestvm

import (
	"context"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guestnet/guestnet/netconfig"
)

var update = flag.Bool("update", false, "rewrite testdata/guests.json or files.json from this run's observations, and the README's guest-compatibility table from them")

// Where the results behind the README table live.
const (
	guestsResults = "testdata/guests.json"
	filesResults  = "testdata/files.json"
	testdataDir   = "testdata"
	readmePath    = "../../README.md"
)

// guestsSelected reports whether -run names TestGuests, which boots some
// hundred VMs and so runs only when asked for by name.
func guestsSelected() bool {
	f := flag.Lookup("test.run")
	return f != nil && strings.Contains(f.Value.String(), "TestGuests")
}

// envDuration reads a duration from the environment, or returns def.
func envDuration(t *testing.T, name string, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	require.NoError(t, err, "%s", name)
	return d
}

// guestRun is what TestGuests keeps of one boot.
type guestRun struct {
	image, scenario string
	elapsed         time.Duration
	run             Run
}

// TestGuests builds (or takes from the cache) each guest image of Images,
// boots every scenario in it from a NoCloud seed holding guestnet's
// output, and checks NIC by NIC what the guest did against the scenario's
// rows for that image. It runs only when -run names it; see the package
// documentation for the commands and the environment variables.
func TestGuests(t *testing.T) {
	if !guestsSelected() {
		t.Skip("boots about a hundred VMs (over an hour without KVM; GUESTNET_GUESTVM_MATRIX=ci boots 61); run it by name: go test ./internal/guestvm -run TestGuests -timeout 120m")
	}
	requireTools(t, "qemu-system-x86_64", "cloud-localds", "qemu-img")
	cache, err := CacheDir()
	require.NoError(t, err)
	start := time.Now()

	ctx := t.Context()
	if d, ok := t.Deadline(); ok {
		// Kill QEMU before go test's timeout panics, which would leave it
		// running.
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d.Add(-30*time.Second))
		t.Cleanup(cancel) // not defer: the subtests run after this function returns
	}

	var (
		accel     Accel
		accelOnce sync.Once
		mu        sync.Mutex
		runs      []guestRun
		reboots   []RebootRun
		cols      []Column
	)
	// collect runs f, which appends to the results, under mu.
	collect := func(f func()) {
		mu.Lock()
		defer mu.Unlock()
		f()
	}
	// One set of job slots for image builds and boots alike: images are
	// built and booted side by side, never more than jobs at a time.
	jobs := guestJobs(t)
	slots := make(chan struct{}, jobs)
	matrix := guestMatrix(t)
	for _, im := range Images() {
		t.Run(im.Name, func(t *testing.T) {
			if !matrix.images[im.Name] {
				t.Skipf("not in the %s matrix (GUESTNET_GUESTVM_MATRIX)", matrix.name)
			}
			t.Parallel()
			if _, err := os.Stat(filepath.Join(cache, "images", im.Name+"-"+im.Key(), "image.json")); err != nil {
				requireTools(t, "debootstrap", "mkfs.ext4", "tar")
				requireRoot(t, "building guest image "+im.Name)
			}
			built, err := BuildImage(ctx, im, BuildOptions{
				CacheDir: cache, Mirror: os.Getenv("GUESTNET_DEBIAN_MIRROR"),
				Log: testLog{t}, Slots: slots,
			})
			require.NoError(t, err)
			if built.BuildTime > 0 {
				t.Logf("built image %s in %v: %s", im.Name, built.BuildTime.Round(time.Second), built.Dir)
			} else {
				t.Logf("image %s from the cache: %s", im.Name, built.Dir)
			}
			accelOnce.Do(func() {
				var why string
				accel, why = DetectAccel(ctx, built.Kernel)
				t.Logf("accelerator: %s (%s)", accel, why)
			})
			collect(func() {
				cols = append(cols, Column{
					Name: im.Name, Renderer: im.Renderer, Source: SourceGuest, Summary: im.Summary,
					Generation: im.Generation(), Versions: built.Versions(),
				})
			})

			// boot runs f as a parallel subtest once one of the job slots
			// is free.
			boot := func(name string, f func(t *testing.T)) {
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					select {
					case slots <- struct{}{}:
					case <-ctx.Done():
						t.Fatal(ctx.Err())
					}
					defer func() { <-slots }()
					f(t)
				})
			}
			for _, sc := range scenarios() {
				if slices.Contains(sc.skip, im.Name) {
					continue
				}
				boot(sc.name, func(t *testing.T) {
					r := bootScenario(ctx, t, built, accel, jobs, sc)
					collect(func() { runs = append(runs, r) })
				})
			}
			for _, rc := range rebootCases() {
				if _, ok := rc.applies[im.Name]; !ok || !matrix.reboots[im.Name] {
					continue
				}
				boot(rc.name, func(t *testing.T) {
					r := bootReboot(ctx, t, built, accel, jobs, rc)
					collect(func() { reboots = append(reboots, r) })
				})
			}
		})
	}
	// The parallel subtests run once this function returns: wait for them
	// before writing what they found.
	t.Cleanup(func() { report(t, start, runs, reboots, cols) })
}

// report logs what TestGuests booted and, with -update, writes it.
func report(t *testing.T, start time.Time, runs []guestRun, reboots []RebootRun, cols []Column) {
	t.Helper()
	var total time.Duration
	for _, r := range runs {
		total += r.elapsed
	}
	t.Logf("%d boots (%d scenarios, %d reboot cases of two boots), %v of scenario boot time, %v in all",
		len(runs)+2*len(reboots), len(runs), len(reboots), total.Round(time.Second), time.Since(start).Round(time.Second))
	// Observations are written even when a row failed: the diff of the
	// results file is how a change in a guest is read.
	if *update && len(runs) > 0 {
		writeResults(t, guestsResults, cols, runs)
	}
	if *update && len(reboots) > 0 {
		writeRebootResults(t, reboots)
	}
}

// matrix is which images TestGuests boots, and in which of them it runs
// the reboot cases.
type matrix struct {
	name            string
	images, reboots map[string]bool
}

// guestMatrix reads GUESTNET_GUESTVM_MATRIX: "full" (the default) boots
// every scenario in every image and the reboot cases wherever they apply;
// "ci", what .ci/run boots to stay within its time, boots every scenario
// in one image per network stack per generation (netplan with
// systemd-networkd, ifupdown, and on Debian 13 NetworkManager), leaving
// out networkd, eni-net-tools and networkd-13, and the reboot cases in
// the netplan image of each generation only.
func guestMatrix(t *testing.T) matrix {
	all := map[string]bool{}
	for _, im := range Images() {
		all[im.Name] = true
	}
	switch m := os.Getenv("GUESTNET_GUESTVM_MATRIX"); m {
	case "", "full":
		return matrix{name: "full", images: all, reboots: all}
	case "ci":
		return matrix{
			name:    "ci",
			images:  map[string]bool{"netplan": true, "eni": true, "netplan-13": true, "eni-13": true, "network-manager-13": true},
			reboots: map[string]bool{"netplan": true, "netplan-13": true},
		}
	default:
		t.Fatalf("GUESTNET_GUESTVM_MATRIX=%q: want full or ci", m)
		return matrix{}
	}
}

// guestJobs is how many guests boot at once: GUESTNET_GUESTVM_JOBS, else
// one per CPU, at most four. Each guest gets two vCPUs, or one when the
// guests outnumber half the CPUs: on two CPUs without KVM, two guests of
// one vCPU each get through a scenario list some 40% faster than one guest
// of two.
func guestJobs(t *testing.T) int {
	if v := os.Getenv("GUESTNET_GUESTVM_JOBS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "GUESTNET_GUESTVM_JOBS")
		require.Positive(t, n, "GUESTNET_GUESTVM_JOBS")
		return n
	}
	return min(runtime.NumCPU(), 4)
}

// bootScenario boots one scenario in one image and checks it.
func bootScenario(ctx context.Context, t *testing.T, built Built, accel Accel, jobs int, sc scenario) guestRun {
	spec, opts, nics := sc.networks(t)
	res, err := netconfig.Build(spec, opts...)
	require.NoError(t, err)
	assert.ElementsMatch(t, sc.warnings, warningCodes(res.Warnings), "warnings: %v", res.Warnings)
	wants, err := Wants(spec, res, nics)
	require.NoError(t, err)

	var leases []netip.Addr
	for _, w := range wants {
		if w.DHCP4 {
			leases = append(leases, w.Lease)
		}
	}
	dir := t.TempDir()
	seed, err := WriteSeed(ctx, dir, Seed{InstanceID: "guestvm-" + sc.name, NetworkConfig: res.YAML, WaitFor: leases})
	require.NoError(t, err)

	boot, report, guest := bootOnce(ctx, t, built, accel, jobs, oneBoot{
		name: sc.name, dir: dir, seed: seed, networkConfig: res.YAML, nics: nics, kernelArgs: sc.kernelArgs, artifacts: true,
	})
	t.Logf("guest links: %s; waited: %s", linkSummary(guest), strings.TrimSpace(report["wait"]))

	assert.Equal(t, built.Renderer, guest.Renderer, "cloud-init's renderer (log: %q)", report["renderer"])
	var facts []Fact
	for _, w := range wants {
		facts = append(facts, Judge(w, guest, contested(w, wants))...)
	}
	checkRows(t, built.Name, sc, facts, report)
	// What a controller sees: the agent's report as KubeVirt puts it in
	// the VMI status, judged by guestcheck.Verify.
	checkVerdicts(t, built.Name, sc, boot.Agent)
	if *update {
		writeAgentReply(t, built.Name, sc.name, boot.Agent)
	}
	defaults := append(guest.DefaultRoutes(false), guest.DefaultRoutes(true)...)
	if want, ok := sc.defaultRoutes[built.Name]; ok || len(defaults) > 0 {
		assert.Equal(t, want, defaults, "default routes of %s/%s\n--- IPv4 routes:\n%s--- IPv6 routes:\n%s", built.Name, sc.name, report["route4"], report["route6"])
	}
	return guestRun{image: built.Name, scenario: sc.name, elapsed: boot.Elapsed, run: Run{
		Column: built.Name, Scenario: sc.name, Renderer: guest.Renderer, Facts: facts, DefaultRoutes: defaults,
	}}
}

// oneBoot is what sets one boot apart from the others of an image.
type oneBoot struct {
	// name names the boot in the log, in failure messages and in the
	// artifacts: the scenario, or the reboot case and the boot's number.
	name string
	// dir holds the seed's files, the console logs and the agent's socket.
	dir string
	// seed is the seed ISO (WriteSeed); networkConfig is its network
	// config, shown when the boot fails.
	seed          string
	networkConfig []byte
	nics          []NIC
	kernelArgs    []string
	// overlay is the VM's own disk (NewOverlay), kept across boots; empty
	// boots a throwaway copy of the image's.
	overlay string
	// artifacts copies the boot's files to $GUESTNET_GUESTVM_ARTIFACTS
	// (saveArtifacts), with a boot.sh that boots it again; not for an
	// overlay, which goes with the test's temporary directory.
	artifacts bool
}

// bootOnce boots built once as b says, with what every boot of TestGuests
// has: the accelerator, the vCPUs and boot timeout for jobs guests at
// once, the guest agent. It fails the test when the boot fails, and
// returns the boot with the guest's report and what the report says of
// the guest.
func bootOnce(ctx context.Context, t *testing.T, built Built, accel Accel, jobs int, b oneBoot) (Boot, Report, Guest) {
	t.Helper()
	m := Machine{
		Image: built, Overlay: b.overlay, Seed: b.seed, NICs: b.nics, KernelArgs: b.kernelArgs,
		Accel: accel, CPUs: max(1, min(2, runtime.NumCPU()/jobs)),
		Timeout: envDuration(t, "GUESTNET_GUESTVM_BOOT_TIMEOUT", bootTimeout(accel, jobs)),
		Dir:     b.dir, Agent: true,
	}
	boot, err := m.Run(ctx)
	if b.artifacts {
		saveArtifacts(t, m, b.name, boot)
	}
	require.NoError(t, err, "boot of %s/%s\n--- network-config:\n%s\n--- console (last lines):\n%s\n--- to boot it by hand: %s",
		built.Name, b.name, b.networkConfig, tail(boot.Console, 40), m.Command())
	t.Logf("boot %s/%s: %v (%s)", built.Name, b.name, boot.Elapsed.Round(100*time.Millisecond), accel)

	report, err := ParseReport(boot.Report)
	require.NoError(t, err)
	guest, err := ParseGuest(report)
	require.NoError(t, err)
	return boot, report, guest
}

// bootTimeout is the default bound of one boot: a boot takes about a
// minute under software emulation on an idle machine, more when guests
// share the CPUs.
func bootTimeout(accel Accel, jobs int) time.Duration {
	if accel == AccelKVM {
		return 3 * time.Minute
	}
	return time.Duration(4+2*jobs) * time.Minute
}

// contested reports whether w is the pod NIC and another NIC has a static
// IPv4 default route.
func contested(w Want, wants []Want) bool {
	if w.Role != netconfig.RolePod {
		return false
	}
	for _, o := range wants {
		if o.Network != w.Network && o.Gateway4.IsValid() {
			return true
		}
	}
	return false
}

// checkRows compares the facts with the scenario's rows for a column.
func checkRows(t *testing.T, column string, sc scenario, facts []Fact, report Report) {
	t.Helper()
	require.Contains(t, columnNames(), column, "column %s has no place in the rows", column)
	want, unknown, errs := sc.expected(column)
	for _, err := range errs {
		t.Errorf("%s: %v", sc.name, err)
	}
	got := map[string]string{}
	var lines []string
	for _, f := range facts {
		key := string(f.Construct) + "/" + f.Network
		if !unknown[key] {
			got[key] = f.cell()
		}
		lines = append(lines, fmt.Sprintf("%-28s %-10s %-40q // %s", f.Construct, f.Network, f.cell(), f.Evidence))
	}
	if len(unknown) > 0 {
		t.Logf("observed in %s/%s:\n%s", column, sc.name, strings.Join(lines, "\n"))
	}
	if !assert.Equal(t, want, got, "outcomes of %s in %s (construct/network: outcome)", sc.name, column) {
		t.Logf("observed in %s/%s:\n%s", column, sc.name, strings.Join(lines, "\n"))
		for _, sec := range []string{"files", "journal", "cloud-init-problems"} {
			t.Logf("--- %s:\n%s", sec, report[sec])
		}
	}
}

// expected are the scenario's outcomes in column by "construct/network",
// without the rows that say "-" (not run); unknown are the rows that have
// no outcome for column, each with an error in errs.
func (sc scenario) expected(column string) (want map[string]string, unknown map[string]bool, errs []error) {
	want, unknown = map[string]string{}, map[string]bool{}
	for _, r := range sc.rows {
		key := string(r.construct) + "/" + r.network
		o, err := r.outcome(column)
		if err != nil {
			errs = append(errs, err)
			unknown[key] = true
			continue
		}
		if o != "-" {
			want[key] = o
		}
	}
	return want, unknown, errs
}

// cell is the fact as the rows state it: the outcome, with the detail in
// parentheses.
func (f Fact) cell() string {
	if f.Detail == "" {
		return string(f.Outcome)
	}
	return string(f.Outcome) + " (" + f.Detail + ")"
}

// writeResults merges this run's observations into a results file and
// regenerates the README table.
func writeResults(t *testing.T, path string, cols []Column, runs []guestRun) {
	t.Helper()
	var rs Results
	if _, err := os.Stat(path); err == nil {
		rs, err = ReadResults(path)
		require.NoError(t, err)
	}
	// Columns and scenarios keep the order of columnNames and scenarios,
	// whatever order this run met them in.
	names := columnNames()
	for _, name := range names {
		for _, c := range cols {
			if c.Name == name {
				rs.PutColumn(c)
			}
		}
	}
	for _, sc := range scenarios() {
		for _, r := range runs {
			if r.scenario == sc.name {
				rs.PutScenario(ScenarioInfo{Name: sc.name, Summary: sc.summary, Constructs: sc.tableConstructs})
				break
			}
		}
	}
	for _, r := range runs {
		rs.PutRun(r.run)
	}
	slices.SortStableFunc(rs.Columns, func(a, b Column) int {
		return slices.Index(names, a.Name) - slices.Index(names, b.Name)
	})
	order := map[string]int{}
	for i, sc := range scenarios() {
		order[sc.name] = i
	}
	slices.SortStableFunc(rs.Scenarios, func(a, b ScenarioInfo) int { return order[a.Name] - order[b.Name] })
	require.NoError(t, rs.Write(path))
	t.Logf("wrote %s", path)
	regenerateREADME(t)
}

// regenerateREADME rewrites the README table from the results files.
func regenerateREADME(t *testing.T) {
	t.Helper()
	rs, err := ReadResults(resultFiles(t)...)
	require.NoError(t, err)
	readme, err := os.ReadFile(readmePath)
	require.NoError(t, err)
	out, err := UpdateREADME(readme, rs.Table())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(readmePath, out, 0o644))
	t.Logf("rewrote the guest-compatibility table in %s", readmePath)
}

// resultFiles are the results files that exist, in ResultFiles' order.
func resultFiles(t *testing.T) []string {
	var out []string
	for _, name := range ResultFiles {
		p := filepath.Join(testdataDir, name)
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	require.NotEmpty(t, out, "no results under testdata/")
	return out
}

// warningCodes lists the codes of ws.
func warningCodes(ws []netconfig.Warning) []netconfig.WarningCode {
	var out []netconfig.WarningCode
	for _, w := range ws {
		out = append(out, w.Code)
	}
	return out
}

// linkSummary lists the guest's links as "name (MAC)".
func linkSummary(g Guest) string {
	var parts []string
	for _, l := range g.Links {
		if l.MAC.IsValid() {
			parts = append(parts, fmt.Sprintf("%s (%s)", l.Name, l.MAC))
		}
	}
	return strings.Join(parts, ", ")
}

// tail returns the last n lines of b.
func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// saveArtifacts copies a boot's seed, console and report to
// $GUESTNET_GUESTVM_ARTIFACTS/IMAGE/SCENARIO when that is set, with a
// boot.sh that boots the same guest again from there.
func saveArtifacts(t *testing.T, m Machine, scenario string, boot Boot) {
	base := os.Getenv("GUESTNET_GUESTVM_ARTIFACTS")
	if base == "" {
		return
	}
	out, err := filepath.Abs(filepath.Join(base, m.Image.Name, scenario))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(out, 0o755))
	for _, name := range []string{"meta-data", "user-data", "network-config", "seed.iso", "console.log", "report.log"} {
		if b, err := os.ReadFile(filepath.Join(m.Dir, name)); err == nil {
			require.NoError(t, os.WriteFile(filepath.Join(out, name), b, 0o644))
		}
	}
	if r, err := ParseReport(boot.Report); err == nil {
		for name, text := range r {
			require.NoError(t, os.WriteFile(filepath.Join(out, "report."+name), []byte(text), 0o644))
		}
	}
	again := m
	again.Dir, again.Seed = out, filepath.Join(out, "seed.iso")
	script := "#!/bin/sh\n# Boots " + m.Image.Name + "/" + scenario + " again: the guest writes console.log and report.log\n" +
		"# here, and the report's sections are decoded into report.SECTION. QEMU runs in a\n" +
		"# network namespace of its own, as in the tests, so that nothing leaves the machine.\n" +
		"set -e\ncd \"$(dirname \"$0\")\"\nrm -f console.log report.log\n" +
		"unshare -n " + again.Command() + "\n" +
		"tr -d '\\r' <report.log | awk '/^--- /{name=substr($0, 5); next} /^===/{next} name != \"\" {print > (\"report.\" name \".b64\"); name=\"\"}'\n" +
		"for f in report.*.b64; do base64 -d \"$f\" >\"${f%.b64}\"; rm \"$f\"; done\n"
	require.NoError(t, os.WriteFile(filepath.Join(out, "boot.sh"), []byte(script), 0o755))
	t.Logf("artifacts in %s (boot.sh boots it again)", out)
}

// testLog writes a build's progress lines to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
