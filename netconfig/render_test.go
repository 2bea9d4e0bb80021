package netconfig

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/guestnet/guestnet/netconfig/netplan"
)

// TestRenderDirectWritesTypicalConfigs checks that render writes the YAML
// of typical configs itself, in both default-route styles, rather than
// falling back to netplan.Marshal (which the property tests would not
// notice: the bytes are the same), and that it falls back for a search
// domain that needs an escape.
func TestRenderDirectWritesTypicalConfigs(t *testing.T) {
	metric := uint32(100)
	spec := Spec{Namespace: "vms", Networks: []Network{
		{Name: "default", Source: SourcePod, MAC: MAC{2, 0, 0, 0, 0, 1}},
		{Name: "storage", Source: SourceMultus, NetworkName: "storage-net", MAC: MAC{2, 0, 0, 0, 0, 2}, IPConfig: &IPConfig{
			Mode:        ModeStatic,
			Addresses:   []netip.Prefix{netip.MustParsePrefix("10.20.0.10/24"), netip.MustParsePrefix("fd00:20::10/64")},
			Gateways:    []netip.Addr{netip.MustParseAddr("10.20.0.1"), netip.MustParseAddr("fd00:20::1")},
			Nameservers: Nameservers{Addresses: []netip.Addr{netip.MustParseAddr("10.20.0.53")}, Search: []string{"storage.example.internal"}},
			Routes:      []Route{{To: netip.MustParsePrefix("10.30.0.0/16"), Via: netip.MustParseAddr("10.20.0.254"), Metric: &metric}},
			MTU:         9000,
		}},
		{Name: "legacy", Source: SourceMultus, NetworkName: "legacy-net", IPConfig: &IPConfig{Mode: ModeNone}},
	}}
	for _, style := range []DefaultRouteStyle{DefaultRoutePortable, DefaultRouteNetplan} {
		o := options{defaultRoute: style}
		plans, warnings := resolve(spec, o, make([]Interface, len(spec.Networks)), nil)
		errs, _ := validate(spec, plans, o, warnings)
		require.Empty(t, errs)
		cfg, out, ok := renderDirect(plans, o)
		require.True(t, ok, "render fell back to netplan.Marshal")
		want, err := netplan.Marshal(cfg)
		require.NoError(t, err)
		require.Equal(t, string(want), string(out))
	}

	plans := []plan{{Interface: &Interface{Name: "eth0", Configured: true}, ip: &IPConfig{Mode: ModeDHCP, Nameservers: Nameservers{Search: []string{"a b"}}}}}
	_, _, ok := renderDirect(plans, options{})
	require.False(t, ok, "a search domain with a space is written as is")
}
