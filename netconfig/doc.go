// Package netconfig builds the netplan v2 network config of a KubeVirt
// guest from the VM's network specs.
//
// KubeVirt never configures addresses inside a guest: it copies
// cloudInitNoCloud.networkData, byte for byte, onto the guest's cloud-init
// seed. Build writes that document from typed, validated values instead of
// hand-concatenated YAML:
//
//	res, err := netconfig.Build(spec,
//		netconfig.WithNetworkStatus(statusResolver), // optional: package multus
//		netconfig.WithMACResolver(macResolver),      // optional: package macresolve
//		netconfig.WithFieldPath(vmSpecPath),         // optional: errors name the VM's fields
//	)
//
// where vmSpecPath is, for a VirtualMachine, field.NewPath("spec",
// "template", "spec").
//
// The rules it applies:
//
//   - The pod network never gets static addressing. It is written as DHCP,
//     matched by MAC when one is known, because a guest given any network
//     config writes no fallback of its own; WithoutPodNetwork leaves it out.
//   - A StatusResolver gives the network status of all of a VM's networks
//     in one call, which Build makes once. A network whose status names no
//     NetworkAttachmentDefinition is not a Multus attachment: it is skipped
//     with a warning. A network with no status yet (first creation) is
//     still configured. StatusMap and StatusResolverFunc serve a caller
//     who has the statuses at hand.
//   - A known MAC gives match.macaddress plus set-name. It is the spec's,
//     else the MACResolver's, else, for the bridge and sriov bindings, the
//     pod interface's in the network status; Result.Interfaces says which,
//     as a MACOrigin (spec, vmi-status, vm-template, pinned, network-status,
//     ...) and a detail (the field it was read from, or the pod interface).
//     A MAC from the VMI status or the network status changes when the VM
//     restarts, and an EphemeralMAC warning says so. Without a MAC the NIC
//     is matched by its position among the VM's NICs (eth0, eth1, ... in
//     VM order) and a warning says so. The ethernets key is always the
//     guest interface name and equals set-name, because cloud-init's
//     non-netplan renderers name the NIC after the key. Result.Interfaces
//     also carries each network's status (gateways, MTU, device info).
//   - Default routes are written in forms every renderer of cloud-init 22.4
//     and netplan 0.106 applies (see DefaultRoutePortable), unless
//     DefaultRouteNetplan is chosen for recent guests.
//   - Every problem is reported at once in a *ValidationError, a list of
//     *field.Error (errors.As finds the first), each with the path of the
//     field at fault, as Kubernetes reports a rejected manifest;
//     WithFieldPath puts those paths, and the warnings', under the Spec's
//     place in the caller's object. Invalid input yields no YAML.
//
// Build is pure: it does no I/O, keeps no state, never modifies its input
// and is safe for concurrent use. The same input gives the same bytes:
// Build builds the typed model (Result.Config) and netplan.Marshal writes
// it, and netplan.Parse reads the bytes back into the same model.
package netconfig
