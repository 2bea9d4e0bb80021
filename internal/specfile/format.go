package specfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	yamlv3 "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/netconfig"
)

// Format writes spec as a spec file in YAML, such that Parse reads back the
// same Spec (with empty lists as nil). It writes the list forms only
// (addresses, gateways, binding), keeps the order of the fields in File,
// and double-quotes every text value so that no YAML reader can take one
// for a number or a boolean.
//
// A Spec that no spec file can express is refused as FromSpec refuses it,
// with a *netconfig.ValidationError; so is one whose file would be larger
// than MaxSize (field.TooLong at the root path, nil).
func Format(spec netconfig.Spec) ([]byte, error) {
	f, err := FromSpec(spec)
	if err != nil {
		return nil, err
	}
	out, err := format(f)
	if err != nil {
		// f came from FromSpec: JSON and YAML can write it.
		return nil, &netconfig.ValidationError{Errors: field.ErrorList{field.InternalError(nil, err)}}
	}
	if len(out) > MaxSize {
		fe := field.TooLong(nil, nil, MaxSize)
		fe.Detail = fmt.Sprintf("the spec file would be %d bytes, more than the limit of %d bytes (1 MiB) that Parse reads", len(out), MaxSize)
		return nil, &netconfig.ValidationError{Errors: field.ErrorList{fe}}
	}
	return out, nil
}

// format writes f in YAML.
func format(f File) ([]byte, error) {
	j, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	// JSON is YAML: reading it into a node keeps the order of the fields,
	// and every string comes out double-quoted. Only the layout changes.
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal(escapeUnprintable(j), &doc); err != nil {
		return nil, err
	}
	blockStyle(&doc)
	var out bytes.Buffer
	enc := yamlv3.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// escapeUnprintable escapes, as JSON \u escapes, the characters that
// encoding/json writes as they are but that a YAML reader does not take as
// they are: those a YAML stream may not hold (YAML 1.2, section 5.1: DEL,
// the C1 controls, U+FFFE and U+FFFF), NEL, which YAML 1.1 folds as a line
// break, and the byte order mark. They occur only inside strings, since
// the keys are File's.
func escapeUnprintable(j []byte) []byte {
	var out []byte
	for i := 0; i < len(j); {
		r, size := utf8.DecodeRune(j[i:])
		if r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0xfeff || r == 0xfffe || r == 0xffff {
			if out == nil {
				out = append(make([]byte, 0, len(j)+16), j[:i]...)
			}
			out = fmt.Appendf(out, `\u%04x`, r)
		} else if out != nil {
			out = append(out, j[i:i+size]...)
		}
		i += size
	}
	if out == nil {
		return j
	}
	return out
}

// blockStyle turns the flow mappings and lists read from JSON into block
// ones and writes mapping keys (the field names of File) plain.
func blockStyle(n *yamlv3.Node) {
	switch n.Kind {
	case yamlv3.MappingNode:
		n.Style = 0
		for i := 0; i+1 < len(n.Content); i += 2 {
			n.Content[i].Style = 0
			blockStyle(n.Content[i+1])
		}
	case yamlv3.DocumentNode, yamlv3.SequenceNode:
		n.Style = 0
		for _, c := range n.Content {
			blockStyle(c)
		}
	}
}
