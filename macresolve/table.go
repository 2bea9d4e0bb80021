package macresolve

import "github.com/guestnet/guestnet/netconfig"

// ChainResolver asks its resolvers in order and takes the first answer. It
// implements netconfig.MACResolver; the answer's Origin tells which source
// answered. Nil resolvers are skipped.
type ChainResolver []netconfig.MACResolver

// Chain returns a resolver that asks rs in order and takes the first
// answer. It keeps its own copy of the list, so later changes to rs do not
// affect it.
//
// A typical order puts what KubeVirt gives the guest for sure before what
// is only reported: the VMI's spec and status (FromVMI), then the VM's
// template (FromVM), then the network status (FromNetworkStatus), then
// MACs the caller knows (Static).
func Chain(rs ...netconfig.MACResolver) ChainResolver {
	return append(ChainResolver(nil), rs...)
}

// ResolveMAC returns the answer of the first resolver of c that knows the
// MAC of network.
func (c ChainResolver) ResolveMAC(network string) (netconfig.ResolvedMAC, bool) {
	for _, r := range c {
		if r == nil {
			continue
		}
		if e, ok := r.ResolveMAC(network); ok && e.MAC.IsValid() {
			return e, true
		}
	}
	return netconfig.ResolvedMAC{}, false
}

var _ netconfig.MACResolver = ChainResolver(nil)
