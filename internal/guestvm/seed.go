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
}

// userData is the seed's user-data: it installs the report script and runs
// it from runcmd, in cloud-init's final stage.
func (s Seed) userData() ([]byte, error) {
	wait := s.WaitSeconds
	if wait == 0 {
		wait = 30
	}
	run := []string{"env", "WAIT_SECONDS=" + strconv.Itoa(wait), reportPath}
	for _, a := range s.WaitFor {
		run = append(run, a.String())
	}
	doc := map[string]any{
		"write_files": []map[string]string{{
			"path": reportPath, "permissions": "0755", "content": reportScript,
		}},
		"runcmd": [][]string{run},
	}
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
