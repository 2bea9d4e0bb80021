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

// NetworkSelection returns the elements of the k8s.v1.cni.cncf.io/networks
// annotation (nadv1.NetworkAttachmentAnnot) that request spec's Multus
// networks (netconfig.SourceMultus) from Multus, in VM order, one per
// network. Networks of any other source are left out: the pod network is
// the pod's primary interface, not a Multus request.
//
// Each element is what KubeVirt's virt-controller requests for the network,
// plus the addresses:
//
//   - Namespace and Name are the network's NetworkName, qualified with
//     spec.Namespace when it names no namespace (an unqualified name with
//     no spec.Namespace leaves Namespace empty: Multus then looks in the
//     pod's namespace);
//   - InterfaceRequest is the pod interface name KubeVirt gives the
//     network, PodInterfaceName of its name, so that the network-status
//     entries Multus then writes are found by StatusIndex;
//   - IPRequest is the static addresses of the network's IP config, in
//     CIDR form ("192.168.0.200/24", "fd10::5/64"), for an IPAM plugin
//     that takes the "ips" capability (the static IPAM plugin, for one);
//     none for DHCP, none mode or no IP config;
//   - MacRequest is the network's MAC, else the one macs gives (macs may
//     be nil), else none.
//
// A Multus network with no name, with no NetworkName or a malformed one,
// two Multus networks with the same name (they would ask for the same pod
// interface), an address that is not set, and a MAC that no NIC can have
// are errors, reported all at once as a *netconfig.ValidationError whose
// field.Errors have paths like networks[1].networkName. spec is not otherwise validated: build the
// guest config from the same spec with netconfig.Build, which does.
func NetworkSelection(spec netconfig.Spec, macs netconfig.MACResolver) ([]nadv1.NetworkSelectionElement, error) {
	var (
		elements []nadv1.NetworkSelectionElement
		errs     field.ErrorList
		names    = map[string]int{} // network name -> index of the Multus network of that name
	)
	for i, n := range spec.Networks {
		if n.Source != netconfig.SourceMultus {
			continue
		}
		path := field.NewPath("networks").Index(i)
		if n.Name == "" {
			errs = append(errs, field.Required(path.Child("name"), "every network needs the name it has in the VM spec, which names its pod interface"))
		} else if j, dup := names[n.Name]; dup {
			errs = append(errs, field.Invalid(path.Child("name"), n.Name,
				fmt.Sprintf("networks[%d] has the same name, so both would ask Multus for the pod interface %s", j, PodInterfaceName(n.Name))))
		} else {
			names[n.Name] = i
		}
		e := nadv1.NetworkSelectionElement{InterfaceRequest: PodInterfaceName(n.Name)}

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
		elements = append(elements, e)
	}
	if len(errs) > 0 {
		return nil, &netconfig.ValidationError{Errors: errs}
	}
	return elements, nil
}

// NetworksAnnotation returns the value of the k8s.v1.cni.cncf.io/networks
// annotation (nadv1.NetworkAttachmentAnnot) for spec: the JSON array of the
// elements NetworkSelection builds, or "" when spec has no Multus network,
// in which case, as KubeVirt does, the annotation is best left unset. The
// same spec and MACs always give the same bytes. Errors are those of
// NetworkSelection.
func NetworksAnnotation(spec netconfig.Spec, macs netconfig.MACResolver) (string, error) {
	elements, err := NetworkSelection(spec, macs)
	if err != nil || len(elements) == 0 {
		return "", err
	}
	b, err := json.Marshal(elements)
	if err != nil {
		return "", fmt.Errorf("annotation %s: %w", nadv1.NetworkAttachmentAnnot, err)
	}
	return string(b), nil
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
