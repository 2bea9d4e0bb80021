package netplan

import (
	"bytes"
	"encoding/json"
	"fmt"

	yamlv3 "go.yaml.in/yaml/v3"

	"sigs.k8s.io/yaml"
)

// Parse reads a netplan v2 network config, in the `network: {version: 2}`
// form or the bare `version: 2` form. It rejects duplicate keys, keys the
// model does not hold, and any version but 2.
//
// It also rejects plain (unquoted) scalars that YAML 1.1 readers, such as
// the PyYAML in cloud-init, read as something other than the string that
// YAML 1.2 readers see: an unquoted MAC such as 52:54:00:12:34:56 is a
// base-60 integer to them, and on or yes a boolean.
func Parse(data []byte) (Config, error) {
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
// their YAML 1.2 one. A document that does not parse is left for the strict
// decoder to report.
func checkYAML11Plain(data []byte) error {
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal(data, &doc); err != nil {
		return nil
	}
	return walkPlain(&doc, "", 0)
}

// maxDepth bounds the walk; netplan documents nest a handful of levels.
const maxDepth = 64

func walkPlain(n *yamlv3.Node, path string, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("the document nests deeper than %d levels", maxDepth)
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
			if err := walkPlain(n.Content[i+1], p, depth+1); err != nil {
				return err
			}
		}
	case yamlv3.ScalarNode:
		if n.Style == 0 && n.Tag == "!!str" && yaml11NotString(n.Value) {
			return fmt.Errorf("%s: the unquoted value %s is not a string to YAML 1.1 readers such as cloud-init; quote it", path, n.Value)
		}
	}
	return nil
}

// yaml11NotString reports whether a YAML 1.1 reader (PyYAML, as in
// cloud-init) resolves the plain scalar s, which YAML 1.2 reads as a
// string, to a boolean or a base-60 number. It follows PyYAML's resolver:
// the booleans yes, no, on and off in three casings; base-60 integers,
// whose first digit is 1 to 9 (52:54:00:12:34:56, but not
// 02:00:00:00:00:01); and base-60 floats, which need a fraction (0:30.5).
func yaml11NotString(s string) bool {
	switch s {
	case "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF":
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

func decodeStrict(js []byte, v any) error {
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
