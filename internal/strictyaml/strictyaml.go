// Package strictyaml reads one YAML or JSON document strictly, the checks
// shared by guestnet's parsers of YAML (the spec file's and netplan's):
// the document must be one well-formed document that go.yaml.in/yaml/v3
// and sigs.k8s.io/yaml both read, with no key twice in a mapping and no
// explicit tag but the core schema's, and it may be held to the rules of
// YAML 1.1 readers such as cloud-init's PyYAML (Rules). Each problem is a
// *field.Error whose path follows the document, as apimachinery reports a
// field of a manifest; a problem of the whole document (its size, its
// syntax, a second document) is at the document's root path.
package strictyaml

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
	yamlv3 "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"
)

// Rules are what a document is held to beyond being one well-formed
// document with core tags only and no duplicate keys.
type Rules struct {
	// MaxSize is the longest document read, in bytes.
	MaxSize int

	// MaxDepth, when it is not 0, is how many levels of mappings and lists
	// may nest.
	MaxDepth int

	// EmptyDocumentsAfter lets empty documents follow the document (a
	// trailing ---), which hold nothing that a reader of the first could
	// drop. PyYAML's safe_load refuses them.
	EmptyDocumentsAfter bool

	// YAML11Strings refuses plain (unquoted) scalars that YAML 1.1
	// readers such as PyYAML read as something other than the string that
	// YAML 1.2 readers see (yes, on, 52:54:00:12:34:56, 2001-12-14), and
	// dates that go.yaml.in/yaml/v3 reads as times; plain mapping keys
	// must, besides, be strings to YAML 1.2 readers (the key 1 is an
	// integer to every reader, which sigs.k8s.io/yaml alone would turn
	// into the string "1").
	YAML11Strings bool

	// NoNulls refuses null values (a key with nothing after it, ~, null).
	NoNulls bool

	// ListPath is the path of the document's items when the document is a
	// list, if not the root's (the spec file reads a bare list as its
	// networks).
	ListPath *field.Path
}

// ToJSON checks data, a YAML or JSON document, against rules and returns
// it as JSON, as sigs.k8s.io/yaml.YAMLToJSONStrict converts it. The paths
// of the problems start at root, the path of the document itself (nil at
// the top, as apimachinery's field.Invalid(nil, ...) reports a whole
// object). It reports the first problem found: a size over rules.MaxSize,
// before reading anything; a second document; a node that the rules
// refuse, at its path and with its line; what either YAML reader refuses,
// at the root, with the reader's message (which names the line).
func ToJSON(data []byte, root *field.Path, rules Rules) ([]byte, *field.Error) {
	if len(data) > rules.MaxSize {
		fe := field.TooLong(root, nil, rules.MaxSize)
		fe.Detail = fmt.Sprintf("%d bytes is more than the limit of %d bytes", len(data), rules.MaxSize)
		if rules.MaxSize%(1<<20) == 0 {
			fe.Detail += fmt.Sprintf(" (%d MiB)", rules.MaxSize>>20)
		}
		return nil, fe
	}
	if documents(data, rules.EmptyDocumentsAfter) > 1 {
		return nil, field.Invalid(root, field.OmitValueType{},
			"more than one YAML document (separated by ---); some readers take the first and drop the rest, others refuse them all: write one document")
	}
	var doc yamlv3.Node
	errV3 := yamlv3.Unmarshal(data, &doc)
	if errV3 == nil {
		path := root
		if rules.ListPath != nil && len(doc.Content) == 1 && doc.Content[0].Kind == yamlv3.SequenceNode {
			path = rules.ListPath
		}
		if fe := (walker{rules: rules}).walk(&doc, path, 0); fe != nil {
			return nil, fe
		}
	}
	js, err := yaml.YAMLToJSONStrict(data)
	if err == nil {
		err = errV3 // go.yaml.in/yaml/v3 is stricter in a few corners
	}
	if err != nil {
		return nil, field.Invalid(root, field.OmitValueType{}, "not a valid YAML or JSON document: "+oneLine(err.Error()))
	}
	return js, nil
}

// documents returns how many YAML documents data holds as
// sigs.k8s.io/yaml's reader, go.yaml.in/yaml/v2, sees them, which reads
// the first and drops the rest: it counts a document that does not parse
// as one (and stops there), which is also how text after the first
// document that the reader cannot read shows ("{}: 1" is the mapping {}
// and then ": 1"); with emptyAllowed, it does not count empty documents
// after the first (a trailing ---), which hold nothing that could be
// dropped.
func documents(data []byte, emptyAllowed bool) int {
	dec := yamlv2.NewDecoder(bytes.NewReader(data))
	n := 0
	for {
		var doc any
		err := dec.Decode(&doc)
		if err == io.EOF {
			return n
		}
		if emptyAllowed && n > 0 && err == nil && doc == nil {
			continue
		}
		n++
		if err != nil || n > 1 {
			return n
		}
	}
}

// oneLine folds the lines of a YAML library's message ("yaml: unmarshal
// errors:\n  line 3: ...") into one, so that no message breaks a line of
// a log.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// KeyPath returns the path of the value of key k of a mapping at path: k
// as it is when it is printable text, else quoted (see printable).
func KeyPath(path *field.Path, k string) *field.Path {
	return path.Child(printable(k))
}

// printable returns s as it is when it is printable text, else quoted as
// Go quotes strings, so that text from a document (a key, a tag) holding a
// line break or a control character cannot add a line of its own to a
// message; the empty text is "".
func printable(s string) string {
	if s == "" || !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool { return !strconv.IsPrint(r) }) >= 0 {
		return strconv.Quote(s)
	}
	return s
}

// coreTag reports whether tag is one of the tags of YAML's core schema,
// those of JSON's values, which every reader constructs alike. A value written with one of them is
// checked as any other value is.
func coreTag(tag string) bool {
	switch tag {
	case "!!str", "!!int", "!!float", "!!bool", "!!null", "!!seq", "!!map":
		return true
	}
	return false
}

// walker checks the nodes of a document against its rules.
type walker struct {
	rules Rules
}

// walk checks node n, at path and depth, and the nodes under it. Aliases
// are not followed: their anchors are checked where they are.
func (w walker) walk(n *yamlv3.Node, path *field.Path, depth int) *field.Error {
	if w.rules.MaxDepth > 0 && depth > w.rules.MaxDepth {
		return field.Forbidden(path, fmt.Sprintf("line %d: the document nests deeper than %d levels", n.Line, w.rules.MaxDepth))
	}
	if fe := checkTag(n, path); fe != nil {
		return fe
	}
	switch n.Kind {
	case yamlv3.DocumentNode:
		for _, c := range n.Content {
			if fe := w.walk(c, path, depth+1); fe != nil {
				return fe
			}
		}
	case yamlv3.SequenceNode:
		for i, c := range n.Content {
			if fe := w.walk(c, path.Index(i), depth+1); fe != nil {
				return fe
			}
		}
	case yamlv3.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			name := k.Value
			if k.Kind == yamlv3.AliasNode && k.Alias != nil {
				name = k.Alias.Value // the key the alias stands for
			}
			p := KeyPath(path, name)
			var fe *field.Error
			if k.Kind == yamlv3.ScalarNode || k.Kind == yamlv3.AliasNode {
				fe = w.checkKey(k, p)
			} else {
				fe = w.walk(k, p, depth+1) // a mapping or list as a key
			}
			if fe != nil {
				return fe
			}
			if fe := w.walk(n.Content[i+1], p, depth+1); fe != nil {
				return fe
			}
		}
	case yamlv3.ScalarNode:
		return w.checkScalar(n, path)
	}
	return nil
}

// checkTag refuses an explicit tag that is not a core tag on node n
// at path. sigs.k8s.io/yaml's conversion to JSON hides tags, and they
// change values silently: !!binary text becomes its decoded bytes (invalid
// UTF-8 among them, which JSON then turns into U+FFFD), !!timestamp a
// reformatted date, and an application's tag such as !!python/object or
// !local is dropped, leaving the value under it; PyYAML's safe_load reads
// !!binary as bytes, not text, and refuses application tags.
func checkTag(n *yamlv3.Node, path *field.Path) *field.Error {
	if n.Style&yamlv3.TaggedStyle == 0 || coreTag(n.Tag) {
		return nil
	}
	return field.Forbidden(path, fmt.Sprintf("line %d: the YAML tag %s is not one of the core schema's (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map), which every YAML reader reads alike; write the value without it", n.Line, printable(n.Tag)))
}

// checkKey checks the key k of a mapping entry at path (its tag, and as
// YAML11Strings says). sigs.k8s.io/yaml turns every key into a string (the
// key on into "true", 1 into "1"), while YAML readers, PyYAML in
// cloud-init among them, read a plain key as they read a plain value: so a
// plain key must be a string to YAML 1.2 readers (go.yaml.in/yaml/v3 reads
// the key 2001-1-2 as a time) and to YAML 1.1 readers alike, unless it is
// the merge key <<. A key that is an alias is checked as the scalar it
// names.
func (w walker) checkKey(k *yamlv3.Node, path *field.Path) *field.Error {
	if fe := checkTag(k, path); fe != nil {
		return fe
	}
	if !w.rules.YAML11Strings {
		return nil
	}
	line := k.Line
	if k.Kind == yamlv3.AliasNode && k.Alias != nil {
		k = k.Alias
	}
	if k.Kind != yamlv3.ScalarNode || k.Style != 0 || k.Tag == "!!merge" || k.Value == "=" {
		return nil // PyYAML reads the key = as the string "="
	}
	if k.Tag != "!!str" || yaml11NotString(k.Value) {
		return field.Invalid(path, k.Value, fmt.Sprintf("line %d: this unquoted key is not a string to YAML readers such as cloud-init's; quote it", line))
	}
	return nil
}

// checkScalar checks the scalar value n at path as NoNulls and
// YAML11Strings say. A plain << (a merge) is a value PyYAML cannot
// construct. Dates have rules of their own in each reader:
// sigs.k8s.io/yaml reads them as strings, PyYAML reads 2001-12-14 as a
// date but 2001-1-2 as a string, and go.yaml.in/yaml/v3 reads both as
// times.
func (w walker) checkScalar(n *yamlv3.Node, path *field.Path) *field.Error {
	switch {
	case w.rules.NoNulls && n.Tag == "!!null":
		// Read as an empty value by sigs.k8s.io/yaml; netplan 0.106
		// refuses a null anywhere, and cloud-init 22.4 fails on a null
		// ethernets entry, match, nameservers, addresses or routes.
		return field.Invalid(path, nil, fmt.Sprintf("line %d: a null value, which netplan refuses and cloud-init cannot read; write a value or leave the key out", n.Line))
	case !w.rules.YAML11Strings || n.Style != 0:
	case (n.Tag == "!!str" || n.Tag == "!!timestamp") && yaml11NotString(n.Value), n.Tag == "!!merge":
		return field.Invalid(path, n.Value, fmt.Sprintf("line %d: this unquoted value is not a string to YAML 1.1 readers such as cloud-init; quote it", n.Line))
	case n.Tag == "!!timestamp":
		return field.Invalid(path, n.Value, fmt.Sprintf("line %d: this unquoted value is a time, not a string, to YAML readers such as go.yaml.in/yaml/v3; quote it", n.Line))
	}
	return nil
}
