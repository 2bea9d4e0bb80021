package vmspec

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/netconfig"
)

// Helpers that write a VM's networks and interfaces briefly.

func pod(name string) kubevirtv1.Network {
	return kubevirtv1.Network{Name: name, NetworkSource: kubevirtv1.NetworkSource{Pod: &kubevirtv1.PodNetwork{}}}
}

func multusNet(name, nad string) kubevirtv1.Network {
	return kubevirtv1.Network{Name: name, NetworkSource: kubevirtv1.NetworkSource{Multus: &kubevirtv1.MultusNetwork{NetworkName: nad}}}
}

func bridge(name string) kubevirtv1.Interface {
	return kubevirtv1.Interface{Name: name, InterfaceBindingMethod: kubevirtv1.InterfaceBindingMethod{Bridge: &kubevirtv1.InterfaceBridge{}}}
}

func masquerade(name string) kubevirtv1.Interface {
	return kubevirtv1.Interface{Name: name, InterfaceBindingMethod: kubevirtv1.InterfaceBindingMethod{Masquerade: &kubevirtv1.InterfaceMasquerade{}}}
}

func sriov(name string) kubevirtv1.Interface {
	return kubevirtv1.Interface{Name: name, InterfaceBindingMethod: kubevirtv1.InterfaceBindingMethod{SRIOV: &kubevirtv1.InterfaceSRIOV{}}}
}

func withMAC(i kubevirtv1.Interface, mac string) kubevirtv1.Interface { i.MacAddress = mac; return i }

// newVM returns a VM in namespace vms with networks and interfaces.
func newVM(networks []kubevirtv1.Network, interfaces ...kubevirtv1.Interface) *kubevirtv1.VirtualMachine {
	return &kubevirtv1.VirtualMachine{
		ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "vms"},
		Spec: kubevirtv1.VirtualMachineSpec{Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{
			Spec: kubevirtv1.VirtualMachineInstanceSpec{
				Networks: networks,
				Domain:   kubevirtv1.DomainSpec{Devices: kubevirtv1.Devices{Interfaces: interfaces}},
			},
		}},
	}
}

func nets(n ...kubevirtv1.Network) []kubevirtv1.Network { return n }

var static = &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{netip.MustParsePrefix("192.168.0.200/24")}}

// fieldErrors returns the field errors of err, which must be a
// *netconfig.ValidationError.
func fieldErrors(t interface {
	require.TestingT
	Helper()
}, err error) field.ErrorList {
	t.Helper()
	var ve *netconfig.ValidationError
	require.True(t, errors.As(err, &ve), "want a *netconfig.ValidationError, got %T: %v", err, err)
	return ve.Errors
}

func TestFromVM(t *testing.T) {
	tests := []struct {
		name  string
		vm    *kubevirtv1.VirtualMachine
		asked netconfig.Spec
		want  netconfig.Spec
	}{
		{
			name: "networks in spec.networks order, NICs in interfaces order",
			vm: newVM(nets(pod("default"), multusNet("ext", "ext-net"), multusNet("sr", "infra/sriov-net")),
				sriov("sr"), masquerade("default"), withMAC(bridge("ext"), "02:00:00:AA:BB:CC")),
			want: netconfig.Spec{
				Namespace: "vms",
				Networks: []netconfig.Network{
					{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade},
					{Name: "ext", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge, MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc")},
					{Name: "sr", Source: netconfig.SourceMultus, NetworkName: "infra/sriov-net", Binding: netconfig.BindingSRIOV},
				},
				InterfaceOrder: []string{"sr", "default", "ext"},
			},
		},
		{
			name: "asked IP configs land on their networks by name",
			vm:   newVM(nets(pod("default"), multusNet("ext", "ext-net")), masquerade("default"), bridge("ext")),
			asked: netconfig.Spec{Networks: []netconfig.Network{
				{Name: "ext", IPConfig: static},
				{Name: "default", IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP}},
			}},
			want: netconfig.Spec{
				Namespace: "vms",
				Networks: []netconfig.Network{
					{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade, IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP}},
					{Name: "ext", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge, IPConfig: static},
				},
				InterfaceOrder: []string{"default", "ext"},
			},
		},
		{
			name: "asked fields equal to the VM's, the attachment name qualified",
			vm:   newVM(nets(multusNet("ext", "ext-net")), withMAC(bridge("ext"), "02:00:00:aa:bb:cc")),
			asked: netconfig.Spec{Namespace: "vms", InterfaceOrder: []string{"ext"}, Networks: []netconfig.Network{{
				Name: "ext", Source: netconfig.SourceMultus, NetworkName: "vms/ext-net", Binding: netconfig.BindingBridge,
				MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc"), IPConfig: static,
			}}},
			want: netconfig.Spec{
				Namespace: "vms",
				Networks: []netconfig.Network{{
					Name: "ext", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge,
					MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc"), IPConfig: static,
				}},
				InterfaceOrder: []string{"ext"},
			},
		},
		{
			// pkg/network/vmispec/hotplug.go and FilterInterfacesSpec:
			// state: absent marks an interface being unplugged.
			name: "an absent interface and a PCI address",
			vm: func() *kubevirtv1.VirtualMachine {
				gone := bridge("gone")
				gone.State = kubevirtv1.InterfaceStateAbsent
				ext := bridge("ext")
				ext.PciAddress = "0000:02:01.0"
				return newVM(nets(pod("default"), multusNet("gone", "a"), multusNet("ext", "b")), masquerade("default"), gone, ext)
			}(),
			want: netconfig.Spec{
				Namespace: "vms",
				Networks: []netconfig.Network{
					{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade},
					{Name: "gone", Source: netconfig.SourceMultus, NetworkName: "a", Binding: netconfig.BindingBridge, Absent: true},
					{Name: "ext", Source: netconfig.SourceMultus, NetworkName: "b", Binding: netconfig.BindingBridge, PCIAddress: "0000:02:01.0"},
				},
				InterfaceOrder: []string{"default", "gone", "ext"},
			},
		},
		{
			// pkg/network/admitter/netsource.go: a Multus network with
			// default: true replaces the pod network.
			name: "the Multus default network and a binding plugin",
			vm: func() *kubevirtv1.VirtualMachine {
				primary := multusNet("primary", "ovn-primary")
				primary.Multus.Default = true
				plugin := kubevirtv1.Interface{Name: "primary", Binding: &kubevirtv1.PluginBinding{Name: "l2bridge"}}
				return newVM(nets(primary), plugin)
			}(),
			want: netconfig.Spec{
				Namespace:      "vms",
				Networks:       []netconfig.Network{{Name: "primary", Source: netconfig.SourceMultusDefault, NetworkName: "ovn-primary", Binding: "l2bridge"}},
				InterfaceOrder: []string{"primary"},
			},
		},
		{
			// pkg/network/vmispec/defaults.go, SetDefaultNetworkInterface.
			name: "no networks and no interfaces: the default pod network",
			vm:   newVM(nil),
			want: netconfig.Spec{
				Namespace:      "vms",
				Networks:       []netconfig.Network{{Name: "default", Source: netconfig.SourcePod}},
				InterfaceOrder: []string{"default"},
			},
		},
		{
			name:  "the default pod network takes the binding asked for it",
			vm:    newVM(nil),
			asked: netconfig.Spec{Networks: []netconfig.Network{{Name: "default", Binding: netconfig.BindingMasquerade}}},
			want: netconfig.Spec{
				Namespace:      "vms",
				Networks:       []netconfig.Network{{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade}},
				InterfaceOrder: []string{"default"},
			},
		},
		{
			name: "autoattachPodInterface: false leaves a VM without networks",
			vm: func() *kubevirtv1.VirtualMachine {
				vm := newVM(nil)
				no := false
				vm.Spec.Template.Spec.Domain.Devices.AutoattachPodInterface = &no
				return vm
			}(),
			want: netconfig.Spec{Namespace: "vms"},
		},
		{
			name: "a VM without a namespace takes asked's",
			vm: func() *kubevirtv1.VirtualMachine {
				vm := newVM(nets(pod("default")), bridge("default"))
				vm.Namespace = ""
				return vm
			}(),
			asked: netconfig.Spec{Namespace: "vms"},
			want: netconfig.Spec{
				Namespace:      "vms",
				Networks:       []netconfig.Network{{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingBridge}},
				InterfaceOrder: []string{"default"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.vm.DeepCopy()
			got, err := FromVM(tt.vm, tt.asked)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, before, tt.vm, "FromVM modified the VM")
		})
	}
}

// wantError is one expected problem: its type, path and a part of its
// detail.
type wantError struct {
	typ    field.ErrorType
	path   string
	detail string
}

func TestFromVMErrors(t *testing.T) {
	ok := newVM(nets(pod("default"), multusNet("ext", "ext-net")), masquerade("default"), withMAC(bridge("ext"), "02:00:00:aa:bb:cc"))
	tests := []struct {
		name  string
		vm    *kubevirtv1.VirtualMachine
		asked netconfig.Spec
		want  []wantError
	}{
		{name: "nil VM", vm: nil, want: []wantError{{field.ErrorTypeRequired, "", "no VirtualMachine"}}},
		{
			name: "no template",
			vm:   &kubevirtv1.VirtualMachine{ObjectMeta: metav1.ObjectMeta{Name: "vm"}},
			want: []wantError{{field.ErrorTypeRequired, "spec.template", "needs a template"}},
		},
		{
			// pkg/virt-launcher/virtwrap/converter/network.go,
			// CreateDomainInterfaces: "failed to find network %s"; and
			// pkg/network/admitter: every network needs an interface.
			name: "an interface without a network and a network without an interface",
			vm:   newVM(nets(pod("default"), multusNet("ext", "ext-net")), masquerade("default"), bridge("exp")),
			want: []wantError{
				{field.ErrorTypeNotFound, "spec.template.spec.domain.devices.interfaces[1].name", "no network of this name"},
				{field.ErrorTypeInvalid, "spec.template.spec.networks[1].name", "no interface in spec.template.spec.domain.devices.interfaces names this network"},
			},
		},
		{
			name: "duplicate names, a bad MAC, two bindings, no source, two sources",
			vm: func() *kubevirtv1.VirtualMachine {
				both := pod("both")
				both.Multus = &kubevirtv1.MultusNetwork{NetworkName: "x"}
				two := bridge("ext")
				two.Masquerade = &kubevirtv1.InterfaceMasquerade{}
				return newVM(nets(pod("default"), multusNet("ext", "ext-net"), multusNet("ext", "other"), kubevirtv1.Network{Name: "none"}, both),
					withMAC(masquerade("default"), "ff:ff:ff:ff:ff:ff"), two, masquerade("default"), bridge("none"), bridge("both"))
			}(),
			want: []wantError{
				{field.ErrorTypeDuplicate, "spec.template.spec.networks[2].name", "networks[1] has this name"},
				{field.ErrorTypeRequired, "spec.template.spec.networks[3]", "a network needs a source"},
				{field.ErrorTypeInvalid, "spec.template.spec.networks[4]", "sets both pod and multus"},
				{field.ErrorTypeInvalid, "spec.template.spec.domain.devices.interfaces[0].macAddress", "broadcast"},
				{field.ErrorTypeInvalid, "spec.template.spec.domain.devices.interfaces[1]", "more than one binding (bridge, masquerade)"},
				{field.ErrorTypeDuplicate, "spec.template.spec.domain.devices.interfaces[2].name", "interfaces[0] has this name"},
			},
		},
		{
			name:  "an asked network the VM lacks, named with the VM's networks",
			vm:    ok,
			asked: netconfig.Spec{Networks: []netconfig.Network{{Name: "ext", IPConfig: static}, {Name: "storage", IPConfig: static}}},
			want:  []wantError{{field.ErrorTypeNotFound, "networks[1].name", `the VM has no network of this name; its networks are "default", "ext"`}},
		},
		{
			name: "asked fields that contradict the VM",
			vm:   ok,
			asked: netconfig.Spec{Namespace: "other", InterfaceOrder: []string{"ext", "default"}, Networks: []netconfig.Network{
				{Name: "default", Source: netconfig.SourceMultus, NetworkName: "nad", PCIAddress: "0000:00:04.0"},
				{Name: "ext", NetworkName: "other/ext-net", Binding: netconfig.BindingSRIOV, MAC: netconfig.MustParseMAC("02:00:00:00:00:01"), Absent: true},
				{Name: "ext"},
				{Name: ""},
			}},
			want: []wantError{
				{field.ErrorTypeInvalid, "namespace", `the VM is in namespace "vms"`},
				{field.ErrorTypeInvalid, "interfaceOrder", `the VM's interfaces are in the order "default", "ext"`},
				{field.ErrorTypeInvalid, "networks[0].source", "the VM's network is the pod network"},
				{field.ErrorTypeInvalid, "networks[0].networkName", "names no NetworkAttachmentDefinition"},
				{field.ErrorTypeInvalid, "networks[0].pciAddress", "(spec.template.spec.domain.devices.interfaces[0]) sets no pciAddress"},
				{field.ErrorTypeInvalid, "networks[1].networkName", `the VM's network names the NetworkAttachmentDefinition "vms/ext-net"`},
				{field.ErrorTypeInvalid, "networks[1].binding", `has binding "bridge"`},
				{field.ErrorTypeInvalid, "networks[1].macAddress", "has MAC 02:00:00:aa:bb:cc"},
				{field.ErrorTypeInvalid, "networks[1].absent", "is not absent"},
				{field.ErrorTypeDuplicate, "networks[2].name", "networks[1] has this name"},
				{field.ErrorTypeRequired, "networks[3].name", ""},
			},
		},
		{
			name:  "an asked MAC for an interface that sets none",
			vm:    newVM(nets(pod("default")), masquerade("default")),
			asked: netconfig.Spec{Networks: []netconfig.Network{{Name: "default", MAC: netconfig.MustParseMAC("02:00:00:00:00:01")}}},
			want:  []wantError{{field.ErrorTypeInvalid, "networks[0].macAddress", "sets no macAddress"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before *kubevirtv1.VirtualMachine
			if tt.vm != nil {
				before = tt.vm.DeepCopy()
			}
			got, err := FromVM(tt.vm, tt.asked)
			require.Error(t, err)
			assert.Equal(t, netconfig.Spec{}, got)
			errs := fieldErrors(t, err)
			require.Len(t, errs, len(tt.want), "errors: %v", err)
			for i, w := range tt.want {
				assert.Equal(t, w.typ, errs[i].Type, "error %d: %v", i, errs[i])
				assert.Equal(t, w.path, errs[i].Field, "error %d: %v", i, errs[i])
				assert.Contains(t, errs[i].Detail, w.detail, "error %d", i)
			}
			var fe *field.Error
			assert.True(t, errors.As(err, &fe), "errors.As finds a *field.Error")
			if tt.vm != nil {
				assert.Equal(t, before, tt.vm, "FromVM modified the VM")
			}
		})
	}
}

func TestFromVMI(t *testing.T) {
	vmi := &kubevirtv1.VirtualMachineInstance{
		ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "vms"},
		Spec: kubevirtv1.VirtualMachineInstanceSpec{
			Networks: nets(pod("default"), multusNet("ext", "ext-net")),
			Domain: kubevirtv1.DomainSpec{Devices: kubevirtv1.Devices{Interfaces: []kubevirtv1.Interface{
				masquerade("default"), withMAC(bridge("ext"), "02-00-00-AA-BB-CC"),
			}}},
		},
		// The status is macresolve.FromVMI's to read.
		Status: kubevirtv1.VirtualMachineInstanceStatus{Interfaces: []kubevirtv1.VirtualMachineInstanceNetworkInterface{{Name: "default", MAC: "nonsense"}}},
	}
	got, err := FromVMI(vmi, netconfig.Spec{Networks: []netconfig.Network{{Name: "ext", IPConfig: static}}})
	require.NoError(t, err)
	assert.Equal(t, netconfig.Spec{
		Namespace: "vms",
		Networks: []netconfig.Network{
			{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade},
			{Name: "ext", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge, MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc"), IPConfig: static},
		},
		InterfaceOrder: []string{"default", "ext"},
	}, got)

	t.Run("the VMI's paths", func(t *testing.T) {
		bad := vmi.DeepCopy()
		bad.Spec.Domain.Devices.Interfaces[1].MacAddress = "02:00:00:aa:bb"
		bad.Spec.Networks = append(bad.Spec.Networks, pod("extra"))
		_, err := FromVMI(bad, netconfig.Spec{})
		errs := fieldErrors(t, err)
		require.Len(t, errs, 2, "%v", err)
		assert.Equal(t, "spec.domain.devices.interfaces[1].macAddress", errs[0].Field)
		assert.Equal(t, "spec.networks[2].name", errs[1].Field)
	})
	t.Run("nil", func(t *testing.T) {
		_, err := FromVMI(nil, netconfig.Spec{})
		errs := fieldErrors(t, err)
		require.Len(t, errs, 1)
		assert.Equal(t, field.ErrorTypeRequired, errs[0].Type)
	})
}

// TestBuildFromVM runs the whole path: a VM and the IP config asked for
// one network in, netplan out, the NICs named in interface order and
// matched by the VM's MACs.
func TestBuildFromVM(t *testing.T) {
	vm := newVM(nets(pod("default"), multusNet("ext", "ext-net"), multusNet("sr", "sriov-net")),
		withMAC(masquerade("default"), "02:00:00:00:00:01"), withMAC(sriov("sr"), "02:00:00:00:00:03"), withMAC(bridge("ext"), "02:00:00:00:00:02"))
	spec, err := FromVM(vm, netconfig.Spec{Networks: []netconfig.Network{
		{Name: "ext", IPConfig: static},
		{Name: "sr", IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP}},
	}})
	require.NoError(t, err)
	res, err := netconfig.Build(spec)
	require.NoError(t, err)
	assert.Empty(t, res.Warnings)

	eth := res.Config.Network.Ethernets
	require.Len(t, eth, 3)
	assert.Equal(t, "02:00:00:00:00:01", eth["eth0"].Match.MACAddress)
	assert.True(t, eth["eth0"].DHCP4, "the pod network gets DHCP")
	// KubeVirt attaches the NICs in interface order and the SR-IOV host
	// devices after them (converter.go), so ext is eth1 and sr eth2
	// although sr's interface comes first.
	assert.Equal(t, "02:00:00:00:00:02", eth["eth1"].Match.MACAddress)
	assert.Equal(t, []string{"192.168.0.200/24"}, eth["eth1"].Addresses)
	assert.Equal(t, "02:00:00:00:00:03", eth["eth2"].Match.MACAddress)
	assert.True(t, eth["eth2"].DHCP4)
	assert.Equal(t, "vms/ext-net", res.Interfaces[1].NetworkName, "the VM's namespace qualifies the attachment")
}
