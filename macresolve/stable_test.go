package macresolve

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/netconfig"
)

// referenceMAC restates the scheme StableMAC documents, written apart from
// the code under test: SHA-256 over the domain string and the three
// strings, each after its length as an 8-byte big-endian integer, then the
// attempt as an 8-byte big-endian integer; the prefix over the leading
// octets; the first octet made unicast and locally administered.
func referenceMAC(namespace, vmName, network string, attempt uint64, prefix ...byte) netconfig.MAC {
	var in []byte
	for _, s := range []string{"guestnet stable MAC v1", namespace, vmName, network} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		in = append(in, n[:]...)
		in = append(in, s...)
	}
	var a [8]byte
	binary.BigEndian.PutUint64(a[:], attempt)
	in = append(in, a[:]...)
	sum := sha256.Sum256(in)
	var m netconfig.MAC
	copy(m[:], sum[:6])
	copy(m[:], prefix)
	m[0] = m[0]&^1 | 2
	return m
}

func TestParsePrefix(t *testing.T) {
	tests := []struct {
		in      string
		want    []byte
		wantStr string
		wantErr string
	}{
		{in: "", want: []byte{}, wantStr: ""},
		{in: "06", want: []byte{0x06}, wantStr: "06"},
		{in: "0A:58", want: []byte{0x0a, 0x58}, wantStr: "0a:58"},
		{in: "06-1c-2F", want: []byte{0x06, 0x1c, 0x2f}, wantStr: "06:1c:2f"},
		{in: "fe:ff:ff", want: []byte{0xfe, 0xff, 0xff}, wantStr: "fe:ff:ff"},
		{in: "02:00:00:00", wantErr: "want one to 3 pairs of hex digits"},
		{in: "6", wantErr: "want one to 3 pairs of hex digits"},
		{in: "06:", wantErr: "want one to 3 pairs of hex digits"},
		{in: "06.1c", wantErr: "want one to 3 pairs of hex digits"},
		{in: "06:1c-2f", wantErr: "separators must all be ':' or all be '-'"},
		{in: "0g", wantErr: `"0g" is not a pair of hex digits`},
		{in: "00:50:56", wantErr: "first octet 00 lacks the locally administered bit (0x02)"},
		{in: "03", wantErr: "first octet 03 has the group bit (0x01) set"},
		{in: "ff", wantErr: "first octet ff has the group bit (0x01) set"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParsePrefix(tt.in)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				assert.ErrorContains(t, err, fmt.Sprintf(": Invalid value: %q: not a MAC prefix: ", tt.in))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.Octets())
			assert.Equal(t, len(tt.want), p.Len())
			assert.Equal(t, tt.wantStr, p.String())
			again, err := ParsePrefix(p.String())
			require.NoError(t, err)
			assert.Equal(t, p, again, "ParsePrefix(String()) is the identity")
		})
	}
}

func TestPrefixFrom(t *testing.T) {
	_, err := PrefixFrom(0x06, 0, 0, 0)
	assert.ErrorContains(t, err, "at most 3 octets")
	p, err := PrefixFrom()
	require.NoError(t, err)
	assert.Equal(t, Prefix{}, p)
	p, err = PrefixFrom(0x06, 0x1c)
	require.NoError(t, err)
	assert.Equal(t, MustParsePrefix("06:1c"), p)
	assert.Panics(t, func() { MustParsePrefix("01") })
}

func TestPrefixContains(t *testing.T) {
	p := MustParsePrefix("06:1c")
	assert.True(t, p.Contains(mac("06:1c:00:00:00:01")))
	assert.False(t, p.Contains(mac("06:1d:00:00:00:01")))
	assert.True(t, Prefix{}.Contains(mac("02:00:00:00:00:01")))
}

// TestStableMACGolden pins StableMAC to values computed outside Go (Python's
// hashlib, following the documented scheme), so that a change of scheme
// cannot go unnoticed: it would change the MACs of every pinned VM.
func TestStableMACGolden(t *testing.T) {
	tests := []struct {
		namespace, vm, network string
		prefix                 string
		want                   string
	}{
		{"vms", "fedora", "default", "", "d2:48:be:ac:c0:ff"},
		{"vms", "fedora", "red", "", "ae:dd:78:04:5a:dc"},
		{"vms", "fedora", "blue", "", "ee:a8:8c:d3:e7:f6"},
		{"vms", "fedora", "red", "06", "06:dd:78:04:5a:dc"},
		{"vms", "fedora", "red", "06:1c:2f", "06:1c:2f:04:5a:dc"},
		{"vms", "fedora", "blue", "0a:58", "0a:58:8c:d3:e7:f6"},
		{"prod", "db-0", "ext-net", "06", "06:f4:82:13:df:f3"},
		{"", "", "", "", "e6:73:fb:fa:8b:07"},
		// The lengths keep the boundaries between the strings.
		{"a", "bc", "", "", "7a:3e:9a:c1:cb:77"},
		{"ab", "c", "", "", "de:73:0c:a5:b5:12"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/%s@%s", tt.namespace, tt.vm, tt.network, tt.prefix), func(t *testing.T) {
			got := StableMAC(tt.namespace, tt.vm, tt.network, MustParsePrefix(tt.prefix))
			assert.Equal(t, tt.want, got.String())
			assert.Equal(t, referenceMAC(tt.namespace, tt.vm, tt.network, 0, MustParsePrefix(tt.prefix).Octets()...), got)
		})
	}
}

func TestStableMACs(t *testing.T) {
	red0 := referenceMAC("vms", "fedora", "red", 0)
	red1 := referenceMAC("vms", "fedora", "red", 1)
	red2 := referenceMAC("vms", "fedora", "red", 2)
	tests := []struct {
		name      string
		namespace string
		vm        string
		networks  []string
		prefix    Prefix
		avoid     []netconfig.MAC
		want      map[string]netconfig.MAC
		wantErr   []string
	}{
		{name: "no networks", namespace: "vms", vm: "fedora", want: map[string]netconfig.MAC{}},
		{
			name: "each network gets its stable MAC", namespace: "vms", vm: "fedora",
			networks: []string{"red", "default", "blue"},
			want: map[string]netconfig.MAC{
				"default": mac("d2:48:be:ac:c0:ff"), "red": mac("ae:dd:78:04:5a:dc"), "blue": mac("ee:a8:8c:d3:e7:f6"),
			},
		},
		{
			name: "under a prefix", namespace: "vms", vm: "fedora", networks: []string{"red"}, prefix: MustParsePrefix("06"),
			want: map[string]netconfig.MAC{"red": mac("06:dd:78:04:5a:dc")},
		},
		{
			name: "a taken MAC moves the network to its next attempt", namespace: "vms", vm: "fedora",
			networks: []string{"red"}, avoid: []netconfig.MAC{red0},
			want: map[string]netconfig.MAC{"red": red1},
		},
		{
			name: "as many attempts as it takes", namespace: "vms", vm: "fedora",
			networks: []string{"red"}, avoid: []netconfig.MAC{red1, red0},
			want: map[string]netconfig.MAC{"red": red2},
		},
		{
			name: "MACs to avoid that are not in the way change nothing", namespace: "vms", vm: "fedora",
			networks: []string{"red"}, avoid: []netconfig.MAC{mac("02:00:00:00:00:01"), red1},
			want: map[string]netconfig.MAC{"red": red0},
		},
		{
			name: "every problem is reported", namespace: "", vm: "",
			networks: []string{"red", "", "red"},
			wantErr: []string{
				"namespace: Required value",
				"name: Required value",
				"networks[1]: Required value",
				`networks[2]: Invalid value: "red": networks[0] has the same name`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := StableMACs(tt.namespace, tt.vm, tt.networks, tt.prefix, tt.avoid...)
			checkOutcome(t, got, err, tt.want, tt.wantErr, 0)
		})
	}
}

// TestStableMACsRunsOut checks that StableMACs gives up, with an error,
// when the MACs to avoid leave no room, rather than looping for ever.
func TestStableMACsRunsOut(t *testing.T) {
	prefix := MustParsePrefix("06:1c:2f")
	var avoid []netconfig.MAC
	for attempt := uint64(0); attempt < maxAttempts; attempt++ {
		avoid = append(avoid, referenceMAC("vms", "fedora", "red", attempt, 0x06, 0x1c, 0x2f))
	}
	_, err := StableMACs("vms", "fedora", []string{"red"}, prefix, avoid...)
	assert.ErrorContains(t, err, `networks[0]: Invalid value: "red": no free MAC found in 65536 attempts under prefix "06:1c:2f"`)
}

// newVM builds a VM vms/fedora whose template interfaces have the given
// names and MACs (pairs).
func newVM(ifaces ...string) *kubevirtv1.VirtualMachine {
	vm := &kubevirtv1.VirtualMachine{
		ObjectMeta: metav1.ObjectMeta{Namespace: "vms", Name: "fedora"},
		Spec:       kubevirtv1.VirtualMachineSpec{Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{}},
	}
	for i := 0; i < len(ifaces); i += 2 {
		vm.Spec.Template.Spec.Domain.Devices.Interfaces = append(vm.Spec.Template.Spec.Domain.Devices.Interfaces,
			kubevirtv1.Interface{Name: ifaces[i], MacAddress: ifaces[i+1]})
	}
	return vm
}

// pinnedAt is what Pin reports of the MAC it wrote on the i-th interface.
func pinnedAt(i int, name string, m netconfig.MAC) Pinned {
	return Pinned{Interface: name, MAC: m, Field: fmt.Sprintf("spec.template.spec.domain.devices.interfaces[%d].macAddress", i)}
}

func TestPin(t *testing.T) {
	stable := func(network string) string { return referenceMAC("vms", "fedora", network, 0).String() }
	tests := []struct {
		name       string
		vm         *kubevirtv1.VirtualMachine
		opts       []PinOption
		wantMACs   []string // the macAddress of each interface of the result
		wantPinned []Pinned
		wantErr    []string
	}{
		{name: "nil VM", vm: nil, wantErr: []string{"no VirtualMachine"}},
		{name: "no interfaces", vm: newVM(), wantMACs: nil},
		{
			name:       "missing MACs are filled, set ones kept as written",
			vm:         newVM("default", "", "red", "02-7C-4E-00-00-01", "blue", ""),
			wantMACs:   []string{stable("default"), "02-7C-4E-00-00-01", stable("blue")},
			wantPinned: []Pinned{pinnedAt(0, "default", mac(stable("default"))), pinnedAt(2, "blue", mac(stable("blue")))},
		},
		{
			name:     "a VM with all its MACs is unchanged",
			vm:       newVM("default", "02:00:00:00:00:01"),
			wantMACs: []string{"02:00:00:00:00:01"},
		},
		{
			name:       "under a prefix",
			vm:         newVM("red", ""),
			opts:       []PinOption{WithPrefix(MustParsePrefix("06:1c"))},
			wantMACs:   []string{"06:1c:78:04:5a:dc"},
			wantPinned: []Pinned{pinnedAt(0, "red", mac("06:1c:78:04:5a:dc"))},
		},
		{
			name:       "a set MAC that is another network's stable MAC pushes it to its next attempt",
			vm:         newVM("blue", stable("red"), "red", ""),
			wantMACs:   []string{stable("red"), referenceMAC("vms", "fedora", "red", 1).String()},
			wantPinned: []Pinned{pinnedAt(1, "red", referenceMAC("vms", "fedora", "red", 1))},
		},
		{
			name:       "a set MAC is compared as a MAC, not as text",
			vm:         newVM("blue", "AE-DD-78-04-5A-DC", "red", ""),
			wantMACs:   []string{"AE-DD-78-04-5A-DC", referenceMAC("vms", "fedora", "red", 1).String()},
			wantPinned: []Pinned{pinnedAt(1, "red", referenceMAC("vms", "fedora", "red", 1))},
		},
		{
			name:       "MACs to avoid, over several options; a nil option is ignored",
			vm:         newVM("red", ""),
			opts:       []PinOption{WithAvoid(mac("02:00:00:00:00:01")), nil, WithAvoid(referenceMAC("vms", "fedora", "red", 0))},
			wantMACs:   []string{referenceMAC("vms", "fedora", "red", 1).String()},
			wantPinned: []Pinned{pinnedAt(0, "red", referenceMAC("vms", "fedora", "red", 1))},
		},
		{
			name: "no namespace, no name",
			vm: func() *kubevirtv1.VirtualMachine {
				vm := newVM("red", "")
				vm.Namespace, vm.Name = "", ""
				return vm
			}(),
			wantErr: []string{"metadata.namespace: Required value", "metadata.name: Required value"},
		},
		{
			name: "no template",
			vm: func() *kubevirtv1.VirtualMachine {
				vm := newVM()
				vm.Spec.Template = nil
				return vm
			}(),
			wantErr: []string{"spec.template: Required value"},
		},
		{
			name: "every problem of the interfaces is reported",
			vm:   newVM("red", "", "", "", "red", "02:00:00:00:00:01", "blue", "02-00-00-00-00-01", "green", "01:00:5e:00:00:01"),
			wantErr: []string{
				"spec.template.spec.domain.devices.interfaces[1].name: Required value",
				`spec.template.spec.domain.devices.interfaces[2].name: Invalid value: "red": interfaces[0] has the same name`,
				`spec.template.spec.domain.devices.interfaces[3].macAddress: Invalid value: "02-00-00-00-00-01": interfaces[2] has the same MAC`,
				`spec.template.spec.domain.devices.interfaces[4].macAddress: Invalid value: "01:00:5e:00:00:01": a multicast MAC address`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, pinned, err := Pin(tt.vm, tt.opts...)
			if len(tt.wantErr) > 0 {
				for _, s := range tt.wantErr {
					assert.ErrorContains(t, err, s)
				}
				if tt.vm != nil {
					assertErrorCount(t, err, tt.wantErr, 0)
				}
				assert.Nil(t, got)
				assert.Nil(t, pinned)
				return
			}
			require.NoError(t, err)
			require.NotSame(t, tt.vm, got)
			var macs []string
			for _, iface := range got.Spec.Template.Spec.Domain.Devices.Interfaces {
				macs = append(macs, iface.MacAddress)
			}
			assert.Equal(t, tt.wantMACs, macs)
			assert.Equal(t, tt.wantPinned, pinned)
		})
	}
}
