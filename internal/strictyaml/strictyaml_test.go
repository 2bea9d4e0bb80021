package strictyaml_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/guestnet/guestnet/internal/strictyaml"
)

// loose are the rules of the spec file: the document checks alone, empty
// documents after it allowed, a bare list read as networks.
var loose = strictyaml.Rules{MaxSize: 1 << 20, EmptyDocumentsAfter: true, ListPath: field.NewPath("networks")}

// strict are the rules of a netplan document, which cloud-init reads with
// PyYAML.
var strict = strictyaml.Rules{MaxSize: 1 << 20, MaxDepth: 8, YAML11Strings: true, NoNulls: true}

func TestToJSONReads(t *testing.T) {
	tests := []struct {
		name  string
		rules strictyaml.Rules
		in    string
		want  string
	}{
		{"a mapping", strict, "a: x\nb: [1, true]\n", `{"a":"x","b":[1,true]}`},
		{"JSON", strict, `{"a": "x", "b": [1, true]}`, `{"a":"x","b":[1,true]}`},
		{"nothing is null", strict, "", "null"},
		{"a comment is null", strict, "# nothing\n", "null"},
		{"a leading ---", strict, "---\na: x\n", `{"a":"x"}`},
		{"a document end (...)", strict, "a: x\n...\n", `{"a":"x"}`},
		{"core tags", strict, "a: !!str 12\nb: !!int \"3\"\n", `{"a":"12","b":3}`},
		{"quoted lookalikes", strict, "a: [\"on\", '52:54:00:12:34:56', \"2001-12-14\", \"~\"]\n\"1\": x\n", `{"1":"x","a":["on","52:54:00:12:34:56","2001-12-14","~"]}`},
		{"lookalikes YAML 1.1 reads as strings", strict, "a: [02:00:00:00:00:01, 0:30, 52:54:00:aa:bb:cc, 2001-12-14x]\n", `{"a":["02:00:00:00:00:01","0:30","52:54:00:aa:bb:cc","2001-12-14x"]}`},
		{"the merge key", strict, "a: &x {b: c}\nd: {<<: *x, e: f}\n", `{"a":{"b":"c"},"d":{"b":"c","e":"f"}}`},
		{"the key =", strict, "=: x\n", `{"=":"x"}`},
		{"empty documents after the first", loose, "a: x\n---\n--- ~\n---\n# nothing\n", `{"a":"x"}`},
		{"lookalikes and nulls without YAML11Strings and NoNulls", loose, "a: [on, 52:54:00:12:34:56, ~]\n1: x\n", `{"1":"x","a":[true,"52:54:00:12:34:56",null]}`},
		{"nesting without MaxDepth", loose, strings.Repeat("[", 100) + strings.Repeat("]", 100), strings.Repeat("[", 100) + strings.Repeat("]", 100)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			js, fe := strictyaml.ToJSON([]byte(tt.in), nil, tt.rules)
			require.Nil(t, fe)
			assert.JSONEq(t, tt.want, string(js))
		})
	}
}

// TestToJSONRefuses: each problem is one field error, of its type, at the
// root (<nil>, or the root given) or at the path of the node at fault,
// with the line in its detail.
func TestToJSONRefuses(t *testing.T) {
	tests := []struct {
		name   string
		rules  strictyaml.Rules
		root   *field.Path
		in     string
		typ    field.ErrorType
		field  string
		detail string // the whole detail, or a prefix of it ending in "..."
	}{
		// The document.
		{"over MaxSize", loose, nil, "#" + strings.Repeat("x", 1<<20), field.ErrorTypeTooLong, "<nil>",
			"1048577 bytes is more than the limit of 1048576 bytes (1 MiB)"},
		{"over a MaxSize that is no whole MiB", strictyaml.Rules{MaxSize: 10}, nil, "a: 12345678", field.ErrorTypeTooLong, "<nil>",
			"11 bytes is more than the limit of 10 bytes"},
		{"a second document", loose, nil, "a: x\n---\nb: y\n", field.ErrorTypeInvalid, "<nil>",
			"more than one YAML document (separated by ---); some readers take the first and drop the rest, others refuse them all: write one document"},
		{"an empty second document, without EmptyDocumentsAfter", strict, nil, "a: x\n---\n", field.ErrorTypeInvalid, "<nil>", "more than one YAML document ..."},
		{"a second document that does not parse", loose, nil, "a: x\n---\n[\n", field.ErrorTypeInvalid, "<nil>", "more than one YAML document ..."},
		{"text after a flow mapping, which sigs.k8s.io/yaml drops", loose, nil, "{}: 1\n", field.ErrorTypeInvalid, "<nil>", "more than one YAML document ..."},
		{"a syntax error", loose, nil, "a: [x\n", field.ErrorTypeInvalid, "<nil>",
			"not a valid YAML or JSON document: yaml: line 1: did not find expected ',' or ']'"},
		{"a duplicate key, on one line", loose, nil, "a: x\nb: y\na: z\n", field.ErrorTypeInvalid, "<nil>",
			`not a valid YAML or JSON document: yaml: unmarshal errors: line 3: key "a" already set in map`},
		{"text after a block mapping, which sigs.k8s.io/yaml drops", loose, nil, " 000000:\n]0:", field.ErrorTypeInvalid, "<nil>", "more than one YAML document ..."},
		{"an alias bomb", loose, nil, "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
			field.ErrorTypeInvalid, "<nil>", "not a valid YAML or JSON document: yaml: document contains excessive aliasing"},
		{"a problem of the document at the root given", loose, field.NewPath("spec", "networkData"), "a: [x\n", field.ErrorTypeInvalid, "spec.networkData", "not a valid YAML or JSON document: ..."},

		// Tags.
		{"a tag on a value", loose, nil, "a:\n  b: !!binary gIGC\n", field.ErrorTypeForbidden, "a.b",
			"line 2: the YAML tag !!binary is not one of the core schema's (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map), which every YAML reader reads alike; write the value without it"},
		{"a tag on a key", loose, nil, "a:\n  !x b: c\n", field.ErrorTypeForbidden, "a.b", "line 2: the YAML tag !x is not ..."},
		{"a tag on the document", loose, nil, "!local\na: b\n", field.ErrorTypeForbidden, "<nil>", "line 1: the YAML tag !local is not ..."},
		{"a tag in a list", loose, nil, "a: [x, !!python/object:os.system y]\n", field.ErrorTypeForbidden, "a[1]", "line 1: the YAML tag !!python/object:os.system is not ..."},
		{"a tag in a bare list, under ListPath", loose, nil, "- a\n- !!set {b}\n", field.ErrorTypeForbidden, "networks[1]", "line 2: the YAML tag !!set is not ..."},
		{"a tag under the root given", loose, field.NewPath("spec"), "a: !!timestamp 2001-12-14\n", field.ErrorTypeForbidden, "spec.a", "line 1: the YAML tag !!timestamp is not ..."},
		{"a tag in a key that is a mapping", loose, nil, "? {a: !x b}\n: c\n", field.ErrorTypeForbidden, `"".a`, "line 1: the YAML tag !x is not ..."},
		{"a tag that is not printable text", loose, nil, "a: !%0A b\n", field.ErrorTypeForbidden, "a", `line 1: the YAML tag "!\n" is not ...`},
		{"a tag under a key that is not printable text", loose, nil, "\"a\\nb\": !x c\n", field.ErrorTypeForbidden, `"a\nb"`, "line 1: the YAML tag !x is not ..."},

		// Rules.
		{"nesting deeper than MaxDepth", strict, nil, "a:\n a:\n  a:\n   a:\n    a:\n     a:\n      a:\n       a:\n        a: x\n", field.ErrorTypeForbidden, "a.a.a.a.a.a.a.a",
			"line 9: the document nests deeper than 8 levels"},
		{"a plain value YAML 1.1 reads as a boolean", strict, nil, "a:\n  b: [x, yes]\n", field.ErrorTypeInvalid, "a.b[1]",
			"line 2: this unquoted value is not a string to YAML 1.1 readers such as cloud-init; quote it"},
		{"a plain value YAML 1.1 reads as a base-60 integer", strict, nil, "mac: 52:54:00:12:34:56\n", field.ErrorTypeInvalid, "mac", "line 1: this unquoted value is not a string to YAML 1.1 ..."},
		{"a plain value YAML 1.1 reads as a date", strict, nil, "a: 2001-12-14\n", field.ErrorTypeInvalid, "a", "line 1: this unquoted value is not a string to YAML 1.1 ..."},
		{"a plain << as a value", strict, nil, "a: <<\n", field.ErrorTypeInvalid, "a", "line 1: this unquoted value is not a string to YAML 1.1 ..."},
		{"a plain value go.yaml.in/yaml/v3 reads as a time", strict, nil, "a: 2001-1-2\n", field.ErrorTypeInvalid, "a",
			"line 1: this unquoted value is a time, not a string, to YAML readers such as go.yaml.in/yaml/v3; quote it"},
		{"a plain key YAML 1.1 reads as a boolean", strict, nil, "a:\n  on: x\n", field.ErrorTypeInvalid, "a.on",
			"line 2: this unquoted key is not a string to YAML readers such as cloud-init's; quote it"},
		{"a plain key that is an integer to every reader", strict, nil, "1: x\n", field.ErrorTypeInvalid, "1", "line 1: this unquoted key is not a string ..."},
		{"a key that is an alias of an integer", strict, nil, "a: &n 1\n*n : x\n", field.ErrorTypeInvalid, "1", "line 2: this unquoted key is not a string ..."},
		{"a null value", strict, nil, "a:\n  b:\n", field.ErrorTypeInvalid, "a.b",
			"line 2: a null value, which netplan refuses and cloud-init cannot read; write a value or leave the key out"},
		{"a null in a list", strict, nil, "a: [x, ~]\n", field.ErrorTypeInvalid, "a[1]", "line 1: a null value, which ..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			js, fe := strictyaml.ToJSON([]byte(tt.in), tt.root, tt.rules)
			require.NotNil(t, fe, "read as %s", js)
			assert.Nil(t, js)
			assert.Equal(t, tt.typ, fe.Type, "%v", fe)
			assert.Equal(t, tt.field, fe.Field, "%v", fe)
			if prefix, ok := strings.CutSuffix(tt.detail, "..."); ok {
				assert.True(t, strings.HasPrefix(fe.Detail, prefix), "%q does not start with %q", fe.Detail, prefix)
			} else {
				assert.Equal(t, tt.detail, fe.Detail)
			}
		})
	}
}

func TestKeyPath(t *testing.T) {
	tests := []struct {
		path *field.Path
		key  string
		want string
	}{
		{nil, "eth0", "eth0"},
		{field.NewPath("network", "ethernets"), "eth0", "network.ethernets.eth0"},
		{field.NewPath("a"), "with space and ü", "a.with space and ü"},
		{field.NewPath("a"), "", `a.""`},
		{nil, "a\nb", `"a\nb"`},
		{nil, "a\x1b[31m", `"a\x1b[31m"`},
		{nil, "a\xffb", `"a\xffb"`},
		{nil, "a\u2028b", `"a\u2028b"`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, strictyaml.KeyPath(tt.path, tt.key).String(), "%q", tt.key)
	}
}

// FuzzToJSON checks ToJSON on arbitrary documents. The invariants: it
// never panics, never modifies its input and gives the same answer twice;
// it returns JSON or a field error, never both; an error's detail is one
// line, and its path is the root's or one under it; what it accepts is at
// most MaxSize bytes and is what sigs.k8s.io/yaml.YAMLToJSONStrict reads;
// and what the strict rules accept, the loose ones accept too.
func FuzzToJSON(f *testing.F) {
	for _, seed := range []string{
		"network:\n  version: 2\n  ethernets:\n    eth0:\n      match: {macaddress: \"52:54:00:12:34:56\"}\n      dhcp4: true\n",
		"- {name: a, ipConfig: {mode: static, addresses: [10.0.0.1/24]}}\n",
		`{"a": [1, 2.5, true, null, "x"]}`,
		"a: x\n---\n",
		"a: x\n---\nb: y\n",
		"{}: 1\n",
		"a: !!binary gIGC\n",
		"!local\n- a\n",
		"a: &a [x]\nb: *a\nc: {<<: {d: e}}\n",
		"a: [yes, 52:54:00:12:34:56, 2001-1-2, ~, <<]\non: 1\n",
		"a:\n a:\n  a:\n   a:\n    a:\n     a:\n      a:\n       a:\n        a: x\n",
		" 000000:\n]0:",
		"a: 1\na: 2\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	root := field.NewPath("spec", "data")
	looseUnder := loose
	looseUnder.ListPath = root.Child("networks")
	f.Fuzz(func(t *testing.T, data []byte) {
		orig := bytes.Clone(data)
		for _, rules := range []strictyaml.Rules{strict, looseUnder} {
			js, fe := strictyaml.ToJSON(data, root, rules)
			require.Equal(t, orig, data, "ToJSON modified its input")
			again, againFE := strictyaml.ToJSON(data, root, rules)
			require.Equal(t, js, again, "ToJSON is not deterministic")
			require.Equal(t, fe, againFE, "ToJSON is not deterministic")
			if fe != nil {
				require.Nil(t, js, "JSON with an error")
				require.NotEmpty(t, fe.Detail)
				require.NotContains(t, fe.Detail, "\n")
				require.True(t, fe.Field == "spec.data" || strings.HasPrefix(fe.Field, "spec.data.") || strings.HasPrefix(fe.Field, "spec.data["), "%v", fe)
				continue
			}
			require.LessOrEqual(t, len(data), rules.MaxSize)
			require.True(t, json.Valid(js), "%s", js)
			want, err := yaml.YAMLToJSONStrict(data)
			require.NoError(t, err)
			require.Equal(t, string(want), string(js))
		}
		if js, fe := strictyaml.ToJSON(data, nil, strict); fe == nil {
			looseJS, looseFE := strictyaml.ToJSON(data, nil, loose)
			require.Nil(t, looseFE, "the strict rules accept what the loose ones refuse:\n%q", data)
			require.Equal(t, string(js), string(looseJS))
		}
	})
}
