package bench_test

// The reconcile step a controller runs for every VM on every reconcile,
// end to end, against the work it cannot avoid. It is the path users run:
// Build alone is a fraction of it.

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/guestnet/guestnet/cloudinit"
	"github.com/guestnet/guestnet/macresolve"
	"github.com/guestnet/guestnet/multus"
	"github.com/guestnet/guestnet/netconfig"
)

// reconcileInput is what a controller holds when it reconciles a running
// VM: the VirtualMachine (its template's interfaces carry their MACs, as
// after the first reconcile) and the virt-launcher pod, whose
// network-status annotation reports every network.
type reconcileInput struct {
	nets []refNet
	spec netconfig.Spec
	vm   *kubevirtv1.VirtualMachine
	pod  *corev1.Pod
}

func newReconcileInput(nets []refNet) reconcileInput {
	in := reconcileInput{nets: nets, spec: spec(nets)}
	tmpl := kubevirtv1.VirtualMachineInstanceSpec{}
	statuses := []nadv1.NetworkStatus{{Name: "ovn-kubernetes", Interface: "eth0", IPs: []string{"10.244.0.5"}, Mac: "0a:58:0a:f4:00:05", Default: true}}
	for i, n := range nets {
		iface := kubevirtv1.Interface{Name: n.Name, MacAddress: n.MAC}
		net := kubevirtv1.Network{Name: n.Name}
		if i == 0 {
			iface.Masquerade = &kubevirtv1.InterfaceMasquerade{}
			net.Pod = &kubevirtv1.PodNetwork{}
		} else {
			iface.Bridge = &kubevirtv1.InterfaceBridge{}
			net.Multus = &kubevirtv1.MultusNetwork{NetworkName: n.NAD}
			statuses = append(statuses, nadv1.NetworkStatus{
				Name: "vms/" + n.NAD, Interface: multus.PodInterfaceName(n.Name), Mac: n.MAC, DNS: nadv1.DNS{},
			})
		}
		tmpl.Domain.Devices.Interfaces = append(tmpl.Domain.Devices.Interfaces, iface)
		tmpl.Networks = append(tmpl.Networks, net)
	}
	in.vm = &kubevirtv1.VirtualMachine{
		TypeMeta:   metav1.TypeMeta{APIVersion: "kubevirt.io/v1", Kind: "VirtualMachine"},
		ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "vms"},
		Spec:       kubevirtv1.VirtualMachineSpec{Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{Spec: tmpl}},
	}
	annotation, err := json.Marshal(statuses)
	if err != nil {
		panic(err)
	}
	in.pod = &corev1.Pod{ObjectMeta: metav1.ObjectMeta{
		Name: "virt-launcher-web-1-abcde", Namespace: "vms",
		Annotations: map[string]string{nadv1.NetworkStatusAnnot: string(annotation)},
	}}
	return in
}

// reconcileStep is guestnet's reconcile step, as examples/reconcile runs
// it: pin MACs, read them from the VM, read the pod's network status,
// build, and put the network data into the VM.
func reconcileStep(in reconcileInput) (*kubevirtv1.VirtualMachine, *corev1.Secret, error) {
	pinned, _, err := macresolve.Pin(in.vm)
	if err != nil {
		return nil, nil, err
	}
	macs, err := macresolve.FromVM(pinned)
	if err != nil {
		return nil, nil, err
	}
	statuses, err := multus.NetworkStatusFromPod(in.pod)
	if err != nil {
		return nil, nil, err
	}
	res, err := netconfig.Build(in.spec,
		netconfig.WithMACResolver(macs),
		netconfig.WithNetworkStatus(multus.NewStatusIndex(in.vm.Namespace, statuses)))
	if err != nil {
		return nil, nil, err
	}
	return cloudinit.SetNetworkData(pinned, res.YAML)
}

// reconcileFloor is the work no reconcile step can avoid: one copy of the
// VM to write the data into, the document written by concatenation, and
// the annotation decoded.
func reconcileFloor(in reconcileInput) (*kubevirtv1.VirtualMachine, *corev1.Secret, error) {
	vm := in.vm.DeepCopy()
	var statuses []nadv1.NetworkStatus
	if err := json.Unmarshal([]byte(in.pod.Annotations[nadv1.NetworkStatusAnnot]), &statuses); err != nil {
		return nil, nil, err
	}
	doc := concat(in.nets)
	vm.Spec.Template.Spec.Volumes = append(vm.Spec.Template.Spec.Volumes, kubevirtv1.Volume{
		Name:         "cloudinitdisk",
		VolumeSource: kubevirtv1.VolumeSource{CloudInitNoCloud: &kubevirtv1.CloudInitNoCloudSource{NetworkData: doc}},
	})
	return vm, nil, nil
}

func reconcileCases() []benchCase {
	return []benchCase{
		{"secondaries=4", benchVM(0, 4, false)},
		{"secondaries=64", benchVM(0, 64, false)},
	}
}

// TestReconcileStepAgrees checks that the step and its floor put the same
// network data into the VM, so that the benchmark compares like with like.
func TestReconcileStepAgrees(t *testing.T) {
	for _, bc := range reconcileCases() {
		t.Run(bc.name, func(t *testing.T) {
			in := newReconcileInput(bc.nets)
			got, secret, err := reconcileStep(in)
			require.NoError(t, err)
			floor, _, err := reconcileFloor(in)
			require.NoError(t, err)
			var want, have any
			require.NoError(t, sigsyaml.Unmarshal([]byte(networkData(floor, nil)), &want))
			require.NoError(t, sigsyaml.Unmarshal([]byte(networkData(got, secret)), &have))
			require.True(t, reflect.DeepEqual(want, have), "the step's network data differs from the floor's")
			require.Len(t, in.vm.Spec.Template.Spec.Volumes, 0, "the input VM is not modified")
		})
	}
}

// networkData is the network data of vm's cloud-init volume: inline, or
// in secret when the volume refers to one.
func networkData(vm *kubevirtv1.VirtualMachine, secret *corev1.Secret) string {
	var docs []string
	for _, v := range vm.Spec.Template.Spec.Volumes {
		switch src := v.CloudInitNoCloud; {
		case src == nil:
		case src.NetworkDataSecretRef != nil && secret != nil:
			docs = append(docs, string(secret.Data["networkdata"]))
		default:
			docs = append(docs, src.NetworkData)
		}
	}
	return strings.Join(docs, "---\n")
}

// BenchmarkReconcile benchmarks the reconcile step against its floor, VM
// by VM, interleaved. Each reports ns/network, the cost per NIC.
func BenchmarkReconcile(b *testing.B) {
	for _, bc := range reconcileCases() {
		in := newReconcileInput(bc.nets)
		for _, impl := range []struct {
			name string
			step func(reconcileInput) (*kubevirtv1.VirtualMachine, *corev1.Secret, error)
		}{{"guestnet", reconcileStep}, {"floor", reconcileFloor}} {
			b.Run("vm="+bc.name+"/impl="+impl.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, _, err := impl.step(in); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(bc.nets)), "ns/network")
			})
		}
	}
}
