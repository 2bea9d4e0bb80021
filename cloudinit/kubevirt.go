package cloudinit

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/netconfig"
)

// MaxInlineNetworkData is the largest network data, in bytes, that KubeVirt
// accepts inline in a cloud-init volume. KubeVirt v1.9.0's
// pkg/virt-api/webhooks/validating-webhook/admitters/vmi-create-admitter.go
// sets cloudInitNetworkMaxLen = 2048 and rejects a cloudInitNoCloud or
// cloudInitConfigDrive volume when networkDataLen > cloudInitNetworkMaxLen,
// where networkDataLen is len(networkData), or the length of the decoded
// bytes of networkDataBase64; data behind networkDataSecretRef is not
// counted. So 2048 bytes are accepted inline and 2049 are not.
const MaxInlineNetworkData = 2048

// MaxNetworkData is the most network data, in bytes, that SetNetworkData,
// SetNetworkDataVMI and SetConfigDriveNetworkData take: 1 MiB, the most
// that a Kubernetes Secret holds (MaxSecretSize in the API server's
// validation of core objects), so that the Secret they return for data too
// large to be inline is one the API server accepts. More is refused with
// an error naming the networkDataSecretRef the data would have gone to.
const MaxNetworkData = 1 << 20

// DefaultVolumeName is the name of the cloud-init volume, and of its disk,
// that SetNetworkData and SetConfigDriveNetworkData add to a VM that has
// none; WithVolumeName chooses another.
const DefaultVolumeName = "cloudinitdisk"

// SecretKey is the key of the network data in the Secret that
// SetNetworkData and SetConfigDriveNetworkData return. KubeVirt reads the
// key "networkdata" (or, failing that, "networkData") of the Secret named
// by networkDataSecretRef.
const SecretKey = "networkdata"

// secretNameSuffix is appended to the VM's name to name the Secret.
const secretNameSuffix = "-networkdata"

// Option configures SetNetworkData, SetNetworkDataVMI and
// SetConfigDriveNetworkData.
type Option func(*options)

type options struct {
	volumeName  string
	diskBus     kubevirtv1.DiskBus
	secretName  string
	forceSecret bool
}

// WithVolumeName names the cloud-init volume, and its disk, that is added
// when the VM has no cloud-init volume of the kind needed. It does not
// select among existing volumes: a VM's existing volume of that kind is
// always used, whatever its name. The default is DefaultVolumeName.
func WithVolumeName(name string) Option {
	return func(o *options) { o.volumeName = name }
}

// WithDiskBus sets the bus of the disk that is added together with a new
// cloud-init volume, for instance kubevirtv1.DiskBusSATA for a guest
// without virtio drivers. The default is kubevirtv1.DiskBusVirtio. Disks
// that already exist are left as they are.
func WithDiskBus(bus kubevirtv1.DiskBus) Option {
	return func(o *options) { o.diskBus = bus }
}

// WithSecretName names the Secret that holds network data too large to be
// inline. The default is the VM's name followed by "-networkdata".
func WithSecretName(name string) Option {
	return func(o *options) { o.secretName = name }
}

// ForceSecret puts the network data in a Secret whatever its size, for
// instance to keep addresses out of the VM object or to avoid the switch
// between inline data and a Secret when the data grows past
// MaxInlineNetworkData.
func ForceSecret() Option {
	return func(o *options) { o.forceSecret = true }
}

// SetNetworkData returns a deep copy of vm whose cloudInitNoCloud volume
// carries networkData, a netplan v2 (or cloud-init v1) network config such
// as netconfig.Build's Result.YAML, and the Secret to create when the data
// does not go inline. vm itself is never modified.
//
// The VM's template must have at most one cloudInitNoCloud volume and no
// cloudInitConfigDrive volume (use SetConfigDriveNetworkData for those).
// When it has no cloudInitNoCloud volume, one named DefaultVolumeName (see
// WithVolumeName) is appended to spec.template.spec.volumes together with
// a disk of the same name on the virtio bus (see WithDiskBus), unless a
// disk of that name exists already.
//
// The volume's user data is kept as it is, and exactly one network-data
// source is set: networkData when networkData is text of at most
// MaxInlineNetworkData bytes; networkDataBase64 when it is small enough
// but not text that a YAML manifest carries as it is (invalid UTF-8,
// control characters other than tab, line feed and carriage return, YAML
// 1.1 line breaks, a byte order mark); otherwise networkDataSecretRef,
// naming the returned Secret. The Secret has the VM's namespace, the name
// given by WithSecretName or else the VM's name followed by
// "-networkdata", type Opaque, the data under SecretKey, and nothing else
// (no owner reference, labels or annotations: the same input always gives
// the same Secret). The Secret is nil when the data is inline. Data longer
// than MaxNetworkData, which no Secret can hold, is refused.
//
// Every problem is reported at once, in one *netconfig.ValidationError
// whose Errors are *field.Error values naming the fields at fault, such as
// spec.template.spec.volumes[2].cloudInitNoCloud; errors.As finds the
// first. A nil vm is a field.Required at the empty path, the path of the
// whole object.
func SetNetworkData(vm *kubevirtv1.VirtualMachine, networkData []byte, opts ...Option) (*kubevirtv1.VirtualMachine, *corev1.Secret, error) {
	if vm == nil {
		return nil, nil, noObject("no VirtualMachine to set network data on")
	}
	if vm.Spec.Template == nil {
		return nil, nil, invalid(noTemplate())
	}
	out := vm.DeepCopy()
	secret, err := setData(&out.Spec.Template.Spec, field.NewPath("spec", "template", "spec"), noCloud, out.ObjectMeta, networkData, opts)
	if err != nil {
		return nil, nil, err
	}
	return out, secret, nil
}

// SetNetworkDataVMI is SetNetworkData for a VirtualMachineInstance: it works
// on spec.volumes and spec.domain.devices.disks, and names the Secret after
// the VMI. KubeVirt does not let a VMI's volumes change once it exists, so
// this is for VMIs about to be created. Its errors are those of
// SetNetworkData, at the paths of a VMI (spec.volumes[1], ...).
func SetNetworkDataVMI(vmi *kubevirtv1.VirtualMachineInstance, networkData []byte, opts ...Option) (*kubevirtv1.VirtualMachineInstance, *corev1.Secret, error) {
	if vmi == nil {
		return nil, nil, noObject("no VirtualMachineInstance to set network data on")
	}
	out := vmi.DeepCopy()
	secret, err := setData(&out.Spec, field.NewPath("spec"), noCloud, out.ObjectMeta, networkData, opts)
	if err != nil {
		return nil, nil, err
	}
	return out, secret, nil
}

// SetConfigDriveNetworkData is SetNetworkData for a VM whose guest reads a
// config drive: it puts networkDataJSON, an OpenStack network_data.json
// document such as NetworkDataJSON renders, into the template's
// cloudInitConfigDrive volume, or adds one (and its disk) when the VM has
// no cloud-init volume. A VM with a cloudInitNoCloud volume is an error,
// since its guest would read netplan, not network_data.json. The data must
// be valid JSON, or it is a field.Invalid at the volume source's
// networkData. The size limit, the Secret, the rule of exactly one
// network-data source and the errors are the same as for SetNetworkData.
func SetConfigDriveNetworkData(vm *kubevirtv1.VirtualMachine, networkDataJSON []byte, opts ...Option) (*kubevirtv1.VirtualMachine, *corev1.Secret, error) {
	if vm == nil {
		return nil, nil, noObject("no VirtualMachine to set network data on")
	}
	if vm.Spec.Template == nil {
		return nil, nil, invalid(noTemplate())
	}
	out := vm.DeepCopy()
	secret, err := setData(&out.Spec.Template.Spec, field.NewPath("spec", "template", "spec"), configDrive, out.ObjectMeta, networkDataJSON, opts)
	if err != nil {
		return nil, nil, err
	}
	return out, secret, nil
}

// invalid returns errs, which are not empty, as the error of invalid input.
func invalid(errs ...*field.Error) error {
	return &netconfig.ValidationError{Errors: errs}
}

// noObject is the error of a nil object: a field.Required at the empty
// path, the path of the whole object. (field.NewPath("") would be written
// "[]".)
func noObject(detail string) error {
	return invalid(&field.Error{Type: field.ErrorTypeRequired, BadValue: "", Detail: detail})
}

// noTemplate is the error of a VirtualMachine without a template.
func noTemplate() *field.Error {
	return field.Required(field.NewPath("spec", "template"), "a VirtualMachine needs a template to carry a cloud-init volume")
}

// sourceKind is the kind of cloud-init volume network data goes to.
type sourceKind int

const (
	noCloud sourceKind = iota
	configDrive
)

// field is the volume source's field name in the KubeVirt API.
func (k sourceKind) field() string {
	if k == configDrive {
		return "cloudInitConfigDrive"
	}
	return "cloudInitNoCloud"
}

// networkDataSource is the network-data part of a cloud-init volume source;
// both kinds have the same three fields.
type networkDataSource struct {
	data      *string
	base64    *string
	secretRef **corev1.LocalObjectReference
}

func sourceOf(v *kubevirtv1.Volume, k sourceKind) networkDataSource {
	if k == configDrive {
		s := v.CloudInitConfigDrive
		return networkDataSource{&s.NetworkData, &s.NetworkDataBase64, &s.NetworkDataSecretRef}
	}
	s := v.CloudInitNoCloud
	return networkDataSource{&s.NetworkData, &s.NetworkDataBase64, &s.NetworkDataSecretRef}
}

// setData is the implementation shared by the VM and VMI functions: spec
// is already a deep copy, path is the path of spec in the object, and meta
// is the object's metadata, which names the Secret.
func setData(spec *kubevirtv1.VirtualMachineInstanceSpec, path *field.Path, kind sourceKind, meta metav1.ObjectMeta, data []byte, opts []Option) (*corev1.Secret, error) {
	o := options{volumeName: DefaultVolumeName, diskBus: kubevirtv1.DiskBusVirtio}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	var errs field.ErrorList
	volumes := path.Child("volumes")
	found := -1
	for i := range spec.Volumes {
		v := &spec.Volumes[i]
		switch {
		case kind == noCloud && v.CloudInitConfigDrive != nil:
			errs = append(errs, field.Forbidden(volumes.Index(i).Child("cloudInitConfigDrive"),
				"the VM has a cloudInitConfigDrive volume, whose guest reads OpenStack network_data.json, not netplan: render it with NetworkDataJSON and set it with SetConfigDriveNetworkData"))
		case kind == configDrive && v.CloudInitNoCloud != nil:
			errs = append(errs, field.Forbidden(volumes.Index(i).Child("cloudInitNoCloud"),
				"the VM has a cloudInitNoCloud volume, whose guest reads a netplan network config, not network_data.json: set the netplan document with SetNetworkData"))
		case kind == noCloud && v.CloudInitNoCloud != nil, kind == configDrive && v.CloudInitConfigDrive != nil:
			if found >= 0 {
				errs = append(errs, field.Forbidden(volumes.Index(i).Child(kind.field()),
					"a second "+kind.field()+" volume (the first is "+volumes.Index(found).String()+"); KubeVirt reads only the first, so which one should carry the network data is ambiguous"))
				continue
			}
			found = i
		}
	}
	// target is the path of the volume source that gets the data, whether
	// it exists or is about to be added; it is built only for an error.
	target := func() *field.Path {
		i := found
		if i < 0 {
			i = len(spec.Volumes)
		}
		return volumes.Index(i).Child(kind.field())
	}

	if len(data) == 0 {
		errs = append(errs, field.Required(target().Child("networkData"), "the network data is empty; KubeVirt needs a non-empty network-data source"))
	}
	if len(data) > MaxNetworkData {
		errs = append(errs, field.TooLong(target().Child("networkDataSecretRef"), "", MaxNetworkData))
	}
	if kind == configDrive && len(data) > 0 && len(data) <= MaxNetworkData && !json.Valid(data) {
		errs = append(errs, field.Invalid(target().Child("networkData"), field.OmitValueType{}, jsonProblem(data)))
	}
	useSecret := o.forceSecret || len(data) > MaxInlineNetworkData
	secretName := o.secretName
	if useSecret {
		switch {
		case secretName != "":
		case meta.Name == "":
			errs = append(errs, field.Required(field.NewPath("metadata", "name"),
				"the Secret for the network data is named after the object; set a name or use WithSecretName"))
		default:
			secretName = meta.Name + secretNameSuffix
		}
		if secretName != "" {
			for _, msg := range validation.IsDNS1123Subdomain(secretName) {
				errs = append(errs, field.Invalid(target().Child("networkDataSecretRef", "name"), secretName, "not a valid Secret name: "+msg))
			}
		}
	}
	if found < 0 {
		errs = append(errs, addVolume(spec, volumes, kind, o)...)
		found = len(spec.Volumes) - 1
	}
	if len(errs) > 0 {
		return nil, invalid(errs...)
	}

	src := sourceOf(&spec.Volumes[found], kind)
	*src.data, *src.base64, *src.secretRef = "", "", nil
	switch {
	case useSecret:
		*src.secretRef = &corev1.LocalObjectReference{Name: secretName}
		return &corev1.Secret{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
			ObjectMeta: metav1.ObjectMeta{Name: secretName, Namespace: meta.Namespace},
			Type:       corev1.SecretTypeOpaque,
			Data:       map[string][]byte{SecretKey: append([]byte(nil), data...)},
		}, nil
	case printable(data):
		*src.data = string(data)
	default:
		*src.base64 = base64.StdEncoding.EncodeToString(data)
	}
	return nil, nil
}

// jsonProblem says why data, which is not valid JSON, is refused.
func jsonProblem(data []byte) string {
	const why = "cloud-init reads network_data.json as JSON, and this is not valid JSON"
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return why + ": " + err.Error()
	}
	return why
}

// addVolume appends a cloud-init volume of the given kind, and a disk for it
// unless one of that name exists. A volume of that name is an error, and
// so is a name that is not a DNS-1123 label.
func addVolume(spec *kubevirtv1.VirtualMachineInstanceSpec, volumes *field.Path, kind sourceKind, o options) field.ErrorList {
	name := o.volumeName
	if msgs := validation.IsDNS1123Label(name); len(msgs) > 0 {
		return field.ErrorList{field.Invalid(volumes.Index(len(spec.Volumes)).Child("name"), name,
			"not a valid volume name (see WithVolumeName): "+strings.Join(msgs, "; "))}
	}
	for i, v := range spec.Volumes {
		if v.Name == name {
			return field.ErrorList{field.Invalid(volumes.Index(i).Child("name"), name,
				"the VM has no "+kind.field()+" volume, and this name, wanted for a new one, is taken; choose another with WithVolumeName")}
		}
	}
	v := kubevirtv1.Volume{Name: name}
	if kind == configDrive {
		v.CloudInitConfigDrive = &kubevirtv1.CloudInitConfigDriveSource{}
	} else {
		v.CloudInitNoCloud = &kubevirtv1.CloudInitNoCloudSource{}
	}
	spec.Volumes = append(spec.Volumes, v)
	for _, d := range spec.Domain.Devices.Disks {
		if d.Name == name {
			return nil
		}
	}
	spec.Domain.Devices.Disks = append(spec.Domain.Devices.Disks, kubevirtv1.Disk{
		Name:       name,
		DiskDevice: kubevirtv1.DiskDevice{Disk: &kubevirtv1.DiskTarget{Bus: o.diskBus}},
	})
	return nil
}

// printable reports whether data is text that a manifest can carry as a
// string: valid UTF-8 made only of characters YAML allows unescaped (tab,
// line feed, carriage return, and the printable ranges of YAML 1.1 and
// 1.2) other than the line breaks of YAML 1.1 (NEL, U+2028, U+2029) and
// the byte order mark. sigs.k8s.io/yaml, as kubectl uses it, writes other
// characters such as DEL unescaped and then refuses to read them back, and
// writes NEL unescaped, which it then reads as a space.
func printable(data []byte) bool {
	for len(data) > 0 {
		if c := data[0]; c < utf8.RuneSelf { // ASCII, without decoding
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
				return false
			}
			data = data[1:]
			continue
		}
		r, n := utf8.DecodeRune(data)
		if r == utf8.RuneError && n <= 1 {
			return false
		}
		switch {
		case r == 0x85, r == 0x2028, r == 0x2029, r == 0xfeff:
			// YAML 1.1 line breaks, which a reader folds, and the byte
			// order mark.
			return false
		case r == '\t', r == '\n', r == '\r', r >= 0x20 && r <= 0x7e,
			r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000 && r <= 0x10ffff:
		default:
			return false
		}
		data = data[n:]
	}
	return true
}
