package conformance

// ConfigDrive: guestnet's network_data.json (cloudinit.NetworkDataJSON)
// through cloud-init's OpenStack reader (convert_net_json) and each of its
// renderers, with `cloud-init devel net-convert -k network_data.json`.

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/guestnet/guestnet/cloudinit"
	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/netplan"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yamlv3 "go.yaml.in/yaml/v3"
)

// configDriveScenarios are the scenarios a ConfigDrive can carry: every
// NIC has a known MAC. The dual-stack scenario's NIC without a MAC is given
// one here (TestConfigDriveRefusesNameMatch covers the original), and the
// metrics scenario shows that metrics survive this path.
func configDriveScenarios() []scenario {
	ds := dualStackScenario()
	ds.name = "dual-stack-all-macs"
	ds.spec.Networks[3].MAC = netconfig.MustParseMAC("02:00:00:00:00:04")
	ds.warnings = slices.DeleteFunc(ds.warnings, func(c netconfig.WarningCode) bool { return c == netconfig.WarningInterfaceNameFallback })
	return []scenario{seedScenario(), ds, allDigitMACScenario(), ipv6OnlyScenario(), metricSpec(), familyModesScenario()}
}

// netConvertJSON writes doc as network_data.json and runs
// `cloud-init devel net-convert -k network_data.json` with the given
// distro and renderer. macs maps the guest's NIC names to their MACs,
// passed as `-m name,mac`, which cloud-init uses instead of the host's
// NICs to name links that carry no name. The exit status is not judged.
func netConvertJSON(t testing.TB, doc []byte, distro, renderer string, macs map[string]string) (string, cmdResult) {
	t.Helper()
	bin := requireTool(t, "cloud-init")
	tmp := t.TempDir()
	in := filepath.Join(tmp, "network_data.json")
	require.NoError(t, os.WriteFile(in, doc, 0o600))
	out := filepath.Join(tmp, "out")
	args := []string{"devel", "net-convert", "-p", in, "-k", "network_data.json", "-d", out, "-D", distro, "-O", renderer}
	for _, name := range keys(macs) {
		args = append(args, "-m", name+","+macs[name])
	}
	return out, run(t, bin, args...)
}

// mustNetConvertJSON is netConvertJSON for documents cloud-init must accept.
func mustNetConvertJSON(t testing.TB, doc []byte, distro, renderer string, macs map[string]string) string {
	t.Helper()
	out, res := netConvertJSON(t, doc, distro, renderer, macs)
	require.NoError(t, res.err, "cloud-init's %s renderer rejected the network_data.json:\n%s\n--- document:\n%s", renderer, res, doc)
	return out
}

// networkDataJSON renders a scenario as network_data.json.
func networkDataJSON(t *testing.T, sc scenario) (netconfig.Result, []byte) {
	t.Helper()
	res := build(t, sc)
	js, err := cloudinit.NetworkDataJSON(res.Config)
	require.NoError(t, err, "cloudinit.NetworkDataJSON(%s)", sc.name)
	return res, js
}

// renderers are cloud-init's renderers, each with its reader.
var renderers = []string{"networkd", "eni", "sysconfig", "netplan"}

// readCloudInitNICs reads what a cloud-init renderer wrote under out, with
// the udev renames (name -> MAC) where the renderer writes them, and for
// the netplan renderer what `netplan generate` makes of its file.
func readCloudInitNICs(t *testing.T, renderer, out string) (nics map[string]observed, renames map[string]string) {
	t.Helper()
	switch renderer {
	case "networkd":
		nd := readNetworkd(t, "cloud-init networkd", filepath.Join(out, "etc", "systemd", "network"), "10-cloud-init-")
		assert.Empty(t, nd.links, "cloud-init networkd: unexpected .link files")
		return nd.nics, nil
	case "eni":
		e := readENI(t, out)
		return e.nics, e.renames
	case "sysconfig":
		s := readSysconfig(t, out)
		return s.nics, s.renames
	case "netplan":
		doc := []byte(readFile(t, "cloud-init netplan", filepath.Join(out, "etc", "netplan", "50-cloud-init.yaml")))
		root, cmd := netplanGenerate(t, doc)
		assertOnlyDeprecationWarnings(t, cmd)
		nd := readNetworkd(t, "cloud-init netplan + netplan generate", filepath.Join(root, "run", "systemd", "network"), "10-netplan-")
		return nd.nics, nd.links
	}
	t.Fatalf("no reader for renderer %q", renderer)
	return nil, nil
}

// TestCloudInitConfigDrive feeds guestnet's network_data.json to each
// renderer of cloud-init 22.4 and checks, NIC by NIC, that the MAC match
// and rename, DHCP, addresses, default routes of both families, extra
// routes with their metrics, DNS servers, search domains and MTU all land
// in the rendered files, and that no other NIC is configured. Unlike the
// netplan v2 path (TestCloudInit224DropsRouteMetrics), route metrics
// survive every renderer here.
func TestCloudInitConfigDrive(t *testing.T) {
	t.Parallel()
	requireTool(t, "cloud-init")
	for _, sc := range configDriveScenarios() {
		for _, r := range renderers {
			t.Run(sc.name+"/"+r, func(t *testing.T) {
				t.Parallel()
				_, js := networkDataJSON(t, sc)
				out := mustNetConvertJSON(t, js, distroFor(r), r, nil)
				nics, renames := readCloudInitNICs(t, r, out)
				want := intent(sc.spec)
				checkNICs(t, "cloud-init "+r+" (network_data.json)", want, nics, checkOpts{})
				if r != "networkd" {
					assert.Equal(t, macRenames(want), renames, "cloud-init %s (network_data.json): the name given to each MAC", r)
				}
			})
		}
	}
}

// TestCloudInitConfigDriveMatchesByMAC: a link without a name (a netplan
// entry without set-name) is found by its MAC among the guest's NICs and
// keeps the NIC's own name; the link's id plays no part. The guest here
// has NICs enp1s0 and enp2s0 with the config's MACs, and a NIC named eth1,
// like the second link's id, with another MAC.
func TestCloudInitConfigDriveMatchesByMAC(t *testing.T) {
	t.Parallel()
	requireTool(t, "cloud-init")
	sc := seedScenario()
	res := build(t, sc)
	cfg := res.Config
	cfg.Network.Ethernets = map[string]netplan.Ethernet{}
	for name, e := range res.Config.Network.Ethernets {
		e.SetName = ""
		cfg.Network.Ethernets[name] = e
	}
	js, err := cloudinit.NetworkDataJSON(cfg)
	require.NoError(t, err)
	require.NotContains(t, string(js), `"name"`)
	guest := map[string]string{"enp1s0": "02:00:00:00:00:01", "enp2s0": "02:00:00:aa:bb:cc", "eth1": "02:00:00:00:00:99"}

	// The intent, with the guest's own names.
	byMAC := map[string]string{}
	for name, mac := range guest {
		byMAC[mac] = name
	}
	want := map[string]nic{}
	for _, w := range intent(sc.spec) {
		w.Name = byMAC[w.MAC]
		want[w.Name] = w
	}
	require.ElementsMatch(t, []string{"enp1s0", "enp2s0"}, keys(want))

	for _, r := range renderers {
		t.Run(r, func(t *testing.T) {
			t.Parallel()
			out := mustNetConvertJSON(t, js, distroFor(r), r, guest)
			nics, renames := readCloudInitNICs(t, r, out)
			checkNICs(t, "cloud-init "+r+" (network_data.json, no link names)", want, nics, checkOpts{})
			if r != "networkd" {
				assert.Equal(t, macRenames(want), renames, "cloud-init %s: the name given to each MAC", r)
			}
		})
	}
}

// TestCloudInit224ConfigDriveNeedsTheMAC: a link without a name whose MAC
// no NIC of the guest has stops cloud-init's network_data.json reader
// altogether ("Unable to find a system nic"): ConfigDrive links are
// matched by MAC, which is why NetworkDataJSON refuses entries without one.
func TestCloudInit224ConfigDriveNeedsTheMAC(t *testing.T) {
	t.Parallel()
	requireTool(t, "cloud-init")
	doc := []byte(`{"links":[{"id":"eth1","type":"phy","ethernet_mac_address":"02:00:00:00:00:99"}],"networks":[{"id":"network0","type":"ipv4_dhcp","link":"eth1"}],"services":[]}`)
	_, cmd := netConvertJSON(t, doc, "debian", "networkd", map[string]string{"eth1": "02:00:00:00:00:01"})
	require.Error(t, cmd.err, "cloud-init now accepts a link whose MAC no NIC has:\n%s", cmd)
	assert.Contains(t, cmd.stderr, "Unable to find a system nic", "cloud-init failed for another reason:\n%s", cmd)
}

// TestConfigDriveRefusesNameMatch: an interface matched by name only
// (netconfig's fallback when no MAC is known) cannot go on a ConfigDrive,
// and the error names the field.
func TestConfigDriveRefusesNameMatch(t *testing.T) {
	res := build(t, dualStackScenario())
	_, err := cloudinit.NetworkDataJSON(res.Config)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "network.ethernets[eth3].match.macaddress")
	assert.Contains(t, err.Error(), "matched by MAC")
}

// TestCloudInit224ConfigDriveDNSOnDHCPNetwork: nameservers on a link that
// has only DHCP networks are kept by cloud-init 22.4's eni renderer only;
// networkd, sysconfig and netplan drop them (they take DNS from static
// subnets). NetworkDataJSON documents this; when it changes, update its
// doc comment.
func TestCloudInit224ConfigDriveDNSOnDHCPNetwork(t *testing.T) {
	t.Parallel()
	requireTool(t, "cloud-init")
	cfg := netplan.Config{Network: netplan.Network{Version: 2, Ethernets: map[string]netplan.Ethernet{
		"eth0": {Match: &netplan.Match{MACAddress: "02:00:00:00:00:01"}, SetName: "eth0", DHCP4: true,
			Nameservers: &netplan.Nameservers{Addresses: []string{"10.0.0.53"}, Search: []string{"example.internal"}}},
	}}}
	js, err := cloudinit.NetworkDataJSON(cfg)
	require.NoError(t, err)
	kept := map[string]bool{"eni": true}
	for _, r := range renderers {
		t.Run(r, func(t *testing.T) {
			t.Parallel()
			out := mustNetConvertJSON(t, js, distroFor(r), r, nil)
			nics, _ := readCloudInitNICs(t, r, out)
			require.Contains(t, nics, "eth0")
			got := nics["eth0"]
			assert.Equal(t, kept[r], len(got.DNS) > 0 && len(got.Search) > 0,
				"cloud-init %s (%s, %s): DNS on a DHCP-only link is now kept=%v; update NetworkDataJSON's doc comment", r, got.at("DNS servers"), got.at("search domains"), len(got.DNS) > 0)
		})
	}
}

// TestCloudInit224ConfigDriveStaticIPv6DisablesRA: a static IPv6 network
// in network_data.json makes cloud-init turn router advertisements off on
// its link (accept-ra: false for netplan, accept_ra 0 for eni,
// IPV6_FORCE_ACCEPT_RA=no for sysconfig), which the netplan v2 path does
// not do. NetworkDataJSON
// documents it.
func TestCloudInit224ConfigDriveStaticIPv6DisablesRA(t *testing.T) {
	t.Parallel()
	requireTool(t, "cloud-init")
	_, js := networkDataJSON(t, ipv6OnlyScenario())
	t.Run("netplan", func(t *testing.T) {
		t.Parallel()
		out := mustNetConvertJSON(t, js, "debian", "netplan", nil)
		var doc struct {
			Network struct {
				Ethernets map[string]map[string]any `yaml:"ethernets"`
			} `yaml:"network"`
		}
		require.NoError(t, yamlv3.Unmarshal([]byte(readFile(t, "cloud-init netplan", filepath.Join(out, "etc", "netplan", "50-cloud-init.yaml"))), &doc))
		assert.Equal(t, false, doc.Network.Ethernets["eth1"]["accept-ra"], "cloud-init netplan: eth1 accept-ra")
		assert.NotContains(t, doc.Network.Ethernets["eth0"], "accept-ra", "cloud-init netplan: eth0 (DHCPv4 only) accept-ra")
	})
	t.Run("eni", func(t *testing.T) {
		t.Parallel()
		out := mustNetConvertJSON(t, js, "debian", "eni", nil)
		e := readENI(t, out)
		var ra []string
		for _, st := range e.file.stanzas("eth1") {
			ra = append(ra, st.opts("accept_ra")...)
		}
		assert.Equal(t, []string{"0"}, ra, "cloud-init eni: %s iface eth1 accept_ra", eniPath)
	})
	t.Run("sysconfig", func(t *testing.T) {
		t.Parallel()
		out := mustNetConvertJSON(t, js, "rhel", "sysconfig", nil)
		s := readSysconfig(t, out)
		assert.Equal(t, "no", s.ifcfg["eth1"]["IPV6_FORCE_ACCEPT_RA"], "cloud-init sysconfig: ifcfg-eth1 IPV6_FORCE_ACCEPT_RA")
	})
}

// TestCloudInit224ConfigDriveENIRoutesArePostUp: cloud-init's eni renderer
// writes network_data.json's default routes, IPv6 included, as post-up
// `route add` commands, not as the stanza's gateway option that it writes
// for netplan's gateway6; on a booted Debian 12 ifupdown guest IPv6
// `route add -A inet6` commands were seen not to apply. NetworkDataJSON
// documents it.
func TestCloudInit224ConfigDriveENIRoutesArePostUp(t *testing.T) {
	t.Parallel()
	requireTool(t, "cloud-init")
	_, js := networkDataJSON(t, ipv6OnlyScenario())
	out := mustNetConvertJSON(t, js, "debian", "eni", nil)
	e := readENI(t, out)
	var gateways, postUp []string
	for _, st := range e.file.stanzas("eth1") {
		gateways = append(gateways, st.opts("gateway")...)
		postUp = append(postUp, st.opts("post-up")...)
	}
	assert.Empty(t, gateways, "cloud-init eni: %s iface eth1 now has a gateway option; update NetworkDataJSON's doc comment", eniPath)
	assert.Equal(t, []string{"route add -A inet6 default gw fd00:40::1 || true"}, postUp, "cloud-init eni: %s iface eth1 post-up", eniPath)
}

// TestConfigDriveJSONIsWhatCloudInitReads: cloud-init's own reader,
// convert_net_json, run by cloud-init's python, turns guestnet's
// network_data.json into the network config v1 that the renderers above
// consume; this checks the parts the renderers do not show directly: the
// physical devices' names, MACs and MTUs, and the subnet types.
func TestConfigDriveJSONIsWhatCloudInitReads(t *testing.T) {
	t.Parallel()
	py := cloudInitPython(t)
	_, js := networkDataJSON(t, configDriveScenarios()[1])
	const script = `import json, sys
from cloudinit.sources.helpers import openstack
cfg = openstack.convert_net_json(json.load(sys.stdin), known_macs={})
print(json.dumps([[c.get("name"), c.get("mac_address"), c.get("mtu"), [s["type"] for s in c.get("subnets", [])]] for c in cfg["config"]]))`
	cmd := runStdin(t, js, py, "-c", script)
	require.NoError(t, cmd.err, "%s", cmd)
	assert.JSONEq(t, `[
		["eth0", "02:00:00:00:00:01", null, ["dhcp4"]],
		["eth1", "02:00:00:00:00:02", 9000, ["static", "static6"]],
		["eth2", "02:00:00:00:00:03", null, ["dhcp4"]],
		["eth3", "02:00:00:00:00:04", null, ["static"]]
	]`, strings.TrimSpace(cmd.stdout), "convert_net_json's devices: name, MAC, MTU, subnet types")
}

// runStdin is run with stdin.
func runStdin(t testing.TB, stdin []byte, bin string, args ...string) cmdResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "LANG=C.UTF-8")
	err := cmd.Run()
	res := cmdResult{cmdline: bin + " " + strings.Join(args, " "), stdout: stdout.String(), stderr: stderr.String(), err: err}
	if ctx.Err() != nil {
		t.Fatalf("timed out after %v:\n%s", cmdTimeout, res)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("could not run the command: %v\n%s", err, res)
	}
	return res
}
