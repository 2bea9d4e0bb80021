package conformance

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// route is a route as a renderer's files state it. A default route has a
// zero-length To.
type route struct {
	To        netip.Prefix
	Via       netip.Addr
	Metric    uint32
	HasMetric bool
}

func (r route) String() string {
	s := r.To.String() + " via " + r.Via.String()
	if r.HasMetric {
		s += " metric " + strconv.FormatUint(uint64(r.Metric), 10)
	}
	return s
}

func (r route) isDefault() bool { return r.To.Bits() == 0 }

// defaultRoute is the default route of via's family.
func defaultRoute(via netip.Addr) route {
	if via.Is4() {
		return route{To: netip.MustParsePrefix("0.0.0.0/0"), Via: via}
	}
	return route{To: netip.MustParsePrefix("::/0"), Via: via}
}

// nic is the configuration of one guest NIC: what a Spec asks for, or what
// a renderer's files say.
type nic struct {
	Name string
	// MAC is the MAC the NIC is matched by and renamed from; "" when it is
	// matched by name.
	MAC          string
	DHCP4, DHCP6 bool
	Addrs        []netip.Prefix
	// Routes include default routes (To 0.0.0.0/0 or ::/0).
	Routes []route
	DNS    []netip.Addr
	Search []string
	MTU    int
}

// intent is what spec asks for, NIC by NIC, stated from the Spec alone and
// guestnet's documented naming rule (the NIC of the i-th network is ethI):
// the pod network gets DHCP when it has no IP config, a secondary network
// without one is left out, gateways are default routes.
func intent(spec netconfig.Spec) map[string]nic {
	out := map[string]nic{}
	for i, n := range spec.Networks {
		pod := n.Source == netconfig.SourcePod || n.Source == netconfig.SourceUnspecified && n.Name == "default"
		c := n.IPConfig
		if c == nil {
			if !pod {
				continue
			}
			c = &netconfig.IPConfig{Mode: netconfig.ModeDHCP}
		}
		want := nic{
			Name:   fmt.Sprintf("eth%d", i),
			MAC:    n.MAC.String(),
			DHCP4:  c.Mode == netconfig.ModeDHCP,
			DHCP6:  c.Mode == netconfig.ModeDHCP && c.DHCP6 || c.IPv6Mode == netconfig.ModeDHCP,
			Addrs:  slices.Clone(c.Addresses),
			DNS:    slices.Clone(c.Nameservers.Addresses),
			Search: slices.Clone(c.Nameservers.Search),
			MTU:    c.MTU,
		}
		for _, gw := range c.Gateways {
			want.Routes = append(want.Routes, defaultRoute(gw))
		}
		for _, r := range c.Routes {
			got := route{To: r.To, Via: r.Via}
			if r.Metric != nil {
				got.Metric, got.HasMetric = *r.Metric, true
			}
			want.Routes = append(want.Routes, got)
		}
		out[want.Name] = want
	}
	return out
}

// observed is a NIC as read from a renderer's files, with where each field
// was read from, for failure messages.
type observed struct {
	nic
	// where maps a field name of nic to "file: keys".
	where map[string]string
}

func newObserved(name string) observed {
	return observed{nic: nic{Name: name}, where: map[string]string{}}
}

// from records where a field was read.
func (o *observed) from(field, where string) { o.where[field] = where }

// at describes where field was read, or that it was looked for in vain.
func (o observed) at(field string) string {
	if w, ok := o.where[field]; ok {
		return w
	}
	return "(not written)"
}

// checkOpts says what a renderer is known to lose, as measured; the
// losses themselves are asserted by the TestCloudInit224* tests.
type checkOpts struct {
	// dropsMetrics: route metrics are not written (cloud-init 22.4's v2
	// parser keeps only to and via, for every renderer but netplan).
	dropsMetrics bool
}

// checkNICs asserts that the renderer's NICs are exactly the intended
// ones, field by field.
func checkNICs(t *testing.T, renderer string, want map[string]nic, got map[string]observed, o checkOpts) {
	t.Helper()
	require.ElementsMatch(t, keys(want), keys(got), "%s: the set of configured interfaces", renderer)
	for _, name := range keys(want) {
		checkNIC(t, renderer, want[name], got[name], o)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// checkNIC asserts one NIC.
func checkNIC(t *testing.T, renderer string, want nic, got observed, o checkOpts) {
	t.Helper()
	msg := func(field string) string {
		return fmt.Sprintf("%s: interface %s: %s, read from %s", renderer, want.Name, field, got.at(field))
	}
	assert.Equal(t, want.MAC, got.MAC, msg("MAC match"))
	assert.Equal(t, want.DHCP4, got.DHCP4, msg("DHCPv4"))
	assert.Equal(t, want.DHCP6, got.DHCP6, msg("DHCPv6"))
	assert.ElementsMatch(t, prefixStrings(want.Addrs), prefixStrings(got.Addrs), msg("addresses"))
	wantRoutes, gotRoutes := want.Routes, got.Routes
	if o.dropsMetrics {
		wantRoutes, gotRoutes = withoutMetrics(wantRoutes), withoutMetrics(gotRoutes)
	}
	assert.ElementsMatch(t, routeStrings(filterRoutes(wantRoutes, true)), routeStrings(filterRoutes(gotRoutes, true)), msg("default routes"))
	assert.ElementsMatch(t, routeStrings(filterRoutes(wantRoutes, false)), routeStrings(filterRoutes(gotRoutes, false)), msg("extra routes"))
	assert.ElementsMatch(t, addrStrings(want.DNS), addrStrings(got.DNS), msg("DNS servers"))
	assert.Equal(t, nonNil(want.Search), nonNil(got.Search), msg("search domains"))
	assert.Equal(t, want.MTU, got.MTU, msg("MTU"))
}

// nonNil makes nil and empty lists compare equal.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func withoutMetrics(rs []route) []route {
	out := make([]route, len(rs))
	for i, r := range rs {
		r.Metric, r.HasMetric = 0, false
		out[i] = r
	}
	return out
}

func filterRoutes(rs []route, defaults bool) []route {
	var out []route
	for _, r := range rs {
		if r.isDefault() == defaults {
			out = append(out, r)
		}
	}
	return out
}

func routeStrings(rs []route) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.String())
	}
	return out
}

func prefixStrings(ps []netip.Prefix) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

func addrStrings(as []netip.Addr) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.String())
	}
	return out
}

// parsePrefix parses an address with its prefix length, failing the test
// with where it came from.
func parsePrefix(t *testing.T, where, s string) netip.Prefix {
	t.Helper()
	p, err := netip.ParsePrefix(s)
	require.NoError(t, err, "%s: not an address/prefix: %q", where, s)
	return p
}

// parseAddrs parses space-separated addresses.
func parseAddrs(t *testing.T, where, s string) []netip.Addr {
	t.Helper()
	var out []netip.Addr
	for _, f := range strings.Fields(s) {
		a, err := netip.ParseAddr(f)
		require.NoError(t, err, "%s: not an IP address: %q", where, f)
		out = append(out, a)
	}
	return out
}

func parseAddr(t *testing.T, where, s string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	require.NoError(t, err, "%s: not an IP address: %q", where, s)
	return a
}

func parseMetric(t *testing.T, where, s string) uint32 {
	t.Helper()
	v, err := strconv.ParseUint(s, 10, 32)
	require.NoError(t, err, "%s: not a metric: %q", where, s)
	return uint32(v)
}

func atoi(t *testing.T, where, s string) int {
	t.Helper()
	v, err := strconv.Atoi(s)
	require.NoError(t, err, "%s: not a number: %q", where, s)
	return v
}

// build runs netconfig.Build and checks that its own account of the NICs
// agrees with intent, so that the intent the renderers are held to is the
// one guestnet claims to implement.
func build(t *testing.T, sc scenario, opts ...netconfig.Option) netconfig.Result {
	t.Helper()
	res, err := netconfig.Build(sc.spec, opts...)
	require.NoError(t, err, "netconfig.Build(%s)", sc.name)
	want := intent(sc.spec)
	for _, iface := range res.Interfaces {
		w, ok := want[iface.Name]
		require.Equal(t, ok, iface.Configured, "Build's Interfaces: %s (network %s) configured", iface.Name, iface.Network)
		if !ok {
			continue
		}
		require.Equal(t, w.MAC, iface.MAC.String(), "Build's Interfaces: %s MAC", iface.Name)
		wantMatch := netconfig.MatchName
		if w.MAC != "" {
			wantMatch = netconfig.MatchMAC
		}
		require.Equal(t, wantMatch, iface.Match, "Build's Interfaces: %s match", iface.Name)
	}
	return res
}

// warningCodes lists the codes of ws.
func warningCodes(ws []netconfig.Warning) []netconfig.WarningCode {
	out := []netconfig.WarningCode{}
	for _, w := range ws {
		out = append(out, w.Code)
	}
	return out
}
