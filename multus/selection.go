package multus

import (
	"encoding/json"
	"fmt"
	"strings"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/netconfig"
)

// SelectionOption changes what NetworkSelection and NetworksAnnotation
// request.
type SelectionOption func(*selectionOptions)

type selectionOptions struct {
	// ordinal names the pod interfaces net1, net2, ... rather than hashed.
	ordinal bool
}

// WithNetworkStatus names the pod interfaces as KubeVirt names them for a
// pod whose network-status annotation holds statuses (from
// NetworkStatusFromPod or ParseNetworkStatus): in the ordinal scheme
// ("net1", "net2", ...; see OrdinalInterfaceName) when the interface of any
// entry is an ordinal name (^net\d+$; the primary interface eth0 is not),
// and in the hashed scheme (PodInterfaceName) otherwise, as KubeVirt's
// namescheme.CreateFromNetworkStatuses decides
// (pkg/network/namescheme/networknamescheme.go, PodHasOrdinalInterfaceName).
//
// A caller needs it only when updating the networks annotation of a pod
// that is already running, to hot-plug or unplug a network: KubeVirt
// v1.0 and later create every pod with hashed names, but a pod created by
// an earlier release (and a migration target of such a pod) keeps its
// ordinal names, and the annotation must keep asking for them, as
// KubeVirt's pkg/network/pod/annotations/generator.go GenerateFromActivePod
// does. Without this option the names are hashed, right for a new pod.
// statuses is only read.
func WithNetworkStatus(statuses []nadv1.NetworkStatus) SelectionOption {
	ordinal := hasOrdinalNames(statuses)
	return func(o *selectionOptions) { o.ordinal = ordinal }
}

// NetworkSelection returns the elements of the k8s.v1.cni.cncf.io/networks
// annotation (nadv1.NetworkAttachmentAnnot) that request spec's secondary
// Multus networks (netconfig.SourceMultus) from Multus, one per network, as
// KubeVirt's pkg/network/multus/annotation.go
// GenerateCNIAnnotationFromNameScheme does for a VM:
//
//   - in the order of the VM's interfaces, spec.InterfaceOrder (the order
//     of spec.Networks when it is empty), as KubeVirt's
//     pkg/network/pod/annotations/generator.go Generate lists them
//     (vmispec.FilterNetworksByInterfaces returns the networks in the
//     order of the interfaces);
//   - leaving out absent networks (netconfig.Network.Absent), whose
//     interfaces are being unplugged (Generate keeps only the interfaces
//     whose state is not absent);
//   - leaving out every network of another source: the pod network and a
//     Multus default network (netconfig.SourceMultusDefault) are the pod's
//     primary interface, which Multus gives the pod network or the network
//     of the v1.multus-cni.io/default-network annotation (see
//     DefaultNetworkAnnotation), not a secondary request; a network of
//     unspecified source is not known to be a Multus network.
//
// Each element is what KubeVirt's virt-controller requests for the network,
// plus the addresses:
//
//   - Namespace and Name are the network's NetworkName, qualified with
//     spec.Namespace when it names no namespace (an unqualified name with
//     no spec.Namespace leaves Namespace empty: Multus then looks in the
//     pod's namespace);
//   - InterfaceRequest is the pod interface name KubeVirt gives the
//     network, PodInterfaceName of its name, or with WithNetworkStatus
//     perhaps OrdinalInterfaceName of its position, so that the
//     network-status entries Multus then writes are found by StatusIndex.
//     Ordinal positions count the VM's secondary Multus networks in
//     spec.Networks order, absent ones included, as StatusIndex counts
//     them (see NetworkStatuses), whatever spec.InterfaceOrder is;
//   - IPRequest is the static addresses of the network's IP config, in
//     CIDR form ("192.168.0.200/24", "fd10::5/64"), for an IPAM plugin
//     that takes the "ips" capability (the static IPAM plugin, for one);
//     none for DHCP, none mode or no IP config;
//   - MacRequest is the network's MAC, else the one macs gives (macs may
//     be nil), else none.
//
// A Multus network with no name, with no NetworkName or a malformed one,
// two Multus networks with the same name (they would ask for the same pod
// interface), an address that is not set, a MAC that no NIC can have, and
// an InterfaceOrder that does not name every network exactly once (as
// netconfig.Spec.NetworksInInterfaceOrder checks it, which gives the
// order) or that cannot, two networks having one name, are errors,
// reported all at once as a *netconfig.ValidationError whose
// field.Errors have paths like networks[1].networkName or
// interfaceOrder[2]. Absent Multus networks are checked too, though not
// requested. spec is not otherwise validated: build the guest config from
// the same spec with netconfig.Build, which does.
func NetworkSelection(spec netconfig.Spec, macs netconfig.MACResolver, opts ...SelectionOption) ([]nadv1.NetworkSelectionElement, error) {
	var o selectionOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	var (
		// requested holds, by network index, the element of each Multus
		// network; the interface order leaves out absent ones, which are
		// not requested.
		requested = make([]*nadv1.NetworkSelectionElement, len(spec.Networks))
		errs      field.ErrorList
		names     = map[string]int{} // network name -> index of the Multus network of that name
		ordinal   = 0
	)
	for i := range spec.Networks {
		n := &spec.Networks[i]
		if takesOrdinal(n) {
			ordinal++
		}
		if n.Source != netconfig.SourceMultus {
			continue
		}
		path := field.NewPath("networks").Index(i)
		iface := PodInterfaceName(n.Name)
		if o.ordinal {
			iface = OrdinalInterfaceName(ordinal)
		}
		if n.Name == "" {
			errs = append(errs, field.Required(path.Child("name"), "every network needs the name it has in the VM spec, which names its pod interface"))
		} else if j, dup := names[n.Name]; dup {
			detail := fmt.Sprintf("networks[%d] has the same name, so both would ask Multus for the pod interface %s", j, iface)
			if o.ordinal {
				detail = fmt.Sprintf("networks[%d] has the same name; KubeVirt requires each network's name to be unique", j)
			}
			errs = append(errs, field.Invalid(path.Child("name"), n.Name, detail))
		} else {
			names[n.Name] = i
		}
		e := nadv1.NetworkSelectionElement{InterfaceRequest: iface}

		switch {
		case n.NetworkName == "":
			errs = append(errs, field.Required(path.Child("networkName"), "a Multus network names its NetworkAttachmentDefinition, as name or namespace/name"))
		default:
			ns, name, problems := splitAttachment(spec.Namespace, n.NetworkName)
			for _, msg := range problems {
				errs = append(errs, field.Invalid(path.Child("networkName"), n.NetworkName, msg))
			}
			e.Namespace, e.Name = ns, name
		}

		if c := n.IPConfig; c != nil && c.Mode == netconfig.ModeStatic {
			for j, a := range c.Addresses {
				if !a.IsValid() {
					errs = append(errs, field.Required(path.Child("ipConfig", "addresses").Index(j), "an address with its prefix length, as in 192.168.0.200/24"))
					continue
				}
				e.IPRequest = append(e.IPRequest, a.String())
			}
		}

		mac, from := n.MAC, "the spec"
		if !mac.IsValid() && macs != nil {
			if m, ok := macs.ResolveMAC(n.Name); ok {
				mac, from = m.MAC, "the MAC resolver"
			}
		}
		if mac.IsValid() {
			if problem := mac.Problem(); problem != "" {
				errs = append(errs, field.Invalid(path.Child("macAddress"), mac.String(), fmt.Sprintf("from %s: %s", from, problem)))
			} else {
				e.MacRequest = mac.String()
			}
		}
		requested[i] = &e
	}
	order, orderErrs := spec.NetworksInInterfaceOrder(nil)
	errs = append(errs, orderErrs...)
	errs = append(errs, orderNameClashes(spec)...)
	if len(errs) > 0 {
		return nil, &netconfig.ValidationError{Errors: errs}
	}
	var elements []nadv1.NetworkSelectionElement
	for _, i := range order {
		if requested[i] != nil {
			elements = append(elements, *requested[i])
		}
	}
	return elements, nil
}

// orderNameClashes returns, when spec.InterfaceOrder is set, an error for
// each network that has the name of an earlier one which the interface
// order names: the order cannot tell the two apart. Two Multus networks of
// one name are left to NetworkSelection, which reports them already. The
// rest of what is wrong with an interface order,
// netconfig.Spec.NetworksInInterfaceOrder reports, as netconfig.Build does.
func orderNameClashes(spec netconfig.Spec) field.ErrorList {
	if len(spec.InterfaceOrder) == 0 {
		return nil
	}
	named := make(map[string]bool, len(spec.InterfaceOrder))
	for _, name := range spec.InterfaceOrder {
		named[name] = true
	}
	var errs field.ErrorList
	first := make(map[string]int, len(spec.Networks)) // network name -> index of the first network of that name
	for i := range spec.Networks {
		n := &spec.Networks[i]
		switch j, seen := first[n.Name]; {
		case !seen:
			first[n.Name] = i
		case n.Name != "" && named[n.Name] && !(n.Source == netconfig.SourceMultus && spec.Networks[j].Source == netconfig.SourceMultus):
			errs = append(errs, field.Invalid(field.NewPath("networks").Index(i).Child("name"), n.Name,
				fmt.Sprintf("networks[%d] has the same name, so the interface order cannot tell them apart", j)))
		}
	}
	return errs
}

// NetworksAnnotation returns the value of the k8s.v1.cni.cncf.io/networks
// annotation (nadv1.NetworkAttachmentAnnot) for spec: the JSON array of the
// elements NetworkSelection builds, or "" when it builds none (spec has no
// Multus network that is not absent), in which case, as KubeVirt does, the
// annotation is best left unset. The same spec, MACs and options always
// give the same bytes. Errors are those of NetworkSelection.
func NetworksAnnotation(spec netconfig.Spec, macs netconfig.MACResolver, opts ...SelectionOption) (string, error) {
	elements, err := NetworkSelection(spec, macs, opts...)
	if err != nil || len(elements) == 0 {
		return "", err
	}
	b, err := json.Marshal(elements)
	if err != nil {
		return "", fmt.Errorf("annotation %s: %w", nadv1.NetworkAttachmentAnnot, err)
	}
	return string(b), nil
}

// DefaultNetworkAnnot is the key of the pod annotation that names the
// network Multus gives the pod's primary interface instead of its cluster
// network: KubeVirt's pkg/network/multus/annotation.go
// DefaultNetworkCNIAnnotation, which neither the
// network-attachment-definition-client nor kubevirt.io/api defines.
const DefaultNetworkAnnot = "v1.multus-cni.io/default-network"

// DefaultNetworkAnnotation returns the value of the
// v1.multus-cni.io/default-network annotation (DefaultNetworkAnnot) for
// spec: the NetworkName of its Multus default network
// (netconfig.SourceMultusDefault) exactly as written, "name" or
// "namespace/name", not qualified with spec.Namespace, as KubeVirt's
// pkg/network/pod/annotations/generator.go Generate writes it
// (annotations[multus.DefaultNetworkCNIAnnotation] =
// defaultMultusNetworks[0].Multus.NetworkName); Multus looks an
// unqualified name up in the pod's namespace. It returns "" when spec has
// no Multus default network, in which case the annotation is best left
// unset and the pod's primary interface is on the cluster network.
//
// The Multus default network is never in the networks annotation (see
// NetworkSelection); the two annotations together request all of a VM's
// Multus networks. Its Absent flag is not looked at: KubeVirt does not
// unplug the primary network.
//
// A VM has one primary network (see netconfig.SourceMultusDefault), and
// KubeVirt's Generate writes the first Multus default network only; so a
// second Multus default network, and a Multus default network with no
// NetworkName or a malformed one, are errors, reported all
// at once as a *netconfig.ValidationError whose field.Errors have paths
// like networks[1].networkName.
func DefaultNetworkAnnotation(spec netconfig.Spec) (string, error) {
	var (
		value string
		first = -1
		errs  field.ErrorList
	)
	for i := range spec.Networks {
		n := &spec.Networks[i]
		if n.Source != netconfig.SourceMultusDefault {
			continue
		}
		path := field.NewPath("networks").Index(i)
		if first >= 0 {
			errs = append(errs, field.Invalid(path.Child("source"), string(n.Source),
				fmt.Sprintf("networks[%d] is the Multus default network already, and a VM has only one", first)))
		} else {
			first = i
			value = n.NetworkName
		}
		if n.NetworkName == "" {
			errs = append(errs, field.Required(path.Child("networkName"), "a Multus network names its NetworkAttachmentDefinition, as name or namespace/name"))
			continue
		}
		_, _, problems := splitAttachment(spec.Namespace, n.NetworkName)
		for _, msg := range problems {
			errs = append(errs, field.Invalid(path.Child("networkName"), n.NetworkName, msg))
		}
	}
	if len(errs) > 0 {
		return "", &netconfig.ValidationError{Errors: errs}
	}
	return value, nil
}

// splitAttachment returns the namespace and name of the attachment named
// "name" or "namespace/name", taking the namespace from ns when it has
// none, and what is wrong with it. Only a namespace written in the name is
// checked; ns is the caller's.
func splitAttachment(ns, attachment string) (namespace, name string, problems []string) {
	namespace, name, qualified := strings.Cut(attachment, "/")
	if !qualified {
		namespace, name = ns, attachment
	}
	if qualified {
		for _, msg := range validation.IsDNS1123Label(namespace) {
			problems = append(problems, "namespace: "+msg)
		}
	}
	for _, msg := range validation.IsDNS1123Subdomain(name) {
		problems = append(problems, "name: "+msg)
	}
	return namespace, name, problems
}
