package multus

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"
	"pgregory.net/rapid"

	"github.com/guestnet/guestnet/netconfig"
)

// hashedName is KubeVirt's hashed pod interface name, computed here on its
// own rather than with the code under test.
func hashedName(network string) string {
	sum := sha256.Sum256([]byte(network))
	return "pod" + hex.EncodeToString(sum[:])[:11]
}

// entryMAC gives each generated entry a distinct MAC, which identifies the
// entry in what the index returns.
func entryMAC(k int) string { return fmt.Sprintf("02:00:00:00:%02x:%02x", k>>8, k&0xff) }

// launcherPod is a VM's networks with the network status Multus writes for
// its virt-launcher pod, some entries possibly not reported yet.
type launcherPod struct {
	networks []netconfig.Network
	statuses []nadv1.NetworkStatus
	// want is, for each network, the MAC of its entry and its pod
	// interface, or the zero MAC when its entry is not reported.
	want      []netconfig.MAC
	wantIface []string
}

// drawLauncherPod draws a VM of up to six secondary networks, Multus or of
// unspecified source, on a few attachments (so that some share one), with
// or without the pod network, and the entries KubeVirt and Multus give it
// in one naming scheme, in any order.
func drawLauncherPod(t *rapid.T) launcherPod {
	n := rapid.IntRange(0, 6).Draw(t, "secondaries")
	names := rapid.SliceOfNDistinct(
		rapid.StringMatching(`[a-z][a-z0-9-]{0,14}`).Filter(func(s string) bool { return s != "default" }),
		n, n, rapid.ID[string]).Draw(t, "names")
	withPod := rapid.Bool().Draw(t, "withPod")
	podAt := rapid.IntRange(0, n).Draw(t, "podAt")
	hashed := rapid.Bool().Draw(t, "hashed")
	attachments := rapid.SampledFrom([]string{"ext-net", "vms/ext-net", "l2-net", "other/ext-net"})

	var p launcherPod
	add := func(net netconfig.Network, st nadv1.NetworkStatus) {
		p.networks = append(p.networks, net)
		st.Mac = entryMAC(len(p.networks))
		if rapid.Bool().Draw(t, "reported") {
			p.statuses = append(p.statuses, st)
			p.want = append(p.want, netconfig.MustParseMAC(st.Mac))
			p.wantIface = append(p.wantIface, st.Interface)
		} else {
			p.want = append(p.want, netconfig.MAC{})
			p.wantIface = append(p.wantIface, "")
		}
	}
	addPod := func() {
		add(netconfig.Network{Name: "default", Source: rapid.SampledFrom([]netconfig.Source{netconfig.SourcePod, netconfig.SourceUnspecified}).Draw(t, "podSource")},
			nadv1.NetworkStatus{Name: "ovn-kubernetes", Interface: "eth0", Default: true})
	}
	for k, name := range names {
		if withPod && podAt == k {
			addPod()
		}
		att := attachments.Draw(t, "attachment")
		iface := hashedName(name)
		if !hashed {
			iface = fmt.Sprintf("net%d", k+1)
		}
		// Multus writes namespaced names; accept the short form too.
		entryName := att
		if !strings.Contains(entryName, "/") && rapid.Bool().Draw(t, "qualified") {
			entryName = "vms/" + entryName
		}
		net := netconfig.Network{Name: name}
		if rapid.Bool().Draw(t, "multus") {
			net.Source, net.NetworkName = netconfig.SourceMultus, att
		}
		add(net, nadv1.NetworkStatus{Name: entryName, Interface: iface})
	}
	if withPod && podAt == n {
		addPod()
	}
	p.statuses = rapid.Permutation(p.statuses).Draw(t, "order")
	return p
}

// TestEachNetworkGetsItsOwnEntry checks that, for networks and statuses as
// KubeVirt and Multus produce them in either naming scheme, each network
// gets its own entry when it is reported and none when it is not.
func TestEachNetworkGetsItsOwnEntry(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := drawLauncherPod(t)
		statuses := NewStatusIndex("vms", p.statuses).NetworkStatuses(p.networks)
		for i, net := range p.networks {
			got, ok := statuses[net.Name]
			if reported := p.want[i].IsValid(); ok != reported {
				t.Fatalf("networks[%d] (%+v): found = %v, want %v", i, net, ok, reported)
			}
			if ok && (got.MAC != p.want[i] || got.Interface != p.wantIface[i]) {
				t.Fatalf("networks[%d] (%+v): got the entry of %s on %s, want %s on %s", i, net, got.MAC, got.Interface, p.want[i], p.wantIface[i])
			}
		}
	})
}

// drawAnyStatus draws networks and statuses from small pools of names, so
// that they match each other in every possible way, sensible or not. Each
// entry has a distinct MAC, and may carry IPs, gateways (some that do not
// parse), an MTU (perhaps negative) and device-info.
func drawAnyStatus(t *rapid.T) ([]netconfig.Network, []nadv1.NetworkStatus) {
	all := []string{"default", "red", "blue", "green"}
	// Fewer names make networks that share one, and so share pod interface
	// names, more likely.
	names := all[:rapid.IntRange(1, len(all)).Draw(t, "names")]
	attachments := []string{"", "ext-net", "vms/ext-net", "l2-net"}
	entryNames := append(slices.Clone(attachments), "ovn-kubernetes")
	sources := []netconfig.Source{netconfig.SourceUnspecified, netconfig.SourcePod, netconfig.SourceMultus, netconfig.SourceMultusDefault, "genie"}
	networks := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) netconfig.Network {
		return netconfig.Network{
			Name:        rapid.SampledFrom(names).Draw(t, "name"),
			Source:      rapid.SampledFrom(sources).Draw(t, "source"),
			NetworkName: rapid.SampledFrom(attachments).Draw(t, "networkName"),
			Binding:     rapid.SampledFrom([]string{"", netconfig.BindingBridge, netconfig.BindingSRIOV}).Draw(t, "binding"),
			Absent:      rapid.Bool().Draw(t, "absent"),
		}
	}), 0, 6).Draw(t, "networks")

	interfaces := []string{"", "eth0", "eth9", "net1", "net2", "net3"}
	for _, name := range all {
		interfaces = append(interfaces, hashedName(name))
	}
	addrs := rapid.SampledFrom([]string{"10.0.0.5", "fd00::5", "10.0.0.1", "fd00::1", "10.0.0.1/24", "", "fe80::1%eth0"})
	deviceInfos := []*nadv1.DeviceInfo{
		nil,
		{Type: "pci", Version: "1.0.0", Pci: &nadv1.PciDevice{PciAddress: "0000:65:00.3"}},
		{Type: "vdpa", Version: "1.1.0", Vdpa: &nadv1.VdpaDevice{PciAddress: "0000:65:00.4"}},
		{},
	}
	statuses := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) nadv1.NetworkStatus {
		return nadv1.NetworkStatus{
			Name:       rapid.SampledFrom(entryNames).Draw(t, "name"),
			Interface:  rapid.SampledFrom(interfaces).Draw(t, "interface"),
			Default:    rapid.Float64Range(0, 1).Draw(t, "default") < 0.2,
			IPs:        rapid.SliceOfN(addrs, 0, 2).Draw(t, "ips"),
			Gateway:    rapid.SliceOfN(addrs, 0, 2).Draw(t, "gateway"),
			Mtu:        rapid.SampledFrom([]int{0, -1, 1400, 9000}).Draw(t, "mtu"),
			DeviceInfo: rapid.SampledFrom(deviceInfos).Draw(t, "deviceInfo").DeepCopy(),
		}
	}), 0, 8).Draw(t, "statuses")
	for k := range statuses {
		statuses[k].Mac = entryMAC(k + 1)
	}
	return networks, statuses
}

// TestNoEntryGoesToTwoNetworks checks, for any networks and statuses, that
// no entry is given to two networks other than the pod network, that only
// the pod network gets the default entry, and that the index changes
// neither input. (Networks that share a name share its key: they count as
// one network here.)
func TestNoEntryGoesToTwoNetworks(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		networks, statuses := drawAnyStatus(t)
		networksBefore := slices.Clone(networks)
		statusesBefore := slices.Clone(statuses)

		got := NewStatusIndex("vms", statuses).NetworkStatuses(networks)
		owner := map[netconfig.MAC]string{}
		for i, net := range networks {
			st, ok := got[net.Name]
			if !ok {
				continue
			}
			// The primary network: the pod network or a Multus default one.
			primary := net.Source == netconfig.SourcePod || net.Source == netconfig.SourceMultusDefault ||
				net.Source == netconfig.SourceUnspecified && net.Name == "default"
			if st.Default != primary {
				t.Fatalf("networks[%d] (%+v), primary network %v, got an entry with default %v", i, net, primary, st.Default)
			}
		}
		for name, st := range got {
			if st.Default {
				continue
			}
			if other, dup := owner[st.MAC]; dup {
				t.Fatalf("networks %q and %q both got the entry with MAC %s", other, name, st.MAC)
			}
			owner[st.MAC] = name
		}
		if !slices.Equal(networks, networksBefore) {
			t.Fatalf("the networks changed")
		}
		for k := range statuses {
			if statuses[k].Name != statusesBefore[k].Name || statuses[k].Interface != statusesBefore[k].Interface || statuses[k].Mac != statusesBefore[k].Mac {
				t.Fatalf("statuses[%d] changed", k)
			}
		}
	})
}

// TestReturnedStatusesShareNoMemory checks, for any networks and
// statuses, that the statuses NetworkStatuses returns share no memory with
// one another, with the index or with its input: changing every IP and
// gateway of every returned status, and its MTU and device-info, leaves
// the annotation's entries and a later call's answer as they were.
func TestReturnedStatusesShareNoMemory(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		networks, statuses := drawAnyStatus(t)
		statusesBefore := slices.Clone(statuses)
		for k, s := range statusesBefore {
			statusesBefore[k].IPs, statusesBefore[k].Gateway = slices.Clone(s.IPs), slices.Clone(s.Gateway)
			statusesBefore[k].DeviceInfo = s.DeviceInfo.DeepCopy()
		}
		x := NewStatusIndex("vms", statuses)
		want := NewStatusIndex("vms", statusesBefore).NetworkStatuses(networks)
		got := x.NetworkStatuses(networks)
		for name, st := range got {
			for j := range st.IPs {
				st.IPs[j] = netip.IPv6Unspecified()
			}
			for j := range st.Gateways {
				st.Gateways[j] = netip.IPv6Unspecified()
			}
			st.Gateways = append(st.Gateways, netip.IPv4Unspecified())
			st.MTU, st.DeviceInfo.PCIAddress = -7, "scribbled"
			got[name] = st
		}
		if !reflect.DeepEqual(statuses, statusesBefore) {
			t.Fatalf("the annotation's entries changed")
		}
		if again := x.NetworkStatuses(networks); !reflect.DeepEqual(again, want) {
			t.Fatalf("changing returned statuses changed a later call:\ngot  %v\nwant %v", again, want)
		}
	})
}

// TestEntryOrderDoesNotMatter checks that the index gives the same
// answers whatever the order of the annotation's entries.
func TestEntryOrderDoesNotMatter(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		networks, statuses := drawAnyStatus(t)
		shuffled := rapid.Permutation(statuses).Draw(t, "shuffled")
		a := NewStatusIndex("vms", statuses).NetworkStatuses(networks)
		b := NewStatusIndex("vms", shuffled).NetworkStatuses(networks)
		if len(a) != len(b) {
			t.Fatalf("%d statuses in annotation order, %d shuffled", len(a), len(b))
		}
		for name, sa := range a {
			if sb, ok := b[name]; !ok || sa.MAC != sb.MAC {
				t.Fatalf("network %q: %v in annotation order, %v %v shuffled", name, sa.MAC, sb.MAC, ok)
			}
		}
	})
}

// TestNetworkStatusesMatchReference checks that NetworkStatuses gives, for
// any networks and statuses, what referenceStatuses gives: the rules of
// its doc applied to each network in turn, straight from the annotation's
// entries, without an index.
func TestNetworkStatusesMatchReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		networks, statuses := drawAnyStatus(t)
		namespace := rapid.SampledFrom([]string{"vms", ""}).Draw(t, "namespace")
		got := NewStatusIndex(namespace, statuses).NetworkStatuses(networks)
		want := referenceStatuses(namespace, networks, statuses)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %v\nwant %v", got, want)
		}
	})
}

// referenceStatuses is NetworkStatuses written as its doc reads, one
// network at a time, scanning all entries and all networks each time.
func referenceStatuses(namespace string, networks []netconfig.Network, statuses []nadv1.NetworkStatus) map[string]netconfig.NetworkStatus {
	qualify := func(name string) string {
		if name == "" || namespace == "" || strings.Contains(name, "/") {
			return name
		}
		return namespace + "/" + name
	}
	// isPod is the primary network: the pod network or a Multus default
	// network, which gets the default entry.
	isPod := func(n netconfig.Network) bool {
		return n.Source == netconfig.SourcePod || n.Source == netconfig.SourceMultusDefault ||
			n.Source == netconfig.SourceUnspecified && n.Name == "default"
	}
	// secondary is a network KubeVirt numbers in the ordinal scheme: a
	// Multus network that is not the default one, or one of unspecified
	// source that is not the pod network, absent or not, SR-IOV or not.
	secondary := func(n netconfig.Network) bool {
		return n.Source == netconfig.SourceMultus || n.Source == netconfig.SourceUnspecified && n.Name != "default"
	}
	podNames := func(i int) []string {
		if !secondary(networks[i]) {
			return nil
		}
		ordinal := 0
		for _, n := range networks[:i+1] {
			if secondary(n) {
				ordinal++
			}
		}
		return []string{hashedName(networks[i].Name), fmt.Sprintf("net%d", ordinal)}
	}
	entryName := func(k int) string {
		if statuses[k].Default {
			return ""
		}
		return qualify(statuses[k].Name)
	}
	// entries returns the entries that are not default and pass keep.
	entries := func(keep func(k int) bool) []int {
		var out []int
		for k, s := range statuses {
			if !s.Default && keep(k) {
				out = append(out, k)
			}
		}
		return out
	}
	one := func(ks []int) int {
		if len(ks) == 1 {
			return ks[0]
		}
		return -1
	}
	match := func(i int) int {
		n := networks[i]
		if isPod(n) {
			var defaults []int
			for k, s := range statuses {
				if s.Default {
					defaults = append(defaults, k)
				}
			}
			return one(defaults)
		}
		names := podNames(i)
		switch n.Source {
		case netconfig.SourceMultus:
			attachment := qualify(n.NetworkName)
			if attachment == "" {
				return -1
			}
			named := entries(func(k int) bool { return entryName(k) == attachment && slices.Contains(names, statuses[k].Interface) })
			if len(named) > 0 {
				return one(named)
			}
			only := one(entries(func(k int) bool { return entryName(k) == attachment }))
			if only < 0 {
				return -1
			}
			for j, m := range networks {
				if j == i {
					continue
				}
				if m.Source == netconfig.SourceMultus && qualify(m.NetworkName) == attachment || slices.Contains(podNames(j), statuses[only].Interface) {
					return -1
				}
			}
			return only
		case netconfig.SourceUnspecified:
			return one(entries(func(k int) bool { return slices.Contains(names, statuses[k].Interface) }))
		}
		return -1
	}

	given := make([]int, len(networks))
	for i := range networks {
		given[i] = match(i)
		if given[i] < 0 || isPod(networks[i]) {
			continue
		}
		for j := range networks {
			if j != i && !isPod(networks[j]) && match(j) == given[i] {
				given[i] = -1
				break
			}
		}
	}
	out := map[string]netconfig.NetworkStatus{}
	for i, n := range networks {
		same := true
		for j, m := range networks {
			if m.Name == n.Name && given[j] != given[i] {
				same = false
			}
		}
		if same && given[i] >= 0 {
			out[n.Name] = convert(namespace, statuses[given[i]])
		}
	}
	return out
}
