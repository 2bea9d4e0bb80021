package specfile_test

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/internal/specfile"
	"github.com/guestnet/guestnet/netconfig"
)

// seedList is the network list of the seed document (a review of a
// hand-written generator), verbatim with its indentation.
const seedList = `   networks:
     - name: external
       type: bridge
       ipConfig:
         mode: static
         address: "192.168.0.200/24"
`

// seedSpec is what the seed's list means.
func seedSpec() netconfig.Spec {
	return netconfig.Spec{Networks: []netconfig.Network{{
		Name:    "external",
		Binding: netconfig.BindingBridge,
		IPConfig: &netconfig.IPConfig{
			Mode:      netconfig.ModeStatic,
			Addresses: []netip.Prefix{netip.MustParsePrefix("192.168.0.200/24")},
		},
	}}}
}

// fullFile uses every field of the format.
const fullFile = `
namespace: vms
networks:
  - name: default
    pod: {}
  - name: external
    multus: {networkName: ext-net}
    binding: bridge
    macAddress: "02:00:00:AA:bb:cc"
    pciAddress: "0000:00:04.0"
    ipConfig:
      mode: static
      address: 192.168.0.200/24
      addresses: ["fd00:10::200/64"]
      gateway: 192.168.0.1
      gateways: ["fd00:10::1"]
      nameservers: {addresses: [192.168.0.1], search: [example.internal]}
      routes:
        - {to: 10.10.0.0/16, via: 192.168.0.254, metric: 100}
        - {to: default, via: 192.168.0.254, metric: 200}
        - {to: default, via: "fd00:10::fe"}
      mtu: 1400
  - name: mgmt
    multus: {networkName: infra/mgmt-net}
    ipConfig: {mode: dhcp, dhcp6: true}
`

func fullSpec() netconfig.Spec {
	return netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod},
		{
			Name: "external", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge,
			MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc"), PCIAddress: "0000:00:04.0",
			IPConfig: &netconfig.IPConfig{
				Mode:      netconfig.ModeStatic,
				Addresses: []netip.Prefix{netip.MustParsePrefix("192.168.0.200/24"), netip.MustParsePrefix("fd00:10::200/64")},
				Gateways:  []netip.Addr{netip.MustParseAddr("192.168.0.1"), netip.MustParseAddr("fd00:10::1")},
				Nameservers: netconfig.Nameservers{
					Addresses: []netip.Addr{netip.MustParseAddr("192.168.0.1")},
					Search:    []string{"example.internal"},
				},
				Routes: []netconfig.Route{
					{To: netip.MustParsePrefix("10.10.0.0/16"), Via: netip.MustParseAddr("192.168.0.254"), Metric: metric(100)},
					{To: netip.MustParsePrefix("0.0.0.0/0"), Via: netip.MustParseAddr("192.168.0.254"), Metric: metric(200)},
					{To: netip.MustParsePrefix("::/0"), Via: netip.MustParseAddr("fd00:10::fe")},
				},
				MTU: 1400,
			},
		},
		{Name: "mgmt", Source: netconfig.SourceMultus, NetworkName: "infra/mgmt-net", IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP, DHCP6: true}},
	}}
}

func metric(m uint32) *uint32 { return &m }

func TestParseReadsValidFiles(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want netconfig.Spec
	}{
		{name: "every field", in: fullFile, want: fullSpec()},
		{name: "the seed's list, verbatim", in: seedList, want: seedSpec()},
		{
			name: "the seed's list as a bare list",
			in:   "- name: external\n  type: bridge\n  ipConfig:\n    mode: static\n    address: \"192.168.0.200/24\"\n",
			want: seedSpec(),
		},
		{
			name: "JSON",
			in:   `{"networks": [{"name": "external", "binding": "bridge", "ipConfig": {"mode": "static", "addresses": ["192.168.0.200/24"]}}]}`,
			want: seedSpec(),
		},
		{
			name: "ipv6Mode: KubeVirt's masquerade dual-stack",
			in:   "- {name: default, pod: {}, binding: masquerade, ipConfig: {mode: dhcp, ipv6Mode: static, addresses: [\"fd10:0:2::2/120\"], gateways: [\"fd10:0:2::1\"]}}",
			want: netconfig.Spec{Networks: []netconfig.Network{{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade,
				IPConfig: netconfig.MasqueradeDualStack()}}},
		},
		{
			name: "ipv6Mode slaac beside static IPv4",
			in:   "- {name: lab, multus: {networkName: lab-net}, ipConfig: {mode: static, ipv6Mode: slaac, addresses: [172.16.5.20/24]}}",
			want: netconfig.Spec{Networks: []netconfig.Network{{Name: "lab", Source: netconfig.SourceMultus, NetworkName: "lab-net",
				IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, IPv6Mode: netconfig.ModeSLAAC, Addresses: []netip.Prefix{netip.MustParsePrefix("172.16.5.20/24")}}}}},
		},
		{
			name: "JSON indented with tabs",
			in:   "{\n\t\"networks\": [\n\t\t{\"name\": \"external\", \"type\": \"bridge\", \"ipConfig\": {\"mode\": \"static\", \"address\": \"192.168.0.200/24\"}}\n\t]\n}\n",
			want: seedSpec(),
		},
		{
			name: "type and binding equal",
			in:   "- {name: external, type: bridge, binding: bridge, ipConfig: {mode: static, address: 192.168.0.200/24}}",
			want: seedSpec(),
		},
		{
			name: "neither pod nor multus leaves the source unspecified",
			in:   "networks: [{name: default}, {name: other}]",
			want: netconfig.Spec{Networks: []netconfig.Network{{Name: "default"}, {Name: "other"}}},
		},
		{
			name: "the Multus default network",
			in:   "networks: [{name: primary, multus: {networkName: ovn-primary, default: true}}, {name: ext, multus: {networkName: ext-net, default: false}}]",
			want: netconfig.Spec{Networks: []netconfig.Network{
				{Name: "primary", Source: netconfig.SourceMultusDefault, NetworkName: "ovn-primary"},
				{Name: "ext", Source: netconfig.SourceMultus, NetworkName: "ext-net"},
			}},
		},
		{
			name: "a network with its name and IP config only",
			in:   "networks: [{name: ext, ipConfig: {mode: dhcp}}]",
			want: netconfig.Spec{Networks: []netconfig.Network{{Name: "ext", IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP}}}},
		},
		{
			name: "a namespace alone",
			in:   "namespace: vms",
			want: netconfig.Spec{Namespace: "vms"},
		},
		{
			name: "empty lists and mappings are nil",
			in:   "networks:\n- name: a\n  ipConfig: {mode: dhcp, addresses: [], gateways: [], routes: [], nameservers: {addresses: [], search: []}}\n",
			want: netconfig.Spec{Networks: []netconfig.Network{{Name: "a", IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP}}}},
		},
		{
			name: "a leading and a trailing document separator",
			in:   "---\nnetworks: [{name: a}]\n---\n# nothing more\n",
			want: netconfig.Spec{Networks: []netconfig.Network{{Name: "a"}}},
		},
		{
			name: "null means absent",
			in:   "networks:\n- name: a\n  binding: ~\n  macAddress:\n  ipConfig: {mode: none, mtu: null, address: null, routes: ~}\n",
			want: netconfig.Spec{Networks: []netconfig.Network{{Name: "a", IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeNone}}}},
		},
		{
			name: "an empty ipConfig is kept for Build to report the missing mode",
			in:   "networks: [{name: a, ipConfig: {}}]",
			want: netconfig.Spec{Networks: []netconfig.Network{{Name: "a", IPConfig: &netconfig.IPConfig{}}}},
		},
		{
			name: "empty values are left for Build to report",
			in:   `networks: [{name: a, multus: {}, ipConfig: {mode: static, addresses: [""], gateways: [""], routes: [{to: "", via: ""}]}}]`,
			want: netconfig.Spec{Networks: []netconfig.Network{{
				Name: "a", Source: netconfig.SourceMultus,
				IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{{}}, Gateways: []netip.Addr{{}}, Routes: []netconfig.Route{{}}},
			}}},
		},
		{
			name: "MAC with hyphens is normalised",
			in:   "networks: [{name: a, macAddress: 02-00-00-AA-BB-CC}]",
			want: netconfig.Spec{Networks: []netconfig.Network{{Name: "a", MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc")}}},
		},
		{
			name: "an all-digit MAC unquoted stays text",
			in:   "networks: [{name: a, macAddress: 10:20:30:40:50:60}]",
			want: netconfig.Spec{Networks: []netconfig.Network{{Name: "a", MAC: netconfig.MustParseMAC("10:20:30:40:50:60")}}},
		},
		{
			name: "metric bounds",
			in:   "networks: [{name: a, ipConfig: {mode: static, routes: [{to: 10.0.0.0/8, via: 10.0.0.1, metric: 0}, {to: 10.0.0.0/8, via: 10.0.0.1, metric: 4294967295}]}}]",
			want: netconfig.Spec{Networks: []netconfig.Network{{Name: "a", IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, Routes: []netconfig.Route{
				{To: netip.MustParsePrefix("10.0.0.0/8"), Via: netip.MustParseAddr("10.0.0.1"), Metric: metric(0)},
				{To: netip.MustParsePrefix("10.0.0.0/8"), Via: netip.MustParseAddr("10.0.0.1"), Metric: metric(4294967295)},
			}}}}},
		},
		{
			name: "address comes before addresses, gateway before gateways",
			in:   "- {name: a, ipConfig: {mode: static, addresses: [10.0.0.2/24], address: 10.0.0.1/24, gateways: [10.0.0.253], gateway: 10.0.0.254}}",
			want: netconfig.Spec{Networks: []netconfig.Network{{Name: "a", IPConfig: &netconfig.IPConfig{
				Mode:      netconfig.ModeStatic,
				Addresses: []netip.Prefix{netip.MustParsePrefix("10.0.0.1/24"), netip.MustParsePrefix("10.0.0.2/24")},
				Gateways:  []netip.Addr{netip.MustParseAddr("10.0.0.254"), netip.MustParseAddr("10.0.0.253")},
			}}}},
		},
		{
			name: "semantic problems are Build's to report",
			in:   "- {name: a, pod: {}, macAddress: 'ff:ff:ff:ff:ff:ff', pciAddress: nonsense, ipConfig: {mode: static, addresses: [10.0.0.0/24, 10.0.0.0/24], gateways: [192.168.9.9], mtu: -5}}\n- {name: a}",
			want: netconfig.Spec{Networks: []netconfig.Network{
				{Name: "a", Source: netconfig.SourcePod, MAC: netconfig.MustParseMAC("ff:ff:ff:ff:ff:ff"), PCIAddress: "nonsense", IPConfig: &netconfig.IPConfig{
					Mode:      netconfig.ModeStatic,
					Addresses: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24"), netip.MustParsePrefix("10.0.0.0/24")},
					Gateways:  []netip.Addr{netip.MustParseAddr("192.168.9.9")},
					MTU:       -5,
				}},
				{Name: "a"},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := specfile.Parse([]byte(tt.in))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// wantErr is one expected field error: its type, its path, and a part of
// its message.
type wantErr struct {
	typ    field.ErrorType
	field  string
	detail string
}

func TestParseReportsEveryProblemWithItsPath(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []wantErr
	}{
		{
			name: "address without a prefix length",
			in:   "- {name: external, type: bridge, ipConfig: {mode: static, address: 192.168.0.200}}",
			want: []wantErr{{field.ErrorTypeInvalid, "networks[0].ipConfig.address", "missing the prefix length: write 192.168.0.200/N"}},
		},
		{
			name: "a Multus default that is not a boolean",
			in:   `- {name: primary, multus: {networkName: ovn, default: "true", defualt: true}}`,
			want: []wantErr{
				{field.ErrorTypeTypeInvalid, "networks[0].multus.default", "text where true or false is wanted"},
				{field.ErrorTypeForbidden, "networks[0].multus.defualt", `did you mean "default"?`},
			},
		},
		{
			name: "malformed addresses",
			in:   `- {name: a, ipConfig: {mode: static, addresses: [10.0.0.1/24, 10.0.0.1/33, "fe80::1%eth0/64", 010.0.0.1/24, nonsense]}}`,
			want: []wantErr{
				{field.ErrorTypeInvalid, "networks[0].ipConfig.addresses[1]", "prefix length out of range"},
				{field.ErrorTypeInvalid, "networks[0].ipConfig.addresses[2]", "zone"},
				{field.ErrorTypeInvalid, "networks[0].ipConfig.addresses[3]", "leading zero"},
				{field.ErrorTypeInvalid, "networks[0].ipConfig.addresses[4]", "not an IP address with a prefix length, such as 192.168.0.200/24"},
			},
		},
		{
			name: "malformed gateways",
			in:   `- {name: a, ipConfig: {mode: static, gateway: 10.0.0.1/24, gateways: [x, "fe80::1%eth0"]}}`,
			want: []wantErr{
				{field.ErrorTypeInvalid, "networks[0].ipConfig.gateway", "without a prefix length is wanted here: write 10.0.0.1"},
				{field.ErrorTypeInvalid, "networks[0].ipConfig.gateways[0]", "not an IP address, such as 192.168.0.1"},
				{field.ErrorTypeInvalid, "networks[0].ipConfig.gateways[1]", "a zone (%eth0) is not allowed"},
			},
		},
		{
			name: "malformed nameservers",
			in:   `- {name: a, ipConfig: {mode: dhcp, nameservers: {addresses: [192.168.0.1, dns.example, "fe80::53%eth0"]}}}`,
			want: []wantErr{
				{field.ErrorTypeInvalid, "networks[0].ipConfig.nameservers.addresses[1]", "not an IP address"},
				{field.ErrorTypeInvalid, "networks[0].ipConfig.nameservers.addresses[2]", "zone"},
			},
		},
		{
			name: "malformed routes",
			in: `- name: a
  ipConfig:
    mode: static
    routes:
      - {to: default, via: nonsense}
      - {to: default, via: ""}
      - {to: 10.1.2.3, via: 10.0.0.1}
      - {to: 10.0.0.0/8, via: "fe80::1%eth0", metric: -1}
      - {to: 10.0.0.0/8, via: 10.0.0.1, metric: 4294967296}
`,
			want: []wantErr{
				{field.ErrorTypeInvalid, "networks[0].ipConfig.routes[0].via", "not an IP address"},
				{field.ErrorTypeRequired, "networks[0].ipConfig.routes[1].via", "decides between 0.0.0.0/0 and ::/0"},
				{field.ErrorTypeInvalid, "networks[0].ipConfig.routes[2].to", "missing the prefix length: write 10.1.2.3/N"},
				{field.ErrorTypeInvalid, "networks[0].ipConfig.routes[3].via", "zone"},
				{field.ErrorTypeInvalid, "networks[0].ipConfig.routes[3].metric", "from 0 to 4294967295"},
				{field.ErrorTypeInvalid, "networks[0].ipConfig.routes[4].metric", "from 0 to 4294967295"},
			},
		},
		{
			name: "metric not an integer",
			in:   "- {name: a, ipConfig: {mode: static, routes: [{to: default, via: 10.0.0.1, metric: 1.5}, {to: default, via: 10.0.0.1, metric: 1e30}, {to: default, via: 10.0.0.1, metric: high}]}}",
			want: []wantErr{
				{field.ErrorTypeInvalid, "networks[0].ipConfig.routes[0].metric", "not an integer"},
				{field.ErrorTypeInvalid, "networks[0].ipConfig.routes[1].metric", "too large"},
				{field.ErrorTypeTypeInvalid, "networks[0].ipConfig.routes[2].metric", "text where an integer is wanted"},
			},
		},
		{
			name: "MAC addresses",
			in:   "- {name: a, macAddress: '02:00:00:aa:bb'}\n- {name: b, macAddress: '00:00:00:00:00:00'}\n- {name: c, macAddress: '02-00-00:aa:bb:cc'}",
			want: []wantErr{
				{field.ErrorTypeInvalid, "networks[0].macAddress", "not a MAC address"},
				{field.ErrorTypeInvalid, "networks[1].macAddress", "all-zero"},
				{field.ErrorTypeInvalid, "networks[2].macAddress", "separators"},
			},
		},
		{
			name: "unknown mode",
			in:   "- {name: a, ipConfig: {mode: Static}}",
			want: []wantErr{{field.ErrorTypeNotSupported, "networks[0].ipConfig.mode", `supported values: "static", "dhcp", "none"`}},
		},
		{
			name: "pod and multus both set",
			in:   "- {name: a, pod: {}, multus: {networkName: ext-net}}",
			want: []wantErr{{field.ErrorTypeForbidden, "networks[0].multus", "not both"}},
		},
		{
			name: "type and binding differ",
			in:   "- {name: a, type: bridge, binding: sriov}",
			want: []wantErr{{field.ErrorTypeInvalid, "networks[0].type", `another name for binding, which is "sriov" here`}},
		},
		{
			name: "unknown keys",
			in:   "networks:\n- name: a\n  ipConfig: {mode: static, adress: 10.0.0.1/24, gateway4: 10.0.0.254}\n  pod: {vmNetworkCIDR: 10.0.2.0/24}\nnamspace: vms\n",
			want: []wantErr{
				{field.ErrorTypeForbidden, "namspace", `unknown field; did you mean "namespace"?`},
				{field.ErrorTypeForbidden, "networks[0].ipConfig.adress", `unknown field; did you mean "address"?`},
				{field.ErrorTypeForbidden, "networks[0].ipConfig.gateway4", `did you mean "gateway"?`},
				{field.ErrorTypeForbidden, "networks[0].pod.vmNetworkCIDR", "takes no fields"},
			},
		},
		{
			name: "an unknown ipv6Mode, and one of the wrong case",
			in:   "- {name: a, ipConfig: {mode: dhcp, ipv6Mode: auto}}\n- {name: b, ipConfig: {mode: dhcp, ipv6Mode: SLAAC}}",
			want: []wantErr{
				{field.ErrorTypeNotSupported, "networks[0].ipConfig.ipv6Mode", `"static", "dhcp", "slaac", "none"`},
				{field.ErrorTypeNotSupported, "networks[1].ipConfig.ipv6Mode", `Unsupported value: "SLAAC"`},
			},
		},
		{
			name: "field names are case-sensitive",
			in:   "- {name: a, MacAddress: '02:00:00:aa:bb:cc', ipConfig: {mode: static, Mode: dhcp}}",
			want: []wantErr{
				{field.ErrorTypeForbidden, "networks[0].MacAddress", `case-sensitive: did you mean "macAddress"?`},
				{field.ErrorTypeForbidden, "networks[0].ipConfig.Mode", `case-sensitive: did you mean "mode"?`},
			},
		},
		{
			name: "values of the wrong type",
			in:   "- {name: yes, binding: 1.10, ipConfig: {mode: dhcp, dhcp6: 'true', mtu: '1400', addresses: 10.0.0.1/24, nameservers: [10.0.0.53], routes: {to: default}}}\n- not a network",
			want: []wantErr{
				{field.ErrorTypeTypeInvalid, "networks[0].binding", "a number where text is wanted; quote it"},
				{field.ErrorTypeTypeInvalid, "networks[0].ipConfig.addresses", "text where a list is wanted"},
				{field.ErrorTypeTypeInvalid, "networks[0].ipConfig.dhcp6", "text where true or false is wanted"},
				{field.ErrorTypeTypeInvalid, "networks[0].ipConfig.mtu", "text where an integer is wanted"},
				{field.ErrorTypeTypeInvalid, "networks[0].ipConfig.nameservers", "a list where a mapping of addresses, search is wanted"},
				{field.ErrorTypeTypeInvalid, "networks[0].ipConfig.routes", "a mapping where a list is wanted"},
				{field.ErrorTypeTypeInvalid, "networks[0].name", "a boolean where text is wanted"},
				{field.ErrorTypeTypeInvalid, "networks[1]", "text where a mapping of name, pod, multus"},
			},
		},
		{
			name: "structure and value problems together",
			in:   "- {name: a, macaddress: x1, macAddress: x2, ipConfig: {mode: static, address: z}}",
			want: []wantErr{
				{field.ErrorTypeForbidden, "networks[0].macaddress", `did you mean "macAddress"?`},
				{field.ErrorTypeInvalid, "networks[0].macAddress", "not a MAC address"},
				{field.ErrorTypeInvalid, "networks[0].ipConfig.address", "not an IP address with a prefix length"},
			},
		},
		{
			name: "an empty pod or multus",
			in:   "- name: a\n  pod:\n- name: b\n  multus: ~\n",
			want: []wantErr{
				{field.ErrorTypeRequired, "networks[0].pod", "write pod: {}"},
				{field.ErrorTypeRequired, "networks[1].multus", "write multus: {networkName: NAME}"},
			},
		},
		{
			name: "networks is not a list",
			in:   "networks: {name: a}",
			want: []wantErr{{field.ErrorTypeTypeInvalid, "networks", "a mapping where a list is wanted"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := specfile.Parse([]byte(tt.in))
			var invalid *netconfig.ValidationError
			require.ErrorAs(t, err, &invalid)
			assertFieldErrors(t, tt.want, invalid.Errors)
		})
	}
}

// assertFieldErrors checks that got holds the errors of want, in order.
func assertFieldErrors(t *testing.T, want []wantErr, got field.ErrorList) {
	t.Helper()
	var lines []string
	for _, e := range got {
		lines = append(lines, e.Error())
	}
	require.Len(t, got, len(want), "errors:\n%s", strings.Join(lines, "\n"))
	for i, w := range want {
		assert.Equal(t, w.typ, got[i].Type, "errors[%d]: %s", i, lines[i])
		assert.Equal(t, w.field, got[i].Field, "errors[%d]: %s", i, lines[i])
		assert.Contains(t, got[i].ErrorBody(), w.detail, "errors[%d]", i)
	}
}

// TestParseRefusesDocumentsItCannotRead: a document that cannot be read
// is refused with one field error, at the root (nil, printed <nil>) or at
// the path of the node at fault, as every other problem is.
func TestParseRefusesDocumentsItCannotRead(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want wantErr
	}{
		{name: "YAML syntax", in: "networks: [{name: a", want: wantErr{field.ErrorTypeInvalid, "<nil>", "not a valid YAML or JSON document: yaml: line 1: did not find expected ',' or '}'"}},
		{name: "JSON syntax", in: `{"networks": [}`, want: wantErr{field.ErrorTypeInvalid, "<nil>", "not a valid YAML or JSON document: yaml: did not find expected node content"}},
		{name: "duplicate YAML keys", in: "networks:\n- name: a\n  name: b\n", want: wantErr{field.ErrorTypeInvalid, "<nil>", `yaml: unmarshal errors: line 3: key "name" already set in map`}},
		{name: "duplicate JSON keys", in: `{"networks": [], "networks": []}`, want: wantErr{field.ErrorTypeInvalid, "<nil>", `line 1: key "networks" already set in map`}},
		{name: "duplicate keys at the top", in: "namespace: a\nnamespace: b\n", want: wantErr{field.ErrorTypeInvalid, "<nil>", `line 2: key "namespace" already set in map`}},
		{name: "two documents", in: "networks: [{name: a}]\n---\nnetworks: [{name: b}]\n", want: wantErr{field.ErrorTypeInvalid, "<nil>", "more than one YAML document"}},
		{name: "a tag", in: "networks:\n- name: !!binary gIGC\n", want: wantErr{field.ErrorTypeForbidden, "networks[0].name", "line 2: the YAML tag !!binary is not one of the core schema's"}},
		{name: "empty", in: "", want: wantErr{field.ErrorTypeRequired, "<nil>", "the document is empty"}},
		{name: "only a comment", in: "# nothing here\n", want: wantErr{field.ErrorTypeRequired, "<nil>", "the document is empty"}},
		{name: "a scalar", in: "networks", want: wantErr{field.ErrorTypeTypeInvalid, "<nil>", `Invalid value: "networks": the document is text`}},
		{name: "too large", in: "#" + strings.Repeat("x", specfile.MaxSize), want: wantErr{field.ErrorTypeTooLong, "<nil>", "Too long: 1048577 bytes is more than the limit of 1048576 bytes (1 MiB)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := specfile.Parse([]byte(tt.in))
			var invalid *netconfig.ValidationError
			require.ErrorAs(t, err, &invalid)
			assertFieldErrors(t, []wantErr{tt.want}, invalid.Errors)
			var fe *field.Error
			require.ErrorAs(t, err, &fe)
			assert.Same(t, invalid.Errors[0], fe)
		})
	}
}

func TestParseLimitsNetworks(t *testing.T) {
	list := func(n int) []byte {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "- {name: n%d}\n", i)
		}
		return []byte(b.String())
	}
	spec, err := specfile.Parse(list(specfile.MaxNetworks))
	require.NoError(t, err)
	assert.Len(t, spec.Networks, specfile.MaxNetworks)

	_, err = specfile.Parse(list(specfile.MaxNetworks + 1))
	var invalid *netconfig.ValidationError
	require.ErrorAs(t, err, &invalid)
	assertFieldErrors(t, []wantErr{{field.ErrorTypeTooMany, "networks", "must have at most 4096 items"}}, invalid.Errors)
}

func TestToSpecReportsLikeParse(t *testing.T) {
	m := int64(-1)
	f := specfile.File{Networks: []specfile.Network{{
		Name: "a", Pod: &specfile.PodNetwork{}, Multus: &specfile.MultusNetwork{NetworkName: "x"},
		IPConfig: &specfile.IPConfig{Mode: "static", Routes: []specfile.Route{{To: "default", Via: "10.0.0.1", Metric: &m}}},
	}}}
	_, err := f.ToSpec()
	var invalid *netconfig.ValidationError
	require.ErrorAs(t, err, &invalid)
	assertFieldErrors(t, []wantErr{
		{field.ErrorTypeForbidden, "networks[0].multus", "not both"},
		{field.ErrorTypeInvalid, "networks[0].ipConfig.routes[0].metric", "from 0 to 4294967295"},
	}, invalid.Errors)
}

func TestFromSpecRefusesWhatNoFileExpresses(t *testing.T) {
	spec := netconfig.Spec{Namespace: "bad\xff", Networks: []netconfig.Network{
		{Name: "a", Source: "vhost", NetworkName: "x"},
		{Name: "b", Source: netconfig.SourcePod, NetworkName: "x", IPConfig: &netconfig.IPConfig{
			Mode:        "auto",
			Gateways:    []netip.Addr{netip.MustParseAddr("fe80::1%eth0")},
			Nameservers: netconfig.Nameservers{Addresses: []netip.Addr{netip.MustParseAddr("fe80::53%eth0")}},
			Routes:      []netconfig.Route{{To: netip.MustParsePrefix("::/0"), Via: netip.MustParseAddr("fe80::1%eth0")}},
		}},
	}}
	_, err := specfile.Format(spec)
	var invalid *netconfig.ValidationError
	require.ErrorAs(t, err, &invalid)
	assertFieldErrors(t, []wantErr{
		{field.ErrorTypeInvalid, "namespace", "not valid UTF-8"},
		{field.ErrorTypeNotSupported, "networks[0].source", `"pod", "multus"`},
		{field.ErrorTypeForbidden, "networks[0].networkName", "only a Multus network"},
		{field.ErrorTypeForbidden, "networks[1].networkName", "only a Multus network"},
		{field.ErrorTypeNotSupported, "networks[1].ipConfig.mode", `"static", "dhcp", "none"`},
		{field.ErrorTypeInvalid, "networks[1].ipConfig.gateways[0]", "zone"},
		{field.ErrorTypeInvalid, "networks[1].ipConfig.nameservers.addresses[0]", "zone"},
		{field.ErrorTypeInvalid, "networks[1].ipConfig.routes[0].via", "zone"},
	}, invalid.Errors)

	_, err = specfile.Format(netconfig.Spec{Networks: make([]netconfig.Network, specfile.MaxNetworks+1)})
	require.ErrorAs(t, err, &invalid)
	assertFieldErrors(t, []wantErr{{field.ErrorTypeTooMany, "networks", "at most 4096"}}, invalid.Errors)
}

func TestFormatWritesListFormsQuoted(t *testing.T) {
	out, err := specfile.Format(fullSpec())
	require.NoError(t, err)
	assert.Equal(t, `namespace: "vms"
networks:
  - name: "default"
    pod: {}
  - name: "external"
    multus:
      networkName: "ext-net"
    binding: "bridge"
    macAddress: "02:00:00:aa:bb:cc"
    pciAddress: "0000:00:04.0"
    ipConfig:
      mode: "static"
      addresses:
        - "192.168.0.200/24"
        - "fd00:10::200/64"
      gateways:
        - "192.168.0.1"
        - "fd00:10::1"
      nameservers:
        addresses:
          - "192.168.0.1"
        search:
          - "example.internal"
      routes:
        - to: "10.10.0.0/16"
          via: "192.168.0.254"
          metric: 100
        - to: "0.0.0.0/0"
          via: "192.168.0.254"
          metric: 200
        - to: "::/0"
          via: "fd00:10::fe"
      mtu: 1400
  - name: "mgmt"
    multus:
      networkName: "infra/mgmt-net"
    ipConfig:
      mode: "dhcp"
      dhcp6: true
`, string(out))

	back, err := specfile.Parse(out)
	require.NoError(t, err)
	assert.Equal(t, fullSpec(), back)
}

func TestFormatEmptySpec(t *testing.T) {
	out, err := specfile.Format(netconfig.Spec{})
	require.NoError(t, err)
	assert.Equal(t, "{}\n", string(out))
	back, err := specfile.Parse(out)
	require.NoError(t, err)
	assert.Equal(t, netconfig.Spec{}, back)
}

// TestEveryErrorIsAFieldError: whatever the failure, the error of each
// entry point is a *netconfig.ValidationError listing *field.Error values,
// and errors.As finds the first of them.
func TestEveryErrorIsAFieldError(t *testing.T) {
	m := int64(-1)
	longName := strings.Repeat("n", 300)
	tests := []struct {
		name string
		call func() error
		want wantErr // the first error
	}{
		{"Parse: too large", func() error { _, err := specfile.Parse(make([]byte, specfile.MaxSize+1)); return err },
			wantErr{field.ErrorTypeTooLong, "<nil>", "more than the limit"}},
		{"Parse: YAML syntax", func() error { _, err := specfile.Parse([]byte("networks: [")); return err },
			wantErr{field.ErrorTypeInvalid, "<nil>", "not a valid YAML or JSON document: yaml: line 1:"}},
		{"Parse: duplicate key", func() error { _, err := specfile.Parse([]byte("namespace: a\nnamespace: a\n")); return err },
			wantErr{field.ErrorTypeInvalid, "<nil>", `line 2: key "namespace" already set in map`}},
		{"Parse: two documents", func() error { _, err := specfile.Parse([]byte("namespace: a\n---\nnamespace: b\n")); return err },
			wantErr{field.ErrorTypeInvalid, "<nil>", "more than one YAML document"}},
		{"Parse: a tag", func() error { _, err := specfile.Parse([]byte("namespace: !local a\n")); return err },
			wantErr{field.ErrorTypeForbidden, "namespace", "line 1: the YAML tag !local"}},
		{"Parse: empty", func() error { _, err := specfile.Parse(nil); return err },
			wantErr{field.ErrorTypeRequired, "<nil>", "the document is empty"}},
		{"Parse: not a mapping or list", func() error { _, err := specfile.Parse([]byte("true")); return err },
			wantErr{field.ErrorTypeTypeInvalid, "<nil>", "the document is a boolean"}},
		{"Parse: too many networks", func() error {
			_, err := specfile.Parse([]byte("networks: [" + strings.Repeat("{},", specfile.MaxNetworks+1) + "]"))
			return err
		}, wantErr{field.ErrorTypeTooMany, "networks", "at most 4096"}},
		{"Parse: unknown field", func() error { _, err := specfile.Parse([]byte("namespaces: a")); return err },
			wantErr{field.ErrorTypeForbidden, "namespaces", "unknown field"}},
		{"Parse: wrong type", func() error { _, err := specfile.Parse([]byte("namespace: [a]")); return err },
			wantErr{field.ErrorTypeTypeInvalid, "namespace", "a list where text is wanted"}},
		{"Parse: a value that does not parse", func() error { _, err := specfile.Parse([]byte("- {name: a, macAddress: x}")); return err },
			wantErr{field.ErrorTypeInvalid, "networks[0].macAddress", "not a MAC address"}},
		{"ToSpec", func() error {
			f := specfile.File{Networks: []specfile.Network{{Name: "a", IPConfig: &specfile.IPConfig{Mode: "static", Routes: []specfile.Route{{To: "default", Via: "10.0.0.1", Metric: &m}}}}}}
			_, err := f.ToSpec()
			return err
		}, wantErr{field.ErrorTypeInvalid, "networks[0].ipConfig.routes[0].metric", "from 0 to 4294967295"}},
		{"FromSpec", func() error {
			_, err := specfile.FromSpec(netconfig.Spec{Networks: []netconfig.Network{{Name: "a", Source: "vhost"}}})
			return err
		}, wantErr{field.ErrorTypeNotSupported, "networks[0].source", `"pod", "multus"`}},
		{"Format: what FromSpec refuses", func() error {
			_, err := specfile.Format(netconfig.Spec{Namespace: "\xff"})
			return err
		}, wantErr{field.ErrorTypeInvalid, "namespace", "not valid UTF-8"}},
		{"Format: a file over MaxSize", func() error {
			spec := netconfig.Spec{Networks: make([]netconfig.Network, specfile.MaxNetworks)}
			for i := range spec.Networks {
				spec.Networks[i].Name = longName
			}
			_, err := specfile.Format(spec)
			return err
		}, wantErr{field.ErrorTypeTooLong, "<nil>", "more than the limit of 1048576 bytes (1 MiB) that Parse reads"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var invalid *netconfig.ValidationError
			require.True(t, errors.As(err, &invalid), "%T: %v", err, err)
			require.NotEmpty(t, invalid.Errors)
			assertFieldErrors(t, []wantErr{tt.want}, invalid.Errors[:1])
			var fe *field.Error
			require.True(t, errors.As(err, &fe), "%T: %v", err, err)
			assert.Same(t, invalid.Errors[0], fe)
		})
	}
}
