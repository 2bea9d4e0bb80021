// Command render writes the netplan v2 network config of a KubeVirt guest
// from a guestnet spec file, the way a controller would put it in
// cloudInitNoCloud.networkData.
//
// Usage:
//
//	go run ./examples/render --spec FILE [--network-status FILE] [--vmi FILE]
//	    [--vm FILE [--pin-macs]] [--omit-pod-network] [--default-route=portable|netplan]
//	    [--output netplan|vm|network-data-json|nocloud-dir DIR | --explain | --verify]
//
// The flags are:
//
//	--spec FILE
//	    The VM's networks, as a spec file in YAML or JSON (see package
//	    internal/specfile). Required. With --vm or --vmi it may list only
//	    the networks that need IP configuration, each with its name and
//	    ipConfig: see below.
//	--network-status FILE
//	    What Multus reported for the VM's pod: the value of the
//	    k8s.v1.cni.cncf.io/network-status annotation (a JSON array), or a
//	    Pod manifest in YAML or JSON that carries it. It tells which
//	    networks are Multus attachments and, for the bridge and sriov
//	    bindings, the MAC of their NICs.
//	--vmi FILE
//	    A VirtualMachineInstance manifest in YAML or JSON. Without --vm, it
//	    declares the networks (see below). The MACs of its interfaces (from
//	    its spec, else its status) match the guest NICs.
//	--vm FILE
//	    A VirtualMachine manifest in YAML or JSON, which declares the
//	    networks (see below). MACs the spec file sets are put on its
//	    interfaces that have none.
//	--pin-macs
//	    Before anything else, give every interface of the --vm manifest that
//	    has no macAddress a stable MAC derived from its namespace, name and
//	    network (macresolve.Pin), so that the first boot already matches by
//	    MAC. Needs --vm.
//	--omit-pod-network
//	    Leave the pod network out of the output.
//	--default-route=portable|netplan
//	    How default routes are written: portable (the default) for every
//	    guest, or netplan's "to: default" for recent guests only.
//
//	--output netplan|vm|network-data-json|nocloud-dir DIR
//	    What to write: the netplan v2 network config (the default); the
//	    updated --vm manifest with the network data in its cloud-init
//	    volume (preceded by the Secret that holds it when it is too large
//	    to be inline; a VM with a cloudInitConfigDrive volume gets
//	    network_data.json); the OpenStack network_data.json that a
//	    ConfigDrive guest reads; or a NoCloud seed (meta-data, user-data,
//	    network-config) written into the directory DIR, taking the user
//	    data from the --vm manifest's cloud-init volume when there is one.
//	--explain
//	    Instead of the network config, print a table that says, for every
//	    network in VM order, its source and role, whether it is configured
//	    (and why not), how its NIC is matched (the MAC and where it came
//	    from, or the name), its guest interface name, the addresses,
//	    routes and DNS written for it, and the codes of the warnings
//	    about it.
//	--verify
//	    Instead of the network config, judge from the --vmi manifest's
//	    status.interfaces (which KubeVirt fills from the guest agent's
//	    report) whether the guest took it, and print one line per network:
//	    its name, its verdict (AsAsked, Different, Missing, Unknown,
//	    NotConfigured) and a detail. Needs --vmi.
//
// With --vm (or, without it, --vmi) the manifest declares the networks, as
// package netconfig/vmspec reads them: their order, sources, attachments,
// bindings, MACs, PCI addresses and absent state, the order of their NICs,
// and the namespace (from its metadata). The spec file then gives each
// network it lists, by name, its IP configuration; whatever else it sets
// must agree with the manifest. A network the manifest lacks, or a
// contradiction, is invalid input. Problems of the manifest itself are
// reported with its field paths (spec.template.spec.networks[1]), those
// of the spec file with the file's; a problem the builder finds in a field
// the manifest gave a network is reported of the manifest, with the
// network's name.
//
// FILE may be "-" for standard input, for at most one of the flags. Each
// file may hold at most 1 MiB (specfile.MaxSize for the spec file, and the
// internal manifest package's MaxSize for the others).
//
// The network config goes to standard output and each warning to standard
// error, as "warning: <code>: network <name>: <message>"; the exit status
// is 0. When the input is invalid, each problem goes to standard error as
// "error: <field path>: <detail>", nothing goes to standard output, and the
// exit status is 1. A usage error exits with status 2. With --verify the
// exit status is 0 when every configured network is as asked, 3 when any
// is different or missing, and otherwise 4: some network could not be
// judged because the guest agent reported nothing about it (it is not
// installed, or not yet connected).
//
// For example, from the repository's root:
//
//	go run ./examples/render --spec examples/specs/dual-stack.yaml \
//	    --network-status examples/specs/network-status.json \
//	    --vmi examples/specs/vmi.yaml
//
//	go run ./examples/render --spec examples/specs/dual-stack-ipconfig.yaml \
//	    --vm examples/specs/dual-stack-vm.yaml
//
//	go run ./examples/render --spec examples/specs/dual-stack.yaml \
//	    --network-status examples/specs/network-status.json \
//	    --vmi examples/specs/vmi-running.yaml --verify
//
//	kubectl get pod virt-launcher-myvm-abcde -o yaml |
//	    go run ./examples/render --spec myvm.yaml --network-status -
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"
	corev1 "k8s.io/api/core/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	kubevirtv1 "kubevirt.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/guestnet/guestnet/cloudinit"
	"github.com/guestnet/guestnet/internal/manifest"
	"github.com/guestnet/guestnet/internal/specfile"
	"github.com/guestnet/guestnet/macresolve"
	"github.com/guestnet/guestnet/multus"
	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/guestcheck"
	"github.com/guestnet/guestnet/netconfig/vmspec"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK      = 0
	exitInvalid = 1
	exitUsage   = 2
	// exitDiffers: --verify found a network different or missing.
	exitDiffers = 3
	// exitUnjudged: --verify could not judge some network, for want of
	// the guest agent's report, and found none different or missing.
	exitUnjudged = 4
)

// run is the command: it reads its input as args say, writes the network
// config to stdout and problems to stderr, and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		specPath     = fs.String("spec", "", "the VM's networks: a spec file in YAML or JSON (required; - for standard input)")
		statusPath   = fs.String("network-status", "", "the pod's network-status annotation (a JSON array) or a Pod manifest carrying it")
		vmiPath      = fs.String("vmi", "", "a VirtualMachineInstance manifest: the networks (without --vm) and the NICs' MACs")
		vmPath       = fs.String("vm", "", "a VirtualMachine manifest: the networks, their MACs and PCI addresses")
		pinMACs      = fs.Bool("pin-macs", false, "give the --vm interfaces without a MAC a stable one first")
		output       = fs.String("output", outputNetplan, "what to write: netplan, vm, network-data-json, or nocloud-dir DIR")
		omitPod      = fs.Bool("omit-pod-network", false, "leave the pod network out of the output")
		routeStyle   = fs.String("default-route", "portable", "how default routes are written: portable, or netplan for recent guests")
		explain      = fs.Bool("explain", false, "print what is configured for each network, as a table, instead of the network config")
		verify       = fs.Bool("verify", false, "judge from the --vmi manifest's status whether the guest took the config, instead of printing it")
		defaultRoute netconfig.DefaultRouteStyle
	)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: render --spec FILE [--network-status FILE] [--vmi FILE] [--vm FILE [--pin-macs]]")
		fmt.Fprintln(fs.Output(), "              [--omit-pod-network] [--default-route=portable|netplan]")
		fmt.Fprintln(fs.Output(), "              [--output netplan|vm|network-data-json|nocloud-dir DIR | --explain | --verify]")
		fmt.Fprintln(fs.Output(), "FILE may be - (standard input) for at most one flag.")
		fs.PrintDefaults()
	}
	usageError := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "error: "+format+"\n", a...)
		fs.Usage()
		return exitUsage
	}

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage // fs has reported the error and the usage.
	}
	// "--output nocloud-dir DIR" leaves DIR, and any flags after it, as
	// arguments: parse those flags too.
	var seedDir string
	if *output == outputNoCloudDir && fs.NArg() > 0 {
		seedDir = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			return exitUsage
		}
	}
	switch {
	case fs.NArg() > 0:
		return usageError("unexpected argument %q", fs.Arg(0))
	case *specPath == "":
		return usageError("--spec is required")
	case *pinMACs && *vmPath == "":
		return usageError("--pin-macs needs --vm")
	case *output == outputVM && *vmPath == "":
		return usageError("--output vm needs --vm")
	case *output == outputNoCloudDir && seedDir == "":
		return usageError("--output nocloud-dir needs the directory: --output nocloud-dir DIR")
	case *output != outputNetplan && *output != outputVM && *output != outputNetworkDataJSON && *output != outputNoCloudDir:
		return usageError("--output is netplan, vm, network-data-json or nocloud-dir DIR, not %q", *output)
	case *explain && *verify:
		return usageError("--explain and --verify cannot be used together")
	case (*explain || *verify) && *output != outputNetplan:
		return usageError("--explain and --verify print instead of --output; drop --output")
	case *verify && *vmiPath == "":
		return usageError("--verify needs --vmi, a VirtualMachineInstance manifest with its status")
	}
	stdinUsers := 0
	for _, p := range []string{*specPath, *statusPath, *vmiPath, *vmPath} {
		if p == "-" {
			stdinUsers++
		}
	}
	if stdinUsers > 1 {
		return usageError("at most one flag may read standard input (-)")
	}
	switch *routeStyle {
	case "portable":
		defaultRoute = netconfig.DefaultRoutePortable
	case "netplan":
		defaultRoute = netconfig.DefaultRouteNetplan
	default:
		return usageError("--default-route is portable or netplan, not %q", *routeStyle)
	}

	in := inputs{stdin: stdin}
	opts := []netconfig.Option{netconfig.WithDefaultRouteStyle(defaultRoute)}
	if *omitPod {
		opts = append(opts, netconfig.WithoutPodNetwork())
	}

	data, err := in.read(*specPath, specfile.MaxSize)
	if err != nil {
		return report(stderr, "--spec "+*specPath, err)
	}
	spec, err := specfile.Parse(data)
	if err != nil {
		return report(stderr, "--spec "+*specPath, err)
	}

	var statuses []nadv1.NetworkStatus
	if *statusPath != "" {
		var notes []string
		statuses, notes, err = in.networkStatus(*statusPath)
		if err != nil {
			return report(stderr, "--network-status "+*statusPath, err)
		}
		for _, n := range notes {
			fmt.Fprintf(stderr, "warning: --network-status %s: %s\n", *statusPath, n)
		}
	}
	// asked is the spec file; with --vm or --vmi, spec becomes the
	// networks the manifest declares with the spec file's laid over them
	// (package vmspec), and derivedFrom names the manifest.
	asked, derivedFrom := spec, ""
	var macs macresolve.ChainResolver
	var vm *kubevirtv1.VirtualMachine
	if *vmPath != "" {
		vm, err = in.virtualMachine(*vmPath)
		if err != nil {
			return report(stderr, "--vm "+*vmPath, err)
		}
		// The MACs the spec file sets belong on the VM's interfaces too,
		// or the guest NICs would not carry the MACs the config matches.
		vm = withSpecMACs(vm, spec)
		if *pinMACs {
			pinned, added, err := macresolve.Pin(vm)
			if err != nil {
				return report(stderr, "--pin-macs", err)
			}
			for _, p := range added {
				fmt.Fprintf(stderr, "note: --pin-macs: interface %s gets MAC %s\n", p.Interface, p.MAC)
			}
			vm = pinned
		}
		derivedFrom = "--vm " + *vmPath
		if spec, err = vmspec.FromVM(vm, asked); err != nil {
			return reportDerived(stderr, derivedFrom, err, nil, asked)
		}
	}
	var vmi *kubevirtv1.VirtualMachineInstance
	if *vmiPath != "" {
		vmi, err = in.virtualMachineInstance(*vmiPath)
		if err != nil {
			return report(stderr, "--vmi "+*vmiPath, err)
		}
		table, err := macresolve.FromVMI(vmi)
		if err != nil {
			return report(stderr, "--vmi "+*vmiPath, err)
		}
		macs = append(macs, table)
		if vm == nil {
			derivedFrom = "--vmi " + *vmiPath
			if spec, err = vmspec.FromVMI(vmi, asked); err != nil {
				return reportDerived(stderr, derivedFrom, err, nil, asked)
			}
		}
	}
	if len(macs) > 0 {
		opts = append(opts, netconfig.WithMACResolver(macs))
	}
	if *statusPath != "" {
		opts = append(opts, netconfig.WithNetworkStatus(multus.NewStatusIndex(spec.Namespace, statuses)))
	}

	res, err := netconfig.Build(spec, opts...)
	if err != nil {
		if derivedFrom != "" {
			return reportDerived(stderr, derivedFrom, err, &spec, asked)
		}
		return report(stderr, "", err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", oneLine(w.String()))
	}

	switch {
	case *explain:
		return writeOut(stderr, stdout, explanation(netconfig.Explain(spec, res)), exitOK)
	case *verify:
		verdicts := guestcheck.Verify(res, vmi.Status.Interfaces)
		return writeOut(stderr, stdout, verdictLines(verdicts), verifyExit(verdicts))
	}

	var out []byte
	switch *output {
	case outputNetplan:
		out = res.YAML
	case outputNetworkDataJSON:
		out, err = cloudinit.NetworkDataJSON(res.Config)
	case outputVM:
		out, err = vmManifest(vm, res)
	case outputNoCloudDir:
		err = writeSeed(seedDir, vm, res.YAML)
	}
	if err != nil {
		return report(stderr, "--output "+*output, err)
	}
	return writeOut(stderr, stdout, out, exitOK)
}

// writeOut writes out to stdout and returns code, or reports the failure
// to write and returns the exit status for it.
func writeOut(stderr, stdout io.Writer, out []byte, code int) int {
	if _, err := stdout.Write(out); err != nil {
		fmt.Fprintf(stderr, "error: writing the output: %s\n", oneLine(err.Error()))
		return exitInvalid
	}
	return code
}

// explanation is the --explain table: a header, then a row per network.
func explanation(es []netconfig.Explanation) []byte {
	var buf bytes.Buffer
	w := tabwriter.NewWriter(&buf, 0, 8, 2, ' ', 0)
	fmt.Fprintln(w, "NETWORK\tSOURCE\tROLE\tNIC\tMATCH\tCONFIG\tROUTES\tDNS\tWARNINGS")
	for _, e := range es {
		var match, config, routes, dns []string
		switch {
		case e.Ethernet == nil:
			config = append(config, "not configured: "+e.NotConfigured)
		case e.Match == netconfig.MatchMAC:
			origin := string(e.MACOrigin)
			if e.MACDetail != "" {
				origin += ": " + e.MACDetail
			}
			match = append(match, "mac "+e.MAC.String()+" ("+origin+")")
		default:
			match = append(match, "name (no MAC known)")
		}
		if eth := e.Ethernet; eth != nil {
			if eth.DHCP4 {
				config = append(config, "dhcp4")
			}
			if eth.DHCP6 {
				config = append(config, "dhcp6")
			}
			config = append(config, eth.Addresses...)
			if len(config) == 0 {
				config = append(config, "no address")
			}
			if eth.MTU != 0 {
				config = append(config, "mtu "+strconv.Itoa(eth.MTU))
			}
			for _, r := range eth.Routes {
				route := r.To + " via " + r.Via
				if r.Metric != nil {
					route += " metric " + strconv.FormatUint(uint64(*r.Metric), 10)
				}
				routes = append(routes, route)
			}
			if eth.Gateway6 != "" {
				routes = append(routes, "default via "+eth.Gateway6)
			}
			if ns := eth.Nameservers; ns != nil {
				dns = append(dns, ns.Addresses...)
				if len(ns.Search) > 0 {
					dns = append(dns, "search "+strings.Join(ns.Search, " "))
				}
			}
		}
		var codes []string
		for _, w := range e.Warnings {
			codes = append(codes, string(w.Code))
		}
		cells := []string{e.Network, string(e.Source), string(e.Role), e.Name,
			strings.Join(match, ", "), strings.Join(config, ", "), strings.Join(routes, ", "), strings.Join(dns, ", "), strings.Join(codes, ", ")}
		for i, c := range cells {
			cells[i] = cell(c)
		}
		fmt.Fprintln(w, strings.Join(cells, "\t"))
	}
	w.Flush()
	return buf.Bytes()
}

// cell is s as a table cell: "-" when empty, on one line, without tabs.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return strings.Join(strings.Fields(s), " ")
}

// verdictLines is the --verify output: a line per network, its name, its
// verdict and the detail, aligned.
func verdictLines(verdicts []guestcheck.Verdict) []byte {
	var buf bytes.Buffer
	w := tabwriter.NewWriter(&buf, 0, 8, 2, ' ', 0)
	for _, v := range verdicts {
		fmt.Fprintln(w, cell(v.Network)+"\t"+cell(string(v.Kind))+"\t"+cell(v.Detail))
	}
	w.Flush()
	return buf.Bytes()
}

// verifyExit is the exit status of --verify: exitDiffers when a network
// is different or missing, else exitUnjudged when one is unknown, else
// exitOK.
func verifyExit(verdicts []guestcheck.Verdict) int {
	code := exitOK
	for _, v := range verdicts {
		switch v.Kind {
		case guestcheck.Different, guestcheck.Missing:
			return exitDiffers
		case guestcheck.Unknown:
			code = exitUnjudged
		}
	}
	return code
}

// The values of --output.
const (
	outputNetplan         = "netplan"
	outputVM              = "vm"
	outputNetworkDataJSON = "network-data-json"
	outputNoCloudDir      = "nocloud-dir"
)

// withSpecMACs returns a copy of vm in which each interface without a
// macAddress has the MAC the spec sets for its network.
func withSpecMACs(vm *kubevirtv1.VirtualMachine, spec netconfig.Spec) *kubevirtv1.VirtualMachine {
	out := vm.DeepCopy()
	if out.Spec.Template == nil {
		return out
	}
	macs := map[string]netconfig.MAC{}
	for _, n := range spec.Networks {
		if n.MAC.IsValid() {
			macs[n.Name] = n.MAC
		}
	}
	ifaces := out.Spec.Template.Spec.Domain.Devices.Interfaces
	for i := range ifaces {
		if m, ok := macs[ifaces[i].Name]; ok && ifaces[i].MacAddress == "" {
			ifaces[i].MacAddress = m.String()
		}
	}
	return out
}

// vmManifest returns vm with the network data in its cloud-init volume, as
// YAML, preceded by the Secret that holds the data when one is needed. A
// VM whose guest reads a config drive gets network_data.json.
func vmManifest(vm *kubevirtv1.VirtualMachine, res netconfig.Result) ([]byte, error) {
	var (
		updated *kubevirtv1.VirtualMachine
		secret  *corev1.Secret
		err     error
	)
	if hasConfigDrive(vm) {
		var data []byte
		if data, err = cloudinit.NetworkDataJSON(res.Config); err != nil {
			return nil, err
		}
		updated, secret, err = cloudinit.SetConfigDriveNetworkData(vm, data)
	} else {
		updated, secret, err = cloudinit.SetNetworkData(vm, res.YAML)
	}
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if secret != nil {
		s := secret.DeepCopy()
		s.APIVersion, s.Kind = "v1", "Secret"
		doc, err := yaml.Marshal(s)
		if err != nil {
			return nil, err
		}
		buf.Write(doc)
		buf.WriteString("---\n")
	}
	if updated.APIVersion == "" {
		updated.APIVersion = kubevirtv1.SchemeGroupVersion.String()
	}
	if updated.Kind == "" {
		updated.Kind = "VirtualMachine"
	}
	doc, err := yaml.Marshal(updated)
	if err != nil {
		return nil, err
	}
	buf.Write(doc)
	return buf.Bytes(), nil
}

// hasConfigDrive reports whether vm's template has a cloudInitConfigDrive
// volume.
func hasConfigDrive(vm *kubevirtv1.VirtualMachine) bool {
	if vm.Spec.Template == nil {
		return false
	}
	for _, v := range vm.Spec.Template.Spec.Volumes {
		if v.CloudInitConfigDrive != nil {
			return true
		}
	}
	return false
}

// writeSeed writes a NoCloud seed for networkConfig into dir, creating it,
// with the inline user data of vm's cloud-init volume when there is one.
func writeSeed(dir string, vm *kubevirtv1.VirtualMachine, networkConfig []byte) error {
	var userData []byte
	if vm != nil && vm.Spec.Template != nil {
		for _, v := range vm.Spec.Template.Spec.Volumes {
			if v.CloudInitNoCloud != nil {
				userData = []byte(v.CloudInitNoCloud.UserData)
			}
		}
	}
	var opts []cloudinit.SeedOption
	if vm != nil && vm.Name != "" {
		opts = append(opts, cloudinit.WithLocalHostname(vm.Name))
	}
	seed := cloudinit.NewNoCloudSeed(networkConfig, userData, opts...)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := seed.Files()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// virtualMachine reads a VirtualMachine manifest from the file at path.
func (in inputs) virtualMachine(path string) (*kubevirtv1.VirtualMachine, error) {
	data, err := in.read(path, manifest.MaxSize)
	if err != nil {
		return nil, err
	}
	return manifest.VirtualMachine(data)
}

// inputs reads the files named by the flags.
type inputs struct {
	stdin io.Reader
}

// read returns the content of the file at path, or of standard input for
// "-", refusing more than limit bytes.
func (in inputs) read(path string, limit int64) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = in.stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than the limit of %d bytes", limit)
	}
	return data, nil
}

// networkStatus reads the network-status annotation from the file at path:
// the annotation's JSON array itself, or a Pod manifest carrying it. It
// also returns notes worth a warning.
func (in inputs) networkStatus(path string) (statuses []nadv1.NetworkStatus, notes []string, err error) {
	data, err := in.read(path, manifest.MaxSize)
	if err != nil {
		return nil, nil, err
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] == '[' {
		statuses, err := multus.ParseNetworkStatus(string(trimmed))
		return statuses, nil, err
	}
	pod, err := manifest.Pod(data)
	var decodeErr *manifest.DecodeError
	var kindErr *manifest.KindError
	switch {
	case errors.As(err, &decodeErr):
		return nil, nil, fmt.Errorf("neither the network-status annotation (a JSON array) nor a Pod manifest: %w", decodeErr.Err)
	case errors.As(err, &kindErr):
		return nil, nil, fmt.Errorf("a %s manifest; want the network-status annotation (a JSON array) or a Pod manifest", kindErr.Kind)
	case err != nil:
		return nil, nil, err
	}
	statuses, err = multus.NetworkStatusFromPod(pod)
	if err != nil {
		return nil, nil, err
	}
	if _, ok := pod.Annotations[nadv1.NetworkStatusAnnot]; !ok {
		notes = append(notes, fmt.Sprintf("the pod has no %s annotation; building as if Multus had not reported yet", nadv1.NetworkStatusAnnot))
	}
	return statuses, notes, nil
}

// virtualMachineInstance reads a VirtualMachineInstance manifest from the
// file at path.
func (in inputs) virtualMachineInstance(path string) (*kubevirtv1.VirtualMachineInstance, error) {
	data, err := in.read(path, manifest.MaxSize)
	if err != nil {
		return nil, err
	}
	return manifest.VirtualMachineInstance(data)
}

// report writes err to stderr, one line per problem, each prefixed with
// where the problem was found when that is not the spec's field path
// itself, and returns the exit status for invalid input.
func report(stderr io.Writer, source string, err error) int {
	var problems []string
	var invalid *netconfig.ValidationError
	var agg utilerrors.Aggregate
	switch {
	case errors.As(err, &invalid):
		// The field paths of the spec file's errors and Build's follow the
		// spec file, so they need no prefix; those of a manifest's do. A
		// problem of a whole file, at the root path (nil, printed <nil>),
		// is said of the file.
		prefix := source
		if strings.HasPrefix(source, "--spec ") {
			prefix = ""
		}
		for _, fe := range invalid.Errors {
			if fe.Field == "<nil>" {
				problems = append(problems, prefixed(source, fe.ErrorBody()))
				continue
			}
			problems = append(problems, prefixed(prefix, fe.Error()))
		}
	case errors.As(err, &agg):
		for _, e := range agg.Errors() {
			problems = append(problems, prefixed(source, e.Error()))
		}
	default:
		problems = append(problems, prefixed(source, err.Error()))
	}
	for _, p := range problems {
		fmt.Fprintf(stderr, "error: %s\n", oneLine(p))
	}
	return exitInvalid
}

// reportDerived writes the problems of a spec derived from the manifest
// read from source (vmspec.FromVM or FromVMI, and then netconfig.Build) to
// stderr, one line per problem, and returns the exit status for invalid
// input. The manifest's own problems, at its paths (spec....), are said of
// source; those of the spec file's fields are at the file's paths. When
// derived is set, err is Build's, whose paths count derived's networks,
// in the manifest's order: a problem of the name or IP config of a network
// the spec file lists is given the file's path, and any other problem of
// a network (of a field the manifest gives it, or of a network only the
// manifest declares) is said of source, with the network's name.
func reportDerived(stderr io.Writer, source string, err error, derived *netconfig.Spec, asked netconfig.Spec) int {
	var invalid *netconfig.ValidationError
	if !errors.As(err, &invalid) {
		return report(stderr, source, err)
	}
	inFile := make(map[string]int, len(asked.Networks))
	for i, n := range asked.Networks {
		if _, dup := inFile[n.Name]; !dup {
			inFile[n.Name] = i
		}
	}
	for _, fe := range invalid.Errors {
		var line string
		switch m := networkIndex.FindStringSubmatch(fe.Field); {
		case strings.HasPrefix(fe.Field, "spec."):
			line = prefixed(source, fe.Error())
		case derived != nil && m != nil:
			j, _ := strconv.Atoi(m[1])
			if j >= len(derived.Networks) {
				line = prefixed(source, fe.Error())
				break
			}
			name, rest := derived.Networks[j].Name, fe.Field[len(m[0]):]
			// The file gives a network its name and IP config; its other
			// fields are the manifest's (the file's agree with them).
			if i, ok := inFile[name]; ok && (rest == "" || rest == ".name" || strings.HasPrefix(rest, ".ipConfig")) {
				c := *fe
				c.Field = "networks[" + strconv.Itoa(i) + "]" + rest
				line = c.Error()
			} else {
				line = prefixed(source, fmt.Sprintf("network %q: %s", name, fe.Error()))
			}
		case derived != nil && strings.HasPrefix(fe.Field, "interfaceOrder"):
			line = prefixed(source, fe.Error())
		default:
			line = fe.Error()
		}
		fmt.Fprintf(stderr, "error: %s\n", oneLine(line))
	}
	return exitInvalid
}

// networkIndex matches the start of the path of a Spec's network.
var networkIndex = regexp.MustCompile(`^networks\[([0-9]+)\]`)

// prefixed puts source before msg, when there is a source.
func prefixed(source, msg string) string {
	if source == "" {
		return msg
	}
	return source + ": " + msg
}

// oneLine folds a message that spans lines (as YAML errors do) into one
// line.
func oneLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, " ")
}
