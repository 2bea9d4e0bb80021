package macresolve_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/macresolve"
	"github.com/guestnet/guestnet/netconfig"
)

// provenanceSpec is a VM with the pod network and one bridged Multus
// network, red, which sets no MAC: whatever MAC its NIC gets comes from the
// MAC resolver.
func provenanceSpec() netconfig.Spec {
	return netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade},
		{Name: "red", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge, IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP}},
	}}
}

// provenanceVM is the VirtualMachine of provenanceSpec, its interfaces
// with the given MACs.
func provenanceVM(defaultMAC, redMAC string) *kubevirtv1.VirtualMachine {
	return &kubevirtv1.VirtualMachine{
		ObjectMeta: metav1.ObjectMeta{Namespace: "vms", Name: "fedora"},
		Spec: kubevirtv1.VirtualMachineSpec{Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{
			Spec: kubevirtv1.VirtualMachineInstanceSpec{Domain: kubevirtv1.DomainSpec{Devices: kubevirtv1.Devices{
				Interfaces: []kubevirtv1.Interface{{Name: "default", MacAddress: defaultMAC}, {Name: "red", MacAddress: redMAC}},
			}}},
		}},
	}
}

// provenanceVMI is a VirtualMachineInstance of provenanceSpec whose spec
// sets redMAC on red, and whose status reports statusMAC for red with
// infoSource.
func provenanceVMI(redMAC, statusMAC, infoSource string) *kubevirtv1.VirtualMachineInstance {
	vmi := &kubevirtv1.VirtualMachineInstance{}
	vmi.Spec.Domain.Devices.Interfaces = []kubevirtv1.Interface{{Name: "default"}, {Name: "red", MacAddress: redMAC}}
	vmi.Status.Interfaces = []kubevirtv1.VirtualMachineInstanceNetworkInterface{{Name: "red", MAC: statusMAC, InfoSource: infoSource}}
	return vmi
}

// TestProvenance checks that each resolver of the package says where each
// MAC came from, and that netconfig.Build, given it with
// netconfig.WithMACResolver, reports the same MAC, origin and detail in
// Result.Interfaces.
func TestProvenance(t *testing.T) {
	const mac = "02:7c:4e:00:00:01"
	templateField := func(i string) string {
		return "spec.template.spec.domain.devices.interfaces[" + i + "].macAddress"
	}
	// pinning pins provenanceVM("02:00:00:00:00:07", "") and chains, as a
	// controller that pins then builds does, the MACs Pin wrote before
	// those the pinned VM reads.
	pinning := func() (netconfig.MACResolver, error) {
		pinned, pins, err := macresolve.Pin(provenanceVM("02:00:00:00:00:07", ""))
		if err != nil {
			return nil, err
		}
		fromVM, err := macresolve.FromVM(pinned)
		return macresolve.Chain(macresolve.FromPinned(pins), fromVM), err
	}
	tests := []struct {
		name       string
		resolver   func() (netconfig.MACResolver, error)
		network    string
		wantMAC    netconfig.MAC
		wantOrigin netconfig.MACOrigin
		wantDetail string
	}{
		{
			name:     "vm-template",
			resolver: func() (netconfig.MACResolver, error) { return macresolve.FromVM(provenanceVM("", "02-7C-4E-00-00-01")) },
			network:  "red", wantMAC: netconfig.MustParseMAC(mac),
			wantOrigin: netconfig.MACFromVMTemplate, wantDetail: templateField("1"),
		},
		{
			name:     "vmi-spec",
			resolver: func() (netconfig.MACResolver, error) { return macresolve.FromVMI(provenanceVMI(mac, "", "")) },
			network:  "red", wantMAC: netconfig.MustParseMAC(mac),
			wantOrigin: netconfig.MACFromVMISpec, wantDetail: "spec.domain.devices.interfaces[1].macAddress",
		},
		{
			name: "vmi-status",
			resolver: func() (netconfig.MACResolver, error) {
				return macresolve.FromVMI(provenanceVMI("", mac, "domain, guest-agent, multus-status"))
			},
			network: "red", wantMAC: netconfig.MustParseMAC(mac),
			wantOrigin: netconfig.MACFromVMIStatus, wantDetail: "domain, guest-agent, multus-status",
		},
		{
			name: "network-status",
			resolver: func() (netconfig.MACResolver, error) {
				return macresolve.FromNetworkStatus(provenanceSpec(), netconfig.StatusMap{
					"red": {NetworkName: "vms/ext-net", Interface: "pod6f4e3a1b2c9", MAC: netconfig.MustParseMAC(mac)},
				}), nil
			},
			network: "red", wantMAC: netconfig.MustParseMAC(mac),
			wantOrigin: netconfig.MACFromNetworkStatus, wantDetail: "pod6f4e3a1b2c9",
		},
		{
			name:     "pinned",
			resolver: pinning,
			network:  "red", wantMAC: macresolve.StableMAC("vms", "fedora", "red", macresolve.Prefix{}),
			wantOrigin: netconfig.MACPinned, wantDetail: templateField("1"),
		},
		{
			name:     "vm-template, next to a pinned MAC",
			resolver: pinning,
			network:  "default", wantMAC: netconfig.MustParseMAC("02:00:00:00:00:07"),
			wantOrigin: netconfig.MACFromVMTemplate, wantDetail: templateField("0"),
		},
		{
			name:     "static",
			resolver: func() (netconfig.MACResolver, error) { return macresolve.Static(map[string]string{"red": mac}) },
			network:  "red", wantMAC: netconfig.MustParseMAC(mac),
			wantOrigin: netconfig.MACStatic,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.resolver()
			require.NoError(t, err)
			want := netconfig.ResolvedMAC{MAC: tt.wantMAC, Origin: tt.wantOrigin, Detail: tt.wantDetail}
			got, ok := r.ResolveMAC(tt.network)
			require.True(t, ok)
			assert.Equal(t, want, got)

			res, err := netconfig.Build(provenanceSpec(), netconfig.WithMACResolver(r))
			require.NoError(t, err)
			i := 0
			if tt.network == "red" {
				i = 1
			}
			iface := res.Interfaces[i]
			require.Equal(t, tt.network, iface.Network)
			assert.Equal(t, want, netconfig.ResolvedMAC{MAC: iface.MAC, Origin: iface.MACOrigin, Detail: iface.MACDetail})
			assert.Equal(t, netconfig.MatchMAC, iface.Match)
		})
	}
}

// TestFromPinned checks the table FromPinned builds: every MAC Pin wrote,
// as pinned, with the path of its field; the first of two entries of one
// name; none for an empty list.
func TestFromPinned(t *testing.T) {
	a, b := netconfig.MustParseMAC("02:00:00:00:00:01"), netconfig.MustParseMAC("02:00:00:00:00:02")
	got := macresolve.FromPinned([]macresolve.Pinned{
		{Interface: "red", MAC: a, Field: "spec.template.spec.domain.devices.interfaces[1].macAddress"},
		{Interface: "blue", MAC: b, Field: "spec.template.spec.domain.devices.interfaces[2].macAddress"},
		{Interface: "red", MAC: b, Field: "spec.template.spec.domain.devices.interfaces[3].macAddress"},
	})
	assert.Equal(t, netconfig.MACTable{
		"red":  {MAC: a, Origin: netconfig.MACPinned, Detail: "spec.template.spec.domain.devices.interfaces[1].macAddress"},
		"blue": {MAC: b, Origin: netconfig.MACPinned, Detail: "spec.template.spec.domain.devices.interfaces[2].macAddress"},
	}, got)
	assert.Empty(t, macresolve.FromPinned(nil))
}
