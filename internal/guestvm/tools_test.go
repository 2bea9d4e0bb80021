package guestvm

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// installHint says how to get what the tests need on Debian 12.
const installHint = "install them with: apt-get install qemu-system-x86 qemu-utils debootstrap cloud-image-utils e2fsprogs cloud-init (building images also needs root)"

// inCI reports whether the CI environment variable asks for missing tools
// to be failures rather than skips.
func inCI() bool {
	v := strings.TrimSpace(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

// lookTool finds a binary in PATH or in the sbin directories, which are
// not in a normal user's PATH on Debian.
func lookTool(name string) (string, bool) {
	if p, err := exec.LookPath(name); err == nil {
		return p, true
	}
	for _, dir := range []string{"/usr/sbin", "/sbin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, true
		}
	}
	return "", false
}

// requireTools ends the test when a tool is missing: with a failure when
// CI is set, else with a skip that says how to install it.
func requireTools(t testing.TB, names ...string) {
	t.Helper()
	var missing []string
	for _, n := range names {
		if _, ok := lookTool(n); !ok {
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := "missing " + strings.Join(missing, ", ") + "; " + installHint
	if inCI() {
		t.Fatalf("%s (CI=%q: the guest tests must not be skipped in CI)", msg, os.Getenv("CI"))
	}
	t.Skipf("%s (with CI=true a missing tool is a failure)", msg)
}

// requireRoot ends the test when not running as root, which debootstrap
// needs: with a failure in CI, else with a skip.
func requireRoot(t testing.TB, why string) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if inCI() {
		t.Fatalf("%s needs root (CI=%q)", why, os.Getenv("CI"))
	}
	t.Skipf("%s needs root; run the tests as root, or build the images once as root (the cache is then used as it is)", why)
}
