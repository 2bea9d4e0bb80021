package netconfig

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/guestnet/guestnet/netconfig/netplan"
)

// render writes the netplan model of valid plans and its YAML, in one pass.
// The model's slices and pointers share no memory with the spec (strings,
// being immutable, may), nor with the YAML.
//
// A controller renders every VM on every reconcile, so render formats each
// address once, for the YAML and the model alike, and allocates per
// config, not per value: the model's address and MAC text shares one arena
// (a strings.Builder, whose strings stay valid as it grows), and the
// addresses, routes, matches and nameservers of all
// NICs share one backing array each, every NIC's slice capped at its own
// length so that appending to one never writes into another.
//
// The YAML is what netplan.Marshal writes for the model, byte for byte
// (TestYAMLIsMarshalOfConfig checks it over generated specs): the same
// layout, and every value double-quoted. The values render writes itself
// need no escape: address and MAC text, interface names, and search
// domains, which validation has restricted to letters, digits, '-' and
// '.'. Should a name or domain hold anything else, render returns
// netplan.Marshal's bytes instead.
func render(plans []plan, o options) (netplan.Config, []byte, error) {
	cfg, out, ok := renderDirect(plans, o)
	if !ok {
		var err error
		out, err = netplan.Marshal(cfg)
		return cfg, out, err
	}
	return cfg, out, nil
}

// renderDirect writes the model and its YAML; ok is false when a name or
// search domain needed an escape, and the YAML is then to be discarded.
func renderDirect(plans []plan, o options) (cfg netplan.Config, out []byte, ok bool) {
	cfg = netplan.Config{Network: netplan.Network{Version: 2}}
	var n counts
	for _, p := range plans {
		if p.Configured {
			n.add(p.ip)
		}
	}
	if n.nics == 0 {
		return cfg, []byte("network:\n  version: 2\n"), true
	}

	// The ethernets keys in netplan.Marshal's order: sorted.
	var orderBuf [16]int
	order := orderBuf[:0]
	for i, p := range plans {
		if p.Configured {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(a, b int) int {
		switch x, y := plans[a].Name, plans[b].Name; {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})

	r := renderer{
		opts:    o,
		buf:     make([]byte, 0, n.bytes+len("network:\n  version: 2\n  ethernets:\n")),
		strs:    make([]string, 0, n.strs),
		routes:  make([]netplan.Route, 0, n.routes),
		metrics: make([]uint32, 0, n.metrics),
		matches: make([]netplan.Match, 0, n.nics),
		ns:      make([]netplan.Nameservers, 0, n.ns),
		safe:    true,
	}
	r.arena.Grow(n.text)
	r.buf = append(r.buf, "network:\n  version: 2\n  ethernets:\n"...)
	cfg.Network.Ethernets = make(map[string]netplan.Ethernet, n.nics)
	for _, i := range order {
		cfg.Network.Ethernets[plans[i].Name] = r.ethernet(plans[i])
	}
	return cfg, r.buf, r.safe
}

// counts are what a config's NICs need, to size render's arrays.
type counts struct {
	nics, strs, routes, metrics, ns, text, bytes int
}

// The buffer's size is estimated from typical text lengths (the longest
// IPv4 form, and an IPv6 one of four groups with a prefix length); should a
// config hold longer ones, the buffer grows.
const (
	typText4  = len("255.255.255.255/32")
	typText6  = len("fd00:1234:5678::10/64") + 6
	lineBytes = len(`        - ""` + "\n")
)

// typText is the typical text of a's family.
func typText(a netip.Addr) int {
	if a.Is4() {
		return typText4
	}
	return typText6
}

// textLen is the typical text of a's family, with its line.
func textLen(a netip.Addr) int { return typText(a) + lineBytes }

func (n *counts) add(c *IPConfig) {
	n.nics++
	n.bytes += 120 // the key, match, set-name, flags, mtu and list headers
	n.strs += len(c.Addresses) + len(c.Nameservers.Addresses) + len(c.Nameservers.Search)
	n.routes += len(c.Routes) + len(c.Gateways)
	n.text += len("00:00:00:00:00:00")
	for _, a := range c.Addresses {
		n.bytes += textLen(a.Addr())
		n.text += typText(a.Addr())
	}
	for _, a := range c.Nameservers.Addresses {
		n.bytes += textLen(a)
		n.text += typText(a)
	}
	for _, s := range c.Nameservers.Search {
		n.bytes += len(s) + lineBytes
	}
	for _, r := range c.Routes {
		n.bytes += textLen(r.To.Addr()) + textLen(r.Via)
		n.text += typText(r.To.Addr()) + typText(r.Via)
		if r.Metric != nil {
			n.bytes += len("        metric: 100\n")
		}
		if r.Metric != nil {
			n.metrics++
		}
	}
	for _, a := range c.Gateways {
		n.bytes += 2 * textLen(a)
		n.text += typText(a)
	}
	if len(c.Nameservers.Addresses)+len(c.Nameservers.Search) > 0 {
		n.ns++
	}
}

// renderer holds the YAML, the arena of the model's text, and the shared
// backing arrays of the model.
type renderer struct {
	opts    options
	buf     []byte
	strs    []string
	routes  []netplan.Route
	metrics []uint32
	matches []netplan.Match
	ns      []netplan.Nameservers
	arena   strings.Builder // the model's text; its strings stay valid as it grows
	safe    bool            // every name and search domain is written as is
}

// plainText reports whether s is non-empty and holds only letters,
// digits, '-', '.' and '_', which stand for themselves in any scalar.
func plainText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return s != ""
}

// routeRef is a route of the output, by its place in the IP config: a
// default gateway (Gateways[i]) or a route (Routes[i]). It is two words,
// so that listing a NIC's routes copies no Route.
type routeRef struct {
	i       int32
	gateway bool
}

// ethernet writes one NIC's entry in netplan.Marshal's layout and returns
// its model.
//
// The YAML buffer, the NIC's text and the shared arrays are appended to
// through local variables, written back to r once at the end: an append
// through r, a pointer, stores the slice's pointer into memory the
// compiler cannot place, which costs a GC write barrier per append while
// a collection is marking.
func (r *renderer) ethernet(p plan) netplan.Ethernet {
	c := p.ip
	var e netplan.Ethernet

	// The routes in the output, default routes first in the style's form,
	// and gateway6: the portable style writes an IPv6 default route so.
	var routeBuf [8]routeRef
	routes := routeBuf[:0]
	var gw6 netip.Addr
	netplanStyle := r.opts.defaultRoute == DefaultRouteNetplan
	for i, gw := range c.Gateways {
		if netplanStyle || gw.Is4() {
			routes = append(routes, routeRef{int32(i), true})
		} else {
			gw6 = gw
		}
	}
	for i := range c.Routes {
		if rt := &c.Routes[i]; rt.IsDefault() && !netplanStyle && rt.Via.Is6() {
			gw6 = rt.Via
		} else if !rt.IsDefault() || netplanStyle || rt.Via.Is4() {
			routes = append(routes, routeRef{int32(i), false})
		}
	}
	hasNS := len(c.Nameservers.Addresses)+len(c.Nameservers.Search) > 0

	buf := r.buf
	defer func() { r.buf = buf }()
	r.safe = r.safe && plainText(p.Name) && netplanPlainKey(p.Name)
	buf = append(buf, "    "...)
	buf = append(buf, p.Name...)
	if p.Match != MatchMAC && c.Mode != ModeDHCP && len(c.Addresses) == 0 && !gw6.IsValid() &&
		!hasNS && len(routes) == 0 && c.MTU == 0 {
		buf = append(buf, ": {}\n"...)
		return e
	}
	buf = append(buf, ":\n"...)

	text := &r.arena
	// keep closes the quoted value whose text starts at buf[start] and
	// returns that text as a string of text.
	keep := func(start int) string {
		at := text.Len()
		text.Write(buf[start:])
		buf = append(buf, '"', '\n')
		return text.String()[at:]
	}
	raw := func(s string) {
		buf = append(buf, '"')
		buf = append(buf, s...)
		buf = append(buf, '"', '\n')
	}
	strs := r.strs
	defer func() { r.strs = strs }()
	// list returns the strings appended to the shared array since start, as
	// a slice of their own capacity.
	list := func(start int) []string { return strs[start:len(strs):len(strs)] }

	if p.Match == MatchMAC {
		buf = append(buf, "      match:\n        macaddress: \""...)
		start := len(buf)
		buf = p.MAC.appendText(buf)
		r.matches = append(r.matches, netplan.Match{MACAddress: keep(start)})
		e.Match = &r.matches[len(r.matches)-1]
		buf = append(buf, "      set-name: "...)
		raw(p.Name)
		e.SetName = p.Name
	}
	if c.Mode == ModeDHCP {
		e.DHCP4 = true
		buf = append(buf, "      dhcp4: true\n"...)
		if c.DHCP6 {
			e.DHCP6 = true
			buf = append(buf, "      dhcp6: true\n"...)
		}
	}
	if len(c.Addresses) > 0 {
		buf = append(buf, "      addresses:\n"...)
		first := len(strs)
		for _, a := range c.Addresses {
			buf = append(buf, "      - \""...)
			start := len(buf)
			buf = appendPrefix(buf, a)
			strs = append(strs, keep(start))
		}
		e.Addresses = list(first)
	}
	if gw6.IsValid() {
		buf = append(buf, "      gateway6: \""...)
		start := len(buf)
		buf = appendAddr(buf, gw6)
		e.Gateway6 = keep(start)
	}
	if hasNS {
		buf = append(buf, "      nameservers:\n"...)
		var ns netplan.Nameservers
		if len(c.Nameservers.Addresses) > 0 {
			buf = append(buf, "        addresses:\n"...)
			first := len(strs)
			for _, a := range c.Nameservers.Addresses {
				buf = append(buf, "        - \""...)
				start := len(buf)
				buf = appendAddr(buf, a)
				strs = append(strs, keep(start))
			}
			ns.Addresses = list(first)
		}
		if len(c.Nameservers.Search) > 0 {
			buf = append(buf, "        search:\n"...)
			first := len(strs)
			for _, d := range c.Nameservers.Search {
				buf = append(buf, "        - "...)
				r.safe = r.safe && plainText(d)
				raw(d)
				strs = append(strs, d)
			}
			ns.Search = list(first)
		}
		r.ns = append(r.ns, ns)
		e.Nameservers = &r.ns[len(r.ns)-1]
	}
	if len(routes) > 0 {
		buf = append(buf, "      routes:\n"...)
		out, metrics := r.routes, r.metrics
		first := len(out)
		for _, ref := range routes {
			var via netip.Addr
			var metric *uint32
			to := netip.Prefix{} // a default route's is a word
			if ref.gateway {
				via = c.Gateways[ref.i]
			} else {
				rt := &c.Routes[ref.i]
				via, metric = rt.Via, rt.Metric
				if !rt.IsDefault() {
					to = rt.To
				}
			}
			var o netplan.Route
			if !to.IsValid() {
				// "default" or "0.0.0.0/0": constants that need no escape.
				o.To = "0.0.0.0/0"
				if netplanStyle {
					o.To = "default"
				}
				buf = append(buf, "      - to: "...)
				raw(o.To)
			} else {
				buf = append(buf, "      - to: \""...)
				start := len(buf)
				buf = appendPrefix(buf, to)
				o.To = keep(start)
			}
			buf = append(buf, "        via: \""...)
			start := len(buf)
			buf = appendAddr(buf, via)
			o.Via = keep(start)
			if metric != nil {
				metrics = append(metrics, *metric)
				o.Metric = &metrics[len(metrics)-1]
				buf = append(buf, "        metric: "...)
				buf = strconv.AppendUint(buf, uint64(*metric), 10)
				buf = append(buf, '\n')
			}
			out = append(out, o)
		}
		e.Routes = out[first:len(out):len(out)]
		r.routes, r.metrics = out, metrics
	}
	if c.MTU != 0 {
		e.MTU = c.MTU
		buf = append(buf, "      mtu: "...)
		buf = strconv.AppendInt(buf, int64(c.MTU), 10)
		buf = append(buf, '\n')
	}
	return e
}

// netplanPlainKey reports whether netplan.Marshal writes the ethernets key
// s plain: it starts with a letter and is no word YAML 1.1 reads as a
// boolean or null.
func netplanPlainKey(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	switch len(s) {
	case 1, 2, 3, 4, 5:
		for _, w := range [...]string{"y", "n", "yes", "no", "on", "off", "true", "false", "null"} {
			if equalFoldASCII(s, w) {
				return false
			}
		}
	}
	return true
}

// equalFoldASCII compares ASCII strings without regard to case.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i]|0x20, b[i]|0x20
		if x != y {
			return false
		}
	}
	return true
}
