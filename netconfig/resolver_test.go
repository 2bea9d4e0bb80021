package netconfig_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guestnet/guestnet/netconfig"
)

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
