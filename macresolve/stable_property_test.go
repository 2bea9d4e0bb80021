package macresolve

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"
	"pgregory.net/rapid"

	"github.com/guestnet/guestnet/netconfig"
)

// drawPrefix draws a valid prefix of zero to three octets and returns it
// with its octets.
func drawPrefix(t *rapid.T) (Prefix, []byte) {
	octets := rapid.SliceOfN(rapid.Byte(), 0, MaxPrefixLen).Draw(t, "prefix")
	if len(octets) > 0 {
		octets[0] = octets[0]&^1 | 2
	}
	p, err := PrefixFrom(octets...)
	if err != nil {
		t.Fatalf("PrefixFrom(%x): %v", octets, err)
	}
	return p, octets
}

// referenceAssign restates the collision rule of StableMACs apart from the
// code under test: networks in name order, each taking the first attempt
// whose MAC is not taken yet.
func referenceAssign(namespace, vmName string, networks []string, prefix []byte, avoid []netconfig.MAC) map[string]netconfig.MAC {
	taken := map[netconfig.MAC]bool{}
	for _, m := range avoid {
		taken[m] = true
	}
	sorted := slices.Clone(networks)
	slices.Sort(sorted)
	out := map[string]netconfig.MAC{}
	for _, n := range sorted {
		for attempt := uint64(0); ; attempt++ {
			m := referenceMAC(namespace, vmName, n, attempt, prefix...)
			if !taken[m] {
				taken[m] = true
				out[n] = m
				break
			}
		}
	}
	return out
}

// TestStableMACsAreDeterministicUnicastLocal checks that stable MACs follow
// the documented scheme for any strings, come out the same whatever the
// order of the networks, and are unicast, locally administered MACs a NIC
// can have, under the prefix.
func TestStableMACsAreDeterministicUnicastLocal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		namespace := rapid.String().Draw(t, "namespace")
		vmName := rapid.String().Draw(t, "vm")
		prefix, octets := drawPrefix(t)

		network := rapid.String().Draw(t, "network")
		if got, want := StableMAC(namespace, vmName, network, prefix), referenceMAC(namespace, vmName, network, 0, octets...); got != want {
			t.Fatalf("StableMAC(%q, %q, %q, %s) = %s, want %s", namespace, vmName, network, prefix, got, want)
		}

		if namespace == "" || vmName == "" {
			return
		}
		networks := rapid.SliceOfNDistinct(rapid.StringN(1, 20, -1), 0, 8, rapid.ID[string]).Draw(t, "networks")
		got, err := StableMACs(namespace, vmName, networks, prefix)
		if err != nil {
			t.Fatalf("StableMACs: %v", err)
		}
		if want := referenceAssign(namespace, vmName, networks, octets, nil); !reflect.DeepEqual(got, want) {
			t.Fatalf("StableMACs = %v, want %v", got, want)
		}
		again, err := StableMACs(namespace, vmName, rapid.Permutation(networks).Draw(t, "order"), prefix)
		if err != nil || !reflect.DeepEqual(got, again) {
			t.Fatalf("StableMACs in another order = %v, %v; want %v", again, err, got)
		}
		for n, m := range got {
			if m.IsMulticast() || !m.IsLocallyAdministered() || m.Problem() != "" {
				t.Fatalf("network %q: %s is not a unicast, locally administered MAC a NIC can have", n, m)
			}
			if !slices.Equal(m[:len(octets)], octets) {
				t.Fatalf("network %q: %s does not start with the prefix %s", n, m, prefix)
			}
		}
	})
}

// TestStableMACsDistinctWithinVM checks that the MACs of one VM differ from
// each other and from the MACs to avoid, even when the MACs to avoid are
// chosen to be in the way (the networks' own first and second attempts)
// and the prefix leaves only 24 bits.
func TestStableMACsDistinctWithinVM(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		prefix, octets := drawPrefix(t)
		networks := rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z][a-z0-9-]{0,6}`), 0, 40, rapid.ID[string]).Draw(t, "networks")
		var avoid []netconfig.MAC
		for _, n := range networks {
			for attempt := range uint64(rapid.IntRange(0, 2).Draw(t, "blocked")) {
				avoid = append(avoid, referenceMAC("vms", "fedora", n, attempt, octets...))
			}
		}
		for range rapid.IntRange(0, 3).Draw(t, "others") {
			b, _ := drawUnicastMAC(t, "other")
			avoid = append(avoid, netconfig.MAC(b))
		}
		avoid = rapid.Permutation(avoid).Draw(t, "avoid")

		got, err := StableMACs("vms", "fedora", networks, prefix, avoid...)
		if err != nil {
			t.Fatalf("StableMACs: %v", err)
		}
		checkDistinct(t, networks, got, avoid, octets)
		if want := referenceAssign("vms", "fedora", networks, octets, avoid); !reflect.DeepEqual(got, want) {
			t.Fatalf("StableMACs = %v, want %v", got, want)
		}
	})
}

// TestStableMACsDistinctWithinVMManyNetworks gives a VM so many networks
// under a three-octet prefix that some first attempts do collide (about a
// dozen are expected among 20000 networks in 2^24 MACs), and checks that
// the collisions were resolved.
func TestStableMACsDistinctWithinVMManyNetworks(t *testing.T) {
	const n = 20000
	octets := []byte{0x06, 0x1c, 0x2f}
	networks := make([]string, n)
	firsts := map[netconfig.MAC]int{}
	for i := range networks {
		networks[i] = "net-" + strconv.Itoa(i)
		firsts[referenceMAC("vms", "fedora", networks[i], 0, octets...)]++
	}
	if len(firsts) == n {
		t.Fatal("no two first attempts collide; the test no longer exercises collisions")
	}
	got, err := StableMACs("vms", "fedora", networks, MustParsePrefix("06:1c:2f"))
	if err != nil {
		t.Fatalf("StableMACs: %v", err)
	}
	checkDistinct(t, networks, got, nil, octets)
	if want := referenceAssign("vms", "fedora", networks, octets, nil); !reflect.DeepEqual(got, want) {
		t.Fatal("StableMACs does not resolve collisions as documented")
	}
	t.Logf("%d first attempts collided", n-len(firsts))
}

// checkDistinct checks that got has one MAC per network, all distinct, none
// in avoid, all under the prefix.
func checkDistinct(t interface{ Fatalf(string, ...any) }, networks []string, got map[string]netconfig.MAC, avoid []netconfig.MAC, prefix []byte) {
	if len(got) != len(networks) {
		t.Fatalf("got %d MACs for %d networks", len(got), len(networks))
	}
	seen := map[netconfig.MAC]string{}
	for _, n := range networks {
		m, ok := got[n]
		if !ok {
			t.Fatalf("network %q has no MAC", n)
		}
		if other, dup := seen[m]; dup {
			t.Fatalf("networks %q and %q both have %s", other, n, m)
		}
		if slices.Contains(avoid, m) {
			t.Fatalf("network %q has %s, which was to be avoided", n, m)
		}
		if !slices.Equal(m[:len(prefix)], prefix) {
			t.Fatalf("network %q: %s is not under the prefix %x", n, m, prefix)
		}
		seen[m] = n
	}
}

// drawVM draws a VirtualMachine with up to eight interfaces of distinct
// names, some with a MAC set (in any accepted form, sometimes one that is
// another interface's stable MAC, so that it is in the way), the rest
// without.
func drawVM(t *rapid.T) *kubevirtv1.VirtualMachine {
	names := rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z][a-z0-9-]{0,8}`), 0, 8, rapid.ID[string]).Draw(t, "names")
	vm := &kubevirtv1.VirtualMachine{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: rapid.StringMatching(`[a-z][a-z0-9-]{0,8}`).Draw(t, "namespace"),
			Name:      rapid.StringMatching(`[a-z][a-z0-9-]{0,8}`).Draw(t, "name"),
			Labels:    map[string]string{"app": "db"},
		},
		Spec: kubevirtv1.VirtualMachineSpec{Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"kubevirt.io/vm": "db"}},
		}},
	}
	used := map[netconfig.MAC]bool{}
	for _, name := range names {
		iface := kubevirtv1.Interface{Name: name}
		switch rapid.IntRange(0, 2).Draw(t, "mac") {
		case 1:
			b, s := drawUnicastMAC(t, "set")
			if !used[b] {
				used[b] = true
				iface.MacAddress = s
			}
		case 2:
			other := rapid.SampledFrom(names).Draw(t, "inTheWayOf")
			m := referenceMAC(vm.Namespace, vm.Name, other, 0)
			if !used[m] {
				used[m] = true
				iface.MacAddress = formatMAC(t, m)
			}
		}
		vm.Spec.Template.Spec.Domain.Devices.Interfaces = append(vm.Spec.Template.Spec.Domain.Devices.Interfaces, iface)
	}
	return vm
}

// TestPinNeverChangesASetMAC checks that Pin leaves every set macAddress
// exactly as it was written, fills every missing one with a MAC that is
// none of the set ones and no other filled one, and reports exactly the
// ones it filled, in interface order.
func TestPinNeverChangesASetMAC(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		vm := drawVM(t)
		prefix, octets := drawPrefix(t)
		got, pinned, err := Pin(vm, WithPrefix(prefix))
		if err != nil {
			t.Fatalf("Pin: %v", err)
		}
		in := vm.Spec.Template.Spec.Domain.Devices.Interfaces
		out := got.Spec.Template.Spec.Domain.Devices.Interfaces
		if len(out) != len(in) {
			t.Fatalf("Pin returned %d interfaces, want %d", len(out), len(in))
		}
		set := map[netconfig.MAC]bool{}
		for _, iface := range in {
			if iface.MacAddress != "" {
				set[netconfig.MustParseMAC(iface.MacAddress)] = true
			}
		}
		var wantPinned []Pinned
		filled := map[netconfig.MAC]string{}
		for i := range in {
			if in[i].Name != out[i].Name {
				t.Fatalf("interfaces[%d] renamed from %q to %q", i, in[i].Name, out[i].Name)
			}
			if in[i].MacAddress != "" {
				if out[i].MacAddress != in[i].MacAddress {
					t.Fatalf("interfaces[%d] (%s): set MAC %q changed to %q", i, in[i].Name, in[i].MacAddress, out[i].MacAddress)
				}
				continue
			}
			m, err := netconfig.ParseMAC(out[i].MacAddress)
			if err != nil {
				t.Fatalf("interfaces[%d] (%s): filled with %q: %v", i, in[i].Name, out[i].MacAddress, err)
			}
			if m.String() != out[i].MacAddress {
				t.Fatalf("interfaces[%d] (%s): filled with %q, not in lower-case colon form", i, in[i].Name, out[i].MacAddress)
			}
			if set[m] {
				t.Fatalf("interfaces[%d] (%s): filled with %s, which another interface sets", i, in[i].Name, m)
			}
			if other, dup := filled[m]; dup {
				t.Fatalf("interfaces %q and %q both filled with %s", other, in[i].Name, m)
			}
			if m.IsMulticast() || !m.IsLocallyAdministered() || !slices.Equal(m[:len(octets)], octets) {
				t.Fatalf("interfaces[%d] (%s): %s is not a unicast, locally administered MAC under %s", i, in[i].Name, m, prefix)
			}
			filled[m] = in[i].Name
			wantPinned = append(wantPinned, pinnedAt(i, in[i].Name, m))
		}
		if !reflect.DeepEqual(pinned, wantPinned) {
			t.Fatalf("Pin reported %v, want %v", pinned, wantPinned)
		}
	})
}

// TestPinDoesNotMutateInput checks that Pin leaves its argument as it was
// and that its result shares nothing with it.
func TestPinDoesNotMutateInput(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		vm := drawVM(t)
		before := vm.DeepCopy()
		got, _, err := Pin(vm)
		if err != nil {
			t.Fatalf("Pin: %v", err)
		}
		if !reflect.DeepEqual(vm, before) {
			t.Fatalf("Pin modified its argument:\n%+v\nwas\n%+v", vm, before)
		}
		if got == vm || got.Spec.Template == vm.Spec.Template {
			t.Fatal("Pin returned its argument, or shares its template")
		}
		// Writing to the result must not reach the argument.
		got.Labels["app"] = "changed"
		got.Spec.Template.ObjectMeta.Labels["kubevirt.io/vm"] = "changed"
		for i := range got.Spec.Template.Spec.Domain.Devices.Interfaces {
			got.Spec.Template.Spec.Domain.Devices.Interfaces[i].MacAddress = "changed"
		}
		if !reflect.DeepEqual(vm, before) {
			t.Fatal("the result of Pin shares memory with its argument")
		}
	})
}

// TestChainHonoursOrder checks that a chain answers each network with the
// entry of the first of its resolvers, in order, that has one with a MAC.
func TestChainHonoursOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		networks := []string{"default", "red", "blue", "green"}
		k := rapid.IntRange(0, 5).Draw(t, "resolvers")
		tables := make([]netconfig.MACTable, k)
		rs := make([]netconfig.MACResolver, k)
		for j := range tables {
			tables[j] = netconfig.MACTable{}
			for _, n := range networks {
				switch rapid.IntRange(0, 2).Draw(t, "has") {
				case 1:
					b, _ := drawUnicastMAC(t, "mac")
					tables[j][n] = netconfig.ResolvedMAC{MAC: netconfig.MAC(b), Origin: netconfig.MACStatic, Detail: fmt.Sprint(j)}
				case 2:
					tables[j][n] = netconfig.ResolvedMAC{Origin: netconfig.MACStatic, Detail: fmt.Sprint(j)} // no MAC: no answer
				}
			}
			rs[j] = tables[j]
			if rapid.Bool().Draw(t, "asFunc") {
				rs[j] = netconfig.MACResolverFunc(tables[j].ResolveMAC)
			}
		}
		chain := Chain(rs...)
		for _, n := range networks {
			var want netconfig.ResolvedMAC
			wantOK := false
			for j := range tables {
				if e, ok := tables[j][n]; ok && e.MAC.IsValid() {
					want, wantOK = e, true
					break
				}
			}
			got, ok := chain.ResolveMAC(n)
			if ok != wantOK || got != want {
				t.Fatalf("network %q: ResolveMAC = %+v, %v; want %+v, %v", n, got, ok, want, wantOK)
			}
			var r netconfig.MACResolver = chain
			if got, ok := r.ResolveMAC(n); ok != wantOK || got != want {
				t.Fatalf("network %q: ResolveMAC through netconfig.MACResolver = %+v, %v; want %+v, %v", n, got, ok, want, wantOK)
			}
		}
	})
}
