package cloudinit_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"
	"pgregory.net/rapid"
	"sigs.k8s.io/yaml"

	"github.com/guestnet/guestnet/cloudinit"
)

// genVMCase is a generated VM, network data and options.
type genVMCase struct {
	vm    *kubevirtv1.VirtualMachine
	data  []byte
	opts  []cloudinit.Option
	force bool
	// valid says whether SetNetworkData must accept the case: at most one
	// cloudInitNoCloud volume and no cloudInitConfigDrive volume.
	valid bool
	// kept is the user data of the NoCloud volume before the call, if any.
	kept *kubevirtv1.CloudInitNoCloudSource
}

// manifestText draws text that a VM manifest carries as it is.
var manifestText = rapid.StringMatching("[\t\n -~éß€😀]{1,40}")

// genNoCloud draws a NoCloud source with any user data and any (possibly
// several, possibly conflicting) network-data sources already set.
func genNoCloud(t *rapid.T, label string) kubevirtv1.CloudInitNoCloudSource {
	var s kubevirtv1.CloudInitNoCloudSource
	switch rapid.IntRange(0, 3).Draw(t, label+"/userData") {
	case 1:
		s.UserData = manifestText.Draw(t, label+"/userData/inline")
	case 2:
		s.UserDataBase64 = base64.StdEncoding.EncodeToString(rapid.SliceOfN(rapid.Byte(), 1, 40).Draw(t, label+"/userData/base64"))
	case 3:
		s.UserDataSecretRef = &corev1.LocalObjectReference{Name: "userdata-" + rapid.StringMatching(`[a-z0-9]{1,8}`).Draw(t, label+"/userData/secret")}
	}
	if rapid.Bool().Draw(t, label+"/networkData") {
		s.NetworkData = manifestText.Draw(t, label+"/networkData/inline")
	}
	if rapid.Bool().Draw(t, label+"/networkDataBase64") {
		s.NetworkDataBase64 = base64.StdEncoding.EncodeToString([]byte("old"))
	}
	if rapid.Bool().Draw(t, label+"/networkDataSecretRef") {
		s.NetworkDataSecretRef = &corev1.LocalObjectReference{Name: "old-networkdata"}
	}
	return s
}

// genData draws network data: text or arbitrary bytes, with sizes
// gathered around the inline limit.
func genData(t *rapid.T) []byte {
	size := rapid.OneOf(
		rapid.IntRange(1, 200),
		rapid.IntRange(cloudinit.MaxInlineNetworkData-3, cloudinit.MaxInlineNetworkData+3),
		rapid.IntRange(1, 3*cloudinit.MaxInlineNetworkData),
	).Draw(t, "size")
	if rapid.Bool().Draw(t, "binary") {
		return rapid.SliceOfN(rapid.Byte(), size, size).Draw(t, "bytes")
	}
	// Text: a drawn line repeated up to the size, possibly cut inside a
	// multi-byte character (which makes it invalid UTF-8).
	line := rapid.OneOf(
		rapid.StringN(1, 30, -1),
		// Characters YAML writers and readers treat specially.
		rapid.StringOfN(rapid.SampledFrom([]rune(" \t\r\n\x00\x7f\u0085\u00a0\u2028\u2029\ufeff\ufffd#:-'\"\\|>!&*{}[],%@`?abc")), 1, 30, -1),
	).Draw(t, "line") + "\n"
	return []byte(strings.Repeat(line, size/len(line)+1))[:size]
}

func genVM(t *rapid.T) genVMCase {
	var volumes []kubevirtv1.Volume
	noClouds, configDrives := 0, 0
	var kept *kubevirtv1.CloudInitNoCloudSource
	n := rapid.IntRange(0, 4).Draw(t, "volumes")
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("vol%d", i)
		switch rapid.IntRange(0, 5).Draw(t, name) {
		case 0, 1, 2:
			v := rootDisk()
			v.Name = name
			volumes = append(volumes, v)
		case 3, 4:
			src := genNoCloud(t, name)
			if noClouds == 0 {
				kept = src.DeepCopy()
			}
			noClouds++
			volumes = append(volumes, noCloudVolume(name, src))
		case 5:
			configDrives++
			volumes = append(volumes, configDriveVolume(name, kubevirtv1.CloudInitConfigDriveSource{UserData: "#cloud-config\n"}))
		}
	}
	c := genVMCase{vm: newVM(volumes...), data: genData(t), valid: noClouds <= 1 && configDrives == 0, kept: kept}
	c.vm.Name = rapid.StringMatching(`[a-z][a-z0-9-]{0,20}[a-z0-9]`).Draw(t, "name")
	c.vm.Namespace = rapid.StringMatching(`[a-z][a-z0-9]{0,10}`).Draw(t, "namespace")
	if rapid.Bool().Draw(t, "force") {
		c.force = true
		c.opts = append(c.opts, cloudinit.ForceSecret())
	}
	return c
}

// noCloudSources returns the template's NoCloud sources.
func noCloudSources(vm *kubevirtv1.VirtualMachine) []*kubevirtv1.CloudInitNoCloudSource {
	var out []*kubevirtv1.CloudInitNoCloudSource
	for _, v := range vm.Spec.Template.Spec.Volumes {
		if v.CloudInitNoCloud != nil {
			out = append(out, v.CloudInitNoCloud)
		}
	}
	return out
}

// networkDataOf returns the network data a VM carries, reading the Secret
// when the volume refers to one, and fails unless exactly one source is set.
func networkDataOf(t require.TestingT, vm *kubevirtv1.VirtualMachine, secret *corev1.Secret) []byte {
	srcs := noCloudSources(vm)
	require.Len(t, srcs, 1, "the VM must have exactly one cloudInitNoCloud volume")
	s := srcs[0]
	set := 0
	var data []byte
	if s.NetworkData != "" {
		set++
		data = []byte(s.NetworkData)
	}
	if s.NetworkDataBase64 != "" {
		set++
		var err error
		data, err = base64.StdEncoding.DecodeString(s.NetworkDataBase64)
		require.NoError(t, err)
	}
	if s.NetworkDataSecretRef != nil {
		set++
		require.NotNil(t, secret, "networkDataSecretRef is set but no Secret was returned")
		require.Equal(t, s.NetworkDataSecretRef.Name, secret.Name)
		data = secret.Data[cloudinit.SecretKey]
	} else {
		require.Nil(t, secret, "a Secret was returned but the volume does not refer to it")
	}
	require.Equal(t, 1, set, "exactly one of networkData, networkDataBase64 and networkDataSecretRef must be set: %+v", s)
	return data
}

// TestExactlyOneNetworkDataSource: after SetNetworkData on any VM, the
// NoCloud volume has exactly one network-data source, which holds the
// input byte for byte (inline up to the limit, in the Secret above it or
// when forced), the user data is as it was, and the input VM is unchanged.
// VMs with two NoCloud volumes or a ConfigDrive volume are refused.
func TestExactlyOneNetworkDataSource(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genVM(t)
		before := c.vm.DeepCopy()
		out, secret, err := cloudinit.SetNetworkData(c.vm, c.data, c.opts...)
		require.Equal(t, before, c.vm, "the input VM was modified")
		if !c.valid {
			require.Error(t, err)
			require.Nil(t, out)
			require.Nil(t, secret)
			return
		}
		require.NoError(t, err)
		got := networkDataOf(t, out, secret)
		require.True(t, bytes.Equal(c.data, got), "the network data differs from the input")

		s := noCloudSources(out)[0]
		wantSecret := c.force || len(c.data) > cloudinit.MaxInlineNetworkData
		require.Equal(t, wantSecret, s.NetworkDataSecretRef != nil, "Secret for %d bytes (forced: %v)", len(c.data), c.force)
		if secret != nil {
			require.Equal(t, c.vm.Namespace, secret.Namespace)
			require.Equal(t, c.vm.Name+"-networkdata", secret.Name)
			require.Equal(t, corev1.SecretTypeOpaque, secret.Type)
			require.Len(t, secret.Data, 1)
		}
		if c.kept != nil {
			require.Equal(t, c.kept.UserData, s.UserData)
			require.Equal(t, c.kept.UserDataBase64, s.UserDataBase64)
			require.Equal(t, c.kept.UserDataSecretRef, s.UserDataSecretRef)
		} else {
			require.Empty(t, s.UserData+s.UserDataBase64)
			require.Nil(t, s.UserDataSecretRef)
		}
		// Every volume has a disk.
		disks := map[string]bool{}
		for _, d := range out.Spec.Template.Spec.Domain.Devices.Disks {
			disks[d.Name] = true
		}
		for _, v := range out.Spec.Template.Spec.Volumes {
			require.True(t, disks[v.Name], "volume %s has no disk", v.Name)
		}
	})
}

// TestRoundTripThroughRealTypes: the updated VM (and its Secret) written as
// YAML with sigs.k8s.io/yaml, as a manifest, decode strictly back into
// kubevirtv1.VirtualMachine (corev1.Secret) equal to what SetNetworkData
// returned, still carrying the network data byte for byte.
func TestRoundTripThroughRealTypes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genVM(t)
		if !c.valid {
			return
		}
		out, secret, err := cloudinit.SetNetworkData(c.vm, c.data, c.opts...)
		require.NoError(t, err)

		back, backSecret := throughYAML(t, out, secret)
		require.True(t, bytes.Equal(c.data, networkDataOf(t, back, backSecret)), "the network data changed through YAML")
	})
}

// throughYAML writes vm and secret (which may be nil) as YAML manifests
// with sigs.k8s.io/yaml, decodes them strictly back into their types,
// checks that they come back equal, and returns them.
func throughYAML(t require.TestingT, vm *kubevirtv1.VirtualMachine, secret *corev1.Secret) (*kubevirtv1.VirtualMachine, *corev1.Secret) {
	manifest, err := yaml.Marshal(vm)
	require.NoError(t, err)
	var back kubevirtv1.VirtualMachine
	require.NoError(t, yaml.UnmarshalStrict(manifest, &back), "%s", manifest)
	require.Equal(t, vm, &back, "the VM changed through YAML:\n%s", manifest)
	if secret == nil {
		return &back, nil
	}
	sm, err := yaml.Marshal(secret)
	require.NoError(t, err)
	var backSecret corev1.Secret
	require.NoError(t, yaml.UnmarshalStrict(sm, &backSecret), "%s", sm)
	require.Equal(t, secret, &backSecret)
	return &back, &backSecret
}

// TestSetNetworkDataIsIdempotent: setting the same data again changes
// nothing.
func TestSetNetworkDataIsIdempotent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genVM(t)
		if !c.valid {
			return
		}
		once, s1, err := cloudinit.SetNetworkData(c.vm, c.data, c.opts...)
		require.NoError(t, err)
		twice, s2, err := cloudinit.SetNetworkData(once, c.data, c.opts...)
		require.NoError(t, err)
		assert.Equal(t, once, twice)
		assert.Equal(t, s1, s2)
	})
}
