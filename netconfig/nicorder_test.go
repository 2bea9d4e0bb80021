package netconfig_test

import (
	"net/netip"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"pgregory.net/rapid"

	"github.com/guestnet/guestnet/internal/validationtest"
	"github.com/guestnet/guestnet/netconfig"
)

// kubevirtNICNames is the guest NIC name of each network of spec, as
// KubeVirt orders the NICs, written out step by step: take the interfaces
// in spec.domain.devices.interfaces order (spec.InterfaceOrder, else the
// order of the networks); leave out absent ones
// (pkg/virt-launcher/virtwrap/converter/network.go, CreateDomainInterfaces,
// filters with vmispec.FilterInterfacesSpec on state != absent); the
// converter makes a domain NIC of every one but SR-IOV ones, which become
// PCI host devices appended after all the NICs (converter.go:
// `domain.Spec.Devices.HostDevices = append(..., c.SRIOVDevices...)` after
// the interfaces; pkg/virt-launcher/virtwrap/device/hostdevice/sriov
// walks the interfaces in the same order). The guest's kernel numbers
// them ethN in that order. An absent network gets "".
func kubevirtNICNames(spec netconfig.Spec) []string {
	order := spec.InterfaceOrder
	if len(order) == 0 {
		for _, n := range spec.Networks {
			order = append(order, n.Name)
		}
	}
	byName := map[string]int{}
	for i, n := range spec.Networks {
		byName[n.Name] = i
	}
	var nics, hostdevs []int
	for _, name := range order {
		i := byName[name]
		switch n := spec.Networks[i]; {
		case n.Absent:
		case n.Binding == netconfig.BindingSRIOV:
			hostdevs = append(hostdevs, i)
		default:
			nics = append(nics, i)
		}
	}
	names := make([]string, len(spec.Networks))
	for pos, i := range append(nics, hostdevs...) {
		names[i] = "eth" + strconv.Itoa(pos)
	}
	return names
}

func TestNICOrder(t *testing.T) {
	pod := netconfig.Network{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade}
	static := func(addr string) *netconfig.IPConfig {
		return &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{prefix(addr)}}
	}
	red := netconfig.Network{Name: "red", Source: netconfig.SourceMultus, NetworkName: "red-net", Binding: netconfig.BindingBridge, IPConfig: static("10.1.0.2/24")}
	blue := netconfig.Network{Name: "blue", Source: netconfig.SourceMultus, NetworkName: "blue-net", Binding: netconfig.BindingBridge, IPConfig: static("10.2.0.2/24")}
	vf := netconfig.Network{Name: "vf", Source: netconfig.SourceMultus, NetworkName: "sriov-net", Binding: netconfig.BindingSRIOV, IPConfig: static("10.3.0.2/24")}
	absent := func(n netconfig.Network) netconfig.Network { n.Absent = true; return n }

	tests := []struct {
		name  string
		spec  netconfig.Spec
		names []string // Result.Interfaces[i].Name
	}{
		{
			name:  "networks order when no interface order is given",
			spec:  netconfig.Spec{Networks: []netconfig.Network{pod, red, blue}},
			names: []string{"eth0", "eth1", "eth2"},
		},
		{
			// The converter walks spec.domain.devices.interfaces, not
			// spec.networks (converter/network.go CreateDomainInterfaces).
			name:  "the interfaces' order, not the networks'",
			spec:  netconfig.Spec{Networks: []netconfig.Network{pod, red, blue}, InterfaceOrder: []string{"default", "blue", "red"}},
			names: []string{"eth0", "eth2", "eth1"},
		},
		{
			// Absent interfaces are filtered out before the walk
			// (vmispec.FilterInterfacesSpec, state != absent).
			name:  "an absent interface takes no place",
			spec:  netconfig.Spec{Networks: []netconfig.Network{pod, absent(red), blue}},
			names: []string{"eth0", "", "eth1"},
		},
		{
			// SR-IOV interfaces are host devices, after the NICs
			// (converter.go appends c.SRIOVDevices after the interfaces).
			name:  "SR-IOV after every NIC",
			spec:  netconfig.Spec{Networks: []netconfig.Network{pod, vf, red, blue}},
			names: []string{"eth0", "eth3", "eth1", "eth2"},
		},
		{
			name:  "all together",
			spec:  netconfig.Spec{Networks: []netconfig.Network{vf, absent(blue), red, pod}, InterfaceOrder: []string{"default", "vf", "red", "blue"}},
			names: []string{"eth2", "", "eth1", "eth0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := netconfig.Build(tt.spec)
			require.NoError(t, err)
			var got []string
			for _, ifc := range res.Interfaces {
				got = append(got, ifc.Name)
			}
			assert.Equal(t, tt.names, got)
			assert.Equal(t, tt.names, kubevirtNICNames(tt.spec), "the test's reference")
			for i, ifc := range res.Interfaces {
				_, written := res.Config.Network.Ethernets[ifc.Name]
				assert.Equal(t, !tt.spec.Networks[i].Absent, written, "networks[%d] written", i)
			}
		})
	}
}

func TestAbsentInterface(t *testing.T) {
	spec := netconfig.Spec{Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod},
		{Name: "red", Source: netconfig.SourceMultus, NetworkName: "red-net", Absent: true, MAC: netconfig.MustParseMAC("02:00:00:00:00:02"),
			IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP}},
	}}
	res, err := netconfig.Build(spec)
	require.NoError(t, err)
	red := res.Interfaces[1]
	assert.Equal(t, netconfig.RoleAbsent, red.Role)
	assert.False(t, red.Configured)
	assert.Empty(t, red.Name)
	assert.Len(t, res.Config.Network.Ethernets, 1)
	var warned bool
	for _, w := range res.Warnings {
		if w.Network == "red" {
			assert.Equal(t, netconfig.WarningIPConfigIgnored, w.Code)
			assert.Equal(t, "networks[1].ipConfig", w.Field)
			warned = true
		}
	}
	assert.True(t, warned, "no warning about red: %v", res.Warnings)
}

func TestInterfaceOrderErrors(t *testing.T) {
	nets := []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod},
		{Name: "red", Source: netconfig.SourceMultus, NetworkName: "red-net"},
	}
	tests := []struct {
		name  string
		order []string
		typ   field.ErrorType
		field string
	}{
		{"a name the networks lack", []string{"default", "red", "blue"}, field.ErrorTypeNotFound, "interfaceOrder[2]"},
		{"a name twice", []string{"default", "red", "red"}, field.ErrorTypeDuplicate, "interfaceOrder[2]"},
		{"a network left out", []string{"default"}, field.ErrorTypeRequired, "interfaceOrder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := netconfig.Build(netconfig.Spec{Networks: nets, InterfaceOrder: tt.order})
			fe := validationtest.RequireOne(t, err, tt.typ, tt.field)
			if tt.typ == field.ErrorTypeRequired {
				assert.Contains(t, fe.Detail, `networks[1] ("red")`)
			}
		})
	}
}

// TestNICNamesFollowKubeVirtOrder: for any VM, with any interface order,
// the guest names are eth0..ethN-1 over the attached NICs, the SR-IOV ones
// after all the others, each group in the interfaces' order.
func TestNICNamesFollowKubeVirtOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 8).Draw(t, "networks")
		spec := netconfig.Spec{}
		for i := 0; i < n; i++ {
			nw := netconfig.Network{Name: "net" + strconv.Itoa(i), Source: netconfig.SourceMultus, NetworkName: "nad", Absent: rapid.Bool().Draw(t, "absent")}
			if rapid.Bool().Draw(t, "sriov") {
				nw.Binding = netconfig.BindingSRIOV
			}
			spec.Networks = append(spec.Networks, nw)
			spec.InterfaceOrder = append(spec.InterfaceOrder, nw.Name)
		}
		spec.InterfaceOrder = rapid.Permutation(spec.InterfaceOrder).Draw(t, "order")
		res, err := netconfig.Build(spec)
		require.NoError(t, err)
		pos := map[string]int{} // interface name -> NIC position
		for i, ifc := range res.Interfaces {
			if spec.Networks[i].Absent {
				require.Empty(t, ifc.Name)
				continue
			}
			p, err := strconv.Atoi(ifc.Name[len("eth"):])
			require.NoError(t, err, ifc.Name)
			pos[ifc.Network] = p
		}
		seen := make([]bool, len(pos))
		for _, p := range pos {
			require.Less(t, p, len(pos))
			require.False(t, seen[p], "position %d twice", p)
			seen[p] = true
		}
		sriov := func(name string) bool { return spec.Networks[mustIndex(spec, name)].Binding == netconfig.BindingSRIOV }
		last := map[bool]int{false: -1, true: -1}
		for _, name := range spec.InterfaceOrder {
			p, ok := pos[name]
			if !ok {
				continue
			}
			require.Greater(t, p, last[sriov(name)], "%s out of the interfaces' order", name)
			last[sriov(name)] = p
		}
		for name, p := range pos {
			if !sriov(name) {
				continue
			}
			for other, q := range pos {
				if !sriov(other) {
					require.Less(t, q, p, "NIC %s after SR-IOV %s", other, name)
				}
			}
		}
	})
}

func mustIndex(spec netconfig.Spec, name string) int {
	for i, n := range spec.Networks {
		if n.Name == name {
			return i
		}
	}
	panic("no network " + name)
}

func TestMultusDefaultNetwork(t *testing.T) {
	// kubevirt pkg/network/namescheme: the Multus default network is the
	// primary, eth0 (PrimaryPodInterfaceName), as the pod network is.
	primary := netconfig.Network{Name: "prim", Source: netconfig.SourceMultusDefault, NetworkName: "ovn-primary", Binding: netconfig.BindingBridge,
		MAC: netconfig.MustParseMAC("02:00:00:00:00:10")}
	red := netconfig.Network{Name: "red", Source: netconfig.SourceMultus, NetworkName: "red-net", Binding: netconfig.BindingBridge,
		MAC: netconfig.MustParseMAC("02:00:00:00:00:11"), IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{prefix("10.1.0.2/24")}}}

	t.Run("primary with DHCP by default", func(t *testing.T) {
		res, err := netconfig.Build(netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{primary, red}})
		require.NoError(t, err)
		p := res.Interfaces[0]
		assert.Equal(t, netconfig.RolePod, p.Role)
		assert.True(t, p.Configured)
		assert.Equal(t, "eth0", p.Name)
		assert.Equal(t, "vms/ovn-primary", p.NetworkName)
		e := res.Config.Network.Ethernets["eth0"]
		assert.True(t, e.DHCP4)
		assert.Equal(t, netconfig.RoleSecondary, res.Interfaces[1].Role)
	})
	t.Run("with the pod network", func(t *testing.T) {
		// pkg/network/admitter/netsource.go: "Pod network cannot be defined
		// when Multus default network is defined".
		pod := netconfig.Network{Name: "default", Source: netconfig.SourcePod}
		_, err := netconfig.Build(netconfig.Spec{Networks: []netconfig.Network{pod, primary}})
		validationtest.RequireOne(t, err, field.ErrorTypeInvalid, "networks[1]")
	})
	t.Run("twice", func(t *testing.T) {
		// netsource.go: "Multus CNI should only have one default network".
		other := primary
		other.Name, other.MAC = "prim2", netconfig.MAC{}
		_, err := netconfig.Build(netconfig.Spec{Networks: []netconfig.Network{primary, other}})
		validationtest.RequireOne(t, err, field.ErrorTypeInvalid, "networks[1]")
	})
	t.Run("masquerade", func(t *testing.T) {
		// pkg/network/admitter/binding.go: "Masquerade interface only
		// implemented with pod network".
		m := primary
		m.Binding = netconfig.BindingMasquerade
		_, err := netconfig.Build(netconfig.Spec{Networks: []netconfig.Network{m}})
		validationtest.RequireOne(t, err, field.ErrorTypeInvalid, "networks[0].binding")
	})
	t.Run("needs its attachment", func(t *testing.T) {
		m := primary
		m.NetworkName = ""
		_, err := netconfig.Build(netconfig.Spec{Networks: []netconfig.Network{m}})
		validationtest.RequireOne(t, err, field.ErrorTypeRequired, "networks[0].networkName")
	})
}

func TestNetworksInInterfaceOrder(t *testing.T) {
	nets := []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod},
		{Name: "red", Source: netconfig.SourceMultus, NetworkName: "red-net", Absent: true},
		{Name: "blue", Source: netconfig.SourceMultus, NetworkName: "blue-net"},
		{Name: "green", Source: netconfig.SourceMultus, NetworkName: "green-net"},
	}
	tests := []struct {
		name  string
		order []string
		want  []int
		errs  []string // field.Error texts
	}{
		{name: "networks order when no interface order is given, absent left out", want: []int{0, 2, 3}},
		{name: "the interface order, absent left out", order: []string{"green", "red", "default", "blue"}, want: []int{3, 0, 2}},
		{
			// Every network that is not absent is still there once: the
			// entries at fault are passed over, and the networks left
			// out follow in networks order.
			name:  "an interface order that does not name every network once",
			order: []string{"blue", "purple", "blue", "red"},
			want:  []int{2, 0, 3},
			errs: []string{
				`spec.interfaceOrder[1]: Not found: "purple": the interface order names only the spec's networks`,
				`spec.interfaceOrder[2]: Duplicate value: "blue": the interface order names each network once`,
				`spec.interfaceOrder: Required value: networks[0] ("default") has no place in the interface order, which names every network once`,
				`spec.interfaceOrder: Required value: networks[3] ("green") has no place in the interface order, which names every network once`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := netconfig.Spec{Networks: nets, InterfaceOrder: tt.order}
			got, errs := spec.NetworksInInterfaceOrder(field.NewPath("spec"))
			assert.Equal(t, tt.want, got)
			var texts []string
			for _, fe := range errs {
				texts = append(texts, fe.Error())
			}
			assert.Equal(t, tt.errs, texts)
		})
	}
}

// TestNetworksInInterfaceOrderHoldsEachNetworkOnce: for any spec, valid or
// not, the result holds every network that is not absent exactly once, and
// no absent one.
func TestNetworksInInterfaceOrderHoldsEachNetworkOnce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spec := genArbitrarySpec(t)
		order, _ := spec.NetworksInInterfaceOrder(nil)
		seen := make([]bool, len(spec.Networks))
		for _, i := range order {
			if seen[i] || spec.Networks[i].Absent {
				t.Fatalf("networks[%d] (absent %v) in %v", i, spec.Networks[i].Absent, order)
			}
			seen[i] = true
		}
		for i, n := range spec.Networks {
			if !n.Absent && !seen[i] {
				t.Fatalf("networks[%d] missing from %v", i, order)
			}
		}
	})
}
