package specfile_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/internal/hostile"
	"github.com/guestnet/guestnet/internal/specfile"
	"github.com/guestnet/guestnet/netconfig"
)

// The adversarial tests feed Parse spec files built to exhaust or trick a
// YAML reader, and hostile strings (package internal/hostile) in every
// string field of a file, and check each outcome exactly, in bounded time
// and memory (hostile.Bounded). Measured figures (Go 1.26, 2 CPUs, no race
// detector, other jobs running) are in the comments.

// advFile is a spec file, as JSON values, with every string field set.
func advFile() map[string]any {
	return map[string]any{
		"namespace": "vms",
		"networks": []any{
			map[string]any{"name": "default", "pod": map[string]any{}},
			map[string]any{
				"name":       "external",
				"multus":     map[string]any{"networkName": "ext-net"},
				"binding":    "bridge",
				"macAddress": "02:00:00:aa:bb:cc",
				"pciAddress": "0000:00:04.0",
				"ipConfig": map[string]any{
					"mode":        "static",
					"address":     "192.168.0.200/24",
					"addresses":   []any{"fd00::200/64"},
					"gateway":     "192.168.0.1",
					"gateways":    []any{"fd00::1"},
					"nameservers": map[string]any{"addresses": []any{"192.168.0.1"}, "search": []any{"example.internal"}},
					"routes":      []any{map[string]any{"to": "10.0.0.0/8", "via": "192.168.0.254"}},
				},
			},
		},
	}
}

// fileField is a string field of the spec file.
type fileField struct {
	path string // in Parse's errors
	set  func(f map[string]any, v string)
	// text fields are kept as they are, and get reports their value in
	// the Spec; other fields are parsed, and refuse every hostile string
	// but the empty one (which means absent) and, for macAddress, the
	// MAC-shaped ones.
	get func(s netconfig.Spec) string
}

func network1(f map[string]any) map[string]any { return f["networks"].([]any)[1].(map[string]any) }
func ipConfig1(f map[string]any) map[string]any {
	return network1(f)["ipConfig"].(map[string]any)
}

var fileFields = []fileField{
	{"namespace", func(f map[string]any, v string) { f["namespace"] = v }, func(s netconfig.Spec) string { return s.Namespace }},
	{"networks[1].name", func(f map[string]any, v string) { network1(f)["name"] = v }, func(s netconfig.Spec) string { return s.Networks[1].Name }},
	{"networks[1].multus.networkName", func(f map[string]any, v string) { network1(f)["multus"] = map[string]any{"networkName": v} },
		func(s netconfig.Spec) string { return s.Networks[1].NetworkName }},
	{"networks[1].binding", func(f map[string]any, v string) { network1(f)["binding"] = v }, func(s netconfig.Spec) string { return s.Networks[1].Binding }},
	{"networks[1].type", func(f map[string]any, v string) { delete(network1(f), "binding"); network1(f)["type"] = v },
		func(s netconfig.Spec) string { return s.Networks[1].Binding }},
	{"networks[1].pciAddress", func(f map[string]any, v string) { network1(f)["pciAddress"] = v }, func(s netconfig.Spec) string { return s.Networks[1].PCIAddress }},
	{"networks[1].ipConfig.nameservers.search[0]", func(f map[string]any, v string) {
		ipConfig1(f)["nameservers"].(map[string]any)["search"] = []any{v}
	}, func(s netconfig.Spec) string { return s.Networks[1].IPConfig.Nameservers.Search[0] }},
	{"networks[1].macAddress", func(f map[string]any, v string) { network1(f)["macAddress"] = v }, nil},
	{"networks[1].ipConfig.mode", func(f map[string]any, v string) { ipConfig1(f)["mode"] = v }, nil},
	{"networks[1].ipConfig.address", func(f map[string]any, v string) { ipConfig1(f)["address"] = v }, nil},
	{"networks[1].ipConfig.addresses[0]", func(f map[string]any, v string) { ipConfig1(f)["addresses"] = []any{v} }, nil},
	{"networks[1].ipConfig.gateway", func(f map[string]any, v string) { ipConfig1(f)["gateway"] = v }, nil},
	{"networks[1].ipConfig.gateways[0]", func(f map[string]any, v string) { ipConfig1(f)["gateways"] = []any{v} }, nil},
	{"networks[1].ipConfig.nameservers.addresses[0]", func(f map[string]any, v string) {
		ipConfig1(f)["nameservers"].(map[string]any)["addresses"] = []any{v}
	}, nil},
	{"networks[1].ipConfig.routes[0].to", func(f map[string]any, v string) {
		ipConfig1(f)["routes"] = []any{map[string]any{"to": v, "via": "192.168.0.254"}}
	}, nil},
	{"networks[1].ipConfig.routes[0].via", func(f map[string]any, v string) {
		ipConfig1(f)["routes"] = []any{map[string]any{"to": "10.0.0.0/8", "via": v}}
	}, nil},
}

// TestAdversarialStringsInEveryFileField writes every hostile string that
// JSON can carry (all but invalid UTF-8) into every string field of a spec
// file. A text field keeps it exactly, and Format writes that Spec back as
// a file that Parse reads into the same Spec; a parsed field refuses it
// with one error at its path that carries the value, and a message of one
// line of printable text.
func TestAdversarialStringsInEveryFileField(t *testing.T) {
	macs := map[string]bool{"mac-52": true, "mac-10": true, "mac-00": true}
	for _, c := range hostile.All() {
		if !utf8.ValidString(c.Value) {
			continue // see TestAdversarialSpecFiles: raw bytes in a document
		}
		for _, ff := range fileFields {
			t.Run(c.Name+"/"+ff.path, func(t *testing.T) {
				f := advFile()
				ff.set(f, c.Value)
				doc := yamlJSON(t, f)
				var err error
				var spec netconfig.Spec
				hostile.Bounded(t, hostile.Bounds{Alloc: 4 << 20}, func() { spec, err = specfile.Parse(doc) })
				switch {
				case ff.get != nil:
					require.NoError(t, err, "%s", doc)
					require.Equal(t, c.Value, ff.get(spec))
					out, err := specfile.Format(spec)
					require.NoError(t, err)
					back, err := specfile.Parse(out)
					require.NoError(t, err, "%s", out)
					require.Equal(t, spec, back, "Format wrote:\n%s", out)
				case c.Value == "" || ff.path == "networks[1].macAddress" && macs[c.Name]:
					require.NoError(t, err, "%s", doc)
				default:
					var invalid *netconfig.ValidationError
					require.ErrorAs(t, err, &invalid, "%s", doc)
					require.Len(t, invalid.Errors, 1, "%v", err)
					fe := invalid.Errors[0]
					assert.Equal(t, ff.path, fe.Field)
					assert.Equal(t, c.Value, fmt.Sprint(fe.BadValue))
					requirePrintable(t, err.Error())
				}
			})
		}
	}
}

// TestAdversarialFormat writes every hostile string into every text field
// of a Spec with Format: Parse reads back the same Spec, or, for text that
// is not valid UTF-8, FromSpec refuses it with an error at its path.
func TestAdversarialFormat(t *testing.T) {
	fields := []struct {
		path string
		set  func(s *netconfig.Spec, v string)
	}{
		{"namespace", func(s *netconfig.Spec, v string) { s.Namespace = v }},
		{"networks[0].name", func(s *netconfig.Spec, v string) { s.Networks[0].Name = v }},
		{"networks[0].networkName", func(s *netconfig.Spec, v string) { s.Networks[0].NetworkName = v }},
		{"networks[0].binding", func(s *netconfig.Spec, v string) { s.Networks[0].Binding = v }},
		{"networks[0].pciAddress", func(s *netconfig.Spec, v string) { s.Networks[0].PCIAddress = v }},
		{"networks[0].ipConfig.nameservers.search[0]", func(s *netconfig.Spec, v string) { s.Networks[0].IPConfig.Nameservers.Search = []string{v} }},
	}
	for _, c := range hostile.All() {
		for _, fld := range fields {
			t.Run(c.Name+"/"+fld.path, func(t *testing.T) {
				spec := netconfig.Spec{Networks: []netconfig.Network{{
					Name: "ext", Source: netconfig.SourceMultus, NetworkName: "ext-net",
					IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP},
				}}}
				fld.set(&spec, c.Value)
				var out []byte
				var err error
				hostile.Bounded(t, hostile.Bounds{Alloc: 4 << 20}, func() { out, err = specfile.Format(spec) })
				if !utf8.ValidString(c.Value) {
					var invalid *netconfig.ValidationError
					require.ErrorAs(t, err, &invalid)
					require.Len(t, invalid.Errors, 1)
					assert.Equal(t, fld.path, invalid.Errors[0].Field)
					assert.Equal(t, "Invalid value: "+strconv.Quote(c.Value)+": not valid UTF-8", invalid.Errors[0].ErrorBody())
					return
				}
				require.NoError(t, err)
				back, err := specfile.Parse(out)
				require.NoError(t, err, "%s", out)
				require.Equal(t, spec, back, "Format wrote:\n%s", out)
				v3, err := hostile.FlattenYAMLv3(out)
				require.NoError(t, err)
				sigs, err := hostile.FlattenSigsYAML(out)
				require.NoError(t, err)
				require.Equal(t, v3.String(), sigs.String(), "the YAML readers disagree on:\n%s", out)
			})
		}
	}
}

// yamlJSON encodes v as JSON that YAML readers read as JSON readers do:
// with the characters that encoding/json writes as they are but that a
// YAML stream may not hold raw (DEL, the C1 controls, the byte order mark,
// U+FFFE, U+FFFF) escaped.
func yamlJSON(t *testing.T, v any) []byte {
	t.Helper()
	js, err := json.Marshal(v)
	require.NoError(t, err)
	var b strings.Builder
	for _, r := range string(js) {
		if r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0xfeff || r == 0xfffe || r == 0xffff {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return []byte(b.String())
}

// requirePrintable checks that s is one line of printable text.
func requirePrintable(t *testing.T, s string) {
	t.Helper()
	for i, r := range s {
		if r != ' ' && !unicode.IsPrint(r) {
			t.Fatalf("the message holds %U at byte %d, unescaped: %q", r, i, s)
		}
	}
}

// aliasBomb is a "billion laughs" document: width aliases of the anchor
// before, depth times over.
func aliasBomb(depth, width int) string {
	var b strings.Builder
	b.WriteString("a0: &a0 [\"lol\"]\n")
	for i := 1; i <= depth; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := 0; j < width; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// upTo repeats s as often as fits in n bytes.
func upTo(s string, n int) string { return strings.Repeat(s, n/len(s)) }

// TestAdversarialSpecFiles reads documents built to exhaust or trick a
// YAML reader. Each gives the outcome stated, in bounded time and memory.
func TestAdversarialSpecFiles(t *testing.T) {
	const big = 512 << 20 // bounds of cases that read a whole megabyte of YAML
	manyNetworks := func(n int) string {
		var b strings.Builder
		b.WriteString("networks:\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "- {name: n%d}\n", i)
		}
		return b.String()
	}
	tests := []struct {
		name   string
		doc    string
		err    string   // a substring of the one error of a problem with the document
		fields []string // or the fields of an *ValidationError, in order ("" for success)
		want   func(t *testing.T, s netconfig.Spec)
		bounds hostile.Bounds
	}{
		// Alias bombs: go.yaml.in/yaml/v2 refuses aliases that expand far
		// beyond the document. Measured: 3 ms of CPU, 0.5 MiB.
		{name: "alias bomb", doc: aliasBomb(9, 9), err: "document contains excessive aliasing"},
		{name: "alias bomb as the networks", doc: aliasBomb(9, 9) + "networks: *a9\n", err: "document contains excessive aliasing"},
		{name: "small alias fan-out", doc: aliasBomb(3, 10) + "networks: *a3\n", err: "document contains excessive aliasing"},
		{name: "anchor and alias of a network", doc: "networks:\n- &n {name: x}\n- *n\n", want: func(t *testing.T, s netconfig.Spec) {
			assert.Equal(t, []netconfig.Network{{Name: "x"}, {Name: "x"}}, s.Networks)
		}},
		{name: "merge key", doc: "networks:\n- &n {name: x, binding: bridge}\n- {<<: *n, pciAddress: 0000:00:04.0}\n", want: func(t *testing.T, s netconfig.Spec) {
			assert.Equal(t, []netconfig.Network{{Name: "x", Binding: "bridge"}, {Name: "x", Binding: "bridge", PCIAddress: "0000:00:04.0"}}, s.Networks)
		}},
		{name: "merge key overridden", doc: "networks:\n- &n {name: x}\n- {<<: *n, name: y}\n", err: `key "name" already set in map`},
		{name: "self-referencing anchor", doc: "networks: &a [*a]\n", err: "anchor 'a' value contains itself"},

		// Deep nesting: refused by the YAML reader, or, closed, read as a
		// list in a list. Measured: 13 to 50 ms of CPU, 11 to 16 MiB.
		{name: "10,000 nested [", doc: strings.Repeat("[", 10000), err: "not a valid YAML or JSON document"},
		{name: "10,000 nested {", doc: strings.Repeat("{", 10000), err: "not a valid YAML or JSON document"},
		{name: "10,000 nested {a:", doc: strings.Repeat("{a: ", 10000), err: "not a valid YAML or JSON document"},
		{name: "10,000 nested [] closed", doc: strings.Repeat("[", 10000) + strings.Repeat("]", 10000), fields: []string{"networks[0]"}},
		{name: "1,000 nested [] closed", doc: strings.Repeat("[", 1000) + strings.Repeat("]", 1000), fields: []string{"networks[0]"}},
		{name: "1,000 nested block mappings", doc: func() string {
			var b strings.Builder
			for i := 0; i < 1000; i++ {
				b.WriteString(strings.Repeat(" ", i) + "a:\n")
			}
			return b.String()
		}(), fields: []string{"a"}},

		// Duplicate keys, at every level.
		{name: "duplicate top-level key", doc: "networks: []\nnetworks: []\n", err: `key "networks" already set in map`},
		{name: "duplicate network key", doc: "networks:\n- name: a\n  name: b\n", err: `key "name" already set in map`},
		{name: "duplicate key in ipConfig", doc: "networks:\n- {name: a, ipConfig: {mode: dhcp, mode: static}}\n", err: `key "mode" already set in map`},
		{name: "duplicate JSON key", doc: `{"networks": [{"name": "a", "name": "b"}]}`, err: `key "name" already set in map`},
		{name: "keys that differ in case", doc: "networks:\n- {name: a, Name: b}\n", fields: []string{"networks[0].Name"}},

		// Too many networks: refused before any is read. Measured: 93 ms
		// of CPU, 27 MiB (the YAML reader's cost of 10,000 mappings).
		{name: "10,000 networks", doc: manyNetworks(10000), fields: []string{"networks"}, bounds: hostile.Bounds{Alloc: 256 << 20}},
		{name: "10,000 networks, flow style", doc: "networks: [" + strings.Repeat("{},", 10000) + "]", fields: []string{"networks"}},
		{name: "4097 networks", doc: manyNetworks(specfile.MaxNetworks + 1), fields: []string{"networks"}},
		{name: "4096 networks", doc: manyNetworks(specfile.MaxNetworks), want: func(t *testing.T, s netconfig.Spec) {
			assert.Len(t, s.Networks, specfile.MaxNetworks)
		}},
		// Measured: 0.36 s of CPU, 83 MiB for 36,864 errors.
		{name: "4096 networks, every field wrong", doc: "networks:\n" + strings.Repeat("- {name: 1, x: 2, ipConfig: {addresses: [a,b,c,d,e,f,g]}}\n", 4096),
			fields: nil, bounds: hostile.Bounds{Alloc: big, Time: 5 * time.Second}},

		// Multi-megabyte strings: over MaxSize before anything is read;
		// just under it, read (Build then refuses it: netconfig.MaxTextLength).
		{name: "a 4 MiB name", doc: "networks: [{name: \"" + strings.Repeat("a", 4<<20) + "\"}]", err: "more than the limit of 1048576 bytes (1 MiB)"},
		{name: "a 1 MiB namespace", doc: "namespace: \"" + strings.Repeat("a", specfile.MaxSize-14) + "\"\n", want: func(t *testing.T, s netconfig.Spec) {
			assert.Len(t, s.Namespace, specfile.MaxSize-14)
			_, err := netconfig.Build(s)
			var invalid *netconfig.ValidationError
			require.ErrorAs(t, err, &invalid)
			assert.Equal(t, "namespace: Too long: may not be more than 1024 bytes", invalid.Error())
		}},
		// A plain key has at most 1024 characters; an explicit one has no
		// limit. Measured: 75 ms of CPU, 21 MiB.
		{name: "a 1 MiB unknown key", doc: "? " + strings.Repeat("k", specfile.MaxSize-10) + "\n: 1\n", fields: []string{strings.Repeat("k", specfile.MaxSize-10)}},
		{name: "a 2,000-byte plain key", doc: strings.Repeat("k", 2000) + ": 1\n", err: "mapping values are not allowed in this context"},
		// Measured: 1.2 s of CPU, 290 MiB for 60,000 errors.
		{name: "60,000 unknown keys", doc: func() string {
			var b strings.Builder
			for i := 0; b.Len() < specfile.MaxSize-16; i++ {
				fmt.Fprintf(&b, "k%d: 1\n", i)
			}
			return b.String()
		}(), fields: nil, bounds: hostile.Bounds{Alloc: big, Time: 5 * time.Second}},

		// Documents: the second is refused as soon as it is seen; empty
		// documents after the first hold nothing and are read through.
		{name: "two documents", doc: "networks: []\n---\nnetworks: []\n", err: "more than one YAML document"},
		{name: "60,000 documents", doc: upTo("---\nnetworks: []\n", specfile.MaxSize), err: "more than one YAML document"},
		// Measured: 0.28 s of CPU, 118 MiB.
		{name: "260,000 empty documents", doc: "networks: []\n" + upTo("---\n", specfile.MaxSize-16), want: func(t *testing.T, s netconfig.Spec) {
			assert.Equal(t, netconfig.Spec{}, s)
		}, bounds: hostile.Bounds{Alloc: big, Time: 5 * time.Second}},

		// Tags: refused, but for the core schema's, which are checked as
		// values are.
		{name: "!!binary", doc: "networks:\n- name: !!binary gIGC\n", err: "networks[0].name: Forbidden: line 2: the YAML tag !!binary is not one of the core schema's"},
		{name: "!!binary that decodes to text", doc: "networks:\n- name: !!binary YWJj\n", err: "the YAML tag !!binary"},
		{name: "!!python/object", doc: "networks:\n- name: !!python/object:os.system [ls]\n", err: "networks[0].name: Forbidden: line 2: the YAML tag !!python/object:os.system"},
		{name: "!!python/name on a bare list", doc: "- !!python/name:os.system {name: a}\n", err: "networks[0]: Forbidden: line 1: the YAML tag !!python/name:os.system"},
		{name: "!!timestamp", doc: "namespace: !!timestamp 2001-12-14\n", err: "namespace: Forbidden: line 1: the YAML tag !!timestamp"},
		{name: "!!set", doc: "networks: !!set {a, b}\n", err: "networks: Forbidden: line 1: the YAML tag !!set"},
		{name: "!!omap", doc: "networks: !!omap [a: 1]\n", err: "networks: Forbidden: line 1: the YAML tag !!omap"},
		{name: "local tag", doc: "!local\nnetworks: []\n", err: "<nil>: Forbidden: line 1: the YAML tag !local"},
		{name: "tag on a key", doc: "networks:\n- !!binary bmFtZQ==: a\n", err: "the YAML tag !!binary"},
		{name: "tag on an unknown key's value", doc: "\"a\\nb\": !x 1\n", err: `"a\nb": Forbidden: line 1: the YAML tag !x`},
		{name: "!!str", doc: "networks:\n- name: !!str 12\n", want: func(t *testing.T, s netconfig.Spec) {
			assert.Equal(t, "12", s.Networks[0].Name)
		}},
		{name: "!!int", doc: "networks:\n- name: !!int \"12\"\n", fields: []string{"networks[0].name"}},

		// Text that is not plain text.
		{name: "injected mapping", doc: "networks:\n- name: a: b\n", err: "mapping values are not allowed in this context"},
		{name: "injected list item", doc: "networks:\n- name: a\n- b\n", fields: []string{"networks[1]"}},
		{name: "comment", doc: "networks:\n- name: a #b\n", want: func(t *testing.T, s netconfig.Spec) { assert.Equal(t, "a", s.Networks[0].Name) }},
		{name: "escaped line break", doc: "networks:\n- name: \"a\\nb: c\"\n", want: func(t *testing.T, s netconfig.Spec) { assert.Equal(t, "a\nb: c", s.Networks[0].Name) }},
		{name: "raw NUL", doc: "networks:\n- name: a\x00b\n", err: "control characters are not allowed"},
		{name: "raw invalid UTF-8", doc: "networks:\n- name: a\xffb\n", err: "invalid"},
		{name: "leading byte order mark", doc: "\ufeffnetworks: [{name: a}]\n", want: func(t *testing.T, s netconfig.Spec) { assert.Equal(t, "a", s.Networks[0].Name) }},
		// A raw NEL or U+2028 is a line break to YAML 1.1: the rest of the
		// line is a new line, here not a key.
		{name: "raw NEL", doc: "networks:\n- name: a\u0085b\n", err: "could not find expected ':'"},
		{name: "raw line separator", doc: "networks:\n- name: a\u2028b\n", err: "could not find expected ':'"},
		{name: "raw NEL in a quoted scalar", doc: "networks:\n- name: \"a\u0085b\"\n", want: func(t *testing.T, s netconfig.Spec) { assert.Equal(t, "a b", s.Networks[0].Name) }},
		{name: "unquoted yes", doc: "networks:\n- name: yes\n", fields: []string{"networks[0].name"}},
		{name: "unquoted all-digit MAC", doc: "networks:\n- {name: a, macAddress: 10:11:22:33:44:55}\n", want: func(t *testing.T, s netconfig.Spec) {
			assert.Equal(t, netconfig.MustParseMAC("10:11:22:33:44:55"), s.Networks[0].MAC)
		}},
		{name: "unquoted date", doc: "namespace: 2001-12-14\n", want: func(t *testing.T, s netconfig.Spec) { assert.Equal(t, "2001-12-14", s.Namespace) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var spec netconfig.Spec
			var err error
			hostile.Bounded(t, tt.bounds, func() { spec, err = specfile.Parse([]byte(tt.doc)) })
			var invalid *netconfig.ValidationError
			switch {
			case tt.err != "":
				require.ErrorAs(t, err, &invalid)
				require.Len(t, invalid.Errors, 1, "%v", err)
				assert.Contains(t, err.Error(), tt.err)
				assert.Equal(t, netconfig.Spec{}, spec)
			case tt.want != nil:
				require.NoError(t, err)
				tt.want(t, spec)
			default:
				require.ErrorAs(t, err, &invalid)
				if tt.fields != nil {
					var got []string
					for _, fe := range invalid.Errors {
						got = append(got, fe.Field)
					}
					assert.Equal(t, tt.fields, got, "%.500v", err)
				}
				for _, fe := range invalid.Errors {
					if fe.Type == field.ErrorTypeForbidden {
						assert.Contains(t, fe.Detail, "unknown field")
					}
				}
			}
			if err != nil {
				// The YAML library's own messages, which list problems a
				// line each ("unmarshal errors:\n  line 3: ..."), are
				// folded into one line too.
				requirePrintable(t, err.Error())
			}
		})
	}
}
