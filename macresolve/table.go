package macresolve

import "github.com/guestnet/guestnet/netconfig"

// Source says where a MAC address was found.
type Source string

// The places a MAC can come from.
const (
	// SourceVMTemplate is a VirtualMachine's template:
	// spec.template.spec.domain.devices.interfaces[].macAddress.
	SourceVMTemplate Source = "vm-template"
	// SourceVMISpec is a VirtualMachineInstance's spec:
	// spec.domain.devices.interfaces[].macAddress.
	SourceVMISpec Source = "vmi-spec"
	// SourceVMIStatus is a VirtualMachineInstance's status:
	// status.interfaces[].mac, as KubeVirt reports it for a running VM.
	SourceVMIStatus Source = "vmi-status"
	// SourceNetworkStatus is the MAC of the pod interface in the
	// k8s.v1.cni.cncf.io/network-status annotation of the virt-launcher
	// pod, which the bridge and SR-IOV bindings hand to the guest.
	SourceNetworkStatus Source = "network-status"
	// SourceStatic is a MAC given by the caller (see Static).
	SourceStatic Source = "static"
)

// Entry is the MAC address of one VM network's guest NIC and where it was
// found.
type Entry struct {
	// MAC is the normalised MAC address.
	MAC netconfig.MAC
	// Source is where the MAC was found.
	Source Source
	// Detail qualifies Source: for a MAC read from a field of a
	// VirtualMachine or VirtualMachineInstance spec, the path of that field
	// ("spec.domain.devices.interfaces[1].macAddress"); for one read from a
	// VMI's status, the infoSource KubeVirt reports with it ("domain,
	// guest-agent, multus-status"); for one read from network status, the
	// pod interface name. It may be empty.
	Detail string
}

// Resolver looks up the MAC of a VM network by name and says where it was
// found. A Table is one; a ResolverFunc adapts a closure; Chain combines
// several.
type Resolver interface {
	// Lookup returns the entry of the named network, and whether there is
	// one.
	Lookup(network string) (Entry, bool)
}

// ResolverFunc adapts a function to Resolver and to netconfig.MACResolver.
type ResolverFunc func(network string) (Entry, bool)

// Lookup calls f(network). An entry whose MAC is unset counts as none, and
// a nil ResolverFunc has no entries.
func (f ResolverFunc) Lookup(network string) (Entry, bool) {
	if f == nil {
		return Entry{}, false
	}
	e, ok := f(network)
	return e, ok && e.MAC.IsValid()
}

// MAC returns the MAC of the entry Lookup gives, so that a ResolverFunc can
// be passed to netconfig.WithMACResolver.
func (f ResolverFunc) MAC(network string) (netconfig.MAC, bool) {
	e, ok := f.Lookup(network)
	return e.MAC, ok
}

// Table maps VM network names to their entries. It implements Resolver and
// netconfig.MACResolver, so it can be passed to netconfig.WithMACResolver
// as it is. The constructors of this package check every MAC they put in a
// Table; a Table built by hand is taken as it is, except that an entry with
// an unset MAC counts as none.
//
// A Table is a plain map: it is safe for concurrent lookups, as long as
// nobody writes to it.
type Table map[string]Entry

// Lookup returns t[network] when it is set.
func (t Table) Lookup(network string) (Entry, bool) {
	e, ok := t[network]
	return e, ok && e.MAC.IsValid()
}

// MAC returns the MAC of t[network] when it is set.
func (t Table) MAC(network string) (netconfig.MAC, bool) {
	e, ok := t.Lookup(network)
	return e.MAC, ok
}

// ChainResolver asks its resolvers in order and takes the first answer. It
// implements Resolver and netconfig.MACResolver; Lookup tells which source
// answered. Nil resolvers are skipped.
type ChainResolver []Resolver

// Chain returns a resolver that asks rs in order and takes the first
// answer. It keeps its own copy of the list, so later changes to rs do not
// affect it.
//
// A typical order puts what KubeVirt gives the guest for sure before what
// is only reported: the VMI's spec and status (FromVMI), then the VM's
// template (FromVM), then the network status (FromNetworkStatus), then
// MACs the caller knows (Static).
func Chain(rs ...Resolver) ChainResolver {
	return append(ChainResolver(nil), rs...)
}

// Lookup returns the entry of the first resolver of c that has one for
// network.
func (c ChainResolver) Lookup(network string) (Entry, bool) {
	for _, r := range c {
		if r == nil {
			continue
		}
		if e, ok := r.Lookup(network); ok && e.MAC.IsValid() {
			return e, true
		}
	}
	return Entry{}, false
}

// MAC returns the MAC of the entry Lookup gives.
func (c ChainResolver) MAC(network string) (netconfig.MAC, bool) {
	e, ok := c.Lookup(network)
	return e.MAC, ok
}

var (
	_ netconfig.MACResolver = Table(nil)
	_ netconfig.MACResolver = ChainResolver(nil)
	_ netconfig.MACResolver = ResolverFunc(nil)
	_ Resolver              = Table(nil)
	_ Resolver              = ChainResolver(nil)
	_ Resolver              = ResolverFunc(nil)
)
