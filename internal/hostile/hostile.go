// Package hostile holds what the adversarial tests of guestnet's packages
// share: strings built to break a YAML writer or reader, the reduction of a
// parsed document to its key paths and typed scalars, the same reduction
// done by PyYAML (the YAML 1.1 reader of cloud-init), and bounds on the
// time and memory of one call.
//
// It is imported by tests only.
package hostile

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"sort"
	"strconv"
	"strings"
	"testing"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"
)

// Case is a named hostile string; Name is usable as a subtest name.
type Case struct {
	Name  string
	Value string
}

// Injections are strings that would become YAML structure, or break a
// reader, if a writer put them into a document as they are: line breaks
// followed by keys or list items, YAML indicators, quotes, NUL and other
// control characters, the characters YAML 1.1 takes for line breaks (NEL,
// U+2028, U+2029), a byte order mark, non-ASCII text and invalid UTF-8.
var Injections = []Case{
	{"newline", "a\nb"},
	{"newline-key", "a\nkey: value"},
	{"newline-item", "a\n- b"},
	{"crlf-key", "a\r\nkey: value"},
	{"cr", "a\rb"},
	{"hash", "#comment"},
	{"space-hash", "a #b"},
	{"colon-space", "a: b"},
	{"trailing-colon", "a:"},
	{"dash-space", "- a"},
	{"question", "? a"},
	{"flow-map", "{a: b}"},
	{"flow-seq", "[a, b]"},
	{"open-brace", "{"},
	{"close-bracket", "]"},
	{"comma", "a,b"},
	{"anchor", "&a"},
	{"alias", "*a"},
	{"tag", "!a"},
	{"core-tag", "!!str"},
	{"python-tag", "!!python/object:os.system"},
	{"percent", "%YAML 1.1"},
	{"at", "@a"},
	{"backtick", "`a`"},
	{"pipe", "|"},
	{"fold", ">"},
	{"single-quote", "'a'"},
	{"double-quote", `"a"`},
	{"inner-quotes", `a"b'c`},
	{"backslash", `a\nb`},
	{"document-start", "---"},
	{"document-end", "..."},
	{"merge", "<<"},
	{"leading-space", " a"},
	{"trailing-space", "a "},
	{"tab", "a\tb"},
	{"nul", "a\x00b"},
	{"bell", "\x07"},
	{"escape", "\x1b[31mred"},
	{"del", "a\x7fb"},
	{"c1", "a\u009bb"},
	{"nel", "a\u0085b"},
	{"line-separator", "a\u2028b"},
	{"paragraph-separator", "a\u2029b"},
	{"bom", "\ufeffa"},
	{"nbsp", "a\u00a0b"},
	{"rtl-override", "a\u202eb"},
	{"latin1", "héllo"},
	{"cjk", "日本語"},
	{"emoji", "😀"},
	{"noncharacter", "a\ufffeb"},
	{"invalid-utf8", "a\xffb"},
	{"lone-surrogate-bytes", "a\xed\xa0\x80b"},
}

// YAML11 are strings that YAML 1.1 readers (PyYAML, in cloud-init) or YAML
// 1.2 readers read as something other than a string when they are written
// plain: booleans, nulls, numbers in several bases, infinities, base-60
// integers (an all-digit MAC whose first digit is not 0) and times.
// "00:11:22:33:44:55" is among them although PyYAML reads it as a string
// (a base-60 integer starts with 1 to 9), so that the tests show it too
// comes out as a string.
var YAML11 = []Case{
	{"yes", "yes"}, {"Yes", "Yes"}, {"no", "no"}, {"on", "on"}, {"On", "On"},
	{"off", "off"}, {"OFF", "OFF"}, {"y", "y"}, {"Y", "Y"}, {"n", "n"},
	{"true", "true"}, {"False", "False"},
	{"tilde", "~"}, {"null", "null"}, {"Null", "Null"}, {"empty", ""},
	{"hex", "0x1F"}, {"octal-0o", "0o17"}, {"octal-0", "017"}, {"exp", "1e3"},
	{"underscore-int", "1_000"}, {"float", "1.10"}, {"inf", ".inf"},
	{"minus-inf", "-.inf"}, {"nan", ".nan"}, {"sexagesimal", "12:30"},
	{"sexagesimal-3", "190:20:30"}, {"mac-52", "52:54:00:12:34:56"},
	{"mac-10", "10:11:22:33:44:55"}, {"mac-00", "00:11:22:33:44:55"},
	{"date", "2001-12-14"}, {"equals", "="},
}

// All is Injections followed by YAML11.
func All() []Case {
	return append(append([]Case(nil), Injections...), YAML11...)
}

// Flat is a document reduced to its scalars: each key is the path of a
// scalar (see Path), each value its type and value ("str:eth0", "num:2",
// "bool:true", "null"). Two documents with the same Flat have the same
// structure, the same keys and the same typed values.
type Flat map[string]string

// Clone returns a copy of f.
func (f Flat) Clone() Flat { return maps.Clone(f) }

// String lists f one path a line, sorted, for failure messages.
func (f Flat) String() string {
	lines := make([]string, 0, len(f))
	for k, v := range f {
		lines = append(lines, k+" = "+strconv.Quote(v))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// Path joins the segments of a path: a string key that is a plain
// identifier ([A-Za-z0-9_-]+) as it is, any other string key quoted as Go
// quotes it, a key of another type as <type:value>, and a list index as
// [i]. Use it to write the paths of expected Flats.
func Path(segs ...any) string {
	var b strings.Builder
	for _, s := range segs {
		switch s := s.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(keySegment(s))
		}
	}
	return b.String()
}

func keySegment(k any) string {
	s, ok := k.(string)
	if !ok {
		return "<" + scalar(k) + ">"
	}
	if s == "" {
		return `""`
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return strconv.Quote(s)
		}
	}
	return s
}

// scalar writes a scalar value with its type.
func scalar(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return "str:" + v
	case bool:
		return "bool:" + strconv.FormatBool(v)
	case int:
		return "num:" + strconv.Itoa(v)
	case int64:
		return "num:" + strconv.FormatInt(v, 10)
	case uint64:
		return "num:" + strconv.FormatUint(v, 10)
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return "num:" + strconv.FormatInt(int64(v), 10)
		}
		return "float:" + strconv.FormatFloat(v, 'g', -1, 64)
	}
	return fmt.Sprintf("other:%T:%v", v, v)
}

// FlattenValue reduces a value decoded from YAML or JSON (maps with string
// or other keys, slices, scalars) to its Flat.
func FlattenValue(v any) Flat {
	f := Flat{}
	flatten(f, "", v)
	return f
}

func flatten(f Flat, path string, v any) {
	join := func(k any) string {
		if path == "" {
			return keySegment(k)
		}
		return path + "." + keySegment(k)
	}
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 0 {
			f[path] = "map:{}"
		}
		for k, e := range v {
			flatten(f, join(k), e)
		}
	case map[any]any:
		if len(v) == 0 {
			f[path] = "map:{}"
		}
		for k, e := range v {
			flatten(f, join(k), e)
		}
	case []any:
		if len(v) == 0 {
			f[path] = "seq:[]"
		}
		for i, e := range v {
			flatten(f, fmt.Sprintf("%s[%d]", path, i), e)
		}
	default:
		f[path] = scalar(v)
	}
}

// FlattenYAMLv3 reads doc with go.yaml.in/yaml/v3 into generic values and
// returns its Flat.
func FlattenYAMLv3(doc []byte) (Flat, error) {
	var v any
	if err := yamlv3.Unmarshal(doc, &v); err != nil {
		return nil, err
	}
	return FlattenValue(v), nil
}

// FlattenSigsYAML reads doc with sigs.k8s.io/yaml (through JSON, as
// Kubernetes reads manifests) into generic values and returns its Flat.
func FlattenSigsYAML(doc []byte) (Flat, error) {
	var v any
	if err := yaml.Unmarshal(doc, &v); err != nil {
		return nil, err
	}
	return FlattenValue(v), nil
}

// SigsMishandled reports whether s holds a character that
// sigs.k8s.io/yaml v1.6.0 either refuses to write or writes in documents
// it cannot read back as the same string (measured over every code point
// up to U+3000, U+FE00 to U+10000 and the last plane's end): DEL, the C1
// controls (NEL among them), U+FFFE and U+FFFF. Tests that use it as an
// oracle excuse its failures on such text, and only on such text.
func SigsMishandled(s string) bool {
	for _, r := range s {
		if r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0xfffe || r == 0xffff {
			return true
		}
	}
	return false
}

// SigsCannotEncode reports whether sigs.k8s.io/yaml v1.6.0 may fail to
// write v, a value decoded from JSON (maps, slices, strings and the like),
// as a document that reads back as v: a string or key of v holds a
// character SigsMishandled names, or a mapping key is longer than 1024
// bytes in JSON (quotes and escapes included). Marshal converts JSON to
// YAML by reading the JSON as YAML, and YAML limits an implicit key to
// 1024 characters: a key of 1,023 plain bytes already fails.
func SigsCannotEncode(v any) bool {
	switch v := v.(type) {
	case string:
		return SigsMishandled(v)
	case []any:
		for _, e := range v {
			if SigsCannotEncode(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range v {
			j, err := json.Marshal(k)
			if err != nil || len(j) > 1024 || SigsMishandled(k) || SigsCannotEncode(e) {
				return true
			}
		}
	}
	return false
}

// RequireFlat fails t unless doc reads as want with go.yaml.in/yaml/v3
// and with sigs.k8s.io/yaml.
func RequireFlat(t testing.TB, doc []byte, want Flat) {
	t.Helper()
	for _, r := range []struct {
		name string
		read func([]byte) (Flat, error)
	}{{"go.yaml.in/yaml/v3", FlattenYAMLv3}, {"sigs.k8s.io/yaml", FlattenSigsYAML}} {
		got, err := r.read(doc)
		if err != nil {
			t.Fatalf("%s cannot read the document: %v\n%s", r.name, err, doc)
		}
		if got.String() != want.String() {
			t.Fatalf("%s reads:\n%s\nwhich is\n%s\nnot\n%s", r.name, doc, got, want)
		}
	}
}
