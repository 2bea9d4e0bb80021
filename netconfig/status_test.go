package netconfig_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/guestnet/guestnet/netconfig"
)

// sriovStatus is the network-status entry of an SR-IOV VF as Multus writes
// it, with the device-info KubeVirt reads the VF's PCI address from
// (pkg/network/deviceinfo, pkg/network/downwardapi; the example entry of
// pkg/network/pod/annotations/generator_test.go).
func sriovStatus() netconfig.NetworkStatus {
	return netconfig.NetworkStatus{
		NetworkName: "vms/sriov-net", Interface: "pod6f4e3a1b2c9", MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc"),
		IPs: []netip.Addr{ip("192.168.0.200")}, Gateways: []netip.Addr{ip("192.168.0.1"), ip("fd00:10::1")}, MTU: 9000,
		DeviceInfo: netconfig.DeviceInfo{Type: "pci", Version: "1.0.0", PCIAddress: "0000:65:00.3"},
	}
}

// TestInterfaceStatus: Result.Interfaces carries each network's status as
// the resolver gave it, gateways, MTU and device info included, and nil
// for a network without one, whatever its role.
func TestInterfaceStatus(t *testing.T) {
	pod := netconfig.NetworkStatus{Default: true, Interface: "eth0", MAC: netconfig.MustParseMAC("0a:58:0a:f4:01:0c"), IPs: []netip.Addr{ip("10.244.1.12")}, MTU: 1400}
	notMultus := netconfig.NetworkStatus{Interface: "tap1", MTU: 1500}
	sriov := new(netconfig.NetworkStatus)
	*sriov = sriovStatus()
	tests := []struct {
		name     string
		statuses netconfig.StatusMap // nil: no status resolver
		// want is the Status of each of the seed's two networks, and of a
		// third network, "other", of unspecified source.
		want [3]*netconfig.NetworkStatus
	}{
		{name: "no status resolver"},
		{name: "no statuses", statuses: netconfig.StatusMap{}},
		{name: "every network", statuses: netconfig.StatusMap{"default": pod, "external": sriovStatus(), "other": notMultus},
			want: [3]*netconfig.NetworkStatus{&pod, sriov, &notMultus}},
		{name: "the secondary only", statuses: netconfig.StatusMap{"external": sriovStatus()},
			want: [3]*netconfig.NetworkStatus{nil, sriov, nil}},
		{name: "a status for no network of the VM", statuses: netconfig.StatusMap{"gone": sriovStatus()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := seedSpec()
			spec.Networks = append(spec.Networks, netconfig.Network{Name: "other", Binding: netconfig.BindingBridge})
			var opts []netconfig.Option
			if tt.statuses != nil {
				opts = append(opts, netconfig.WithNetworkStatus(tt.statuses))
			}
			res, err := netconfig.Build(spec, opts...)
			require.NoError(t, err)
			for i, want := range tt.want {
				assert.Equal(t, want, res.Interfaces[i].Status, "networks[%d]", i)
			}
		})
	}
}

// TestInterfaceStatusSharesNoMemory: changing the statuses in a Result
// changes neither the resolver's statuses nor a later Build's, and the
// statuses of two networks given the same entry are apart too.
func TestInterfaceStatusSharesNoMemory(t *testing.T) {
	statuses := netconfig.StatusMap{"external": sriovStatus()}
	spec := seedSpec()
	first, err := netconfig.Build(spec, netconfig.WithNetworkStatus(statuses))
	require.NoError(t, err)
	want, err := netconfig.Build(spec, netconfig.WithNetworkStatus(netconfig.StatusMap{"external": sriovStatus()}))
	require.NoError(t, err)

	st := first.Interfaces[1].Status
	st.IPs[0] = ip("10.9.9.9")
	st.Gateways[0] = ip("10.9.9.1")
	st.Gateways = append(st.Gateways, ip("10.9.9.2"))
	st.MTU = 1
	st.DeviceInfo.PCIAddress = "0000:00:00.0"
	assert.Equal(t, netconfig.StatusMap{"external": sriovStatus()}, statuses, "changing a Result changed the resolver's statuses")

	again, err := netconfig.Build(spec, netconfig.WithNetworkStatus(statuses))
	require.NoError(t, err)
	assert.Equal(t, want.Interfaces, again.Interfaces, "changing a Result changed a later Build")
}

// TestNetworkStatusClone: a clone equals the status and shares no memory
// with it; nil and empty lists stay as they are.
func TestNetworkStatusClone(t *testing.T) {
	st := sriovStatus()
	c := st.Clone()
	require.Equal(t, st, c)
	c.IPs[0], c.Gateways[0] = ip("10.9.9.9"), ip("10.9.9.1")
	assert.Equal(t, sriovStatus(), st)

	assert.Nil(t, netconfig.NetworkStatus{}.Clone().IPs)
	assert.Nil(t, netconfig.NetworkStatus{}.Clone().Gateways)
	assert.Equal(t, netconfig.NetworkStatus{IPs: []netip.Addr{}, Gateways: []netip.Addr{}}, netconfig.NetworkStatus{IPs: []netip.Addr{}, Gateways: []netip.Addr{}}.Clone())
}

// TestInterfaceStatusIsACopyOfTheNetworkStatus: over generated VMs, each
// network's Interface.Status equals the status the resolver gave it (nil
// for none), and scribbling over every Status of a Result changes neither
// the resolver's statuses nor a later Build's Interfaces.
func TestInterfaceStatusIsACopyOfTheNetworkStatus(t *testing.T) {
	checkAccepted(t, func(t *rapid.T, s scenario, res netconfig.Result) {
		before := netconfig.StatusMap{}
		for name, st := range s.status {
			st.IPs, st.Gateways = slices.Clone(st.IPs), slices.Clone(st.Gateways)
			before[name] = st
		}
		for i, n := range s.spec.Networks {
			got := res.Interfaces[i].Status
			st, has := s.status[n.Name]
			if !has {
				require.Nil(t, got, "networks[%d] has no status", i)
				continue
			}
			require.NotNil(t, got, "networks[%d]", i)
			require.Equal(t, st, *got, "networks[%d]", i)
		}
		again, err := netconfig.Build(s.spec, s.options()...)
		require.NoError(t, err)
		for _, ifc := range res.Interfaces {
			if st := ifc.Status; st != nil {
				for j := range st.IPs {
					st.IPs[j] = netip.IPv4Unspecified()
				}
				for j := range st.Gateways {
					st.Gateways[j] = netip.IPv4Unspecified()
				}
				st.Gateways = append(st.Gateways, netip.IPv6Unspecified())
				st.MTU, st.DeviceInfo = -1, netconfig.DeviceInfo{Type: "scribbled"}
			}
		}
		require.Equal(t, before, s.status, "changing a Result changed the resolver's statuses")
		later, err := netconfig.Build(s.spec, s.options()...)
		require.NoError(t, err)
		require.Equal(t, again.Interfaces, later.Interfaces, "changing a Result changed a later Build")
	})
}
