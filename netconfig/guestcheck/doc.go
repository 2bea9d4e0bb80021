// Package guestcheck tells, from what a running VirtualMachineInstance
// reports, whether its guest took the network config that netconfig.Build
// wrote for it, and turns the answer into a metav1.Condition.
//
// KubeVirt never configures addresses inside a guest, so the only account
// of what the guest did is the VMI's status.interfaces, which KubeVirt
// fills from the domain, from the Multus network status and, when
// qemu-guest-agent runs in the guest, from the agent's report. Verify reads
// that list as KubeVirt v1.7.0 fills it:
//
//   - virt-handler's NetStat.UpdateStatus (pkg/network/setup/netstat.go)
//     makes one entry per domain NIC, named after the VM interface, with
//     the MAC that libvirt writes (lower case, colons) and infoSource
//     "domain", and gives it the pod interface's IPs from its cache (the
//     pod's IPs for the pod network);
//   - ifacesStatusFromGuestAgent then matches each interface of the
//     agent's report to an entry by MAC, sets its interfaceName (the
//     guest's name for the NIC) and infoSource "domain, guest-agent", and
//     takes the agent's IPs of a family when the entry has none of that
//     family or the agent reports none (updateVMIIfaceStatusWithGuestAgentData);
//     an agent interface that matches no entry becomes an entry of its own,
//     with no name and infoSource "guest-agent";
//   - ifacesStatusFromMultus adds "multus-status" to the infoSource of the
//     entries Multus reported (the names are pkg/network/vmispec/infosource.go's,
//     joined by ", ");
//   - the agent poller (pkg/virt-launcher/virtwrap/agent-poller/agent_poller.go,
//     convertToInterfaces) leaves out "lo" and reports addresses without
//     their prefix lengths, ipAddress being the first IPv4 address, else
//     the first address.
//
// So an entry without "guest-agent" in its infoSource says nothing about
// the guest; addresses are compared without prefix length; IPv6
// link-local addresses (fe80::/10), which every guest NIC has, are
// ignored everywhere. The pod network's entry keeps the pod's addresses
// from the cache once the agent reports any of their family, and with the
// masquerade (or passt) binding those are not the guest's: for the pod
// network Verify checks only that an address of each asked family (DHCP,
// or a static address such as MasqueradeDualStack's) is reported, which,
// on an entry the agent reported, says that the agent saw one (KubeVirt
// clears a family the agent reports none of). An IPv6 link-local address
// counts as one for KubeVirt, so with masquerade
// a global IPv6 address on the pod network's entry may be the pod's even
// when the guest has none (KubeVirt 1.8 filters link-local addresses for
// masquerade).
//
// Verify takes the Result it judges: Build is deterministic, so a
// controller that stored nothing rebuilds the Result from the same inputs.
// Condition summarises the verdicts; set it with
// k8s.io/apimachinery/pkg/api/meta.SetStatusCondition, which changes the
// condition's LastTransitionTime only when its status changes.
//
// Like the rest of guestnet the package is pure: no I/O, no state, safe
// for concurrent use, and the same input gives the same output whatever
// the order of the reported interfaces and addresses.
package guestcheck
