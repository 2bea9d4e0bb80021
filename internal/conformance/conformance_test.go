package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/netplan"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yamlv3 "go.yaml.in/yaml/v3"
)

// styles are the default-route styles of netconfig.Build.
var styles = []struct {
	name  string
	style netconfig.DefaultRouteStyle
}{
	{"portable", netconfig.DefaultRoutePortable},
	{"netplan-routes", netconfig.DefaultRouteNetplan},
}

// TestBuildWarnings checks that the scenarios draw the warnings that stand
// for the renderer behaviours measured by the TestCloudInit224 tests.
func TestBuildWarnings(t *testing.T) {
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			res := build(t, sc)
			assert.Subset(t, warningCodes(res.Warnings), sc.warnings, "warnings of %s: %v", sc.name, res.Warnings)
		})
	}
}

// TestNetplanGenerate feeds guestnet's YAML, in both default-route styles,
// to `netplan generate` and checks the systemd-networkd files it writes:
// every NIC's .network file ([Match], Address=, default and extra routes
// with metrics, DNS=, Domains=, MTUBytes=, DHCP=) and, for NICs matched by
// MAC, the .link file that renames them.
func TestNetplanGenerate(t *testing.T) {
	t.Parallel()
	requireTool(t, "netplan")
	for _, sc := range scenarios() {
		for _, st := range styles {
			t.Run(sc.name+"/"+st.name, func(t *testing.T) {
				t.Parallel()
				res := build(t, sc, netconfig.WithDefaultRouteStyle(st.style))
				root, cmd := netplanGenerate(t, res.YAML)
				assertOnlyDeprecationWarnings(t, cmd)
				checkNetplanGenerated(t, "netplan generate", root, intent(sc.spec))
			})
		}
	}
}

// assertOnlyDeprecationWarnings fails on any warning of netplan generate
// other than the deprecation of gateway4/gateway6, which netplan 0.106
// prints but applies.
func assertOnlyDeprecationWarnings(t *testing.T, cmd cmdResult) {
	t.Helper()
	for _, line := range strings.Split(cmd.stderr, "\n") {
		if strings.Contains(line, "WARNING") && !strings.Contains(line, "has been deprecated") {
			t.Errorf("netplan generate: unexpected warning %q\n%s", line, cmd)
		}
	}
}

// checkNetplanGenerated checks the output of `netplan generate` under root.
func checkNetplanGenerated(t *testing.T, renderer, root string, want map[string]nic) {
	t.Helper()
	dir := filepath.Join(root, "run", "systemd", "network")
	nd := readNetworkd(t, renderer, dir, "10-netplan-")
	checkNICs(t, renderer+" (run/systemd/network)", want, nd.nics, checkOpts{})
	wantLinks := map[string]string{}
	for name, w := range want {
		if w.MAC == "" {
			continue
		}
		wantLinks[name] = w.MAC
		// The .link file, which renames the NIC, also sets its MTU.
		mtu, ok := nd.linkMTU[name]
		if w.MTU == 0 {
			assert.False(t, ok, "%s: 10-netplan-%s.link [Link] MTUBytes=%s but no MTU was asked for", renderer, name, mtu)
		} else if assert.True(t, ok, "%s: 10-netplan-%s.link [Link] MTUBytes= is missing", renderer, name) {
			assert.Equal(t, w.MTU, atoi(t, "link MTU", mtu), "%s: 10-netplan-%s.link [Link] MTUBytes=", renderer, name)
		}
	}
	assert.Equal(t, wantLinks, nd.links, "%s: .link files: [Link] Name= by [Match] MAC: each NIC matched by MAC must be renamed, and no other", renderer)
}

// netConvertCase is one renderer of cloud-init and how to check its output.
type netConvertCase struct {
	renderer string
	check    func(t *testing.T, sc scenario, res netconfig.Result, out string)
}

var netConvertCases = []netConvertCase{
	{"networkd", checkCloudInitNetworkd},
	{"eni", checkCloudInitENI},
	{"sysconfig", checkCloudInitSysconfig},
	{"netplan", checkCloudInitNetplan},
}

// TestCloudInitNetConvert feeds guestnet's YAML (portable style) to each
// renderer of cloud-init 22.4, and its netplan-style YAML to the netplan
// renderer only (the others reject "to: default", see
// TestCloudInit224RejectsToDefault), and checks each renderer's files.
func TestCloudInitNetConvert(t *testing.T) {
	t.Parallel()
	requireTool(t, "cloud-init")
	for _, sc := range scenarios() {
		for _, st := range styles {
			for _, c := range netConvertCases {
				if st.style == netconfig.DefaultRouteNetplan && c.renderer != "netplan" {
					continue
				}
				t.Run(sc.name+"/"+st.name+"/"+c.renderer, func(t *testing.T) {
					t.Parallel()
					res := build(t, sc, netconfig.WithDefaultRouteStyle(st.style))
					out := mustNetConvert(t, res.YAML, distroFor(c.renderer), c.renderer)
					c.check(t, sc, res, out)
				})
			}
		}
	}
}

// macRenames is the udev renames a config should produce: name -> MAC of
// every NIC matched by MAC.
func macRenames(want map[string]nic) map[string]string {
	out := map[string]string{}
	for name, w := range want {
		if w.MAC != "" {
			out[name] = w.MAC
		}
	}
	return out
}

// checkCloudInitNetworkd checks /etc/systemd/network/10-cloud-init-*.network.
// cloud-init writes no .link files: it renames NICs itself at boot, and
// matches the .network file by MAC and the new name.
func checkCloudInitNetworkd(t *testing.T, sc scenario, _ netconfig.Result, out string) {
	const renderer = "cloud-init networkd"
	nd := readNetworkd(t, renderer, filepath.Join(out, "etc", "systemd", "network"), "10-cloud-init-")
	checkNICs(t, renderer, intent(sc.spec), nd.nics, checkOpts{dropsMetrics: true})
	assert.Empty(t, nd.links, "%s: unexpected .link files", renderer)
}

// checkCloudInitENI checks /etc/network/interfaces.d/50-cloud-init and the
// udev rules that rename NICs by MAC.
func checkCloudInitENI(t *testing.T, sc scenario, _ netconfig.Result, out string) {
	const renderer = "cloud-init eni"
	want := intent(sc.spec)
	e := readENI(t, out)
	checkNICs(t, renderer, want, e.nics, checkOpts{dropsMetrics: true})
	assert.Equal(t, macRenames(want), e.renames, "%s: %s: the NAME= given to each ATTR{address}", renderer, udevPath)
}

// checkCloudInitSysconfig checks /etc/sysconfig/network-scripts and the
// udev rules.
func checkCloudInitSysconfig(t *testing.T, sc scenario, _ netconfig.Result, out string) {
	const renderer = "cloud-init sysconfig"
	want := intent(sc.spec)
	s := readSysconfig(t, out)
	checkNICs(t, renderer, want, s.nics, checkOpts{dropsMetrics: true})
	assert.Equal(t, macRenames(want), s.renames, "%s: %s: the NAME= given to each ATTR{address}", renderer, udevPath)
}

// checkCloudInitNetplan checks /etc/netplan/50-cloud-init.yaml: cloud-init
// re-serialises the document, so it is compared with guestnet's model
// semantically (through guestnet's strict parser, and independently as
// generic YAML), and then run through `netplan generate`.
func checkCloudInitNetplan(t *testing.T, sc scenario, res netconfig.Result, out string) {
	const renderer = "cloud-init netplan"
	path := filepath.Join(out, "etc", "netplan", "50-cloud-init.yaml")
	doc := []byte(readFile(t, renderer, path))

	var gotAny, wantAny any
	require.NoError(t, yamlv3.Unmarshal(doc, &gotAny), "%s: %s is not YAML", renderer, path)
	require.NoError(t, yamlv3.Unmarshal(res.YAML, &wantAny))
	assert.Equal(t, wantAny, gotAny, "%s: %s is not the same YAML document as guestnet's", renderer, path)

	got, err := netplan.Parse(doc)
	require.NoError(t, err, "%s: %s does not fit guestnet's model:\n%s", renderer, path, doc)
	assert.Equal(t, res.Config, got, "%s: %s differs from guestnet's typed model", renderer, path)

	fi, err := os.Stat(path)
	require.NoError(t, err)
	t.Logf("%s wrote %s with mode %v", renderer, path, fi.Mode().Perm())

	root, cmd := netplanGenerate(t, doc)
	assertOnlyDeprecationWarnings(t, cmd)
	checkNetplanGenerated(t, renderer+" + netplan generate", root, intent(sc.spec))
}
