package netconfig

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Limits on values, as the guest and the kernel take them.
const (
	minMTU     = 68    // the smallest MTU IPv4 allows (RFC 791)
	minMTUIPv6 = 1280  // the smallest MTU IPv6 allows (RFC 8200)
	maxMTU     = 65535 // the largest MTU a guest NIC can take
	// maxNameservers is how many nameservers glibc's resolver uses.
	maxNameservers = 3
	// maxIfaceName is the longest Linux interface name (IFNAMSIZ - 1).
	maxIfaceName = 15
	// defaultMetric4 and defaultMetric6 are the metrics the kernel gives
	// routes that set none.
	defaultMetric4 = 0
	defaultMetric6 = 1024
)

// supportedModes lists the modes, for error messages.
func supportedModes() []Mode { return []Mode{ModeStatic, ModeDHCP, ModeNone} }

// validate checks the specs and the resolved plans and returns every
// problem at once, plus warnings about valid but doubtful input.
//
// The warnings are appended to warnings, which resolve returned.
func validate(spec Spec, plans []plan, o options, warnings []Warning) (field.ErrorList, []Warning) {
	v := validator{opts: o, warnings: warnings, fieldsHint: max(64, 32*len(spec.Networks))}
	root := newPath(segNetworks)
	if spec.Namespace != "" {
		for _, msg := range dns1123LabelProblems(spec.Namespace) {
			v.add(field.Invalid(newPath(segNamespace).path(), spec.Namespace, msg))
		}
	}

	// Names and PCI addresses are compared one by one in a VM short enough
	// for firstIndex's list on the stack, or one that repeats one.
	names := firstIndex[string]{hint: len(spec.Networks)}
	pciAddrs := firstIndex[string]{hint: len(spec.Networks)}
	short := len(spec.Networks) <= shortList
	checkNames := short || !distinct(len(spec.Networks), func(i int) (string, bool) {
		return spec.Networks[i].Name, spec.Networks[i].Name != ""
	})
	checkPCI := short || !distinct(len(spec.Networks), func(i int) (string, bool) {
		return spec.Networks[i].PCIAddress, spec.Networks[i].PCIAddress != ""
	})
	podAt := -1
	for i := range spec.Networks {
		n := &spec.Networks[i]
		path := root.Index(i)
		v.network(path, n)
		if checkNames && n.Name != "" {
			if j, dup := names.get(n.Name); dup {
				v.add(field.Invalid(path.Child(segName).path(), n.Name, fmt.Sprintf("networks[%d] has the same name; network names are unique within a VM", j)))
			} else {
				names.put(n.Name, i)
			}
		}
		if checkPCI && n.PCIAddress != "" {
			if j, dup := pciAddrs.get(n.PCIAddress); dup {
				v.add(field.Invalid(path.Child(segPCIAddress).path(), n.PCIAddress, fmt.Sprintf("networks[%d] has the same PCI address", j)))
			} else {
				pciAddrs.put(n.PCIAddress, i)
			}
		}
		p := &plans[i]
		if p.Role == RolePod {
			if podAt >= 0 {
				v.add(field.Invalid(path.path(), n.Name, fmt.Sprintf("a VM has at most one pod network and networks[%d] (%q) is one already", podAt, spec.Networks[podAt].Name)))
			}
			podAt = i
		}
		if n.IPConfig != nil {
			v.ipConfig(path.Child(segIPConfig), n.Name, n.IPConfig, p.Role)
		}
	}
	v.macs(plans)
	v.acrossNetworks(spec, plans)
	return v.errs, v.warnings
}

// validator collects errors and warnings.
type validator struct {
	opts     options
	errs     field.ErrorList
	warnings []Warning
	// fields holds the text of the warnings' field paths, one arena for
	// all (its strings stay valid as it grows).
	fields strings.Builder
	// fieldsHint is the room fields starts with: a path or so per network.
	fieldsHint int
}

func (v *validator) add(e *field.Error) { v.errs = append(v.errs, e) }

func (v *validator) warn(code WarningCode, network string, path fieldPath, msg string) {
	if v.fields.Cap() == 0 {
		v.fields.Grow(v.fieldsHint)
	}
	var b [64]byte
	start := v.fields.Len()
	v.fields.Write(path.appendTo(b[:0]))
	v.warnings = append(v.warnings, Warning{Code: code, Network: network, Field: v.fields.String()[start:], Message: msg})
}

// network checks a network's own fields other than its IP config.
func (v *validator) network(path fieldPath, n *Network) {
	if n.Name == "" {
		v.add(field.Required(path.Child(segName).path(), "every network needs the name it has in the VM spec"))
	} else if msg := textProblem(n.Name, 253); msg != "" {
		v.add(field.Invalid(path.Child(segName).path(), n.Name, msg))
	}

	switch n.Source {
	case SourceUnspecified, SourcePod:
		if n.NetworkName != "" {
			v.add(field.Forbidden(path.Child(segNetworkName).path(), "only a Multus network names a NetworkAttachmentDefinition"))
		}
	case SourceMultus:
		if n.NetworkName == "" {
			v.add(field.Required(path.Child(segNetworkName).path(), "a Multus network names its NetworkAttachmentDefinition, as name or namespace/name"))
		} else {
			for _, msg := range attachmentNameProblems(n.NetworkName) {
				v.add(field.Invalid(path.Child(segNetworkName).path(), n.NetworkName, msg))
			}
		}
	default:
		// As a string, which field.Error quotes with %q; a Source it would
		// write as JSON, leaving DEL, C1 controls and the like unescaped.
		v.add(field.NotSupported(path.Child(segSource).path(), string(n.Source), []Source{SourcePod, SourceMultus}))
	}

	if n.Binding != "" {
		if msg := bindingProblem(n.Binding); msg != "" {
			v.add(field.Invalid(path.Child(segBinding).path(), n.Binding, msg))
		} else if n.Binding == BindingMasquerade && n.Source == SourceMultus {
			v.add(field.Invalid(path.Child(segBinding).path(), n.Binding, "the masquerade binding is only for the pod network"))
		}
	}

	if n.MAC.IsValid() {
		if msg := n.MAC.Problem(); msg != "" {
			v.add(field.Invalid(path.Child(segMACAddress).path(), n.MAC.String(), msg))
		}
	}
	if n.PCIAddress != "" && !isPCIAddress(n.PCIAddress) {
		v.add(field.Invalid(path.Child(segPCIAddress).path(), n.PCIAddress, "want a PCI address of the form 0000:81:00.1 (domain:bus:slot.function, lower-case hex)"))
	}
}

// ipConfig checks one network's IP config.
func (v *validator) ipConfig(path fieldPath, network string, c *IPConfig, r Role) {
	switch c.Mode {
	case "":
		v.add(field.Required(path.Child(segMode).path(), "one of static, dhcp or none"))
	case ModeStatic, ModeDHCP, ModeNone:
	default:
		v.add(field.NotSupported(path.Child(segMode).path(), string(c.Mode), supportedModes())) // a string, quoted: see source
	}
	if r == RolePod && c.Mode == ModeStatic {
		v.add(field.Invalid(path.Child(segMode).path(), c.Mode, "the pod network never gets static addressing: KubeVirt serves its address by DHCP; static addresses are for Multus networks"))
	}

	static := c.Mode == ModeStatic
	switch {
	case static && len(c.Addresses) == 0:
		v.add(field.Required(path.Child(segAddresses).path(), "static mode needs at least one address, such as 192.168.0.200/24"))
	case !static && len(c.Addresses) > 0:
		v.add(field.Forbidden(path.Child(segAddresses).path(), fmt.Sprintf("addresses are only for static mode, not %s", modeName(c.Mode))))
	}
	if !static && len(c.Gateways) > 0 {
		v.add(field.Forbidden(path.Child(segGateways).path(), fmt.Sprintf("gateways are only for static mode, not %s; add a route instead", modeName(c.Mode))))
	}
	if c.DHCP6 && c.Mode != ModeDHCP {
		v.add(field.Forbidden(path.Child(segDHCP6).path(), "DHCPv6 is only for dhcp mode"))
	}
	if c.Mode == ModeNone {
		if len(c.Routes) > 0 {
			v.add(field.Forbidden(path.Child(segRoutes).path(), "mode none assigns no address, so no route can go through the interface"))
		}
		if len(c.Nameservers.Addresses)+len(c.Nameservers.Search) > 0 {
			v.add(field.Forbidden(path.Child(segNameservers).path(), "mode none configures no DNS"))
		}
	}

	var buf [8]netip.Prefix
	subnets := v.addresses(path, c.Addresses, buf[:0])
	v.gateways(path, c.Gateways, c.Addresses, subnets, static)
	v.nameservers(path, network, c.Nameservers)
	v.routes(path, c.Routes, c.Addresses, subnets, static)
	v.mtu(path, c)
}

// addresses checks static addresses and returns their subnets, appended
// to subnets.
//
// config is the path of the IP config; the paths of its fields are built
// only for an error.
func (v *validator) addresses(config fieldPath, addrs []netip.Prefix, subnets []netip.Prefix) []netip.Prefix {
	for j, a := range addrs {
		if !a.IsValid() {
			v.add(field.Invalid(config.Child(segAddresses).Index(j).path(), a.String(), "not an address with a prefix length, such as 192.168.0.200/24 or fd00::200/64"))
			continue
		}
		ip := a.Addr()
		if msg := hostAddrProblem(ip); msg != "" {
			v.add(field.Invalid(config.Child(segAddresses).Index(j).path(), a.String(), msg))
			continue
		}
		if a.Bits() == 0 {
			v.add(field.Invalid(config.Child(segAddresses).Index(j).path(), a.String(), "a prefix length of 0 puts every address on the link; give the subnet's real prefix length"))
			continue
		}
		if ip.Is4() && a.Bits() <= 30 {
			m := a.Masked()
			if ip == m.Addr() {
				v.add(field.Invalid(config.Child(segAddresses).Index(j).path(), a.String(), fmt.Sprintf("this is the network address of %s, not a host address", m)))
				continue
			}
			if ip == lastAddr(m) {
				v.add(field.Invalid(config.Child(segAddresses).Index(j).path(), a.String(), fmt.Sprintf("this is the broadcast address of %s, not a host address", m)))
				continue
			}
		}
		if k := slices.IndexFunc(addrs[:j], func(b netip.Prefix) bool { return b.IsValid() && b.Addr() == ip }); k >= 0 {
			v.add(field.Invalid(config.Child(segAddresses).Index(j).path(), a.String(), fmt.Sprintf("the same address as addresses[%d]", k)))
			continue
		}
		subnets = append(subnets, a.Masked())
	}
	return subnets
}

// gateways checks default gateways: at most one per family, each inside a
// subnet of its family.
//
// config is the path of the IP config; the paths of its fields are built
// only for an error.
func (v *validator) gateways(config fieldPath, gws []netip.Addr, addrs, subnets []netip.Prefix, static bool) {
	var have4, have6 bool
	for j, gw := range gws {
		if !gw.IsValid() {
			v.add(field.Invalid(config.Child(segGateways).Index(j).path(), "", "not an IP address"))
			continue
		}
		if msg := nextHopProblem(gw, addrs); msg != "" {
			v.add(field.Invalid(config.Child(segGateways).Index(j).path(), gw.String(), msg))
			continue
		}
		if gw.Is4() && have4 || gw.Is6() && have6 {
			v.add(field.Invalid(config.Child(segGateways).Index(j).path(), gw.String(), fmt.Sprintf("at most one default gateway per address family; use routes with metrics for more %s default routes", family(gw))))
			continue
		}
		have4 = have4 || gw.Is4()
		have6 = have6 || gw.Is6()
		if static {
			if msg := reachProblem(gw, subnets); msg != "" {
				v.add(field.Invalid(config.Child(segGateways).Index(j).path(), gw.String(), msg))
			}
		}
	}
}

// nameservers checks DNS servers and search domains.
//
// config is the path of the IP config; the paths of its fields are built
// only for an error.
func (v *validator) nameservers(config fieldPath, network string, ns Nameservers) {
	if len(ns.Addresses) > maxNameservers {
		v.warn(WarningTooManyNameservers, network, config.Child(segNameservers).Child(segAddresses),
			fmt.Sprintf("%d nameservers are given but glibc's resolver uses only the first %d", len(ns.Addresses), maxNameservers))
	}
	for j, a := range ns.Addresses {
		switch {
		case !a.IsValid():
			v.add(field.Invalid(config.Child(segNameservers).Child(segAddresses).Index(j).path(), "", "not an IP address"))
		case a.Zone() != "":
			v.add(field.Invalid(config.Child(segNameservers).Child(segAddresses).Index(j).path(), a.String(), "a nameserver address cannot carry a zone"))
		case a.Is4In6():
			v.add(field.Invalid(config.Child(segNameservers).Child(segAddresses).Index(j).path(), a.String(), "write an IPv4 nameserver in dotted form, not as an IPv4-mapped IPv6 address"))
		case a.IsUnspecified() || a.IsMulticast():
			v.add(field.Invalid(config.Child(segNameservers).Child(segAddresses).Index(j).path(), a.String(), "not the unicast address of a DNS server"))
		case slices.Contains(ns.Addresses[:j], a):
			v.add(field.Duplicate(config.Child(segNameservers).Child(segAddresses).Index(j).path(), a.String()))
		}
	}
	for j, d := range ns.Search {
		if msg := dnsNameProblem(d); msg != "" {
			v.add(field.Invalid(config.Child(segNameservers).Child(segSearch).Index(j).path(), d, msg))
			continue
		}
		if slices.ContainsFunc(ns.Search[:j], func(e string) bool { return sameDomain(d, e) }) {
			v.add(field.Duplicate(config.Child(segNameservers).Child(segSearch).Index(j).path(), d))
		}
	}
}

// routes checks extra routes.
//
// config is the path of the IP config; the paths of its fields are built
// only for an error.
func (v *validator) routes(config fieldPath, routes []Route, addrs, subnets []netip.Prefix, static bool) {
	for j, r := range routes {
		toOK := r.To.IsValid()
		if !toOK {
			v.add(field.Invalid(config.Child(segRoutes).Index(j).Child(segTo).path(), "", "not a destination prefix, such as 10.10.0.0/16 (or 0.0.0.0/0, ::/0 for a default route)"))
		} else if r.To != r.To.Masked() {
			toOK = false
			v.add(field.Invalid(config.Child(segRoutes).Index(j).Child(segTo).path(), r.To.String(), fmt.Sprintf("host bits are set; the destination is %s", r.To.Masked())))
		} else if r.To.Addr().Is4In6() {
			toOK = false
			v.add(field.Invalid(config.Child(segRoutes).Index(j).Child(segTo).path(), r.To.String(), "write an IPv4 destination in dotted form, not as an IPv4-mapped IPv6 prefix"))
		}
		if !r.Via.IsValid() {
			v.add(field.Required(config.Child(segRoutes).Index(j).Child(segVia).path(), "every route needs a next hop"))
			continue
		}
		if msg := nextHopProblem(r.Via, addrs); msg != "" {
			v.add(field.Invalid(config.Child(segRoutes).Index(j).Child(segVia).path(), r.Via.String(), msg))
			continue
		}
		if toOK && r.To.Addr().Is4() != r.Via.Is4() {
			v.add(field.Invalid(config.Child(segRoutes).Index(j).Child(segVia).path(), r.Via.String(), fmt.Sprintf("an %s next hop for an %s destination", family(r.Via), family(r.To.Addr()))))
			continue
		}
		if static {
			if msg := reachProblem(r.Via, subnets); msg != "" {
				v.add(field.Invalid(config.Child(segRoutes).Index(j).Child(segVia).path(), r.Via.String(), msg))
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
			v.add(field.Invalid(config.Child(segRoutes).Index(j).Child(segTo).path(), r.To.String(), fmt.Sprintf("routes[%d] has the same destination and metric", prev)))
		}
		if r.IsDefault() && r.Via.Is6() && r.Metric != nil && v.opts.defaultRoute == DefaultRoutePortable {
			v.add(field.Invalid(config.Child(segRoutes).Index(j).Child(segMetric).path(), *r.Metric,
				"an IPv6 default route with a metric has no form that cloud-init 22.4's networkd, eni and sysconfig renderers apply "+
					"(they turn ::/0 into ::/64 and reject to: default); drop the metric, or build with DefaultRouteNetplan "+
					"for guests with netplan 0.103+ or cloud-init 25.3+"))
		}
	}
}

// mtu checks the MTU against the address families in use.
//
// config is the path of the IP config; the paths of its fields are built
// only for an error.
func (v *validator) mtu(config fieldPath, c *IPConfig) {
	if c.MTU == 0 {
		return
	}
	min := minMTU
	ipv6 := c.DHCP6
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
		v.add(field.Invalid(config.Child(segMTU).path(), c.MTU, detail))
	}
}

// macs checks the resolved MACs: assignable and distinct.
func (v *validator) macs(plans []plan) {
	seen := firstIndex[MAC]{hint: len(plans)}
	// As for names (see validate): MACs are compared one by one only in a
	// short VM or one that repeats one.
	checkDup := len(plans) <= shortList || !distinct(len(plans), func(i int) (uint64, bool) {
		return macKey(plans[i].MAC), plans[i].MAC.IsValid()
	})
	for i, p := range plans {
		if !p.MAC.IsValid() {
			continue
		}
		if p.MACOrigin != MACFromSpec {
			// A spec MAC was checked with its network; a resolved one is
			// checked here, since it comes from outside the spec.
			if msg := p.MAC.Problem(); msg != "" {
				v.add(field.Invalid(p.macPath().path(), p.MAC.String(), fmt.Sprintf("the MAC from the %s: %s", p.MACOrigin, msg)))
				continue
			}
		}
		if !checkDup {
			continue
		}
		if j, dup := seen.get(p.MAC); dup {
			detail := fmt.Sprintf("networks[%d] (%q) has the same MAC", j, plans[j].Network)
			if p.MACOrigin != MACFromSpec {
				detail += fmt.Sprintf(" (this one from the %s)", p.MACOrigin)
			}
			v.add(field.Invalid(p.macPath().path(), p.MAC.String(), detail))
			continue
		}
		seen.put(p.MAC, i)
	}
}

// defaultRoute is one default route of the guest, for the check that no
// two of one family share a metric.
type defaultRoute struct {
	network string
	at      int  // the network's index
	route   bool // in ipConfig.routes, else in ipConfig.gateways
	index   int  // the index in that list
	via     netip.Addr
	metric  uint32
	pod     bool // on the pod network
}

// firstIndex maps keys to the index where each was first seen: a list
// searched in order while it is short (a VM has a handful of networks and
// addresses), a map past that. Its zero value is empty and lives wherever
// its owner does, on the stack for validate's.
type firstIndex[K comparable] struct {
	list [shortList]keyIndex[K]
	n    int
	m    map[K]int
	// hint is how many keys the owner expects, to size the map.
	hint int
}

type keyIndex[K comparable] struct {
	key   K
	index int
}

// shortList is how long a list stays a list before it becomes a map.
const shortList = 16

func (f *firstIndex[K]) get(k K) (int, bool) {
	if f.m != nil {
		i, ok := f.m[k]
		return i, ok
	}
	for _, e := range f.list[:f.n] {
		if e.key == k {
			return e.index, true
		}
	}
	return 0, false
}

// put records that k was first seen at index i; k must not be there yet.
func (f *firstIndex[K]) put(k K, i int) {
	if f.m == nil && f.n < shortList {
		f.list[f.n] = keyIndex[K]{k, i}
		f.n++
		return
	}
	if f.m == nil {
		f.m = make(map[K]int, max(f.hint, 2*shortList))
		for _, e := range f.list[:f.n] {
			f.m[e.key] = e.index
		}
	}
	f.m[k] = i
}

// sharedAddresses reports each address that is on an earlier network
// too, and whether there was any; n is the number of addresses.
func (v *validator) sharedAddresses(spec Spec, plans []plan, n int) bool {
	owners := firstIndex[netip.Addr]{hint: n}
	found := false
	for i, p := range plans {
		if !p.Configured {
			continue
		}
		for j, a := range p.ip.Addresses {
			if !a.IsValid() {
				continue
			}
			prev, dup := owners.get(a.Addr())
			if !dup {
				owners.put(a.Addr(), i)
				continue
			}
			if prev != i { // the same address twice on one network is reported with its addresses
				found = true
				v.add(field.Invalid(newPath(segNetworks).Index(i).Child(segIPConfig).Child(segAddresses).Index(j).path(), a.String(),
					fmt.Sprintf("the same address is on networks[%d] (%q)", prev, spec.Networks[prev].Name)))
			}
		}
	}
	return found
}

// path is the field the route comes from.
func (d defaultRoute) path() fieldPath {
	list := segGateways
	if d.route {
		list = segRoutes
	}
	return newPath(segNetworks).Index(d.at).Child(segIPConfig).Child(list).Index(d.index)
}

// acrossNetworks checks what spans networks: an address on two networks,
// overlapping subnets, default routes of one family with the same metric,
// and default routes that take over the pod network's.
func (v *validator) acrossNetworks(spec Spec, plans []plan) {
	n := 0
	for _, p := range plans {
		if p.Configured {
			n += len(p.ip.Addresses)
		}
	}
	var subnetsBuf [shortList]subnet
	subnets := subnetsBuf[:0]
	if n > shortList {
		subnets = make([]subnet, 0, n)
	}
	var defaultsBuf [2][4]defaultRoute                                    // a typical VM's, on the stack
	defaults := [2][]defaultRoute{defaultsBuf[0][:0], defaultsBuf[1][:0]} // IPv6, IPv4
	podDHCP4, podDHCP6 := false, false
	for i, p := range plans {
		if !p.Configured {
			continue
		}
		if !validInterfaceName(p.Name) {
			v.add(field.Invalid(newPath(segNetworks).Index(i).path(), p.Name, "the guest interface name is not a valid Linux interface name (1 to 15 bytes, no '/', ':' or white space)"))
		}
		c := p.ip
		if p.Role == RolePod && c.Mode == ModeDHCP {
			podDHCP4, podDHCP6 = true, c.DHCP6
		}
		for j, a := range c.Addresses {
			if a.IsValid() {
				subnets = append(subnets, newSubnet(a, i, j))
			}
		}
		var gw4, gw6 bool // only the first gateway of a family counts; gateways reports the rest
		for j, gw := range c.Gateways {
			if c.Mode != ModeStatic || !gw.IsValid() || gw.Is4() && gw4 || gw.Is6() && gw6 {
				continue
			}
			gw4, gw6 = gw4 || gw.Is4(), gw6 || gw.Is6()
			defaults[b2i(gw.Is4())] = append(defaults[b2i(gw.Is4())], defaultRoute{p.Network, i, false, j, gw, effectiveMetric(gw.Is4(), nil), p.Role == RolePod})
		}
		metrics := false
		for j, r := range c.Routes {
			metrics = metrics || r.Metric != nil
			if r.IsDefault() && r.Via.IsValid() {
				defaults[b2i(r.Via.Is4())] = append(defaults[b2i(r.Via.Is4())], defaultRoute{p.Network, i, true, j, r.Via, effectiveMetric(r.Via.Is4(), r.Metric), p.Role == RolePod})
			}
		}
		if metrics && v.opts.defaultRoute == DefaultRoutePortable {
			v.warn(WarningRouteMetricDropped, p.Network, newPath(segNetworks).Index(i).Child(segIPConfig).Child(segRoutes),
				"cloud-init before 23.3 drops route metrics on its networkd, eni and sysconfig renderers (only guests that render with netplan keep them); there these routes get the kernel's default metric, and default routes told apart only by metric collide")
		}
	}
	// An address on two networks puts both in overlapping subnets, so
	// addresses are compared only when subnets overlap, which is rare.
	if anyOverlap(subnets) && !v.sharedAddresses(spec, plans, n) {
		v.overlappingSubnets(spec, plans, subnets)
	}
	for _, is4 := range []bool{true, false} {
		routes := defaults[b2i(is4)]
		fam := "IPv6"
		if is4 {
			fam = "IPv4"
		}
		for k, d := range routes {
			if prev := slices.IndexFunc(routes[:k], func(e defaultRoute) bool { return e.metric == d.metric }); prev >= 0 {
				v.add(field.Invalid(d.path().path(), d.via.String(), fmt.Sprintf("a second %s default route with metric %d (the first is %s); give each default route a distinct metric with a route to: default", fam, d.metric, routes[prev].path())))
			}
		}
		if !(is4 && podDHCP4 || !is4 && podDHCP6) {
			continue
		}
		for _, d := range routes {
			if d.pod {
				continue
			}
			msg := "this static IPv6 default route outranks the one the pod network learns by DHCPv6 and router advertisements, so traffic to the cluster and beyond may leave through this network"
			if is4 {
				msg = "this static IPv4 default route outranks the pod network's DHCP one (netplan gives DHCP routes metric 100, static routes 0), and cloud-init's sysconfig renderer then stops every DHCP interface from installing a default route, so traffic to the cluster and beyond may leave through this network"
			}
			v.warn(WarningDefaultRouteOverridesPodNetwork, d.network, d.path(), msg)
			break
		}
	}
}

// sameDomain reports whether a and b name the same DNS domain, ignoring
// case and a final dot.
func sameDomain(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}

// b2i is 1 for true and 0 for false.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
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
	for _, s := range subnets {
		if s.Contains(ip) {
			return ""
		}
	}
	// Only a next hop that is not reachable pays for the list of subnets:
	// building it for every next hop made a NIC with n routes and n
	// addresses cost O(n²) allocations (25 s and 4 GiB for n = 10,000).
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

// lastAddr returns the last address of prefix p (its broadcast address for
// IPv4).
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
	case ModeStatic, ModeDHCP, ModeNone:
		return string(m) + " mode"
	}
	// An unknown mode may hold anything, line breaks included: quoted, it
	// cannot add a line of its own to the message.
	return strconv.Quote(string(m)) + " mode"
}

// attachmentNameProblems checks "name" or "namespace/name".
func attachmentNameProblems(s string) []string {
	ns, name, qualified := strings.Cut(s, "/")
	if !qualified {
		name, ns = ns, ""
	}
	var out []string
	if qualified {
		for _, msg := range dns1123LabelProblems(ns) {
			out = append(out, "namespace: "+msg)
		}
	}
	for _, msg := range dns1123SubdomainProblems(name) {
		out = append(out, "name: "+msg)
	}
	return out
}

// dns1123LabelProblems is validation.IsDNS1123Label, which runs a regular
// expression, behind a check by hand of the valid case: a controller
// validates every VM on every reconcile.
func dns1123LabelProblems(s string) []string {
	if len(s) <= validation.DNS1123LabelMaxLength && isDNS1123Label(s) {
		return nil
	}
	return validation.IsDNS1123Label(s)
}

// dns1123SubdomainProblems is validation.IsDNS1123Subdomain behind a check
// by hand of the valid case.
func dns1123SubdomainProblems(s string) []string {
	if len(s) <= validation.DNS1123SubdomainMaxLength && isDNS1123Subdomain(s) {
		return nil
	}
	return validation.IsDNS1123Subdomain(s)
}

// isDNS1123Label matches [a-z0-9]([-a-z0-9]*[a-z0-9])?, the expression of
// validation.IsDNS1123Label.
func isDNS1123Label(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// isDNS1123Subdomain matches DNS-1123 labels joined by dots, the
// expression of validation.IsDNS1123Subdomain.
func isDNS1123Subdomain(s string) bool {
	start := 0 // of the current label
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			continue
		}
		if !isDNS1123Label(s[start:i]) {
			return false
		}
		start = i + 1
	}
	return true
}

// bindingProblem checks a binding name: a plugin name is a short
// identifier.
func bindingProblem(s string) string {
	if len(s) > 63 {
		return "a binding name has at most 63 characters"
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return "a binding name has only letters, digits, '-', '_' and '.'"
		}
	}
	return ""
}

// textProblem rejects control characters, invalid UTF-8 and over-long
// values in names.
func textProblem(s string, max int) string {
	if len(s) <= max && printableASCII(s) {
		return "" // the common case, checked a byte at a time
	}
	return textProblemDetail(s, max)
}

// textProblemDetail is textProblem without its check of the common case.
func textProblemDetail(s string, max int) string {
	if len(s) > max {
		return fmt.Sprintf("at most %d bytes", max)
	}
	if !utf8.ValidString(s) {
		return "not valid UTF-8"
	}
	for _, r := range s {
		if r < 0x20 || r >= 0x7f && r <= 0x9f {
			// C0, DEL and the C1 controls (NEL, U+0085, among them, which
			// YAML 1.1 and some terminals take for a line break).
			return "contains a control character"
		}
	}
	return ""
}

// printableASCII reports whether s holds only printable ASCII (' ' to
// '~'), which is valid UTF-8 with no control character.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// dnsNameProblem checks a search domain: dot-separated labels of letters,
// digits and hyphens, each 1 to 63 characters and not starting or ending
// with a hyphen, 253 characters in all, with an optional final dot.
func dnsNameProblem(s string) string {
	if isDNSName(s) {
		return "" // the common case, in one pass
	}
	return dnsNameDetail(s)
}

// isDNSName reports whether dnsNameDetail finds no problem with s.
func isDNSName(s string) bool {
	name := strings.TrimSuffix(s, ".")
	if name == "" || len(name) > 253 {
		return false
	}
	start := 0 // of the current label
	for i := 0; i <= len(name); i++ {
		if i < len(name) && name[i] != '.' {
			c := name[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
			continue
		}
		label := name[start:i]
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		start = i + 1
	}
	return true
}

// dnsNameDetail says what is wrong with search domain s, or "".
func dnsNameDetail(s string) string {
	name := strings.TrimSuffix(s, ".")
	if name == "" {
		return "not a DNS domain name"
	}
	if len(name) > 253 {
		return "a DNS domain name has at most 253 characters"
	}
	for label := range strings.SplitSeq(name, ".") {
		if label == "" || len(label) > 63 {
			return "not a DNS domain name: each dot-separated label has 1 to 63 characters"
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return "not a DNS domain name: a label cannot start or end with '-'"
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return "not a DNS domain name: only letters, digits, '-' and '.' are allowed"
			}
		}
	}
	return ""
}

// isPCIAddress checks domain:bus:slot.function, as in 0000:81:00.1.
func isPCIAddress(s string) bool {
	if len(s) != 12 || s[4] != ':' || s[7] != ':' || s[10] != '.' {
		return false
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6, 8, 9} {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	slot := hexVal(s[8])<<4 | hexVal(s[9])
	return slot <= 0x1f && s[11] >= '0' && s[11] <= '7'
}

func hexVal(c byte) int {
	if c >= 'a' {
		return int(c-'a') + 10
	}
	return int(c - '0')
}

// validInterfaceName checks a Linux interface name: 1 to 15 bytes, no '/',
// ':' or white space, not "." or "..".
func validInterfaceName(s string) bool {
	if s == "" || len(s) > maxIfaceName || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == '/' || c == ':' || c == 0x7f {
			return false
		}
	}
	return true
}
