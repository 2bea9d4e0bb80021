package multus

import (
	"crypto/sha256"
	"fmt"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"pgregory.net/rapid"
)

// TestPodInterfaceNameMatchesKubeVirt checks the names that KubeVirt's own
// tests pin (kubevirt/kubevirt pkg/network/namescheme/networknamescheme_test.go).
func TestPodInterfaceNameMatchesKubeVirt(t *testing.T) {
	tests := []struct {
		network string
		want    string
	}{
		{network: "red", want: "podb1f51a511f1"},
		{network: "green", want: "podba4788b226a"},
		{network: "blue", want: "pod16477688c0e"},
		{network: "network1", want: "poda7662f44d65"},
		{network: "network2", want: "pod27f4a77f94e"},
	}
	for _, tt := range tests {
		t.Run(tt.network, func(t *testing.T) {
			assert.Equal(t, tt.want, PodInterfaceName(tt.network))
		})
	}
}

// TestHashedNameMatchesKubeVirtScheme checks PodInterfaceName against
// KubeVirt's GenerateHashedInterfaceName, restated here: "pod" and the
// first 11 characters of the lower-case hex SHA-256 of the network name.
func TestHashedNameMatchesKubeVirtScheme(t *testing.T) {
	ifname := regexp.MustCompile(`^pod[0-9a-f]{11}$`)
	rapid.Check(t, func(t *rapid.T) {
		network := rapid.String().Draw(t, "network")
		want := "pod" + fmt.Sprintf("%x", sha256.Sum256([]byte(network)))[:11]
		got := PodInterfaceName(network)
		if got != want {
			t.Fatalf("PodInterfaceName(%q) = %q, want %q", network, got, want)
		}
		// A Linux interface name has at most 15 bytes; KubeVirt keeps four
		// for the "-nic" suffix of its in-pod dummy interface.
		if !ifname.MatchString(got) {
			t.Fatalf("PodInterfaceName(%q) = %q, not an interface name of the hashed scheme", network, got)
		}
	})
}

func TestOrdinalInterfaceName(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{n: 1, want: "net1"},
		{n: 2, want: "net2"},
		{n: 10, want: "net10"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, OrdinalInterfaceName(tt.n))
		})
	}
}
