package vmspec_test

import (
	"fmt"
	"net/netip"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/vmspec"
)

// The VM declares its networks; the caller asks only for the static
// address of "external". Source, attachment, binding, MAC and order come
// from the VM, the namespace from its metadata.
func ExampleFromVM() {
	vm := &kubevirtv1.VirtualMachine{
		ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "vms"},
		Spec: kubevirtv1.VirtualMachineSpec{Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{
			Spec: kubevirtv1.VirtualMachineInstanceSpec{
				Domain: kubevirtv1.DomainSpec{Devices: kubevirtv1.Devices{Interfaces: []kubevirtv1.Interface{
					{Name: "default", InterfaceBindingMethod: kubevirtv1.InterfaceBindingMethod{Masquerade: &kubevirtv1.InterfaceMasquerade{}}, MacAddress: "02:00:00:00:00:01"},
					{Name: "external", InterfaceBindingMethod: kubevirtv1.InterfaceBindingMethod{Bridge: &kubevirtv1.InterfaceBridge{}}, MacAddress: "02:00:00:aa:bb:cc"},
				}}},
				Networks: []kubevirtv1.Network{
					{Name: "default", NetworkSource: kubevirtv1.NetworkSource{Pod: &kubevirtv1.PodNetwork{}}},
					{Name: "external", NetworkSource: kubevirtv1.NetworkSource{Multus: &kubevirtv1.MultusNetwork{NetworkName: "ext-net"}}},
				},
			},
		}},
	}
	spec, err := vmspec.FromVM(vm, netconfig.Spec{Networks: []netconfig.Network{{
		Name: "external",
		IPConfig: &netconfig.IPConfig{
			Mode:      netconfig.ModeStatic,
			Addresses: []netip.Prefix{netip.MustParsePrefix("192.168.0.200/24")},
			Gateways:  []netip.Addr{netip.MustParseAddr("192.168.0.1")},
		},
	}}})
	if err != nil {
		fmt.Println(err)
		return
	}
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
	//       routes:
	//       - to: "0.0.0.0/0"
	//         via: "192.168.0.1"
}

// A network the VM does not have, and a MAC that is not the VM's, are
// errors at the asked networks' paths.
func ExampleFromVM_errors() {
	vm := &kubevirtv1.VirtualMachine{
		ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "vms"},
		Spec:       kubevirtv1.VirtualMachineSpec{Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{}},
	}
	// With no networks and no interfaces, KubeVirt gives the VM the pod
	// network "default".
	_, err := vmspec.FromVM(vm, netconfig.Spec{Networks: []netconfig.Network{
		{Name: "default", MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
		{Name: "storage", IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP}},
	}})
	fmt.Println(err)
	// Output:
	// 2 problems: networks[0].macAddress: Invalid value: "02:00:00:00:00:01": the VM's interface (the interface KubeVirt adds for the pod network) sets no macAddress, so its guest NIC will not have this MAC: set it on the VM, or leave it out here; networks[1].name: Not found: "storage": the VM has no network of this name; its networks are "default"
}
