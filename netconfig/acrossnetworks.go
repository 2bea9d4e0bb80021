package netconfig

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The checks that span networks: MACs, guest interface names, addresses
// on two networks, overlapping subnets, and default routes.

// macs checks the resolved MACs: assignable and distinct.
func (v *validator) macs(plans []plan) {
	first := make(map[MAC]int, len(plans)) // the first network of each MAC
	for i, p := range plans {
		if !p.MAC.IsValid() {
			continue
		}
		if p.MACOrigin != MACFromSpec {
			// A spec MAC was checked with its network; a resolved one is
			// checked here, since it comes from outside the spec.
			if msg := p.MAC.Problem(); msg != "" {
				v.add(field.Invalid(v.macPath(i, p), p.MAC.String(), fmt.Sprintf("the MAC from the %s: %s", p.MACOrigin, msg)))
				continue
			}
		}
		j, dup := first[p.MAC]
		if !dup {
			first[p.MAC] = i
			continue
		}
		detail := fmt.Sprintf("networks[%d] (%q) has the same MAC", j, plans[j].Network)
		if p.MACOrigin != MACFromSpec {
			detail += fmt.Sprintf(" (this one from the %s)", p.MACOrigin)
		}
		v.add(field.Invalid(v.macPath(i, p), p.MAC.String(), detail))
	}
}

// macPath is the field network i's MAC came from, for errors: the spec's
// macAddress, or the network for a MAC from outside the spec.
func (v *validator) macPath(i int, p plan) *field.Path {
	if p.MACOrigin == MACFromSpec {
		return v.path(i).Child("macAddress")
	}
	return v.path(i)
}

// subnet is the subnet of the address networks[network].ipConfig.addresses[index].
type subnet struct {
	prefix         netip.Prefix // masked
	network, index int
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

// list is the IP config's list the route comes from.
func (d defaultRoute) list() string {
	if d.route {
		return "routes"
	}
	return "gateways"
}

// path is the field the route comes from.
func (d defaultRoute) path(root *field.Path) *field.Path {
	return networkPath(root, d.at).Child("ipConfig", d.list()).Index(d.index)
}

// fieldText is path's text, for a warning.
func (d defaultRoute) fieldText(root *field.Path) string {
	return fieldText(root, d.at, ".ipConfig."+d.list()+"["+strconv.Itoa(d.index)+"]")
}

// acrossNetworks checks what spans configured networks: their guest
// interface names, an address on two networks, overlapping subnets,
// default routes of one family with the same metric, and default routes
// that take over the pod network's.
func (v *validator) acrossNetworks(spec Spec, plans []plan) {
	// The lists are sized for the configured NICs' addresses and default
	// routes, so that each takes one allocation.
	addresses, defaults := 0, 0
	for _, p := range plans {
		if p.Configured {
			addresses += len(p.ip.Addresses)
			defaults += len(p.ip.Gateways) + len(p.ip.Routes)
		}
	}
	subnets := make([]subnet, 0, addresses)
	defaults4, defaults6 := make([]defaultRoute, 0, defaults), make([]defaultRoute, 0, defaults)
	addDefault := func(d defaultRoute) {
		if d.via.Is4() {
			defaults4 = append(defaults4, d)
		} else {
			defaults6 = append(defaults6, d)
		}
	}
	podDHCP4, podDHCP6 := false, false
	for i, p := range plans {
		if !p.Configured {
			continue
		}
		if !validInterfaceName(p.Name) {
			v.add(field.Invalid(v.path(i), p.Name, "the guest interface name is not a valid Linux interface name (1 to 15 bytes, no '/', ':' or white space)"))
		}
		c := p.ip
		if p.Role == RolePod {
			v4, v6 := c.familyModes()
			podDHCP4 = v4 == ModeDHCP
			podDHCP6 = c.IPv6Mode == "" && v4 == ModeDHCP && c.DHCP6 || c.IPv6Mode == ModeDHCP || v6 == ModeSLAAC
		}
		for j, a := range c.Addresses {
			if a.IsValid() {
				subnets = append(subnets, subnet{a.Masked(), i, j})
			}
		}
		var gw4, gw6 bool // only the first gateway of a family counts; gateways reports the rest
		for j, gw := range c.Gateways {
			if !gw.IsValid() || c.modeOf(gw) != ModeStatic || gw.Is4() && gw4 || gw.Is6() && gw6 {
				continue
			}
			gw4, gw6 = gw4 || gw.Is4(), gw6 || gw.Is6()
			addDefault(defaultRoute{p.Network, i, false, j, gw, effectiveMetric(gw.Is4(), nil), p.Role == RolePod})
		}
		metrics := false
		for j, r := range c.Routes {
			metrics = metrics || r.Metric != nil
			if r.IsDefault() && r.Via.IsValid() {
				addDefault(defaultRoute{p.Network, i, true, j, r.Via, effectiveMetric(r.Via.Is4(), r.Metric), p.Role == RolePod})
			}
		}
		if c.IPv6Mode == ModeSLAAC || c.IPv6Mode == ModeNone {
			effect := "SLAAC there rests on the guest's default (booted Debian 12 and 13 guests accepted router advertisements by default)"
			if c.IPv6Mode == ModeNone {
				effect = "there the NIC still takes SLAAC addresses where the network sends router advertisements (as booted Debian 12 guests with networkd or ifupdown and Debian 13 guests with ifupdown or NetworkManager did)"
			}
			v.warn(WarningAcceptRANotPortable, p.Network, fieldText(v.root, i, ".ipConfig.ipv6Mode"), fmt.Sprintf(
				"ipv6Mode %s is written as netplan's accept-ra: %t, which cloud-init passes on only to netplan and, from 23.3, to networkd; "+
					"its eni, network-manager and sysconfig renderers drop it or write it where it has no effect, so %s", c.IPv6Mode, c.IPv6Mode == ModeSLAAC, effect))
		}
		if metrics && v.style == DefaultRoutePortable {
			v.warn(WarningRouteMetricDropped, p.Network, fieldText(v.root, i, ".ipConfig.routes"),
				"cloud-init before 23.3 drops route metrics on its networkd, eni and sysconfig renderers (only guests that render with netplan keep them; Debian 13's cloud-init 25.1 keeps them on networkd and network-manager too); there these routes get the kernel's default metric, and default routes told apart only by metric collide")
		}
	}
	// An address on two networks puts both in overlapping subnets, so
	// addresses are compared only when subnets overlap, which is rare.
	if anyOverlap(subnets) && !v.sharedAddresses(spec, plans) {
		v.overlappingSubnets(spec, subnets)
	}
	v.defaultRoutes("IPv4", defaults4, podDHCP4)
	v.defaultRoutes("IPv6", defaults6, podDHCP6)
}

// defaultRoutes checks the default routes of family fam: no two with one
// metric, and a warning for the first that is not on the pod network when
// the pod network gets a default route of that family by DHCP.
func (v *validator) defaultRoutes(fam string, routes []defaultRoute, podDHCP bool) {
	for k, d := range routes {
		if prev := slices.IndexFunc(routes[:k], func(e defaultRoute) bool { return e.metric == d.metric }); prev >= 0 {
			v.add(field.Invalid(d.path(v.root), d.via.String(), fmt.Sprintf("a second %s default route with metric %d (the first is %s); give each default route a distinct metric with a route to: default", fam, d.metric, routes[prev].path(v.root))))
		}
	}
	if !podDHCP {
		return
	}
	for _, d := range routes {
		if d.pod {
			continue
		}
		msg := "this static IPv6 default route outranks the one the pod network learns by DHCPv6 and router advertisements, so traffic to the cluster and beyond may leave through this network"
		if fam == "IPv4" {
			msg = "this static IPv4 default route outranks the pod network's DHCP one on guests that render with netplan or networkd (DHCP routes get metric 100 or 1024, static routes 0), and cloud-init's sysconfig renderer then stops every DHCP interface from installing a default route, so traffic to the cluster and beyond may leave through this network (under NetworkManager, which gives each device's routes a metric of 100 or more, the pod network's DHCP route kept the lowest in every booted Debian 13 guest)"
		}
		v.warn(WarningDefaultRouteOverridesPodNetwork, d.network, d.fieldText(v.root), msg)
		return
	}
}

// sharedAddresses reports each address that is on an earlier network
// too, and whether there was any.
func (v *validator) sharedAddresses(spec Spec, plans []plan) bool {
	owner := map[netip.Addr]int{} // the first network of each address
	found := false
	for i, p := range plans {
		if !p.Configured {
			continue
		}
		for j, a := range p.ip.Addresses {
			if !a.IsValid() {
				continue
			}
			prev, dup := owner[a.Addr()]
			if !dup {
				owner[a.Addr()] = i
				continue
			}
			if prev != i { // the same address twice on one network is reported with its addresses
				found = true
				v.add(field.Invalid(v.ipPath(i, "addresses").Index(j), a.String(),
					fmt.Sprintf("the same address is on networks[%d] (%q)", prev, spec.Networks[prev].Name)))
			}
		}
	}
	return found
}

// anyOverlap reports whether two subnets of different networks overlap. It
// sorts subnets by first address.
//
// Two prefixes overlap only when one holds the other, so after sorting by
// first address (the shorter prefix first on a tie), every subnet that
// holds a later one is on a stack of the subnets still open at its first
// address: O(n log n) rather than the O(n²) of checking every pair.
func anyOverlap(subnets []subnet) bool {
	slices.SortFunc(subnets, func(a, b subnet) int {
		return cmp.Or(a.prefix.Addr().Compare(b.prefix.Addr()), cmp.Compare(a.prefix.Bits(), b.prefix.Bits()))
	})
	var open []subnet
	for _, s := range subnets {
		for len(open) > 0 && !open[len(open)-1].prefix.Contains(s.prefix.Addr()) {
			open = open[:len(open)-1]
		}
		for _, o := range open {
			if o.network != s.network {
				return true
			}
		}
		open = append(open, s)
	}
	return false
}

// overlappingSubnets warns of each subnet that overlaps one of another
// network listed before it, naming the first. It checks every pair, in
// VM order: the caller calls it only when anyOverlap found an overlap.
func (v *validator) overlappingSubnets(spec Spec, subnets []subnet) {
	slices.SortFunc(subnets, func(a, b subnet) int {
		return cmp.Or(cmp.Compare(a.network, b.network), cmp.Compare(a.index, b.index))
	})
	for k, m := range subnets {
		for _, s := range subnets[:k] {
			if s.network != m.network && s.prefix.Overlaps(m.prefix) {
				v.warn(WarningOverlappingSubnets, spec.Networks[m.network].Name, fieldText(v.root, m.network, ".ipConfig.addresses["+strconv.Itoa(m.index)+"]"),
					fmt.Sprintf("subnet %s overlaps %s of network %q; the guest's choice of interface for that range is ambiguous", m.prefix, s.prefix, spec.Networks[s.network].Name))
				break
			}
		}
	}
}
