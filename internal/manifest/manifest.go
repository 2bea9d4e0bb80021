// Package manifest decodes the Kubernetes manifests that guestnet's render
// CLI reads: a KubeVirt VirtualMachine, a VirtualMachineInstance, and a Pod
// (whose network-status annotation the CLI wants).
//
// A manifest is one YAML or JSON document, as `kubectl get -o yaml` or
// `kubectl get -o json` prints it, decoded with sigs.k8s.io/yaml's
// Unmarshal: the YAML becomes JSON, which encoding/json decodes into the
// API type. So, as there, keys the type has no field for are ignored (a
// manifest written for a newer API version still decodes), field names
// match case-insensitively (macaddress is read as macAddress, which the
// API server would prune as an unknown field), of duplicate keys the last
// is kept, and a plain scalar where text is wanted is read as its text
// (name: 123 is "123"). Only the first document of a multi-document YAML
// stream is read.
//
// Each function checks three things and reports the first that fails:
//
//   - the input is at most MaxSize bytes (ErrTooLarge);
//   - it decodes into the type wanted (a *DecodeError, which wraps the
//     decoder's error);
//   - its kind, when the manifest sets one, is the kind wanted (a
//     *KindError naming the kind found). A manifest without a kind is
//     accepted, since hand-written fragments often leave it out;
//     apiVersion is not checked.
//
// The package does no I/O and keeps no state; its functions are safe for
// concurrent use and never modify their input.
package manifest

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// MaxSize is the largest manifest, in bytes, that the functions of this
// package decode (1 MiB). It is well above any VirtualMachine, VMI or Pod
// that a cluster stores (the API server limits an object's annotations
// to 256 KiB, and etcd a whole request to 1.5 MiB by default), and it
// bounds the memory and time that decoding hostile input takes.
const MaxSize = 1 << 20

// ErrTooLarge is wrapped by the error returned for input longer than
// MaxSize bytes.
var ErrTooLarge = fmt.Errorf("larger than the limit of %d bytes (1 MiB)", MaxSize)

// The kinds this package decodes, as a manifest's kind field names them.
const (
	KindVirtualMachine         = "VirtualMachine"
	KindVirtualMachineInstance = "VirtualMachineInstance"
	KindPod                    = "Pod"
)

// DecodeError reports input that is not a manifest of the kind wanted: not
// a YAML or JSON document, or a document whose fields do not have the
// types of that kind's fields.
type DecodeError struct {
	// Want is the kind wanted, such as "VirtualMachine".
	Want string
	// Err is the decoder's error.
	Err error
}

// Error returns "not a <Want> manifest: " followed by the decoder's error.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("not a %s manifest: %v", e.Want, e.Err)
}

// Unwrap returns the decoder's error.
func (e *DecodeError) Unwrap() error { return e.Err }

// KindError reports a manifest of another kind than the one wanted.
type KindError struct {
	// Kind is the kind the manifest names, such as "Service".
	Kind string
	// Want is the kind wanted, such as "VirtualMachine".
	Want string
}

// Error returns "a <Kind> manifest; want a <Want>".
func (e *KindError) Error() string {
	return fmt.Sprintf("a %s manifest; want a %s", e.Kind, e.Want)
}

// VirtualMachine decodes data, a VirtualMachine manifest in YAML or JSON.
// It returns ErrTooLarge (wrapped), a *DecodeError or a *KindError for
// input it does not accept, and then a nil VirtualMachine; see the package
// documentation.
func VirtualMachine(data []byte) (*kubevirtv1.VirtualMachine, error) {
	var vm kubevirtv1.VirtualMachine
	if err := decode(data, &vm, KindVirtualMachine, func() string { return vm.Kind }); err != nil {
		return nil, err
	}
	return &vm, nil
}

// VirtualMachineInstance decodes data, a VirtualMachineInstance manifest in
// YAML or JSON. It returns ErrTooLarge (wrapped), a *DecodeError or a
// *KindError for input it does not accept, and then a nil
// VirtualMachineInstance; see the package documentation.
func VirtualMachineInstance(data []byte) (*kubevirtv1.VirtualMachineInstance, error) {
	var vmi kubevirtv1.VirtualMachineInstance
	if err := decode(data, &vmi, KindVirtualMachineInstance, func() string { return vmi.Kind }); err != nil {
		return nil, err
	}
	return &vmi, nil
}

// Pod decodes data, a Pod manifest in YAML or JSON. It returns ErrTooLarge
// (wrapped), a *DecodeError or a *KindError for input it does not accept,
// and then a nil Pod; see the package documentation.
func Pod(data []byte) (*corev1.Pod, error) {
	var pod corev1.Pod
	if err := decode(data, &pod, KindPod, func() string { return pod.Kind }); err != nil {
		return nil, err
	}
	return &pod, nil
}

// decode checks data's size, decodes it into obj and checks the kind that
// kind reads from obj against want.
func decode(data []byte, obj any, want string, kind func() string) error {
	if len(data) > MaxSize {
		return fmt.Errorf("%s manifest of %d bytes: %w", want, len(data), ErrTooLarge)
	}
	if err := yaml.Unmarshal(data, obj); err != nil {
		return &DecodeError{Want: want, Err: err}
	}
	if k := kind(); k != "" && k != want {
		return &KindError{Kind: k, Want: want}
	}
	return nil
}
