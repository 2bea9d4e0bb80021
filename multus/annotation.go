package multus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/netconfig"
)

// MaxNetworkStatusSize is the longest network-status annotation, in bytes,
// that ParseNetworkStatus reads: 256 KiB, the most that the API server lets
// all the annotations of an object take together
// (TotalAnnotationSizeLimitB in k8s.io/apimachinery/pkg/api/validation),
// so no pod can carry a longer one.
const MaxNetworkStatusSize = 256 << 10

// ParseNetworkStatus parses the value of a pod's network-status annotation
// (nadv1.NetworkStatusAnnot), a JSON array of network status objects.
//
// An empty or all-white-space value, or JSON null, means that Multus has not
// reported yet and gives no entries and no error. Entries may lack any
// field (Multus leaves out the MAC, interface and IPs of networks that have
// none), and fields this version of the type does not know are ignored.
// Anything else that is not a JSON array of objects is an error saying what
// was expected; so are a null entry, an object with the same key twice
// (keys are matched without regard to case, as encoding/json matches them
// to fields, so "name" and "Name" are the same key), text that is not valid
// UTF-8, and a value longer than MaxNetworkStatusSize.
//
// The error is a *netconfig.ValidationError holding one *field.Error whose
// path is the annotation's, as in a pod:
// metadata.annotations[k8s.v1.cni.cncf.io/network-status]. Its type is
// field.ErrorTypeTooLong for a value that is too long and
// field.ErrorTypeInvalid for anything else; its detail says what is wrong
// and where, and leaves the value out.
func ParseNetworkStatus(annotation string) ([]nadv1.NetworkStatus, error) {
	if len(annotation) > MaxNetworkStatusSize {
		fe := field.TooLong(statusPath(), "", MaxNetworkStatusSize)
		fe.Detail = fmt.Sprintf("%d bytes is more than the limit of %d bytes (256 KiB, the most all of a pod's annotations may take)", len(annotation), MaxNetworkStatusSize)
		return nil, &netconfig.ValidationError{Errors: field.ErrorList{fe}}
	}
	if strings.TrimSpace(annotation) == "" {
		return nil, nil
	}
	if !utf8.ValidString(annotation) {
		// encoding/json would silently read each bad byte as U+FFFD.
		return nil, statusError(fmt.Sprintf("not valid UTF-8 at byte %d", invalidUTF8At(annotation)))
	}
	var statuses []nadv1.NetworkStatus
	if err := json.Unmarshal([]byte(annotation), &statuses); err != nil {
		return nil, statusError(describeJSONError(err))
	}
	// The document is valid JSON of the right shape, nested at most
	// 10,000 levels deep (encoding/json's limit): look for what Unmarshal
	// lets through silently.
	if msg := checkEntries(json.NewDecoder(strings.NewReader(annotation))); msg != "" {
		return nil, statusError(msg)
	}
	return statuses, nil
}

// statusPath is the path of the network-status annotation in a pod.
func statusPath() *field.Path {
	return field.NewPath("metadata", "annotations").Key(nadv1.NetworkStatusAnnot)
}

// statusError is the error of an annotation that cannot be read.
func statusError(msg string) error {
	return &netconfig.ValidationError{Errors: field.ErrorList{
		field.Invalid(statusPath(), field.OmitValueType{}, "want a JSON array of network status objects: "+msg),
	}}
}

// invalidUTF8At returns the offset of the first byte of s that is not part
// of valid UTF-8.
func invalidUTF8At(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n <= 1 {
				return i
			}
		}
	}
	return len(s)
}

// checkEntries reads the annotation, known to be null or an array of
// objects and nulls, and returns what is wrong with it that Unmarshal
// accepts silently: a null entry (Unmarshal makes it an empty one) or an
// object with a key twice (Unmarshal keeps the last value). It returns ""
// when there is nothing.
func checkEntries(dec *json.Decoder) string {
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('[') {
		return "" // null
	}
	// where is the path of the value being read, one segment a level,
	// joined only for a message: joining it at every level would cost
	// time and memory in the square of the nesting depth.
	var where []string
	for i := 0; dec.More(); i++ {
		tok, err := dec.Token()
		if err != nil {
			return err.Error()
		}
		if tok == nil {
			return fmt.Sprintf("entry %d is null, want an object (at byte %d)", i, dec.InputOffset())
		}
		where = append(where[:0], "entry "+strconv.Itoa(i))
		if msg := checkObject(dec, &where); msg != "" {
			return msg
		}
	}
	return ""
}

// checkObject reads the rest of an object whose '{' dec has just read, and
// of the objects and arrays inside it, and reports a key that an object
// holds twice. where is the object's path.
func checkObject(dec *json.Decoder, where *[]string) string {
	seen := map[string]string{} // folded key -> key as written
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err.Error()
		}
		key, _ := tok.(string)
		folded := foldKey(key)
		if first, dup := seen[folded]; dup {
			same := ""
			if first != key {
				same = fmt.Sprintf(" (as %q; keys are matched without regard to case)", first)
			}
			return fmt.Sprintf("%s has the key %q twice%s (at byte %d)", strings.Join(*where, ""), key, same, dec.InputOffset())
		}
		seen[folded] = key
		*where = append(*where, "."+key)
		if msg := checkValue(dec, where); msg != "" {
			return msg
		}
		*where = (*where)[:len(*where)-1]
	}
	_, err := dec.Token() // '}'
	if err != nil {
		return err.Error()
	}
	return ""
}

// checkValue reads one value and checks the objects in it; where is its
// path.
func checkValue(dec *json.Decoder, where *[]string) string {
	tok, err := dec.Token()
	if err != nil {
		return err.Error()
	}
	switch tok {
	case json.Delim('{'):
		return checkObject(dec, where)
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			*where = append(*where, "["+strconv.Itoa(i)+"]")
			if msg := checkValue(dec, where); msg != "" {
				return msg
			}
			*where = (*where)[:len(*where)-1]
		}
		if _, err := dec.Token(); err != nil { // ']'
			return err.Error()
		}
	}
	return ""
}

// foldKey returns the key every key that encoding/json takes for the same
// one (bytes.EqualFold, Unicode simple case folding) folds to: each rune
// becomes the smallest rune of its folding orbit.
func foldKey(key string) string {
	var b bytes.Buffer
	for _, r := range key {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}

// NetworkStatusFromPod returns the entries of pod's network-status
// annotation, parsed as ParseNetworkStatus does. A pod without the
// annotation (Multus has not reported yet, or does not manage the pod) gives
// no entries and no error. The error of an annotation that cannot be read
// is ParseNetworkStatus's, wrapped with the pod's namespace and name, so
// errors.As still finds the *netconfig.ValidationError and its
// *field.Error; a nil pod is a plain error.
func NetworkStatusFromPod(pod *corev1.Pod) ([]nadv1.NetworkStatus, error) {
	if pod == nil {
		return nil, errors.New("no pod to read the network status of")
	}
	value, ok := pod.Annotations[nadv1.NetworkStatusAnnot]
	if !ok {
		return nil, nil
	}
	statuses, err := ParseNetworkStatus(value)
	if err != nil {
		return nil, fmt.Errorf("pod %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	return statuses, nil
}

// describeJSONError rewords the errors of encoding/json in terms of the
// annotation rather than of Go types.
func describeJSONError(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("not valid JSON at byte %d: %s", syntax.Offset, strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.As(err, &typ):
		var where string
		switch {
		case typ.Field != "":
			where = fmt.Sprintf("field %q of an entry", typ.Field)
		case typ.Type != nil && typ.Type.Kind() == reflect.Struct:
			where = "an entry"
		default:
			return fmt.Sprintf("got a JSON %s", typ.Value)
		}
		return fmt.Sprintf("%s is a JSON %s, want %s (at byte %d)", where, typ.Value, jsonKind(typ.Type), typ.Offset)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// jsonKind names the JSON value a Go type decodes from.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "another type"
}
