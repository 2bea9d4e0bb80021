// Package guestnet writes the guest network configuration of KubeVirt
// virtual machines: network specs, plus optional Multus network status and
// MAC resolvers, in; netplan v2 YAML, and the KubeVirt objects that carry
// it, out. This package holds no code; its packages are:
//
//   - netconfig: the core model, validation and netplan rendering
//     (netconfig.Build), and the resolver interfaces the adapters
//     implement;
//   - netconfig/netplan: the typed netplan v2 document, its one emitter
//     (Marshal) and a strict Parse;
//   - netconfig/vmspec: a netconfig.Spec derived from a VirtualMachine or
//     VirtualMachineInstance (networks, bindings, MACs, order, namespace),
//     with the IP configs a caller asks by network name laid over it;
//   - netconfig/guestcheck: after boot, whether the guest took the config,
//     judged network by network from the VirtualMachineInstance's
//     status.interfaces (the guest agent's report), and a metav1.Condition
//     that sums the verdicts up;
//   - multus: the Multus network-status annotation as a status resolver
//     (StatusIndex), and the networks annotation built from the same specs;
//   - macresolve: where guest MACs come from (a VirtualMachine's template,
//     a VirtualMachineInstance's spec and status, the network status, MACs
//     pinned by Pin), each MAC with its origin;
//   - cloudinit: network data into a VirtualMachine or
//     VirtualMachineInstance (inline, or as a Secret), ConfigDrive's
//     network_data.json, and NoCloud seeds;
//   - examples/render: a CLI that renders a spec file, explains what it
//     configures (--explain) and checks a running VMI (--verify);
//   - examples/reconcile: a controller's reconcile step, end to end.
//
// Packages under internal/ hold what no user should import: the render
// CLI's spec file format (internal/specfile), the strict YAML reader it
// shares with netplan.Parse, and the test harnesses (real cloud-init and
// netplan, booted guests, benchmarks).
//
// Every package is pure: no I/O, no logging, no globals, safe for
// concurrent use. Invalid input comes back as an error from which
// errors.As takes a *field.Error naming the field at fault; the builders
// and adapters return every problem at once in a
// *netconfig.ValidationError (netplan.Parse, below netconfig, wraps its
// one *field.Error). Warnings come back as data.
package guestnet
