package specfile_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/guestnet/guestnet/netconfig/specfile"
)

// FuzzParse: Parse never panics, and whatever it accepts Format writes
// back as a file that Parse reads into the same Spec.
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
		"",
		"[]",
		"{}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := specfile.Parse(data)
		if err != nil {
			return
		}
		out, err := specfile.Format(spec)
		require.NoError(t, err, "Format of what Parse accepted")
		back, err := specfile.Parse(out)
		require.NoError(t, err, "Parse of what Format wrote:\n%s", out)
		require.Equal(t, spec, back, "Format wrote:\n%s", out)
	})
}
