package multus

import (
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"testing"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guestnet/guestnet/netconfig"
)

// Pod interface names of the hashed scheme, as KubeVirt's own tests pin
// them (kubevirt/kubevirt pkg/network/namescheme/networknamescheme_test.go).
const (
	redHashed   = "podb1f51a511f1"
	greenHashed = "podba4788b226a"
	blueHashed  = "pod16477688c0e"
)

func podNetwork() netconfig.Network {
	return netconfig.Network{Name: "default", Source: netconfig.SourcePod}
}

func multusNetwork(name, attachment string) netconfig.Network {
	return netconfig.Network{Name: name, Source: netconfig.SourceMultus, NetworkName: attachment}
}

func multusDefaultNetwork(name, attachment string) netconfig.Network {
	return netconfig.Network{Name: name, Source: netconfig.SourceMultusDefault, NetworkName: attachment}
}

func absent(n netconfig.Network) netconfig.Network {
	n.Absent = true
	return n
}

func unspecifiedNetwork(name string) netconfig.Network {
	return netconfig.Network{Name: name}
}

func mac(s string) netconfig.MAC { return netconfig.MustParseMAC(s) }

func addrs(ss ...string) []netip.Addr {
	var out []netip.Addr
	for _, s := range ss {
		out = append(out, netip.MustParseAddr(s))
	}
	return out
}

func TestStatusIndex(t *testing.T) {
	ovn := nadv1.NetworkStatus{Name: "ovn-kubernetes", Interface: "eth0", IPs: []string{"10.244.1.12"}, Mac: "0a:58:0a:f4:01:0c", Default: true}
	ovnStatus := netconfig.NetworkStatus{Default: true, Interface: "eth0", MAC: mac("0a:58:0a:f4:01:0c"), IPs: addrs("10.244.1.12")}

	tests := []struct {
		name      string
		namespace string // "vms" when empty; "-" for no namespace
		networks  []netconfig.Network
		statuses  []nadv1.NetworkStatus
		// want holds the expected status of each network that gets one, by
		// index; every other network must get none. NetworkStatuses gives
		// them by network name.
		want map[int]netconfig.NetworkStatus
	}{
		{
			name:     "pod network gets the default entry",
			networks: []netconfig.Network{podNetwork(), multusNetwork("red", "ext-net")},
			statuses: []nadv1.NetworkStatus{ovn, {Name: "vms/ext-net", Interface: redHashed}},
			want: map[int]netconfig.NetworkStatus{
				0: ovnStatus,
				1: {NetworkName: "vms/ext-net", Interface: redHashed},
			},
		},
		{
			name:     "unspecified source named default is the pod network",
			networks: []netconfig.Network{unspecifiedNetwork("default")},
			statuses: []nadv1.NetworkStatus{ovn},
			want:     map[int]netconfig.NetworkStatus{0: ovnStatus},
		},
		{
			name:     "pod network source with another name is the pod network",
			networks: []netconfig.Network{{Name: "primary", Source: netconfig.SourcePod}},
			statuses: []nadv1.NetworkStatus{ovn},
			want:     map[int]netconfig.NetworkStatus{0: ovnStatus},
		},
		{
			name:     "default entry without a name",
			networks: []netconfig.Network{podNetwork()},
			statuses: []nadv1.NetworkStatus{{Interface: "eth0", Default: true}},
			want:     map[int]netconfig.NetworkStatus{0: {Default: true, Interface: "eth0"}},
		},
		{
			name:     "already qualified default entry name",
			networks: []netconfig.Network{podNetwork()},
			statuses: []nadv1.NetworkStatus{{Name: "kube-system/ovn", Interface: "eth0", Default: true}},
			want:     map[int]netconfig.NetworkStatus{0: {Default: true, Interface: "eth0"}},
		},
		{
			name:     "pod network without a default entry",
			networks: []netconfig.Network{podNetwork()},
			statuses: []nadv1.NetworkStatus{{Name: "ovn-kubernetes", Interface: "eth0"}},
		},
		{
			name:     "two default entries are ambiguous",
			networks: []netconfig.Network{podNetwork()},
			statuses: []nadv1.NetworkStatus{ovn, {Name: "cilium", Interface: "eth1", Default: true}},
		},
		{
			name:     "pod network is never matched by interface name",
			networks: []netconfig.Network{{Name: "red", Source: netconfig.SourcePod}},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: redHashed}},
		},
		{
			name:     "unqualified attachment name is qualified with the namespace",
			networks: []netconfig.Network{podNetwork(), multusNetwork("red", "ext-net")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: "net1", Mac: "02:7C:4E:00:00:01", IPs: []string{"192.168.10.5"}}},
			want:     map[int]netconfig.NetworkStatus{1: {NetworkName: "vms/ext-net", Interface: "net1", MAC: mac("02:7c:4e:00:00:01"), IPs: addrs("192.168.10.5")}},
		},
		{
			name:     "unqualified entry name is qualified with the namespace",
			networks: []netconfig.Network{multusNetwork("red", "vms/ext-net")},
			statuses: []nadv1.NetworkStatus{{Name: "ext-net", Interface: "eth7"}},
			want:     map[int]netconfig.NetworkStatus{0: {NetworkName: "vms/ext-net", Interface: "eth7"}},
		},
		{
			name:     "attachment of another namespace does not match",
			networks: []netconfig.Network{multusNetwork("red", "other/ext-net")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: redHashed}},
		},
		{
			name:      "without a namespace names are compared as they are",
			namespace: "-",
			networks:  []netconfig.Network{multusNetwork("red", "ext-net"), multusNetwork("blue", "l2-net")},
			statuses:  []nadv1.NetworkStatus{{Name: "ext-net", Interface: redHashed}, {Name: "vms/l2-net", Interface: blueHashed}},
			want:      map[int]netconfig.NetworkStatus{0: {NetworkName: "ext-net", Interface: redHashed}},
		},
		{
			name:     "default entry is not given to a Multus network of the same name",
			networks: []netconfig.Network{multusNetwork("red", "ovn-kubernetes")},
			statuses: []nadv1.NetworkStatus{ovn},
		},
		{
			name:     "Multus network without an attachment name",
			networks: []netconfig.Network{multusNetwork("red", "")},
			statuses: []nadv1.NetworkStatus{{Name: "", Interface: redHashed}},
		},
		{
			name:     "Multus network not reported yet",
			networks: []netconfig.Network{podNetwork(), multusNetwork("red", "ext-net")},
			statuses: []nadv1.NetworkStatus{ovn},
			want:     map[int]netconfig.NetworkStatus{0: ovnStatus},
		},
		{
			name:     "two networks on one attachment, hashed names",
			networks: []netconfig.Network{podNetwork(), multusNetwork("red", "ext-net"), multusNetwork("blue", "vms/ext-net")},
			statuses: []nadv1.NetworkStatus{ovn, {Name: "vms/ext-net", Interface: blueHashed}, {Name: "vms/ext-net", Interface: redHashed}},
			want: map[int]netconfig.NetworkStatus{
				0: ovnStatus,
				1: {NetworkName: "vms/ext-net", Interface: redHashed},
				2: {NetworkName: "vms/ext-net", Interface: blueHashed},
			},
		},
		{
			name:     "two networks on one attachment, ordinal names skip the pod network",
			networks: []netconfig.Network{multusNetwork("red", "ext-net"), podNetwork(), multusNetwork("blue", "ext-net")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: "net2"}, ovn, {Name: "vms/ext-net", Interface: "net1"}},
			want: map[int]netconfig.NetworkStatus{
				0: {NetworkName: "vms/ext-net", Interface: "net1"},
				1: ovnStatus,
				2: {NetworkName: "vms/ext-net", Interface: "net2"},
			},
		},
		{
			name:     "two networks on one attachment, only one reported",
			networks: []netconfig.Network{podNetwork(), multusNetwork("red", "ext-net"), multusNetwork("blue", "ext-net")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: blueHashed}},
			want:     map[int]netconfig.NetworkStatus{2: {NetworkName: "vms/ext-net", Interface: blueHashed}},
		},
		{
			name:     "two networks on one attachment, unknown interface names",
			networks: []netconfig.Network{multusNetwork("red", "ext-net"), multusNetwork("blue", "ext-net")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: "eth1"}, {Name: "vms/ext-net", Interface: "eth2"}},
		},
		{
			name:     "two networks on one attachment, one entry with an unknown interface name",
			networks: []netconfig.Network{multusNetwork("red", "ext-net"), multusNetwork("blue", "ext-net")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: "eth1"}},
		},
		{
			name:     "two entries for one network's attachment",
			networks: []netconfig.Network{podNetwork(), multusNetwork("red", "ext-net")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: "net5"}, {Name: "vms/ext-net", Interface: redHashed}},
			want:     map[int]netconfig.NetworkStatus{1: {NetworkName: "vms/ext-net", Interface: redHashed}},
		},
		{
			name:     "two entries for one network, both with its names",
			networks: []netconfig.Network{multusNetwork("red", "ext-net")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: "net1"}, {Name: "vms/ext-net", Interface: redHashed}},
		},
		{
			name:     "the only entry of an attachment belongs to another network by its interface",
			networks: []netconfig.Network{multusNetwork("red", "ext-net"), unspecifiedNetwork("blue")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: blueHashed}},
			want:     map[int]netconfig.NetworkStatus{1: {NetworkName: "vms/ext-net", Interface: blueHashed}},
		},
		{
			name:     "unspecified source found by hashed name",
			networks: []netconfig.Network{podNetwork(), unspecifiedNetwork("red"), unspecifiedNetwork("green")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: greenHashed}, {Name: "l2-net", Interface: redHashed}},
			want: map[int]netconfig.NetworkStatus{
				1: {NetworkName: "vms/l2-net", Interface: redHashed},
				2: {NetworkName: "vms/ext-net", Interface: greenHashed},
			},
		},
		{
			name:     "unspecified source found by ordinal name",
			networks: []netconfig.Network{unspecifiedNetwork("red"), podNetwork(), unspecifiedNetwork("green")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: "net2"}, {Name: "vms/l2-net", Interface: "net1"}},
			want: map[int]netconfig.NetworkStatus{
				0: {NetworkName: "vms/l2-net", Interface: "net1"},
				2: {NetworkName: "vms/ext-net", Interface: "net2"},
			},
		},
		{
			name:     "unspecified source, entry without a name",
			networks: []netconfig.Network{unspecifiedNetwork("red")},
			statuses: []nadv1.NetworkStatus{{Interface: redHashed}},
			want:     map[int]netconfig.NetworkStatus{0: {Interface: redHashed}},
		},
		{
			name:     "unspecified source, not reported",
			networks: []netconfig.Network{unspecifiedNetwork("red")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: blueHashed}},
		},
		{
			name:     "unspecified source never gets the default entry",
			networks: []netconfig.Network{unspecifiedNetwork("red")},
			statuses: []nadv1.NetworkStatus{{Name: "ovn-kubernetes", Interface: redHashed, Default: true}},
		},
		{
			name:     "unspecified source with entries in both schemes is ambiguous",
			networks: []netconfig.Network{unspecifiedNetwork("red")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: redHashed}, {Name: "vms/l2-net", Interface: "net1"}},
		},
		{
			name:     "an attachment's only entry goes to its network whatever its interface",
			networks: []netconfig.Network{multusNetwork("green", "ext-net"), unspecifiedNetwork("red")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: "eth9"}, {Name: "vms/l2-net", Interface: "net2"}},
			want: map[int]netconfig.NetworkStatus{
				0: {NetworkName: "vms/ext-net", Interface: "eth9"},
				1: {NetworkName: "vms/l2-net", Interface: "net2"},
			},
		},
		{
			name:     "networks with the same name share their pod interface names",
			networks: []netconfig.Network{unspecifiedNetwork("red"), unspecifiedNetwork("red")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: redHashed}},
		},
		{
			name: "an entry is never given to two networks",
			// Both rules give the entry to a network: the first by its
			// attachment and hashed name, the second by the same hashed
			// name. Neither gets it.
			networks: []netconfig.Network{multusNetwork("red", "ext-net"), unspecifiedNetwork("red")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: redHashed}},
		},
		{
			// KubeVirt's pkg/network/vmispec LookUpDefaultNetwork and
			// pkg/network/controllers/vmi.go calculatePrimaryIfaceStatus: the
			// primary network's status is the default entry, whether it is
			// the pod network or a Multus default network.
			name:     "the Multus default network gets the default entry",
			networks: []netconfig.Network{multusDefaultNetwork("primary", "ovn-primary"), multusNetwork("red", "ext-net")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ovn-primary", Interface: "eth0", Mac: "0a:58:0a:f4:01:0c", Default: true}, {Name: "vms/ext-net", Interface: redHashed}},
			want: map[int]netconfig.NetworkStatus{
				0: {Default: true, Interface: "eth0", MAC: mac("0a:58:0a:f4:01:0c")},
				1: {NetworkName: "vms/ext-net", Interface: redHashed},
			},
		},
		{
			name:     "the Multus default network never gets an entry not marked default",
			networks: []netconfig.Network{multusDefaultNetwork("red", "ext-net")},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: redHashed}, {Name: "vms/ext-net", Interface: "net1"}},
		},
		{
			// kubevirt/kubevirt pkg/network/namescheme/networknamescheme_test.go,
			// "ordinal, when default multus networks exist": network0 (the
			// Multus default) is eth0, network1 net1, network2 net2.
			name: "ordinal names skip the Multus default network",
			networks: []netconfig.Network{
				multusDefaultNetwork("network0", "default-net"), multusNetwork("network1", "ext-net"), multusNetwork("network2", "ext-net"),
			},
			statuses: []nadv1.NetworkStatus{
				{Name: "vms/default-net", Interface: "eth0", Default: true},
				{Name: "vms/ext-net", Interface: "net2", Mac: "02:00:00:00:00:02"},
				{Name: "vms/ext-net", Interface: "net1", Mac: "02:00:00:00:00:01"},
			},
			want: map[int]netconfig.NetworkStatus{
				0: {Default: true, Interface: "eth0"},
				1: {NetworkName: "vms/ext-net", Interface: "net1", MAC: mac("02:00:00:00:00:01")},
				2: {NetworkName: "vms/ext-net", Interface: "net2", MAC: mac("02:00:00:00:00:02")},
			},
		},
		{
			// KubeVirt numbers vmispec.FilterMultusNonDefaultNetworks of the
			// whole vmi.Spec.Networks: an absent network keeps its number.
			name: "an absent network keeps its ordinal position",
			networks: []netconfig.Network{
				podNetwork(), absent(multusNetwork("red", "ext-net")), multusNetwork("blue", "ext-net"),
			},
			statuses: []nadv1.NetworkStatus{ovn, {Name: "vms/ext-net", Interface: "net2"}},
			want: map[int]netconfig.NetworkStatus{
				0: ovnStatus,
				2: {NetworkName: "vms/ext-net", Interface: "net2"},
			},
		},
		{
			name: "an absent network's entry, until it goes, is still its own",
			networks: []netconfig.Network{
				podNetwork(), absent(multusNetwork("red", "ext-net")), multusNetwork("blue", "ext-net"),
			},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: "net2"}, {Name: "vms/ext-net", Interface: "net1"}},
			want: map[int]netconfig.NetworkStatus{
				1: {NetworkName: "vms/ext-net", Interface: "net1"},
				2: {NetworkName: "vms/ext-net", Interface: "net2"},
			},
		},
		{
			name: "an SR-IOV network takes its ordinal position",
			networks: []netconfig.Network{
				{Name: "vf", Source: netconfig.SourceMultus, NetworkName: "sriov-net", Binding: netconfig.BindingSRIOV},
				multusNetwork("red", "ext-net"), multusNetwork("blue", "ext-net"),
			},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: "net3"}, {Name: "vms/ext-net", Interface: "net2"}},
			want: map[int]netconfig.NetworkStatus{
				1: {NetworkName: "vms/ext-net", Interface: "net2"},
				2: {NetworkName: "vms/ext-net", Interface: "net3"},
			},
		},
		{
			name: "a network of a source KubeVirt does not have takes no ordinal position",
			networks: []netconfig.Network{
				{Name: "odd", Source: "genie", NetworkName: "ext-net"}, multusNetwork("red", "ext-net"), multusNetwork("blue", "ext-net"),
			},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: "net1"}, {Name: "vms/ext-net", Interface: "net2"}},
			want: map[int]netconfig.NetworkStatus{
				1: {NetworkName: "vms/ext-net", Interface: "net1"},
				2: {NetworkName: "vms/ext-net", Interface: "net2"},
			},
		},
		{
			name:     "unknown source",
			networks: []netconfig.Network{{Name: "red", Source: "genie", NetworkName: "ext-net"}},
			statuses: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: redHashed}},
		},
		{
			name:     "MAC forms are normalised, bad MACs and IPs are dropped",
			networks: []netconfig.Network{multusNetwork("red", "ext-net"), multusNetwork("blue", "l2-net"), multusNetwork("green", "sriov-net")},
			statuses: []nadv1.NetworkStatus{
				{Name: "vms/ext-net", Interface: redHashed, Mac: "02-7C-4E-00-00-01", IPs: []string{"192.168.10.5", "10.0.0.5/24", "fd00:10::5", "not-an-ip", ""}},
				{Name: "vms/l2-net", Interface: blueHashed, Mac: "02:7c:4e:00:00"},
				// A multicast MAC is kept: netconfig's validation reports it
				// with the network it ends up on.
				{Name: "vms/sriov-net", Interface: greenHashed, Mac: "03:00:00:00:00:01"},
			},
			want: map[int]netconfig.NetworkStatus{
				0: {NetworkName: "vms/ext-net", Interface: redHashed, MAC: mac("02:7c:4e:00:00:01"), IPs: addrs("192.168.10.5", "fd00:10::5")},
				1: {NetworkName: "vms/l2-net", Interface: blueHashed},
				2: {NetworkName: "vms/sriov-net", Interface: greenHashed, MAC: mac("03:00:00:00:00:01")},
			},
		},
		{
			// An SR-IOV VF's entry, as in KubeVirt's own test of the pod
			// annotations (pkg/network/pod/annotations/generator_test.go);
			// KubeVirt reads the VF's PCI address from
			// device-info.pci.pci-address (pkg/network/deviceinfo,
			// pkg/virt-launcher/virtwrap/device/hostdevice/sriov/pcipool_netstatus.go).
			name:     "gateways, MTU and device-info are carried",
			networks: []netconfig.Network{podNetwork(), multusNetwork("red", "sriov-net")},
			statuses: []nadv1.NetworkStatus{
				{Name: "ovn-kubernetes", Interface: "eth0", IPs: []string{"10.244.1.12", "fd00:10:244::c"}, Gateway: []string{"10.244.1.1", "fd00:10:244::1"}, Mtu: 1400, Default: true},
				{Name: "vms/sriov-net", Interface: redHashed, Mac: "02:7c:4e:00:00:01", Gateway: []string{"192.168.10.1"}, Mtu: 9000,
					DeviceInfo: &nadv1.DeviceInfo{Type: "pci", Version: "1.0.0", Pci: &nadv1.PciDevice{PciAddress: "0000:65:00.3", PfPciAddress: "0000:65:00.0"}}},
			},
			want: map[int]netconfig.NetworkStatus{
				0: {Default: true, Interface: "eth0", IPs: addrs("10.244.1.12", "fd00:10:244::c"), Gateways: addrs("10.244.1.1", "fd00:10:244::1"), MTU: 1400},
				1: {NetworkName: "vms/sriov-net", Interface: redHashed, MAC: mac("02:7c:4e:00:00:01"), Gateways: addrs("192.168.10.1"), MTU: 9000,
					DeviceInfo: netconfig.DeviceInfo{Type: "pci", Version: "1.0.0", PCIAddress: "0000:65:00.3"}},
			},
		},
		{
			name:     "bad gateways are left out, a negative MTU is none, device-info without pci",
			networks: []netconfig.Network{multusNetwork("red", "ext-net"), multusNetwork("blue", "vdpa-net"), multusNetwork("green", "l2-net")},
			statuses: []nadv1.NetworkStatus{
				{Name: "vms/ext-net", Interface: redHashed, Gateway: []string{"192.168.10.1/24", "", "not-an-ip", "fd00:10::1"}, Mtu: -1},
				{Name: "vms/vdpa-net", Interface: blueHashed, DeviceInfo: &nadv1.DeviceInfo{Type: "vdpa", Version: "1.1.0",
					Vdpa: &nadv1.VdpaDevice{ParentDevice: "vdpa:0000:65:00.3", Driver: "vhost", PciAddress: "0000:65:00.3"}}},
				{Name: "vms/l2-net", Interface: greenHashed, DeviceInfo: &nadv1.DeviceInfo{}},
			},
			want: map[int]netconfig.NetworkStatus{
				0: {NetworkName: "vms/ext-net", Interface: redHashed, Gateways: addrs("fd00:10::1")},
				1: {NetworkName: "vms/vdpa-net", Interface: blueHashed, DeviceInfo: netconfig.DeviceInfo{Type: "vdpa", Version: "1.1.0"}},
				2: {NetworkName: "vms/l2-net", Interface: greenHashed},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns := tt.namespace
			switch ns {
			case "":
				ns = "vms"
			case "-":
				ns = ""
			}
			got := NewStatusIndex(ns, tt.statuses).NetworkStatuses(tt.networks)
			for i, n := range tt.networks {
				st, ok := got[n.Name]
				want, wantOK := tt.want[i]
				if assert.Equal(t, wantOK, ok, "networks[%d] (%q): found", i, n.Name) {
					assert.Equal(t, want, st, "networks[%d] (%q)", i, n.Name)
				}
			}
			assert.Len(t, got, len(tt.want), "statuses of networks not in the list: %v", got)
		})
	}
}

func TestStatusIndexListLengths(t *testing.T) {
	x := NewStatusIndex("vms", []nadv1.NetworkStatus{{Name: "ovn", Default: true}, {Name: "vms/ext-net", Interface: redHashed}})
	assert.Empty(t, x.NetworkStatuses(nil), "no networks")
	assert.Empty(t, x.NetworkStatuses([]netconfig.Network{}), "no networks")

	// A list longer than netconfig.Build takes gets no entry at all.
	long := []netconfig.Network{podNetwork(), multusNetwork("red", "ext-net")}
	assert.Len(t, x.NetworkStatuses(long), 2)
	for i := len(long); i <= netconfig.MaxNetworks; i++ {
		long = append(long, unspecifiedNetwork(fmt.Sprintf("n%d", i)))
	}
	assert.Empty(t, x.NetworkStatuses(long), "%d networks", len(long))
}

func TestNilAndEmptyStatuses(t *testing.T) {
	networks := []netconfig.Network{podNetwork(), multusNetwork("red", "ext-net"), unspecifiedNetwork("blue")}
	for _, statuses := range [][]nadv1.NetworkStatus{nil, {}} {
		assert.Empty(t, NewStatusIndex("vms", statuses).NetworkStatuses(networks))
	}
}

func TestStatusIndexKeepsItsOwnCopy(t *testing.T) {
	statuses := []nadv1.NetworkStatus{
		{Name: "ovn", Interface: "eth0", Default: true, IPs: []string{"10.244.1.12"}, Gateway: []string{"10.244.1.1"}, Mtu: 1400},
		{Name: "vms/ext-net", Interface: redHashed, IPs: []string{"192.168.10.5"}, Mac: "02:00:00:00:00:01", Gateway: []string{"192.168.10.1"},
			DeviceInfo: &nadv1.DeviceInfo{Type: "pci", Version: "1.0.0", Pci: &nadv1.PciDevice{PciAddress: "0000:65:00.3"}}},
	}
	// Two pod networks get the default entry: each its own copy.
	networks := []netconfig.Network{podNetwork(), {Name: "primary", Source: netconfig.SourcePod}, multusNetwork("red", "ext-net")}
	networksBefore := slices.Clone(networks)
	pod := netconfig.NetworkStatus{Default: true, Interface: "eth0", IPs: addrs("10.244.1.12"), Gateways: addrs("10.244.1.1"), MTU: 1400}
	want := map[string]netconfig.NetworkStatus{
		"default": pod,
		"primary": pod.Clone(),
		"red": {NetworkName: "vms/ext-net", Interface: redHashed, IPs: addrs("192.168.10.5"), MAC: mac("02:00:00:00:00:01"), Gateways: addrs("192.168.10.1"),
			DeviceInfo: netconfig.DeviceInfo{Type: "pci", Version: "1.0.0", PCIAddress: "0000:65:00.3"}},
	}

	x := NewStatusIndex("vms", statuses)
	statuses[1].Name = "vms/other"
	statuses[1].Interface = "net9"
	statuses[1].IPs[0] = "10.9.9.9"
	statuses[1].Gateway[0] = "10.9.9.1"
	statuses[1].Mtu = 1
	statuses[1].DeviceInfo.Pci.PciAddress = "0000:00:00.0"

	got := x.NetworkStatuses(networks)
	require.Equal(t, want, got)

	got["default"].IPs[0] = netip.MustParseAddr("10.1.1.1")
	got["default"].Gateways[0] = netip.MustParseAddr("10.1.1.254")
	got["red"].IPs[0] = netip.MustParseAddr("10.1.1.2")
	got["red"].Gateways[0] = netip.MustParseAddr("10.1.1.253")
	assert.Equal(t, addrs("10.244.1.12"), got["primary"].IPs, "the statuses of two networks share memory")
	assert.Equal(t, addrs("10.244.1.1"), got["primary"].Gateways, "the statuses of two networks share memory")
	assert.Equal(t, want, x.NetworkStatuses(networks), "changing a returned status changed the index")
	assert.Equal(t, networksBefore, networks, "NetworkStatuses changed its networks")
}

// TestStatusIndexIsSafeForConcurrentUse is meant for go test -race.
func TestStatusIndexIsSafeForConcurrentUse(t *testing.T) {
	networks := []netconfig.Network{podNetwork(), multusNetwork("red", "ext-net"), multusNetwork("blue", "ext-net"), unspecifiedNetwork("green")}
	x := NewStatusIndex("vms", []nadv1.NetworkStatus{
		{Name: "ovn", Interface: "eth0", Default: true, IPs: []string{"10.244.1.12"}},
		{Name: "vms/ext-net", Interface: redHashed, IPs: []string{"192.168.10.5"}, Gateway: []string{"192.168.10.1"}},
		{Name: "vms/ext-net", Interface: blueHashed, IPs: []string{"192.168.10.6"}, Gateway: []string{"192.168.10.1"}},
		{Name: "vms/l2-net", Interface: greenHashed},
	})
	want := x.NetworkStatuses(networks)
	require.Len(t, want, len(networks))

	var wg sync.WaitGroup
	results := make([]map[string]netconfig.NetworkStatus, 8)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				results[g] = x.NetworkStatuses(networks)
				for _, st := range results[g] {
					if len(st.IPs) > 0 {
						st.IPs[0] = netip.IPv4Unspecified() // must not reach other callers
					}
					if len(st.Gateways) > 0 {
						st.Gateways[0] = netip.IPv4Unspecified()
					}
				}
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, want, x.NetworkStatuses(networks))
}

func TestZeroStatusIndexHasNoEntries(t *testing.T) {
	var x StatusIndex
	networks := []netconfig.Network{podNetwork(), multusNetwork("red", "ext-net"), unspecifiedNetwork("blue")}
	assert.Empty(t, x.NetworkStatuses(networks))
}
