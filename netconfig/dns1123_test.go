package netconfig

import (
	"testing"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation"
	"pgregory.net/rapid"
)

// TestDNS1123MatchesAPIMachinery checks the hand-written checks against
// the regular expressions of k8s.io/apimachinery they stand in front of.
func TestDNS1123MatchesAPIMachinery(t *testing.T) {
	alphabet := rapid.SampledFrom([]rune("ab-z09.A_/ é"))
	rapid.Check(t, func(t *rapid.T) {
		s := string(rapid.SliceOfN(alphabet, 0, 12).Draw(t, "s"))
		if rapid.Bool().Draw(t, "long") {
			s += rapid.StringMatching(`[a-z0-9.-]{50,260}`).Draw(t, "tail")
		}
		require.Equal(t, validation.IsDNS1123Label(s), dns1123LabelProblems(s), "label %q", s)
		require.Equal(t, validation.IsDNS1123Subdomain(s), dns1123SubdomainProblems(s), "subdomain %q", s)
	})
}
