package macresolve_test

import (
	"fmt"

	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/macresolve"
)

// The MAC of "red" is set in the spec; that of "default" is known only
// from the status of the running VM. Pass the result to netconfig.Build
// with netconfig.WithMACResolver.
func ExampleFromVMI() {
	vmi := &kubevirtv1.VirtualMachineInstance{
		Spec: kubevirtv1.VirtualMachineInstanceSpec{Domain: kubevirtv1.DomainSpec{Devices: kubevirtv1.Devices{
			Interfaces: []kubevirtv1.Interface{
				{Name: "default"},
				{Name: "red", MacAddress: "02:7C:4E:00:00:01"},
			},
		}}},
		Status: kubevirtv1.VirtualMachineInstanceStatus{
			Interfaces: []kubevirtv1.VirtualMachineInstanceNetworkInterface{
				{Name: "default", MAC: "52:54:00:6b:3c:58", InterfaceName: "enp1s0"},
				{Name: "red", MAC: "02:7c:4e:00:00:01", InterfaceName: "enp2s0"},
			},
		},
	}
	macs, err := macresolve.FromVMI(vmi)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, network := range []string{"default", "red", "blue"} {
		mac, ok := macs.MAC(network)
		fmt.Println(network, mac, ok)
	}
	// Output:
	// default 52:54:00:6b:3c:58 true
	// red 02:7c:4e:00:00:01 true
	// blue  false
}

func ExampleStatic() {
	macs, err := macresolve.Static(map[string]string{"default": "02-00-00-00-00-01", "red": "02:7C:4E:00:00:01"})
	fmt.Println(macs["default"], macs["red"], err)

	_, err = macresolve.Static(map[string]string{"red": "01:00:5e:00:00:01", "blue": "02:00:00"})
	fmt.Println(err)
	// Output:
	// 02:00:00:00:00:01 02:7c:4e:00:00:01 <nil>
	// [macs[blue]: Invalid value: "02:00:00": not a MAC address (six pairs of hex digits separated by ':' or '-', as in 02:00:00:aa:bb:cc), macs[red]: Invalid value: "01:00:5e:00:00:01": a multicast MAC address (lowest bit of the first octet set) cannot be assigned to a NIC]
}
