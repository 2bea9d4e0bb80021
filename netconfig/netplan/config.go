package netplan

// Config is a netplan v2 network config document.
type Config struct {
	Network Network `json:"network"`
}

// Network is the body of the document's `network` key.
type Network struct {
	// Version is always 2.
	Version int `json:"version"`
	// Ethernets maps each interface id to its configuration. guestnet uses
	// the guest interface name as the id, because cloud-init's non-netplan
	// renderers name the NIC after it.
	Ethernets map[string]Ethernet `json:"ethernets,omitempty"`
}

// Ethernet is the configuration of one Ethernet interface.
type Ethernet struct {
	Match   *Match `json:"match,omitempty"`
	SetName string `json:"set-name,omitempty"`
	DHCP4   bool   `json:"dhcp4,omitempty"`
	DHCP6   bool   `json:"dhcp6,omitempty"`
	// AcceptRA turns router advertisements on (true: SLAAC) or off
	// (false); nil leaves them to the guest's default.
	AcceptRA    *bool        `json:"accept-ra,omitempty"`
	Addresses   []string     `json:"addresses,omitempty"`
	Gateway4    string       `json:"gateway4,omitempty"`
	Gateway6    string       `json:"gateway6,omitempty"`
	Nameservers *Nameservers `json:"nameservers,omitempty"`
	Routes      []Route      `json:"routes,omitempty"`
	MTU         int          `json:"mtu,omitempty"`
}

// Match selects the physical interface an Ethernet entry applies to.
type Match struct {
	// MACAddress is the lower-case, colon-separated MAC address.
	MACAddress string `json:"macaddress,omitempty"`
	// Name is a kernel interface name, possibly with shell-style globs.
	Name string `json:"name,omitempty"`
}

// Nameservers are an interface's DNS settings.
type Nameservers struct {
	Addresses []string `json:"addresses,omitempty"`
	Search    []string `json:"search,omitempty"`
}

// Route is a static route. To is a prefix or the word "default".
type Route struct {
	To     string  `json:"to"`
	Via    string  `json:"via"`
	Metric *uint32 `json:"metric,omitempty"`
}
