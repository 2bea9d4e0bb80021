package netconfig

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/guestnet/guestnet/netconfig/netplan"
)

// render builds the netplan model of valid plans: an ethernets entry per
// configured NIC, keyed by its guest interface name. It writes no YAML;
// netplan.Marshal does. The model's slices and pointers share no memory
// with the spec, nor one entry's with another's (strings, being
// immutable, may be shared).
func render(plans []plan, style DefaultRouteStyle) netplan.Config {
	cfg := netplan.Config{Network: netplan.Network{Version: 2}}
	for _, p := range plans {
		if !p.Configured {
			continue
		}
		if cfg.Network.Ethernets == nil {
			cfg.Network.Ethernets = make(map[string]netplan.Ethernet, len(plans))
		}
		cfg.Network.Ethernets[p.Name] = ethernet(p, style)
	}
	return cfg
}

// ethernet is the entry of one configured NIC.
func ethernet(p plan, style DefaultRouteStyle) netplan.Ethernet {
	c := p.ip
	var e netplan.Ethernet
	if p.Match == MatchMAC {
		e.Match = &netplan.Match{MACAddress: p.MAC.String()}
		e.SetName = p.Name
	}
	e.DHCP4 = c.Mode == ModeDHCP
	e.DHCP6 = c.Mode == ModeDHCP && c.DHCP6
	e.Addresses = texts(c.Addresses)

	// The gateways' default routes come first, then the routes in their
	// order. A default route takes the style's form: netplan's
	// "to: default"; or, portable, a route to 0.0.0.0/0 for IPv4 and
	// gateway6 for IPv6 (validation leaves at most one).
	portable6 := func(via netip.Addr) bool { return style == DefaultRoutePortable && via.Is6() }
	for _, gw := range c.Gateways {
		if portable6(gw) {
			e.Gateway6 = gw.String()
			continue
		}
		e.Routes = append(e.Routes, netplan.Route{To: defaultTo(style), Via: gw.String()})
	}
	for _, r := range c.Routes {
		if r.IsDefault() && portable6(r.Via) {
			e.Gateway6 = r.Via.String()
			continue
		}
		out := netplan.Route{To: defaultTo(style), Via: r.Via.String()}
		if !r.IsDefault() {
			out.To = r.To.String()
		}
		if r.Metric != nil {
			m := *r.Metric
			out.Metric = &m
		}
		e.Routes = append(e.Routes, out)
	}

	if ns := c.Nameservers; len(ns.Addresses)+len(ns.Search) > 0 {
		e.Nameservers = &netplan.Nameservers{Addresses: texts(ns.Addresses)}
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

// texts is the text of each of values, as its String method writes it, or
// nil for none.
func texts[T fmt.Stringer](values []T) []string {
	if len(values) == 0 {
		return nil
	}
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = v.String()
	}
	return out
}
