package netconfig

import (
	"net/netip"
	"slices"
)

// NetworkStatus is what Multus reported for one of a VM's networks (an
// entry of the pod's k8s.v1.cni.cncf.io/network-status annotation).
type NetworkStatus struct {
	// NetworkName is the attachment the entry belongs to, as
	// "namespace/name". It is empty when the entry is not a Multus
	// attachment (the pod network's entry, for instance).
	NetworkName string
	// Default reports that the entry is the pod's primary network.
	Default bool
	// Interface is the pod interface name (for example "pod6f4e3a1b2c9" or
	// "net1"); it may be empty.
	Interface string
	// MAC is the pod interface's MAC address; it may be unset. With the
	// bridge binding KubeVirt hands this MAC to the guest.
	MAC MAC
	// IPs are the addresses reported for the pod interface. Multus reports
	// no prefix length, so none is invented.
	IPs []netip.Addr
	// Gateways, MTU and DeviceInfo (the device behind the pod interface)
	// are as reported for the pod interface; zero when not reported.
	Gateways   []netip.Addr
	MTU        int
	DeviceInfo DeviceInfo
}

// DeviceInfo is what a network-status entry's device-info says of the
// device behind a pod interface (Multus's device-info specification).
type DeviceInfo struct {
	// Type is the kind of device: "pci", "vdpa", "vhost-user", "memif".
	Type string
	// Version is the version of the device-info specification.
	Version string
	// PCIAddress is a PCI device's pci.pci-address, such as that of the
	// SR-IOV VF ("0000:65:00.3") KubeVirt passes to the VM.
	PCIAddress string
}

// Clone returns a copy of st that shares no memory with it.
func (st NetworkStatus) Clone() NetworkStatus {
	st.IPs, st.Gateways = slices.Clone(st.IPs), slices.Clone(st.Gateways)
	return st
}

// StatusResolver gives the network status of a VM's networks. Build calls
// it once. Package multus implements it from the network-status annotation
// of the VM's pod; a StatusMap or a StatusResolverFunc serves a caller who
// has the statuses at hand.
type StatusResolver interface {
	// NetworkStatuses returns the status of each of networks that has one,
	// by network name; a network without a status is absent. networks is
	// the VM's whole list in VM order, so that a resolver can tell apart
	// networks that share an attachment the way KubeVirt names their pod
	// interfaces. The caller does not modify the map.
	NetworkStatuses(networks []Network) map[string]NetworkStatus
}

// StatusResolverFunc adapts a function to StatusResolver.
type StatusResolverFunc func(networks []Network) map[string]NetworkStatus

// NetworkStatuses calls f(networks).
func (f StatusResolverFunc) NetworkStatuses(networks []Network) map[string]NetworkStatus {
	return f(networks)
}

// StatusMap is a StatusResolver that gives the same statuses, by network
// name, whatever the networks.
type StatusMap map[string]NetworkStatus

// NetworkStatuses returns m.
func (m StatusMap) NetworkStatuses([]Network) map[string]NetworkStatus { return m }

// MACOrigin says where the MAC of a guest NIC came from.
type MACOrigin string

// The places a MAC can come from. Build itself takes MACs from the spec
// and from the network status; the others are what the MAC resolvers of
// package macresolve report.
const (
	// MACFromSpec is the MAC set on the VM's interface (Network.MAC).
	MACFromSpec MACOrigin = "spec"
	// MACFromNetworkStatus is the pod interface's MAC in the network
	// status, which the bridge and sriov bindings hand to the guest.
	MACFromNetworkStatus MACOrigin = "network-status"
	// MACFromVMTemplate is a VirtualMachine's template:
	// spec.template.spec.domain.devices.interfaces[].macAddress.
	MACFromVMTemplate MACOrigin = "vm-template"
	// MACFromVMISpec is a VirtualMachineInstance's spec:
	// spec.domain.devices.interfaces[].macAddress.
	MACFromVMISpec MACOrigin = "vmi-spec"
	// MACFromVMIStatus is a VirtualMachineInstance's status:
	// status.interfaces[].mac, as KubeVirt reports it for a running VM.
	MACFromVMIStatus MACOrigin = "vmi-status"
	// MACPinned is a stable MAC that the caller pinned on the VM's
	// interface (see macresolve.Pin).
	MACPinned MACOrigin = "pinned"
	// MACStatic is a MAC the caller gave by hand.
	MACStatic MACOrigin = "static"
	// MACFromResolver is a MAC whose resolver gave no origin.
	MACFromResolver MACOrigin = "mac-resolver"
)

// ResolvedMAC is the MAC of a guest NIC and where it was found.
type ResolvedMAC struct {
	// MAC is the address; the zero MAC counts as none.
	MAC MAC
	// Origin is where it was found; an empty Origin is reported as
	// MACFromResolver.
	Origin MACOrigin
	// Detail qualifies Origin: the path of the field it was read from
	// ("spec.domain.devices.interfaces[1].macAddress"), the infoSource of a
	// VMI status entry, or the pod interface of a network-status entry. It
	// may be empty.
	Detail string
}

// MACResolver finds the guest MAC of a VM network by name, for instance
// from a VirtualMachineInstance's status. Package macresolve implements it;
// a MACTable or a MACResolverFunc serves a caller who has the MACs at hand.
type MACResolver interface {
	// ResolveMAC returns the MAC of the guest NIC on the named network and
	// where it was found, and whether it is known.
	ResolveMAC(network string) (ResolvedMAC, bool)
}

// MACResolverFunc adapts a function to MACResolver.
type MACResolverFunc func(network string) (ResolvedMAC, bool)

// ResolveMAC calls f(network). An answer whose MAC is unset counts as none,
// and a nil MACResolverFunc knows no MAC.
func (f MACResolverFunc) ResolveMAC(network string) (ResolvedMAC, bool) {
	if f == nil {
		return ResolvedMAC{}, false
	}
	r, ok := f(network)
	return r, ok && r.MAC.IsValid()
}

// MACTable is a MACResolver backed by a map from network name to MAC. It
// is a plain map: safe for concurrent lookups as long as nobody writes to
// it.
type MACTable map[string]ResolvedMAC

// ResolveMAC returns t[network] when its MAC is set.
func (t MACTable) ResolveMAC(network string) (ResolvedMAC, bool) {
	r, ok := t[network]
	return r, ok && r.MAC.IsValid()
}
