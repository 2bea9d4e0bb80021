// Package multus reads the network status that Multus writes on a pod and
// resolves it to the networks of the KubeVirt VM running in that pod, and
// builds the networks annotation that requests those networks from Multus.
//
// Multus records one entry per pod interface in the pod's
// k8s.v1.cni.cncf.io/network-status annotation (nadv1.NetworkStatusAnnot):
// the attachment's namespaced name, the pod interface name, its MAC, IPs,
// gateways and MTU, the device-info of a device such as an SR-IOV VF (its
// PCI address), and "default": true for the pod's primary network.
// ParseNetworkStatus and NetworkStatusFromPod decode it into the
// network-attachment-definition-client's own type, nadv1.NetworkStatus.
//
// NewStatusIndex indexes those entries once; the StatusIndex implements
// netconfig.StatusResolver, and gives the entries of all of a VM's
// networks in one call, in time linear in their number; netconfig.Build
// carries each into its Result.Interfaces (Interface.Status). It finds the entry
// of a VM network by the attachment the network names and, when that is
// not enough (two VM networks on one attachment, or a network whose source
// is not known), by the pod interface name KubeVirt requested for the
// network from Multus. The entry marked default goes to the VM's primary
// network, the pod network or a Multus default network
// (netconfig.SourceMultusDefault). Which network is primary, and how
// attachment names are qualified with the VM's namespace, are netconfig's
// rules (netconfig.Network.IsPrimary, netconfig.QualifyAttachment).
// KubeVirt has used two naming schemes for secondary pod interfaces:
//
//   - hashed (KubeVirt v1.0 and later): "pod" followed by the first 11 hex
//     digits of the SHA-256 of the VM network name; see PodInterfaceName;
//   - ordinal (earlier releases, and pods created by them that are still
//     running, and their migration targets): "net1", "net2", ... by
//     position among the VM's secondary Multus networks in spec.networks
//     order, absent and SR-IOV ones included, the primary network not; see
//     OrdinalInterfaceName. KubeVirt takes a pod for ordinal when any
//     network-status entry's interface is "net" and digits.
//
// # The networks annotation
//
// The other direction: NetworkSelection and NetworksAnnotation build the
// k8s.v1.cni.cncf.io/networks annotation (nadv1.NetworkAttachmentAnnot)
// that asks Multus for a VM's secondary networks, from the same
// netconfig.Spec the guest config is built from: the attachment, the pod
// interface name KubeVirt uses, the static addresses as an "ips" request
// and the MAC as a "mac" request, in the order of the VM's interfaces
// (netconfig.Spec.InterfaceOrder), leaving out absent networks.
// DefaultNetworkAnnotation gives the v1.multus-cni.io/default-network
// annotation (DefaultNetworkAnnot) for a Multus default network, which
// takes the pod's primary interface and is not in the networks
// annotation. Pod interface names are hashed, as KubeVirt v1.0 and later
// name them on a new pod; to update the annotation of a running pod that
// an earlier release created (to hot-plug a network), pass the pod's
// network status with WithNetworkStatus, which keeps ordinal names when
// the pod has them. Because CNI-side static IPAM (the static
// IPAM plugin with the "ips" capability, for instance) and the guest's
// network config then both come from one spec, what the CNI side records
// for the pod interface (its network-status IPs and MAC, port security
// rules built on them) and what the guest configures cannot disagree.
//
// For KubeVirt VMs, virt-controller writes this annotation on the
// virt-launcher pod itself, from the VMI: the attachment, the hashed pod
// interface name and the interface's macAddress, but no "ips". So the
// annotation built here is for platforms that create the pods (or
// NetworkAttachmentDefinitions with static IPAM) themselves, and for
// checking a virt-launcher pod's annotation against the spec; it does not
// change what KubeVirt requests.
//
// # Errors
//
// Invalid input gives a *netconfig.ValidationError, guestnet's one error
// type, whose problems are *field.Error values: errors.As(err, &fe) with
// fe a *field.Error finds the first. An annotation that cannot be read is
// one problem at the annotation's path in the pod,
// metadata.annotations[k8s.v1.cni.cncf.io/network-status]; the problems of
// NetworkSelection, NetworksAnnotation and DefaultNetworkAnnotation are at
// the paths of the spec's fields, such as networks[1].networkName or
// interfaceOrder[2].
//
// The package does no I/O and keeps no global state.
package multus
