// Package vmspec derives a netconfig.Spec from a KubeVirt VirtualMachine or
// VirtualMachineInstance, so that a VM's networks are declared once, in
// the VM, and the caller asks only for the guest IP configuration of the
// networks that need one.
//
// FromVM and FromVMI read, from the VM's spec:
//
//   - Spec.Namespace from the object's metadata;
//   - Spec.Networks in the order of spec.networks, each with its Source
//     (pod, Multus, or the Multus default network), its NetworkName as the
//     VM writes it (netconfig qualifies it with the namespace), and, from
//     the interface of the same name, its Binding, MAC, PCI address and
//     whether it is absent (state: absent);
//   - Spec.InterfaceOrder from the order of spec.domain.devices.interfaces,
//     which is the order of the guest's NICs.
//
// Then they lay the caller's own Spec (asked) over the result, network by
// network and by name: each asked network must be one of the VM's and
// gives its IPConfig; any other field it sets must agree with the VM. So
// asked may be as short as
//
//	netconfig.Spec{Networks: []netconfig.Network{{Name: "external", IPConfig: &cfg}}}
//
// A VM that lists no networks and no interfaces gets the network KubeVirt
// adds to it (pkg/network/vmispec/defaults.go, SetDefaultNetworkInterface):
// the pod network named "default", unless
// spec.domain.devices.autoattachPodInterface is false.
//
// Every problem comes back at once in one *netconfig.ValidationError whose
// Errors are *field.Error values: those of the VM at the VM's own paths
// (spec.template.spec.networks[1], spec.template.spec.domain.devices.interfaces[0].macAddress;
// spec.networks[1] for a VMI), those of asked at asked's paths
// (networks[2].name, networks[0].macAddress), as netconfig.Build would
// report them.
//
// The functions are pure: no I/O, no globals, and the inputs are not
// modified; the Spec returned shares no memory with them but for asked's
// IPConfig pointers, which are passed through as they are.
package vmspec
