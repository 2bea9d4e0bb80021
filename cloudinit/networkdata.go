package cloudinit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/netplan"
)

// The network_data.json document, as OpenStack Nova writes it and
// cloud-init's convert_net_json (cloudinit/sources/helpers/openstack.py)
// and cloudbase-init read it.
type networkDataDoc struct {
	Links    []ndLink    `json:"links"`
	Networks []ndNetwork `json:"networks"`
	Services []ndService `json:"services"`
}

type ndLink struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	MAC  string `json:"ethernet_mac_address"`
	MTU  int    `json:"mtu,omitempty"`
	// Name is cloud-init's extension: the name to give the NIC with MAC.
	Name string `json:"name,omitempty"`
}

type ndNetwork struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Link      string    `json:"link"`
	IPAddress string    `json:"ip_address,omitempty"`
	Netmask   string    `json:"netmask,omitempty"`
	Routes    []ndRoute `json:"routes,omitempty"`
	// DNSNameservers and DNSSearch are cloud-init extensions, which it
	// copies into the network's subnet; Services is OpenStack's own form,
	// read by cloudbase-init and by cloud-init 24.3 and later.
	DNSNameservers []string    `json:"dns_nameservers,omitempty"`
	DNSSearch      []string    `json:"dns_search,omitempty"`
	Services       []ndService `json:"services,omitempty"`
}

type ndRoute struct {
	Network string  `json:"network"`
	Netmask string  `json:"netmask"`
	Gateway string  `json:"gateway"`
	Metric  *uint32 `json:"metric,omitempty"`
}

type ndService struct {
	Type    string `json:"type"`
	Address string `json:"address"`
}

// Network types of network_data.json.
const (
	typeIPv4     = "ipv4"
	typeIPv6     = "ipv6"
	typeIPv4DHCP = "ipv4_dhcp"
	typeIPv6DHCP = "ipv6_dhcp"
	// typeIPv6SLAAC is an IPv6 network addressed by router advertisements,
	// which cloud-init reads as its ipv6_slaac subnet.
	typeIPv6SLAAC = "ipv6_slaac"
)

// NetworkDataJSON renders cfg, a netplan v2 config such as netconfig.Build's
// Result.Config, as OpenStack's network_data.json, the network config of a
// ConfigDrive (cloudInitConfigDrive volume):
//
//   - one link per ethernets entry, sorted by the entry's id: "id" is the
//     id, "type" is "phy", "ethernet_mac_address" is match.macaddress, "mtu"
//     is the MTU, and "name", an extension of cloud-init's, is set-name when
//     set. cloud-init finds the NIC by MAC; with a name it renames the NIC
//     to it (as with netplan's set-name), without one the NIC keeps its
//     kernel name;
//   - one network per address ("ipv4" or "ipv6", with "ip_address" and
//     "netmask", the IPv6 one written as a mask such as
//     "ffff:ffff:ffff:ffff::" as Nova writes it) and per DHCP family
//     ("ipv4_dhcp", "ipv6_dhcp"), static networks first, in address order,
//     then an "ipv6_slaac" network for accept-ra: true, so that one link
//     carries each family its own way (DHCPv4 beside a static IPv6
//     address, static IPv4 beside DHCPv6 or SLAAC);
//     networks are numbered "network0", "network1", ... through the document;
//   - routes, gateway4/gateway6 and routes to "default", "0.0.0.0/0" or
//     "::/0" included, as "routes" of the link's first static network of
//     their family whose subnet holds the gateway (or else its first of that
//     family), each with "network", "netmask" and "gateway" ("0.0.0.0" and
//     "0.0.0.0", or "::" and "::", for a default route) and "metric" when
//     set;
//   - the entry's nameservers on the link's first network, both as
//     "services" of type "dns" (OpenStack's form, which cloudbase-init and
//     cloud-init 24.3 and later read) and as "dns_nameservers" and
//     "dns_search" (which cloud-init 22.4 reads). The document's own
//     "services" list is left empty: cloud-init applies those global
//     nameservers to every NIC (networkd) or to none (netplan), while
//     netplan's nameservers belong to one interface.
//
// Measured with cloud-init 22.4's networkd, eni, sysconfig and netplan
// renderers: addresses, default routes of both families, route metrics
// (which the netplan path loses on all but netplan), MTU, DNS and the MAC
// match all arrive. Differences from the netplan path: a static IPv6
// network also turns router advertisements off on its link (accept-ra
// false); nameservers on a link without a static network (DHCP only) are
// kept by eni alone; and eni writes the IPv6 default route, like every
// route, as a post-up `route add -A inet6` command rather than a gateway
// option, which needs net-tools in the guest and was seen not to apply in
// a booted Debian 12 ifupdown guest. cloud-init's "gateway" key would give
// eni its gateway option but loses the IPv6 default route on sysconfig, and
// cloudbase-init reads only routes, so routes it is. An ipv6_slaac
// network becomes SLAAC on eni (inet6 auto) and sysconfig
// (IPV6_AUTOCONF=yes), where the netplan path's accept-ra does not
// arrive; netplan gets dhcp6: true for it, and networkd nothing.
//
// Every entry must be matched by MAC address: ConfigDrive links are found
// by MAC, so an entry matched by name only (netconfig's fallback when no
// MAC is known) is an error, as are a match.name (which network_data.json
// cannot express), a version other than 2, values that do not parse, text
// that is not valid UTF-8 (which JSON cannot carry), a
// route or gateway whose family has no static address on its interface,
// accept-ra: true beside a static IPv6 address (cloud-init turns router
// advertisements off on such a link) and accept-ra: false without one
// (network_data.json has no form for it).
// Every problem is reported, in one *netconfig.ValidationError whose
// Errors are *field.Error values with their paths, such as
// network.ethernets[eth1].match.macaddress; errors.As finds the first. The
// same cfg always gives the same bytes: compact JSON without a trailing
// newline.
func NetworkDataJSON(cfg netplan.Config) ([]byte, error) {
	root := field.NewPath("network")
	var errs field.ErrorList
	if cfg.Network.Version != 2 {
		errs = append(errs, field.NotSupported(root.Child("version"), cfg.Network.Version, []string{"2"}))
	}
	doc := networkDataDoc{Links: []ndLink{}, Networks: []ndNetwork{}, Services: []ndService{}}
	names := make([]string, 0, len(cfg.Network.Ethernets))
	for name := range cfg.Network.Ethernets {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		path := root.Child("ethernets").Key(keyName(name))
		link, networks, lerrs := linkOf(path, name, cfg.Network.Ethernets[name])
		errs = append(errs, lerrs...)
		doc.Links = append(doc.Links, link)
		for _, n := range networks {
			n.ID = "network" + strconv.Itoa(len(doc.Networks))
			doc.Networks = append(doc.Networks, n)
		}
	}
	if len(errs) > 0 {
		return nil, invalid(errs...)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		// The document holds only strings, numbers and lists of them.
		return nil, fmt.Errorf("cloudinit: encode network_data.json: %w", err)
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}

// keyName returns an ethernets key for a field path,
// network.ethernets[key]: as it is when it is printable text, else quoted
// as Go quotes strings, so that a key holding a line break or a control
// character cannot add a line of its own to a message.
func keyName(key string) string {
	if key != "" && utf8.ValidString(key) && strings.IndexFunc(key, func(r rune) bool { return !strconv.IsPrint(r) }) < 0 {
		return key
	}
	return strconv.Quote(key)
}

// staticNet is a static address of an interface and its network.
type staticNet struct {
	prefix netip.Prefix
	net    ndNetwork
}

// linkOf renders one ethernets entry as a link and its networks, without
// network ids.
func linkOf(path *field.Path, name string, e netplan.Ethernet) (ndLink, []ndNetwork, field.ErrorList) {
	var errs field.ErrorList
	link := ndLink{ID: name, Type: "phy", MTU: e.MTU, Name: e.SetName}
	// Text goes into the document as it is; encoding/json would write each
	// byte that is not valid UTF-8 as U+FFFD, silently changing it.
	if !utf8.ValidString(name) {
		errs = append(errs, field.Invalid(path, name, "the ethernets key is not valid UTF-8"))
	}
	if !utf8.ValidString(e.SetName) {
		errs = append(errs, field.Invalid(path.Child("set-name"), e.SetName, "not valid UTF-8"))
	}
	if e.Nameservers != nil {
		for i, d := range e.Nameservers.Search {
			if !utf8.ValidString(d) {
				errs = append(errs, field.Invalid(path.Child("nameservers", "search").Index(i), d, "not valid UTF-8"))
			}
		}
	}
	switch {
	case e.Match == nil || e.Match.MACAddress == "":
		errs = append(errs, field.Required(path.Child("match", "macaddress"),
			"ConfigDrive links are matched by MAC (network_data.json's ethernet_mac_address), so an interface matched by name only cannot be written; give the VM interface a MAC (see package macresolve) or use a NoCloud volume"))
	default:
		mac, err := netconfig.ParseMAC(e.Match.MACAddress)
		switch {
		case err != nil:
			errs = append(errs, field.Invalid(path.Child("match", "macaddress"), e.Match.MACAddress, err.Error()))
		case mac.Problem() != "":
			errs = append(errs, field.Invalid(path.Child("match", "macaddress"), e.Match.MACAddress, mac.Problem()))
		}
		link.MAC = mac.String()
	}
	if e.Match != nil && e.Match.Name != "" {
		errs = append(errs, field.Forbidden(path.Child("match", "name"),
			"network_data.json matches links by MAC only and cannot express a name match"))
	}
	if e.MTU < 0 {
		errs = append(errs, field.Invalid(path.Child("mtu"), e.MTU, "must not be negative"))
	}

	var statics []staticNet
	for i, a := range e.Addresses {
		p, err := netip.ParsePrefix(a)
		if err != nil {
			errs = append(errs, field.Invalid(path.Child("addresses").Index(i), a, "not an address with a prefix length: "+err.Error()))
			continue
		}
		n := ndNetwork{Link: name, IPAddress: p.Addr().String(), Netmask: netmask(p)}
		if p.Addr().Is4() {
			n.Type = typeIPv4
		} else {
			n.Type = typeIPv6
		}
		statics = append(statics, staticNet{prefix: p, net: n})
	}

	// Default routes from gateway4, gateway6 and routes.
	type gw struct {
		path   *field.Path
		to     netip.Prefix
		via    netip.Addr
		metric *uint32
	}
	var routes []gw
	addGateway := func(p *field.Path, s string, v6 bool) {
		if s == "" {
			return
		}
		a, err := parseAddr(s)
		if err != nil || a.Is6() != v6 {
			want := "4"
			if v6 {
				want = "6"
			}
			errs = append(errs, field.Invalid(p, s, "not an IPv"+want+" address without a zone"))
			return
		}
		routes = append(routes, gw{path: p, to: netip.PrefixFrom(zeroOf(a), 0), via: a})
	}
	addGateway(path.Child("gateway4"), e.Gateway4, false)
	addGateway(path.Child("gateway6"), e.Gateway6, true)
	for i, r := range e.Routes {
		p := path.Child("routes").Index(i)
		via, err := parseAddr(r.Via)
		if err != nil {
			errs = append(errs, field.Invalid(p.Child("via"), r.Via, err.Error()))
			continue
		}
		var to netip.Prefix
		if r.To == "default" {
			to = netip.PrefixFrom(zeroOf(via), 0)
		} else if to, err = netip.ParsePrefix(r.To); err != nil {
			errs = append(errs, field.Invalid(p.Child("to"), r.To, "not a prefix or \"default\""))
			continue
		}
		switch {
		case to.Addr().Is4() != via.Is4():
			errs = append(errs, field.Invalid(p.Child("via"), r.Via, "the gateway's family differs from the destination's"))
			continue
		case to != to.Masked():
			errs = append(errs, field.Invalid(p.Child("to"), r.To, "has host bits set; did you mean "+to.Masked().String()+"?"))
			continue
		}
		routes = append(routes, gw{path: p, to: to, via: via, metric: r.Metric})
	}
	homes := newRouteHomes(statics)
	for _, r := range routes {
		i := homes.find(r.via)
		if i < 0 {
			errs = append(errs, field.Invalid(r.path, r.via.String(),
				"network_data.json attaches routes to a static network of their family, and this interface has no static IPv"+family(r.via)+" address"))
			continue
		}
		statics[i].net.Routes = append(statics[i].net.Routes, ndRoute{
			Network: r.to.Addr().String(),
			Netmask: netmask(r.to),
			Gateway: r.via.String(),
			Metric:  copyMetric(r.metric),
		})
	}

	var networks []ndNetwork
	for _, s := range statics {
		networks = append(networks, s.net)
	}
	if e.DHCP4 {
		networks = append(networks, ndNetwork{Type: typeIPv4DHCP, Link: name})
	}
	if e.DHCP6 {
		networks = append(networks, ndNetwork{Type: typeIPv6DHCP, Link: name})
	}
	if ra := e.AcceptRA; ra != nil {
		// cloud-init turns router advertisements off on a link with a
		// static IPv6 network and on on one with ipv6_dhcp; SLAAC is the
		// ipv6_slaac network, and off needs a static IPv6 network.
		static6 := slices.ContainsFunc(statics, func(s staticNet) bool { return s.prefix.Addr().Is6() })
		switch {
		case *ra && static6:
			errs = append(errs, field.Invalid(path.Child("accept-ra"), true,
				"cloud-init turns router advertisements off on a link with a static IPv6 network, so network_data.json cannot carry SLAAC beside a static IPv6 address"))
		case *ra:
			networks = append(networks, ndNetwork{Type: typeIPv6SLAAC, Link: name})
		case !static6:
			errs = append(errs, field.Invalid(path.Child("accept-ra"), false,
				"network_data.json has no way to turn router advertisements off on a link without a static IPv6 address (cloud-init does so only beside one); use a NoCloud volume, or leave IPv6 to the guest's default"))
		}
	}

	if ns := e.Nameservers; ns != nil && len(ns.Addresses)+len(ns.Search) > 0 {
		var addrs []string
		for i, s := range ns.Addresses {
			a, err := parseAddr(s)
			if err != nil {
				errs = append(errs, field.Invalid(path.Child("nameservers", "addresses").Index(i), s, err.Error()))
				continue
			}
			addrs = append(addrs, a.String())
		}
		if len(networks) == 0 {
			errs = append(errs, field.Forbidden(path.Child("nameservers"),
				"network_data.json carries nameservers on a network, and this interface has neither an address nor DHCP"))
		} else {
			first := &networks[0]
			first.DNSNameservers = addrs
			first.DNSSearch = slices.Clone(ns.Search)
			for _, a := range addrs {
				first.Services = append(first.Services, ndService{Type: "dns", Address: a})
			}
		}
	}
	return link, networks, errs
}

// routeHomes finds the static network a route via a next hop belongs to:
// the first of the next hop's family whose subnet holds it, or else the
// first of its family. It looks the next hop up once per prefix length in
// use (at most 33 or 129), rather than scanning every address for every
// route, which took time in O(routes × addresses): seconds for the tens of
// thousands of each that a 1 MiB document netplan.Parse reads can hold.
type routeHomes struct {
	first4, first6 int
	bits4, bits6   []int                // the prefix lengths of the statics of each family, ascending
	bySubnet       map[netip.Prefix]int // a static's subnet -> the index of the first static in it
}

func newRouteHomes(statics []staticNet) routeHomes {
	h := routeHomes{first4: -1, first6: -1, bySubnet: make(map[netip.Prefix]int, len(statics))}
	for i, s := range statics {
		subnet := s.prefix.Masked()
		if _, seen := h.bySubnet[subnet]; !seen {
			h.bySubnet[subnet] = i
		}
		first, bits := &h.first6, &h.bits6
		if s.prefix.Addr().Is4() {
			first, bits = &h.first4, &h.bits4
		}
		if *first < 0 {
			*first = i
		}
		if !slices.Contains(*bits, subnet.Bits()) {
			*bits = append(*bits, subnet.Bits())
		}
	}
	slices.Sort(h.bits4)
	slices.Sort(h.bits6)
	return h
}

// find returns the index of the static network of routes via gw, or -1
// when there is none of its family.
func (h routeHomes) find(gw netip.Addr) int {
	first, bits := h.first6, h.bits6
	if gw.Is4() {
		first, bits = h.first4, h.bits4
	}
	best := -1
	for _, b := range bits {
		p, err := gw.Prefix(b)
		if err != nil {
			continue
		}
		if i, ok := h.bySubnet[p]; ok && (best < 0 || i < best) {
			best = i
		}
	}
	if best >= 0 {
		return best
	}
	return first
}

// netmask writes a prefix length as a mask: dotted for IPv4
// ("255.255.255.0"), and for IPv6 the mask as an address
// ("ffff:ffff:ffff:ffff::"), which is how Nova writes it and which
// cloud-init's ipv6_mask_to_net_prefix reads.
func netmask(p netip.Prefix) string {
	var b [16]byte
	n := 4
	if p.Addr().Is6() {
		n = 16
	}
	for i := 0; i < p.Bits(); i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	if n == 4 {
		return netip.AddrFrom4([4]byte(b[:4])).String()
	}
	return netip.AddrFrom16(b).String()
}

// parseAddr parses an IP address as network_data.json can carry it: no
// zone, and no IPv4-mapped IPv6 form.
func parseAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	switch {
	case err != nil:
		return netip.Addr{}, fmt.Errorf("not an IP address")
	case a.Zone() != "":
		return netip.Addr{}, fmt.Errorf("an address with a zone cannot be written to network_data.json")
	case a.Is4In6():
		return netip.Addr{}, fmt.Errorf("write an IPv4 address in dotted form, not as an IPv4-mapped IPv6 address")
	}
	return a, nil
}

// zeroOf is the unspecified address of a's family.
func zeroOf(a netip.Addr) netip.Addr {
	if a.Is4() {
		return netip.IPv4Unspecified()
	}
	return netip.IPv6Unspecified()
}

func family(a netip.Addr) string {
	if a.Is4() {
		return "4"
	}
	return "6"
}

func copyMetric(m *uint32) *uint32 {
	if m == nil {
		return nil
	}
	v := *m
	return &v
}
