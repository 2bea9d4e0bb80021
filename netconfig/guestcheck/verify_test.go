package guestcheck_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/guestcheck"
)

// status is a VMI's status.interfaces.
type status = []kubevirtv1.VirtualMachineInstanceNetworkInterface

// dualStack builds the VM of the tests: the pod network (masquerade,
// DHCP), storage (static dual-stack, MAC from the spec), mgmt (DHCP),
// legacy (SR-IOV, static, no MAC: matched by the name eth4, SR-IOV NICs
// coming after the others) and extra (no
// IP config).
func dualStack(t *testing.T) netconfig.Result {
	t.Helper()
	res, err := netconfig.Build(netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade, MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
		{Name: "storage", Source: netconfig.SourceMultus, NetworkName: "storage-net", Binding: netconfig.BindingBridge,
			MAC: netconfig.MustParseMAC("02:00:00:00:00:02"), IPConfig: &netconfig.IPConfig{
				Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{netip.MustParsePrefix("10.20.0.10/24"), netip.MustParsePrefix("fd00:20::10/64")}}},
		{Name: "mgmt", Source: netconfig.SourceMultus, NetworkName: "mgmt-net", Binding: netconfig.BindingBridge,
			MAC: netconfig.MustParseMAC("02:00:00:00:00:ab"), IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP}},
		{Name: "legacy", Source: netconfig.SourceMultus, NetworkName: "legacy-net", Binding: netconfig.BindingSRIOV,
			IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{netip.MustParsePrefix("172.16.5.20/24")}}},
		{Name: "extra", Source: netconfig.SourceMultus, NetworkName: "extra-net", Binding: netconfig.BindingBridge, MAC: netconfig.MustParseMAC("02:00:00:00:00:05")},
	}})
	require.NoError(t, err)
	require.Equal(t, netconfig.MatchName, res.Interfaces[3].Match, "legacy must fall back to its name")
	return res
}

// running is status.interfaces of the dual-stack VM with the guest agent
// connected and every address as asked, as KubeVirt v1.7.0 fills it
// (pkg/network/setup/netstat.go, NetStat.UpdateStatus):
//
//   - one entry per domain NIC (ifacesStatusFromDomainInterfaces,
//     infoSource "domain"), the pod network's first, with the pod
//     interface's IPs from the cache (updateIfacesStatusFromPodCache);
//   - the agent's interfaces matched by MAC (ifacesStatusFromGuestAgent)
//     give their interfaceName and, per family, their IPs when the entry
//     has none of that family (updateVMIIfaceStatusWithGuestAgentData), so
//     the masquerade pod network keeps the pod's 10.244.1.17; infoSource
//     becomes "domain, guest-agent" (InfoSourceDomainAndGA);
//   - the SR-IOV NIC's domain entry (sriovIfacesStatusFromDomainHostDevices)
//     has the spec's MAC, none here, so the agent's report of the VF
//     matches nothing and becomes an entry of its own, with no name and
//     infoSource "guest-agent";
//   - Multus's entries get "multus-status" (ifacesStatusFromMultus).
//
// The agent (pkg/virt-launcher/virtwrap/agent-poller/agent_poller.go,
// convertToInterfaces) reports addresses without prefix lengths, IPv6
// link-local ones included, and leaves out "lo".
func running() status {
	return status{
		{Name: "default", InterfaceName: "eth0", MAC: "02:00:00:00:00:01", IP: "10.244.1.17", IPs: []string{"10.244.1.17"}, InfoSource: "domain, guest-agent"},
		{Name: "storage", InterfaceName: "eth1", MAC: "02:00:00:00:00:02", IP: "10.20.0.10", IPs: []string{"10.20.0.10", "fd00:20::10", "fe80::ff:fe00:2"}, InfoSource: "domain, guest-agent, multus-status"},
		{Name: "mgmt", InterfaceName: "eth2", MAC: "02:00:00:00:00:ab", IP: "192.168.100.23", IPs: []string{"192.168.100.23", "fe80::ff:fe00:3"}, InfoSource: "domain, guest-agent, multus-status"},
		{Name: "legacy", InfoSource: "domain, multus-status"},
		{Name: "extra", InterfaceName: "eth3", MAC: "02:00:00:00:00:05", IPs: []string{"fe80::ff:fe00:5"}, InfoSource: "domain, guest-agent, multus-status"},
		{InterfaceName: "eth4", MAC: "2a:7c:11:5e:90:01", IP: "172.16.5.20", IPs: []string{"172.16.5.20", "fe80::287c:11ff:fe5e:9001"}, InfoSource: "guest-agent"},
	}
}

// edit returns running() changed by f.
func edit(f func(s status) status) status { return f(running()) }

// entry returns the entry of s named name.
func entry(s status, name string) *kubevirtv1.VirtualMachineInstanceNetworkInterface {
	for i := range s {
		if s[i].Name == name || (s[i].Name == "" && s[i].InterfaceName == name) {
			return &s[i]
		}
	}
	panic("no entry " + name)
}

// v is a verdict.
func v(network string, kind guestcheck.Kind, detail string) guestcheck.Verdict {
	return guestcheck.Verdict{Network: network, Kind: kind, Detail: detail}
}

// extra is the verdict of the network given no IP config.
var extra = guestcheck.Verdict{Network: "extra", Kind: guestcheck.NotConfigured, Why: guestcheck.WhyNoIPConfig,
	Detail: "guestnet wrote nothing for it: no IP config is asked for it"}

func TestVerify(t *testing.T) {
	asked := []guestcheck.Verdict{
		v("default", guestcheck.AsAsked, "eth0 (02:00:00:00:00:01) has 10.244.1.17"),
		v("storage", guestcheck.AsAsked, "eth1 (02:00:00:00:00:02) has 10.20.0.10, fd00:20::10"),
		v("mgmt", guestcheck.AsAsked, "eth2 (02:00:00:00:00:ab) has 192.168.100.23"),
		v("legacy", guestcheck.AsAsked, "eth4 has 172.16.5.20"),
		extra,
	}
	// with returns asked with the verdicts of some networks replaced.
	with := func(vs ...guestcheck.Verdict) []guestcheck.Verdict {
		out := slices.Clone(asked)
		for _, x := range vs {
			for i := range out {
				if out[i].Network == x.Network {
					out[i] = x
				}
			}
		}
		return out
	}
	// noAgent is the verdicts when the guest agent reports no interface.
	const noAgentDetail = "the guest agent reported no interface (not installed, or not yet connected)"
	noAgent := []guestcheck.Verdict{
		v("default", guestcheck.Unknown, noAgentDetail),
		v("storage", guestcheck.Unknown, noAgentDetail),
		v("mgmt", guestcheck.Unknown, noAgentDetail),
		v("legacy", guestcheck.Unknown, noAgentDetail),
		extra,
	}
	tests := []struct {
		name     string
		reported status
		want     []guestcheck.Verdict
	}{
		{name: "every address as asked", reported: running(), want: asked},
		{
			// The case: the agent reports another address on the
			// NIC that has the right MAC.
			name: "another IPv4 address on the NIC",
			reported: edit(func(s status) status {
				e := entry(s, "storage")
				e.IP, e.IPs = "10.20.0.77", []string{"10.20.0.77", "fd00:20::10"}
				return s
			}),
			want: with(v("storage", guestcheck.Different, "eth1 (02:00:00:00:00:02) has 10.20.0.77, not 10.20.0.10")),
		},
		{
			name: "the asked address on another NIC",
			reported: edit(func(s status) status {
				e := entry(s, "storage")
				e.IP, e.IPs = "fd00:20::10", []string{"fd00:20::10"}
				entry(s, "mgmt").IPs = []string{"192.168.100.23", "10.20.0.10"}
				return s
			}),
			want: with(v("storage", guestcheck.Different, "10.20.0.10 is on eth2"),
				v("mgmt", guestcheck.AsAsked, "eth2 (02:00:00:00:00:ab) has 10.20.0.10, 192.168.100.23")),
		},
		{
			name: "an asked address not reported",
			reported: edit(func(s status) status {
				e := entry(s, "storage")
				e.IP, e.IPs = "fd00:20::10", []string{"fd00:20::10", "fe80::ff:fe00:2"}
				return s
			}),
			want: with(v("storage", guestcheck.Missing, "eth1 (02:00:00:00:00:02): 10.20.0.10 is not reported")),
		},
		{
			name: "only link-local IPv6 besides the asked IPv4",
			reported: edit(func(s status) status {
				entry(s, "storage").IPs = []string{"10.20.0.10", "fe80::ff:fe00:2", "fe80::1%eth1"}
				return s
			}),
			want: with(v("storage", guestcheck.Missing, "eth1 (02:00:00:00:00:02): fd00:20::10 is not reported")),
		},
		{
			// KubeVirt's status of a VMI whose guest runs no agent: domain
			// and Multus data only.
			name: "no guest agent",
			reported: status{
				{Name: "default", MAC: "02:00:00:00:00:01", IP: "10.244.1.17", IPs: []string{"10.244.1.17"}, InfoSource: "domain"},
				{Name: "storage", MAC: "02:00:00:00:00:02", InfoSource: "domain, multus-status"},
				{Name: "mgmt", MAC: "02:00:00:00:00:ab", InfoSource: "domain, multus-status"},
				{Name: "legacy", InfoSource: "domain, multus-status"},
				{Name: "extra", MAC: "02:00:00:00:00:05", InfoSource: "domain, multus-status"},
			},
			want: noAgent,
		},
		{name: "empty status", reported: nil, want: noAgent},
		{
			// The pod network's entry lists the pod's address, from the
			// pod cache, before the agent reports the NIC.
			name: "one NIC not reported by the agent",
			reported: edit(func(s status) status {
				e := entry(s, "default")
				e.InterfaceName, e.InfoSource = "", "domain"
				return s
			}),
			want: with(v("default", guestcheck.Unknown, `the guest agent has not reported the interface with MAC 02:00:00:00:00:01 (its infoSource is "domain")`)),
		},
		{
			name: "no entry with the MAC",
			reported: edit(func(s status) status {
				return slices.DeleteFunc(s, func(e kubevirtv1.VirtualMachineInstanceNetworkInterface) bool { return e.Name == "mgmt" })
			}),
			want: with(v("mgmt", guestcheck.Missing, "no interface with MAC 02:00:00:00:00:ab is reported")),
		},
		{
			// internal/guestvm's fallback scenario: a guest with
			// predictable names calls the name-matched NIC enp5s0 and
			// leaves it unconfigured.
			name: "predictable names",
			reported: edit(func(s status) status {
				e := entry(s, "eth4")
				e.InterfaceName, e.IP, e.IPs = "enp5s0", "", []string{"fe80::287c:11ff:fe5e:9001"}
				return s
			}),
			want: with(v("legacy", guestcheck.Missing, "the guest agent reports no interface named eth4: a guest that names NICs predictably (enp1s0, ...) calls it otherwise")),
		},
		{
			name: "MACs in upper case and with hyphens",
			reported: edit(func(s status) status {
				entry(s, "storage").MAC = "02:00:00:00:00:02"
				entry(s, "mgmt").MAC = "02-00-00-00-00-AB"
				entry(s, "default").MAC = " 02:00:00:00:00:01"
				return s
			}),
			want: asked,
		},
		{
			name: "DHCP NIC with IPv6 link-local only",
			reported: edit(func(s status) status {
				e := entry(s, "mgmt")
				e.IP, e.IPs = "fe80::ff:fe00:3", []string{"fe80::ff:fe00:3"}
				return s
			}),
			want: with(v("mgmt", guestcheck.Missing, "eth2 (02:00:00:00:00:ab): no IPv4 address is reported (DHCPv4)")),
		},
		{
			name: "DHCP NIC with an IPv4 link-local address only",
			reported: edit(func(s status) status {
				e := entry(s, "mgmt")
				e.IP, e.IPs = "169.254.3.7", []string{"169.254.3.7"}
				return s
			}),
			want: with(v("mgmt", guestcheck.Missing, "eth2 (02:00:00:00:00:ab): no IPv4 address is reported (DHCPv4)")),
		},
		{
			name: "garbage in the report",
			reported: append(edit(func(s status) status {
				e := entry(s, "storage")
				e.IPs = append(e.IPs, "", "not-an-ip", "10.20.0.10/24", "::", "127.0.0.1", "ff02::1", "::ffff:10.20.0.99")
				return s
			}), kubevirtv1.VirtualMachineInstanceNetworkInterface{MAC: "zz", IP: "x", IPs: nil, InfoSource: "guest-agent"},
				kubevirtv1.VirtualMachineInstanceNetworkInterface{}),
			want: with(v("storage", guestcheck.AsAsked, "eth1 (02:00:00:00:00:02) has 10.20.0.10, 10.20.0.99, fd00:20::10")),
		},
	}
	res := dualStack(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, guestcheck.Verify(res, tt.reported))
		})
	}
}

func TestVerifyNotConfigured(t *testing.T) {
	spec := netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
		{Name: "other", MAC: netconfig.MustParseMAC("02:00:00:00:00:02"), IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP}},
		{Name: "gone", Source: netconfig.SourceMultus, NetworkName: "gone-net", Absent: true},
		{Name: "plain", Source: netconfig.SourceMultus, NetworkName: "plain-net", MAC: netconfig.MustParseMAC("02:00:00:00:00:04")},
	}}
	// other's status names no attachment: it is skipped.
	res, err := netconfig.Build(spec, netconfig.WithoutPodNetwork(), netconfig.WithNetworkStatus(netconfig.StatusMap{"other": {Interface: "pod1"}}))
	require.NoError(t, err)
	assert.Equal(t, []guestcheck.Verdict{
		{Network: "default", Kind: guestcheck.NotConfigured, Why: guestcheck.WhyPodLeftOut, Detail: "guestnet wrote nothing for it: the pod network is left out"},
		{Network: "other", Kind: guestcheck.NotConfigured, Why: guestcheck.WhySkipped, Detail: "guestnet wrote nothing for it: its network status says it is not a Multus attachment"},
		{Network: "gone", Kind: guestcheck.NotConfigured, Why: guestcheck.WhyAbsent, Detail: "guestnet wrote nothing for it: its VM interface is absent (being unplugged)"},
		{Network: "plain", Kind: guestcheck.NotConfigured, Why: guestcheck.WhyNoIPConfig, Detail: "guestnet wrote nothing for it: no IP config is asked for it"},
	}, guestcheck.Verify(res, running()))
}

// A NIC asked no address (mode none) is as asked once the agent reports it.
func TestVerifyModeNone(t *testing.T) {
	res, err := netconfig.Build(netconfig.Spec{Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, MAC: netconfig.MustParseMAC("02:00:00:00:00:01"), IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeNone}},
	}})
	require.NoError(t, err)
	assert.Equal(t, []guestcheck.Verdict{v("default", guestcheck.AsAsked, "eth0 (02:00:00:00:00:01) is reported")},
		guestcheck.Verify(res, status{{Name: "default", InterfaceName: "eth0", MAC: "02:00:00:00:00:01", InfoSource: "domain, guest-agent"}}))
}

// Verify of the zero Result, or of a status that is nothing but garbage,
// gives what it should and does not panic.
func TestVerifyEmptyInput(t *testing.T) {
	assert.Empty(t, guestcheck.Verify(netconfig.Result{}, running()))
	assert.Empty(t, guestcheck.Verify(netconfig.Result{}, nil))
	res := dualStack(t)
	got := guestcheck.Verify(res, status{{IPs: []string{"\x00", "1.2.3.4.5"}, MAC: "02:00:00:00:00:0", InfoSource: "guest-agent,"}})
	require.Len(t, got, 5)
	for _, g := range got[:4] {
		assert.Equal(t, guestcheck.Missing, g.Kind, g.Network)
	}
}

// A masquerade pod network with MasqueradeDualStack's static IPv6
// address: KubeVirt v1.7.0 keeps the pod's addresses of each family the
// pod has in the entry (pkg/network/setup/netstat.go,
// updateVMIIfaceStatusWithGuestAgentData, which lets the agent's IPs of a
// family replace the status's only when the status has none of it), so
// the guest's fd10:0:2::2 never shows; an IPv6 address on the entry is all
// there is to see.
func TestVerifyMasqueradeStaticIPv6(t *testing.T) {
	res, err := netconfig.Build(netconfig.Spec{Networks: []netconfig.Network{{
		Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade,
		MAC: netconfig.MustParseMAC("02:00:00:00:00:01"), IPConfig: netconfig.MasqueradeDualStack(),
	}}})
	require.NoError(t, err)
	withPodIPs := status{{Name: "default", InterfaceName: "eth0", MAC: "02:00:00:00:00:01", IP: "10.244.1.17",
		IPs: []string{"10.244.1.17", "fd00:10:244:1::17"}, InfoSource: "domain, guest-agent"}}
	assert.Equal(t, []guestcheck.Verdict{v("default", guestcheck.AsAsked,
		"eth0 (02:00:00:00:00:01) has 10.244.1.17, fd00:10:244:1::17; KubeVirt shows the pod's addresses for the pod network, so fd10:0:2::2 cannot be seen")},
		guestcheck.Verify(res, withPodIPs))

	// A pod without IPv6: the agent's IPv6 addresses show, and must hold
	// the asked one.
	v4Pod := status{{Name: "default", InterfaceName: "eth0", MAC: "02:00:00:00:00:01", IP: "10.244.1.17",
		IPs: []string{"10.244.1.17", "fd10:0:2::9"}, InfoSource: "domain, guest-agent"}}
	assert.Equal(t, guestcheck.AsAsked, guestcheck.Verify(res, v4Pod)[0].Kind, "fd10:0:2::9 could be the pod's")
	noV6 := status{{Name: "default", InterfaceName: "eth0", MAC: "02:00:00:00:00:01", IP: "10.244.1.17",
		IPs: []string{"10.244.1.17", "fe80::1"}, InfoSource: "domain, guest-agent"}}
	assert.Equal(t, []guestcheck.Verdict{v("default", guestcheck.Missing, "eth0 (02:00:00:00:00:01): fd10:0:2::2 is not reported")},
		guestcheck.Verify(res, noV6))
}

// ipv6Mode slaac asks for a SLAAC address, none for no IPv6 address at
// all; both are written as accept-ra, which Verify reads back. The pod
// network's entry shows the pod's addresses, so it is not judged on them.
func TestVerifyIPv6Modes(t *testing.T) {
	build := func(t *testing.T, role netconfig.Source, mode netconfig.Mode) netconfig.Result {
		n := netconfig.Network{Name: "net", Source: role, MAC: netconfig.MustParseMAC("02:00:00:00:00:02"),
			IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: mode}}
		var opts []netconfig.Option
		if role == netconfig.SourceMultus {
			n.NetworkName, n.Binding = "net", netconfig.BindingBridge
			opts = append(opts, netconfig.WithoutPodNetwork())
		}
		res, err := netconfig.Build(netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{n}}, opts...)
		require.NoError(t, err)
		return res
	}
	entry := func(name string, ips ...string) status {
		return status{{Name: name, InterfaceName: "eth0", MAC: "02:00:00:00:00:02", IP: ips[0], IPs: ips, InfoSource: "domain, guest-agent, multus-status"}}
	}
	tests := []struct {
		name   string
		source netconfig.Source
		mode   netconfig.Mode
		ips    []string
		kind   guestcheck.Kind
		detail string
	}{
		{name: "slaac with a SLAAC address", source: netconfig.SourceMultus, mode: netconfig.ModeSLAAC,
			ips: []string{"10.0.6.15", "fd00:6::ff:fe00:2", "fe80::ff:fe00:2"}, kind: guestcheck.AsAsked},
		{name: "slaac with only link-local", source: netconfig.SourceMultus, mode: netconfig.ModeSLAAC,
			ips: []string{"10.0.6.15", "fe80::ff:fe00:2"}, kind: guestcheck.Missing,
			detail: "eth0 (02:00:00:00:00:02): no global IPv6 address is reported (ipv6Mode slaac)"},
		{name: "none with only link-local", source: netconfig.SourceMultus, mode: netconfig.ModeNone,
			ips: []string{"10.0.6.15", "fe80::ff:fe00:2"}, kind: guestcheck.AsAsked},
		{name: "none with a SLAAC address", source: netconfig.SourceMultus, mode: netconfig.ModeNone,
			ips: []string{"10.0.6.15", "fd00:7::ff:fe00:4", "fe80::ff:fe00:2"}, kind: guestcheck.Different,
			detail: "eth0 (02:00:00:00:00:02) has fd00:7::ff:fe00:4, but ipv6Mode none asks for no IPv6 address"},
		{name: "none on the pod network, which shows the pod's IPv6", source: netconfig.SourcePod, mode: netconfig.ModeNone,
			ips: []string{"10.244.0.15", "fd00:10:244::15"}, kind: guestcheck.AsAsked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := build(t, tt.source, tt.mode)
			got := guestcheck.Verify(res, entry("net", tt.ips...))
			require.Len(t, got, 1)
			assert.Equal(t, tt.kind, got[0].Kind, got[0].Detail)
			if tt.detail != "" {
				assert.Equal(t, tt.detail, got[0].Detail)
			}
		})
	}
}
