package netconfig

import "github.com/guestnet/guestnet/netconfig/netplan"

// Explanation is what Build made of one network, for people and for
// programs that show it: Explain's element.
type Explanation struct {
	// Interface is the network's element of Result.Interfaces: its role,
	// guest interface name and match (MAC, its origin and detail).
	Interface
	// Source is the network's source as the spec gives it.
	Source Source
	// NotConfigured says why the NIC has no entry in the output; it is
	// empty when it has one.
	NotConfigured string
	// Ethernet is the NIC's entry in the output (addresses, routes, DNS),
	// nil when it has none. It shares memory with the Result's Config.
	Ethernet *netplan.Ethernet
	// Warnings are the Result's warnings about this network, in order.
	Warnings []Warning
}

// Explain returns, for each network of spec in VM order, what res, the
// Result of Build(spec, ...), made of it. It does not modify its input.
func Explain(spec Spec, res Result) []Explanation {
	out := make([]Explanation, len(res.Interfaces))
	for i, ifc := range res.Interfaces {
		e := &out[i]
		e.Interface = ifc
		if i < len(spec.Networks) && spec.Networks[i].Name == ifc.Network {
			e.Source = spec.Networks[i].Source
		}
		if eth, ok := res.Config.Network.Ethernets[ifc.Name]; ok && ifc.Configured {
			e.Ethernet = &eth
		}
		switch {
		case ifc.Configured:
		case ifc.Role == RoleSkipped:
			e.NotConfigured = "its network status names no NetworkAttachmentDefinition: not a Multus attachment"
		case ifc.Role == RoleAbsent:
			e.NotConfigured = "its VM interface is absent (being unplugged): the guest has no NIC for it"
		case ifc.Role == RolePod:
			e.NotConfigured = "the pod network is left out of the output (WithoutPodNetwork)"
		default:
			e.NotConfigured = "no IP config is asked for it"
		}
		for _, w := range res.Warnings {
			if w.Network != "" && w.Network == ifc.Network {
				e.Warnings = append(e.Warnings, w)
			}
		}
	}
	return out
}
