package multus

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/netconfig"
)

// launcherStatus is the network-status annotation of a virt-launcher pod
// with the pod network and one secondary network "red" on vms/ext-net, as
// Multus writes it.
const launcherStatus = `[{
    "name": "ovn-kubernetes",
    "interface": "eth0",
    "ips": ["10.244.1.12", "fd00:10:244:1::c"],
    "mac": "0a:58:0a:f4:01:0c",
    "default": true,
    "dns": {}
},{
    "name": "vms/ext-net",
    "interface": "podb1f51a511f1",
    "ips": ["192.168.10.5"],
    "mac": "02:7C:4E:00:00:01",
    "dns": {}
}]`

func TestParseNetworkStatus(t *testing.T) {
	tests := []struct {
		name       string
		annotation string
		want       []nadv1.NetworkStatus
		wantErr    []string // substrings of the error, when one is expected
	}{
		{name: "empty means not reported yet", annotation: "", want: nil},
		{name: "white space means not reported yet", annotation: " \n\t", want: nil},
		{name: "JSON null means not reported yet", annotation: "null", want: nil},
		{name: "empty array", annotation: "[]", want: []nadv1.NetworkStatus{}},
		{
			name:       "virt-launcher pod with one secondary network",
			annotation: launcherStatus,
			want: []nadv1.NetworkStatus{
				{Name: "ovn-kubernetes", Interface: "eth0", IPs: []string{"10.244.1.12", "fd00:10:244:1::c"}, Mac: "0a:58:0a:f4:01:0c", Default: true},
				{Name: "vms/ext-net", Interface: "podb1f51a511f1", IPs: []string{"192.168.10.5"}, Mac: "02:7C:4E:00:00:01"},
			},
		},
		{
			name:       "entries without mac, interface or ips are kept",
			annotation: `[{"name":"vms/l2-net"},{"name":"vms/ext-net","interface":"net1"}]`,
			want:       []nadv1.NetworkStatus{{Name: "vms/l2-net"}, {Name: "vms/ext-net", Interface: "net1"}},
		},
		{
			name:       "fields unknown to this client version are ignored",
			annotation: `[{"name":"vms/ext-net","interface":"net1","future-field":{"x":1}}]`,
			want:       []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: "net1"}},
		},
		{
			name:       "device info is kept",
			annotation: `[{"name":"vms/sriov-net","interface":"net1","device-info":{"type":"pci","version":"1.1.0","pci":{"pci-address":"0000:81:00.2"}}}]`,
			want: []nadv1.NetworkStatus{{Name: "vms/sriov-net", Interface: "net1", DeviceInfo: &nadv1.DeviceInfo{
				Type: "pci", Version: "1.1.0", Pci: &nadv1.PciDevice{PciAddress: "0000:81:00.2"},
			}}},
		},
		{
			name:       "not JSON",
			annotation: "ovn-kubernetes",
			wantErr:    []string{nadv1.NetworkStatusAnnot, "want a JSON array of network status objects", "not valid JSON at byte 1"},
		},
		{
			name:       "truncated JSON",
			annotation: `[{"name":"vms/ext-net"`,
			wantErr:    []string{"want a JSON array of network status objects", "not valid JSON"},
		},
		{
			name:       "a single object instead of an array",
			annotation: `{"name":"vms/ext-net","interface":"net1"}`,
			wantErr:    []string{"want a JSON array of network status objects", "got a JSON object"},
		},
		{
			name:       "an array of names instead of objects",
			annotation: `["vms/ext-net"]`,
			wantErr:    []string{"an entry is a JSON string, want an object"},
		},
		{
			name:       "ips as a string",
			annotation: `[{"name":"vms/ext-net","ips":"192.168.10.5"}]`,
			wantErr:    []string{`field "ips" of an entry is a JSON string, want an array`},
		},
		{
			name:       "default as a string",
			annotation: `[{"name":"ovn","default":"true"}]`,
			wantErr:    []string{`field "default" of an entry is a JSON string, want a boolean`},
		},
		{
			name:       "fractional mtu",
			annotation: `[{"name":"vms/ext-net","mtu":1500.5}]`,
			wantErr:    []string{`field "mtu" of an entry is a JSON number 1500.5, want an integer`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseNetworkStatus(tt.annotation)
			if len(tt.wantErr) > 0 {
				require.Error(t, err)
				for _, s := range tt.wantErr {
					assert.ErrorContains(t, err, s)
				}
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestNetworkStatusFromPod(t *testing.T) {
	pod := func(annotations map[string]string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "vms", Name: "virt-launcher-fedora-x7k2p", Annotations: annotations}}
	}
	tests := []struct {
		name    string
		pod     *corev1.Pod
		want    []nadv1.NetworkStatus
		wantErr []string
	}{
		{name: "nil pod", pod: nil, wantErr: []string{"no pod"}},
		{name: "pod without annotations", pod: pod(nil), want: nil},
		{name: "pod without the network-status annotation", pod: pod(map[string]string{"k8s.v1.cni.cncf.io/networks": "ext-net"}), want: nil},
		{name: "empty annotation", pod: pod(map[string]string{nadv1.NetworkStatusAnnot: ""}), want: nil},
		{
			name: "annotated pod",
			pod:  pod(map[string]string{nadv1.NetworkStatusAnnot: `[{"name":"vms/ext-net","interface":"net1","mac":"02:00:00:00:00:01"}]`}),
			want: []nadv1.NetworkStatus{{Name: "vms/ext-net", Interface: "net1", Mac: "02:00:00:00:00:01"}},
		},
		{
			name:    "malformed annotation names the pod",
			pod:     pod(map[string]string{nadv1.NetworkStatusAnnot: `{}`}),
			wantErr: []string{"pod vms/virt-launcher-fedora-x7k2p", "want a JSON array"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NetworkStatusFromPod(tt.pod)
			if len(tt.wantErr) > 0 {
				require.Error(t, err)
				for _, s := range tt.wantErr {
					assert.ErrorContains(t, err, s)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestNetworkStatusErrorsAreFieldErrors checks that every kind of annotation
// that cannot be read gives one *field.Error at the annotation's path,
// through a *netconfig.ValidationError, from ParseNetworkStatus and from
// NetworkStatusFromPod alike.
func TestNetworkStatusErrorsAreFieldErrors(t *testing.T) {
	const path = "metadata.annotations[k8s.v1.cni.cncf.io/network-status]"
	tests := []struct {
		name       string
		annotation string
		typ        field.ErrorType
		detail     string
	}{
		{"JSON syntax error", `[{"name":`, field.ErrorTypeInvalid, "want a JSON array of network status objects: not valid JSON at byte 9: unexpected end of JSON input"},
		{"not JSON", "ovn-kubernetes", field.ErrorTypeInvalid, "want a JSON array of network status objects: not valid JSON at byte 1: invalid character 'o' looking for beginning of value"},
		{"an object, not an array", `{"name":"vms/ext-net"}`, field.ErrorTypeInvalid, "want a JSON array of network status objects: got a JSON object"},
		{"an entry of the wrong type", `["vms/ext-net"]`, field.ErrorTypeInvalid, "want a JSON array of network status objects: an entry is a JSON string, want an object (at byte 14)"},
		{"a field of the wrong type", `[{"ips":"10.0.0.1"}]`, field.ErrorTypeInvalid, `want a JSON array of network status objects: field "ips" of an entry is a JSON string, want an array (at byte 18)`},
		{"a null entry", `[null]`, field.ErrorTypeInvalid, "want a JSON array of network status objects: entry 0 is null, want an object (at byte 5)"},
		{"a duplicate key", `[{"name":"a","Name":"b"}]`, field.ErrorTypeInvalid, `want a JSON array of network status objects: entry 0 has the key "Name" twice (as "name"; keys are matched without regard to case) (at byte 19)`},
		{"invalid UTF-8", "[{\"name\":\"a\xffb\"}]", field.ErrorTypeInvalid, "want a JSON array of network status objects: not valid UTF-8 at byte 11"},
		{"over-long", strings.Repeat(" ", MaxNetworkStatusSize+1), field.ErrorTypeTooLong, "262145 bytes is more than the limit of 262144 bytes (256 KiB, the most all of a pod's annotations may take)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseNetworkStatus(tt.annotation)
			pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "vms", Name: "p", Annotations: map[string]string{nadv1.NetworkStatusAnnot: tt.annotation}}}
			_, podErr := NetworkStatusFromPod(pod)
			for _, err := range []error{err, podErr} {
				var invalid *netconfig.ValidationError
				require.ErrorAs(t, err, &invalid)
				require.Len(t, invalid.Errors, 1)
				var fe *field.Error
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, &field.Error{Type: tt.typ, Field: path, BadValue: fe.BadValue, Detail: tt.detail}, fe)
				assert.Equal(t, invalid.Errors[0], fe)
			}
			assert.EqualError(t, podErr, "pod vms/p: "+err.Error())
		})
	}
}

// TestASCIIKeysFoldToUpperCase checks what appendFoldedKey's fast path
// rests on: the least rune of the simple-folding orbit of every ASCII
// character is the character in upper case (for 'k', 'K' and not U+212A
// KELVIN SIGN; for 's', 'S' and not U+017F LATIN SMALL LETTER LONG S).
func TestASCIIKeysFoldToUpperCase(t *testing.T) {
	for r := rune(0); r < utf8.RuneSelf; r++ {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		want := unicode.ToUpper(r)
		require.Equal(t, want, least, "%q", r)
		require.Equal(t, string(want), string(appendFoldedKey(nil, string(r))), "%q", r)
	}
	for key, want := range map[string]string{"\u212a": "K", "\u017f": "S", "ip\u017f": "IPS", "Stra\u00dfe": "STRA\u00dfE", "\u03a3\u03c3\u03c2": "\u03a3\u03a3\u03a3"} {
		assert.Equal(t, want, string(appendFoldedKey(nil, key)), "%q", key)
	}
}
