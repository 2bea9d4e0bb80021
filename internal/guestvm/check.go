package guestvm

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/guestnet/guestnet/netconfig"
)

// Outcome is what a guest did with one construct of its network config.
type Outcome string

const (
	// Applied: the guest has exactly what the config asked for.
	Applied Outcome = "applied"
	// Wrong: the guest has something else (another name, another prefix,
	// a route that is installed but not the one in effect, ...).
	Wrong Outcome = "wrong"
	// Dropped: the guest has nothing of it.
	Dropped Outcome = "dropped"
)

// Construct is one thing a network config asks of a guest, the unit in
// which guests are compared. ConstructInfo lists them with their labels.
type Construct string

// The constructs, in the order of the README table.
const (
	MACRename                Construct = "mac-rename"
	NameFallback             Construct = "name-fallback"
	PodDHCP4                 Construct = "pod-dhcp4"
	PodDefaultRoute          Construct = "pod-default-route"
	PodDefaultRouteContested Construct = "pod-default-route-contested"
	SecondaryDHCP4           Construct = "secondary-dhcp4"
	StaticIPv4               Construct = "static-ipv4"
	StaticIPv6               Construct = "static-ipv6"
	DefaultRouteIPv4         Construct = "default-route-ipv4"
	DefaultRouteIPv6         Construct = "default-route-ipv6"
	DefaultRouteToDefault4   Construct = "default-route-to-default-ipv4"
	DefaultRouteToDefault6   Construct = "default-route-to-default-ipv6"
	RouteIPv4                Construct = "route-ipv4"
	RouteIPv6                Construct = "route-ipv6"
	RouteMetric              Construct = "route-metric"
	MTU                      Construct = "mtu"
	Nameservers              Construct = "nameservers"
	SearchDomains            Construct = "search-domains"
	SLAAC                    Construct = "slaac"
	IPv6Off                  Construct = "ipv6-off"
)

// ConstructInfo lists the constructs in table order with the label the
// README shows for each: the construct as guestnet writes it.
var ConstructInfo = []struct {
	Construct Construct
	Label     string
}{
	{MACRename, "`match: {macaddress}` + `set-name`: the NIC gets the name"},
	{NameFallback, "no MAC known: ethernets key `ethN`, no `match` (`InterfaceNameFallback`)"},
	{PodDHCP4, "`dhcp4: true` on the pod NIC: its lease"},
	{PodDefaultRoute, "the pod NIC's DHCP default route, no static IPv4 default elsewhere"},
	{PodDefaultRouteContested, "the pod NIC's DHCP default route beside a secondary's static IPv4 default (`DefaultRouteOverridesPodNetwork`)"},
	{SecondaryDHCP4, "`dhcp4: true` on a secondary NIC: its lease"},
	{StaticIPv4, "static IPv4 `addresses`"},
	{StaticIPv6, "static IPv6 `addresses`"},
	{DefaultRouteIPv4, "IPv4 default route: `routes: [{to: \"0.0.0.0/0\", via}]`"},
	{DefaultRouteIPv6, "IPv6 default route: `gateway6`"},
	{DefaultRouteToDefault4, "IPv4 default route as netplan's `routes: [{to: default, via}]` (`DefaultRouteNetplan`)"},
	{DefaultRouteToDefault6, "IPv6 default route as netplan's `routes: [{to: default, via}]` (`DefaultRouteNetplan`)"},
	{RouteIPv4, "IPv4 route: `routes: [{to, via}]`"},
	{RouteIPv6, "IPv6 route: `routes: [{to, via}]`"},
	{RouteMetric, "route `metric` (`RouteMetricDropped`)"},
	{MTU, "`mtu`"},
	{Nameservers, "`nameservers.addresses`"},
	{SearchDomains, "`nameservers.search`"},
	{SLAAC, "`ipv6Mode: slaac` (`accept-ra: true`, which only netplan gets; elsewhere the guest's default): SLAAC addresses (`AcceptRANotPortable`)"},
	{IPv6Off, "`ipv6Mode: none` (`accept-ra: false`, which only netplan gets): no SLAAC address though the network sends router advertisements (`AcceptRANotPortable`)"},
}

// Fact is the outcome of one construct for one network in one guest.
type Fact struct {
	Construct Construct `json:"construct"`
	Network   string    `json:"network"`
	Outcome   Outcome   `json:"outcome"`
	// Detail qualifies the outcome in a few words ("global", "named
	// enp2s0"); the README shows it.
	Detail string `json:"detail,omitempty"`
	// Evidence is what was observed, for people; it is not compared.
	Evidence string `json:"evidence,omitempty"`
}

// Want is what a network's config asks of its guest NIC.
type Want struct {
	// Network is the VM network.
	Network string
	// Role is the network's role.
	Role netconfig.Role
	// MAC is the NIC's MAC as the harness gave it to QEMU, whether or not
	// the config knows it.
	MAC netconfig.MAC
	// Name is the guest name the config gives the NIC, and Match how it
	// finds the NIC.
	Name  string
	Match netconfig.MatchKind
	// DHCP4 asks for a lease, which is Lease, with Router as its default
	// gateway.
	DHCP4         bool
	Lease, Router netip.Addr
	// Addrs are static addresses.
	Addrs []netip.Prefix
	// Gateway4 and Gateway6 are the default gateways, and ToDefault says
	// that the config writes them as netplan's "to: default"
	// (DefaultRouteNetplan).
	Gateway4, Gateway6 netip.Addr
	ToDefault          bool
	// Routes are the other routes.
	Routes []netconfig.Route
	// MTU is the MTU asked for, 0 for none.
	MTU int
	// DNS and Search are the resolver settings.
	DNS    []netip.Addr
	Search []string
	// IPv6Mode is the config's IPv6Mode, and RAPrefix the prefix the NIC's
	// network announces in router advertisements (invalid for none).
	IPv6Mode netconfig.Mode
	RAPrefix netip.Prefix
}

// Wants states, for every network the config writes, what it asks of the
// guest, from the spec, the builder's result (names and matching) and the
// NICs the harness gives the guest (nics[i] is the NIC of
// spec.Networks[i]).
func Wants(spec netconfig.Spec, res netconfig.Result, nics []NIC) ([]Want, error) {
	if len(nics) != len(spec.Networks) || len(res.Interfaces) != len(spec.Networks) {
		return nil, fmt.Errorf("guestvm: %d networks, %d interfaces, %d NICs", len(spec.Networks), len(res.Interfaces), len(nics))
	}
	var out []Want
	for i, n := range spec.Networks {
		iface := res.Interfaces[i]
		if !iface.Configured {
			continue
		}
		w := Want{Network: n.Name, Role: iface.Role, MAC: nics[i].MAC, Name: iface.Name, Match: iface.Match}
		c := n.IPConfig
		if c == nil {
			c = &netconfig.IPConfig{Mode: netconfig.ModeDHCP}
		}
		if c.Mode == netconfig.ModeDHCP {
			w.DHCP4, w.Lease, w.Router = true, nics[i].Lease(), nics[i].Router()
			if !w.Lease.IsValid() {
				return nil, fmt.Errorf("guestvm: network %s asks for DHCP but its NIC has no DHCP server", n.Name)
			}
		}
		w.Addrs = slices.Clone(c.Addresses)
		for _, gw := range c.Gateways {
			w.setGateway(gw)
		}
		for _, r := range c.Routes {
			if r.IsDefault() {
				w.setGateway(r.Via)
				continue
			}
			w.Routes = append(w.Routes, r)
		}
		for _, r := range res.Config.Network.Ethernets[iface.Name].Routes {
			w.ToDefault = w.ToDefault || r.To == "default"
		}
		w.MTU = c.MTU
		w.DNS = slices.Clone(c.Nameservers.Addresses)
		w.Search = slices.Clone(c.Nameservers.Search)
		w.IPv6Mode, w.RAPrefix = c.IPv6Mode, nics[i].Prefix6
		if c.IPv6Mode == netconfig.ModeSLAAC && !w.RAPrefix.IsValid() {
			return nil, fmt.Errorf("guestvm: network %s asks for SLAAC but its NIC has no router advertisements", n.Name)
		}
		out = append(out, w)
	}
	return out, nil
}

func (w *Want) setGateway(gw netip.Addr) {
	if gw.Is4() {
		w.Gateway4 = gw
	} else {
		w.Gateway6 = gw
	}
}

// Judge compares what w asks with what the guest has and returns one Fact
// per construct that w uses. A NIC matched by name yields only a
// NameFallback fact, which says whether its config applied at all.
// contested says that another NIC carries a static IPv4 default route,
// which decides the construct of the pod NIC's DHCP default route.
func Judge(w Want, g Guest, contested bool) []Fact {
	link, ok := g.LinkByMAC(w.MAC)
	if !ok {
		return []Fact{{Construct: MACRename, Network: w.Network, Outcome: Dropped, Detail: "no such NIC", Evidence: "the guest has no NIC with MAC " + w.MAC.String()}}
	}
	j := judge{w: w, g: g, link: link}
	if w.Match == netconfig.MatchName {
		return []Fact{j.nameFallback()}
	}
	facts := []Fact{j.rename()}
	if w.DHCP4 {
		facts = append(facts, j.lease())
		if w.Role == netconfig.RolePod {
			facts = append(facts, j.podDefault(contested))
		}
	}
	if f, ok := j.addrs(false); ok {
		facts = append(facts, f)
	}
	if f, ok := j.addrs(true); ok {
		facts = append(facts, f)
	}
	if w.Gateway4.IsValid() {
		facts = append(facts, j.defaultRoute(w.Gateway4))
	}
	if w.Gateway6.IsValid() {
		facts = append(facts, j.defaultRoute(w.Gateway6))
	}
	facts = append(facts, j.routes()...)
	if w.MTU != 0 {
		facts = append(facts, j.mtu())
	}
	if len(w.DNS) > 0 {
		facts = append(facts, j.resolver(Nameservers))
	}
	if len(w.Search) > 0 {
		facts = append(facts, j.resolver(SearchDomains))
	}
	if w.IPv6Mode == netconfig.ModeSLAAC || w.IPv6Mode == netconfig.ModeNone && w.RAPrefix.IsValid() {
		facts = append(facts, j.slaac())
	}
	return facts
}

// slaac: with ipv6Mode slaac, does the NIC have an address of the prefix
// its network announces; with none, has it none?
func (j judge) slaac() Fact {
	var got []string
	for _, a := range j.link.Addrs {
		if j.w.RAPrefix.Contains(a.Prefix.Addr()) {
			got = append(got, a.Prefix.String())
		}
	}
	ev := fmt.Sprintf("router advertisements for %s; %s", j.w.RAPrefix, j.linkAddrs())
	switch {
	case j.w.IPv6Mode == netconfig.ModeNone && len(got) == 0:
		return j.fact(IPv6Off, Applied, "", ev)
	case j.w.IPv6Mode == netconfig.ModeNone:
		// The prefix, not the address: a guest with stable-privacy
		// addresses (dhcpcd's default) takes another one each boot; the
		// evidence lists them.
		return j.fact(IPv6Off, Wrong, "SLAAC address in "+j.w.RAPrefix.String(), ev)
	case len(got) > 0:
		return j.fact(SLAAC, Applied, "", ev)
	}
	return j.fact(SLAAC, Dropped, "", ev)
}

// judge holds what the checks of one NIC share.
type judge struct {
	w    Want
	g    Guest
	link Link
}

func (j judge) fact(c Construct, o Outcome, detail, evidence string) Fact {
	return Fact{Construct: c, Network: j.w.Network, Outcome: o, Detail: detail, Evidence: evidence}
}

// linkAddrs formats the link's name, MAC and global addresses.
func (j judge) linkAddrs() string {
	var addrs []string
	for _, a := range j.link.Addrs {
		if a.Prefix.Addr().IsGlobalUnicast() {
			addrs = append(addrs, a.Prefix.String())
		}
	}
	if len(addrs) == 0 {
		addrs = []string{"no addresses"}
	}
	return fmt.Sprintf("%s (%s): %s", j.link.Name, j.link.MAC, strings.Join(addrs, ", "))
}

func (j judge) hasAddr(a netip.Addr) (netip.Prefix, bool) {
	for _, have := range j.link.Addrs {
		if have.Prefix.Addr() == a {
			return have.Prefix, true
		}
	}
	return netip.Prefix{}, false
}

func (j judge) rename() Fact {
	if j.link.Name == j.w.Name {
		return j.fact(MACRename, Applied, "", j.linkAddrs())
	}
	return j.fact(MACRename, Wrong, "named "+j.link.Name, j.linkAddrs())
}

// nameFallback: did the config of a NIC matched by name reach it at all?
func (j judge) nameFallback() Fact {
	want := slices.Clone(j.w.Addrs)
	if j.w.DHCP4 {
		want = append(want, netip.PrefixFrom(j.w.Lease, 24))
	}
	found := 0
	for _, p := range want {
		if _, ok := j.hasAddr(p.Addr()); ok {
			found++
		}
	}
	ev := fmt.Sprintf("config for %s; %s", j.w.Name, j.linkAddrs())
	switch {
	case found == len(want) && j.link.Name == j.w.Name:
		return j.fact(NameFallback, Applied, "", ev)
	case found == 0:
		detail := "NIC named " + j.link.Name
		if _, ok := j.g.LinkByName(j.w.Name); !ok {
			detail += ", no " + j.w.Name
		}
		return j.fact(NameFallback, Dropped, detail, ev)
	}
	return j.fact(NameFallback, Wrong, "named "+j.link.Name, ev)
}

func (j judge) lease() Fact {
	c := SecondaryDHCP4
	if j.w.Role == netconfig.RolePod {
		c = PodDHCP4
	}
	if _, ok := j.hasAddr(j.w.Lease); ok {
		return j.fact(c, Applied, "", j.linkAddrs())
	}
	for _, l := range j.g.Links {
		for _, a := range l.Addrs {
			if a.Prefix.Addr() == j.w.Lease {
				return j.fact(c, Wrong, "on "+l.Name, j.linkAddrs())
			}
		}
	}
	return j.fact(c, Dropped, "", j.linkAddrs())
}

// podDefault: is the pod NIC's DHCP default route the one in effect? The
// kernel uses the IPv4 default route with the lowest metric, and among
// routes of equal metric the first it lists (the last one added: route(8)
// and dhclient prepend), so a tie is decided by the order in which the
// NICs came up.
func (j judge) podDefault(contested bool) Fact {
	c := PodDefaultRoute
	if contested {
		c = PodDefaultRouteContested
	}
	defaults := j.g.DefaultRoutes(false)
	ev := "IPv4 default routes, in the kernel's order: " + strings.Join(defaults, "; ")
	if len(defaults) == 0 {
		ev = "no IPv4 default route"
	}
	var mine, first *Route
	for _, r := range j.g.Routes {
		if !r.IsDefault() || !r.Dst.Addr().Is4() {
			continue
		}
		if first == nil || r.Metric < first.Metric {
			first = &r
		}
		if r.Gateway == j.w.Router && r.Dev == j.link.Name && mine == nil {
			mine = &r
		}
	}
	switch {
	case mine == nil:
		return j.fact(c, Dropped, "", ev)
	case *mine == *first:
		return j.fact(c, Applied, "", ev)
	case mine.Metric > first.Metric:
		return j.fact(c, Wrong, fmt.Sprintf("outranked: metric %d > %d", mine.Metric, first.Metric), ev)
	}
	return j.fact(c, Wrong, fmt.Sprintf("tied at metric %d, %s's comes first", mine.Metric, first.Dev), ev)
}

// addrs checks the static addresses of one family; ok is false when there
// are none.
func (j judge) addrs(v6 bool) (Fact, bool) {
	c := StaticIPv4
	if v6 {
		c = StaticIPv6
	}
	var want []netip.Prefix
	for _, p := range j.w.Addrs {
		if p.Addr().Is6() == v6 {
			want = append(want, p)
		}
	}
	if len(want) == 0 {
		return Fact{}, false
	}
	var missing, wrong []string
	for _, p := range want {
		have, ok := j.hasAddr(p.Addr())
		switch {
		case !ok:
			missing = append(missing, p.String())
		case have != p:
			wrong = append(wrong, have.String()+" for "+p.String())
		}
	}
	return j.fact(c, outcome(len(want), len(missing), len(wrong)), detailList(missing, wrong), j.linkAddrs()), true
}

// outcome is Applied when nothing is missing or wrong, Dropped when all
// is missing, Wrong otherwise.
func outcome(n, missing, wrong int) Outcome {
	switch {
	case missing == 0 && wrong == 0:
		return Applied
	case missing == n:
		return Dropped
	}
	return Wrong
}

func detailList(missing, wrong []string) string {
	var parts []string
	if len(wrong) > 0 && len(missing) > 0 {
		parts = append(parts, "missing "+strings.Join(missing, ", "))
	}
	if len(wrong) > 0 {
		parts = append(parts, strings.Join(wrong, ", "))
	}
	return strings.Join(parts, "; ")
}

// routesVia lists the guest's routes through gw, as strings.
func (j judge) routesVia(gw netip.Addr) []string {
	var out []string
	for _, r := range j.g.Routes {
		if r.Gateway == gw {
			out = append(out, r.String())
		}
	}
	return out
}

func (j judge) defaultRoute(gw netip.Addr) Fact {
	c, dst := DefaultRouteIPv4, netip.MustParsePrefix("0.0.0.0/0")
	if gw.Is6() {
		c, dst = DefaultRouteIPv6, netip.MustParsePrefix("::/0")
	}
	if j.w.ToDefault {
		c = map[Construct]Construct{DefaultRouteIPv4: DefaultRouteToDefault4, DefaultRouteIPv6: DefaultRouteToDefault6}[c]
	}
	via := j.routesVia(gw)
	ev := "routes via " + gw.String() + ": " + strings.Join(via, "; ")
	if len(via) == 0 {
		ev = "no route via " + gw.String()
	}
	var other *Route
	for _, r := range j.g.Routes {
		if r.Gateway != gw {
			continue
		}
		if r.Dst == dst && r.Dev == j.link.Name {
			return j.fact(c, Applied, "", ev)
		}
		if other == nil {
			other = &r
		}
	}
	switch {
	case other == nil:
		return j.fact(c, Dropped, "", ev)
	case other.Dst != dst:
		return j.fact(c, Wrong, "became "+other.Dst.String(), ev)
	}
	return j.fact(c, Wrong, "on "+other.Dev, ev)
}

// routes checks the extra routes of both families and their metrics.
func (j judge) routes() []Fact {
	var facts []Fact
	for _, v6 := range []bool{false, true} {
		c := RouteIPv4
		if v6 {
			c = RouteIPv6
		}
		var want []netconfig.Route
		for _, r := range j.w.Routes {
			if r.To.Addr().Is6() == v6 {
				want = append(want, r)
			}
		}
		if len(want) == 0 {
			continue
		}
		var missing, wrong, ev []string
		for _, r := range want {
			got, ok := j.findRoute(r)
			switch {
			case !ok:
				missing = append(missing, r.To.String())
				ev = append(ev, "no route to "+r.To.String())
			case got.Gateway != r.Via || got.Dev != j.link.Name:
				wrong = append(wrong, got.String())
				ev = append(ev, got.String())
			default:
				ev = append(ev, got.String())
			}
			if r.Metric != nil {
				facts = append(facts, j.metric(r, got, ok))
			}
		}
		facts = append(facts, j.fact(c, outcome(len(want), len(missing), len(wrong)), detailList(missing, wrong), strings.Join(ev, "; ")))
	}
	// Keep the route facts ahead of the metric facts.
	slices.SortStableFunc(facts, func(a, b Fact) int {
		return boolInt(a.Construct == RouteMetric) - boolInt(b.Construct == RouteMetric)
	})
	return facts
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// findRoute finds the guest's route to r.To, preferring one through the
// NIC.
func (j judge) findRoute(r netconfig.Route) (Route, bool) {
	var found *Route
	for _, got := range j.g.Routes {
		if got.Dst != r.To {
			continue
		}
		if got.Dev == j.link.Name {
			return got, true
		}
		if found == nil {
			found = &got
		}
	}
	if found == nil {
		return Route{}, false
	}
	return *found, true
}

func (j judge) metric(r netconfig.Route, got Route, ok bool) Fact {
	ev := fmt.Sprintf("route to %s, metric %d asked: ", r.To, *r.Metric)
	switch {
	case !ok:
		return j.fact(RouteMetric, Dropped, "no route", ev+"no route")
	case got.Metric != *r.Metric:
		return j.fact(RouteMetric, Dropped, fmt.Sprintf("metric %d", got.Metric), ev+got.String())
	}
	return j.fact(RouteMetric, Applied, "", ev+got.String())
}

func (j judge) mtu() Fact {
	ev := fmt.Sprintf("%s mtu %d, IPv6 mtu %d", j.link.Name, j.link.MTU, j.link.IPv6MTU)
	switch {
	case j.link.MTU == j.w.MTU:
		return j.fact(MTU, Applied, "", ev)
	case j.link.IPv6MTU == j.w.MTU:
		return j.fact(MTU, Wrong, fmt.Sprintf("IPv6 MTU only, link mtu %d", j.link.MTU), ev)
	}
	return j.fact(MTU, Dropped, fmt.Sprintf("mtu %d", j.link.MTU), ev)
}

// resolver checks nameservers or search domains: applied "per link" when
// systemd-resolved has them on the NIC's link, "global" when only
// /etc/resolv.conf has them.
func (j judge) resolver(c Construct) Fact {
	want, perLink, global := j.resolverValues(c)
	ev := fmt.Sprintf("%s per link: [%s]; resolv.conf: [%s]", j.link.Name, strings.Join(perLink, " "), strings.Join(global, " "))
	if _, ok := j.g.LinkDNS[j.link.Name]; !ok {
		ev = fmt.Sprintf("no systemd-resolved link %s; resolv.conf: [%s]", j.link.Name, strings.Join(global, " "))
	}
	count := func(have []string) int {
		n := 0
		for _, v := range want {
			if slices.Contains(have, v) {
				n++
			}
		}
		return n
	}
	switch {
	case count(perLink) == len(want):
		return j.fact(c, Applied, "per link", ev)
	case count(global) == len(want):
		return j.fact(c, Applied, "global", ev)
	case count(perLink)+count(global) == 0:
		return j.fact(c, Dropped, "", ev)
	}
	return j.fact(c, Wrong, "some", ev)
}

func (j judge) resolverValues(c Construct) (want, perLink, global []string) {
	link := j.g.LinkDNS[j.link.Name]
	if c == SearchDomains {
		return j.w.Search, link.Search, j.g.ResolvConf.Search
	}
	str := func(as []netip.Addr) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.String())
		}
		return out
	}
	return str(j.w.DNS), str(link.Nameservers), str(j.g.ResolvConf.Nameservers)
}
