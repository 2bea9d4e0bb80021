package multus

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
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
