package multus

import (
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
// to fields, so "name" and "Name" are the same key), a number beyond the
// range of a float64 anywhere, even in a field that is ignored (encoding/json
// cannot read it as a JSON value), text that is not valid UTF-8, and a value
// longer than MaxNetworkStatusSize.
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
	// The annotation is valid JSON of the right shape, nested at most
	// 10,000 levels deep (encoding/json's limit): look for what Unmarshal
	// lets through silently.
	if msg := checkEntries(annotation); msg != "" {
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

// checkEntries reads the annotation, which Unmarshal has found to be JSON
// null or an array of objects and nulls, and returns the first thing in it,
// in the order of the text, that Unmarshal accepts silently, or "" when
// there is none: a null entry (Unmarshal makes it an empty one), an object
// with a key twice (Unmarshal keeps the last value), or a number beyond
// the range of a float64 (Unmarshal skips it in a field it does not know;
// encoding/json cannot read it as a JSON value, and its error is given).
//
// It reads the text once, a byte at a time, and relies on its being valid
// JSON nested at most 10,000 levels deep, which Unmarshal has checked: a
// string is a key when it comes first in an object or after a comma
// there, and a value ends where the next one starts.
func checkEntries(doc string) string {
	var (
		// levels holds the arrays and objects being read, outermost
		// first; keys, the keys read so far of the objects among them,
		// and folded, the folded forms of those keys, one after
		// another. An object's keys go when it ends. The arrays keep
		// all three off the heap for the annotations Multus writes.
		levelsArray [8]level
		keysArray   [32]seenKey
		foldedArray [256]byte
		levels      = levelsArray[:0]
		keys        = keysArray[:0]
		folded      = foldedArray[:0]
		wantKey     bool // the next string is a key
	)
	for i := 0; i < len(doc); {
		switch doc[i] {
		case '{':
			levels = append(levels, level{object: true, keys: len(keys)})
			wantKey = true
			i++
		case '[':
			levels = append(levels, level{})
			i++
		case '}', ']':
			if l := levels[len(levels)-1]; l.object && l.keys < len(keys) {
				folded = folded[:keys[l.keys].foldStart]
				keys = keys[:l.keys]
			}
			levels = levels[:len(levels)-1]
			wantKey = false
			i++
		case ',':
			if l := &levels[len(levels)-1]; l.object {
				wantKey = true
			} else {
				l.index++
			}
			i++
		case '"':
			start := i
			escaped := false
			for i++; doc[i] != '"'; i++ {
				if doc[i] == '\\' {
					escaped = true
					i++ // past the escaped byte, which may be a '"'
				}
			}
			i++
			if !wantKey {
				break
			}
			wantKey = false
			key := seenKey{start: start, end: i, foldStart: len(folded)}
			if escaped {
				folded = appendFoldedKey(folded, decodeKey(doc[start:i]))
			} else {
				folded = appendFoldedKey(folded, doc[start+1:i-1])
			}
			key.foldEnd = len(folded)
			l := &levels[len(levels)-1]
			if first, dup := l.find(keys, folded, key); dup {
				return duplicateKey(doc, levels, keys, first, key)
			}
			l.add(keys, folded, key)
			l.index = len(keys)
			keys = append(keys, key)
		case 'n':
			if len(levels) == 1 {
				return fmt.Sprintf("entry %d is null, want an object (at byte %d)", levels[0].index, i+len("null"))
			}
			i += len("null")
		case 't':
			i += len("true")
		case 'f':
			i += len("false")
		case ' ', '\t', '\n', '\r', ':':
			i++
		default: // a number
			start := i
			exponent := false
		number:
			for ; i < len(doc); i++ {
				switch doc[i] {
				case 'e', 'E':
					exponent = true
				case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '+', '-', '.':
				default:
					break number
				}
			}
			// Without an exponent, only a number of more than 308
			// digits can be beyond a float64's range.
			if exponent || i-start > 308 {
				var v any
				if err := json.Unmarshal([]byte(doc[start:i]), &v); err != nil {
					return err.Error()
				}
			}
		}
	}
	return ""
}

// linearKeys is the most keys an object may have before checkEntries
// looks its keys up in a map rather than comparing each with every one
// before it.
const linearKeys = 16

// level is an array or object that checkEntries is inside.
type level struct {
	object bool
	// index is, in an array, the index of the value being read and, in
	// an object, the index in keys of the key whose value is being read.
	index int
	// keys is, in an object, the index in keys of its first key.
	keys int
	// byFold holds, in an object with more than linearKeys keys, the
	// index in keys of each of them by its folded form.
	byFold map[string]int
}

// seenKey is a key of an object that checkEntries has read: doc[start:end]
// as written (quoted) and folded[foldStart:foldEnd] folded.
type seenKey struct {
	start, end, foldStart, foldEnd int
}

// find returns the key of object l, among keys, that folds as key does.
func (l *level) find(keys []seenKey, folded []byte, key seenKey) (seenKey, bool) {
	f := folded[key.foldStart:key.foldEnd]
	if l.byFold != nil {
		j, ok := l.byFold[string(f)]
		if !ok {
			return seenKey{}, false
		}
		return keys[j], true
	}
	for _, k := range keys[l.keys:] {
		if string(folded[k.foldStart:k.foldEnd]) == string(f) {
			return k, true
		}
	}
	return seenKey{}, false
}

// add records key, about to be appended to keys, as one of object l's,
// indexing l's keys by their folded forms once it has more than
// linearKeys.
func (l *level) add(keys []seenKey, folded []byte, key seenKey) {
	switch n := len(keys) - l.keys; {
	case l.byFold != nil:
		l.byFold[string(folded[key.foldStart:key.foldEnd])] = len(keys)
	case n == linearKeys:
		l.byFold = make(map[string]int, 2*linearKeys)
		for j, k := range keys[l.keys:] {
			l.byFold[string(folded[k.foldStart:k.foldEnd])] = l.keys + j
		}
		l.byFold[string(folded[key.foldStart:key.foldEnd])] = len(keys)
	}
}

// duplicateKey describes key, which the innermost of levels already holds
// as first. The path of the object is built only here: building it as
// checkEntries goes would cost time and memory in the square of the
// nesting depth.
func duplicateKey(doc string, levels []level, keys []seenKey, first, key seenKey) string {
	var where strings.Builder
	where.WriteString("entry " + strconv.Itoa(levels[0].index))
	for _, l := range levels[1 : len(levels)-1] {
		if l.object {
			k := keys[l.index]
			where.WriteString("." + decodeKey(doc[k.start:k.end]))
		} else {
			where.WriteString("[" + strconv.Itoa(l.index) + "]")
		}
	}
	written, firstWritten := decodeKey(doc[key.start:key.end]), decodeKey(doc[first.start:first.end])
	same := ""
	if firstWritten != written {
		same = fmt.Sprintf(" (as %q; keys are matched without regard to case)", firstWritten)
	}
	return fmt.Sprintf("%s has the key %q twice%s (at byte %d)", where.String(), written, same, key.end)
}

// decodeKey returns the text of quoted, a JSON string.
func decodeKey(quoted string) string {
	if strings.IndexByte(quoted, '\\') < 0 {
		return quoted[1 : len(quoted)-1]
	}
	var key string
	if err := json.Unmarshal([]byte(quoted), &key); err != nil {
		// Not reached: Unmarshal has read the whole annotation.
		return quoted[1 : len(quoted)-1]
	}
	return key
}

// appendFoldedKey appends to dst the key that every key encoding/json
// takes for the same one as key (bytes.EqualFold, Unicode simple case
// folding) folds to: each rune becomes the least rune of its folding
// orbit, which for an ASCII letter is the upper-case one ('k', 'K' and
// U+212A KELVIN SIGN all fold to 'K').
func appendFoldedKey(dst []byte, key string) []byte {
	for i := 0; i < len(key); {
		if c := key[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(key[i:])
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		dst = utf8.AppendRune(dst, least)
		i += n
	}
	return dst
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
