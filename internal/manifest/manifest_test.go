package manifest_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guestnet/guestnet/internal/manifest"
)

func readSpec(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("../../examples/specs/" + name)
	require.NoError(t, err)
	return data
}

func TestVirtualMachine(t *testing.T) {
	vm, err := manifest.VirtualMachine(readSpec(t, "vm.yaml"))
	require.NoError(t, err)
	assert.Equal(t, "VirtualMachine", vm.Kind)
	assert.Equal(t, "vms", vm.Namespace)
	assert.Equal(t, "web-1", vm.Name)
	require.NotNil(t, vm.Spec.Template)
	ifaces := vm.Spec.Template.Spec.Domain.Devices.Interfaces
	require.Len(t, ifaces, 2)
	assert.Equal(t, "external", ifaces[1].Name)
	assert.Equal(t, "0000:02:01.0", ifaces[1].PciAddress)
	require.Len(t, vm.Spec.Template.Spec.Volumes, 2)
	require.NotNil(t, vm.Spec.Template.Spec.Volumes[1].CloudInitNoCloud)
	assert.Contains(t, vm.Spec.Template.Spec.Volumes[1].CloudInitNoCloud.UserData, "#cloud-config")
}

func TestVirtualMachineInstance(t *testing.T) {
	vmi, err := manifest.VirtualMachineInstance(readSpec(t, "vmi.yaml"))
	require.NoError(t, err)
	assert.Equal(t, "dual-stack", vmi.Name)
	require.Len(t, vmi.Spec.Domain.Devices.Interfaces, 4)
	assert.Equal(t, "02:6a:2f:00:00:02", vmi.Spec.Domain.Devices.Interfaces[1].MacAddress)
	require.Len(t, vmi.Status.Interfaces, 3)
	assert.Equal(t, "02:6a:2f:00:00:03", vmi.Status.Interfaces[2].MAC)
}

func TestPod(t *testing.T) {
	status := string(readSpec(t, "network-status.json"))
	doc := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: virt-launcher-dual-stack-x7k2p\n  namespace: vms\n" +
		"  annotations:\n    k8s.v1.cni.cncf.io/network-status: |\n      " + strings.ReplaceAll(strings.TrimSpace(status), "\n", "\n      ") + "\n"
	pod, err := manifest.Pod([]byte(doc))
	require.NoError(t, err)
	assert.Equal(t, "virt-launcher-dual-stack-x7k2p", pod.Name)
	assert.JSONEq(t, status, pod.Annotations["k8s.v1.cni.cncf.io/network-status"])
}

func TestJSONManifests(t *testing.T) {
	vm, err := manifest.VirtualMachine([]byte(`{"apiVersion":"kubevirt.io/v1","kind":"VirtualMachine","metadata":{"name":"a","namespace":"b"},"spec":{"template":{"spec":{"domain":{"devices":{"interfaces":[{"name":"default","macAddress":"02:00:00:00:00:01"}]}}}}}}`))
	require.NoError(t, err)
	assert.Equal(t, "02:00:00:00:00:01", vm.Spec.Template.Spec.Domain.Devices.Interfaces[0].MacAddress)
	pod, err := manifest.Pod([]byte(`{"kind":"Pod","metadata":{"annotations":{"k8s.v1.cni.cncf.io/network-status":"[]"}}}`))
	require.NoError(t, err)
	assert.Equal(t, "[]", pod.Annotations["k8s.v1.cni.cncf.io/network-status"])
}

func TestAccepted(t *testing.T) {
	for name, doc := range map[string]string{
		"no kind":            "metadata: {name: a}\n",
		"empty":              "",
		"null":               "null",
		"unknown fields":     "kind: VirtualMachine\nspec: {futureField: {x: 1}}\nstatus: {anything: [1, 2]}\n",
		"several documents":  "kind: VirtualMachine\nmetadata: {name: a}\n---\nkind: Secret\n",
		"comment only":       "# nothing here\n",
		"an explicit empty":  "{}",
		"other API versions": "apiVersion: kubevirt.io/v1alpha3\nkind: VirtualMachine\n",
	} {
		t.Run(name, func(t *testing.T) {
			vm, err := manifest.VirtualMachine([]byte(doc))
			require.NoError(t, err)
			assert.NotNil(t, vm)
		})
	}
}

func TestErrors(t *testing.T) {
	type decoder func([]byte) (any, error)
	vm := func(d []byte) (any, error) { return manifest.VirtualMachine(d) }
	vmi := func(d []byte) (any, error) { return manifest.VirtualMachineInstance(d) }
	pod := func(d []byte) (any, error) { return manifest.Pod(d) }
	tests := []struct {
		name   string
		decode decoder
		doc    string
		kind   string // the *KindError's Kind, if one is expected
		decErr bool   // a *DecodeError is expected
		msg    string // a prefix of the message
	}{
		{name: "a VMI for a VM", decode: vm, doc: "kind: VirtualMachineInstance\n", kind: "VirtualMachineInstance", msg: "a VirtualMachineInstance manifest; want a VirtualMachine"},
		{name: "a VM for a VMI", decode: vmi, doc: "kind: VirtualMachine\nmetadata: {name: vm}\n", kind: "VirtualMachine", msg: "a VirtualMachine manifest; want a VirtualMachineInstance"},
		{name: "a Service for a Pod", decode: pod, doc: "kind: Service\nmetadata: {name: s}\n", kind: "Service", msg: "a Service manifest; want a Pod"},
		{name: "kinds are case-sensitive", decode: vm, doc: "kind: virtualmachine\n", kind: "virtualmachine", msg: "a virtualmachine manifest; want a VirtualMachine"},
		{name: "not YAML", decode: vmi, doc: "kind: [", decErr: true, msg: "not a VirtualMachineInstance manifest: "},
		{name: "not a mapping", decode: vm, doc: "- a\n- b\n", decErr: true, msg: "not a VirtualMachine manifest: "},
		{name: "a scalar", decode: pod, doc: "42", decErr: true, msg: "not a Pod manifest: "},
		{name: "a kind that is not text", decode: vm, doc: "kind: [VirtualMachine]\n", decErr: true, msg: "not a VirtualMachine manifest: "},
		{name: "a field of the wrong type", decode: vm, doc: "kind: VirtualMachine\nspec: {template: {spec: {domain: {devices: {interfaces: {name: a}}}}}}\n", decErr: true, msg: "not a VirtualMachine manifest: "},
		{name: "a quantity that does not parse", decode: vmi, doc: "spec: {domain: {resources: {requests: {memory: lots}}}}\n", decErr: true, msg: "not a VirtualMachineInstance manifest: "},
		{name: "an alias bomb", decode: vm, doc: aliasBomb(), decErr: true, msg: "not a VirtualMachine manifest: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.doc)
			orig := bytes.Clone(data)
			obj, err := tt.decode(data)
			require.Error(t, err)
			assert.Nil(t, obj)
			assert.True(t, strings.HasPrefix(err.Error(), tt.msg), "error %q, want it to start with %q", err, tt.msg)
			var kindErr *manifest.KindError
			var decErr *manifest.DecodeError
			if tt.kind != "" {
				require.ErrorAs(t, err, &kindErr)
				assert.Equal(t, tt.kind, kindErr.Kind)
			} else {
				assert.False(t, errors.As(err, &kindErr))
			}
			if tt.decErr {
				require.ErrorAs(t, err, &decErr)
				assert.Error(t, decErr.Err)
				assert.Equal(t, decErr.Err, errors.Unwrap(err))
			} else {
				assert.False(t, errors.As(err, &decErr))
			}
			assert.Equal(t, orig, data, "the input was modified")
		})
	}
}

// aliasBomb is a small document that expands to billions of nodes.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("a: &a [x, x, x, x, x, x, x, x, x]\n")
	prev := "a"
	for _, c := range "bcdefghij" {
		name := string(c)
		b.WriteString(name + ": &" + name + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n")
		prev = name
	}
	b.WriteString("kind: VirtualMachine\n")
	return b.String()
}

func TestSizeLimit(t *testing.T) {
	head := "kind: VirtualMachine\nmetadata: {name: a}\n"
	pad := func(n int) []byte {
		return []byte(head + "#" + strings.Repeat("x", n-len(head)-2) + "\n")
	}
	at := pad(manifest.MaxSize)
	require.Len(t, at, manifest.MaxSize)
	vm, err := manifest.VirtualMachine(at)
	require.NoError(t, err, "a manifest of exactly MaxSize bytes")
	assert.Equal(t, "a", vm.Name)

	over := pad(manifest.MaxSize + 1)
	for name, decode := range map[string]func([]byte) (any, error){
		"VirtualMachine":         func(d []byte) (any, error) { return manifest.VirtualMachine(d) },
		"VirtualMachineInstance": func(d []byte) (any, error) { return manifest.VirtualMachineInstance(d) },
		"Pod":                    func(d []byte) (any, error) { return manifest.Pod(d) },
	} {
		obj, err := decode(over)
		assert.Nil(t, obj, name)
		require.ErrorIs(t, err, manifest.ErrTooLarge, name)
		assert.Equal(t, name+" manifest of 1048577 bytes: larger than the limit of 1048576 bytes (1 MiB)", err.Error())
	}
}

// TestDecodingRules pins the rules of sigs.k8s.io/yaml.Unmarshal that the
// package documentation states, which are the render CLI's since its
// first version.
func TestDecodingRules(t *testing.T) {
	const iface = "spec:\n  template:\n    spec:\n      domain:\n        devices:\n          interfaces:\n          - name: ext\n"
	vm, err := manifest.VirtualMachine([]byte(iface + "            MACADDRESS: '02:00:00:00:00:02'\n"))
	require.NoError(t, err)
	assert.Equal(t, "02:00:00:00:00:02", vm.Spec.Template.Spec.Domain.Devices.Interfaces[0].MacAddress, "field names match case-insensitively")

	vm, err = manifest.VirtualMachine([]byte(iface + "            macAddress: '02:00:00:00:00:01'\n            macAddress: '02:00:00:00:00:02'\n"))
	require.NoError(t, err)
	assert.Equal(t, "02:00:00:00:00:02", vm.Spec.Template.Spec.Domain.Devices.Interfaces[0].MacAddress, "the last of duplicate keys is kept")

	pod, err := manifest.Pod([]byte("metadata: {name: 123}\n"))
	require.NoError(t, err)
	assert.Equal(t, "123", pod.Name, "a plain scalar where text is wanted is its text")

	_, err = manifest.Pod([]byte("KIND: Service\n"))
	var kindErr *manifest.KindError
	require.ErrorAs(t, err, &kindErr, "kind is a field like any other")
}
