package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guestnet/guestnet/internal/guestvm"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	results := filepath.Join(dir, "results")
	require.NoError(t, os.Mkdir(results, 0o755))
	rs := guestvm.Results{
		Columns:   []guestvm.Column{{Name: "netplan", Renderer: "netplan", Source: guestvm.SourceGuest, Summary: "s"}},
		Scenarios: []guestvm.ScenarioInfo{{Name: "seed", Summary: "the seed"}},
		Runs:      []guestvm.Run{{Column: "netplan", Scenario: "seed", Facts: []guestvm.Fact{{Construct: guestvm.MTU, Network: "a", Outcome: guestvm.Applied}}}},
	}
	require.NoError(t, rs.Write(filepath.Join(results, "guests.json")))
	readme := filepath.Join(dir, "README.md")
	require.NoError(t, os.WriteFile(readme, []byte("# r\n<!-- guest-compat:begin -->\n<!-- guest-compat:end -->\nrest\n"), 0o644))
	args := []string{"-readme", readme, "-results", results}

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{name: "check finds it out of date", args: append(args, "-check"), code: 1, stderr: "out of date"},
		{name: "rewrite", args: args, code: 0, stdout: "rewrote"},
		{name: "check passes", args: append(args, "-check"), code: 0},
		{name: "rewrite again changes nothing", args: args, code: 0},
		{name: "print", args: append(args, "-print"), code: 0, stdout: "| `mtu` | **applied** |"},
		{name: "no results", args: []string{"-readme", readme, "-results", dir}, code: 1, stderr: "no results files"},
		{name: "bad flag", args: []string{"-nope"}, code: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			assert.Equal(t, tt.code, run(tt.args, &stdout, &stderr), "stderr: %s", stderr.String())
			if tt.stdout == "" {
				assert.Empty(t, stdout.String())
			} else {
				assert.Contains(t, stdout.String(), tt.stdout)
			}
			assert.Contains(t, stderr.String(), tt.stderr)
		})
	}
	b, err := os.ReadFile(readme)
	require.NoError(t, err)
	assert.Contains(t, string(b), "<!-- guest-compat:begin -->\nWhat guests do")
	assert.Contains(t, string(b), "<!-- guest-compat:end -->\nrest\n")
}
