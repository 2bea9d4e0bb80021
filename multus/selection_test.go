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
			got, err := NetworkSelection(tt.spec, tt.macs)
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
