package netconfig

import (
	"net/netip"
	"strings"

	"github.com/guestnet/guestnet/netconfig/netplan"
)

// render writes the netplan model of valid plans. Its slices and pointers
// share no memory with the spec (strings, being immutable, may).
//
// A controller renders every VM on every reconcile, so render allocates
// per config, not per value: the text of every address and MAC goes into
// one arena (a strings.Builder, whose strings stay valid as it
// grows), and the addresses, routes, matches and nameservers of all NICs
// share one backing array each, every NIC's slice capped at its own
// length so that appending to one never writes into another.
func render(spec Spec, plans []plan, o options) netplan.Config {
	cfg := netplan.Config{Network: netplan.Network{Version: 2}}
	var n counts
	for _, p := range plans {
		if p.Configured {
			n.add(p.ip)
		}
	}
	if n.nics == 0 {
		return cfg
	}
	r := renderer{
		opts:    o,
		strs:    make([]string, 0, n.strs),
		routes:  make([]netplan.Route, 0, n.routes),
		metrics: make([]uint32, 0, n.metrics),
		matches: make([]netplan.Match, 0, n.nics),
		ns:      make([]netplan.Nameservers, 0, n.ns),
	}
	r.arena.Grow(n.bytes)
	cfg.Network.Ethernets = make(map[string]netplan.Ethernet, n.nics)
	for _, p := range plans {
		if !p.Configured {
			continue
		}
		cfg.Network.Ethernets[p.Name] = r.ethernet(p, p.Name)
	}
	return cfg
}

// counts are what a config's NICs need, to size render's arrays.
type counts struct {
	nics, strs, routes, metrics, ns, bytes int
}

// The longest text forms of addresses with prefix lengths, to size the
// arena (validation refuses zones and IPv4-mapped forms; should a longer
// one come, the arena grows).
const (
	maxText4 = len("255.255.255.255/32")
	maxText6 = len("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128")
)

// textLen is the longest text of a's family.
func textLen(a netip.Addr) int {
	if a.Is4() {
		return maxText4
	}
	return maxText6
}

func (n *counts) add(c *IPConfig) {
	n.nics++
	n.bytes += len("00:00:00:00:00:00")
	n.strs += len(c.Addresses) + len(c.Nameservers.Addresses) + len(c.Nameservers.Search)
	n.routes += len(c.Routes) + len(c.Gateways)
	for _, a := range c.Addresses {
		n.bytes += textLen(a.Addr())
	}
	for _, a := range c.Nameservers.Addresses {
		n.bytes += textLen(a)
	}
	for _, r := range c.Routes {
		n.bytes += textLen(r.To.Addr()) + textLen(r.Via)
	}
	for _, a := range c.Gateways {
		n.bytes += textLen(a)
	}
	for _, r := range c.Routes {
		if r.Metric != nil {
			n.metrics++
		}
	}
	if len(c.Nameservers.Addresses)+len(c.Nameservers.Search) > 0 {
		n.ns++
	}
}

// renderer holds the arena and the shared backing arrays.
type renderer struct {
	opts    options
	arena   strings.Builder
	scratch [64]byte
	strs    []string
	routes  []netplan.Route
	metrics []uint32
	matches []netplan.Match
	ns      []netplan.Nameservers
}

// bytes copies b into the arena.
func (r *renderer) bytes(b []byte) string {
	start := r.arena.Len()
	r.arena.Write(b)
	return r.arena.String()[start:]
}

func (r *renderer) addr(a netip.Addr) string     { return r.bytes(a.AppendTo(r.scratch[:0])) }
func (r *renderer) prefix(p netip.Prefix) string { return r.bytes(p.AppendTo(r.scratch[:0])) }

// list appends n strings made by f to the shared array and returns them
// as a slice of their own capacity.
func (r *renderer) list(n int, f func(i int) string) []string {
	if n == 0 {
		return nil
	}
	start := len(r.strs)
	for i := range n {
		r.strs = append(r.strs, f(i))
	}
	return r.strs[start:len(r.strs):len(r.strs)]
}

// ethernet writes one NIC's entry; name is its guest interface name.
func (r *renderer) ethernet(p plan, name string) netplan.Ethernet {
	var e netplan.Ethernet
	if p.Match == MatchMAC {
		r.matches = append(r.matches, netplan.Match{MACAddress: r.bytes(p.MAC.AppendText(r.scratch[:0]))})
		e.Match = &r.matches[len(r.matches)-1]
		e.SetName = name
	}
	c := p.ip
	e.DHCP4 = c.Mode == ModeDHCP
	e.DHCP6 = c.Mode == ModeDHCP && c.DHCP6
	e.MTU = c.MTU
	e.Addresses = r.list(len(c.Addresses), func(i int) string { return r.prefix(c.Addresses[i]) })
	if len(c.Nameservers.Addresses)+len(c.Nameservers.Search) > 0 {
		r.ns = append(r.ns, netplan.Nameservers{
			Addresses: r.list(len(c.Nameservers.Addresses), func(i int) string { return r.addr(c.Nameservers.Addresses[i]) }),
			Search:    r.list(len(c.Nameservers.Search), func(i int) string { return c.Nameservers.Search[i] }),
		})
		e.Nameservers = &r.ns[len(r.ns)-1]
	}
	start := len(r.routes)
	for _, gw := range c.Gateways {
		r.defaultRoute(&e, gw, nil)
	}
	for _, rt := range c.Routes {
		if rt.IsDefault() {
			r.defaultRoute(&e, rt.Via, rt.Metric)
			continue
		}
		r.routes = append(r.routes, netplan.Route{To: r.prefix(rt.To), Via: r.addr(rt.Via), Metric: r.metric(rt.Metric)})
	}
	if len(r.routes) > start {
		e.Routes = r.routes[start:len(r.routes):len(r.routes)]
	}
	return e
}

// defaultRoute writes a default route via gw in the chosen style. In the
// portable style an IPv4 default route is a route to 0.0.0.0/0 and an IPv6
// one is gateway6 (validation has refused IPv6 default routes with metrics
// there); see DefaultRoutePortable for why.
func (r *renderer) defaultRoute(e *netplan.Ethernet, gw netip.Addr, metric *uint32) {
	switch {
	case r.opts.defaultRoute == DefaultRouteNetplan:
		r.routes = append(r.routes, netplan.Route{To: "default", Via: r.addr(gw), Metric: r.metric(metric)})
	case gw.Is4():
		r.routes = append(r.routes, netplan.Route{To: "0.0.0.0/0", Via: r.addr(gw), Metric: r.metric(metric)})
	default:
		e.Gateway6 = r.addr(gw)
	}
}

// metric copies a metric into the shared array, so that the output shares
// no memory with the input.
func (r *renderer) metric(m *uint32) *uint32 {
	if m == nil {
		return nil
	}
	r.metrics = append(r.metrics, *m)
	return &r.metrics[len(r.metrics)-1]
}
