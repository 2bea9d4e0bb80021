// Command reconcile shows a controller's reconcile step built on guestnet,
// end to end on in-memory objects (no cluster): a VirtualMachine, which
// declares its networks, and the IP configuration a platform asks for some
// of them by name in, the VirtualMachine with its guest network data (and,
// when the data is large, a Secret) out, warnings as Events.
//
//	go run ./examples/reconcile
//
// The step is the function Reconcile. It runs on every reconcile of a VM:
//
//  1. Pin: give every VM interface without a MAC a stable one, so that the
//     very first boot (no VMI, no Multus status yet) already matches NICs
//     by MAC, and every later boot keeps matching.
//  2. Derive the networks from the VM (vmspec.FromVM) with the asked IP
//     configs laid over them by name, and resolve MACs and network status
//     from whatever else exists: the VM's VMI, the virt-launcher pod's
//     network-status annotation.
//  3. Build the netplan network data, and put it into the VM's cloud-init
//     volume.
//  4. Once the VM runs, judge from its VMI's status.interfaces (filled
//     from the guest agent's report) whether the guest took the data
//     (guestcheck.Verify), and sum the verdicts up as the
//     GuestNetworkConfigured condition, which SetCondition puts on the
//     platform's own status with meta.SetStatusCondition: its
//     LastTransitionTime moves only when its status changes, and an
//     unchanged verdict changes nothing, so the status is not rewritten.
//
// The same inputs give the same bytes, so a controller can compare the
// result with what the VM already holds and skip the update when nothing
// changed.
package main

import (
	"fmt"
	"net/netip"
	"os"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/guestnet/guestnet/cloudinit"
	"github.com/guestnet/guestnet/macresolve"
	"github.com/guestnet/guestnet/multus"
	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/guestcheck"
	"github.com/guestnet/guestnet/netconfig/vmspec"
)

// Event is what a controller would record on the VM for a warning.
type Event struct {
	Type, Reason, Message string
}

// Outcome is the result of one reconcile step.
type Outcome struct {
	// VM is the VirtualMachine to write back (a copy; the input is not
	// modified).
	VM *kubevirtv1.VirtualMachine
	// Secret holds the network data when it is too large to be inline; it
	// must be created or updated before the VM.
	Secret *corev1.Secret
	// Changed reports whether VM differs from the input.
	Changed bool
	// Events are the build's warnings, as Kubernetes Events.
	Events []Event
	// Verdicts say, once the VM runs, whether its guest took the network
	// data, network by network; Condition sums them up. Both are nil
	// before the VMI runs. They judge the data just built: when Changed
	// is set, the running guest still has the data of its last boot.
	Verdicts  []guestcheck.Verdict
	Condition *metav1.Condition
}

// Reconcile computes the guest network data of vm, asking for each of
// its networks named in asked the IP configuration asked gives it. vmi
// and launcher may be nil (first creation).
func Reconcile(asked netconfig.Spec, vm *kubevirtv1.VirtualMachine, vmi *kubevirtv1.VirtualMachineInstance, launcher *corev1.Pod) (Outcome, error) {
	pinned, _, err := macresolve.Pin(vm)
	if err != nil {
		return Outcome{}, fmt.Errorf("pin MACs: %w", err)
	}
	// The networks, their bindings and their (pinned) MACs are the VM's.
	spec, err := vmspec.FromVM(pinned, asked)
	if err != nil {
		return Outcome{}, err
	}
	// A VMI's status gives the MACs the VM lacks (none, once pinned).
	var macs macresolve.ChainResolver
	if vmi != nil {
		fromVMI, err := macresolve.FromVMI(vmi)
		if err != nil {
			return Outcome{}, err
		}
		macs = append(macs, fromVMI)
	}
	var opts []netconfig.Option
	if len(macs) > 0 {
		opts = append(opts, netconfig.WithMACResolver(macs))
	}
	if launcher != nil {
		statuses, err := multus.NetworkStatusFromPod(launcher)
		if err != nil {
			return Outcome{}, err
		}
		opts = append(opts, netconfig.WithNetworkStatus(multus.NewStatusIndex(spec.Namespace, statuses)))
	}

	res, err := netconfig.Build(spec, opts...)
	if err != nil {
		return Outcome{}, err
	}
	updated, secret, err := cloudinit.SetNetworkData(pinned, res.YAML)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{VM: updated, Secret: secret, Changed: !equalSpecs(vm, updated)}
	for _, w := range res.Warnings {
		out.Events = append(out.Events, Event{Type: corev1.EventTypeWarning, Reason: string(w.Code), Message: w.String()})
	}
	if vmi != nil && vmi.Status.Phase == kubevirtv1.Running {
		out.Verdicts = guestcheck.Verify(res, vmi.Status.Interfaces)
		c := guestcheck.Condition(out.Verdicts, vm.Generation)
		out.Condition = &c
	}
	return out, nil
}

// SetCondition puts out's condition, if it has one, on conditions (the
// platform's own status) and reports whether conditions changed, that is
// whether the status needs writing.
func SetCondition(conditions *[]metav1.Condition, out Outcome) bool {
	if out.Condition == nil {
		return false
	}
	return meta.SetStatusCondition(conditions, *out.Condition)
}

// equalSpecs compares the VMs' specs through their JSON form.
func equalSpecs(a, b *kubevirtv1.VirtualMachine) bool {
	ja, errA := yaml.Marshal(a.Spec)
	jb, errB := yaml.Marshal(b.Spec)
	return errA == nil && errB == nil && string(ja) == string(jb)
}

// askedIPConfigs is what a platform's own API asks of the VM's networks:
// an IP configuration, by network name. Everything else about a network is
// declared once, in the VM (newVM).
func askedIPConfigs() netconfig.Spec {
	return netconfig.Spec{Networks: []netconfig.Network{{
		Name: "external",
		IPConfig: &netconfig.IPConfig{
			Mode:        netconfig.ModeStatic,
			Addresses:   []netip.Prefix{netip.MustParsePrefix("192.168.0.200/24")},
			Nameservers: netconfig.Nameservers{Addresses: []netip.Addr{netip.MustParseAddr("192.168.0.1")}},
			Routes: []netconfig.Route{{
				To: netip.MustParsePrefix("10.10.0.0/16"), Via: netip.MustParseAddr("192.168.0.254"),
			}},
		},
	}}}
}

// newVM is the VM as the platform first creates it: no MACs, no cloud-init
// volume.
func newVM() *kubevirtv1.VirtualMachine {
	return &kubevirtv1.VirtualMachine{
		TypeMeta:   metav1.TypeMeta{APIVersion: "kubevirt.io/v1", Kind: "VirtualMachine"},
		ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "vms"},
		Spec: kubevirtv1.VirtualMachineSpec{Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{
			Spec: kubevirtv1.VirtualMachineInstanceSpec{
				Domain: kubevirtv1.DomainSpec{Devices: kubevirtv1.Devices{Interfaces: []kubevirtv1.Interface{
					{Name: "default", InterfaceBindingMethod: kubevirtv1.InterfaceBindingMethod{Masquerade: &kubevirtv1.InterfaceMasquerade{}}},
					{Name: "external", InterfaceBindingMethod: kubevirtv1.InterfaceBindingMethod{Bridge: &kubevirtv1.InterfaceBridge{}}},
				}}},
				Networks: []kubevirtv1.Network{
					{Name: "default", NetworkSource: kubevirtv1.NetworkSource{Pod: &kubevirtv1.PodNetwork{}}},
					{Name: "external", NetworkSource: kubevirtv1.NetworkSource{Multus: &kubevirtv1.MultusNetwork{NetworkName: "ext-net"}}},
				},
			},
		}},
	}
}

func main() {
	asked := askedIPConfigs()

	// First creation: nothing but the VM exists.
	first, err := Reconcile(asked, newVM(), nil, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// A later reconcile, with the VM as written back: nothing changes.
	again, err := Reconcile(asked, first.VM, nil, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	fmt.Printf("# first reconcile: changed=%v; second reconcile: changed=%v\n", first.Changed, again.Changed)
	for _, e := range first.Events {
		fmt.Printf("# event %s %s: %s\n", e.Type, e.Reason, e.Message)
	}
	if first.Secret != nil {
		doc, _ := yaml.Marshal(first.Secret)
		fmt.Printf("%s---\n", doc)
	}
	doc, err := yaml.Marshal(first.VM)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(doc)
}
