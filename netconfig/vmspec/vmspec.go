package vmspec

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/macresolve"
	"github.com/guestnet/guestnet/netconfig"
)

// FromVM returns the Spec of vm's template (spec.template.spec) with
// asked laid over it; see the package documentation for what is read and
// how asked is checked.
//
// The VM's problems come at the VM's paths, under spec.template.spec: a
// network without a source or with two, an interface that names no
// network (KubeVirt's converter fails with "failed to find network",
// pkg/virt-launcher/virtwrap/converter/network.go), a network that no
// interface names, a name used twice, an interface with two bindings, a
// bad MAC (as macresolve.Normalize checks them). asked's problems come at
// asked's paths. A nil vm is a field.Required at the empty path, and one
// without a template a field.Required at spec.template.
func FromVM(vm *kubevirtv1.VirtualMachine, asked netconfig.Spec) (netconfig.Spec, error) {
	if vm == nil {
		return netconfig.Spec{}, invalid(atRoot(field.Required(nil, "no VirtualMachine to read networks from")))
	}
	if vm.Spec.Template == nil {
		return netconfig.Spec{}, invalid(field.Required(field.NewPath("spec", "template"), "a VirtualMachine needs a template"))
	}
	return derive(vm.Namespace, &vm.Spec.Template.Spec, field.NewPath("spec", "template", "spec"), asked)
}

// FromVMI is FromVM for a VirtualMachineInstance: it reads vmi's spec, and
// reports the VMI's problems under spec (spec.networks[1],
// spec.domain.devices.interfaces[0].macAddress). Its status is not read:
// macresolve.FromVMI gives the MACs it reports.
func FromVMI(vmi *kubevirtv1.VirtualMachineInstance, asked netconfig.Spec) (netconfig.Spec, error) {
	if vmi == nil {
		return netconfig.Spec{}, invalid(atRoot(field.Required(nil, "no VirtualMachineInstance to read networks from")))
	}
	return derive(vmi.Namespace, &vmi.Spec, field.NewPath("spec"), asked)
}

// derive reads the networks of vmSpec, found at root, in namespace, and
// lays asked over them.
func derive(namespace string, vmSpec *kubevirtv1.VirtualMachineInstanceSpec, root *field.Path, asked netconfig.Spec) (netconfig.Spec, error) {
	d := deriver{
		networksPath:   root.Child("networks"),
		interfacesPath: root.Child("domain", "devices", "interfaces"),
	}
	networks, interfaces := vmSpec.Networks, vmSpec.Domain.Devices.Interfaces
	if len(networks) == 0 && len(interfaces) == 0 && autoattach(vmSpec) {
		// pkg/network/vmispec/defaults.go, SetDefaultNetworkInterface: with
		// neither networks nor interfaces, KubeVirt adds the pod network
		// "default" and an interface bound to it with the cluster's default
		// binding (pkg/virt-config: bridge, unless the KubeVirt CR's
		// network.defaultNetworkInterface says otherwise), which the VM
		// does not say: the binding is left empty, for asked to tell.
		networks = []kubevirtv1.Network{*kubevirtv1.DefaultPodNetwork()}
		interfaces = []kubevirtv1.Interface{{Name: networks[0].Name}}
		d.implicit = true
	}
	spec := d.read(namespace, networks, interfaces)
	d.layOver(&spec, asked)
	if len(d.errs) > 0 {
		return netconfig.Spec{}, invalid(d.errs...)
	}
	return spec, nil
}

// autoattach reports whether KubeVirt attaches the pod network to a VM
// that lists no networks: unless autoattachPodInterface is false.
func autoattach(s *kubevirtv1.VirtualMachineInstanceSpec) bool {
	a := s.Domain.Devices.AutoattachPodInterface
	return a == nil || *a
}

// deriver collects the problems of one derivation.
type deriver struct {
	networksPath, interfacesPath *field.Path
	// implicit is set when the VM's network is the default one KubeVirt
	// adds, which has no paths of its own in the VM.
	implicit bool
	// iface maps each network name to the index of its interface.
	iface map[string]int
	errs  field.ErrorList
}

func (d *deriver) add(fe *field.Error) { d.errs = append(d.errs, fe) }

// read converts the VM's networks and interfaces.
func (d *deriver) read(namespace string, networks []kubevirtv1.Network, interfaces []kubevirtv1.Interface) netconfig.Spec {
	spec := netconfig.Spec{Namespace: namespace}
	if len(networks) == 0 && len(interfaces) == 0 {
		return spec
	}
	spec.Networks = make([]netconfig.Network, len(networks))
	index := make(map[string]int, len(networks)) // network name -> its first index
	for i := range networks {
		n := &networks[i]
		out := &spec.Networks[i]
		out.Name = n.Name
		path := d.networksPath.Index(i)
		switch j, dup := index[n.Name]; {
		case n.Name == "":
			d.add(field.Required(path.Child("name"), "every network needs a name, which its interface names too"))
		case dup:
			fe := field.Duplicate(path.Child("name"), n.Name)
			fe.Detail = fmt.Sprintf("networks[%d] has this name; network names are unique within a VM", j)
			d.add(fe)
		default:
			index[n.Name] = i
		}
		// pkg/network/admitter/netsource.go: a network has exactly one
		// source.
		switch src := n.NetworkSource; {
		case src.Pod != nil && src.Multus != nil:
			d.add(field.Invalid(path, n.Name, "sets both pod and multus; a network has one source"))
		case src.Pod != nil:
			out.Source = netconfig.SourcePod
		case src.Multus != nil:
			out.Source = netconfig.SourceMultus
			if src.Multus.Default {
				out.Source = netconfig.SourceMultusDefault
			}
			out.NetworkName = src.Multus.NetworkName
			if out.NetworkName == "" {
				d.add(field.Required(path.Child("multus", "networkName"), "a Multus network names its NetworkAttachmentDefinition, as name or namespace/name"))
			}
		default:
			d.add(field.Required(path, "a network needs a source: pod: {} or multus: {networkName: NAME}"))
		}
	}

	d.iface = make(map[string]int, len(interfaces))
	spec.InterfaceOrder = make([]string, 0, len(interfaces))
	for i := range interfaces {
		ifc := &interfaces[i]
		path := d.interfacesPath.Index(i)
		j, known := index[ifc.Name]
		k, dup := d.iface[ifc.Name]
		switch {
		case ifc.Name == "":
			d.add(field.Required(path.Child("name"), "every interface needs the name of its network"))
			continue
		case dup:
			fe := field.Duplicate(path.Child("name"), ifc.Name)
			fe.Detail = fmt.Sprintf("interfaces[%d] has this name; each network has one interface", k)
			d.add(fe)
			continue
		case !known:
			// pkg/virt-launcher/virtwrap/converter/network.go,
			// CreateDomainInterfaces: "failed to find network %s".
			fe := field.NotFound(path.Child("name"), ifc.Name)
			fe.Detail = "no network of this name in " + d.networksPath.String() + "; an interface names its network"
			d.add(fe)
			continue
		}
		d.iface[ifc.Name] = i
		spec.InterfaceOrder = append(spec.InterfaceOrder, ifc.Name)
		out := &spec.Networks[j]
		out.Binding = d.binding(path, ifc)
		out.PCIAddress = ifc.PciAddress
		out.Absent = ifc.State == kubevirtv1.InterfaceStateAbsent
		if ifc.MacAddress != "" {
			mac, err := macresolve.Normalize(ifc.MacAddress)
			var ve *netconfig.ValidationError
			switch {
			case errors.As(err, &ve):
				for _, fe := range ve.Errors {
					fe.Field = path.Child("macAddress").String()
					d.add(fe)
				}
			case err != nil:
				d.add(field.Invalid(path.Child("macAddress"), ifc.MacAddress, err.Error()))
			default:
				out.MAC = mac
			}
		}
	}
	for i := range networks {
		name := networks[i].Name
		if _, ok := d.iface[name]; !ok && name != "" && index[name] == i {
			// pkg/network/admitter: every network has an interface.
			d.add(field.Invalid(d.networksPath.Index(i).Child("name"), name,
				"no interface in "+d.interfacesPath.String()+" names this network; every network needs one"))
		}
	}
	return spec
}

// binding returns the binding of ifc, found at path: the name of its
// binding method or plugin, or "" when it names none (KubeVirt's API
// documents bridge as the default then).
func (d *deriver) binding(path *field.Path, ifc *kubevirtv1.Interface) string {
	var names []string
	m := ifc.InterfaceBindingMethod
	if m.Bridge != nil {
		names = append(names, netconfig.BindingBridge)
	}
	if m.Masquerade != nil {
		names = append(names, netconfig.BindingMasquerade)
	}
	if m.SRIOV != nil {
		names = append(names, netconfig.BindingSRIOV)
	}
	// The deprecated methods, which kubevirt.io/api marks as removed in
	// KubeVirt v1.3, are carried by their names.
	if m.DeprecatedSlirp != nil {
		names = append(names, "slirp")
	}
	if m.DeprecatedMacvtap != nil {
		names = append(names, "macvtap")
	}
	if m.DeprecatedPasst != nil {
		names = append(names, netconfig.BindingPasst)
	}
	if ifc.Binding != nil {
		if ifc.Binding.Name == "" {
			d.add(field.Required(path.Child("binding", "name"), "a network binding plugin is named"))
		} else {
			names = append(names, ifc.Binding.Name)
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	d.add(field.Invalid(path, ifc.Name, "sets more than one binding ("+strings.Join(names, ", ")+"); an interface has one"))
	return ""
}

// layOver lays asked over spec, the VM's: its namespace, its interface
// order, and each of its networks by name.
func (d *deriver) layOver(spec *netconfig.Spec, asked netconfig.Spec) {
	if asked.Namespace != "" {
		switch spec.Namespace {
		case "":
			// A manifest not yet given a namespace (kubectl apply -n).
			spec.Namespace = asked.Namespace
		case asked.Namespace:
		default:
			d.add(field.Invalid(field.NewPath("namespace"), asked.Namespace, fmt.Sprintf("the VM is in namespace %q", spec.Namespace)))
		}
	}
	if len(asked.InterfaceOrder) > 0 && !slices.Equal(asked.InterfaceOrder, spec.InterfaceOrder) {
		d.add(field.Invalid(field.NewPath("interfaceOrder"), strings.Join(asked.InterfaceOrder, ", "),
			"the VM's interfaces are in the order "+quoteList(spec.InterfaceOrder, len(spec.InterfaceOrder))))
	}

	index := make(map[string]int, len(spec.Networks))
	for i := range spec.Networks {
		if _, dup := index[spec.Networks[i].Name]; !dup {
			index[spec.Networks[i].Name] = i
		}
	}
	seen := make(map[string]int, len(asked.Networks))
	for i := range asked.Networks {
		a := &asked.Networks[i]
		path := field.NewPath("networks").Index(i)
		j, inVM := index[a.Name]
		k, dup := seen[a.Name]
		switch {
		case a.Name == "":
			d.add(field.Required(path.Child("name"), "every network needs the name it has in the VM"))
			continue
		case dup:
			fe := field.Duplicate(path.Child("name"), a.Name)
			fe.Detail = fmt.Sprintf("networks[%d] has this name; ask for each network once", k)
			d.add(fe)
			continue
		case !inVM:
			fe := field.NotFound(path.Child("name"), a.Name)
			fe.Detail = "the VM has no network of this name; " + d.vmNetworks(spec)
			d.add(fe)
			seen[a.Name] = i
			continue
		}
		seen[a.Name] = i
		d.network(path, a, &spec.Networks[j], spec.Namespace)
	}
}

// network lays a, found at path, over out, the VM's network of the same
// name, in namespace.
func (d *deriver) network(path *field.Path, a, out *netconfig.Network, namespace string) {
	where := d.interfaceText(out.Name)
	if a.Source != netconfig.SourceUnspecified && a.Source != out.Source {
		d.add(field.Invalid(path.Child("source"), string(a.Source), "the VM's network is "+describeSource(out)))
	}
	if a.NetworkName != "" {
		switch have := netconfig.QualifyAttachment(namespace, out.NetworkName); {
		case out.NetworkName == "":
			d.add(field.Invalid(path.Child("networkName"), a.NetworkName, "the VM's network is "+describeSource(out)+", which names no NetworkAttachmentDefinition"))
		case netconfig.QualifyAttachment(namespace, a.NetworkName) != have:
			d.add(field.Invalid(path.Child("networkName"), a.NetworkName, fmt.Sprintf("the VM's network names the NetworkAttachmentDefinition %q", have)))
		}
	}
	if a.Binding != "" {
		switch out.Binding {
		case "":
			// The VM leaves the binding to the cluster's default, which
			// asked may tell.
			out.Binding = a.Binding
		case a.Binding:
		default:
			d.add(field.Invalid(path.Child("binding"), a.Binding, fmt.Sprintf("the VM's interface (%s) has binding %q", where, out.Binding)))
		}
	}
	if a.MAC.IsValid() && a.MAC != out.MAC {
		detail := fmt.Sprintf("the VM's interface (%s) has MAC %s", where, out.MAC)
		if !out.MAC.IsValid() {
			detail = fmt.Sprintf("the VM's interface (%s) sets no macAddress, so its guest NIC will not have this MAC: set it on the VM, or leave it out here", where)
		}
		d.add(field.Invalid(path.Child("macAddress"), a.MAC.String(), detail))
	}
	if a.PCIAddress != "" && a.PCIAddress != out.PCIAddress {
		detail := fmt.Sprintf("the VM's interface (%s) has PCI address %q", where, out.PCIAddress)
		if out.PCIAddress == "" {
			detail = fmt.Sprintf("the VM's interface (%s) sets no pciAddress: set it on the VM, or leave it out here", where)
		}
		d.add(field.Invalid(path.Child("pciAddress"), a.PCIAddress, detail))
	}
	if a.Absent && !out.Absent {
		d.add(field.Invalid(path.Child("absent"), true, fmt.Sprintf("the VM's interface (%s) is not absent", where)))
	}
	out.IPConfig = a.IPConfig
}

// interfaceText is the path of the VM's interface for the network name,
// for messages.
func (d *deriver) interfaceText(name string) string {
	if d.implicit {
		return "the interface KubeVirt adds for the pod network"
	}
	return d.interfacesPath.Index(d.iface[name]).String()
}

// vmNetworks lists the VM's network names for a message.
func (d *deriver) vmNetworks(spec *netconfig.Spec) string {
	if len(spec.Networks) == 0 {
		return "it has none"
	}
	names := make([]string, len(spec.Networks))
	for i := range spec.Networks {
		names[i] = spec.Networks[i].Name
	}
	return "its networks are " + quoteList(names, 8)
}

// quoteList quotes the first limit names, and says how many more there
// are.
func quoteList(names []string, limit int) string {
	var b strings.Builder
	for i, n := range names {
		if i == limit {
			fmt.Fprintf(&b, " and %d more", len(names)-limit)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(n))
	}
	return b.String()
}

// describeSource says what kind of network n is.
func describeSource(n *netconfig.Network) string {
	switch n.Source {
	case netconfig.SourcePod:
		return "the pod network (pod: {})"
	case netconfig.SourceMultus:
		return "a Multus network (multus: {networkName: " + n.NetworkName + "})"
	case netconfig.SourceMultusDefault:
		return "the Multus default network (multus: {networkName: " + n.NetworkName + ", default: true})"
	}
	return "a network without a source"
}

// atRoot gives fe the empty path, the path of a whole object.
// (field.NewPath("") would be written "[]".)
func atRoot(fe *field.Error) *field.Error {
	fe.Field = ""
	return fe
}

// invalid returns errs, which are not empty, as the error of invalid input.
func invalid(errs ...*field.Error) error {
	return &netconfig.ValidationError{Errors: errs}
}
