package netconfig

import (
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Limits on the input of Build, which no valid VM comes near. A Spec past
// any of them is refused before anything else is looked at, with a
// *ValidationError listing every field past its limit (and nothing else),
// so that a Build's time and memory stay bounded whatever the input.
const (
	// MaxNetworks is the most networks a Spec may list (field.TooMany at
	// networks), and the most names its InterfaceOrder may hold. KubeVirt admits no VM with more than 256 networks or
	// interfaces (arrayLenMax in virt-api's VMI admitter), so no VM has
	// more.
	MaxNetworks = 256

	// MaxListLength is the most entries each list of an IPConfig may hold:
	// Addresses, Gateways, Routes, Nameservers.Addresses and
	// Nameservers.Search (field.TooMany at, for instance,
	// networks[1].ipConfig.routes). A guest NIC with more is not a VM's;
	// 256 networks with full lists already make a document of several
	// megabytes, past the 1 MiB that a Secret, the largest carrier of
	// network data KubeVirt has, can hold.
	MaxListLength = 64

	// MaxTextLength is the longest text, in bytes, of any string of a Spec:
	// Namespace, each name of InterfaceOrder, and each network's Name, Source, NetworkName, Binding,
	// PCIAddress, IPConfig.Mode and search domains (field.TooLong at its
	// path, without the value). Valid values are far shorter (the longest,
	// a namespaced attachment name, has at most 317 bytes); the limit keeps
	// a megabyte of text from being hashed, copied and quoted into error
	// messages once per network.
	MaxTextLength = 1024
)

// limitErrors returns an error for each field of spec past a limit, in
// one pass over the spec, under root (WithFieldPath's path). It allocates
// nothing for a spec within the limits: paths are made only for errors.
func limitErrors(spec Spec, root *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(spec.Namespace) > MaxTextLength {
		errs = append(errs, field.TooLong(root.Child("namespace"), "", MaxTextLength))
	}
	if len(spec.Networks) > MaxNetworks {
		// Each network is not looked at: there may be millions.
		return append(errs, field.TooMany(root.Child("networks"), len(spec.Networks), MaxNetworks))
	}
	if len(spec.InterfaceOrder) > MaxNetworks {
		errs = append(errs, field.TooMany(root.Child("interfaceOrder"), len(spec.InterfaceOrder), MaxNetworks))
	} else {
		for i, name := range spec.InterfaceOrder {
			if len(name) > MaxTextLength {
				errs = append(errs, field.TooLong(root.Child("interfaceOrder").Index(i), "", MaxTextLength))
			}
		}
	}
	for i := range spec.Networks {
		n := &spec.Networks[i]
		for _, f := range [...]struct {
			name string
			text string
		}{{"name", n.Name}, {"source", string(n.Source)}, {"networkName", n.NetworkName}, {"binding", n.Binding}, {"pciAddress", n.PCIAddress}} {
			if len(f.text) > MaxTextLength {
				errs = append(errs, field.TooLong(networkPath(root, i).Child(f.name), "", MaxTextLength))
			}
		}
		c := n.IPConfig
		if c == nil {
			continue
		}
		if len(c.Mode) > MaxTextLength {
			errs = append(errs, field.TooLong(networkPath(root, i).Child("ipConfig", "mode"), "", MaxTextLength))
		}
		for _, l := range [...]struct {
			names []string // under ipConfig
			n     int
		}{
			{[]string{"addresses"}, len(c.Addresses)},
			{[]string{"gateways"}, len(c.Gateways)},
			{[]string{"routes"}, len(c.Routes)},
			{[]string{"nameservers", "addresses"}, len(c.Nameservers.Addresses)},
			{[]string{"nameservers", "search"}, len(c.Nameservers.Search)},
		} {
			if l.n > MaxListLength {
				errs = append(errs, field.TooMany(networkPath(root, i).Child("ipConfig", l.names...), l.n, MaxListLength))
			}
		}
		if len(c.Nameservers.Search) > MaxListLength {
			continue // the domains of a list past its limit are not looked at
		}
		for j, d := range c.Nameservers.Search {
			if len(d) > MaxTextLength {
				errs = append(errs, field.TooLong(networkPath(root, i).Child("ipConfig", "nameservers", "search").Index(j), "", MaxTextLength))
			}
		}
	}
	return errs
}
