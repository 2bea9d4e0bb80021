package guestvm

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guestnet/guestnet/netconfig"
)

// route is a Route for tests: "DST via GW dev DEV metric M" in few words.
func route(dst, gw, dev string, metric uint32) Route {
	r := Route{Dst: prefix(dst), Dev: dev, Metric: metric}
	if gw != "" {
		r.Gateway = ip(gw)
	}
	return r
}

func link(name, m string, mtu int, addrs ...string) Link {
	l := Link{Name: name, MAC: mac(m), MTU: mtu, Up: true}
	for _, a := range addrs {
		l.Addrs = append(l.Addrs, Addr{Prefix: prefix(a)})
	}
	return l
}

// cells lists the facts as "construct/network: outcome (detail)".
func cells(facts []Fact) []string {
	var out []string
	for _, f := range facts {
		out = append(out, string(f.Construct)+"/"+f.Network+": "+f.cell())
	}
	return out
}

func TestJudge(t *testing.T) {
	podWant := Want{
		Network: "default", Role: netconfig.RolePod, MAC: mac("02:00:00:00:00:01"), Name: "eth0", Match: netconfig.MatchMAC,
		DHCP4: true, Lease: ip("10.0.2.15"), Router: ip("10.0.2.2"),
	}
	extWant := Want{
		Network: "external", Role: netconfig.RoleSecondary, MAC: mac("02:00:00:aa:bb:cc"), Name: "eth1", Match: netconfig.MatchMAC,
		Addrs:    []netip.Prefix{prefix("192.168.0.200/24"), prefix("fd00:20::10/64")},
		Gateway4: ip("192.168.0.1"), Gateway6: ip("fd00:20::1"),
		Routes: []netconfig.Route{
			{To: prefix("10.30.0.0/16"), Via: ip("192.168.0.254"), Metric: metric(100)},
			{To: prefix("fd00:30::/48"), Via: ip("fd00:20::fe")},
		},
		MTU: 9000, DNS: []netip.Addr{ip("192.168.0.53")}, Search: []string{"example.internal"},
	}
	tests := []struct {
		name      string
		want      Want
		guest     Guest
		contested bool
		facts     []string
	}{
		{
			name: "pod NIC: renamed, leased, default route in effect",
			want: podWant,
			guest: Guest{
				Links:  []Link{link("eth0", "02:00:00:00:00:01", 1500, "10.0.2.15/24")},
				Routes: []Route{route("0.0.0.0/0", "10.0.2.2", "eth0", 100)},
			},
			facts: []string{"mac-rename/default: applied", "pod-dhcp4/default: applied", "pod-default-route/default: applied"},
		},
		{
			name:  "SLAAC: an address of the announced prefix",
			want:  Want{Network: "lab", MAC: mac("02:00:00:00:00:02"), Name: "eth1", Match: netconfig.MatchMAC, IPv6Mode: netconfig.ModeSLAAC, RAPrefix: prefix("fd00:5::/64")},
			guest: Guest{Links: []Link{link("eth1", "02:00:00:00:00:02", 1500, "fd00:5::ff:fe00:2/64", "fe80::ff:fe00:2/64")}},
			facts: []string{"mac-rename/lab: applied", "slaac/lab: applied"},
		},
		{
			name:  "SLAAC: none of the announced prefix",
			want:  Want{Network: "lab", MAC: mac("02:00:00:00:00:02"), Name: "eth1", Match: netconfig.MatchMAC, IPv6Mode: netconfig.ModeSLAAC, RAPrefix: prefix("fd00:5::/64")},
			guest: Guest{Links: []Link{link("eth1", "02:00:00:00:00:02", 1500, "fe80::ff:fe00:2/64")}},
			facts: []string{"mac-rename/lab: applied", "slaac/lab: dropped"},
		},
		{
			name:  "ipv6Mode none beside router advertisements: a SLAAC address is wrong",
			want:  Want{Network: "v4", MAC: mac("02:00:00:00:00:04"), Name: "eth3", Match: netconfig.MatchMAC, IPv6Mode: netconfig.ModeNone, RAPrefix: prefix("fd00:7::/64")},
			guest: Guest{Links: []Link{link("eth3", "02:00:00:00:00:04", 1500, "fd00:7::ff:fe00:4/64")}},
			facts: []string{"mac-rename/v4: applied", "ipv6-off/v4: wrong (SLAAC address in fd00:7::/64)"},
		},
		{
			name:      "pod NIC: not renamed, no lease, default route outranked",
			want:      podWant,
			contested: true,
			guest: Guest{
				Links:  []Link{link("enp1s0", "02:00:00:00:00:01", 1500), link("eth1", "02:00:00:aa:bb:cc", 1500, "10.0.2.15/24")},
				Routes: []Route{route("0.0.0.0/0", "10.0.2.2", "enp1s0", 100), route("0.0.0.0/0", "192.168.0.1", "eth1", 0)},
			},
			facts: []string{
				"mac-rename/default: wrong (named enp1s0)", "pod-dhcp4/default: wrong (on eth1)",
				"pod-default-route-contested/default: wrong (outranked: metric 100 > 0)",
			},
		},
		{
			name:      "pod NIC: default route tied, the other one listed first",
			want:      podWant,
			contested: true,
			guest: Guest{
				Links:  []Link{link("eth0", "02:00:00:00:00:01", 1500, "10.0.2.15/24")},
				Routes: []Route{route("0.0.0.0/0", "192.168.0.1", "eth1", 0), route("0.0.0.0/0", "10.0.2.2", "eth0", 0)},
			},
			facts: []string{"mac-rename/default: applied", "pod-dhcp4/default: applied", "pod-default-route-contested/default: wrong (tied at metric 0, eth1's comes first)"},
		},
		{
			name:      "pod NIC: default route missing",
			want:      podWant,
			contested: true,
			guest: Guest{
				Links:  []Link{link("eth0", "02:00:00:00:00:01", 1500, "10.0.2.15/24")},
				Routes: []Route{route("0.0.0.0/0", "192.168.0.1", "eth1", 0)},
			},
			facts: []string{"mac-rename/default: applied", "pod-dhcp4/default: applied", "pod-default-route-contested/default: dropped"},
		},
		{
			name: "secondary: everything applied, DNS per link",
			want: extWant,
			guest: Guest{
				Links: []Link{link("eth1", "02:00:00:aa:bb:cc", 9000, "192.168.0.200/24", "fd00:20::10/64", "fe80::1/64")},
				Routes: []Route{
					route("0.0.0.0/0", "192.168.0.1", "eth1", 0), route("::/0", "fd00:20::1", "eth1", 1024),
					route("10.30.0.0/16", "192.168.0.254", "eth1", 100), route("fd00:30::/48", "fd00:20::fe", "eth1", 1024),
				},
				LinkDNS: map[string]Resolver{"eth1": {Nameservers: []netip.Addr{ip("192.168.0.53")}, Search: []string{"example.internal"}}},
			},
			facts: []string{
				"mac-rename/external: applied", "static-ipv4/external: applied", "static-ipv6/external: applied",
				"default-route-ipv4/external: applied", "default-route-ipv6/external: applied",
				"route-ipv4/external: applied", "route-ipv6/external: applied", "route-metric/external: applied",
				"mtu/external: applied", "nameservers/external: applied (per link)", "search-domains/external: applied (per link)",
			},
		},
		{
			name: "secondary: the eni guest without net-tools",
			want: extWant,
			guest: Guest{
				Links:      []Link{link("eth1", "02:00:00:aa:bb:cc", 1500, "192.168.0.200/25")},
				Routes:     []Route{route("::/64", "fd00:20::1", "eth1", 1024)},
				ResolvConf: Resolver{Nameservers: []netip.Addr{ip("192.168.0.53")}},
			},
			facts: []string{
				"mac-rename/external: applied", "static-ipv4/external: wrong (192.168.0.200/25 for 192.168.0.200/24)", "static-ipv6/external: dropped",
				"default-route-ipv4/external: dropped", "default-route-ipv6/external: wrong (became ::/64)",
				"route-ipv4/external: dropped", "route-ipv6/external: dropped", "route-metric/external: dropped (no route)",
				"mtu/external: dropped (mtu 1500)", "nameservers/external: applied (global)", "search-domains/external: dropped",
			},
		},
		{
			name: "secondary: route through another NIC, metric lost",
			want: Want{
				Network: "storage", MAC: mac("02:00:00:00:00:02"), Name: "eth1", Match: netconfig.MatchMAC,
				Addrs:  []netip.Prefix{prefix("10.20.0.10/24"), prefix("10.20.1.10/24")},
				Routes: []netconfig.Route{{To: prefix("10.30.0.0/16"), Via: ip("10.20.0.254"), Metric: metric(100)}},
			},
			guest: Guest{
				Links:  []Link{link("eth1", "02:00:00:00:00:02", 1500, "10.20.0.10/24")},
				Routes: []Route{route("10.30.0.0/16", "10.20.0.254", "eth9", 0)},
			},
			facts: []string{
				"mac-rename/storage: applied", "static-ipv4/storage: wrong", "route-ipv4/storage: wrong (10.30.0.0/16 via 10.20.0.254 dev eth9 metric 0)",
				"route-metric/storage: dropped (metric 0)",
			},
		},
		{
			name: "secondary: ifupdown's inet6 mtu sets the IPv6 MTU, not the link's",
			want: Want{Network: "v6", MAC: mac("02:00:00:00:00:04"), Name: "eth3", Match: netconfig.MatchMAC, MTU: 1400},
			guest: Guest{Links: []Link{
				{Name: "eth3", MAC: mac("02:00:00:00:00:04"), MTU: 1500, IPv6MTU: 1400},
			}},
			facts: []string{"mac-rename/v6: applied", "mtu/v6: wrong (IPv6 MTU only, link mtu 1500)"},
		},
		{
			name: "name fallback: predictable names leave it unconfigured",
			want: Want{Network: "legacy", MAC: mac("02:00:00:00:0f:01"), Name: "eth1", Match: netconfig.MatchName, Addrs: []netip.Prefix{prefix("172.16.5.20/24")}},
			guest: Guest{Links: []Link{
				link("eth0", "02:00:00:00:00:01", 1500), link("enp2s0", "02:00:00:00:0f:01", 1500),
			}},
			facts: []string{"name-fallback/legacy: dropped (NIC named enp2s0, no eth1)"},
		},
		{
			name: "name fallback: applied when the kernel named it eth1",
			want: Want{Network: "legacy", MAC: mac("02:00:00:00:0f:01"), Name: "eth1", Match: netconfig.MatchName, Addrs: []netip.Prefix{prefix("172.16.5.20/24")}},
			guest: Guest{Links: []Link{
				link("eth1", "02:00:00:00:0f:01", 1500, "172.16.5.20/24"),
			}},
			facts: []string{"name-fallback/legacy: applied"},
		},
		{
			name:  "no NIC with the MAC",
			want:  podWant,
			guest: Guest{},
			facts: []string{"mac-rename/default: dropped (no such NIC)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.facts, cells(Judge(tt.want, tt.guest, tt.contested)))
		})
	}
}

func TestWants(t *testing.T) {
	spec, nics := specOf(podNetwork(), seedExternal())
	res, err := netconfig.Build(spec)
	require.NoError(t, err)
	wants, err := Wants(spec, res, nics)
	require.NoError(t, err)
	require.Len(t, wants, 2)
	assert.Equal(t, Want{
		Network: "default", Role: netconfig.RolePod, MAC: mac("02:00:00:00:00:01"), Name: "eth0", Match: netconfig.MatchMAC,
		DHCP4: true, Lease: ip("10.0.2.15"), Router: ip("10.0.2.2"),
	}, wants[0])
	assert.Equal(t, Want{
		Network: "external", Role: netconfig.RoleSecondary, MAC: mac("02:00:00:aa:bb:cc"), Name: "eth1", Match: netconfig.MatchMAC,
		Addrs: []netip.Prefix{prefix("192.168.0.200/24")}, Gateway4: ip("192.168.0.1"), DNS: []netip.Addr{ip("192.168.0.1")},
	}, wants[1])

	_, err = Wants(spec, res, nics[:1])
	assert.Error(t, err, "one NIC per network")

	spec.Networks[1].IPConfig = &netconfig.IPConfig{Mode: netconfig.ModeDHCP}
	res, err = netconfig.Build(spec)
	require.NoError(t, err)
	_, err = Wants(spec, res, nics)
	assert.ErrorContains(t, err, "no DHCP server", "DHCP on an isolated network cannot be checked")
}

func TestContested(t *testing.T) {
	pod := Want{Network: "default", Role: netconfig.RolePod}
	ext := Want{Network: "external", Role: netconfig.RoleSecondary, Gateway4: ip("192.168.0.1")}
	v6 := Want{Network: "v6", Role: netconfig.RoleSecondary, Gateway6: ip("fd00::1")}
	assert.True(t, contested(pod, []Want{pod, ext}))
	assert.False(t, contested(pod, []Want{pod, v6}), "an IPv6 default route does not contest the pod's IPv4 one")
	assert.False(t, contested(ext, []Want{pod, ext}), "only the pod NIC is contested")
}
