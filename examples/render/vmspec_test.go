package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guestnet/guestnet/netconfig/netplan"
)

// TestSpecListsOnlyIPConfigs checks that with --vm or --vmi a spec file
// listing only names and IP configs renders what the spec file listing
// every network renders, and that the network's NICs take the VM's MACs.
func TestSpecListsOnlyIPConfigs(t *testing.T) {
	full := render(t, "", "--spec", specs+"dual-stack.yaml", "--vm", specs+"dual-stack-vm.yaml")
	require.Equal(t, 0, full.code, full.stderr)
	short := render(t, "", "--spec", specs+"dual-stack-ipconfig.yaml", "--vm", specs+"dual-stack-vm.yaml")
	require.Equal(t, 0, short.code, short.stderr)
	assert.Equal(t, full, short)

	cfg, err := netplan.Parse([]byte(short.stdout))
	require.NoError(t, err)
	eth := cfg.Network.Ethernets
	require.Len(t, eth, 4)
	for name, mac := range map[string]string{"eth0": "02:6a:2f:00:00:01", "eth1": "02:6a:2f:00:00:02", "eth2": "02:6a:2f:00:00:03", "eth3": "02:6a:2f:00:00:04"} {
		require.NotNil(t, eth[name].Match, name)
		assert.Equal(t, mac, eth[name].Match.MACAddress, name)
	}
	assert.NotContains(t, short.stderr, "InterfaceNameFallback")

	t.Run("from a VMI", func(t *testing.T) {
		// vmi.yaml sets storage's MAC; the others come from its status.
		r := render(t, "", "--spec", specs+"dual-stack-ipconfig.yaml", "--vmi", specs+"vmi.yaml", "--network-status", specs+"network-status.json")
		require.Equal(t, 0, r.code, r.stderr)
		want := render(t, "", "--spec", specs+"dual-stack.yaml", "--vmi", specs+"vmi.yaml", "--network-status", specs+"network-status.json")
		assert.Equal(t, want, r)
	})
	t.Run("the namespace comes from the VM", func(t *testing.T) {
		r := render(t, "- {name: ext, ipConfig: {mode: static, addresses: [10.0.0.5/24]}}\n",
			"--spec", "-", "--vm", writeVM(t, "ext", "multus: {networkName: ext-net}", "bridge: {}, macAddress: '02:00:00:00:00:02'"), "--output", "vm")
		require.Equal(t, 0, r.code, r.stderr)
		assert.Contains(t, r.stdout, "namespace: vms")
	})
}

// writeVM writes a VirtualMachine in namespace vms with the pod network
// and one more network, name, whose source and interface fields are
// given as YAML flow mappings' contents, and returns its path.
func writeVM(t *testing.T, name, source, iface string) string {
	t.Helper()
	vm := "apiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata: {name: vm, namespace: vms}\nspec:\n  template:\n    spec:\n" +
		"      domain:\n        devices:\n          interfaces:\n          - {name: default, masquerade: {}}\n          - {name: " + name + ", " + iface + "}\n" +
		"      networks:\n      - {name: default, pod: {}}\n      - {name: " + name + ", " + source + "}\n"
	path := filepath.Join(t.TempDir(), "vm.yaml")
	require.NoError(t, os.WriteFile(path, []byte(vm), 0o644))
	return path
}

func TestSpecAgainstTheVM(t *testing.T) {
	vm := writeVM(t, "ext", "multus: {networkName: ext-net}", "bridge: {}, macAddress: '02:00:00:00:00:02', pciAddress: '0000:02:01.0'")
	tests := []struct {
		name string
		spec string
		args []string
		want []string // the lines of stderr, each a prefix
	}{
		{
			name: "a network the VM lacks",
			spec: "- {name: ext, ipConfig: {mode: dhcp}}\n- {name: storage, ipConfig: {mode: dhcp}}\n",
			want: []string{`error: networks[1].name: Not found: "storage": the VM has no network of this name; its networks are "default", "ext"`},
		},
		{
			name: "fields that contradict the VM",
			spec: "namespace: other\nnetworks:\n- {name: ext, multus: {networkName: other-net}, binding: sriov, macAddress: '02:00:00:00:00:09', pciAddress: '0000:00:04.0'}\n- {name: default, multus: {networkName: x}}\n",
			want: []string{
				`error: namespace: Invalid value: "other": the VM is in namespace "vms"`,
				`error: networks[0].networkName: Invalid value: "other-net": the VM's network names the NetworkAttachmentDefinition "vms/ext-net"`,
				`error: networks[0].binding: Invalid value: "sriov": the VM's interface (spec.template.spec.domain.devices.interfaces[1]) has binding "bridge"`,
				`error: networks[0].macAddress: Invalid value: "02:00:00:00:00:09": the VM's interface (spec.template.spec.domain.devices.interfaces[1]) has MAC 02:00:00:00:00:02`,
				`error: networks[0].pciAddress: Invalid value: "0000:00:04.0"`,
				`error: networks[1].source: Invalid value: "multus": the VM's network is the pod network`,
				`error: networks[1].networkName: Invalid value: "x"`,
			},
		},
		{
			name: "Build's problems at the spec file's paths",
			spec: "- {name: ext, ipConfig: {mode: static, addresses: [10.0.0.5/24], gateways: [192.168.0.1]}}\n",
			want: []string{"error: networks[0].ipConfig.gateways[0]: "},
		},
		{
			name: "Build's problems of a network only the VM declares",
			spec: "- {name: default, ipConfig: {mode: dhcp}}\n",
			args: []string{"--vm", writeVM(t, "ext", "multus: {networkName: ext-net}", "masquerade: {}")},
			want: []string{`error: --vm `},
		},
		{
			name: "Build's problems of a field the VM gives a listed network",
			spec: "- {name: ext, ipConfig: {mode: dhcp}}\n",
			args: []string{"--vm", writeVM(t, "ext", "multus: {networkName: ext-net}", "masquerade: {}")},
			want: []string{`error: --vm `},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if args == nil {
				args = []string{"--vm", vm}
			}
			r := render(t, tt.spec, append([]string{"--spec", "-"}, args...)...)
			requireFailed(t, r, tt.want)
		})
	}
}

func TestVMProblemsAreSaidOfTheManifest(t *testing.T) {
	vm := writeVM(t, "ext", "multus: {networkName: ext-net}", "bridge: {}, macAddress: nonsense")
	vm2 := filepath.Join(t.TempDir(), "vm.yaml")
	data, err := os.ReadFile(vm)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(vm2, []byte(strings.Replace(string(data), "- {name: default, pod: {}}", "- {name: default, pod: {}}\n      - {name: extra, pod: {}}", 1)), 0o644))

	r := render(t, "", "--spec", specs+"seed.yaml", "--vm", vm2)
	assert.Equal(t, 1, r.code)
	assert.Empty(t, r.stdout)
	got := lines(r.stderr)
	require.Len(t, got, 3, r.stderr)
	assert.True(t, strings.HasPrefix(got[0], "error: --vm "+vm2+`: spec.template.spec.domain.devices.interfaces[1].macAddress: Invalid value: "nonsense"`), got[0])
	assert.True(t, strings.HasPrefix(got[1], "error: --vm "+vm2+`: spec.template.spec.networks[1].name: Invalid value: "extra": no interface`), got[1])
	assert.True(t, strings.HasPrefix(got[2], `error: networks[1].name: Not found: "external"`), got[2], "seed.yaml's network, which the VM lacks")
}
