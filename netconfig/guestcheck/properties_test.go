package guestcheck_test

import (
	"net/netip"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"
	"pgregory.net/rapid"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/guestcheck"
)

// vm is a generated VM: networks with static addresses, each NIC with a
// MAC, and the addresses asked of each.
type vm struct {
	res    netconfig.Result
	macs   []netconfig.MAC
	asked  [][]netip.Addr
	guests []string // guest interface names
}

// genVM draws 1 to 4 secondary networks, each with a MAC and 1 to 3
// distinct static addresses, IPv4 or IPv6, no two networks sharing one.
func genVM(t *rapid.T) vm {
	n := rapid.IntRange(1, 4).Draw(t, "networks")
	spec := netconfig.Spec{Namespace: "vms"}
	var out vm
	used := map[netip.Addr]bool{}
	for i := range n {
		mac := netconfig.MAC{0x02, 0, 0, 0, 0, byte(i + 1)}
		var prefixes []netip.Prefix
		var addrs []netip.Addr
		for j := range rapid.IntRange(1, 3).Draw(t, "addresses") {
			var p netip.Prefix
			if rapid.Bool().Draw(t, "v6") {
				p = netip.PrefixFrom(netip.AddrFrom16([16]byte{0xfd, 0, byte(i), 0, 14: byte(j), 15: byte(rapid.IntRange(1, 200).Draw(t, "host"))}), 64)
			} else {
				p = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i), byte(j), byte(rapid.IntRange(1, 200).Draw(t, "host"))}), 24)
			}
			if used[p.Addr()] {
				continue
			}
			used[p.Addr()] = true
			prefixes = append(prefixes, p)
			addrs = append(addrs, p.Addr())
		}
		spec.Networks = append(spec.Networks, netconfig.Network{
			Name: "net" + strconv.Itoa(i), Source: netconfig.SourceMultus, NetworkName: "net" + strconv.Itoa(i), Binding: netconfig.BindingBridge,
			MAC: mac, IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: prefixes},
		})
		out.macs = append(out.macs, mac)
		out.asked = append(out.asked, addrs)
	}
	res, err := netconfig.Build(spec, netconfig.WithoutPodNetwork())
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	out.res = res
	for _, ifc := range res.Interfaces {
		out.guests = append(out.guests, ifc.Name)
	}
	return out
}

// exact is the status that holds exactly the asked addresses on the
// right MACs, as KubeVirt writes an entry the agent reported
// (pkg/network/setup/netstat.go, infoSource "domain, guest-agent", with
// "multus-status" added for Multus networks), each with the IPv6
// link-local address every NIC has, which the agent reports too.
func exact(m vm) status {
	var s status
	for i, mac := range m.macs {
		ips := []string{"fe80::ff:fe00:" + strconv.Itoa(i+1)}
		for _, a := range m.asked[i] {
			ips = append(ips, a.String())
		}
		s = append(s, kubevirtv1.VirtualMachineInstanceNetworkInterface{
			Name: "net" + strconv.Itoa(i), InterfaceName: m.guests[i], MAC: mac.String(), IP: ips[0], IPs: ips,
			InfoSource: "domain, guest-agent, multus-status",
		})
	}
	return s
}

// shuffle returns s with its entries, and each entry's addresses, in an
// order drawn by t.
func shuffle(t *rapid.T, s status) status {
	out := slices.Clone(s)
	perm := rapid.Permutation(out).Draw(t, "entries")
	for i := range perm {
		perm[i].IPs = rapid.Permutation(perm[i].IPs).Draw(t, "addresses")
	}
	return perm
}

func TestExactReportIsAlwaysAsAsked(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genVM(t)
		for _, v := range guestcheck.Verify(m.res, exact(m)) {
			if v.Kind != guestcheck.AsAsked {
				t.Fatalf("%s: %s: %s", v.Network, v.Kind, v.Detail)
			}
		}
	})
}

func TestRemovingAnAskedAddressNeverGivesAsAsked(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genVM(t)
		s := exact(m)
		i := rapid.IntRange(0, len(s)-1).Draw(t, "network")
		gone := m.asked[i][rapid.IntRange(0, len(m.asked[i])-1).Draw(t, "address")].String()
		s[i].IPs = slices.DeleteFunc(slices.Clone(s[i].IPs), func(ip string) bool { return ip == gone })
		s[i].IP = s[i].IPs[0]
		got := guestcheck.Verify(m.res, s)
		if got[i].Kind == guestcheck.AsAsked {
			t.Fatalf("%s without %s: %s", got[i].Network, gone, got[i].Detail)
		}
	})
}

// The verdicts, details included, do not depend on the order of the
// reported interfaces or of their addresses, whatever the report holds.
func TestVerdictsDoNotDependOnOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genVM(t)
		s := exact(m)
		// Perturb the report: move, add or drop addresses, drop the agent.
		for i := range s {
			switch rapid.IntRange(0, 4).Draw(t, "change") {
			case 1:
				s[i].IPs = append(slices.Clone(s[i].IPs), "10.99.0."+strconv.Itoa(i+1))
			case 2:
				s[i].IPs = s[i].IPs[:1]
			case 3:
				s[i].InfoSource = "domain, multus-status"
			case 4:
				j := rapid.IntRange(0, len(s)-1).Draw(t, "other")
				s[j].IPs = append(slices.Clone(s[j].IPs), s[i].IPs...)
			}
		}
		want := guestcheck.Verify(m.res, s)
		require.Equal(t, want, guestcheck.Verify(m.res, shuffle(t, s)))
	})
}

// verdictKinds draws a list of verdicts of every kind.
func verdictKinds(t *rapid.T) []guestcheck.Verdict {
	kinds := []guestcheck.Kind{guestcheck.AsAsked, guestcheck.Different, guestcheck.Missing, guestcheck.Unknown, guestcheck.NotConfigured}
	n := rapid.IntRange(0, 6).Draw(t, "verdicts")
	out := make([]guestcheck.Verdict, n)
	for i := range out {
		out[i] = guestcheck.Verdict{
			Network: "net" + strconv.Itoa(i),
			Kind:    rapid.SampledFrom(kinds).Draw(t, "kind"),
			Detail:  rapid.SampledFrom([]string{"", "a detail", "10.0.0.1 is not reported"}).Draw(t, "detail"),
		}
	}
	return out
}

func TestConditionIsTrueIffAllConfiguredAreAsAsked(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		vs := verdictKinds(t)
		gen := rapid.Int64Range(0, 10).Draw(t, "generation")
		c := guestcheck.Condition(vs, gen)
		all := true
		for _, v := range vs {
			if v.Kind != guestcheck.NotConfigured && v.Kind != guestcheck.AsAsked {
				all = false
			}
		}
		require.Equal(t, all, c.Status == metav1.ConditionTrue, "%+v: %+v", vs, c)
		require.Equal(t, gen, c.ObservedGeneration)
		require.Equal(t, guestcheck.ConditionType, c.Type)
		// Deterministic, whatever the order of the verdicts.
		require.Equal(t, c, guestcheck.Condition(rapid.Permutation(vs).Draw(t, "order"), gen))
	})
}

// A secondary NIC asked ipv6Mode none is never as asked once the agent
// reports a global IPv6 address on it, whatever else it reports; asked
// ipv6Mode slaac, it is never as asked without one.
func TestIPv6ModeIsJudged(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		mode := rapid.SampledFrom([]netconfig.Mode{netconfig.ModeNone, netconfig.ModeSLAAC}).Draw(t, "ipv6Mode")
		res, err := netconfig.Build(netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{{
			Name: "net", Source: netconfig.SourceMultus, NetworkName: "net", Binding: netconfig.BindingBridge,
			MAC: netconfig.MustParseMAC("02:00:00:00:00:02"), IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: mode},
		}}}, netconfig.WithoutPodNetwork())
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		ips := []string{netip.AddrFrom4([4]byte{10, 0, 6, byte(rapid.IntRange(1, 254).Draw(t, "v4"))}).String(), "fe80::ff:fe00:2"}
		global6 := rapid.Bool().Draw(t, "global IPv6")
		if global6 {
			ips = append(ips, netip.AddrFrom16([16]byte{0xfd, 0, 15: byte(rapid.IntRange(1, 254).Draw(t, "v6"))}).String())
		}
		ips = rapid.Permutation(ips).Draw(t, "order")
		got := guestcheck.Verify(res, status{{Name: "net", InterfaceName: "eth0", MAC: "02:00:00:00:00:02", IP: ips[0], IPs: ips,
			InfoSource: "domain, guest-agent, multus-status"}})[0]
		asAsked := global6 == (mode == netconfig.ModeSLAAC)
		if (got.Kind == guestcheck.AsAsked) != asAsked {
			t.Fatalf("ipv6Mode %s, global IPv6 %v: %s: %s", mode, global6, got.Kind, got.Detail)
		}
	})
}
