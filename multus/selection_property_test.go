package multus

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"regexp"
	"slices"
	"testing"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"
	"pgregory.net/rapid"

	"github.com/guestnet/guestnet/netconfig"
)

// drawAddress draws an IPv4 or IPv6 address with a prefix length.
func drawAddress(t *rapid.T) netip.Prefix {
	if rapid.Bool().Draw(t, "v6") {
		var b [16]byte
		b[0] = 0xfd
		for i := 1; i < 16; i++ {
			b[i] = rapid.Byte().Draw(t, "v6byte")
		}
		return netip.PrefixFrom(netip.AddrFrom16(b), rapid.IntRange(8, 128).Draw(t, "bits6"))
	}
	var b [4]byte
	for i := range b {
		b[i] = rapid.Byte().Draw(t, "v4byte")
	}
	return netip.PrefixFrom(netip.AddrFrom4(b), rapid.IntRange(8, 32).Draw(t, "bits4"))
}

// cidr writes an address with its prefix length, apart from the code under
// test.
func cidr(p netip.Prefix) string { return fmt.Sprintf("%s/%d", p.Addr(), p.Bits()) }

// TestEveryStaticAddressInItsOwnElement checks that every static address of
// every Multus network is requested in exactly one element, its network's,
// in order; that nothing else is requested; that elements come in VM order
// with the attachment, the hashed pod interface name and the MAC; and that
// the annotation decodes, through the nadv1 type, to the same elements.
func TestEveryStaticAddressInItsOwnElement(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 6).Draw(t, "networks")
		names := rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z][a-z0-9-]{0,10}`).Filter(func(s string) bool { return s != "default" }), n, n, rapid.ID[string]).Draw(t, "names")
		spec := netconfig.Spec{Namespace: rapid.SampledFrom([]string{"", "vms"}).Draw(t, "namespace")}
		type want struct {
			namespace, name, iface, mac string
			ips                         []string
		}
		var wants []want
		seen := map[netip.Addr]bool{}
		macs := netconfig.MACTable{}
		for k, name := range names {
			if rapid.Bool().Draw(t, "podHere") {
				spec.Networks = append(spec.Networks, netconfig.Network{Name: "default", Source: netconfig.SourcePod, IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP}})
			}
			if rapid.IntRange(0, 4).Draw(t, "kind") == 0 {
				// A network of unspecified source is no Multus request,
				// whatever its IP config.
				spec.Networks = append(spec.Networks, netconfig.Network{Name: name, IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{drawAddress(t)}}})
				continue
			}
			net := netconfig.Network{Name: name, Source: netconfig.SourceMultus, Binding: netconfig.BindingBridge}
			w := want{iface: hashedName(name)}
			attachment := rapid.SampledFrom([]string{"ext-net", "other/l2-net"}).Draw(t, "attachment")
			net.NetworkName = attachment
			switch attachment {
			case "ext-net":
				w.namespace, w.name = spec.Namespace, "ext-net"
			default:
				w.namespace, w.name = "other", "l2-net"
			}
			switch rapid.IntRange(0, 3).Draw(t, "mode") {
			case 0:
			case 1:
				net.IPConfig = &netconfig.IPConfig{Mode: netconfig.ModeDHCP}
			case 2:
				net.IPConfig = &netconfig.IPConfig{Mode: netconfig.ModeNone}
			case 3:
				net.IPConfig = &netconfig.IPConfig{Mode: netconfig.ModeStatic}
				for range rapid.IntRange(1, 3).Draw(t, "addresses") {
					a := drawAddress(t)
					if seen[a.Addr()] {
						continue
					}
					seen[a.Addr()] = true
					net.IPConfig.Addresses = append(net.IPConfig.Addresses, a)
					w.ips = append(w.ips, cidr(a))
				}
			}
			switch rapid.IntRange(0, 2).Draw(t, "macFrom") {
			case 1:
				net.MAC = netconfig.MAC{0x02, 0, 0, 0, 1, byte(k)}
				w.mac = fmt.Sprintf("02:00:00:00:01:%02x", k)
			case 2:
				macs[name] = netconfig.ResolvedMAC{MAC: netconfig.MAC{0x02, 0, 0, 0, 2, byte(k)}}
				w.mac = fmt.Sprintf("02:00:00:00:02:%02x", k)
			}
			spec.Networks = append(spec.Networks, net)
			wants = append(wants, w)
		}

		elements, err := NetworkSelection(spec, macs)
		if err != nil {
			t.Fatalf("NetworkSelection: %v", err)
		}
		if len(elements) != len(wants) {
			t.Fatalf("got %d elements, want %d: %+v", len(elements), len(wants), elements)
		}
		for k, w := range wants {
			e := elements[k]
			if e.Namespace != w.namespace || e.Name != w.name || e.InterfaceRequest != w.iface || e.MacRequest != w.mac {
				t.Fatalf("element %d = %+v, want %+v", k, e, w)
			}
			if !slices.Equal(e.IPRequest, w.ips) {
				t.Fatalf("element %d requests %v, want %v", k, e.IPRequest, w.ips)
			}
			for _, ip := range w.ips {
				count := 0
				for _, other := range elements {
					if slices.Contains(other.IPRequest, ip) {
						count++
					}
				}
				if count != 1 {
					t.Fatalf("address %s is requested in %d elements, want 1", ip, count)
				}
			}
		}

		annotation, err := NetworksAnnotation(spec, macs)
		if err != nil {
			t.Fatalf("NetworksAnnotation: %v", err)
		}
		if len(elements) == 0 {
			if annotation != "" {
				t.Fatalf("annotation %q without a Multus network", annotation)
			}
			return
		}
		var decoded []nadv1.NetworkSelectionElement
		if err := json.Unmarshal([]byte(annotation), &decoded); err != nil {
			t.Fatalf("annotation %s does not decode: %v", annotation, err)
		}
		if !reflect.DeepEqual(decoded, elements) {
			t.Fatalf("annotation decodes to %+v, want %+v", decoded, elements)
		}
		if again, _ := NetworksAnnotation(spec, macs); again != annotation {
			t.Fatalf("annotation not deterministic: %s then %s", annotation, again)
		}
	})
}

// TestOrdinalChoiceIffSomeInterfaceIsOrdinal checks that WithNetworkStatus
// picks the ordinal scheme exactly when the interface of some status entry
// matches ^net\d+$, as KubeVirt's namescheme.PodHasOrdinalInterfaceName
// decides (pkg/network/namescheme/networknamescheme.go), and the hashed one
// otherwise; and that isOrdinalName is that regular expression.
func TestOrdinalChoiceIffSomeInterfaceIsOrdinal(t *testing.T) {
	ordinal := regexp.MustCompile(`^net\d+$`)
	rapid.Check(t, func(t *rapid.T) {
		interfaces := rapid.OneOf(
			rapid.SampledFrom([]string{"", "eth0", "net", "net1", "net12", "net1a", "Net1", "net-1", "net\u0661", hashedName("red"), "pod"}),
			rapid.StringMatching(`(net|eth|pod)?[0-9a-z]{0,3}`),
			rapid.String(),
		)
		statuses := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) nadv1.NetworkStatus {
			return nadv1.NetworkStatus{Name: "vms/ext-net", Interface: interfaces.Draw(t, "interface"), Default: rapid.Bool().Draw(t, "default")}
		}), 0, 4).Draw(t, "statuses")
		want := false
		for _, s := range statuses {
			if isOrdinalName(s.Interface) != ordinal.MatchString(s.Interface) {
				t.Fatalf("isOrdinalName(%q) = %v, the regular expression says %v", s.Interface, isOrdinalName(s.Interface), !isOrdinalName(s.Interface))
			}
			want = want || ordinal.MatchString(s.Interface)
		}
		spec := netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
			{Name: "default", Source: netconfig.SourcePod},
			{Name: "red", Source: netconfig.SourceMultus, NetworkName: "ext-net"},
		}}
		elements, err := NetworkSelection(spec, nil, WithNetworkStatus(statuses))
		if err != nil {
			t.Fatalf("NetworkSelection: %v", err)
		}
		wantIface := hashedName("red")
		if want {
			wantIface = "net1"
		}
		if len(elements) != 1 || elements[0].InterfaceRequest != wantIface {
			t.Fatalf("statuses %+v: got %+v, want the interface %s", statuses, elements, wantIface)
		}
	})
}

// drawKubeVirtSpec draws a VM as KubeVirt has it: the pod network or a
// Multus default network (or neither), secondary Multus networks (some
// SR-IOV, some absent), perhaps networks of unspecified source, with
// distinct names, and its interfaces in any order.
func drawKubeVirtSpec(t *rapid.T) netconfig.Spec {
	n := rapid.IntRange(0, 7).Draw(t, "networks")
	names := rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z][a-z0-9-]{0,8}`).Filter(func(s string) bool { return s != "default" }), n, n, rapid.ID[string]).Draw(t, "names")
	spec := netconfig.Spec{Namespace: "vms"}
	primaryAt := rapid.IntRange(-1, n).Draw(t, "primaryAt")
	primary := rapid.SampledFrom([]netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod},
		{Name: "default", Source: netconfig.SourceUnspecified},
		{Name: "primary", Source: netconfig.SourceMultusDefault, NetworkName: "default-net"},
	}).Draw(t, "primary")
	for k := 0; k <= n; k++ {
		if k == primaryAt {
			spec.Networks = append(spec.Networks, primary)
		}
		if k == n {
			break
		}
		net := netconfig.Network{Name: names[k], Source: netconfig.SourceMultus, NetworkName: rapid.SampledFrom([]string{"ext-net", "other/l2-net"}).Draw(t, "attachment")}
		if rapid.IntRange(0, 5).Draw(t, "kind") == 0 {
			net = netconfig.Network{Name: names[k]}
		}
		net.Binding = rapid.SampledFrom([]string{netconfig.BindingBridge, netconfig.BindingSRIOV}).Draw(t, "binding")
		net.Absent = rapid.IntRange(0, 3).Draw(t, "absent") == 0
		spec.Networks = append(spec.Networks, net)
	}
	for _, net := range spec.Networks {
		spec.InterfaceOrder = append(spec.InterfaceOrder, net.Name)
	}
	if rapid.Bool().Draw(t, "interfaceOrder") {
		spec.InterfaceOrder = rapid.Permutation(spec.InterfaceOrder).Draw(t, "order")
	} else {
		spec.InterfaceOrder = nil
	}
	return spec
}

// TestOrdinalNumbersCountSecondaryMultusNetworksInSpecOrder checks that,
// on a pod with ordinal names, the k-th secondary Multus network in
// spec.networks order asks for net<k>, absent and SR-IOV networks counting
// and the primary network not, whatever the interface order, as KubeVirt's
// CreateOrdinalNetworkNameScheme numbers vmispec.FilterMultusNonDefaultNetworks
// (pkg/network/namescheme/networknamescheme.go); networks of unspecified
// source that are not the pod network count as Multus ones. It checks too
// that StatusIndex finds each requested network's entry by that name.
func TestOrdinalNumbersCountSecondaryMultusNetworksInSpecOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spec := drawKubeVirtSpec(t)
		want := map[string]string{} // network name -> ordinal name
		k := 0
		for _, net := range spec.Networks {
			if net.Source == netconfig.SourceMultus || net.Source == netconfig.SourceUnspecified && net.Name != "default" {
				k++
				want[net.Name] = fmt.Sprintf("net%d", k)
			}
		}
		statuses := []nadv1.NetworkStatus{{Name: "ovn-kubernetes", Interface: "eth0", Default: true}, {Name: "vms/old", Interface: "net1"}}
		elements, err := NetworkSelection(spec, nil, WithNetworkStatus(statuses))
		if err != nil {
			t.Fatalf("NetworkSelection: %v", err)
		}
		byIface := map[string]nadv1.NetworkSelectionElement{}
		for _, e := range elements {
			byIface[e.InterfaceRequest] = e
		}
		var reported []nadv1.NetworkStatus
		for _, net := range spec.Networks {
			if net.Source != netconfig.SourceMultus || net.Absent {
				continue
			}
			e, ok := byIface[want[net.Name]]
			if !ok {
				t.Fatalf("network %q: no element asks for %s: %+v", net.Name, want[net.Name], elements)
			}
			reported = append(reported, nadv1.NetworkStatus{Name: e.Namespace + "/" + e.Name, Interface: e.InterfaceRequest, Mac: entryMAC(len(reported) + 1)})
		}
		got := NewStatusIndex(spec.Namespace, reported).NetworkStatuses(spec.Networks)
		for _, net := range spec.Networks {
			if net.Source != netconfig.SourceMultus || net.Absent {
				continue
			}
			if st, ok := got[net.Name]; !ok || st.Interface != want[net.Name] {
				t.Fatalf("network %q: the index found %+v (%v), want the entry on %s", net.Name, st, ok, want[net.Name])
			}
		}
	})
}

// TestAnnotationFollowsInterfaceOrder checks that the elements are those
// of the secondary Multus networks that are not absent, one each, in the
// interface order (spec.networks order when none is given), never an
// absent network, the pod network or a Multus default network, as
// KubeVirt's pkg/network/pod/annotations/generator.go Generate and
// pkg/network/multus/annotation.go GenerateCNIAnnotationFromNameScheme
// list them.
func TestAnnotationFollowsInterfaceOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spec := drawKubeVirtSpec(t)
		byName := map[string]netconfig.Network{}
		for _, net := range spec.Networks {
			byName[net.Name] = net
		}
		order := spec.InterfaceOrder
		if len(order) == 0 {
			for _, net := range spec.Networks {
				order = append(order, net.Name)
			}
		}
		var want []string
		for _, name := range order {
			if net := byName[name]; net.Source == netconfig.SourceMultus && !net.Absent {
				want = append(want, hashedName(name))
			}
		}
		elements, err := NetworkSelection(spec, nil)
		if err != nil {
			t.Fatalf("NetworkSelection: %v", err)
		}
		var got []string
		for _, e := range elements {
			got = append(got, e.InterfaceRequest)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("interface order %v: got %v, want %v", order, got, want)
		}
		for _, net := range spec.Networks {
			if net.Source == netconfig.SourceMultus && !net.Absent {
				continue
			}
			if slices.Contains(got, hashedName(net.Name)) {
				t.Fatalf("network %+v is requested", net)
			}
		}
	})
}
