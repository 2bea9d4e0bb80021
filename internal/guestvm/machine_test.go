package guestvm

import (
	"bytes"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

func TestNICNetworks(t *testing.T) {
	tests := []struct {
		name          string
		nic           NIC
		netdev        string
		lease, router string
	}{
		{
			name:   "pod",
			nic:    NIC{Kind: NetPod},
			netdev: "user,id=n,restrict=off,ipv6=off,net=10.0.2.0/24,host=10.0.2.2,dns=10.0.2.3,dhcpstart=10.0.2.15",
			lease:  "10.0.2.15", router: "10.0.2.2",
		},
		{
			name:   "DHCP secondary: restricted, so no router",
			nic:    NIC{Kind: NetDHCP, Subnet: prefix("10.0.3.0/24")},
			netdev: "user,id=n,restrict=on,ipv6=off,net=10.0.3.0/24,host=10.0.3.2,dns=10.0.3.3,dhcpstart=10.0.3.15",
			lease:  "10.0.3.15", router: "invalid IP",
		},
		{
			name:   "SLAAC secondary: restricted DHCP and router advertisements for its prefix",
			nic:    NIC{Kind: NetSLAAC, Subnet: prefix("10.0.5.0/24"), Prefix6: prefix("fd00:5::/64")},
			netdev: "user,id=n,restrict=on,ipv4=on,ipv6=on,ipv6-net=fd00:5::/64,net=10.0.5.0/24,host=10.0.5.2,dns=10.0.5.3,dhcpstart=10.0.5.15",
			lease:  "10.0.5.15", router: "invalid IP",
		},
		{
			name:   "isolated",
			nic:    NIC{Kind: NetIsolated},
			netdev: "hubport,id=n,hubid=7",
			lease:  "invalid IP", router: "invalid IP",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.netdev, tt.nic.netdev("n", 7))
			assert.Equal(t, tt.lease, tt.nic.Lease().String())
			assert.Equal(t, tt.router, tt.nic.Router().String())
		})
	}
}

func TestMachineArgs(t *testing.T) {
	m := Machine{
		Image: Built{Disk: "/c/disk.raw", Kernel: "/c/vmlinuz", Initrd: "/c/initrd.img"},
		Seed:  "/t/seed.iso", Dir: "/t", Accel: AccelTCG, KernelArgs: []string{"net.ifnames=0"},
		NICs: []NIC{{MAC: mac("02:00:00:00:00:01"), Kind: NetPod}, {MAC: mac("02:00:00:aa:bb:cc"), Kind: NetIsolated}},
	}
	args := strings.Join(m.args(), " ")
	for _, want := range []string{
		"-machine q35,accel=tcg -cpu qemu64",
		"-append root=/dev/vda rw console=ttyS0 panic=-1 net.ifnames=0",
		"-drive file=/c/disk.raw,format=raw,if=virtio,snapshot=on",
		"-drive file=/t/seed.iso,format=raw,if=virtio,readonly=on",
		"-serial file:/t/console.log -serial file:/t/report.log",
		"-device pcie-root-port,id=rp1,chassis=1,slot=1 -netdev user,id=net0,",
		"-device virtio-net-pci,netdev=net0,mac=02:00:00:00:00:01,bus=rp1",
		"-device pcie-root-port,id=rp2,chassis=2,slot=2 -netdev hubport,id=net1,hubid=2",
		"-device virtio-net-pci,netdev=net1,mac=02:00:00:aa:bb:cc,bus=rp2",
	} {
		assert.Contains(t, args, want)
	}
	m.Accel = AccelKVM
	assert.Contains(t, m.args(), "host", "KVM passes the host CPU through")
	assert.Contains(t, m.Command(), "-append 'root=/dev/vda rw console=ttyS0 panic=-1 net.ifnames=0'", "quoted for a shell")
}

func TestMachineRunNeedsTimeout(t *testing.T) {
	_, err := Machine{}.Run(t.Context())
	assert.ErrorContains(t, err, "timeout")
}

// fakeQEMU puts a qemu-system-x86_64 that runs script first in PATH. The
// script sees QEMU's arguments; $report is the file of the second serial
// port.
func fakeQEMU(t *testing.T, script string) {
	t.Helper()
	dir := t.TempDir()
	body := "#!/bin/sh\nreport=\nfor a in \"$@\"; do case $a in file:*report.log) report=${a#file:} ;; esac; done\n" + script + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "qemu-system-x86_64"), []byte(body), 0o755))
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
}

// TestMachineRun checks how Run ends, with a fake QEMU.
func TestMachineRun(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("Run puts QEMU in a new network namespace; as non-root that needs user namespaces, which this test does not assume")
	}
	tests := []struct {
		name   string
		script string
		err    string
	}{
		{name: "a report and power-off", script: "printf '%s\\n--- x\\naGkK\\n%s\\n' '" + reportBegin + "' '" + reportEnd + "' > \"$report\""},
		{name: "power-off without a report", script: "exit 0", err: ErrNoReport.Error()},
		{name: "QEMU fails", script: "echo 'no such device' >&2; exit 1", err: "no such device"},
		{name: "no power-off in time", script: "exec sleep 600", err: "did not power off within 2s"},
		{
			name:   "no network outside QEMU",
			script: "n=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\\n' ' '); [ \"$n\" = 'lo ' ] || { echo \"interfaces: $n\" >&2; exit 1; }",
			err:    ErrNoReport.Error(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakeQEMU(t, tt.script)
			m := Machine{Image: Built{Kernel: "k", Initrd: "i", Disk: "d"}, Seed: "s", Dir: t.TempDir(), Accel: AccelTCG, Timeout: 2 * time.Second}
			start := time.Now()
			boot, err := m.Run(t.Context())
			assert.Less(t, time.Since(start), 20*time.Second, "the timeout bounds the boot")
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			r, err := ParseReport(boot.Report)
			require.NoError(t, err)
			assert.Equal(t, Report{"x": "hi\n"}, r)
		})
	}
}

func TestParseReport(t *testing.T) {
	out := "kernel noise\r\n" + reportBegin + "\r\n--- addr\r\nW10=\r\n--- empty\r\n\r\n--- text\r\naGVsbG8K\r\n" + reportEnd + "\r\n--- after\r\nx\r\n"
	r, err := ParseReport([]byte(out))
	require.NoError(t, err)
	assert.Equal(t, Report{"addr": "[]", "empty": "", "text": "hello\n"}, r)

	_, err = ParseReport([]byte(reportBegin + "\n--- addr\nW10=\n"))
	assert.True(t, errors.Is(err, ErrNoReport), "a report cut short: %v", err)
	_, err = ParseReport([]byte("nothing\n"))
	assert.True(t, errors.Is(err, ErrNoReport))
	_, err = ParseReport([]byte(reportBegin + "\n--- addr\n!!!\n" + reportEnd + "\n"))
	assert.ErrorContains(t, err, "section addr")
}

func TestSeedUserData(t *testing.T) {
	s := Seed{InstanceID: "i", NetworkConfig: []byte("network: {version: 2}\n"), WaitFor: []netip.Addr{ip("10.0.2.15"), ip("10.0.3.15")}}
	ud, err := s.userData()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(ud), "#cloud-config\n"))
	var doc struct {
		WriteFiles []map[string]string `json:"write_files"`
		Runcmd     [][]string          `json:"runcmd"`
	}
	require.NoError(t, yaml.UnmarshalStrict(ud, &doc))
	require.Len(t, doc.WriteFiles, 1)
	assert.Equal(t, reportScript, doc.WriteFiles[0]["content"])
	assert.Equal(t, reportPath, doc.WriteFiles[0]["path"])
	assert.Equal(t, [][]string{{"env", "WAIT_SECONDS=30", reportPath, "10.0.2.15", "10.0.3.15"}}, doc.Runcmd)
}

func TestWriteSeed(t *testing.T) {
	requireTools(t, "cloud-localds")
	dir := t.TempDir()
	iso, err := WriteSeed(t.Context(), dir, Seed{InstanceID: "guestvm-test", NetworkConfig: []byte("network: {version: 2}\n")})
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "seed.iso"), iso)
	b, err := os.ReadFile(iso)
	require.NoError(t, err)
	assert.True(t, bytes.Contains(bytes.ToLower(b), []byte("cidata")), "a NoCloud seed has the volume label cidata")
	md, err := os.ReadFile(filepath.Join(dir, "meta-data"))
	require.NoError(t, err)
	assert.Equal(t, "instance-id: guestvm-test\nlocal-hostname: guestvm\n", string(md))
}

func TestImages(t *testing.T) {
	var names []string
	for _, im := range Images() {
		names = append(names, im.Name)
		assert.Len(t, im.Key(), 16)
		got, ok := ImageByName(im.Name)
		assert.True(t, ok)
		assert.Equal(t, im, got)
		assert.Contains(t, []string{"netplan", "eni", "networkd", "network-manager"}, im.Renderer)
		_, known := SuiteByName(im.Suite)
		assert.True(t, known, "%s: suite %q", im.Name, im.Suite)
		// cloud-init (22.4 and 25.1) picks eni whenever ifupdown is there,
		// then netplan, then network-manager, so an image meant for a later
		// renderer must not have the tools of an earlier one.
		assert.Equal(t, im.Renderer == "eni", slices.Contains(im.include(), "ifupdown"), "%s: ifupdown decides eni", im.Name)
		assert.Equal(t, im.Renderer == "netplan", slices.Contains(im.include(), "netplan.io"), "%s: netplan.io", im.Name)
		assert.Equal(t, im.Renderer == "network-manager", slices.Contains(im.include(), "network-manager"), "%s: network-manager", im.Name)
	}
	assert.Equal(t, append(names, sysconfigColumn), columnNames(), "the expectation rows' columns are the images, then sysconfig")
	assert.NotContains(t, names, sysconfigColumn, "no image is named after the files column")
	slices.Sort(names)
	assert.Len(t, slices.Compact(names), len(Images()), "image names are unique")
	_, ok := ImageByName("nope")
	assert.False(t, ok)

	a, _ := ImageByName("eni")
	b := a
	b.Packages = append(append([]string(nil), a.Packages...), "vim")
	assert.NotEqual(t, a.Key(), b.Key(), "the key covers the packages")
	assert.Equal(t, a.Key(), a.Key())
	assert.Contains(t, string(buildScript), "debootstrap --variant=minbase")
}

func TestCacheDir(t *testing.T) {
	t.Setenv("GUESTNET_GUESTVM_CACHE", "/var/cache/guestnet")
	d, err := CacheDir()
	require.NoError(t, err)
	assert.Equal(t, "/var/cache/guestnet", d)
	t.Setenv("GUESTNET_GUESTVM_CACHE", "")
	t.Setenv("XDG_CACHE_HOME", "/x")
	d, err = CacheDir()
	require.NoError(t, err)
	assert.Equal(t, "/x/guestnet/guestvm", d)
}

func TestBuiltVersions(t *testing.T) {
	b := Built{Packages: map[string]string{
		"cloud-init": "22.4.2-1", "netplan.io": "0.106", "linux-image-amd64": "6.1.1", "linux-image-6.1.0-40-amd64": "6.1.153-1", "vim": "9",
	}}
	assert.Equal(t, map[string]string{"cloud-init": "22.4.2-1", "netplan.io": "0.106", "linux-image": "6.1.0-40-amd64 6.1.153-1"}, b.Versions())
}

func TestImageGeneration(t *testing.T) {
	for _, tt := range []struct{ suite, want string }{
		{"bookworm", "Debian 12"},
		{"trixie", "Debian 13"},
		{"sid", "sid"}, // unknown suites name themselves
	} {
		assert.Equal(t, tt.want, Image{Suite: tt.suite}.Generation(), "suite %s", tt.suite)
	}
	for _, s := range Suites {
		got, ok := SuiteByName(s.Name)
		assert.True(t, ok)
		assert.Equal(t, s.Name, got.Name)
		assert.Len(t, baseKey(s), 16)
	}
	_, ok := SuiteByName("sid")
	assert.False(t, ok)
	assert.NotEqual(t, baseKey(Suites[0]), baseKey(Suites[1]), "each suite has a base of its own")
}
