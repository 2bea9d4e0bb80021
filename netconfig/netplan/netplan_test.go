package netplan_test

import (
	"testing"
	"unicode/utf8"

	"github.com/guestnet/guestnet/netconfig/netplan"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yamlv2 "go.yaml.in/yaml/v2"
	"pgregory.net/rapid"
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
		{name: "unknown key", in: "network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp: true\n", wantErr: `unknown field "dhcp"`},
		{name: "duplicate key", in: "network:\n  version: 2\n  version: 2\n", wantErr: "already set"},
		{name: "version 1", in: "network:\n  version: 1\n", wantErr: "want 2"},
		{name: "not a mapping", in: "- a\n- b\n", wantErr: "must be a mapping"},
		{name: "empty", in: "", wantErr: "want 2"},
		{name: "unquoted all-digit MAC is not a string", in: "network:\n  version: 2\n  ethernets:\n    eth0:\n      match: {macaddress: 52:54:00:12:34:56}\n", wantErr: "ethernets.eth0.match.macaddress: the unquoted value 52:54:00:12:34:56 is not a string to YAML 1.1"},
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

func FuzzParse(f *testing.F) {
	seed, _ := netplan.Marshal(sample())
	f.Add(seed)
	f.Add([]byte("version: 2\nethernets: {eth0: {dhcp4: true}}\n"))
	f.Add([]byte("network: {version: 2, ethernets: {eth0: {match: {macaddress: \"02:00:00:00:00:01\"}, set-name: eth0}}}"))
	f.Add([]byte("a: &a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		c, err := netplan.Parse(data)
		if err != nil {
			return
		}
		out, err := netplan.Marshal(c)
		if err != nil {
			t.Fatalf("Marshal of a parsed config failed: %v", err)
		}
		back, err := netplan.Parse(out)
		if err != nil {
			t.Fatalf("output does not parse: %v\n%s", err, out)
		}
		out2, err := netplan.Marshal(back)
		if err != nil || string(out2) != string(out) {
			t.Fatalf("round trip changed the document:\n%s\n---\n%s", out, out2)
		}
	})
}
