package netconfig_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/netplan"
)

func TestExplain(t *testing.T) {
	spec := netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod},
		{Name: "other", MAC: netconfig.MustParseMAC("02:00:00:00:00:02"), IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP}},
		{Name: "gone", Source: netconfig.SourceMultus, NetworkName: "gone-net", Absent: true},
		{Name: "plain", Source: netconfig.SourceMultus, NetworkName: "plain-net"},
		{Name: "ext", Source: netconfig.SourceMultus, NetworkName: "ext-net", IPConfig: &netconfig.IPConfig{
			Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{netip.MustParsePrefix("10.0.0.5/24")},
			Nameservers: netconfig.Nameservers{Addresses: []netip.Addr{netip.MustParseAddr("10.0.0.53")}},
			Routes:      []netconfig.Route{{To: netip.MustParsePrefix("10.1.0.0/16"), Via: netip.MustParseAddr("10.0.0.1")}},
		}},
	}}
	res, err := netconfig.Build(spec, netconfig.WithoutPodNetwork(), netconfig.WithNetworkStatus(netconfig.StatusMap{"other": {Interface: "pod1"}}),
		netconfig.WithMACResolver(netconfig.MACTable{"ext": {MAC: netconfig.MustParseMAC("02:00:00:00:00:05"), Origin: netconfig.MACFromVMIStatus, Detail: "status.interfaces[4].mac"}}))
	require.NoError(t, err)
	got := netconfig.Explain(spec, res)
	require.Len(t, got, 5)

	notConfigured := map[string]string{
		"default": "the pod network is left out of the output (WithoutPodNetwork)",
		"other":   "its network status names no NetworkAttachmentDefinition: not a Multus attachment",
		"gone":    "its VM interface is absent (being unplugged): the guest has no NIC for it",
		"plain":   "no IP config is asked for it",
	}
	for i, e := range got[:4] {
		assert.Equal(t, res.Interfaces[i], e.Interface)
		assert.Equal(t, notConfigured[e.Network], e.NotConfigured, e.Network)
		assert.Nil(t, e.Ethernet, e.Network)
	}
	assert.Equal(t, netconfig.SourcePod, got[0].Source)
	assert.Equal(t, netconfig.SourceUnspecified, got[1].Source)
	assert.Equal(t, []netconfig.WarningCode{netconfig.WarningNotMultusAttachment}, codes(got[1].Warnings))

	ext := got[4]
	assert.Empty(t, ext.NotConfigured)
	assert.Equal(t, netconfig.SourceMultus, ext.Source)
	assert.Equal(t, "eth3", ext.Name, "gone has no NIC")
	assert.Equal(t, netconfig.MatchMAC, ext.Match)
	assert.Equal(t, netconfig.MACFromVMIStatus, ext.MACOrigin)
	assert.Equal(t, "status.interfaces[4].mac", ext.MACDetail)
	require.NotNil(t, ext.Ethernet)
	assert.Equal(t, []string{"10.0.0.5/24"}, ext.Ethernet.Addresses)
	assert.Equal(t, []netplan.Route{{To: "10.1.0.0/16", Via: "10.0.0.1"}}, ext.Ethernet.Routes)
	assert.Equal(t, &netplan.Nameservers{Addresses: []string{"10.0.0.53"}}, ext.Ethernet.Nameservers)
	assert.Equal(t, []netconfig.WarningCode{netconfig.WarningEphemeralMAC}, codes(ext.Warnings))
}

// Explain of a Result that does not go with the spec still says what the
// Result holds, with no source, and does not panic.
func TestExplainMismatchedSpec(t *testing.T) {
	res, err := netconfig.Build(netconfig.Spec{Networks: []netconfig.Network{{Name: "default", Source: netconfig.SourcePod}}})
	require.NoError(t, err)
	got := netconfig.Explain(netconfig.Spec{}, res)
	require.Len(t, got, 1)
	assert.Equal(t, netconfig.SourceUnspecified, got[0].Source)
	require.NotNil(t, got[0].Ethernet)
	assert.True(t, got[0].Ethernet.DHCP4)
	assert.Empty(t, netconfig.Explain(netconfig.Spec{}, netconfig.Result{}))
}

func codes(ws []netconfig.Warning) []netconfig.WarningCode {
	var out []netconfig.WarningCode
	for _, w := range ws {
		out = append(out, w.Code)
	}
	return out
}
