package conformance

import (
	"net/netip"

	"github.com/guestnet/guestnet/netconfig"
)

func ip(s string) netip.Addr       { return netip.MustParseAddr(s) }
func prefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func metric(m uint32) *uint32      { return &m }

// scenario is one VM whose network config is rendered by every tool.
type scenario struct {
	name string
	spec netconfig.Spec
	// warnings are the codes Build must report, in any order.
	warnings []netconfig.WarningCode
}

// seedScenario is the seed's example: the pod network by DHCP and one
// Multus bridge network with a static IPv4 address, gateway and
// nameserver.
func seedScenario() scenario {
	return scenario{
		name: "seed",
		spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
			{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade, MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
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
		}},
		warnings: []netconfig.WarningCode{netconfig.WarningDefaultRouteOverridesPodNetwork},
	}
}

// dualStackScenario is a VM with the pod network and three Multus
// networks: a dual-stack static one with gateways of both families, DNS,
// a search domain, an IPv4 route with a metric, an IPv6 route and MTU
// 9000; a DHCP one; and a static one whose MAC is unknown, so that it is
// matched by name.
func dualStackScenario() scenario {
	return scenario{
		name: "dual-stack",
		spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
			{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade, MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
			{
				Name: "storage", Source: netconfig.SourceMultus, NetworkName: "storage-net", Binding: netconfig.BindingBridge,
				MAC: netconfig.MustParseMAC("02:00:00:00:00:02"),
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
				IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP},
			},
			{
				Name: "legacy", Source: netconfig.SourceMultus, NetworkName: "legacy-net", Binding: netconfig.BindingSRIOV,
				IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{prefix("172.16.5.20/24")}},
			},
		}},
		warnings: []netconfig.WarningCode{netconfig.WarningDefaultRouteOverridesPodNetwork, netconfig.WarningRouteMetricDropped, netconfig.WarningInterfaceNameFallback},
	}
}

// allDigitMACScenario gives both NICs MACs made only of digits, which a
// YAML 1.1 reader (PyYAML in cloud-init) takes for a base-60 integer
// unless the value is quoted.
func allDigitMACScenario() scenario {
	return scenario{
		name: "all-digit-mac",
		spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
			{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingBridge, MAC: netconfig.MustParseMAC("52:54:00:00:00:01")},
			{
				Name: "data", Source: netconfig.SourceMultus, NetworkName: "data-net", Binding: netconfig.BindingBridge,
				MAC: netconfig.MustParseMAC("52:54:00:12:34:56"),
				IPConfig: &netconfig.IPConfig{
					Mode:        netconfig.ModeStatic,
					Addresses:   []netip.Prefix{prefix("10.50.0.10/24")},
					Nameservers: netconfig.Nameservers{Addresses: []netip.Addr{ip("10.50.0.53")}, Search: []string{"data.example.internal"}},
					Routes:      []netconfig.Route{{To: prefix("10.60.0.0/16"), Via: ip("10.50.0.1")}},
				},
			},
		}},
	}
}

// ipv6OnlyScenario has a secondary network with only an IPv6 static
// address and an IPv6 gateway.
func ipv6OnlyScenario() scenario {
	return scenario{
		name: "ipv6-only",
		spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
			{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade, MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
			{
				Name: "v6", Source: netconfig.SourceMultus, NetworkName: "v6-net", Binding: netconfig.BindingBridge,
				MAC: netconfig.MustParseMAC("02:00:00:00:06:01"),
				IPConfig: &netconfig.IPConfig{
					Mode:        netconfig.ModeStatic,
					Addresses:   []netip.Prefix{prefix("fd00:40::10/64")},
					Gateways:    []netip.Addr{ip("fd00:40::1")},
					Nameservers: netconfig.Nameservers{Addresses: []netip.Addr{ip("fd00:40::53")}},
					MTU:         1500,
				},
			},
		}},
	}
}

// familyModesScenario addresses each family its own way: the pod network
// as KubeVirt's masquerade dual-stack (DHCPv4 beside the static IPv6
// address fd10:0:2::2/120 and its default route via fd10:0:2::1, as
// KubeVirt's tests/libnet/cloudinit/cloudinit.go writes it), a network
// with static IPv4 and DHCPv6, and one with no IPv4 and static IPv6.
func familyModesScenario() scenario {
	return scenario{
		name: "family-modes",
		spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
			{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade, MAC: netconfig.MustParseMAC("02:00:00:00:00:01"),
				IPConfig: netconfig.MasqueradeDualStack()},
			{
				Name: "storage", Source: netconfig.SourceMultus, NetworkName: "storage-net", Binding: netconfig.BindingBridge,
				MAC: netconfig.MustParseMAC("02:00:00:00:00:02"),
				IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, IPv6Mode: netconfig.ModeDHCP,
					Addresses: []netip.Prefix{prefix("10.20.0.10/24")},
					Routes:    []netconfig.Route{{To: prefix("10.30.0.0/16"), Via: ip("10.20.0.254")}}},
			},
			{
				Name: "v6", Source: netconfig.SourceMultus, NetworkName: "v6-net", Binding: netconfig.BindingBridge,
				MAC: netconfig.MustParseMAC("02:00:00:00:00:03"),
				IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeNone, IPv6Mode: netconfig.ModeStatic,
					Addresses: []netip.Prefix{prefix("fd00:40::10/64")},
					Routes:    []netconfig.Route{{To: prefix("fd00:50::/48"), Via: ip("fd00:40::fe")}}},
			},
		}},
	}
}

func scenarios() []scenario {
	return []scenario{seedScenario(), dualStackScenario(), allDigitMACScenario(), ipv6OnlyScenario(), familyModesScenario()}
}
