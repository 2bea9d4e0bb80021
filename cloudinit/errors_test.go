package cloudinit_test

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/cloudinit"
	"github.com/guestnet/guestnet/internal/validationtest"
	"github.com/guestnet/guestnet/netconfig/netplan"
)

// TestErrorsAreFieldErrors checks, for each kind of bad input of each
// exported function that validates, that the error is a
// *netconfig.ValidationError holding that one problem, which errors.As
// finds as a *field.Error of the expected type at the expected path. The
// empty path is that of a whole object.
func TestErrorsAreFieldErrors(t *testing.T) {
	const data = "network:\n  version: 2\n"
	const js = `{"links":[],"networks":[],"services":[]}`
	// vm is a VM named web-1 whose template has the given volumes.
	vm := func(volumes ...kubevirtv1.Volume) *kubevirtv1.VirtualMachine {
		return &kubevirtv1.VirtualMachine{
			ObjectMeta: metav1.ObjectMeta{Namespace: "vms", Name: "web-1"},
			Spec: kubevirtv1.VirtualMachineSpec{Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{
				Spec: kubevirtv1.VirtualMachineInstanceSpec{Volumes: volumes},
			}},
		}
	}
	vmi := func(volumes ...kubevirtv1.Volume) *kubevirtv1.VirtualMachineInstance {
		return &kubevirtv1.VirtualMachineInstance{
			ObjectMeta: metav1.ObjectMeta{Namespace: "vms", Name: "web-1"},
			Spec:       kubevirtv1.VirtualMachineInstanceSpec{Volumes: volumes},
		}
	}
	noCloud := kubevirtv1.Volume{Name: "seed", VolumeSource: kubevirtv1.VolumeSource{CloudInitNoCloud: &kubevirtv1.CloudInitNoCloudSource{}}}
	configDrive := kubevirtv1.Volume{Name: "drive", VolumeSource: kubevirtv1.VolumeSource{CloudInitConfigDrive: &kubevirtv1.CloudInitConfigDriveSource{}}}
	disk := kubevirtv1.Volume{Name: "cloudinitdisk", VolumeSource: kubevirtv1.VolumeSource{ContainerDisk: &kubevirtv1.ContainerDiskSource{Image: "fedora"}}}
	tooLong := strings.Repeat("#", cloudinit.MaxNetworkData+1)
	set := func(vm *kubevirtv1.VirtualMachine, data string, opts ...cloudinit.Option) func() error {
		return func() error { _, _, err := cloudinit.SetNetworkData(vm, []byte(data), opts...); return err }
	}
	setVMI := func(vmi *kubevirtv1.VirtualMachineInstance, data string, opts ...cloudinit.Option) func() error {
		return func() error { _, _, err := cloudinit.SetNetworkDataVMI(vmi, []byte(data), opts...); return err }
	}
	setDrive := func(vm *kubevirtv1.VirtualMachine, data string, opts ...cloudinit.Option) func() error {
		return func() error { _, _, err := cloudinit.SetConfigDriveNetworkData(vm, []byte(data), opts...); return err }
	}
	withoutTemplate := vm()
	withoutTemplate.Spec.Template = nil
	unnamed := vm()
	unnamed.Name = ""

	// render renders a config whose one ethernets entry, eth1, is e.
	render := func(e netplan.Ethernet) func() error {
		return func() error {
			_, err := cloudinit.NetworkDataJSON(netplan.Config{Network: netplan.Network{Version: 2, Ethernets: map[string]netplan.Ethernet{"eth1": e}}})
			return err
		}
	}
	// ok is an ethernets entry that NetworkDataJSON accepts.
	ok := func(edit func(*netplan.Ethernet)) netplan.Ethernet {
		e := netplan.Ethernet{Match: &netplan.Match{MACAddress: "02:00:00:00:00:01"}, SetName: "eth1", Addresses: []string{"192.168.0.10/24"}}
		edit(&e)
		return e
	}
	eth1 := "network.ethernets[eth1]"

	tests := []struct {
		name      string
		call      func() error
		wantType  field.ErrorType
		wantField string
	}{
		{"SetNetworkData/nil VM", set(nil, data), field.ErrorTypeRequired, ""},
		{"SetNetworkData/no template", set(withoutTemplate, data), field.ErrorTypeRequired, "spec.template"},
		{"SetNetworkData/a ConfigDrive volume", set(vm(configDrive), data), field.ErrorTypeForbidden, "spec.template.spec.volumes[0].cloudInitConfigDrive"},
		{"SetNetworkData/two NoCloud volumes", set(vm(noCloud, noCloud), data), field.ErrorTypeForbidden, "spec.template.spec.volumes[1].cloudInitNoCloud"},
		{"SetNetworkData/no data", set(vm(noCloud), ""), field.ErrorTypeRequired, "spec.template.spec.volumes[0].cloudInitNoCloud.networkData"},
		{"SetNetworkData/too much data", set(vm(noCloud), tooLong), field.ErrorTypeTooLong, "spec.template.spec.volumes[0].cloudInitNoCloud.networkDataSecretRef"},
		{"SetNetworkData/a Secret for a VM without a name", set(unnamed, data, cloudinit.ForceSecret()), field.ErrorTypeRequired, "metadata.name"},
		{
			"SetNetworkData/a bad Secret name",
			set(vm(noCloud), data, cloudinit.ForceSecret(), cloudinit.WithSecretName("Not_A_Name")),
			field.ErrorTypeInvalid, "spec.template.spec.volumes[0].cloudInitNoCloud.networkDataSecretRef.name",
		},
		{"SetNetworkData/a bad volume name", set(vm(), data, cloudinit.WithVolumeName("Cloud_Init")), field.ErrorTypeInvalid, "spec.template.spec.volumes[0].name"},
		{"SetNetworkData/the volume name taken", set(vm(disk), data), field.ErrorTypeInvalid, "spec.template.spec.volumes[0].name"},

		{"SetNetworkDataVMI/nil VMI", setVMI(nil, data), field.ErrorTypeRequired, ""},
		{"SetNetworkDataVMI/a ConfigDrive volume", setVMI(vmi(configDrive), data), field.ErrorTypeForbidden, "spec.volumes[0].cloudInitConfigDrive"},
		{"SetNetworkDataVMI/no data", setVMI(vmi(), ""), field.ErrorTypeRequired, "spec.volumes[0].cloudInitNoCloud.networkData"},

		{"SetConfigDriveNetworkData/nil VM", setDrive(nil, js), field.ErrorTypeRequired, ""},
		{"SetConfigDriveNetworkData/no template", setDrive(withoutTemplate, js), field.ErrorTypeRequired, "spec.template"},
		{"SetConfigDriveNetworkData/a NoCloud volume", setDrive(vm(noCloud), js), field.ErrorTypeForbidden, "spec.template.spec.volumes[0].cloudInitNoCloud"},
		{"SetConfigDriveNetworkData/not JSON", setDrive(vm(configDrive), data), field.ErrorTypeInvalid, "spec.template.spec.volumes[0].cloudInitConfigDrive.networkData"},
		{"SetConfigDriveNetworkData/no data", setDrive(vm(), ""), field.ErrorTypeRequired, "spec.template.spec.volumes[0].cloudInitConfigDrive.networkData"},
		{"SetConfigDriveNetworkData/too much data", setDrive(vm(configDrive), tooLong), field.ErrorTypeTooLong, "spec.template.spec.volumes[0].cloudInitConfigDrive.networkDataSecretRef"},

		{
			"NetworkDataJSON/version 1",
			func() error {
				_, err := cloudinit.NetworkDataJSON(netplan.Config{Network: netplan.Network{Version: 1}})
				return err
			},
			field.ErrorTypeNotSupported, "network.version",
		},
		{"NetworkDataJSON/no MAC", render(ok(func(e *netplan.Ethernet) { e.Match = nil })), field.ErrorTypeRequired, eth1 + ".match.macaddress"},
		{"NetworkDataJSON/a bad MAC", render(ok(func(e *netplan.Ethernet) { e.Match.MACAddress = "ff:ff:ff:ff:ff:ff" })), field.ErrorTypeInvalid, eth1 + ".match.macaddress"},
		{"NetworkDataJSON/a name match", render(ok(func(e *netplan.Ethernet) { e.Match.Name = "enp*" })), field.ErrorTypeForbidden, eth1 + ".match.name"},
		{"NetworkDataJSON/a negative MTU", render(ok(func(e *netplan.Ethernet) { e.MTU = -1 })), field.ErrorTypeInvalid, eth1 + ".mtu"},
		{"NetworkDataJSON/set-name not UTF-8", render(ok(func(e *netplan.Ethernet) { e.SetName = "\xff" })), field.ErrorTypeInvalid, eth1 + ".set-name"},
		{"NetworkDataJSON/an address without a prefix length", render(ok(func(e *netplan.Ethernet) { e.Addresses = []string{"192.168.0.10"} })), field.ErrorTypeInvalid, eth1 + ".addresses[0]"},
		{"NetworkDataJSON/gateway4 of IPv6", render(ok(func(e *netplan.Ethernet) { e.Gateway4 = "fd00::1" })), field.ErrorTypeInvalid, eth1 + ".gateway4"},
		{
			"NetworkDataJSON/a route via no address",
			render(ok(func(e *netplan.Ethernet) { e.Routes = []netplan.Route{{To: "10.0.0.0/8", Via: "gw"}} })),
			field.ErrorTypeInvalid, eth1 + ".routes[0].via",
		},
		{
			"NetworkDataJSON/a route to host bits",
			render(ok(func(e *netplan.Ethernet) { e.Routes = []netplan.Route{{To: "10.0.0.1/8", Via: "192.168.0.1"}} })),
			field.ErrorTypeInvalid, eth1 + ".routes[0].to",
		},
		{
			"NetworkDataJSON/a route without a static address of its family",
			render(ok(func(e *netplan.Ethernet) { e.Routes = []netplan.Route{{To: "default", Via: "fd00::1"}} })),
			field.ErrorTypeInvalid, eth1 + ".routes[0]",
		},
		{
			"NetworkDataJSON/a bad nameserver",
			render(ok(func(e *netplan.Ethernet) { e.Nameservers = &netplan.Nameservers{Addresses: []string{"dns"}} })),
			field.ErrorTypeInvalid, eth1 + ".nameservers.addresses[0]",
		},
		{
			"NetworkDataJSON/a search domain not UTF-8",
			render(ok(func(e *netplan.Ethernet) { e.Nameservers = &netplan.Nameservers{Search: []string{"\xff"}} })),
			field.ErrorTypeInvalid, eth1 + ".nameservers.search[0]",
		},
		{
			"NetworkDataJSON/nameservers without a network",
			render(ok(func(e *netplan.Ethernet) {
				e.Addresses = nil
				e.Nameservers = &netplan.Nameservers{Addresses: []string{"192.168.0.1"}}
			})),
			field.ErrorTypeForbidden, eth1 + ".nameservers",
		},
		{
			"NetworkDataJSON/an ethernets key not UTF-8",
			func() error {
				_, err := cloudinit.NetworkDataJSON(netplan.Config{Network: netplan.Network{Version: 2, Ethernets: map[string]netplan.Ethernet{
					"\xff": ok(func(*netplan.Ethernet) {}),
				}}})
				return err
			},
			field.ErrorTypeInvalid, `network.ethernets["\xff"]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			validationtest.RequireOne(t, tt.call(), tt.wantType, tt.wantField)
		})
	}
}
