package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// running are the arguments that render dual-stack.yaml for the VMI of
// vmi-running.yaml, whose guest agent reports every address as asked.
var running = []string{"--spec", specs + "dual-stack.yaml", "--network-status", specs + "network-status.json", "--vmi", specs + "vmi-running.yaml"}

// TestExplainAndVerifyExamples compares --explain and --verify on the
// example files with golden files under testdata/; run with -update to
// rewrite them.
func TestExplainAndVerifyExamples(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{name: "dual-stack-explain", args: []string{"--spec", specs + "dual-stack.yaml", "--network-status", specs + "network-status.json", "--vmi", specs + "vmi.yaml", "--explain"}},
		{name: "seed-explain", args: []string{"--spec", specs + "seed.yaml", "--explain"}},
		{name: "dual-stack-verify", args: append(running[:len(running):len(running)], "--verify")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := render(t, "", tt.args...)
			require.Equal(t, 0, r.code, "stderr:\n%s", r.stderr)
			for _, l := range lines(r.stderr) {
				assert.Regexp(t, warningLine, l)
			}
			got := fmt.Sprintf("# render %s\n# stdout:\n%s# stderr:\n%s", strings.Join(tt.args, " "), r.stdout, r.stderr)
			golden := filepath.Join("testdata", tt.name+".golden")
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./examples/render -run TestExplainAndVerifyExamples -update to create it")
			assert.Equal(t, string(want), got)
		})
	}
}

// TestExplainKeepsTheExitStatus: --explain prints a table instead of the
// network config, and exits as the network config would.
func TestExplainKeepsTheExitStatus(t *testing.T) {
	r := render(t, "", "--spec", specs+"dual-stack.yaml", "--explain")
	require.Equal(t, 0, r.code, r.stderr)
	rows := lines(r.stdout)
	require.Len(t, rows, 5, "a header and a row per network")
	assert.True(t, strings.HasPrefix(rows[0], "NETWORK "))
	// The columns are aligned: each row's MATCH column starts where the
	// header's does.
	col := strings.Index(rows[0], "MATCH")
	for _, row := range rows[1:] {
		assert.NotEqual(t, " ", row[col:col+1], row)
		assert.Equal(t, " ", row[col-1:col], row)
	}

	bad := render(t, "- {name: default, pod: {}, ipConfig: {mode: static, addresses: [10.0.0.5/24]}}\n", "--spec", "-", "--explain")
	assert.Equal(t, 1, bad.code)
	assert.Empty(t, bad.stdout)
	assert.Contains(t, bad.stderr, "error: ")
}

// vmiVariant writes vmi-running.yaml with each old string replaced by
// its new one, and returns the path.
func vmiVariant(t *testing.T, oldNew ...string) string {
	t.Helper()
	data, err := os.ReadFile(specs + "vmi-running.yaml")
	require.NoError(t, err)
	text := string(data)
	for i := 0; i < len(oldNew); i += 2 {
		require.Contains(t, text, oldNew[i])
		text = strings.ReplaceAll(text, oldNew[i], oldNew[i+1])
	}
	path := filepath.Join(t.TempDir(), "vmi.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

func TestVerifyExitStatus(t *testing.T) {
	verify := func(vmi string) []string {
		return []string{"--spec", specs + "dual-stack.yaml", "--network-status", specs + "network-status.json", "--vmi", vmi, "--verify"}
	}
	tests := []struct {
		name  string
		vmi   string
		code  int
		lines []string // lines stdout must hold
	}{
		{name: "as asked", vmi: specs + "vmi-running.yaml", code: 0},
		{
			name: "another address on the NIC",
			vmi:  vmiVariant(t, "ipAddresses: [10.20.0.10,", "ipAddresses: [10.20.0.77,", "ipAddress: 10.20.0.10", "ipAddress: 10.20.0.77"),
			code: 3, lines: []string{"storage  Different  eth1 (02:6a:2f:00:00:02) has 10.20.0.77, not 10.20.0.10"},
		},
		{
			name: "name-matched NIC under a predictable name",
			vmi:  vmiVariant(t, "interfaceName: eth3", "interfaceName: enp5s0"),
			code: 3, lines: []string{"legacy   Missing  the guest agent reports no interface named eth3: a guest that names NICs predictably (enp1s0, ...) calls it otherwise"},
		},
		{
			name: "no guest agent",
			vmi: vmiVariant(t, "infoSource: domain, guest-agent, multus-status", "infoSource: domain, multus-status",
				"infoSource: domain, guest-agent\n", "infoSource: domain\n", "infoSource: guest-agent\n", "infoSource: multus-status\n"),
			code: 4, lines: []string{"default  Unknown  the guest agent reported no interface (not installed, or not yet connected)"},
		},
		{
			name: "one NIC not yet reported",
			vmi:  vmiVariant(t, "infoSource: domain, guest-agent\n", "infoSource: domain\n"),
			code: 4, lines: []string{`default  Unknown  the guest agent has not reported the interface with MAC 02:6a:2f:00:00:01 (its infoSource is "domain")`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := render(t, "", verify(tt.vmi)...)
			assert.Equal(t, tt.code, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
			got := lines(r.stdout)
			assert.Len(t, got, 4, "a line per network")
			for _, l := range tt.lines {
				assert.Contains(t, got, l)
			}
		})
	}
}

func TestVerifyUsageAndInvalidInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"--verify without --vmi", []string{"--spec", specs + "dual-stack.yaml", "--verify"}, 2, "error: --verify needs --vmi"},
		{"--verify with --explain", append(running[:len(running):len(running)], "--verify", "--explain"), 2, "error: --explain and --verify cannot be used together"},
		{"--verify with --output", append(running[:len(running):len(running)], "--verify", "--output", "network-data-json"), 2, "error: --explain and --verify print instead of --output"},
		{"--explain with --output", []string{"--spec", specs + "seed.yaml", "--explain", "--output", "vm"}, 2, "error: --output vm needs --vm"},
		{"--vmi not a VMI", []string{"--spec", specs + "dual-stack.yaml", "--vmi", specs + "dual-stack-vm.yaml", "--verify"}, 1, "error: --vmi "},
		{"--vmi missing", []string{"--spec", specs + "dual-stack.yaml", "--vmi", filepath.Join(t.TempDir(), "none.yaml"), "--verify"}, 1, "error: --vmi "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := render(t, "", tt.args...)
			assert.Equal(t, tt.code, r.code, r.stderr)
			assert.Empty(t, r.stdout)
			assert.Contains(t, r.stderr, tt.err)
		})
	}
}
