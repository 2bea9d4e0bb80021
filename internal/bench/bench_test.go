package bench_test

// Benchmarks of Build against the three ways platforms write the same
// document today, over the very same networks:
//
//   - Concat: the seed's way, a strings.Builder concatenation with no
//     escaping and no validation; the floor no safe code can beat;
//   - Template: a text/template, as several cluster-api providers do;
//   - SigsYAML: the equivalent structs marshalled with sigs.k8s.io/yaml,
//     as KubeVirt's own test helpers and Metal3 do.
//
// Each reference gets its networks as the strings a platform holds, built
// once outside the timed loop, as Build gets its Spec. TestReferencesAgree
// checks that all four write the same document. internal/bench/run.sh
// runs them and prints benchstat's table and each ratio to guestnet's
// figure, from one run.

import (
	"fmt"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"text/template"

	"github.com/stretchr/testify/require"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/guestnet/guestnet/netconfig"
)

// refNet is one network as the references take it: the strings a
// platform's own resource holds. The first refNet of a VM is the pod
// network (DHCP).
type refNet struct {
	Name, NAD, Iface, MAC string
	Addresses             []string
	Gateway4, Gateway6    string
	DNS, Search           []string
	Routes                []refRoute
	MTU                   int
}

type refRoute struct {
	To, Via string
	Metric  uint32
}

// benchVM returns a VM of the pod network and n secondaries. The seed's
// VM (n = 0 with seed) has one static IPv4 secondary with gateway and
// DNS; otherwise each secondary is dual stack with two DNS servers, a
// search domain, one IPv4 route with a metric, one IPv6 route and an MTU,
// and the first also has gateways of both families (a VM has one default
// route of each family).
func benchVM(vm, n int, seed bool) []refNet {
	nets := []refNet{{Name: "default", Iface: "eth0", MAC: refMAC(vm, 0)}}
	if seed {
		return append(nets, refNet{
			Name: "external", NAD: "external-net", Iface: "eth1", MAC: refMAC(vm, 1),
			Addresses: []string{"192.168.0.200/24"}, Gateway4: "192.168.0.1", DNS: []string{"192.168.0.1"},
		})
	}
	for i := 1; i <= n; i++ {
		nets = append(nets, refNet{
			Name: fmt.Sprintf("net%d", i), NAD: fmt.Sprintf("net%d-nad", i), Iface: "eth" + strconv.Itoa(i), MAC: refMAC(vm, i),
			Addresses: []string{fmt.Sprintf("10.%d.%d.10/24", i, vm%250), addr("fd00:%x:%x::10/64", i, vm)},
			DNS:       []string{fmt.Sprintf("10.%d.%d.53", i, vm%250), addr("fd00:%x:%x::53", i, vm)},
			Search:    []string{fmt.Sprintf("net%d.example.internal", i)},
			Routes: []refRoute{
				{To: fmt.Sprintf("10.%d.0.0/16", 100+i), Via: fmt.Sprintf("10.%d.%d.254", i, vm%250), Metric: 100},
				{To: addr("fd00:%x:ffff::/48", i), Via: addr("fd00:%x:%x::fe", i, vm)},
			},
			MTU: 9000,
		})
	}
	nets[1].Gateway4, nets[1].Gateway6 = fmt.Sprintf("10.1.%d.1", vm%250), addr("fd00:1:%x::1", vm)
	return nets
}

// addr writes an address or prefix in its canonical form, as netip does.
func addr(format string, args ...any) string {
	s := fmt.Sprintf(format, args...)
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.String()
	}
	return netip.MustParseAddr(s).String()
}

func refMAC(vm, i int) string {
	return fmt.Sprintf("02:%02x:%02x:%02x:%02x:%02x", byte(vm>>16), byte(vm>>8), byte(vm), byte(i>>8), byte(i))
}

// spec is the same VM as guestnet's Spec.
func spec(nets []refNet) netconfig.Spec {
	s := netconfig.Spec{Namespace: "vms"}
	for i, n := range nets {
		m, err := netconfig.ParseMAC(n.MAC)
		if err != nil {
			panic(err)
		}
		if i == 0 {
			s.Networks = append(s.Networks, netconfig.Network{Name: n.Name, Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade, MAC: m,
				IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP}})
			continue
		}
		c := &netconfig.IPConfig{Mode: netconfig.ModeStatic, MTU: n.MTU}
		for _, a := range n.Addresses {
			c.Addresses = append(c.Addresses, netip.MustParsePrefix(a))
		}
		for _, g := range []string{n.Gateway4, n.Gateway6} {
			if g != "" {
				c.Gateways = append(c.Gateways, netip.MustParseAddr(g))
			}
		}
		for _, d := range n.DNS {
			c.Nameservers.Addresses = append(c.Nameservers.Addresses, netip.MustParseAddr(d))
		}
		c.Nameservers.Search = n.Search
		for _, r := range n.Routes {
			rt := netconfig.Route{To: netip.MustParsePrefix(r.To), Via: netip.MustParseAddr(r.Via)}
			if r.Metric != 0 {
				m := r.Metric
				rt.Metric = &m
			}
			c.Routes = append(c.Routes, rt)
		}
		s.Networks = append(s.Networks, netconfig.Network{Name: n.Name, Source: netconfig.SourceMultus, NetworkName: n.NAD, Binding: netconfig.BindingBridge, MAC: m, IPConfig: c})
	}
	return s
}

// concat is the seed's way: string concatenation, nothing escaped or
// checked. (It writes the IPv4 default route as guestnet's portable style
// does, so that the documents compare.)
func concat(nets []refNet) string {
	var b strings.Builder
	b.WriteString("network:\n  version: 2\n  ethernets:\n")
	for i, n := range nets {
		b.WriteString("    " + n.Iface + ":\n      match:\n        macaddress: \"" + n.MAC + "\"\n      set-name: \"" + n.Iface + "\"\n")
		if i == 0 {
			b.WriteString("      dhcp4: true\n")
			continue
		}
		b.WriteString("      addresses:\n")
		for _, a := range n.Addresses {
			b.WriteString("      - \"" + a + "\"\n")
		}
		if n.Gateway6 != "" {
			b.WriteString("      gateway6: \"" + n.Gateway6 + "\"\n")
		}
		if len(n.DNS)+len(n.Search) > 0 {
			b.WriteString("      nameservers:\n")
			if len(n.DNS) > 0 {
				b.WriteString("        addresses:\n")
				for _, d := range n.DNS {
					b.WriteString("        - \"" + d + "\"\n")
				}
			}
			if len(n.Search) > 0 {
				b.WriteString("        search:\n")
				for _, d := range n.Search {
					b.WriteString("        - \"" + d + "\"\n")
				}
			}
		}
		if n.Gateway4 != "" || len(n.Routes) > 0 {
			b.WriteString("      routes:\n")
			if n.Gateway4 != "" {
				b.WriteString("      - to: \"0.0.0.0/0\"\n        via: \"" + n.Gateway4 + "\"\n")
			}
			for _, r := range n.Routes {
				b.WriteString("      - to: \"" + r.To + "\"\n        via: \"" + r.Via + "\"\n")
				if r.Metric != 0 {
					b.WriteString("        metric: " + strconv.FormatUint(uint64(r.Metric), 10) + "\n")
				}
			}
		}
		if n.MTU != 0 {
			b.WriteString("      mtu: " + strconv.Itoa(n.MTU) + "\n")
		}
	}
	return b.String()
}

// refTemplate is the text/template way.
var refTemplate = template.Must(template.New("netplan").Parse(`network:
  version: 2
  ethernets:
{{- range $i, $n := . }}
    {{ $n.Iface }}:
      match:
        macaddress: "{{ $n.MAC }}"
      set-name: "{{ $n.Iface }}"
{{- if eq $i 0 }}
      dhcp4: true
{{- else }}
      addresses:
{{- range $n.Addresses }}
      - "{{ . }}"
{{- end }}
{{- if $n.Gateway6 }}
      gateway6: "{{ $n.Gateway6 }}"
{{- end }}
{{- if or $n.DNS $n.Search }}
      nameservers:
{{- if $n.DNS }}
        addresses:
{{- range $n.DNS }}
        - "{{ . }}"
{{- end }}
{{- end }}
{{- if $n.Search }}
        search:
{{- range $n.Search }}
        - "{{ . }}"
{{- end }}
{{- end }}
{{- end }}
{{- if or $n.Gateway4 $n.Routes }}
      routes:
{{- if $n.Gateway4 }}
      - to: "0.0.0.0/0"
        via: "{{ $n.Gateway4 }}"
{{- end }}
{{- range $n.Routes }}
      - to: "{{ .To }}"
        via: "{{ .Via }}"
{{- if .Metric }}
        metric: {{ .Metric }}
{{- end }}
{{- end }}
{{- end }}
{{- if $n.MTU }}
      mtu: {{ $n.MTU }}
{{- end }}
{{- end }}
{{- end }}
`))

func templated(nets []refNet) string {
	var b strings.Builder
	if err := refTemplate.Execute(&b, nets); err != nil {
		panic(err)
	}
	return b.String()
}

// The sigs.k8s.io/yaml way: a platform's own structs with json tags.
type sigsDoc struct {
	Network sigsNetwork `json:"network"`
}

type sigsNetwork struct {
	Version   int                     `json:"version"`
	Ethernets map[string]sigsEthernet `json:"ethernets"`
}

type sigsEthernet struct {
	Match       map[string]string `json:"match,omitempty"`
	SetName     string            `json:"set-name,omitempty"`
	DHCP4       bool              `json:"dhcp4,omitempty"`
	Addresses   []string          `json:"addresses,omitempty"`
	Gateway6    string            `json:"gateway6,omitempty"`
	Nameservers *sigsNameservers  `json:"nameservers,omitempty"`
	Routes      []sigsRoute       `json:"routes,omitempty"`
	MTU         int               `json:"mtu,omitempty"`
}

type sigsNameservers struct {
	Addresses []string `json:"addresses,omitempty"`
	Search    []string `json:"search,omitempty"`
}

type sigsRoute struct {
	To     string `json:"to"`
	Via    string `json:"via"`
	Metric uint32 `json:"metric,omitempty"`
}

func sigsMarshal(nets []refNet) []byte {
	doc := sigsDoc{Network: sigsNetwork{Version: 2, Ethernets: make(map[string]sigsEthernet, len(nets))}}
	for i, n := range nets {
		e := sigsEthernet{Match: map[string]string{"macaddress": n.MAC}, SetName: n.Iface}
		if i == 0 {
			e.DHCP4 = true
		} else {
			e.Addresses, e.Gateway6, e.MTU = n.Addresses, n.Gateway6, n.MTU
			if len(n.DNS)+len(n.Search) > 0 {
				e.Nameservers = &sigsNameservers{Addresses: n.DNS, Search: n.Search}
			}
			if n.Gateway4 != "" {
				e.Routes = append(e.Routes, sigsRoute{To: "0.0.0.0/0", Via: n.Gateway4})
			}
			for _, r := range n.Routes {
				e.Routes = append(e.Routes, sigsRoute(r))
			}
		}
		doc.Network.Ethernets[n.Iface] = e
	}
	out, err := sigsyaml.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return out
}

// benchCase is one benchmarked VM.
type benchCase struct {
	name string
	nets []refNet
}

func benchCases() []benchCase {
	return []benchCase{
		{"seed", benchVM(0, 1, true)},
		{"secondaries=4", benchVM(0, 4, false)},
		{"secondaries=16", benchVM(0, 16, false)},
		{"secondaries=64", benchVM(0, 64, false)},
	}
}

// TestReferencesAgree checks that the three references write the same
// document as Build, so that the benchmarks compare like with like.
func TestReferencesAgree(t *testing.T) {
	for _, bc := range benchCases() {
		t.Run(bc.name, func(t *testing.T) {
			res, err := netconfig.Build(spec(bc.nets))
			require.NoError(t, err)
			if len(bc.nets) <= 10 { // ethernets keys in one order: byte for byte
				require.Equal(t, string(res.YAML), concat(bc.nets), "concatenation")
				require.Equal(t, string(res.YAML), templated(bc.nets), "text/template")
			}
			var want any
			require.NoError(t, sigsyaml.Unmarshal(res.YAML, &want))
			for name, doc := range map[string][]byte{"concatenation": []byte(concat(bc.nets)), "text/template": []byte(templated(bc.nets)), "sigs.k8s.io/yaml": sigsMarshal(bc.nets)} {
				var got any
				require.NoError(t, sigsyaml.Unmarshal(doc, &got), name)
				require.Equal(t, want, got, name)
			}
		})
	}
}

// BenchmarkRender benchmarks validate-and-render by Build and the three
// references, VM by VM. Each reports ns/network, the cost per NIC.
func BenchmarkRender(b *testing.B) {
	for _, bc := range benchCases() {
		nets := bc.nets
		s := spec(nets)
		perNet := func(b *testing.B) {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(nets)), "ns/network")
		}
		b.Run("vm="+bc.name+"/impl=guestnet", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := netconfig.Build(s); err != nil {
					b.Fatal(err)
				}
			}
			perNet(b)
		})
		b.Run("vm="+bc.name+"/impl=concat", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = concat(nets)
			}
			perNet(b)
		})
		b.Run("vm="+bc.name+"/impl=template", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = templated(nets)
			}
			perNet(b)
		})
		b.Run("vm="+bc.name+"/impl=sigsyaml", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = sigsMarshal(nets)
			}
			perNet(b)
		})
	}
}

// batchSpecs are 10,000 distinct VMs of 4 secondaries, built once.
var batchSpecs = sync.OnceValue(func() []netconfig.Spec {
	specs := make([]netconfig.Spec, 10000)
	for i := range specs {
		specs[i] = spec(benchVM(i, 4, false))
	}
	return specs
})

// BenchmarkBatch builds 10,000 VMs (4 secondaries each) per op, across
// GOMAXPROCS goroutines that take the next VM from a shared counter, as a
// controller's workers would. Run with -cpu 1,2,... to see it scale; Build
// holds no lock, so the only shared state is the counter.
func BenchmarkBatch(b *testing.B) {
	specs := batchSpecs()
	workers := runtime.GOMAXPROCS(0)
	b.ReportAllocs()
	for b.Loop() {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := next.Add(1) - 1
					if i >= int64(len(specs)) {
						return
					}
					if _, err := netconfig.Build(specs[i]); err != nil {
						panic(err)
					}
				}
			}()
		}
		wg.Wait()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(specs)), "ns/vm")
}
