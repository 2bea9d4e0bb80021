package guestvm

import (
	"net/netip"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseGuestRealReport reads a report that a netplan guest wrote for
// the dual-stack scenario (testdata/report-netplan-dual-stack.log, as the
// second serial port recorded it).
func TestParseGuestRealReport(t *testing.T) {
	b, err := os.ReadFile("testdata/report-netplan-dual-stack.log")
	require.NoError(t, err)
	r, err := ParseReport(b)
	require.NoError(t, err)
	for _, sec := range []string{"wait", "addr", "route4", "route6", "link", "resolv.conf", "resolvectl", "renderer", "files", "journal"} {
		assert.Contains(t, r, sec)
	}
	g, err := ParseGuest(r)
	require.NoError(t, err)
	assert.Equal(t, "netplan", g.Renderer)

	eth1, ok := g.LinkByMAC(mac("02:00:00:00:00:02"))
	require.True(t, ok)
	assert.Equal(t, "eth1", eth1.Name)
	assert.Equal(t, []string{"enp2s0"}, eth1.AltNames, "systemd keeps the predictable name as an altname")
	assert.Equal(t, 9000, eth1.MTU)
	assert.True(t, eth1.Up)
	assert.Equal(t, []Addr{
		{Prefix: prefix("10.20.0.10/24")}, {Prefix: prefix("fd00:20::10/64")}, {Prefix: prefix("fe80::ff:fe00:2/64")},
	}, eth1.Addrs)
	eth0, ok := g.LinkByName("eth0")
	require.True(t, ok)
	assert.Equal(t, Addr{Prefix: prefix("10.0.2.15/24"), Dynamic: true}, eth0.Addrs[0], "a DHCP lease is dynamic")
	_, ok = g.LinkByName("enp1s0")
	assert.False(t, ok)

	assert.Equal(t, []string{
		"default via 10.20.0.1 dev eth1 metric 0 proto static",
		"default via 10.0.2.2 dev eth0 metric 100 proto dhcp",
	}, g.DefaultRoutes(false), "in the kernel's order: lowest metric first")
	assert.Equal(t, []string{"default6 via fd00:20::1 dev eth1 metric 1024 proto static"}, g.DefaultRoutes(true))
	assert.Contains(t, g.Routes, Route{Dst: prefix("fd00:30::/48"), Gateway: ip("fd00:20::fe"), Dev: "eth1", Metric: 1024, Protocol: "static"})
	assert.Contains(t, g.Routes, Route{Dst: prefix("10.0.2.3/32"), Dev: "eth0", Metric: 100, Protocol: "dhcp"}, "a host route has the full prefix length")

	assert.Equal(t, Resolver{Nameservers: []netip.Addr{ip("127.0.0.53")}, Search: []string{"storage.example.internal"}}, g.ResolvConf)
	assert.Equal(t, map[string]Resolver{
		"eth0": {Nameservers: []netip.Addr{ip("10.0.2.3")}},
		"eth1": {Nameservers: []netip.Addr{ip("10.20.0.53"), ip("fd00:20::53")}, Search: []string{"storage.example.internal"}},
	}, g.LinkDNS)
}

func TestParseResolvectl(t *testing.T) {
	// systemd 252 continues a key's values on indented lines.
	out := `Global
       Protocols: +LLMNR +mDNS -DNSOverTLS DNSSEC=no/unsupported
resolv.conf mode: stub
     DNS Servers: 9.9.9.9

Link 3 (eth1)
    Current Scopes: DNS
Current DNS Server: 10.20.0.53
       DNS Servers: 10.20.0.53
                    fd00:20::53#dns.example
        DNS Domain: a.example
                    ~b.example

Link 4 (eth2)
Current Scopes: none
`
	assert.Equal(t, map[string]Resolver{
		"eth1": {Nameservers: []netip.Addr{ip("10.20.0.53"), ip("fd00:20::53")}, Search: []string{"a.example", "~b.example"}},
		"eth2": {},
	}, parseResolvectl(out))
	assert.Empty(t, parseResolvectl("sh: 1: resolvectl: not found\n"), "a guest without systemd-resolved")
}

func TestParseIPv6MTU(t *testing.T) {
	assert.Equal(t, map[string]int{"all": 1280, "eth3": 1400}, parseIPv6MTU("all 1280\neth3 1400\nbad\nx y\n"))
}

func TestParseResolvConf(t *testing.T) {
	rc := "# generated\nnameserver 10.0.2.3\nnameserver fd00::53\nnameserver bogus\nsearch a.example b.example\noptions edns0\n"
	assert.Equal(t, Resolver{Nameservers: []netip.Addr{ip("10.0.2.3"), ip("fd00::53")}, Search: []string{"a.example", "b.example"}}, parseResolvConf(rc))
	assert.Equal(t, Resolver{}, parseResolvConf(""))
}

func TestParseRoutes(t *testing.T) {
	routes, err := parseRoutes(`[{"type":"multicast","dst":"ff00::/8","dev":"eth0"},{"dst":"default","gateway":"fe80::1","dev":"eth0","metric":1024},{"dst":"fd00::1","dev":"eth0"}]`, true)
	require.NoError(t, err)
	assert.Equal(t, []Route{
		{Dst: prefix("::/0"), Gateway: ip("fe80::1"), Dev: "eth0", Metric: 1024},
		{Dst: prefix("fd00::1/128"), Dev: "eth0"},
	}, routes, "multicast routes are skipped")
	assert.Equal(t, "default6 via fe80::1 dev eth0 metric 1024", routes[0].String())
	assert.Equal(t, "fd00::1/128 dev eth0 metric 0", routes[1].String())
	// systemd-networkd's multipath IPv6 default route, as the networkd
	// guest had it with router advertisements on two links.
	multipath, err := parseRoutes(`[{"dst":"default","protocol":"ra","metric":1024,"flags":[],"nexthops":[{"gateway":"fe80::2","dev":"eth3","weight":1,"flags":[]},{"gateway":"fe80::2","dev":"eth1","weight":1,"flags":[]}]}]`, true)
	require.NoError(t, err)
	assert.Equal(t, []Route{
		{Dst: prefix("::/0"), Gateway: ip("fe80::2"), Dev: "eth1", Metric: 1024, Protocol: "ra"},
		{Dst: prefix("::/0"), Gateway: ip("fe80::2"), Dev: "eth3", Metric: 1024, Protocol: "ra"},
	}, multipath, "a multipath route is one route per next hop, sorted")
	for _, bad := range []string{`{`, `[{"dst":"nope"}]`, `[{"dst":"10.0.0.0/33"}]`, `[{"dst":"default","gateway":"x"}]`, `[{"dst":"default","nexthops":[{"gateway":"x"}]}]`} {
		_, err := parseRoutes(bad, false)
		assert.Error(t, err, bad)
	}
}

func TestParseGuestErrors(t *testing.T) {
	good := Report{"addr": "[]", "link": "[]", "route4": "[]", "route6": "[]"}
	_, err := ParseGuest(good)
	require.NoError(t, err)
	for sec, bad := range map[string]string{
		"addr":   `[{"ifname":"eth0","link_type":"ether","address":"nope"}]`,
		"link":   `{`,
		"route4": `[{"dst":"bad"}]`,
	} {
		r := Report{}
		for k, v := range good {
			r[k] = v
		}
		r[sec] = bad
		_, err := ParseGuest(r)
		assert.Error(t, err, sec)
	}
}
