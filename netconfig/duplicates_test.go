package netconfig_test

import (
	"fmt"
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
		res, err := netconfig.Build(spec)
		if len(want) == 0 {
			require.NoError(t, err)
			return
		}
		require.Empty(t, res.YAML)
		var invalid *netconfig.InvalidSpecError
		require.ErrorAs(t, err, &invalid)
		var got []string
		for _, fe := range invalid.Errors {
			if strings.Contains(fe.Detail, "has the same") {
				got = append(got, fe.Field+": "+fe.Detail)
			}
		}
		require.Equal(t, want, got)
	})
}
