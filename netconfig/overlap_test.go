package netconfig

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestAnyOverlapAgreesWithPairs checks the sorted sweep against checking
// every pair, over subnets drawn from a small space so that overlaps are
// common, across families and the IPv4-mapped range.
func TestAnyOverlapAgreesWithPairs(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var subnets []subnet
		for i := rapid.IntRange(0, 48).Draw(t, "n"); i > 0; i-- {
			var p netip.Prefix
			switch rapid.IntRange(0, 2).Draw(t, "family") {
			case 1:
				a := netip.AddrFrom16([16]byte{0xfd, 0, 0, rapid.Byte().Draw(t, "b3") & 0x0f})
				p = netip.PrefixFrom(a, rapid.IntRange(8, 64).Draw(t, "bits6")).Masked()
			case 2: // IPv4-mapped: IPv6 prefixes, which overlap no IPv4 one
				a := netip.AddrFrom16(netip.AddrFrom4([4]byte{10, rapid.Byte().Draw(t, "b1") & 0x07, 0, 0}).As16())
				p = netip.PrefixFrom(a, rapid.IntRange(96, 120).Draw(t, "bits4in6")).Masked()
			default:
				a := netip.AddrFrom4([4]byte{10, rapid.Byte().Draw(t, "b1") & 0x07, rapid.Byte().Draw(t, "b2") & 0x03, 0})
				p = netip.PrefixFrom(a, rapid.IntRange(8, 30).Draw(t, "bits4")).Masked()
			}
			subnets = append(subnets, subnet{p, rapid.IntRange(0, 3).Draw(t, "network"), len(subnets)})
		}
		want := false
		for i, a := range subnets {
			for _, b := range subnets[:i] {
				want = want || a.network != b.network && a.prefix.Overlaps(b.prefix)
			}
		}
		require.Equal(t, want, anyOverlap(subnets), "%v", subnets)
	})
}
