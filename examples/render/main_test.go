package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guestnet/guestnet/netconfig/netplan"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// specs is where the example spec files are.
const specs = "../specs/"

// result is what one run of the command did.
type result struct {
	code           int
	stdout, stderr string
}

// render runs the command with args and stdin.
func render(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(stdin), &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

// lines splits output into its lines.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// requireFailed checks that r is a run that failed (exit code 1) with
// nothing on stdout and one line on stderr for each of want, which starts
// with it.
func requireFailed(t *testing.T, r result, want []string) {
	t.Helper()
	assert.Equal(t, 1, r.code)
	assert.Empty(t, r.stdout)
	got := lines(r.stderr)
	require.Len(t, got, len(want), "stderr:\n%s", r.stderr)
	for i, w := range want {
		assert.True(t, strings.HasPrefix(got[i], w), "stderr line %d:\n got: %s\nwant: %s...", i, got[i], w)
	}
}

// warningLine is the form of a warning: code, network, message.
var warningLine = regexp.MustCompile(`^warning: [A-Za-z]+: (network [^:]+: )?\S.*$`)

// TestExamples renders the example spec files and compares the output with
// golden files under testdata/; run with -update to rewrite them.
func TestExamples(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{name: "seed", args: []string{"--spec", specs + "seed.yaml"}},
		{name: "seed-list", args: []string{"--spec", specs + "seed-list.yaml"}},
		{name: "dual-stack", args: []string{"--spec", specs + "dual-stack.yaml", "--network-status", specs + "network-status.json", "--vmi", specs + "vmi.yaml"}},
		{name: "dual-stack-netplan-routes", args: []string{"--spec", specs + "dual-stack.yaml", "--network-status", specs + "network-status.json", "--vmi", specs + "vmi.yaml", "--default-route=netplan"}},
		{name: "dual-stack-spec-only", args: []string{"--spec", specs + "dual-stack.yaml"}},
		{name: "dual-stack-vm", args: []string{"--spec", specs + "dual-stack-ipconfig.yaml", "--vm", specs + "dual-stack-vm.yaml"}},
		{name: "masquerade-dual-stack", args: []string{"--spec", specs + "masquerade-dual-stack.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := render(t, "", tt.args...)
			require.Equal(t, 0, r.code, "stderr:\n%s", r.stderr)
			_, err := netplan.Parse([]byte(r.stdout))
			require.NoError(t, err, "stdout is not a netplan document:\n%s", r.stdout)
			for _, l := range lines(r.stderr) {
				assert.Regexp(t, warningLine, l)
			}

			got := fmt.Sprintf("# render %s\n# stdout:\n%s# stderr:\n%s", strings.Join(tt.args, " "), r.stdout, r.stderr)
			golden := filepath.Join("testdata", tt.name+".golden")
			if *update {
				require.NoError(t, os.MkdirAll("testdata", 0o755))
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./examples/render -run TestExamples -update to create it")
			assert.Equal(t, string(want), got)
		})
	}
}

func TestDualStackUsesEveryInput(t *testing.T) {
	r := render(t, "", "--spec", specs+"dual-stack.yaml", "--network-status", specs+"network-status.json", "--vmi", specs+"vmi.yaml")
	require.Equal(t, 0, r.code, "stderr:\n%s", r.stderr)
	cfg, err := netplan.Parse([]byte(r.stdout))
	require.NoError(t, err)
	eth := cfg.Network.Ethernets

	require.Contains(t, eth, "eth0")
	assert.Equal(t, &netplan.Match{MACAddress: "02:6a:2f:00:00:01"}, eth["eth0"].Match, "the pod network's MAC comes from the VMI's status")
	assert.True(t, eth["eth0"].DHCP4)

	require.Contains(t, eth, "eth1")
	assert.Equal(t, &netplan.Match{MACAddress: "02:6a:2f:00:00:02"}, eth["eth1"].Match, "storage's MAC comes from the spec file")
	assert.Equal(t, []string{"10.20.0.10/24", "fd00:20::10/64"}, eth["eth1"].Addresses)
	assert.Equal(t, 9000, eth["eth1"].MTU)

	require.Contains(t, eth, "eth2")
	assert.Equal(t, &netplan.Match{MACAddress: "02:6a:2f:00:00:03"}, eth["eth2"].Match, "mgmt's MAC comes from the VMI")
	assert.True(t, eth["eth2"].DHCP4)

	require.Contains(t, eth, "eth3")
	assert.Nil(t, eth["eth3"].Match, "legacy has no MAC anywhere")
	assert.Contains(t, r.stderr, "warning: InterfaceNameFallback: network legacy: ")
	assert.NotContains(t, r.stderr, "network default: no MAC")

	// The MACs read from the VMI's status change when the VM restarts; the
	// spec file's does not.
	assert.Contains(t, r.stderr, "warning: EphemeralMAC: network default: ")
	assert.Contains(t, r.stderr, "warning: EphemeralMAC: network mgmt: ")
	assert.NotContains(t, r.stderr, "warning: EphemeralMAC: network storage: ")
}

func TestStandardInput(t *testing.T) {
	seed, err := os.ReadFile(specs + "seed.yaml")
	require.NoError(t, err)
	fromFile := render(t, "", "--spec", specs+"seed.yaml")
	require.Equal(t, 0, fromFile.code)

	t.Run("spec", func(t *testing.T) {
		r := render(t, string(seed), "--spec", "-")
		assert.Equal(t, fromFile, r)
	})
	t.Run("network status as a Pod manifest", func(t *testing.T) {
		status, err := os.ReadFile(specs + "network-status.json")
		require.NoError(t, err)
		pod := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: virt-launcher-dual-stack-abcde\n  namespace: vms\n  annotations:\n    k8s.v1.cni.cncf.io/network-status: |\n" +
			indent(string(status), "      ") + "spec:\n  containers: [{name: compute, image: virt-launcher}]\n"
		fromPod := render(t, pod, "--spec", specs+"dual-stack.yaml", "--network-status", "-")
		fromJSON := render(t, "", "--spec", specs+"dual-stack.yaml", "--network-status", specs+"network-status.json")
		require.Equal(t, 0, fromPod.code, "stderr:\n%s", fromPod.stderr)
		assert.Equal(t, fromJSON, fromPod)
	})
	t.Run("VMI", func(t *testing.T) {
		vmi, err := os.ReadFile(specs + "vmi.yaml")
		require.NoError(t, err)
		r := render(t, string(vmi), "--spec", specs+"dual-stack.yaml", "--vmi", "-")
		require.Equal(t, 0, r.code, "stderr:\n%s", r.stderr)
		assert.Contains(t, r.stdout, `macaddress: "02:6a:2f:00:00:01"`)
	})
}

// indent puts prefix before every line of s.
func indent(s, prefix string) string {
	var b strings.Builder
	for _, l := range lines(s) {
		b.WriteString(prefix + l + "\n")
	}
	return b.String()
}

func TestOptions(t *testing.T) {
	t.Run("omit the pod network", func(t *testing.T) {
		r := render(t, "", "--spec", specs+"seed.yaml", "--omit-pod-network")
		require.Equal(t, 0, r.code, "stderr:\n%s", r.stderr)
		cfg, err := netplan.Parse([]byte(r.stdout))
		require.NoError(t, err)
		assert.NotContains(t, cfg.Network.Ethernets, "eth0")
		assert.Contains(t, cfg.Network.Ethernets, "eth1")
	})
	t.Run("netplan default routes", func(t *testing.T) {
		r := render(t, "", "--spec", specs+"seed.yaml", "--default-route=netplan")
		require.Equal(t, 0, r.code, "stderr:\n%s", r.stderr)
		assert.Contains(t, r.stdout, `to: "default"`)
	})
	t.Run("portable default routes", func(t *testing.T) {
		r := render(t, "", "--spec", specs+"seed.yaml", "--default-route", "portable")
		require.Equal(t, 0, r.code, "stderr:\n%s", r.stderr)
		assert.Contains(t, r.stdout, `to: "0.0.0.0/0"`)
	})
	t.Run("a Pod without the annotation", func(t *testing.T) {
		r := render(t, "kind: Pod\nmetadata: {name: p}\n", "--spec", specs+"seed.yaml", "--network-status", "-")
		require.Equal(t, 0, r.code, "stderr:\n%s", r.stderr)
		assert.Contains(t, r.stderr, "warning: --network-status -: the pod has no k8s.v1.cni.cncf.io/network-status annotation")
	})
	t.Run("an empty network status", func(t *testing.T) {
		r := render(t, "  \n", "--spec", specs+"seed.yaml", "--network-status", "-")
		require.Equal(t, 0, r.code, "stderr:\n%s", r.stderr)
	})
}

func TestInvalidInput(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  []string // the lines of stderr, each a prefix
	}{
		{
			name:  "spec file problems, one line each",
			stdin: "- {name: a, macAddress: nonsense, ipConfig: {mode: static, adress: 10.0.0.1/24, gateway: 10.0.0.1/24}}",
			args:  []string{"--spec", "-"},
			want: []string{
				`error: networks[0].ipConfig.adress: Forbidden: unknown field; did you mean "address"?`,
				`error: networks[0].macAddress: Invalid value: "nonsense": not a MAC address`,
				`error: networks[0].ipConfig.gateway: Invalid value: "10.0.0.1/24": an address without a prefix length`,
			},
		},
		{
			name:  "YAML that does not parse, on one line",
			stdin: "networks:\n- name: a\n  name: b\n",
			args:  []string{"--spec", "-"},
			want:  []string{`error: --spec -: Invalid value: not a valid YAML or JSON document: yaml: unmarshal errors: line 3: key "name" already set in map`},
		},
		{
			name:  "problems Build finds",
			stdin: "- {name: default, pod: {}}\n- {name: ext, multus: {networkName: ext-net}, macAddress: '02:00:00:00:00:02', ipConfig: {mode: static, addresses: [10.0.0.5/24], gateways: [192.168.0.1]}}\n- {name: ext, multus: {networkName: ext-net}, ipConfig: {mode: static}}",
			args:  []string{"--spec", "-"},
			want: []string{
				"error: networks[1].ipConfig.gateways[0]: ",
				"error: networks[2].name: ",
				"error: networks[2].ipConfig.addresses: Required value",
			},
		},
		{
			name: "a spec file that does not exist",
			args: []string{"--spec", "no-such-file.yaml"},
			want: []string{"error: --spec no-such-file.yaml: open no-such-file.yaml: "},
		},
		{
			name:  "a network status that is not JSON",
			stdin: "[{",
			args:  []string{"--spec", specs + "seed.yaml", "--network-status", "-"},
			want:  []string{"error: --network-status -: metadata.annotations[k8s.v1.cni.cncf.io/network-status]: Invalid value: want a JSON array of network status objects"},
		},
		{
			name:  "a network status that is not a Pod",
			stdin: "kind: Service\nmetadata: {name: s}\n",
			args:  []string{"--spec", specs + "seed.yaml", "--network-status", "-"},
			want:  []string{"error: --network-status -: a Service manifest; want the network-status annotation (a JSON array) or a Pod manifest"},
		},
		{
			name:  "a VMI with bad MACs, one line each",
			stdin: "kind: VirtualMachineInstance\nspec:\n  domain:\n    devices:\n      interfaces: [{name: a, macAddress: nonsense}]\nstatus:\n  interfaces: [{name: b, mac: 'ff:ff:ff:ff:ff:ff'}]\n",
			args:  []string{"--spec", specs + "seed.yaml", "--vmi", "-"},
			want: []string{
				`error: --vmi -: spec.domain.devices.interfaces[0].macAddress: Invalid value: "nonsense"`,
				`error: --vmi -: status.interfaces[0].mac: Invalid value: "ff:ff:ff:ff:ff:ff"`,
			},
		},
		{
			name:  "a VirtualMachine instead of a VMI",
			stdin: "kind: VirtualMachine\nmetadata: {name: vm}\n",
			args:  []string{"--spec", specs + "seed.yaml", "--vmi", "-"},
			want:  []string{"error: --vmi -: a VirtualMachine manifest; want a VirtualMachineInstance"},
		},
		{
			name:  "a manifest over the size limit",
			stdin: "kind: VirtualMachine\n#" + strings.Repeat("x", 1<<20),
			args:  []string{"--spec", specs + "seed.yaml", "--vm", "-"},
			want:  []string{"error: --vm -: larger than the limit of 1048576 bytes"},
		},
		{
			name:  "a VMI that is not YAML",
			stdin: "kind: [",
			args:  []string{"--spec", specs + "seed.yaml", "--vmi", "-"},
			want:  []string{"error: --vmi -: not a VirtualMachineInstance manifest: "},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := render(t, tt.stdin, tt.args...)
			requireFailed(t, r, tt.want)
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no arguments", args: nil, want: "error: --spec is required"},
		{name: "unknown flag", args: []string{"--spec", specs + "seed.yaml", "--mac", "x"}, want: "flag provided but not defined: -mac"},
		{name: "two flags read standard input", args: []string{"--spec", "-", "--vmi", "-"}, want: "error: at most one flag may read standard input (-)"},
		{name: "unknown default route style", args: []string{"--spec", specs + "seed.yaml", "--default-route=modern"}, want: `error: --default-route is portable or netplan, not "modern"`},
		{name: "a positional argument", args: []string{"--spec", specs + "seed.yaml", "extra"}, want: `error: unexpected argument "extra"`},
		{name: "a flag without its value", args: []string{"--spec"}, want: "flag needs an argument: -spec"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := render(t, "", tt.args...)
			assert.Equal(t, 2, r.code)
			assert.Empty(t, r.stdout)
			assert.Contains(t, r.stderr, tt.want)
			assert.Contains(t, r.stderr, "usage: render --spec FILE")
		})
	}

	t.Run("help", func(t *testing.T) {
		r := render(t, "", "-h")
		assert.Equal(t, 0, r.code)
		assert.Empty(t, r.stdout)
		assert.Contains(t, r.stderr, "usage: render --spec FILE")
	})
}
