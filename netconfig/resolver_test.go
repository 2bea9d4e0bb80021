package netconfig_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guestnet/guestnet/netconfig"
)

// TestMACProvenance checks that Result.Interfaces says where each MAC came
// from: the resolver's Origin and Detail as given (an empty Origin as
// MACFromResolver), the network status's MAC as MACFromNetworkStatus with
// the pod interface as detail, and the spec's as MACFromSpec.
func TestMACProvenance(t *testing.T) {
	resolved := netconfig.MustParseMAC("02:00:00:11:22:33")
	statusMAC := netconfig.MustParseMAC("02:00:00:44:55:66")
	status := netconfig.WithNetworkStatus(netconfig.StatusMap{
		"external": {NetworkName: "vms/ext-net", Interface: "pod6f4e3a1b2c9", MAC: statusMAC},
	})
	resolver := func(r netconfig.ResolvedMAC) netconfig.Option {
		return netconfig.WithMACResolver(netconfig.MACTable{"external": r})
	}
	tests := []struct {
		name       string
		specMAC    netconfig.MAC
		opts       []netconfig.Option
		wantMAC    netconfig.MAC
		wantOrigin netconfig.MACOrigin
		wantDetail string
	}{
		{name: "VMI status", opts: []netconfig.Option{resolver(netconfig.ResolvedMAC{MAC: resolved, Origin: netconfig.MACFromVMIStatus, Detail: "domain, guest-agent"})},
			wantMAC: resolved, wantOrigin: netconfig.MACFromVMIStatus, wantDetail: "domain, guest-agent"},
		{name: "VM template", opts: []netconfig.Option{resolver(netconfig.ResolvedMAC{MAC: resolved, Origin: netconfig.MACFromVMTemplate, Detail: "spec.template.spec.domain.devices.interfaces[1].macAddress"})},
			wantMAC: resolved, wantOrigin: netconfig.MACFromVMTemplate, wantDetail: "spec.template.spec.domain.devices.interfaces[1].macAddress"},
		{name: "pinned", opts: []netconfig.Option{resolver(netconfig.ResolvedMAC{MAC: resolved, Origin: netconfig.MACPinned})},
			wantMAC: resolved, wantOrigin: netconfig.MACPinned},
		{name: "an empty origin is the resolver's", opts: []netconfig.Option{resolver(netconfig.ResolvedMAC{MAC: resolved, Detail: "by hand"})},
			wantMAC: resolved, wantOrigin: netconfig.MACFromResolver, wantDetail: "by hand"},
		{name: "a resolver wins over the network status", opts: []netconfig.Option{status, resolver(netconfig.ResolvedMAC{MAC: resolved, Origin: netconfig.MACStatic})},
			wantMAC: resolved, wantOrigin: netconfig.MACStatic},
		{name: "a resolver's unset MAC is none", opts: []netconfig.Option{status, resolver(netconfig.ResolvedMAC{Origin: netconfig.MACStatic, Detail: "nothing"})},
			wantMAC: statusMAC, wantOrigin: netconfig.MACFromNetworkStatus, wantDetail: "pod6f4e3a1b2c9"},
		{name: "network status, the pod interface as detail", opts: []netconfig.Option{status},
			wantMAC: statusMAC, wantOrigin: netconfig.MACFromNetworkStatus, wantDetail: "pod6f4e3a1b2c9"},
		{name: "the spec, whatever the resolver says", specMAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc"),
			opts:    []netconfig.Option{status, resolver(netconfig.ResolvedMAC{MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc"), Origin: netconfig.MACFromVMIStatus, Detail: "domain"})},
			wantMAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc"), wantOrigin: netconfig.MACFromSpec},
		{name: "none known", wantOrigin: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := seedSpec()
			spec.Networks[1].MAC = tt.specMAC
			res, err := netconfig.Build(spec, tt.opts...)
			require.NoError(t, err)
			ifc := res.Interfaces[1]
			assert.Equal(t, tt.wantMAC, ifc.MAC)
			assert.Equal(t, tt.wantOrigin, ifc.MACOrigin)
			assert.Equal(t, tt.wantDetail, ifc.MACDetail)
		})
	}
}

// TestMACMismatchNamesTheOrigin: the warning of a spec MAC that a resolver
// contradicts says where the resolver found its MAC.
func TestMACMismatchNamesTheOrigin(t *testing.T) {
	res, err := netconfig.Build(seedSpec(), netconfig.WithMACResolver(netconfig.MACTable{
		"external": {MAC: netconfig.MustParseMAC("02:00:00:11:22:33"), Origin: netconfig.MACFromVMIStatus},
	}))
	require.NoError(t, err)
	var found bool
	for _, w := range res.Warnings {
		if w.Code == netconfig.WarningMACMismatch {
			found = true
			assert.Equal(t, "networks[1].macAddress", w.Field)
			assert.Contains(t, w.Message, "02:00:00:11:22:33 (from the vmi-status)")
		}
	}
	assert.True(t, found, "no MACMismatch warning: %v", res.Warnings)
}

// TestStatusResolverCalledOncePerBuild: Build asks for the statuses of all
// networks in one call, given the whole list in VM order, whatever the
// spec (valid, invalid, empty).
func TestStatusResolverCalledOncePerBuild(t *testing.T) {
	invalid := seedSpec()
	ext(&invalid).Gateways = []netip.Addr{ip("10.0.0.1")}
	many := netconfig.Spec{Namespace: "vms"}
	for i := range 64 {
		many.Networks = append(many.Networks, netconfig.Network{Name: fmt.Sprintf("net%d", i), Source: netconfig.SourceMultus, NetworkName: "nad"})
	}
	for name, spec := range map[string]netconfig.Spec{"seed": seedSpec(), "dual stack": dualStackSpec(), "invalid": invalid, "empty": {}, "64 networks": many} {
		t.Run(name, func(t *testing.T) {
			calls := 0
			resolver := netconfig.StatusResolverFunc(func(networks []netconfig.Network) map[string]netconfig.NetworkStatus {
				calls++
				assert.Equal(t, spec.Networks, networks, "the resolver gets the VM's networks in VM order")
				return nil
			})
			_, _ = netconfig.Build(spec, netconfig.WithNetworkStatus(resolver))
			assert.Equal(t, 1, calls, "calls of NetworkStatuses in one Build")
		})
	}
}
