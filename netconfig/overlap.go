package netconfig

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
)

// subnet is the subnet of address index of network network, held without
// pointers (a netip.Addr holds one), so that sorting subnets moves plain
// words: a VM of 64 dual-stack networks spent a tenth of Build in
// sorting them, mostly in the GC's write barriers.
type subnet struct {
	// hi and lo are the first address as a 128-bit number, an IPv4
	// address in its IPv4-mapped form.
	hi, lo uint64
	// bits is the prefix length in that 128-bit space (96 more than an
	// IPv4 prefix's own).
	bits    uint8
	is4     bool
	network int32
	index   int32
}

// newSubnet returns the subnet of address a, element index of network
// network's addresses. a must be valid.
func newSubnet(a netip.Prefix, network, index int) subnet {
	m := a.Masked()
	b := m.Addr().As16()
	s := subnet{
		hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:]),
		bits: uint8(m.Bits()), is4: m.Addr().Is4(), network: int32(network), index: int32(index),
	}
	if s.is4 {
		s.bits += 96
	}
	return s
}

// prefix returns s as a netip.Prefix.
func (s subnet) prefix() netip.Prefix {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], s.hi)
	binary.BigEndian.PutUint64(b[8:], s.lo)
	a, bits := netip.AddrFrom16(b), int(s.bits)
	if s.is4 {
		a, bits = a.Unmap(), bits-96
	}
	return netip.PrefixFrom(a, bits)
}

// contains reports whether s holds the first address of t; both are of
// one family.
func (s subnet) contains(t subnet) bool {
	hi, lo := t.hi, t.lo
	switch {
	case s.bits == 0:
		hi, lo = 0, 0
	case s.bits < 64:
		hi, lo = hi&^(^uint64(0)>>s.bits), 0
	case s.bits < 128:
		lo &^= ^uint64(0) >> (s.bits - 64)
	}
	return hi == s.hi && lo == s.lo
}

// overlaps reports whether s and t share an address, as
// netip.Prefix.Overlaps does.
func (s subnet) overlaps(t subnet) bool {
	return s.is4 == t.is4 && (s.contains(t) || t.contains(s))
}

// compare orders subnets by family (IPv4 first), then first address, then
// prefix length, the shorter first.
func (s subnet) compare(t subnet) int {
	switch {
	case s.is4 != t.is4:
		if s.is4 {
			return -1
		}
		return 1
	case s.hi != t.hi:
		return cmpUint(s.hi, t.hi)
	case s.lo != t.lo:
		return cmpUint(s.lo, t.lo)
	}
	return int(s.bits) - int(t.bits)
}

func cmpUint(a, b uint64) int {
	if a < b {
		return -1
	}
	return 1
}

// overlappingSubnets warns of each subnet that overlaps one of another
// network listed before it, naming the first.
//
// Overlaps are rare, and checking every pair costs the square of the
// number of subnets, so the caller first asks anyOverlap, a sweep over the
// subnets sorted by first address (O(n log n)), whether there is any
// overlap between networks at all; only then are the pairs checked, in
// order.
func (v *validator) overlappingSubnets(spec Spec, plans []plan, subnets []subnet) {
	// anyOverlap may have sorted them by address; back to VM order.
	slices.SortFunc(subnets, func(a, b subnet) int {
		if a.network != b.network {
			return int(a.network - b.network)
		}
		return int(a.index - b.index)
	})
	for k, m := range subnets {
		for _, s := range subnets[:k] {
			if s.network != m.network && s.overlaps(m) {
				v.warn(WarningOverlappingSubnets, plans[m.network].Network,
					newPath(segNetworks).Index(int(m.network)).Child(segIPConfig).Child(segAddresses).Index(int(m.index)),
					fmt.Sprintf("subnet %s overlaps %s of network %q; the guest's choice of interface for that range is ambiguous", m.prefix(), s.prefix(), spec.Networks[s.network].Name))
				break
			}
		}
	}
}

// anyOverlap reports whether two subnets of different networks overlap. It
// may reorder subnets.
//
// Two prefixes overlap only when one holds the other, so after sorting by
// first address (the shorter prefix first on a tie), every subnet that
// holds a later one is on a stack of the subnets still open at its first
// address.
func anyOverlap(subnets []subnet) bool {
	if len(subnets) <= shortList {
		for k, a := range subnets {
			for _, b := range subnets[:k] {
				if a.network != b.network && a.overlaps(b) {
					return true
				}
			}
		}
		return false
	}
	slices.SortFunc(subnets, subnet.compare)
	var openBuf [shortList]subnet // prefixes nest at most 129 deep, and rarely at all
	open := openBuf[:0]
	for _, s := range subnets {
		for len(open) > 0 && !(open[len(open)-1].is4 == s.is4 && open[len(open)-1].contains(s)) {
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
