package multus

import (
	"net/netip"
	"slices"
	"strings"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"

	"github.com/guestnet/guestnet/netconfig"
)

// StatusResolver resolves a VM's networks to the entries of its pod's
// network-status annotation. It implements netconfig.StatusResolver.
//
// A StatusResolver is immutable once built: it keeps its own copy of the
// entries, so it is safe for concurrent use and later changes to the slice
// it was built from do not affect it. The zero StatusResolver has no
// entries.
type StatusResolver struct {
	// entries are the converted entries, in annotation order.
	entries []netconfig.NetworkStatus
	// defaultEntry is the index of the only entry marked default, when
	// hasDefault; there is none when no entry, or more than one, is.
	defaultEntry int
	hasDefault   bool
	// byName indexes the entries that are not default by normalised
	// attachment name.
	byName map[string][]int
	// byInterface indexes the entries that are not default by pod
	// interface name.
	byInterface map[string][]int
	// byNameInterface indexes the entries that are not default by
	// normalised attachment name and pod interface name together, so that
	// finding an attachment's entry for a pod interface name takes constant
	// time however many entries the attachment has. (Scanning
	// byName[attachment] instead made NetworkStatus cost O(n·k) for n
	// networks on one attachment with k entries, and a Build of such a VM
	// O(n²·k): ten seconds for a thousand networks.)
	byNameInterface map[nameInterface][]int
	// namespace qualifies attachment names given without one.
	namespace string
}

// nameInterface is a key of StatusResolver.byNameInterface.
type nameInterface struct{ name, iface string }

var _ netconfig.StatusResolver = (*StatusResolver)(nil)

// NewStatusResolver returns a resolver over statuses, the entries of the
// network-status annotation of the pod of a VM in namespace. The namespace
// qualifies attachment names written without one, on either side ("ext-net"
// in namespace "vms" is "vms/ext-net"); it may be empty, in which case such
// names are compared as they are.
//
// Each entry is converted once, here. Its NetworkName is its name qualified
// the same way ("" for an entry without a name, and for the default entry,
// whose name is the cluster network's CNI configuration, not an
// attachment); its MAC is parsed with netconfig.ParseMAC and its IPs with
// netip.ParseAddr. A MAC that does not parse is left unset, and an IP that
// does not parse (one written with a prefix length, for instance) is left
// out, rather than failing the whole status: the status is a hint, and the
// caller falls back when it is missing. A MAC that parses but cannot be a
// NIC's (multicast, say) is kept, for netconfig's validation to report.
func NewStatusResolver(namespace string, statuses []nadv1.NetworkStatus) *StatusResolver {
	r := &StatusResolver{
		entries:         make([]netconfig.NetworkStatus, len(statuses)),
		byName:          make(map[string][]int),
		byInterface:     make(map[string][]int),
		byNameInterface: make(map[nameInterface][]int),
		namespace:       namespace,
	}
	defaults := 0
	for i, s := range statuses {
		r.entries[i] = convert(namespace, s)
		if s.Default {
			defaults++
			r.defaultEntry = i
			continue
		}
		if name := r.entries[i].NetworkName; name != "" {
			r.byName[name] = append(r.byName[name], i)
			key := nameInterface{name, s.Interface}
			r.byNameInterface[key] = append(r.byNameInterface[key], i)
		}
		if s.Interface != "" {
			r.byInterface[s.Interface] = append(r.byInterface[s.Interface], i)
		}
	}
	r.hasDefault = defaults == 1
	return r
}

// NetworkStatus returns the entry of networks[i], and whether there is
// exactly one. networks is the VM's whole network list in VM order, which
// the pod interface naming schemes depend on.
//
// A network's pod interface names are the names KubeVirt may have given
// its pod interface: PodInterfaceName of the network name, and
// OrdinalInterfaceName of its position among the VM's networks that are
// not the pod network. The rules are:
//
//   - The pod network (SourcePod, or an unspecified source with the name
//     "default") gets the only entry marked default, whatever its name or
//     interface.
//   - A Multus network (SourceMultus) gets an entry of the attachment it
//     names, the names on both sides qualified with the resolver's
//     namespace when they have none: the one whose interface is one of the
//     network's pod interface names; or, failing that, the attachment's
//     only entry, provided no other of the VM's networks uses that
//     attachment and the entry's interface is not another network's pod
//     interface name.
//   - Any other network with an unspecified source names no attachment, so
//     it gets the entry, not marked default, whose interface is one of its
//     pod interface names.
//
// An entry is never given to two networks: when the rules would give one
// entry to networks[i] and to another network of the list, neither gets it.
// Ambiguity, an index out of range and an unknown source all give no entry,
// and so does a list of more than netconfig.MaxNetworks networks, which
// netconfig.Build refuses: a call looks at the whole list, so a caller
// asking for each network of a list of n takes time in O(n²), and that n
// is bounded.
func (r *StatusResolver) NetworkStatus(networks []netconfig.Network, i int) (netconfig.NetworkStatus, bool) {
	if i < 0 || i >= len(networks) || len(networks) > netconfig.MaxNetworks {
		return netconfig.NetworkStatus{}, false
	}
	v := r.view(networks)
	e := r.match(v, i)
	if e < 0 {
		return netconfig.NetworkStatus{}, false
	}
	if !r.entries[e].Default {
		for j := range networks {
			if j != i && !v.pod[j] && r.match(v, j) == e {
				return netconfig.NetworkStatus{}, false
			}
		}
	}
	st := r.entries[e]
	st.IPs = slices.Clone(st.IPs)
	return st, true
}

// NetworkStatuses returns the entry of each of networks that has one, by
// network name, as NetworkStatus gives them.
func (r *StatusResolver) NetworkStatuses(networks []netconfig.Network) map[string]netconfig.NetworkStatus {
	out := map[string]netconfig.NetworkStatus{}
	for i, n := range networks {
		if st, ok := r.NetworkStatus(networks, i); ok {
			out[n.Name] = st
		}
	}
	return out
}

// view is what NetworkStatus derives from the network list once per call.
type view struct {
	networks []netconfig.Network
	// pod reports which networks are the pod network.
	pod []bool
	// names are each network's pod interface names, hashed then ordinal;
	// none for the pod network.
	names [][2]string
	// owner maps each pod interface name to the network it belongs to, or
	// to -1 when it belongs to several (networks with the same name).
	owner map[string]int
	// attachment is each Multus network's qualified attachment name.
	attachment []string
	// sharing counts the Multus networks naming each attachment.
	sharing map[string]int
}

func (r *StatusResolver) view(networks []netconfig.Network) view {
	v := view{
		networks:   networks,
		pod:        make([]bool, len(networks)),
		names:      make([][2]string, len(networks)),
		owner:      make(map[string]int, 2*len(networks)),
		attachment: make([]string, len(networks)),
		sharing:    make(map[string]int),
	}
	ordinal := 0
	for j, n := range networks {
		if isPodNetwork(n) {
			v.pod[j] = true
			continue
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
			v.attachment[j] = qualify(r.namespace, n.NetworkName)
			v.sharing[v.attachment[j]]++
		}
	}
	return v
}

// match returns the index of the entry the rules give networks[i], or -1,
// without checking whether another network is given the same entry.
func (r *StatusResolver) match(v view, i int) int {
	if v.pod[i] {
		if !r.hasDefault {
			return -1
		}
		return r.defaultEntry
	}
	names := v.names[i][:]
	switch v.networks[i].Source {
	case netconfig.SourceMultus:
		attachment := v.attachment[i]
		if attachment == "" {
			return -1
		}
		candidates := r.byName[attachment]
		if e, n := r.onlyNamed(attachment, names); n > 0 {
			return e
		}
		if len(candidates) != 1 || v.sharing[attachment] != 1 {
			return -1
		}
		if owner, owned := v.owner[r.entries[candidates[0]].Interface]; owned && owner != i {
			return -1
		}
		return candidates[0]
	case netconfig.SourceUnspecified:
		var candidates []int
		for _, name := range names {
			candidates = append(candidates, r.byInterface[name]...)
		}
		if len(candidates) == 1 {
			return candidates[0]
		}
	}
	return -1
}

// onlyNamed returns the entry of attachment whose pod interface is one of
// names, and how many there are; the entry is -1 unless there is exactly
// one.
func (r *StatusResolver) onlyNamed(attachment string, names []string) (entry, n int) {
	entry = -1
	for k, name := range names {
		if slices.Contains(names[:k], name) {
			continue // the same name twice is one name
		}
		found := r.byNameInterface[nameInterface{attachment, name}]
		n += len(found)
		if len(found) > 0 {
			entry = found[0]
		}
	}
	if n != 1 {
		entry = -1
	}
	return entry, n
}

// isPodNetwork reports whether n is the pod network.
func isPodNetwork(n netconfig.Network) bool {
	return n.Source == netconfig.SourcePod || n.Source == netconfig.SourceUnspecified && n.Name == "default"
}

// convert turns an annotation entry into netconfig's form.
func convert(namespace string, s nadv1.NetworkStatus) netconfig.NetworkStatus {
	st := netconfig.NetworkStatus{
		Default:   s.Default,
		Interface: s.Interface,
	}
	// The default entry names the cluster network's CNI configuration
	// (ovn-kubernetes, kindnet), not an attachment in the VM's namespace,
	// so it carries no attachment name.
	if !s.Default {
		st.NetworkName = qualify(namespace, s.Name)
	}
	if mac, err := netconfig.ParseMAC(s.Mac); err == nil {
		st.MAC = mac
	}
	for _, ip := range s.IPs {
		if a, err := netip.ParseAddr(ip); err == nil {
			st.IPs = append(st.IPs, a)
		}
	}
	return st
}

// qualify returns an attachment name as "namespace/name", taking the
// namespace from ns when name has none. An empty name, or an empty ns,
// leaves the name as it is.
func qualify(ns, name string) string {
	if name == "" || ns == "" || strings.Contains(name, "/") {
		return name
	}
	return ns + "/" + name
}
