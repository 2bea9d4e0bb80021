// Package macresolve builds netconfig MAC resolvers: maps from a VM's
// network names to the MAC addresses of its guest NICs.
//
// FromVMI reads them from a KubeVirt VirtualMachineInstance, taking the MAC
// set on each interface of its spec and, for interfaces whose spec sets
// none, the MAC that KubeVirt reports in its status once the VM runs.
// Static takes them from a map, for callers that know the MACs some other
// way (a VM template, an IPAM system).
//
// Both return a netconfig.MACMap holding normalised MAC values, and check
// every MAC they use: one that is malformed, all zero, multicast or
// broadcast cannot be a guest NIC's address. All problems are reported at
// once, as an aggregate of field.Errors naming the field that holds each bad
// value, the way the Kubernetes API server rejects a manifest.
//
// The package does no I/O and keeps no global state.
package macresolve
