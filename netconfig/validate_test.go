package netconfig_test

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seedSpec is the seed's VM: the pod network and one static bridge
// network, each with a MAC.
func seedSpec() netconfig.Spec {
	return netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade, MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
		{
			Name: "external", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge,
			MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc"),
			IPConfig: &netconfig.IPConfig{
				Mode:        netconfig.ModeStatic,
				Addresses:   []netip.Prefix{netip.MustParsePrefix("192.168.0.200/24")},
				Gateways:    []netip.Addr{netip.MustParseAddr("192.168.0.1")},
				Nameservers: netconfig.Nameservers{Addresses: []netip.Addr{netip.MustParseAddr("192.168.0.1")}},
			},
		},
	}}
}

func ip(s string) netip.Addr       { return netip.MustParseAddr(s) }
func prefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func metric(m uint32) *uint32      { return &m }

// ext returns the seed's secondary IP config, to be changed by a test.
func ext(s *netconfig.Spec) *netconfig.IPConfig { return s.Networks[1].IPConfig }

func TestValidationErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *netconfig.Spec)
		opts   []netconfig.Option
		// want maps each expected field path to a fragment of its message.
		want map[string]string
	}{
		{
			name: "static pod network",
			mutate: func(s *netconfig.Spec) {
				s.Networks[0].IPConfig = &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{prefix("10.0.2.2/24")}}
			},
			want: map[string]string{"networks[0].ipConfig.mode": "never gets static addressing"},
		},
		{
			name:   "namespace that is not a DNS label",
			mutate: func(s *netconfig.Spec) { s.Namespace = "VMs/x" },
			want:   map[string]string{"namespace": "RFC 1123 label"},
		},
		{
			name:   "static without an address",
			mutate: func(s *netconfig.Spec) { ext(s).Addresses = nil; ext(s).Gateways = nil },
			want:   map[string]string{"networks[1].ipConfig.addresses": "at least one address"},
		},
		{
			name:   "missing mode",
			mutate: func(s *netconfig.Spec) { ext(s).Mode = "" },
			want: map[string]string{
				"networks[1].ipConfig.mode":      "one of static, dhcp or none",
				"networks[1].ipConfig.addresses": "only for static mode",
				"networks[1].ipConfig.gateways":  "only for static mode",
			},
		},
		{
			name:   "unknown mode",
			mutate: func(s *netconfig.Spec) { ext(s).Mode = "Static" },
			want: map[string]string{
				"networks[1].ipConfig.mode":      `"Static"`,
				"networks[1].ipConfig.addresses": "only for static mode",
				"networks[1].ipConfig.gateways":  "only for static mode",
			},
		},
		{
			name:   "gateway outside every subnet",
			mutate: func(s *netconfig.Spec) { ext(s).Gateways = []netip.Addr{ip("192.168.1.1")} },
			want:   map[string]string{"networks[1].ipConfig.gateways[0]": "not inside the interface's IPv4 subnets (192.168.0.0/24)"},
		},
		{
			name:   "gateway of a family with no address",
			mutate: func(s *netconfig.Spec) { ext(s).Gateways = append(ext(s).Gateways, ip("fd00::1")) },
			want:   map[string]string{"networks[1].ipConfig.gateways[1]": "no IPv6 address"},
		},
		{
			name:   "two gateways of one family",
			mutate: func(s *netconfig.Spec) { ext(s).Gateways = append(ext(s).Gateways, ip("192.168.0.2")) },
			want:   map[string]string{"networks[1].ipConfig.gateways[1]": "at most one default gateway per address family"},
		},
		{
			name:   "gateway is the interface's own address",
			mutate: func(s *netconfig.Spec) { ext(s).Gateways = []netip.Addr{ip("192.168.0.200")} },
			want:   map[string]string{"networks[1].ipConfig.gateways[0]": "own address"},
		},
		{
			name: "bad addresses",
			mutate: func(s *netconfig.Spec) {
				ext(s).Addresses = append(ext(s).Addresses, prefix("192.168.0.0/24"), prefix("192.168.0.255/24"),
					prefix("224.0.0.1/4"), prefix("127.0.0.2/8"), prefix("0.0.0.0/8"), prefix("::ffff:10.0.0.1/120"), prefix("192.168.0.200/24"), netip.Prefix{})
			},
			want: map[string]string{
				"networks[1].ipConfig.addresses[1]": "network address of 192.168.0.0/24",
				"networks[1].ipConfig.addresses[2]": "broadcast address",
				"networks[1].ipConfig.addresses[3]": "multicast",
				"networks[1].ipConfig.addresses[4]": "loopback",
				"networks[1].ipConfig.addresses[5]": "unspecified",
				"networks[1].ipConfig.addresses[6]": "IPv4-mapped",
				"networks[1].ipConfig.addresses[7]": "same address as addresses[0]",
				"networks[1].ipConfig.addresses[8]": "not an address with a prefix length",
			},
		},
		{
			name: "duplicate network names",
			mutate: func(s *netconfig.Spec) {
				s.Networks = append(s.Networks, netconfig.Network{Name: "external", Source: netconfig.SourceMultus, NetworkName: "other"})
			},
			want: map[string]string{"networks[2].name": "networks[1] has the same name"},
		},
		{
			name: "duplicate MACs, multicast and broadcast MACs",
			mutate: func(s *netconfig.Spec) {
				s.Networks[1].MAC = s.Networks[0].MAC
				s.Networks = append(s.Networks,
					netconfig.Network{Name: "m", Source: netconfig.SourceMultus, NetworkName: "n", MAC: netconfig.MustParseMAC("01:00:5e:00:00:01")},
					netconfig.Network{Name: "b", Source: netconfig.SourceMultus, NetworkName: "n", MAC: netconfig.MustParseMAC("ff:ff:ff:ff:ff:ff")})
			},
			want: map[string]string{
				"networks[1].macAddress": `networks[0] ("default") has the same MAC`,
				"networks[2].macAddress": "multicast",
				"networks[3].macAddress": "broadcast",
			},
		},
		{
			name: "the same address on two networks",
			mutate: func(s *netconfig.Spec) {
				s.Networks = append(s.Networks, netconfig.Network{Name: "again", Source: netconfig.SourceMultus, NetworkName: "n",
					IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{prefix("192.168.0.200/16")}}})
			},
			want: map[string]string{"networks[2].ipConfig.addresses[0]": `the same address is on networks[1] ("external")`},
		},
		{
			name: "bad nameservers and search domains",
			mutate: func(s *netconfig.Spec) {
				ext(s).Nameservers = netconfig.Nameservers{
					Addresses: []netip.Addr{ip("0.0.0.0"), ip("224.0.0.1"), ip("fe80::1%eth0"), ip("1.1.1.1"), ip("1.1.1.1"), {}},
					Search:    []string{"example.internal", "-bad.example", "a..b", "has space.example", "Example.Internal."},
				}
			},
			want: map[string]string{
				"networks[1].ipConfig.nameservers.addresses[0]": "not the unicast address",
				"networks[1].ipConfig.nameservers.addresses[1]": "not the unicast address",
				"networks[1].ipConfig.nameservers.addresses[2]": "zone",
				"networks[1].ipConfig.nameservers.addresses[4]": "Duplicate value",
				"networks[1].ipConfig.nameservers.addresses[5]": "not an IP address",
				"networks[1].ipConfig.nameservers.search[1]":    "cannot start or end with '-'",
				"networks[1].ipConfig.nameservers.search[2]":    "1 to 63 characters",
				"networks[1].ipConfig.nameservers.search[3]":    "only letters, digits",
				"networks[1].ipConfig.nameservers.search[4]":    "Duplicate value",
			},
		},
		{
			name: "bad routes",
			mutate: func(s *netconfig.Spec) {
				ext(s).Routes = []netconfig.Route{
					{To: prefix("10.10.0.0/16"), Via: ip("10.0.0.1")},
					{To: prefix("10.10.0.1/16"), Via: ip("192.168.0.254")},
					{To: prefix("fd00:20::/48"), Via: ip("192.168.0.254")},
					{To: prefix("10.20.0.0/16")},
					{To: prefix("10.30.0.0/16"), Via: ip("192.168.0.254"), Metric: metric(5)},
					{To: prefix("10.30.0.0/16"), Via: ip("192.168.0.253"), Metric: metric(5)},
				}
			},
			want: map[string]string{
				"networks[1].ipConfig.routes[0].via": "not inside the interface's IPv4 subnets",
				"networks[1].ipConfig.routes[1].to":  "host bits are set; the destination is 10.10.0.0/16",
				"networks[1].ipConfig.routes[2].via": "an IPv4 next hop for an IPv6 destination",
				"networks[1].ipConfig.routes[3].via": "needs a next hop",
				"networks[1].ipConfig.routes[5].to":  "routes[4] has the same destination and metric",
			},
		},
		{
			name: "two IPv4 default routes without distinct metrics",
			mutate: func(s *netconfig.Spec) {
				s.Networks = append(s.Networks, netconfig.Network{Name: "second", Source: netconfig.SourceMultus, NetworkName: "n", MAC: netconfig.MustParseMAC("02:00:00:00:00:09"),
					IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{prefix("10.1.0.5/24")},
						Routes: []netconfig.Route{{To: prefix("0.0.0.0/0"), Via: ip("10.1.0.1")}}}})
			},
			want: map[string]string{"networks[2].ipConfig.routes[0]": "a second IPv4 default route with metric 0 (the first is networks[1].ipConfig.gateways[0])"},
		},
		{
			name: "IPv6 default route with a metric in the portable style",
			mutate: func(s *netconfig.Spec) {
				ext(s).Addresses = append(ext(s).Addresses, prefix("fd00::5/64"))
				ext(s).Routes = []netconfig.Route{{To: prefix("::/0"), Via: ip("fd00::1"), Metric: metric(50)}}
			},
			want: map[string]string{"networks[1].ipConfig.routes[0].metric": "DefaultRouteNetplan"},
		},
		{
			name: "MTU out of range, and below IPv6's minimum",
			mutate: func(s *netconfig.Spec) {
				ext(s).MTU = 70000
				s.Networks = append(s.Networks, netconfig.Network{Name: "v6", Source: netconfig.SourceMultus, NetworkName: "n",
					IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{prefix("fd00::5/64")}, MTU: 1000}})
			},
			want: map[string]string{
				"networks[1].ipConfig.mtu": "between 68 and 65535",
				"networks[2].ipConfig.mtu": "IPv6 needs at least 1280",
			},
		},
		{
			name: "fields that do not fit the mode",
			mutate: func(s *netconfig.Spec) {
				s.Networks = append(s.Networks,
					netconfig.Network{Name: "d", Source: netconfig.SourceMultus, NetworkName: "n", IPConfig: &netconfig.IPConfig{
						Mode: netconfig.ModeDHCP, Addresses: []netip.Prefix{prefix("10.9.0.5/24")}, Gateways: []netip.Addr{ip("10.9.0.1")}}},
					netconfig.Network{Name: "n", Source: netconfig.SourceMultus, NetworkName: "n", IPConfig: &netconfig.IPConfig{
						Mode: netconfig.ModeNone, DHCP6: true, Routes: []netconfig.Route{{To: prefix("10.0.0.0/8"), Via: ip("10.9.0.1")}},
						Nameservers: netconfig.Nameservers{Search: []string{"example.internal"}}}})
			},
			want: map[string]string{
				"networks[2].ipConfig.addresses":   "only for static mode, not dhcp mode",
				"networks[2].ipConfig.gateways":    "only for static mode",
				"networks[3].ipConfig.dhcp6":       "only for dhcp mode",
				"networks[3].ipConfig.routes":      "mode none",
				"networks[3].ipConfig.nameservers": "mode none",
			},
		},
		{
			name: "sources, attachment names, bindings and PCI addresses",
			mutate: func(s *netconfig.Spec) {
				s.Networks = append(s.Networks,
					netconfig.Network{Name: "nonad", Source: netconfig.SourceMultus},
					netconfig.Network{Name: "badnad", Source: netconfig.SourceMultus, NetworkName: "Bad_NS/ext"},
					netconfig.Network{Name: "podnad", Source: netconfig.SourcePod, NetworkName: "ext"},
					netconfig.Network{Name: "odd", Source: "bridge"},
					netconfig.Network{Name: "masq", Source: netconfig.SourceMultus, NetworkName: "n", Binding: netconfig.BindingMasquerade, PCIAddress: "81:00.1"},
					netconfig.Network{Name: "bad binding", Source: netconfig.SourceMultus, NetworkName: "n", Binding: "bridge\nx: y"},
					netconfig.Network{Name: "", Source: netconfig.SourceMultus, NetworkName: "n"})
			},
			want: map[string]string{
				"networks[2].networkName": "names its NetworkAttachmentDefinition",
				"networks[3].networkName": "namespace:",
				"networks[4].networkName": "only a Multus network",
				"networks[4]":             "at most one pod network (or Multus default network",
				"networks[5].source":      `"bridge"`,
				"networks[6].binding":     "only for the pod network",
				"networks[6].pciAddress":  "0000:81:00.1",
				"networks[7].binding":     "only letters, digits",
				"networks[8].name":        "every network needs the name",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := seedSpec()
			tt.mutate(&spec)
			requireInvalid(t, spec, tt.opts, tt.want)
		})
	}
}

// requireInvalid checks that Build refuses spec, given opts, with no
// output and a *netconfig.ValidationError holding exactly one problem at
// each path of want, whose message holds the fragment want gives for the
// path, and no other problem.
func requireInvalid(t *testing.T, spec netconfig.Spec, opts []netconfig.Option, want map[string]string) {
	t.Helper()
	res, err := netconfig.Build(spec, opts...)
	require.Error(t, err)
	assert.Empty(t, res.YAML, "output emitted for invalid input")
	var invalid *netconfig.ValidationError
	require.True(t, errors.As(err, &invalid))
	got := map[string]string{}
	for _, fe := range invalid.Errors {
		got[fe.Field] += fe.Error() + "\n"
	}
	for path, fragment := range want {
		if assert.Contains(t, got, path, "no error for %s; got %v", path, invalid.Errors) {
			assert.Contains(t, got[path], fragment, "error for %s", path)
		}
	}
	assert.Len(t, invalid.Errors, len(want), "unexpected errors: %v", invalid.Errors)
}

func TestValidSpecsPass(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *netconfig.Spec)
		opts   []netconfig.Option
	}{
		{name: "the seed", mutate: func(*netconfig.Spec) {}},
		{name: "IPv6 link-local gateway", mutate: func(s *netconfig.Spec) {
			ext(s).Addresses = append(ext(s).Addresses, prefix("fd00::5/64"))
			ext(s).Gateways = append(ext(s).Gateways, ip("fe80::1"))
		}},
		{name: "point-to-point /31 and /32 addresses", mutate: func(s *netconfig.Spec) {
			ext(s).Addresses = []netip.Prefix{prefix("192.168.0.0/31"), prefix("10.0.0.1/32")}
			ext(s).Gateways = []netip.Addr{ip("192.168.0.1")}
		}},
		{name: "two IPv4 default routes with distinct metrics", mutate: func(s *netconfig.Spec) {
			ext(s).Routes = []netconfig.Route{{To: prefix("0.0.0.0/0"), Via: ip("192.168.0.2"), Metric: metric(200)}}
		}},
		{name: "IPv6 default route with a metric, netplan style", mutate: func(s *netconfig.Spec) {
			ext(s).Addresses = append(ext(s).Addresses, prefix("fd00::5/64"))
			ext(s).Routes = []netconfig.Route{{To: prefix("::/0"), Via: ip("fd00::1"), Metric: metric(50)}}
		}, opts: []netconfig.Option{netconfig.WithDefaultRouteStyle(netconfig.DefaultRouteNetplan)}},
		{name: "dhcp with dhcp6, routes and DNS", mutate: func(s *netconfig.Spec) {
			s.Networks[1].IPConfig = &netconfig.IPConfig{Mode: netconfig.ModeDHCP, DHCP6: true, MTU: 1500,
				Routes:      []netconfig.Route{{To: prefix("10.0.0.0/8"), Via: ip("192.168.0.1")}},
				Nameservers: netconfig.Nameservers{Search: []string{"example.internal."}}}
		}},
		{name: "qualified attachment and binding plugin", mutate: func(s *netconfig.Spec) {
			s.Networks[1].NetworkName = "other-ns/ext-net"
			s.Networks[1].Binding = "macvtap"
			s.Networks[1].PCIAddress = "0000:02:01.0"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := seedSpec()
			tt.mutate(&spec)
			res, err := netconfig.Build(spec, tt.opts...)
			require.NoError(t, err)
			assert.NotEmpty(t, res.YAML)
		})
	}
}

func TestValidationErrorMessage(t *testing.T) {
	spec := seedSpec()
	ext(&spec).Gateways = []netip.Addr{ip("10.0.0.1")}
	ext(&spec).MTU = 1
	_, err := netconfig.Build(spec)
	require.Error(t, err)
	assert.Equal(t, `2 problems: networks[1].ipConfig.gateways[0]: Invalid value: "10.0.0.1": not inside the interface's IPv4 subnets (192.168.0.0/24), so the guest cannot reach it; networks[1].ipConfig.mtu: Invalid value: 1: must be between 68 and 65535`, err.Error())
}
