package cloudinit_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/guestnet/guestnet/cloudinit"
	"github.com/guestnet/guestnet/internal/hostile"
	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/netplan"
)

// The adversarial tests put hostile strings (package internal/hostile)
// into the network data, the names and the host name that this package
// writes into KubeVirt objects, seeds and network_data.json, and data of
// every size; each outcome is checked exactly, in bounded time and memory
// (hostile.Bounded).

// advVM is a VirtualMachine with a root disk and no cloud-init volume.
func advVM() *kubevirtv1.VirtualMachine {
	return &kubevirtv1.VirtualMachine{
		TypeMeta:   metav1.TypeMeta{APIVersion: "kubevirt.io/v1", Kind: "VirtualMachine"},
		ObjectMeta: metav1.ObjectMeta{Namespace: "vms", Name: "vm1"},
		Spec: kubevirtv1.VirtualMachineSpec{Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{
			Spec: kubevirtv1.VirtualMachineInstanceSpec{
				Domain:  kubevirtv1.DomainSpec{Devices: kubevirtv1.Devices{Disks: []kubevirtv1.Disk{{Name: "root"}}}},
				Volumes: []kubevirtv1.Volume{{Name: "root", VolumeSource: kubevirtv1.VolumeSource{ContainerDisk: &kubevirtv1.ContainerDiskSource{Image: "fedora"}}}},
			},
		}},
	}
}

// notManifestText are the hostile strings that a manifest cannot carry as
// a string (see SetNetworkData): they go as networkDataBase64.
var notManifestText = map[string]bool{
	"nul": true, "bell": true, "escape": true, "del": true, "c1": true, "nel": true,
	"line-separator": true, "paragraph-separator": true, "bom": true, "noncharacter": true,
	"invalid-utf8": true, "lone-surrogate-bytes": true,
}

// requirePrintable checks that s is one line of printable text.
func requirePrintable(t *testing.T, s string) {
	t.Helper()
	for i, r := range s {
		if r != ' ' && !unicode.IsPrint(r) {
			t.Fatalf("the message holds %U at byte %d, unescaped: %q", r, i, s)
		}
	}
}

// TestAdversarialNetworkData sets every hostile string, alone and after a
// netplan document, as a VM's network data. Text a manifest carries goes
// inline, anything else as base64; either way the VM, written as JSON (as
// the API server takes it) and as YAML (as kubectl writes it), reads back
// with the data byte for byte and with exactly the keys of a VM carrying
// plain data: the data never becomes a key or a value of its own.
func TestAdversarialNetworkData(t *testing.T) {
	plain, _, err := cloudinit.SetNetworkData(advVM(), []byte("x"))
	require.NoError(t, err)
	plainYAML, err := yaml.Marshal(plain)
	require.NoError(t, err)
	baseline, err := hostile.FlattenSigsYAML(plainYAML)
	require.NoError(t, err)
	dataPath := hostile.Path("spec", "template", "spec", "volumes", 1, "cloudInitNoCloud", "networkData")
	base64Path := hostile.Path("spec", "template", "spec", "volumes", 1, "cloudInitNoCloud", "networkDataBase64")

	for _, c := range hostile.All() {
		for _, form := range []string{"alone", "in-a-document"} {
			t.Run(c.Name+"/"+form, func(t *testing.T) {
				data := []byte(c.Value)
				if form == "in-a-document" {
					data = []byte("network:\n  version: 2\n  ethernets:\n    eth0:\n      set-name: " + c.Value + "\n      dhcp4: true\n")
				}
				vm := advVM()
				var out *kubevirtv1.VirtualMachine
				hostile.Bounded(t, hostile.Bounds{Alloc: 4 << 20}, func() { out, _, err = cloudinit.SetNetworkData(vm, data) })
				if len(data) == 0 {
					require.EqualError(t, err, "spec.template.spec.volumes[1].cloudInitNoCloud.networkData: Required value: the network data is empty; KubeVirt needs a non-empty network-data source")
					return
				}
				require.NoError(t, err)
				src := out.Spec.Template.Spec.Volumes[1].CloudInitNoCloud
				want := baseline.Clone()
				delete(want, dataPath)
				if notManifestText[c.Name] {
					require.Empty(t, src.NetworkData)
					got, err := base64.StdEncoding.DecodeString(src.NetworkDataBase64)
					require.NoError(t, err)
					require.Equal(t, data, got)
					want[base64Path] = "str:" + src.NetworkDataBase64
				} else {
					require.Empty(t, src.NetworkDataBase64)
					require.Equal(t, string(data), src.NetworkData)
					want[dataPath] = "str:" + string(data)
				}

				js, err := json.Marshal(out)
				require.NoError(t, err)
				var fromJSON kubevirtv1.VirtualMachine
				require.NoError(t, json.Unmarshal(js, &fromJSON))
				require.Equal(t, out.Spec, fromJSON.Spec)

				doc, err := yaml.Marshal(out)
				require.NoError(t, err)
				got, err := hostile.FlattenSigsYAML(doc)
				require.NoError(t, err, "%s", doc)
				require.Equal(t, want.String(), got.String(), "%s", doc)
				got, err = hostile.FlattenYAMLv3(doc)
				require.NoError(t, err, "%s", doc)
				require.Equal(t, want.String(), got.String(), "%s", doc)
			})
		}
	}
}

// TestAdversarialSeedHostname writes every hostile string as a seed's
// local-hostname. The meta-data is read by go.yaml.in/yaml/v3,
// sigs.k8s.io/yaml and PyYAML (the reader of cloud-init's NoCloud source)
// as exactly two keys, instance-id and local-hostname, the host name
// being the text written (invalid UTF-8 as U+FFFD, a byte each).
func TestAdversarialSeedHostname(t *testing.T) {
	var docs [][]byte
	var wants []hostile.Flat
	for _, c := range hostile.All() {
		t.Run(c.Name, func(t *testing.T) {
			var seed cloudinit.Seed
			hostile.Bounded(t, hostile.Bounds{Alloc: 1 << 20}, func() {
				seed = cloudinit.NewNoCloudSeed([]byte(netData), nil, cloudinit.WithLocalHostname(c.Value))
			})
			id := strings.TrimSuffix(strings.TrimPrefix(strings.SplitN(string(seed.MetaData), "\n", 2)[0], `instance-id: "`), `"`)
			require.Regexp(t, `^iid-[0-9a-f]{16}$`, id)
			want := hostile.Flat{"instance-id": "str:" + id}
			if c.Value != "" {
				var text []rune
				for _, r := range c.Value {
					text = append(text, r)
				}
				want["local-hostname"] = "str:" + string(text)
			}
			for name, read := range map[string]func([]byte) (hostile.Flat, error){"yaml.v3": hostile.FlattenYAMLv3, "sigs.k8s.io/yaml": hostile.FlattenSigsYAML} {
				got, err := read(seed.MetaData)
				require.NoError(t, err, "%s: %s", name, seed.MetaData)
				require.Equal(t, want.String(), got.String(), "%s reads:\n%s", name, seed.MetaData)
			}
			docs, wants = append(docs, seed.MetaData), append(wants, want)
		})
	}
	t.Run("PyYAML", func(t *testing.T) {
		for i, r := range hostile.PyYAML(t, docs) {
			require.NoError(t, r.Err, "%s", docs[i])
			require.Equal(t, wants[i].String(), r.Flat.String(), "PyYAML reads:\n%s", docs[i])
		}
	})
}

// TestAdversarialNames uses every hostile string as the name of the volume
// and of the Secret that SetNetworkData adds. Each must be a DNS-1123
// label (volume) or subdomain (Secret); any other is refused with an error
// at the field it would go to, quoting it.
func TestAdversarialNames(t *testing.T) {
	label := map[string]bool{
		"yes": true, "no": true, "on": true, "off": true, "y": true, "n": true, "true": true, "null": true,
		"octal-0o": true, "octal-0": true, "exp": true, "date": true,
	}
	subdomain := map[string]bool{"float": true}
	for k := range label {
		subdomain[k] = true
	}
	for _, c := range hostile.All() {
		t.Run(c.Name+"/volume", func(t *testing.T) {
			out, _, err := cloudinit.SetNetworkData(advVM(), []byte(netData), cloudinit.WithVolumeName(c.Value))
			if label[c.Name] {
				require.NoError(t, err)
				assert.Equal(t, c.Value, out.Spec.Template.Spec.Volumes[1].Name)
				assert.Equal(t, c.Value, out.Spec.Template.Spec.Domain.Devices.Disks[1].Name)
				return
			}
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), "spec.template.spec.volumes[1].name: Invalid value: "+strconv.Quote(c.Value)+": not a valid volume name"), "%v", err)
			requirePrintable(t, err.Error())
		})
		t.Run(c.Name+"/secret", func(t *testing.T) {
			_, secret, err := cloudinit.SetNetworkData(advVM(), []byte(netData), cloudinit.ForceSecret(), cloudinit.WithSecretName(c.Value))
			switch {
			case subdomain[c.Name]:
				require.NoError(t, err)
				assert.Equal(t, c.Value, secret.Name)
			case c.Value == "":
				require.NoError(t, err, "the empty name means the default")
				assert.Equal(t, "vm1-networkdata", secret.Name)
			default:
				require.Error(t, err)
				assert.True(t, strings.HasPrefix(err.Error(), "spec.template.spec.volumes[1].cloudInitNoCloud.networkDataSecretRef.name: Invalid value: "+strconv.Quote(c.Value)+": not a valid Secret name"), "%v", err)
				requirePrintable(t, err.Error())
			}
		})
	}
}

// TestAdversarialNetworkDataJSON puts every hostile string into every
// string field of a netplan.Config rendered as network_data.json. Text
// fields (the ethernets key, set-name, search domains) are carried exactly
// into the JSON, or refused when JSON cannot carry them (invalid UTF-8);
// fields that are parsed refuse every hostile string with an error at
// their path that carries it.
func TestAdversarialNetworkDataJSON(t *testing.T) {
	base := func() netplan.Config {
		return netplan.Config{Network: netplan.Network{Version: 2, Ethernets: map[string]netplan.Ethernet{"eth1": {
			Match: &netplan.Match{MACAddress: "02:00:00:aa:bb:cc"}, SetName: "eth1",
			Addresses:   []string{"192.168.0.200/24"},
			Gateway4:    "192.168.0.1",
			Nameservers: &netplan.Nameservers{Addresses: []string{"192.168.0.1"}, Search: []string{"example.internal"}},
			Routes:      []netplan.Route{{To: "10.0.0.0/8", Via: "192.168.0.254"}},
		}}}}
	}
	type field struct {
		path string
		set  func(e *netplan.Ethernet, v string)
		text func(doc map[string]any) any // where a text field lands in the JSON
		also []string                     // the other paths refused with it
	}
	fields := []field{
		{"network.ethernets[eth1].set-name", func(e *netplan.Ethernet, v string) { e.SetName = v },
			func(doc map[string]any) any { return doc["links"].([]any)[0].(map[string]any)["name"] }, nil},
		{"network.ethernets[eth1].nameservers.search[0]", func(e *netplan.Ethernet, v string) { e.Nameservers.Search = []string{v} },
			func(doc map[string]any) any {
				return doc["networks"].([]any)[0].(map[string]any)["dns_search"].([]any)[0]
			}, nil},
		{"network.ethernets[eth1].match.macaddress", func(e *netplan.Ethernet, v string) { e.Match.MACAddress = v }, nil, nil},
		// Without its address the interface has no static network for
		// its gateway, route and nameservers either.
		{"network.ethernets[eth1].addresses[0]", func(e *netplan.Ethernet, v string) { e.Addresses = []string{v} }, nil, []string{
			"network.ethernets[eth1].gateway4", "network.ethernets[eth1].routes[0]", "network.ethernets[eth1].nameservers",
		}},
		{"network.ethernets[eth1].gateway4", func(e *netplan.Ethernet, v string) { e.Gateway4 = v }, nil, nil},
		{"network.ethernets[eth1].gateway6", func(e *netplan.Ethernet, v string) { e.Gateway6 = v }, nil, nil},
		{"network.ethernets[eth1].nameservers.addresses[0]", func(e *netplan.Ethernet, v string) { e.Nameservers.Addresses = []string{v} }, nil, nil},
		{"network.ethernets[eth1].routes[0].to", func(e *netplan.Ethernet, v string) { e.Routes[0].To = v }, nil, nil},
		{"network.ethernets[eth1].routes[0].via", func(e *netplan.Ethernet, v string) { e.Routes[0].Via = v }, nil, nil},
	}
	macs := map[string]bool{"mac-52": true, "mac-10": true, "mac-00": true}
	for _, c := range hostile.All() {
		for _, f := range fields {
			t.Run(c.Name+"/"+f.path, func(t *testing.T) {
				cfg := base()
				e := cfg.Network.Ethernets["eth1"]
				f.set(&e, c.Value)
				cfg.Network.Ethernets["eth1"] = e
				var out []byte
				var err error
				hostile.Bounded(t, hostile.Bounds{Alloc: 1 << 20}, func() { out, err = cloudinit.NetworkDataJSON(cfg) })
				gateway := strings.HasSuffix(f.path, ".gateway4") || strings.HasSuffix(f.path, ".gateway6")
				mac := strings.HasSuffix(f.path, ".macaddress")
				switch {
				case f.text != nil && utf8.ValidString(c.Value):
					require.NoError(t, err)
					var doc map[string]any
					require.NoError(t, json.Unmarshal(out, &doc))
					if c.Value == "" && strings.HasSuffix(f.path, ".set-name") {
						assert.NotContains(t, doc["links"].([]any)[0], "name", "no set-name, no name")
						return
					}
					assert.Equal(t, c.Value, f.text(doc))
					return
				case gateway && c.Value == "", mac && macs[c.Name]:
					require.NoError(t, err) // no gateway; a MAC
					return
				}
				require.Error(t, err)
				var invalid *netconfig.ValidationError
				require.ErrorAs(t, err, &invalid)
				var paths []string
				for _, e := range invalid.Errors {
					paths = append(paths, e.Field)
				}
				assert.Equal(t, append([]string{f.path}, f.also...), paths, "%v", err)
				if c.Value != "" {
					assert.Contains(t, err.Error(), strconv.Quote(c.Value))
				}
				requirePrintable(t, err.Error())
			})
		}
		t.Run(c.Name+"/key", func(t *testing.T) {
			cfg := base()
			cfg.Network.Ethernets[c.Value] = cfg.Network.Ethernets["eth1"]
			delete(cfg.Network.Ethernets, "eth1")
			out, err := cloudinit.NetworkDataJSON(cfg)
			if !utf8.ValidString(c.Value) {
				require.EqualError(t, err, "network.ethernets["+strconv.Quote(c.Value)+"]: Invalid value: "+strconv.Quote(c.Value)+": the ethernets key is not valid UTF-8")
				return
			}
			require.NoError(t, err)
			var doc struct {
				Links []struct {
					ID string `json:"id"`
				} `json:"links"`
				Networks []struct {
					Link string `json:"link"`
				} `json:"networks"`
			}
			require.NoError(t, json.Unmarshal(out, &doc))
			require.Len(t, doc.Links, 1)
			assert.Equal(t, c.Value, doc.Links[0].ID)
			assert.Equal(t, c.Value, doc.Networks[0].Link)
		})
	}
}

// TestAdversarialSizes sets network data of every size up to a Secret's
// limit and beyond, and renders network_data.json for interfaces with tens
// of thousands of addresses and routes (what a 1 MiB netplan document can
// hold), in bounded time and memory.
func TestAdversarialSizes(t *testing.T) {
	t.Run("MaxNetworkData", func(t *testing.T) {
		var err error
		data := sized(cloudinit.MaxNetworkData)
		hostile.Bounded(t, hostile.Bounds{Alloc: 16 << 20}, func() { _, _, err = cloudinit.SetNetworkData(advVM(), data) })
		require.NoError(t, err)
	})
	for _, n := range []int{cloudinit.MaxNetworkData + 1, 64 << 20} {
		t.Run(fmt.Sprintf("%d bytes", n), func(t *testing.T) {
			data := sized(n)
			var err error
			// Measured: 0.1 ms; nothing is copied.
			hostile.Bounded(t, hostile.Bounds{Alloc: 1 << 20}, func() { _, _, err = cloudinit.SetNetworkData(advVM(), data) })
			require.EqualError(t, err, "spec.template.spec.volumes[1].cloudInitNoCloud.networkDataSecretRef: Too long: may not be more than 1048576 bytes")
			data[0] = '[' // not JSON: the size is checked first
			hostile.Bounded(t, hostile.Bounds{Alloc: 1 << 20}, func() {
				_, _, err = cloudinit.SetConfigDriveNetworkData(advVM(), data)
			})
			require.EqualError(t, err, "spec.template.spec.volumes[1].cloudInitConfigDrive.networkDataSecretRef: Too long: may not be more than 1048576 bytes")
		})
	}
	t.Run("20,000 addresses and routes", func(t *testing.T) {
		e := netplan.Ethernet{Match: &netplan.Match{MACAddress: "02:00:00:aa:bb:cc"}}
		for i := 0; i < 20000; i++ {
			e.Addresses = append(e.Addresses, netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 1}), 32).String())
			e.Routes = append(e.Routes, netplan.Route{To: netip.PrefixFrom(netip.AddrFrom4([4]byte{172, byte(i >> 8), byte(i), 0}), 24).String(), Via: "10.255.255.254"})
		}
		cfg := netplan.Config{Network: netplan.Network{Version: 2, Ethernets: map[string]netplan.Ethernet{"eth1": e}}}
		var out []byte
		var err error
		// Measured: 0.2 s of CPU, 81 MiB. (Finding each route's network
		// scanned every address: here 4·10⁸ subnet checks.)
		hostile.Bounded(t, hostile.Bounds{Alloc: 256 << 20}, func() { out, err = cloudinit.NetworkDataJSON(cfg) })
		require.NoError(t, err)
		assert.Greater(t, len(out), 20000*50)
	})
}

// TestAdversarialNetworkEveryBoot: NetworkEveryBoot refuses a gzip bomb
// (1 GiB of zeros in about 1 MiB) once 64 MiB are decompressed, and reads
// a 1 MiB cloud-config of 100,000 tiny keys (in linear time: yaml/v3's
// duplicate-key check, quadratic, took minutes) and MaxUserData+1 bytes
// within bounds.
func TestAdversarialNetworkEveryBoot(t *testing.T) {
	t.Run("gzip bomb", func(t *testing.T) {
		var b bytes.Buffer
		zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
		require.NoError(t, err)
		zero := make([]byte, 1<<20)
		for i := 0; i < 1024 && b.Len() < cloudinit.MaxUserData-(64<<10); i++ {
			_, err = zw.Write(zero)
			require.NoError(t, err)
		}
		require.NoError(t, zw.Close())
		var out []byte
		hostile.Bounded(t, hostile.Bounds{Alloc: 4 << 20}, func() { out, _, err = cloudinit.NetworkEveryBoot(b.Bytes()) })
		require.Error(t, err)
		assert.Nil(t, out)
		assert.Contains(t, err.Error(), "more than 64 MiB")
	})
	t.Run("1 MiB of tiny keys", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("#cloud-config\nupdates: {}\n")
		for i := 0; b.Len() < cloudinit.MaxUserData-32; i++ {
			b.WriteString("k" + strconv.Itoa(i) + ": 1\n")
		}
		var err error
		// About 500 MiB and 2 s of CPU on a loaded 2-CPU machine: the
		// document is parsed by yaml/v3, written again, and read by
		// yaml/v2 twice, at some 120 bytes allocated per byte each.
		hostile.Bounded(t, hostile.Bounds{Alloc: 768 << 20, Time: 8 * time.Second}, func() { _, _, err = cloudinit.NetworkEveryBoot([]byte(b.String())) })
		require.NoError(t, err)
	})
	t.Run("over the limit", func(t *testing.T) {
		data := []byte("#cloud-config\n#" + strings.Repeat("x", cloudinit.MaxUserData))
		var err error
		hostile.Bounded(t, hostile.Bounds{Alloc: 1 << 10}, func() { _, _, err = cloudinit.NetworkEveryBoot(data) })
		require.Error(t, err)
	})
}
