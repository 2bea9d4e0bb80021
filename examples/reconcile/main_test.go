package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/netconfig/netplan"
)

// networkData returns the inline network data of vm's cloud-init volume.
func networkData(t *testing.T, vm *kubevirtv1.VirtualMachine) string {
	t.Helper()
	for _, v := range vm.Spec.Template.Spec.Volumes {
		if v.CloudInitNoCloud != nil {
			return v.CloudInitNoCloud.NetworkData
		}
	}
	t.Fatal("no cloudInitNoCloud volume")
	return ""
}

func TestFirstCreationMatchesByMAC(t *testing.T) {
	vm := newVM()
	before := vm.DeepCopy()
	out, err := Reconcile(askedIPConfigs(), vm, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, before, vm, "Reconcile modified its input")
	assert.True(t, out.Changed)
	assert.Nil(t, out.Secret)
	assert.Empty(t, out.Events, "with pinned MACs nothing falls back to names")

	cfg, err := netplan.Parse([]byte(networkData(t, out.VM)))
	require.NoError(t, err)
	for i, ifc := range out.VM.Spec.Template.Spec.Domain.Devices.Interfaces {
		require.NotEmpty(t, ifc.MacAddress, "interface %s was not pinned", ifc.Name)
		e := cfg.Network.Ethernets[[]string{"eth0", "eth1"}[i]]
		require.NotNil(t, e.Match, "interface %s is not matched by MAC", ifc.Name)
		assert.Equal(t, ifc.MacAddress, e.Match.MACAddress)
	}
}

func TestReconcileIsIdempotent(t *testing.T) {
	first, err := Reconcile(askedIPConfigs(), newVM(), nil, nil)
	require.NoError(t, err)
	second, err := Reconcile(askedIPConfigs(), first.VM, nil, nil)
	require.NoError(t, err)
	assert.False(t, second.Changed)
	assert.Equal(t, first.VM, second.VM)
}

func TestLaterReconcilesWithStatusKeepTheData(t *testing.T) {
	first, err := Reconcile(askedIPConfigs(), newVM(), nil, nil)
	require.NoError(t, err)
	ifaces := first.VM.Spec.Template.Spec.Domain.Devices.Interfaces

	// The VM runs: its VMI reports the MACs, the launcher pod the status.
	vmi := &kubevirtv1.VirtualMachineInstance{
		ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "vms"},
		Status: kubevirtv1.VirtualMachineInstanceStatus{Interfaces: []kubevirtv1.VirtualMachineInstanceNetworkInterface{
			{Name: "default", MAC: ifaces[0].MacAddress, InfoSource: "domain, guest-agent"},
			{Name: "external", MAC: ifaces[1].MacAddress, InfoSource: "domain, guest-agent, multus-status"},
		}},
	}
	status, err := json.Marshal([]map[string]any{
		{"name": "ovn-kubernetes", "interface": "eth0", "default": true, "ips": []string{"10.244.0.7"}},
		{"name": "vms/ext-net", "interface": "pod6a4ff9a30f0", "mac": ifaces[1].MacAddress},
	})
	require.NoError(t, err)
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "virt-launcher-web-1-abcde", Namespace: "vms",
		Annotations: map[string]string{"k8s.v1.cni.cncf.io/network-status": string(status)}}}

	later, err := Reconcile(askedIPConfigs(), first.VM, vmi, pod)
	require.NoError(t, err)
	assert.False(t, later.Changed)
	assert.Equal(t, networkData(t, first.VM), networkData(t, later.VM))
}

func TestAskingForANetworkTheVMLacksFails(t *testing.T) {
	asked := askedIPConfigs()
	asked.Networks[0].Name = "storage"
	_, err := Reconcile(asked, newVM(), nil, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `networks[0].name: Not found: "storage"`)
}

// runningVMI is the VMI of vm once it runs and its guest agent reports
// the NICs: KubeVirt v1.7.0 (pkg/network/setup/netstat.go) matches the
// agent's interfaces to the domain's by MAC and marks them
// "domain, guest-agent"; the pod network keeps the pod's address.
func runningVMI(vm *kubevirtv1.VirtualMachine, externalIPs ...string) *kubevirtv1.VirtualMachineInstance {
	ifaces := vm.Spec.Template.Spec.Domain.Devices.Interfaces
	return &kubevirtv1.VirtualMachineInstance{
		ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "vms"},
		Status: kubevirtv1.VirtualMachineInstanceStatus{Phase: kubevirtv1.Running, Interfaces: []kubevirtv1.VirtualMachineInstanceNetworkInterface{
			{Name: "default", InterfaceName: "eth0", MAC: ifaces[0].MacAddress, IP: "10.244.0.7", IPs: []string{"10.244.0.7"}, InfoSource: "domain, guest-agent"},
			{Name: "external", InterfaceName: "eth1", MAC: ifaces[1].MacAddress, IP: externalIPs[0], IPs: externalIPs, InfoSource: "domain, guest-agent, multus-status"},
		}},
	}
}

func TestConditionAfterTheVMRuns(t *testing.T) {
	first, err := Reconcile(askedIPConfigs(), newVM(), nil, nil)
	require.NoError(t, err)
	assert.Nil(t, first.Condition, "no VMI yet")
	var conditions []metav1.Condition
	assert.False(t, SetCondition(&conditions, first))
	assert.Empty(t, conditions)

	vm := first.VM.DeepCopy()
	vm.Generation = 2
	// The guest took another address than the one asked.
	wrong, err := Reconcile(askedIPConfigs(), vm, runningVMI(vm, "192.168.0.77", "fe80::1"), nil)
	require.NoError(t, err)
	require.NotNil(t, wrong.Condition)
	assert.Equal(t, "external", wrong.Verdicts[1].Network)
	assert.Equal(t, "Different", string(wrong.Verdicts[1].Kind))
	require.True(t, SetCondition(&conditions, wrong))
	require.Len(t, conditions, 1)
	assert.Equal(t, metav1.Condition{
		Type: "GuestNetworkConfigured", Status: metav1.ConditionFalse, Reason: "AddressesDiffer", ObservedGeneration: 2,
		Message:            "differ from what was asked: external (eth1 (" + vm.Spec.Template.Spec.Domain.Devices.Interfaces[1].MacAddress + ") has 192.168.0.77, not 192.168.0.200)",
		LastTransitionTime: conditions[0].LastTransitionTime,
	}, conditions[0])
	since := metav1.NewTime(conditions[0].LastTransitionTime.Add(-time.Hour))
	conditions[0].LastTransitionTime = since

	// The next reconcile sees the same report: nothing to write.
	again, err := Reconcile(askedIPConfigs(), vm, runningVMI(vm, "192.168.0.77", "fe80::1"), nil)
	require.NoError(t, err)
	assert.False(t, SetCondition(&conditions, again))
	assert.Equal(t, since, conditions[0].LastTransitionTime)

	// The guest is fixed: the condition turns True, at a new time.
	fixed, err := Reconcile(askedIPConfigs(), vm, runningVMI(vm, "192.168.0.200", "fe80::1"), nil)
	require.NoError(t, err)
	assert.True(t, SetCondition(&conditions, fixed))
	assert.Equal(t, metav1.ConditionTrue, conditions[0].Status)
	assert.Equal(t, "AsAsked", conditions[0].Reason)
	assert.NotEqual(t, since, conditions[0].LastTransitionTime)
}

func TestConditionWithoutGuestAgent(t *testing.T) {
	first, err := Reconcile(askedIPConfigs(), newVM(), nil, nil)
	require.NoError(t, err)
	vmi := runningVMI(first.VM, "192.168.0.200")
	for i := range vmi.Status.Interfaces {
		vmi.Status.Interfaces[i].InfoSource = "domain"
		vmi.Status.Interfaces[i].InterfaceName = ""
	}
	out, err := Reconcile(askedIPConfigs(), first.VM, vmi, nil)
	require.NoError(t, err)
	require.NotNil(t, out.Condition)
	assert.Equal(t, metav1.ConditionUnknown, out.Condition.Status)
	assert.Equal(t, "GuestAgentUnavailable", out.Condition.Reason)
}
