package netconfig_test

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/internal/hostile"
	"github.com/guestnet/guestnet/netconfig"
)

// The adversarial tests put strings built to break a YAML writer (see
// package internal/hostile) into every string field of a Spec, and specs
// past every limit into Build, and check each outcome exactly: either an
// *ValidationError whose field errors are at the expected paths and carry
// the value, or YAML that go.yaml.in/yaml/v3, sigs.k8s.io/yaml and PyYAML
// (cloud-init's reader) all read as exactly the expected keys and string
// values, no injected text having become a key or a value of its own. Each
// call is bounded in time and memory (hostile.Bounded); measured figures
// (Go 1.26, 2 CPUs, no race detector) are in the comments.

// advSpec is the spec every case starts from: the pod network and one
// static Multus network with a MAC, a gateway, DNS and a PCI address.
func advSpec() netconfig.Spec {
	return netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod},
		{
			Name: "external", Source: netconfig.SourceMultus, NetworkName: "ext-net",
			Binding: netconfig.BindingBridge, MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc"), PCIAddress: "0000:00:04.0",
			IPConfig: &netconfig.IPConfig{
				Mode:      netconfig.ModeStatic,
				Addresses: []netip.Prefix{netip.MustParsePrefix("192.168.0.200/24")},
				Gateways:  []netip.Addr{netip.MustParseAddr("192.168.0.1")},
				Nameservers: netconfig.Nameservers{
					Addresses: []netip.Addr{netip.MustParseAddr("192.168.0.1")},
					Search:    []string{"example.internal"},
				},
			},
		},
	}}
}

// advFlat is what every reader must make of advSpec's YAML: these paths
// and no other, each with this typed value.
func advFlat() hostile.Flat {
	eth1 := func(segs ...any) string {
		return hostile.Path(append([]any{"network", "ethernets", "eth1"}, segs...)...)
	}
	return hostile.Flat{
		hostile.Path("network", "version"):                    "num:2",
		hostile.Path("network", "ethernets", "eth0", "dhcp4"): "bool:true",
		eth1("match", "macaddress"):                           "str:02:00:00:aa:bb:cc",
		eth1("set-name"):                                      "str:eth1",
		eth1("addresses", 0):                                  "str:192.168.0.200/24",
		eth1("nameservers", "addresses", 0):                   "str:192.168.0.1",
		eth1("nameservers", "search", 0):                      "str:example.internal",
		eth1("routes", 0, "to"):                               "str:0.0.0.0/0",
		eth1("routes", 0, "via"):                              "str:192.168.0.1",
	}
}

// A stringField is a string field of a Spec that the tests inject into.
type stringField int

const (
	fNamespace stringField = 1 << iota
	fName
	fNetworkName
	fBinding
	fPCIAddress
	fSource
	fMode
	fSearch
)

var stringFields = []struct {
	field stringField
	path  string // the field's path in Build's errors
	set   func(s *netconfig.Spec, v string)
	// also lists the other paths that Build reports when the field is
	// refused: a mode that is not static makes the static addresses and
	// gateway errors too.
	also []string
}{
	{fNamespace, "namespace", func(s *netconfig.Spec, v string) { s.Namespace = v }, nil},
	{fName, "networks[1].name", func(s *netconfig.Spec, v string) { s.Networks[1].Name = v }, nil},
	{fNetworkName, "networks[1].networkName", func(s *netconfig.Spec, v string) { s.Networks[1].NetworkName = v }, nil},
	{fBinding, "networks[1].binding", func(s *netconfig.Spec, v string) { s.Networks[1].Binding = v }, nil},
	{fPCIAddress, "networks[1].pciAddress", func(s *netconfig.Spec, v string) { s.Networks[1].PCIAddress = v }, nil},
	{fSource, "networks[1].source", func(s *netconfig.Spec, v string) { s.Networks[1].Source = netconfig.Source(v) }, nil},
	{fMode, "networks[1].ipConfig.mode", func(s *netconfig.Spec, v string) { s.Networks[1].IPConfig.Mode = netconfig.Mode(v) },
		[]string{"networks[1].ipConfig.addresses", "networks[1].ipConfig.gateways"}},
	{fSearch, "networks[1].ipConfig.nameservers.search[0]", func(s *netconfig.Spec, v string) { s.Networks[1].IPConfig.Nameservers.Search[0] = v }, nil},
}

// accepted says, for each hostile string, which fields Build accepts it
// in; every other field refuses it. The rules: a network name is any text
// without control characters (C0, DEL, C1) of valid UTF-8; a namespace is
// a DNS-1123 label and may be empty; an attachment name a DNS-1123
// subdomain; a binding letters, digits, '-', '_' and '.', or empty; a PCI
// address 0000:00:04.0 or empty; a search domain a DNS name; source and
// mode are enumerations.
var accepted = map[string]stringField{
	// Injections: text without control characters is a valid network name
	// (it never reaches the YAML, whose keys are ethN); "---" and "..." are
	// valid binding plugin names.
	"hash": fName, "space-hash": fName, "colon-space": fName, "trailing-colon": fName,
	"dash-space": fName, "question": fName, "flow-map": fName, "flow-seq": fName,
	"open-brace": fName, "close-bracket": fName, "comma": fName, "anchor": fName,
	"alias": fName, "tag": fName, "core-tag": fName, "python-tag": fName,
	"percent": fName, "at": fName, "backtick": fName, "pipe": fName, "fold": fName,
	"single-quote": fName, "double-quote": fName, "inner-quotes": fName,
	"backslash": fName, "document-start": fName | fBinding, "document-end": fName | fBinding,
	"merge": fName, "leading-space": fName, "trailing-space": fName,
	"line-separator": fName, "paragraph-separator": fName, "bom": fName,
	"nbsp": fName, "rtl-override": fName, "latin1": fName, "cjk": fName,
	"emoji": fName, "noncharacter": fName,
	// Refused everywhere: line breaks, tabs and other control characters,
	// and invalid UTF-8.
	"newline": 0, "newline-key": 0, "newline-item": 0, "crlf-key": 0, "cr": 0,
	"tab": 0, "nul": 0, "bell": 0, "escape": 0, "del": 0, "c1": 0, "nel": 0,
	"invalid-utf8": 0, "lone-surrogate-bytes": 0,

	// YAML 1.1 lookalikes: many are valid DNS labels or names, and come
	// out as strings.
	"yes":   fName | fNamespace | fNetworkName | fBinding | fSearch,
	"Yes":   fName | fBinding | fSearch,
	"no":    fName | fNamespace | fNetworkName | fBinding | fSearch,
	"on":    fName | fNamespace | fNetworkName | fBinding | fSearch,
	"On":    fName | fBinding | fSearch,
	"off":   fName | fNamespace | fNetworkName | fBinding | fSearch,
	"OFF":   fName | fBinding | fSearch,
	"y":     fName | fNamespace | fNetworkName | fBinding | fSearch,
	"Y":     fName | fBinding | fSearch,
	"n":     fName | fNamespace | fNetworkName | fBinding | fSearch,
	"true":  fName | fNamespace | fNetworkName | fBinding | fSearch,
	"False": fName | fBinding | fSearch,
	"tilde": fName,
	"null":  fName | fNamespace | fNetworkName | fBinding | fSearch,
	"Null":  fName | fBinding | fSearch,
	// The empty namespace, binding and PCI address mean none; the empty
	// name, attachment name, source, mode and search domain are refused.
	"empty":          fNamespace | fBinding | fPCIAddress,
	"hex":            fName | fBinding | fSearch,
	"octal-0o":       fName | fNamespace | fNetworkName | fBinding | fSearch,
	"octal-0":        fName | fNamespace | fNetworkName | fBinding | fSearch,
	"exp":            fName | fNamespace | fNetworkName | fBinding | fSearch,
	"underscore-int": fName | fBinding,
	"float":          fName | fNetworkName | fBinding | fSearch,
	"inf":            fName | fBinding,
	"minus-inf":      fName | fBinding,
	"nan":            fName | fBinding,
	"sexagesimal":    fName,
	"sexagesimal-3":  fName,
	"mac-52":         fName,
	"mac-10":         fName,
	"mac-00":         fName,
	"date":           fName | fNamespace | fNetworkName | fBinding | fSearch,
	"equals":         fName,
}

// refusedPaths are the paths Build reports when field f refuses a value;
// an empty source is the unspecified source, on which a Multus attachment
// name is forbidden instead.
func refusedPaths(f stringField, path string, also []string, value string) []string {
	if f == fSource && value == "" {
		return []string{"networks[1].networkName"}
	}
	return append([]string{path}, also...)
}

func TestAdversarialStringsInEverySpecField(t *testing.T) {
	cases := hostile.All()
	require.Len(t, accepted, len(cases), "every hostile string needs its expected outcome in accepted")
	var docs [][]byte
	var wants []hostile.Flat
	for _, c := range cases {
		ok, known := accepted[c.Name]
		require.True(t, known, "no expected outcome for %s", c.Name)
		for _, sf := range stringFields {
			t.Run(c.Name+"/"+sf.path, func(t *testing.T) {
				spec := advSpec()
				sf.set(&spec, c.Value)
				var res netconfig.Result
				var err error
				// Measured: at most 0.04 MiB and 0.2 ms of CPU a case.
				hostile.Bounded(t, hostile.Bounds{Alloc: 4 << 20}, func() { res, err = netconfig.Build(spec) })
				if ok&sf.field == 0 {
					requireRefused(t, err, c.Value, refusedPaths(sf.field, sf.path, sf.also, c.Value))
					assert.Nil(t, res.YAML, "YAML for invalid input")
					return
				}
				require.NoError(t, err)
				want := advFlat()
				switch sf.field {
				case fSearch:
					want[hostile.Path("network", "ethernets", "eth1", "nameservers", "search", 0)] = "str:" + c.Value
				case fNamespace:
					wantNAD := "ext-net"
					if c.Value != "" {
						wantNAD = c.Value + "/ext-net"
					}
					assert.Equal(t, wantNAD, res.Interfaces[1].NetworkName)
				case fName:
					assert.Equal(t, c.Value, res.Interfaces[1].Network, "the network name is carried exactly")
				}
				hostile.RequireFlat(t, res.YAML, want)
				docs, wants = append(docs, res.YAML), append(wants, want)
			})
		}
	}
	checkPyYAML(t, docs, wants)
}

// requireRefused checks that err is an *ValidationError whose errors are
// at exactly the paths given, the first of which carries value (unless it
// is a Required error, which has none), and whose message is one line of
// printable text (every value in it quoted).
func requireRefused(t *testing.T, err error, value string, paths []string) {
	t.Helper()
	var invalid *netconfig.ValidationError
	require.ErrorAs(t, err, &invalid)
	got := map[string]bool{}
	for _, fe := range invalid.Errors {
		got[fe.Field] = true
		if fe.Field == paths[0] && fe.Type != field.ErrorTypeRequired {
			assert.Equal(t, value, fmt.Sprint(fe.BadValue), "%v", fe)
		}
	}
	want := map[string]bool{}
	for _, p := range paths {
		want[p] = true
	}
	assert.Equal(t, want, got, "the fields at fault: %v", err)
	requirePrintable(t, err.Error())
}

// requirePrintable checks that s is one line of printable text: an
// injected line break or control character in a value must come out
// escaped, not as itself.
func requirePrintable(t *testing.T, s string) {
	t.Helper()
	for i, r := range s {
		if r != ' ' && !unicode.IsPrint(r) {
			t.Fatalf("the message holds %U at byte %d, unescaped: %q", r, i, s)
		}
	}
}

// checkPyYAML checks that PyYAML reads each of docs as the Flat wanted.
func checkPyYAML(t *testing.T, docs [][]byte, wants []hostile.Flat) {
	t.Helper()
	t.Run("PyYAML", func(t *testing.T) {
		for i, r := range hostile.PyYAML(t, docs) {
			require.NoError(t, r.Err, "%s", docs[i])
			require.Equal(t, wants[i].String(), r.Flat.String(), "PyYAML reads:\n%s", docs[i])
		}
	})
}

// TestAdversarialMACStrings parses every hostile string as a MAC. Only
// the three MAC-shaped ones parse; each error quotes the value. The MACs
// that YAML 1.1 reads as base-60 integers (52:54:00:12:34:56,
// 10:11:22:33:44:55) come out of Build as strings for every reader.
func TestAdversarialMACStrings(t *testing.T) {
	macs := map[string]bool{"mac-52": true, "mac-10": true, "mac-00": true}
	var docs [][]byte
	var wants []hostile.Flat
	for _, c := range hostile.All() {
		t.Run(c.Name, func(t *testing.T) {
			mac, err := netconfig.ParseMAC(c.Value)
			if !macs[c.Name] {
				require.Error(t, err)
				require.True(t, strings.HasPrefix(err.Error(), "MAC address "+strconv.Quote(c.Value)+": "), "%v", err)
				requirePrintable(t, err.Error())
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.Value, mac.String())
			spec := advSpec()
			spec.Networks[1].MAC = mac
			res, err := netconfig.Build(spec)
			require.NoError(t, err)
			want := advFlat()
			want[hostile.Path("network", "ethernets", "eth1", "match", "macaddress")] = "str:" + c.Value
			hostile.RequireFlat(t, res.YAML, want)
			docs, wants = append(docs, res.YAML), append(wants, want)
		})
	}
	require.Len(t, docs, len(macs))
	checkPyYAML(t, docs, wants)
}

// maxSpec is the largest valid Spec within the limits: MaxNetworks
// networks, the first the pod network, every other a static Multus
// network whose every list has MaxListLength entries (gateways aside: one
// per family at most), with overlapping subnets nowhere.
func maxSpec() netconfig.Spec {
	spec := netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{{Name: "default", Source: netconfig.SourcePod}}}
	for i := 1; i < netconfig.MaxNetworks; i++ {
		c := &netconfig.IPConfig{Mode: netconfig.ModeStatic, MTU: 9000}
		for j := 0; j < netconfig.MaxListLength; j++ {
			// 10.i.j.0/30 holds the address .1 and the next hop .2.
			c.Addresses = append(c.Addresses, netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i), byte(j), 1}), 30))
			c.Routes = append(c.Routes, netconfig.Route{
				To:  netip.PrefixFrom(netip.AddrFrom4([4]byte{172, byte(i), byte(j), 0}), 24),
				Via: netip.AddrFrom4([4]byte{10, byte(i), byte(j), 2}),
			})
			c.Nameservers.Addresses = append(c.Nameservers.Addresses, netip.AddrFrom4([4]byte{10, byte(i), byte(j), 2}))
			c.Nameservers.Search = append(c.Nameservers.Search, fmt.Sprintf("d%d.n%d.example.internal", j, i))
		}
		spec.Networks = append(spec.Networks, netconfig.Network{
			Name: fmt.Sprintf("net-%d", i), Source: netconfig.SourceMultus, NetworkName: "ext-net",
			MAC:      netconfig.MAC{0x02, 0, 0, 0, byte(i), 1},
			IPConfig: c,
		})
	}
	return spec
}

// TestAdversarialLimits builds specs past each limit: each is refused with
// exactly the errors of the fields past it, whatever else is wrong with
// the spec, in bounded time; and the largest spec within the limits builds
// in bounded time and memory.
func TestAdversarialLimits(t *testing.T) {
	huge := strings.Repeat("a", 4<<20) // 4 MiB
	long := strings.Repeat("a", netconfig.MaxTextLength+1)
	withNetworks := func(n int) netconfig.Spec {
		spec := netconfig.Spec{Networks: make([]netconfig.Network, n)}
		for i := range spec.Networks {
			// Invalid in every way that costs: a huge name, no source.
			spec.Networks[i] = netconfig.Network{Name: huge, NetworkName: huge}
		}
		return spec
	}
	list := func(set func(c *netconfig.IPConfig, n int)) netconfig.Spec {
		spec := advSpec()
		set(spec.Networks[1].IPConfig, netconfig.MaxListLength+1)
		return spec
	}
	repeat := func(n int, f func(i int)) {
		for i := 0; i < n; i++ {
			f(i)
		}
	}
	tests := []struct {
		name   string
		spec   netconfig.Spec
		errors []string // field.Error.Error() of each, in order
		bounds hostile.Bounds
	}{
		{
			// Measured: 14 µs, nothing allocated: the networks are not
			// looked at.
			name:   "10,000 networks",
			spec:   withNetworks(10000),
			errors: []string{"networks: Too many: 10000: must have at most 256 items"},
		},
		{
			name:   "257 networks",
			spec:   withNetworks(netconfig.MaxNetworks + 1),
			errors: []string{"networks: Too many: 257: must have at most 256 items"},
		},
		{
			// Measured: 50 µs, nothing allocated: the strings are not read.
			name: "4 MiB in every string field",
			spec: func() netconfig.Spec {
				spec := advSpec()
				spec.Namespace = huge
				n := &spec.Networks[1]
				n.Name, n.Source, n.NetworkName, n.Binding, n.PCIAddress = huge, netconfig.Source(huge), huge, huge, huge
				n.IPConfig.Mode = netconfig.Mode(huge)
				n.IPConfig.Nameservers.Search[0] = huge
				return spec
			}(),
			errors: []string{
				"namespace: Too long: may not be more than 1024 bytes",
				"networks[1].name: Too long: may not be more than 1024 bytes",
				"networks[1].source: Too long: may not be more than 1024 bytes",
				"networks[1].networkName: Too long: may not be more than 1024 bytes",
				"networks[1].binding: Too long: may not be more than 1024 bytes",
				"networks[1].pciAddress: Too long: may not be more than 1024 bytes",
				"networks[1].ipConfig.mode: Too long: may not be more than 1024 bytes",
				"networks[1].ipConfig.nameservers.search[0]: Too long: may not be more than 1024 bytes",
			},
		},
		{
			name: "one byte over MaxTextLength",
			spec: func() netconfig.Spec {
				spec := advSpec()
				spec.Networks[0].Name = long
				return spec
			}(),
			errors: []string{"networks[0].name: Too long: may not be more than 1024 bytes"},
		},
		{
			name: "too many addresses",
			spec: list(func(c *netconfig.IPConfig, n int) {
				repeat(n, func(int) { c.Addresses = append(c.Addresses, c.Addresses[0]) })
			}),
			errors: []string{"networks[1].ipConfig.addresses: Too many: 66: must have at most 64 items"},
		},
		{
			name: "too many gateways",
			spec: list(func(c *netconfig.IPConfig, n int) {
				repeat(n, func(int) { c.Gateways = append(c.Gateways, c.Gateways[0]) })
			}),
			errors: []string{"networks[1].ipConfig.gateways: Too many: 66: must have at most 64 items"},
		},
		{
			name: "too many routes",
			spec: list(func(c *netconfig.IPConfig, n int) {
				repeat(n, func(int) { c.Routes = append(c.Routes, netconfig.Route{}) })
			}),
			errors: []string{"networks[1].ipConfig.routes: Too many: 65: must have at most 64 items"},
		},
		{
			name: "too many nameservers",
			spec: list(func(c *netconfig.IPConfig, n int) {
				repeat(n, func(int) { c.Nameservers.Addresses = append(c.Nameservers.Addresses, c.Nameservers.Addresses[0]) })
			}),
			errors: []string{"networks[1].ipConfig.nameservers.addresses: Too many: 66: must have at most 64 items"},
		},
		{
			name: "too many search domains, each huge",
			spec: list(func(c *netconfig.IPConfig, n int) {
				repeat(n, func(int) { c.Nameservers.Search = append(c.Nameservers.Search, huge) })
			}),
			errors: []string{"networks[1].ipConfig.nameservers.search: Too many: 66: must have at most 64 items"},
		},
		{
			name: "a million routes",
			spec: list(func(c *netconfig.IPConfig, _ int) {
				c.Routes = make([]netconfig.Route, 1<<20)
			}),
			errors: []string{"networks[1].ipConfig.routes: Too many: 1048576: must have at most 64 items"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			hostile.Bounded(t, tt.bounds, func() { _, err = netconfig.Build(tt.spec) })
			var invalid *netconfig.ValidationError
			require.ErrorAs(t, err, &invalid)
			got := make([]string, len(invalid.Errors))
			for i, fe := range invalid.Errors {
				got[i] = fe.Error()
			}
			assert.Equal(t, tt.errors, got)
		})
	}

	t.Run("the largest valid spec", func(t *testing.T) {
		spec := maxSpec()
		var res netconfig.Result
		var err error
		// Measured: 60 ms of CPU, 10 MiB.
		hostile.Bounded(t, hostile.Bounds{Alloc: 256 << 20}, func() { res, err = netconfig.Build(spec) })
		require.NoError(t, err)
		require.Len(t, res.Config.Network.Ethernets, netconfig.MaxNetworks)
		require.Len(t, res.Config.Network.Ethernets["eth255"].Routes, netconfig.MaxListLength)
	})

	t.Run("the largest spec, every value refused", func(t *testing.T) {
		spec := maxSpec()
		for i := 1; i < len(spec.Networks); i++ {
			n := &spec.Networks[i]
			n.Name = long[:253]
			n.MAC = netconfig.MAC{1} // multicast, and the same on every network
			c := n.IPConfig
			for j := range c.Addresses {
				c.Addresses[j] = netip.MustParsePrefix("10.0.0.0/8") // a network address, the same on every network
				c.Routes[j].Via = netip.MustParseAddr("192.0.2.1")   // unreachable
				c.Nameservers.Search[j] = "-"
			}
		}
		var err error
		// Measured: 0.22 s of CPU, 57 MiB; the message of its tens of
		// thousands of errors 0.23 s, 100 MiB.
		hostile.Bounded(t, hostile.Bounds{Alloc: 256 << 20}, func() { _, err = netconfig.Build(spec) })
		var invalid *netconfig.ValidationError
		require.ErrorAs(t, err, &invalid)
		assert.Greater(t, len(invalid.Errors), 255*netconfig.MaxListLength)
		var msg string
		hostile.Bounded(t, hostile.Bounds{Alloc: 256 << 20}, func() { msg = err.Error() })
		assert.True(t, strings.HasPrefix(msg, strconv.Itoa(len(invalid.Errors))+" problems: "))
	})
}

// TestAdversarialResolvers gives Build resolvers that answer with hostile
// MACs and statuses: a MAC the resolver invents is checked like the
// spec's, and a status's text never reaches the YAML.
func TestAdversarialResolvers(t *testing.T) {
	for _, c := range hostile.All() {
		t.Run(c.Name, func(t *testing.T) {
			spec := advSpec()
			spec.Networks[1].MAC = netconfig.MAC{}
			status := netconfig.StatusMap{"external": {NetworkName: c.Value, Interface: c.Value, MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc")}}
			res, err := netconfig.Build(spec, netconfig.WithNetworkStatus(status))
			require.NoError(t, err)
			assert.Equal(t, c.Value, res.Interfaces[1].PodInterface)
			assert.Equal(t, "vms/ext-net", res.Interfaces[1].NetworkName, "the spec's attachment wins")
			assert.Equal(t, netconfig.MACFromNetworkStatus, res.Interfaces[1].MACOrigin)
			assert.Equal(t, c.Value, res.Interfaces[1].MACDetail, "the pod interface is the detail")
			hostile.RequireFlat(t, res.YAML, advFlat())
		})
	}
	t.Run("multicast MAC from a resolver", func(t *testing.T) {
		spec := advSpec()
		spec.Networks[1].MAC = netconfig.MAC{}
		_, err := netconfig.Build(spec, netconfig.WithMACResolver(netconfig.MACTable{"external": {MAC: netconfig.MAC{0x01, 0, 0x5e, 0, 0, 1}}}))
		var invalid *netconfig.ValidationError
		require.True(t, errors.As(err, &invalid), "%v", err)
		require.Len(t, invalid.Errors, 1)
		assert.Equal(t, "networks[1]", invalid.Errors[0].Field)
		assert.Equal(t, "01:00:5e:00:00:01", invalid.Errors[0].BadValue)
	})
}
