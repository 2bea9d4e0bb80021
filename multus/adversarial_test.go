package multus_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/internal/hostile"
	"github.com/guestnet/guestnet/multus"
	"github.com/guestnet/guestnet/netconfig"
)

// The adversarial tests feed ParseNetworkStatus annotations that are not
// JSON, have the wrong shape, are huge or deep, or repeat keys, and put
// hostile strings (package internal/hostile) into every string field of an
// entry; each outcome is checked exactly, in bounded time and memory
// (hostile.Bounded). Measured figures (Go 1.26, 2 CPUs, no race detector,
// other jobs running) are in the comments.

// statusField is the path of every error of ParseNetworkStatus, and
// statusPrefix the start of its message for an annotation that is not a
// JSON array of network status objects.
const (
	statusField  = "metadata.annotations[k8s.v1.cni.cncf.io/network-status]"
	statusPrefix = statusField + ": Invalid value: want a JSON array of network status objects: "
)

func TestAdversarialAnnotations(t *testing.T) {
	tests := []struct {
		name       string
		annotation string
		err        string // the error after statusPrefix; "" for none
		tooLong    bool   // the error is field.ErrorTypeTooLong, not after statusPrefix
		want       []nadv1.NetworkStatus
		bounds     hostile.Bounds
	}{
		// Not JSON.
		{name: "a word", annotation: "ovn-kubernetes", err: "not valid JSON at byte 1: invalid character 'o' looking for beginning of value"},
		{name: "YAML", annotation: "- name: a\n", err: "not valid JSON at byte 2: invalid character ' ' in numeric literal"},
		{name: "unterminated", annotation: `[{"name":"a"`, err: "unexpected end of JSON input"},
		{name: "trailing garbage", annotation: `[] x`, err: "not valid JSON at byte 4: invalid character 'x' after top-level value"},
		{name: "raw NUL", annotation: "[{\"name\":\"a\x00\"}]", err: `not valid JSON at byte 12: invalid character '\x00' in string literal`},
		{name: "raw newline in a string", annotation: "[{\"name\":\"a\nb\"}]", err: `not valid JSON at byte 12: invalid character '\n' in string literal`},
		{name: "byte order mark", annotation: "\ufeff[]", err: "not valid JSON at byte 1: invalid character 'ï' looking for beginning of value"},
		{name: "invalid UTF-8", annotation: "[{\"name\":\"a\xffb\"}]", err: "not valid UTF-8 at byte 11"},
		{name: "white space", annotation: " \t\r\n", want: nil},
		{name: "JSON null", annotation: "null", want: nil},

		// The wrong shape.
		{name: "an object", annotation: `{"name":"vms/ext-net"}`, err: "got a JSON object"},
		{name: "a number", annotation: `1`, err: "got a JSON number"},
		{name: "a string", annotation: `"[]"`, err: "got a JSON string"},
		{name: "a boolean", annotation: `true`, err: "got a JSON bool"},
		{name: "numbers as entries", annotation: `[1, 2]`, err: "an entry is a JSON number, want an object (at byte 2)"},
		{name: "lists as entries", annotation: `[[{"name":"a"}]]`, err: "an entry is a JSON array, want an object (at byte 2)"},
		{name: "a number as name", annotation: `[{"name":1}]`, err: `field "name" of an entry is a JSON number, want a string (at byte 10)`},
		{name: "a list as name", annotation: `[{"name":["a"]}]`, err: `field "name" of an entry is a JSON array, want a string (at byte 10)`},
		{name: "numbers as ips", annotation: `[{"ips":[1]}]`, err: `field "ips" of an entry is a JSON number, want a string (at byte 10)`},
		{name: "a list as dns", annotation: `[{"dns":[]}]`, err: `field "dns" of an entry is a JSON array, want an object (at byte 9)`},
		{name: "a string as default", annotation: `[{"default":"true"}]`, err: `field "default" of an entry is a JSON string, want a boolean (at byte 18)`},
		{name: "nested nonsense in a known field", annotation: `[{"device-info":{"pci":{"pci-address":[{}]}}}]`, err: `field "device-info.pci.pci-address" of an entry is a JSON array, want a string`},
		{name: "nested nonsense in an unknown field", annotation: `[{"name":"a","x":{"y":[[[[{"z":null}]]]]}}]`, want: []nadv1.NetworkStatus{{Name: "a"}}},

		// Null entries and fields.
		{name: "a null entry", annotation: `[null]`, err: "entry 0 is null, want an object (at byte 5)"},
		{name: "a null entry after one", annotation: `[{"name":"a"}, null]`, err: "entry 1 is null, want an object (at byte 19)"},
		{name: "null fields", annotation: `[{"name":null,"ips":null,"dns":null,"default":null}]`, want: []nadv1.NetworkStatus{{}}},

		// Duplicate keys, which encoding/json would resolve by keeping the
		// last (and matching without regard to case).
		{name: "duplicate name", annotation: `[{"name":"a","name":"b"}]`, err: `entry 0 has the key "name" twice (at byte 19)`},
		{name: "duplicate name in another case", annotation: `[{"name":"a","Name":"b"}]`, err: `entry 0 has the key "Name" twice (as "name"; keys are matched without regard to case) (at byte 19)`},
		{name: "duplicate by Unicode case folding", annotation: `[{"ips":[],"ip` + "\u017f" + `":[]}]`, err: `entry 0 has the key "ipſ" twice (as "ips"; keys are matched without regard to case)`},
		{name: "duplicate in a nested object", annotation: `[{"dns":{"search":[],"search":[]}}]`, err: `entry 0.dns has the key "search" twice (at byte 29)`},
		{name: "duplicate in an unknown field", annotation: `[{"x":[{"a":1,"a":2}]}]`, err: `entry 0.x[0] has the key "a" twice (at byte 17)`},
		{name: "duplicate in a second entry", annotation: `[{"name":"a"},{"mac":"x","MAC":"y"}]`, err: `entry 1 has the key "MAC" twice (as "mac"; keys are matched without regard to case)`},
		{name: "same key in two entries", annotation: `[{"name":"a"},{"name":"b"}]`, want: []nadv1.NetworkStatus{{Name: "a"}, {Name: "b"}}},
		{name: "duplicate name, escaped", annotation: `[{"name":"a","na\u006de":"b"}]`, err: `entry 0 has the key "name" twice (at byte 24)`},
		{name: "duplicate name, escaped first", annotation: `[{"na\u006de":"a","name":"b"}]`, err: `entry 0 has the key "name" twice (at byte 24)`},
		{name: "duplicate name in another case, escaped", annotation: `[{"name":"a","\u004eame":"b"}]`, err: `entry 0 has the key "Name" twice (as "name"; keys are matched without regard to case) (at byte 24)`},
		{name: "duplicate by Unicode case folding, escaped", annotation: `[{"ips":[],"ip\u017f":[]}]`, err: `entry 0 has the key "ipſ" twice (as "ips"; keys are matched without regard to case) (at byte 21)`},
		{name: "duplicate by the Kelvin sign", annotation: `[{"x":{"k":1,"` + "\u212a" + `":2}}]`, err: `entry 0.x has the key "` + "\u212a" + `" twice (as "k"; keys are matched without regard to case) (at byte 18)`},
		{name: "duplicate key holding a quote and a backslash", annotation: `[{"x":{"a\"b\\":1,"a\"b\\":2}}]`, err: `entry 0.x has the key "a\"b\\" twice (at byte 26)`},
		{name: "duplicate empty key", annotation: `[{"":1,"":2}]`, err: `entry 0 has the key "" twice (at byte 9)`},
		{name: "duplicate among white space", annotation: `[ { "name" : "a" , "name" : "b" } ]`, err: `entry 0 has the key "name" twice (at byte 25)`},
		{name: "duplicate in an array of objects", annotation: `[{"x":[{"a":1},{"a":2},{"b":1,"B":2}]}]`, err: `entry 0.x[2] has the key "B" twice (as "b"; keys are matched without regard to case) (at byte 33)`},
		{name: "duplicate in nested arrays", annotation: `[{"x":[[],[{},{"y":[{"a":1,"a":2}]}]]}]`, err: `entry 0.x[1][1].y[0] has the key "a" twice (at byte 30)`},
		{name: "duplicate under an escaped key", annotation: `[{"d\u006es":{"search":[],"search":[]}}]`, err: `entry 0.dns has the key "search" twice (at byte 34)`},
		{name: "duplicate after a nested object", annotation: `[{"a":{"b":1},"b":2,"A":3}]`, err: `entry 0 has the key "A" twice (as "a"; keys are matched without regard to case) (at byte 23)`},
		{name: "duplicate in an object after a wide one", annotation: `[{"x":` + wideObject(20, "") + `,"y":{"a":1,"A":2}}]`, err: `entry 0.y has the key "A" twice (as "a"; keys are matched without regard to case) (at byte 182)`},
		{name: "duplicate before a null entry", annotation: `[{"a":1,"a":2},null]`, err: `entry 0 has the key "a" twice (at byte 11)`},
		{name: "null entry before a duplicate", annotation: `[null,{"a":1,"a":2}]`, err: "entry 0 is null, want an object (at byte 5)"},
		{name: "nulls in an array of an entry", annotation: `[{"x":[null,{"y":null}]}]`, want: []nadv1.NetworkStatus{{}}},
		{name: "keys and brackets inside strings", annotation: `[{"name":"{\"name\":1,\"name\":2}","x":["\"name\":","{","]"],"interface":"a\\"}]`, want: []nadv1.NetworkStatus{{Name: `{"name":1,"name":2}`, Interface: `a\`}}},
		{name: "values that are keys", annotation: `[{"name":"name","interface":"Name","x":{"x":{"x":"x"}},"y":[{"x":1},{"X":2}]}]`, want: []nadv1.NetworkStatus{{Name: "name", Interface: "Name"}}},
		{name: "20 keys and one twice", annotation: `[` + wideObject(20, `"K7":1`) + `]`, err: `entry 0 has the key "K7" twice (as "k7"; keys are matched without regard to case) (at byte 166)`},
		{name: "15,000 keys", annotation: `[` + wideObject(15000, "") + `]`, want: []nadv1.NetworkStatus{{}}},
		{name: "15,000 keys and the first twice", annotation: `[` + wideObject(15000, `"K0":1`) + `]`, err: `entry 0 has the key "K0" twice (as "k0"; keys are matched without regard to case) (at byte 202786)`},
		{name: "duplicate 10,000 levels deep", annotation: "[" + strings.Repeat(`{"a":`, 9998) + `{"b":1,"b":2}` + strings.Repeat("}", 9998) + "]", err: "entry 0" + strings.Repeat(".a", 9998) + ` has the key "b" twice (at byte 50001)`},
		{name: "duplicate after 10,000 levels", annotation: `[{"a":` + strings.Repeat(`{"a":`, 9998) + "1" + strings.Repeat("}", 9998) + `,"A":2}]`, err: `entry 0 has the key "A" twice (as "a"; keys are matched without regard to case) (at byte 59999)`},

		// Numbers beyond a float64, which encoding/json cannot read as a
		// JSON value even where Unmarshal skips them.
		{name: "a huge number in an unknown field", annotation: `[{"x":1e999}]`, err: "json: cannot unmarshal number 1e999 into Go value of type float64"},
		{name: "a huge negative number in a list", annotation: `[{"x":[1,-1e400]}]`, err: "json: cannot unmarshal number -1e400 into Go value of type float64"},
		{name: "a huge number of 309 digits", annotation: `[{"x":2` + strings.Repeat("0", 308) + `}]`, err: "json: cannot unmarshal number 2" + strings.Repeat("0", 308) + " into Go value of type float64"},
		{name: "a large number of 308 digits", annotation: `[{"x":` + strings.Repeat("9", 308) + `}]`, want: []nadv1.NetworkStatus{{}}},
		{name: "a tiny number", annotation: `[{"x":1e-400}]`, want: []nadv1.NetworkStatus{{}}},
		{name: "a huge number after a duplicate", annotation: `[{"a":1,"a":1e999}]`, err: `entry 0 has the key "a" twice (at byte 11)`},
		{name: "a huge number before a duplicate", annotation: `[{"a":1e999,"a":1}]`, err: "json: cannot unmarshal number 1e999 into Go value of type float64"},

		// Huge and deep input. Measured: 100,000 [ 0.4 ms of CPU; the
		// largest annotation 22 ms, 6 MiB; past the limit, nothing read.
		{name: "over MaxNetworkStatusSize", tooLong: true, annotation: "[" + strings.Repeat(`{"name":"a"},`, multus.MaxNetworkStatusSize/13+1) + `{}]`, err: "262149 bytes is more than the limit of 262144 bytes (256 KiB, the most all of a pod's annotations may take)"},
		{name: "10 MiB", tooLong: true, annotation: strings.Repeat(" ", 10<<20), err: "10485760 bytes is more than the limit of 262144 bytes"},
		{name: "100,000 nested [", annotation: strings.Repeat("[", 100000), err: "not valid JSON at byte 10001: invalid character '[' exceeded max depth"},
		{name: "50,000 nested objects", annotation: "[" + strings.Repeat(`{"a":`, 50000), err: "exceeded max depth"},
		{name: "9,000 nested lists in an unknown field", annotation: `[{"name":"a","x":` + strings.Repeat("[", 9000) + strings.Repeat("]", 9000) + `}]`, want: []nadv1.NetworkStatus{{Name: "a"}}},
		{name: "the largest annotation", annotation: largestAnnotation(), bounds: hostile.Bounds{Alloc: 64 << 20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []nadv1.NetworkStatus
			var err error
			hostile.Bounded(t, tt.bounds, func() { got, err = multus.ParseNetworkStatus(tt.annotation) })
			switch {
			case tt.err != "":
				require.Error(t, err)
				require.Nil(t, got)
				var fe *field.Error
				require.ErrorAs(t, err, &fe)
				require.Equal(t, statusField, fe.Field)
				prefix := statusPrefix
				if tt.tooLong {
					require.Equal(t, field.ErrorTypeTooLong, fe.Type)
					prefix = statusField + ": Too long: "
				}
				require.True(t, strings.HasPrefix(err.Error(), prefix), "%v", err)
				assert.Contains(t, strings.TrimPrefix(err.Error(), prefix), tt.err)
				requirePrintable(t, err.Error())
			case tt.name == "the largest annotation":
				require.NoError(t, err)
				require.Len(t, got, len(strings.Split(tt.annotation, `"name"`))-1)
			default:
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
			}
		})
	}
}

// largestAnnotation is an annotation of just under MaxNetworkStatusSize,
// the entries of a pod with the most networks a VM can have
// (netconfig.MaxNetworks), repeated.
func largestAnnotation() string {
	var entries []string
	for i := 0; ; i++ {
		e := fmt.Sprintf(`{"name":"vms/ext-net","interface":%q,"ips":["10.0.%d.%d"],"mac":"02:00:00:00:%02x:%02x","dns":{}}`,
			multus.PodInterfaceName(fmt.Sprintf("net-%d", i%netconfig.MaxNetworks)), i>>8&0xff, i&0xff, i>>8&0xff, i&0xff)
		if len(entries)*(len(e)+1)+len(e) > multus.MaxNetworkStatusSize-2 {
			break
		}
		entries = append(entries, e)
	}
	return "[" + strings.Join(entries, ",") + "]"
}

// wideObject is an object with n keys, "k0" to "k<n-1>", and then extra
// when it is not "".
func wideObject(n int, extra string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, `"k%d":%d,`, i, i)
	}
	if extra != "" {
		b.WriteString(extra + ",")
	}
	return strings.TrimSuffix(b.String(), ",") + "}"
}

// requirePrintable checks that s is one line of printable text.
func requirePrintable(t *testing.T, s string) {
	t.Helper()
	for i, r := range s {
		if r != ' ' && !unicode.IsPrint(r) {
			t.Fatalf("the message holds %U at byte %d, unescaped: %q", r, i, s)
		}
	}
}

// statusFields are the string fields of an entry.
var statusFields = []struct {
	name string
	set  func(s *nadv1.NetworkStatus, v string)
}{
	{"name", func(s *nadv1.NetworkStatus, v string) { s.Name = v }},
	{"interface", func(s *nadv1.NetworkStatus, v string) { s.Interface = v }},
	{"mac", func(s *nadv1.NetworkStatus, v string) { s.Mac = v }},
	{"ips[0]", func(s *nadv1.NetworkStatus, v string) { s.IPs = []string{v} }},
	{"dns.nameservers[0]", func(s *nadv1.NetworkStatus, v string) { s.DNS.Nameservers = []string{v} }},
	{"dns.domain", func(s *nadv1.NetworkStatus, v string) { s.DNS.Domain = v }},
	{"dns.search[0]", func(s *nadv1.NetworkStatus, v string) { s.DNS.Search = []string{v} }},
	{"dns.options[0]", func(s *nadv1.NetworkStatus, v string) { s.DNS.Options = []string{v} }},
	{"gateway[0]", func(s *nadv1.NetworkStatus, v string) { s.Gateway = []string{v} }},
	{"device-info.type", func(s *nadv1.NetworkStatus, v string) { s.DeviceInfo = &nadv1.DeviceInfo{Type: v} }},
	{"device-info.pci.pci-address", func(s *nadv1.NetworkStatus, v string) {
		s.DeviceInfo = &nadv1.DeviceInfo{Type: "pci", Pci: &nadv1.PciDevice{PciAddress: v}}
	}},
}

// advStatuses are the entries of the pod of advSpec.
func advStatuses() []nadv1.NetworkStatus {
	return []nadv1.NetworkStatus{
		{Name: "ovn-kubernetes", Interface: "eth0", IPs: []string{"10.244.1.12"}, Mac: "0a:58:0a:f4:01:0c", Default: true},
		{Name: "vms/ext-net", Interface: multus.PodInterfaceName("external"), IPs: []string{"192.168.0.200"}, Mac: "02:00:00:aa:bb:cc"},
	}
}

// advSpec is the pod network and one static Multus network on the bridge
// binding whose MAC only the network status knows.
func advSpec() netconfig.Spec {
	return netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod},
		{
			Name: "external", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge,
			IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{netip.MustParsePrefix("192.168.0.200/24")}},
		},
	}}
}

// advFlat is what every reader must make of advSpec's YAML: eth1 matched
// by mac, or by name when mac is "" (the pod network's MAC is not taken
// from the status: its binding is not bridge).
func advFlat(mac string) hostile.Flat {
	f := hostile.Flat{
		hostile.Path("network", "version"):                                  "num:2",
		hostile.Path("network", "ethernets", "eth0", "dhcp4"):               "bool:true",
		hostile.Path("network", "ethernets", "eth1", "addresses", 0):        "str:192.168.0.200/24",
		hostile.Path("network", "ethernets", "eth1", "match", "macaddress"): "str:" + mac,
		hostile.Path("network", "ethernets", "eth1", "set-name"):            "str:eth1",
	}
	if mac == "" {
		delete(f, hostile.Path("network", "ethernets", "eth1", "match", "macaddress"))
		delete(f, hostile.Path("network", "ethernets", "eth1", "set-name"))
	}
	return f
}

// TestAdversarialStringsInAnnotations puts every hostile string into every
// string field of the secondary network's entry. Text that is not valid
// UTF-8 makes the annotation unreadable; any other text is read back
// exactly, and resolving the VM's networks with it changes the YAML only
// as the rules say (the entry found by attachment and interface name, the
// MAC taken when it parses), never by the text itself; the status the
// caller gets in Result.Interfaces holds the text as it was (a gateway
// only when it parses).
func TestAdversarialStringsInAnnotations(t *testing.T) {
	macs := map[string]bool{"mac-52": true, "mac-10": true, "mac-00": true}
	for _, c := range hostile.All() {
		for _, f := range statusFields {
			t.Run(c.Name+"/"+f.name, func(t *testing.T) {
				statuses := advStatuses()
				const placeholder = "@@hostile@@"
				valid := utf8.ValidString(c.Value)
				if valid {
					f.set(&statuses[1], c.Value)
				} else {
					// encoding/json would write U+FFFD for the bad bytes:
					// put them in raw, as a hostile writer would.
					f.set(&statuses[1], placeholder)
				}
				js, err := json.Marshal(statuses)
				require.NoError(t, err)
				annotation := strings.Replace(string(js), placeholder, c.Value, 1)
				var got []nadv1.NetworkStatus
				hostile.Bounded(t, hostile.Bounds{Alloc: 4 << 20}, func() { got, err = multus.ParseNetworkStatus(annotation) })
				if !valid {
					require.Error(t, err)
					require.Contains(t, err.Error(), "not valid UTF-8 at byte")
					return
				}
				require.NoError(t, err, "%s", annotation)
				require.Equal(t, statuses, normalize(got), "read back")

				res, err := netconfig.Build(advSpec(), netconfig.WithNetworkStatus(multus.NewStatusIndex("vms", got)))
				require.NoError(t, err)
				wantMAC := "02:00:00:aa:bb:cc"
				switch {
				case f.name == "name":
					wantMAC = "" // the entry is another attachment's
				case f.name == "mac" && macs[c.Name]:
					wantMAC = c.Value
				case f.name == "mac":
					wantMAC = "" // a MAC that does not parse is left out
				}
				v3, err := hostile.FlattenYAMLv3(res.YAML)
				require.NoError(t, err)
				require.Equal(t, advFlat(wantMAC).String(), v3.String(), "%s", res.YAML)
				if f.name == "interface" {
					assert.Equal(t, c.Value, res.Interfaces[1].PodInterface)
				}
				// What the caller gets, Interfaces[1].Status, holds the text
				// as it was; a gateway only when it parses.
				st := res.Interfaces[1].Status
				if f.name == "name" {
					require.Nil(t, st)
					return
				}
				require.NotNil(t, st)
				switch f.name {
				case "gateway[0]":
					var want []netip.Addr
					if a, err := netip.ParseAddr(c.Value); err == nil {
						want = []netip.Addr{a}
					}
					assert.Equal(t, want, st.Gateways)
				case "device-info.type":
					assert.Equal(t, c.Value, st.DeviceInfo.Type)
				case "device-info.pci.pci-address":
					assert.Equal(t, netconfig.DeviceInfo{Type: "pci", PCIAddress: c.Value}, st.DeviceInfo)
				}
			})
		}
	}
}

// normalize makes empty lists nil and drops an empty DNS, as the
// annotation's JSON cannot tell them apart (the fields are omitempty).
func normalize(statuses []nadv1.NetworkStatus) []nadv1.NetworkStatus {
	out := make([]nadv1.NetworkStatus, len(statuses))
	for i, s := range statuses {
		for _, l := range []*[]string{&s.IPs, &s.Gateway, &s.DNS.Nameservers, &s.DNS.Search, &s.DNS.Options} {
			if len(*l) == 0 {
				*l = nil
			}
		}
		out[i] = s
	}
	return out
}

// TestAdversarialStatusIndexSizes resolves the most networks a VM can have,
// all on one attachment, over the largest annotation, in bounded time and
// memory; a longer list gets no entry at all, at once.
func TestAdversarialStatusIndexSizes(t *testing.T) {
	statuses, err := multus.ParseNetworkStatus(largestAnnotation())
	require.NoError(t, err)
	r := multus.NewStatusIndex("vms", statuses)
	spec := netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{{Name: "default", Source: netconfig.SourcePod}}}
	for i := 1; i < netconfig.MaxNetworks; i++ {
		spec.Networks = append(spec.Networks, netconfig.Network{
			Name: fmt.Sprintf("net-%d", i), Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge,
			IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP},
		})
	}
	t.Run("MaxNetworks networks", func(t *testing.T) {
		var res netconfig.Result
		// Measured: 0.8 ms, 0.42 MiB, Build included (with the status
		// resolved one network at a time, each call reading the whole
		// list, it was O(n²): 40 ms and 21 MiB).
		hostile.Bounded(t, hostile.Bounds{Alloc: 4 << 20}, func() {
			res, err = netconfig.Build(spec, netconfig.WithNetworkStatus(r))
		})
		require.NoError(t, err)
		// Every entry's interface appears several times in the
		// annotation, so no network gets one: ambiguity gives none.
		for _, iface := range res.Interfaces[1:] {
			assert.Equal(t, netconfig.MatchName, iface.Match, iface.Network)
		}
	})
	t.Run("MaxNetworks networks, each its own entry", func(t *testing.T) {
		var own []nadv1.NetworkStatus
		for i := 1; i < netconfig.MaxNetworks; i++ {
			own = append(own, nadv1.NetworkStatus{Name: "vms/ext-net", Interface: multus.PodInterfaceName(fmt.Sprintf("net-%d", i)), Mac: fmt.Sprintf("02:00:00:00:00:%02x", i)})
		}
		r := multus.NewStatusIndex("vms", own)
		var res netconfig.Result
		// Measured: 0.7 ms, 0.32 MiB.
		hostile.Bounded(t, hostile.Bounds{Alloc: 4 << 20}, func() {
			res, err = netconfig.Build(spec, netconfig.WithNetworkStatus(r))
		})
		require.NoError(t, err)
		for i, iface := range res.Interfaces[1:] {
			assert.Equal(t, netconfig.MACFromNetworkStatus, iface.MACOrigin, iface.Network)
			assert.Equal(t, fmt.Sprintf("02:00:00:00:00:%02x", i+1), iface.MAC.String())
		}
	})
	t.Run("100,000 networks", func(t *testing.T) {
		long := make([]netconfig.Network, 100000)
		for i := range long {
			long[i] = netconfig.Network{Name: fmt.Sprintf("net-%d", i), Source: netconfig.SourceMultus, NetworkName: "ext-net"}
		}
		hostile.Bounded(t, hostile.Bounds{}, func() {
			require.Empty(t, r.NetworkStatuses(long))
		})
	})
}

// TestAdversarialNetworksAnnotation puts every hostile string into the
// names the networks annotation is built from. An attachment name is
// checked, and refused with an error at its path that carries it; a
// network name becomes a hash; a namespace given by the caller is written
// as it is, and JSON carries it exactly.
func TestAdversarialNetworksAnnotation(t *testing.T) {
	validNAD := map[string]bool{
		"yes": true, "no": true, "on": true, "off": true, "y": true, "n": true, "true": true, "null": true,
		"octal-0o": true, "octal-0": true, "exp": true, "float": true, "date": true,
	}
	for _, c := range hostile.All() {
		t.Run(c.Name+"/networkName", func(t *testing.T) {
			spec := advSpec()
			spec.Networks[1].NetworkName = c.Value
			out, err := multus.NetworksAnnotation(spec, nil)
			if !validNAD[c.Name] {
				var invalid *netconfig.ValidationError
				require.True(t, errors.As(err, &invalid), "%v", err)
				for _, e := range invalid.Errors {
					assert.True(t, strings.HasPrefix(e.Error(), "networks[1].networkName: "), "%v", e)
				}
				if c.Value != "" {
					assert.Contains(t, err.Error(), strconv.Quote(c.Value))
				}
				requirePrintable(t, err.Error())
				assert.Empty(t, out)
				return
			}
			require.NoError(t, err)
			var elems []nadv1.NetworkSelectionElement
			require.NoError(t, json.Unmarshal([]byte(out), &elems))
			require.Len(t, elems, 1)
			assert.Equal(t, c.Value, elems[0].Name)
		})
		t.Run(c.Name+"/name", func(t *testing.T) {
			spec := advSpec()
			spec.Networks[1].Name = c.Value
			out, err := multus.NetworksAnnotation(spec, nil)
			if c.Value == "" {
				require.EqualError(t, err, "networks[1].name: Required value: every network needs the name it has in the VM spec, which names its pod interface")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, `[{"name":"ext-net","namespace":"vms","ips":["192.168.0.200/24"],"interface":"`+multus.PodInterfaceName(c.Value)+`"}]`, out)
		})
		t.Run(c.Name+"/namespace", func(t *testing.T) {
			if !utf8.ValidString(c.Value) {
				t.Skip("JSON cannot carry it; encoding/json writes U+FFFD")
			}
			spec := advSpec()
			spec.Namespace = c.Value
			out, err := multus.NetworksAnnotation(spec, nil)
			require.NoError(t, err)
			var elems []nadv1.NetworkSelectionElement
			require.NoError(t, json.Unmarshal([]byte(out), &elems))
			require.Len(t, elems, 1)
			assert.Equal(t, c.Value, elems[0].Namespace)
		})
	}
}
