package cloudinit_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/guestnet/guestnet/cloudinit"
	"github.com/guestnet/guestnet/netconfig"
)

// exampleSpec is the seed's VM: the pod network and a bridge network with
// a static address, both with known MACs.
func exampleSpec() netconfig.Spec {
	return netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
		{
			Name: "external", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge,
			MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc"),
			IPConfig: &netconfig.IPConfig{
				Mode:      netconfig.ModeStatic,
				Addresses: []netip.Prefix{netip.MustParsePrefix("192.168.0.200/24")},
				Gateways:  []netip.Addr{netip.MustParseAddr("192.168.0.1")},
			},
		},
	}}
}

// exampleVM is a VM with a root disk and a cloud-init volume holding user
// data only.
func exampleVM() *kubevirtv1.VirtualMachine {
	return &kubevirtv1.VirtualMachine{
		ObjectMeta: metav1.ObjectMeta{Name: "vm1", Namespace: "vms"},
		Spec: kubevirtv1.VirtualMachineSpec{Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{
			Spec: kubevirtv1.VirtualMachineInstanceSpec{
				Volumes: []kubevirtv1.Volume{
					{Name: "rootdisk", VolumeSource: kubevirtv1.VolumeSource{ContainerDisk: &kubevirtv1.ContainerDiskSource{Image: "quay.io/containerdisks/debian:12"}}},
					{Name: "cloudinitdisk", VolumeSource: kubevirtv1.VolumeSource{CloudInitNoCloud: &kubevirtv1.CloudInitNoCloudSource{UserData: "#cloud-config\nuser: debian\n"}}},
				},
			},
		}},
	}
}

// The network config goes into the VM's cloudInitNoCloud volume next to
// its user data.
func ExampleSetNetworkData() {
	res, err := netconfig.Build(exampleSpec())
	if err != nil {
		fmt.Println(err)
		return
	}
	vm, secret, err := cloudinit.SetNetworkData(exampleVM(), res.YAML)
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := yaml.Marshal(vm.Spec.Template.Spec.Volumes[1])
	fmt.Print(string(out))
	fmt.Println("secret:", secret)
	// Output:
	// cloudInitNoCloud:
	//   networkData: |
	//     network:
	//       version: 2
	//       ethernets:
	//         eth0:
	//           match:
	//             macaddress: "02:00:00:00:00:01"
	//           set-name: "eth0"
	//           dhcp4: true
	//         eth1:
	//           match:
	//             macaddress: "02:00:00:aa:bb:cc"
	//           set-name: "eth1"
	//           addresses:
	//           - "192.168.0.200/24"
	//           routes:
	//           - to: "0.0.0.0/0"
	//             via: "192.168.0.1"
	//   userData: |
	//     #cloud-config
	//     user: debian
	// name: cloudinitdisk
	// secret: nil
}

// Network data over KubeVirt's 2048-byte limit goes into a Secret, which
// the caller creates before the VM.
func ExampleSetNetworkData_secret() {
	big := []byte("network:\n  version: 2\n" + strings.Repeat("# comment\n", 300))
	vm, secret, err := cloudinit.SetNetworkData(exampleVM(), big)
	if err != nil {
		fmt.Println(err)
		return
	}
	src := vm.Spec.Template.Spec.Volumes[1].CloudInitNoCloud
	fmt.Println("networkDataSecretRef:", src.NetworkDataSecretRef.Name)
	fmt.Println("inline:", len(src.NetworkData), "bytes")
	fmt.Println("secret:", secret.Namespace+"/"+secret.Name, secret.Type)
	fmt.Println("key:", cloudinit.SecretKey, len(secret.Data[cloudinit.SecretKey]), "bytes")
	// Output:
	// networkDataSecretRef: vm1-networkdata
	// inline: 0 bytes
	// secret: vms/vm1-networkdata Opaque
	// key: networkdata 3022 bytes
}

// A ConfigDrive guest reads OpenStack network_data.json, rendered from the
// same model.
func ExampleNetworkDataJSON() {
	res, err := netconfig.Build(exampleSpec())
	if err != nil {
		fmt.Println(err)
		return
	}
	js, err := cloudinit.NetworkDataJSON(res.Config)
	if err != nil {
		fmt.Println(err)
		return
	}
	var out bytes.Buffer
	_ = json.Indent(&out, js, "", "  ")
	fmt.Println(out.String())
	// Output:
	// {
	//   "links": [
	//     {
	//       "id": "eth0",
	//       "type": "phy",
	//       "ethernet_mac_address": "02:00:00:00:00:01",
	//       "name": "eth0"
	//     },
	//     {
	//       "id": "eth1",
	//       "type": "phy",
	//       "ethernet_mac_address": "02:00:00:aa:bb:cc",
	//       "name": "eth1"
	//     }
	//   ],
	//   "networks": [
	//     {
	//       "id": "network0",
	//       "type": "ipv4_dhcp",
	//       "link": "eth0"
	//     },
	//     {
	//       "id": "network1",
	//       "type": "ipv4",
	//       "link": "eth1",
	//       "ip_address": "192.168.0.200",
	//       "netmask": "255.255.255.0",
	//       "routes": [
	//         {
	//           "network": "0.0.0.0",
	//           "netmask": "0.0.0.0",
	//           "gateway": "192.168.0.1"
	//         }
	//       ]
	//     }
	//   ],
	//   "services": []
	// }
}

// An interface without a known MAC cannot be put on a ConfigDrive.
func ExampleNetworkDataJSON_nameOnly() {
	spec := exampleSpec()
	spec.Networks[1].MAC = netconfig.MAC{}
	res, _ := netconfig.Build(spec)
	_, err := cloudinit.NetworkDataJSON(res.Config)
	fmt.Println(strings.SplitN(err.Error(), ":", 2)[0])
	// Output:
	// network.ethernets[eth1].match.macaddress
}

// The JSON goes into a cloudInitConfigDrive volume, which is added with its
// disk when the VM has no cloud-init volume.
func ExampleSetConfigDriveNetworkData() {
	res, _ := netconfig.Build(exampleSpec())
	js, _ := cloudinit.NetworkDataJSON(res.Config)
	vm := &kubevirtv1.VirtualMachine{
		ObjectMeta: metav1.ObjectMeta{Name: "win1", Namespace: "vms"},
		Spec:       kubevirtv1.VirtualMachineSpec{Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{}},
	}
	vm, _, err := cloudinit.SetConfigDriveNetworkData(vm, js, cloudinit.WithDiskBus(kubevirtv1.DiskBusSATA))
	if err != nil {
		fmt.Println(err)
		return
	}
	spec := vm.Spec.Template.Spec
	fmt.Println(spec.Volumes[0].Name, len(spec.Volumes[0].CloudInitConfigDrive.NetworkData), "bytes of network_data.json")
	fmt.Println(spec.Domain.Devices.Disks[0].Name, spec.Domain.Devices.Disks[0].Disk.Bus)
	// Output:
	// cloudinitdisk 435 bytes of network_data.json
	// cloudinitdisk sata
}

// A NoCloud seed for a platform outside KubeVirt: its instance-id follows
// the content, so a changed network config is applied at the next boot.
func ExampleNewNoCloudSeed() {
	res, _ := netconfig.Build(exampleSpec())
	seed := cloudinit.NewNoCloudSeed(res.YAML, nil, cloudinit.WithLocalHostname("vm1"))
	files := seed.Files()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	fmt.Println(names)
	fmt.Print(string(files["meta-data"]))
	fmt.Print(string(files["user-data"]))

	spec := exampleSpec()
	spec.Networks[1].IPConfig.Addresses[0] = netip.MustParsePrefix("192.168.0.201/24")
	changed, _ := netconfig.Build(spec)
	fmt.Println(bytes.Equal(cloudinit.NewNoCloudSeed(changed.YAML, nil).MetaData, cloudinit.NewNoCloudSeed(res.YAML, nil).MetaData))
	// Output:
	// [meta-data network-config user-data]
	// instance-id: "iid-4e032d068db756e4"
	// local-hostname: "vm1"
	// #cloud-config
	// false
}

// User data that makes cloud-init apply the network config on every boot,
// so that changed network data reaches a guest whose instance-id (its
// firmware UUID) KubeVirt keeps across restarts.
func ExampleNetworkEveryBoot() {
	userData := []byte("#cloud-config\n# the admin\nuser: debian\nupdates:\n  network:\n    when: [hotplug]\n")
	out, warnings, err := cloudinit.NetworkEveryBoot(userData)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	fmt.Println(len(warnings), "warnings")

	_, _, err = cloudinit.NetworkEveryBoot([]byte("#cloud-config\nupdates:\n  network:\n    when: [reboot]\n"))
	fmt.Println(err)
	// Output:
	// #cloud-config
	// # the admin
	// user: debian
	// updates:
	//   network:
	//     when: [hotplug, boot]
	// 0 warnings
	// updates.network.when[0]: Unsupported value: "reboot": supported values: "boot-new-instance", "boot-legacy", "boot", "hotplug" (cloud-init's userdata_to_events drops the whole list when one value is unknown)
}

// The same for the user data of a VM's cloudInitNoCloud volume.
func ExampleSetNetworkEveryBoot() {
	vm, _, err := cloudinit.SetNetworkData(exampleVM(), []byte("version: 2\nethernets: {eth0: {dhcp4: true}}\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	vm, _, err = cloudinit.SetNetworkEveryBoot(vm)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(vm.Spec.Template.Spec.Volumes[1].CloudInitNoCloud.UserData)
	// Output:
	// #cloud-config
	// user: debian
	// updates:
	//   network:
	//     when: [boot]
}
