package macresolve

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	kubevirtv1 "kubevirt.io/api/core/v1"
	"pgregory.net/rapid"

	"github.com/guestnet/guestnet/netconfig"
)

// drawUnicastMAC draws the six bytes of an assignable MAC and writes them
// in any form ParseMAC accepts.
func drawUnicastMAC(t *rapid.T, label string) ([6]byte, string) {
	var b [6]byte
	for i := range b {
		b[i] = rapid.Byte().Draw(t, label)
	}
	b[0] = b[0]&^1 | 2 // unicast, locally administered: never zero, multicast or broadcast
	return b, formatMAC(t, b)
}

// formatMAC writes b in a drawn case and separator.
func formatMAC(t *rapid.T, b [6]byte) string {
	sep := rapid.SampledFrom([]string{":", "-"}).Draw(t, "separator")
	pairs := make([]string, len(b))
	for i, o := range b {
		pairs[i] = fmt.Sprintf("%02x", o)
	}
	s := strings.Join(pairs, sep)
	if rapid.Bool().Draw(t, "upper") {
		s = strings.ToUpper(s)
	}
	return s
}

// TestFromVMISpecWinsOverStatus checks that each network gets the MAC its
// spec interface sets, else the MAC its status entry reports, else none,
// whatever the order and the unnamed entries of the status.
func TestFromVMISpecWinsOverStatus(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		names := rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z][a-z0-9-]{0,10}`), 0, 6, rapid.ID[string]).Draw(t, "names")
		vmi := &kubevirtv1.VirtualMachineInstance{}
		want := netconfig.MACTable{}
		var status []kubevirtv1.VirtualMachineInstanceNetworkInterface
		for i, name := range names {
			iface := kubevirtv1.Interface{Name: name}
			if rapid.Bool().Draw(t, "specMAC") {
				b, s := drawUnicastMAC(t, "spec")
				iface.MacAddress = s
				want[name] = netconfig.ResolvedMAC{MAC: netconfig.MAC(b), Origin: netconfig.MACFromVMISpec, Detail: fmt.Sprintf("spec.domain.devices.interfaces[%d].macAddress", i)}
			}
			vmi.Spec.Domain.Devices.Interfaces = append(vmi.Spec.Domain.Devices.Interfaces, iface)
			if rapid.Bool().Draw(t, "statusMAC") {
				b, s := drawUnicastMAC(t, "status")
				infoSource := rapid.SampledFrom([]string{"", "domain", "domain, guest-agent", "domain, guest-agent, multus-status"}).Draw(t, "infoSource")
				status = append(status, kubevirtv1.VirtualMachineInstanceNetworkInterface{Name: name, MAC: s, InfoSource: infoSource})
				if _, set := want[name]; !set {
					want[name] = netconfig.ResolvedMAC{MAC: netconfig.MAC(b), Origin: netconfig.MACFromVMIStatus, Detail: infoSource}
				}
			}
		}
		for range rapid.IntRange(0, 2).Draw(t, "unnamed") {
			_, s := drawUnicastMAC(t, "unnamed")
			status = append(status, kubevirtv1.VirtualMachineInstanceNetworkInterface{MAC: s, InterfaceName: "docker0"})
		}
		vmi.Status.Interfaces = rapid.Permutation(status).Draw(t, "order")

		got, err := FromVMI(vmi)
		if err != nil {
			t.Fatalf("FromVMI: %v", err)
		}
		if len(got) != len(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		for name, e := range want {
			if got[name] != e {
				t.Fatalf("network %q: got %+v, want %+v", name, got[name], e)
			}
		}
	})
}

// badMACs are values FromVMI must refuse, one of each kind.
var badMACs = []string{
	"02:00:00:00:00",    // too short
	"02:00:00:00:00:0g", // not hex
	"02:00-00:00:00:01", // mixed separators
	"00:00:00:00:00:00", // all zero
	"01:00:5e:00:00:01", // multicast
	"FF-FF-FF-FF-FF-FF", // broadcast
}

// TestFromVMIReportsEveryBadMAC checks that every bad MAC FromVMI reads is
// reported, by the path of its field, and nothing else.
func TestFromVMIReportsEveryBadMAC(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		names := rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z][a-z0-9-]{0,10}`), 0, 6, rapid.ID[string]).Draw(t, "names")
		drawMAC := func(label string) (string, bool) {
			if rapid.Bool().Draw(t, label+"Bad") {
				return rapid.SampledFrom(badMACs).Draw(t, label), true
			}
			_, s := drawUnicastMAC(t, label)
			return s, false
		}
		vmi := &kubevirtv1.VirtualMachineInstance{}
		var wantPaths []string
		for i, name := range names {
			iface := kubevirtv1.Interface{Name: name}
			inSpec := rapid.Bool().Draw(t, "inSpec")
			if inSpec {
				var bad bool
				iface.MacAddress, bad = drawMAC("spec")
				if bad {
					wantPaths = append(wantPaths, fmt.Sprintf("spec.domain.devices.interfaces[%d].macAddress", i))
				}
			}
			vmi.Spec.Domain.Devices.Interfaces = append(vmi.Spec.Domain.Devices.Interfaces, iface)
			if rapid.Bool().Draw(t, "inStatus") {
				s, bad := drawMAC("status")
				if bad && !inSpec {
					wantPaths = append(wantPaths, fmt.Sprintf("status.interfaces[%d].mac", len(vmi.Status.Interfaces)))
				}
				vmi.Status.Interfaces = append(vmi.Status.Interfaces, kubevirtv1.VirtualMachineInstanceNetworkInterface{Name: name, MAC: s})
			}
		}

		got, err := FromVMI(vmi)
		if len(wantPaths) == 0 {
			if err != nil {
				t.Fatalf("FromVMI: %v", err)
			}
			return
		}
		if got != nil {
			t.Fatalf("got MACs %v with an error", got)
		}
		var invalid *netconfig.ValidationError
		if !errors.As(err, &invalid) {
			t.Fatalf("got %v (%T), want a *netconfig.ValidationError of %d errors", err, err, len(wantPaths))
		}
		if len(invalid.Errors) != len(wantPaths) {
			t.Fatalf("got %d errors, want %d (%v): %v", len(invalid.Errors), len(wantPaths), wantPaths, err)
		}
		for _, p := range wantPaths {
			if !strings.Contains(err.Error(), p+": Invalid value") {
				t.Fatalf("no error for %s: %v", p, err)
			}
		}
	})
}
