package guestvm

import (
	"context"
	_ "embed" // the report script
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

//go:embed report.sh
var reportScript string

// The report's framing lines.
const (
	reportBegin = "=== guestvm-report begin"
	reportEnd   = "=== guestvm-report end"
)

// reportPath is where user-data writes the report script in the guest.
const reportPath = "/usr/local/sbin/guestvm-report"

// Seed is a NoCloud seed.
type Seed struct {
	// InstanceID is the meta-data instance-id.
	InstanceID string
	// NetworkConfig is the network-config file: guestnet's output.
	NetworkConfig []byte
	// WaitFor are addresses the report script waits for before it looks
	// at the network (the DHCP leases a boot should get).
	WaitFor []netip.Addr
	// WaitSeconds bounds that wait; zero means 30 seconds.
	WaitSeconds int
	// EveryBoot makes the report run at every boot of the instance, not
	// only the first: runcmd runs once per instance, so user-data also
	// installs and enables a systemd unit that runs the report after
	// cloud-init's final stage from the next boot on. The unit is wanted
	// by cloud-init.target: cloud-final.service is ordered after
	// multi-user.target, so a unit wanted by multi-user.target and ordered
	// after cloud-final makes a cycle, and systemd drops its job.
	EveryBoot bool
	// Script writes user-data as a shell script, which cloud-init runs
	// once per instance like runcmd, instead of cloud-config: a guest
	// whose user data is not cloud-config.
	Script bool
	// Transform, when set, rewrites the user-data before it is written,
	// as cloudinit.NetworkEveryBoot does.
	Transform func([]byte) ([]byte, error)
}

// reportUnit is the systemd unit that runs the report at every boot
// after the first (see Seed.EveryBoot).
const reportUnit = "/etc/systemd/system/guestvm-report.service"

// userData is the seed's user-data: it installs the report script and runs
// it from runcmd, in cloud-init's final stage.
func (s Seed) userData() ([]byte, error) {
	ud, err := s.plainUserData()
	if err != nil || s.Transform == nil {
		return ud, err
	}
	return s.Transform(ud)
}

// plainUserData is the user-data before Transform.
func (s Seed) plainUserData() ([]byte, error) {
	wait := s.WaitSeconds
	if wait == 0 {
		wait = 30
	}
	run := []string{"env", "WAIT_SECONDS=" + strconv.Itoa(wait), reportPath}
	for _, a := range s.WaitFor {
		run = append(run, a.String())
	}
	files := []map[string]string{{"path": reportPath, "permissions": "0755", "content": reportScript}}
	var cmds [][]string
	if s.EveryBoot {
		unit := "[Unit]\nDescription=guestvm report, at every boot after the first\nAfter=cloud-final.service\n\n" +
			"[Service]\nType=oneshot\nExecStart=" + strings.Join(run, " ") + "\n\n[Install]\nWantedBy=cloud-init.target\n"
		files = append(files, map[string]string{"path": reportUnit, "permissions": "0644", "content": unit})
		cmds = append(cmds, []string{"systemctl", "enable", "guestvm-report.service"})
	}
	cmds = append(cmds, run)
	if s.Script {
		var b strings.Builder
		b.WriteString("#!/bin/sh\n# guestvm: the report, installed and run by a user-data script.\nset -e\n")
		for _, f := range files {
			fmt.Fprintf(&b, "cat >%s <<'GUESTVM_EOF'\n%sGUESTVM_EOF\nchmod %s %s\n", f["path"], f["content"], f["permissions"], f["path"])
		}
		for _, c := range cmds {
			b.WriteString(strings.Join(c, " ") + "\n")
		}
		return []byte(b.String()), nil
	}
	doc := map[string]any{"write_files": files, "runcmd": cmds}
	b, err := yaml.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return append([]byte("#cloud-config\n"), b...), nil
}

// WriteSeed writes meta-data, user-data and network-config into dir and
// makes them a NoCloud seed ISO with cloud-localds, whose path it returns.
func WriteSeed(ctx context.Context, dir string, s Seed) (string, error) {
	ud, err := s.userData()
	if err != nil {
		return "", err
	}
	md := fmt.Sprintf("instance-id: %s\nlocal-hostname: guestvm\n", s.InstanceID)
	files := map[string][]byte{"meta-data": []byte(md), "user-data": ud, "network-config": s.NetworkConfig}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return "", err
		}
	}
	iso := filepath.Join(dir, "seed.iso")
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "cloud-localds", "-N", filepath.Join(dir, "network-config"),
		iso, filepath.Join(dir, "user-data"), filepath.Join(dir, "meta-data"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("guestvm: cloud-localds: %w: %s", err, out)
	}
	return iso, nil
}
