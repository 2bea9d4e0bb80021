package netconfig

import (
	"testing"

	"pgregory.net/rapid"
)

// TestFirstIndexIsAMap holds firstIndex, a list that becomes a map past
// shortList keys, to a plain map that keeps each key's first index.
func TestFirstIndexIsAMap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		keys := rapid.SliceOfN(rapid.IntRange(0, 2*shortList), 0, 4*shortList).Draw(t, "keys")
		var f firstIndex[int]
		want := map[int]int{}
		for i, k := range keys {
			got, ok := f.get(k)
			first, seen := want[k]
			if ok != seen || got != first {
				t.Fatalf("key %d at %d: get = %d, %v; want %d, %v", k, i, got, ok, first, seen)
			}
			if !seen {
				f.put(k, i)
				want[k] = i
			}
		}
	})
}
