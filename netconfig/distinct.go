package netconfig

import (
	"cmp"
	"slices"
)

// distinct reports whether the keys key(0), ..., key(n-1), where key
// returns one, are all different. It sorts a copy of them on the stack, so
// that a VM of many networks learns that its names, PCI addresses and MACs
// are distinct in O(n log n) with no map; only when they are not does it
// need firstIndex to say which repeat which.
func distinct[K cmp.Ordered](n int, key func(i int) (K, bool)) bool {
	var buf [MaxNetworks]K // a Spec has no more networks; more would go to the heap
	keys := buf[:0]
	for i := range n {
		if k, ok := key(i); ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for i := 1; i < len(keys); i++ {
		if keys[i] == keys[i-1] {
			return false
		}
	}
	return true
}

// macKey is m as a number, for distinct.
func macKey(m MAC) uint64 {
	return uint64(m[0])<<40 | uint64(m[1])<<32 | uint64(m[2])<<24 | uint64(m[3])<<16 | uint64(m[4])<<8 | uint64(m[5])
}
