package netconfig

import (
	"net/netip"

	"github.com/guestnet/guestnet/netconfig/netplan"
)

// render writes the netplan model of valid plans.
func render(spec Spec, plans []plan, o options) netplan.Config {
	cfg := netplan.Config{Network: netplan.Network{Version: 2}}
	for _, p := range plans {
		if !p.Configured {
			continue
		}
		if cfg.Network.Ethernets == nil {
			cfg.Network.Ethernets = make(map[string]netplan.Ethernet, len(plans))
		}
		cfg.Network.Ethernets[p.Name] = ethernet(p, o)
	}
	return cfg
}

// ethernet writes one NIC's entry.
func ethernet(p plan, o options) netplan.Ethernet {
	var e netplan.Ethernet
	if p.Match == MatchMAC {
		e.Match = &netplan.Match{MACAddress: p.MAC.String()}
		e.SetName = p.Name
	}
	c := p.ip
	e.DHCP4 = c.Mode == ModeDHCP
	e.DHCP6 = c.Mode == ModeDHCP && c.DHCP6
	e.MTU = c.MTU
	for _, a := range c.Addresses {
		e.Addresses = append(e.Addresses, a.String())
	}
	if len(c.Nameservers.Addresses)+len(c.Nameservers.Search) > 0 {
		ns := &netplan.Nameservers{}
		for _, a := range c.Nameservers.Addresses {
			ns.Addresses = append(ns.Addresses, a.String())
		}
		ns.Search = append(ns.Search, c.Nameservers.Search...)
		e.Nameservers = ns
	}
	for _, gw := range c.Gateways {
		addDefaultRoute(&e, gw, nil, o.defaultRoute)
	}
	for _, r := range c.Routes {
		if r.IsDefault() {
			addDefaultRoute(&e, r.Via, r.Metric, o.defaultRoute)
			continue
		}
		e.Routes = append(e.Routes, netplan.Route{To: r.To.String(), Via: r.Via.String(), Metric: copyMetric(r.Metric)})
	}
	return e
}

// addDefaultRoute writes a default route via gw in the chosen style. In the
// portable style an IPv4 default route is a route to 0.0.0.0/0 and an IPv6
// one is gateway6 (validation has refused IPv6 default routes with metrics
// there); see DefaultRoutePortable for why.
func addDefaultRoute(e *netplan.Ethernet, gw netip.Addr, metric *uint32, style DefaultRouteStyle) {
	switch {
	case style == DefaultRouteNetplan:
		e.Routes = append(e.Routes, netplan.Route{To: "default", Via: gw.String(), Metric: copyMetric(metric)})
	case gw.Is4():
		e.Routes = append(e.Routes, netplan.Route{To: "0.0.0.0/0", Via: gw.String(), Metric: copyMetric(metric)})
	default:
		e.Gateway6 = gw.String()
	}
}

// copyMetric copies a metric so that the output shares no memory with the
// input.
func copyMetric(m *uint32) *uint32 {
	if m == nil {
		return nil
	}
	v := *m
	return &v
}
