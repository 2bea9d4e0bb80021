// Package specfile reads guestnet's spec file (YAML or JSON) into a
// netconfig.Spec. The spec file is the input format of the render CLI
// (examples/render), an adapter like multus and macresolve: programs that
// call netconfig build a netconfig.Spec themselves, so the package is
// internal to the module.
//
// The spec file lists a VM's networks in the VM's order, with the guest IP
// configuration asked for each:
//
//	namespace: vms                  # optional; qualifies attachment names
//	networks:
//	  - name: default
//	    pod: {}
//	  - name: external
//	    multus: {networkName: ext-net}   # "name" or "namespace/name"; default: true makes it the primary network
//	    binding: bridge
//	    macAddress: "02:00:00:aa:bb:cc"
//	    pciAddress: "0000:00:04.0"
//	    ipConfig:
//	      mode: static                   # static, dhcp or none
//	      addresses: [192.168.0.200/24, "fd00:10::200/64"]
//	      gateways: [192.168.0.1, "fd00:10::1"]
//	      nameservers: {addresses: [192.168.0.1], search: [example.internal]}
//	      routes: [{to: 10.10.0.0/16, via: 192.168.0.254, metric: 100}]
//	      mtu: 1400
//
// The fields mirror netconfig.Network and netconfig.IPConfig; File and the
// types it holds document each of them. For the network lists of earlier,
// hand-written generators, Parse also accepts:
//
//   - `type` as another name for `binding` (setting both to different
//     values is an error);
//   - a single `address` and a single `gateway`, which come before the
//     entries of `addresses` and `gateways`;
//   - a route `to: default`, which means 0.0.0.0/0 or ::/0 by the address
//     family of its `via`;
//   - a bare list of networks as the whole document, read as `networks`
//     with no namespace (its problems are reported under networks[i]).
//
// A network with neither `pod` nor `multus` has netconfig.SourceUnspecified,
// and netconfig.Build decides what it is. An empty `pod:` is YAML's null,
// not an empty mapping, so it is an error rather than a silent change of
// source: write `pod: {}`.
//
// # Errors
//
// Parse is strict, because a typo must not silently drop configuration: a
// field the format does not have, a field name in the wrong case, a value
// of the wrong type (an unquoted `yes` where text is wanted, say), a
// duplicate key, a second YAML document and a YAML tag other than those of
// the core schema (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map),
// such as !!binary, !!timestamp or !!python/object, which would change a
// value silently, are all errors. Values that do not parse (an address
// without a prefix length, a malformed MAC, an unknown mode) are errors
// too. Every error of Parse, ToSpec, FromSpec and Format is a
// *netconfig.ValidationError, each of its problems a *field.Error whose
// path follows the file (networks[1].ipConfig.addresses[0]), with the
// value at fault and what to write instead: Parse reports the problems of
// fields all at once; a problem of the document (input that is not one
// well-formed YAML or JSON document, including one with duplicate keys, a
// tag, a size over MaxSize) comes alone, at the path of the tag or at the
// root path (nil, printed <nil>), with the line in its detail (the checks
// of the document are internal/strictyaml's, which netplan.Parse shares).
// Parse checks only that the file can be read: whether the values
// make sense together (a gateway outside the subnet, a static network
// without an address, two networks with one name) is checked by
// netconfig.Build, which reports in the same way. Build's paths name the
// fields of netconfig.Spec, which follow the file's but for three
// differences: `address` and `gateway` are counted as the first entries of
// addresses and gateways, multus.networkName is networkName, and `type`
// is binding.
//
// # Limits
//
// Parse refuses input larger than MaxSize (1 MiB) and files listing more
// than MaxNetworks (4096) networks. YAML's aliases are bounded by the YAML
// library (a document whose aliases expand far beyond its size is refused
// as "excessive aliasing"), and so is nesting. netconfig.Build has limits
// of its own, lower ones among them (netconfig.MaxNetworks).
//
// # Writing
//
// Format writes a netconfig.Spec as a spec file, using only the list forms
// (`addresses`, `gateways`, `binding`), such that Parse reads back the same
// Spec. File, ToSpec and FromSpec give access to the file's structure.
package specfile
