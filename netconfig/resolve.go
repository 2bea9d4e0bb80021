package netconfig

import (
	"fmt"
	"strconv"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// plan is what resolve decided for one network; plans are in VM order,
// plans[i] for spec.Networks[i].
type plan struct {
	// Interface is the network's element of Result.Interfaces, which
	// resolve fills in.
	*Interface
	// ip is the IP config that applies: the spec's, or DHCP for a pod
	// network given none. It is nil when the NIC is not configured.
	ip *IPConfig
}

// resolve decides, for each network in VM order, its role, its guest
// interface name (from order, Spec.NetworksInInterfaceOrder's) and how its
// NIC is matched. It asks the status resolver once, for all networks, and
// returns the plans, the Interfaces they fill in, and warnings.
func resolve(spec Spec, order []int, o options) ([]plan, []Interface, []Warning) {
	ifaces := make([]Interface, len(spec.Networks))
	plans := make([]plan, len(spec.Networks))
	// Room for a warning per network and a few more: a VM's warnings
	// then take one allocation.
	warnings := make([]Warning, 0, len(spec.Networks)+4)
	var statuses map[string]NetworkStatus
	var copies []NetworkStatus // what Interface.Status points to
	if o.status != nil {
		statuses = o.status.NetworkStatuses(spec.Networks)
		copies = make([]NetworkStatus, len(spec.Networks))
	}
	nics := nicPositions(spec, order)
	for i := range spec.Networks {
		n := &spec.Networks[i]
		p := &plans[i]
		p.Interface = &ifaces[i]
		p.Network = n.Name
		if nics[i] >= 0 {
			p.Name = "eth" + strconv.Itoa(nics[i])
		}
		p.PCIAddress = n.PCIAddress
		if n.Source == SourceMultus || n.Source == SourceMultusDefault {
			p.NetworkName = QualifyAttachment(spec.Namespace, n.NetworkName)
		}
		status, hasStatus := statuses[n.Name]
		if hasStatus {
			copies[i] = status.Clone()
			p.Status = &copies[i]
			p.PodInterface = status.Interface
			if p.NetworkName == "" {
				p.NetworkName = status.NetworkName
			}
		}

		p.Role = role(n, &status, hasStatus)
		switch p.Role {
		case RoleAbsent:
			if n.IPConfig != nil {
				warnings = append(warnings, Warning{
					Code: WarningIPConfigIgnored, Network: n.Name, Field: fieldText(o.path, i, ".ipConfig"),
					Message: "the VM interface is absent (being unplugged), so the guest has no NIC for it and its IP config is not written",
				})
			}
		case RolePod:
			switch {
			case o.omitPod:
				if n.IPConfig != nil {
					warnings = append(warnings, Warning{
						Code: WarningIPConfigIgnored, Network: n.Name, Field: fieldText(o.path, i, ".ipConfig"),
						Message: "the pod network is left out of the output, so its IP config is not written",
					})
				}
			case n.IPConfig == nil:
				p.ip = &IPConfig{Mode: ModeDHCP}
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
			warnings = append(warnings, Warning{Code: WarningNotMultusAttachment, Network: n.Name, Field: fieldText(o.path, i, ""), Message: msg})
		}
		p.Configured = p.ip != nil

		if other, overridden := resolveMAC(p, n, o.macs, &status, hasStatus); overridden {
			warnings = append(warnings, Warning{
				Code: WarningMACMismatch, Network: n.Name, Field: fieldText(o.path, i, ".macAddress"),
				Message: fmt.Sprintf("the spec sets MAC %s but the MAC resolver reports %s (from the %s); the spec's MAC is used", n.MAC, other.MAC, other.Origin),
			})
		}
		if !p.Configured {
			continue
		}
		if p.MAC.IsValid() {
			p.Match = MatchMAC
			if p.MACOrigin == MACFromVMIStatus || p.MACOrigin == MACFromNetworkStatus {
				warnings = append(warnings, Warning{
					Code: WarningEphemeralMAC, Network: n.Name, Field: fieldText(o.path, i, ".macAddress"),
					Message: fmt.Sprintf("the NIC is matched by MAC %s from the %s, which KubeVirt does not keep: "+
						"the next pod, after a restart, brings a new MAC and the NIC no longer matches; "+
						"pin it: set macAddress on the VM interface, or use macresolve.Pin", p.MAC, p.MACOrigin),
				})
			}
			continue
		}
		p.Match = MatchName
		warnings = append(warnings, Warning{
			Code: WarningInterfaceNameFallback, Network: n.Name, Field: fieldText(o.path, i, ".macAddress"),
			Message: fmt.Sprintf("no MAC is known for this network, so its NIC is matched by the name %s "+
				"(its position among the VM's NICs); guests that name NICs predictably (enp1s0, ens4, ...) "+
				"have no %s and leave it unconfigured, unless booted with net.ifnames=0: "+
				"set macAddress on the VM interface or pass a MAC resolver",
				p.Name, p.Name),
		})
	}
	return plans, ifaces, warnings
}

// role decides what a network is to the guest.
func role(n *Network, st *NetworkStatus, hasStatus bool) Role {
	switch {
	case n.Absent:
		return RoleAbsent
	case n.IsPrimary():
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

// nicPositions returns, for each network of spec, the position of its NIC
// among the guest's NICs, counting from 0, or -1 for an absent network,
// which has none. order is spec.NetworksInInterfaceOrder's: KubeVirt
// attaches the NICs in the order of the VM's interfaces, leaving out absent
// ones (pkg/virt-launcher/virtwrap/converter/network.go,
// CreateDomainInterfaces), and then the SR-IOV interfaces, in the same
// order, as PCI host devices (converter.go appends c.SRIOVDevices after
// the interfaces; libvirt gives host devices PCI slots after the NICs).
func nicPositions(spec Spec, order []int) []int {
	pos := make([]int, len(spec.Networks))
	for i := range pos {
		pos[i] = -1
	}
	next := 0
	for pass := 0; pass < 2; pass++ { // the NICs, then the SR-IOV host devices
		for _, i := range order {
			if (spec.Networks[i].Binding == BindingSRIOV) == (pass == 1) {
				pos[i] = next
				next++
			}
		}
	}
	return pos
}

// resolveMAC picks the NIC's MAC and notes where it came from: the spec's,
// else the MAC resolver's, else the network status's for bindings that
// hand the pod interface's MAC to the guest. When the spec's MAC overrides
// a different one from the resolver, it returns that one and true.
func resolveMAC(p *plan, n *Network, macs MACResolver, status *NetworkStatus, hasStatus bool) (ResolvedMAC, bool) {
	var fromResolver ResolvedMAC
	if macs != nil {
		if r, ok := macs.ResolveMAC(n.Name); ok && r.MAC.IsValid() {
			fromResolver = r
			if fromResolver.Origin == "" {
				fromResolver.Origin = MACFromResolver
			}
		}
	}
	switch {
	case n.MAC.IsValid():
		p.MAC, p.MACOrigin = n.MAC, MACFromSpec
		return fromResolver, fromResolver.MAC.IsValid() && fromResolver.MAC != n.MAC
	case fromResolver.MAC.IsValid():
		p.MAC, p.MACOrigin, p.MACDetail = fromResolver.MAC, fromResolver.Origin, fromResolver.Detail
	case hasStatus && status.MAC.IsValid() && (n.Binding == BindingBridge || n.Binding == BindingSRIOV):
		p.MAC, p.MACOrigin, p.MACDetail = status.MAC, MACFromNetworkStatus, status.Interface
	}
	return ResolvedMAC{}, false
}

// networkPath is the path of networks[i] under root, WithFieldPath's path
// (nil for the Spec's own root). Build makes paths only for errors and
// warnings.
func networkPath(root *field.Path, i int) *field.Path {
	return root.Child("networks").Index(i)
}

// fieldText is the text of networkPath(root, i) followed by rest (such as
// ".ipConfig.routes"), as field.Path.String writes it. Warnings, which
// valid input has, take their field as this text: building a path's nodes
// only to print them cost a warning about ten allocations.
func fieldText(root *field.Path, i int, rest string) string {
	prefix := ""
	if root != nil {
		prefix = root.String() + "."
	}
	return prefix + "networks[" + strconv.Itoa(i) + "]" + rest
}
