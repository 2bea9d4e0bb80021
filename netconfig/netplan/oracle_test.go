package netplan_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	yamlv3 "go.yaml.in/yaml/v3"
	"pgregory.net/rapid"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/guestnet/guestnet/internal/hostile"
	"github.com/guestnet/guestnet/netconfig/netplan"
)

// hostileStrings are strings chosen to break a YAML writer: indicators,
// comment and mapping markers, line breaks of every kind, quotes and
// escapes, and values that YAML 1.1 reads as other types.
var hostileStrings = []string{
	"", " ", "eth0", "a: b", "- x", "#c", "x #c", "{a}", "[a]", "&a", "*a", "!t", "!!str", "|", ">", "%", "@", "`",
	"'", `"`, `\`, `\n`, "\n", "\r\n", "\t", "\x00", "\x1b", "\x7f", "\u0085", "\u00a0", "\u2028", "\u2029", "\ufeff",
	"\ufffe", "\U0001F600", "é", "例子.com", "yes", "No", "on", "OFF", "y", "~", "null", "true", "0x1F", "0o17", "017",
	"1e3", ".inf", "-.Inf", ".NaN", "12:30", "52:54:00:12:34:56", "00:11:22:33:44:55", "1_000", "2001-12-14",
	"<<", "=", "---", "...", " lead", "trail ", "a\nb: c",
}

// oracleString draws a hostile string, an arbitrary Unicode string, or a
// concatenation of both.
func oracleString() *rapid.Generator[string] {
	hostile := rapid.SampledFrom(hostileStrings)
	return rapid.OneOf(hostile, rapid.String(), rapid.Custom(func(t *rapid.T) string {
		return hostile.Draw(t, "a") + rapid.String().Draw(t, "b") + hostile.Draw(t, "c")
	}))
}

// oracleConfig draws a Config of valid UTF-8 strings over every field.
func oracleConfig(t *rapid.T) netplan.Config {
	str := oracleString()
	strs := func(label string) []string {
		s := rapid.SliceOfN(str, 0, 3).Draw(t, label)
		if len(s) == 0 {
			return nil
		}
		return s
	}
	c := netplan.Config{Network: netplan.Network{Version: rapid.SampledFrom([]int{2, 0, -1, 3}).Draw(t, "version")}}
	for i := rapid.IntRange(0, 4).Draw(t, "n"); i > 0; i-- {
		e := netplan.Ethernet{
			SetName:   str.Draw(t, "setName"),
			DHCP4:     rapid.Bool().Draw(t, "dhcp4"),
			DHCP6:     rapid.Bool().Draw(t, "dhcp6"),
			Addresses: strs("addresses"),
			Gateway4:  str.Draw(t, "gw4"),
			Gateway6:  str.Draw(t, "gw6"),
			MTU:       rapid.IntRange(-1, 65535).Draw(t, "mtu"),
		}
		if rapid.Bool().Draw(t, "acceptRASet") {
			ra := rapid.Bool().Draw(t, "acceptRA")
			e.AcceptRA = &ra
		}
		if rapid.Bool().Draw(t, "match") {
			e.Match = &netplan.Match{MACAddress: str.Draw(t, "mac"), Name: str.Draw(t, "matchName")}
		}
		if rapid.Bool().Draw(t, "nameservers") {
			e.Nameservers = &netplan.Nameservers{Addresses: strs("ns"), Search: strs("search")}
		}
		for k := rapid.IntRange(0, 2).Draw(t, "routes"); k > 0; k-- {
			r := netplan.Route{To: str.Draw(t, "to"), Via: str.Draw(t, "via")}
			if rapid.Bool().Draw(t, "metric") {
				r.Metric = metric(rapid.Uint32().Draw(t, "m"))
			}
			e.Routes = append(e.Routes, r)
		}
		if c.Network.Ethernets == nil {
			c.Network.Ethernets = map[string]netplan.Ethernet{}
		}
		c.Network.Ethernets[str.Draw(t, "key")] = e
	}
	return c
}

// sigsDocument is the document sigs.k8s.io/yaml.Marshal writes for c, as
// a generic value: sigs.k8s.io/yaml marshals through the JSON encoding, so
// this is the JSON encoding read back.
func sigsDocument(t require.TestingT, c netplan.Config) any {
	js, err := json.Marshal(c)
	require.NoError(t, err)
	var doc any
	require.NoError(t, json.Unmarshal(js, &doc))
	return doc
}

// normalize turns a generic value read by a YAML library into the form
// encoding/json gives (string-keyed maps, float64 numbers).
func normalize(t require.TestingT, v any) any {
	js, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(js, &out))
	return out
}

// TestMarshalAgreesWithSigsYAML holds the dedicated emitter to
// sigs.k8s.io/yaml: for every generated Config, Marshal's bytes read back,
// with sigs.k8s.io/yaml (a YAML 1.1 reader, as cloud-init's PyYAML) and
// with go.yaml.in/yaml/v3 (YAML 1.2), as exactly the document that
// sigs.k8s.io/yaml.Marshal writes for the Config, and Parse reads them as
// the Config itself. Where sigs.k8s.io/yaml's own bytes do not read back
// as its document, the Config must hold a character it is known to
// mishandle.
func TestMarshalAgreesWithSigsYAML(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := oracleConfig(t)
		want := sigsDocument(t, c)

		out, err := netplan.Marshal(c)
		require.NoError(t, err)
		for i, b := range out {
			require.True(t, b == '\n' || b >= 0x20 && b < 0x7f, "byte %d of the document is %#x, not printable ASCII:\n%s", i, b, out)
		}

		var bySigs any
		require.NoError(t, sigsyaml.Unmarshal(out, &bySigs), "%s", out)
		require.Equal(t, want, bySigs, "sigs.k8s.io/yaml reads another document:\n%s", out)

		var byV3 any
		require.NoError(t, yamlv3.Unmarshal(out, &byV3), "%s", out)
		require.Equal(t, want, normalize(t, byV3), "go.yaml.in/yaml/v3 reads another document:\n%s", out)

		back, err := netplan.Parse(out)
		if c.Network.Version != 2 {
			require.ErrorContains(t, err, "network.version", "Parse reads only version 2")
		} else {
			require.NoError(t, err, "%s", out)
			require.Equal(t, c, back, "Parse reads another Config:\n%s", out)
		}

		oracle, err := sigsyaml.Marshal(c)
		var byOracle any
		if err == nil {
			err = sigsyaml.Unmarshal(oracle, &byOracle)
		}
		if err != nil || !equalJSON(want, byOracle) {
			_, merge := c.Network.Ethernets["<<"]
			// sigs.k8s.io/yaml writes a "<<" mapping key plain, which its own
			// reader, as every YAML 1.1 reader, then takes for a merge key.
			require.True(t, merge || mishandled(c),
				"sigs.k8s.io/yaml's own document does not read back (%v), for no known reason:\n%s", err, oracle)
		}
	})
}

// TestMarshalRefusesInvalidUTF8 checks that a string that is not UTF-8,
// in any field, is refused with the field's place, and no bytes.
func TestMarshalRefusesInvalidUTF8(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := oracleConfig(t)
		bad := "a\xffb"
		e := netplan.Ethernet{}
		field := rapid.SampledFrom([]string{"key", "set-name", "gateway4", "gateway6", "match.macaddress", "match.name", "addresses[0]", "nameservers.search[0]", "nameservers.addresses[0]", "routes[0].to", "routes[0].via"}).Draw(t, "field")
		key := "ethX"
		switch field {
		case "key":
			key = bad
		case "set-name":
			e.SetName = bad
		case "gateway4":
			e.Gateway4 = bad
		case "gateway6":
			e.Gateway6 = bad
		case "match.macaddress":
			e.Match = &netplan.Match{MACAddress: bad}
		case "match.name":
			e.Match = &netplan.Match{Name: bad}
		case "addresses[0]":
			e.Addresses = []string{bad}
		case "nameservers.search[0]":
			e.Nameservers = &netplan.Nameservers{Search: []string{bad}}
		case "nameservers.addresses[0]":
			e.Nameservers = &netplan.Nameservers{Addresses: []string{bad}}
		case "routes[0].to":
			e.Routes = []netplan.Route{{To: bad}}
		case "routes[0].via":
			e.Routes = []netplan.Route{{Via: bad}}
		}
		if c.Network.Ethernets == nil {
			c.Network.Ethernets = map[string]netplan.Ethernet{}
		}
		c.Network.Ethernets[key] = e
		out, err := netplan.Marshal(c)
		require.Error(t, err)
		require.Nil(t, out)
		if field == "key" {
			require.Contains(t, err.Error(), "an ethernets key is not valid UTF-8")
		} else {
			require.Contains(t, err.Error(), `network.ethernets["ethX"].`+field+" is not valid UTF-8")
		}
	})
}

func equalJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// mishandled reports whether a string of c holds a character that
// sigs.k8s.io/yaml mishandles (hostile.SigsMishandled).
func mishandled(c netplan.Config) bool {
	return slices.ContainsFunc(configStrings(c), hostile.SigsMishandled)
}

// configStrings lists every string of c, keys included.
func configStrings(c netplan.Config) []string {
	var out []string
	for key, e := range c.Network.Ethernets {
		out = append(out, key, e.SetName, e.Gateway4, e.Gateway6)
		out = append(out, e.Addresses...)
		if e.Match != nil {
			out = append(out, e.Match.MACAddress, e.Match.Name)
		}
		if e.Nameservers != nil {
			out = append(out, e.Nameservers.Addresses...)
			out = append(out, e.Nameservers.Search...)
		}
		for _, r := range e.Routes {
			out = append(out, r.To, r.Via)
		}
	}
	return out
}
