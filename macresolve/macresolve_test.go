package macresolve

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/netconfig"
)

// assertErrorCount checks the number of errors in err, a
// *netconfig.ValidationError: want when positive, one per substring
// otherwise; want < 0 skips the check.
func assertErrorCount(t *testing.T, err error, substrings []string, want int) {
	t.Helper()
	if want < 0 {
		return
	}
	if want == 0 {
		want = len(substrings)
	}
	var invalid *netconfig.ValidationError
	if assert.ErrorAs(t, err, &invalid) {
		assert.Len(t, invalid.Errors, want, "%v", err)
	}
}

// checkOutcome checks what a call gave, got and err, against a table
// row: with wantErr empty, no error and want; otherwise a nil result and an
// error holding each of wantErr, with wantCount problems as
// assertErrorCount counts them.
func checkOutcome[T any](t *testing.T, got T, err error, want T, wantErr []string, wantCount int) {
	t.Helper()
	if len(wantErr) > 0 {
		require.Error(t, err)
		for _, s := range wantErr {
			assert.ErrorContains(t, err, s)
		}
		assertErrorCount(t, err, wantErr, wantCount)
		assert.Nil(t, got)
		return
	}
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func mac(s string) netconfig.MAC { return netconfig.MustParseMAC(s) }

// vmi builds a VMI whose spec interfaces have the given names and MACs
// (pairs) and whose status reports the given names and MACs (pairs).
func vmi(spec, status []string) *kubevirtv1.VirtualMachineInstance {
	v := &kubevirtv1.VirtualMachineInstance{}
	for i := 0; i < len(spec); i += 2 {
		v.Spec.Domain.Devices.Interfaces = append(v.Spec.Domain.Devices.Interfaces, kubevirtv1.Interface{Name: spec[i], MacAddress: spec[i+1]})
	}
	for i := 0; i < len(status); i += 2 {
		v.Status.Interfaces = append(v.Status.Interfaces, kubevirtv1.VirtualMachineInstanceNetworkInterface{Name: status[i], MAC: status[i+1]})
	}
	return v
}

// specEntry is the entry of a MAC read from the macAddress of the i-th
// interface of a VMI's spec.
func specEntry(i int, s string) netconfig.ResolvedMAC {
	return netconfig.ResolvedMAC{MAC: mac(s), Origin: netconfig.MACFromVMISpec, Detail: fmt.Sprintf("spec.domain.devices.interfaces[%d].macAddress", i)}
}

// statusEntry is the entry of a MAC read from a VMI's status.
func statusEntry(s, infoSource string) netconfig.ResolvedMAC {
	return netconfig.ResolvedMAC{MAC: mac(s), Origin: netconfig.MACFromVMIStatus, Detail: infoSource}
}

func TestFromVMI(t *testing.T) {
	tests := []struct {
		name    string
		vmi     *kubevirtv1.VirtualMachineInstance
		want    netconfig.MACTable
		wantErr []string // substrings of the error, when one is expected
		// wantCount is the number of errors in the ValidationError, when it is
		// not one per substring of wantErr.
		wantCount int
	}{
		{name: "nil VMI", vmi: nil, wantErr: []string{"no VirtualMachineInstance"}, wantCount: -1},
		{name: "no interfaces", vmi: vmi(nil, nil), want: netconfig.MACTable{}},
		{
			name: "MACs from the spec",
			vmi:  vmi([]string{"default", "02:00:00:00:00:01", "red", "02:00:00:00:00:02", "blue", ""}, nil),
			want: netconfig.MACTable{"default": specEntry(0, "02:00:00:00:00:01"), "red": specEntry(1, "02:00:00:00:00:02")},
		},
		{
			name: "MACs from the status",
			vmi:  vmi([]string{"default", "", "red", ""}, []string{"default", "0a:58:0a:f4:01:0c", "red", "02:7c:4e:00:00:01"}),
			want: netconfig.MACTable{"default": statusEntry("0a:58:0a:f4:01:0c", ""), "red": statusEntry("02:7c:4e:00:00:01", "")},
		},
		{
			name: "the spec wins over the status",
			vmi:  vmi([]string{"red", "02:00:00:00:00:01"}, []string{"red", "02:7c:4e:00:00:01"}),
			want: netconfig.MACTable{"red": specEntry(0, "02:00:00:00:00:01")},
		},
		{
			name: "status entries without a name or a MAC are skipped",
			vmi:  vmi(nil, []string{"", "52:54:00:12:34:56", "red", "", "blue", "02:00:00:00:00:02"}),
			want: netconfig.MACTable{"blue": statusEntry("02:00:00:00:00:02", "")},
		},
		{
			name: "upper case and hyphens are normalised",
			vmi:  vmi([]string{"red", "02-7C-4E-00-00-0A"}, []string{"blue", "02:7C:4E:00:00:0B"}),
			want: netconfig.MACTable{"red": specEntry(0, "02:7c:4e:00:00:0a"), "blue": statusEntry("02:7c:4e:00:00:0b", "")},
		},
		{
			name: "a status entry repeated with the same MAC",
			vmi:  vmi(nil, []string{"red", "02:00:00:00:00:01", "red", "02:00:00:00:00:01"}),
			want: netconfig.MACTable{"red": statusEntry("02:00:00:00:00:01", "")},
		},
		{
			name: "a bad status MAC hidden by the spec is not read",
			vmi:  vmi([]string{"red", "02:00:00:00:00:01"}, []string{"red", "ff:ff:ff:ff:ff:ff"}),
			want: netconfig.MACTable{"red": specEntry(0, "02:00:00:00:00:01")},
		},
		{
			name: "the status entry's infoSource is its detail",
			vmi: func() *kubevirtv1.VirtualMachineInstance {
				v := vmi([]string{"default", "", "red", "02:00:00:00:00:01"}, nil)
				v.Status.Interfaces = []kubevirtv1.VirtualMachineInstanceNetworkInterface{
					{Name: "default", MAC: "0a:58:0a:f4:01:0c", InfoSource: "domain, guest-agent"},
					{Name: "red", MAC: "02:00:00:00:00:01", InfoSource: "domain, guest-agent, multus-status"},
				}
				return v
			}(),
			want: netconfig.MACTable{"default": statusEntry("0a:58:0a:f4:01:0c", "domain, guest-agent"), "red": specEntry(1, "02:00:00:00:00:01")},
		},
		{
			name: "a spec interface repeated with the same MAC keeps the first field",
			vmi:  vmi([]string{"red", "02:00:00:00:00:01", "red", "02-00-00-00-00-01"}, nil),
			want: netconfig.MACTable{"red": specEntry(0, "02:00:00:00:00:01")},
		},
		{
			name:      "malformed spec MAC",
			vmi:       vmi([]string{"default", "02:00:00:00:00:01", "red", "02:00:00:00:00"}, nil),
			wantErr:   []string{`spec.domain.devices.interfaces[1].macAddress: Invalid value: "02:00:00:00:00"`, "not a MAC address"},
			wantCount: 1,
		},
		{
			name:    "mixed separators",
			vmi:     vmi([]string{"red", "02:00-00:00:00:01"}, nil),
			wantErr: []string{`spec.domain.devices.interfaces[0].macAddress: Invalid value: "02:00-00:00:00:01"`},
		},
		{
			name:      "all-zero status MAC",
			vmi:       vmi(nil, []string{"red", "00:00:00:00:00:00"}),
			wantErr:   []string{`status.interfaces[0].mac: Invalid value: "00:00:00:00:00:00"`, "all-zero"},
			wantCount: 1,
		},
		{
			name:      "multicast spec MAC",
			vmi:       vmi([]string{"red", "01:00:5e:00:00:01"}, nil),
			wantErr:   []string{`spec.domain.devices.interfaces[0].macAddress: Invalid value: "01:00:5e:00:00:01"`, "multicast"},
			wantCount: 1,
		},
		{
			name:      "broadcast status MAC",
			vmi:       vmi(nil, []string{"", "02:00:00:00:00:09", "red", "FF-FF-FF-FF-FF-FF"}),
			wantErr:   []string{`status.interfaces[1].mac: Invalid value: "FF-FF-FF-FF-FF-FF"`, "broadcast"},
			wantCount: 1,
		},
		{
			name:      "two spec interfaces of one name with different MACs",
			vmi:       vmi([]string{"red", "02:00:00:00:00:01", "red", "02:00:00:00:00:02"}, nil),
			wantErr:   []string{`spec.domain.devices.interfaces[1].macAddress: Invalid value: "02:00:00:00:00:02"`, `interfaces[0] has the same name "red" with MAC 02:00:00:00:00:01`},
			wantCount: 1,
		},
		{
			name:      "two status entries of one name with different MACs",
			vmi:       vmi(nil, []string{"red", "02:00:00:00:00:01", "red", "02:00:00:00:00:02"}),
			wantErr:   []string{`status.interfaces[1].mac: Invalid value: "02:00:00:00:00:02"`, `interfaces[0] has the same name "red" with MAC 02:00:00:00:00:01`},
			wantCount: 1,
		},
		{
			name: "every problem is reported",
			vmi: vmi(
				[]string{"default", "zz:00:00:00:00:01", "red", "02:00:00:00:00:02", "blue", "03:00:00:00:00:03", "green", ""},
				[]string{"green", "00-00-00-00-00-00", "default", "02:00:00:00:00:04", "yellow", "02:00:00:00:00"},
			),
			wantErr: []string{
				`spec.domain.devices.interfaces[0].macAddress: Invalid value: "zz:00:00:00:00:01"`,
				`spec.domain.devices.interfaces[2].macAddress: Invalid value: "03:00:00:00:00:03"`,
				`status.interfaces[0].mac: Invalid value: "00-00-00-00-00-00"`,
				`status.interfaces[2].mac: Invalid value: "02:00:00:00:00"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromVMI(tt.vmi)
			checkOutcome(t, got, err, tt.want, tt.wantErr, tt.wantCount)
		})
	}
}

func TestStatic(t *testing.T) {
	tests := []struct {
		name      string
		macs      map[string]string
		want      netconfig.MACTable
		wantErr   []string
		wantCount int
	}{
		{name: "nil map", macs: nil, want: netconfig.MACTable{}},
		{
			name: "MACs in any accepted form",
			macs: map[string]string{"default": "02:00:00:00:00:01", "red": "02-7C-4E-00-00-0A"},
			want: netconfig.MACTable{"default": {MAC: mac("02:00:00:00:00:01"), Origin: netconfig.MACStatic}, "red": {MAC: mac("02:7c:4e:00:00:0a"), Origin: netconfig.MACStatic}},
		},
		{
			name:      "empty MAC",
			macs:      map[string]string{"red": ""},
			wantErr:   []string{"macs[red]: Required value", "a MAC address is required"},
			wantCount: 1,
		},
		{
			name:      "empty network name",
			macs:      map[string]string{"": "02:00:00:00:00:01"},
			wantErr:   []string{`macs[]: Invalid value: "02:00:00:00:00:01": the network name is empty`},
			wantCount: 1,
		},
		{
			name: "every problem is reported, in network name order",
			macs: map[string]string{"red": "02:00:00:00:00", "blue": "01:00:5e:00:00:01", "green": "00:00:00:00:00:00", "default": "02:00:00:00:00:01"},
			wantErr: []string{
				`3 problems: macs[blue]: Invalid value: "01:00:5e:00:00:01": a multicast MAC address`,
				`macs[green]: Invalid value: "00:00:00:00:00:00": the all-zero MAC address`,
				`macs[red]: Invalid value: "02:00:00:00:00": not a MAC address`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Static(tt.macs)
			checkOutcome(t, got, err, tt.want, tt.wantErr, tt.wantCount)
		})
	}
}
