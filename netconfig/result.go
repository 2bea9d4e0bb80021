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
	// RolePod is the VM's primary network, the guest's primary NIC: the
	// pod network, or the Multus default network that replaces it.
	RolePod Role = "pod"
	// RoleSecondary is a Multus attachment.
	RoleSecondary Role = "secondary"
	// RoleSkipped is a network whose status says it is not a Multus
	// attachment.
	RoleSkipped Role = "skipped"
	// RoleAbsent is a network whose VM interface is absent (being
	// hot-unplugged): the guest has no NIC for it.
	RoleAbsent Role = "absent"
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

// Interface describes the guest NIC of one network.
type Interface struct {
	// Network is the VM network name.
	Network string
	// Role is what the network is to the guest.
	Role Role
	// Configured reports whether the NIC has an entry in the output.
	Configured bool
	// Name is the guest interface name: the ethernets key and, when
	// matching by MAC, the set-name. It is ethN, N the NIC's position among
	// the guest's NICs in the order KubeVirt attaches them: the VM's
	// interfaces in Spec.InterfaceOrder, absent ones left out, SR-IOV
	// ones (PCI host devices) after all others. It is set even for NICs
	// left out of the output, since they still take their place among the
	// guest's NICs, and empty for an absent interface, which has no NIC.
	Name string
	// Match is how the NIC is matched; empty when not configured.
	Match MatchKind
	// MAC is the NIC's MAC when known, MACOrigin where it came from, and
	// MACDetail what the origin said of it (see ResolvedMAC.Detail).
	MAC       MAC
	MACOrigin MACOrigin
	MACDetail string
	// NetworkName is the namespaced attachment name of a Multus network.
	NetworkName string
	// PodInterface is the pod interface name reported by the network status.
	PodInterface string
	// PCIAddress is copied from the spec.
	PCIAddress string
	// Status is the network's status (see StatusResolver), with the pod
	// interface's gateways, MTU and device, for the caller's use; a copy
	// that shares no memory with the resolver's, nil when there is none.
	Status *NetworkStatus
}

// WarningCode identifies the kind of a Warning, for programs.
type WarningCode string

const (
	// WarningNotMultusAttachment: the network's status names no attachment, so the
	// network is not a Multus attachment and was skipped.
	WarningNotMultusAttachment WarningCode = "NotMultusAttachment"
	// WarningInterfaceNameFallback: no MAC is known for the network, so its
	// NIC is matched by a kernel-style name (eth1, ...) that guests with
	// predictable names do not use: booted Debian 12 guests (cloud-init's
	// netplan, eni and networkd renderers) named it enp2s0 and left it
	// unconfigured, and with net.ifnames=0 named it eth1 and configured it
	// (internal/guestvm, scenarios fallback and fallback-ifnames0).
	WarningInterfaceNameFallback WarningCode = "InterfaceNameFallback"
	// WarningMACMismatch: the MAC in the spec differs from the one a
	// resolver reported; the spec's MAC is used.
	WarningMACMismatch WarningCode = "MACMismatch"
	// WarningEphemeralMAC: the NIC is matched by a MAC from the VMI status
	// or the network status, which KubeVirt does not keep: each new pod's
	// interface gets a new one, so after a restart the NIC no longer matches.
	WarningEphemeralMAC WarningCode = "EphemeralMAC"
	// WarningDefaultRouteOverridesPodNetwork: a secondary network carries a static default
	// route of a family the pod network gets by DHCP. On guests that
	// render with netplan or networkd the static route outranks DHCP
	// routes (those get metric 100 or 1024, static ones 0), and for IPv4
	// cloud-init's sysconfig renderer stops every DHCP interface from
	// installing a default route at all. NetworkManager gives each
	// device's routes a metric of 100 or more, static and DHCP alike; in
	// every booted Debian 13 guest (cloud-init 25.1) the pod network's
	// DHCP route kept the lowest.
	WarningDefaultRouteOverridesPodNetwork WarningCode = "DefaultRouteOverridesPodNetwork"
	// WarningOverlappingSubnets: two networks have addresses in overlapping
	// subnets, which makes the guest's source address and route choice
	// ambiguous.
	WarningOverlappingSubnets WarningCode = "OverlappingSubnets"
	// WarningRouteMetricDropped: route metrics, which cloud-init before
	// 23.3 drops on all of its own renderers (networkd, eni, sysconfig);
	// only guests that render with netplan keep them. Booted Debian 13
	// guests (cloud-init 25.1) keep them on networkd and network-manager
	// too; eni needs net-tools for any static route.
	WarningRouteMetricDropped WarningCode = "RouteMetricDropped"
	// WarningAcceptRANotPortable: IPv6Mode slaac or none, written as
	// netplan's accept-ra: true or false, which cloud-init passes on to
	// netplan and, from 23.3, to networkd (IPv6AcceptRA=); measured with
	// net-convert, cloud-init 22.4.2's networkd renderer drops it, its eni
	// renderer puts accept_ra into the IPv4 stanza or drops it and writes
	// no inet6 stanza, and its sysconfig renderer writes
	// IPV6_FORCE_ACCEPT_RA without IPV6INIT=yes; 25.1's network-manager
	// renderer writes nothing for it. On those guests whether the NIC takes
	// SLAAC addresses is left to the guest's default: booted Debian 12
	// guests with networkd or ifupdown and Debian 13 guests with ifupdown
	// or NetworkManager took them with slaac and with none alike
	// (internal/guestvm, scenario ipv6-modes).
	WarningAcceptRANotPortable WarningCode = "AcceptRANotPortable"
	// WarningTooManyNameservers: more than three nameservers; glibc's
	// resolver uses only the first three.
	WarningTooManyNameservers WarningCode = "TooManyNameservers"
	// WarningIPConfigIgnored: an IP config was given for a network that is
	// left out of the output.
	WarningIPConfigIgnored WarningCode = "IPConfigIgnored"
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

// ValidationError is the error of invalid input, the one type that every
// validating function of guestnet returns: Build, and the adapters that
// read KubeVirt objects, annotations and spec files. It holds every problem
// found, each a *field.Error with the path of the field at fault, the bad
// value and a detail, as Kubernetes reports a rejected manifest.
// errors.As(err, &fe) with fe a *field.Error finds the first of them.
type ValidationError struct {
	Errors field.ErrorList
}

// Error joins the problems into one message, one "; " between each. It
// takes time linear in their number (apimachinery's aggregate does not).
func (e *ValidationError) Error() string {
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
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, len(e.Errors))
	for i, fe := range e.Errors {
		errs[i] = fe
	}
	return errs
}
