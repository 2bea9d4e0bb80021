package vmspec

import (
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
	kubevirtv1 "kubevirt.io/api/core/v1"
	"pgregory.net/rapid"

	"github.com/guestnet/guestnet/netconfig"
)

// drawnVM is a generated valid VM and what each of its networks should
// become.
type drawnVM struct {
	vm *kubevirtv1.VirtualMachine
	// macs and absent are by network name; order is the interfaces'.
	macs   map[string]netconfig.MAC
	absent map[string]bool
	order  []string
}

// drawVM draws a valid VM: distinct network names, one interface per
// network in a drawn order, pod or Multus sources, a binding, and maybe a
// MAC (written in a drawn form) and the absent state.
func drawVM(t *rapid.T) drawnVM {
	names := rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z][a-z0-9-]{0,12}`), 1, 8, rapid.ID[string]).Draw(t, "names")
	d := drawnVM{macs: map[string]netconfig.MAC{}, absent: map[string]bool{}}
	networks := make([]kubevirtv1.Network, len(names))
	for i, name := range names {
		if i == 0 && rapid.Bool().Draw(t, "pod") {
			networks[i] = pod(name)
		} else {
			networks[i] = multusNet(name, rapid.StringMatching(`([a-z]{1,8}/)?[a-z][a-z0-9-]{0,10}`).Draw(t, "nad"))
		}
	}
	perm := rapid.Permutation(names).Draw(t, "interface order")
	interfaces := make([]kubevirtv1.Interface, len(perm))
	for i, name := range perm {
		ifc := rapid.SampledFrom([]func(string) kubevirtv1.Interface{bridge, masquerade, sriov}).Draw(t, "binding")(name)
		if rapid.Bool().Draw(t, "mac") {
			var b netconfig.MAC
			for k := range b {
				b[k] = rapid.Byte().Draw(t, "octet")
			}
			b[0] = b[0]&^1 | 2 // unicast
			d.macs[name] = b
			form := rapid.SampledFrom([]string{"%02x:%02x:%02x:%02x:%02x:%02x", "%02X-%02X-%02X-%02X-%02X-%02X"}).Draw(t, "form")
			ifc.MacAddress = fmt.Sprintf(form, b[0], b[1], b[2], b[3], b[4], b[5])
		}
		if rapid.Bool().Draw(t, "absent") {
			ifc.State = kubevirtv1.InterfaceStateAbsent
			d.absent[name] = true
		}
		interfaces[i] = ifc
	}
	d.order = perm
	d.vm = newVM(networks, interfaces...)
	return d
}

// TestDerivedSpecFollowsTheVM checks that the derived spec has the VM's
// networks in spec.networks order, the MAC each interface sets, the
// interfaces' order, and Absent exactly for absent interfaces.
func TestDerivedSpecFollowsTheVM(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := drawVM(t)
		before := d.vm.DeepCopy()
		spec, err := FromVM(d.vm, netconfig.Spec{})
		if err != nil {
			t.Fatalf("a valid VM: %v", err)
		}
		vmNets := d.vm.Spec.Template.Spec.Networks
		if len(spec.Networks) != len(vmNets) {
			t.Fatalf("%d networks, want %d", len(spec.Networks), len(vmNets))
		}
		for i, n := range spec.Networks {
			if n.Name != vmNets[i].Name {
				t.Fatalf("networks[%d] is %q, want %q", i, n.Name, vmNets[i].Name)
			}
			if n.MAC != d.macs[n.Name] {
				t.Fatalf("network %q has MAC %s, want %s", n.Name, n.MAC, d.macs[n.Name])
			}
			if n.Absent != d.absent[n.Name] {
				t.Fatalf("network %q: Absent %v, want %v", n.Name, n.Absent, d.absent[n.Name])
			}
			if n.IPConfig != nil {
				t.Fatalf("network %q has an IP config nobody asked for", n.Name)
			}
		}
		if !slices.Equal(spec.InterfaceOrder, d.order) {
			t.Fatalf("interface order %q, want %q", spec.InterfaceOrder, d.order)
		}
		if spec.Namespace != d.vm.Namespace {
			t.Fatalf("namespace %q, want %q", spec.Namespace, d.vm.Namespace)
		}
		if !reflect.DeepEqual(before, d.vm) {
			t.Fatal("FromVM modified the VM")
		}
	})
}

// TestAskedIPConfigsLandOnTheirNetworks checks that the IP config asked
// for each network, in any order, is the one its network gets, and that
// the others get none.
func TestAskedIPConfigsLandOnTheirNetworks(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := drawVM(t)
		vmNets := d.vm.Spec.Template.Spec.Networks
		var asked netconfig.Spec
		want := map[string]*netconfig.IPConfig{}
		for _, i := range rapid.Permutation(rapid.SliceOfNDistinct(rapid.IntRange(0, len(vmNets)-1), 0, len(vmNets), rapid.ID[int]).Draw(t, "asked")).Draw(t, "asked order") {
			c := &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(i), 5}), 24)}}
			want[vmNets[i].Name] = c
			asked.Networks = append(asked.Networks, netconfig.Network{Name: vmNets[i].Name, IPConfig: c})
		}
		spec, err := FromVM(d.vm, asked)
		if err != nil {
			t.Fatalf("asking for the VM's own networks: %v", err)
		}
		for _, n := range spec.Networks {
			if n.IPConfig != want[n.Name] {
				t.Fatalf("network %q has IP config %+v, want %+v", n.Name, n.IPConfig, want[n.Name])
			}
		}
	})
}

// TestAskedNetworkNotInTheVMIsAnError checks that asking for a network the
// VM does not have is always an error at that network's name, naming it,
// whatever else is asked.
func TestAskedNetworkNotInTheVMIsAnError(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := drawVM(t)
		vmNets := d.vm.Spec.Template.Spec.Networks
		inVM := map[string]bool{}
		var asked netconfig.Spec
		for _, n := range vmNets {
			inVM[n.Name] = true
			if rapid.Bool().Draw(t, "ask") {
				asked.Networks = append(asked.Networks, netconfig.Network{Name: n.Name, IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP}})
			}
		}
		extra := rapid.StringMatching(`[a-zA-Z0-9.-]{1,20}`).Filter(func(s string) bool { return !inVM[s] }).Draw(t, "extra")
		at := rapid.IntRange(0, len(asked.Networks)).Draw(t, "at")
		asked.Networks = append(asked.Networks[:at], append([]netconfig.Network{{Name: extra, IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP}}}, asked.Networks[at:]...)...)

		_, err := FromVM(d.vm, asked)
		if err == nil {
			t.Fatalf("asking for %q, which the VM lacks, is not an error", extra)
		}
		errs := fieldErrors(t, err)
		if len(errs) != 1 {
			t.Fatalf("want one problem, got %v", err)
		}
		want := field.NewPath("networks").Index(at).Child("name").String()
		if errs[0].Type != field.ErrorTypeNotFound || errs[0].Field != want || errs[0].BadValue != extra {
			t.Fatalf("got %v, want NotFound at %s for %q", errs[0], want, extra)
		}
	})
}
