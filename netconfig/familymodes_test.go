package netconfig_test

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/netplan"
)

func boolp(b bool) *bool { return &b }

// podMasquerade is the pod network with the masquerade binding and c.
func podMasquerade(c *netconfig.IPConfig) netconfig.Network {
	return netconfig.Network{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade,
		MAC: netconfig.MustParseMAC("02:00:00:00:00:01"), IPConfig: c}
}

// bridgeNetwork is a Multus network with the bridge binding and c.
func bridgeNetwork(c *netconfig.IPConfig) netconfig.Network {
	return netconfig.Network{Name: "external", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge,
		MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc"), IPConfig: c}
}

// masqueradeEntry is the entry of KubeVirt's own network data for a
// dual-stack masquerade pod network: tests/libnet/cloudinit/cloudinit.go,
// CreateDefaultCloudInitNetworkData, writes eth0 with dhcp4: true,
// addresses [fd10:0:2::2/120] and gateway6 fd10:0:2::1.
var masqueradeEntry = netplan.Ethernet{
	Match: &netplan.Match{MACAddress: "02:00:00:00:00:01"}, SetName: "eth0",
	DHCP4: true, Addresses: []string{"fd10:0:2::2/120"}, Gateway6: "fd10:0:2::1",
}

func TestFamilyModesRender(t *testing.T) {
	tests := []struct {
		name     string
		network  netconfig.Network
		want     netplan.Ethernet
		warnings []netconfig.WarningCode
	}{
		{
			name:    "masquerade dual-stack: DHCPv4 and static IPv6, as KubeVirt's user guide and e2e network data have it",
			network: podMasquerade(netconfig.MasqueradeDualStack()),
			want:    masqueradeEntry,
		},
		{
			name: "IPv6-only masquerade: no DHCP at all, static IPv6",
			network: podMasquerade(&netconfig.IPConfig{Mode: netconfig.ModeNone, IPv6Mode: netconfig.ModeStatic,
				Addresses: []netip.Prefix{prefix("fd10:0:2::2/120")}, Gateways: []netip.Addr{ip("fd10:0:2::1")}}),
			want: netplan.Ethernet{Match: &netplan.Match{MACAddress: "02:00:00:00:00:01"}, SetName: "eth0",
				Addresses: []string{"fd10:0:2::2/120"}, Gateway6: "fd10:0:2::1"},
		},
		{
			name: "static IPv4 and DHCPv6",
			network: bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeStatic, IPv6Mode: netconfig.ModeDHCP,
				Addresses: []netip.Prefix{prefix("192.168.0.200/24")}, Gateways: []netip.Addr{ip("192.168.0.1")}}),
			want: netplan.Ethernet{Match: &netplan.Match{MACAddress: "02:00:00:aa:bb:cc"}, SetName: "eth1", DHCP6: true,
				Addresses: []string{"192.168.0.200/24"}, Routes: []netplan.Route{{To: "0.0.0.0/0", Via: "192.168.0.1"}}},
			// The pod network's DHCPv4 default route is outranked.
			warnings: []netconfig.WarningCode{netconfig.WarningDefaultRouteOverridesPodNetwork},
		},
		{
			name: "static IPv4 and SLAAC",
			network: bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeStatic, IPv6Mode: netconfig.ModeSLAAC,
				Addresses: []netip.Prefix{prefix("192.168.0.200/24")}}),
			want: netplan.Ethernet{Match: &netplan.Match{MACAddress: "02:00:00:aa:bb:cc"}, SetName: "eth1", AcceptRA: boolp(true),
				Addresses: []string{"192.168.0.200/24"}},
			warnings: []netconfig.WarningCode{netconfig.WarningAcceptRANotPortable},
		},
		{
			name:     "DHCPv4 and SLAAC",
			network:  bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: netconfig.ModeSLAAC}),
			want:     netplan.Ethernet{Match: &netplan.Match{MACAddress: "02:00:00:aa:bb:cc"}, SetName: "eth1", DHCP4: true, AcceptRA: boolp(true)},
			warnings: []netconfig.WarningCode{netconfig.WarningAcceptRANotPortable},
		},
		{
			name:     "DHCPv4 and no IPv6: router advertisements off",
			network:  bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: netconfig.ModeNone}),
			want:     netplan.Ethernet{Match: &netplan.Match{MACAddress: "02:00:00:aa:bb:cc"}, SetName: "eth1", DHCP4: true, AcceptRA: boolp(false)},
			warnings: []netconfig.WarningCode{netconfig.WarningAcceptRANotPortable},
		},
		{
			name:    "DHCP for both families, split, is the same as dhcp with dhcp6",
			network: bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: netconfig.ModeDHCP}),
			want:    netplan.Ethernet{Match: &netplan.Match{MACAddress: "02:00:00:aa:bb:cc"}, SetName: "eth1", DHCP4: true, DHCP6: true},
		},
		{
			name: "static for both families, split, with a route through each",
			network: bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeStatic, IPv6Mode: netconfig.ModeStatic,
				Addresses: []netip.Prefix{prefix("192.168.0.200/24"), prefix("fd00::200/64")},
				Routes:    []netconfig.Route{{To: prefix("10.0.0.0/8"), Via: ip("192.168.0.1")}, {To: prefix("fd01::/48"), Via: ip("fd00::1")}}}),
			want: netplan.Ethernet{Match: &netplan.Match{MACAddress: "02:00:00:aa:bb:cc"}, SetName: "eth1",
				Addresses: []string{"192.168.0.200/24", "fd00::200/64"},
				Routes:    []netplan.Route{{To: "10.0.0.0/8", Via: "192.168.0.1"}, {To: "fd01::/48", Via: "fd00::1"}}},
		},
		{
			name: "DHCPv4 and SLAAC with routes through both, as dhcp mode allows",
			network: bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: netconfig.ModeSLAAC,
				Routes: []netconfig.Route{{To: prefix("10.0.0.0/8"), Via: ip("192.168.0.1")}, {To: prefix("fd01::/48"), Via: ip("fe80::1")}}}),
			want: netplan.Ethernet{Match: &netplan.Match{MACAddress: "02:00:00:aa:bb:cc"}, SetName: "eth1", DHCP4: true, AcceptRA: boolp(true),
				Routes: []netplan.Route{{To: "10.0.0.0/8", Via: "192.168.0.1"}, {To: "fd01::/48", Via: "fe80::1"}}},
			warnings: []netconfig.WarningCode{netconfig.WarningAcceptRANotPortable},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{tt.network}}
			if tt.network.Source == netconfig.SourceMultus {
				spec.Networks = []netconfig.Network{podMasquerade(nil), tt.network}
			}
			res, err := netconfig.Build(spec)
			require.NoError(t, err)
			name := res.Interfaces[len(spec.Networks)-1].Name
			assert.Equal(t, tt.want, res.Config.Network.Ethernets[name])
			assert.ElementsMatch(t, tt.warnings, warningCodes(res, tt.network.Name))
			back, err := netplan.Parse(res.YAML)
			require.NoError(t, err)
			assert.Equal(t, res.Config, back)
		})
	}
}

func TestFamilyModesValidation(t *testing.T) {
	static6 := []netip.Prefix{prefix("fd10:0:2::2/120")}
	tests := []struct {
		name    string
		network netconfig.Network
		// want maps each expected field path to a fragment of its message.
		want map[string]string
	}{
		{
			name:    "static IPv4 on the pod network, even beside IPv6Mode",
			network: podMasquerade(&netconfig.IPConfig{Mode: netconfig.ModeStatic, IPv6Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{prefix("10.0.2.2/24"), static6[0]}}),
			want:    map[string]string{"networks[0].ipConfig.mode": "never gets static addressing"},
		},
		{
			name: "static IPv6 on a pod network bound other than by masquerade",
			network: netconfig.Network{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingBridge,
				IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: netconfig.ModeStatic, Addresses: static6}},
			want: map[string]string{"networks[0].ipConfig.ipv6Mode": `only for the masquerade binding, not "bridge": KubeVirt documents it for masquerade`},
		},
		{
			name: "static IPv6 on a pod network without a binding",
			network: netconfig.Network{Name: "default", IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: netconfig.ModeStatic,
				Addresses: static6}},
			want: map[string]string{"networks[0].ipConfig.ipv6Mode": "not an unset binding"},
		},
		{
			name:    "slaac as mode",
			network: bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeSLAAC}),
			want:    map[string]string{"networks[1].ipConfig.mode": "set ipv6Mode: slaac"},
		},
		{
			name:    "an unknown ipv6Mode",
			network: bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: "auto"}),
			want:    map[string]string{"networks[1].ipConfig.ipv6Mode": `Unsupported value: "auto": supported values: "static", "dhcp", "none", "slaac"`},
		},
		{
			name:    "dhcp6 beside ipv6Mode",
			network: bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: netconfig.ModeSLAAC, DHCP6: true}),
			want:    map[string]string{"networks[1].ipConfig.dhcp6": "use ipv6Mode: dhcp"},
		},
		{
			name: "addresses of a family that is not static, and static families without addresses",
			network: bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: netconfig.ModeSLAAC,
				Addresses: []netip.Prefix{prefix("192.168.0.200/24"), prefix("fd00::2/64")}}),
			want: map[string]string{
				"networks[1].ipConfig.addresses[0]": "IPv4 addresses are only for mode static, not mode dhcp",
				"networks[1].ipConfig.addresses[1]": "IPv6 addresses are only for ipv6Mode static, not ipv6Mode slaac",
			},
		},
		{
			name:    "a static family without an address of its own",
			network: bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeStatic, IPv6Mode: netconfig.ModeStatic, Addresses: static6}),
			want:    map[string]string{"networks[1].ipConfig.addresses": "mode static needs at least one IPv4 address"},
		},
		{
			name:    "ipv6Mode static without an IPv6 address",
			network: bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeStatic, IPv6Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{prefix("192.168.0.200/24")}}),
			want:    map[string]string{"networks[1].ipConfig.addresses": "ipv6Mode static needs at least one IPv6 address"},
		},
		{
			name: "gateways of a family that is not static",
			network: bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: netconfig.ModeStatic, Addresses: static6,
				Gateways: []netip.Addr{ip("192.168.0.1"), ip("fd10:0:2::1")}}),
			want: map[string]string{"networks[1].ipConfig.gateways[0]": "an IPv4 gateway is only for mode static, not mode dhcp; add a route instead"},
		},
		{
			name: "an IPv6 gateway outside the static IPv6 subnet",
			network: bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: netconfig.ModeStatic, Addresses: static6,
				Gateways: []netip.Addr{ip("fd00::1")}}),
			want: map[string]string{"networks[1].ipConfig.gateways[0]": "not inside the interface's IPv6 subnets (fd10:0:2::/120)"},
		},
		{
			name: "routes of a family with no address",
			network: bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeNone, IPv6Mode: netconfig.ModeStatic, Addresses: static6,
				Routes: []netconfig.Route{{To: prefix("10.0.0.0/8"), Via: ip("10.0.0.1")}, {To: prefix("fd01::/48"), Via: ip("fd10:0:2::1")}}}),
			want: map[string]string{"networks[1].ipConfig.routes[0].via": "mode none assigns no IPv4 address, so no IPv4 route"},
		},
		{
			name: "IPv6 routes with ipv6Mode none",
			network: bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: netconfig.ModeNone,
				Routes: []netconfig.Route{{To: prefix("::/0"), Via: ip("fe80::1")}}}),
			want: map[string]string{"networks[1].ipConfig.routes[0].via": "ipv6Mode none assigns no IPv6 address"},
		},
		{
			name:    "nameservers with neither family addressed",
			network: bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeNone, IPv6Mode: netconfig.ModeNone, Nameservers: netconfig.Nameservers{Search: []string{"example.internal"}}}),
			want:    map[string]string{"networks[1].ipConfig.nameservers": "mode none configures no DNS"},
		},
		{
			name:    "an IPv6 MTU below 1280 with SLAAC",
			network: bridgeNetwork(&netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: netconfig.ModeSLAAC, MTU: 1000}),
			want:    map[string]string{"networks[1].ipConfig.mtu": "IPv6 needs at least 1280"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{tt.network}}
			if tt.network.Source == netconfig.SourceMultus {
				spec.Networks = []netconfig.Network{podMasquerade(nil), tt.network}
			}
			requireInvalid(t, spec, nil, tt.want)
		})
	}
}

// KubeVirt's getMasqueradeGwAndHostAddressesFromCIDR
// (pkg/network/link/address.go) takes the first four addresses of the
// CIDR and returns the second as the gateway and the third as the VM's,
// with the CIDR's prefix length; it fails with fewer than four.
func TestMasqueradeIPv6(t *testing.T) {
	tests := []struct {
		cidr, addr, gw string
		wantErr        string
	}{
		// DefaultVMIpv6CIDR, pkg/virt-launcher/virtwrap/api/defaults.go.
		{cidr: "fd10:0:2::/120", addr: "fd10:0:2::2/120", gw: "fd10:0:2::1"},
		{cidr: "fd00:1234::/64", addr: "fd00:1234::2/64", gw: "fd00:1234::1"},
		{cidr: "fd00:1234::80/126", addr: "fd00:1234::82/126", gw: "fd00:1234::81"},
		// Host bits are dropped, as net.ParseCIDR's network is used.
		{cidr: "fd10:0:2::17/120", addr: "fd10:0:2::2/120", gw: "fd10:0:2::1"},
		{cidr: "fd00::/127", wantErr: "too small"},
		{cidr: "fd00::/128", wantErr: "too small"},
		{cidr: "10.0.2.0/24", wantErr: "not an IPv6 prefix"},
		{cidr: "::ffff:10.0.2.0/120", wantErr: "not an IPv6 prefix"},
		{cidr: "", wantErr: "not an IPv6 prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.cidr, func(t *testing.T) {
			var p netip.Prefix
			if tt.cidr != "" {
				p = prefix(tt.cidr)
			}
			addr, gw, err := netconfig.MasqueradeIPv6(p)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.Equal(t, netip.Prefix{}, addr)
				assert.Equal(t, netip.Addr{}, gw)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.addr, addr.String())
			assert.Equal(t, tt.gw, gw.String())
		})
	}
}

func TestMasqueradeDualStackIsFresh(t *testing.T) {
	a := netconfig.MasqueradeDualStack()
	a.Addresses[0] = prefix("fd00::9/64")
	assert.Equal(t, []netip.Prefix{prefix("fd10:0:2::2/120")}, netconfig.MasqueradeDualStack().Addresses)
}

// familyModes are the modes each family can take when IPv6Mode is set.
var (
	modes4 = []netconfig.Mode{netconfig.ModeStatic, netconfig.ModeDHCP, netconfig.ModeNone}
	modes6 = []netconfig.Mode{netconfig.ModeStatic, netconfig.ModeDHCP, netconfig.ModeSLAAC, netconfig.ModeNone}
)

// genFamilyIPConfig draws a valid IP config of network i with IPv6Mode
// set, without gateways (which would compete across networks).
func genFamilyIPConfig(t *rapid.T, i int, pod bool) *netconfig.IPConfig {
	m4 := rapid.SampledFrom(modes4).Draw(t, "mode")
	if pod {
		m4 = rapid.SampledFrom([]netconfig.Mode{netconfig.ModeDHCP, netconfig.ModeNone}).Draw(t, "podMode")
	}
	c := &netconfig.IPConfig{Mode: m4, IPv6Mode: rapid.SampledFrom(modes6).Draw(t, "ipv6Mode")}
	if m4 == netconfig.ModeStatic {
		c.Addresses = append(c.Addresses, subnet4(i, 10+rapid.IntRange(0, 5).Draw(t, "host4")))
	}
	if c.IPv6Mode == netconfig.ModeStatic {
		if pod {
			c.Addresses = append(c.Addresses, prefix("fd10:0:2::2/120"))
		} else {
			c.Addresses = append(c.Addresses, subnet6(i, 0x200+rapid.IntRange(0, 5).Draw(t, "host6")))
		}
	}
	return c
}

// TestFamilyModesRoundTrip: whatever the modes of each family, the
// rendered config parses back with exactly the asked family modes: dhcp4
// for DHCPv4, dhcp6 for DHCPv6, accept-ra true for SLAAC and false for no
// IPv6, addresses of a family only when it is static.
func TestFamilyModesRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spec := netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{podMasquerade(genFamilyIPConfig(t, 0, true))}}
		secondaries := rapid.IntRange(0, 3).Draw(t, "secondaries")
		for i := 1; i <= secondaries; i++ {
			spec.Networks = append(spec.Networks, netconfig.Network{
				Name: "net" + string(rune('0'+i)), Source: netconfig.SourceMultus, NetworkName: "nad", Binding: netconfig.BindingBridge,
				MAC: mac(i, 1), IPConfig: genFamilyIPConfig(t, i, false),
			})
		}
		res, err := netconfig.Build(spec)
		if err != nil {
			t.Fatalf("valid spec refused: %v", err)
		}
		back, err := netplan.Parse(res.YAML)
		if err != nil {
			t.Fatalf("output does not parse: %v", err)
		}
		for i, n := range spec.Networks {
			c := n.IPConfig
			e, ok := back.Network.Ethernets[res.Interfaces[i].Name]
			require.True(t, ok, "network %d has no entry", i)
			assert.Equal(t, c.Mode == netconfig.ModeDHCP, e.DHCP4, "dhcp4 of %s", n.Name)
			assert.Equal(t, c.IPv6Mode == netconfig.ModeDHCP, e.DHCP6, "dhcp6 of %s", n.Name)
			switch c.IPv6Mode {
			case netconfig.ModeSLAAC:
				assert.Equal(t, boolp(true), e.AcceptRA, "accept-ra of %s", n.Name)
			case netconfig.ModeNone:
				assert.Equal(t, boolp(false), e.AcceptRA, "accept-ra of %s", n.Name)
			default:
				assert.Nil(t, e.AcceptRA, "accept-ra of %s", n.Name)
			}
			var has4, has6 bool
			for _, a := range e.Addresses {
				p := netip.MustParsePrefix(a)
				has4, has6 = has4 || p.Addr().Is4(), has6 || p.Addr().Is6()
			}
			assert.Equal(t, c.Mode == netconfig.ModeStatic, has4, "IPv4 addresses of %s", n.Name)
			assert.Equal(t, c.IPv6Mode == netconfig.ModeStatic, has6, "IPv6 addresses of %s", n.Name)
			wantWarning := c.IPv6Mode == netconfig.ModeSLAAC || c.IPv6Mode == netconfig.ModeNone
			assert.Equal(t, wantWarning, contains(warningCodes(res, n.Name), netconfig.WarningAcceptRANotPortable), "AcceptRANotPortable of %s", n.Name)
		}
	})
}

func contains[T comparable](list []T, v T) bool {
	for _, e := range list {
		if e == v {
			return true
		}
	}
	return false
}

// TestPodNetworkNeverStaticIPv4: static IPv4 on the pod network is always
// refused, at its mode, whatever the binding and the IPv6 mode.
func TestPodNetworkNeverStaticIPv4(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genFamilyIPConfig(t, 0, false)
		c.Mode = netconfig.ModeStatic
		c.IPv6Mode = rapid.SampledFrom(append([]netconfig.Mode{""}, modes6...)).Draw(t, "ipv6Mode")
		if !contains(c.Addresses, subnet4(0, 10)) && rapid.Bool().Draw(t, "withAddress") {
			c.Addresses = append(c.Addresses, subnet4(0, 10))
		}
		n := podMasquerade(c)
		n.Binding = rapid.SampledFrom([]string{"", netconfig.BindingMasquerade, netconfig.BindingBridge, netconfig.BindingPasst, "macvtap"}).Draw(t, "binding")
		_, err := netconfig.Build(netconfig.Spec{Networks: []netconfig.Network{n}})
		var invalid *netconfig.ValidationError
		require.True(t, errors.As(err, &invalid), "a static IPv4 pod network was accepted: %v", err)
		assert.True(t, contains(fieldsOf(invalid), "networks[0].ipConfig.mode"), "no error at the mode: %v", err)
	})
}

// TestPodNetworkStaticIPv6OnlyWithMasquerade: static IPv6 on the pod
// network is accepted exactly when its binding is masquerade.
func TestPodNetworkStaticIPv6OnlyWithMasquerade(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := podMasquerade(netconfig.MasqueradeDualStack())
		n.IPConfig.Mode = rapid.SampledFrom([]netconfig.Mode{netconfig.ModeDHCP, netconfig.ModeNone}).Draw(t, "mode")
		n.Binding = rapid.SampledFrom([]string{"", netconfig.BindingMasquerade, netconfig.BindingBridge, netconfig.BindingPasst, netconfig.BindingSRIOV, "macvtap"}).Draw(t, "binding")
		_, err := netconfig.Build(netconfig.Spec{Networks: []netconfig.Network{n}})
		if n.Binding == netconfig.BindingMasquerade {
			require.NoError(t, err)
			return
		}
		var invalid *netconfig.ValidationError
		require.True(t, errors.As(err, &invalid), "static IPv6 accepted with binding %q", n.Binding)
		assert.Equal(t, []string{"networks[0].ipConfig.ipv6Mode"}, fieldsOf(invalid))
	})
}

func fieldsOf(e *netconfig.ValidationError) []string {
	var out []string
	for _, fe := range e.Errors {
		out = append(out, fe.Field)
	}
	return out
}
