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
	"slices"
	"strings"
	"syscall"
	"time"
)

//go:embed build-image.sh
var buildScript []byte

// Suites are the Debian releases images are built from, one per
// generation of cloud-init and of the network tools. Every image of a
// suite starts from the same base root file system: debootstrap's minbase
// variant with the suite's Packages.
var Suites = []Suite{
	{
		Name: "bookworm", Generation: "Debian 12",
		// isc-dhcp-client is a dependency of cloud-init 22.4, listed to make
		// it explicit.
		Packages: append(commonPackages(), "isc-dhcp-client", "python3-cffi-backend"),
	},
	{
		Name: "trixie", Generation: "Debian 13",
		// dhcpcd-base is Debian 13's DHCP client (priority important, the
		// first of cloud-init's and ifupdown's alternatives).
		Packages: append(commonPackages(), "python3-cffi-backend", "dhcpcd-base"),
	},
}

// Suite is one Debian release.
type Suite struct {
	// Name is the Debian suite, as debootstrap takes it.
	Name string
	// Generation names the release for people: "Debian 12".
	Generation string
	// Packages are installed in the suite's base, beyond debootstrap's
	// minbase variant.
	Packages []string
}

// SuiteByName returns the suite of Suites with that name.
func SuiteByName(name string) (Suite, bool) {
	for _, s := range Suites {
		if s.Name == name {
			return s, true
		}
	}
	return Suite{}, false
}

// commonPackages are in the base of every suite: a kernel, systemd as
// init, cloud-init and the tools the report script runs. dbus is a
// dependency (of systemd-resolved and NetworkManager) and
// python3-cffi-backend one (of cloud-init's python3-cryptography) that
// debootstrap does not resolve by itself: each suite lists
// python3-cffi-backend after commonPackages, to keep Debian 12's cache key. qemu-guest-agent answers the harness's
// guest-network-get-interfaces over the virtio-serial channel, as it
// answers virt-launcher in a KubeVirt VM; udev starts it when the
// channel's port appears.
func commonPackages() []string {
	return []string{
		"linux-image-amd64", "systemd-sysv", "udev", "cloud-init", "iproute2",
		"dbus", "qemu-guest-agent",
	}
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
// and NetworkManager-wait-online would hold the boot for minutes when a
// link never comes up (the report waits for the addresses it needs
// instead).
var maskedUnits = []string{"systemd-networkd-wait-online.service", "NetworkManager-wait-online.service"}

// Image is the recipe of a Debian guest image. Everything in it, with its
// suite's base and the build script, goes into the image's cache key.
type Image struct {
	// Name names the image in test names and in the results, as
	// "netplan" in TestGuests/netplan/seed.
	Name string `json:"name"`
	// Suite is the Debian release the image is built from (see Suites).
	Suite string `json:"suite"`
	// Renderer is the network renderer cloud-init is expected to pick in
	// this image: the first of its priority list (eni, sysconfig, netplan,
	// network-manager, ..., networkd in 22.4 and 25.1 alike) whose tools
	// are installed; Debian's cloud.cfg does not change the list.
	Renderer string `json:"renderer"`
	// Summary says what sets the image apart, for people.
	Summary string `json:"summary"`
	// Packages are installed beyond the suite's base packages.
	Packages []string `json:"packages"`
	// Enable lists systemd units to enable.
	Enable []string `json:"enable,omitempty"`
}

// Images are the guest images TestGuests boots, Debian 12's then Debian
// 13's. Debian's default install has ifupdown and a DHCP client (priority
// important) but not net-tools (optional), so "eni" is the default Debian
// package set and "eni-net-tools" adds net-tools' route, which cloud-init
// 22.4's eni renderer uses for static routes.
func Images() []Image {
	return []Image{
		{
			Name: "netplan", Suite: "bookworm", Renderer: "netplan",
			Summary:  "netplan.io with systemd-networkd and systemd-resolved, no ifupdown (as Debian's cloud images)",
			Packages: []string{"netplan.io", "systemd-resolved"},
		},
		{
			Name: "eni", Suite: "bookworm", Renderer: "eni",
			Summary:  "ifupdown and isc-dhcp-client, no netplan, no net-tools (Debian's default package set)",
			Packages: []string{"ifupdown"},
		},
		{
			Name: "eni-net-tools", Suite: "bookworm", Renderer: "eni",
			Summary:  "as eni, plus net-tools",
			Packages: []string{"ifupdown", "net-tools"},
		},
		{
			Name: "networkd", Suite: "bookworm", Renderer: "networkd",
			Summary:  "systemd-networkd (enabled) and systemd-resolved, no netplan, no ifupdown",
			Packages: []string{"systemd-resolved"},
			Enable:   []string{"systemd-networkd.service"},
		},
		{
			Name: "netplan-13", Suite: "trixie", Renderer: "netplan",
			Summary:  "netplan.io with systemd-networkd and systemd-resolved, no ifupdown (as Debian's cloud images)",
			Packages: []string{"netplan.io", "systemd-resolved"},
		},
		{
			Name: "networkd-13", Suite: "trixie", Renderer: "networkd",
			Summary:  "systemd-networkd (enabled) and systemd-resolved, no netplan, no ifupdown",
			Packages: []string{"systemd-resolved"},
			Enable:   []string{"systemd-networkd.service"},
		},
		{
			Name: "network-manager-13", Suite: "trixie", Renderer: "network-manager",
			Summary:  "NetworkManager as the only network service, no netplan, no ifupdown, no systemd-resolved (as the Fedora and RHEL families)",
			Packages: []string{"network-manager"},
			Enable:   []string{"NetworkManager.service"},
		},
		{
			Name: "eni-13", Suite: "trixie", Renderer: "eni",
			Summary:  "ifupdown and dhcpcd-base, no netplan, no net-tools (Debian's default package set)",
			Packages: []string{"ifupdown"},
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

// Generation names the image's Debian release for people ("Debian 12"),
// or returns its suite when Suites does not know it.
func (im Image) Generation() string {
	if s, ok := SuiteByName(im.Suite); ok {
		return s.Generation
	}
	return im.Suite
}

// include is every package the image asks for: its suite's base packages,
// then its own.
func (im Image) include() []string {
	s, _ := SuiteByName(im.Suite)
	return append(slices.Clone(s.Packages), im.Packages...)
}

// baseKey is the cache key of a suite's base: a hash of the suite, its
// packages and the build script.
func baseKey(s Suite) string {
	return hashRecipe(struct {
		Suite   string
		Include []string
	}{s.Name, s.Packages})
}

// Key is the image's cache key: a hash of its recipe (suite, base and own
// packages, units, cloud-init configuration, disk size) and of the build
// script. The mirror is not part of it: the same recipe from another
// mirror is the same image.
func (im Image) Key() string {
	s, _ := SuiteByName(im.Suite)
	return hashRecipe(struct {
		Suite        string
		Base, Extra  []string
		Enable, Mask []string
		CloudConfig  string
		DiskSize     string
	}{im.Suite, s.Packages, im.Packages, im.Enable, maskedUnits, cloudConfig, diskSize})
}

// hashRecipe hashes a recipe's JSON and the build script.
func hashRecipe(recipe any) string {
	b, err := json.Marshal(recipe)
	if err != nil {
		panic(err) // plain strings always marshal
	}
	h := sha256.New()
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
	// BuildTime is how long the build took (its suite's base included when
	// this build made it); zero when the image came from the cache.
	BuildTime time.Duration
}

// Versions returns the versions of the packages that decide how the guest
// configures its network, for the results.
func (b Built) Versions() map[string]string {
	out := map[string]string{}
	for _, p := range []string{"cloud-init", "netplan.io", "systemd", "network-manager", "ifupdown", "isc-dhcp-client", "dhcpcd-base", "net-tools", "iproute2", "udev"} {
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
	// CacheDir holds the images, the suites' bases and the downloaded
	// packages. See CacheDir.
	CacheDir string
	// Mirror is the Debian mirror; empty means DefaultMirror.
	Mirror string
	// Timeout bounds each stage of the build (the base, the image); zero
	// means 30 minutes. Each step of the script is also bounded (15
	// minutes).
	Timeout time.Duration
	// Log receives the script's progress lines; it may be nil.
	Log io.Writer
	// Slots, when not nil, bounds how many builds run at once across
	// BuildImage calls that share it: a build takes a slot while its
	// script runs (not while it waits for another build's lock), so that
	// builds and guest boots can share one set of CPU slots.
	Slots chan struct{}
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
// cache has no image with its key: its suite's base first, when the cache
// has none (debootstrap, the slow part, shared by the suite's images),
// then the image from the base. Each base and each image is built under a
// lock file of its own, so that processes and goroutines may build
// different images at once and never build one twice; a build is written
// to a temporary directory and renamed into place, so the cache never
// holds half of one. Building needs root, debootstrap, tar, mkfs.ext4
// (e2fsprogs 1.43 or later, for -d) and the Debian mirror.
func BuildImage(ctx context.Context, im Image, o BuildOptions) (Built, error) {
	if o.CacheDir == "" {
		return Built{}, errors.New("guestvm: no cache directory")
	}
	suite, ok := SuiteByName(im.Suite)
	if !ok {
		return Built{}, fmt.Errorf("guestvm: image %s: unknown suite %q", im.Name, im.Suite)
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
	dir := filepath.Join(imagesDir, im.Name+"-"+im.Key())
	if b, err := load(im, dir); err == nil {
		return b, nil
	}
	start := time.Now()
	err := buildOnce(ctx, dir, func(tmp string) error {
		base, err := buildBase(ctx, suite, o)
		if err != nil {
			return err
		}
		return runBuild(ctx, o, "image "+im.Name, tmp,
			"STAGE=image",
			"BASE="+base,
			"EXTRA="+strings.Join(im.Packages, " "),
			"ENABLE="+strings.Join(im.Enable, " "),
			"MASK="+strings.Join(maskedUnits, " "),
			"CLOUD_CFG="+cloudConfig,
			"DISK_SIZE="+diskSize,
			"DEB_CACHE="+filepath.Join(o.CacheDir, "debs", suite.Name),
		)
	}, func(out string) error {
		meta := buildMeta{Image: im, Key: im.Key(), Mirror: o.Mirror, Built: time.Now().UTC().Format(time.RFC3339), Seconds: time.Since(start).Seconds()}
		b, err := json.MarshalIndent(meta, "", "  ")
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(out, "image.json"), b, 0o644)
	})
	if err != nil {
		return Built{}, err
	}
	built, err := load(im, dir)
	built.BuildTime = time.Since(start)
	return built, err
}

// buildBase returns the path of the suite's base rootfs.tar, building it
// first when the cache has none.
func buildBase(ctx context.Context, s Suite, o BuildOptions) (string, error) {
	dir := filepath.Join(o.CacheDir, "bases", s.Name+"-"+baseKey(s))
	tar := filepath.Join(dir, "rootfs.tar")
	err := buildOnce(ctx, dir, func(tmp string) error {
		return runBuild(ctx, o, "the "+s.Name+" base", tmp,
			"STAGE=base",
			"SUITE="+s.Name,
			"MIRROR="+o.Mirror,
			"INCLUDE="+strings.Join(s.Packages, ","),
			"DEB_CACHE="+filepath.Join(o.CacheDir, "debs", s.Name),
		)
	}, func(string) error { return nil })
	return tar, err
}

// buildOnce makes dir unless it exists: under dir's lock file, build
// writes into a fresh directory (which it must create: the script's OUT),
// finish adds to it, and it is renamed to dir. A dir that exists is taken
// as built: only a finished build is ever renamed there.
func buildOnce(ctx context.Context, dir string, build func(out string) error, finish func(out string) error) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	unlock, err := lock(ctx, dir+".lock")
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := os.Stat(dir); err == nil { // built while we waited
		return nil
	}
	tmp, err := os.MkdirTemp(parent, ".build-"+filepath.Base(dir)+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "out")
	if err := build(out); err != nil {
		return err
	}
	if err := finish(out); err != nil {
		return err
	}
	return os.Rename(out, dir)
}

// runBuild runs the build script with env, writing into out.
func runBuild(ctx context.Context, o BuildOptions, what, out string, env ...string) error {
	script := filepath.Join(filepath.Dir(out), "build-image.sh")
	if err := os.WriteFile(script, buildScript, 0o755); err != nil {
		return err
	}
	if o.Slots != nil {
		select {
		case o.Slots <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		defer func() { <-o.Slots }()
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", script)
	cmd.Env = append(os.Environ(), append(env, "OUT="+out, "STEP_TIMEOUT=900")...)
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
		return fmt.Errorf("guestvm: building %s: %w (log lines above; the build's own logs are removed with its directory)", what, err)
	}
	return nil
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
