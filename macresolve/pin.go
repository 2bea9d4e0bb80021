package macresolve

import (
	"fmt"
	"strconv"

	"k8s.io/apimachinery/pkg/util/validation/field"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/netconfig"
)

// Pinned is a MAC that Pin wrote on an interface of a VirtualMachine.
type Pinned struct {
	// Interface is the interface's name, which is the name of its network.
	Interface string
	// MAC is the stable MAC written to its macAddress.
	MAC netconfig.MAC
	// Field is the path of the macAddress written, as in field.Path's
	// String: "spec.template.spec.domain.devices.interfaces[1].macAddress".
	Field string
}

// FromPinned returns the MACs that Pin wrote, by network name, with
// netconfig.MACPinned and, as Detail, the path of the field written
// (Pinned.Field). When two entries have the same interface name, the first
// wins; an entry without a MAC counts as none.
//
// Use it when the guest config is built from a VM just pinned, to report
// the MACs this pinning chose as "pinned" in netconfig.Result.Interfaces:
// chain it before FromVM of the pinned VM, which reports every MAC of the
// template, those Pin wrote included, as "vm-template":
//
//	pinned, pins, err := macresolve.Pin(vm)
//	// ...
//	fromVM, err := macresolve.FromVM(pinned)
//	// ...
//	macs := macresolve.Chain(macresolve.FromPinned(pins), fromVM)
//
// Once the pinned VM is stored, its MACs are part of its template like
// any other: a later Pin of it writes nothing, and FromVM alone reads them,
// as "vm-template".
func FromPinned(pinned []Pinned) netconfig.MACTable {
	t := make(netconfig.MACTable, len(pinned))
	for _, p := range pinned {
		if _, seen := t[p.Interface]; !seen {
			t[p.Interface] = netconfig.ResolvedMAC{MAC: p.MAC, Origin: netconfig.MACPinned, Detail: p.Field}
		}
	}
	return t
}

// PinOption configures Pin.
type PinOption func(*pinOptions)

type pinOptions struct {
	prefix Prefix
	avoid  []netconfig.MAC
}

// WithPrefix makes Pin draw its MACs under p, for instance to keep them out
// of the range a MAC pool such as KubeMacPool allocates from. The default
// is the zero Prefix.
func WithPrefix(p Prefix) PinOption {
	return func(o *pinOptions) { o.prefix = p }
}

// WithAvoid makes Pin avoid macs as well as the MACs set on the VM's
// interfaces, for instance MACs known to belong to other VMs on the same
// networks. Repeated options add up.
func WithAvoid(macs ...netconfig.MAC) PinOption {
	return func(o *pinOptions) { o.avoid = append(o.avoid, macs...) }
}

// Pin returns a deep copy of vm in which every interface of the template
// (spec.template.spec.domain.devices.interfaces) that sets no macAddress
// gets its stable MAC, StableMAC(vm.Namespace, vm.Name, interface name,
// prefix), and the list of the MACs it wrote, in interface order. A MAC
// that is set is never changed, and no MAC written equals one that is set
// or another one written (see StableMACs for how a collision is resolved).
// vm itself is never modified. See the package documentation for when to
// pin and how pinning coexists with KubeMacPool.
//
// vm must have a namespace and a name, which the MACs are derived from (set
// metadata.namespace in the manifest rather than leaving it to the client,
// and a name rather than only generateName), and a template; its
// interfaces must have distinct names, and the MACs set on them must be
// distinct MACs that a NIC can have. Every problem is reported, in one
// *netconfig.ValidationError of field errors naming the fields. A nil vm is
// a field.Required at the empty path. Should the MACs to avoid leave no
// free MAC under the prefix for an interface, its macAddress is reported
// as required.
func Pin(vm *kubevirtv1.VirtualMachine, opts ...PinOption) (*kubevirtv1.VirtualMachine, []Pinned, error) {
	if vm == nil {
		return nil, nil, invalid(atRoot(field.Required(nil, "no VirtualMachine to pin MAC addresses on")))
	}
	var o pinOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}

	var errs field.ErrorList
	if vm.Namespace == "" {
		errs = append(errs, field.Required(field.NewPath("metadata", "namespace"), "stable MACs are derived from the VM's namespace and name: set the namespace the VM will be created in"))
	}
	if vm.Name == "" {
		errs = append(errs, field.Required(field.NewPath("metadata", "name"), "stable MACs are derived from the VM's namespace and name"))
	}
	if vm.Spec.Template == nil {
		errs = append(errs, field.Required(field.NewPath("spec", "template"), "a VirtualMachine needs a template"))
		return nil, nil, invalid(errs...)
	}

	path := templateInterfaces
	ifaces := vm.Spec.Template.Spec.Domain.Devices.Interfaces
	taken := make(map[netconfig.MAC]bool, len(ifaces)+len(o.avoid))
	setBy := map[netconfig.MAC]int{}           // MAC -> index of the interface that sets it
	names := make(map[string]int, len(ifaces)) // interface name -> index of its first interface
	var missing []string                       // names of the interfaces without a MAC
	var missingAt []int                        // and their indexes
	for i, iface := range ifaces {
		p := path.Index(i)
		switch j, dup := names[iface.Name]; {
		case iface.Name == "":
			errs = append(errs, field.Required(p.Child("name"), "every interface needs the name of its network"))
		case dup:
			errs = append(errs, field.Invalid(p.Child("name"), iface.Name, fmt.Sprintf("interfaces[%d] has the same name", j)))
		default:
			names[iface.Name] = i
		}
		if iface.MacAddress == "" {
			missing = append(missing, iface.Name)
			missingAt = append(missingAt, i)
			continue
		}
		mac, problem := parse(iface.MacAddress)
		if problem != "" {
			errs = append(errs, field.Invalid(p.Child("macAddress"), iface.MacAddress, problem))
			continue
		}
		if j, dup := setBy[mac]; dup {
			errs = append(errs, field.Invalid(p.Child("macAddress"), iface.MacAddress, fmt.Sprintf("interfaces[%d] has the same MAC", j)))
			continue
		}
		setBy[mac] = i
		taken[mac] = true
	}
	if len(errs) > 0 {
		return nil, nil, invalid(errs...)
	}
	for _, m := range o.avoid {
		taken[m] = true
	}

	macs, full := assign(vm.Namespace, vm.Name, missing, o.prefix, taken)
	if full >= 0 {
		return nil, nil, invalid(field.Required(path.Index(missingAt[full]).Child("macAddress"),
			noFreeMAC(o.prefix)+"; set a MAC on this interface, or pin under a shorter prefix"))
	}
	out := vm.DeepCopy()
	var pinned []Pinned
	ifacesField := path.String()
	for i := range out.Spec.Template.Spec.Domain.Devices.Interfaces {
		iface := &out.Spec.Template.Spec.Domain.Devices.Interfaces[i]
		if iface.MacAddress != "" {
			continue
		}
		mac := macs[iface.Name]
		iface.MacAddress = mac.String()
		pinned = append(pinned, Pinned{Interface: iface.Name, MAC: mac, Field: ifacesField + "[" + strconv.Itoa(i) + "].macAddress"})
	}
	return out, pinned, nil
}
