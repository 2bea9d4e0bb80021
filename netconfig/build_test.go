package netconfig_test

import (
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/netplan"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// dualStackSpec is a VM with the pod network and three Multus networks: a
// dual-stack static one with routes and DNS, a DHCP one, and a static one
// whose MAC is unknown.
func dualStackSpec() netconfig.Spec {
	return netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade, MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
		{
			Name: "storage", Source: netconfig.SourceMultus, NetworkName: "storage-net", Binding: netconfig.BindingBridge,
			MAC: netconfig.MustParseMAC("52:54:00:12:34:56"),
			IPConfig: &netconfig.IPConfig{
				Mode:      netconfig.ModeStatic,
				Addresses: []netip.Prefix{prefix("10.20.0.10/24"), prefix("fd00:20::10/64")},
				Gateways:  []netip.Addr{ip("fd00:20::1")},
				Nameservers: netconfig.Nameservers{
					Addresses: []netip.Addr{ip("10.20.0.53"), ip("fd00:20::53")},
					Search:    []string{"storage.example.internal"},
				},
				Routes: []netconfig.Route{
					{To: prefix("10.30.0.0/16"), Via: ip("10.20.0.254"), Metric: metric(100)},
					{To: prefix("fd00:30::/48"), Via: ip("fd00:20::fe")},
				},
				MTU: 9000,
			},
		},
		{
			Name: "mgmt", Source: netconfig.SourceMultus, NetworkName: "infra/mgmt-net", Binding: netconfig.BindingBridge,
			MAC:      netconfig.MustParseMAC("02:00:00:00:00:03"),
			IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP},
		},
		{
			Name: "legacy", Source: netconfig.SourceMultus, NetworkName: "legacy-net", Binding: netconfig.BindingSRIOV,
			IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{prefix("172.16.5.20/24")}},
		},
	}}
}

// familyModesSpec is a VM whose NICs address each family their own way:
// the pod network as KubeVirt's masquerade dual-stack (DHCPv4, static
// fd10:0:2::2/120 via fd10:0:2::1), a network with static IPv4 and
// DHCPv6, one with static IPv4 and SLAAC, and one with DHCPv4 and no
// IPv6.
func familyModesSpec() netconfig.Spec {
	return netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade, MAC: netconfig.MustParseMAC("02:00:00:00:00:01"),
			IPConfig: netconfig.MasqueradeDualStack()},
		{Name: "storage", Source: netconfig.SourceMultus, NetworkName: "storage-net", Binding: netconfig.BindingBridge, MAC: netconfig.MustParseMAC("02:00:00:00:00:02"),
			IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, IPv6Mode: netconfig.ModeDHCP, Addresses: []netip.Prefix{prefix("10.20.0.10/24")},
				Routes: []netconfig.Route{{To: prefix("10.30.0.0/16"), Via: ip("10.20.0.254")}}}},
		{Name: "lab", Source: netconfig.SourceMultus, NetworkName: "lab-net", Binding: netconfig.BindingBridge, MAC: netconfig.MustParseMAC("02:00:00:00:00:03"),
			IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, IPv6Mode: netconfig.ModeSLAAC, Addresses: []netip.Prefix{prefix("172.16.5.20/24")}}},
		{Name: "mgmt", Source: netconfig.SourceMultus, NetworkName: "mgmt-net", Binding: netconfig.BindingBridge, MAC: netconfig.MustParseMAC("02:00:00:00:00:04"),
			IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: netconfig.ModeNone}},
	}}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		spec netconfig.Spec
		opts []netconfig.Option
	}{
		{name: "seed", spec: seedSpec()},
		{name: "dual-stack", spec: dualStackSpec()},
		{name: "dual-stack-netplan-routes", spec: dualStackSpec(), opts: []netconfig.Option{netconfig.WithDefaultRouteStyle(netconfig.DefaultRouteNetplan)}},
		{name: "family-modes", spec: familyModesSpec()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := netconfig.Build(tt.spec, tt.opts...)
			require.NoError(t, err)
			golden := filepath.Join("testdata", tt.name+".yaml")
			if *update {
				require.NoError(t, os.WriteFile(golden, res.YAML, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./netconfig -run TestGolden -update to create it")
			assert.Equal(t, string(want), string(res.YAML))
		})
	}
}

func TestPodNetwork(t *testing.T) {
	t.Run("written as DHCP matched by MAC", func(t *testing.T) {
		res, err := netconfig.Build(seedSpec())
		require.NoError(t, err)
		assert.Equal(t, netplan.Ethernet{
			Match: &netplan.Match{MACAddress: "02:00:00:00:00:01"}, SetName: "eth0", DHCP4: true,
		}, res.Config.Network.Ethernets["eth0"])
		assert.Equal(t, netconfig.RolePod, res.Interfaces[0].Role)
	})
	t.Run("without a MAC, matched by the name eth0 with a warning", func(t *testing.T) {
		spec := seedSpec()
		spec.Networks[0].MAC = netconfig.MAC{}
		res, err := netconfig.Build(spec)
		require.NoError(t, err)
		assert.Equal(t, netplan.Ethernet{DHCP4: true}, res.Config.Network.Ethernets["eth0"])
		assert.Contains(t, warningCodes(res, "default"), netconfig.WarningInterfaceNameFallback)
	})
	t.Run("found by the name default when no source is given", func(t *testing.T) {
		spec := seedSpec()
		spec.Networks[0].Source = netconfig.SourceUnspecified
		res, err := netconfig.Build(spec)
		require.NoError(t, err)
		assert.Equal(t, netconfig.RolePod, res.Interfaces[0].Role)
		assert.True(t, res.Config.Network.Ethernets["eth0"].DHCP4)
	})
	t.Run("DHCPv6 on request", func(t *testing.T) {
		spec := seedSpec()
		spec.Networks[0].IPConfig = &netconfig.IPConfig{Mode: netconfig.ModeDHCP, DHCP6: true}
		res, err := netconfig.Build(spec)
		require.NoError(t, err)
		e := res.Config.Network.Ethernets["eth0"]
		assert.True(t, e.DHCP4)
		assert.True(t, e.DHCP6)
	})
	t.Run("left out on request, keeping its place among the NICs", func(t *testing.T) {
		res, err := netconfig.Build(seedSpec(), netconfig.WithoutPodNetwork())
		require.NoError(t, err)
		assert.NotContains(t, res.Config.Network.Ethernets, "eth0")
		assert.Contains(t, res.Config.Network.Ethernets, "eth1")
		assert.False(t, res.Interfaces[0].Configured)
	})
	t.Run("a secondary default route warns that it competes with the pod network's", func(t *testing.T) {
		res, err := netconfig.Build(seedSpec())
		require.NoError(t, err)
		assert.Contains(t, warningCodes(res, "external"), netconfig.WarningDefaultRouteOverridesPodNetwork)
	})
}

func TestNetworkStatus(t *testing.T) {
	// The seed's spec without sources: the status decides.
	spec := seedSpec()
	for i := range spec.Networks {
		spec.Networks[i].Source = netconfig.SourceUnspecified
		spec.Networks[i].NetworkName = ""
	}
	tests := []struct {
		name       string
		status     netconfig.StatusMap
		configured bool
		role       netconfig.Role
		warning    netconfig.WarningCode
	}{
		{name: "no resolver: first creation", configured: true, role: netconfig.RoleSecondary},
		{name: "no entry yet: first creation", status: netconfig.StatusMap{}, configured: true, role: netconfig.RoleSecondary},
		{name: "an entry naming an attachment", status: netconfig.StatusMap{"external": {NetworkName: "vms/ext-net", Interface: "pod1234"}}, configured: true, role: netconfig.RoleSecondary},
		{name: "an entry naming none: not Multus", status: netconfig.StatusMap{"external": {Interface: "eth0"}}, role: netconfig.RoleSkipped, warning: netconfig.WarningNotMultusAttachment},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []netconfig.Option
			if tt.status != nil {
				opts = append(opts, netconfig.WithNetworkStatus(tt.status))
			}
			res, err := netconfig.Build(spec, opts...)
			require.NoError(t, err)
			ifc := res.Interfaces[1]
			assert.Equal(t, tt.role, ifc.Role)
			assert.Equal(t, tt.configured, ifc.Configured)
			_, written := res.Config.Network.Ethernets["eth1"]
			assert.Equal(t, tt.configured, written)
			if tt.warning != "" {
				assert.Contains(t, warningCodes(res, "external"), tt.warning)
			}
			if st, ok := tt.status["external"]; ok {
				assert.Equal(t, st.Interface, ifc.PodInterface)
			}
		})
	}
}

// TestMACOrigins checks where each NIC's MAC comes from (the spec, else a
// MAC resolver, else the network status for the bridge and sriov
// bindings) and that Result.Interfaces says so: the resolver's Origin and
// Detail as given (an empty Origin as MACFromResolver), the network
// status's as MACFromNetworkStatus with the pod interface as detail, the
// spec's as MACFromSpec.
func TestMACOrigins(t *testing.T) {
	specMAC := netconfig.MustParseMAC("02:00:00:aa:bb:cc")
	other := netconfig.MustParseMAC("02:00:00:11:22:33")
	statusMAC := netconfig.MustParseMAC("02:00:00:44:55:66")
	status := netconfig.WithNetworkStatus(netconfig.StatusMap{"external": {NetworkName: "vms/ext-net", Interface: "pod6f4e3a1b2c9", MAC: statusMAC}})
	resolver := func(r netconfig.ResolvedMAC) netconfig.Option {
		return netconfig.WithMACResolver(netconfig.MACTable{"external": r})
	}
	tests := []struct {
		name     string
		specMAC  netconfig.MAC
		binding  string
		opts     []netconfig.Option
		want     netconfig.MAC
		origin   netconfig.MACOrigin
		detail   string
		warnings []netconfig.WarningCode
	}{
		{name: "spec", specMAC: specMAC, binding: "bridge", want: specMAC, origin: netconfig.MACFromSpec},
		{name: "resolver", binding: "bridge", opts: []netconfig.Option{resolver(netconfig.ResolvedMAC{MAC: other}), status}, want: other, origin: netconfig.MACFromResolver},
		{name: "resolver: VMI status", binding: "bridge", opts: []netconfig.Option{resolver(netconfig.ResolvedMAC{MAC: other, Origin: netconfig.MACFromVMIStatus, Detail: "domain, guest-agent"})},
			want: other, origin: netconfig.MACFromVMIStatus, detail: "domain, guest-agent"},
		{name: "resolver: VM template", binding: "bridge", opts: []netconfig.Option{resolver(netconfig.ResolvedMAC{MAC: other, Origin: netconfig.MACFromVMTemplate, Detail: "spec.template.spec.domain.devices.interfaces[1].macAddress"})},
			want: other, origin: netconfig.MACFromVMTemplate, detail: "spec.template.spec.domain.devices.interfaces[1].macAddress"},
		{name: "resolver: pinned", binding: "bridge", opts: []netconfig.Option{resolver(netconfig.ResolvedMAC{MAC: other, Origin: netconfig.MACPinned})},
			want: other, origin: netconfig.MACPinned},
		{name: "resolver: an empty origin is the resolver's", binding: "bridge", opts: []netconfig.Option{resolver(netconfig.ResolvedMAC{MAC: other, Detail: "by hand"})},
			want: other, origin: netconfig.MACFromResolver, detail: "by hand"},
		{name: "resolver: wins over the network status", binding: "bridge", opts: []netconfig.Option{status, resolver(netconfig.ResolvedMAC{MAC: other, Origin: netconfig.MACStatic})},
			want: other, origin: netconfig.MACStatic},
		{name: "resolver: an unset MAC is none", binding: "bridge", opts: []netconfig.Option{status, resolver(netconfig.ResolvedMAC{Origin: netconfig.MACStatic, Detail: "nothing"})},
			want: statusMAC, origin: netconfig.MACFromNetworkStatus, detail: "pod6f4e3a1b2c9"},
		{name: "spec wins over a disagreeing resolver", specMAC: specMAC, opts: []netconfig.Option{resolver(netconfig.ResolvedMAC{MAC: other})},
			want: specMAC, origin: netconfig.MACFromSpec, warnings: []netconfig.WarningCode{netconfig.WarningMACMismatch}},
		{name: "spec, and a resolver that agrees", specMAC: specMAC, opts: []netconfig.Option{status, resolver(netconfig.ResolvedMAC{MAC: specMAC, Origin: netconfig.MACFromVMIStatus, Detail: "domain"})},
			want: specMAC, origin: netconfig.MACFromSpec},
		{name: "network status with the bridge binding", binding: "bridge", opts: []netconfig.Option{status}, want: statusMAC, origin: netconfig.MACFromNetworkStatus, detail: "pod6f4e3a1b2c9"},
		{name: "network status with the sriov binding", binding: "sriov", opts: []netconfig.Option{status}, want: statusMAC, origin: netconfig.MACFromNetworkStatus, detail: "pod6f4e3a1b2c9"},
		{name: "network status ignored for other bindings", binding: "macvtap", opts: []netconfig.Option{status},
			warnings: []netconfig.WarningCode{netconfig.WarningInterfaceNameFallback}},
		{name: "nothing known", binding: "bridge", warnings: []netconfig.WarningCode{netconfig.WarningInterfaceNameFallback}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := seedSpec()
			spec.Networks[1].MAC = tt.specMAC
			spec.Networks[1].Binding = tt.binding
			res, err := netconfig.Build(spec, tt.opts...)
			require.NoError(t, err)
			ifc := res.Interfaces[1]
			assert.Equal(t, tt.want, ifc.MAC)
			assert.Equal(t, tt.origin, ifc.MACOrigin)
			assert.Equal(t, tt.detail, ifc.MACDetail)
			e := res.Config.Network.Ethernets["eth1"]
			if tt.want.IsValid() {
				require.NotNil(t, e.Match)
				assert.Equal(t, tt.want.String(), e.Match.MACAddress)
				assert.Equal(t, "eth1", e.SetName)
			} else {
				assert.Nil(t, e.Match)
				assert.Empty(t, e.SetName)
			}
			for _, w := range tt.warnings {
				assert.Contains(t, warningCodes(res, "external"), w)
			}
		})
	}
}

func TestDefaultRouteStyles(t *testing.T) {
	spec := dualStackSpec()
	ext := spec.Networks[1].IPConfig
	ext.Gateways = append(ext.Gateways, ip("10.20.0.1"))
	ext.Routes = append(ext.Routes, netconfig.Route{To: prefix("0.0.0.0/0"), Via: ip("10.20.0.2"), Metric: metric(300)})

	t.Run("portable", func(t *testing.T) {
		res, err := netconfig.Build(spec)
		require.NoError(t, err)
		e := res.Config.Network.Ethernets["eth1"]
		assert.Equal(t, "fd00:20::1", e.Gateway6)
		assert.Empty(t, e.Gateway4, "gateway4 is deprecated; IPv4 default routes are routes to 0.0.0.0/0")
		assert.Contains(t, e.Routes, netplan.Route{To: "0.0.0.0/0", Via: "10.20.0.1"})
		assert.Contains(t, e.Routes, netplan.Route{To: "0.0.0.0/0", Via: "10.20.0.2", Metric: metric(300)})
		for _, r := range e.Routes {
			assert.NotEqual(t, "default", r.To, "to: default crashes cloud-init 22.4's own renderers")
			assert.NotEqual(t, "::/0", r.To, "cloud-init 22.4 turns ::/0 into ::/64")
		}
		assert.Contains(t, warningCodes(res, "storage"), netconfig.WarningRouteMetricDropped)
	})
	t.Run("netplan", func(t *testing.T) {
		res, err := netconfig.Build(spec, netconfig.WithDefaultRouteStyle(netconfig.DefaultRouteNetplan))
		require.NoError(t, err)
		e := res.Config.Network.Ethernets["eth1"]
		assert.Empty(t, e.Gateway6)
		assert.Contains(t, e.Routes, netplan.Route{To: "default", Via: "fd00:20::1"})
		assert.Contains(t, e.Routes, netplan.Route{To: "default", Via: "10.20.0.1"})
		assert.Contains(t, e.Routes, netplan.Route{To: "default", Via: "10.20.0.2", Metric: metric(300)})
		assert.NotContains(t, warningCodes(res, "storage"), netconfig.WarningRouteMetricDropped)
	})
}

func TestNothingConfiguredWarns(t *testing.T) {
	res, err := netconfig.Build(netconfig.Spec{})
	require.NoError(t, err)
	assert.Equal(t, "network:\n  version: 2\n", string(res.YAML))
	require.Len(t, res.Warnings, 1)
	assert.Equal(t, netconfig.WarningNothingConfigured, res.Warnings[0].Code)
}

func TestInputIsNotModified(t *testing.T) {
	spec := dualStackSpec()
	before := dualStackSpec()
	res, err := netconfig.Build(spec)
	require.NoError(t, err)
	assert.Equal(t, before, spec)
	// The output shares no memory with the input.
	*res.Config.Network.Ethernets["eth1"].Routes[0].Metric = 1
	assert.Equal(t, before, spec)
}

func TestTooManyNameserversWarns(t *testing.T) {
	spec := seedSpec()
	ext(&spec).Nameservers.Addresses = []netip.Addr{ip("192.168.0.1"), ip("192.168.0.2"), ip("192.168.0.3"), ip("192.168.0.4")}
	res, err := netconfig.Build(spec)
	require.NoError(t, err)
	assert.Contains(t, warningCodes(res, "external"), netconfig.WarningTooManyNameservers)

	ext(&spec).Nameservers.Addresses = ext(&spec).Nameservers.Addresses[:3]
	res, err = netconfig.Build(spec)
	require.NoError(t, err)
	assert.NotContains(t, warningCodes(res, "external"), netconfig.WarningTooManyNameservers)
}

func TestBuildConcurrently(t *testing.T) {
	spec := dualStackSpec()
	opts := []netconfig.Option{netconfig.WithMACResolver(netconfig.MACTable{"legacy": {MAC: netconfig.MustParseMAC("02:00:00:00:00:04")}})}
	want, err := netconfig.Build(spec, opts...)
	require.NoError(t, err)
	const workers = 16
	results := make(chan netconfig.Result, workers)
	for range workers {
		go func() {
			res, err := netconfig.Build(spec, opts...)
			assert.NoError(t, err)
			results <- res
		}()
	}
	for range workers {
		assert.Equal(t, want, <-results)
	}
	assert.Equal(t, dualStackSpec(), spec, "Build modified its input")
}
