package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// installHint says how to get the tools on Debian and Ubuntu.
const installHint = "install them with: apt-get install cloud-init netplan.io"

// cmdTimeout bounds every external command. net-convert takes about half a
// second of CPU; the margin is for loaded CI machines and the race detector.
const cmdTimeout = 2 * time.Minute

// inCI reports whether the CI environment variable asks for missing tools to
// be failures rather than skips.
func inCI() bool {
	v := strings.TrimSpace(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

// lookTool finds a binary in PATH and, since netplan lives in /usr/sbin
// which is not in a normal user's PATH on Debian, in the sbin directories.
func lookTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/bin", "/bin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s is not in PATH nor in /usr/sbin, /sbin", name)
}

// requireTool returns the path of a binary, or ends the test: with a
// failure when CI is set, else with a skip that says how to install it.
func requireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := lookTool(name)
	if err == nil {
		return p
	}
	if inCI() {
		t.Fatalf("%v; the conformance tests must not be skipped in CI (CI=%q): %s", err, os.Getenv("CI"), installHint)
	}
	t.Skipf("%v; %s (with CI=true a missing tool is a failure)", err, installHint)
	return ""
}

// cmdResult is what a finished command left behind.
type cmdResult struct {
	cmdline        string
	stdout, stderr string
	err            error
}

// String describes the run, for failure messages.
func (r cmdResult) String() string {
	status := "exit status 0"
	if r.err != nil {
		status = r.err.Error()
	}
	return fmt.Sprintf("$ %s\n(%s)\n--- stdout:\n%s\n--- stderr:\n%s", r.cmdline, status, r.stdout, r.stderr)
}

// run runs a command with a timeout and no stdin. It fails the test only
// when the command cannot be started or times out; the caller judges the
// exit status.
func run(t testing.TB, bin string, args ...string) cmdResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// Keep the tools' output stable and free of the caller's locale.
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "LANG=C.UTF-8")
	err := cmd.Run()
	res := cmdResult{cmdline: bin + " " + strings.Join(args, " "), stdout: stdout.String(), stderr: stderr.String(), err: err}
	if ctx.Err() != nil {
		t.Fatalf("timed out after %v:\n%s", cmdTimeout, res)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("could not run the command: %v\n%s", err, res)
	}
	return res
}

// netplanGenerate writes doc as DIR/etc/netplan/50-cloud-init.yaml (mode
// 0600, as cloud-init and netplan want it) and runs
// `netplan generate --root-dir DIR`, which must succeed. It returns DIR and
// the command's result (netplan 0.106 prints deprecation warnings for
// gateway4/gateway6 on stderr).
func netplanGenerate(t testing.TB, doc []byte) (string, cmdResult) {
	t.Helper()
	bin := requireTool(t, "netplan")
	root := t.TempDir()
	dir := filepath.Join(root, "etc", "netplan")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "50-cloud-init.yaml"), doc, 0o600))
	res := run(t, bin, "generate", "--root-dir", root)
	require.NoError(t, res.err, "netplan generate rejected the document:\n%s\n--- document:\n%s", res, doc)
	return root, res
}

// netConvert runs `cloud-init devel net-convert -k yaml` on doc with the
// given distro and output renderer and returns the output directory and
// the result. It does not judge the exit status: some tests expect a crash.
func netConvert(t testing.TB, doc []byte, distro, renderer string) (string, cmdResult) {
	t.Helper()
	bin := requireTool(t, "cloud-init")
	tmp := t.TempDir()
	in := filepath.Join(tmp, "network-config")
	require.NoError(t, os.WriteFile(in, doc, 0o600))
	out := filepath.Join(tmp, "out")
	res := run(t, bin, "devel", "net-convert", "-p", in, "-k", "yaml", "-d", out, "-D", distro, "-O", renderer)
	return out, res
}

// mustNetConvert is netConvert for documents the renderer must accept.
func mustNetConvert(t testing.TB, doc []byte, distro, renderer string) string {
	t.Helper()
	out, res := netConvert(t, doc, distro, renderer)
	require.NoError(t, res.err, "cloud-init's %s renderer rejected the document:\n%s\n--- document:\n%s", renderer, res, doc)
	return out
}

// distroFor is the -D option each renderer needs: sysconfig crashes with
// -D debian, so it gets a RHEL flavour.
func distroFor(renderer string) string {
	if renderer == "sysconfig" {
		return "rhel"
	}
	return "debian"
}

// readFile reads a rendered file, failing with the renderer's name when it
// is missing.
func readFile(t testing.TB, what, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err, "%s: expected file %s", what, path)
	return string(b)
}

// helperEnv makes TestMissingToolHelper run; it is set only by
// TestMissingToolPolicy for the test binary it starts.
const helperEnv = "GUESTNET_CONFORMANCE_MISSING_TOOL_HELPER"

// TestMissingToolHelper asks for a tool that does not exist. It does
// nothing unless started by TestMissingToolPolicy.
func TestMissingToolHelper(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("run by TestMissingToolPolicy")
	}
	requireTool(t, "guestnet-no-such-tool")
	t.Log("requireTool returned for a missing tool")
}

// TestMissingToolPolicy checks that a missing tool skips the tests with an
// install hint, and fails them when CI is set.
func TestMissingToolPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ci       string // "" leaves CI unset
		wantFail bool
	}{
		{ci: "", wantFail: false},
		{ci: "false", wantFail: false},
		{ci: "true", wantFail: true},
		{ci: "1", wantFail: true},
	}
	for _, tt := range tests {
		t.Run("CI="+tt.ci, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(t.Context(), cmdTimeout)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestMissingToolHelper$", "-test.v", "-test.count=1")
			env := []string{helperEnv + "=1"}
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "CI=") && !strings.HasPrefix(kv, helperEnv+"=") {
					env = append(env, kv)
				}
			}
			if tt.ci != "" {
				env = append(env, "CI="+tt.ci)
			}
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			s := string(out)
			assert.Contains(t, s, "apt-get install cloud-init netplan.io", "the message must say how to install the tools")
			assert.NotContains(t, s, "requireTool returned")
			if tt.wantFail {
				assert.Error(t, err, "with CI=%s a missing tool must fail the test:\n%s", tt.ci, s)
				assert.Contains(t, s, "--- FAIL: TestMissingToolHelper")
			} else {
				assert.NoError(t, err, "without CI a missing tool must skip, not fail:\n%s", s)
				assert.Contains(t, s, "--- SKIP: TestMissingToolHelper")
			}
		})
	}
}
