package netplan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"

	"sigs.k8s.io/yaml"
)

// MaxDocumentSize is the longest document Parse reads, in bytes: 1 MiB,
// the most that a Kubernetes Secret holds, which is the largest carrier of
// network data KubeVirt has (networkDataSecretRef).
const MaxDocumentSize = 1 << 20

// Parse reads a netplan v2 network config, in the `network: {version: 2}`
// form or the bare `version: 2` form. It rejects duplicate keys, keys the
// model does not hold, and any version but 2.
//
// It also rejects plain (unquoted) scalars that YAML 1.1 readers, such as
// the PyYAML in cloud-init, read as something other than the string that
// YAML 1.2 readers see: an unquoted MAC such as 52:54:00:12:34:56 is a
// base-60 integer to them, on or yes a boolean, 2001-12-14 a date; so are
// dates that go.yaml.in/yaml/v3 reads as times (2001-1-2). Plain mapping
// keys are held to the same rules, and must be strings to YAML 1.2 readers
// too (the key 1 is an integer to every reader, which sigs.k8s.io/yaml
// alone would turn into the string "1"). Keys are case-sensitive: DHCP4 is
// no dhcp4 to netplan. A null value (eth1: with nothing after it) is
// refused, since netplan refuses it and cloud-init fails on most.
//
// A stream of more than one document (a second ---, even before nothing)
// is refused as cloud-init's reader refuses it, rather than read up to its first
// document, and so are explicit tags other than the core schema's
// (!!binary, !!python/object, !local), and input longer than
// MaxDocumentSize.
func Parse(data []byte) (Config, error) {
	if len(data) > MaxDocumentSize {
		return Config{}, fmt.Errorf("netplan config: %d bytes is more than the limit of %d bytes (1 MiB)", len(data), MaxDocumentSize)
	}
	if err := checkYAML11Plain(data); err != nil {
		return Config{}, fmt.Errorf("netplan config: %w", err)
	}
	js, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return Config{}, fmt.Errorf("netplan config: %w", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(js, &top); err != nil {
		return Config{}, fmt.Errorf("netplan config: the document must be a mapping: %w", err)
	}
	var c Config
	if _, wrapped := top["network"]; wrapped {
		err = decodeStrict(js, &c)
	} else {
		err = decodeStrict(js, &c.Network)
	}
	if err != nil {
		return Config{}, fmt.Errorf("netplan config: %w", err)
	}
	if c.Network.Version != 2 {
		return Config{}, fmt.Errorf("netplan config: network.version is %d, want 2", c.Network.Version)
	}
	return c, nil
}

// checkYAML11Plain finds plain scalars whose YAML 1.1 reading differs from
// their YAML 1.2 one, and a second document, which sigs.k8s.io/yaml would
// silently drop and PyYAML's safe_load refuses (the two count documents
// alike: "a: 1\n...\n" is one, "a: 1\n---\n" two). A first document that
// does not parse is left for the strict decoder to report.
func checkYAML11Plain(data []byte) error {
	dec := yamlv3.NewDecoder(bytes.NewReader(data))
	var doc yamlv3.Node
	if err := dec.Decode(&doc); err != nil {
		return nil
	}
	if err := dec.Decode(new(yamlv3.Node)); err != io.EOF {
		return errors.New("more than one YAML document (separated by ---); cloud-init reads network config with PyYAML's safe_load, which refuses a stream of several")
	}
	return walkPlain(&doc, "", 0)
}

// coreTag reports whether tag is one of YAML's core schema, those of
// JSON's values, which every reader constructs alike.
func coreTag(tag string) bool {
	switch tag {
	case "!!str", "!!int", "!!float", "!!bool", "!!null", "!!seq", "!!map":
		return true
	}
	return false
}

// checkTag refuses an explicit tag that is not a coreTag on node n at path:
// sigs.k8s.io/yaml reads !!binary as its decoded bytes and drops an
// application's tag (!!python/object, !local), while PyYAML's safe_load
// reads !!binary as bytes, not text, and refuses application tags.
func checkTag(n *yamlv3.Node, path string) error {
	if n.Style&yamlv3.TaggedStyle != 0 && !coreTag(n.Tag) {
		if path == "" {
			path = "the document"
		}
		return fmt.Errorf("%s: the YAML tag %s makes the value something other than text to some YAML readers; write the value without it", path, n.Tag)
	}
	return nil
}

// maxDepth bounds the walk; netplan documents nest a handful of levels.
const maxDepth = 64

func walkPlain(n *yamlv3.Node, path string, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("the document nests deeper than %d levels", maxDepth)
	}
	if err := checkTag(n, path); err != nil {
		return err
	}
	switch n.Kind {
	case yamlv3.DocumentNode, yamlv3.SequenceNode:
		for i, c := range n.Content {
			p := path
			if n.Kind == yamlv3.SequenceNode {
				p = fmt.Sprintf("%s[%d]", path, i)
			}
			if err := walkPlain(c, p, depth+1); err != nil {
				return err
			}
		}
	case yamlv3.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := n.Content[i].Value
			if path != "" {
				p = path + "." + p
			}
			if err := checkTag(n.Content[i], p); err != nil {
				return err
			}
			if err := checkKey(n.Content[i], p); err != nil {
				return err
			}
			if err := walkPlain(n.Content[i+1], p, depth+1); err != nil {
				return err
			}
		}
	case yamlv3.ScalarNode:
		// A plain << (a merge) is a value PyYAML cannot construct. Dates
		// have rules of their own in each reader: sigs.k8s.io/yaml reads
		// them as strings, PyYAML reads 2001-12-14 as a date but 2001-1-2
		// as a string, and go.yaml.in/yaml/v3 reads both as times.
		switch {
		case n.Tag == "!!null":
			// Read as an empty value by sigs.k8s.io/yaml; netplan 0.106
			// refuses a null anywhere, and cloud-init 22.4 fails on a null
			// ethernets entry, match, nameservers, addresses or routes.
			return fmt.Errorf("%s: a null value, which netplan refuses and cloud-init cannot read; write a value or leave the key out", path)
		case n.Style != 0:
		case (n.Tag == "!!str" || n.Tag == "!!timestamp") && yaml11NotString(n.Value), n.Tag == "!!merge":
			return fmt.Errorf("%s: the unquoted value %s is not a string to YAML 1.1 readers such as cloud-init; quote it", path, n.Value)
		case n.Tag == "!!timestamp":
			return fmt.Errorf("%s: the unquoted value %s is a time, not a string, to YAML readers such as go.yaml.in/yaml/v3; quote it", path, n.Value)
		}
	}
	return nil
}

// checkKey checks the key k of a mapping entry at path. sigs.k8s.io/yaml
// turns every key into a string (the key on into "true", 1 into "1"),
// while YAML readers, PyYAML in cloud-init among them, read a plain key as
// they read a plain value: so a plain key must be a string to YAML 1.2
// readers (go.yaml.in/yaml/v3 reads the key 2001-1-2 as a time) and to
// YAML 1.1 readers alike, unless it is the merge key <<.
func checkKey(k *yamlv3.Node, path string) error {
	if k.Kind == yamlv3.AliasNode && k.Alias != nil {
		k = k.Alias
	}
	if k.Kind != yamlv3.ScalarNode || k.Style != 0 || k.Tag == "!!merge" || k.Value == "=" {
		return nil // PyYAML reads the key = as the string "="
	}
	if k.Tag != "!!str" || yaml11NotString(k.Value) {
		return fmt.Errorf("%s: the unquoted key %s is not a string to YAML readers such as cloud-init's; quote it", path, k.Value)
	}
	return nil
}

// yaml11NotString reports whether a YAML 1.1 reader (PyYAML, as in
// cloud-init) resolves the plain scalar s, which YAML 1.2 reads as a
// string, to something else. It follows PyYAML's resolver: the booleans
// yes, no, on and off in three casings; base-60 integers, whose first digit
// is 1 to 9 (52:54:00:12:34:56, but not 02:00:00:00:00:01); base-60
// floats, which need a fraction (0:30.5); timestamps (2001-12-14, and
// 2001-13-45, which PyYAML then fails to read); and = and <<, which PyYAML
// resolves to tags it cannot construct.
func yaml11NotString(s string) bool {
	switch s {
	case "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "=", "<<":
		return true
	}
	if yaml11Timestamp(s) {
		return true
	}
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	start := i
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '_') {
		i++
	}
	if i == start || s[start] == '_' || i == len(s) || s[i] != ':' {
		return false
	}
	for i < len(s) && s[i] == ':' {
		i++
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if n := i - d; n == 0 || n > 2 || n == 2 && s[d] > '5' {
			return false
		}
	}
	if i == len(s) {
		return s[start] != '0' // an integer: PyYAML wants [1-9] first
	}
	if s[i] != '.' {
		return false
	}
	for i++; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] == '_') {
			return false
		}
	}
	return true // a float
}

// yaml11Timestamp reports whether PyYAML's resolver reads the plain scalar
// s as a timestamp: it matches
//
//	[0-9]{4}-[0-9]{2}-[0-9]{2}
//
// or
//
//	[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?
//
// whether or not the date exists.
func yaml11Timestamp(s string) bool {
	// digits returns the index after the run of min to max digits at i,
	// or -1.
	digits := func(i, min, max int) int {
		j := i
		for j < len(s) && j-i < max && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j-i < min {
			return -1
		}
		return j
	}
	// next reports whether the byte at i, which must exist, is c.
	next := func(i int, c byte) bool { return i >= 0 && i < len(s) && s[i] == c }
	blanks := func(i int) int {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		return i
	}

	i := digits(0, 4, 4)
	if !next(i, '-') {
		return false
	}
	if i = digits(i+1, 1, 2); !next(i, '-') {
		return false
	}
	if i = digits(i+1, 1, 2); i < 0 {
		return false
	}
	if i == len(s) {
		return len(s) == len("2001-12-14") // the date alone needs two-digit month and day
	}
	switch {
	case s[i] == 'T' || s[i] == 't':
		i++
	case s[i] == ' ' || s[i] == '\t':
		i = blanks(i)
	default:
		return false
	}
	if i = digits(i, 1, 2); !next(i, ':') {
		return false
	}
	if i = digits(i+1, 2, 2); !next(i, ':') {
		return false
	}
	if i = digits(i+1, 2, 2); i < 0 {
		return false
	}
	if next(i, '.') {
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		}
	}
	if i == len(s) {
		return true
	}
	i = blanks(i)
	switch {
	case next(i, 'Z'):
		return i+1 == len(s)
	case next(i, '-') || next(i, '+'):
		if i = digits(i+1, 1, 2); i < 0 {
			return false
		}
		if i == len(s) {
			return true
		}
		return next(i, ':') && digits(i+1, 2, 2) == len(s)
	}
	return false
}

// decodeStrict decodes js into v, refusing keys v's type does not have,
// also in another case: encoding/json matches keys to fields without
// regard to case, while netplan and cloud-init read ETHERNETS or DHCP4 as
// unknown keys (netplan refuses them, cloud-init ignores them).
func decodeStrict(js []byte, v any) error {
	var generic any
	if err := json.Unmarshal(js, &generic); err == nil {
		if err := checkCase(generic, reflect.TypeOf(v).Elem(), ""); err != nil {
			return err
		}
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after the document")
	}
	return nil
}

// checkCase walks v, a decoded JSON value, along t, the type it is to be
// decoded into, and refuses the first key, in key order, that names a
// field of a struct only when case is ignored. Values of the wrong type
// and unknown keys are left for the decoder to report.
func checkCase(v any, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			p := k
			if path != "" {
				p = path + "." + k
			}
			var exact, folded *reflect.StructField
			for i := range t.NumField() {
				f := t.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if name == k {
					exact = &f
					break
				}
				if strings.EqualFold(name, k) && folded == nil {
					folded = &f
				}
			}
			switch {
			case exact != nil:
				if err := checkCase(m[k], exact.Type, p); err != nil {
					return err
				}
			case folded != nil:
				name, _, _ := strings.Cut(folded.Tag.Get("json"), ",")
				return fmt.Errorf("%s: unknown key %q; keys are case-sensitive: did you mean %q?", p, k, name)
			}
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if err := checkCase(m[k], t.Elem(), path+"."+k); err != nil {
				return err
			}
		}
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return nil
		}
		for i, e := range list {
			if err := checkCase(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}
