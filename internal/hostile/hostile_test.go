package hostile

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	sigsyaml "sigs.k8s.io/yaml"
)

// TestReadersAgreeOnQuotedText checks the reductions themselves: the three
// readers make the same Flat of a document that quotes its text.
func TestReadersAgreeOnQuotedText(t *testing.T) {
	doc := []byte("a:\n  b: [\"x\", 2, true, null, \"a: b\\n- c\"]\n  \"on\": {}\n\"1\": []\n")
	want := Flat{
		Path("a", "b", 0): "str:x", Path("a", "b", 1): "num:2", Path("a", "b", 2): "bool:true",
		Path("a", "b", 3): "null", Path("a", "b", 4): "str:a: b\n- c", Path("a", "on"): "map:{}", Path("1"): "seq:[]",
	}
	v3, err := FlattenYAMLv3(doc)
	require.NoError(t, err)
	require.Equal(t, want, v3)
	sigs, err := FlattenSigsYAML(doc)
	require.NoError(t, err)
	require.Equal(t, want, sigs)
	py := PyYAML(t, [][]byte{doc})
	require.NoError(t, py[0].Err)
	require.Equal(t, want, py[0].Flat)
}

// TestPyYAMLSeesWhatYAML11Reads checks that the PyYAML reduction is not
// vacuous: a plain on and an all-digit MAC are a boolean key and an
// integer to it, and strings to go.yaml.in/yaml/v3.
func TestPyYAMLSeesWhatYAML11Reads(t *testing.T) {
	doc := []byte("on: 52:54:00:12:34:56\n")
	py := PyYAML(t, [][]byte{doc, []byte("a: [")})
	require.NoError(t, py[0].Err)
	require.Equal(t, Flat{"<bool:true>": "num:41135085296"}, py[0].Flat)
	require.Error(t, py[1].Err)
	v3, err := FlattenYAMLv3(doc)
	require.NoError(t, err)
	require.Equal(t, Flat{"on": "str:52:54:00:12:34:56"}, v3)
}

// TestSigsMishandled pins the characters SigsMishandled names, and some it
// does not.
func TestSigsMishandled(t *testing.T) {
	for s, want := range map[string]bool{
		"a\x7fb": true, "a\u0080": true, "pod1\u0085}]": true, "\u009f": true, "\ufffe": true, "\uffff": true,
		"": false, "eth0": false, "é": false, "\u00a0": false, "\u2028": false, "\ufeff": false, "\U0010ffff": false,
	} {
		if got := SigsMishandled(s); got != want {
			t.Errorf("SigsMishandled(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestSigsCannotEncodeNamesSigsFailures checks SigsCannotEncode against
// sigs.k8s.io/yaml itself, around the 1024-byte key limit and with the
// characters it mishandles in keys and values: wherever Marshal fails, or
// its document reads back as another value, SigsCannotEncode says so.
func TestSigsCannotEncodeNamesSigsFailures(t *testing.T) {
	for _, n := range []int{1, 1000, 1021, 1022, 1023, 1024, 2000} {
		for _, c := range []string{"a", "\u0085", "é", "\"", "\x7f"} {
			key := strings.Repeat("a", n-1) + c
			for _, v := range []any{map[string]any{key: "v"}, map[string]any{"k": key}, []any{map[string]any{"k": []any{key}}}} {
				doc, err := sigsyaml.Marshal(v)
				var back any
				if err == nil {
					err = sigsyaml.Unmarshal(doc, &back)
				}
				if err != nil || !reflect.DeepEqual(v, back) {
					require.True(t, SigsCannotEncode(v), "sigs.k8s.io/yaml fails on %q (%v) but SigsCannotEncode says no", v, err)
				}
			}
		}
	}
	require.False(t, SigsCannotEncode(map[string]any{strings.Repeat("a", 1000): "v", "k": []any{"é", 1.0, nil}}))
}
