package netconfig_test

import (
	"fmt"
	"net/netip"

	"github.com/guestnet/guestnet/netconfig"
	"pgregory.net/rapid"
)

// statusKind is what the generated network-status resolver says of a
// network.
type statusKind int

const (
	statusNone      statusKind = iota // no entry: first creation
	statusMultus                      // an entry naming an attachment
	statusNotMultus                   // an entry naming none
)

// scenario is a generated VM: its spec, what the status and MAC resolvers
// know, and the options to build with.
type scenario struct {
	spec     netconfig.Spec
	status   netconfig.StatusMap // by network name
	macs     netconfig.MACTable
	omitPod  bool
	netplanR bool
}

func (s scenario) options() []netconfig.Option {
	opts := []netconfig.Option{
		netconfig.WithNetworkStatus(s.status),
		netconfig.WithMACResolver(s.macs),
	}
	if s.omitPod {
		opts = append(opts, netconfig.WithoutPodNetwork())
	}
	if s.netplanR {
		opts = append(opts, netconfig.WithDefaultRouteStyle(netconfig.DefaultRouteNetplan))
	}
	return opts
}

// genScenario draws a VM of up to 12 networks whose configs are valid,
// except that the pod network may be given static addressing (which Build
// must refuse). Each network i owns the subnets 10.i.0.0/24 and
// fd00:i::/64, so addresses never collide across networks.
func genScenario(t *rapid.T) scenario {
	n := rapid.IntRange(0, 12).Draw(t, "networks")
	podAt := rapid.IntRange(-1, n-1).Draw(t, "podAt")
	s := scenario{
		spec:     netconfig.Spec{Namespace: rapid.SampledFrom([]string{"", "vms"}).Draw(t, "namespace")},
		status:   netconfig.StatusMap{},
		macs:     netconfig.MACTable{},
		omitPod:  rapid.Bool().Draw(t, "omitPod"),
		netplanR: rapid.Bool().Draw(t, "netplanRoutes"),
	}
	gatewayFamilies := map[bool]bool{} // at most one default route per family in the VM
	for i := 0; i < n; i++ {
		nw := netconfig.Network{Name: fmt.Sprintf("net-%d", i)}
		if i == podAt {
			switch rapid.IntRange(0, 2).Draw(t, "podKind") {
			case 0:
				nw.Name = "default"
			case 1:
				nw.Source = netconfig.SourcePod
			default:
				nw.Source = netconfig.SourceMultusDefault
				nw.NetworkName = fmt.Sprintf("nad-%d", i)
			}
			nw.IPConfig = rapid.SampledFrom([]*netconfig.IPConfig{
				nil,
				{Mode: netconfig.ModeDHCP},
				{Mode: netconfig.ModeDHCP, DHCP6: true},
				{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{subnet4(i, 10)}},
			}).Draw(t, "podIPConfig")
		} else {
			switch rapid.IntRange(0, 2).Draw(t, "source") {
			case 0:
				nw.Source = netconfig.SourceMultus
				nw.NetworkName = fmt.Sprintf("nad-%d", i)
				if rapid.Bool().Draw(t, "hasStatus") {
					s.status[nw.Name] = genStatusDetails(t, i, netconfig.NetworkStatus{NetworkName: "vms/" + nw.NetworkName, Interface: fmt.Sprintf("net%d", i)})
				}
			default:
				switch statusKind(rapid.IntRange(0, 2).Draw(t, "status")) {
				case statusMultus:
					s.status[nw.Name] = genStatusDetails(t, i, netconfig.NetworkStatus{NetworkName: fmt.Sprintf("vms/nad-%d", i), Interface: fmt.Sprintf("net%d", i)})
				case statusNotMultus:
					s.status[nw.Name] = genStatusDetails(t, i, netconfig.NetworkStatus{Interface: fmt.Sprintf("tap%d", i)})
				}
			}
			nw.Binding = rapid.SampledFrom([]string{"", netconfig.BindingBridge, netconfig.BindingSRIOV, "macvtap"}).Draw(t, "binding")
			nw.IPConfig = genIPConfig(t, i, gatewayFamilies)
			nw.Absent = rapid.IntRange(0, 5).Draw(t, "absent") == 0
		}
		switch rapid.IntRange(0, 3).Draw(t, "macFrom") {
		case 1:
			nw.MAC = mac(i, 0)
		case 2:
			s.macs[nw.Name] = netconfig.ResolvedMAC{MAC: mac(i, 0), Origin: rapid.SampledFrom(fuzzedOrigins).Draw(t, "origin")}
		case 3:
			if st, ok := s.status[nw.Name]; ok {
				st.MAC = mac(i, 0)
				s.status[nw.Name] = st
			}
		}
		s.spec.Networks = append(s.spec.Networks, nw)
	}
	return s
}

// genStatusDetails draws what else the status st of network i reports:
// nothing, or its IPs, gateways, MTU and device info, as an SR-IOV VF's
// entry carries them.
func genStatusDetails(t *rapid.T, i int, st netconfig.NetworkStatus) netconfig.NetworkStatus {
	if rapid.Bool().Draw(t, "details") {
		st.IPs = []netip.Addr{netip.AddrFrom4([4]byte{10, byte(i), 0, 100}), netip.MustParseAddr(fmt.Sprintf("fd00:%x::100", i))}
		st.Gateways = []netip.Addr{netip.AddrFrom4([4]byte{10, byte(i), 0, 1})}
		st.MTU = rapid.SampledFrom([]int{1500, 9000}).Draw(t, "statusMTU")
		st.DeviceInfo = netconfig.DeviceInfo{Type: "pci", Version: "1.1.0", PCIAddress: fmt.Sprintf("0000:65:%02x.1", i)}
	}
	return st
}

// genIPConfig draws a valid IP config for the secondary network i.
func genIPConfig(t *rapid.T, i int, gatewayFamilies map[bool]bool) *netconfig.IPConfig {
	switch rapid.IntRange(0, 3).Draw(t, "mode") {
	case 0:
		return nil
	case 1:
		return &netconfig.IPConfig{Mode: netconfig.ModeDHCP, MTU: rapid.SampledFrom([]int{0, 1500}).Draw(t, "mtu")}
	case 2:
		return &netconfig.IPConfig{Mode: netconfig.ModeNone}
	}
	c := &netconfig.IPConfig{Mode: netconfig.ModeStatic}
	v4 := rapid.Bool().Draw(t, "v4")
	v6 := !v4 || rapid.Bool().Draw(t, "v6")
	if v4 {
		for k := 0; k < rapid.IntRange(1, 3).Draw(t, "v4count"); k++ {
			c.Addresses = append(c.Addresses, subnet4(i, 10+k))
		}
		if !gatewayFamilies[true] && rapid.Bool().Draw(t, "gw4") {
			gatewayFamilies[true] = true
			c.Gateways = append(c.Gateways, netip.AddrFrom4([4]byte{10, byte(i), 0, 1}))
		}
		if rapid.Bool().Draw(t, "route4") {
			m := uint32(rapid.IntRange(1, 1000).Draw(t, "metric"))
			c.Routes = append(c.Routes, netconfig.Route{
				To:  netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 16, byte(i), 0}), 24),
				Via: netip.AddrFrom4([4]byte{10, byte(i), 0, 254}), Metric: &m,
			})
		}
	}
	if v6 {
		for k := 0; k < rapid.IntRange(1, 2).Draw(t, "v6count"); k++ {
			c.Addresses = append(c.Addresses, subnet6(i, 0x200+k))
		}
		if !gatewayFamilies[false] && rapid.Bool().Draw(t, "gw6") {
			gatewayFamilies[false] = true
			c.Gateways = append(c.Gateways, netip.MustParseAddr(fmt.Sprintf("fd00:%x::1", i)))
		}
		if rapid.Bool().Draw(t, "route6") {
			c.Routes = append(c.Routes, netconfig.Route{
				To:  netip.MustParsePrefix(fmt.Sprintf("fd10:%x::/48", i)),
				Via: netip.MustParseAddr(fmt.Sprintf("fd00:%x::fe", i)),
			})
		}
	}
	if rapid.Bool().Draw(t, "dns") {
		c.Nameservers.Addresses = []netip.Addr{netip.AddrFrom4([4]byte{10, byte(i), 0, 53})}
		c.Nameservers.Search = []string{fmt.Sprintf("net%d.example.internal", i)}
	}
	c.MTU = rapid.SampledFrom([]int{0, 1280, 1400, 9000}).Draw(t, "mtu")
	return c
}

func subnet4(i, host int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i), 0, byte(host)}), 24)
}

func subnet6(i, host int) netip.Prefix {
	return netip.MustParsePrefix(fmt.Sprintf("fd00:%x::%x/64", i, host))
}

// mac returns a distinct unicast, locally administered MAC for network i.
func mac(i, salt int) netconfig.MAC {
	return netconfig.MAC{0x02, 0, byte(salt), 0, byte(i >> 8), byte(i)}
}

// genArbitrarySpec draws specs with no regard for validity: unset and
// hostile values, repeated names and MACs, every mode and source string.
func genArbitrarySpec(t *rapid.T) netconfig.Spec {
	addr := rapid.Custom(func(t *rapid.T) netip.Addr {
		switch rapid.IntRange(0, 3).Draw(t, "kind") {
		case 0:
			return netip.Addr{}
		case 1:
			return netip.AddrFrom4([4]byte(rapid.SliceOfN(rapid.Byte(), 4, 4).Draw(t, "a4")))
		case 2:
			return netip.AddrFrom16([16]byte(rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "a16")))
		}
		return netip.MustParseAddr("fe80::1").WithZone(rapid.StringN(0, 5, 10).Draw(t, "zone"))
	})
	prefix := rapid.Custom(func(t *rapid.T) netip.Prefix {
		a := addr.Draw(t, "addr")
		return netip.PrefixFrom(a, rapid.IntRange(-1, 129).Draw(t, "bits"))
	})
	str := rapid.OneOf(rapid.String(), rapid.SampledFrom([]string{"", "default", "pod", "multus", "static", "dhcp", "none", "a/b", "vms/nad", "bridge", "masquerade", "eth1", "yes", "multus-default", "sriov"}))
	n := rapid.IntRange(0, 6).Draw(t, "networks")
	spec := netconfig.Spec{Namespace: str.Draw(t, "namespace")}
	for i := 0; i < n; i++ {
		nw := netconfig.Network{
			Name:        str.Draw(t, "name"),
			Source:      netconfig.Source(str.Draw(t, "source")),
			NetworkName: str.Draw(t, "networkName"),
			Binding:     str.Draw(t, "binding"),
			PCIAddress:  str.Draw(t, "pci"),
			MAC:         netconfig.MAC(rapid.SliceOfN(rapid.SampledFrom([]byte{0, 1, 2, 0xff}), 6, 6).Draw(t, "mac")),
			Absent:      rapid.Bool().Draw(t, "absent"),
		}
		if rapid.Bool().Draw(t, "hasIPConfig") {
			c := &netconfig.IPConfig{
				Mode:      netconfig.Mode(str.Draw(t, "mode")),
				IPv6Mode:  netconfig.Mode(rapid.OneOf(rapid.SampledFrom([]string{"", "static", "dhcp", "slaac", "none"}), str).Draw(t, "ipv6Mode")),
				Addresses: rapid.SliceOfN(prefix, 0, 3).Draw(t, "addresses"),
				Gateways:  rapid.SliceOfN(addr, 0, 3).Draw(t, "gateways"),
				DHCP6:     rapid.Bool().Draw(t, "dhcp6"),
				MTU:       rapid.IntRange(-10, 70000).Draw(t, "mtu"),
			}
			c.Nameservers.Addresses = rapid.SliceOfN(addr, 0, 4).Draw(t, "ns")
			c.Nameservers.Search = rapid.SliceOfN(str, 0, 3).Draw(t, "search")
			for k := rapid.IntRange(0, 3).Draw(t, "routes"); k > 0; k-- {
				r := netconfig.Route{To: prefix.Draw(t, "to"), Via: addr.Draw(t, "via")}
				if rapid.Bool().Draw(t, "hasMetric") {
					m := rapid.Uint32().Draw(t, "metric")
					r.Metric = &m
				}
				c.Routes = append(c.Routes, r)
			}
			nw.IPConfig = c
		}
		spec.Networks = append(spec.Networks, nw)
	}
	if rapid.Bool().Draw(t, "hasInterfaceOrder") {
		spec.InterfaceOrder = rapid.SliceOfN(str, 0, n+1).Draw(t, "interfaceOrder")
	}
	return spec
}
