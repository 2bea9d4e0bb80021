package netconfig

import (
	"net/netip"
	"strings"
	"testing"

	"pgregory.net/rapid"
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
	if n := testing.AllocsPerRun(100, func() { _ = limitErrors(spec) }); n != 0 {
		t.Fatalf("limitErrors allocates %v times for a spec within the limits", n)
	}
}

// TestPastLimitsAgreesWithLimitProblems holds the quick check to the
// detailed one, over specs whose every length is drawn around its limit.
func TestPastLimitsAgreesWithLimitProblems(t *testing.T) {
	text := func(t *rapid.T, label string) string {
		return strings.Repeat("a", rapid.SampledFrom([]int{0, 3, MaxTextLength, MaxTextLength + 1}).Draw(t, label))
	}
	count := func(t *rapid.T, label string) int {
		return rapid.SampledFrom([]int{0, 1, MaxListLength, MaxListLength + 1}).Draw(t, label)
	}
	rapid.Check(t, func(t *rapid.T) {
		spec := Spec{Namespace: text(t, "namespace")}
		n := rapid.SampledFrom([]int{0, 1, 3, MaxNetworks, MaxNetworks + 1}).Draw(t, "networks")
		spec.Networks = make([]Network, n)
		for k := rapid.IntRange(0, min(n, 3)).Draw(t, "filled"); k > 0; k-- {
			nw := &spec.Networks[rapid.IntRange(0, n-1).Draw(t, "at")]
			nw.Name, nw.Source, nw.NetworkName = text(t, "name"), Source(text(t, "source")), text(t, "networkName")
			nw.Binding, nw.PCIAddress = text(t, "binding"), text(t, "pciAddress")
			if rapid.Bool().Draw(t, "ipConfig") {
				c := &IPConfig{Mode: Mode(text(t, "mode"))}
				c.Addresses = make([]netip.Prefix, count(t, "addresses"))
				c.Gateways = make([]netip.Addr, count(t, "gateways"))
				c.Routes = make([]Route, count(t, "routes"))
				c.Nameservers.Addresses = make([]netip.Addr, count(t, "nameservers"))
				c.Nameservers.Search = make([]string, count(t, "search"))
				for j := range c.Nameservers.Search {
					c.Nameservers.Search[j] = "x"
				}
				if len(c.Nameservers.Search) > 0 {
					c.Nameservers.Search[rapid.IntRange(0, len(c.Nameservers.Search)-1).Draw(t, "long")] = text(t, "domain")
				}
				nw.IPConfig = c
			}
		}
		if got, want := pastLimits(spec), len(limitProblems(spec)) > 0; got != want {
			t.Fatalf("pastLimits = %v, limitProblems found problems: %v (%v)", got, want, limitProblems(spec))
		}
	})
}
