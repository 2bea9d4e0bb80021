package guestcheck

import (
	"net/netip"
	"slices"
	"strings"

	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/netplan"
)

// Kind is what a Verdict says of a network.
type Kind string

const (
	// AsAsked: the guest agent reports what was asked on the NIC: every
	// static address on it, an address of each DHCP family, a global IPv6
	// address for ipv6Mode slaac and none for ipv6Mode none, or, for a
	// NIC asked no address, the NIC itself.
	AsAsked Kind = "AsAsked"
	// Different: an asked address is reported on another NIC, the NIC
	// reports other addresses of the family instead of the asked one, or
	// a global IPv6 address although ipv6Mode none asks for none.
	Different Kind = "Different"
	// Missing: the NIC is not reported, or an asked address, or a DHCP
	// family, is not reported anywhere.
	Missing Kind = "Missing"
	// Unknown: the guest agent has not reported the NIC (its status
	// entry's infoSource lacks "guest-agent") or nothing at all: it is
	// not installed, or not yet connected.
	Unknown Kind = "Unknown"
	// NotConfigured: guestnet wrote nothing for the network; Why says why.
	NotConfigured Kind = "NotConfigured"
)

// Why is why guestnet wrote nothing for a network.
type Why string

const (
	// WhySkipped: the network status says it is not a Multus attachment.
	WhySkipped Why = "skipped"
	// WhyAbsent: its VM interface is absent (being unplugged).
	WhyAbsent Why = "absent"
	// WhyPodLeftOut: the pod network was left out (WithoutPodNetwork).
	WhyPodLeftOut Why = "pod-left-out"
	// WhyNoIPConfig: no IP config was asked for the secondary network.
	WhyNoIPConfig Why = "no-ip-config"
)

// Verdict is what the VMI status says of one network's guest NIC.
type Verdict struct {
	// Network is the VM network name.
	Network string
	// Kind is the verdict.
	Kind Kind
	// Why is set when Kind is NotConfigured.
	Why Why
	// Detail is a sentence for people: the addresses that differ or are
	// missing, or what was found.
	Detail string
}

// infoSourceGuestAgent is KubeVirt's vmispec.InfoSourceGuestAgent
// (pkg/network/vmispec/infosource.go).
const infoSourceGuestAgent = "guest-agent"

// entry is one status entry, normalised.
type entry struct {
	mac    netconfig.MAC // zero when it has none, or none that parses
	name   string        // the guest interface name, interfaceName
	agent  bool          // "guest-agent" is in its infoSource
	source string        // its infoSource
	addrs  []netip.Addr  // its usable addresses, sorted, without duplicates
}

// label is how a detail names the NIC of e: its guest name, else its MAC.
func (e entry) label() string {
	switch {
	case e.name != "":
		return e.name
	case e.mac.IsValid():
		return e.mac.String()
	}
	return "an interface without name or MAC"
}

// Verify judges, for each network of built in VM order, whether reported
// (a VMI's status.interfaces) shows that the guest configured its NIC as
// built asks. built is the Result of netconfig.Build; since Build is
// deterministic, a controller can rebuild it from the same inputs instead
// of storing it.
//
// A NIC matched by MAC is the reported entry with that MAC (compared as
// values, whatever their case or separators); a NIC matched by name is the
// entry whose interfaceName, the guest's name for the NIC, is the one
// built gave it. Entries or addresses that do not parse are ignored.
func Verify(built netconfig.Result, reported []kubevirtv1.VirtualMachineInstanceNetworkInterface) []Verdict {
	entries := make([]entry, 0, len(reported))
	agent := false
	for _, e := range reported {
		n := entry{name: e.InterfaceName, agent: hasAgent(e.InfoSource), source: e.InfoSource}
		if mac, err := netconfig.ParseMAC(strings.TrimSpace(e.MAC)); err == nil {
			n.mac = mac
		}
		if n.agent {
			n.addrs = usable(append([]string{e.IP}, e.IPs...))
		}
		agent = agent || n.agent
		entries = append(entries, n)
	}
	// The verdicts must not depend on the order of the entries.
	slices.SortFunc(entries, compareEntries)
	out := make([]Verdict, len(built.Interfaces))
	for i, ifc := range built.Interfaces {
		out[i] = judge(ifc, built.Config.Network.Ethernets[ifc.Name], entries, agent)
	}
	return out
}

// compareEntries orders entries by all their fields.
func compareEntries(a, b entry) int {
	if c := slices.Compare(a.mac[:], b.mac[:]); c != 0 {
		return c
	}
	if c := strings.Compare(a.name, b.name); c != 0 {
		return c
	}
	if c := strings.Compare(a.source, b.source); c != 0 {
		return c
	}
	return slices.CompareFunc(a.addrs, b.addrs, netip.Addr.Compare)
}

// hasAgent reports whether infoSource, KubeVirt's names joined by ", ",
// names the guest agent.
func hasAgent(infoSource string) bool {
	for _, s := range strings.Split(infoSource, ",") {
		if strings.TrimSpace(s) == infoSourceGuestAgent {
			return true
		}
	}
	return false
}

// usable parses the addresses that say something of the guest: IPv6
// link-local, loopback, multicast, unspecified and unparsable ones are
// dropped. Addresses are unmapped and lose any zone.
func usable(texts []string) []netip.Addr {
	var out []netip.Addr
	for _, t := range texts {
		a, err := netip.ParseAddr(strings.TrimSpace(t))
		if err != nil {
			continue
		}
		a = a.Unmap().WithZone("")
		if a.IsUnspecified() || a.IsLoopback() || a.IsMulticast() || (a.Is6() && a.IsLinkLocalUnicast()) {
			continue
		}
		out = append(out, a)
	}
	slices.SortFunc(out, netip.Addr.Compare)
	return slices.Compact(out)
}

// judge gives the verdict of the network of ifc, written as eth, from
// the sorted entries; agent says whether any entry is the agent's.
func judge(ifc netconfig.Interface, eth netplan.Ethernet, entries []entry, agent bool) Verdict {
	v := Verdict{Network: ifc.Network}
	if !ifc.Configured {
		v.Kind, v.Why = NotConfigured, why(ifc.Role)
		v.Detail = "guestnet wrote nothing for it: " + v.Why.text()
		return v
	}
	if !agent {
		v.Kind, v.Detail = Unknown, "the guest agent reported no interface (not installed, or not yet connected)"
		return v
	}
	which := "MAC " + ifc.MAC.String()
	if ifc.Match != netconfig.MatchMAC {
		which = "name " + ifc.Name
	}
	// own is the NIC: the entries that match it, merged; others are the
	// agent's other entries.
	var own entry
	var found bool
	var others []entry
	for _, e := range entries {
		if (ifc.Match == netconfig.MatchMAC && e.mac == ifc.MAC) || (ifc.Match != netconfig.MatchMAC && e.name == ifc.Name) {
			if !found || (!own.agent && e.agent) {
				own.mac, own.name, own.source = e.mac, e.name, e.source
			}
			found = true
			own.agent = own.agent || e.agent
			own.addrs = append(own.addrs, e.addrs...)
			continue
		}
		if e.agent {
			others = append(others, e)
		}
	}
	switch {
	case !found && ifc.Match == netconfig.MatchMAC:
		v.Kind, v.Detail = Missing, "no interface with "+which+" is reported"
		return v
	case !found:
		v.Kind, v.Detail = Missing, "the guest agent reports no interface named "+ifc.Name+
			": a guest that names NICs predictably (enp1s0, ...) calls it otherwise"
		return v
	case !own.agent:
		v.Kind, v.Detail = Unknown, "the guest agent has not reported the interface with "+which+
			" (its infoSource is \""+own.source+"\")"
		return v
	}
	slices.SortFunc(own.addrs, netip.Addr.Compare)
	own.addrs = slices.Compact(own.addrs)
	if own.name == "" {
		own.name = ifc.Name
	}
	label := own.label()
	if ifc.Match == netconfig.MatchMAC && label != ifc.MAC.String() {
		label += " (" + ifc.MAC.String() + ")"
	}

	var differ, missing, unchecked []string
	for _, text := range eth.Addresses {
		p, err := netip.ParsePrefix(text)
		if err != nil {
			continue // Build writes only valid prefixes
		}
		a := p.Addr()
		if slices.Contains(own.addrs, a) {
			continue
		}
		// The pod network's entry keeps the pod's addresses of a family
		// the pod has (updateVMIIfaceStatusWithGuestAgentData), so with
		// masquerade the guest's static address of that family, such as
		// MasqueradeDualStack's, never shows: an address of the family is
		// all there is to see.
		if ifc.Role == netconfig.RolePod && len(global(own.addrs, a.Is4())) > 0 {
			unchecked = append(unchecked, a.String())
			continue
		}
		if on := holders(others, a); len(on) > 0 {
			differ = append(differ, a.String()+" is on "+strings.Join(on, ", "))
			continue
		}
		if rest := global(own.addrs, a.Is4()); len(rest) > 0 {
			differ = append(differ, label+" has "+joinAddrs(rest)+", not "+a.String())
			continue
		}
		missing = append(missing, a.String()+" is not reported")
	}
	if eth.DHCP4 && len(global(own.addrs, true)) == 0 {
		missing = append(missing, "no IPv4 address is reported (DHCPv4)")
	}
	if eth.DHCP6 && len(global(own.addrs, false)) == 0 {
		missing = append(missing, "no global IPv6 address is reported (DHCPv6)")
	}
	// ipv6Mode slaac and none are written as accept-ra (render.go). The
	// pod network's entry shows the pod's addresses, so only secondary
	// NICs are judged.
	if eth.AcceptRA != nil && ifc.Role != netconfig.RolePod {
		v6 := global(own.addrs, false)
		switch {
		case *eth.AcceptRA && len(v6) == 0:
			missing = append(missing, "no global IPv6 address is reported (ipv6Mode slaac)")
		case !*eth.AcceptRA && len(v6) > 0:
			differ = append(differ, label+" has "+joinAddrs(v6)+", but ipv6Mode none asks for no IPv6 address")
		}
	}
	switch {
	case len(differ) > 0:
		v.Kind, v.Detail = Different, strings.Join(append(differ, missing...), "; ")
	case len(missing) > 0:
		v.Kind, v.Detail = Missing, label+": "+strings.Join(missing, "; ")
	case len(own.addrs) == 0:
		v.Kind, v.Detail = AsAsked, label+" is reported"
	default:
		v.Kind, v.Detail = AsAsked, label+" has "+joinAddrs(own.addrs)
	}
	if v.Kind == AsAsked && len(unchecked) > 0 {
		v.Detail += "; KubeVirt shows the pod's addresses for the pod network, so " + strings.Join(unchecked, ", ") + " cannot be seen"
	}
	return v
}

// holders names the entries that hold a.
func holders(entries []entry, a netip.Addr) []string {
	var out []string
	for _, e := range entries {
		if _, ok := slices.BinarySearchFunc(e.addrs, a, netip.Addr.Compare); ok {
			out = append(out, e.label())
		}
	}
	return slices.Compact(out)
}

// global returns the addresses of addrs of one family, IPv4 when v4,
// leaving out link-local ones (IPv6 ones are gone already).
func global(addrs []netip.Addr, v4 bool) []netip.Addr {
	var out []netip.Addr
	for _, a := range addrs {
		if a.Is4() == v4 && !a.IsLinkLocalUnicast() {
			out = append(out, a)
		}
	}
	return out
}

// joinAddrs writes addrs separated by ", ".
func joinAddrs(addrs []netip.Addr) string {
	texts := make([]string, len(addrs))
	for i, a := range addrs {
		texts[i] = a.String()
	}
	return strings.Join(texts, ", ")
}

// why is why a network of role r is not configured.
func why(r netconfig.Role) Why {
	switch r {
	case netconfig.RoleSkipped:
		return WhySkipped
	case netconfig.RoleAbsent:
		return WhyAbsent
	case netconfig.RolePod:
		return WhyPodLeftOut
	}
	return WhyNoIPConfig
}

// text says w in words.
func (w Why) text() string {
	switch w {
	case WhySkipped:
		return "its network status says it is not a Multus attachment"
	case WhyAbsent:
		return "its VM interface is absent (being unplugged)"
	case WhyPodLeftOut:
		return "the pod network is left out"
	}
	return "no IP config is asked for it"
}
