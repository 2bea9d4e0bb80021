package specfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/internal/strictyaml"
	"github.com/guestnet/guestnet/netconfig"
)

// Limits on the input of Parse.
const (
	// MaxSize is the largest spec file Parse reads, in bytes (1 MiB).
	MaxSize = 1 << 20
	// MaxNetworks is the most networks a spec file may list.
	MaxNetworks = 4096
)

// rules are what Parse holds a spec file to beyond its fields: one YAML or
// JSON document, with empty documents after it read through, and a bare
// list read as the networks.
var rules = strictyaml.Rules{MaxSize: MaxSize, EmptyDocumentsAfter: true, ListPath: field.NewPath("networks")}

// Parse reads a spec file, in YAML or JSON, into a netconfig.Spec.
//
// The document is either a mapping with the keys namespace and networks
// (see File), or a bare list of networks. Every problem is reported in a
// *netconfig.ValidationError, each a *field.Error with the path of the
// field in the file: a field the format does not have, a value of the
// wrong type, and a value that cannot be read (an address without a
// prefix length, a malformed MAC, an unknown mode, a metric out of range)
// all at once; before them, and alone, input larger than MaxSize, input
// that is not one well-formed YAML document (including duplicate keys) or
// holds a tag other than the core schema's, and a document that is neither
// a mapping nor a list, at the root path (nil, printed <nil>) or at the
// path of the tag, with the line. Empty lists become nil in the result.
//
// Parse checks only that each value can be read; netconfig.Build checks
// whether the values make sense together.
func Parse(data []byte) (netconfig.Spec, error) {
	spec, errs := parse(data)
	if len(errs) > 0 {
		return netconfig.Spec{}, &netconfig.ValidationError{Errors: errs}
	}
	return spec, nil
}

// parse is Parse, returning every problem found.
func parse(data []byte) (netconfig.Spec, field.ErrorList) {
	j, fe := strictyaml.ToJSON(data, nil, rules)
	if fe != nil {
		return netconfig.Spec{}, field.ErrorList{fe}
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		// ToJSON wrote this JSON itself.
		return netconfig.Spec{}, field.ErrorList{field.InternalError(nil, err)}
	}
	switch t := tree.(type) {
	case nil:
		return netconfig.Spec{}, field.ErrorList{field.Required(nil, "the document is empty; want a mapping with a networks list, or a list of networks")}
	case []any:
		// A bare list of networks, as earlier generators wrote them.
		tree = map[string]any{"networks": t}
	case map[string]any:
	default:
		return netconfig.Spec{}, field.ErrorList{field.TypeInvalid(nil, shortValue(tree),
			fmt.Sprintf("the document is %s; want a mapping with a networks list, or a list of networks", describe(tree)))}
	}
	if nets, ok := tree.(map[string]any)["networks"].([]any); ok && len(nets) > MaxNetworks {
		return netconfig.Spec{}, field.ErrorList{field.TooMany(field.NewPath("networks"), len(nets), MaxNetworks)}
	}

	var errs field.ErrorList
	clean := check(nil, tree, reflect.TypeFor[File](), &errs)
	cleanJSON, err := json.Marshal(clean)
	if err != nil {
		return netconfig.Spec{}, append(errs, field.InternalError(nil, err))
	}
	var f File
	if err := json.Unmarshal(cleanJSON, &f); err != nil {
		// check left only keys and values that fit File.
		return netconfig.Spec{}, append(errs, field.InternalError(nil, err))
	}
	spec, convErrs := f.toSpec()
	return spec, append(errs, convErrs...)
}

// networkType is the type of a network in the file.
var networkType = reflect.TypeFor[Network]()

// sourceExample shows how each source is written.
var sourceExample = map[string]string{
	"pod":    "pod: {}",
	"multus": "multus: {networkName: NAME}",
}

// check walks v, a JSON value decoded with UseNumber, against t, the type
// of File or of a part of it, with the rules of encoding/json except that
// field names are case-sensitive and every value must have the type of its
// field. It records a problem for each key t has no field for and each
// value of the wrong type, and returns v without them, so that what is
// left decodes into t. null means the zero value, except for a network's
// pod and multus, where it is an error.
func check(path *field.Path, v any, t reflect.Type, errs *field.ErrorList) any {
	if v == nil {
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		return check(path, v, t.Elem(), errs)
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			*errs = append(*errs, typeError(path, v, "a mapping of "+fieldList(t)))
			return nil
		}
		fields := jsonFields(t)
		out := make(map[string]any, len(m))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			ft, known := fields[k]
			if !known {
				*errs = append(*errs, unknownField(path, k, t))
				continue
			}
			if m[k] == nil && t == networkType && (k == "pod" || k == "multus") {
				// An empty `pod:` reads as null, which would silently
				// leave the source unspecified.
				*errs = append(*errs, field.Required(path.Child(k), fmt.Sprintf("an empty %s is null, not an empty mapping: write %s", k, sourceExample[k])))
				continue
			}
			if c := check(path.Child(k), m[k], ft, errs); c != nil {
				out[k] = c
			}
		}
		return out
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			*errs = append(*errs, typeError(path, v, "a list"))
			return nil
		}
		out := make([]any, len(list))
		for i, e := range list {
			out[i] = check(path.Index(i), e, t.Elem(), errs)
		}
		return out
	case reflect.String:
		if _, ok := v.(string); !ok {
			err := typeError(path, v, "text")
			if _, isMap := v.(map[string]any); !isMap {
				if _, isList := v.([]any); !isList {
					err.Detail += "; quote it, since YAML reads unquoted values such as yes, on, 1.10 or 0x1f as booleans or numbers"
				}
			}
			*errs = append(*errs, err)
			return nil
		}
		return v
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			*errs = append(*errs, typeError(path, v, "true or false"))
			return nil
		}
		return v
	case reflect.Int, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			*errs = append(*errs, typeError(path, v, "an integer"))
			return nil
		}
		if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			detail := "not an integer"
			if f, ferr := strconv.ParseFloat(string(n), 64); ferr == nil && f == math.Trunc(f) {
				detail = "an integer too large to read"
			}
			*errs = append(*errs, field.Invalid(path, shortValue(n), detail))
			return nil
		}
		return v
	}
	// File holds no other kinds.
	panic(fmt.Sprintf("specfile: no check for %s", t))
}

// jsonFields maps the JSON names of struct type t's fields to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := make(map[string]reflect.Type, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		out[name] = f.Type
	}
	return out
}

// fieldNames lists the JSON names of struct type t's fields in order.
func fieldNames(t reflect.Type) []string {
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names = append(names, name)
	}
	return names
}

// fieldList describes the fields of struct type t for messages.
func fieldList(t reflect.Type) string {
	names := fieldNames(t)
	if len(names) == 0 {
		return "no fields ({})"
	}
	return strings.Join(names, ", ")
}

// unknownField reports key k, which struct type t has no field for, at
// path, suggesting the field it most likely is.
func unknownField(path *field.Path, k string, t reflect.Type) *field.Error {
	names := fieldNames(t)
	detail := "unknown field"
	best, bestDist := "", 3
	lower := strings.ToLower(k)
	for _, name := range names {
		if strings.EqualFold(name, k) {
			best, bestDist = name, 0
			detail += fmt.Sprintf(`; field names are case-sensitive: did you mean %q?`, name)
			break
		}
		// A suggestion more than a third of the name away is noise. The
		// distance is at least the difference in length, so a key far
		// longer than any field name (a megabyte, say) is not compared in
		// time proportional to its length times the name's.
		limit := max(1, len(name)/3)
		if abs(len(lower)-len(name)) > limit {
			continue
		}
		if d := editDistance(lower, strings.ToLower(name)); d < bestDist && d <= limit {
			best, bestDist = name, d
		}
	}
	if best != "" && bestDist > 0 {
		detail += fmt.Sprintf("; did you mean %q?", best)
	}
	if len(names) == 0 {
		detail += "; this mapping takes no fields: write {}"
	} else {
		detail += "; the fields here are " + strings.Join(names, ", ")
	}
	return field.Forbidden(strictyaml.KeyPath(path, k), detail)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// typeError reports value v at path, which is not of the type wanted.
func typeError(path *field.Path, v any, want string) *field.Error {
	return field.TypeInvalid(path, shortValue(v), fmt.Sprintf("%s where %s is wanted", describe(v), want))
}

// describe names the kind of JSON value v.
func describe(v any) string {
	switch v.(type) {
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	case string:
		return "text"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	}
	return "null"
}

// shortValue returns v for a message: scalars as they are, mappings and
// lists by kind only.
func shortValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return "{...}"
	case []any:
		return "[...]"
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		if f, err := v.Float64(); err == nil {
			return f
		}
		return string(v)
	}
	return v
}
