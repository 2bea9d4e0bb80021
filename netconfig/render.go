package netconfig

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/guestnet/guestnet/netconfig/netplan"
)

// render builds the netplan model of valid plans: an ethernets entry per
// configured NIC, keyed by its guest interface name. It writes no YAML;
// netplan.Marshal does. The model's slices and pointers share no memory
// with the spec, nor one entry's with another's (strings, being
// immutable, may be shared).
func render(plans []plan, style DefaultRouteStyle) netplan.Config {
	cfg := netplan.Config{Network: netplan.Network{Version: 2}}
	t := newTexts(plans)
	for _, p := range plans {
		if !p.Configured {
			continue
		}
		if cfg.Network.Ethernets == nil {
			cfg.Network.Ethernets = make(map[string]netplan.Ethernet, len(plans))
		}
		cfg.Network.Ethernets[p.Name] = ethernet(p, style, t)
	}
	return cfg
}

// ethernet is the entry of one configured NIC.
func ethernet(p plan, style DefaultRouteStyle, t *texts) netplan.Ethernet {
	c := p.ip
	var e netplan.Ethernet
	if p.Match == MatchMAC {
		e.Match = &netplan.Match{MACAddress: t.mac(p.MAC)}
		e.SetName = p.Name
	}
	e.DHCP4 = c.Mode == ModeDHCP
	e.DHCP6 = c.Mode == ModeDHCP && c.DHCP6 || c.IPv6Mode == ModeDHCP
	if c.IPv6Mode == ModeSLAAC || c.IPv6Mode == ModeNone {
		// SLAAC turns router advertisements on, none off. Static IPv6
		// leaves them to the guest, as KubeVirt's own network data does
		// (cloud-init's sysconfig renderer turns them off beside a static
		// IPv6 address, the others leave them on), and so does DHCPv6,
		// which needs them.
		ra := c.IPv6Mode == ModeSLAAC
		e.AcceptRA = &ra
	}
	e.Addresses = textList(t, c.Addresses)

	// The gateways' default routes come first, then the routes in their
	// order. A default route takes the style's form: netplan's
	// "to: default"; or, portable, a route to 0.0.0.0/0 for IPv4 and
	// gateway6 for IPv6 (validation leaves at most one).
	portable6 := func(via netip.Addr) bool { return style == DefaultRoutePortable && via.Is6() }
	if n := len(c.Gateways) + len(c.Routes); n > 0 {
		e.Routes = make([]netplan.Route, 0, n)
	}
	for _, gw := range c.Gateways {
		if portable6(gw) {
			e.Gateway6 = text(t, gw)
			continue
		}
		e.Routes = append(e.Routes, netplan.Route{To: defaultTo(style), Via: text(t, gw)})
	}
	for _, r := range c.Routes {
		if r.IsDefault() && portable6(r.Via) {
			e.Gateway6 = text(t, r.Via)
			continue
		}
		out := netplan.Route{To: defaultTo(style), Via: text(t, r.Via)}
		if !r.IsDefault() {
			out.To = text(t, r.To)
		}
		if r.Metric != nil {
			m := *r.Metric
			out.Metric = &m
		}
		e.Routes = append(e.Routes, out)
	}
	if len(e.Routes) == 0 {
		e.Routes = nil // a NIC whose only default route is gateway6
	}

	if ns := c.Nameservers; len(ns.Addresses)+len(ns.Search) > 0 {
		e.Nameservers = &netplan.Nameservers{Addresses: textList(t, ns.Addresses)}
		if len(ns.Search) > 0 {
			e.Nameservers.Search = slices.Clone(ns.Search)
		}
	}
	e.MTU = c.MTU
	return e
}

// defaultTo is the destination of a default route that the style writes as
// a route.
func defaultTo(style DefaultRouteStyle) string {
	if style == DefaultRouteNetplan {
		return "default"
	}
	return "0.0.0.0/0"
}

// texts holds the model's text: the addresses, next hops and MACs of all
// NICs, formatted by net/netip's AppendTo into one strings.Builder, whose
// strings stay valid as it grows, so that a config's values take a few
// allocations instead of one each.
type texts struct {
	b       strings.Builder
	scratch []byte
}

// newTexts returns texts with room for the values of plans.
func newTexts(plans []plan) *texts {
	n := 0
	for _, p := range plans {
		if c := p.ip; p.Configured {
			n += 1 + len(c.Addresses) + len(c.Gateways) + 2*len(c.Routes) + len(c.Nameservers.Addresses)
		}
	}
	t := &texts{scratch: make([]byte, 0, 64)}
	t.b.Grow(24 * n) // an IPv4 address with its prefix length, or a short IPv6 one
	return t
}

// keep adds b to t and returns it as a string of t.
func (t *texts) keep(b []byte) string {
	start := t.b.Len()
	t.b.Write(b)
	return t.b.String()[start:]
}

// mac is m's text.
func (t *texts) mac(m MAC) string {
	t.scratch = m.appendText(t.scratch[:0])
	return t.keep(t.scratch)
}

// appender is an address or prefix of net/netip.
type appender interface{ AppendTo([]byte) []byte }

// text is v's text, as its String method writes it.
func text[T appender](t *texts, v T) string {
	t.scratch = v.AppendTo(t.scratch[:0])
	return t.keep(t.scratch)
}

// textList is the text of each of values, or nil for none.
func textList[T appender](t *texts, values []T) []string {
	if len(values) == 0 {
		return nil
	}
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = text(t, v)
	}
	return out
}
