package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/guestnet/guestnet/netconfig/netplan"
)

// splitDocs splits a YAML stream at its "---" separators.
func splitDocs(s string) []string {
	var docs []string
	for _, d := range strings.Split(s, "---\n") {
		if strings.TrimSpace(d) != "" {
			docs = append(docs, d)
		}
	}
	return docs
}

// noCloud returns the VM's cloudInitNoCloud volume source.
func noCloud(t *testing.T, vm kubevirtv1.VirtualMachine) *kubevirtv1.CloudInitNoCloudSource {
	t.Helper()
	var found *kubevirtv1.CloudInitNoCloudSource
	for _, v := range vm.Spec.Template.Spec.Volumes {
		if v.CloudInitNoCloud != nil {
			require.Nil(t, found, "two cloudInitNoCloud volumes")
			found = v.CloudInitNoCloud
		}
	}
	require.NotNil(t, found, "no cloudInitNoCloud volume")
	return found
}

func TestOutputVMWithPinnedMACs(t *testing.T) {
	r := render(t, "", "--spec", specs+"seed.yaml", "--vm", specs+"vm.yaml", "--pin-macs", "--output", "vm")
	require.Equal(t, 0, r.code, r.stderr)
	docs := splitDocs(r.stdout)
	require.Len(t, docs, 1, "the seed's data is small enough to be inline: no Secret")

	var vm kubevirtv1.VirtualMachine
	require.NoError(t, yaml.UnmarshalStrict([]byte(docs[0]), &vm), "the output is not a VirtualMachine:\n%s", docs[0])
	assert.Equal(t, "VirtualMachine", vm.Kind)

	// Every interface has a MAC now: the spec file's for external, a
	// pinned one for default.
	macs := map[string]string{}
	for _, ifc := range vm.Spec.Template.Spec.Domain.Devices.Interfaces {
		require.NotEmpty(t, ifc.MacAddress, "interface %s has no MAC", ifc.Name)
		macs[ifc.Name] = ifc.MacAddress
	}
	assert.Equal(t, "02:00:00:aa:bb:cc", macs["external"])
	assert.Contains(t, r.stderr, "note: --pin-macs: interface default gets MAC "+macs["default"])

	src := noCloud(t, vm)
	assert.Empty(t, src.NetworkDataBase64)
	assert.Nil(t, src.NetworkDataSecretRef)
	assert.Contains(t, src.UserData, "password: debian", "the user data is kept")

	// The network data matches the NICs by the MACs the VM now carries.
	cfg, err := netplan.Parse([]byte(src.NetworkData))
	require.NoError(t, err)
	assert.Equal(t, macs["default"], cfg.Network.Ethernets["eth0"].Match.MACAddress)
	assert.Equal(t, macs["external"], cfg.Network.Ethernets["eth1"].Match.MACAddress)

	// And it is byte for byte what the builder writes for that VM.
	pinned := filepath.Join(t.TempDir(), "vm.yaml")
	require.NoError(t, os.WriteFile(pinned, []byte(docs[0]), 0o644))
	plain := render(t, "", "--spec", specs+"seed.yaml", "--vm", pinned)
	require.Equal(t, 0, plain.code, plain.stderr)
	assert.Equal(t, plain.stdout, src.NetworkData)

	// Pinning is stable: a second run gives the same VM.
	again := render(t, "", "--spec", specs+"seed.yaml", "--vm", specs+"vm.yaml", "--pin-macs", "--output", "vm")
	assert.Equal(t, r.stdout, again.stdout)
}

func TestOutputVMWithSecret(t *testing.T) {
	// Many networks make the data larger than KubeVirt takes inline.
	var spec strings.Builder
	spec.WriteString("namespace: vms\nnetworks:\n  - name: default\n    pod: {}\n")
	var vmIfaces, vmNets strings.Builder
	for i := 1; i <= 12; i++ {
		name := "net" + string(rune('a'+i))
		spec.WriteString("  - name: " + name + "\n    multus: {networkName: nad}\n    macAddress: \"02:00:00:00:01:" + twoHex(i) + "\"\n")
		spec.WriteString("    ipConfig: {mode: static, addresses: [\"10.0." + itoa(i) + ".5/24\"], nameservers: {search: [example.internal]}}\n")
		vmIfaces.WriteString("          - {name: " + name + ", bridge: {}}\n")
		vmNets.WriteString("      - {name: " + name + ", multus: {networkName: nad}}\n")
	}
	vm := "apiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata: {name: big, namespace: vms}\nspec:\n  template:\n    spec:\n      domain:\n        devices:\n          interfaces:\n          - {name: default, masquerade: {}, macAddress: \"02:00:00:00:00:01\"}\n" +
		vmIfaces.String() + "      networks:\n      - {name: default, pod: {}}\n" + vmNets.String()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "spec.yaml"), []byte(spec.String()), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "vm.yaml"), []byte(vm), 0o644))

	netplanOut := render(t, "", "--spec", filepath.Join(dir, "spec.yaml"), "--vm", filepath.Join(dir, "vm.yaml"))
	require.Equal(t, 0, netplanOut.code, netplanOut.stderr)
	require.Greater(t, len(netplanOut.stdout), 2048)

	r := render(t, "", "--spec", filepath.Join(dir, "spec.yaml"), "--vm", filepath.Join(dir, "vm.yaml"), "--output", "vm")
	require.Equal(t, 0, r.code, r.stderr)
	docs := splitDocs(r.stdout)
	require.Len(t, docs, 2, "a Secret, then the VM")
	var secret corev1.Secret
	require.NoError(t, yaml.UnmarshalStrict([]byte(docs[0]), &secret))
	assert.Equal(t, "Secret", secret.Kind)
	var out kubevirtv1.VirtualMachine
	require.NoError(t, yaml.UnmarshalStrict([]byte(docs[1]), &out))
	src := noCloud(t, out)
	assert.Empty(t, src.NetworkData)
	assert.Empty(t, src.NetworkDataBase64)
	require.NotNil(t, src.NetworkDataSecretRef)
	assert.Equal(t, secret.Name, src.NetworkDataSecretRef.Name)
	assert.Equal(t, netplanOut.stdout, string(secret.Data["networkdata"]), "the Secret holds the builder's bytes")
}

func TestOutputNetworkDataJSON(t *testing.T) {
	// A network without a MAC cannot be a ConfigDrive link.
	r := render(t, "", "--spec", specs+"dual-stack.yaml", "--network-status", specs+"network-status.json", "--vmi", specs+"vmi.yaml", "--output", "network-data-json")
	require.Equal(t, 1, r.code)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "ConfigDrive links are matched by MAC")

	r = render(t, "", "--spec", specs+"seed.yaml", "--vm", specs+"vm.yaml", "--pin-macs", "--output", "network-data-json")
	require.Equal(t, 0, r.code, r.stderr)
	var doc struct {
		Links []struct {
			ID  string `json:"id"`
			MAC string `json:"ethernet_mac_address"`
		} `json:"links"`
		Networks []map[string]any `json:"networks"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
	require.NotEmpty(t, doc.Links)
	for _, l := range doc.Links {
		assert.NotEmpty(t, l.MAC, "link %s has no MAC", l.ID)
	}
	assert.NotEmpty(t, doc.Networks)
}

func TestOutputNoCloudDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "seed")
	r := render(t, "", "--spec", specs+"seed.yaml", "--vm", specs+"vm.yaml", "--output", "nocloud-dir", dir, "--default-route", "netplan")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	plain := render(t, "", "--spec", specs+"seed.yaml", "--vm", specs+"vm.yaml", "--default-route", "netplan")
	require.Equal(t, 0, plain.code)

	files, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, f := range files {
		names = append(names, f.Name())
	}
	assert.Equal(t, []string{"meta-data", "network-config", "user-data"}, names)
	nc, err := os.ReadFile(filepath.Join(dir, "network-config"))
	require.NoError(t, err)
	assert.Equal(t, plain.stdout, string(nc), "flags after DIR are parsed too")
	ud, err := os.ReadFile(filepath.Join(dir, "user-data"))
	require.NoError(t, err)
	assert.Contains(t, string(ud), "password: debian")
	md, err := os.ReadFile(filepath.Join(dir, "meta-data"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "instance-id:")
	assert.Contains(t, string(md), "web-1")
}

func TestKubeVirtUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"pin without vm", []string{"--spec", specs + "seed.yaml", "--pin-macs"}, "--pin-macs needs --vm"},
		{"vm output without vm", []string{"--spec", specs + "seed.yaml", "--output", "vm"}, "--output vm needs --vm"},
		{"nocloud-dir without dir", []string{"--spec", specs + "seed.yaml", "--output", "nocloud-dir"}, "needs the directory"},
		{"unknown output", []string{"--spec", specs + "seed.yaml", "--output", "xml"}, `not "xml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := render(t, "", tt.args...)
			assert.Equal(t, 2, r.code)
			assert.Empty(t, r.stdout)
			assert.Contains(t, r.stderr, tt.msg)
		})
	}
	r := render(t, "", "--spec", specs+"seed.yaml", "--vm", specs+"vmi.yaml")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "want a VirtualMachine")
}

func twoHex(i int) string { return string("0123456789abcdef"[i>>4]) + string("0123456789abcdef"[i&15]) }

func itoa(i int) string {
	var b bytes.Buffer
	if i >= 10 {
		b.WriteByte(byte('0' + i/10))
	}
	b.WriteByte(byte('0' + i%10))
	return b.String()
}
