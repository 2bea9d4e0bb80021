package conformance

// Measured behaviour of cloud-init 22.4 and netplan 0.106 that guestnet's
// design rests on. Each test asserts the behaviour as it is today; when a
// newer tool changes it, the test fails and its message says which of
// guestnet's assumptions to revisit.

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readRenderer reads the NICs a cloud-init renderer wrote under out.
func readRenderer(t *testing.T, renderer, out string) map[string]observed {
	t.Helper()
	switch renderer {
	case "networkd":
		return readNetworkd(t, "cloud-init networkd", filepath.Join(out, "etc", "systemd", "network"), "10-cloud-init-").nics
	case "eni":
		return readENI(t, out).nics
	case "sysconfig":
		return readSysconfig(t, out).nics
	}
	t.Fatalf("no reader for renderer %q", renderer)
	return nil
}

// nonNetplanRenderers are cloud-init's renderers that parse v2 themselves.
var nonNetplanRenderers = []string{"networkd", "eni", "sysconfig"}

// ipv6DefaultRouteDoc is a hand-written document with an IPv6 default
// route written as a route to "::/0".
const ipv6DefaultRouteDoc = `network:
  version: 2
  ethernets:
    eth1:
      match:
        macaddress: "02:00:00:aa:bb:cc"
      set-name: "eth1"
      addresses: ["fd00:20::10/64"]
      routes:
      - to: "::/0"
        via: "fd00:20::1"
`

// TestCloudInit224ManglesIPv6DefaultRoute: cloud-init 22.4's own renderers
// turn `routes: [{to: "::/0"}]` into a route to ::/64 (its v2 parser
// derives the prefix length from the address when it is 0), so the guest
// gets no IPv6 default route. netplan applies the same route correctly.
// This is why DefaultRoutePortable writes IPv6 default routes as gateway6;
// the last subtest checks that guestnet does so and that gateway6 comes out
// as a default route.
func TestCloudInit224ManglesIPv6DefaultRoute(t *testing.T) {
	t.Parallel()
	requireTool(t, "cloud-init")
	mangled := route{To: netip.MustParsePrefix("::/64"), Via: netip.MustParseAddr("fd00:20::1")}
	for _, r := range nonNetplanRenderers {
		t.Run(r, func(t *testing.T) {
			t.Parallel()
			out := mustNetConvert(t, []byte(ipv6DefaultRouteDoc), distroFor(r), r)
			nics := readRenderer(t, r, out)
			require.Contains(t, nics, "eth1")
			got := nics["eth1"]
			assert.Equal(t, []string{mangled.String()}, routeStrings(got.Routes),
				"cloud-init %s (%s): a route to ::/0 is no longer written as ::/64; cloud-init now applies IPv6 default routes as routes, and DefaultRoutePortable's gateway6 workaround can be revisited", r, got.at("default routes"))
		})
	}
	t.Run("netplan generate applies it", func(t *testing.T) {
		t.Parallel()
		root, _ := netplanGenerate(t, []byte(ipv6DefaultRouteDoc))
		nd := readNetworkd(t, "netplan generate", filepath.Join(root, "run", "systemd", "network"), "10-netplan-")
		require.Contains(t, nd.nics, "eth1")
		assert.Equal(t, []string{"::/0 via fd00:20::1"}, routeStrings(nd.nics["eth1"].Routes), "netplan generate: 10-netplan-eth1.network [Route]")
	})
	t.Run("guestnet writes gateway6, which networkd applies as a default route", func(t *testing.T) {
		t.Parallel()
		sc := ipv6OnlyScenario()
		c := sc.spec.Networks[1].IPConfig
		c.Gateways = nil
		c.Routes = []netconfig.Route{{To: prefix("::/0"), Via: ip("fd00:40::1")}}
		res := build(t, sc)
		eth1 := res.Config.Network.Ethernets["eth1"]
		assert.Equal(t, "fd00:40::1", eth1.Gateway6, "guestnet: an IPv6 default route in the portable style")
		assert.Empty(t, eth1.Routes, "guestnet: an IPv6 default route in the portable style must not be a route")
		out := mustNetConvert(t, res.YAML, "debian", "networkd")
		nics := readRenderer(t, "networkd", out)
		assert.Equal(t, []string{"::/0 via fd00:40::1"}, routeStrings(nics["eth1"].Routes), "cloud-init networkd: %s", nics["eth1"].at("default routes"))
	})
}

// TestCloudInit224RejectsToDefault: cloud-init 22.4's own renderers stop
// with "Address default is not a valid ip address" on `to: default`, so
// guestnet's DefaultRouteNetplan output is only for netplan guests (it is
// checked against netplan and cloud-init's netplan renderer in
// TestNetplanGenerate and TestCloudInitNetConvert).
func TestCloudInit224RejectsToDefault(t *testing.T) {
	t.Parallel()
	requireTool(t, "cloud-init")
	for _, sc := range []scenario{dualStackScenario(), ipv6OnlyScenario()} {
		for _, r := range nonNetplanRenderers {
			if sc.name == "ipv6-only" && r != "networkd" {
				continue // one family is enough to show it on the others
			}
			t.Run(sc.name+"/"+r, func(t *testing.T) {
				t.Parallel()
				res := build(t, sc, netconfig.WithDefaultRouteStyle(netconfig.DefaultRouteNetplan))
				require.Contains(t, string(res.YAML), `to: "default"`)
				_, cmd := netConvert(t, res.YAML, distroFor(r), r)
				require.Error(t, cmd.err, "cloud-init %s now accepts `to: default`: DefaultRouteNetplan may suit its guests (update the DefaultRouteNetplan doc)\n%s", r, cmd)
				assert.Contains(t, cmd.stderr, "Address default is not a valid ip address", "cloud-init %s failed for another reason:\n%s", r, cmd)
			})
		}
	}
}

// metricSpec is the seed's VM with metrics on an IPv4 default route, an
// IPv4 route and an IPv6 route.
func metricSpec() scenario {
	sc := seedScenario()
	sc.name = "metrics"
	c := sc.spec.Networks[1].IPConfig
	c.Gateways = nil
	c.Addresses = append(c.Addresses, prefix("fd00:20::10/64"))
	c.Routes = []netconfig.Route{
		{To: prefix("0.0.0.0/0"), Via: ip("192.168.0.1"), Metric: metric(50)},
		{To: prefix("10.30.0.0/16"), Via: ip("192.168.0.254"), Metric: metric(100)},
		{To: prefix("fd00:30::/48"), Via: ip("fd00:20::fe"), Metric: metric(300)},
	}
	return sc
}

// TestCloudInit224DropsRouteMetrics: cloud-init 22.4's v2 parser keeps only
// `to` and `via` of a route (network_state._v2_to_v1_ipcfg), so every
// route metric is lost on its networkd, eni and sysconfig renderers; the
// netplan renderer and netplan itself keep them. guestnet warns with
// WarningRouteMetricDropped.
func TestCloudInit224DropsRouteMetrics(t *testing.T) {
	t.Parallel()
	requireTool(t, "cloud-init")
	sc := metricSpec()
	res := build(t, sc)
	require.Contains(t, warningCodes(res.Warnings), netconfig.WarningRouteMetricDropped, "guestnet must warn that the metrics are lost")
	want := intent(sc.spec)["eth1"]
	for _, r := range nonNetplanRenderers {
		t.Run(r, func(t *testing.T) {
			t.Parallel()
			out := mustNetConvert(t, res.YAML, distroFor(r), r)
			got := readRenderer(t, r, out)["eth1"]
			assert.ElementsMatch(t, routeStrings(withoutMetrics(want.Routes)), routeStrings(got.Routes),
				"cloud-init %s (%s): the routes are no longer written without their metrics; cloud-init now keeps metrics, so WarningRouteMetricDropped may be narrowed", r, got.at("extra routes"))
		})
	}
	t.Run("netplan generate keeps them", func(t *testing.T) {
		t.Parallel()
		root, _ := netplanGenerate(t, res.YAML)
		nd := readNetworkd(t, "netplan generate", filepath.Join(root, "run", "systemd", "network"), "10-netplan-")
		assert.ElementsMatch(t, routeStrings(want.Routes), routeStrings(nd.nics["eth1"].Routes), "netplan generate: 10-netplan-eth1.network [Route] Metric=")
	})
}

// gateway4Doc carries the seed's IPv4 default route as gateway4 rather
// than as a route to 0.0.0.0/0, for comparison.
const gateway4Doc = `network:
  version: 2
  ethernets:
    eth0:
      match:
        macaddress: "02:00:00:00:00:01"
      set-name: "eth0"
      dhcp4: true
    eth1:
      match:
        macaddress: "02:00:00:aa:bb:cc"
      set-name: "eth1"
      addresses: ["192.168.0.200/24"]
      gateway4: "192.168.0.1"
`

// TestCloudInit224SysconfigDisablesDHCPDefaultRoute: when any NIC has a
// default route written as a route (to 0.0.0.0/0 or ::/0), cloud-init 22.4's
// sysconfig renderer writes DHCLIENT_SET_DEFAULT_ROUTE=no on every DHCP
// NIC, the pod NIC included, so the pod network's DHCP default route is
// not installed. guestnet warns with WarningDefaultRouteOverridesPodNetwork. A default
// route given as gateway4/gateway6 does not trigger it.
func TestCloudInit224SysconfigDisablesDHCPDefaultRoute(t *testing.T) {
	t.Parallel()
	requireTool(t, "cloud-init")
	tests := []struct {
		name string
		doc  func(t *testing.T) []byte
		// off lists the NICs that must get DHCLIENT_SET_DEFAULT_ROUTE=no;
		// every other NIC must not have the key.
		off []string
	}{
		{
			name: "seed: IPv4 default route on a secondary",
			doc: func(t *testing.T) []byte {
				res := build(t, seedScenario())
				require.Contains(t, warningCodes(res.Warnings), netconfig.WarningDefaultRouteOverridesPodNetwork)
				return res.YAML
			},
			off: []string{"eth0"},
		},
		{
			name: "dual-stack: the DHCP secondary loses it too",
			doc: func(t *testing.T) []byte {
				res := build(t, dualStackScenario())
				require.Contains(t, warningCodes(res.Warnings), netconfig.WarningDefaultRouteOverridesPodNetwork)
				return res.YAML
			},
			off: []string{"eth0", "eth2"},
		},
		{
			name: "ipv6-only: gateway6 leaves DHCP alone",
			doc: func(t *testing.T) []byte {
				res := build(t, ipv6OnlyScenario())
				require.NotContains(t, warningCodes(res.Warnings), netconfig.WarningDefaultRouteOverridesPodNetwork)
				return res.YAML
			},
		},
		{
			name: "gateway4 (hand-written) leaves DHCP alone",
			doc:  func(*testing.T) []byte { return []byte(gateway4Doc) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := mustNetConvert(t, tt.doc(t), "rhel", "sysconfig")
			s := readSysconfig(t, out)
			for name, kv := range s.ifcfg {
				v, ok := kv["DHCLIENT_SET_DEFAULT_ROUTE"]
				if slices.Contains(tt.off, name) {
					assert.Equal(t, "no", v, "cloud-init sysconfig: ifcfg-%s DHCLIENT_SET_DEFAULT_ROUTE: the renderer no longer turns off the DHCP default route (or guestnet no longer writes the default route as a route); revisit WarningDefaultRouteOverridesPodNetwork", name)
				} else {
					assert.False(t, ok, "cloud-init sysconfig: ifcfg-%s DHCLIENT_SET_DEFAULT_ROUTE=%s appeared", name, v)
				}
			}
		})
	}
}

// TestCloudInit224ReadsUnquotedMACAsInteger: PyYAML (YAML 1.1) reads an
// unquoted all-digit MAC as a base-60 integer, and cloud-init writes that
// integer as the MAC. This is why guestnet quotes every string; the
// all-digit-mac scenario of TestCloudInitNetConvert shows the quoted form
// coming through.
func TestCloudInit224ReadsUnquotedMACAsInteger(t *testing.T) {
	t.Parallel()
	requireTool(t, "cloud-init")
	doc := strings.Replace(ipv6DefaultRouteDoc, `"02:00:00:aa:bb:cc"`, `52:54:00:12:34:56`, 1)
	require.Contains(t, doc, "macaddress: 52:54:00:12:34:56\n")
	out := mustNetConvert(t, []byte(doc), "debian", "networkd")
	got := readRenderer(t, "networkd", out)["eth1"]
	assert.Equal(t, "41135085296", got.MAC, "cloud-init networkd: %s: an unquoted all-digit MAC is no longer read as an integer", got.at("MAC match"))

	res := build(t, allDigitMACScenario())
	assert.Contains(t, string(res.YAML), `macaddress: "52:54:00:12:34:56"`, "guestnet must quote MACs")
}

// routeFormDoc carries an IPv4 default route as a route to 0.0.0.0/0 and an
// IPv6 one as gateway6, the forms of guestnet's portable style.
const routeFormDoc = `network:
  version: 2
  ethernets:
    eth1:
      match:
        macaddress: "02:00:00:aa:bb:cc"
      set-name: "eth1"
      addresses: ["10.20.0.10/24", "fd00:20::10/64"]
      gateway6: "fd00:20::1"
      routes:
      - to: "0.0.0.0/0"
        via: "10.20.0.1"
`

// TestCloudInit224ENIQuirks records what cloud-init 22.4's eni renderer
// does with constructs guestnet writes, which a booted Debian 12 guest
// showed to matter (see /work/shared/docs/guest-compat.md):
//   - a default route written as a route (to 0.0.0.0/0, guestnet's portable
//     form) becomes `post-up route add default gw X || true`, which needs
//     net-tools' route in the guest and fails silently without it, while
//     gateway4 becomes ifupdown's own `gateway X`; gateway6 becomes
//     `gateway X` in the inet6 stanza;
//   - per-interface nameservers are also written on lo, and as an extra
//     `dns {...}` option holding a Python dict (harmless to ifupdown).
func TestCloudInit224ENIQuirks(t *testing.T) {
	t.Parallel()
	requireTool(t, "cloud-init")
	t.Run("default route forms", func(t *testing.T) {
		t.Parallel()
		eni := readENI(t, mustNetConvert(t, []byte(routeFormDoc), "debian", "eni"))
		var inet, inet6 eniIface
		for _, st := range eni.file.stanzas("eth1") {
			if st.Family == "inet" {
				inet = st
			} else {
				inet6 = st
			}
		}
		assert.Equal(t, []string{"route add default gw 10.20.0.1 || true"}, inet.opts("post-up"), "cloud-init eni: %s iface eth1 inet: the route to 0.0.0.0/0", eniPath)
		assert.Empty(t, inet.opts("gateway"), "cloud-init eni: %s iface eth1 inet: gateway", eniPath)
		assert.Equal(t, []string{"fd00:20::1"}, inet6.opts("gateway"), "cloud-init eni: %s iface eth1 inet6: gateway6", eniPath)

		eni = readENI(t, mustNetConvert(t, []byte(gateway4Doc), "debian", "eni"))
		st := eni.file.stanzas("eth1")
		require.Len(t, st, 1)
		assert.Equal(t, []string{"192.168.0.1"}, st[0].opts("gateway"), "cloud-init eni: %s iface eth1 inet: gateway4", eniPath)
		assert.Empty(t, st[0].opts("post-up"), "cloud-init eni: %s iface eth1 inet: gateway4 needs no post-up", eniPath)
	})
	t.Run("nameservers", func(t *testing.T) {
		t.Parallel()
		res := build(t, seedScenario())
		eni := readENI(t, mustNetConvert(t, res.YAML, "debian", "eni"))
		lo := eni.file.stanzas("lo")
		require.Len(t, lo, 1)
		assert.Equal(t, []string{"192.168.0.1"}, lo[0].opts("dns-nameservers"), "cloud-init eni: %s iface lo: per-interface nameservers are also global", eniPath)
		st := eni.file.stanzas("eth1")
		require.Len(t, st, 1)
		assert.Equal(t, []string{"{'nameservers': ['192.168.0.1'], 'search': []}"}, st[0].opts("dns"), "cloud-init eni: %s iface eth1: the dns option", eniPath)
	})
}

// TestCloudInit224SysconfigNeedsRHELDistro: net-convert's sysconfig
// renderer crashes with -D debian (the distro has no sysconfig route
// templates), which is why the tests use -D rhel for it.
func TestCloudInit224SysconfigNeedsRHELDistro(t *testing.T) {
	t.Parallel()
	requireTool(t, "cloud-init")
	res := build(t, seedScenario())
	_, cmd := netConvert(t, res.YAML, "debian", "sysconfig")
	require.Error(t, cmd.err, "cloud-init sysconfig now works with -D debian; distroFor may drop its special case\n%s", cmd)
	assert.Contains(t, cmd.stderr, "AttributeError", "cloud-init sysconfig -D debian failed for another reason:\n%s", cmd)
}

// TestNetplan0106WarnsGatewayDeprecated: netplan 0.106 prints a warning for
// gateway6 (guestnet's portable IPv6 default route) but applies it; the
// netplan style draws no warning.
func TestNetplan0106WarnsGatewayDeprecated(t *testing.T) {
	t.Parallel()
	requireTool(t, "netplan")
	sc := dualStackScenario()
	_, cmd := netplanGenerate(t, build(t, sc).YAML)
	assert.Contains(t, cmd.stderr, "`gateway6` has been deprecated", "netplan generate no longer warns about gateway6:\n%s", cmd)
	_, cmd = netplanGenerate(t, build(t, sc, netconfig.WithDefaultRouteStyle(netconfig.DefaultRouteNetplan)).YAML)
	assert.NotContains(t, cmd.stderr, "WARNING", "netplan generate warns about the netplan style:\n%s", cmd)
}

// TestNetplan0106Output records two details of netplan 0.106's output that
// the readers allow for: it matches NICs with [Match]
// PermanentMACAddress= (older netplan wrote MACAddress=), and it warns when
// the YAML file is readable by others (the tests write it with mode 0600;
// cloud-init 22.4's netplan renderer writes 0644).
func TestNetplan0106Output(t *testing.T) {
	t.Parallel()
	bin := requireTool(t, "netplan")
	res := build(t, seedScenario())
	root, _ := netplanGenerate(t, res.YAML)
	nd := readNetworkd(t, "netplan generate", filepath.Join(root, "run", "systemd", "network"), "10-netplan-")
	for _, base := range []string{"10-netplan-eth1.network", "10-netplan-eth1.link"} {
		require.Contains(t, nd.files, base)
		mac, key := matchMAC(nd.files[base])
		assert.Equal(t, "PermanentMACAddress", key, "netplan generate: %s [Match]", base)
		assert.Equal(t, "02:00:00:aa:bb:cc", mac, "netplan generate: %s [Match] %s=", base, key)
	}

	root = t.TempDir()
	dir := filepath.Join(root, "etc", "netplan")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "50-cloud-init.yaml"), res.YAML, 0o644))
	require.NoError(t, os.Chmod(filepath.Join(dir, "50-cloud-init.yaml"), 0o644)) // past the umask
	cmd := run(t, bin, "generate", "--root-dir", root)
	require.NoError(t, cmd.err, "%s", cmd)
	assert.Contains(t, cmd.stderr, "are too open", "netplan generate no longer warns about a world-readable file:\n%s", cmd)
}
