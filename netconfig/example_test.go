package netconfig_test

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/netplan"
)

// The seed's VM: the pod network and one bridge network with a static
// address, both with known MACs.
func ExampleBuild() {
	spec := netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
		{
			Name: "external", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge,
			MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc"),
			IPConfig: &netconfig.IPConfig{
				Mode:        netconfig.ModeStatic,
				Addresses:   []netip.Prefix{netip.MustParsePrefix("192.168.0.200/24")},
				Nameservers: netconfig.Nameservers{Addresses: []netip.Addr{netip.MustParseAddr("192.168.0.1")}},
			},
		},
	}}
	res, err := netconfig.Build(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(res.YAML))
	// Output:
	// network:
	//   version: 2
	//   ethernets:
	//     eth0:
	//       match:
	//         macaddress: "02:00:00:00:00:01"
	//       set-name: "eth0"
	//       dhcp4: true
	//     eth1:
	//       match:
	//         macaddress: "02:00:00:aa:bb:cc"
	//       set-name: "eth1"
	//       addresses:
	//       - "192.168.0.200/24"
	//       nameservers:
	//         addresses:
	//         - "192.168.0.1"
}

// First creation: no MAC is known yet, so the NIC is matched by its
// position and a warning says so. A controller can turn warnings into
// Events.
func ExampleBuild_warnings() {
	spec := netconfig.Spec{Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
		{Name: "external", Source: netconfig.SourceMultus, NetworkName: "ext-net", IPConfig: &netconfig.IPConfig{
			Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{netip.MustParsePrefix("192.168.0.200/24")},
		}},
	}}
	res, _ := netconfig.Build(spec)
	for _, ifc := range res.Interfaces {
		fmt.Printf("%s: %s matched by %s\n", ifc.Network, ifc.Name, ifc.Match)
	}
	for _, w := range res.Warnings {
		fmt.Println(w.Code, w.Network, w.Field)
	}
	// Output:
	// default: eth0 matched by mac
	// external: eth1 matched by name
	// InterfaceNameFallback external networks[1].macAddress
}

// An SR-IOV network whose MAC only the network status knows: the NIC is
// matched by it, with a warning that it changes when the VM restarts, and
// Result.Interfaces carries the status on, with the VF's PCI address.
func ExampleBuild_networkStatus() {
	spec := netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
		{Name: "fast", Source: netconfig.SourceMultus, NetworkName: "sriov-net", Binding: netconfig.BindingSRIOV,
			IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP}},
	}}
	status := netconfig.StatusMap{"fast": {
		NetworkName: "vms/sriov-net", Interface: "pod6f4e3a1b2c9", MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc"),
		Gateways: []netip.Addr{netip.MustParseAddr("192.168.10.1")}, MTU: 9000,
		DeviceInfo: netconfig.DeviceInfo{Type: "pci", Version: "1.0.0", PCIAddress: "0000:65:00.3"},
	}}
	res, err := netconfig.Build(spec, netconfig.WithNetworkStatus(status))
	if err != nil {
		fmt.Println(err)
		return
	}
	fast := res.Interfaces[1]
	fmt.Println(fast.Name, fast.MAC, fast.MACOrigin)
	fmt.Println(fast.Status.DeviceInfo.PCIAddress, fast.Status.MTU, fast.Status.Gateways)
	for _, w := range res.Warnings {
		fmt.Println(w.Code, w.Field)
	}
	fmt.Println(res.Interfaces[0].Status == nil)
	// Output:
	// eth1 02:00:00:aa:bb:cc network-status
	// 0000:65:00.3 9000 [192.168.10.1]
	// EphemeralMAC networks[1].macAddress
	// true
}

// Invalid input: every problem at once, each with its field path.
func ExampleValidationError() {
	spec := netconfig.Spec{Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, IPConfig: &netconfig.IPConfig{
			Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{netip.MustParsePrefix("10.0.2.2/24")},
		}},
		{Name: "external", Source: netconfig.SourceMultus, NetworkName: "ext-net", IPConfig: &netconfig.IPConfig{
			Mode:      netconfig.ModeStatic,
			Addresses: []netip.Prefix{netip.MustParsePrefix("192.168.0.200/24")},
			Gateways:  []netip.Addr{netip.MustParseAddr("192.168.1.1")},
		}},
	}}
	_, err := netconfig.Build(spec)
	var invalid *netconfig.ValidationError
	if errors.As(err, &invalid) {
		for _, fe := range invalid.Errors {
			fmt.Println(fe.Field)
		}
	}
	// Output:
	// networks[0].ipConfig.mode
	// networks[1].ipConfig.gateways[0]
}

// Tests of a controller can read the network data back into the typed
// model and assert on it.
func ExampleResult_parse() {
	spec := netconfig.Spec{Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
	}}
	res, _ := netconfig.Build(spec)
	cfg, err := netplan.Parse(res.YAML)
	if err != nil {
		fmt.Println(err)
		return
	}
	eth0 := cfg.Network.Ethernets["eth0"]
	fmt.Println(eth0.Match.MACAddress, eth0.DHCP4)
	// Output:
	// 02:00:00:00:00:01 true
}

// A masquerade pod network in a dual-stack cluster: KubeVirt serves the
// IPv4 address by DHCP, the IPv6 address and its default route come from
// the guest's config.
func ExampleMasqueradeDualStack() {
	spec := netconfig.Spec{Networks: []netconfig.Network{{
		Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade,
		MAC: netconfig.MustParseMAC("02:00:00:00:00:01"), IPConfig: netconfig.MasqueradeDualStack(),
	}}}
	res, err := netconfig.Build(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(res.YAML))
	// Output:
	// network:
	//   version: 2
	//   ethernets:
	//     eth0:
	//       match:
	//         macaddress: "02:00:00:00:00:01"
	//       set-name: "eth0"
	//       dhcp4: true
	//       addresses:
	//       - "fd10:0:2::2/120"
	//       gateway6: "fd10:0:2::1"
}

// A custom pod.vmIPv6NetworkCIDR: the guest's address is the second host
// of the CIDR, its gateway the first.
func ExampleMasqueradeIPv6() {
	addr, gw, err := netconfig.MasqueradeIPv6(netip.MustParsePrefix("fd00:abcd::/64"))
	fmt.Println(addr, gw, err)
	_, _, err = netconfig.MasqueradeIPv6(netip.MustParsePrefix("fd00::/127"))
	fmt.Println(err)
	// Output:
	// fd00:abcd::2/64 fd00:abcd::1 <nil>
	// masquerade IPv6 network fd00::/127: too small: KubeVirt takes the network address, the gateway, the guest address and one more, so at least four addresses (/126 or shorter)
}

// What Build made of each network: how its NIC is matched, what is
// written for it, and the warnings about it.
func ExampleExplain() {
	spec := netconfig.Spec{Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
		{Name: "external", Source: netconfig.SourceMultus, NetworkName: "ext-net", IPConfig: &netconfig.IPConfig{
			Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{netip.MustParsePrefix("192.168.0.200/24")},
		}},
		{Name: "spare", Source: netconfig.SourceMultus, NetworkName: "spare-net"},
	}}
	res, err := netconfig.Build(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range netconfig.Explain(spec, res) {
		switch {
		case e.Ethernet == nil:
			fmt.Printf("%s (%s): not configured: %s\n", e.Network, e.Source, e.NotConfigured)
		case e.Match == netconfig.MatchMAC:
			fmt.Printf("%s (%s): %s matched by MAC %s from the %s, dhcp4=%v\n", e.Network, e.Source, e.Name, e.MAC, e.MACOrigin, e.Ethernet.DHCP4)
		default:
			fmt.Printf("%s (%s): %s matched by name, addresses %v, warnings:", e.Network, e.Source, e.Name, e.Ethernet.Addresses)
			for _, w := range e.Warnings {
				fmt.Printf(" %s", w.Code)
			}
			fmt.Println()
		}
	}
	// Output:
	// default (pod): eth0 matched by MAC 02:00:00:00:00:01 from the spec, dhcp4=true
	// external (multus): eth1 matched by name, addresses [192.168.0.200/24], warnings: InterfaceNameFallback
	// spare (multus): not configured: no IP config is asked for it
}
