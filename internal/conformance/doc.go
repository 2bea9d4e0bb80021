// Package conformance proves that the network config guestnet writes is
// applied as intended by the real tools that consume it in guests, not
// merely that it looks right to guestnet's own parser.
//
// The tests build VMs as netconfig.Spec values (the seed's example, a
// dual-stack VM with several Multus networks, all-digit MACs, an IPv6-only
// network), call netconfig.Build, and feed the YAML to:
//
//   - netplan.io's `netplan generate --root-dir DIR`, then read the
//     systemd-networkd .network and .link files it writes under
//     DIR/run/systemd/network;
//   - cloud-init's `cloud-init devel net-convert -k yaml` with each of its
//     renderers: networkd, eni (ifupdown) and netplan with `-D debian`, and
//     sysconfig with `-D rhel`; the netplan renderer's output is compared
//     with guestnet's typed model and run through `netplan generate` too.
//
// The same is done for the other two forms guestnet writes: the OpenStack
// network_data.json of package cloudinit, through `cloud-init devel
// net-convert -k network_data.json` (configdrive_test.go), and the files of
// a NoCloud seed (nocloudseed_test.go). TestParseAgreesWithPyYAML checks
// netplan.Parse's YAML 1.1 rule against cloud-init's own PyYAML.
//
// For every NIC they assert that the intended MAC match (and rename),
// addresses, default routes of both families, extra routes, DNS servers,
// search domains, MTU and DHCP land in each renderer's files. Small
// parsers for the formats involved (networkd INI, ifupdown interfaces,
// sysconfig KEY=VALUE and route files, udev rules) live in the tests and
// are tested there too.
//
// Tests whose names start with TestCloudInit224 or TestNetplan0106 record
// measured behaviour of cloud-init 22.4 and netplan 0.106 that guestnet's
// design depends on (for instance that cloud-init turns a route to "::/0"
// into "::/64", so guestnet writes IPv6 default routes as gateway6). They
// assert the current behaviour, so when a newer tool changes it they fail
// and say which assumption to revisit.
//
// The package holds no non-test code. Run it on Debian 12 (or any system
// with cloud-init 22.4 and netplan.io 0.106) with:
//
//	apt-get install cloud-init netplan.io
//	go test ./internal/conformance/
//
// When a tool is missing the tests skip with a message saying how to
// install it, unless the environment variable CI is set (to anything but
// "false" or "0"), in which case they fail: CI must not pass by skipping.
// The tests use no network and write only under t.TempDir().
package conformance
