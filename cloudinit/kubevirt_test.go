package cloudinit_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/cloudinit"
)

// rootDisk is a VM's boot volume, which SetNetworkData must leave alone.
func rootDisk() kubevirtv1.Volume {
	return kubevirtv1.Volume{Name: "rootdisk", VolumeSource: kubevirtv1.VolumeSource{
		ContainerDisk: &kubevirtv1.ContainerDiskSource{Image: "quay.io/containerdisks/debian:12"},
	}}
}

func noCloudVolume(name string, src kubevirtv1.CloudInitNoCloudSource) kubevirtv1.Volume {
	return kubevirtv1.Volume{Name: name, VolumeSource: kubevirtv1.VolumeSource{CloudInitNoCloud: &src}}
}

func configDriveVolume(name string, src kubevirtv1.CloudInitConfigDriveSource) kubevirtv1.Volume {
	return kubevirtv1.Volume{Name: name, VolumeSource: kubevirtv1.VolumeSource{CloudInitConfigDrive: &src}}
}

func noCloudUserData() kubevirtv1.CloudInitNoCloudSource {
	return kubevirtv1.CloudInitNoCloudSource{UserData: "#cloud-config\nuser: debian\n"}
}

func disk(name string) kubevirtv1.Disk {
	return kubevirtv1.Disk{Name: name, DiskDevice: kubevirtv1.DiskDevice{Disk: &kubevirtv1.DiskTarget{Bus: kubevirtv1.DiskBusVirtio}}}
}

// newVM is a VM in namespace vms named vm1 with the given volumes, each
// with a disk of its name.
func newVM(volumes ...kubevirtv1.Volume) *kubevirtv1.VirtualMachine {
	vm := &kubevirtv1.VirtualMachine{
		TypeMeta:   metav1.TypeMeta{APIVersion: "kubevirt.io/v1", Kind: "VirtualMachine"},
		ObjectMeta: metav1.ObjectMeta{Name: "vm1", Namespace: "vms"},
		Spec: kubevirtv1.VirtualMachineSpec{
			RunStrategy: ptr(kubevirtv1.RunStrategyAlways),
			Template:    &kubevirtv1.VirtualMachineInstanceTemplateSpec{},
		},
	}
	spec := &vm.Spec.Template.Spec
	for _, v := range volumes {
		spec.Volumes = append(spec.Volumes, v)
		spec.Domain.Devices.Disks = append(spec.Domain.Devices.Disks, disk(v.Name))
	}
	return vm
}

func ptr[T any](v T) *T { return &v }

// sized returns n bytes of printable network data.
func sized(n int) []byte {
	const line = "# padding to reach an exact size.\n"
	b := []byte(strings.Repeat(line, n/len(line)+1))[:n]
	copy(b, "network: {version: 2}\n")
	return b
}

// binarySized returns n bytes that are not text.
func binarySized(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// jsonSized returns a JSON document of exactly n bytes (n >= 11).
func jsonSized(n int) []byte {
	return []byte(`{"pad":"` + strings.Repeat("x", n-10) + `"}`)
}

const netData = "network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n"

func TestSetNetworkData(t *testing.T) {
	secretRef := func(name string) *corev1.LocalObjectReference { return &corev1.LocalObjectReference{Name: name} }
	tests := []struct {
		name string
		vm   func() *kubevirtv1.VirtualMachine
		data []byte
		opts []cloudinit.Option
		// wantVolumes and wantDisks are the template's volumes and disks
		// afterwards; nil skips the check.
		wantVolumes []kubevirtv1.Volume
		wantDisks   []kubevirtv1.Disk
		// wantSecret is the Secret returned; nil means none.
		wantSecret *corev1.Secret
		// wantErr lists substrings of the error; empty means no error.
		wantErr []string
	}{
		{
			name:        "no cloud-init volume: a cloudinitdisk volume and its virtio disk are added",
			vm:          func() *kubevirtv1.VirtualMachine { return newVM(rootDisk()) },
			data:        []byte(netData),
			wantVolumes: []kubevirtv1.Volume{rootDisk(), noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{NetworkData: netData})},
			wantDisks:   []kubevirtv1.Disk{disk("rootdisk"), disk("cloudinitdisk")},
		},
		{
			name: "existing volume: inline user data is kept",
			vm: func() *kubevirtv1.VirtualMachine {
				return newVM(rootDisk(), noCloudVolume("seed", kubevirtv1.CloudInitNoCloudSource{UserData: "#cloud-config\nuser: debian\n"}))
			},
			data: []byte(netData),
			wantVolumes: []kubevirtv1.Volume{rootDisk(), noCloudVolume("seed", kubevirtv1.CloudInitNoCloudSource{
				UserData: "#cloud-config\nuser: debian\n", NetworkData: netData,
			})},
			wantDisks: []kubevirtv1.Disk{disk("rootdisk"), disk("seed")},
		},
		{
			name: "existing volume: base64 user data is kept",
			vm: func() *kubevirtv1.VirtualMachine {
				return newVM(noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{UserDataBase64: "I2Nsb3VkLWNvbmZpZwo="}))
			},
			data: []byte(netData),
			wantVolumes: []kubevirtv1.Volume{noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{
				UserDataBase64: "I2Nsb3VkLWNvbmZpZwo=", NetworkData: netData,
			})},
		},
		{
			name: "existing volume: a user-data Secret is kept",
			vm: func() *kubevirtv1.VirtualMachine {
				return newVM(noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{UserDataSecretRef: secretRef("vm1-userdata")}))
			},
			data: []byte(netData),
			wantVolumes: []kubevirtv1.Volume{noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{
				UserDataSecretRef: secretRef("vm1-userdata"), NetworkData: netData,
			})},
		},
		{
			name: "a network-data Secret is replaced by inline data",
			vm: func() *kubevirtv1.VirtualMachine {
				return newVM(noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{UserData: "#cloud-config\n", NetworkDataSecretRef: secretRef("vm1-networkdata")}))
			},
			data: []byte(netData),
			wantVolumes: []kubevirtv1.Volume{noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{
				UserData: "#cloud-config\n", NetworkData: netData,
			})},
		},
		{
			name: "base64 network data is replaced by inline data",
			vm: func() *kubevirtv1.VirtualMachine {
				return newVM(noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{NetworkDataBase64: base64.StdEncoding.EncodeToString([]byte("old"))}))
			},
			data:        []byte(netData),
			wantVolumes: []kubevirtv1.Volume{noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{NetworkData: netData})},
		},
		{
			name: "inline data is replaced by a Secret above 2048 bytes",
			vm: func() *kubevirtv1.VirtualMachine {
				return newVM(noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{UserData: "#cloud-config\n", NetworkData: "old"}))
			},
			data: sized(2049),
			wantVolumes: []kubevirtv1.Volume{noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{
				UserData: "#cloud-config\n", NetworkDataSecretRef: secretRef("vm1-networkdata"),
			})},
			wantSecret: secret("vms", "vm1-networkdata", sized(2049)),
		},
		{
			name:        "exactly 2048 bytes stay inline",
			vm:          func() *kubevirtv1.VirtualMachine { return newVM() },
			data:        sized(2048),
			wantVolumes: []kubevirtv1.Volume{noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{NetworkData: string(sized(2048))})},
		},
		{
			name:        "2049 bytes go to a Secret",
			vm:          func() *kubevirtv1.VirtualMachine { return newVM() },
			data:        sized(2049),
			wantVolumes: []kubevirtv1.Volume{noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{NetworkDataSecretRef: secretRef("vm1-networkdata")})},
			wantSecret:  secret("vms", "vm1-networkdata", sized(2049)),
		},
		{
			name:        "ForceSecret puts small data in a Secret",
			vm:          func() *kubevirtv1.VirtualMachine { return newVM() },
			data:        []byte(netData),
			opts:        []cloudinit.Option{cloudinit.ForceSecret()},
			wantVolumes: []kubevirtv1.Volume{noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{NetworkDataSecretRef: secretRef("vm1-networkdata")})},
			wantSecret:  secret("vms", "vm1-networkdata", []byte(netData)),
		},
		{
			name:        "WithSecretName names the Secret",
			vm:          func() *kubevirtv1.VirtualMachine { return newVM() },
			data:        []byte(netData),
			opts:        []cloudinit.Option{cloudinit.ForceSecret(), cloudinit.WithSecretName("guest-net")},
			wantVolumes: []kubevirtv1.Volume{noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{NetworkDataSecretRef: secretRef("guest-net")})},
			wantSecret:  secret("vms", "guest-net", []byte(netData)),
		},
		{
			name:        "data that is not UTF-8 goes to networkDataBase64",
			vm:          func() *kubevirtv1.VirtualMachine { return newVM() },
			data:        []byte{0xff, 0xfe, 'x'},
			wantVolumes: []kubevirtv1.Volume{noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{NetworkDataBase64: "//54"})},
		},
		{
			name:        "2048 bytes that are not text stay inline as base64 (KubeVirt counts the decoded bytes)",
			vm:          func() *kubevirtv1.VirtualMachine { return newVM() },
			data:        binarySized(2048),
			wantVolumes: []kubevirtv1.Volume{noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{NetworkDataBase64: base64.StdEncoding.EncodeToString(binarySized(2048))})},
		},
		{
			name:        "2049 bytes that are not text go to a Secret",
			vm:          func() *kubevirtv1.VirtualMachine { return newVM() },
			data:        binarySized(2049),
			wantVolumes: []kubevirtv1.Volume{noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{NetworkDataSecretRef: secretRef("vm1-networkdata")})},
			wantSecret:  secret("vms", "vm1-networkdata", binarySized(2049)),
		},
		{
			name:        "WithVolumeName and WithDiskBus shape the added volume",
			vm:          func() *kubevirtv1.VirtualMachine { return newVM(rootDisk()) },
			data:        []byte(netData),
			opts:        []cloudinit.Option{cloudinit.WithVolumeName("netseed"), cloudinit.WithDiskBus(kubevirtv1.DiskBusSATA)},
			wantVolumes: []kubevirtv1.Volume{rootDisk(), noCloudVolume("netseed", kubevirtv1.CloudInitNoCloudSource{NetworkData: netData})},
			wantDisks: []kubevirtv1.Disk{disk("rootdisk"), {
				Name: "netseed", DiskDevice: kubevirtv1.DiskDevice{Disk: &kubevirtv1.DiskTarget{Bus: kubevirtv1.DiskBusSATA}},
			}},
		},
		{
			name: "an existing disk of the new volume's name is reused",
			vm: func() *kubevirtv1.VirtualMachine {
				vm := newVM(rootDisk())
				vm.Spec.Template.Spec.Domain.Devices.Disks = append(vm.Spec.Template.Spec.Domain.Devices.Disks,
					kubevirtv1.Disk{Name: "cloudinitdisk", DiskDevice: kubevirtv1.DiskDevice{CDRom: &kubevirtv1.CDRomTarget{Bus: kubevirtv1.DiskBusSATA}}})
				return vm
			},
			data:        []byte(netData),
			wantVolumes: []kubevirtv1.Volume{rootDisk(), noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{NetworkData: netData})},
			wantDisks: []kubevirtv1.Disk{disk("rootdisk"), {
				Name: "cloudinitdisk", DiskDevice: kubevirtv1.DiskDevice{CDRom: &kubevirtv1.CDRomTarget{Bus: kubevirtv1.DiskBusSATA}},
			}},
		},
		{
			name: "two NoCloud volumes are an error naming the second",
			vm: func() *kubevirtv1.VirtualMachine {
				return newVM(rootDisk(), noCloudVolume("a", kubevirtv1.CloudInitNoCloudSource{UserData: "#cloud-config\n"}),
					noCloudVolume("b", kubevirtv1.CloudInitNoCloudSource{UserData: "#cloud-config\n"}))
			},
			data:    []byte(netData),
			wantErr: []string{"spec.template.spec.volumes[2].cloudInitNoCloud", "spec.template.spec.volumes[1]"},
		},
		{
			name: "a ConfigDrive volume is an error pointing to SetConfigDriveNetworkData",
			vm: func() *kubevirtv1.VirtualMachine {
				return newVM(rootDisk(), configDriveVolume("cloudinitdisk", kubevirtv1.CloudInitConfigDriveSource{UserData: "#cloud-config\n"}))
			},
			data:    []byte(netData),
			wantErr: []string{"spec.template.spec.volumes[1].cloudInitConfigDrive", "network_data.json", "SetConfigDriveNetworkData"},
		},
		{
			name:    "empty network data is an error",
			vm:      func() *kubevirtv1.VirtualMachine { return newVM(rootDisk()) },
			data:    nil,
			wantErr: []string{"spec.template.spec.volumes[1].cloudInitNoCloud.networkData", "empty"},
		},
		{
			name: "a taken volume name is an error",
			vm: func() *kubevirtv1.VirtualMachine {
				v := rootDisk()
				v.Name = "cloudinitdisk"
				return newVM(v)
			},
			data:    []byte(netData),
			wantErr: []string{"spec.template.spec.volumes[0].name", "WithVolumeName"},
		},
		{
			name:    "an invalid volume name is an error",
			vm:      func() *kubevirtv1.VirtualMachine { return newVM() },
			data:    []byte(netData),
			opts:    []cloudinit.Option{cloudinit.WithVolumeName("Cloud_Init")},
			wantErr: []string{"spec.template.spec.volumes[0].name", "Cloud_Init"},
		},
		{
			name: "a Secret for a VM without a name needs WithSecretName",
			vm: func() *kubevirtv1.VirtualMachine {
				vm := newVM()
				vm.Name = ""
				return vm
			},
			data:    sized(3000),
			wantErr: []string{"metadata.name", "WithSecretName"},
		},
		{
			name:    "an invalid Secret name is an error",
			vm:      func() *kubevirtv1.VirtualMachine { return newVM() },
			data:    []byte(netData),
			opts:    []cloudinit.Option{cloudinit.ForceSecret(), cloudinit.WithSecretName("Not_A_Name")},
			wantErr: []string{"spec.template.spec.volumes[0].cloudInitNoCloud.networkDataSecretRef.name", "Not_A_Name"},
		},
		{
			name: "a VM without a template is an error",
			vm: func() *kubevirtv1.VirtualMachine {
				vm := newVM()
				vm.Spec.Template = nil
				return vm
			},
			data:    []byte(netData),
			wantErr: []string{"spec.template"},
		},
		{
			name:    "a nil VM is an error",
			vm:      func() *kubevirtv1.VirtualMachine { return nil },
			data:    []byte(netData),
			wantErr: []string{"no VirtualMachine"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.vm()
			before := in.DeepCopy()
			out, sec, err := cloudinit.SetNetworkData(in, tt.data, tt.opts...)
			assert.Equal(t, before, in, "the input VM was modified")
			if len(tt.wantErr) > 0 {
				require.Error(t, err)
				for _, s := range tt.wantErr {
					assert.Contains(t, err.Error(), s)
				}
				assert.Nil(t, out)
				assert.Nil(t, sec)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantSecret, sec)
			spec := out.Spec.Template.Spec
			if tt.wantVolumes != nil {
				assert.Equal(t, tt.wantVolumes, spec.Volumes)
			}
			if tt.wantDisks != nil {
				assert.Equal(t, tt.wantDisks, spec.Domain.Devices.Disks)
			}
			// Nothing but the volumes and disks changes.
			rest := out.DeepCopy()
			rest.Spec.Template.Spec.Volumes = before.Spec.Template.Spec.Volumes
			rest.Spec.Template.Spec.Domain.Devices.Disks = before.Spec.Template.Spec.Domain.Devices.Disks
			assert.Equal(t, before, rest, "SetNetworkData changed more than volumes and disks")
			assertNoSharedMemory(t, in, out)
		})
	}
}

// secret is the Secret SetNetworkData is expected to return.
func secret(namespace, name string, data []byte) *corev1.Secret {
	return &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Type:       corev1.SecretTypeOpaque,
		Data:       map[string][]byte{cloudinit.SecretKey: data},
	}
}

// assertNoSharedMemory changes out and checks that in does not change with
// it: the result must be a deep copy.
func assertNoSharedMemory(t *testing.T, in, out *kubevirtv1.VirtualMachine) {
	t.Helper()
	before := in.DeepCopy()
	for i := range out.Spec.Template.Spec.Volumes {
		v := &out.Spec.Template.Spec.Volumes[i]
		v.Name += "-changed"
		if v.CloudInitNoCloud != nil {
			v.CloudInitNoCloud.UserData += "changed"
		}
	}
	for i := range out.Spec.Template.Spec.Domain.Devices.Disks {
		out.Spec.Template.Spec.Domain.Devices.Disks[i].Name += "-changed"
	}
	out.Name += "-changed"
	assert.Equal(t, before, in, "the result shares memory with the input")
}

func TestSetNetworkDataVMI(t *testing.T) {
	newVMI := func(volumes ...kubevirtv1.Volume) *kubevirtv1.VirtualMachineInstance {
		vmi := &kubevirtv1.VirtualMachineInstance{ObjectMeta: metav1.ObjectMeta{Name: "vmi1", Namespace: "vms"}}
		vmi.Spec.Volumes = volumes
		for _, v := range volumes {
			vmi.Spec.Domain.Devices.Disks = append(vmi.Spec.Domain.Devices.Disks, disk(v.Name))
		}
		return vmi
	}
	tests := []struct {
		name        string
		vmi         *kubevirtv1.VirtualMachineInstance
		data        []byte
		wantVolumes []kubevirtv1.Volume
		wantDisks   []kubevirtv1.Disk
		wantSecret  *corev1.Secret
		wantErr     []string
	}{
		{
			name:        "a volume and disk are added under spec",
			vmi:         newVMI(rootDisk()),
			data:        []byte(netData),
			wantVolumes: []kubevirtv1.Volume{rootDisk(), noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{NetworkData: netData})},
			wantDisks:   []kubevirtv1.Disk{disk("rootdisk"), disk("cloudinitdisk")},
		},
		{
			name:        "the Secret is named after the VMI",
			vmi:         newVMI(noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{UserData: "#cloud-config\n"})),
			data:        sized(2049),
			wantVolumes: []kubevirtv1.Volume{noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{UserData: "#cloud-config\n", NetworkDataSecretRef: &corev1.LocalObjectReference{Name: "vmi1-networkdata"}})},
			wantDisks:   []kubevirtv1.Disk{disk("cloudinitdisk")},
			wantSecret:  secret("vms", "vmi1-networkdata", sized(2049)),
		},
		{
			name:    "errors name the VMI's paths",
			vmi:     newVMI(rootDisk(), configDriveVolume("cd", kubevirtv1.CloudInitConfigDriveSource{UserData: "x"})),
			data:    []byte(netData),
			wantErr: []string{"spec.volumes[1].cloudInitConfigDrive"},
		},
		{
			name:    "a nil VMI is an error",
			data:    []byte(netData),
			wantErr: []string{"no VirtualMachineInstance"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.vmi.DeepCopy()
			out, sec, err := cloudinit.SetNetworkDataVMI(tt.vmi, tt.data)
			assert.Equal(t, before, tt.vmi, "the input VMI was modified")
			if len(tt.wantErr) > 0 {
				require.Error(t, err)
				for _, s := range tt.wantErr {
					assert.Contains(t, err.Error(), s)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantVolumes, out.Spec.Volumes)
			assert.Equal(t, tt.wantDisks, out.Spec.Domain.Devices.Disks)
			assert.Equal(t, tt.wantSecret, sec)
		})
	}
}

func TestSetConfigDriveNetworkData(t *testing.T) {
	const js = `{"links":[],"networks":[],"services":[]}`
	tests := []struct {
		name        string
		vm          *kubevirtv1.VirtualMachine
		data        []byte
		opts        []cloudinit.Option
		wantVolumes []kubevirtv1.Volume
		wantDisks   []kubevirtv1.Disk
		wantSecret  *corev1.Secret
		wantErr     []string
	}{
		{
			name:        "no cloud-init volume: a ConfigDrive volume and its disk are added",
			vm:          newVM(rootDisk()),
			data:        []byte(js),
			wantVolumes: []kubevirtv1.Volume{rootDisk(), configDriveVolume("cloudinitdisk", kubevirtv1.CloudInitConfigDriveSource{NetworkData: js})},
			wantDisks:   []kubevirtv1.Disk{disk("rootdisk"), disk("cloudinitdisk")},
		},
		{
			name: "existing ConfigDrive volume: user data kept, old Secret reference cleared",
			vm: newVM(configDriveVolume("cd", kubevirtv1.CloudInitConfigDriveSource{
				UserData: "#ps1\n", NetworkDataSecretRef: &corev1.LocalObjectReference{Name: "old"},
			})),
			data:        []byte(js),
			wantVolumes: []kubevirtv1.Volume{configDriveVolume("cd", kubevirtv1.CloudInitConfigDriveSource{UserData: "#ps1\n", NetworkData: js})},
			wantDisks:   []kubevirtv1.Disk{disk("cd")},
		},
		{
			name:        "exactly 2048 bytes of JSON stay inline",
			vm:          newVM(configDriveVolume("cd", kubevirtv1.CloudInitConfigDriveSource{UserData: "#ps1\n"})),
			data:        jsonSized(2048),
			wantVolumes: []kubevirtv1.Volume{configDriveVolume("cd", kubevirtv1.CloudInitConfigDriveSource{UserData: "#ps1\n", NetworkData: string(jsonSized(2048))})},
			wantDisks:   []kubevirtv1.Disk{disk("cd")},
		},
		{
			name: "2049 bytes of JSON go to a Secret, replacing inline data",
			vm:   newVM(configDriveVolume("cd", kubevirtv1.CloudInitConfigDriveSource{UserData: "#ps1\n", NetworkData: js})),
			data: jsonSized(2049),
			wantVolumes: []kubevirtv1.Volume{configDriveVolume("cd", kubevirtv1.CloudInitConfigDriveSource{
				UserData: "#ps1\n", NetworkDataSecretRef: &corev1.LocalObjectReference{Name: "vm1-networkdata"},
			})},
			wantDisks:  []kubevirtv1.Disk{disk("cd")},
			wantSecret: secret("vms", "vm1-networkdata", jsonSized(2049)),
		},
		{
			name:        "ForceSecret with a name",
			vm:          newVM(),
			data:        []byte(js),
			opts:        []cloudinit.Option{cloudinit.ForceSecret(), cloudinit.WithSecretName("win1-net")},
			wantVolumes: []kubevirtv1.Volume{configDriveVolume("cloudinitdisk", kubevirtv1.CloudInitConfigDriveSource{NetworkDataSecretRef: &corev1.LocalObjectReference{Name: "win1-net"}})},
			wantDisks:   []kubevirtv1.Disk{disk("cloudinitdisk")},
			wantSecret:  secret("vms", "win1-net", []byte(js)),
		},
		{
			name:    "a NoCloud volume is an error pointing to SetNetworkData",
			vm:      newVM(noCloudVolume("cloudinitdisk", kubevirtv1.CloudInitNoCloudSource{UserData: "#cloud-config\n"})),
			data:    []byte(js),
			wantErr: []string{"spec.template.spec.volumes[0].cloudInitNoCloud", "SetNetworkData"},
		},
		{
			name: "two ConfigDrive volumes are an error",
			vm: newVM(configDriveVolume("a", kubevirtv1.CloudInitConfigDriveSource{UserData: "x"}),
				configDriveVolume("b", kubevirtv1.CloudInitConfigDriveSource{UserData: "x"})),
			data:    []byte(js),
			wantErr: []string{"spec.template.spec.volumes[1].cloudInitConfigDrive"},
		},
		{
			name:    "a VM without a template is an error",
			vm:      &kubevirtv1.VirtualMachine{},
			data:    []byte(js),
			wantErr: []string{"spec.template"},
		},
		{
			name:    "a nil VM is an error",
			data:    []byte(js),
			wantErr: []string{"no VirtualMachine"},
		},
		{
			name:    "data that is not JSON is an error",
			vm:      newVM(),
			data:    []byte("network: {version: 2}"),
			wantErr: []string{"not valid JSON"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.vm.DeepCopy()
			out, sec, err := cloudinit.SetConfigDriveNetworkData(tt.vm, tt.data, tt.opts...)
			assert.Equal(t, before, tt.vm, "the input VM was modified")
			if len(tt.wantErr) > 0 {
				require.Error(t, err)
				for _, s := range tt.wantErr {
					assert.Contains(t, err.Error(), s)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantVolumes, out.Spec.Template.Spec.Volumes)
			assert.Equal(t, tt.wantDisks, out.Spec.Template.Spec.Domain.Devices.Disks)
			assert.Equal(t, tt.wantSecret, sec)
			assertNoSharedMemory(t, tt.vm, out)
		})
	}
}

// TestSecretIsDeterministic: the same input gives an equal Secret, and the
// Secret does not share the caller's bytes.
func TestSecretIsDeterministic(t *testing.T) {
	data := sized(4096)
	_, a, err := cloudinit.SetNetworkData(newVM(), data)
	require.NoError(t, err)
	_, b, err := cloudinit.SetNetworkData(newVM(), data)
	require.NoError(t, err)
	assert.Equal(t, a, b)
	assert.Empty(t, a.OwnerReferences)
	data[0] = 'X'
	assert.NotEqual(t, data, a.Data[cloudinit.SecretKey], "the Secret shares memory with the input")
}

// TestSecretSwitchesBothWays: a VM whose network data grows past the limit
// and shrinks again moves from inline data to a Secret and back, with one
// source set at each step and the user data untouched.
func TestSecretSwitchesBothWays(t *testing.T) {
	vm := newVM(rootDisk(), noCloudVolume("cloudinitdisk", noCloudUserData()))
	steps := []struct {
		data       []byte
		wantInline bool
	}{
		{[]byte(netData), true},
		{sized(2049), false},
		{sized(2048), true},
		{sized(10000), false},
		{[]byte(netData), true},
	}
	for i, st := range steps {
		next, sec, err := cloudinit.SetNetworkData(vm, st.data)
		require.NoError(t, err, "step %d", i)
		src := next.Spec.Template.Spec.Volumes[1].CloudInitNoCloud
		assert.Equal(t, noCloudUserData().UserData, src.UserData, "step %d: user data", i)
		assert.Empty(t, src.NetworkDataBase64, "step %d", i)
		if st.wantInline {
			assert.Equal(t, string(st.data), src.NetworkData, "step %d", i)
			assert.Nil(t, src.NetworkDataSecretRef, "step %d", i)
			assert.Nil(t, sec, "step %d", i)
		} else {
			assert.Empty(t, src.NetworkData, "step %d", i)
			require.NotNil(t, src.NetworkDataSecretRef, "step %d", i)
			require.NotNil(t, sec, "step %d", i)
			assert.Equal(t, sec.Name, src.NetworkDataSecretRef.Name, "step %d", i)
			assert.Equal(t, st.data, sec.Data[cloudinit.SecretKey], "step %d", i)
		}
		vm = next
	}
}
