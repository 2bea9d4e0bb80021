package netplan

import (
	"bytes"
	"fmt"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"
)

// Marshal returns c as YAML. The same Config always gives the same bytes:
// mapping keys are sorted, and every string value is double-quoted.
func Marshal(c Config) ([]byte, error) {
	plain, err := yaml.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("marshal netplan config: %w", err)
	}
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal(plain, &doc); err != nil {
		return nil, fmt.Errorf("re-read netplan config: %w", err)
	}
	quoteStringValues(&doc)
	var out bytes.Buffer
	enc := yamlv3.NewEncoder(&out)
	enc.SetIndent(2)
	enc.CompactSeqIndent()
	if err := enc.Encode(&doc); err != nil {
		return nil, fmt.Errorf("encode netplan config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode netplan config: %w", err)
	}
	return out.Bytes(), nil
}

// plainKey reports whether every YAML reader, 1.1 or 1.2, takes the plain
// scalar s as the same string.
func plainKey(s string) bool {
	if s == "" {
		return false
	}
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
		return false
	}
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if i == 0 && !letter {
			return false
		}
		if !letter && !(r >= '0' && r <= '9') && r != '_' && r != '.' && r != '-' {
			return false
		}
	}
	return true
}

// quoteStringValues marks every string scalar that is not a mapping key as
// double-quoted, and leaves keys plain unless a YAML 1.1 reader could take
// them for something else.
func quoteStringValues(n *yamlv3.Node) {
	switch n.Kind {
	case yamlv3.DocumentNode, yamlv3.SequenceNode:
		for _, c := range n.Content {
			quoteStringValues(c)
		}
	case yamlv3.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i]
			key.Style = 0
			if !plainKey(key.Value) {
				key.Style = yamlv3.DoubleQuotedStyle
			}
			quoteStringValues(n.Content[i+1])
		}
	case yamlv3.ScalarNode:
		if n.Tag == "!!str" {
			n.Style = yamlv3.DoubleQuotedStyle
		}
	}
}
