package netconfig

import (
	"fmt"
	"net/netip"
)

// MasqueradeDualStack returns the IP config of a pod network with the
// masquerade binding in a dual-stack cluster: DHCPv4, which KubeVirt
// serves, and the static IPv6 address fd10:0:2::2/120 with a default
// route via fd10:0:2::1, which KubeVirt does not serve and the guest must
// be given. KubeVirt's user guide (docs/network/interfaces_and_networks.md,
// "masquerade - IPv4 and IPv6 dual-stack support") documents this; the
// values follow from DefaultVMIpv6CIDR (fd10:0:2::/120, in
// pkg/virt-launcher/virtwrap/api/defaults.go), as MasqueradeIPv6 computes
// them, and match KubeVirt's e2e network data
// (tests/libnet/cloudinit/cloudinit.go, CreateDefaultCloudInitNetworkData).
// Each call returns a new value.
func MasqueradeDualStack() *IPConfig {
	addr, gw, _ := MasqueradeIPv6(netip.MustParsePrefix("fd10:0:2::/120"))
	return &IPConfig{
		Mode:      ModeDHCP,
		IPv6Mode:  ModeStatic,
		Addresses: []netip.Prefix{addr},
		Gateways:  []netip.Addr{gw},
	}
}

// MasqueradeIPv6 returns the guest's IPv6 address and gateway on a
// masquerade pod network whose VM IPv6 network is cidr (KubeVirt's
// pod.vmIPv6NetworkCIDR, fd10:0:2::/120 when unset): the address is the
// second host of cidr with cidr's prefix length, and the gateway the
// first, as KubeVirt's getMasqueradeGwAndHostAddressesFromCIDR
// (pkg/network/link/address.go) computes them. It returns an error for a
// cidr that is not IPv6, or too small to hold the two.
func MasqueradeIPv6(cidr netip.Prefix) (netip.Prefix, netip.Addr, error) {
	if !cidr.IsValid() || !cidr.Addr().Is6() || cidr.Addr().Is4In6() || cidr.Addr().Zone() != "" {
		return netip.Prefix{}, netip.Addr{}, fmt.Errorf("masquerade IPv6 network %s: not an IPv6 prefix", cidr)
	}
	if cidr.Bits() > 126 {
		return netip.Prefix{}, netip.Addr{}, fmt.Errorf("masquerade IPv6 network %s: too small: KubeVirt takes the network address, the gateway, the guest address and one more, so at least four addresses (/126 or shorter)", cidr)
	}
	network := cidr.Masked()
	gw := network.Addr().Next()
	return netip.PrefixFrom(gw.Next(), cidr.Bits()), gw, nil
}
