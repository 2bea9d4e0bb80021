package guestvm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/guestnet/guestnet/netconfig"
)

// NetKind is the QEMU network behind a guest NIC. None of them lets a
// packet leave the machine: QEMU runs in a network namespace of its own
// that has nothing but a loopback interface (see Machine.Run), so user
// networking has nowhere to forward to, and a hub port has nothing else on
// its hub.
type NetKind int

const (
	// NetPod is the pod network: QEMU user networking on 10.0.2.0/24,
	// whose DHCP server leases 10.0.2.15 with router 10.0.2.2 and DNS
	// server 10.0.2.3, like the DHCP server of KubeVirt's masquerade
	// binding. IPv6 is off, so the guest gets no router advertisements.
	NetPod NetKind = iota
	// NetDHCP is a secondary network with a DHCP server: QEMU user
	// networking on its own /24 (NIC.Subnet), leasing the subnet's .15.
	// It runs with restrict=on, with which QEMU's DHCP server announces no
	// router and no DNS server, so the lease brings no default route to
	// compete with the pod network's.
	NetDHCP
	// NetIsolated is a secondary network with nothing on it: a QEMU hub
	// port on a hub of its own. Static addresses and routes are all a
	// guest can have there.
	NetIsolated
	// NetSLAAC is NetDHCP with IPv6 on: QEMU's user networking then also
	// sends router advertisements for the prefix NIC.Prefix6, from which a
	// guest that accepts them takes SLAAC addresses (and a default route
	// via fe80::2). It serves no DHCPv6 addresses: a guest's DHCPv6 client
	// gets none, so DHCPv6 cannot be tested here.
	NetSLAAC
)

// PodSubnet is the pod network's subnet; see NetPod.
var PodSubnet = netip.MustParsePrefix("10.0.2.0/24")

// NIC is one virtio-net NIC of a guest, in VM order.
type NIC struct {
	// MAC is the NIC's MAC, always set: the harness knows every NIC's MAC
	// even when the network config does not.
	MAC netconfig.MAC
	// Kind is the network behind it.
	Kind NetKind
	// Subnet is the /24 of a NetDHCP or NetSLAAC network; NetPod uses
	// PodSubnet.
	Subnet netip.Prefix
	// Prefix6 is the /64 a NetSLAAC network announces.
	Prefix6 netip.Prefix
}

// subnet is the network's /24, or the zero Prefix for an isolated one.
func (n NIC) subnet() netip.Prefix {
	switch n.Kind {
	case NetPod:
		return PodSubnet
	case NetDHCP, NetSLAAC:
		return n.Subnet
	}
	return netip.Prefix{}
}

// hostAddr is the subnet's address with last octet i.
func (n NIC) hostAddr(i byte) netip.Addr {
	s := n.subnet()
	if !s.IsValid() {
		return netip.Addr{}
	}
	a := s.Masked().Addr().As4()
	a[3] = i
	return netip.AddrFrom4(a)
}

// Lease is the address QEMU's DHCP server leases to the NIC, or the zero
// Addr on an isolated network.
func (n NIC) Lease() netip.Addr { return n.hostAddr(15) }

// Router is the router QEMU's DHCP server announces: 10.0.2.2 on the pod
// network, none (the zero Addr) elsewhere.
func (n NIC) Router() netip.Addr {
	if n.Kind != NetPod {
		return netip.Addr{}
	}
	return n.hostAddr(2)
}

// netdev is the NIC's -netdev option.
func (n NIC) netdev(id string, hub int) string {
	switch n.Kind {
	case NetIsolated:
		return fmt.Sprintf("hubport,id=%s,hubid=%d", id, hub)
	default:
		restrict, ipv6 := "off", "ipv6=off"
		if n.Kind != NetPod {
			restrict = "on"
		}
		if n.Kind == NetSLAAC {
			ipv6 = "ipv4=on,ipv6=on,ipv6-net=" + n.Prefix6.String() // ipv6=on alone turns IPv4 off
		}
		s := n.subnet()
		return fmt.Sprintf("user,id=%s,restrict=%s,%s,net=%s,host=%s,dns=%s,dhcpstart=%s",
			id, restrict, ipv6, s.Masked(), n.hostAddr(2), n.hostAddr(3), n.Lease())
	}
}

// Accel is how QEMU runs the guest's CPU.
type Accel string

const (
	// AccelKVM is hardware virtualisation.
	AccelKVM Accel = "kvm"
	// AccelTCG is QEMU's software emulation, some five times slower.
	AccelTCG Accel = "tcg"
)

// DetectAccel decides between KVM and software emulation. KVM is used
// when GUESTNET_GUESTVM_ACCEL says so, or, when it is unset, when /dev/kvm
// opens, the CPU advertises vmx or svm, and a probe boot of kernel under
// KVM prints to its console within 20 seconds (a /dev/kvm without working
// virtualisation, as in some nested VMs, hangs instead). The reason says
// how it was decided.
func DetectAccel(ctx context.Context, kernel string) (Accel, string) {
	switch v := os.Getenv("GUESTNET_GUESTVM_ACCEL"); v {
	case string(AccelKVM), string(AccelTCG):
		return Accel(v), "GUESTNET_GUESTVM_ACCEL=" + v
	}
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		return AccelTCG, "/dev/kvm: " + err.Error()
	}
	f.Close()
	cpuinfo, err := os.ReadFile("/proc/cpuinfo")
	if err != nil || !bytes.Contains(cpuinfo, []byte(" vmx")) && !bytes.Contains(cpuinfo, []byte(" svm")) {
		return AccelTCG, "/dev/kvm exists but the CPU advertises neither vmx nor svm"
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "qemu-system-x86_64", "-machine", "q35,accel=kvm", "-cpu", "host",
		"-m", "256", "-nodefaults", "-display", "none", "-no-reboot",
		"-kernel", kernel, "-append", "console=ttyS0 panic=-1", "-serial", "stdio")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.WaitDelay = 5 * time.Second
	_ = cmd.Run() // killed by the timeout, or the kernel panics without a root
	if bytes.Contains(out.Bytes(), []byte("Linux version")) {
		return AccelKVM, "a probe boot under KVM printed to its console"
	}
	return AccelTCG, "a probe boot under KVM printed nothing in 20s"
}

// Machine is one boot of a guest.
type Machine struct {
	// Image is the image to boot. Its disk is opened with snapshot=on:
	// writes go to a temporary file in Dir and the image stays as built.
	Image Built
	// Overlay, when set, is a qcow2 overlay of the image's disk (see
	// NewOverlay) that the guest boots from instead, keeping what it
	// writes: boot the same Overlay again to reboot the same VM.
	Overlay string
	// Seed is the NoCloud seed ISO (see WriteSeed).
	Seed string
	// NICs are the guest's NICs in VM order. Each sits on a PCIe root port
	// of its own, as KubeVirt places them, so the guest's predictable
	// names are enp1s0, enp2s0, ...
	NICs []NIC
	// KernelArgs are added to the kernel command line
	// (root=/dev/vda console=ttyS0 ...), for instance net.ifnames=0.
	KernelArgs []string
	// Accel is the accelerator.
	Accel Accel
	// CPUs is the number of vCPUs; zero means two.
	CPUs int
	// Timeout bounds the boot, from start to power-off.
	Timeout time.Duration
	// Dir is a directory for the console logs, the agent's socket and
	// QEMU's temporary files; the caller removes it.
	Dir string
	// Agent gives the guest the guest agent's channel, as KubeVirt's
	// domains have it (a virtio-serial port named org.qemu.guest_agent.0,
	// whose host end is the UNIX socket qga.sock in Dir). Once the report
	// is complete, Run asks the agent for guest-network-get-interfaces
	// (QueryAgent, for at most AgentTimeout) and then stops QEMU; the
	// report script, seeing the port, waits for that instead of powering
	// off at once.
	Agent bool
	// AgentTimeout bounds the agent query; zero means one minute.
	AgentTimeout time.Duration
}

// Boot is what a finished boot left.
type Boot struct {
	// Console is the guest's serial console (ttyS0): kernel and systemd
	// messages, for diagnosis.
	Console []byte
	// Report is what the report script wrote to the second serial port
	// (ttyS1); see ParseReport.
	Report []byte
	// Agent is the guest agent's reply to guest-network-get-interfaces,
	// when Machine.Agent is set.
	Agent []AgentInterface
	// Elapsed is the time from QEMU's start to its exit.
	Elapsed time.Duration
}

// args are QEMU's arguments.
func (m Machine) args() []string {
	mem, cpus, cpu := "1024", "2", "qemu64"
	if m.CPUs > 0 {
		cpus = strconv.Itoa(m.CPUs)
	}
	if m.Accel == AccelKVM {
		cpu = "host"
	}
	cmdline := append([]string{"root=/dev/vda", "rw", "console=ttyS0", "panic=-1"}, m.KernelArgs...)
	a := []string{
		"-machine", "q35,accel=" + string(m.Accel), "-cpu", cpu, "-m", mem, "-smp", cpus,
		"-nodefaults", "-display", "none", "-no-reboot", "-no-user-config",
		"-kernel", m.Image.Kernel, "-initrd", m.Image.Initrd, "-append", strings.Join(cmdline, " "),
		"-drive", m.disk(),
		"-drive", "file=" + m.Seed + ",format=raw,if=virtio,readonly=on",
		"-serial", "file:" + filepath.Join(m.Dir, "console.log"),
		"-serial", "file:" + filepath.Join(m.Dir, "report.log"),
	}
	for i, n := range m.NICs {
		port, id := "rp"+strconv.Itoa(i+1), "net"+strconv.Itoa(i)
		a = append(a,
			"-device", fmt.Sprintf("pcie-root-port,id=%s,chassis=%d,slot=%d", port, i+1, i+1),
			"-netdev", n.netdev(id, i+1),
			"-device", fmt.Sprintf("virtio-net-pci,netdev=%s,mac=%s,bus=%s", id, n.MAC, port),
		)
	}
	if m.Agent {
		// On pcie.0 after the NICs' root ports: it adds no bus, so the
		// NICs keep their names.
		a = append(a,
			"-chardev", "socket,id=qga0,path="+filepath.Join(m.Dir, agentSocket)+",server=on,wait=off",
			"-device", "virtio-serial-pci,id=vser0",
			"-device", "virtserialport,bus=vser0.0,chardev=qga0,name="+agentPort,
		)
	}
	return a
}

// disk is the -drive option of the root disk.
func (m Machine) disk() string {
	if m.Overlay != "" {
		return "file=" + m.Overlay + ",format=qcow2,if=virtio"
	}
	return "file=" + m.Image.Disk + ",format=raw,if=virtio,snapshot=on"
}

// NewOverlay creates a qcow2 file at path backed by the image's disk, with
// qemu-img (from qemu-utils): a VM's own disk, which keeps what the guest
// writes across boots while the cached image stays as built.
func NewOverlay(ctx context.Context, b Built, path string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", b.Disk, path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("guestvm: qemu-img create: %w: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

// Command is the QEMU command line of m, for people to run by hand (in a
// shell; prefix it with `unshare -n` to keep the network namespace).
func (m Machine) Command() string {
	var b strings.Builder
	b.WriteString("qemu-system-x86_64")
	for _, a := range m.args() {
		b.WriteString(" ")
		if strings.ContainsAny(a, " '\"") {
			b.WriteString("'" + strings.ReplaceAll(a, "'", `'\''`) + "'")
		} else {
			b.WriteString(a)
		}
	}
	return b.String()
}

// ErrNoReport is returned by Run when the guest powered off, or was
// stopped, without a complete report.
var ErrNoReport = errors.New("guestvm: the guest wrote no complete report")

// Run boots the machine and waits for the guest to power off, for at most
// m.Timeout; QEMU is killed when the time is up, when ctx is done, or when
// the calling process dies. QEMU runs in a new network namespace (and, when
// not run as root, a new user namespace), which has only a loopback
// interface: the guest's user networking can reach nothing outside QEMU.
// It returns the console logs even with an error.
func (m Machine) Run(ctx context.Context) (Boot, error) {
	if m.Timeout <= 0 {
		return Boot{}, errors.New("guestvm: a boot needs a timeout")
	}
	ctx, cancel := context.WithTimeout(ctx, m.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "qemu-system-x86_64", m.args()...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	// snapshot=on puts its overlay in TMPDIR: keep it in Dir, which the
	// caller removes even when QEMU is killed.
	cmd.Env = append(os.Environ(), "TMPDIR="+m.Dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	if uid, gid := os.Geteuid(), os.Getegid(); uid != 0 {
		cmd.SysProcAttr.Cloneflags |= syscall.CLONE_NEWUSER
		cmd.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}}
		cmd.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}}
	}
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	var b Boot
	var agentErr error
	stopped := false // Run stopped QEMU itself, after the agent's reply
	err := cmd.Start()
	if err == nil {
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if m.Agent {
			var ok bool
			ok, err = waitForReport(ctx, filepath.Join(m.Dir, "report.log"), done)
			if ok {
				wait := m.AgentTimeout
				if wait <= 0 {
					wait = time.Minute
				}
				actx, acancel := context.WithTimeout(ctx, wait)
				b.Agent, agentErr = QueryAgent(actx, filepath.Join(m.Dir, agentSocket), 10*time.Second)
				acancel()
				stopped = cmd.Process.Signal(syscall.SIGTERM) == nil
				err = <-done
			}
		} else {
			err = <-done
		}
	}
	b.Elapsed = time.Since(start)
	b.Console, _ = os.ReadFile(filepath.Join(m.Dir, "console.log"))
	b.Report, _ = os.ReadFile(filepath.Join(m.Dir, "report.log"))
	switch {
	case ctx.Err() != nil:
		return b, fmt.Errorf("guestvm: the guest did not power off within %v (QEMU killed): %w", m.Timeout, ctx.Err())
	case err != nil && !stopped:
		return b, fmt.Errorf("guestvm: qemu-system-x86_64: %w: %s", err, strings.TrimSpace(stderr.String()))
	case !bytes.Contains(b.Report, []byte(reportEnd)):
		return b, ErrNoReport
	case agentErr != nil:
		return b, agentErr
	}
	return b, nil
}

// waitForReport polls the report file until it holds the report's end,
// and reports whether it does; it gives up when QEMU exits (done, whose
// error it returns) or ctx is done.
func waitForReport(ctx context.Context, path string, done <-chan error) (bool, error) {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		if b, err := os.ReadFile(path); err == nil && bytes.Contains(b, []byte(reportEnd)) {
			return true, nil
		}
		select {
		case err := <-done:
			return false, err
		case <-ctx.Done():
			return false, <-done
		case <-tick.C:
		}
	}
}
