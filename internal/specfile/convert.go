package specfile

import (
	"fmt"
	"math"
	"net/netip"
	"strings"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/netconfig"
)

// supportedModes are the values of ipConfig.mode, for error messages.
var supportedModes = []netconfig.Mode{netconfig.ModeStatic, netconfig.ModeDHCP, netconfig.ModeNone}

// ToSpec parses the values of f into a netconfig.Spec. Problems are
// reported all at once in a *netconfig.ValidationError, each with the
// path of its field in the file. As with Parse, only whether each value
// can be read is checked; netconfig.Build checks whether they make sense.
// Empty lists become nil.
func (f *File) ToSpec() (netconfig.Spec, error) {
	spec, errs := f.toSpec()
	if len(errs) > 0 {
		return netconfig.Spec{}, &netconfig.ValidationError{Errors: errs}
	}
	return spec, nil
}

// toSpec converts f and returns every problem found.
func (f *File) toSpec() (netconfig.Spec, field.ErrorList) {
	root := field.NewPath("networks")
	if len(f.Networks) > MaxNetworks {
		return netconfig.Spec{}, field.ErrorList{field.TooMany(root, len(f.Networks), MaxNetworks)}
	}
	spec := netconfig.Spec{Namespace: f.Namespace}
	var errs field.ErrorList
	if len(f.Networks) > 0 {
		spec.Networks = make([]netconfig.Network, len(f.Networks))
	}
	for i := range f.Networks {
		var nerrs field.ErrorList
		spec.Networks[i], nerrs = f.Networks[i].toNetwork(root.Index(i))
		errs = append(errs, nerrs...)
	}
	return spec, errs
}

// toNetwork converts one network found at path.
func (n *Network) toNetwork(path *field.Path) (netconfig.Network, field.ErrorList) {
	var errs field.ErrorList
	out := netconfig.Network{Name: n.Name, PCIAddress: n.PCIAddress}

	switch {
	case n.Pod != nil && n.Multus != nil:
		errs = append(errs, field.Forbidden(path.Child("multus"),
			"pod is set too; a network is either the pod network (pod) or a Multus attachment (multus), not both"))
	case n.Pod != nil:
		out.Source = netconfig.SourcePod
	case n.Multus != nil:
		out.Source = netconfig.SourceMultus
		if n.Multus.Default {
			out.Source = netconfig.SourceMultusDefault
		}
		out.NetworkName = n.Multus.NetworkName
	}

	out.Binding = n.Binding
	if n.Type != "" {
		switch n.Binding {
		case "", n.Type:
			out.Binding = n.Type
		default:
			errs = append(errs, field.Invalid(path.Child("type"), n.Type,
				fmt.Sprintf("type is another name for binding, which is %q here; set only binding", n.Binding)))
		}
	}

	if n.MACAddress != "" {
		mac, err := netconfig.ParseMAC(n.MACAddress)
		switch {
		case err != nil:
			errs = append(errs, field.Invalid(path.Child("macAddress"), n.MACAddress,
				"not a MAC address: "+macReason(err)+", such as 02:00:00:aa:bb:cc"))
		case !mac.IsValid():
			errs = append(errs, field.Invalid(path.Child("macAddress"), n.MACAddress,
				mac.Problem()+"; leave macAddress out when the VM interface sets no MAC"))
		default:
			out.MAC = mac
		}
	}

	if n.IPConfig != nil {
		var ierrs field.ErrorList
		out.IPConfig, ierrs = n.IPConfig.toIPConfig(path.Child("ipConfig"))
		errs = append(errs, ierrs...)
	}
	return out, errs
}

// toIPConfig converts one IP config found at path.
func (c *IPConfig) toIPConfig(path *field.Path) (*netconfig.IPConfig, field.ErrorList) {
	var errs field.ErrorList
	out := &netconfig.IPConfig{DHCP6: c.DHCP6, MTU: c.MTU}

	switch m := netconfig.Mode(c.Mode); m {
	case "", netconfig.ModeStatic, netconfig.ModeDHCP, netconfig.ModeNone, netconfig.ModeSLAAC:
		// An empty mode, and slaac (an IPv6 mode only), are left for
		// Build to report, with its rules.
		out.Mode = m
	default:
		errs = append(errs, field.NotSupported(path.Child("mode"), c.Mode, supportedModes))
	}
	switch m := netconfig.Mode(c.IPv6Mode); m {
	case "", netconfig.ModeStatic, netconfig.ModeDHCP, netconfig.ModeSLAAC, netconfig.ModeNone:
		out.IPv6Mode = m
	default:
		errs = append(errs, field.NotSupported(path.Child("ipv6Mode"), c.IPv6Mode, []netconfig.Mode{netconfig.ModeStatic, netconfig.ModeDHCP, netconfig.ModeSLAAC, netconfig.ModeNone}))
	}

	addPrefix := func(p *field.Path, s string) {
		prefix, err := parsePrefix(p, s, "192.168.0.200/24 or fd00:10::200/64", "with your subnet's prefix length")
		if err != nil {
			errs = append(errs, err)
			return
		}
		out.Addresses = append(out.Addresses, prefix)
	}
	if c.Address != "" {
		addPrefix(path.Child("address"), c.Address)
	}
	for j, s := range c.Addresses {
		addPrefix(path.Child("addresses").Index(j), s)
	}

	addGateway := func(p *field.Path, s string) {
		gw, err := parseAddr(p, s, "192.168.0.1 or fd00:10::1")
		if err != nil {
			errs = append(errs, err)
			return
		}
		out.Gateways = append(out.Gateways, gw)
	}
	if c.Gateway != "" {
		addGateway(path.Child("gateway"), c.Gateway)
	}
	for j, s := range c.Gateways {
		addGateway(path.Child("gateways").Index(j), s)
	}

	if ns := c.Nameservers; ns != nil {
		nsPath := path.Child("nameservers")
		for j, s := range ns.Addresses {
			a, err := parseAddr(nsPath.Child("addresses").Index(j), s, "192.168.0.1 or fd00:10::53")
			if err != nil {
				errs = append(errs, err)
				continue
			}
			out.Nameservers.Addresses = append(out.Nameservers.Addresses, a)
		}
		if len(ns.Search) > 0 {
			out.Nameservers.Search = append([]string(nil), ns.Search...)
		}
	}

	for j, r := range c.Routes {
		route, rerrs := r.toRoute(path.Child("routes").Index(j))
		errs = append(errs, rerrs...)
		if len(rerrs) == 0 {
			out.Routes = append(out.Routes, route)
		}
	}
	return out, errs
}

// toRoute converts one route found at path.
func (r *Route) toRoute(path *field.Path) (netconfig.Route, field.ErrorList) {
	var errs field.ErrorList
	var out netconfig.Route

	via, err := parseAddr(path.Child("via"), r.Via, "192.168.0.254 or fd00:10::fe")
	if err != nil {
		errs = append(errs, err)
	}
	out.Via = via

	if r.To == "default" {
		// The family of the next hop decides the destination; when the
		// next hop is unreadable only that is reported.
		switch {
		case err != nil:
		case !via.IsValid():
			errs = append(errs, field.Required(path.Child("via"),
				"a route to default needs a next hop, whose address family decides between 0.0.0.0/0 and ::/0"))
		case via.Is4():
			out.To = netip.PrefixFrom(netip.IPv4Unspecified(), 0)
		default:
			out.To = netip.PrefixFrom(netip.IPv6Unspecified(), 0)
		}
	} else {
		to, err := parsePrefix(path.Child("to"), r.To, "10.10.0.0/16, fd00:30::/48 or default", "with the destination's prefix length (/32 or /128 for a single host)")
		if err != nil {
			errs = append(errs, err)
		}
		out.To = to
	}

	if r.Metric != nil {
		if m := *r.Metric; m < 0 || m > math.MaxUint32 {
			errs = append(errs, field.Invalid(path.Child("metric"), m, fmt.Sprintf("must be an integer from 0 to %d", uint32(math.MaxUint32))))
		} else {
			metric := uint32(m)
			out.Metric = &metric
		}
	}
	return out, errs
}

// parsePrefix parses an address with its prefix length found at path. An
// empty value is the zero Prefix, which netconfig.Build reports in context.
// example shows the value wanted, and fix says how to write the prefix
// length when it is missing.
func parsePrefix(path *field.Path, s, example, fix string) (netip.Prefix, *field.Error) {
	if s == "" {
		return netip.Prefix{}, nil
	}
	p, err := netip.ParsePrefix(s)
	if err == nil {
		return p, nil
	}
	switch addr, aerr := netip.ParseAddr(s); {
	case strings.Contains(s, "%"):
		return netip.Prefix{}, field.Invalid(path, s, "an address with a zone (the %... part) cannot be assigned; the interface is implied, so leave the zone out")
	case aerr == nil:
		return netip.Prefix{}, field.Invalid(path, s, fmt.Sprintf("missing the prefix length: write %s/N %s", addr, fix))
	}
	return netip.Prefix{}, field.Invalid(path, s, fmt.Sprintf("not an IP address with a prefix length, such as %s (%s)", example, netipReason(err)))
}

// parseAddr parses an IP address found at path. An empty value is the zero
// Addr, which netconfig.Build reports in context. example shows the value
// wanted.
func parseAddr(path *field.Path, s, example string) (netip.Addr, *field.Error) {
	if s == "" {
		return netip.Addr{}, nil
	}
	a, err := netip.ParseAddr(s)
	switch {
	case err == nil && a.Zone() != "":
		return netip.Addr{}, field.Invalid(path, s, fmt.Sprintf("an address with a zone (%%%s) is not allowed; the interface is implied, so write %s", a.Zone(), a.WithZone("")))
	case err == nil:
		return a, nil
	}
	if p, perr := netip.ParsePrefix(s); perr == nil {
		return netip.Addr{}, field.Invalid(path, s, fmt.Sprintf("an address without a prefix length is wanted here: write %s", p.Addr()))
	}
	return netip.Addr{}, field.Invalid(path, s, fmt.Sprintf("not an IP address, such as %s (%s)", example, netipReason(err)))
}

// netipReason returns the reason of a net/netip parse error without the
// function name and input it starts with.
func netipReason(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, "): "); i >= 0 {
		s = s[i+3:]
	}
	return s
}

// macReason returns the reason of a netconfig.ParseMAC error without the
// input it starts with.
func macReason(err error) string {
	s := err.Error()
	if i := strings.Index(s, `": `); i >= 0 {
		s = s[i+3:]
	}
	return s
}

// FromSpec returns the File that ToSpec parses into spec, with the list
// forms only (addresses, gateways, binding). A Spec that no file can
// express is refused with a *netconfig.ValidationError: an unknown source
// or mode, an attachment name on a network that is not a Multus one, an
// address with a zone, text that is not valid UTF-8, or more than
// MaxNetworks networks. Zero addresses and prefixes are written as empty
// text, which Parse reads back as zero values.
func FromSpec(spec netconfig.Spec) (File, error) {
	var errs field.ErrorList
	root := field.NewPath("networks")
	if len(spec.Networks) > MaxNetworks {
		errs = append(errs, field.TooMany(root, len(spec.Networks), MaxNetworks))
		return File{}, &netconfig.ValidationError{Errors: errs}
	}
	text := func(p *field.Path, s string) {
		if !utf8.ValidString(s) {
			errs = append(errs, field.Invalid(p, s, "not valid UTF-8"))
		}
	}
	addr := func(p *field.Path, a netip.Addr) string {
		if a.Zone() != "" {
			errs = append(errs, field.Invalid(p, a.String(), "a spec file cannot hold an address with a zone"))
		}
		if !a.IsValid() {
			return ""
		}
		return a.String()
	}
	prefix := func(p netip.Prefix) string {
		if !p.IsValid() {
			return ""
		}
		return p.String()
	}

	f := File{Namespace: spec.Namespace}
	text(field.NewPath("namespace"), spec.Namespace)
	if len(spec.Networks) > 0 {
		f.Networks = make([]Network, len(spec.Networks))
	}
	for i, n := range spec.Networks {
		path := root.Index(i)
		out := &f.Networks[i]
		out.Name, out.Binding, out.PCIAddress = n.Name, n.Binding, n.PCIAddress
		text(path.Child("name"), n.Name)
		text(path.Child("binding"), n.Binding)
		text(path.Child("pciAddress"), n.PCIAddress)
		switch n.Source {
		case netconfig.SourceUnspecified:
		case netconfig.SourcePod:
			out.Pod = &PodNetwork{}
		case netconfig.SourceMultus, netconfig.SourceMultusDefault:
			out.Multus = &MultusNetwork{NetworkName: n.NetworkName, Default: n.Source == netconfig.SourceMultusDefault}
			text(path.Child("networkName"), n.NetworkName)
		default:
			// As a string, which field.Error quotes with %q (a Source it
			// writes as JSON, which leaves DEL and C1 controls as they are).
			errs = append(errs, field.NotSupported(path.Child("source"), string(n.Source), []netconfig.Source{netconfig.SourcePod, netconfig.SourceMultus, netconfig.SourceMultusDefault}))
		}
		if n.NetworkName != "" && n.Source != netconfig.SourceMultus && n.Source != netconfig.SourceMultusDefault {
			errs = append(errs, field.Forbidden(path.Child("networkName"), "only a Multus network names a NetworkAttachmentDefinition"))
		}
		if n.MAC.IsValid() {
			out.MACAddress = n.MAC.String()
		}
		c := n.IPConfig
		if c == nil {
			continue
		}
		ipPath := path.Child("ipConfig")
		ic := &IPConfig{Mode: string(c.Mode), IPv6Mode: string(c.IPv6Mode), DHCP6: c.DHCP6, MTU: c.MTU}
		out.IPConfig = ic
		switch c.Mode {
		case "", netconfig.ModeStatic, netconfig.ModeDHCP, netconfig.ModeNone, netconfig.ModeSLAAC:
		default:
			errs = append(errs, field.NotSupported(ipPath.Child("mode"), string(c.Mode), supportedModes))
		}
		switch c.IPv6Mode {
		case "", netconfig.ModeStatic, netconfig.ModeDHCP, netconfig.ModeSLAAC, netconfig.ModeNone:
		default:
			errs = append(errs, field.NotSupported(ipPath.Child("ipv6Mode"), string(c.IPv6Mode), []netconfig.Mode{netconfig.ModeStatic, netconfig.ModeDHCP, netconfig.ModeSLAAC, netconfig.ModeNone}))
		}
		for _, a := range c.Addresses {
			ic.Addresses = append(ic.Addresses, prefix(a))
		}
		for j, gw := range c.Gateways {
			ic.Gateways = append(ic.Gateways, addr(ipPath.Child("gateways").Index(j), gw))
		}
		if len(c.Nameservers.Addresses)+len(c.Nameservers.Search) > 0 {
			ns := &Nameservers{}
			for j, a := range c.Nameservers.Addresses {
				ns.Addresses = append(ns.Addresses, addr(ipPath.Child("nameservers", "addresses").Index(j), a))
			}
			for j, s := range c.Nameservers.Search {
				text(ipPath.Child("nameservers", "search").Index(j), s)
				ns.Search = append(ns.Search, s)
			}
			ic.Nameservers = ns
		}
		for j, r := range c.Routes {
			route := Route{To: prefix(r.To), Via: addr(ipPath.Child("routes").Index(j).Child("via"), r.Via)}
			if r.Metric != nil {
				m := int64(*r.Metric)
				route.Metric = &m
			}
			ic.Routes = append(ic.Routes, route)
		}
	}
	if len(errs) > 0 {
		return File{}, &netconfig.ValidationError{Errors: errs}
	}
	return f, nil
}
