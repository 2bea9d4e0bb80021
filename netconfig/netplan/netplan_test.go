package netplan_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/guestnet/guestnet/netconfig/netplan"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yamlv2 "go.yaml.in/yaml/v2"
	yamlv3 "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"pgregory.net/rapid"
	sigsyaml "sigs.k8s.io/yaml"
)

func metric(m uint32) *uint32 { return &m }

func sample() netplan.Config {
	return netplan.Config{Network: netplan.Network{Version: 2, Ethernets: map[string]netplan.Ethernet{
		"eth0": {Match: &netplan.Match{MACAddress: "02:00:00:00:00:01"}, SetName: "eth0", DHCP4: true},
		"eth1": {
			Match: &netplan.Match{MACAddress: "52:54:00:12:34:56"}, SetName: "eth1",
			Addresses: []string{"192.168.0.200/24", "fd00::200/64"}, Gateway6: "fd00::1",
			Nameservers: &netplan.Nameservers{Addresses: []string{"192.168.0.1"}, Search: []string{"on", "example.internal"}},
			Routes:      []netplan.Route{{To: "0.0.0.0/0", Via: "192.168.0.1", Metric: metric(100)}},
			MTU:         1400,
		},
	}}}
}

func TestMarshalQuotesEveryStringValue(t *testing.T) {
	out, err := netplan.Marshal(sample())
	require.NoError(t, err)
	s := string(out)
	assert.Contains(t, s, `macaddress: "52:54:00:12:34:56"`, "an all-digit MAC is a sexagesimal integer to YAML 1.1 unless quoted")
	assert.Contains(t, s, `macaddress: "02:00:00:00:00:01"`)
	assert.Contains(t, s, `- "on"`, `"on" is a boolean to YAML 1.1 unless quoted`)
	assert.Contains(t, s, "mtu: 1400\n", "numbers stay numbers")
	assert.Contains(t, s, "dhcp4: true\n", "booleans stay booleans")

	// A YAML 1.1 reader (go-yaml v2, as PyYAML in cloud-init) reads the
	// values back as strings.
	var generic map[string]any
	require.NoError(t, yamlv2.Unmarshal(out, &generic))
	eth1 := generic["network"].(map[any]any)["ethernets"].(map[any]any)["eth1"].(map[any]any)
	assert.Equal(t, "52:54:00:12:34:56", eth1["match"].(map[any]any)["macaddress"])
	assert.Equal(t, []any{"on", "example.internal"}, eth1["nameservers"].(map[any]any)["search"])
}

func TestMarshalQuotesAmbiguousKeys(t *testing.T) {
	c := netplan.Config{Network: netplan.Network{Version: 2, Ethernets: map[string]netplan.Ethernet{
		"on": {DHCP4: true}, "1e3": {DHCP4: true}, "eth0": {DHCP4: true}, "a: b": {DHCP4: true},
	}}}
	out, err := netplan.Marshal(c)
	require.NoError(t, err)
	assert.Contains(t, string(out), "\n    \"on\":")
	assert.Contains(t, string(out), "\n    \"1e3\":")
	assert.Contains(t, string(out), "\n    eth0:")
	back, err := netplan.Parse(out)
	require.NoError(t, err)
	assert.Equal(t, c, back)
}

// TestParseRejectsWhatYAML11ReadsAsNonStrings checks Parse against
// PyYAML's resolver: these values were read by PyYAML 6.0 (cloud-init's
// reader) as the types named.
func TestParseRejectsWhatYAML11ReadsAsNonStrings(t *testing.T) {
	tests := []struct {
		value  string
		reject bool
	}{
		{"52:54:00:12:34:56", true},  // int 41135085296
		{"10:00:00:00:00:01", true},  // int 7776000001
		{"190:20:30", true},          // int 685230
		{"-1:30", true},              // int -90
		{"0:30.5", true},             // float 30.5
		{"02:00:00:00:00:01", false}, // str: a base-60 int starts with 1-9
		{"00:11:22:33:44:55", false}, // str
		{"0:30", false},              // str
		{"52:54:00:aa:bb:cc", false}, // str
		{"52:54:00:12:34:67", false}, // str: 67 is no base-60 digit
		{"yes", true}, {"On", true}, {"OFF", true},
		{"y", false}, {"n", false}, {"yEs", false}, // PyYAML resolves these as str
		{"example.internal", false},
		// Found by FuzzParse's YAML 1.2 oracle and PyYAML: timestamps
		// (which sigs.k8s.io/yaml reads as strings), and = and <<, which
		// PyYAML resolves to tags it cannot construct (ConstructorError).
		{"2001-12-14", true},                   // datetime.date
		{"2001-13-45", true},                   // ValueError: month must be in 1..12
		{"2001-1-2 3:04:05", true},             // datetime.datetime
		{"2001-12-14t21:59:43.10-05:00", true}, // datetime.datetime
		{"2001-12-14 21:59:43.10 Z", true},     // datetime.datetime
		{"20011-12-14", false},                 // str
		{"2001-12-14x", false},                 // str
		{"=", true}, {"<<", true},
	}
	// Dates that PyYAML reads as strings but go.yaml.in/yaml/v3 as times
	// (found by FuzzParse's YAML 1.2 oracle, which is v3) are refused too.
	for _, value := range []string{"2001-1-2", "2001-12-1"} {
		doc := "network:\n  version: 2\n  ethernets:\n    eth0:\n      nameservers: {search: [" + value + "]}\n"
		_, err := netplan.Parse([]byte(doc))
		require.ErrorContains(t, err, `network.ethernets.eth0.nameservers.search[0]: Invalid value: "`+value+`": line 5: this unquoted value is a time, not a string, to YAML readers such as go.yaml.in/yaml/v3`, value)
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			doc := "network:\n  version: 2\n  ethernets:\n    eth0:\n      nameservers: {search: [" + tt.value + "]}\n"
			_, err := netplan.Parse([]byte(doc))
			if tt.reject {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "not a string to YAML 1.1")
			} else if err != nil {
				assert.NotContains(t, err.Error(), "not a string to YAML 1.1")
			}
		})
	}
}

// TestParseRejectsPlainKeysThatAreNotStrings: sigs.k8s.io/yaml turns every
// mapping key into a string, so that before the fix Parse read the
// ethernets key on as "true" and 1 as "1" (found by FuzzParse, whose YAML
// 1.2 oracle reads them as a boolean and an integer); cloud-init's PyYAML
// reads them as True and 1. The keys here were read by PyYAML 6.0 as the
// types named.
func TestParseRejectsPlainKeysThatAreNotStrings(t *testing.T) {
	tests := []struct {
		key    string
		reject bool
	}{
		{"on", true},                // True
		{"No", true},                // False
		{"true", true},              // True
		{"1", true},                 // 1
		{"0x1F", true},              // 31
		{"52:54:00:12:34:56", true}, // 41135085296
		{"~", true},                 // None
		{"null", true},              // None
		{"2001-12-14", true},        // datetime.date
		{"1e3", true},               // str to PyYAML, but a float to YAML 1.2 readers
		{"2001-1-2", true},          // str to PyYAML, but a time.Time key to go.yaml.in/yaml/v3
		{`"on"`, false},
		{"'1'", false},
		{"eth0", false},
		{"enp1s0", false},
		{"y", false}, // str
		{"=", false}, // str: PyYAML reads a value-tagged key as a string
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			doc := "network:\n  version: 2\n  ethernets:\n    " + tt.key + ":\n      dhcp4: true\n"
			c, err := netplan.Parse([]byte(doc))
			if tt.reject {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "network.ethernets."+tt.key+": Invalid value: "+strconv.Quote(tt.key)+": line 4: this unquoted key is not a string")
				return
			}
			require.NoError(t, err)
			assert.Len(t, c.Network.Ethernets, 1)
		})
	}

	// The merge key is a key of its own kind, and a key that is an alias
	// is checked as the scalar it names.
	c, err := netplan.Parse([]byte("network:\n  version: 2\n  ethernets:\n    eth0: &e {dhcp4: true}\n    eth1:\n      <<: *e\n      dhcp6: true\n"))
	require.NoError(t, err)
	assert.True(t, c.Network.Ethernets["eth1"].DHCP4)
	_, err = netplan.Parse([]byte("network:\n  version: 2\n  ethernets:\n    eth0: {set-name: &k \"a\", mtu: &n 1}\n    *n : {dhcp4: true}\n"))
	require.ErrorContains(t, err, `network.ethernets.1: Invalid value: "1": line 5: this unquoted key is not a string`)
}

// TestParseRefusesKeysInAnotherCase: encoding/json matches keys to fields
// without regard to case, so that before the fix Parse read DHCP4 as
// dhcp4, and a document with both netwoRk and network as one network
// (found by FuzzParse, whose YAML 1.2 oracle keeps the two apart), while
// netplan refuses such keys and cloud-init ignores them.
func TestParseRefusesKeysInAnotherCase(t *testing.T) {
	tests := []struct{ doc, err string }{
		{"netwoRk: {version: 2}\nnetwork: {version: 2}\n", `netwoRk: Forbidden: unknown key "netwoRk"; keys are case-sensitive: did you mean "network"?`},
		{"network: {version: 2, ETHERNETS: {eth0: {dhcp4: true}}}", `network.ETHERNETS: Forbidden: unknown key "ETHERNETS"; keys are case-sensitive: did you mean "ethernets"?`},
		{"network: {version: 2, ethernets: {eth0: {DHCP4: true}}}", `network.ethernets.eth0.DHCP4: Forbidden: unknown key "DHCP4"; keys are case-sensitive: did you mean "dhcp4"?`},
		{"version: 2\nethernets: {eth0: {match: {MacAddress: \"02:00:00:00:00:01\"}}}", `ethernets.eth0.match.MacAddress: Forbidden: unknown key "MacAddress"; keys are case-sensitive: did you mean "macaddress"?`},
		{"network: {version: 2, ethernets: {eth0: {routes: [{to: default, VIA: \"10.0.0.1\"}]}}}", `network.ethernets.eth0.routes[0].VIA: Forbidden: unknown key "VIA"; keys are case-sensitive: did you mean "via"?`},
		{"network: {Version: 2}", `network.Version: Forbidden: unknown key "Version"; keys are case-sensitive: did you mean "version"?`},
	}
	for _, tt := range tests {
		c, err := netplan.Parse([]byte(tt.doc))
		require.Error(t, err, tt.doc)
		assert.Equal(t, "netplan config: "+tt.err, err.Error())
		assert.Equal(t, netplan.Config{}, c)
	}
	// Ethernets ids are names, not keys of the model: any case goes.
	c, err := netplan.Parse([]byte("network: {version: 2, ethernets: {ETH0: {dhcp4: true}}}"))
	require.NoError(t, err)
	assert.True(t, c.Network.Ethernets["ETH0"].DHCP4)
}

// TestParseRefusesNull: sigs.k8s.io/yaml reads a null as the empty value,
// so that before the fix Parse read `eth1:` as an entry with nothing set
// (found by FuzzParse, whose YAML 1.2 oracle reads a null there); netplan
// 0.106 refuses a null anywhere ("expected mapping", "invalid boolean
// value 'null'"), and cloud-init 22.4's net-convert fails on these
// (AttributeError: 'NoneType' object has no attribute 'get', TypeError:
// 'NoneType' object is not iterable), as measured.
func TestParseRefusesNull(t *testing.T) {
	for _, tt := range []struct{ doc, path string }{
		{"network:\n  version: 2\n  ethernets:\n    eth1:\n", "network.ethernets.eth1"},
		{"network: {version: 2, ethernets: null}", "network.ethernets"},
		{"network: {version: 2, ethernets: {eth1: {match: ~}}}", "network.ethernets.eth1.match"},
		{"network: {version: 2, ethernets: {eth1: {nameservers: {search: null}}}}", "network.ethernets.eth1.nameservers.search"},
		{"network: {version: 2, ethernets: {eth1: {addresses: [null]}}}", "network.ethernets.eth1.addresses[0]"},
		{"network: {version: 2, ethernets: {eth1: {routes: [{to: NULL, via: \"10.0.0.1\"}]}}}", "network.ethernets.eth1.routes[0].to"},
		{"network: {version: 2, ethernets: {eth1: {dhcp4: Null}}}", "network.ethernets.eth1.dhcp4"},
		{"network: {version: 2, ethernets: {eth1: {set-name: !!null x}}}", "network.ethernets.eth1.set-name"},
	} {
		c, err := netplan.Parse([]byte(tt.doc))
		var fe *field.Error
		require.ErrorAs(t, err, &fe, tt.doc)
		assert.Equal(t, field.ErrorTypeInvalid, fe.Type)
		assert.Equal(t, tt.path, fe.Field)
		assert.Nil(t, fe.BadValue)
		assert.Regexp(t, `^line \d+: a null value, which netplan refuses and cloud-init cannot read; write a value or leave the key out$`, fe.Detail)
		assert.Equal(t, netplan.Config{}, c)
	}
	// The text null, quoted, is a string.
	c, err := netplan.Parse([]byte("network: {version: 2, ethernets: {eth1: {set-name: \"null\", match: {name: 'null'}}}}"))
	require.NoError(t, err)
	assert.Equal(t, "null", c.Network.Ethernets["eth1"].SetName)
}

// TestParseErrorsAreFieldErrors: whatever the failure, Parse's error
// wraps a *field.Error, of the type the failure calls for, at the path of
// the node at fault or at the root (<nil>) for the whole document, with
// the line in its detail when the document has lines to tell.
func TestParseErrorsAreFieldErrors(t *testing.T) {
	const v2 = "network:\n  version: 2\n  ethernets:\n    eth0:\n"
	tests := []struct {
		name   string
		doc    string
		typ    field.ErrorType
		field  string
		detail string // a prefix of the detail
	}{
		{"over MaxDocumentSize", "#" + strings.Repeat("x", netplan.MaxDocumentSize), field.ErrorTypeTooLong, "<nil>", "1048577 bytes is more than the limit of 1048576 bytes (1 MiB)"},
		{"a second document", v2 + "      dhcp4: true\n---\n", field.ErrorTypeInvalid, "<nil>", "more than one YAML document"},
		{"YAML syntax", "network: [", field.ErrorTypeInvalid, "<nil>", "not a valid YAML or JSON document: yaml: line 1: did not find expected node content"},
		{"a duplicate key", "network:\n  version: 2\n  version: 2\n", field.ErrorTypeInvalid, "<nil>", `not a valid YAML or JSON document: yaml: unmarshal errors: line 3: key "version" already set in map`},
		{"a tag", v2 + "      set-name: !!binary gIGC\n", field.ErrorTypeForbidden, "network.ethernets.eth0.set-name", "line 5: the YAML tag !!binary"},
		{"nesting", nestedBlock(100), field.ErrorTypeForbidden, strings.Repeat("a.", 63) + "a", "line 65: the document nests deeper than 64 levels"},
		{"a plain value YAML 1.1 reads as a number", v2 + "      match: {macaddress: 52:54:00:12:34:56}\n", field.ErrorTypeInvalid, "network.ethernets.eth0.match.macaddress", "line 5: this unquoted value is not a string to YAML 1.1"},
		{"a plain value YAML 1.2 reads as a time", v2 + "      set-name: 2001-1-2\n", field.ErrorTypeInvalid, "network.ethernets.eth0.set-name", "line 5: this unquoted value is a time"},
		{"a plain key that is not a string", "network:\n  version: 2\n  ethernets:\n    on: {}\n", field.ErrorTypeInvalid, "network.ethernets.on", "line 4: this unquoted key is not a string"},
		{"a null", v2 + "      match:\n", field.ErrorTypeInvalid, "network.ethernets.eth0.match", "line 5: a null value"},
		{"a key in another case", v2 + "      DHCP4: true\n", field.ErrorTypeForbidden, "network.ethernets.eth0.DHCP4", `unknown key "DHCP4"; keys are case-sensitive: did you mean "dhcp4"?`},
		{"an unknown key", v2 + "      dhcp: true\n", field.ErrorTypeForbidden, "network.ethernets.eth0.dhcp", `unknown key "dhcp"; the keys here are match, set-name, dhcp4`},
		{"a value of the wrong type", v2 + "      dhcp4: \"true\"\n", field.ErrorTypeInvalid, "<nil>", "json: cannot unmarshal string into Go struct field"},
		{"not a mapping", "- network\n", field.ErrorTypeTypeInvalid, "<nil>", "the document must be a mapping"},
		{"another version", "network: {version: 1}\n", field.ErrorTypeInvalid, "network.version", "want 2"},
		{"another version, bare", "version: 3\n", field.ErrorTypeInvalid, "version", "want 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := netplan.Parse([]byte(tt.doc))
			assert.Equal(t, netplan.Config{}, c)
			var fe *field.Error
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, "netplan config: "+fe.Error(), err.Error())
			assert.Equal(t, tt.typ, fe.Type, "%v", fe)
			assert.Equal(t, tt.field, fe.Field, "%v", fe)
			assert.True(t, strings.HasPrefix(fe.Detail, tt.detail), "%q does not start with %q", fe.Detail, tt.detail)
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    netplan.Config
		wantErr string
	}{
		{
			name: "wrapped",
			in:   "network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n",
			want: netplan.Config{Network: netplan.Network{Version: 2, Ethernets: map[string]netplan.Ethernet{"eth0": {DHCP4: true}}}},
		},
		{
			name: "bare version 2, as cloud-init also accepts",
			in:   "version: 2\nethernets:\n  eth0:\n    dhcp4: true\n",
			want: netplan.Config{Network: netplan.Network{Version: 2, Ethernets: map[string]netplan.Ethernet{"eth0": {DHCP4: true}}}},
		},
		{
			name: "accept-ra, false kept apart from unset",
			in:   "network: {version: 2, ethernets: {eth0: {dhcp4: true, accept-ra: false}, eth1: {accept-ra: true}}}\n",
			want: netplan.Config{Network: netplan.Network{Version: 2, Ethernets: map[string]netplan.Ethernet{
				"eth0": {DHCP4: true, AcceptRA: new(bool)}, "eth1": {AcceptRA: func() *bool { b := true; return &b }()},
			}}},
		},
		{name: "unknown key", in: "network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp: true\n", wantErr: `network.ethernets.eth0.dhcp: Forbidden: unknown key "dhcp"`},
		{name: "duplicate key", in: "network:\n  version: 2\n  version: 2\n", wantErr: "already set"},
		{name: "version 1", in: "network:\n  version: 1\n", wantErr: "want 2"},
		{name: "not a mapping", in: "- a\n- b\n", wantErr: "must be a mapping"},
		{name: "empty", in: "", wantErr: "want 2"},
		{name: "unquoted all-digit MAC is not a string", in: "network:\n  version: 2\n  ethernets:\n    eth0:\n      match: {macaddress: 52:54:00:12:34:56}\n", wantErr: `network.ethernets.eth0.match.macaddress: Invalid value: "52:54:00:12:34:56": line 5: this unquoted value is not a string to YAML 1.1`},
		{name: "unquoted yes in a string field", in: "network:\n  version: 2\n  ethernets:\n    eth0:\n      nameservers: {search: [yes]}\n", wantErr: "search[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := netplan.Parse([]byte(tt.in))
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestMarshalParseRoundTrip(t *testing.T) {
	str := rapid.String()
	rapid.Check(t, func(t *rapid.T) {
		c := netplan.Config{Network: netplan.Network{Version: 2}}
		for i := rapid.IntRange(0, 4).Draw(t, "n"); i > 0; i-- {
			e := netplan.Ethernet{
				SetName:   str.Draw(t, "setName"),
				DHCP4:     rapid.Bool().Draw(t, "dhcp4"),
				DHCP6:     rapid.Bool().Draw(t, "dhcp6"),
				Addresses: rapid.SliceOfN(str, 0, 3).Draw(t, "addresses"),
				Gateway4:  str.Draw(t, "gw4"),
				Gateway6:  str.Draw(t, "gw6"),
				MTU:       rapid.IntRange(0, 65535).Draw(t, "mtu"),
			}
			if len(e.Addresses) == 0 {
				e.Addresses = nil
			}
			if rapid.Bool().Draw(t, "acceptRASet") {
				ra := rapid.Bool().Draw(t, "acceptRA")
				e.AcceptRA = &ra
			}
			if rapid.Bool().Draw(t, "match") {
				e.Match = &netplan.Match{MACAddress: str.Draw(t, "mac"), Name: str.Draw(t, "matchName")}
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
		out, err := netplan.Marshal(c)
		if err != nil {
			// Marshal may refuse what YAML cannot carry as text; it must
			// not refuse anything else.
			require.True(t, hasHostileString(c), "Marshal refused a config of plain strings: %v", err)
			return
		}
		again, err := netplan.Marshal(c)
		require.NoError(t, err)
		require.Equal(t, out, again, "Marshal is not deterministic")
		back, err := netplan.Parse(out)
		require.NoError(t, err, "%s", out)
		require.Equal(t, c, back, "the document does not read back as the config it was written from:\n%s", out)
	})
}

// hasHostileString reports whether any string of c holds a character
// that YAML has no plain text for: C0 and C1 controls (NEL among them),
// DEL, the Unicode line and paragraph separators, the byte order mark, or
// invalid UTF-8.
func hasHostileString(c netplan.Config) bool {
	hostile := func(s string) bool {
		if !utf8.ValidString(s) {
			return true
		}
		for _, r := range s {
			if r < 0x20 || r >= 0x7f && r <= 0x9f || r == 0x2028 || r == 0x2029 || r == 0xfeff {
				return true
			}
		}
		return false
	}
	for key, e := range c.Network.Ethernets {
		strs := append([]string{key, e.SetName, e.Gateway4, e.Gateway6}, e.Addresses...)
		if e.Match != nil {
			strs = append(strs, e.Match.MACAddress, e.Match.Name)
		}
		for _, r := range e.Routes {
			strs = append(strs, r.To, r.Via)
		}
		for _, s := range strs {
			if hostile(s) {
				return true
			}
		}
	}
	return false
}

// FuzzParse checks Parse and Marshal on arbitrary documents. The
// invariants: Parse never panics, never modifies its input, gives the same
// answer twice, and returns either a Config or an error, never both; what
// it accepts has version 2, and a YAML 1.2 reader (go.yaml.in/yaml/v3)
// reads the input as the same document: the same keys, all of them
// strings, and the same strings and booleans at the same places (numbers
// aside, where YAML 1.1 and 1.2 differ and Parse sides with cloud-init);
// Marshal writes it without error, and Parse
// reads that back into the same model (the same JSON encoding: an empty
// list and a missing one are the same to netplan), which Marshal writes
// again byte for byte; and sigs.k8s.io/yaml and go.yaml.in/yaml/v3 both
// read Marshal's document into the generic value of the Config's JSON
// encoding, so that no string, whatever it holds, is read as another type
// or as structure.
func FuzzParse(f *testing.F) {
	seed, _ := netplan.Marshal(sample())
	f.Add(seed)
	f.Add([]byte("version: 2\nethernets: {eth0: {dhcp4: true}}\n"))
	f.Add([]byte("network: {version: 2, ethernets: {eth0: {match: {macaddress: \"02:00:00:00:00:01\"}, set-name: eth0}}}"))
	f.Add([]byte("a: &a [*a]"))
	f.Add([]byte("network:\n  version: 2\n  ethernets:\n    \"on\":\n      addresses: []\n      match: {}\n      nameservers: {search: [\"a\\u0085b\", \"x\\ny: z\", \"\\t#c\", \"\\u2028\"]}\n      routes: [{to: default, via: \"fe80::1%eth0\", metric: 4294967295}]\n"))
	f.Add([]byte("network: {version: 2, ethernets: {eth0: {mtu: 1e3}}}"))
	f.Add([]byte("network: {version: 2, ethernets: {eth0: {match: {macaddress: 52:54:00:12:34:56}}}}"))
	f.Add([]byte("network: {version: 2}\nnetwork: {version: 2}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		orig := bytes.Clone(data)
		c, err := netplan.Parse(data)
		require.Equal(t, orig, data, "Parse modified its input")
		again, againErr := netplan.Parse(data)
		require.Equal(t, c, again, "Parse is not deterministic")
		require.Equal(t, err == nil, againErr == nil, "Parse is not deterministic")
		if err != nil {
			require.Equal(t, netplan.Config{}, c, "a Config with an error")
			return
		}
		require.Equal(t, 2, c.Network.Version)
		// A YAML 1.2 reader (go.yaml.in/yaml/v3) reads the same document:
		// the same keys, strings and booleans at the same places. (Numbers
		// are left out: YAML 1.1 and 1.2 read 017 as 15 and 17, and Parse
		// sides with cloud-init's YAML 1.1.)
		model := fuzzJSONValue(t, c)
		require.Equal(t, withoutNumbers(model), withoutNumbers(yaml12Value(t, data)), "Parse reads another document than YAML 1.2 readers:\n%s", data)
		out, err := netplan.Marshal(c)
		require.NoError(t, err, "Marshal of a parsed config")
		back, err := netplan.Parse(out)
		require.NoError(t, err, "Parse of Marshal's output:\n%s", out)
		require.Equal(t, model, fuzzJSONValue(t, back), "a round trip changed the model:\n%s", out)
		out2, err := netplan.Marshal(back)
		require.NoError(t, err)
		require.Equal(t, string(out), string(out2), "a round trip changed the document")

		var viaSigs any
		require.NoError(t, sigsyaml.Unmarshal(out, &viaSigs), "%s", out)
		require.Equal(t, model, viaSigs, "sigs.k8s.io/yaml reads another document:\n%s", out)
		var viaV3 any
		require.NoError(t, yamlv3.Unmarshal(out, &viaV3), "%s", out)
		require.Equal(t, model, fuzzJSONValue(t, viaV3), "go.yaml.in/yaml/v3 reads another document:\n%s", out)
	})
}

// yaml12Value reads data, a document Parse accepted, with
// go.yaml.in/yaml/v3 into the generic value of Parse's model: wrapped in
// network when it is the bare form, and without the values that the
// model's JSON encoding leaves out (null, false, zero, "", empty lists, an
// empty ethernets).
func yaml12Value(t *testing.T, data []byte) any {
	t.Helper()
	var doc any
	require.NoError(t, yamlv3.Unmarshal(data, &doc), "Parse accepted a document that YAML 1.2 readers refuse")
	top, ok := doc.(map[string]any)
	require.True(t, ok, "Parse accepted a document whose top is %T to YAML 1.2 readers", doc)
	if _, wrapped := top["network"]; !wrapped {
		doc = map[string]any{"network": top}
	}
	requireStringKeys(t, doc, "")
	return pruneEmpty(fuzzJSONValue(t, doc), "")
}

// requireStringKeys fails when a mapping of v, a value go.yaml.in/yaml/v3
// decoded, has a key that is not a string.
func requireStringKeys(t *testing.T, v any, path string) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			requireStringKeys(t, e, path+"."+k)
		}
	case map[any]any:
		for k := range v {
			if _, ok := k.(string); !ok {
				t.Fatalf("Parse accepted %s.%v, a key that is a %T, not a string, to YAML 1.2 readers", path, k, k)
			}
		}
	case []any:
		for i, e := range v {
			requireStringKeys(t, e, fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

// pruneEmpty removes from the mappings of v the entries that
// encoding/json's omitempty, as the model uses it, leaves out.
func pruneEmpty(v any, key string) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			e = pruneEmpty(e, k)
			switch e := e.(type) {
			case nil:
				continue
			case bool:
				// accept-ra is a pointer: false is a value, not an
				// omitted field.
				if !e && k != "accept-ra" {
					continue
				}
			case float64:
				// A route's metric is a pointer: 0 is a value, not an
				// omitted field.
				if e == 0 && k != "metric" {
					continue
				}
			case string:
				if e == "" {
					continue
				}
			case []any:
				if len(e) == 0 {
					continue
				}
			case map[string]any:
				if len(e) == 0 && k == "ethernets" {
					continue
				}
			}
			out[k] = e
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = pruneEmpty(e, key)
		}
		return out
	}
	return v
}

// withoutNumbers replaces every number in v with the string "<number>".
func withoutNumbers(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = withoutNumbers(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = withoutNumbers(e)
		}
		return out
	case float64:
		return "<number>"
	}
	return v
}

// fuzzJSONValue returns v's JSON encoding decoded into a generic value.
func fuzzJSONValue(t *testing.T, v any) any {
	t.Helper()
	js, err := json.Marshal(v)
	require.NoError(t, err, "%#v", v)
	var out any
	require.NoError(t, json.Unmarshal(js, &out))
	return out
}
