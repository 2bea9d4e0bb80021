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
//	)
//
// The rules it applies:
//
//   - The pod network never gets static addressing. It is written as DHCP,
//     matched by MAC when one is known, because a guest given any network
//     config writes no fallback of its own; WithoutPodNetwork leaves it out.
//   - A network whose status names no NetworkAttachmentDefinition is not a
//     Multus attachment: it is skipped with a warning. A network with no
//     status yet (first creation) is still configured.
//   - A known MAC (from the spec, the MAC resolver, or for the bridge and
//     sriov bindings the network status) gives match.macaddress plus
//     set-name. Without one the NIC is matched by its position among the
//     VM's NICs (eth0, eth1, ... in VM order) and a warning says so. The
//     ethernets key is always the guest interface name and equals set-name,
//     because cloud-init's non-netplan renderers name the NIC after the key.
//   - Default routes are written in forms every renderer of cloud-init 22.4
//     and netplan 0.106 applies (see DefaultRoutePortable), unless
//     DefaultRouteNetplan is chosen for recent guests.
//   - Every problem is reported at once as an *ValidationError, each with
//     the field path at fault; invalid input yields no YAML.
//
// Build is pure: it does no I/O, keeps no state, never modifies its input
// and is safe for concurrent use. The same input gives the same bytes, and
// netplan.Parse reads them back into Result.Config.
package netconfig
