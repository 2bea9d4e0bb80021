package netconfig

import (
	"strconv"
	"strings"

	"github.com/guestnet/guestnet/netconfig/netplan"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Result is the output of Build.
type Result struct {
	// YAML is the netplan v2 network config, ready for
	// cloudInitNoCloud.networkData or a NoCloud seed's network-config.
	YAML []byte
	// Config is the typed form of YAML; netplan.Parse(YAML) returns it.
	Config netplan.Config
	// Interfaces says, for each network in VM order, whether and how its
	// guest NIC is configured.
	Interfaces []Interface
	// Warnings are problems that did not stop the build but that a
	// controller may want to surface as Events or conditions.
	Warnings []Warning
}

// Role is what a network is to the guest.
type Role string

const (
	// RolePod is the pod network (the guest's primary NIC).
	RolePod Role = "pod"
	// RoleSecondary is a Multus attachment.
	RoleSecondary Role = "secondary"
	// RoleSkipped is a network whose status says it is not a Multus
	// attachment.
	RoleSkipped Role = "skipped"
)

// MatchKind is how netplan finds a guest NIC.
type MatchKind string

const (
	// MatchMAC matches the NIC by MAC address and renames it to Name.
	MatchMAC MatchKind = "mac"
	// MatchName matches the NIC by its kernel name, which works only on
	// guests whose kernel names NICs ethN in PCI order.
	MatchName MatchKind = "name"
)

// MACSource says where a network's MAC came from.
type MACSource string

const (
	// MACFromSpec is the MAC set on the VM's interface.
	MACFromSpec MACSource = "spec"
	// MACFromResolver is the MAC a MACResolver returned.
	MACFromResolver MACSource = "mac-resolver"
	// MACFromNetworkStatus is the pod interface's MAC in the network status,
	// used for bindings that hand it to the guest (bridge and sriov).
	MACFromNetworkStatus MACSource = "network-status"
)

// Interface describes the guest NIC of one network.
type Interface struct {
	// Network is the VM network name.
	Network string
	// Role is what the network is to the guest.
	Role Role
	// Configured reports whether the NIC has an entry in the output.
	Configured bool
	// Name is the guest interface name: the ethernets key and, when
	// matching by MAC, the set-name. It is set even for NICs left out of
	// the output, since they still take their place among the guest's NICs.
	Name string
	// Match is how the NIC is matched; empty when not configured.
	Match MatchKind
	// MAC is the NIC's MAC when known, and MACSource where it came from.
	MAC       MAC
	MACSource MACSource
	// NetworkName is the namespaced attachment name of a Multus network.
	NetworkName string
	// PodInterface is the pod interface name reported by the network status.
	PodInterface string
	// PCIAddress is copied from the spec.
	PCIAddress string
}

// WarningCode identifies the kind of a Warning, for programs.
type WarningCode string

const (
	// WarningNotMultus: the network's status names no attachment, so the
	// network is not a Multus attachment and was skipped.
	WarningNotMultus WarningCode = "NotMultusAttachment"
	// WarningNameFallback: no MAC is known for the network, so its NIC is
	// matched by a kernel-style name (eth1, eth2, ...) that guests with
	// predictable interface names (enp1s0, ...) do not use. Booted Debian
	// 12 guests (cloud-init's netplan, eni and networkd renderers) named
	// such a NIC enp2s0 and left it unconfigured; booted with
	// net.ifnames=0 they named it eth1 and configured it
	// (internal/guestvm, scenarios fallback and fallback-ifnames0).
	WarningNameFallback WarningCode = "InterfaceNameFallback"
	// WarningMACMismatch: the MAC in the spec differs from the one a
	// resolver reported; the spec's MAC is used.
	WarningMACMismatch WarningCode = "MACMismatch"
	// WarningPodDefaultRoute: a secondary network carries a static default
	// route of a family the pod network gets by DHCP. The static route
	// outranks DHCP routes (netplan gives those metric 100, static ones 0),
	// and for IPv4 cloud-init's sysconfig renderer stops every DHCP
	// interface from installing a default route at all.
	WarningPodDefaultRoute WarningCode = "DefaultRouteOverridesPodNetwork"
	// WarningOverlappingSubnets: two networks have addresses in overlapping
	// subnets, which makes the guest's source address and route choice
	// ambiguous.
	WarningOverlappingSubnets WarningCode = "OverlappingSubnets"
	// WarningRouteMetricDropped: route metrics, which cloud-init before
	// 23.3 drops on all of its own renderers (networkd, eni, sysconfig);
	// only guests that render with netplan keep them.
	WarningRouteMetricDropped WarningCode = "RouteMetricDropped"
	// WarningTooManyNameservers: more than three nameservers; glibc's
	// resolver uses only the first three.
	WarningTooManyNameservers WarningCode = "TooManyNameservers"
	// WarningIgnoredIPConfig: an IP config was given for a network that is
	// left out of the output.
	WarningIgnoredIPConfig WarningCode = "IPConfigIgnored"
	// WarningNothingConfigured: no interface is configured at all.
	WarningNothingConfigured WarningCode = "NothingConfigured"
)

// Warning is a problem that did not stop the build.
type Warning struct {
	// Code says what kind of problem it is.
	Code WarningCode
	// Network is the VM network it concerns; it may be empty.
	Network string
	// Field is the path of the field it concerns, as in field.Path.String.
	Field string
	// Message is a sentence for people.
	Message string
}

// String formats w as "Code: network NAME: message".
func (w Warning) String() string {
	var b strings.Builder
	b.WriteString(string(w.Code))
	b.WriteString(": ")
	if w.Network != "" {
		b.WriteString("network ")
		b.WriteString(w.Network)
		b.WriteString(": ")
	}
	b.WriteString(w.Message)
	return b.String()
}

// InvalidSpecError is the error Build returns for invalid input. It holds
// every problem found, each with the path of the field at fault.
type InvalidSpecError struct {
	Errors field.ErrorList
}

// Error joins the problems into one message, one "; " between each. It
// takes time linear in their number (apimachinery's aggregate does not).
func (e *InvalidSpecError) Error() string {
	var b strings.Builder
	if len(e.Errors) > 1 {
		b.WriteString(strconv.Itoa(len(e.Errors)))
		b.WriteString(" problems: ")
	}
	for i, fe := range e.Errors {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(fe.Error())
	}
	return b.String()
}

// Unwrap returns the individual *field.Error values, for errors.As.
func (e *InvalidSpecError) Unwrap() []error {
	errs := make([]error, len(e.Errors))
	for i, fe := range e.Errors {
		errs[i] = fe
	}
	return errs
}
