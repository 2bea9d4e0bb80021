package netconfig

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// validate checks the specs and the resolved plans and returns every
// problem at once, plus warnings about valid but doubtful input, appended
// to those resolve gave. It walks the networks once, checking each one's
// own fields (here) and IP config (ipconfig.go), then takes orderErrs, the
// problems of the interface order (Spec.NetworksInInterfaceOrder), and
// checks what spans networks (acrossnetworks.go); limits.go's were checked
// before resolve.
func validate(spec Spec, plans []plan, orderErrs field.ErrorList, o options, warnings []Warning) (field.ErrorList, []Warning) {
	v := validator{root: o.path, style: o.defaultRoute, warnings: warnings}
	if spec.Namespace != "" {
		for _, msg := range validation.IsDNS1123Label(spec.Namespace) {
			v.add(field.Invalid(v.root.Child("namespace"), spec.Namespace, msg))
		}
	}

	firstName := make(map[string]int, len(spec.Networks)) // the first network of each name
	firstPCI := map[string]int{}                          // and of each PCI address
	podAt := -1
	for i := range spec.Networks {
		n := &spec.Networks[i]
		v.network(i, n)
		if n.Name != "" {
			if j, dup := firstName[n.Name]; dup {
				v.add(field.Invalid(v.path(i).Child("name"), n.Name, fmt.Sprintf("networks[%d] has the same name; network names are unique within a VM", j)))
			} else {
				firstName[n.Name] = i
			}
		}
		if n.PCIAddress != "" {
			if j, dup := firstPCI[n.PCIAddress]; dup {
				v.add(field.Invalid(v.path(i).Child("pciAddress"), n.PCIAddress, fmt.Sprintf("networks[%d] has the same PCI address", j)))
			} else {
				firstPCI[n.PCIAddress] = i
			}
		}
		if plans[i].Role == RolePod {
			if podAt >= 0 {
				// pkg/network/admitter/netsource.go: "Pod network cannot be
				// defined when Multus default network is defined", "Multus CNI
				// should only have one default network".
				v.add(field.Invalid(v.path(i), n.Name, fmt.Sprintf("a VM has at most one pod network (or Multus default network, which replaces it) and networks[%d] (%q) is one already", podAt, spec.Networks[podAt].Name)))
			}
			podAt = i
		}
		if n.IPConfig != nil {
			v.ipConfig(i, n, n.IPConfig, plans[i].Role)
		}
	}
	v.errs = append(v.errs, orderErrs...)
	v.macs(plans)
	v.acrossNetworks(spec, plans)
	return v.errs, v.warnings
}

// validator collects errors and warnings.
type validator struct {
	// root is WithFieldPath's path, nil for the Spec's own root.
	root     *field.Path
	style    DefaultRouteStyle
	errs     field.ErrorList
	warnings []Warning
}

func (v *validator) add(e *field.Error) { v.errs = append(v.errs, e) }

// warn records a warning about field, the text of a path (see fieldText).
func (v *validator) warn(code WarningCode, network, field, msg string) {
	v.warnings = append(v.warnings, Warning{Code: code, Network: network, Field: field, Message: msg})
}

// path is the path of networks[i].
func (v *validator) path(i int) *field.Path { return networkPath(v.root, i) }

// ipPath is the path of networks[i].ipConfig, or of its field names.
func (v *validator) ipPath(i int, names ...string) *field.Path {
	return v.path(i).Child("ipConfig", names...)
}

// network checks network i's own fields other than its IP config.
func (v *validator) network(i int, n *Network) {
	if n.Name == "" {
		v.add(field.Required(v.path(i).Child("name"), "every network needs the name it has in the VM spec"))
	} else if msg := textProblem(n.Name, 253); msg != "" {
		v.add(field.Invalid(v.path(i).Child("name"), n.Name, msg))
	}

	switch n.Source {
	case SourceUnspecified, SourcePod:
		if n.NetworkName != "" {
			v.add(field.Forbidden(v.path(i).Child("networkName"), "only a Multus network names a NetworkAttachmentDefinition"))
		}
	case SourceMultus, SourceMultusDefault:
		if n.NetworkName == "" {
			v.add(field.Required(v.path(i).Child("networkName"), "a Multus network names its NetworkAttachmentDefinition, as name or namespace/name"))
		} else {
			for _, msg := range attachmentNameProblems(n.NetworkName) {
				v.add(field.Invalid(v.path(i).Child("networkName"), n.NetworkName, msg))
			}
		}
	default:
		// As a string, which field.Error quotes with %q; a Source it would
		// write as JSON, leaving DEL, C1 controls and the like unescaped.
		v.add(field.NotSupported(v.path(i).Child("source"), string(n.Source), []Source{SourcePod, SourceMultus, SourceMultusDefault}))
	}

	if n.Binding != "" {
		if msg := bindingProblem(n.Binding); msg != "" {
			v.add(field.Invalid(v.path(i).Child("binding"), n.Binding, msg))
		} else if n.Binding == BindingMasquerade && (n.Source == SourceMultus || n.Source == SourceMultusDefault) {
			// pkg/network/admitter/binding.go: "Masquerade interface only
			// implemented with pod network".
			v.add(field.Invalid(v.path(i).Child("binding"), n.Binding, "the masquerade binding is only for the pod network"))
		}
	}

	if n.MAC.IsValid() {
		if msg := n.MAC.Problem(); msg != "" {
			v.add(field.Invalid(v.path(i).Child("macAddress"), n.MAC.String(), msg))
		}
	}
	if n.PCIAddress != "" && !isPCIAddress(n.PCIAddress) {
		v.add(field.Invalid(v.path(i).Child("pciAddress"), n.PCIAddress, "want a PCI address of the form 0000:81:00.1 (domain:bus:slot.function, lower-case hex)"))
	}
}
