package multus

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"
	corev1 "k8s.io/api/core/v1"
)

// ParseNetworkStatus parses the value of a pod's network-status annotation
// (nadv1.NetworkStatusAnnot), a JSON array of network status objects.
//
// An empty or all-white-space value, or JSON null, means that Multus has not
// reported yet and gives no entries and no error. Entries may lack any
// field (Multus leaves out the MAC, interface and IPs of networks that have
// none), and fields this version of the type does not know are ignored. Anything else that is not a JSON array of objects is an error
// saying what was expected.
func ParseNetworkStatus(annotation string) ([]nadv1.NetworkStatus, error) {
	if strings.TrimSpace(annotation) == "" {
		return nil, nil
	}
	var statuses []nadv1.NetworkStatus
	if err := json.Unmarshal([]byte(annotation), &statuses); err != nil {
		return nil, fmt.Errorf("annotation %s: want a JSON array of network status objects: %s", nadv1.NetworkStatusAnnot, describeJSONError(err))
	}
	return statuses, nil
}

// NetworkStatusFromPod returns the entries of pod's network-status
// annotation, parsed as ParseNetworkStatus does. A pod without the
// annotation (Multus has not reported yet, or does not manage the pod) gives
// no entries and no error; a nil pod is an error.
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
