package netconfig

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The checks of one network's IP config, field by field. Each takes the
// network's index i and makes the path of a field only to report it.

// Limits on values, as the guest and the kernel take them.
const (
	minMTU     = 68    // the smallest MTU IPv4 allows (RFC 791)
	minMTUIPv6 = 1280  // the smallest MTU IPv6 allows (RFC 8200)
	maxMTU     = 65535 // the largest MTU a guest NIC can take
	// maxNameservers is how many nameservers glibc's resolver uses.
	maxNameservers = 3
	// defaultMetric4 and defaultMetric6 are the metrics the kernel gives
	// routes that set none.
	defaultMetric4 = 0
	defaultMetric6 = 1024
)

// ipConfig checks the IP config c of network n, index i, of role r.
func (v *validator) ipConfig(i int, n *Network, c *IPConfig, r Role) {
	modes := []Mode{ModeStatic, ModeDHCP, ModeNone}
	switch c.Mode {
	case "":
		v.add(field.Required(v.ipPath(i, "mode"), "one of static, dhcp or none"))
	case ModeStatic, ModeDHCP, ModeNone:
	case ModeSLAAC:
		v.add(field.Invalid(v.ipPath(i, "mode"), c.Mode, "slaac addresses IPv6 only: set ipv6Mode: slaac, and mode for IPv4"))
	default:
		// As a string, which field.Error quotes with %q; a Mode it would
		// write as JSON, leaving DEL, C1 controls and the like unescaped.
		v.add(field.NotSupported(v.ipPath(i, "mode"), string(c.Mode), modes))
	}
	split := c.IPv6Mode != ""
	switch c.IPv6Mode {
	case "", ModeStatic, ModeDHCP, ModeSLAAC, ModeNone:
	default:
		v.add(field.NotSupported(v.ipPath(i, "ipv6Mode"), string(c.IPv6Mode), append(modes, ModeSLAAC)))
	}
	if r == RolePod && c.Mode == ModeStatic {
		v.add(field.Invalid(v.ipPath(i, "mode"), c.Mode, "the pod network never gets static addressing: KubeVirt serves its address by DHCP; static addresses are for Multus networks"))
	}
	if r == RolePod && c.IPv6Mode == ModeStatic && n.Binding != BindingMasquerade {
		v.add(field.Invalid(v.ipPath(i, "ipv6Mode"), c.IPv6Mode, fmt.Sprintf("static IPv6 on the pod network is only for the masquerade binding, not %s: KubeVirt documents it for masquerade, "+
			"whose guest address and gateway it fixes (fd10:0:2::2/120 via fd10:0:2::1 by default; see MasqueradeDualStack)", bindingName(n.Binding))))
	}

	v4, v6 := c.familyModes()
	if !split {
		static := c.Mode == ModeStatic
		switch {
		case static && len(c.Addresses) == 0:
			v.add(field.Required(v.ipPath(i, "addresses"), "static mode needs at least one address, such as 192.168.0.200/24"))
		case !static && len(c.Addresses) > 0:
			v.add(field.Forbidden(v.ipPath(i, "addresses"), fmt.Sprintf("addresses are only for static mode, not %s", modeName(c.Mode))))
		}
		if !static && len(c.Gateways) > 0 {
			v.add(field.Forbidden(v.ipPath(i, "gateways"), fmt.Sprintf("gateways are only for static mode, not %s; add a route instead", modeName(c.Mode))))
		}
		if c.DHCP6 && c.Mode != ModeDHCP {
			v.add(field.Forbidden(v.ipPath(i, "dhcp6"), "DHCPv6 is only for dhcp mode"))
		}
		if c.Mode == ModeNone && len(c.Routes) > 0 {
			v.add(field.Forbidden(v.ipPath(i, "routes"), "mode none assigns no address, so no route can go through the interface"))
		}
	} else {
		v.familyAddresses(i, c)
		if c.DHCP6 {
			v.add(field.Forbidden(v.ipPath(i, "dhcp6"), "dhcp6 is for mode dhcp without ipv6Mode; with ipv6Mode set, use ipv6Mode: dhcp"))
		}
	}
	if v4 == ModeNone && v6 == ModeNone && len(c.Nameservers.Addresses)+len(c.Nameservers.Search) > 0 {
		v.add(field.Forbidden(v.ipPath(i, "nameservers"), "mode none configures no DNS"))
	}

	subnets := v.addresses(i, c.Addresses)
	v.gateways(i, c, subnets)
	v.nameservers(i, n.Name, c.Nameservers)
	v.routes(i, c, subnets, split)
	v.mtu(i, c)
}

// familyAddresses checks, for an IP config with IPv6Mode set, that the
// addresses and gateways of each family match its mode.
func (v *validator) familyAddresses(i int, c *IPConfig) {
	var have4, have6 bool
	for j, a := range c.Addresses {
		if !a.IsValid() {
			continue // addresses reports it
		}
		have4, have6 = have4 || a.Addr().Is4(), have6 || a.Addr().Is6()
		if m := c.modeOf(a.Addr()); m != ModeStatic {
			v.add(field.Forbidden(v.ipPath(i, "addresses").Index(j), fmt.Sprintf("%s addresses are only for %s, not %s", family(a.Addr()), familyField(a.Addr(), ModeStatic), familyField(a.Addr(), m))))
		}
	}
	if c.Mode == ModeStatic && !have4 {
		v.add(field.Required(v.ipPath(i, "addresses"), "mode static needs at least one IPv4 address, such as 192.168.0.200/24"))
	}
	if c.IPv6Mode == ModeStatic && !have6 {
		v.add(field.Required(v.ipPath(i, "addresses"), "ipv6Mode static needs at least one IPv6 address, such as fd10:0:2::2/120"))
	}
	for j, gw := range c.Gateways {
		if m := c.modeOf(gw); gw.IsValid() && m != ModeStatic {
			v.add(field.Forbidden(v.ipPath(i, "gateways").Index(j), fmt.Sprintf("an %s gateway is only for %s, not %s; add a route instead", family(gw), familyField(gw, ModeStatic), familyField(gw, m))))
		}
	}
}

// familyField names the mode field of ip's family with mode m, for
// messages: "mode static", "ipv6Mode dhcp".
func familyField(ip netip.Addr, m Mode) string {
	name := "mode "
	if ip.Is6() {
		name = "ipv6Mode "
	}
	if m == "" {
		return name + "unset"
	}
	return name + strings.TrimSuffix(modeName(m), " mode")
}

// bindingName names a binding for messages.
func bindingName(b string) string {
	if b == "" {
		return "an unset binding"
	}
	return strconv.Quote(b)
}

// addresses checks static addresses and returns the subnets of the valid
// ones.
func (v *validator) addresses(i int, addrs []netip.Prefix) []netip.Prefix {
	subnets := make([]netip.Prefix, 0, len(addrs))
	for j, a := range addrs {
		bad := func(detail string) { v.add(field.Invalid(v.ipPath(i, "addresses").Index(j), a.String(), detail)) }
		if !a.IsValid() {
			bad("not an address with a prefix length, such as 192.168.0.200/24 or fd00::200/64")
			continue
		}
		ip := a.Addr()
		if msg := hostAddrProblem(ip); msg != "" {
			bad(msg)
			continue
		}
		if a.Bits() == 0 {
			bad("a prefix length of 0 puts every address on the link; give the subnet's real prefix length")
			continue
		}
		if ip.Is4() && a.Bits() <= 30 {
			m := a.Masked()
			if ip == m.Addr() {
				bad(fmt.Sprintf("this is the network address of %s, not a host address", m))
				continue
			}
			if ip == lastAddr(m) {
				bad(fmt.Sprintf("this is the broadcast address of %s, not a host address", m))
				continue
			}
		}
		if k := slices.IndexFunc(addrs[:j], func(b netip.Prefix) bool { return b.IsValid() && b.Addr() == ip }); k >= 0 {
			bad(fmt.Sprintf("the same address as addresses[%d]", k))
			continue
		}
		subnets = append(subnets, a.Masked())
	}
	return subnets
}

// gateways checks default gateways: at most one per family, each inside a
// subnet of its family.
func (v *validator) gateways(i int, c *IPConfig, subnets []netip.Prefix) {
	var have4, have6 bool
	for j, gw := range c.Gateways {
		bad := func(detail string) { v.add(field.Invalid(v.ipPath(i, "gateways").Index(j), gw.String(), detail)) }
		if !gw.IsValid() {
			v.add(field.Invalid(v.ipPath(i, "gateways").Index(j), "", "not an IP address"))
			continue
		}
		if msg := nextHopProblem(gw, c.Addresses); msg != "" {
			bad(msg)
			continue
		}
		if gw.Is4() && have4 || gw.Is6() && have6 {
			bad(fmt.Sprintf("at most one default gateway per address family; use routes with metrics for more %s default routes", family(gw)))
			continue
		}
		have4 = have4 || gw.Is4()
		have6 = have6 || gw.Is6()
		if c.modeOf(gw) == ModeStatic {
			if msg := reachProblem(gw, subnets); msg != "" {
				bad(msg)
			}
		}
	}
}

// nameservers checks DNS servers and search domains.
func (v *validator) nameservers(i int, network string, ns Nameservers) {
	if len(ns.Addresses) > maxNameservers {
		v.warn(WarningTooManyNameservers, network, fieldText(v.root, i, ".ipConfig.nameservers.addresses"),
			fmt.Sprintf("%d nameservers are given but glibc's resolver uses only the first %d", len(ns.Addresses), maxNameservers))
	}
	for j, a := range ns.Addresses {
		path := func() *field.Path { return v.ipPath(i, "nameservers", "addresses").Index(j) }
		switch {
		case !a.IsValid():
			v.add(field.Invalid(path(), "", "not an IP address"))
		case a.Zone() != "":
			v.add(field.Invalid(path(), a.String(), "a nameserver address cannot carry a zone"))
		case a.Is4In6():
			v.add(field.Invalid(path(), a.String(), "write an IPv4 nameserver in dotted form, not as an IPv4-mapped IPv6 address"))
		case a.IsUnspecified() || a.IsMulticast():
			v.add(field.Invalid(path(), a.String(), "not the unicast address of a DNS server"))
		case slices.Contains(ns.Addresses[:j], a):
			v.add(field.Duplicate(path(), a.String()))
		}
	}
	for j, d := range ns.Search {
		if msg := dnsNameProblem(d); msg != "" {
			v.add(field.Invalid(v.ipPath(i, "nameservers", "search").Index(j), d, msg))
			continue
		}
		if slices.ContainsFunc(ns.Search[:j], func(e string) bool { return sameDomain(d, e) }) {
			v.add(field.Duplicate(v.ipPath(i, "nameservers", "search").Index(j), d))
		}
	}
}

// routes checks extra routes.
func (v *validator) routes(i int, c *IPConfig, subnets []netip.Prefix, split bool) {
	routes, addrs := c.Routes, c.Addresses
	for j, r := range routes {
		path := func(name string) *field.Path { return v.ipPath(i, "routes").Index(j).Child(name) }
		toOK := r.To.IsValid()
		if !toOK {
			v.add(field.Invalid(path("to"), "", "not a destination prefix, such as 10.10.0.0/16 (or 0.0.0.0/0, ::/0 for a default route)"))
		} else if r.To != r.To.Masked() {
			toOK = false
			v.add(field.Invalid(path("to"), r.To.String(), fmt.Sprintf("host bits are set; the destination is %s", r.To.Masked())))
		} else if r.To.Addr().Is4In6() {
			toOK = false
			v.add(field.Invalid(path("to"), r.To.String(), "write an IPv4 destination in dotted form, not as an IPv4-mapped IPv6 prefix"))
		}
		if !r.Via.IsValid() {
			v.add(field.Required(path("via"), "every route needs a next hop"))
			continue
		}
		if msg := nextHopProblem(r.Via, addrs); msg != "" {
			v.add(field.Invalid(path("via"), r.Via.String(), msg))
			continue
		}
		if toOK && r.To.Addr().Is4() != r.Via.Is4() {
			v.add(field.Invalid(path("via"), r.Via.String(), fmt.Sprintf("an %s next hop for an %s destination", family(r.Via), family(r.To.Addr()))))
			continue
		}
		m := c.modeOf(r.Via)
		if split && m == ModeNone {
			v.add(field.Forbidden(path("via"), fmt.Sprintf("%s assigns no %s address, so no %s route can go through the interface", familyField(r.Via, m), family(r.Via), family(r.Via))))
			continue
		}
		if m == ModeStatic {
			if msg := reachProblem(r.Via, subnets); msg != "" {
				v.add(field.Invalid(path("via"), r.Via.String(), msg))
			}
		}
		if !toOK {
			continue
		}
		metric := effectiveMetric(r.Via.Is4(), r.Metric)
		if prev := slices.IndexFunc(routes[:j], func(q Route) bool {
			// Only routes that passed the checks above count, as before them.
			return q.To == r.To && q.Via.IsValid() && nextHopProblem(q.Via, addrs) == "" &&
				q.Via.Is4() == q.To.Addr().Is4() && effectiveMetric(q.Via.Is4(), q.Metric) == metric
		}); prev >= 0 {
			v.add(field.Invalid(path("to"), r.To.String(), fmt.Sprintf("routes[%d] has the same destination and metric", prev)))
		}
		if r.IsDefault() && r.Via.Is6() && r.Metric != nil && v.style == DefaultRoutePortable {
			v.add(field.Invalid(path("metric"), *r.Metric,
				"an IPv6 default route with a metric has no form that cloud-init 22.4's networkd, eni and sysconfig renderers apply "+
					"(they turn ::/0 into ::/64 and reject to: default); drop the metric, or build with DefaultRouteNetplan "+
					"for guests with netplan 0.103+ or cloud-init 25.3+"))
		}
	}
}

// mtu checks the MTU against the address families in use.
func (v *validator) mtu(i int, c *IPConfig) {
	if c.MTU == 0 {
		return
	}
	min := minMTU
	ipv6 := c.DHCP6 || c.IPv6Mode == ModeDHCP || c.IPv6Mode == ModeSLAAC
	for _, a := range c.Addresses {
		ipv6 = ipv6 || a.Addr().Is6()
	}
	if ipv6 {
		min = minMTUIPv6
	}
	if c.MTU < min || c.MTU > maxMTU {
		detail := fmt.Sprintf("must be between %d and %d", min, maxMTU)
		if ipv6 {
			detail += " (IPv6 needs at least 1280)"
		}
		v.add(field.Invalid(v.ipPath(i, "mtu"), c.MTU, detail))
	}
}

// effectiveMetric is the metric a route gets in the guest.
func effectiveMetric(ipv4 bool, m *uint32) uint32 {
	switch {
	case m != nil:
		return *m
	case ipv4:
		return defaultMetric4
	}
	return defaultMetric6
}

// hostAddrProblem says why ip cannot be a NIC's address.
func hostAddrProblem(ip netip.Addr) string {
	switch {
	case ip.Is4In6():
		return "write an IPv4 address in dotted form, not as an IPv4-mapped IPv6 address"
	case ip.IsUnspecified():
		return "the unspecified address cannot be assigned to a NIC"
	case ip.IsLoopback():
		return "a loopback address cannot be assigned to a NIC"
	case ip.IsMulticast():
		return "a multicast address cannot be assigned to a NIC"
	case ip.Is4() && ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "the limited broadcast address cannot be assigned to a NIC"
	}
	return ""
}

// nextHopProblem says why ip cannot be a gateway or next hop of an
// interface with addresses addrs.
func nextHopProblem(ip netip.Addr, addrs []netip.Prefix) string {
	switch {
	case ip.Zone() != "":
		return "a next hop cannot carry a zone; the interface is implied"
	case ip.Is4In6():
		return "write an IPv4 next hop in dotted form, not as an IPv4-mapped IPv6 address"
	case ip.IsUnspecified() || ip.IsLoopback() || ip.IsMulticast():
		return "a next hop must be a unicast address of a router on the link"
	}
	for _, a := range addrs {
		if a.IsValid() && a.Addr() == ip {
			return "this is the interface's own address, not a router"
		}
	}
	return ""
}

// reachProblem says why next hop ip is not reachable from subnets.
func reachProblem(ip netip.Addr, subnets []netip.Prefix) string {
	if ip.Is6() && ip.IsLinkLocalUnicast() {
		return "" // an IPv6 link-local next hop is always on-link
	}
	if slices.ContainsFunc(subnets, func(s netip.Prefix) bool { return s.Contains(ip) }) {
		return ""
	}
	// Only a next hop that is not reachable pays for the list of subnets:
	// building it for every next hop made a NIC with n routes and n
	// addresses cost O(n²) allocations.
	var same []string
	for _, s := range subnets {
		if s.Addr().Is4() == ip.Is4() {
			same = append(same, s.String())
		}
	}
	if len(same) == 0 {
		return fmt.Sprintf("the interface has no %s address, so it cannot reach an %s next hop", family(ip), family(ip))
	}
	return fmt.Sprintf("not inside the interface's %s subnets (%s), so the guest cannot reach it", family(ip), strings.Join(same, ", "))
}

// lastAddr returns the last (broadcast) address of the IPv4 prefix p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().As4()
	host := 32 - p.Bits()
	for i := 3; i >= 0 && host > 0; i-- {
		n := min(host, 8)
		b[i] |= byte(1<<n - 1)
		host -= n
	}
	return netip.AddrFrom4(b)
}

// family names ip's address family.
func family(ip netip.Addr) string {
	if ip.Is4() {
		return "IPv4"
	}
	return "IPv6"
}

// modeName quotes a mode for messages, naming the empty mode.
func modeName(m Mode) string {
	switch m {
	case "":
		return "an unset mode"
	case ModeStatic, ModeDHCP, ModeNone, ModeSLAAC:
		return string(m) + " mode"
	}
	// An unknown mode may hold anything, line breaks included: quoted, it
	// cannot add a line of its own to the message.
	return strconv.Quote(string(m)) + " mode"
}
