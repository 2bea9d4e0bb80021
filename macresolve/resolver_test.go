package macresolve

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/netconfig"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{in: "02:7c:4e:00:00:01", want: "02:7c:4e:00:00:01"},
		{in: "02:7C:4E:00:00:01", want: "02:7c:4e:00:00:01"},
		{in: "02-7c-4e-00-00-01", want: "02:7c:4e:00:00:01"},
		{in: "52-54-00-AB-cd-EF", want: "52:54:00:ab:cd:ef"},
		{in: "00:50:56:00:00:01", want: "00:50:56:00:00:01"}, // universally administered is fine
		{in: "00:00:00:00:00:00", wantErr: `: Invalid value: "00:00:00:00:00:00": the all-zero MAC address cannot be assigned to a NIC`},
		{in: "00-00-00-00-00-00", wantErr: `: Invalid value: "00-00-00-00-00-00": the all-zero MAC address`},
		{in: "ff:ff:ff:ff:ff:ff", wantErr: `: Invalid value: "ff:ff:ff:ff:ff:ff": the broadcast MAC address cannot be assigned to a NIC`},
		{in: "FF-FF-FF-FF-FF-FF", wantErr: `: Invalid value: "FF-FF-FF-FF-FF-FF": the broadcast MAC address`},
		{in: "01:00:5e:00:00:01", wantErr: `: Invalid value: "01:00:5e:00:00:01": a multicast MAC address`},
		{in: "33-33-00-00-00-01", wantErr: `: Invalid value: "33-33-00-00-00-01": a multicast MAC address`},
		{in: "", wantErr: `: Invalid value: "": want six pairs of hex digits`},
		{in: "02:00:00:00:00", wantErr: `: Invalid value: "02:00:00:00:00": want six pairs of hex digits`},
		{in: "02:00-00:00:00:01", wantErr: `: Invalid value: "02:00-00:00:00:01": separators must all be ':'`},
		{in: "02.00.00.00.00.01", wantErr: `: Invalid value: "02.00.00.00.00.01": want six pairs of hex digits`},
		{in: "0200.0000.0001", wantErr: `: Invalid value: "0200.0000.0001"`},
		{in: "02:00:00:00:00:0g", wantErr: `: Invalid value: "02:00:00:00:00:0g": "0g" is not a pair of hex digits`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				assert.Equal(t, netconfig.MAC{}, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.String())
		})
	}
}

// templateEntry is the entry of a MAC read from the macAddress of the i-th
// interface of a VM's template.
func templateEntry(i int, s string) netconfig.ResolvedMAC {
	return netconfig.ResolvedMAC{MAC: mac(s), Origin: netconfig.MACFromVMTemplate, Detail: fmt.Sprintf("spec.template.spec.domain.devices.interfaces[%d].macAddress", i)}
}

func TestFromVM(t *testing.T) {
	tests := []struct {
		name    string
		vm      *kubevirtv1.VirtualMachine
		want    netconfig.MACTable
		wantErr []string
	}{
		{name: "nil VM", vm: nil, wantErr: []string{"no VirtualMachine"}},
		{
			name: "no template",
			vm: func() *kubevirtv1.VirtualMachine {
				v := newVM()
				v.Spec.Template = nil
				return v
			}(),
			wantErr: []string{"spec.template: Required value"},
		},
		{name: "no interfaces", vm: newVM(), want: netconfig.MACTable{}},
		{
			name: "MACs set on the template, normalised; interfaces without one left out",
			vm:   newVM("default", "", "red", "02-7C-4E-00-00-01", "blue", "02:00:00:00:00:02"),
			want: netconfig.MACTable{"red": templateEntry(1, "02:7c:4e:00:00:01"), "blue": templateEntry(2, "02:00:00:00:00:02")},
		},
		{
			name: "an interface without a name is left out",
			vm:   newVM("", "02:00:00:00:00:01"),
			want: netconfig.MACTable{},
		},
		{
			name: "every problem is reported",
			vm:   newVM("default", "02:00:00:00:00", "red", "02:00:00:00:00:01", "red", "02:00:00:00:00:02", "blue", "00:00:00:00:00:00"),
			wantErr: []string{
				`spec.template.spec.domain.devices.interfaces[0].macAddress: Invalid value: "02:00:00:00:00": not a MAC address`,
				`spec.template.spec.domain.devices.interfaces[2].macAddress: Invalid value: "02:00:00:00:00:02": interfaces[1] has the same name "red" with MAC 02:00:00:00:00:01`,
				`spec.template.spec.domain.devices.interfaces[3].macAddress: Invalid value: "00:00:00:00:00:00": the all-zero MAC address`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromVM(tt.vm)
			count := 0 // one problem per string of wantErr
			if tt.vm == nil {
				count = -1 // not counted
			}
			checkOutcome(t, got, err, tt.want, tt.wantErr, count)
		})
	}
}

func TestFromNetworkStatus(t *testing.T) {
	spec := netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade},
		{Name: "red", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge},
		{Name: "blue", Source: netconfig.SourceMultus, NetworkName: "sriov-net", Binding: netconfig.BindingSRIOV},
		{Name: "green", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingPasst},
		{Name: "yellow", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: "l2bridge"},
		{Name: "black", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge},
		{Name: "white", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge},
		{Name: "grey", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge},
		{Name: "", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge},
		{Name: "red", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge},
	}}
	statuses := map[string]netconfig.NetworkStatus{
		"default": {Default: true, Interface: "eth0", MAC: mac("0a:58:0a:f4:01:0c")},
		"red":     {NetworkName: "vms/ext-net", Interface: "podb1f51a511f1", MAC: mac("02:7c:4e:00:00:01")},
		"blue":    {NetworkName: "vms/sriov-net", Interface: "pod16477688c0e", MAC: mac("02:7c:4e:00:00:02")},
		"green":   {NetworkName: "vms/ext-net", Interface: "net3", MAC: mac("02:7c:4e:00:00:03")},
		"yellow":  {NetworkName: "vms/ext-net", Interface: "net4", MAC: mac("02:7c:4e:00:00:04")},
		"black":   {NetworkName: "vms/ext-net", Interface: "net5"},                                // no MAC reported
		"white":   {NetworkName: "vms/ext-net", Interface: "net6", MAC: mac("01:00:5e:00:00:06")}, // multicast
		// grey is not reported.
		"": {NetworkName: "vms/ext-net", Interface: "net8", MAC: mac("02:7c:4e:00:00:08")},
	}
	calls := 0
	r := netconfig.StatusResolverFunc(func(networks []netconfig.Network) map[string]netconfig.NetworkStatus {
		calls++
		assert.Equal(t, spec.Networks, networks, "the resolver is given the whole list")
		return statuses
	})
	got := FromNetworkStatus(spec, r)
	assert.Equal(t, netconfig.MACTable{
		"red":  {MAC: mac("02:7c:4e:00:00:01"), Origin: netconfig.MACFromNetworkStatus, Detail: "podb1f51a511f1"},
		"blue": {MAC: mac("02:7c:4e:00:00:02"), Origin: netconfig.MACFromNetworkStatus, Detail: "pod16477688c0e"},
	}, got, "only bridge and SR-IOV networks with a name take the MAC of their status")
	assert.Equal(t, 1, calls, "the statuses are resolved once")

	assert.Equal(t, netconfig.MACTable{}, FromNetworkStatus(spec, nil))
}

func TestMACTableAndMACResolverFunc(t *testing.T) {
	table := netconfig.MACTable{
		"red":  {MAC: mac("02:00:00:00:00:01"), Origin: netconfig.MACStatic},
		"zero": {Origin: netconfig.MACStatic},
	}
	e, ok := table.ResolveMAC("red")
	assert.True(t, ok)
	assert.Equal(t, netconfig.MACStatic, e.Origin)
	assert.Equal(t, mac("02:00:00:00:00:01"), e.MAC)
	for _, network := range []string{"zero", "blue"} {
		_, ok = table.ResolveMAC(network)
		assert.False(t, ok, network)
	}
	_, ok = netconfig.MACTable(nil).ResolveMAC("red")
	assert.False(t, ok)

	f := netconfig.MACResolverFunc(func(network string) (netconfig.ResolvedMAC, bool) {
		if network == "zero" {
			return netconfig.ResolvedMAC{Origin: netconfig.MACStatic}, true
		}
		return table.ResolveMAC(network)
	})
	e, ok = f.ResolveMAC("red")
	assert.True(t, ok)
	assert.Equal(t, mac("02:00:00:00:00:01"), e.MAC)
	_, ok = f.ResolveMAC("zero")
	assert.False(t, ok, "an entry with an unset MAC counts as none")
	_, ok = netconfig.MACResolverFunc(nil).ResolveMAC("red")
	assert.False(t, ok, "a nil MACResolverFunc has no entries")
}

func TestChain(t *testing.T) {
	vmi := netconfig.MACTable{"default": {MAC: mac("52:54:00:00:00:01"), Origin: netconfig.MACFromVMIStatus, Detail: "domain"}}
	template := netconfig.MACTable{
		"default": {MAC: mac("02:00:00:00:00:01"), Origin: netconfig.MACFromVMTemplate},
		"red":     {MAC: mac("02:00:00:00:00:02"), Origin: netconfig.MACFromVMTemplate},
		"zero":    {Origin: netconfig.MACFromVMTemplate},
	}
	static := netconfig.MACResolverFunc(func(network string) (netconfig.ResolvedMAC, bool) {
		return netconfig.ResolvedMAC{MAC: mac("02:00:00:00:00:ff"), Origin: netconfig.MACStatic, Detail: network}, true
	})
	tests := []struct {
		name    string
		chain   ChainResolver
		network string
		want    netconfig.ResolvedMAC
		wantOK  bool
	}{
		{name: "empty chain", chain: Chain(), network: "default"},
		{name: "the first answer wins", chain: Chain(vmi, template, static), network: "default", want: vmi["default"], wantOK: true},
		{name: "order matters", chain: Chain(template, vmi, static), network: "default", want: template["default"], wantOK: true},
		{name: "a resolver without an answer is passed over", chain: Chain(vmi, template, static), network: "red", want: template["red"], wantOK: true},
		{name: "an entry with an unset MAC is passed over", chain: Chain(template, static), network: "zero", want: netconfig.ResolvedMAC{MAC: mac("02:00:00:00:00:ff"), Origin: netconfig.MACStatic, Detail: "zero"}, wantOK: true},
		{name: "nil resolvers are skipped", chain: Chain(nil, netconfig.MACTable(nil), netconfig.MACResolverFunc(nil), vmi), network: "default", want: vmi["default"], wantOK: true},
		{name: "nobody knows", chain: Chain(vmi, template), network: "blue"},
		{name: "a chain in a chain", chain: Chain(Chain(vmi), template), network: "red", want: template["red"], wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.chain.ResolveMAC(tt.network)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
			var r netconfig.MACResolver = tt.chain
			got, ok = r.ResolveMAC(tt.network)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got, "through netconfig.MACResolver")
		})
	}
}

func TestChainKeepsItsOwnList(t *testing.T) {
	rs := []netconfig.MACResolver{netconfig.MACTable{"red": {MAC: mac("02:00:00:00:00:01"), Origin: netconfig.MACStatic}}}
	chain := Chain(rs...)
	rs[0] = netconfig.MACTable{"red": {MAC: mac("02:00:00:00:00:02"), Origin: netconfig.MACStatic}}
	e, _ := chain.ResolveMAC("red")
	assert.Equal(t, mac("02:00:00:00:00:01"), e.MAC)
}
