package netconfig_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/netplan"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// checkAccepted checks prop over generated scenarios, each with Build's
// Result. Generated scenarios are valid unless the pod network is static:
// Build must accept the others, and refuse those, for which prop is not
// run.
func checkAccepted(t *testing.T, prop func(t *rapid.T, s scenario, res netconfig.Result)) {
	rapid.Check(t, func(t *rapid.T) {
		s := genScenario(t)
		res, err := netconfig.Build(s.spec, s.options()...)
		if podStatic(s) {
			if err == nil {
				t.Fatalf("a static pod network was accepted")
			}
			return
		}
		if err != nil {
			t.Fatalf("valid scenario refused: %v", err)
		}
		prop(t, s, res)
	})
}

func podStatic(s scenario) bool {
	for _, n := range s.spec.Networks {
		if n.IsPrimary() && n.IPConfig != nil && n.IPConfig.Mode == netconfig.ModeStatic {
			return true
		}
	}
	return false
}

// entryOf returns the ethernets entry of network i and whether it has one.
func entryOf(res netconfig.Result, i int) (netplan.Ethernet, bool) {
	e, ok := res.Config.Network.Ethernets[res.Interfaces[i].Name]
	return e, ok && res.Interfaces[i].Configured
}

func TestPodNetworkNeverStatic(t *testing.T) {
	checkAccepted(t, func(t *rapid.T, s scenario, res netconfig.Result) {
		for i, ifc := range res.Interfaces {
			if ifc.Role != netconfig.RolePod {
				continue
			}
			e, configured := entryOf(res, i)
			if s.omitPod {
				assert.False(t, configured, "the pod network was written although WithoutPodNetwork was given")
				continue
			}
			require.True(t, configured, "the pod network was left out")
			assert.Empty(t, e.Addresses, "the pod network carries static addresses")
			assert.Empty(t, e.Gateway4+e.Gateway6, "the pod network carries a static gateway")
			mode := netconfig.ModeDHCP
			if c := s.spec.Networks[i].IPConfig; c != nil {
				mode = c.Mode
			}
			assert.Equal(t, mode == netconfig.ModeDHCP, e.DHCP4, "the pod network's dhcp4")
		}
	})
}

func TestNonMultusAndAbsentNetworksNeverAppear(t *testing.T) {
	checkAccepted(t, func(t *rapid.T, s scenario, res netconfig.Result) {
		for i, n := range s.spec.Networks {
			if n.Absent {
				// Absent interfaces have no NIC at all (KubeVirt's
				// vmispec.FilterInterfacesSpec, state != absent).
				_, configured := entryOf(res, i)
				assert.False(t, configured, "absent network %q was written", n.Name)
				assert.Equal(t, netconfig.RoleAbsent, res.Interfaces[i].Role)
				assert.Empty(t, res.Interfaces[i].Name)
				continue
			}
			st, has := s.status[n.Name]
			if n.Source != netconfig.SourceUnspecified || n.Name == "default" || !has || st.NetworkName != "" {
				continue
			}
			_, configured := entryOf(res, i)
			assert.False(t, configured, "network %q has a status naming no attachment but was written", n.Name)
			assert.Equal(t, netconfig.RoleSkipped, res.Interfaces[i].Role)
			assert.Contains(t, warningCodes(res, n.Name), netconfig.WarningNotMultusAttachment)
			_, written := res.Config.Network.Ethernets[res.Interfaces[i].Name]
			assert.False(t, written, "an entry is named after skipped network %q", n.Name)
		}
	})
}

func TestFallbackNamesUniqueInVMOrderAndDistinctFromMACNames(t *testing.T) {
	checkAccepted(t, func(t *rapid.T, s scenario, res netconfig.Result) {
		names := map[string]int{}
		want := kubevirtNICNames(s.spec)
		for i, ifc := range res.Interfaces {
			if !ifc.Configured {
				continue
			}
			if j, dup := names[ifc.Name]; dup {
				t.Fatalf("networks %d and %d share the guest name %q", j, i, ifc.Name)
			}
			names[ifc.Name] = i
			if ifc.Match != netconfig.MatchName {
				continue
			}
			assert.Equal(t, want[i], ifc.Name, "fallback name of network %d", i)
			assert.Contains(t, warningCodes(res, ifc.Network), netconfig.WarningInterfaceNameFallback)
			e := res.Config.Network.Ethernets[ifc.Name]
			assert.Nil(t, e.Match, "a name-matched entry has a match block")
			assert.Empty(t, e.SetName, "a name-matched entry has set-name (netplan rejects set-name without match)")
		}
		assert.Len(t, res.Config.Network.Ethernets, len(names))
	})
}

func TestKnownMACAlwaysMatchesByMAC(t *testing.T) {
	checkAccepted(t, func(t *rapid.T, s scenario, res netconfig.Result) {
		for i, n := range s.spec.Networks {
			e, configured := entryOf(res, i)
			if !configured {
				continue
			}
			known := n.MAC
			if !known.IsValid() {
				known = s.macs[n.Name].MAC
			}
			if st := s.status[n.Name]; !known.IsValid() && (n.Binding == netconfig.BindingBridge || n.Binding == netconfig.BindingSRIOV) {
				known = st.MAC
			}
			if !known.IsValid() {
				assert.Equal(t, netconfig.MatchName, res.Interfaces[i].Match)
				continue
			}
			require.NotNil(t, e.Match, "network %q has MAC %s but no match", n.Name, known)
			assert.Equal(t, known.String(), e.Match.MACAddress)
			assert.Equal(t, res.Interfaces[i].Name, e.SetName, "set-name must equal the ethernets key")
			assert.Equal(t, netconfig.MatchMAC, res.Interfaces[i].Match)
		}
	})
}

func TestEveryStaticAddressAppearsOnceOnItsEntry(t *testing.T) {
	checkAccepted(t, func(t *rapid.T, s scenario, res netconfig.Result) {
		count := map[string]int{}
		for _, e := range res.Config.Network.Ethernets {
			for _, a := range e.Addresses {
				count[a]++
			}
		}
		for i, n := range s.spec.Networks {
			e, configured := entryOf(res, i)
			if !configured || n.IPConfig == nil || n.IPConfig.Mode != netconfig.ModeStatic {
				continue
			}
			for _, a := range n.IPConfig.Addresses {
				assert.Equal(t, 1, count[a.String()], "address %s appears %d times", a, count[a.String()])
				assert.Contains(t, e.Addresses, a.String(), "address %s is not on network %q's entry", a, n.Name)
			}
		}
	})
}

func TestOutputDeterministicAndRoundTrips(t *testing.T) {
	checkAccepted(t, func(t *rapid.T, s scenario, res netconfig.Result) {
		again, err := netconfig.Build(s.spec, s.options()...)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(res.YAML, again.YAML), "two builds of one input differ:\n%s\n---\n%s", res.YAML, again.YAML)
		parsed, err := netplan.Parse(res.YAML)
		require.NoError(t, err, "%s", res.YAML)
		assert.Equal(t, res.Config, parsed)
	})
}

func TestNoInputPanicsAndErrorsEmitNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spec := genArbitrarySpec(t)
		res, err := netconfig.Build(spec)
		if err != nil {
			var invalid *netconfig.ValidationError
			require.True(t, errors.As(err, &invalid), "error of type %T: %v", err, err)
			require.NotEmpty(t, invalid.Errors)
			require.Empty(t, res.YAML, "output emitted for invalid input")
			require.Empty(t, res.Interfaces)
			return
		}
		parsed, perr := netplan.Parse(res.YAML)
		require.NoError(t, perr, "%s", res.YAML)
		require.Equal(t, res.Config, parsed)
	})
}

func warningCodes(res netconfig.Result, network string) []netconfig.WarningCode {
	var codes []netconfig.WarningCode
	for _, w := range res.Warnings {
		if w.Network == network {
			codes = append(codes, w.Code)
		}
	}
	return codes
}

// TestResultEntriesShareNoMemory: the rendered model's entries share
// backing arrays for speed, so this checks that no entry can reach
// another's, nor a second Build's: changing and appending to every list
// and pointer of one entry leaves the other entries, and a fresh Build of
// the same input, as they were.
func TestResultEntriesShareNoMemory(t *testing.T) {
	checkAccepted(t, func(t *rapid.T, s scenario, res netconfig.Result) {
		if len(res.Config.Network.Ethernets) == 0 {
			return
		}
		want, err := netplan.Marshal(res.Config)
		require.NoError(t, err)
		keys := make([]string, 0, len(res.Config.Network.Ethernets))
		for k := range res.Config.Network.Ethernets {
			keys = append(keys, k)
		}
		victim := keys[rapid.IntRange(0, len(keys)-1).Draw(t, "victim")]
		e := res.Config.Network.Ethernets[victim]
		for i := range e.Addresses {
			e.Addresses[i] = "changed"
		}
		e.Addresses = append(e.Addresses, "appended")
		for i := range e.Routes {
			e.Routes[i].Via = "changed"
			if e.Routes[i].Metric != nil {
				*e.Routes[i].Metric = 7
			}
		}
		e.Routes = append(e.Routes, netplan.Route{To: "appended"})
		if e.Match != nil {
			e.Match.MACAddress = "changed"
		}
		if ns := e.Nameservers; ns != nil {
			ns.Addresses = append(ns.Addresses, "appended")
			ns.Search = append(ns.Search, "appended")
		}
		delete(res.Config.Network.Ethernets, victim)

		var others netplan.Config
		require.NoError(t, yamlUnmarshalStrict(want, &others))
		delete(others.Network.Ethernets, victim)
		if len(others.Network.Ethernets) == 0 {
			others.Network.Ethernets = nil
		}
		if len(res.Config.Network.Ethernets) == 0 {
			res.Config.Network.Ethernets = nil
		}
		require.Equal(t, others, res.Config, "changing %s changed another entry", victim)

		again, err := netconfig.Build(s.spec, s.options()...)
		require.NoError(t, err)
		require.Equal(t, string(want), string(again.YAML), "changing a Result changed a later Build")
	})
}

func yamlUnmarshalStrict(data []byte, c *netplan.Config) error {
	parsed, err := netplan.Parse(data)
	*c = parsed
	return err
}
