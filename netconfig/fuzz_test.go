package netconfig_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	yamlv3 "go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/guestnet/guestnet/internal/specfile"
	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/netplan"
)

// The bits of FuzzBuild's and FuzzSpecFileBuild's ctrl argument.
const (
	ctrlExtra       = 0x03 // FuzzBuild: how many extra Multus networks follow the fuzzed one
	ctrlOmitPod     = 0x04 // WithoutPodNetwork
	ctrlNetplan     = 0x08 // WithDefaultRouteStyle(DefaultRouteNetplan)
	ctrlStatus      = 0x10 // WithNetworkStatus: every network has a status
	ctrlNotMultus   = 0x20 // the fuzzed network's status names no attachment
	ctrlMACResolver = 0x40 // FuzzBuild: the MAC goes to a MAC resolver, not the spec
	ctrlPodFirst    = 0x80 // FuzzBuild: a pod network comes first
)

// FuzzBuild builds a netconfig.Spec from fuzzed primitives: a network
// whose every field is fuzzed (name, source, attachment, binding, MAC, PCI
// address, and an IP config whose mode, addresses, gateways, routes,
// nameservers, search domains and MTU come from the arguments), optionally
// after a pod network and before up to three DHCP Multus networks sharing
// its DNS and MTU, with options (WithoutPodNetwork, the default-route
// style, a network-status resolver, a MAC resolver) chosen by ctrl. Address
// arguments are comma-separated lists; routes are "to via [metric]"
// separated by ';'; a value that does not parse becomes the zero value, so
// that invalid input reaches Build too.
//
// The invariants, checked by checkBuild: Build never panics and never
// modifies the spec; on error the Result is the zero value and the error
// is an *ValidationError holding field errors whose paths name a field of
// the spec (namespace, or networks[i] with i in range), the same error
// every time; on success netplan.Parse(res.YAML) is exactly res.Config,
// sigs.k8s.io/yaml and go.yaml.in/yaml/v3 read res.YAML into the same
// generic value that sigs.k8s.io/yaml.Marshal(res.Config) and
// encoding/json read into, a second Build gives the same bytes and the same
// Result, res.Interfaces holds one entry per network (guest name ethN at
// position N) consistent with the ethernets entries (matched by a MAC a NIC
// can have, or by name with no match), the pod network never has
// addresses but the static IPv6 ones of a masquerade pod network with
// ipv6Mode static, a NIC is warned of (EphemeralMAC) exactly when it is matched
// by a MAC from the VMI status or the network status, and the Result
// shares no memory with the spec.
func FuzzBuild(f *testing.F) {
	type seed struct {
		ctrl, mode                                             uint8
		namespace, name, name2, source, nad, binding, mac, pci string
		addresses, gateways, routes, nameservers, search       string
		mtu                                                    int
	}
	for _, s := range []seed{
		// The seed's external network after the pod network.
		{ctrl: ctrlPodFirst, mode: 0, namespace: "vms", name: "external", source: "multus", nad: "ext-net", binding: "bridge", mac: "02:00:00:aa:bb:cc",
			addresses: "192.168.0.200/24", gateways: "192.168.0.1", nameservers: "192.168.0.1"},
		// Dual stack with routes, DNS and MTU, in both default-route styles.
		{ctrl: ctrlPodFirst | 1, mode: 0, namespace: "vms", name: "storage", name2: "more", source: "multus", nad: "storage-net", binding: "bridge", mac: "52:54:00:12:34:56",
			addresses: "10.20.0.10/24,fd00:20::10/64", gateways: "fd00:20::1", routes: "10.30.0.0/16 10.20.0.254 100;fd00:30::/48 fd00:20::fe",
			nameservers: "10.20.0.53,fd00:20::53", search: "storage.example.internal", mtu: 9000},
		{ctrl: ctrlPodFirst | ctrlNetplan, mode: 0, name: "storage", source: "multus", nad: "infra/storage-net", mac: "02:00:00:00:00:02",
			addresses: "10.20.0.10/24,fd00:20::10/64", routes: "0.0.0.0/0 10.20.0.1 50;::/0 fd00:20::1 10"},
		// DHCP with DHCPv6, the MAC from a resolver, and network status.
		{ctrl: ctrlPodFirst | ctrlStatus | ctrlMACResolver | 2, mode: 1 | 8, namespace: "vms", name: "mgmt", name2: "x", source: "multus", nad: "mgmt-net", binding: "sriov", mac: "02:00:00:00:00:03", pci: "0000:81:00.1"},
		// The MAC from a resolver that read it in the VMI status (mode's
		// high bits choose fuzzedOrigins[6]), which KubeVirt does not keep.
		{ctrl: ctrlPodFirst | ctrlMACResolver, mode: 1 | 6<<4, namespace: "vms", name: "mgmt", source: "multus", nad: "mgmt-net", binding: "bridge", mac: "02:00:00:00:00:04"},
		// A network whose status says it is not a Multus attachment.
		{ctrl: ctrlStatus | ctrlNotMultus, mode: 1, name: "other", binding: "bridge"},
		// The pod network without a config, left out.
		{ctrl: ctrlOmitPod, mode: 4, name: "default", source: "pod"},
		// Invalid: static on the pod network, a bad MAC, a gateway outside
		// the subnet, a masquerade Multus network, a host route.
		{ctrl: ctrlPodFirst, mode: 0, name: "default", source: "pod", mac: "ff:ff:ff:ff:ff:ff", addresses: "10.0.0.5/24", gateways: "192.168.0.1"},
		{mode: 0, name: "ext", source: "multus", nad: "a/b/c", binding: "masquerade", addresses: "10.0.0.0/24,10.0.0.5", routes: "10.1.0.1/16 10.0.0.1 4294967296;x y"},
		// Hostile text in every string field.
		{ctrl: ctrlPodFirst | 3, mode: 6, namespace: "vms\n#", name: "a: b\n- c", name2: "&x *x", source: "multus", nad: "{ext}", binding: "!!str",
			mac: "52:54:00:12:34:56\n", pci: "0000:00:04.0\"", addresses: "192.168.0.200/24", search: "yes,on,0x1F,1e3,12:30,\"quoted\",\x00,é.example", mtu: -1},
		{mode: 7, name: "n", source: "multus", nad: "n", search: "example.com.,EXAMPLE.com", nameservers: "fe80::1%eth0,::ffff:10.0.0.1,224.0.0.1", mtu: 1280},
	} {
		f.Add(s.ctrl, s.mode, s.namespace, s.name, s.name2, s.source, s.nad, s.binding, s.mac, s.pci,
			s.addresses, s.gateways, s.routes, s.nameservers, s.search, s.mtu)
	}
	f.Fuzz(func(t *testing.T, ctrl, mode uint8, namespace, name, name2, source, nad, binding, mac, pci,
		addresses, gateways, routes, nameservers, search string, mtu int) {
		spec, opts := fuzzedSpec(ctrl, mode, namespace, name, name2, source, nad, binding, mac, pci,
			addresses, gateways, routes, nameservers, search, mtu)
		checkBuild(t, spec, opts...)
	})
}

// FuzzSpecFileBuild reads arbitrary bytes as a spec file with
// specfile.Parse and builds what it accepts, with the options ctrl chooses
// (WithoutPodNetwork, the default-route style, a network-status resolver
// that reports every Multus network, a MAC resolver that knows every
// network). The invariants: Parse never panics, never modifies its input,
// and returns either a Spec or an error, never both, an
// *ValidationError's field errors all having a path; and what it accepts
// meets every invariant of FuzzBuild (see checkBuild).
func FuzzSpecFileBuild(f *testing.F) {
	for _, name := range []string{"seed.yaml", "seed-list.yaml", "dual-stack.yaml", "masquerade-dual-stack.yaml"} {
		data := readExampleSpec(f, name)
		f.Add(data, uint8(0))
		f.Add(data, uint8(ctrlNetplan|ctrlStatus|ctrlMACResolver))
	}
	for _, s := range []string{
		"- {name: default, pod: {}}\n- {name: ext, multus: {networkName: ext-net}, macAddress: '02:00:00:00:00:02', ipConfig: {mode: static, addresses: [10.0.0.5/24], gateways: [192.168.0.1]}}\n",
		`{"namespace": "vms", "networks": [{"name": "default", "pod": {}}, {"name": "ext", "multus": {"networkName": "ext-net"}, "ipConfig": {"mode": "dhcp", "dhcp6": true, "mtu": 1280}}]}`,
		"networks: [{name: a, ipConfig: {mode: static, address: 10.0.0.5/24, routes: [{to: default, via: 10.0.0.1, metric: 0}]}}]",
		"networks: [{name: \"on\", ipConfig: {mode: dhcp, nameservers: {search: [\"yes\", \"a\\u0085b\", \"x\\ny: z\"]}}}]",
		"- {name: default, pod: {}, binding: masquerade, ipConfig: {mode: none, ipv6Mode: static, addresses: [\"fd10:0:2::2/120\"], gateways: [\"fd10:0:2::1\"]}}",
		"- {name: default, pod: {}, binding: bridge, ipConfig: {mode: static, ipv6Mode: static, dhcp6: true, addresses: [10.0.2.2/24, \"fd10:0:2::2/120\"]}}",
		"networks: [{name: a, multus: {networkName: n}, ipConfig: {mode: slaac, ipv6Mode: none, routes: [{to: \"::/0\", via: \"fe80::1\"}]}}]",
		"a: &a [*a]",
		"",
	} {
		f.Add([]byte(s), uint8(ctrlStatus))
	}
	f.Fuzz(func(t *testing.T, data []byte, ctrl uint8) {
		orig := bytes.Clone(data)
		spec, err := specfile.Parse(data)
		require.Equal(t, orig, data, "Parse modified its input")
		if err != nil {
			require.Equal(t, netconfig.Spec{}, spec, "a Spec with an error")
			if invalid, ok := err.(*netconfig.ValidationError); ok {
				require.NotEmpty(t, invalid.Errors)
				for _, fe := range invalid.Errors {
					require.NotEmpty(t, fe.Field, "%v", fe)
				}
			}
			return
		}
		checkBuild(t, spec, ctrlOptions(spec, ctrl)...)
	})
}

// readExampleSpec reads a spec file of examples/specs.
func readExampleSpec(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("../examples/specs/" + name)
	require.NoError(t, err)
	return data
}

// fuzzedSpec builds FuzzBuild's spec and options from its arguments.
func fuzzedSpec(ctrl, mode uint8, namespace, name, name2, source, nad, binding, macStr, pci,
	addresses, gateways, routes, nameservers, search string, mtu int) (netconfig.Spec, []netconfig.Option) {
	var mac netconfig.MAC
	if m, err := netconfig.ParseMAC(macStr); err == nil {
		mac = m
	} else if len(macStr) == len(mac) {
		copy(mac[:], macStr) // six raw bytes: any MAC, multicast ones included
	}
	var c *netconfig.IPConfig
	if m := mode & 7; m != 4 {
		c = &netconfig.IPConfig{
			Mode:      [...]netconfig.Mode{netconfig.ModeStatic, netconfig.ModeDHCP, netconfig.ModeNone, "", "", "Static", netconfig.ModeStatic, netconfig.ModeDHCP}[m],
			DHCP6:     mode&8 != 0,
			Addresses: splitMap(addresses, ",", parsePrefix),
			Gateways:  splitMap(gateways, ",", parseAddr),
			Routes:    splitMap(routes, ";", parseRoute),
			MTU:       mtu,
			Nameservers: netconfig.Nameservers{
				Addresses: splitMap(nameservers, ",", parseAddr),
				Search:    splitMap(search, ",", func(s string) string { return s }),
			},
		}
	}

	spec := netconfig.Spec{Namespace: namespace}
	if ctrl&ctrlPodFirst != 0 {
		spec.Networks = append(spec.Networks, netconfig.Network{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade})
	}
	fuzzed := len(spec.Networks)
	n := netconfig.Network{Name: name, Source: netconfig.Source(source), NetworkName: nad, Binding: binding, PCIAddress: pci, IPConfig: c}
	macs := netconfig.MACTable{}
	if ctrl&ctrlMACResolver != 0 {
		// mode's high bits choose the origin the resolver gives.
		macs[name] = netconfig.ResolvedMAC{MAC: mac, Origin: fuzzedOrigins[int(mode>>4)%len(fuzzedOrigins)]}
	} else {
		n.MAC = mac
	}
	spec.Networks = append(spec.Networks, n)
	for i := range int(ctrl & ctrlExtra) {
		extra := netconfig.Network{Name: name2 + strconv.Itoa(i+1), Source: netconfig.SourceMultus, NetworkName: nad, Binding: netconfig.BindingBridge}
		if c != nil {
			extra.IPConfig = &netconfig.IPConfig{Mode: netconfig.ModeDHCP, DHCP6: c.DHCP6, MTU: c.MTU, Nameservers: netconfig.Nameservers{
				Addresses: append([]netip.Addr(nil), c.Nameservers.Addresses...),
				Search:    append([]string(nil), c.Nameservers.Search...),
			}}
		}
		spec.Networks = append(spec.Networks, extra)
	}

	var opts []netconfig.Option
	if ctrl&ctrlOmitPod != 0 {
		opts = append(opts, netconfig.WithoutPodNetwork())
	}
	if ctrl&ctrlNetplan != 0 {
		opts = append(opts, netconfig.WithDefaultRouteStyle(netconfig.DefaultRouteNetplan))
	}
	if ctrl&ctrlStatus != 0 {
		// By name: of networks that share one (which Build refuses), the
		// first has its status.
		statuses := netconfig.StatusMap{}
		for i, nw := range spec.Networks {
			if _, dup := statuses[nw.Name]; dup {
				continue
			}
			switch {
			case i == fuzzed && ctrl&ctrlNotMultus != 0:
				statuses[nw.Name] = netconfig.NetworkStatus{Interface: "eth9", MAC: mac}
			case nw.Source == netconfig.SourcePod:
				statuses[nw.Name] = netconfig.NetworkStatus{Default: true, Interface: "eth0", IPs: []netip.Addr{netip.MustParseAddr("10.244.0.5")}}
			default:
				st := mac
				if i != fuzzed {
					st[5] ^= 0x80 | byte(i) // the extra networks' own MACs
				}
				statuses[nw.Name] = netconfig.NetworkStatus{NetworkName: qualified(namespace, nw.NetworkName), Interface: fmt.Sprintf("net%d", i), MAC: st}
			}
		}
		opts = append(opts, netconfig.WithNetworkStatus(statuses))
	}
	if len(macs) > 0 {
		opts = append(opts, netconfig.WithMACResolver(macs))
	}
	return spec, opts
}

// fuzzedOrigins are the origins a fuzzed MAC resolver gives: none, each of
// netconfig's, and one of its own.
var fuzzedOrigins = append([]netconfig.MACOrigin{"", "kubemacpool"}, allOrigins...)

// ctrlOptions returns FuzzSpecFileBuild's options for spec.
func ctrlOptions(spec netconfig.Spec, ctrl uint8) []netconfig.Option {
	var opts []netconfig.Option
	if ctrl&ctrlOmitPod != 0 {
		opts = append(opts, netconfig.WithoutPodNetwork())
	}
	if ctrl&ctrlNetplan != 0 {
		opts = append(opts, netconfig.WithDefaultRouteStyle(netconfig.DefaultRouteNetplan))
	}
	if ctrl&ctrlStatus != 0 {
		opts = append(opts, netconfig.WithNetworkStatus(netconfig.StatusResolverFunc(func(networks []netconfig.Network) map[string]netconfig.NetworkStatus {
			statuses := map[string]netconfig.NetworkStatus{}
			for i, n := range networks {
				if _, dup := statuses[n.Name]; dup || n.Source != netconfig.SourceMultus {
					continue
				}
				statuses[n.Name] = netconfig.NetworkStatus{
					NetworkName: qualified(spec.Namespace, n.NetworkName),
					Interface:   fmt.Sprintf("net%d", i),
					MAC:         netconfig.MAC{0x0a, 0x58, 0, 0, byte(i >> 8), byte(i)},
				}
			}
			return statuses
		})))
	}
	if ctrl&ctrlMACResolver != 0 {
		opts = append(opts, netconfig.WithMACResolver(netconfig.MACResolverFunc(func(network string) (netconfig.ResolvedMAC, bool) {
			return netconfig.ResolvedMAC{MAC: netconfig.MAC{0x02, 0xfe, byte(len(network)), 0, 0, 1}}, network != ""
		})))
	}
	return opts
}

// qualified is an attachment name as "namespace/name".
func qualified(namespace, name string) string {
	if namespace == "" || name == "" || strings.Contains(name, "/") {
		return name
	}
	return namespace + "/" + name
}

// splitMap splits s at sep and maps each part with parse; an empty s is an
// empty list.
func splitMap[T any](s, sep string, parse func(string) T) []T {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, sep)
	out := make([]T, len(parts))
	for i, p := range parts {
		out[i] = parse(p)
	}
	return out
}

func parsePrefix(s string) netip.Prefix {
	p, _ := netip.ParsePrefix(s)
	return p
}

func parseAddr(s string) netip.Addr {
	a, _ := netip.ParseAddr(s)
	return a
}

// parseRoute reads "to via [metric]"; parts that do not parse are left
// zero.
func parseRoute(s string) netconfig.Route {
	f := strings.Fields(s)
	var r netconfig.Route
	if len(f) > 0 {
		r.To = parsePrefix(f[0])
	}
	if len(f) > 1 {
		r.Via = parseAddr(f[1])
	}
	if len(f) > 2 {
		if m, err := strconv.ParseUint(f[2], 10, 32); err == nil {
			m32 := uint32(m)
			r.Metric = &m32
		}
	}
	return r
}

// fieldPath is the form of the paths of Build's errors: namespace, or
// networks, or networks[i] and what follows it.
var fieldPath = regexp.MustCompile(`^(namespace|networks(\[(\d+)\]([.\[].*)?)?)$`)

// knownWarnings are the codes Build may warn with.
var knownWarnings = map[netconfig.WarningCode]bool{
	netconfig.WarningNotMultusAttachment: true, netconfig.WarningInterfaceNameFallback: true, netconfig.WarningMACMismatch: true,
	netconfig.WarningDefaultRouteOverridesPodNetwork: true, netconfig.WarningOverlappingSubnets: true, netconfig.WarningRouteMetricDropped: true,
	netconfig.WarningTooManyNameservers: true, netconfig.WarningIPConfigIgnored: true, netconfig.WarningNothingConfigured: true,
	netconfig.WarningEphemeralMAC: true, netconfig.WarningAcceptRANotPortable: true,
}

// checkBuild builds spec with opts and checks the invariants that
// FuzzBuild states.
func checkBuild(t *testing.T, spec netconfig.Spec, opts ...netconfig.Option) {
	t.Helper()
	before := cloneSpec(spec)
	res, err := netconfig.Build(spec, opts...)
	require.Equal(t, before, spec, "Build modified the spec")
	if err != nil {
		require.Equal(t, netconfig.Result{}, res, "a Result with an error")
		invalid, ok := err.(*netconfig.ValidationError)
		require.True(t, ok, "an error of type %T, not *ValidationError: %v", err, err)
		require.NotEmpty(t, invalid.Errors)
		for _, fe := range invalid.Errors {
			require.NotNil(t, fe)
			m := fieldPath.FindStringSubmatch(fe.Field)
			require.NotNil(t, m, "error %q: the path %q names no field of the spec", fe, fe.Field)
			if m[3] != "" {
				i, _ := strconv.Atoi(m[3])
				require.Less(t, i, len(spec.Networks), "error %q", fe)
			}
		}
		require.NotEmpty(t, err.Error())
		_, again := netconfig.Build(spec, opts...)
		require.Error(t, again)
		require.Equal(t, err.Error(), again.Error(), "Build is not deterministic")
		return
	}

	cfg, perr := netplan.Parse(res.YAML)
	require.NoError(t, perr, "netplan.Parse of Build's output:\n%s", res.YAML)
	require.Equal(t, res.Config, cfg, "netplan.Parse does not give back the Config:\n%s", res.YAML)
	checkGeneric(t, res.Config, res.YAML)

	again, err := netconfig.Build(spec, opts...)
	require.NoError(t, err, "a second Build")
	require.Equal(t, string(res.YAML), string(again.YAML), "Build is not deterministic")
	require.Equal(t, res, again)

	require.Len(t, res.Interfaces, len(spec.Networks))
	configured := 0
	nicNames := kubevirtNICNames(spec)
	for i, ifc := range res.Interfaces {
		require.Equal(t, spec.Networks[i].Name, ifc.Network)
		require.Equal(t, nicNames[i], ifc.Name)
		e, ok := res.Config.Network.Ethernets[ifc.Name]
		require.Equal(t, ifc.Configured, ok, "networks[%d]: Configured is %v", i, ifc.Configured)
		if !ok {
			require.Empty(t, ifc.Match)
			continue
		}
		configured++
		switch ifc.Match {
		case netconfig.MatchMAC:
			require.Empty(t, ifc.MAC.Problem(), "networks[%d] matched by MAC %s", i, ifc.MAC)
			require.NotNil(t, e.Match)
			require.Equal(t, netconfig.MatchMAC, ifc.Match)
			require.Equal(t, ifc.MAC.String(), e.Match.MACAddress)
			require.Equal(t, ifc.Name, e.SetName)
		case netconfig.MatchName:
			require.Nil(t, e.Match)
			require.Empty(t, e.SetName)
		default:
			t.Fatalf("networks[%d]: match %q", i, ifc.Match)
		}
		if ifc.Role == netconfig.RolePod {
			// Only static IPv6, and only on a masquerade pod network
			// with ipv6Mode static (KubeVirt's dual-stack masquerade).
			n := spec.Networks[i]
			masq6 := n.Binding == netconfig.BindingMasquerade && n.IPConfig != nil && n.IPConfig.IPv6Mode == netconfig.ModeStatic
			for _, a := range e.Addresses {
				require.True(t, masq6 && netip.MustParsePrefix(a).Addr().Is6(), "the pod network got static address %s", a)
			}
		}
	}
	require.Len(t, res.Config.Network.Ethernets, configured)
	nothing := false
	ephemeral := map[string]bool{}
	for _, w := range res.Warnings {
		require.True(t, knownWarnings[w.Code], "warning %+v", w)
		require.NotEmpty(t, w.Message)
		nothing = nothing || w.Code == netconfig.WarningNothingConfigured
		if w.Code == netconfig.WarningEphemeralMAC {
			ephemeral[w.Field] = true
		}
	}
	require.Equal(t, configured == 0, nothing, "NothingConfigured warning")
	for i, ifc := range res.Interfaces {
		want := ifc.Match == netconfig.MatchMAC && ephemeralOrigins[ifc.MACOrigin]
		require.Equal(t, want, ephemeral["networks["+strconv.Itoa(i)+"].macAddress"], "networks[%d]: EphemeralMAC warning, MAC from %q", i, ifc.MACOrigin)
	}

	// The Result shares no memory with the spec.
	for k, e := range res.Config.Network.Ethernets {
		for j := range e.Addresses {
			e.Addresses[j] = "scribbled"
		}
		for j := range e.Routes {
			e.Routes[j].To = "scribbled"
			if e.Routes[j].Metric != nil {
				*e.Routes[j].Metric = 12345
			}
		}
		if e.Nameservers != nil {
			for j := range e.Nameservers.Search {
				e.Nameservers.Search[j] = "scribbled"
			}
		}
		res.Config.Network.Ethernets[k] = e
	}
	require.Equal(t, before, spec, "the Result shares memory with the spec")
}

// checkGeneric checks that sigs.k8s.io/yaml and go.yaml.in/yaml/v3 read
// doc, the document written for cfg, into the generic value (maps, lists,
// strings, float64 numbers, booleans) that sigs.k8s.io/yaml.Marshal(cfg)
// reads into, and into which cfg's JSON encoding decodes.
func checkGeneric(t *testing.T, cfg netplan.Config, doc []byte) {
	t.Helper()
	js, err := json.Marshal(cfg)
	require.NoError(t, err)
	var model any
	require.NoError(t, json.Unmarshal(js, &model))

	ref, err := sigsyaml.Marshal(cfg)
	require.NoError(t, err)
	var fromRef any
	require.NoError(t, sigsyaml.Unmarshal(ref, &fromRef))
	require.Equal(t, model, fromRef, "sigs.k8s.io/yaml's own document:\n%s", ref)

	var viaSigs any
	require.NoError(t, sigsyaml.Unmarshal(doc, &viaSigs), "%s", doc)
	require.Equal(t, fromRef, viaSigs, "sigs.k8s.io/yaml reads:\n%s", doc)

	var viaV3 any
	require.NoError(t, yamlv3.Unmarshal(doc, &viaV3), "%s", doc)
	v3js, err := json.Marshal(viaV3)
	require.NoError(t, err, "go.yaml.in/yaml/v3 read a value JSON cannot hold: %#v", viaV3)
	var viaV3Generic any
	require.NoError(t, json.Unmarshal(v3js, &viaV3Generic))
	require.Equal(t, fromRef, viaV3Generic, "go.yaml.in/yaml/v3 reads:\n%s", doc)
}

// cloneSpec returns a deep copy of spec.
func cloneSpec(spec netconfig.Spec) netconfig.Spec {
	out := spec
	if spec.Networks == nil {
		return out
	}
	out.Networks = make([]netconfig.Network, len(spec.Networks))
	for i, n := range spec.Networks {
		if n.IPConfig != nil {
			c := *n.IPConfig
			c.Addresses = cloneSlice(c.Addresses)
			c.Gateways = cloneSlice(c.Gateways)
			c.Nameservers.Addresses = cloneSlice(c.Nameservers.Addresses)
			c.Nameservers.Search = cloneSlice(c.Nameservers.Search)
			c.Routes = cloneSlice(c.Routes)
			for j, r := range c.Routes {
				if r.Metric != nil {
					m := *r.Metric
					c.Routes[j].Metric = &m
				}
			}
			n.IPConfig = &c
		}
		out.Networks[i] = n
	}
	return out
}

// cloneSlice copies s, keeping nil and empty apart.
func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}
