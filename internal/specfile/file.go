package specfile

// File is the structure of a spec file. Its fields hold text, numbers and
// booleans exactly as written, with JSON tags that name them as the file
// does, so that File can be embedded in a custom resource; ToSpec parses
// it into a netconfig.Spec, and FromSpec is the inverse.
type File struct {
	// Namespace is the VM's namespace. It qualifies NetworkAttachmentDefinition
	// names written without one. Optional.
	Namespace string `json:"namespace,omitempty"`

	// Networks are the VM's networks in the order of the VM's spec.
	Networks []Network `json:"networks,omitempty"`
}

// Network is one of a VM's networks and the guest configuration asked for
// it. At most one of Pod and Multus is set; with neither, netconfig.Build
// decides what the network is.
type Network struct {
	// Name is the KubeVirt network name (spec.networks[].name).
	Name string `json:"name"`

	// Pod, when set, makes the network the pod network (KubeVirt's
	// `pod: {}`).
	Pod *PodNetwork `json:"pod,omitempty"`

	// Multus, when set, makes the network a Multus attachment.
	Multus *MultusNetwork `json:"multus,omitempty"`

	// Binding is how the VM interface is bound to the network: bridge,
	// masquerade, sriov, passt or the name of a binding plugin. Optional.
	Binding string `json:"binding,omitempty"`

	// Type is another name for Binding, used by earlier generators' network
	// lists. When both are set they must be equal. Format never writes it.
	Type string `json:"type,omitempty"`

	// MACAddress is the MAC address set on the VM interface, as six pairs
	// of hex digits separated by ':' or '-' ("02:00:00:aa:bb:cc"). Optional.
	MACAddress string `json:"macAddress,omitempty"`

	// PCIAddress is the guest PCI address set on the VM interface
	// ("0000:00:04.0"). Optional.
	PCIAddress string `json:"pciAddress,omitempty"`

	// IPConfig is the guest IP configuration asked for the network. When it
	// is absent the pod network gets DHCP and any other network is left out
	// of the guest's network config.
	IPConfig *IPConfig `json:"ipConfig,omitempty"`
}

// PodNetwork marks a network as the pod network. It has no fields.
type PodNetwork struct{}

// MultusNetwork names the NetworkAttachmentDefinition of a Multus network.
type MultusNetwork struct {
	// NetworkName is the attachment, as "name" (in the file's namespace) or
	// "namespace/name".
	NetworkName string `json:"networkName"`

	// Default makes the network the Multus default network, which
	// replaces the pod network as the VM's primary network (KubeVirt's
	// `multus: {networkName, default: true}`). Optional.
	Default bool `json:"default,omitempty"`
}

// IPConfig is the IP configuration of one guest NIC.
type IPConfig struct {
	// Mode is static, dhcp or none. Without IPv6Mode it covers both
	// address families; with IPv6Mode it covers IPv4 only.
	Mode string `json:"mode"`

	// IPv6Mode, when set, says how the NIC gets IPv6 addresses: static
	// (the IPv6 entries of Addresses), dhcp (DHCPv6), slaac (router
	// advertisements) or none. See netconfig.IPConfig.IPv6Mode.
	IPv6Mode string `json:"ipv6Mode,omitempty"`

	// Address is one address with its prefix length ("192.168.0.200/24").
	// It is the form of earlier generators' network lists and comes before
	// the entries of Addresses. Format never writes it.
	Address string `json:"address,omitempty"`

	// Addresses are addresses with their prefix lengths, IPv4 and IPv6
	// alike ("192.168.0.200/24", "fd00:10::200/64"). Static mode only.
	Addresses []string `json:"addresses,omitempty"`

	// Gateway is one default gateway ("192.168.0.1"). It comes before the
	// entries of Gateways. Format never writes it.
	Gateway string `json:"gateway,omitempty"`

	// Gateways are default gateways, at most one per address family.
	// Static mode only.
	Gateways []string `json:"gateways,omitempty"`

	// DHCP6 also runs DHCPv6. DHCP mode only, and not with IPv6Mode.
	DHCP6 bool `json:"dhcp6,omitempty"`

	// Nameservers are DNS servers and search domains. Optional.
	Nameservers *Nameservers `json:"nameservers,omitempty"`

	// Routes are extra routes through the NIC. Optional.
	Routes []Route `json:"routes,omitempty"`

	// MTU is the NIC's MTU in bytes; 0 or absent leaves it to the guest.
	MTU int `json:"mtu,omitempty"`
}

// Nameservers are a guest NIC's DNS settings.
type Nameservers struct {
	// Addresses are DNS server addresses ("192.168.0.1").
	Addresses []string `json:"addresses,omitempty"`
	// Search are search domains ("example.internal").
	Search []string `json:"search,omitempty"`
}

// Route is a static route through a guest NIC.
type Route struct {
	// To is the destination prefix ("10.10.0.0/16"), or "default" for the
	// default route of Via's address family (0.0.0.0/0 or ::/0).
	To string `json:"to"`
	// Via is the next hop ("192.168.0.254").
	Via string `json:"via"`
	// Metric is the route metric, from 0 to 4294967295; absent leaves it
	// to the guest.
	Metric *int64 `json:"metric,omitempty"`
}
