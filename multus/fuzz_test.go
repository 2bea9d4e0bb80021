package multus

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParseNetworkStatus checks that ParseNetworkStatus never panics, that
// it returns no entries with an error, and that what it accepts survives a
// round trip: marshalled and parsed again it gives the same JSON and the
// same value. (The first parse may differ from the second in the one way
// that JSON cannot tell: an empty list, such as "ips": [], comes back as a
// missing one, because the type's fields are omitempty.)
func FuzzParseNetworkStatus(f *testing.F) {
	for _, seed := range []string{
		launcherStatus,
		"",
		" \n",
		"null",
		"[]",
		"[{}]",
		`[{"name":"vms/l2-net"}]`,
		`[{"name":"vms/ext-net","interface":"net1","ips":[],"dns":{"nameservers":[]}}]`,
		`[{"name":"vms/sriov-net","interface":"net1","mtu":9000,"gateway":["192.168.10.1"],"device-info":{"type":"pci","version":"1.1.0","pci":{"pci-address":"0000:81:00.2"}}}]`,
		`[{"name":"vms/ext-net","future":{"nested":[1,2,{"x":null}]}}]`,
		`[{"NAME":"case-insensitive keys","Interface":"net1"}]`,
		"[{\"name\":\"\xff\xfe invalid UTF-8\"}]",
		`[{"name":"vms/ext-net"`,
		`{"name":"vms/ext-net"}`,
		`["vms/ext-net"]`,
		`[{"name":"vms/ext-net","mtu":1e99}]`,
		`[{"default":"true"}]`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, annotation string) {
		got, err := ParseNetworkStatus(annotation)
		if err != nil {
			require.Nil(t, got, "entries returned with an error")
			return
		}
		first, err := json.Marshal(got)
		require.NoError(t, err)
		again, err := ParseNetworkStatus(string(first))
		require.NoError(t, err, "re-parsing %s", first)
		second, err := json.Marshal(again)
		require.NoError(t, err)
		require.Equal(t, string(first), string(second), "a round trip changed the JSON")
		third, err := ParseNetworkStatus(string(second))
		require.NoError(t, err)
		require.Equal(t, again, third, "a second round trip changed the value")
	})
}
