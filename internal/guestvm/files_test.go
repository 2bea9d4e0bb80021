package guestvm

import (
	"bufio"
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/guestnet/guestnet/netconfig"
)

// TestRendererFiles fills the sysconfig column, for which no guest is
// booted: it renders each scenario with cloud-init's sysconfig renderer
// (`cloud-init devel net-convert -D rhel -O sysconfig`, as the conformance
// tests do), reads the files as RHEL's initscripts would apply them (see
// sysconfigGuest), and checks the outcomes against the scenario rows like
// TestGuests does for the guests. It needs cloud-init on the host.
func TestRendererFiles(t *testing.T) {
	requireTools(t, "cloud-init")
	var (
		mu   sync.Mutex
		runs []guestRun
	)
	t.Run("sysconfig", func(t *testing.T) {
		for _, sc := range scenarios() {
			if slices.Contains(sc.skip, sysconfigColumn) {
				continue
			}
			t.Run(sc.name, func(t *testing.T) {
				t.Parallel()
				spec, opts, nics := sc.networks(t)
				res, err := netconfig.Build(spec, opts...)
				require.NoError(t, err)
				wants, err := Wants(spec, res, nics)
				require.NoError(t, err)
				out := netConvert(t, res.YAML, "rhel", "sysconfig")
				guest, files := sysconfigGuest(t, out, nics)
				var facts []Fact
				for _, w := range wants {
					facts = append(facts, Judge(w, guest, contested(w, wants))...)
				}
				checkRows(t, sysconfigColumn, sc, facts, Report{"files": files})
				mu.Lock()
				runs = append(runs, guestRun{image: sysconfigColumn, scenario: sc.name, run: Run{
					Column: sysconfigColumn, Scenario: sc.name, Renderer: "sysconfig", Facts: facts,
				}})
				mu.Unlock()
			})
		}
	})
	if *update && len(runs) > 0 {
		// No Generation: the column is no Debian guest but the host's
		// cloud-init rendering for RHEL; its line in the table names that
		// cloud-init's version.
		col := Column{
			Name: sysconfigColumn, Renderer: "sysconfig", Source: SourceFiles,
			Summary:  "RHEL-family guests (initscripts' ifcfg files)",
			Versions: map[string]string{"cloud-init": hostVersion(t, "cloud-init")},
		}
		writeResults(t, filesResults, []Column{col}, runs)
	}
}

// hostVersion is the version of a Debian package installed on the host.
func hostVersion(t *testing.T, pkg string) string {
	out, err := exec.CommandContext(t.Context(), "dpkg-query", "-W", "-f", "${Version}", pkg).Output()
	require.NoError(t, err, "dpkg-query %s", pkg)
	return strings.TrimSpace(string(out))
}

// netConvert runs `cloud-init devel net-convert` on doc and returns the
// output directory.
func netConvert(t *testing.T, doc []byte, distro, renderer string) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "network-config")
	require.NoError(t, os.WriteFile(in, doc, 0o600))
	out := filepath.Join(dir, "out")
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	bin, _ := lookTool("cloud-init")
	cmd := exec.CommandContext(ctx, bin, "devel", "net-convert", "-p", in, "-k", "yaml", "-d", out, "-D", distro, "-O", renderer)
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "cloud-init devel net-convert -O %s:\n%s\n--- document:\n%s", renderer, b, doc)
	return out
}

// udevRename is a rule of 70-persistent-net.rules.
var udevRename = regexp.MustCompile(`ATTR\{address\}=="([^"]+)", NAME="([^"]+)"`)

// sysconfigGuest reads the files of cloud-init's sysconfig renderer under
// out as the network state a RHEL-family guest would get from them, NIC by
// NIC (nics in VM order):
//   - a NIC is renamed by the udev rule for its MAC, and otherwise keeps
//     the predictable name a guest gives a NIC on KubeVirt's PCIe layout
//     (enp1s0 for the first, enp2s0, ...);
//   - ifcfg-NAME gives its addresses (IPADDR/NETMASK or PREFIX, IPADDRn,
//     IPV6ADDR, IPV6ADDR_SECONDARIES), MTU (1500 without one), default
//     gateways (GATEWAY, IPV6_DEFAULTGW); BOOTPROTO=dhcp gives the lease the
//     harness's DHCP server would, and a default route through the
//     announced router unless DHCLIENT_SET_DEFAULT_ROUTE=no;
//   - route-NAME and route6-NAME give the other routes, with the kernel's
//     default metrics (0 for IPv4, 1024 for IPv6) where none is written;
//   - /etc/resolv.conf gives the resolver, which is global.
//
// It also returns the files' contents, for failure messages.
func sysconfigGuest(t *testing.T, out string, nics []NIC) (Guest, string) {
	t.Helper()
	var dump strings.Builder
	read := func(rel string) (string, bool) {
		b, err := os.ReadFile(filepath.Join(out, rel))
		if err != nil {
			return "", false
		}
		fmt.Fprintf(&dump, "#### %s\n%s", rel, b)
		return string(b), true
	}
	names := map[string]string{} // MAC -> NAME
	if rules, ok := read("etc/udev/rules.d/70-persistent-net.rules"); ok {
		for _, m := range udevRename.FindAllStringSubmatch(rules, -1) {
			names[strings.ToLower(m[1])] = m[2]
		}
	}
	g := Guest{Renderer: "sysconfig"}
	for i, n := range nics {
		name, ok := names[n.MAC.String()]
		if !ok {
			name = fmt.Sprintf("enp%ds0", i+1)
		}
		link := Link{Index: i + 2, Name: name, MAC: n.MAC, MTU: 1500, Up: true}
		ifcfg, ok := read("etc/sysconfig/network-scripts/ifcfg-" + name)
		if !ok {
			g.Links = append(g.Links, link)
			continue
		}
		kv := shellVars(ifcfg)
		if kv["MTU"] != "" {
			link.MTU = atoi(t, kv["MTU"])
		}
		addV4 := func(addr, mask, plen string) {
			if addr == "" {
				return
			}
			bits := 0
			switch {
			case plen != "":
				bits = atoi(t, plen)
			case mask != "":
				m := netip.MustParseAddr(mask).As4()
				for _, b := range m {
					bits += popcount(b)
				}
			}
			link.Addrs = append(link.Addrs, Addr{Prefix: netip.PrefixFrom(netip.MustParseAddr(addr), bits)})
		}
		addV4(kv["IPADDR"], kv["NETMASK"], kv["PREFIX"])
		for j := 0; j < 10; j++ {
			s := strconv.Itoa(j)
			addV4(kv["IPADDR"+s], kv["NETMASK"+s], kv["PREFIX"+s])
		}
		for _, a := range append(strings.Fields(kv["IPV6ADDR"]), strings.Fields(kv["IPV6ADDR_SECONDARIES"])...) {
			link.Addrs = append(link.Addrs, Addr{Prefix: netip.MustParsePrefix(a)})
		}
		if kv["BOOTPROTO"] == "dhcp" && n.Lease().IsValid() {
			link.Addrs = append(link.Addrs, Addr{Prefix: netip.PrefixFrom(n.Lease(), 24), Dynamic: true})
			if n.Router().IsValid() && kv["DHCLIENT_SET_DEFAULT_ROUTE"] != "no" {
				g.Routes = append(g.Routes, Route{Dst: netip.MustParsePrefix("0.0.0.0/0"), Gateway: n.Router(), Dev: name, Protocol: "dhcp"})
			}
		}
		if gw := kv["GATEWAY"]; gw != "" {
			g.Routes = append(g.Routes, Route{Dst: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.MustParseAddr(gw), Dev: name})
		}
		if gw := kv["IPV6_DEFAULTGW"]; gw != "" {
			g.Routes = append(g.Routes, Route{Dst: netip.MustParsePrefix("::/0"), Gateway: netip.MustParseAddr(strings.Split(gw, "%")[0]), Dev: name, Metric: 1024})
		}
		if routes, ok := read("etc/sysconfig/network-scripts/route-" + name); ok {
			rv := shellVars(routes)
			for j := 0; j < 100; j++ {
				s := strconv.Itoa(j)
				if rv["ADDRESS"+s] == "" {
					continue
				}
				bits := 0
				for _, b := range netip.MustParseAddr(rv["NETMASK"+s]).As4() {
					bits += popcount(b)
				}
				r := Route{Dst: netip.PrefixFrom(netip.MustParseAddr(rv["ADDRESS"+s]), bits), Dev: name}
				if gw := rv["GATEWAY"+s]; gw != "" {
					r.Gateway = netip.MustParseAddr(gw)
				}
				if m := rv["METRIC"+s]; m != "" {
					r.Metric = uint32(atoi(t, m))
				}
				g.Routes = append(g.Routes, r)
			}
		}
		if routes, ok := read("etc/sysconfig/network-scripts/route6-" + name); ok {
			for _, line := range strings.Split(routes, "\n") {
				f := strings.Fields(line)
				if len(f) < 3 || strings.HasPrefix(f[0], "#") {
					continue
				}
				r := Route{Dst: netip.MustParsePrefix(f[0]), Dev: name, Metric: 1024}
				for k := 1; k+1 < len(f); k++ {
					switch f[k] {
					case "via":
						r.Gateway = netip.MustParseAddr(f[k+1])
					case "metric":
						r.Metric = uint32(atoi(t, f[k+1]))
					}
				}
				g.Routes = append(g.Routes, r)
			}
		}
		g.Links = append(g.Links, link)
	}
	if rc, ok := read("etc/resolv.conf"); ok {
		g.ResolvConf = parseResolvConf(rc)
	}
	return g, dump.String()
}

// shellVars reads KEY=VALUE lines, unquoting values.
func shellVars(s string) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		if uq, err := strconv.Unquote(v); err == nil {
			v = uq
		} else {
			v = strings.Trim(v, "'")
		}
		out[k] = v
	}
	return out
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

func popcount(b byte) int {
	n := 0
	for ; b != 0; b &= b - 1 {
		n++
	}
	return n
}
