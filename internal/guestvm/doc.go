// Package guestvm proves guestnet's output in real guests: it boots Debian
// 12 and Debian 13 VMs under QEMU from a NoCloud seed holding the network
// config that netconfig.Build wrote, and reads back, NIC by NIC, what each
// guest made of it.
//
// # Images
//
// BuildImage builds a guest image from Debian's own packages and caches
// it, keyed by a hash of its recipe and of build-image.sh, so an image is
// rebuilt only when its recipe changes. It builds in two stages: each
// suite of Suites (bookworm for Debian 12 with cloud-init 22.4, trixie for
// Debian 13 with cloud-init 25.1) has a base root file system, debootstrap
// (variant minbase) with the packages every image of the suite has, built
// once and cached; an image unpacks its suite's base and installs its own
// packages with apt. Bases and images are built under locks of their own,
// so different images build in parallel (TestGuests shares its job slots
// between builds and boots). Images lists the recipes, which differ in
// the network renderer that cloud-init picks (the first available of eni,
// sysconfig, netplan, network-manager, ..., networkd):
//
//   - netplan, netplan-13: netplan.io, systemd-networkd and
//     systemd-resolved, no ifupdown; cloud-init hands the config to netplan;
//   - eni, eni-13: ifupdown and the release's DHCP client (isc-dhcp-client,
//     dhcpcd-base), no netplan and no net-tools (Debian's default package
//     set); cloud-init writes /etc/network/interfaces.d/50-cloud-init;
//   - eni-net-tools: eni plus net-tools, whose route(8) the eni renderer's
//     static routes call;
//   - networkd, networkd-13: systemd-networkd (enabled) and
//     systemd-resolved, neither netplan nor ifupdown; cloud-init writes
//     .network files itself;
//   - network-manager-13: NetworkManager as the only network service;
//     cloud-init writes NetworkManager keyfiles.
//
// The cache is $GUESTNET_GUESTVM_CACHE, by default guestnet/guestvm under
// the user's cache directory (~/.cache). Each image takes about 900 MB
// there (a sparse 2 GB ext4 file, its kernel and initramfs), each base
// 500 to 800 MB (a tar), plus the downloaded packages, kept per suite.
// Building needs root, debootstrap, tar, mkfs.ext4 and a Debian mirror
// ($GUESTNET_DEBIAN_MIRROR, default http://deb.debian.org/debian); booting
// does not need root. From an empty cache, on 2 CPUs, both bases and the
// eight images take about ten minutes.
//
// # Boots
//
// WriteSeed writes meta-data, user-data and network-config and makes the
// seed ISO with cloud-localds. The user-data installs report.sh and runs it
// from runcmd: it waits for the DHCP leases the harness expects, then
// writes `ip -j addr`, `ip -j route`, `ip -6 -j route`, `ip -j link`,
// /etc/resolv.conf, `resolvectl status`, the renderer cloud-init chose,
// the files it rendered and the network services' journal to the second
// serial port, and powers the guest off. Every image has qemu-guest-agent,
// and every guest the agent's virtio-serial channel, as KubeVirt's
// domains have it: once the report is complete, Machine.Run asks the agent
// for guest-network-get-interfaces over the channel's socket (QueryAgent,
// the command virt-launcher's agent poller sends through libvirt) and then
// stops QEMU. Machine.Run boots the image
// (-kernel and -initrd taken from it, the disk opened with snapshot=on so
// the cached image never changes) with one virtio-net NIC per VM network,
// each on its own PCIe root port as KubeVirt places them, carrying the
// scenario's MACs: the pod network's NIC on QEMU's user network, whose DHCP
// server leases 10.0.2.15; secondary networks on a QEMU hub port with
// nothing else on it, or on a restricted user network that serves DHCP.
// QEMU runs in a network namespace of its own, so no packet leaves the
// machine. Every boot has a timeout, after which QEMU is killed, and all
// its files live in a temporary directory the test removes.
//
// DetectAccel uses KVM when it works and QEMU's software emulation
// otherwise; /dev/kvm existing is not enough (in some nested VMs it opens
// and then hangs). A boot takes about a minute under emulation.
//
// # Checks
//
// ParseReport and ParseGuest read the report; Wants states what a
// scenario's config asks of each NIC; Judge compares them construct by
// construct (name, leases, addresses, default routes of both families,
// other routes, metrics, MTU, DNS) and returns Facts: applied, wrong or
// dropped. The tests hold, for every scenario, the expected outcome of
// each construct in each image (scenarios_test.go), so they assert what
// each guest does today and fail when it changes. The README's
// guest-compatibility table is rendered from the results the tests write
// (Results.Table), never by hand.
//
// The agent's reply is checked as a controller would: StatusInterfaces
// turns it into the VMI's status.interfaces as KubeVirt v1.7.0 does
// (libvirt, virt-launcher's agent poller, virt-handler's NetStat), and
// guestcheck.Verify judges each network from it. The verdicts must agree
// with the scenario's rows for the image: a network whose addresses and
// NIC the guest applied is AsAsked, one whose NIC the guest does not have
// (a name-matched NIC in a guest with predictable names) is Missing.
// -update records each reply under testdata/agent/IMAGE/SCENARIO.json,
// and TestAgentReplies replays them without booting.
//
// # Reboots
//
// The reboot cases (reboot_test.go) boot a VM twice from its own disk (a
// qcow2 overlay of the image, NewOverlay, so the second boot finds what
// the first wrote) with the same instance-id, as KubeVirt keeps it, and
// network data that moves a static address from .200 to .201 between the
// boots. The report runs on the second boot from a systemd unit that the
// first boot enabled (Seed.EveryBoot). They check whether the change
// applies with user data as it comes and with cloudinit.NetworkEveryBoot
// (cloud-config and a shell script, from creation or added with the
// change), and that guestcheck.Verify tells the two apart (AsAsked or
// Different). -update records them in testdata/reboots.json, from which
// the README's reboot table must be made (TestRebootREADME).
//
// # Running
//
// TestGuests boots every scenario in every image, and the reboot cases;
// it runs only when -run names it, since it takes over an hour without
// KVM. GUESTNET_GUESTVM_MATRIX=ci boots what .ci/run boots (one image per
// network stack and generation, the reboot cases in the netplan images):
//
//	go test ./internal/guestvm -run TestGuests -timeout 120m -v
//	GUESTNET_GUESTVM_MATRIX=ci go test ./internal/guestvm -run TestGuests -timeout 80m -v
//
// One image, or one scenario in one image:
//
//	go test ./internal/guestvm -run 'TestGuests/eni$' -timeout 30m -v
//	go test ./internal/guestvm -run 'TestGuests/netplan/seed$' -timeout 20m -v
//
// Add -update to rewrite testdata/guests.json from the run (merging: a
// partial run replaces only what it ran) and the README table.
// TestRendererFiles renders the scenarios with cloud-init's sysconfig
// renderer on the host, for the table's files-only sysconfig column
// (-update rewrites testdata/files.json); TestREADMETable checks that the
// README table matches the results files, and
// `go run ./internal/guestvm/cmd/compat-table` regenerates it from them.
//
// Environment variables: GUESTNET_GUESTVM_CACHE (the image cache),
// GUESTNET_DEBIAN_MIRROR, GUESTNET_GUESTVM_ACCEL (kvm or tcg, instead of
// detecting), GUESTNET_GUESTVM_JOBS (guests booted at once; by default one
// per CPU, at most four), GUESTNET_GUESTVM_BOOT_TIMEOUT (a Go
// duration), GUESTNET_GUESTVM_ARTIFACTS (a directory that receives each
// boot's seed files, console log and decoded report, to read or to boot
// again by hand). When a tool is missing the tests skip with an install
// hint, unless CI is set (to anything but "false" or "0"): then they fail.
//
// To boot a scenario by hand, run it with GUESTNET_GUESTVM_ARTIFACTS set,
// then `cloud-localds -N network-config seed.iso user-data meta-data` in
// its directory and the QEMU command line that a failing boot prints
// (Machine.Command), under `unshare -n`.
package guestvm
