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
