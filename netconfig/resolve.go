package netconfig

import (
	"fmt"
	"strconv"
	"strings"
)

// plan is what resolve decided for one network.
type plan struct {
	// Interface is the network's element of Result.Interfaces, which
	// resolve fills in.
	*Interface
	// index is the network's position in Spec.Networks.
	index int
	// ip is the IP config that applies: the spec's, or DHCP for a pod
	// network given none. It is nil when the NIC is not configured.
	ip *IPConfig
}

// resolve decides, for each network in VM order, its role, its guest
// interface name and how its NIC is matched. It fills in ifaces, one per
// network, and appends the plans to plans, which Build keeps on its stack
// for a typical VM.
func resolve(spec Spec, o options, ifaces []Interface, plans []plan) ([]plan, []Warning) {
	// Room for a warning per network and two more, so that the warnings
	// of a typical VM take one allocation.
	warnings := make([]Warning, 0, len(spec.Networks)+2)
	var dhcp *IPConfig // the pod network's IP config when it has none
	// The names resolve makes (eth0, vms/storage-net, ...) share one
	// arena, a strings.Builder, whose strings stay valid as it grows.
	var names strings.Builder
	size := 0
	for i, n := range spec.Networks {
		size += len("eth") + digits(i) + len(spec.Namespace) + 1 + len(n.NetworkName)
	}
	names.Grow(size)
	var statuses map[string]NetworkStatus
	if o.status != nil {
		statuses = o.status.NetworkStatuses(spec.Networks)
	}
	for i := range spec.Networks {
		n := &spec.Networks[i]
		plans = append(plans, plan{Interface: &ifaces[i], index: i})
		p := &plans[len(plans)-1]
		path := newPath(segNetworks).Index(i)
		p.Network = n.Name
		p.Name = guestInterfaceName(&names, i)
		p.PCIAddress = n.PCIAddress
		if n.Source == SourceMultus {
			p.NetworkName = QualifyAttachment(spec.Namespace, n.NetworkName)
		}
		status, hasStatus := statuses[n.Name]
		if hasStatus {
			p.PodInterface = status.Interface
			if p.NetworkName == "" {
				p.NetworkName = status.NetworkName
			}
		}

		p.Role = role(n, &status, hasStatus)
		switch p.Role {
		case RolePod:
			switch {
			case o.omitPod:
				if n.IPConfig != nil {
					warnings = append(warnings, Warning{
						Code: WarningIPConfigIgnored, Network: n.Name, Field: path.Child(segIPConfig).String(),
						Message: "the pod network is left out of the output, so its IP config is not written",
					})
				}
			case n.IPConfig == nil:
				if dhcp == nil {
					dhcp = &IPConfig{Mode: ModeDHCP}
				}
				p.ip = dhcp
			default:
				p.ip = n.IPConfig
			}
		case RoleSecondary:
			p.ip = n.IPConfig
		case RoleSkipped:
			msg := "its network status names no NetworkAttachmentDefinition, so it is not a Multus attachment and is left out"
			if n.IPConfig != nil {
				msg += "; its IP config is not written"
			}
			warnings = append(warnings, Warning{Code: WarningNotMultusAttachment, Network: n.Name, Field: path.String(), Message: msg})
		}
		p.Configured = p.ip != nil

		if w, ok := resolveMAC(p, n, path, &o, &status, hasStatus); ok {
			warnings = append(warnings, w)
		}
		if !p.Configured {
			continue
		}
		if p.MAC.IsValid() {
			p.Match = MatchMAC
			continue
		}
		p.Match = MatchName
		warnings = append(warnings, Warning{
			Code: WarningInterfaceNameFallback, Network: n.Name, Field: path.Child(segMACAddress).String(),
			Message: fmt.Sprintf("no MAC is known for this network, so its NIC is matched by the name %s "+
				"(its position among the VM's NICs); guests that name NICs predictably (enp1s0, ens4, ...) "+
				"have no %s and leave it unconfigured, unless booted with net.ifnames=0: "+
				"set macAddress on the VM interface or pass a MAC resolver",
				p.Name, p.Name),
		})
	}
	return plans, warnings
}

// role decides what a network is to the guest.
func role(n *Network, st *NetworkStatus, hasStatus bool) Role {
	switch {
	case n.IsPodNetwork():
		return RolePod
	case n.Source == SourceMultus:
		return RoleSecondary
	case !hasStatus:
		// First creation: no status yet. The network is still configured.
		return RoleSecondary
	case st.Default:
		return RolePod
	case st.NetworkName == "":
		return RoleSkipped
	}
	return RoleSecondary
}

// resolveMAC picks the NIC's MAC: the spec's, else the MAC resolver's, else
// the network status's for bindings that hand the pod interface's MAC to
// the guest. It returns a warning when the spec and a resolver disagree.
func resolveMAC(p *plan, n *Network, path fieldPath, o *options, status *NetworkStatus, hasStatus bool) (Warning, bool) {
	var fromResolver ResolvedMAC
	if o.macs != nil {
		if r, ok := o.macs.ResolveMAC(n.Name); ok && r.MAC.IsValid() {
			fromResolver = r
			if fromResolver.Origin == "" {
				fromResolver.Origin = MACFromResolver
			}
		}
	}
	switch {
	case n.MAC.IsValid():
		p.MAC, p.MACOrigin = n.MAC, MACFromSpec
		if fromResolver.MAC.IsValid() && fromResolver.MAC != n.MAC {
			return Warning{
				Code: WarningMACMismatch, Network: n.Name, Field: path.Child(segMACAddress).String(),
				Message: fmt.Sprintf("the spec sets MAC %s but the MAC resolver reports %s (from the %s); the spec's MAC is used", n.MAC, fromResolver.MAC, fromResolver.Origin),
			}, true
		}
	case fromResolver.MAC.IsValid():
		p.MAC, p.MACOrigin, p.MACDetail = fromResolver.MAC, fromResolver.Origin, fromResolver.Detail
	case hasStatus && status.MAC.IsValid() && (n.Binding == BindingBridge || n.Binding == BindingSRIOV):
		p.MAC, p.MACOrigin, p.MACDetail = status.MAC, MACFromNetworkStatus, status.Interface
	}
	return Warning{}, false
}

// guestInterfaceName is the name of the guest NIC at position i among the
// VM's NICs: eth0 for the first, eth1 for the second, and so on. It is
// written to arena.
func guestInterfaceName(arena *strings.Builder, i int) string {
	start := arena.Len()
	arena.WriteString("eth")
	var b [20]byte
	arena.Write(strconv.AppendInt(b[:0], int64(i), 10))
	return arena.String()[start:]
}

// digits is the number of decimal digits of i ≥ 0.
func digits(i int) int {
	n := 1
	for ; i >= 10; i /= 10 {
		n++
	}
	return n
}

// macPath is the field the chosen MAC came from, for error messages: the
// spec's macAddress, or the network for a MAC from outside the spec.
func (p plan) macPath() fieldPath {
	path := newPath(segNetworks).Index(p.index)
	if p.MACOrigin == MACFromSpec {
		return path.Child(segMACAddress)
	}
	return path
}
