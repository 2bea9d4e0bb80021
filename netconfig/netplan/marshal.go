package netplan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	yamlv3 "go.yaml.in/yaml/v3"
)

// Marshal returns c as YAML. The same Config always gives the same bytes:
// keys come in the order of the Config's fields (mapping keys sorted), and
// every string value is a double-quoted scalar in which every character
// that is not plain printable text is escaped, so no value can be read as
// another type or as YAML structure.
//
// The document is built from the Config's JSON encoding, the form its
// field tags define, and written by go.yaml.in/yaml/v3, the YAML library
// under sigs.k8s.io/yaml. sigs.k8s.io/yaml.Marshal itself is not used to
// write: it passes a NEL (U+0085) through unescaped, which YAML readers
// then take for a line break. It is the reader Parse uses, and the tests
// check that it reads back exactly the Config that was written.
//
// A string that is not valid UTF-8 cannot be written as YAML text; Marshal
// returns an error naming where it is.
func Marshal(c Config) ([]byte, error) {
	if where := invalidUTF8(c); where != "" {
		return nil, fmt.Errorf("marshal netplan config: %s is not valid UTF-8", where)
	}
	js, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("marshal netplan config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	root, err := jsonNode(dec)
	if err != nil {
		return nil, fmt.Errorf("marshal netplan config: %w", err)
	}
	var out bytes.Buffer
	enc := yamlv3.NewEncoder(&out)
	enc.SetIndent(2)
	enc.CompactSeqIndent()
	if err := enc.Encode(&yamlv3.Node{Kind: yamlv3.DocumentNode, Content: []*yamlv3.Node{root}}); err != nil {
		return nil, fmt.Errorf("encode netplan config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode netplan config: %w", err)
	}
	return out.Bytes(), nil
}

// jsonNode reads one JSON value from dec as a YAML node: objects become
// mappings (keys plain where every reader takes them as the same string),
// arrays sequences, strings double-quoted scalars, and numbers, booleans
// and null plain scalars of their types.
func jsonNode(dec *json.Decoder) (*yamlv3.Node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			n := &yamlv3.Node{Kind: yamlv3.MappingNode, Tag: "!!map"}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, errors.New("a JSON object key is not a string")
				}
				k := &yamlv3.Node{Kind: yamlv3.ScalarNode, Tag: "!!str", Value: key}
				if !plainKey(key) {
					k.Style = yamlv3.DoubleQuotedStyle
				}
				val, err := jsonNode(dec)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, k, val)
			}
			_, err := dec.Token() // '}'
			return n, err
		case '[':
			n := &yamlv3.Node{Kind: yamlv3.SequenceNode, Tag: "!!seq"}
			for dec.More() {
				val, err := jsonNode(dec)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, val)
			}
			_, err := dec.Token() // ']'
			return n, err
		}
		return nil, fmt.Errorf("unexpected JSON delimiter %v", v)
	case string:
		return &yamlv3.Node{Kind: yamlv3.ScalarNode, Tag: "!!str", Style: yamlv3.DoubleQuotedStyle, Value: v}, nil
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(v.String(), ".eE") {
			tag = "!!float"
		}
		return &yamlv3.Node{Kind: yamlv3.ScalarNode, Tag: tag, Value: v.String()}, nil
	case bool:
		return &yamlv3.Node{Kind: yamlv3.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(v)}, nil
	case nil:
		return &yamlv3.Node{Kind: yamlv3.ScalarNode, Tag: "!!null", Value: "null"}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

// invalidUTF8 returns where c holds a string that is not valid UTF-8, or
// "" when it holds none. (encoding/json would silently replace the bad
// bytes.)
func invalidUTF8(c Config) string {
	for key, e := range c.Network.Ethernets {
		where := fmt.Sprintf("network.ethernets[%q]", key)
		if !utf8.ValidString(key) {
			return "an ethernets key"
		}
		check := []struct{ field, value string }{{"set-name", e.SetName}, {"gateway4", e.Gateway4}, {"gateway6", e.Gateway6}}
		if e.Match != nil {
			check = append(check, struct{ field, value string }{"match.macaddress", e.Match.MACAddress}, struct{ field, value string }{"match.name", e.Match.Name})
		}
		for i, a := range e.Addresses {
			check = append(check, struct{ field, value string }{fmt.Sprintf("addresses[%d]", i), a})
		}
		if ns := e.Nameservers; ns != nil {
			for i, a := range ns.Addresses {
				check = append(check, struct{ field, value string }{fmt.Sprintf("nameservers.addresses[%d]", i), a})
			}
			for i, a := range ns.Search {
				check = append(check, struct{ field, value string }{fmt.Sprintf("nameservers.search[%d]", i), a})
			}
		}
		for i, r := range e.Routes {
			check = append(check, struct{ field, value string }{fmt.Sprintf("routes[%d].to", i), r.To}, struct{ field, value string }{fmt.Sprintf("routes[%d].via", i), r.Via})
		}
		for _, c := range check {
			if !utf8.ValidString(c.value) {
				return where + "." + c.field
			}
		}
	}
	return ""
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
