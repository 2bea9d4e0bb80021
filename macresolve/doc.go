// Package macresolve finds the MAC addresses of a KubeVirt VM's guest NICs,
// says where each one came from, and chooses stable ones for a VM that has
// none yet.
//
// # Resolvers
//
// The constructors read the real API objects and return a
// netconfig.MACTable: for each VM network name (a KubeVirt interface is
// named after its network), a netconfig.ResolvedMAC with the MAC, its
// Origin and a Detail. A MACTable is a netconfig.MACResolver, so it can be
// passed to netconfig.WithMACResolver as it is, and netconfig.Build reports
// each NIC's origin and detail in Result.Interfaces (MACOrigin, MACDetail):
//
//   - FromVM: the MACs set in a VirtualMachine's template ("vm-template",
//     with the path of the field);
//   - FromVMI: the MACs set in a VirtualMachineInstance's spec ("vmi-spec",
//     with the path of the field), else those its status reports
//     ("vmi-status", with KubeVirt's infoSource);
//   - FromNetworkStatus: the pod interface MACs that Multus reports, for
//     networks whose binding (bridge, SR-IOV) hands that MAC to the guest
//     ("network-status", with the pod interface);
//   - FromPinned: the MACs Pin just wrote ("pinned", with the path of the
//     field);
//   - Static: a map the caller fills ("static").
//
// Chain combines resolvers: the first that knows a network answers, and
// the answer's Origin says which one it was. netconfig.MACResolverFunc
// adapts a closure.
//
// A "vmi-status" or "network-status" MAC changes when the VM restarts, so
// netconfig.Build warns (netconfig.WarningEphemeralMAC) of each NIC it
// matches by one; Pin gives such interfaces MACs that last.
//
// Every MAC read is checked as Normalize checks one: upper case and '-'
// separators are accepted and normalised, and the all-zero address and
// multicast addresses (broadcast included) are refused, since no NIC can
// have them. Problems are reported all at once, the way the Kubernetes API
// server rejects a manifest: the error is a *netconfig.ValidationError
// whose Errors hold a *field.Error for each problem, naming the field that
// holds the bad value (errors.As finds the first). A missing object (a nil
// VM) and a value read from no field (Normalize's, ParsePrefix's) have the
// empty path.
//
// # Stable MACs and Pin
//
// Guest network config that matches NICs by MAC needs the MACs before the
// VM first boots. A VM created without a macAddress on an interface gets
// one picked when each VirtualMachineInstance starts: with the bridge
// binding it is the MAC of the virt-launcher pod's interface, which the
// CNI plugin picks anew for every pod, so it changes when the VM restarts;
// other bindings leave it to KubeVirt and libvirt, with no promise that it
// survives a restart either. Config written for one boot then fails to
// find its NIC on the next, and matching by name instead is fragile (guests
// name NICs by PCI slot).
//
// StableMAC derives a MAC from the VM's namespace, its name and the
// network's name: the same VM always gets the same MACs, on any cluster,
// without storing anything, and the MACs are unicast and locally
// administered, optionally under a fixed Prefix. StableMACs makes the MACs
// of one VM distinct. Pin applies them to a VirtualMachine before it is
// created: it returns a copy in which every interface without a macAddress
// has its stable MAC, leaving every MAC that is set alone. Generate the
// guest config from the pinned VM (with Chain(FromPinned(pins),
// FromVM(pinned)), the MACs Pin wrote are reported as "pinned", the others
// as "vm-template"), create the pinned VM, and the first boot already
// matches by MAC; so does every later boot, since the MAC is now in the
// VM's spec, where FromVM reads it. Pin when you create VMs whose guest config is matched by
// MAC and no MAC pool manages their namespace; it is harmless to pin a VM
// that already has all its MACs (nothing changes).
//
// # KubeMacPool
//
// KubeMacPool (github.com/k8snetworkplumbingwg/kubemacpool) is an
// admission webhook that gives VirtualMachines MACs from a cluster-wide
// range. The following was read in its source (pkg/pool-manager,
// doc/opt-modes.md; release v0.50.0, v0.51.0 and the main branch of
// August 2026), not observed on a cluster:
//
//   - It manages the namespaces its opt-in or opt-out mode selects, by the
//     namespace label mutatevirtualmachines.kubemacpool.io ("allocate" or
//     "ignore"). VMIs created without a VM are left to its pod webhook.
//   - When a VM is created, an interface that is bound with masquerade on
//     the pod network, or is on a Multus network, and sets no macAddress
//     gets the next free MAC of the range (RANGE_START to RANGE_END, by
//     default 02:00:00:00:00:00 to 02:ff:ff:ff:ff:ff in its release
//     manifest, often changed per cluster), written into the VM's template.
//     Other interfaces (the bridge binding on the pod network, for one)
//     are not given a MAC. On an update, an interface whose macAddress was
//     cleared gets its old MAC back.
//   - A macAddress that is set is kept and recorded as taken, whether or
//     not it lies in the range, so the pool never hands it out. Up to
//     v0.50 a set MAC that another VM already held made KubeMacPool reject
//     the VM; since v0.51.0 only two interfaces of one VM with the same MAC
//     are rejected, and a clash between VMs is reported as a collision
//     (metrics and events) rather than refused.
//
// From which we infer, without having run it: in a namespace KubeMacPool
// manages, either do not pin (create the VM, then read the MACs it wrote
// with FromVM, and generate the guest config from them, for instance in
// the controller that reconciles the VM before its first start), or pin
// with WithPrefix and a prefix outside KubeMacPool's range (with the
// default range, any first octet other than 02, such as 06), so that
// pinned MACs can never be MACs the pool gives to other VMs. Pinning under
// a prefix inside the range works as long as no other VM already holds a
// pinned MAC, which a 46-bit hash makes unlikely but does not rule out;
// older KubeMacPool releases then refuse the VM. Interfaces KubeMacPool
// does not serve, such as the bridge binding on the pod network, need
// pinning in either case to keep their MAC across restarts.
//
// The package does no I/O, keeps no global state and never modifies its
// arguments; its functions are safe for concurrent use.
package macresolve
