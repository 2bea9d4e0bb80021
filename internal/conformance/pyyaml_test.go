package conformance

import (
	"os"
	"strings"
	"testing"

	"github.com/guestnet/guestnet/internal/hostile"
	"github.com/guestnet/guestnet/netconfig/netplan"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// pyyamlTypes asks cloud-init's YAML reader (PyYAML, run by the python3
// that cloud-init's package uses) for the type each plain scalar resolves to.
func pyyamlTypes(t *testing.T, values []string) []string {
	t.Helper()
	py := cloudInitPython(t)
	const script = `import json, sys, yaml
vals = json.load(sys.stdin)
print(json.dumps([type(yaml.safe_load("v: " + v)["v"]).__name__ for v in vals]))`
	var types []string
	hostile.RunPythonJSON(t, py, script, values, &types)
	require.Len(t, types, len(values))
	return types
}

// cloudInitPython returns the interpreter named on cloud-init's #! line,
// which has the PyYAML that cloud-init reads network configs with.
func cloudInitPython(t *testing.T) string {
	t.Helper()
	ci := requireTool(t, "cloud-init")
	data, err := os.ReadFile(ci)
	require.NoError(t, err)
	first, _, _ := strings.Cut(string(data), "\n")
	fields := strings.Fields(strings.TrimPrefix(first, "#!"))
	require.NotEmpty(t, fields, "%s has no #! line", ci)
	if len(fields) > 1 && strings.HasSuffix(fields[0], "/env") {
		return requireTool(t, fields[1])
	}
	return fields[0]
}

// TestParseAgreesWithPyYAML checks netplan.Parse's rule against the real
// YAML 1.1 reader of cloud-init: a plain scalar in a string field is
// refused exactly when PyYAML reads it as something other than a string.
func TestParseAgreesWithPyYAML(t *testing.T) {
	// Values shaped like MACs, times and booleans, where YAML 1.1 and 1.2
	// part ways.
	gen := rapid.OneOf(
		rapid.StringMatching(`[-+]?[0-9_]{1,3}(:[0-9]{1,3}){1,5}(\.[0-9_]{0,2})?`),
		rapid.StringMatching(`[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}`),
		rapid.SampledFrom([]string{"yes", "Yes", "YES", "yEs", "no", "NO", "on", "On", "off", "OFF", "y", "n", "Y", "N", "0:30", "52:54:00:12:34:56"}),
	)
	var values []string
	seen := map[string]bool{}
	rapid.Check(t, func(rt *rapid.T) {
		v := gen.Draw(rt, "value")
		if !seen[v] {
			seen[v] = true
			values = append(values, v)
		}
	})
	types := pyyamlTypes(t, values)
	for i, v := range values {
		doc := "network:\n  version: 2\n  ethernets:\n    eth0:\n      match: {macaddress: " + v + "}\n"
		_, err := netplan.Parse([]byte(doc))
		refused := err != nil && strings.Contains(err.Error(), "not a string to YAML 1.1")
		if refused != (types[i] != "str") {
			t.Errorf("%q: PyYAML reads a %s, but netplan.Parse refused=%v (%v)", v, types[i], refused, err)
		}
	}
	t.Logf("%d values compared with PyYAML", len(values))
}
