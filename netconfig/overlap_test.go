package netconfig

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestAnyOverlapAgreesWithPairs checks the sorted sweep against checking
// every pair, over subnets drawn from a small space so that overlaps are
// common.
func TestAnyOverlapAgreesWithPairs(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var subnets []subnet
		for i := rapid.IntRange(0, 3*shortList).Draw(t, "n"); i > 0; i-- {
			var p netip.Prefix
			if rapid.Bool().Draw(t, "v6") {
				a := netip.AddrFrom16([16]byte{0xfd, 0, 0, rapid.Byte().Draw(t, "b3") & 0x0f})
				p = netip.PrefixFrom(a, rapid.IntRange(8, 64).Draw(t, "bits6")).Masked()
			} else {
				a := netip.AddrFrom4([4]byte{10, rapid.Byte().Draw(t, "b1") & 0x07, rapid.Byte().Draw(t, "b2") & 0x03, 0})
				p = netip.PrefixFrom(a, rapid.IntRange(8, 30).Draw(t, "bits4")).Masked()
			}
			subnets = append(subnets, newSubnet(p, rapid.IntRange(0, 3).Draw(t, "network"), len(subnets)))
		}
		want := false
		for i, a := range subnets {
			for _, b := range subnets[:i] {
				want = want || a.network != b.network && a.prefix().Overlaps(b.prefix())
			}
		}
		require.Equal(t, want, anyOverlap(subnets), "%v", subnets)
	})
}

// TestSubnetIsPrefix holds subnet, anyOverlap's pointer-free form of a
// prefix, to netip: it gives back the masked prefix, and overlaps as
// netip.Prefix.Overlaps does, across families and at every length
// (IPv6 prefixes around the IPv4-mapped range included).
func TestSubnetIsPrefix(t *testing.T) {
	gen := rapid.Custom(func(t *rapid.T) netip.Prefix {
		if rapid.Bool().Draw(t, "v4") {
			a := netip.AddrFrom4([4]byte{10, rapid.Byte().Draw(t, "b1") & 0x81, rapid.Byte().Draw(t, "b2"), rapid.Byte().Draw(t, "b3")})
			return netip.PrefixFrom(a, rapid.IntRange(0, 32).Draw(t, "bits4"))
		}
		b := netip.AddrFrom4([4]byte{10, rapid.Byte().Draw(t, "b1") & 0x81, 0, 1}).As16() // ::ffff:10.x.0.1
		for _, i := range rapid.SliceOfN(rapid.IntRange(0, 127), 0, 3).Draw(t, "flips") {
			b[i/8] ^= 0x80 >> (i % 8)
		}
		bits := rapid.IntRange(0, 128).Draw(t, "bits6")
		if rapid.Bool().Draw(t, "nested") { // a prefix of the shared address, so that many pairs nest
			return netip.PrefixFrom(netip.AddrFrom16(netip.AddrFrom4([4]byte{10, 0, 0, 1}).As16()), bits)
		}
		return netip.PrefixFrom(netip.AddrFrom16(b), bits)
	})
	rapid.Check(t, func(t *rapid.T) {
		p, q := gen.Draw(t, "p"), gen.Draw(t, "q")
		s, u := newSubnet(p, 0, 0), newSubnet(q, 1, 0)
		require.Equal(t, p.Masked(), s.prefix())
		require.Equal(t, p.Overlaps(q), s.overlaps(u), "%v and %v", p, q)
		require.Equal(t, -s.compare(u) < 0, u.compare(s) < 0, "%v and %v", p, q)
	})
}
