package guestvm

import (
	"bufio"
	"context"
	"crypto/sha256"
	_ "embed" // the image build script
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

//go:embed build-image.sh
var buildScript []byte

// Suite is the Debian release every image is built from.
const Suite = "bookworm"

// basePackages are installed in every image, beyond debootstrap's minbase
// variant: a kernel, systemd as init, cloud-init and the tools the report
// script runs. dbus and python3-cffi-backend are dependencies that
// debootstrap does not resolve by itself (of systemd-resolved and of
// cloud-init's python3-cryptography); isc-dhcp-client is a dependency of
// cloud-init, listed to make it explicit. qemu-guest-agent answers the
// harness's guest-network-get-interfaces over the virtio-serial channel,
// as it answers virt-launcher in a KubeVirt VM; udev starts it when the
// channel's port appears.
var basePackages = []string{
	"linux-image-amd64", "systemd-sysv", "udev", "cloud-init", "iproute2",
	"isc-dhcp-client", "dbus", "python3-cffi-backend", "qemu-guest-agent",
}

// cloudConfig is written to /etc/cloud/cloud.cfg.d/90-guestvm.cfg in every
// image. It reads only the NoCloud seed, and it trims cloud-init's module
// lists to what the report needs (write_files, runcmd), which saves about
// fifteen seconds a boot under software emulation; network configuration
// is not a module and is applied as in a stock image.
const cloudConfig = `# guestvm: read only the NoCloud seed, never a network datasource.
datasource_list: [NoCloud, None]
# guestvm: only the modules the report needs.
cloud_init_modules: [write-files, set_hostname, update_hostname]
cloud_config_modules: [runcmd]
cloud_final_modules: [scripts-user]
`

// maskedUnits are masked in every image: systemd-networkd-wait-online
// would hold the boot for two minutes when a link never comes up (the
// report waits for the addresses it needs instead).
var maskedUnits = []string{"systemd-networkd-wait-online.service"}

// Image is the recipe of a Debian 12 guest image. Everything in it, with
// the build script, goes into the image's cache key.
type Image struct {
	// Name names the image in test names and in the results, as
	// "netplan" in TestGuests/netplan/seed.
	Name string `json:"name"`
	// Renderer is the network renderer cloud-init 22.4 is expected to pick
	// in this image (its priority is eni, sysconfig, netplan, ..., networkd:
	// the first one whose tools are installed).
	Renderer string `json:"renderer"`
	// Summary says what sets the image apart, for people.
	Summary string `json:"summary"`
	// Packages are installed beyond basePackages.
	Packages []string `json:"packages"`
	// Enable lists systemd units to enable.
	Enable []string `json:"enable,omitempty"`
}

// Images are the guest images TestGuests boots. Debian's default install
// has ifupdown and isc-dhcp-client (priority important) but not net-tools
// (optional), so "eni" is the default Debian package set and
// "eni-net-tools" adds net-tools' route, which cloud-init's eni renderer
// uses for static routes.
func Images() []Image {
	return []Image{
		{
			Name: "netplan", Renderer: "netplan",
			Summary:  "netplan.io with systemd-networkd and systemd-resolved, no ifupdown (as Debian's cloud images)",
			Packages: []string{"netplan.io", "systemd-resolved"},
		},
		{
			Name: "eni", Renderer: "eni",
			Summary:  "ifupdown and isc-dhcp-client, no netplan, no net-tools (Debian's default package set)",
			Packages: []string{"ifupdown"},
		},
		{
			Name: "eni-net-tools", Renderer: "eni",
			Summary:  "as eni, plus net-tools",
			Packages: []string{"ifupdown", "net-tools"},
		},
		{
			Name: "networkd", Renderer: "networkd",
			Summary:  "systemd-networkd (enabled) and systemd-resolved, no netplan, no ifupdown",
			Packages: []string{"systemd-resolved"},
			Enable:   []string{"systemd-networkd.service"},
		},
	}
}

// ImageByName returns the image of Images with that name.
func ImageByName(name string) (Image, bool) {
	for _, im := range Images() {
		if im.Name == name {
			return im, true
		}
	}
	return Image{}, false
}

// include is the debootstrap --include list.
func (im Image) include() []string {
	return append(append([]string(nil), basePackages...), im.Packages...)
}

// Key is the image's cache key: a hash of its recipe (packages, units,
// cloud-init configuration, suite) and of the build script. The mirror is
// not part of it: the same recipe from another mirror is the same image.
func (im Image) Key() string {
	h := sha256.New()
	recipe := struct {
		Suite        string
		Include      []string
		Enable, Mask []string
		CloudConfig  string
		DiskSize     string
	}{Suite, im.include(), im.Enable, maskedUnits, cloudConfig, diskSize}
	b, err := json.Marshal(recipe)
	if err != nil {
		panic(err) // plain strings always marshal
	}
	h.Write(b)
	h.Write([]byte{0})
	h.Write(buildScript)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// diskSize is the size of every image's ext4 file system; the disk file is
// sparse, and QEMU writes to a temporary overlay (snapshot=on), so the
// cached file is never modified.
const diskSize = "2G"

// Built is an image in the cache, ready to boot.
type Built struct {
	Image
	// Dir is the image's cache directory, named after Name and Key.
	Dir string
	// Disk, Kernel and Initrd are the files to boot: a raw ext4 file system
	// and the kernel and initramfs taken from it.
	Disk, Kernel, Initrd string
	// Packages maps installed package names to their versions.
	Packages map[string]string
	// BuildTime is how long the build took; zero when the image came from
	// the cache.
	BuildTime time.Duration
}

// Versions returns the versions of the packages that decide how the guest
// configures its network, for the results.
func (b Built) Versions() map[string]string {
	out := map[string]string{}
	for _, p := range []string{"cloud-init", "netplan.io", "systemd", "ifupdown", "isc-dhcp-client", "net-tools", "iproute2", "udev"} {
		if v, ok := b.Packages[p]; ok {
			out[p] = v
		}
	}
	for p, v := range b.Packages {
		if strings.HasPrefix(p, "linux-image-") && p != "linux-image-amd64" {
			out["linux-image"] = strings.TrimPrefix(p, "linux-image-") + " " + v
		}
	}
	return out
}

// BuildOptions configure BuildImage.
type BuildOptions struct {
	// CacheDir holds the images and the downloaded packages. See CacheDir.
	CacheDir string
	// Mirror is the Debian mirror; empty means DefaultMirror.
	Mirror string
	// Timeout bounds the whole build; zero means 30 minutes. Each step of
	// the script is also bounded (15 minutes).
	Timeout time.Duration
	// Log receives the script's progress lines; it may be nil.
	Log io.Writer
}

// DefaultMirror is the Debian mirror images are built from unless
// GUESTNET_DEBIAN_MIRROR names another.
const DefaultMirror = "http://deb.debian.org/debian"

// CacheDir is where images are cached: $GUESTNET_GUESTVM_CACHE when set,
// else guestnet/guestvm under the user's cache directory
// ($XDG_CACHE_HOME, by default ~/.cache).
func CacheDir() (string, error) {
	if d := os.Getenv("GUESTNET_GUESTVM_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory: set GUESTNET_GUESTVM_CACHE: %w", err)
	}
	return filepath.Join(d, "guestnet", "guestvm"), nil
}

// BuildImage returns the image from the cache, building it first when the
// cache has no image with its key. Builds are serialised across processes
// by a lock file in the cache directory; a build is written to a temporary
// directory and renamed into place, so the cache never holds half an
// image. Building needs root, debootstrap, mkfs.ext4 (e2fsprogs 1.43 or
// later, for -d) and the Debian mirror.
func BuildImage(ctx context.Context, im Image, o BuildOptions) (Built, error) {
	if o.CacheDir == "" {
		return Built{}, errors.New("guestvm: no cache directory")
	}
	if o.Mirror == "" {
		o.Mirror = DefaultMirror
	}
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Minute
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	imagesDir := filepath.Join(o.CacheDir, "images")
	if err := os.MkdirAll(imagesDir, 0o755); err != nil {
		return Built{}, err
	}
	dir := filepath.Join(imagesDir, im.Name+"-"+im.Key())
	if b, err := load(im, dir); err == nil {
		return b, nil
	}

	unlock, err := lock(ctx, filepath.Join(o.CacheDir, "build.lock"))
	if err != nil {
		return Built{}, err
	}
	defer unlock()
	if b, err := load(im, dir); err == nil { // built while we waited
		return b, nil
	}

	start := time.Now()
	tmp, err := os.MkdirTemp(imagesDir, ".build-"+im.Name+"-")
	if err != nil {
		return Built{}, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "image")
	script := filepath.Join(tmp, "build-image.sh")
	if err := os.WriteFile(script, buildScript, 0o755); err != nil {
		return Built{}, err
	}

	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", script)
	cmd.Env = append(os.Environ(),
		"OUT="+out,
		"SUITE="+Suite,
		"MIRROR="+o.Mirror,
		"INCLUDE="+strings.Join(im.include(), ","),
		"ENABLE="+strings.Join(im.Enable, " "),
		"MASK="+strings.Join(maskedUnits, " "),
		"CLOUD_CFG="+cloudConfig,
		"DISK_SIZE="+diskSize,
		"DEB_CACHE="+filepath.Join(o.CacheDir, "debs"),
		"STEP_TIMEOUT=900",
	)
	cmd.Stdout, cmd.Stderr = o.Log, o.Log
	// The script runs debootstrap and chroot: end the whole group on
	// timeout, not only bash.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 30 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		return Built{}, fmt.Errorf("guestvm: building image %s: %w (log lines above; debootstrap.log and second-pass.log are removed with the build directory)", im.Name, err)
	}
	elapsed := time.Since(start)
	meta := buildMeta{Image: im, Key: im.Key(), Mirror: o.Mirror, Built: time.Now().UTC().Format(time.RFC3339), Seconds: elapsed.Seconds()}
	b, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return Built{}, err
	}
	if err := os.WriteFile(filepath.Join(out, "image.json"), b, 0o644); err != nil {
		return Built{}, err
	}
	if err := os.Rename(out, dir); err != nil {
		return Built{}, err
	}
	built, err := load(im, dir)
	built.BuildTime = elapsed
	return built, err
}

// buildMeta is written next to a built image.
type buildMeta struct {
	Image   Image   `json:"image"`
	Key     string  `json:"key"`
	Mirror  string  `json:"mirror"`
	Built   string  `json:"built"`
	Seconds float64 `json:"seconds"`
}

// load reads a built image from dir.
func load(im Image, dir string) (Built, error) {
	b := Built{
		Image:  im,
		Dir:    dir,
		Disk:   filepath.Join(dir, "disk.raw"),
		Kernel: filepath.Join(dir, "vmlinuz"),
		Initrd: filepath.Join(dir, "initrd.img"),
	}
	for _, f := range []string{b.Disk, b.Kernel, b.Initrd, filepath.Join(dir, "image.json")} {
		if _, err := os.Stat(f); err != nil {
			return Built{}, err
		}
	}
	f, err := os.Open(filepath.Join(dir, "packages.txt"))
	if err != nil {
		return Built{}, err
	}
	defer f.Close()
	b.Packages = map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, version, ok := strings.Cut(sc.Text(), " "); ok && version != "" {
			b.Packages[name] = version
		}
	}
	return b, sc.Err()
}

// lock takes an exclusive flock on path, waiting until ctx is done.
func lock(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, err
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("guestvm: waiting for %s: %w", path, ctx.Err())
		case <-time.After(time.Second):
		}
	}
}
