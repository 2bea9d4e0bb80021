package concurrency_test

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"maps"
	"net/netip"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/cloudinit"
	"github.com/guestnet/guestnet/internal/specfile"
	"github.com/guestnet/guestnet/macresolve"
	"github.com/guestnet/guestnet/multus"
	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/guestcheck"
	"github.com/guestnet/guestnet/netconfig/netplan"
	"github.com/guestnet/guestnet/netconfig/vmspec"
)

// packages are the packages whose exported functions and methods the
// calls must cover, by the name the calls use and their directory.
var packages = map[string]string{
	"netconfig":  "../../netconfig",
	"netplan":    "../../netconfig/netplan",
	"specfile":   "../specfile",
	"multus":     "../../multus",
	"macresolve": "../../macresolve",
	"cloudinit":  "../../cloudinit",
	"vmspec":     "../../netconfig/vmspec",
	"guestcheck": "../../netconfig/guestcheck",
}

// Goroutines and rounds: every goroutine makes every call rounds times,
// each round starting at another call, so that all calls overlap with all
// others.
const (
	goroutines = 16
	rounds     = 50
)

// inputs are what the calls share. Nothing may change them.
type inputs struct {
	spec, badSpec    netconfig.Spec
	asked            netconfig.Spec // the IP configs asked of vmspec
	statuses         []nadv1.NetworkStatus
	annotation       string
	pod              *corev1.Pod
	vm, vmCD, vmBare *kubevirtv1.VirtualMachine
	vmi              *kubevirtv1.VirtualMachineInstance
	networkData      []byte
	networkDataJSON  []byte
	userData         []byte
	netplanDoc       []byte
	specDoc          []byte
	cfg              netplan.Config
	file             *specfile.File
	statusResolver   *multus.StatusIndex
	status           netconfig.NetworkStatus
	statusFunc       netconfig.StatusResolverFunc
	macMap           netconfig.MACTable
	macFunc          netconfig.MACResolverFunc
	table, vmiTable  netconfig.MACTable
	chain            macresolve.ChainResolver
	resolverFunc     netconfig.MACResolverFunc
	staticMACs       map[string]string
	networkNames     []string
	avoid            []netconfig.MAC
	prefix           macresolve.Prefix
	mac              netconfig.MAC
	route            netconfig.Route
	invalid          *netconfig.ValidationError
	warnings         []netconfig.Warning
	seed             cloudinit.Seed
	res              netconfig.Result // Build's, for Explain and Verify
	verdicts         []guestcheck.Verdict
}

func metric(m uint32) *uint32 { return &m }

func newInputs(t *testing.T) *inputs {
	in := &inputs{}
	in.spec = netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade},
		{
			Name: "external", Source: netconfig.SourceMultus, NetworkName: "ext-net", Binding: netconfig.BindingBridge,
			MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc"), PCIAddress: "0000:00:04.0",
			IPConfig: &netconfig.IPConfig{
				Mode:      netconfig.ModeStatic,
				Addresses: []netip.Prefix{netip.MustParsePrefix("192.168.0.200/24"), netip.MustParsePrefix("fd00:10::200/64")},
				Gateways:  []netip.Addr{netip.MustParseAddr("192.168.0.1")},
				Nameservers: netconfig.Nameservers{
					Addresses: []netip.Addr{netip.MustParseAddr("192.168.0.1")},
					Search:    []string{"example.internal"},
				},
				Routes: []netconfig.Route{{To: netip.MustParsePrefix("10.10.0.0/16"), Via: netip.MustParseAddr("192.168.0.254"), Metric: metric(100)}},
				MTU:    1400,
			},
		},
		{
			Name: "storage", Source: netconfig.SourceMultus, NetworkName: "storage-net", Binding: netconfig.BindingBridge,
			IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP, DHCP6: true},
		},
	}}
	in.badSpec = netconfig.Spec{Namespace: "Not A Label", Networks: []netconfig.Network{{Name: "a\nb", Source: "vlan"}}}
	in.statuses = []nadv1.NetworkStatus{
		{Name: "ovn-kubernetes", Interface: "eth0", IPs: []string{"10.244.1.12"}, Mac: "0a:58:0a:f4:01:0c", Default: true},
		{Name: "vms/ext-net", Interface: multus.PodInterfaceName("external"), IPs: []string{"192.168.0.200"}, Mac: "02:00:00:aa:bb:cc"},
		{Name: "vms/storage-net", Interface: multus.PodInterfaceName("storage"), IPs: []string{"10.20.0.5"}, Mac: "02:00:00:00:00:05",
			Gateway: []string{"10.20.0.1"}, Mtu: 9000, DeviceInfo: &nadv1.DeviceInfo{Type: "pci", Version: "1.1.0", Pci: &nadv1.PciDevice{PciAddress: "0000:81:00.2"}}},
	}
	in.annotation = `[{"name":"ovn-kubernetes","interface":"eth0","ips":["10.244.1.12"],"mac":"0a:58:0a:f4:01:0c","default":true},` +
		`{"name":"vms/ext-net","interface":"` + multus.PodInterfaceName("external") + `","ips":["192.168.0.200"],"mac":"02:00:00:aa:bb:cc"}]`
	in.pod = &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "vms", Name: "virt-launcher-vm1-x7k2p",
		Annotations: map[string]string{nadv1.NetworkStatusAnnot: in.annotation}}}

	ifaces := []kubevirtv1.Interface{
		{Name: "default", MacAddress: "02:00:00:00:00:01", InterfaceBindingMethod: kubevirtv1.InterfaceBindingMethod{Masquerade: &kubevirtv1.InterfaceMasquerade{}}},
		{Name: "external", MacAddress: "02:00:00:AA:BB:CC", InterfaceBindingMethod: kubevirtv1.InterfaceBindingMethod{Bridge: &kubevirtv1.InterfaceBridge{}}},
		{Name: "storage", InterfaceBindingMethod: kubevirtv1.InterfaceBindingMethod{Bridge: &kubevirtv1.InterfaceBridge{}}},
	}
	vm := func(volume kubevirtv1.VolumeSource) *kubevirtv1.VirtualMachine {
		return &kubevirtv1.VirtualMachine{
			TypeMeta:   metav1.TypeMeta{APIVersion: "kubevirt.io/v1", Kind: "VirtualMachine"},
			ObjectMeta: metav1.ObjectMeta{Namespace: "vms", Name: "vm1", Labels: map[string]string{"app": "vm1"}},
			Spec: kubevirtv1.VirtualMachineSpec{Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{
				Spec: kubevirtv1.VirtualMachineInstanceSpec{
					Domain: kubevirtv1.DomainSpec{Devices: kubevirtv1.Devices{
						Interfaces: slices.Clone(ifaces),
						Disks:      []kubevirtv1.Disk{{Name: "root"}, {Name: "cloudinit"}},
					}},
					Networks: []kubevirtv1.Network{
						{Name: "default", NetworkSource: kubevirtv1.NetworkSource{Pod: &kubevirtv1.PodNetwork{}}},
						{Name: "external", NetworkSource: kubevirtv1.NetworkSource{Multus: &kubevirtv1.MultusNetwork{NetworkName: "ext-net"}}},
						{Name: "storage", NetworkSource: kubevirtv1.NetworkSource{Multus: &kubevirtv1.MultusNetwork{NetworkName: "storage-net"}}},
					},
					Volumes: []kubevirtv1.Volume{
						{Name: "root", VolumeSource: kubevirtv1.VolumeSource{ContainerDisk: &kubevirtv1.ContainerDiskSource{Image: "debian"}}},
						{Name: "cloudinit", VolumeSource: volume},
					},
				},
			}},
		}
	}
	in.vm = vm(kubevirtv1.VolumeSource{CloudInitNoCloud: &kubevirtv1.CloudInitNoCloudSource{UserData: "#cloud-config\n"}})
	in.vmCD = vm(kubevirtv1.VolumeSource{CloudInitConfigDrive: &kubevirtv1.CloudInitConfigDriveSource{UserData: "#cloud-config\n"}})
	in.vmBare = vm(kubevirtv1.VolumeSource{ContainerDisk: &kubevirtv1.ContainerDiskSource{Image: "data"}})
	in.vmi = &kubevirtv1.VirtualMachineInstance{
		ObjectMeta: metav1.ObjectMeta{Namespace: "vms", Name: "vm1"},
		Spec:       in.vm.Spec.Template.Spec,
		Status: kubevirtv1.VirtualMachineInstanceStatus{Interfaces: []kubevirtv1.VirtualMachineInstanceNetworkInterface{
			{Name: "storage", MAC: "02:00:00:00:00:05", InfoSource: "domain, guest-agent"},
			{Name: "default", MAC: "02:00:00:00:00:01"},
		}},
	}
	in.vmi.Spec = *in.vm.Spec.Template.Spec.DeepCopy()

	var err error
	in.table, err = macresolve.FromVM(in.vm)
	require.NoError(t, err)
	in.vmiTable, err = macresolve.FromVMI(in.vmi)
	require.NoError(t, err)
	in.chain = macresolve.Chain(in.vmiTable, nil, in.table)
	in.resolverFunc = netconfig.MACResolverFunc(in.vmiTable.ResolveMAC)
	in.statusResolver = multus.NewStatusIndex("vms", in.statuses)
	in.status = in.statusResolver.NetworkStatuses(in.spec.Networks)["storage"]
	require.NotEmpty(t, in.status.Gateways)
	in.statusFunc = netconfig.StatusResolverFunc(in.statusResolver.NetworkStatuses)
	in.macMap = netconfig.MACTable{"storage": {MAC: netconfig.MustParseMAC("02:00:00:00:00:05")}}
	in.macFunc = netconfig.MACResolverFunc(in.macMap.ResolveMAC)
	in.staticMACs = map[string]string{"storage": "02-00-00-00-00-05", "external": "02:00:00:AA:BB:CC"}
	in.networkNames = []string{"storage", "external", "default"}
	in.avoid = []netconfig.MAC{netconfig.MustParseMAC("02:00:00:00:00:09")}
	in.prefix = macresolve.MustParsePrefix("06:1c")
	in.mac = netconfig.MustParseMAC("02:00:00:aa:bb:cc")
	in.route = in.spec.Networks[1].IPConfig.Routes[0]
	in.asked = netconfig.Spec{Networks: []netconfig.Network{{Name: "external", IPConfig: in.spec.Networks[1].IPConfig}}}

	res, err := netconfig.Build(in.spec, netconfig.WithNetworkStatus(in.statusResolver), netconfig.WithMACResolver(in.chain))
	require.NoError(t, err)
	in.cfg, in.netplanDoc, in.warnings = res.Config, res.YAML, res.Warnings
	in.res = res
	in.verdicts = guestcheck.Verify(res, in.vmi.Status.Interfaces)
	require.NotEmpty(t, in.verdicts)
	require.NotEmpty(t, in.warnings)
	in.networkData = res.YAML
	in.networkDataJSON, err = cloudinit.NetworkDataJSON(res.Config)
	require.NoError(t, err)
	in.userData = []byte("#cloud-config\nhostname: vm1\n")
	in.specDoc, err = specfile.Format(in.spec)
	require.NoError(t, err)
	f, err := specfile.FromSpec(in.spec)
	require.NoError(t, err)
	in.file = &f
	_, err = netconfig.Build(in.badSpec)
	require.ErrorAs(t, err, &in.invalid)
	in.seed = cloudinit.NewNoCloudSeed(in.networkData, in.userData, cloudinit.WithLocalHostname("vm1"))
	return in
}

// snapshot is a deep copy of every input, to compare with afterwards.
type snapshot struct {
	spec, badSpec   netconfig.Spec
	asked           netconfig.Spec
	statuses        []nadv1.NetworkStatus
	status          netconfig.NetworkStatus
	pod             *corev1.Pod
	vm, vmCD        *kubevirtv1.VirtualMachine
	vmBare          *kubevirtv1.VirtualMachine
	vmi             *kubevirtv1.VirtualMachineInstance
	bytes           [][]byte
	cfg             netplan.Config
	file            *specfile.File
	macMap          netconfig.MACTable
	table, vmiTable netconfig.MACTable
	chain           macresolve.ChainResolver
	staticMACs      map[string]string
	networkNames    []string
	avoid           []netconfig.MAC
	invalid         []string
	warnings        []netconfig.Warning
	seed            cloudinit.Seed
	route           netconfig.Route
	interfaces      []netconfig.Interface
	verdicts        []guestcheck.Verdict
}

// cloneInterfaces is a deep copy of ifaces.
func cloneInterfaces(ifaces []netconfig.Interface) []netconfig.Interface {
	out := slices.Clone(ifaces)
	for i := range out {
		if out[i].Status != nil {
			st := out[i].Status.Clone()
			out[i].Status = &st
		}
	}
	return out
}

func (in *inputs) snapshot() snapshot {
	var invalid []string
	for _, fe := range in.invalid.Errors {
		invalid = append(invalid, fmt.Sprintf("%#v", *fe))
	}
	return snapshot{
		spec: cloneSpec(in.spec), badSpec: cloneSpec(in.badSpec), asked: cloneSpec(in.asked),
		statuses: cloneStatuses(in.statuses),
		status:   cloneStatus(in.status),
		pod:      in.pod.DeepCopy(),
		vm:       in.vm.DeepCopy(), vmCD: in.vmCD.DeepCopy(), vmBare: in.vmBare.DeepCopy(),
		vmi: in.vmi.DeepCopy(),
		bytes: [][]byte{
			bytes.Clone(in.networkData), bytes.Clone(in.networkDataJSON), bytes.Clone(in.userData),
			bytes.Clone(in.netplanDoc), bytes.Clone(in.specDoc),
		},
		cfg:          cloneConfig(in.cfg),
		file:         in.file.DeepCopy(),
		macMap:       maps.Clone(in.macMap),
		table:        maps.Clone(in.table),
		vmiTable:     maps.Clone(in.vmiTable),
		chain:        slices.Clone(in.chain),
		staticMACs:   maps.Clone(in.staticMACs),
		networkNames: slices.Clone(in.networkNames),
		avoid:        slices.Clone(in.avoid),
		invalid:      invalid,
		warnings:     slices.Clone(in.warnings),
		seed:         cloudinit.Seed{MetaData: bytes.Clone(in.seed.MetaData), UserData: bytes.Clone(in.seed.UserData), NetworkConfig: bytes.Clone(in.seed.NetworkConfig)},
		route:        netconfig.Route{To: in.route.To, Via: in.route.Via, Metric: metric(*in.route.Metric)},
		interfaces:   cloneInterfaces(in.res.Interfaces),
		verdicts:     slices.Clone(in.verdicts),
	}
}

func cloneSpec(s netconfig.Spec) netconfig.Spec {
	out := s
	out.Networks = slices.Clone(s.Networks)
	for i, n := range out.Networks {
		if n.IPConfig == nil {
			continue
		}
		c := *n.IPConfig
		c.Addresses = slices.Clone(c.Addresses)
		c.Gateways = slices.Clone(c.Gateways)
		c.Nameservers.Addresses = slices.Clone(c.Nameservers.Addresses)
		c.Nameservers.Search = slices.Clone(c.Nameservers.Search)
		c.Routes = slices.Clone(c.Routes)
		for j, r := range c.Routes {
			if r.Metric != nil {
				c.Routes[j].Metric = metric(*r.Metric)
			}
		}
		out.Networks[i].IPConfig = &c
	}
	return out
}

func cloneStatuses(statuses []nadv1.NetworkStatus) []nadv1.NetworkStatus {
	out := slices.Clone(statuses)
	for i, s := range out {
		out[i].IPs = slices.Clone(s.IPs)
		out[i].Gateway = slices.Clone(s.Gateway)
		out[i].DNS.Nameservers = slices.Clone(s.DNS.Nameservers)
		out[i].DNS.Search = slices.Clone(s.DNS.Search)
		out[i].DNS.Options = slices.Clone(s.DNS.Options)
		out[i].DeviceInfo = s.DeviceInfo.DeepCopy()
	}
	return out
}

func cloneStatus(s netconfig.NetworkStatus) netconfig.NetworkStatus {
	s.IPs, s.Gateways = slices.Clone(s.IPs), slices.Clone(s.Gateways)
	return s
}

func cloneConfig(c netplan.Config) netplan.Config {
	out := c
	out.Network.Ethernets = make(map[string]netplan.Ethernet, len(c.Network.Ethernets))
	for k, e := range c.Network.Ethernets {
		if e.Match != nil {
			m := *e.Match
			e.Match = &m
		}
		e.Addresses = slices.Clone(e.Addresses)
		if e.Nameservers != nil {
			ns := netplan.Nameservers{Addresses: slices.Clone(e.Nameservers.Addresses), Search: slices.Clone(e.Nameservers.Search)}
			e.Nameservers = &ns
		}
		e.Routes = slices.Clone(e.Routes)
		for j, r := range e.Routes {
			if r.Metric != nil {
				e.Routes[j].Metric = metric(*r.Metric)
			}
		}
		out.Network.Ethernets[k] = e
	}
	return out
}

// call is one call, or a few, of exported functions and methods, named as
// TestEveryExportedFunctionIsCalled lists them: "pkg.Func" and
// "pkg.Type.Method". run makes the call on the shared inputs and returns
// everything it gave, errors as their messages, so that the results of two
// runs can be compared with reflect.DeepEqual.
type call struct {
	names []string
	run   func() any
}

// must is v, for calls that cannot fail; an error panics.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// errText is an error's message, or "" for none.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func calls(in *inputs) []call {
	build := func(opts ...netconfig.Option) any {
		res, err := netconfig.Build(in.spec, opts...)
		return []any{res, errText(err)}
	}
	return []call{
		// netconfig
		{[]string{"netconfig.Build"}, func() any { return build() }},
		{[]string{"netconfig.WithNetworkStatus", "netconfig.WithMACResolver", "multus.StatusIndex.NetworkStatuses", "macresolve.ChainResolver.ResolveMAC"},
			func() any {
				return build(netconfig.WithNetworkStatus(in.statusResolver), netconfig.WithMACResolver(in.chain))
			}},
		{[]string{"netconfig.WithoutPodNetwork", "netconfig.WithDefaultRouteStyle", "netconfig.MACTable.ResolveMAC"}, func() any {
			return build(netconfig.WithoutPodNetwork(), netconfig.WithDefaultRouteStyle(netconfig.DefaultRouteNetplan), netconfig.WithMACResolver(in.macMap))
		}},
		{[]string{"netconfig.StatusResolverFunc.NetworkStatuses", "netconfig.MACResolverFunc.ResolveMAC"}, func() any {
			return build(netconfig.WithNetworkStatus(in.statusFunc), netconfig.WithMACResolver(in.macFunc))
		}},
		{[]string{"netconfig.StatusMap.NetworkStatuses", "netconfig.WithFieldPath"}, func() any {
			statuses := netconfig.StatusMap(in.statusResolver.NetworkStatuses(in.spec.Networks))
			return build(netconfig.WithNetworkStatus(statuses), netconfig.WithFieldPath(field.NewPath("spec", "template", "spec")))
		}},
		{[]string{"netconfig.Network.IsPodNetwork", "netconfig.Network.IsPrimary", "netconfig.Network.IsSecondaryMultus", "netconfig.QualifyAttachment"}, func() any {
			var pod []bool
			for i := range in.spec.Networks {
				n := &in.spec.Networks[i]
				pod = append(pod, n.IsPodNetwork(), n.IsPrimary(), n.IsSecondaryMultus())
			}
			return []any{pod, netconfig.QualifyAttachment("vms", "ext-net"), netconfig.QualifyAttachment("vms", "other/ext-net")}
		}},
		{[]string{"netconfig.MACResolverFunc.ResolveMAC", "netconfig.MACTable.ResolveMAC"}, func() any {
			return []any{build(netconfig.WithMACResolver(in.resolverFunc)), build(netconfig.WithMACResolver(in.table))}
		}},
		{[]string{"netconfig.Spec.NetworksInInterfaceOrder"}, func() any {
			ordered := in.spec // a copy, whose InterfaceOrder is its own
			ordered.InterfaceOrder = []string{"storage", "default", "storage", "purple"}
			order, errs := ordered.NetworksInInterfaceOrder(field.NewPath("spec"))
			plain, none := in.spec.NetworksInInterfaceOrder(nil)
			return []any{order, errs, plain, none}
		}},
		{[]string{"netconfig.Build (invalid)"}, func() any {
			_, err := netconfig.Build(in.badSpec)
			return errText(err)
		}},
		{[]string{"netconfig.ValidationError.Error", "netconfig.ValidationError.Unwrap"}, func() any {
			var unwrapped []string
			for _, e := range in.invalid.Unwrap() {
				unwrapped = append(unwrapped, e.Error())
			}
			return []any{in.invalid.Error(), unwrapped, errors.Is(in.invalid, in.invalid)}
		}},
		{[]string{"netconfig.MasqueradeDualStack", "netconfig.MasqueradeIPv6"}, func() any {
			addr, gw, err := netconfig.MasqueradeIPv6(netip.MustParsePrefix("fd00:abcd::/64"))
			_, _, small := netconfig.MasqueradeIPv6(netip.MustParsePrefix("fd00::/127"))
			return []any{netconfig.MasqueradeDualStack(), addr, gw, errText(err), errText(small)}
		}},
		{[]string{"netconfig.ParseMAC", "netconfig.MustParseMAC"}, func() any {
			m, err := netconfig.ParseMAC("02-00-00-AA-BB-CC")
			_, bad := netconfig.ParseMAC("02:00:00:aa:bb")
			return []any{m, errText(err), errText(bad), netconfig.MustParseMAC("52:54:00:12:34:56")}
		}},
		{[]string{"netconfig.MAC.AppendText", "netconfig.MAC.IsLocallyAdministered", "netconfig.MAC.IsMulticast",
			"netconfig.MAC.IsValid", "netconfig.MAC.Problem", "netconfig.MAC.String", "netconfig.MAC.MarshalText", "netconfig.MAC.UnmarshalText"}, func() any {
			m := in.mac
			var back netconfig.MAC
			err := back.UnmarshalText(must(m.MarshalText()))
			return []any{string(must(m.AppendText([]byte("mac=")))), m.IsLocallyAdministered(), m.IsMulticast(), m.IsValid(), m.Problem(), m.String(),
				netconfig.MAC{}.Problem(), back, errText(err)}
		}},
		{[]string{"netconfig.NetworkStatus.Clone"}, func() any {
			c := in.status.Clone()
			out := c.Clone()
			for j := range c.IPs {
				c.IPs[j] = netip.IPv4Unspecified() // a clone is the caller's to change
			}
			for j := range c.Gateways {
				c.Gateways[j] = netip.IPv4Unspecified()
			}
			return out
		}},
		{[]string{"netconfig.Route.IsDefault"}, func() any { return []bool{in.route.IsDefault(), netconfig.Route{}.IsDefault()} }},
		{[]string{"netconfig.Warning.String"}, func() any {
			var out []string
			for _, w := range in.warnings {
				out = append(out, w.String())
			}
			return out
		}},

		// netplan
		{[]string{"netplan.Marshal"}, func() any { b, err := netplan.Marshal(in.cfg); return []any{b, errText(err)} }},
		{[]string{"netplan.Parse"}, func() any { c, err := netplan.Parse(in.netplanDoc); return []any{c, errText(err)} }},

		// specfile
		{[]string{"specfile.Parse"}, func() any { s, err := specfile.Parse(in.specDoc); return []any{s, errText(err)} }},
		{[]string{"specfile.Format"}, func() any { b, err := specfile.Format(in.spec); return []any{b, errText(err)} }},
		{[]string{"specfile.FromSpec"}, func() any { f, err := specfile.FromSpec(in.spec); return []any{f, errText(err)} }},
		{[]string{"specfile.File.ToSpec"}, func() any { s, err := in.file.ToSpec(); return []any{s, errText(err)} }},
		{[]string{"specfile.File.DeepCopy", "specfile.File.DeepCopyInto"}, func() any {
			var into specfile.File
			in.file.DeepCopyInto(&into)
			return []any{in.file.DeepCopy(), into}
		}},
		{[]string{"specfile.Network.DeepCopy", "specfile.Network.DeepCopyInto", "specfile.PodNetwork.DeepCopy", "specfile.PodNetwork.DeepCopyInto",
			"specfile.MultusNetwork.DeepCopy", "specfile.MultusNetwork.DeepCopyInto"}, func() any {
			var n specfile.Network
			var p specfile.PodNetwork
			var m specfile.MultusNetwork
			in.file.Networks[1].DeepCopyInto(&n)
			in.file.Networks[0].Pod.DeepCopyInto(&p)
			in.file.Networks[1].Multus.DeepCopyInto(&m)
			return []any{in.file.Networks[1].DeepCopy(), n, in.file.Networks[0].Pod.DeepCopy(), p, in.file.Networks[1].Multus.DeepCopy(), m}
		}},
		{[]string{"specfile.IPConfig.DeepCopy", "specfile.IPConfig.DeepCopyInto", "specfile.Nameservers.DeepCopy", "specfile.Nameservers.DeepCopyInto",
			"specfile.Route.DeepCopy", "specfile.Route.DeepCopyInto"}, func() any {
			c := in.file.Networks[1].IPConfig
			var ic specfile.IPConfig
			var ns specfile.Nameservers
			var r specfile.Route
			c.DeepCopyInto(&ic)
			c.Nameservers.DeepCopyInto(&ns)
			c.Routes[0].DeepCopyInto(&r)
			return []any{c.DeepCopy(), ic, c.Nameservers.DeepCopy(), ns, c.Routes[0].DeepCopy(), r}
		}},

		// multus
		{[]string{"multus.ParseNetworkStatus"}, func() any { s, err := multus.ParseNetworkStatus(in.annotation); return []any{s, errText(err)} }},
		{[]string{"multus.NetworkStatusFromPod"}, func() any { s, err := multus.NetworkStatusFromPod(in.pod); return []any{s, errText(err)} }},
		{[]string{"multus.NewStatusIndex"}, func() any {
			return multus.NewStatusIndex("vms", in.statuses).NetworkStatuses(in.spec.Networks)
		}},
		{[]string{"multus.StatusIndex.NetworkStatuses (shared)"}, func() any {
			return in.statusResolver.NetworkStatuses(in.spec.Networks)
		}},
		{[]string{"multus.NetworkSelection"}, func() any { s, err := multus.NetworkSelection(in.spec, in.macMap); return []any{s, errText(err)} }},
		{[]string{"multus.NetworksAnnotation"}, func() any { s, err := multus.NetworksAnnotation(in.spec, in.table); return []any{s, errText(err)} }},
		{[]string{"multus.WithNetworkStatus"}, func() any {
			s, err := multus.NetworkSelection(in.spec, in.macMap, multus.WithNetworkStatus(in.statuses))
			return []any{s, errText(err)}
		}},
		{[]string{"multus.DefaultNetworkAnnotation"}, func() any { s, err := multus.DefaultNetworkAnnotation(in.spec); return []any{s, errText(err)} }},
		{[]string{"vmspec.FromVM"}, func() any { s, err := vmspec.FromVM(in.vm, in.asked); return []any{s, errText(err)} }},
		{[]string{"vmspec.FromVMI"}, func() any { s, err := vmspec.FromVMI(in.vmi, in.asked); return []any{s, errText(err)} }},
		{[]string{"netconfig.Explain"}, func() any { return netconfig.Explain(in.spec, in.res) }},

		// guestcheck
		{[]string{"guestcheck.Verify"}, func() any { return guestcheck.Verify(in.res, in.vmi.Status.Interfaces) }},
		{[]string{"guestcheck.Condition"}, func() any { return guestcheck.Condition(in.verdicts, 3) }},
		{[]string{"multus.PodInterfaceName", "multus.OrdinalInterfaceName"}, func() any {
			return []string{multus.PodInterfaceName("external"), multus.OrdinalInterfaceName(2)}
		}},

		// macresolve
		{[]string{"macresolve.Normalize"}, func() any {
			m, err := macresolve.Normalize("02-00-00-AA-BB-CC")
			_, bad := macresolve.Normalize("ff:ff:ff:ff:ff:ff")
			return []any{m, errText(err), errText(bad)}
		}},
		{[]string{"macresolve.FromVM"}, func() any { t, err := macresolve.FromVM(in.vm); return []any{t, errText(err)} }},
		{[]string{"macresolve.FromVMI"}, func() any { t, err := macresolve.FromVMI(in.vmi); return []any{t, errText(err)} }},
		{[]string{"macresolve.FromNetworkStatus"}, func() any { return macresolve.FromNetworkStatus(in.spec, in.statusResolver) }},
		{[]string{"macresolve.Static"}, func() any { t, err := macresolve.Static(in.staticMACs); return []any{t, errText(err)} }},
		{[]string{"netconfig.MACTable.ResolveMAC"}, func() any {
			e, ok := in.table.ResolveMAC("external")
			_, none := in.table.ResolveMAC("storage")
			return []any{e, ok, none}
		}},
		{[]string{"macresolve.Chain", "macresolve.ChainResolver.ResolveMAC"}, func() any {
			c := macresolve.Chain(in.vmiTable, in.table, in.resolverFunc)
			var out []any
			for _, n := range in.networkNames {
				e, ok := c.ResolveMAC(n)
				e2, ok2 := in.chain.ResolveMAC(n)
				out = append(out, e, ok, e2, ok2)
			}
			return out
		}},
		{[]string{"netconfig.MACResolverFunc.ResolveMAC"}, func() any { e, ok := in.resolverFunc.ResolveMAC("storage"); return []any{e, ok} }},
		{[]string{"macresolve.Pin", "macresolve.WithPrefix", "macresolve.WithAvoid", "macresolve.FromPinned"}, func() any {
			vm, pinned, err := macresolve.Pin(in.vm, macresolve.WithPrefix(in.prefix), macresolve.WithAvoid(in.avoid...))
			bare, pinnedBare, errBare := macresolve.Pin(in.vmBare)
			return []any{vm, pinned, errText(err), bare, pinnedBare, errText(errBare), macresolve.FromPinned(pinnedBare)}
		}},
		{[]string{"macresolve.StableMAC", "macresolve.StableMACs"}, func() any {
			macs, err := macresolve.StableMACs("vms", "vm1", in.networkNames, in.prefix, in.avoid...)
			return []any{macresolve.StableMAC("vms", "vm1", "external", in.prefix), macs, errText(err)}
		}},
		{[]string{"macresolve.ParsePrefix", "macresolve.MustParsePrefix", "macresolve.PrefixFrom"}, func() any {
			p, err := macresolve.ParsePrefix("0A-58")
			_, bad := macresolve.ParsePrefix("01")
			q, err2 := macresolve.PrefixFrom(0x06, 0x1c, 0x2f)
			return []any{p, errText(err), errText(bad), macresolve.MustParsePrefix("06"), q, errText(err2)}
		}},
		{[]string{"macresolve.Prefix.Contains", "macresolve.Prefix.Len", "macresolve.Prefix.Octets", "macresolve.Prefix.String"}, func() any {
			return []any{in.prefix.Contains(in.mac), in.prefix.Contains(macresolve.StableMAC("a", "b", "c", in.prefix)), in.prefix.Len(), in.prefix.Octets(), in.prefix.String()}
		}},

		// cloudinit
		{[]string{"cloudinit.SetNetworkData"}, func() any {
			vm, secret, err := cloudinit.SetNetworkData(in.vm, in.networkData)
			return []any{vm, secret, errText(err)}
		}},
		{[]string{"cloudinit.SetNetworkData (options)", "cloudinit.ForceSecret", "cloudinit.WithSecretName", "cloudinit.WithVolumeName", "cloudinit.WithDiskBus"}, func() any {
			vm, secret, err := cloudinit.SetNetworkData(in.vmBare, in.networkData, cloudinit.ForceSecret(), cloudinit.WithSecretName("nd"),
				cloudinit.WithVolumeName("seed"), cloudinit.WithDiskBus(kubevirtv1.DiskBusSATA))
			return []any{vm, secret, errText(err)}
		}},
		{[]string{"cloudinit.SetNetworkDataVMI"}, func() any {
			vmi, secret, err := cloudinit.SetNetworkDataVMI(in.vmi, in.networkData)
			return []any{vmi, secret, errText(err)}
		}},
		{[]string{"cloudinit.SetConfigDriveNetworkData"}, func() any {
			vm, secret, err := cloudinit.SetConfigDriveNetworkData(in.vmCD, in.networkDataJSON)
			_, _, wrong := cloudinit.SetConfigDriveNetworkData(in.vm, in.networkDataJSON)
			return []any{vm, secret, errText(err), errText(wrong)}
		}},
		{[]string{"cloudinit.NetworkEveryBoot"}, func() any {
			b, w, err := cloudinit.NetworkEveryBoot(in.userData)
			return []any{b, w, errText(err)}
		}},
		{[]string{"cloudinit.SetNetworkEveryBoot"}, func() any {
			vm, w, err := cloudinit.SetNetworkEveryBoot(in.vm)
			return []any{vm, w, errText(err)}
		}},
		{[]string{"cloudinit.NetworkDataJSON"}, func() any { b, err := cloudinit.NetworkDataJSON(in.cfg); return []any{b, errText(err)} }},
		{[]string{"cloudinit.NewNoCloudSeed", "cloudinit.WithLocalHostname"}, func() any {
			return []any{cloudinit.NewNoCloudSeed(in.networkData, in.userData, cloudinit.WithLocalHostname("vm1")), cloudinit.NewNoCloudSeed(in.networkData, nil)}
		}},
		{[]string{"cloudinit.Seed.Files"}, func() any {
			files := in.seed.Files()
			files[cloudinit.UserDataFile][0] = 'X' // the copies are the caller's
			return in.seed.Files()
		}},
	}
}

// TestConcurrentCalls makes every call once alone, then from goroutines
// goroutines rounds times each, all at once; every result must equal the
// lone one, and the inputs must be as they were. With -race it also shows
// that no call writes its inputs or shares state with another.
func TestConcurrentCalls(t *testing.T) {
	in := newInputs(t)
	before := in.snapshot()
	cs := calls(in)
	want := make([]any, len(cs))
	for i, c := range cs {
		want[i] = c.run()
	}

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		failures []string
	)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				for k := range cs {
					i := (k + g + r) % len(cs)
					if got := cs[i].run(); !reflect.DeepEqual(want[i], got) {
						mu.Lock()
						failures = append(failures, fmt.Sprintf("goroutine %d, round %d: %v gave\n%#v\nalone it gives\n%#v", g, r, cs[i].names, got, want[i]))
						mu.Unlock()
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	require.Empty(t, failures)
	require.Equal(t, before, in.snapshot(), "an input changed")
}

// TestEveryExportedFunctionIsCalled lists the exported functions and
// methods of the packages from their source, and fails for each that no
// call names: add a call for a new function to calls.
func TestEveryExportedFunctionIsCalled(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range calls(newInputs(t)) {
		for _, n := range c.names {
			covered[n] = true
		}
	}
	var exported []string
	for pkg, dir := range packages {
		exported = append(exported, exportedFuncs(t, pkg, dir)...)
	}
	sort.Strings(exported)
	require.NotEmpty(t, exported)
	var missing []string
	for _, name := range exported {
		if !covered[name] {
			missing = append(missing, name)
		}
	}
	require.Empty(t, missing, "exported functions and methods that TestConcurrentCalls does not call; add them to calls")

	// And no call names a function that does not exist (a rename).
	known := map[string]bool{}
	for _, name := range exported {
		known[name] = true
	}
	for name := range covered {
		base, _, _ := strings.Cut(name, " (")
		require.True(t, known[base], "calls name %s, which is not an exported function or method", name)
	}
}

// exportedFuncs returns the exported functions of the package in dir, and
// the exported methods of its exported types, as "pkg.Func" and
// "pkg.Type.Method".
func exportedFuncs(t *testing.T, pkg, dir string) []string {
	t.Helper()
	bp, err := build.Default.ImportDir(dir, 0)
	require.NoError(t, err)
	var out []string
	fset := token.NewFileSet()
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || !fn.Name.IsExported() {
				continue
			}
			if fn.Recv == nil {
				out = append(out, pkg+"."+fn.Name.Name)
				continue
			}
			recv := fn.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			if idx, ok := recv.(*ast.IndexExpr); ok {
				recv = idx.X
			}
			if id, ok := recv.(*ast.Ident); ok && id.IsExported() {
				out = append(out, pkg+"."+id.Name+"."+fn.Name.Name)
			}
		}
	}
	return out
}
