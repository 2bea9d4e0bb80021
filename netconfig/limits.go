package netconfig

import (
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Limits on the input of Build. A Spec past any of them is refused before
// anything else is looked at, with an *ValidationError that lists every
// field past its limit (and nothing else), so that the time and memory a
// Build takes stay bounded whatever the caller passes: no valid VM comes
// near them.
const (
	// MaxNetworks is the most networks a Spec may list (field.TooMany at
	// networks). KubeVirt admits no VM with more than 256 networks or
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
	// Namespace, and each network's Name, Source, NetworkName, Binding,
	// PCIAddress, IPConfig.Mode and search domains (field.TooLong at its
	// path, without the value). Valid values are far shorter (the longest,
	// a namespaced attachment name, has at most 317 bytes); the limit keeps
	// a megabyte of text from being hashed, copied and quoted into error
	// messages once per network.
	MaxTextLength = 1024
)

// limitErrors returns an error for each field of spec past a limit. It
// allocates nothing for a spec within the limits: the paths are built only
// for errors.
func limitErrors(spec Spec) field.ErrorList {
	if !pastLimits(spec) {
		return nil
	}
	return limitProblems(spec)
}

// limitProblems lists each field of spec past a limit.
func limitProblems(spec Spec) field.ErrorList {
	var errs field.ErrorList
	if len(spec.Namespace) > MaxTextLength {
		errs = append(errs, field.TooLong(field.NewPath("namespace"), "", MaxTextLength))
	}
	if len(spec.Networks) > MaxNetworks {
		// Each network is not looked at: there may be millions.
		return append(errs, field.TooMany(field.NewPath("networks"), len(spec.Networks), MaxNetworks))
	}
	network := func(i int) *field.Path { return field.NewPath("networks").Index(i) }
	for i := range spec.Networks {
		n := &spec.Networks[i]
		for _, f := range [...]struct {
			name string
			text string
		}{{"name", n.Name}, {"source", string(n.Source)}, {"networkName", n.NetworkName}, {"binding", n.Binding}, {"pciAddress", n.PCIAddress}} {
			if len(f.text) > MaxTextLength {
				errs = append(errs, field.TooLong(network(i).Child(f.name), "", MaxTextLength))
			}
		}
		c := n.IPConfig
		if c == nil {
			continue
		}
		ip := func() *field.Path { return network(i).Child("ipConfig") }
		if len(c.Mode) > MaxTextLength {
			errs = append(errs, field.TooLong(ip().Child("mode"), "", MaxTextLength))
		}
		for _, l := range [...]struct {
			names [2]string
			n     int
		}{
			{[2]string{"addresses"}, len(c.Addresses)},
			{[2]string{"gateways"}, len(c.Gateways)},
			{[2]string{"routes"}, len(c.Routes)},
			{[2]string{"nameservers", "addresses"}, len(c.Nameservers.Addresses)},
			{[2]string{"nameservers", "search"}, len(c.Nameservers.Search)},
		} {
			if l.n > MaxListLength {
				p := ip().Child(l.names[0])
				if l.names[1] != "" {
					p = p.Child(l.names[1])
				}
				errs = append(errs, field.TooMany(p, l.n, MaxListLength))
			}
		}
		if len(c.Nameservers.Search) <= MaxListLength {
			for j, d := range c.Nameservers.Search {
				if len(d) > MaxTextLength {
					errs = append(errs, field.TooLong(ip().Child("nameservers", "search").Index(j), "", MaxTextLength))
				}
			}
		}
	}
	return errs
}

// pastLimits reports whether anything in spec is past a limit: the quick
// check that lets valid input skip limitErrors's detailed one.
func pastLimits(spec Spec) bool {
	if len(spec.Namespace) > MaxTextLength || len(spec.Networks) > MaxNetworks {
		return true
	}
	for i := range spec.Networks {
		n := &spec.Networks[i]
		if max(len(n.Name), len(n.Source), len(n.NetworkName), len(n.Binding), len(n.PCIAddress)) > MaxTextLength {
			return true
		}
		c := n.IPConfig
		if c == nil {
			continue
		}
		if len(c.Mode) > MaxTextLength ||
			max(len(c.Addresses), len(c.Gateways), len(c.Routes), len(c.Nameservers.Addresses), len(c.Nameservers.Search)) > MaxListLength {
			return true
		}
		for _, d := range c.Nameservers.Search {
			if len(d) > MaxTextLength {
				return true
			}
		}
	}
	return false
}
