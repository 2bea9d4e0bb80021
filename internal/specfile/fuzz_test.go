package specfile_test

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/internal/specfile"
	"github.com/guestnet/guestnet/netconfig"
)

// fieldOfFile matches the paths of the fields of a spec file.
var fieldOfFile = regexp.MustCompile(`^(namespace|networks)([.\[]|$)`)

// FuzzParse checks Parse and Format. The invariants: Parse never panics,
// never modifies its input and gives the same answer twice; it refuses
// input over MaxSize and returns either a Spec or an error, never both;
// its error is always an *netconfig.ValidationError, whose field errors
// all have a path that names a field of the file (namespace or networks),
// or else are at the root (<nil>: a problem of the whole document, alone),
// or are the Forbidden error of an unknown key or a tag outside the
// file's fields; what it accepts
// lists at most MaxNetworks networks, and Format writes it back as a file
// that Parse reads into the same Spec, and that Format writes again byte
// for byte.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		fullFile,
		seedList,
		"- name: external\n  type: bridge\n  ipConfig:\n    mode: static\n    address: \"192.168.0.200/24\"\n",
		`{"namespace": "vms", "networks": [{"name": "default", "pod": {}}, {"name": "ext", "multus": {"networkName": "ext-net"}, "ipConfig": {"mode": "dhcp", "dhcp6": true}}]}`,
		`namespace: vms
networks:
  - name: default
    pod: {}
    binding: masquerade
  - name: storage
    multus: {networkName: storage-net}
    binding: bridge
    macAddress: "02:6a:2f:00:00:02"
    ipConfig:
      mode: static
      addresses: [10.20.0.10/24, "fd00:20::10/64"]
      gateways: [10.20.0.1, "fd00:20::1"]
      nameservers: {addresses: [10.20.0.53, "fd00:20::53"], search: [storage.example.internal]}
      routes: [{to: 10.30.0.0/16, via: 10.20.0.254, metric: 100}, {to: default, via: "fd00:20::fe"}]
      mtu: 9000
  - name: legacy
    multus: {networkName: legacy-net}
    binding: sriov
    ipConfig: {mode: static, addresses: [172.16.5.20/24]}
`,
		"- {name: a, ipConfig: {mode: static, routes: [{to: default, via: x, metric: -1}]}}",
		"networks: [{name: yes, macAddress: 00:00:00:00:00:00}]",
		"a: &x [*x]",
		"networks:\n- name: a\n  name: b\n",
		"networks: [{name: a}]\n---\nnetworks: [{name: b}]\n",
		"networks: [{name: a, ipConfig: {mode: static, addresses: [10.0.0.1/24], mtu: 1e3, routes: [{to: 10.1.0.0/16, via: 10.0.0.254, metric: 4294967296}]}}]",
		"networks: [{name: a, Binding: bridge, pod: }]",
		"",
		"[]",
		"{}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		orig := bytes.Clone(data)
		spec, err := specfile.Parse(data)
		require.Equal(t, orig, data, "Parse modified its input")
		again, againErr := specfile.Parse(data)
		require.Equal(t, spec, again, "Parse is not deterministic")
		require.Equal(t, fmt.Sprint(err), fmt.Sprint(againErr), "Parse is not deterministic")
		if err != nil {
			require.Equal(t, netconfig.Spec{}, spec, "a Spec with an error")
			var invalid *netconfig.ValidationError
			require.True(t, errors.As(err, &invalid), "an error of type %T: %v", err, err)
			require.NotEmpty(t, invalid.Errors)
			var fe *field.Error
			require.True(t, errors.As(err, &fe))
			for _, fe := range invalid.Errors {
				switch {
				case fieldOfFile.MatchString(fe.Field):
				case fe.Field == "<nil>":
					require.Len(t, invalid.Errors, 1, "a problem of the whole document comes alone: %v", err)
				default:
					// Only an unknown key or a tag may be outside the
					// file's fields.
					require.Equal(t, field.ErrorTypeForbidden, fe.Type, "%v", fe)
					require.NotEmpty(t, fe.Field, "%v", fe)
				}
			}
			return
		}
		require.LessOrEqual(t, len(data), specfile.MaxSize)
		require.LessOrEqual(t, len(spec.Networks), specfile.MaxNetworks)
		out, err := specfile.Format(spec)
		require.NoError(t, err, "Format of what Parse accepted")
		back, err := specfile.Parse(out)
		require.NoError(t, err, "Parse of what Format wrote:\n%s", out)
		require.Equal(t, spec, back, "Format wrote:\n%s", out)
		out2, err := specfile.Format(back)
		require.NoError(t, err)
		require.Equal(t, string(out), string(out2), "Format is not a fixpoint")
	})
}
