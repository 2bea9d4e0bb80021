// Package guestnet writes the guest network configuration of KubeVirt
// virtual machines: network specs, plus optional Multus network status and
// MAC resolvers, in; netplan v2 YAML, and the KubeVirt objects that carry
// it, out. This package holds no code; its subpackages are:
//
//   - netconfig: the core model, validation and netplan rendering
//     (netconfig.Build), with netconfig/netplan for the typed document;
//   - multus: the Multus network-status annotation as a status resolver;
//   - macresolve: where guest MACs come from (VirtualMachineInstances, maps);
//   - examples/render: a CLI that renders a spec file (whose format is
//     internal/specfile's).
//
// Every package is pure: no I/O, no logging, no globals, safe for
// concurrent use; problems come back as values.
package guestnet
