package netplan_test

import (
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/netconfig/netplan"
)

func ExampleMarshal() {
	cfg := netplan.Config{Network: netplan.Network{Version: 2, Ethernets: map[string]netplan.Ethernet{
		"eth1": {Match: &netplan.Match{MACAddress: "52:54:00:12:34:56"}, SetName: "eth1", Addresses: []string{"192.168.0.200/24"}},
	}}}
	out, _ := netplan.Marshal(cfg)
	fmt.Print(string(out))
	// Output:
	// network:
	//   version: 2
	//   ethernets:
	//     eth1:
	//       match:
	//         macaddress: "52:54:00:12:34:56"
	//       set-name: "eth1"
	//       addresses:
	//       - "192.168.0.200/24"
}

func ExampleParse() {
	cfg, err := netplan.Parse([]byte("version: 2\nethernets:\n  eth0:\n    dhcp4: true\n"))
	fmt.Println(cfg.Network.Ethernets["eth0"].DHCP4, err)
	_, err = netplan.Parse([]byte("version: 2\nethernets:\n  eth0:\n    match: {macaddress: 52:54:00:12:34:56}\n"))
	fmt.Println(err)
	var fe *field.Error
	if errors.As(err, &fe) {
		fmt.Println(fe.Field)
	}
	// Output:
	// true <nil>
	// netplan config: ethernets.eth0.match.macaddress: Invalid value: "52:54:00:12:34:56": line 4: this unquoted value is not a string to YAML 1.1 readers such as cloud-init; quote it
	// ethernets.eth0.match.macaddress
}
