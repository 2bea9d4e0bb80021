package netplan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/internal/strictyaml"
)

// MaxDocumentSize is the longest document Parse reads, in bytes: 1 MiB,
// the most that a Kubernetes Secret holds, which is the largest carrier of
// network data KubeVirt has (networkDataSecretRef).
const MaxDocumentSize = 1 << 20

// maxDepth bounds the nesting of a document; netplan documents nest a
// handful of levels.
const maxDepth = 64

// rules is what Parse holds a document to: what cloud-init's PyYAML and
// netplan read as the document that Parse reads.
func rules() strictyaml.Rules {
	return strictyaml.Rules{MaxSize: MaxDocumentSize, MaxDepth: maxDepth, YAML11Strings: true, NoNulls: true}
}

// Parse reads a netplan v2 network config, in the `network: {version: 2}`
// form or the bare `version: 2` form. It rejects duplicate keys, keys the
// model does not hold, values of another type than the model's, and any
// version but 2.
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
// (!!binary, !!python/object, !local), nesting deeper than 64 levels, and
// input longer than MaxDocumentSize.
//
// Parse stops at the first problem. Its error, "netplan config: " and the
// problem, wraps a *field.Error (errors.As finds it) whose path follows
// the document (network.ethernets.eth0.match.macaddress), with the line
// the problem is on; a problem of the whole document (its size, its
// syntax, a second document) is at the root path, nil.
func Parse(data []byte) (Config, error) {
	c, fe := parse(data)
	if fe != nil {
		return Config{}, fmt.Errorf("netplan config: %w", fe)
	}
	return c, nil
}

// parse is Parse, returning its problem.
func parse(data []byte) (Config, *field.Error) {
	js, fe := strictyaml.ToJSON(data, nil, rules())
	if fe != nil {
		return Config{}, fe
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(js, &top); err != nil {
		return Config{}, field.TypeInvalid(nil, field.OmitValueType{}, "the document must be a mapping, network: {version: 2, ...} or version: 2, ...")
	}
	var c Config
	versionPath := field.NewPath("network", "version")
	if _, wrapped := top["network"]; wrapped {
		fe = decodeStrict(js, &c)
	} else {
		fe = decodeStrict(js, &c.Network)
		versionPath = field.NewPath("version")
	}
	if fe != nil {
		return Config{}, fe
	}
	if c.Network.Version != 2 {
		return Config{}, field.Invalid(versionPath, c.Network.Version, "want 2: Parse reads netplan v2 only")
	}
	return c, nil
}

// decodeStrict decodes js into v, refusing keys v's type does not have,
// also in another case: encoding/json matches keys to fields without
// regard to case, while netplan and cloud-init read ETHERNETS or DHCP4 as
// unknown keys (netplan refuses them, cloud-init ignores them). Keys are
// refused at their path; values of the wrong type at the root, with
// encoding/json's message.
func decodeStrict(js []byte, v any) *field.Error {
	var generic any
	if err := json.Unmarshal(js, &generic); err == nil {
		if fe := checkKeys(generic, reflect.TypeOf(v).Elem(), nil); fe != nil {
			return fe
		}
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return field.Invalid(nil, field.OmitValueType{}, err.Error())
	}
	return nil
}

// checkKeys walks v, a decoded JSON value, along t, the type it is to be
// decoded into, and refuses the first key of a struct, in key order, that
// names none of its fields, or one only when case is ignored. Values of
// the wrong type are left for the decoder to report.
func checkKeys(v any, t reflect.Type, path *field.Path) *field.Error {
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
			p := strictyaml.KeyPath(path, k)
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
				if fe := checkKeys(m[k], exact.Type, p); fe != nil {
					return fe
				}
			case folded != nil:
				name, _, _ := strings.Cut(folded.Tag.Get("json"), ",")
				return field.Forbidden(p, fmt.Sprintf("unknown key %s; keys are case-sensitive: did you mean %q?", strconv.Quote(k), name))
			default:
				names := make([]string, t.NumField())
				for i := range names {
					names[i], _, _ = strings.Cut(t.Field(i).Tag.Get("json"), ",")
				}
				return field.Forbidden(p, fmt.Sprintf("unknown key %s; the keys here are %s", strconv.Quote(k), strings.Join(names, ", ")))
			}
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if fe := checkKeys(m[k], t.Elem(), strictyaml.KeyPath(path, k)); fe != nil {
				return fe
			}
		}
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return nil
		}
		for i, e := range list {
			if fe := checkKeys(e, t.Elem(), path.Index(i)); fe != nil {
				return fe
			}
		}
	}
	return nil
}
