package netconfig

import "net/netip"

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
}

// StatusResolver looks up the network status of a VM's networks. Package
// multus implements it from the network-status annotation.
type StatusResolver interface {
	// NetworkStatus returns the status of networks[i], and whether there
	// is one. The whole list is passed, in VM order, so that a resolver can
	// tell apart networks that share an attachment the way KubeVirt names
	// their pod interfaces.
	NetworkStatus(networks []Network, i int) (NetworkStatus, bool)
}

// StatusResolverFunc adapts a function to StatusResolver.
type StatusResolverFunc func(networks []Network, i int) (NetworkStatus, bool)

// NetworkStatus calls f(networks, i).
func (f StatusResolverFunc) NetworkStatus(networks []Network, i int) (NetworkStatus, bool) {
	return f(networks, i)
}

// MACResolver finds the guest MAC address of a VM network by name, for
// instance from a VirtualMachineInstance's status. Package macresolve
// implements it.
type MACResolver interface {
	// MAC returns the MAC of the guest NIC on the named network, and
	// whether it is known.
	MAC(network string) (MAC, bool)
}

// MACResolverFunc adapts a function to MACResolver.
type MACResolverFunc func(network string) (MAC, bool)

// MAC calls f(network).
func (f MACResolverFunc) MAC(network string) (MAC, bool) { return f(network) }

// MACMap is a MACResolver backed by a map from network name to MAC.
type MACMap map[string]MAC

// MAC returns m[network] when it is set.
func (m MACMap) MAC(network string) (MAC, bool) {
	mac, ok := m[network]
	return mac, ok && mac.IsValid()
}
