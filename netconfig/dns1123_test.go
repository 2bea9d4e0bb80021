package netconfig

import (
	"strings"
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

// TestQuickChecksAgreeWithDetail holds the one-pass checks of the common
// case to the detailed ones they stand in front of: isDNSName to
// dnsNameDetail, and printableASCII to the rest of textProblem.
func TestQuickChecksAgreeWithDetail(t *testing.T) {
	alphabet := rapid.SampledFrom([]rune("ab-Z09._ é\x00\x7f\u0085"))
	rapid.Check(t, func(t *rapid.T) {
		s := string(rapid.SliceOfN(alphabet, 0, 12).Draw(t, "s"))
		if rapid.Bool().Draw(t, "long") {
			// Labels at the edges of 63 bytes, names at the edges of 253.
			var labels []string
			for range rapid.IntRange(1, 5).Draw(t, "labels") {
				labels = append(labels, strings.Repeat("a", rapid.SampledFrom([]int{1, 62, 63, 64}).Draw(t, "label")))
			}
			s = strings.Join(labels, ".")
			if pad := 253 - len(s) + rapid.IntRange(-1, 1).Draw(t, "edge"); pad > 1 && pad <= 64 {
				s = strings.Repeat("b", pad-1) + "." + s
			}
			s += rapid.SampledFrom([]string{"", ".", "-", "é"}).Draw(t, "end")
		}
		require.Equal(t, dnsNameDetail(s) == "", isDNSName(s), "search domain %q", s)
		require.Equal(t, dnsNameDetail(s), dnsNameProblem(s), "search domain %q", s)
		max := rapid.IntRange(0, 300).Draw(t, "max")
		full := textProblemDetail(s, max)
		require.Equal(t, full, textProblem(s, max), "name %q, at most %d", s, max)
	})
}
