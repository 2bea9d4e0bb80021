package multus

import (
	"net/netip"
	"testing"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/netconfig"
)

func static(addresses ...string) *netconfig.IPConfig {
	c := &netconfig.IPConfig{Mode: netconfig.ModeStatic}
	for _, a := range addresses {
		c.Addresses = append(c.Addresses, netip.MustParsePrefix(a))
	}
	return c
}

func withIP(n netconfig.Network, c *netconfig.IPConfig) netconfig.Network {
	n.IPConfig = c
	return n
}

func withMAC(n netconfig.Network, m string) netconfig.Network {
	n.MAC = mac(m)
	return n
}

func TestNetworkSelection(t *testing.T) {
	resolver := netconfig.MACTable{"red": {MAC: mac("02:00:00:00:00:aa")}, "blue": {MAC: mac("02:00:00:00:00:bb")}, "bad": {MAC: mac("01:00:5e:00:00:01")}}
	tests := []struct {
		name    string
		spec    netconfig.Spec
		macs    netconfig.MACResolver
		opts    []SelectionOption
		want    []nadv1.NetworkSelectionElement
		wantErr []string
	}{
		{name: "no networks", spec: netconfig.Spec{Namespace: "vms"}, want: nil},
		{
			name: "only the pod network and networks of unspecified source",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{podNetwork(), unspecifiedNetwork("red")}},
			want: nil,
		},
		{
			name: "static addresses in CIDR form, both families, in VM order",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
				podNetwork(),
				withIP(multusNetwork("red", "ext-net"), static("192.168.0.200/24", "fd10:0:0:1::c8/64")),
				withIP(multusNetwork("blue", "other/l2-net"), static("10.10.0.5/16")),
			}},
			want: []nadv1.NetworkSelectionElement{
				{Namespace: "vms", Name: "ext-net", InterfaceRequest: redHashed, IPRequest: []string{"192.168.0.200/24", "fd10:0:0:1::c8/64"}},
				{Namespace: "other", Name: "l2-net", InterfaceRequest: blueHashed, IPRequest: []string{"10.10.0.5/16"}},
			},
		},
		{
			name: "no address request for DHCP, none mode or no IP config",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
				withIP(multusNetwork("red", "ext-net"), &netconfig.IPConfig{Mode: netconfig.ModeDHCP}),
				withIP(multusNetwork("blue", "ext-net"), &netconfig.IPConfig{Mode: netconfig.ModeNone}),
				multusNetwork("green", "ext-net"),
			}},
			want: []nadv1.NetworkSelectionElement{
				{Namespace: "vms", Name: "ext-net", InterfaceRequest: redHashed},
				{Namespace: "vms", Name: "ext-net", InterfaceRequest: blueHashed},
				{Namespace: "vms", Name: "ext-net", InterfaceRequest: greenHashed},
			},
		},
		{
			name: "an unqualified attachment without a namespace in the spec stays unqualified",
			spec: netconfig.Spec{Networks: []netconfig.Network{multusNetwork("red", "ext-net")}},
			want: []nadv1.NetworkSelectionElement{{Name: "ext-net", InterfaceRequest: redHashed}},
		},
		{
			name: "the spec's MAC wins over the resolver's, which fills in",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
				withMAC(multusNetwork("red", "ext-net"), "02:7C:4E:00:00:01"),
				multusNetwork("blue", "ext-net"),
				multusNetwork("green", "ext-net"),
			}},
			macs: resolver,
			want: []nadv1.NetworkSelectionElement{
				{Namespace: "vms", Name: "ext-net", InterfaceRequest: redHashed, MacRequest: "02:7c:4e:00:00:01"},
				{Namespace: "vms", Name: "ext-net", InterfaceRequest: blueHashed, MacRequest: "02:00:00:00:00:bb"},
				{Namespace: "vms", Name: "ext-net", InterfaceRequest: greenHashed},
			},
		},
		{
			name: "no resolver",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{multusNetwork("red", "ext-net")}},
			macs: nil,
			want: []nadv1.NetworkSelectionElement{{Namespace: "vms", Name: "ext-net", InterfaceRequest: redHashed}},
		},
		{
			// kubevirt/kubevirt pkg/network/pod/annotations/generator.go
			// Generate: vmispec.FilterNetworksByInterfaces lists the
			// networks in the order of the interfaces.
			name: "elements follow the interface order",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
				podNetwork(), multusNetwork("red", "ext-net"), multusNetwork("blue", "l2-net"), multusNetwork("green", "ext-net"),
			}, InterfaceOrder: []string{"green", "default", "blue", "red"}},
			want: []nadv1.NetworkSelectionElement{
				{Namespace: "vms", Name: "ext-net", InterfaceRequest: greenHashed},
				{Namespace: "vms", Name: "l2-net", InterfaceRequest: blueHashed},
				{Namespace: "vms", Name: "ext-net", InterfaceRequest: redHashed},
			},
		},
		{
			// Generate keeps only the interfaces whose state is not absent.
			name: "absent networks are not requested",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
				podNetwork(), absent(multusNetwork("red", "ext-net")), multusNetwork("blue", "l2-net"),
			}},
			want: []nadv1.NetworkSelectionElement{{Namespace: "vms", Name: "l2-net", InterfaceRequest: blueHashed}},
		},
		{
			name: "only absent networks, no elements",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{podNetwork(), absent(multusNetwork("red", "ext-net"))}},
			want: nil,
		},
		{
			// pkg/network/multus/annotation.go GenerateCNIAnnotationFromNameScheme
			// lists only vmispec.IsSecondaryMultusNetwork networks; the
			// default one goes to v1.multus-cni.io/default-network.
			name: "the Multus default network is not requested",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
				multusDefaultNetwork("network0", "default-net"), multusNetwork("red", "ext-net"),
			}},
			want: []nadv1.NetworkSelectionElement{{Namespace: "vms", Name: "ext-net", InterfaceRequest: redHashed}},
		},
		{
			name: "a network status of hashed names keeps hashed names",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{podNetwork(), multusNetwork("red", "ext-net")}},
			opts: []SelectionOption{WithNetworkStatus([]nadv1.NetworkStatus{
				{Name: "ovn-kubernetes", Interface: "eth0", Default: true}, {Name: "vms/ext-net", Interface: redHashed},
			})},
			want: []nadv1.NetworkSelectionElement{{Namespace: "vms", Name: "ext-net", InterfaceRequest: redHashed}},
		},
		{
			name: "no network status yet, hashed names",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{multusNetwork("red", "ext-net")}},
			opts: []SelectionOption{WithNetworkStatus(nil), nil},
			want: []nadv1.NetworkSelectionElement{{Namespace: "vms", Name: "ext-net", InterfaceRequest: redHashed}},
		},
		{
			// kubevirt/kubevirt pkg/network/namescheme/networknamescheme_test.go,
			// "ordinal, when default multus networks exist": network0 (the
			// Multus default) is eth0, network1 net1, network2 net2; and
			// CreateFromNetworkStatuses picks the ordinal scheme when a
			// status interface is ordinal.
			name: "an ordinal network status gives ordinal names, which skip the Multus default network",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
				multusDefaultNetwork("network0", "default-net"), multusNetwork("network1", "ext-net"), multusNetwork("network2", "l2-net"),
			}},
			opts: []SelectionOption{WithNetworkStatus([]nadv1.NetworkStatus{
				{Name: "vms/default-net", Interface: "eth0", Default: true}, {Name: "vms/ext-net", Interface: "net1"},
			})},
			want: []nadv1.NetworkSelectionElement{
				{Namespace: "vms", Name: "ext-net", InterfaceRequest: "net1"},
				{Namespace: "vms", Name: "l2-net", InterfaceRequest: "net2"},
			},
		},
		{
			// Hot-plug onto a pod created before KubeVirt 1.0: red is being
			// unplugged, green plugged. Numbers follow spec.networks, absent
			// networks and SR-IOV ones included, whatever the interface order.
			name: "ordinal names count absent and SR-IOV networks in spec order",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
				podNetwork(),
				absent(multusNetwork("red", "ext-net")),
				{Name: "vf", Source: netconfig.SourceMultus, NetworkName: "sriov-net", Binding: netconfig.BindingSRIOV},
				multusNetwork("blue", "l2-net"),
				multusNetwork("green", "ext-net"),
			}, InterfaceOrder: []string{"default", "green", "red", "blue", "vf"}},
			opts: []SelectionOption{WithNetworkStatus([]nadv1.NetworkStatus{
				{Name: "ovn-kubernetes", Interface: "eth0", Default: true},
				{Name: "vms/ext-net", Interface: "net1"}, {Name: "vms/sriov-net", Interface: "net2"}, {Name: "vms/l2-net", Interface: "net3"},
			})},
			want: []nadv1.NetworkSelectionElement{
				{Namespace: "vms", Name: "ext-net", InterfaceRequest: "net4"},
				{Namespace: "vms", Name: "l2-net", InterfaceRequest: "net3"},
				{Namespace: "vms", Name: "sriov-net", InterfaceRequest: "net2"},
			},
		},
		{
			name: "an interface order that does not name every network once",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
				podNetwork(), multusNetwork("red", "ext-net"), multusNetwork("blue", "ext-net"),
			}, InterfaceOrder: []string{"red", "red", "purple", "default"}},
			wantErr: []string{
				`interfaceOrder[1]: Duplicate value: "red"`,
				`interfaceOrder[2]: Not found: "purple"`,
				`interfaceOrder: Required value: networks[2] ("blue") has no place in the interface order`,
			},
		},
		{
			name: "an interface order cannot place two networks of one name",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
				unspecifiedNetwork("red"), multusNetwork("red", "ext-net"),
			}, InterfaceOrder: []string{"red"}},
			wantErr: []string{`networks[1].name: Invalid value: "red": networks[0] has the same name, so the interface order cannot tell them apart`},
		},
		{
			name:    "absent networks are checked too",
			spec:    netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{absent(multusNetwork("red", ""))}},
			wantErr: []string{"networks[0].networkName: Required value"},
		},
		{
			name: "every problem is reported",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
				multusNetwork("red", ""),
				multusNetwork("blue", "Ext_Net"),
				multusNetwork("red", "a/b/c"),
				withIP(multusNetwork("green", "ext-net"), &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{netip.MustParsePrefix("10.0.0.1/24"), {}}}),
				withMAC(multusNetwork("yellow", "ext-net"), "ff:ff:ff:ff:ff:ff"),
				multusNetwork("bad", "ext-net"),
				multusNetwork("", "ext-net"),
				multusNetwork("white", "Other_NS/ext-net"),
			}},
			macs: resolver,
			wantErr: []string{
				"networks[0].networkName: Required value",
				`networks[1].networkName: Invalid value: "Ext_Net": name: a lowercase RFC 1123 subdomain`,
				`networks[2].name: Invalid value: "red": networks[0] has the same name, so both would ask Multus for the pod interface podb1f51a511f1`,
				`networks[2].networkName: Invalid value: "a/b/c": name: a lowercase RFC 1123 subdomain`,
				"networks[3].ipConfig.addresses[1]: Required value",
				`networks[4].macAddress: Invalid value: "ff:ff:ff:ff:ff:ff": from the spec: the broadcast MAC address`,
				`networks[5].macAddress: Invalid value: "01:00:5e:00:00:01": from the MAC resolver: a multicast MAC address`,
				"networks[6].name: Required value",
				`networks[7].networkName: Invalid value: "Other_NS/ext-net": namespace: a lowercase RFC 1123 label`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NetworkSelection(tt.spec, tt.macs, tt.opts...)
			if len(tt.wantErr) > 0 {
				require.Error(t, err)
				for _, s := range tt.wantErr {
					assert.ErrorContains(t, err, s)
				}
				var invalid *netconfig.ValidationError
				if assert.ErrorAs(t, err, &invalid) {
					assert.Len(t, invalid.Errors, len(tt.wantErr), "%v", err)
				}
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestNetworksAnnotation(t *testing.T) {
	spec := netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		podNetwork(),
		withMAC(withIP(multusNetwork("red", "ext-net"), static("192.168.0.200/24", "fd10::c8/64")), "02:7c:4e:00:00:01"),
		withIP(multusNetwork("blue", "other/l2-net"), &netconfig.IPConfig{Mode: netconfig.ModeDHCP}),
	}}
	got, err := NetworksAnnotation(spec, nil)
	require.NoError(t, err)
	assert.Equal(t,
		`[{"name":"ext-net","namespace":"vms","ips":["192.168.0.200/24","fd10::c8/64"],"mac":"02:7c:4e:00:00:01","interface":"podb1f51a511f1"},`+
			`{"name":"l2-net","namespace":"other","interface":"pod16477688c0e"}]`,
		got)

	empty, err := NetworksAnnotation(netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{podNetwork()}}, nil)
	require.NoError(t, err)
	assert.Equal(t, "", empty, "no Multus network, no annotation")

	_, err = NetworksAnnotation(netconfig.Spec{Networks: []netconfig.Network{multusNetwork("red", "")}}, nil)
	assert.ErrorContains(t, err, "networks[0].networkName: Required value")
}

// TestNetworkSelectionErrorsAreFieldErrors checks that each kind of
// problem is a *field.Error of its type at its path, through a
// *netconfig.ValidationError, from NetworkSelection and NetworksAnnotation
// alike.
func TestNetworkSelectionErrorsAreFieldErrors(t *testing.T) {
	tests := []struct {
		name    string
		network netconfig.Network
		macs    netconfig.MACResolver
		typ     field.ErrorType
		field   string
	}{
		{"no name", multusNetwork("", "ext-net"), nil, field.ErrorTypeRequired, "networks[1].name"},
		{"the name of another network", multusNetwork("red", "ext-net"), nil, field.ErrorTypeInvalid, "networks[1].name"},
		{"no attachment", multusNetwork("blue", ""), nil, field.ErrorTypeRequired, "networks[1].networkName"},
		{"a malformed attachment", multusNetwork("blue", "Ext_Net"), nil, field.ErrorTypeInvalid, "networks[1].networkName"},
		{"a malformed attachment namespace", multusNetwork("blue", "Other_NS/ext-net"), nil, field.ErrorTypeInvalid, "networks[1].networkName"},
		{"an unset address", withIP(multusNetwork("blue", "ext-net"), &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{{}}}), nil, field.ErrorTypeRequired, "networks[1].ipConfig.addresses[0]"},
		{"a MAC no NIC can have", withMAC(multusNetwork("blue", "ext-net"), "01:00:5e:00:00:01"), nil, field.ErrorTypeInvalid, "networks[1].macAddress"},
		{"a resolved MAC no NIC can have", multusNetwork("blue", "ext-net"), netconfig.MACTable{"blue": {MAC: mac("ff:ff:ff:ff:ff:ff")}}, field.ErrorTypeInvalid, "networks[1].macAddress"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{multusNetwork("red", "ext-net"), tt.network}}
			_, err := NetworkSelection(spec, tt.macs)
			_, annotationErr := NetworksAnnotation(spec, tt.macs)
			for _, err := range []error{err, annotationErr} {
				var invalid *netconfig.ValidationError
				require.ErrorAs(t, err, &invalid)
				require.Len(t, invalid.Errors, 1, "%v", err)
				var fe *field.Error
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, tt.typ, fe.Type)
				assert.Equal(t, tt.field, fe.Field)
				assert.NotEmpty(t, fe.Detail)
			}
		})
	}
}

// TestOrdinalInterfaceNameMatchesKubeVirt checks isOrdinalName against the
// cases of KubeVirt's namescheme.OrdinalSecondaryInterfaceName, which
// matches ^net\d+$ (kubevirt/kubevirt
// pkg/network/namescheme/networknamescheme.go): the primary interface eth0
// and hashed names are not ordinal.
func TestOrdinalInterfaceNameMatchesKubeVirt(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"net1", true},
		{"net2", true},
		{"net10", true},
		{"net0", true},
		{"eth0", false},
		{redHashed, false},
		{"net", false},
		{"net1a", false},
		{"Net1", false},
		{" net1", false},
		{"net-1", false},
		{"net\u0661", false}, // an Arabic-Indic digit: \d is ASCII only
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, isOrdinalName(tt.name))
		})
	}
}

func TestDefaultNetworkAnnotation(t *testing.T) {
	tests := []struct {
		name    string
		spec    netconfig.Spec
		want    string
		wantErr []string
	}{
		{name: "no networks", spec: netconfig.Spec{Namespace: "vms"}},
		{name: "the pod network", spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{podNetwork(), multusNetwork("red", "ext-net")}}},
		{
			// kubevirt/kubevirt pkg/network/pod/annotations/generator.go
			// Generate: annotations[multus.DefaultNetworkCNIAnnotation] =
			// defaultMultusNetworks[0].Multus.NetworkName, as written.
			name: "the Multus default network's name as written, not qualified",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{multusNetwork("red", "ext-net"), multusDefaultNetwork("network0", "default-net")}},
			want: "default-net",
		},
		{
			name: "a qualified name stays qualified",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{multusDefaultNetwork("network0", "other/default-net")}},
			want: "other/default-net",
		},
		{
			name: "an absent flag is not looked at",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{absent(multusDefaultNetwork("network0", "default-net"))}},
			want: "default-net",
		},
		{
			name: "every problem is reported",
			spec: netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
				multusDefaultNetwork("network0", ""),
				multusDefaultNetwork("network1", "Bad_Name"),
				multusNetwork("red", ""), // NetworkSelection's to report
			}},
			wantErr: []string{
				"networks[0].networkName: Required value",
				`networks[1].source: Invalid value: "multus-default": networks[0] is the Multus default network already, and a VM has only one`,
				`networks[1].networkName: Invalid value: "Bad_Name": name: a lowercase RFC 1123 subdomain`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultNetworkAnnotation(tt.spec)
			if len(tt.wantErr) > 0 {
				for _, s := range tt.wantErr {
					assert.ErrorContains(t, err, s)
				}
				var invalid *netconfig.ValidationError
				if assert.ErrorAs(t, err, &invalid) {
					assert.Len(t, invalid.Errors, len(tt.wantErr), "%v", err)
				}
				var fe *field.Error
				require.ErrorAs(t, err, &fe)
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	assert.Equal(t, "v1.multus-cni.io/default-network", DefaultNetworkAnnot)
}
