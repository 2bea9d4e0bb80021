package netconfig

import (
	"fmt"
	"net/netip"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Spec is the input of Build: a VM's networks, in the VM's order.
type Spec struct {
	// Namespace is the VM's namespace. It qualifies attachment names given
	// without one ("ext-net" becomes "vms/ext-net"). It may be empty, in
	// which case unqualified attachment names stay as they are.
	Namespace string

	// Networks lists the VM's networks in the order of the VM's
	// spec.networks. That order numbers ordinal pod interface names
	// (net1, net2, ...); the order of the NICs in the guest is
	// InterfaceOrder's.
	Networks []Network

	// InterfaceOrder names the networks in the order of the VM's
	// interfaces (spec.domain.devices.interfaces), which is the order in
	// which KubeVirt attaches their NICs to the guest. Empty means the
	// order of Networks. When set, it names every network exactly once.
	//
	// KubeVirt (pkg/virt-launcher/virtwrap/converter/network.go,
	// CreateDomainInterfaces) makes the domain's NICs by walking the
	// interfaces in this order, skipping absent ones; SR-IOV interfaces
	// become PCI host devices, which follow all the NICs
	// (pkg/virt-launcher/virtwrap/device/hostdevice/sriov). Build numbers
	// the guest's NICs the same way: see Interface.Name.
	InterfaceOrder []string
}

// NetworksInInterfaceOrder returns the indexes of s.Networks in the order
// of the VM's interfaces, s.InterfaceOrder (the order of s.Networks when it
// is empty), leaving out absent networks. It also returns the problems of
// an InterfaceOrder that does not name every network exactly once: a name
// it holds twice (field.Duplicate), a name that no network has
// (field.NotFound) and a network it leaves out (field.Required), with
// paths under fldPath.Child("interfaceOrder"), fldPath being the path of s
// (nil for the root).
//
// KubeVirt walks a VM's interfaces in this order, leaving out absent ones,
// both to make the domain's NICs
// (pkg/virt-launcher/virtwrap/converter/network.go,
// CreateDomainInterfaces, whose SR-IOV interfaces become PCI host devices
// after all the NICs) and to list the pod's Multus networks
// (pkg/network/pod/annotations/generator.go Generate keeps the interfaces
// whose state is not absent, and vmispec.FilterNetworksByInterfaces returns
// the networks in the order of the interfaces). Build numbers the guest's
// NICs in it (see Interface.Name).
//
// Every network that is not absent is in the result exactly once, even
// when s is invalid: an entry of InterfaceOrder at fault is passed over,
// and the networks that InterfaceOrder gives no place of their own (those
// it leaves out, those with no name, and all but the first of networks
// that share a name, which Build reports) follow in the order of
// s.Networks. s is only read.
func (s Spec) NetworksInInterfaceOrder(fldPath *field.Path) ([]int, field.ErrorList) {
	order := make([]int, 0, len(s.Networks))
	if len(s.InterfaceOrder) == 0 {
		for i := range s.Networks {
			if !s.Networks[i].Absent {
				order = append(order, i)
			}
		}
		return order, nil
	}
	first := make(map[string]int, len(s.Networks)) // network name -> index of the first network of that name
	for i := range s.Networks {
		if name := s.Networks[i].Name; name != "" {
			if _, seen := first[name]; !seen {
				first[name] = i
			}
		}
	}
	var errs field.ErrorList
	path := fldPath.Child("interfaceOrder")
	named := make(map[string]bool, len(s.InterfaceOrder))
	placed := make([]bool, len(s.Networks))
	for k, name := range s.InterfaceOrder {
		i, ok := first[name]
		switch {
		case named[name]:
			fe := field.Duplicate(path.Index(k), name)
			fe.Detail = "the interface order names each network once"
			errs = append(errs, fe)
		case !ok:
			fe := field.NotFound(path.Index(k), name)
			fe.Detail = "the interface order names only the spec's networks"
			errs = append(errs, fe)
		default:
			placed[i] = true
			if !s.Networks[i].Absent {
				order = append(order, i)
			}
		}
		named[name] = true
	}
	for i := range s.Networks {
		n := &s.Networks[i]
		if n.Name != "" && !named[n.Name] {
			errs = append(errs, field.Required(path, fmt.Sprintf("networks[%d] (%q) has no place in the interface order, which names every network once", i, n.Name)))
		}
		if !placed[i] && !n.Absent {
			order = append(order, i)
		}
	}
	return order, errs
}

// Source says where a network comes from, as KubeVirt's network source
// does.
type Source string

const (
	// SourceUnspecified leaves the decision to the rules of Build: the name
	// "default" means the pod network, and any other network is decided by
	// its network status (a Multus attachment when the status names one or
	// when there is no status yet).
	SourceUnspecified Source = ""
	// SourcePod is the pod network (KubeVirt's `pod: {}`).
	SourcePod Source = "pod"
	// SourceMultus is a Multus attachment (KubeVirt's `multus: {networkName}`).
	SourceMultus Source = "multus"
	// SourceMultusDefault is a Multus network that replaces the pod
	// network as the VM's primary network (KubeVirt's
	// `multus: {networkName, default: true}`). Like the pod network it is
	// the guest's primary NIC, configured with DHCP unless IPConfig says
	// otherwise; it is not requested as a secondary attachment
	// (KubeVirt sets the pod's v1.multus-cni.io/default-network
	// annotation to it instead) and takes no ordinal pod interface name.
	// A VM has either a pod network or a Multus default network, not both
	// (KubeVirt's pkg/network/admitter/netsource.go).
	SourceMultusDefault Source = "multus-default"
)

// Common bindings. Any other non-empty value names a network binding plugin.
const (
	BindingBridge     = "bridge"
	BindingMasquerade = "masquerade"
	BindingSRIOV      = "sriov"
	BindingPasst      = "passt"
)

// Network is one of a VM's networks together with the guest configuration
// asked for it.
type Network struct {
	// Name is the KubeVirt network name (spec.networks[].name), which is
	// also the name of the VM interface bound to it.
	Name string

	// Source is the kind of network. See SourceUnspecified for the rules
	// that apply when it is not set.
	Source Source

	// NetworkName is the NetworkAttachmentDefinition of a Multus network
	// (SourceMultus or SourceMultusDefault), as "name" or
	// "namespace/name". It is empty for other sources.
	NetworkName string

	// Binding is how the VM interface is bound to the network: one of the
	// Binding constants or the name of a binding plugin. It may be empty.
	Binding string

	// MAC is the MAC address set on the VM's interface
	// (spec.domain.devices.interfaces[].macAddress), if any.
	MAC MAC

	// PCIAddress is the guest PCI address set on the VM's interface, if any,
	// in the form "0000:81:00.1". It is carried into the result for the
	// caller's benefit; matching uses MACs and names.
	PCIAddress string

	// Absent is set when the VM interface has `state: absent`: it is being
	// hot-unplugged. KubeVirt attaches no NIC for it and requests no
	// attachment for it (pkg/network/vmispec FilterInterfacesSpec), but it
	// keeps its place in spec.networks, so it still counts in ordinal pod
	// interface names. Build writes nothing for it, and takes no NIC
	// position for it.
	Absent bool

	// IPConfig is the guest IP configuration asked for this network. When
	// it is nil the pod network is configured with DHCP and a secondary
	// network is left out of the output.
	IPConfig *IPConfig
}

// Mode is how a guest NIC gets its addresses.
type Mode string

const (
	// ModeStatic assigns IPConfig.Addresses.
	ModeStatic Mode = "static"
	// ModeDHCP runs DHCPv4 (and DHCPv6 when IPConfig.DHCP6 is set); as
	// IPConfig.IPv6Mode it runs DHCPv6.
	ModeDHCP Mode = "dhcp"
	// ModeNone names the NIC and brings its link up (applying the MTU) but
	// assigns no address; as IPConfig.IPv6Mode it assigns no IPv6 address.
	ModeNone Mode = "none"
	// ModeSLAAC takes IPv6 addresses from router advertisements (netplan's
	// accept-ra: true). It is only for IPConfig.IPv6Mode.
	ModeSLAAC Mode = "slaac"
)

// IPConfig is the IP configuration of one guest NIC.
type IPConfig struct {
	// Mode is required. When IPv6Mode is empty it says how the NIC gets
	// addresses of both families; when IPv6Mode is set it covers IPv4
	// only, and must be static, dhcp or none.
	Mode Mode

	// IPv6Mode, when set, says how the NIC gets IPv6 addresses, apart from
	// IPv4: ModeStatic assigns the IPv6 entries of Addresses, ModeDHCP runs
	// DHCPv6, ModeSLAAC takes addresses from router advertisements and
	// ModeNone assigns none. Each family then follows its own mode: for
	// example DHCPv4 with a static IPv6 address, which is how KubeVirt's
	// masquerade binding serves dual-stack (see MasqueradeDualStack). When
	// it is empty, Mode covers both families, as it always did.
	IPv6Mode Mode

	// Addresses are the interface's addresses with their prefix lengths,
	// IPv4 and IPv6 alike. Required, and only allowed, in static mode; when
	// IPv6Mode is set, addresses of a family are required, and only
	// allowed, when that family's mode is static.
	Addresses []netip.Prefix

	// Gateways are default gateways, at most one per address family, each
	// inside the subnet of one of the addresses of its family (IPv6
	// link-local gateways are always on-link). Static mode only; when
	// IPv6Mode is set, a gateway's family must be static.
	Gateways []netip.Addr

	// DHCP6 also runs DHCPv6. DHCP mode only, and not with IPv6Mode, whose
	// ModeDHCP says the same.
	DHCP6 bool

	// Nameservers are DNS servers and search domains for this interface.
	Nameservers Nameservers

	// Routes are extra routes through this interface. A route to
	// 0.0.0.0/0 or ::/0 is a default route and counts as a gateway. A
	// route's family must have addresses: not mode none (nor, when IPv6Mode
	// is set, that family's mode none).
	Routes []Route

	// MTU is the interface MTU in bytes; 0 leaves it to the guest.
	MTU int
}

// Nameservers are DNS settings for a guest NIC.
type Nameservers struct {
	// Addresses are DNS server addresses.
	Addresses []netip.Addr
	// Search are search domains.
	Search []string
}

// Route is a static route through a guest NIC.
type Route struct {
	// To is the destination; a zero-length prefix is a default route.
	To netip.Prefix
	// Via is the next hop. It must be reachable from one of the
	// interface's subnets of its family (or be IPv6 link-local).
	Via netip.Addr
	// Metric is the route metric; nil leaves it to the guest.
	Metric *uint32
}

// IsDefault reports whether r is a default route (to 0.0.0.0/0 or ::/0).
func (r Route) IsDefault() bool { return r.To.IsValid() && r.To.Bits() == 0 }

// familyModes returns the modes of the NIC's IPv4 and IPv6 addressing:
// Mode for both without IPv6Mode.
func (c *IPConfig) familyModes() (v4, v6 Mode) {
	if c.IPv6Mode == "" {
		return c.Mode, c.Mode
	}
	return c.Mode, c.IPv6Mode
}

// modeOf is the mode of ip's family.
func (c *IPConfig) modeOf(ip netip.Addr) Mode {
	if ip.Is6() && c.IPv6Mode != "" {
		return c.IPv6Mode
	}
	return c.Mode
}
