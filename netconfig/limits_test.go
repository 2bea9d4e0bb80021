package netconfig

import (
	"net/netip"
	"testing"
)

// TestLimitsCostNothingWithinThem: Build checks its limits on every call,
// so the check allocates nothing for a spec within them.
func TestLimitsCostNothingWithinThem(t *testing.T) {
	spec := Spec{Namespace: "vms", Networks: []Network{
		{Name: "default", Source: SourcePod},
		{Name: "ext", Source: SourceMultus, NetworkName: "ext-net", IPConfig: &IPConfig{
			Mode: ModeStatic, Addresses: []netip.Prefix{netip.MustParsePrefix("10.0.0.2/24")},
			Nameservers: Nameservers{Search: []string{"example.internal"}},
		}},
	}}
	if n := testing.AllocsPerRun(100, func() { _ = limitErrors(spec, nil) }); n != 0 {
		t.Fatalf("limitErrors allocates %v times for a spec within the limits", n)
	}
}
