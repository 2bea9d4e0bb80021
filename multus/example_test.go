package multus_test

import (
	"errors"
	"fmt"
	"net/netip"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/multus"
	"github.com/guestnet/guestnet/netconfig"
)

// A VM with the pod network and two networks on one attachment: the index
// tells their entries apart by the pod interface names KubeVirt gave them.
// Pass it to netconfig.Build with netconfig.WithNetworkStatus.
func ExampleStatusIndex() {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{
		Namespace: "vms",
		Name:      "virt-launcher-fedora-x7k2p",
		Annotations: map[string]string{nadv1.NetworkStatusAnnot: `[
			{"name": "ovn-kubernetes", "interface": "eth0", "ips": ["10.244.1.12"], "mac": "0a:58:0a:f4:01:0c", "default": true},
			{"name": "vms/ext-net", "interface": "pod16477688c0e", "ips": ["192.168.10.6"], "mac": "02:7c:4e:00:00:02"},
			{"name": "vms/ext-net", "interface": "podb1f51a511f1", "ips": ["192.168.10.5"], "mac": "02:7c:4e:00:00:01"}
		]`},
	}}
	networks := []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade},
		{Name: "red", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge},
		{Name: "blue", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge},
		{Name: "green", Source: netconfig.SourceMultus, NetworkName: "l2-net", Binding: netconfig.BindingBridge},
	}

	entries, err := multus.NetworkStatusFromPod(pod)
	if err != nil {
		fmt.Println(err)
		return
	}
	statuses := multus.NewStatusIndex(pod.Namespace, entries).NetworkStatuses(networks)
	for _, n := range networks {
		st, ok := statuses[n.Name]
		if !ok {
			fmt.Printf("%s: not reported\n", n.Name)
			continue
		}
		fmt.Printf("%s: %q %s %s %v\n", n.Name, st.NetworkName, st.Interface, st.MAC, st.IPs)
	}
	// Output:
	// default: "" eth0 0a:58:0a:f4:01:0c [10.244.1.12]
	// red: "vms/ext-net" podb1f51a511f1 02:7c:4e:00:00:01 [192.168.10.5]
	// blue: "vms/ext-net" pod16477688c0e 02:7c:4e:00:00:02 [192.168.10.6]
	// green: not reported
}

func ExampleParseNetworkStatus() {
	statuses, err := multus.ParseNetworkStatus(`[{"name": "vms/ext-net", "interface": "net1", "mac": "02:7c:4e:00:00:01"}]`)
	fmt.Println(statuses[0].Name, statuses[0].Interface, statuses[0].Mac, err)

	_, err = multus.ParseNetworkStatus(`{"name": "vms/ext-net"}`)
	fmt.Println(err)
	var fe *field.Error
	if errors.As(err, &fe) {
		fmt.Println(fe.Field)
	}
	// Output:
	// vms/ext-net net1 02:7c:4e:00:00:01 <nil>
	// metadata.annotations[k8s.v1.cni.cncf.io/network-status]: Invalid value: want a JSON array of network status objects: got a JSON object
	// metadata.annotations[k8s.v1.cni.cncf.io/network-status]
}

func ExamplePodInterfaceName() {
	fmt.Println(multus.PodInterfaceName("red"))
	fmt.Println(multus.OrdinalInterfaceName(1))
	// Output:
	// podb1f51a511f1
	// net1
}

// The networks annotation for a VM with the pod network and one secondary
// network with a static address, whose MAC comes from a resolver (a
// pinned MAC, say). A CNI plugin whose IPAM takes the "ips" capability
// gives the pod interface the same address the guest config sets.
func ExampleNetworksAnnotation() {
	spec := netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade},
		{
			Name: "red", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge,
			IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{netip.MustParsePrefix("192.168.0.200/24")}},
		},
	}}
	macs := netconfig.MACTable{"red": {MAC: netconfig.MustParseMAC("06:dd:78:04:5a:dc"), Origin: netconfig.MACPinned}}

	annotation, err := multus.NetworksAnnotation(spec, macs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(nadv1.NetworkAttachmentAnnot + ": " + annotation)
	// Output:
	// k8s.v1.cni.cncf.io/networks: [{"name":"ext-net","namespace":"vms","ips":["192.168.0.200/24"],"mac":"06:dd:78:04:5a:dc","interface":"podb1f51a511f1"}]
}

// A VM whose primary network is a Multus default network rather than the
// pod network, with one secondary network: the default network goes to its
// own annotation, named as the VM names it, and only the secondary network
// to the networks annotation.
func ExampleDefaultNetworkAnnotation() {
	spec := netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "primary", Source: netconfig.SourceMultusDefault, NetworkName: "ovn-primary", Binding: netconfig.BindingBridge},
		{Name: "red", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge},
	}}
	defaultNetwork, err := multus.DefaultNetworkAnnotation(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	networks, err := multus.NetworksAnnotation(spec, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(multus.DefaultNetworkAnnot + ": " + defaultNetwork)
	fmt.Println(nadv1.NetworkAttachmentAnnot + ": " + networks)

	spec.Networks = append(spec.Networks, netconfig.Network{Name: "second", Source: netconfig.SourceMultusDefault})
	_, err = multus.DefaultNetworkAnnotation(spec)
	fmt.Println(err)
	// Output:
	// v1.multus-cni.io/default-network: ovn-primary
	// k8s.v1.cni.cncf.io/networks: [{"name":"ext-net","namespace":"vms","interface":"podb1f51a511f1"}]
	// 2 problems: networks[2].source: Invalid value: "multus-default": networks[0] is the Multus default network already, and a VM has only one; networks[2].networkName: Required value: a Multus network names its NetworkAttachmentDefinition, as name or namespace/name
}

// Hot-plugging the network "green" into a VM whose pod a KubeVirt release
// before 1.0 created: its network status shows ordinal pod interface
// names, so the updated annotation keeps asking for them, in the order of
// the VM's interfaces. "red" is being unplugged (absent): it is no longer
// requested but keeps its number.
func ExampleWithNetworkStatus() {
	spec := netconfig.Spec{
		Namespace: "vms",
		Networks: []netconfig.Network{
			{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade},
			{Name: "red", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge, Absent: true},
			{Name: "blue", Source: netconfig.SourceMultus, NetworkName: "l2-net", Binding: netconfig.BindingBridge},
			{Name: "green", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge},
		},
		InterfaceOrder: []string{"default", "green", "red", "blue"},
	}
	statuses, err := multus.ParseNetworkStatus(`[
		{"name": "ovn-kubernetes", "interface": "eth0", "default": true},
		{"name": "vms/ext-net", "interface": "net1"},
		{"name": "vms/l2-net", "interface": "net2"}
	]`)
	if err != nil {
		fmt.Println(err)
		return
	}
	ordinal, err := multus.NetworksAnnotation(spec, nil, multus.WithNetworkStatus(statuses))
	if err != nil {
		fmt.Println(err)
		return
	}
	hashed, _ := multus.NetworksAnnotation(spec, nil)
	fmt.Println("old pod:", ordinal)
	fmt.Println("new pod:", hashed)
	// Output:
	// old pod: [{"name":"ext-net","namespace":"vms","interface":"net3"},{"name":"l2-net","namespace":"vms","interface":"net2"}]
	// new pod: [{"name":"ext-net","namespace":"vms","interface":"podba4788b226a"},{"name":"l2-net","namespace":"vms","interface":"pod16477688c0e"}]
}
