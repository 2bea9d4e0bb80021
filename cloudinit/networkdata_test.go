package cloudinit_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guestnet/guestnet/cloudinit"
	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/netplan"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func ip(s string) netip.Addr       { return netip.MustParseAddr(s) }
func prefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func metric(m uint32) *uint32      { return &m }

// seedSpec is the seed's VM: the pod network by DHCP and a Multus bridge
// network with a static address, gateway and nameserver.
func seedSpec() netconfig.Spec {
	return netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
		{
			Name: "external", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge,
			MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc"),
			IPConfig: &netconfig.IPConfig{
				Mode:        netconfig.ModeStatic,
				Addresses:   []netip.Prefix{prefix("192.168.0.200/24")},
				Gateways:    []netip.Addr{ip("192.168.0.1")},
				Nameservers: netconfig.Nameservers{Addresses: []netip.Addr{ip("192.168.0.1")}},
			},
		},
	}}
}

// dualStackSpec is a VM whose MACs are all known, with the pod network, a
// dual-stack static network (gateways of both families, DNS, a search
// domain, routes of both families, one with a metric, MTU 9000), a DHCP
// network with DHCPv6, and an IPv6-only static network.
func dualStackSpec() netconfig.Spec {
	return netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
		{
			Name: "storage", Source: netconfig.SourceMultus, NetworkName: "storage-net", Binding: netconfig.BindingBridge,
			MAC: netconfig.MustParseMAC("52:54:00:12:34:56"),
			IPConfig: &netconfig.IPConfig{
				Mode:      netconfig.ModeStatic,
				Addresses: []netip.Prefix{prefix("10.20.0.10/24"), prefix("fd00:20::10/64")},
				Gateways:  []netip.Addr{ip("10.20.0.1"), ip("fd00:20::1")},
				Nameservers: netconfig.Nameservers{
					Addresses: []netip.Addr{ip("10.20.0.53"), ip("fd00:20::53")},
					Search:    []string{"storage.example.internal"},
				},
				Routes: []netconfig.Route{
					{To: prefix("10.30.0.0/16"), Via: ip("10.20.0.254"), Metric: metric(100)},
					{To: prefix("fd00:30::/48"), Via: ip("fd00:20::fe")},
				},
				MTU: 9000,
			},
		},
		{
			Name: "mgmt", Source: netconfig.SourceMultus, NetworkName: "infra/mgmt-net", Binding: netconfig.BindingBridge,
			MAC:      netconfig.MustParseMAC("02:00:00:00:00:03"),
			IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP, DHCP6: true},
		},
		{
			Name: "v6", Source: netconfig.SourceMultus, NetworkName: "v6-net", Binding: netconfig.BindingBridge,
			MAC: netconfig.MustParseMAC("02:00:00:00:06:01"),
			IPConfig: &netconfig.IPConfig{
				Mode:      netconfig.ModeStatic,
				Addresses: []netip.Prefix{prefix("fd00:40::10/128")},
				Routes:    []netconfig.Route{{To: prefix("fd00:41::/56"), Via: ip("fe80::1")}},
			},
		},
	}}
}

func mustBuild(t testing.TB, spec netconfig.Spec, opts ...netconfig.Option) netconfig.Result {
	t.Helper()
	res, err := netconfig.Build(spec, opts...)
	require.NoError(t, err)
	return res
}

func TestNetworkDataJSONGolden(t *testing.T) {
	tests := []struct {
		name string
		spec netconfig.Spec
		opts []netconfig.Option
	}{
		{name: "seed", spec: seedSpec()},
		{name: "dual-stack", spec: dualStackSpec()},
		// netplan-style default routes ("to: default") give the same JSON.
		{name: "dual-stack", spec: dualStackSpec(), opts: []netconfig.Option{netconfig.WithDefaultRouteStyle(netconfig.DefaultRouteNetplan)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cloudinit.NetworkDataJSON(mustBuild(t, tt.spec, tt.opts...).Config)
			require.NoError(t, err)
			golden := filepath.Join("testdata", tt.name+".network_data.json")
			if *update && len(tt.opts) == 0 {
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./cloudinit -run TestNetworkDataJSONGolden -update to create it")
			// Compare indented first, for a readable diff, then byte for byte.
			assert.Equal(t, indent(t, want), indent(t, got))
			assert.Equal(t, string(want), string(got))
		})
	}
}

// indent re-indents a JSON document.
func indent(t *testing.T, b []byte) string {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, json.Indent(&out, b, "", "  "), "%s", b)
	return out.String()
}

func TestNetworkDataJSON(t *testing.T) {
	mac := &netplan.Match{MACAddress: "02:00:00:00:00:02"}
	yes, no := true, false
	cfg := func(e netplan.Ethernet) netplan.Config {
		return netplan.Config{Network: netplan.Network{Version: 2, Ethernets: map[string]netplan.Ethernet{"eth1": e}}}
	}
	tests := []struct {
		name string
		cfg  netplan.Config
		want string
	}{
		{
			name: "no interfaces: the three empty lists",
			cfg:  netplan.Config{Network: netplan.Network{Version: 2}},
			want: `{"links":[],"networks":[],"services":[]}`,
		},
		{
			name: "the seed: a DHCP pod NIC and a static NIC with a gateway and DNS",
			cfg:  mustBuild(t, seedSpec()).Config,
			want: `{
				"links": [
					{"id": "eth0", "type": "phy", "ethernet_mac_address": "02:00:00:00:00:01", "name": "eth0"},
					{"id": "eth1", "type": "phy", "ethernet_mac_address": "02:00:00:aa:bb:cc", "name": "eth1"}
				],
				"networks": [
					{"id": "network0", "type": "ipv4_dhcp", "link": "eth0"},
					{"id": "network1", "type": "ipv4", "link": "eth1", "ip_address": "192.168.0.200", "netmask": "255.255.255.0",
					 "routes": [{"network": "0.0.0.0", "netmask": "0.0.0.0", "gateway": "192.168.0.1"}],
					 "dns_nameservers": ["192.168.0.1"],
					 "services": [{"type": "dns", "address": "192.168.0.1"}]}
				],
				"services": []
			}`,
		},
		{
			name: "IPv6: the netmask as a mask, gateway6 as a route to ::/::, MTU on the link",
			cfg: cfg(netplan.Ethernet{Match: mac, Addresses: []string{"fd00::10/64"}, Gateway6: "fd00::1", MTU: 1400,
				Routes: []netplan.Route{{To: "fd00:1::/48", Via: "fd00::fe", Metric: metric(7)}}}),
			want: `{
				"links": [{"id": "eth1", "type": "phy", "ethernet_mac_address": "02:00:00:00:00:02", "mtu": 1400}],
				"networks": [
					{"id": "network0", "type": "ipv6", "link": "eth1", "ip_address": "fd00::10", "netmask": "ffff:ffff:ffff:ffff::",
					 "routes": [
						{"network": "::", "netmask": "::", "gateway": "fd00::1"},
						{"network": "fd00:1::", "netmask": "ffff:ffff:ffff::", "gateway": "fd00::fe", "metric": 7}
					 ]}
				],
				"services": []
			}`,
		},
		{
			name: "to: default and 0.0.0.0/0 are both default routes",
			cfg: cfg(netplan.Ethernet{Match: mac, Addresses: []string{"10.0.0.5/32", "fd00::5/128"},
				Routes: []netplan.Route{{To: "default", Via: "10.0.0.1"}, {To: "default", Via: "fe80::1"}, {To: "0.0.0.0/0", Via: "10.0.0.2"}}}),
			want: `{
				"links": [{"id": "eth1", "type": "phy", "ethernet_mac_address": "02:00:00:00:00:02"}],
				"networks": [
					{"id": "network0", "type": "ipv4", "link": "eth1", "ip_address": "10.0.0.5", "netmask": "255.255.255.255",
					 "routes": [{"network": "0.0.0.0", "netmask": "0.0.0.0", "gateway": "10.0.0.1"}, {"network": "0.0.0.0", "netmask": "0.0.0.0", "gateway": "10.0.0.2"}]},
					{"id": "network1", "type": "ipv6", "link": "eth1", "ip_address": "fd00::5", "netmask": "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
					 "routes": [{"network": "::", "netmask": "::", "gateway": "fe80::1"}]}
				],
				"services": []
			}`,
		},
		{
			name: "a route goes to the network whose subnet holds its gateway",
			cfg:  cfg(netplan.Ethernet{Match: mac, Addresses: []string{"10.0.0.5/24", "10.1.0.5/24"}, Gateway4: "10.1.0.1"}),
			want: `{
				"links": [{"id": "eth1", "type": "phy", "ethernet_mac_address": "02:00:00:00:00:02"}],
				"networks": [
					{"id": "network0", "type": "ipv4", "link": "eth1", "ip_address": "10.0.0.5", "netmask": "255.255.255.0"},
					{"id": "network1", "type": "ipv4", "link": "eth1", "ip_address": "10.1.0.5", "netmask": "255.255.255.0",
					 "routes": [{"network": "0.0.0.0", "netmask": "0.0.0.0", "gateway": "10.1.0.1"}]}
				],
				"services": []
			}`,
		},
		{
			name: "DHCP of both families; DNS on the first network; the MAC normalised",
			cfg: cfg(netplan.Ethernet{Match: &netplan.Match{MACAddress: "02-00-00-AA-BB-CC"}, SetName: "eth1", DHCP4: true, DHCP6: true,
				Nameservers: &netplan.Nameservers{Addresses: []string{"10.0.0.53"}, Search: []string{"example.internal"}}}),
			want: `{
				"links": [{"id": "eth1", "type": "phy", "ethernet_mac_address": "02:00:00:aa:bb:cc", "name": "eth1"}],
				"networks": [
					{"id": "network0", "type": "ipv4_dhcp", "link": "eth1", "dns_nameservers": ["10.0.0.53"], "dns_search": ["example.internal"],
					 "services": [{"type": "dns", "address": "10.0.0.53"}]},
					{"id": "network1", "type": "ipv6_dhcp", "link": "eth1"}
				],
				"services": []
			}`,
		},
		{
			// KubeVirt's masquerade dual-stack (tests/libnet/cloudinit/cloudinit.go,
			// CreateDefaultCloudInitNetworkData): DHCPv4 beside a static IPv6 address.
			name: "DHCPv4 beside a static IPv6 address and its default route",
			cfg:  cfg(netplan.Ethernet{Match: mac, DHCP4: true, Addresses: []string{"fd10:0:2::2/120"}, Gateway6: "fd10:0:2::1"}),
			want: `{
				"links": [{"id": "eth1", "type": "phy", "ethernet_mac_address": "02:00:00:00:00:02"}],
				"networks": [
					{"id": "network0", "type": "ipv6", "link": "eth1", "ip_address": "fd10:0:2::2", "netmask": "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00",
					 "routes": [{"network": "::", "netmask": "::", "gateway": "fd10:0:2::1"}]},
					{"id": "network1", "type": "ipv4_dhcp", "link": "eth1"}
				],
				"services": []
			}`,
		},
		{
			name: "static IPv4 beside SLAAC (accept-ra: true)",
			cfg:  cfg(netplan.Ethernet{Match: mac, Addresses: []string{"10.0.0.5/24"}, AcceptRA: &yes}),
			want: `{
				"links": [{"id": "eth1", "type": "phy", "ethernet_mac_address": "02:00:00:00:00:02"}],
				"networks": [
					{"id": "network0", "type": "ipv4", "link": "eth1", "ip_address": "10.0.0.5", "netmask": "255.255.255.0"},
					{"id": "network1", "type": "ipv6_slaac", "link": "eth1"}
				],
				"services": []
			}`,
		},
		{
			name: "static IPv4 beside DHCPv6",
			cfg:  cfg(netplan.Ethernet{Match: mac, Addresses: []string{"10.0.0.5/24"}, DHCP6: true}),
			want: `{
				"links": [{"id": "eth1", "type": "phy", "ethernet_mac_address": "02:00:00:00:00:02"}],
				"networks": [
					{"id": "network0", "type": "ipv4", "link": "eth1", "ip_address": "10.0.0.5", "netmask": "255.255.255.0"},
					{"id": "network1", "type": "ipv6_dhcp", "link": "eth1"}
				],
				"services": []
			}`,
		},
		{
			name: "accept-ra: false beside a static IPv6 address, which turns router advertisements off anyway",
			cfg:  cfg(netplan.Ethernet{Match: mac, Addresses: []string{"fd00::5/64"}, AcceptRA: &no}),
			want: `{
				"links": [{"id": "eth1", "type": "phy", "ethernet_mac_address": "02:00:00:00:00:02"}],
				"networks": [{"id": "network0", "type": "ipv6", "link": "eth1", "ip_address": "fd00::5", "netmask": "ffff:ffff:ffff:ffff::"}],
				"services": []
			}`,
		},
		{
			name: "links are sorted by id and networks numbered through the document",
			cfg: netplan.Config{Network: netplan.Network{Version: 2, Ethernets: map[string]netplan.Ethernet{
				"eth10": {Match: &netplan.Match{MACAddress: "02:00:00:00:00:10"}, DHCP4: true},
				"eth2":  {Match: &netplan.Match{MACAddress: "02:00:00:00:00:02"}, DHCP4: true},
				"eth1":  {Match: &netplan.Match{MACAddress: "02:00:00:00:00:01"}, DHCP4: true},
			}}},
			want: `{
				"links": [
					{"id": "eth1", "type": "phy", "ethernet_mac_address": "02:00:00:00:00:01"},
					{"id": "eth10", "type": "phy", "ethernet_mac_address": "02:00:00:00:00:10"},
					{"id": "eth2", "type": "phy", "ethernet_mac_address": "02:00:00:00:00:02"}
				],
				"networks": [
					{"id": "network0", "type": "ipv4_dhcp", "link": "eth1"},
					{"id": "network1", "type": "ipv4_dhcp", "link": "eth10"},
					{"id": "network2", "type": "ipv4_dhcp", "link": "eth2"}
				],
				"services": []
			}`,
		},
		{
			name: "a link with no address keeps its MTU",
			cfg:  cfg(netplan.Ethernet{Match: mac, SetName: "eth1", MTU: 9000}),
			want: `{"links": [{"id": "eth1", "type": "phy", "ethernet_mac_address": "02:00:00:00:00:02", "mtu": 9000, "name": "eth1"}], "networks": [], "services": []}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := deepCopyConfig(t, tt.cfg)
			got, err := cloudinit.NetworkDataJSON(tt.cfg)
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(got))
			assert.Equal(t, before, tt.cfg, "NetworkDataJSON modified its input")
			again, err := cloudinit.NetworkDataJSON(tt.cfg)
			require.NoError(t, err)
			assert.Equal(t, got, again, "not deterministic")
		})
	}
}

// deepCopyConfig copies a netplan.Config through JSON.
func deepCopyConfig(t *testing.T, c netplan.Config) netplan.Config {
	t.Helper()
	b, err := json.Marshal(c)
	require.NoError(t, err)
	var out netplan.Config
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

func TestNetworkDataJSONErrors(t *testing.T) {
	mac := &netplan.Match{MACAddress: "02:00:00:00:00:02"}
	yes, no := true, false
	cfg := func(e netplan.Ethernet) netplan.Config {
		return netplan.Config{Network: netplan.Network{Version: 2, Ethernets: map[string]netplan.Ethernet{"eth1": e}}}
	}
	nameOnly := mustBuild(t, func() netconfig.Spec {
		s := seedSpec()
		s.Networks[1].MAC = netconfig.MAC{}
		return s
	}())
	tests := []struct {
		name string
		cfg  netplan.Config
		want []string
	}{
		{
			name: "an interface matched by name only (netconfig's fallback without a MAC)",
			cfg:  nameOnly.Config,
			want: []string{"network.ethernets[eth1].match.macaddress", "ConfigDrive links are matched by MAC"},
		},
		{
			name: "a match by name",
			cfg:  cfg(netplan.Ethernet{Match: &netplan.Match{MACAddress: "02:00:00:00:00:02", Name: "enp*"}}),
			want: []string{"network.ethernets[eth1].match.name"},
		},
		{
			name: "a bad MAC",
			cfg:  cfg(netplan.Ethernet{Match: &netplan.Match{MACAddress: "02:00:00:00:00"}}),
			want: []string{"network.ethernets[eth1].match.macaddress", "02:00:00:00:00"},
		},
		{
			name: "a multicast MAC",
			cfg:  cfg(netplan.Ethernet{Match: &netplan.Match{MACAddress: "01:00:5e:00:00:01"}}),
			want: []string{"network.ethernets[eth1].match.macaddress", "multicast"},
		},
		{
			name: "version 1",
			cfg:  netplan.Config{Network: netplan.Network{Version: 1}},
			want: []string{"network.version"},
		},
		{
			name: "an address without a prefix length",
			cfg:  cfg(netplan.Ethernet{Match: mac, Addresses: []string{"10.0.0.5"}}),
			want: []string{"network.ethernets[eth1].addresses[0]"},
		},
		{
			name: "a gateway of a family without a static address",
			cfg:  cfg(netplan.Ethernet{Match: mac, DHCP4: true, Gateway4: "10.0.0.1"}),
			want: []string{"network.ethernets[eth1].gateway4", "no static IPv4 address"},
		},
		{
			name: "gateway6 that is IPv4",
			cfg:  cfg(netplan.Ethernet{Match: mac, Addresses: []string{"fd00::5/64"}, Gateway6: "10.0.0.1"}),
			want: []string{"network.ethernets[eth1].gateway6", "not an IPv6 address"},
		},
		{
			name: "a route whose gateway's family differs",
			cfg:  cfg(netplan.Ethernet{Match: mac, Addresses: []string{"10.0.0.5/24"}, Routes: []netplan.Route{{To: "10.1.0.0/16", Via: "fd00::1"}}}),
			want: []string{"network.ethernets[eth1].routes[0].via", "family"},
		},
		{
			name: "a route with host bits",
			cfg:  cfg(netplan.Ethernet{Match: mac, Addresses: []string{"10.0.0.5/24"}, Routes: []netplan.Route{{To: "10.1.2.3/16", Via: "10.0.0.1"}}}),
			want: []string{"network.ethernets[eth1].routes[0].to", "10.1.0.0/16"},
		},
		{
			name: "a gateway with a zone",
			cfg:  cfg(netplan.Ethernet{Match: mac, Addresses: []string{"fd00::5/64"}, Routes: []netplan.Route{{To: "::/0", Via: "fe80::1%eth1"}}}),
			want: []string{"network.ethernets[eth1].routes[0].via", "zone"},
		},
		{
			name: "an IPv4-mapped nameserver",
			cfg:  cfg(netplan.Ethernet{Match: mac, DHCP4: true, Nameservers: &netplan.Nameservers{Addresses: []string{"::ffff:10.0.0.53"}}}),
			want: []string{"network.ethernets[eth1].nameservers.addresses[0]", "dotted form"},
		},
		{
			name: "an IPv6 route on an IPv4-only interface",
			cfg:  cfg(netplan.Ethernet{Match: mac, Addresses: []string{"10.0.0.5/24"}, DHCP6: true, Routes: []netplan.Route{{To: "fd00:1::/48", Via: "fe80::1"}}}),
			want: []string{"network.ethernets[eth1].routes[0]", "no static IPv6 address"},
		},
		{
			name: "SLAAC beside a static IPv6 address",
			cfg:  cfg(netplan.Ethernet{Match: mac, Addresses: []string{"fd00::5/64"}, AcceptRA: &yes}),
			want: []string{"network.ethernets[eth1].accept-ra", "cannot carry SLAAC beside a static IPv6 address"},
		},
		{
			name: "router advertisements off without a static IPv6 address",
			cfg:  cfg(netplan.Ethernet{Match: mac, DHCP4: true, AcceptRA: &no}),
			want: []string{"network.ethernets[eth1].accept-ra", "no way to turn router advertisements off"},
		},
		{
			name: "nameservers on a link with no network",
			cfg:  cfg(netplan.Ethernet{Match: mac, Nameservers: &netplan.Nameservers{Addresses: []string{"10.0.0.53"}}}),
			want: []string{"network.ethernets[eth1].nameservers", "neither an address nor DHCP"},
		},
		{
			name: "every problem at once",
			cfg: netplan.Config{Network: netplan.Network{Version: 2, Ethernets: map[string]netplan.Ethernet{
				"eth0": {DHCP4: true},
				"eth1": {Match: mac, Addresses: []string{"bad"}, Nameservers: &netplan.Nameservers{Addresses: []string{"bad"}}},
			}}},
			want: []string{"network.ethernets[eth0].match.macaddress", "network.ethernets[eth1].addresses[0]", "network.ethernets[eth1].nameservers.addresses[0]"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cloudinit.NetworkDataJSON(tt.cfg)
			require.Error(t, err)
			assert.Nil(t, got)
			for _, s := range tt.want {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

// TestNetworkDataJSONFitsInline: the seed's and the dual-stack VM's
// network_data.json are small enough to go inline in a VM.
func TestNetworkDataJSONFitsInline(t *testing.T) {
	for _, spec := range []netconfig.Spec{seedSpec(), dualStackSpec()} {
		js, err := cloudinit.NetworkDataJSON(mustBuild(t, spec).Config)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(js), cloudinit.MaxInlineNetworkData)
		_, sec, err := cloudinit.SetConfigDriveNetworkData(newVM(), js)
		require.NoError(t, err)
		assert.Nil(t, sec)
	}
}
