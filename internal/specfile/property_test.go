package specfile_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/guestnet/guestnet/internal/specfile"
	"github.com/guestnet/guestnet/netconfig"
)

// genText draws text a spec file may hold: usually a plausible value,
// sometimes any valid UTF-8 (control characters, quotes, YAML indicators,
// words such as yes and null), to exercise quoting.
func genText(plausible ...string) *rapid.Generator[string] {
	gens := []*rapid.Generator[string]{rapid.String(), rapid.SampledFrom([]string{"", "yes", "no", "on", "null", "~", "1.10", "0x1f", "- a", "a: b", "#", "'", `"`, "\\", "\t", "\n", " lead", "trail ", "\x00", "\u2028", "\ufeff", "é"})}
	if len(plausible) > 0 {
		gens = append(gens, rapid.SampledFrom(plausible), rapid.SampledFrom(plausible))
	}
	return rapid.OneOf(gens...)
}

// genAddr draws an IPv4, IPv6 or IPv4-mapped IPv6 address, or the zero
// Addr.
func genAddr() *rapid.Generator[netip.Addr] {
	return rapid.Custom(func(t *rapid.T) netip.Addr {
		switch rapid.IntRange(0, 9).Draw(t, "family") {
		case 0:
			return netip.Addr{}
		case 1:
			var b [4]byte
			copy(b[:], rapid.SliceOfN(rapid.Byte(), 4, 4).Draw(t, "v4"))
			return netip.AddrFrom16(netip.AddrFrom4(b).As16())
		case 2, 3, 4, 5:
			var b [4]byte
			copy(b[:], rapid.SliceOfN(rapid.Byte(), 4, 4).Draw(t, "v4"))
			return netip.AddrFrom4(b)
		}
		var b [16]byte
		copy(b[:], rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "v6"))
		return netip.AddrFrom16(b)
	})
}

// genPrefix draws an address with a prefix length valid for its family
// (host bits may be set), or the zero Prefix.
func genPrefix() *rapid.Generator[netip.Prefix] {
	return rapid.Custom(func(t *rapid.T) netip.Prefix {
		a := genAddr().Draw(t, "addr")
		if !a.IsValid() {
			return netip.Prefix{}
		}
		return netip.PrefixFrom(a, rapid.IntRange(0, a.BitLen()).Draw(t, "bits"))
	})
}

// genSlice draws a list of up to max items, nil when empty, as Parse
// returns lists.
func genSlice[V any](t *rapid.T, label string, g *rapid.Generator[V], max int) []V {
	s := rapid.SliceOfN(g, 0, max).Draw(t, label)
	if len(s) == 0 {
		return nil
	}
	return s
}

// genSpec draws a Spec that a spec file can express: any values the model
// holds, valid for Build or not, except unknown sources and modes,
// attachment names on networks that are not Multus ones, and addresses
// with zones.
func genSpec() *rapid.Generator[netconfig.Spec] {
	return rapid.Custom(func(t *rapid.T) netconfig.Spec {
		spec := netconfig.Spec{Namespace: genText("vms", "default").Draw(t, "namespace")}
		n := rapid.IntRange(0, 5).Draw(t, "networks")
		for range n {
			net := netconfig.Network{
				Name:       genText("default", "external", "storage").Draw(t, "name"),
				Source:     rapid.SampledFrom([]netconfig.Source{netconfig.SourceUnspecified, netconfig.SourcePod, netconfig.SourceMultus, netconfig.SourceMultusDefault}).Draw(t, "source"),
				Binding:    genText("bridge", "masquerade", "sriov", "passt").Draw(t, "binding"),
				PCIAddress: genText("0000:00:04.0").Draw(t, "pci"),
			}
			if net.Source == netconfig.SourceMultus || net.Source == netconfig.SourceMultusDefault {
				net.NetworkName = genText("ext-net", "infra/mgmt-net").Draw(t, "networkName")
			}
			if rapid.Bool().Draw(t, "hasMAC") {
				var m netconfig.MAC
				copy(m[:], rapid.SliceOfN(rapid.Byte(), 6, 6).Draw(t, "mac"))
				net.MAC = m
			}
			if rapid.Bool().Draw(t, "hasIPConfig") {
				c := &netconfig.IPConfig{
					Mode:      rapid.SampledFrom([]netconfig.Mode{"", netconfig.ModeStatic, netconfig.ModeDHCP, netconfig.ModeNone}).Draw(t, "mode"),
					IPv6Mode:  rapid.SampledFrom([]netconfig.Mode{"", netconfig.ModeStatic, netconfig.ModeDHCP, netconfig.ModeSLAAC, netconfig.ModeNone}).Draw(t, "ipv6Mode"),
					Addresses: genSlice(t, "addresses", genPrefix(), 3),
					Gateways:  genSlice(t, "gateways", genAddr(), 3),
					DHCP6:     rapid.Bool().Draw(t, "dhcp6"),
					Nameservers: netconfig.Nameservers{
						Addresses: genSlice(t, "nameservers", genAddr(), 4),
						Search:    genSlice(t, "search", genText("example.internal"), 3),
					},
					MTU: rapid.OneOf(rapid.Just(0), rapid.IntRange(-1, 70000), rapid.Int()).Draw(t, "mtu"),
				}
				c.Routes = genSlice(t, "routes", rapid.Custom(func(t *rapid.T) netconfig.Route {
					r := netconfig.Route{To: genPrefix().Draw(t, "to"), Via: genAddr().Draw(t, "via")}
					if rapid.Bool().Draw(t, "hasMetric") {
						m := rapid.Uint32().Draw(t, "metric")
						r.Metric = &m
					}
					return r
				}), 3)
				net.IPConfig = c
			}
			spec.Networks = append(spec.Networks, net)
		}
		return spec
	})
}

// TestParseReadsBackFormat: Parse(Format(s)) is s for every Spec a spec
// file can express.
func TestParseReadsBackFormat(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spec := genSpec().Draw(t, "spec")
		out, err := specfile.Format(spec)
		require.NoError(t, err)
		back, err := specfile.Parse(out)
		require.NoError(t, err, "Format wrote:\n%s", out)
		require.Equal(t, spec, back, "Format wrote:\n%s", out)
	})
}

// TestToSpecInvertsFromSpec: the File of a Spec parses back into it, with
// no YAML in between.
func TestToSpecInvertsFromSpec(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spec := genSpec().Draw(t, "spec")
		f, err := specfile.FromSpec(spec)
		require.NoError(t, err)
		back, err := f.ToSpec()
		require.NoError(t, err)
		require.Equal(t, spec, back)
	})
}

// TestDeepCopySharesNothing: a deep copy equals its original, and changing
// every part of the original leaves the copy as it was.
func TestDeepCopySharesNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f, err := specfile.FromSpec(genSpec().Draw(t, "spec"))
		require.NoError(t, err)
		cp := f.DeepCopy()
		require.Equal(t, &f, cp)
		want, err := cp.ToSpec()
		require.NoError(t, err)

		for i := range f.Networks {
			n := &f.Networks[i]
			n.Name += "x"
			if n.Multus != nil {
				n.Multus.NetworkName += "x"
				n.Multus.Default = !n.Multus.Default
			}
			if c := n.IPConfig; c != nil {
				c.Mode = "x"
				for j := range c.Addresses {
					c.Addresses[j] = "x"
				}
				for j := range c.Gateways {
					c.Gateways[j] = "x"
				}
				if c.Nameservers != nil {
					for j := range c.Nameservers.Addresses {
						c.Nameservers.Addresses[j] = "x"
					}
					for j := range c.Nameservers.Search {
						c.Nameservers.Search[j] = "x"
					}
				}
				for j := range c.Routes {
					c.Routes[j].To = "x"
					if c.Routes[j].Metric != nil {
						*c.Routes[j].Metric = -1
					}
				}
			}
		}
		got, err := cp.ToSpec()
		require.NoError(t, err)
		assert.Equal(t, want, got)
	})
	assert.Nil(t, (*specfile.File)(nil).DeepCopy())
}
