package macresolve_test

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/macresolve"
	"github.com/guestnet/guestnet/netconfig"
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
				{Name: "default", MAC: "52:54:00:6b:3c:58", InterfaceName: "enp1s0", InfoSource: "domain, guest-agent"},
				{Name: "red", MAC: "02:7c:4e:00:00:01", InterfaceName: "enp2s0", InfoSource: "domain, guest-agent, multus-status"},
			},
		},
	}
	macs, err := macresolve.FromVMI(vmi)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, network := range []string{"default", "red", "blue"} {
		e, ok := macs.ResolveMAC(network)
		fmt.Printf("%s %s %v %s (%s)\n", network, e.MAC, ok, e.Origin, e.Detail)
	}
	// Output:
	// default 52:54:00:6b:3c:58 true vmi-status (domain, guest-agent)
	// red 02:7c:4e:00:00:01 true vmi-spec (spec.domain.devices.interfaces[1].macAddress)
	// blue  false  ()
}

// After KubeMacPool has given the VM's interfaces their MACs, read them
// back from the VirtualMachine.
func ExampleFromVM() {
	vm := &kubevirtv1.VirtualMachine{
		ObjectMeta: metav1.ObjectMeta{Namespace: "vms", Name: "fedora"},
		Spec: kubevirtv1.VirtualMachineSpec{Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{
			Spec: kubevirtv1.VirtualMachineInstanceSpec{Domain: kubevirtv1.DomainSpec{Devices: kubevirtv1.Devices{
				Interfaces: []kubevirtv1.Interface{
					{Name: "default", MacAddress: "02:00:00:00:00:07"},
					{Name: "red", MacAddress: "02-00-00-00-00-08"},
				},
			}}},
		}},
	}
	macs, err := macresolve.FromVM(vm)
	if err != nil {
		fmt.Println(err)
		return
	}
	e, _ := macs.ResolveMAC("red")
	fmt.Println(e.MAC, e.Origin, e.Detail)

	vm.Spec.Template.Spec.Domain.Devices.Interfaces[1].MacAddress = "ff:ff:ff:ff:ff:ff"
	_, err = macresolve.FromVM(vm)
	fmt.Println(err)
	// Output:
	// 02:00:00:00:00:08 vm-template spec.template.spec.domain.devices.interfaces[1].macAddress
	// spec.template.spec.domain.devices.interfaces[1].macAddress: Invalid value: "ff:ff:ff:ff:ff:ff": the broadcast MAC address cannot be assigned to a NIC
}

func ExampleStatic() {
	macs, err := macresolve.Static(map[string]string{"default": "02-00-00-00-00-01", "red": "02:7C:4E:00:00:01"})
	fmt.Println(macs["default"].MAC, macs["red"].MAC, macs["red"].Origin, err)

	_, err = macresolve.Static(map[string]string{"red": "01:00:5e:00:00:01", "blue": "02:00:00"})
	fmt.Println(err)
	// Output:
	// 02:00:00:00:00:01 02:7c:4e:00:00:01 static <nil>
	// 2 problems: macs[blue]: Invalid value: "02:00:00": not a MAC address (six pairs of hex digits separated by ':' or '-', as in 02:00:00:aa:bb:cc); macs[red]: Invalid value: "01:00:5e:00:00:01": a multicast MAC address (lowest bit of the first octet set) cannot be assigned to a NIC
}

func ExampleNormalize() {
	mac, err := macresolve.Normalize("02-7C-4E-00-00-01")
	fmt.Println(mac, err)

	_, err = macresolve.Normalize("FF:FF:FF:FF:FF:FF")
	fmt.Println(err)
	// Output:
	// 02:7c:4e:00:00:01 <nil>
	// : Invalid value: "FF:FF:FF:FF:FF:FF": the broadcast MAC address cannot be assigned to a NIC
}

// A chain asks the running VM first, then the VM's template, then falls
// back to MACs the caller knows; the answer's Origin tells which one
// answered. Pass the chain to netconfig.Build with
// netconfig.WithMACResolver.
func ExampleChain() {
	vmi, _ := macresolve.FromVMI(&kubevirtv1.VirtualMachineInstance{
		Status: kubevirtv1.VirtualMachineInstanceStatus{Interfaces: []kubevirtv1.VirtualMachineInstanceNetworkInterface{
			{Name: "default", MAC: "52:54:00:6b:3c:58", InfoSource: "domain"},
		}},
	})
	static, _ := macresolve.Static(map[string]string{"default": "02:00:00:00:00:01", "red": "02:00:00:00:00:02"})
	chain := macresolve.Chain(vmi, static)

	for _, network := range []string{"default", "red", "blue"} {
		e, ok := chain.ResolveMAC(network)
		fmt.Println(network, e.MAC, e.Origin, ok)
	}
	var r netconfig.MACResolver = chain
	e, _ := r.ResolveMAC("red")
	fmt.Println(e.MAC)
	// Output:
	// default 52:54:00:6b:3c:58 vmi-status true
	// red 02:00:00:00:00:02 static true
	// blue   false
	// 02:00:00:00:00:02
}

func ExampleStableMAC() {
	fmt.Println(macresolve.StableMAC("vms", "fedora", "red", macresolve.Prefix{}))
	fmt.Println(macresolve.StableMAC("vms", "fedora", "red", macresolve.MustParsePrefix("06")))
	fmt.Println(macresolve.StableMAC("vms", "fedora", "red", macresolve.MustParsePrefix("06:1c:2f")))
	// Output:
	// ae:dd:78:04:5a:dc
	// 06:dd:78:04:5a:dc
	// 06:1c:2f:04:5a:dc
}

// Pin the MACs of a VM before creating it, under a prefix outside the
// range of the cluster's MAC pool. The MAC set on "red" is kept. To build
// the guest config from the pinned VM, chain FromPinned before FromVM: the
// answers then tell the MACs this pinning chose from those the VM had.
func ExamplePin() {
	vm := &kubevirtv1.VirtualMachine{
		ObjectMeta: metav1.ObjectMeta{Namespace: "vms", Name: "fedora"},
		Spec: kubevirtv1.VirtualMachineSpec{Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{
			Spec: kubevirtv1.VirtualMachineInstanceSpec{Domain: kubevirtv1.DomainSpec{Devices: kubevirtv1.Devices{
				Interfaces: []kubevirtv1.Interface{
					{Name: "default", InterfaceBindingMethod: kubevirtv1.InterfaceBindingMethod{Masquerade: &kubevirtv1.InterfaceMasquerade{}}},
					{Name: "red", MacAddress: "02:7C:4E:00:00:01", InterfaceBindingMethod: kubevirtv1.InterfaceBindingMethod{Bridge: &kubevirtv1.InterfaceBridge{}}},
					{Name: "blue", InterfaceBindingMethod: kubevirtv1.InterfaceBindingMethod{Bridge: &kubevirtv1.InterfaceBridge{}}},
				},
			}}},
		}},
	}
	pinned, filled, err := macresolve.Pin(vm, macresolve.WithPrefix(macresolve.MustParsePrefix("06")))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range filled {
		fmt.Println("pinned", p.Interface, p.MAC)
	}
	for _, iface := range pinned.Spec.Template.Spec.Domain.Devices.Interfaces {
		fmt.Println(iface.Name, iface.MacAddress)
	}
	fmt.Printf("input untouched: %q\n", vm.Spec.Template.Spec.Domain.Devices.Interfaces[0].MacAddress)

	fromVM, err := macresolve.FromVM(pinned)
	if err != nil {
		fmt.Println(err)
		return
	}
	macs := macresolve.Chain(macresolve.FromPinned(filled), fromVM)
	for _, network := range []string{"default", "red", "blue"} {
		e, _ := macs.ResolveMAC(network)
		fmt.Println(network, e.MAC, e.Origin, e.Detail)
	}
	// Output:
	// pinned default 06:48:be:ac:c0:ff
	// pinned blue 06:a8:8c:d3:e7:f6
	// default 06:48:be:ac:c0:ff
	// red 02:7C:4E:00:00:01
	// blue 06:a8:8c:d3:e7:f6
	// input untouched: ""
	// default 06:48:be:ac:c0:ff pinned spec.template.spec.domain.devices.interfaces[0].macAddress
	// red 02:7c:4e:00:00:01 vm-template spec.template.spec.domain.devices.interfaces[1].macAddress
	// blue 06:a8:8c:d3:e7:f6 pinned spec.template.spec.domain.devices.interfaces[2].macAddress
}
