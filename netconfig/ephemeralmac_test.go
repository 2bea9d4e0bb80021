package netconfig_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"pgregory.net/rapid"

	"github.com/guestnet/guestnet/netconfig"
)

// allOrigins are netconfig's MAC origins.
var allOrigins = []netconfig.MACOrigin{
	netconfig.MACFromSpec, netconfig.MACFromNetworkStatus, netconfig.MACFromVMTemplate, netconfig.MACFromVMISpec,
	netconfig.MACFromVMIStatus, netconfig.MACPinned, netconfig.MACStatic, netconfig.MACFromResolver,
}

// ephemeralOrigins are the origins of MACs that do not survive a restart
// of the VM, as KubeVirt v1.7.0 behaves:
//
//   - KubeVirt never writes a MAC it did not get back into the VM: the
//     only writer of macAddress in virt-controller is VM clone
//     (pkg/virt-controller/watch/clone/vm-target.go, addMacAddressPatches).
//   - Without a spec MAC, the guest MAC of a bridge or masquerade NIC is the
//     MAC of the pod interface, which the CNI assigns anew for every pod
//     (pkg/network/domainspec/generators.go,
//     TapLibvirtSpecGenerator.discoverDomainIfaceSpec). That is what the
//     network status reports (MACFromNetworkStatus), and what the VMI
//     status reports from the domain (MACFromVMIStatus;
//     pkg/network/setup/netstat.go, ifacesStatusFromDomainInterfaces).
//   - An SR-IOV VF without a spec MAC has no MAC in the VMI status at all
//     (pkg/network/setup/netstat.go, sriovIfacesStatusFromDomainHostDevices
//     copies the spec's), so its only MAC is the network status's.
//
// Every other origin is stable: the spec's and a VM template's are in the
// VM, a VMI spec's came from its VM's template, and pinned and static MACs
// are the caller's. MACFromResolver, from a resolver that gave no origin,
// is unknown, and not warned of.
var ephemeralOrigins = map[netconfig.MACOrigin]bool{netconfig.MACFromVMIStatus: true, netconfig.MACFromNetworkStatus: true}

// TestEphemeralMACWarning: a NIC matched by a MAC from the VMI status or
// the network status is warned of (EphemeralMAC), at the network's
// macAddress, with how to pin it; MACs of every other origin are not, nor
// NICs the output leaves out.
func TestEphemeralMACWarning(t *testing.T) {
	specMAC := netconfig.MustParseMAC("02:00:00:aa:bb:cc")
	other := netconfig.MustParseMAC("02:00:00:11:22:33")
	status := netconfig.WithNetworkStatus(netconfig.StatusMap{
		"default":  {Default: true, Interface: "eth0", MAC: netconfig.MustParseMAC("0a:58:0a:f4:01:0c")},
		"external": {NetworkName: "vms/ext-net", Interface: "pod6f4e3a1b2c9", MAC: other},
	})
	resolver := func(origin netconfig.MACOrigin) netconfig.Option {
		return netconfig.WithMACResolver(netconfig.MACTable{"external": {MAC: other, Origin: origin}})
	}
	tests := []struct {
		name    string
		specMAC netconfig.MAC
		binding string
		noIP    bool // the network has no IP config, so it is not written
		opts    []netconfig.Option
		warned  bool
	}{
		{name: "spec", specMAC: specMAC},
		{name: "VM template", opts: []netconfig.Option{resolver(netconfig.MACFromVMTemplate)}},
		{name: "VMI spec", opts: []netconfig.Option{resolver(netconfig.MACFromVMISpec)}},
		{name: "pinned", opts: []netconfig.Option{resolver(netconfig.MACPinned)}},
		{name: "static", opts: []netconfig.Option{resolver(netconfig.MACStatic)}},
		{name: "a resolver that gives no origin", opts: []netconfig.Option{resolver("")}},
		{name: "the resolver's own origin", opts: []netconfig.Option{resolver(netconfig.MACFromResolver)}},
		{name: "an origin netconfig does not know", opts: []netconfig.Option{resolver("kubemacpool")}},
		{name: "VMI status", opts: []netconfig.Option{resolver(netconfig.MACFromVMIStatus)}, warned: true},
		{name: "a resolver reading the network status", opts: []netconfig.Option{resolver(netconfig.MACFromNetworkStatus)}, warned: true},
		{name: "network status, bridge binding", binding: netconfig.BindingBridge, opts: []netconfig.Option{status}, warned: true},
		{name: "network status, SR-IOV binding", binding: netconfig.BindingSRIOV, opts: []netconfig.Option{status}, warned: true},
		{name: "network status, but a stable resolver first", binding: netconfig.BindingBridge, opts: []netconfig.Option{status, resolver(netconfig.MACFromVMTemplate)}},
		{name: "the spec over a VMI status that disagrees", specMAC: specMAC, opts: []netconfig.Option{resolver(netconfig.MACFromVMIStatus)}},
		{name: "the spec over a network status that agrees", specMAC: other, binding: netconfig.BindingBridge, opts: []netconfig.Option{status}},
		{name: "VMI status, NIC not written", noIP: true, opts: []netconfig.Option{resolver(netconfig.MACFromVMIStatus)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := seedSpec()
			spec.Networks[1].MAC = tt.specMAC
			spec.Networks[1].Binding = tt.binding
			if tt.noIP {
				spec.Networks[1].IPConfig = nil
			}
			res, err := netconfig.Build(spec, tt.opts...)
			require.NoError(t, err)
			var found []netconfig.Warning
			for _, w := range res.Warnings {
				if w.Code == netconfig.WarningEphemeralMAC {
					found = append(found, w)
				}
			}
			if !tt.warned {
				assert.Empty(t, found, "MAC from %s", res.Interfaces[1].MACOrigin)
				return
			}
			require.Len(t, found, 1)
			w := found[0]
			assert.Equal(t, "external", w.Network)
			assert.Equal(t, "networks[1].macAddress", w.Field)
			assert.Contains(t, w.Message, other.String()+" from the "+string(res.Interfaces[1].MACOrigin))
			assert.Contains(t, w.Message, "set macAddress on the VM interface, or use macresolve.Pin")
		})
	}
}

// TestEphemeralMACWarningOnThePodNetwork: a masquerade pod NIC matched by
// the MAC the VMI status reports (the pod eth0's, chosen by the CNI for
// this pod: pkg/network/domainspec/generators.go) is warned of, under the
// caller's field path; with WithoutPodNetwork it is not written, and not
// warned of.
func TestEphemeralMACWarningOnThePodNetwork(t *testing.T) {
	spec := seedSpec()
	spec.Networks[0].MAC = netconfig.MAC{}
	macs := netconfig.WithMACResolver(netconfig.MACTable{"default": {MAC: netconfig.MustParseMAC("0a:58:0a:f4:01:0c"), Origin: netconfig.MACFromVMIStatus, Detail: "domain, guest-agent"}})

	res, err := netconfig.Build(spec, macs, netconfig.WithFieldPath(field.NewPath("spec", "template", "spec")))
	require.NoError(t, err)
	assert.Contains(t, res.Warnings, netconfig.Warning{
		Code: netconfig.WarningEphemeralMAC, Network: "default", Field: "spec.template.spec.networks[0].macAddress",
		Message: "the NIC is matched by MAC 0a:58:0a:f4:01:0c from the vmi-status, which KubeVirt does not keep: " +
			"the next pod, after a restart, brings a new MAC and the NIC no longer matches; " +
			"pin it: set macAddress on the VM interface, or use macresolve.Pin",
	})

	res, err = netconfig.Build(spec, macs, netconfig.WithoutPodNetwork())
	require.NoError(t, err)
	assert.NotContains(t, warningCodes(res, "default"), netconfig.WarningEphemeralMAC)
}

// TestEphemeralMACWarnedIffTheChosenMACIsEphemeral: over generated VMs,
// a NIC is warned of (EphemeralMAC) exactly when it is written and matched
// by a MAC whose origin is ephemeral, the origin being the one the rules
// choose: the spec's, else the MAC resolver's (MACFromResolver when it
// gives none), else, for the bridge and sriov bindings, the network
// status's.
func TestEphemeralMACWarnedIffTheChosenMACIsEphemeral(t *testing.T) {
	checkAccepted(t, func(t *rapid.T, s scenario, res netconfig.Result) {
		warned := map[string]bool{}
		for _, w := range res.Warnings {
			if w.Code == netconfig.WarningEphemeralMAC {
				warned[w.Field] = true
			}
		}
		for i, n := range s.spec.Networks {
			var origin netconfig.MACOrigin
			switch r, st := s.macs[n.Name], s.status[n.Name]; {
			case n.MAC.IsValid():
				origin = netconfig.MACFromSpec
			case r.MAC.IsValid() && r.Origin == "":
				origin = netconfig.MACFromResolver
			case r.MAC.IsValid():
				origin = r.Origin
			case st.MAC.IsValid() && (n.Binding == netconfig.BindingBridge || n.Binding == netconfig.BindingSRIOV):
				origin = netconfig.MACFromNetworkStatus
			}
			ifc := res.Interfaces[i]
			if origin != "" {
				require.Equal(t, origin, ifc.MACOrigin, "networks[%d]", i)
			}
			want := ifc.Configured && ephemeralOrigins[origin]
			require.Equal(t, want, warned["networks["+strconv.Itoa(i)+"].macAddress"], "networks[%d] (configured %v) with a MAC from %q", i, ifc.Configured, origin)
		}
		require.Len(t, warned, len(warningsOf(res, netconfig.WarningEphemeralMAC)), "one EphemeralMAC warning per NIC")
	})
}

// warningsOf returns res's warnings of code.
func warningsOf(res netconfig.Result, code netconfig.WarningCode) []netconfig.Warning {
	var out []netconfig.Warning
	for _, w := range res.Warnings {
		if w.Code == code {
			out = append(out, w)
		}
	}
	return out
}
