package manifest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/guestnet/guestnet/cloudinit"
	"github.com/guestnet/guestnet/internal/hostile"
	"github.com/guestnet/guestnet/internal/manifest"
	"github.com/guestnet/guestnet/macresolve"
	"github.com/guestnet/guestnet/multus"
	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/netplan"
)

// networkData is the small, valid network config the fuzz targets put into
// the objects they decode.
const networkData = `network:
  version: 2
  ethernets:
    eth0:
      match:
        macaddress: "02:00:00:00:00:01"
      set-name: "eth0"
      dhcp4: true
    eth1:
      match:
        macaddress: "02:00:00:00:00:02"
      set-name: "eth1"
      addresses:
        - "192.168.0.200/24"
      routes:
        - to: "0.0.0.0/0"
          via: "192.168.0.1"
`

// configDriveData is networkData as network_data.json.
func configDriveData(t testing.TB) []byte {
	t.Helper()
	cfg, err := netplan.Parse([]byte(networkData))
	require.NoError(t, err)
	js, err := cloudinit.NetworkDataJSON(cfg)
	require.NoError(t, err)
	return js
}

// Seeds shared by the targets: documents that are not manifests of the
// kind wanted, or barely are.
var commonSeeds = []string{
	"",
	"null",
	"{}",
	"[]",
	"kind: [",
	"kind: Service\nmetadata: {name: s}\n",
	"a: &a [*a, *a]\nkind: *a\n",
	"metadata: {name: a, namespace: b}\n---\nkind: Secret\n",
}

// FuzzVirtualMachine decodes arbitrary bytes with VirtualMachine and feeds
// what it accepts to every library entry point that takes a VirtualMachine.
// The invariants:
//
//   - nothing panics, and no call modifies the decoded VM (it is compared
//     with a deep copy taken before);
//   - VirtualMachine returns either a VM or an error (ErrTooLarge, a
//     *DecodeError or a *KindError naming the wanted kind), never both; an
//     accepted VM has kind "" or VirtualMachine, and encoding it and
//     decoding the result again is a fixpoint;
//   - every call that fails returns no output;
//   - macresolve.FromVM returns exactly the MACs set on the template's
//     named interfaces, normalised, each with the path of the first
//     interface that sets it;
//   - macresolve.Pin never changes a MAC that is set, gives every other
//     interface, in order, the MAC it reports, leaves every interface with
//     a MAC that Normalize accepts and that no other interface has, changes
//     nothing else, and is deterministic and idempotent;
//   - cloudinit.SetNetworkData and SetConfigDriveNetworkData succeed
//     exactly when the template has no cloud-init volume of the other kind,
//     at most one of its own, and room for a new one; the result then
//     holds the given network data exactly once, inline or in the returned
//     Secret, and differs from the input only there;
//   - netconfig.Build, given the VM's networks and FromVM's MACs, either
//     fails with field errors or matches each network whose MAC FromVM
//     knows by that MAC, and its YAML parses back into its Config.
func FuzzVirtualMachine(f *testing.F) {
	for _, s := range commonSeeds {
		f.Add([]byte(s))
	}
	f.Add(readSpec(f, "vm.yaml"))
	f.Add([]byte(`{"apiVersion":"kubevirt.io/v1","kind":"VirtualMachine","metadata":{"name":"a","namespace":"vms"},"spec":{"template":{"spec":{"domain":{"devices":{"interfaces":[{"name":"default","macAddress":"02-00-00-AA-BB-01"},{"name":"ext","bridge":{}}]}},"networks":[{"name":"default","pod":{}},{"name":"ext","multus":{"networkName":"ext-net"}}]}}}}`))
	cdData := configDriveData(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		orig := bytes.Clone(data)
		vm, err := manifest.VirtualMachine(data)
		require.Equal(t, orig, data, "the input was modified")
		if err != nil {
			require.Nil(t, vm)
			checkDecodeError(t, err, manifest.KindVirtualMachine, len(data))
			return
		}
		require.NotNil(t, vm)
		require.Contains(t, []string{"", manifest.KindVirtualMachine}, vm.Kind)
		checkFixpoint(t, vm, func(d []byte) (any, error) { return manifest.VirtualMachine(d) })

		before := vm.DeepCopy()
		unchanged := func(call string) {
			t.Helper()
			require.Equal(t, before, vm, "%s modified the VM", call)
		}

		table, err := macresolve.FromVM(vm)
		unchanged("FromVM")
		checkFromVM(t, vm, table, err)

		checkPin(t, vm)
		unchanged("Pin")

		checkSetData(t, vm, noCloudKind, []byte(networkData))
		unchanged("SetNetworkData")
		checkSetData(t, vm, configDriveKind, cdData)
		unchanged("SetConfigDriveNetworkData")

		if err == nil && vm.Spec.Template != nil {
			spec := specOf(vm.Namespace, vm.Spec.Template.Spec.Networks)
			checkBuildWithMACs(t, spec, table)
		}
		unchanged("Build")
	})
}

// FuzzVirtualMachineInstance decodes arbitrary bytes with
// VirtualMachineInstance and feeds what it accepts to the entry points that
// take a VMI. The invariants:
//
//   - nothing panics, and no call modifies the decoded VMI;
//   - VirtualMachineInstance returns either a VMI or an error (ErrTooLarge,
//     a *DecodeError or a *KindError), never both; an accepted VMI has kind
//     "" or VirtualMachineInstance, and encoding it and decoding the result
//     again is a fixpoint;
//   - macresolve.FromVMI returns, for each network, the first MAC its spec
//     interfaces set (netconfig.MACFromVMISpec, with the field's path) and
//     otherwise the first one its status entries report
//     (netconfig.MACFromVMIStatus, with the entry's infoSource), normalised,
//     and nothing else; on error, nothing;
//   - cloudinit.SetNetworkDataVMI succeeds exactly when the VMI has no
//     cloudInitConfigDrive volume, at most one cloudInitNoCloud volume and
//     room for a new one; the result then holds the network data exactly
//     once and differs from the input only there;
//   - netconfig.Build, given the VMI's networks and FromVMI's MACs, either
//     fails with field errors or matches each network whose MAC FromVMI
//     knows by that MAC, and its YAML parses back into its Config.
func FuzzVirtualMachineInstance(f *testing.F) {
	for _, s := range commonSeeds {
		f.Add([]byte(s))
	}
	f.Add(readSpec(f, "vmi.yaml"))
	f.Add([]byte("kind: VirtualMachineInstance\nspec:\n  domain:\n    devices:\n      interfaces: [{name: a, macAddress: nonsense}]\nstatus:\n  interfaces: [{name: b, mac: 'ff:ff:ff:ff:ff:ff'}]\n"))
	f.Add([]byte("kind: VirtualMachineInstance\nmetadata: {name: v, namespace: vms}\nspec:\n  domain:\n    devices:\n      interfaces: [{name: a, macAddress: '02:00:00:00:00:0A'}, {name: a, macAddress: '02-00-00-00-00-0a'}]\n  volumes: [{name: cloudinitdisk, containerDisk: {image: x}}]\nstatus:\n  interfaces: [{name: b, mac: '02:00:00:00:00:0b', infoSource: 'domain, guest-agent'}, {name: b, mac: '02:00:00:00:00:0c'}, {mac: '02:00:00:00:00:0d'}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		orig := bytes.Clone(data)
		vmi, err := manifest.VirtualMachineInstance(data)
		require.Equal(t, orig, data, "the input was modified")
		if err != nil {
			require.Nil(t, vmi)
			checkDecodeError(t, err, manifest.KindVirtualMachineInstance, len(data))
			return
		}
		require.NotNil(t, vmi)
		require.Contains(t, []string{"", manifest.KindVirtualMachineInstance}, vmi.Kind)
		checkFixpoint(t, vmi, func(d []byte) (any, error) { return manifest.VirtualMachineInstance(d) })

		before := vmi.DeepCopy()
		unchanged := func(call string) {
			t.Helper()
			require.Equal(t, before, vmi, "%s modified the VMI", call)
		}

		table, err := macresolve.FromVMI(vmi)
		unchanged("FromVMI")
		checkFromVMI(t, vmi, table, err)

		out, secret, serr := cloudinit.SetNetworkDataVMI(vmi, []byte(networkData))
		unchanged("SetNetworkDataVMI")
		if serr != nil {
			require.Nil(t, out)
			require.Nil(t, secret)
		}
		require.Equal(t, setDataShouldWork(&vmi.Spec, noCloudKind), serr == nil, "SetNetworkDataVMI: %v", serr)
		if serr == nil {
			require.Nil(t, secret, "small network data goes inline")
			checkCarried(t, &vmi.Spec, &out.Spec, noCloudKind, []byte(networkData), "")
			rest := out.DeepCopy()
			rest.Spec = *vmi.Spec.DeepCopy()
			require.Equal(t, vmi, rest, "SetNetworkDataVMI changed more than the spec")
		}

		if err == nil {
			checkBuildWithMACs(t, specOf(vmi.Namespace, vmi.Spec.Networks), table)
		}
		unchanged("Build")
	})
}

// FuzzPod decodes arbitrary bytes with Pod and feeds what it accepts to the
// multus entry points that take a pod, and the status they read to
// netconfig.Build. The invariants:
//
//   - nothing panics, and no call modifies the decoded Pod;
//   - Pod returns either a Pod or an error (ErrTooLarge, a *DecodeError or
//     a *KindError), never both; an accepted Pod has kind "" or Pod, and
//     encoding it and decoding the result again is a fixpoint;
//   - multus.NetworkStatusFromPod returns what ParseNetworkStatus returns
//     for the pod's network-status annotation (no entries and no error
//     when there is none), failing exactly when it fails, with no entries;
//   - macresolve.FromNetworkStatus, over a resolver of those entries, gives
//     only MACs a NIC can have, each the MAC of the network's status;
//   - netconfig.Build, with that status resolver and a network per
//     attachment the status names, either fails with field errors or takes
//     every MAC it reports as coming from the network status from that
//     network's status, and its YAML parses back into its Config.
func FuzzPod(f *testing.F) {
	for _, s := range commonSeeds {
		f.Add([]byte(s))
	}
	status := strings.TrimSpace(string(readSpec(f, "network-status.json")))
	f.Add([]byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: virt-launcher-dual-stack-x7k2p\n  namespace: vms\n  annotations:\n    k8s.v1.cni.cncf.io/network-status: |\n      " +
		strings.ReplaceAll(status, "\n", "\n      ") + "\n"))
	f.Add([]byte(`{"kind":"Pod","metadata":{"name":"p","namespace":"vms","annotations":{"k8s.v1.cni.cncf.io/network-status":"[{\"name\":\"vms/ext-net\",\"interface\":\"net1\",\"mac\":\"02:00:00:00:00:02\"},{\"name\":\"ext-net\",\"interface\":\"pod1\"}]"}}}`))
	f.Add([]byte("kind: Pod\nmetadata: {annotations: {k8s.v1.cni.cncf.io/network-status: '[{'}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		orig := bytes.Clone(data)
		pod, err := manifest.Pod(data)
		require.Equal(t, orig, data, "the input was modified")
		if err != nil {
			require.Nil(t, pod)
			checkDecodeError(t, err, manifest.KindPod, len(data))
			return
		}
		require.NotNil(t, pod)
		require.Contains(t, []string{"", manifest.KindPod}, pod.Kind)
		checkFixpoint(t, pod, func(d []byte) (any, error) { return manifest.Pod(d) })

		before := pod.DeepCopy()
		statuses, err := multus.NetworkStatusFromPod(pod)
		require.Equal(t, before, pod, "NetworkStatusFromPod modified the pod")
		value, annotated := pod.Annotations[nadv1.NetworkStatusAnnot]
		direct, derr := multus.ParseNetworkStatus(value)
		if !annotated {
			direct, derr = nil, nil
		}
		require.Equal(t, derr == nil, err == nil, "NetworkStatusFromPod: %v; ParseNetworkStatus: %v", err, derr)
		if err != nil {
			require.Nil(t, statuses)
			return
		}
		require.Equal(t, direct, statuses)

		r := multus.NewStatusIndex(pod.Namespace, statuses)
		spec := netconfig.Spec{Namespace: pod.Namespace, Networks: []netconfig.Network{{Name: "default", Source: netconfig.SourcePod}}}
		for i, s := range statuses {
			if s.Default || s.Name == "" || len(spec.Networks) > 16 {
				continue
			}
			spec.Networks = append(spec.Networks, netconfig.Network{
				Name: fmt.Sprintf("net%d", i), Source: netconfig.SourceMultus, NetworkName: s.Name,
				Binding: netconfig.BindingBridge, IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP},
			})
		}
		reported := r.NetworkStatuses(spec.Networks)
		for name, e := range macresolve.FromNetworkStatus(spec, r) {
			require.Equal(t, netconfig.MACFromNetworkStatus, e.Origin)
			require.Empty(t, e.MAC.Problem(), "network %s: MAC %s", name, e.MAC)
			i := indexOf(spec, name)
			require.GreaterOrEqual(t, i, 0)
			st, ok := reported[name]
			require.True(t, ok)
			require.Equal(t, st.MAC, e.MAC)
			require.Equal(t, st.Interface, e.Detail)
		}

		res, err := netconfig.Build(spec, netconfig.WithNetworkStatus(r))
		checkBuildResult(t, res, err)
		if err != nil {
			return
		}
		for i, ifc := range res.Interfaces {
			if ifc.MACOrigin == netconfig.MACFromNetworkStatus {
				st, ok := reported[spec.Networks[i].Name]
				require.True(t, ok)
				require.Equal(t, st.MAC, ifc.MAC)
			}
		}
		require.Equal(t, before, pod, "the pod was modified")
	})
}

// checkDecodeError checks the error of a decoder that wanted kind, for
// input of n bytes.
func checkDecodeError(t *testing.T, err error, kind string, n int) {
	t.Helper()
	var decErr *manifest.DecodeError
	var kindErr *manifest.KindError
	switch {
	case n > manifest.MaxSize:
		require.ErrorIs(t, err, manifest.ErrTooLarge)
	case errors.As(err, &decErr):
		require.Equal(t, kind, decErr.Want)
		require.Error(t, decErr.Err)
		require.True(t, strings.HasPrefix(err.Error(), "not a "+kind+" manifest: "), "%q", err)
	case errors.As(err, &kindErr):
		require.Equal(t, kind, kindErr.Want)
		require.NotEmpty(t, kindErr.Kind)
		require.NotEqual(t, kind, kindErr.Kind)
		require.Equal(t, "a "+kindErr.Kind+" manifest; want a "+kind, err.Error())
	default:
		t.Fatalf("unexpected error %T: %v", err, err)
	}
}

// checkFixpoint encodes obj as YAML, decodes that with decode and encodes
// the result again: the two encodings must be the same.
//
// The encoder, sigs.k8s.io/yaml, fails on some input: it cannot write a
// mapping key holding NEL (testdata/fuzz/FuzzPod/nel-in-annotation-key) or
// one of 1,023 bytes or more (long-annotation-key). An object that holds
// such text (hostile.SigsCannotEncode) is excused, and only such an object.
func checkFixpoint(t *testing.T, obj any, decode func([]byte) (any, error)) {
	t.Helper()
	excused := func() bool {
		var v any
		j, err := json.Marshal(obj)
		return err == nil && json.Unmarshal(j, &v) == nil && hostile.SigsCannotEncode(v)
	}
	first, err := yaml.Marshal(obj)
	if err != nil {
		require.True(t, excused(), "sigs.k8s.io/yaml cannot encode the manifest, for no known reason: %v", err)
		return
	}
	if len(first) > manifest.MaxSize {
		return
	}
	back, err := decode(first)
	if err != nil && excused() {
		return
	}
	require.NoError(t, err, "decoding its own encoding:\n%s", first)
	second, err := yaml.Marshal(back)
	require.NoError(t, err)
	if string(first) != string(second) && excused() {
		return
	}
	require.Equal(t, string(first), string(second), "encoding, decoding and encoding again changed the manifest")
}

// interfacesPath is the path of a VM template's interfaces.
const interfacesPath = "spec.template.spec.domain.devices.interfaces"

// checkFromVM checks what FromVM returned for vm.
func checkFromVM(t *testing.T, vm *kubevirtv1.VirtualMachine, table netconfig.MACTable, err error) {
	t.Helper()
	if err != nil {
		require.Nil(t, table)
		return
	}
	require.NotNil(t, vm.Spec.Template, "FromVM accepted a VM without a template")
	checkInterfaceMACs(t, interfacesPath, vm.Spec.Template.Spec.Domain.Devices.Interfaces, table, netconfig.MACFromVMTemplate)
	for name, e := range table {
		require.Equal(t, netconfig.MACFromVMTemplate, e.Origin, "network %q", name)
	}
}

// checkInterfaceMACs checks that table holds, with source, the MAC of the
// first interface of each name that sets one, normalised, and the path of
// its field.
func checkInterfaceMACs(t *testing.T, path string, ifaces []kubevirtv1.Interface, table netconfig.MACTable, source netconfig.MACOrigin) {
	t.Helper()
	first := map[string]int{}
	for i, ifc := range ifaces {
		if ifc.Name == "" || ifc.MacAddress == "" {
			continue
		}
		if _, ok := first[ifc.Name]; !ok {
			first[ifc.Name] = i
		}
		mac, err := macresolve.Normalize(ifc.MacAddress)
		require.NoError(t, err, "interfaces[%d] has a bad MAC, yet no error", i)
		e, ok := table[ifc.Name]
		require.True(t, ok, "interfaces[%d] (%q) sets a MAC the table lacks", i, ifc.Name)
		require.Equal(t, mac, e.MAC, "interfaces[%d] (%q): the table's MAC is not its MAC", i, ifc.Name)
	}
	for name, e := range table {
		if e.Origin != source {
			continue
		}
		i, ok := first[name]
		require.True(t, ok, "the table has network %q, which no interface sets a MAC for", name)
		require.Equal(t, fmt.Sprintf("%s[%d].macAddress", path, i), e.Detail)
		require.Empty(t, e.MAC.Problem())
	}
}

// checkFromVMI checks what FromVMI returned for vmi.
func checkFromVMI(t *testing.T, vmi *kubevirtv1.VirtualMachineInstance, table netconfig.MACTable, err error) {
	t.Helper()
	if err != nil {
		require.Nil(t, table)
		return
	}
	ifaces := vmi.Spec.Domain.Devices.Interfaces
	checkInterfaceMACs(t, "spec.domain.devices.interfaces", ifaces, table, netconfig.MACFromVMISpec)
	inSpec := map[string]bool{}
	for _, ifc := range ifaces {
		if ifc.Name != "" && ifc.MacAddress != "" {
			inSpec[ifc.Name] = true
		}
	}
	firstStatus := map[string]int{}
	for i, st := range vmi.Status.Interfaces {
		if st.Name == "" || st.MAC == "" || inSpec[st.Name] {
			continue
		}
		mac, err := macresolve.Normalize(st.MAC)
		require.NoError(t, err, "status.interfaces[%d] has a bad MAC, yet no error", i)
		e, ok := table[st.Name]
		require.True(t, ok, "status.interfaces[%d] (%q) reports a MAC the table lacks", i, st.Name)
		require.Equal(t, netconfig.MACFromVMIStatus, e.Origin)
		require.Equal(t, mac, e.MAC, "status.interfaces[%d] (%q) reports another MAC than the table's", i, st.Name)
		if _, ok := firstStatus[st.Name]; !ok {
			firstStatus[st.Name] = i
			require.Equal(t, st.InfoSource, e.Detail)
		}
	}
	for name, e := range table {
		switch e.Origin {
		case netconfig.MACFromVMISpec:
			require.True(t, inSpec[name])
		case netconfig.MACFromVMIStatus:
			_, ok := firstStatus[name]
			require.True(t, ok, "the table has network %q, which no status entry reports", name)
		default:
			t.Fatalf("network %q: source %q", name, e.Origin)
		}
	}
}

// checkPin checks Pin on vm.
func checkPin(t *testing.T, vm *kubevirtv1.VirtualMachine) {
	t.Helper()
	pinned, added, err := macresolve.Pin(vm)
	if err != nil {
		require.Nil(t, pinned)
		require.Nil(t, added)
		return
	}
	require.NotNil(t, pinned)
	require.NotSame(t, vm, pinned)
	require.NotNil(t, vm.Spec.Template, "Pin accepted a VM without a template")
	require.NotEmpty(t, vm.Namespace, "Pin accepted a VM without a namespace")
	require.NotEmpty(t, vm.Name, "Pin accepted a VM without a name")
	ifaces := vm.Spec.Template.Spec.Domain.Devices.Interfaces
	got := pinned.Spec.Template.Spec.Domain.Devices.Interfaces
	require.Len(t, got, len(ifaces))
	seen := map[netconfig.MAC]int{}
	next := 0
	for i, ifc := range ifaces {
		if ifc.MacAddress != "" {
			require.Equal(t, ifc.MacAddress, got[i].MacAddress, "Pin changed the MAC of interfaces[%d]", i)
		} else {
			require.Less(t, next, len(added), "interfaces[%d] got a MAC that Pin does not report", i)
			p := added[next]
			next++
			require.Equal(t, ifc.Name, p.Interface)
			require.Equal(t, p.MAC.String(), got[i].MacAddress)
			require.True(t, p.MAC.IsLocallyAdministered() && !p.MAC.IsMulticast(), "pinned MAC %s", p.MAC)
		}
		mac, err := macresolve.Normalize(got[i].MacAddress)
		require.NoError(t, err, "interfaces[%d] has no valid MAC after Pin", i)
		j, dup := seen[mac]
		require.False(t, dup, "interfaces[%d] and [%d] both have MAC %s after Pin", j, i, mac)
		seen[mac] = i
	}
	require.Equal(t, len(added), next, "Pin reports more MACs than it wrote")

	want := vm.DeepCopy()
	for i := range want.Spec.Template.Spec.Domain.Devices.Interfaces {
		want.Spec.Template.Spec.Domain.Devices.Interfaces[i].MacAddress = got[i].MacAddress
	}
	require.Equal(t, want, pinned, "Pin changed more than the missing MACs")

	again, added2, err := macresolve.Pin(vm)
	require.NoError(t, err)
	require.Equal(t, pinned, again, "Pin is not deterministic")
	require.Equal(t, added, added2)

	twice, more, err := macresolve.Pin(pinned)
	require.NoError(t, err, "Pin of a pinned VM")
	require.Empty(t, more)
	require.Equal(t, pinned, twice, "Pin is not idempotent")

	table, err := macresolve.FromVM(pinned)
	require.NoError(t, err, "FromVM of a pinned VM")
	for i, ifc := range got {
		mac, _ := macresolve.Normalize(ifc.MacAddress)
		require.Equal(t, mac, table[ifc.Name].MAC, "interfaces[%d]", i)
	}

	// The copy shares nothing with vm.
	for i := range got {
		got[i].MacAddress = "scribbled"
	}
	pinned.Spec.Template.Spec.Networks = append(pinned.Spec.Template.Spec.Networks, kubevirtv1.Network{Name: "scribbled"})
}

// volumeKind is the kind of cloud-init volume network data goes to.
type volumeKind int

const (
	noCloudKind volumeKind = iota
	configDriveKind
)

// count returns how many of spec's volumes are of kind k and of the other
// kind, and whether a volume is named as the one added would be.
func count(spec *kubevirtv1.VirtualMachineInstanceSpec, k volumeKind) (own, other int, nameTaken bool) {
	for _, v := range spec.Volumes {
		noCloud, configDrive := v.CloudInitNoCloud != nil, v.CloudInitConfigDrive != nil
		if k == configDriveKind {
			noCloud, configDrive = configDrive, noCloud
		}
		if noCloud {
			own++
		}
		if configDrive {
			other++
		}
		if v.Name == cloudinit.DefaultVolumeName {
			nameTaken = true
		}
	}
	return own, other, nameTaken
}

// setDataShouldWork reports whether network data of kind k can go into
// spec: no volume of the other kind, at most one of its own, and when
// there is none, room for one named DefaultVolumeName.
func setDataShouldWork(spec *kubevirtv1.VirtualMachineInstanceSpec, k volumeKind) bool {
	own, other, taken := count(spec, k)
	return other == 0 && (own == 1 || own == 0 && !taken)
}

// checkSetData checks SetNetworkData (noCloudKind) or
// SetConfigDriveNetworkData (configDriveKind) on vm, with and without
// ForceSecret.
func checkSetData(t *testing.T, vm *kubevirtv1.VirtualMachine, k volumeKind, data []byte) {
	t.Helper()
	set := cloudinit.SetNetworkData
	if k == configDriveKind {
		set = cloudinit.SetConfigDriveNetworkData
	}
	for _, force := range []bool{false, true} {
		var opts []cloudinit.Option
		if force {
			opts = append(opts, cloudinit.ForceSecret())
		}
		out, secret, err := set(vm, data, opts...)
		if err != nil {
			require.Nil(t, out)
			require.Nil(t, secret)
		}
		if vm.Spec.Template == nil {
			require.Error(t, err, "network data set on a VM without a template")
			continue
		}
		if !force {
			require.Equal(t, setDataShouldWork(&vm.Spec.Template.Spec, k), err == nil, "kind %d: %v", k, err)
		}
		if err != nil {
			continue
		}
		secretName := ""
		if force {
			require.NotNil(t, secret)
			secretName = vm.Name + "-networkdata"
			require.Equal(t, secretName, secret.Name)
			require.Equal(t, vm.Namespace, secret.Namespace)
			require.Equal(t, corev1.SecretTypeOpaque, secret.Type)
			require.Equal(t, map[string][]byte{cloudinit.SecretKey: data}, secret.Data)
		} else {
			require.Nil(t, secret, "small network data goes inline")
		}
		checkCarried(t, &vm.Spec.Template.Spec, &out.Spec.Template.Spec, k, data, secretName)
		rest := out.DeepCopy()
		rest.Spec.Template.Spec = *vm.Spec.Template.Spec.DeepCopy()
		require.Equal(t, vm, rest, "the network data changed more than the template's spec")
	}
}

// checkCarried checks that got, the spec that SetNetworkData or
// SetConfigDriveNetworkData returned for orig, carries data in its one
// volume of kind k (inline, or by reference to secretName when it is not
// empty), and differs from orig only there and in the volume and disk
// added for it.
func checkCarried(t *testing.T, orig, got *kubevirtv1.VirtualMachineInstanceSpec, k volumeKind, data []byte, secretName string) {
	t.Helper()
	own, other, _ := count(got, k)
	require.Equal(t, 1, own, "volumes of the kind carrying the data")
	require.Zero(t, other, "volumes of the other kind")
	at := -1
	for i, v := range got.Volumes {
		if k == noCloudKind && v.CloudInitNoCloud != nil || k == configDriveKind && v.CloudInitConfigDrive != nil {
			at = i
		}
	}
	v := got.Volumes[at]
	var inline, b64 string
	var ref *corev1.LocalObjectReference
	if k == noCloudKind {
		inline, b64, ref = v.CloudInitNoCloud.NetworkData, v.CloudInitNoCloud.NetworkDataBase64, v.CloudInitNoCloud.NetworkDataSecretRef
	} else {
		inline, b64, ref = v.CloudInitConfigDrive.NetworkData, v.CloudInitConfigDrive.NetworkDataBase64, v.CloudInitConfigDrive.NetworkDataSecretRef
	}
	require.Empty(t, b64, "printable data goes as text")
	if secretName != "" {
		require.Empty(t, inline)
		require.Equal(t, &corev1.LocalObjectReference{Name: secretName}, ref)
	} else {
		require.Equal(t, string(data), inline)
		require.Nil(t, ref)
	}

	want := orig.DeepCopy()
	if at < len(orig.Volumes) {
		w := &want.Volumes[at]
		require.Equal(t, w.Name, v.Name)
		if k == noCloudKind {
			require.NotNil(t, w.CloudInitNoCloud)
			w.CloudInitNoCloud.NetworkData, w.CloudInitNoCloud.NetworkDataBase64, w.CloudInitNoCloud.NetworkDataSecretRef = inline, b64, ref
		} else {
			require.NotNil(t, w.CloudInitConfigDrive)
			w.CloudInitConfigDrive.NetworkData, w.CloudInitConfigDrive.NetworkDataBase64, w.CloudInitConfigDrive.NetworkDataSecretRef = inline, b64, ref
		}
	} else {
		require.Equal(t, len(orig.Volumes), at, "the new volume is appended")
		require.Equal(t, cloudinit.DefaultVolumeName, v.Name)
		want.Volumes = append(want.Volumes, v)
		if len(got.Domain.Devices.Disks) == len(orig.Domain.Devices.Disks)+1 {
			d := got.Domain.Devices.Disks[len(got.Domain.Devices.Disks)-1]
			require.Equal(t, cloudinit.DefaultVolumeName, d.Name)
			for _, o := range orig.Domain.Devices.Disks {
				require.NotEqual(t, d.Name, o.Name, "a disk added beside one of the same name")
			}
			want.Domain.Devices.Disks = append(want.Domain.Devices.Disks, d)
		}
	}
	require.Equal(t, want, got, "the spec changed beyond the network data")
}

// specOf returns the netconfig.Spec of a VM's networks: pod networks as
// such, Multus networks with their attachment and DHCP, and others
// unspecified. At most 16 networks are taken.
func specOf(namespace string, networks []kubevirtv1.Network) netconfig.Spec {
	spec := netconfig.Spec{Namespace: namespace}
	for _, n := range networks {
		if len(spec.Networks) == 16 {
			break
		}
		nw := netconfig.Network{Name: n.Name}
		switch {
		case n.Pod != nil:
			nw.Source = netconfig.SourcePod
		case n.Multus != nil:
			nw.Source, nw.NetworkName = netconfig.SourceMultus, n.Multus.NetworkName
			nw.IPConfig = &netconfig.IPConfig{Mode: netconfig.ModeDHCP}
		}
		spec.Networks = append(spec.Networks, nw)
	}
	return spec
}

func indexOf(spec netconfig.Spec, name string) int {
	for i, n := range spec.Networks {
		if n.Name == name {
			return i
		}
	}
	return -1
}

// checkBuildWithMACs builds spec with table as MAC resolver and checks that
// every configured network whose MAC table knows is matched by it.
func checkBuildWithMACs(t *testing.T, spec netconfig.Spec, table netconfig.MACTable) {
	t.Helper()
	res, err := netconfig.Build(spec, netconfig.WithMACResolver(table))
	checkBuildResult(t, res, err)
	if err != nil {
		return
	}
	for i, ifc := range res.Interfaces {
		e, ok := table[spec.Networks[i].Name]
		if !ok || !ifc.Configured {
			continue
		}
		require.Equal(t, netconfig.MatchMAC, ifc.Match, "network %q", ifc.Network)
		require.Equal(t, e.Origin, ifc.MACOrigin, "network %q", ifc.Network)
		require.Equal(t, e.Detail, ifc.MACDetail, "network %q", ifc.Network)
		require.Equal(t, e.MAC, ifc.MAC)
		require.Equal(t, e.MAC.String(), res.Config.Network.Ethernets[ifc.Name].Match.MACAddress)
	}
}

// checkBuildResult checks the shape of what netconfig.Build returned: an
// *ValidationError of field errors with paths and an empty Result, or a
// Result whose YAML parses back into its Config.
func checkBuildResult(t *testing.T, res netconfig.Result, err error) {
	t.Helper()
	if err != nil {
		require.Equal(t, netconfig.Result{}, res, "a Result with an error")
		var invalid *netconfig.ValidationError
		require.ErrorAs(t, err, &invalid)
		require.NotEmpty(t, invalid.Errors)
		for _, fe := range invalid.Errors {
			require.NotNil(t, fe)
			require.NotEmpty(t, fe.Field)
		}
		return
	}
	cfg, perr := netplan.Parse(res.YAML)
	require.NoError(t, perr, "%s", res.YAML)
	require.Equal(t, res.Config, cfg)
}
