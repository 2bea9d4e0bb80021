package guestvm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guestnet/guestnet/cloudinit"
	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/guestcheck"
)

// rebootResults holds what TestGuests -update recorded of the reboots.
const rebootResults = "testdata/reboots.json"

// rebootCase is one way of changing a running VM's network data: the VM
// boots with one network config, its network data changes (same
// instance-id, as KubeVirt keeps it: the VM's firmware UUID), and it boots
// again from the same disk.
type rebootCase struct {
	// summary is the case's row in the README table.
	name, summary string
	// script gives the guest user data that is a shell script, not
	// cloud-config.
	script bool
	// everyBoot passes the user data of each boot through
	// cloudinit.NetworkEveryBoot.
	everyBoot [2]bool
	// applies says, per image, whether the changed network data applies on
	// the second boot.
	applies map[string]bool
}

// rebootCases are the reboot scenarios; rebootImages are the images they
// boot in (one per renderer and generation: eni-net-tools renders as eni
// does).
func rebootCases() []rebootCase {
	every := func(b bool) map[string]bool {
		out := map[string]bool{}
		for _, im := range rebootImages {
			out[im] = b
		}
		return out
	}
	// Reading the user data and its updates key is cloud-init's own
	// business, the same whatever renders the network: those cases boot
	// in the netplan image of each generation only, to keep the guest
	// step's time down.
	netplanOnly := func(b bool) map[string]bool { return map[string]bool{"netplan": b, "netplan-13": b} }
	return []rebootCase{
		{name: "reboot", summary: "cloud-config as it comes", applies: every(false)},
		{name: "reboot-every-boot", summary: "cloud-config through `NetworkEveryBoot` from creation",
			everyBoot: [2]bool{true, true}, applies: every(true)},
		{name: "reboot-script-every-boot", summary: "shell script through `NetworkEveryBoot` (multipart) from creation",
			script: true, everyBoot: [2]bool{true, true}, applies: netplanOnly(true)},
		// cloud-init reads updates from the cloud-config it stored at the
		// previous boot, so the key added together with the change comes
		// one boot late.
		{name: "reboot-every-boot-added", summary: "`NetworkEveryBoot` added with the change",
			everyBoot: [2]bool{false, true}, applies: netplanOnly(false)},
	}
}

var rebootImages = []string{"netplan", "eni", "networkd", "netplan-13", "networkd-13", "network-manager-13", "eni-13"}

// rebootNetworks is the VM: the pod network and a Multus network with a
// static address, which the change moves from .200 to .201.
func rebootNetworks(host byte) (netconfig.Spec, []NIC) {
	ext := seedExternal()
	ext.IPConfig.Addresses = []netip.Prefix{netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 168, 0, host}), 24)}
	return specOf(podNetwork(), ext)
}

// RebootRun is what one reboot case did in one image, as recorded in
// testdata/reboots.json.
type RebootRun struct {
	Image    string `json:"image"`
	Scenario string `json:"scenario"`
	// First and Second are the addresses of the Multus NIC after each
	// boot.
	First  []string `json:"first"`
	Second []string `json:"second"`
	// Applied says whether the second boot's network data applied.
	Applied bool `json:"applied"`
	// Verdict is guestcheck's verdict on the Multus network after the
	// second boot, judged against the changed network data from the
	// guest agent's report.
	Verdict guestcheck.Kind `json:"verdict"`
	// Versions are the image's cloud-init and renderer versions.
	Versions map[string]string `json:"versions"`
}

// bootReboot boots rc twice in built and checks what the second boot did.
func bootReboot(ctx context.Context, t *testing.T, built Built, accel Accel, jobs int, rc rebootCase) RebootRun {
	dir := t.TempDir()
	overlay := filepath.Join(dir, "disk.qcow2")
	require.NoError(t, NewOverlay(ctx, built, overlay))
	run := RebootRun{Image: built.Name, Scenario: rc.name, Versions: built.Versions()}
	for i, host := range []byte{200, 201} {
		spec, nics := rebootNetworks(host)
		res, err := netconfig.Build(spec)
		require.NoError(t, err)
		bootDir := filepath.Join(dir, "boot"+string(rune('1'+i)))
		require.NoError(t, os.Mkdir(bootDir, 0o755))
		seed := Seed{InstanceID: "guestvm-" + rc.name, NetworkConfig: res.YAML, WaitFor: []netip.Addr{nics[0].Lease()},
			EveryBoot: true, Script: rc.script}
		if rc.everyBoot[i] {
			seed.Transform = func(ud []byte) ([]byte, error) {
				out, _, err := cloudinit.NetworkEveryBoot(ud)
				return out, err
			}
		}
		iso, err := WriteSeed(ctx, bootDir, seed)
		require.NoError(t, err)
		boot, _, guest := bootOnce(ctx, t, built, accel, jobs, oneBoot{
			name: fmt.Sprintf("%s, boot %d", rc.name, i+1), dir: bootDir, seed: iso, networkConfig: res.YAML, nics: nics, overlay: overlay,
		})
		addrs := linkAddrs(guest, nics[1].MAC)
		verdict := guestcheck.Verify(res, StatusInterfaces(statusNICs(spec, nics), boot.Agent))[1]
		t.Logf("boot %d: %s has %v; verdict %s: %s", i+1, nics[1].MAC, addrs, verdict.Kind, verdict.Detail)
		if i == 0 {
			run.First = addrs
			require.Contains(t, addrs, "192.168.0.200/24", "the first boot applies its network data")
			require.Equal(t, guestcheck.AsAsked, verdict.Kind, verdict.Detail)
			continue
		}
		run.Second = addrs
		run.Applied = slices.Contains(addrs, "192.168.0.201/24")
		run.Verdict = verdict.Kind
	}
	want, ok := rc.applies[built.Name]
	require.True(t, ok, "no expectation for %s in %s", rc.name, built.Name)
	assert.Equal(t, want, run.Applied, "the changed network data applies on the reboot of %s/%s (addresses: %v)", built.Name, rc.name, run.Second)
	if want {
		assert.Equal(t, []string{"192.168.0.201/24"}, run.Second, "only the new address")
		assert.Equal(t, guestcheck.AsAsked, run.Verdict)
	} else {
		assert.Equal(t, []string{"192.168.0.200/24"}, run.Second, "the old address stays")
		assert.Equal(t, guestcheck.Different, run.Verdict, "Verify tells the controller that the change did not apply")
	}
	return run
}

// linkAddrs are the global addresses of the guest's link with mac.
func linkAddrs(g Guest, mac netconfig.MAC) []string {
	var out []string
	for _, l := range g.Links {
		if l.MAC != mac {
			continue
		}
		for _, a := range l.Addrs {
			if !a.Prefix.Addr().IsLinkLocalUnicast() {
				out = append(out, a.Prefix.String())
			}
		}
	}
	slices.Sort(out)
	return out
}

// writeRebootResults merges runs into testdata/reboots.json.
func writeRebootResults(t *testing.T, runs []RebootRun) {
	t.Helper()
	var all []RebootRun
	if b, err := os.ReadFile(rebootResults); err == nil {
		require.NoError(t, json.Unmarshal(b, &all))
	}
	for _, r := range runs {
		all = slices.DeleteFunc(all, func(o RebootRun) bool { return o.Image == r.Image && o.Scenario == r.Scenario })
		all = append(all, r)
	}
	names := columnNames()
	order := func(r RebootRun) (int, int) {
		return slices.Index(names, r.Image), slices.IndexFunc(rebootCases(), func(c rebootCase) bool { return c.name == r.Scenario })
	}
	slices.SortFunc(all, func(a, b RebootRun) int {
		ai, as := order(a)
		bi, bs := order(b)
		if ai != bi {
			return ai - bi
		}
		return as - bs
	})
	b, err := json.MarshalIndent(all, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(rebootResults, append(b, '\n'), 0o644))
}

// TestRebootResults checks the recorded reboots against the cases'
// expectations: every case ran in every reboot image, and what applied is
// what the case expects, with the matching verdict.
func TestRebootResults(t *testing.T) {
	b, err := os.ReadFile(rebootResults)
	require.NoError(t, err)
	var runs []RebootRun
	require.NoError(t, json.Unmarshal(b, &runs))
	for _, rc := range rebootCases() {
		for _, im := range rebootImages {
			if _, ok := rc.applies[im]; !ok {
				continue
			}
			i := slices.IndexFunc(runs, func(r RebootRun) bool { return r.Image == im && r.Scenario == rc.name })
			if !assert.GreaterOrEqual(t, i, 0, "%s/%s was not recorded", im, rc.name) {
				continue
			}
			r := runs[i]
			assert.Equal(t, rc.applies[im], r.Applied, "%s/%s", im, rc.name)
			assert.Equal(t, []string{"192.168.0.200/24"}, r.First, "%s/%s", im, rc.name)
			want := guestcheck.Different
			if r.Applied {
				want = guestcheck.AsAsked
			}
			assert.Equal(t, want, r.Verdict, "%s/%s", im, rc.name)
		}
	}
}

// rebootTable is the README's table of the recorded reboots.
func rebootTable(runs []RebootRun) string {
	var b strings.Builder
	b.WriteString("| user data |")
	for _, im := range rebootImages {
		b.WriteString(" " + im + " |")
	}
	b.WriteString("\n|---|" + strings.Repeat("---|", len(rebootImages)) + "\n")
	for _, rc := range rebootCases() {
		b.WriteString("| " + rc.summary + " |")
		for _, im := range rebootImages {
			cell := "-"
			if i := slices.IndexFunc(runs, func(r RebootRun) bool { return r.Image == im && r.Scenario == rc.name }); i >= 0 {
				cell = "old address kept"
				if runs[i].Applied {
					cell = "new address"
				}
			}
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestRebootREADME checks that the README shows the recorded reboots.
func TestRebootREADME(t *testing.T) {
	b, err := os.ReadFile(rebootResults)
	require.NoError(t, err)
	var runs []RebootRun
	require.NoError(t, json.Unmarshal(b, &runs))
	readme, err := os.ReadFile(readmePath)
	require.NoError(t, err)
	table := rebootTable(runs)
	assert.True(t, strings.Contains(string(readme), table), "the README's reboot table must be:\n%s", table)
}
