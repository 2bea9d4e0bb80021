package netconfig_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestRepeatsReported checks the errors for a repeated network name, PCI
// address and MAC against a search in VM order: each repeat gets one error
// naming the first holder. VMs of up to 40 networks draw each from a small
// pool, so that both of Build's ways (a list on the stack up to 16
// networks; a sort, then a map, past that) meet repeats and their absence.
func TestRepeatsReported(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "networks")
		pool := rapid.SampledFrom([]int{n, 2 * n, 1000}).Draw(t, "pool") // 1000: repeats are rare
		var spec netconfig.Spec
		firstName, firstPCI, firstMAC := map[string]int{}, map[string]int{}, map[netconfig.MAC]int{}
		var want []string
		for i := range n {
			nw := netconfig.Network{
				Name:   fmt.Sprintf("net%d", rapid.IntRange(0, pool).Draw(t, "name")),
				Source: netconfig.SourceMultus, NetworkName: "nad",
				IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP},
			}
			if k, ok := firstName[nw.Name]; ok {
				want = append(want, fmt.Sprintf("networks[%d].name: networks[%d] has the same name; network names are unique within a VM", i, k))
			} else {
				firstName[nw.Name] = i
			}
			if rapid.Bool().Draw(t, "pci") {
				nw.PCIAddress = fmt.Sprintf("0000:%02x:00.0", rapid.IntRange(0, pool%256).Draw(t, "bus"))
				if k, ok := firstPCI[nw.PCIAddress]; ok {
					want = append(want, fmt.Sprintf("networks[%d].pciAddress: networks[%d] has the same PCI address", i, k))
				} else {
					firstPCI[nw.PCIAddress] = i
				}
			}
			spec.Networks = append(spec.Networks, nw)
		}
		// MAC errors come after the networks' own, in VM order.
		for i := range spec.Networks {
			if !rapid.Bool().Draw(t, "mac") {
				continue
			}
			v := rapid.IntRange(1, pool).Draw(t, "macValue")
			m := netconfig.MAC{0x02, 0, 0, 0, byte(v >> 8), byte(v)}
			spec.Networks[i].MAC = m
			if k, ok := firstMAC[m]; ok {
				want = append(want, fmt.Sprintf("networks[%d].macAddress: networks[%d] (%q) has the same MAC", i, k, spec.Networks[k].Name))
			} else {
				firstMAC[m] = i
			}
		}
		requireErrors(t, spec, "has the same", want)
	})
}

// requireErrors builds spec and requires that its errors whose detail
// holds kind are want ("field: detail", in order), and that it fails,
// writing nothing, exactly when want has any.
func requireErrors(t *rapid.T, spec netconfig.Spec, kind string, want []string) {
	res, err := netconfig.Build(spec)
	if len(want) == 0 {
		require.NoError(t, err)
		return
	}
	require.Empty(t, res.YAML)
	var invalid *netconfig.ValidationError
	require.ErrorAs(t, err, &invalid)
	var got []string
	for _, fe := range invalid.Errors {
		if strings.Contains(fe.Detail, kind) {
			got = append(got, fe.Field+": "+fe.Detail)
		}
	}
	require.Equal(t, want, got)
}

// TestSharedAddressesReported checks the errors for an address on two
// networks against a search in VM order: each later holder gets one error
// naming the first. Addresses come from a small pool, so VMs of up to 40
// networks share many.
func TestSharedAddressesReported(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spec := netconfig.Spec{Networks: []netconfig.Network{{Name: "default", Source: netconfig.SourcePod}}}
		first := map[netip.Addr]int{}
		var want []string
		n := rapid.IntRange(1, 40).Draw(t, "networks")
		for i := 1; i <= n; i++ {
			c := &netconfig.IPConfig{Mode: netconfig.ModeStatic}
			mine := map[netip.Addr]bool{}
			for range rapid.IntRange(1, 2).Draw(t, "addresses") {
				a := netip.AddrFrom4([4]byte{10, 0, rapid.Byte().Draw(t, "b2") & 15, 5})
				if mine[a] {
					continue
				}
				mine[a] = true
				if k, ok := first[a]; ok {
					want = append(want, fmt.Sprintf(`networks[%d].ipConfig.addresses[%d]: the same address is on networks[%d] ("net%d")`, i, len(c.Addresses), k, k))
				} else {
					first[a] = i
				}
				c.Addresses = append(c.Addresses, netip.PrefixFrom(a, rapid.SampledFrom([]int{16, 24}).Draw(t, "bits")))
			}
			spec.Networks = append(spec.Networks, netconfig.Network{
				Name: fmt.Sprintf("net%d", i), Source: netconfig.SourceMultus, NetworkName: "nad", IPConfig: c,
			})
		}
		requireErrors(t, spec, "the same address is on", want)
	})
}

// TestOverlappingSubnetsWarnsOfEach checks the OverlappingSubnets
// warnings against checking every pair in VM order: each address whose
// subnet overlaps one of another network listed before it gets one
// warning, which names the first such subnet. VMs of up to 40 networks,
// with subnets drawn from a small space, take both of Build's ways (a
// short list, and a sorted sweep past 16 subnets).
func TestOverlappingSubnetsWarnsOfEach(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spec := netconfig.Spec{Networks: []netconfig.Network{{Name: "default", Source: netconfig.SourcePod}}}
		used := map[netip.Addr]bool{}
		type addr struct {
			network, index int
			prefix         netip.Prefix
		}
		var all []addr
		n := rapid.IntRange(1, 40).Draw(t, "networks")
		for i := 1; i <= n; i++ {
			c := &netconfig.IPConfig{Mode: netconfig.ModeStatic}
			for range rapid.IntRange(1, 2).Draw(t, "addresses") {
				a := netip.AddrFrom4([4]byte{10, rapid.Byte().Draw(t, "b1") & 3, rapid.Byte().Draw(t, "b2") & 3, 16*(rapid.Byte().Draw(t, "b3")&15) + 5})
				p := netip.PrefixFrom(a, rapid.SampledFrom([]int{16, 20, 24, 28}).Draw(t, "bits"))
				if used[a] { // an address of its own, in a subnet of its own
					p = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 200, byte(i), byte(5 + len(c.Addresses))}), 24)
				}
				used[p.Addr()] = true
				all = append(all, addr{i, len(c.Addresses), p.Masked()})
				c.Addresses = append(c.Addresses, p)
			}
			spec.Networks = append(spec.Networks, netconfig.Network{
				Name: fmt.Sprintf("net%d", i), Source: netconfig.SourceMultus, NetworkName: "nad", IPConfig: c,
			})
		}
		var want []string
		for k, m := range all {
			for _, s := range all[:k] {
				if s.network != m.network && s.prefix.Overlaps(m.prefix) {
					want = append(want, fmt.Sprintf("net%d networks[%d].ipConfig.addresses[%d] %s overlaps %s of network \"net%d\"",
						m.network, m.network, m.index, m.prefix, s.prefix, s.network))
					break
				}
			}
		}
		res, err := netconfig.Build(spec)
		require.NoError(t, err)
		var got []string
		for _, w := range res.Warnings {
			if w.Code != netconfig.WarningOverlappingSubnets {
				continue
			}
			var subnet, other, network string
			_, err := fmt.Sscanf(w.Message, "subnet %s overlaps %s of network %s", &subnet, &other, &network)
			require.NoError(t, err, w.Message)
			got = append(got, fmt.Sprintf("%s %s %s overlaps %s of network %s", w.Network, w.Field, subnet, other, strings.TrimSuffix(network, ";")))
		}
		require.Equal(t, want, got)
	})
}
