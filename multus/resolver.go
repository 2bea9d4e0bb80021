package multus

import (
	"net/netip"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"

	"github.com/guestnet/guestnet/netconfig"
)

// StatusIndex is the entries of a pod's network-status annotation,
// indexed to find the entry of each of a VM's networks. It implements
// netconfig.StatusResolver.
//
// A StatusIndex is immutable once built: it keeps its own copy of the
// entries, so it is safe for concurrent use and later changes to the slice
// it was built from do not affect it. The zero StatusIndex has no entries.
type StatusIndex struct {
	// entries are the converted entries, in annotation order.
	entries []netconfig.NetworkStatus
	// defaultEntry is the index of the only entry marked default, when
	// hasDefault; there is none when no entry, or more than one, is.
	defaultEntry int
	hasDefault   bool
	// byName indexes the entries that are not default by normalised
	// attachment name.
	byName map[string]hits
	// byInterface indexes the entries that are not default by pod
	// interface name.
	byInterface map[string]hits
	// byNameInterface indexes the entries that are not default by
	// normalised attachment name and pod interface name together, so that
	// finding an attachment's entry for a pod interface name takes constant
	// time however many entries the attachment has.
	byNameInterface map[nameInterface]hits
	// namespace qualifies attachment names given without one.
	namespace string
}

// nameInterface is a key of StatusIndex.byNameInterface.
type nameInterface struct{ name, iface string }

var _ netconfig.StatusResolver = (*StatusIndex)(nil)

// NewStatusIndex returns the index of statuses, the entries of the
// network-status annotation of the pod of a VM in namespace. The namespace
// qualifies attachment names written without one, on either side ("ext-net"
// in namespace "vms" is "vms/ext-net", as netconfig.QualifyAttachment
// writes it); it may be empty, in which case such names are compared as
// they are.
//
// Each entry is converted once, here. Its NetworkName is its name qualified
// the same way ("" for an entry without a name, and for the default entry,
// whose name is the cluster network's CNI configuration, not an
// attachment); its MAC is parsed with netconfig.ParseMAC and its IPs and
// gateways with netip.ParseAddr. A MAC that does not parse is left unset,
// and an IP or gateway that does not parse (one written with a prefix
// length, for instance) is left out, rather than failing the whole status:
// the status is a hint, and the caller falls back when it is missing. A
// MAC that parses but cannot be a NIC's (multicast, say) is kept, for
// netconfig's validation to report. The MTU is kept when positive, and of
// the device-info its type, version and pci.pci-address, the address of
// an SR-IOV VF that KubeVirt reads (pkg/network/deviceinfo).
func NewStatusIndex(namespace string, statuses []nadv1.NetworkStatus) *StatusIndex {
	x := &StatusIndex{
		entries:         make([]netconfig.NetworkStatus, len(statuses)),
		byName:          make(map[string]hits, len(statuses)),
		byInterface:     make(map[string]hits, len(statuses)),
		byNameInterface: make(map[nameInterface]hits, len(statuses)),
		namespace:       namespace,
	}
	defaults := 0
	for i, s := range statuses {
		x.entries[i] = convert(namespace, s)
		if s.Default {
			defaults++
			x.defaultEntry = i
			continue
		}
		if name := x.entries[i].NetworkName; name != "" {
			x.byName[name] = x.byName[name].add(i)
			key := nameInterface{name, s.Interface}
			x.byNameInterface[key] = x.byNameInterface[key].add(i)
		}
		if s.Interface != "" {
			x.byInterface[s.Interface] = x.byInterface[s.Interface].add(i)
		}
	}
	x.hasDefault = defaults == 1
	return x
}

// NetworkStatuses returns the entry of each of networks that has exactly
// one, by network name. networks is the VM's whole network list in the
// order of its spec.networks (netconfig.Spec.Networks, not
// InterfaceOrder), absent networks included, which the ordinal pod
// interface names depend on. Each status
// returned is the caller's to change: it shares no memory with the index
// or with another status.
//
// A network's pod interface names are the names KubeVirt may have given
// its pod interface: PodInterfaceName of the network name, and
// OrdinalInterfaceName of its position among the VM's secondary Multus
// networks, counted in the order of networks as KubeVirt counts them
// (pkg/network/namescheme/networknamescheme.go,
// CreateOrdinalNetworkNameScheme over vmispec.FilterMultusNonDefaultNetworks):
// SourceMultus networks, SR-IOV and absent ones included, and networks of
// unspecified source that are not the pod network (KubeVirt has no third
// kind of network, so they are taken for Multus ones); not the primary
// network, and not a network of a source KubeVirt does not have. The
// rules are:
//
//   - The primary network (netconfig.Network.IsPrimary), the pod network
//     or a Multus default network (netconfig.SourceMultusDefault), gets the
//     only entry marked default, whatever its name or interface: Multus
//     marks the entry of the pod's primary interface default whichever
//     network it is, and KubeVirt takes it for either
//     (pkg/network/vmispec LookUpDefaultNetwork,
//     pkg/network/controllers/vmi.go calculatePrimaryIfaceStatus).
//   - A Multus network (SourceMultus) gets an entry of the attachment it
//     names, the names on both sides qualified with the index's namespace
//     (netconfig.QualifyAttachment): the one whose interface is one of the
//     network's pod interface names; or, failing that, the attachment's
//     only entry, provided no other of the VM's networks uses that
//     attachment and the entry's interface is not another network's pod
//     interface name.
//   - Any other network with an unspecified source names no attachment, so
//     it gets the entry, not marked default, whose interface is one of its
//     pod interface names.
//
// An absent network (netconfig.Network.Absent) follows the same rules: its
// entry stays in the network status until the pod interface is gone.
//
// An entry is never given to two networks other than the primary network:
// when the rules would give one entry to two networks of the list, neither
// gets it. Networks that share a name share its key, which holds an entry
// only when the rules give all of them the same one. Ambiguity and an
// unknown source give no entry, and so does a list of more than
// netconfig.MaxNetworks networks, which netconfig.Build refuses.
//
// A call takes time linear in the number of networks: it derives what it
// needs from the list once, and looks each network up in the index built
// by NewStatusIndex.
func (x *StatusIndex) NetworkStatuses(networks []netconfig.Network) map[string]netconfig.NetworkStatus {
	if len(networks) > netconfig.MaxNetworks {
		return nil
	}
	v := x.view(networks)
	matched := make([]int, len(networks))
	claims := make([]int, len(x.entries)) // by entry: the networks it matches, but the primary network
	for i := range networks {
		matched[i] = x.match(&v, i)
		if matched[i] >= 0 && !v.pod[i] {
			claims[matched[i]]++
		}
	}
	given := make(map[string]int, len(networks)) // network name -> entry, or -1
	for i, n := range networks {
		e := matched[i]
		if e >= 0 && !v.pod[i] && claims[e] > 1 {
			e = -1
		}
		if prev, seen := given[n.Name]; seen && prev != e {
			e = -1
		}
		given[n.Name] = e
	}
	out := make(map[string]netconfig.NetworkStatus, len(given))
	for name, e := range given {
		if e >= 0 {
			out[name] = x.entries[e].Clone()
		}
	}
	return out
}

// view is what NetworkStatuses derives from the network list, once a call.
type view struct {
	networks []netconfig.Network
	// pod reports which networks are the primary network: the pod
	// network or a Multus default network.
	pod []bool
	// names are each network's pod interface names, hashed then ordinal;
	// none for the primary network and for a network of a source KubeVirt
	// does not have.
	names [][2]string
	// owner maps each pod interface name to the network it belongs to, or
	// to -1 when it belongs to several (networks with the same name).
	owner map[string]int
	// attachment is each Multus network's qualified attachment name.
	attachment []string
	// sharing counts the Multus networks naming each attachment.
	sharing map[string]int
}

func (x *StatusIndex) view(networks []netconfig.Network) view {
	v := view{
		networks:   networks,
		pod:        make([]bool, len(networks)),
		names:      make([][2]string, len(networks)),
		owner:      make(map[string]int, 2*len(networks)),
		attachment: make([]string, len(networks)),
		sharing:    make(map[string]int, len(networks)),
	}
	ordinal := 0
	for j := range networks {
		n := &networks[j]
		if n.IsPrimary() {
			v.pod[j] = true
			continue
		}
		if !takesOrdinal(n) {
			continue // a source KubeVirt does not have: no pod interface
		}
		ordinal++
		v.names[j] = [2]string{PodInterfaceName(n.Name), OrdinalInterfaceName(ordinal)}
		for _, name := range v.names[j] {
			if _, dup := v.owner[name]; dup {
				v.owner[name] = -1
			} else {
				v.owner[name] = j
			}
		}
		if n.Source == netconfig.SourceMultus {
			v.attachment[j] = netconfig.QualifyAttachment(x.namespace, n.NetworkName)
			v.sharing[v.attachment[j]]++
		}
	}
	return v
}

// match returns the index of the entry the rules give networks[i], or -1,
// without checking whether another network is given the same entry. It
// takes constant time. (The two pod interface names of a network always
// differ: one starts with "pod", the other with "net".)
func (x *StatusIndex) match(v *view, i int) int {
	if v.pod[i] {
		if !x.hasDefault {
			return -1
		}
		return x.defaultEntry
	}
	hashed, ordinal := v.names[i][0], v.names[i][1]
	switch v.networks[i].Source {
	case netconfig.SourceMultus:
		attachment := v.attachment[i]
		if attachment == "" {
			return -1
		}
		byHashed := x.byNameInterface[nameInterface{attachment, hashed}]
		byOrdinal := x.byNameInterface[nameInterface{attachment, ordinal}]
		if byHashed.n+byOrdinal.n > 0 {
			return only(byHashed, byOrdinal)
		}
		candidates := x.byName[attachment]
		if candidates.n != 1 || v.sharing[attachment] != 1 {
			return -1
		}
		if owner, owned := v.owner[x.entries[candidates.first].Interface]; owned && owner != i {
			return -1
		}
		return candidates.first
	case netconfig.SourceUnspecified:
		return only(x.byInterface[hashed], x.byInterface[ordinal])
	}
	return -1
}

// only returns the entry of a and b together when there is exactly one,
// else -1.
func only(a, b hits) int {
	switch {
	case a.n == 1 && b.n == 0:
		return a.first
	case a.n == 0 && b.n == 1:
		return b.first
	}
	return -1
}

// hits are the entries an index key has: the first, and how many.
type hits struct{ first, n int }

// add returns h with entry i added.
func (h hits) add(i int) hits {
	if h.n == 0 {
		h.first = i
	}
	h.n++
	return h
}

// convert turns an annotation entry into netconfig's form.
func convert(namespace string, s nadv1.NetworkStatus) netconfig.NetworkStatus {
	st := netconfig.NetworkStatus{
		Default:   s.Default,
		Interface: s.Interface,
		IPs:       parseAddrs(s.IPs),
		Gateways:  parseAddrs(s.Gateway),
		MTU:       max(s.Mtu, 0), // a negative MTU is none
	}
	// The default entry names the cluster network's CNI configuration
	// (ovn-kubernetes, kindnet), not an attachment in the VM's namespace,
	// so it carries no attachment name.
	if !s.Default {
		st.NetworkName = netconfig.QualifyAttachment(namespace, s.Name)
	}
	if mac, err := netconfig.ParseMAC(s.Mac); err == nil {
		st.MAC = mac
	}
	if d := s.DeviceInfo; d != nil {
		st.DeviceInfo = netconfig.DeviceInfo{Type: d.Type, Version: d.Version}
		if d.Pci != nil {
			st.DeviceInfo.PCIAddress = d.Pci.PciAddress
		}
	}
	return st
}

// parseAddrs parses addresses, leaving out those that do not parse.
func parseAddrs(ss []string) []netip.Addr {
	var out []netip.Addr
	for _, s := range ss {
		if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, a)
		}
	}
	return out
}
