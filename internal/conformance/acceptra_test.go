package conformance

// What cloud-init 22.4 makes of IPv6Mode slaac and none, written as
// netplan's accept-ra (the NoCloud path) and as network_data.json's
// ipv6_slaac network (the ConfigDrive path). WarningAcceptRANotPortable
// and cloudinit.NetworkDataJSON's doc rest on these facts.

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yamlv3 "go.yaml.in/yaml/v3"

	"github.com/guestnet/guestnet/cloudinit"
	"github.com/guestnet/guestnet/netconfig"
)

// acceptRASpec is the pod network by DHCP and three networks: eth1 with
// static IPv4 and SLAAC, eth2 with DHCPv4 and SLAAC, eth3 with DHCPv4 and
// no IPv6.
func acceptRASpec() netconfig.Spec {
	net := func(i int, c *netconfig.IPConfig) netconfig.Network {
		return netconfig.Network{Name: "net" + string(rune('0'+i)), Source: netconfig.SourceMultus, NetworkName: "nad", Binding: netconfig.BindingBridge,
			MAC: netconfig.MAC{0x02, 0, 0, 0, 0, byte(1 + i)}, IPConfig: c}
	}
	return netconfig.Spec{Namespace: "vms", Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, Binding: netconfig.BindingMasquerade, MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
		net(1, &netconfig.IPConfig{Mode: netconfig.ModeStatic, IPv6Mode: netconfig.ModeSLAAC, Addresses: []netip.Prefix{prefix("10.20.0.10/24")}}),
		net(2, &netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: netconfig.ModeSLAAC}),
		net(3, &netconfig.IPConfig{Mode: netconfig.ModeDHCP, IPv6Mode: netconfig.ModeNone}),
	}}
}

// TestCloudInit224AcceptRA: of cloud-init 22.4's renderers only netplan
// passes accept-ra on (and netplan 0.106 writes it as IPv6AcceptRA);
// networkd drops it; eni writes it as accept_ra into the IPv4 dhcp stanza
// (an option of ifupdown's inet6 methods only) and drops it beside static
// IPv4, writing no inet6 stanza either way; sysconfig writes
// IPV6_FORCE_ACCEPT_RA without IPV6INIT=yes. Hence
// WarningAcceptRANotPortable.
func TestCloudInit224AcceptRA(t *testing.T) {
	t.Parallel()
	requireTool(t, "cloud-init")
	res, err := netconfig.Build(acceptRASpec())
	require.NoError(t, err)
	for _, i := range []int{1, 2, 3} {
		assert.Contains(t, warningCodesOf(res, i), netconfig.WarningAcceptRANotPortable, "networks[%d]", i)
	}
	t.Run("netplan generate", func(t *testing.T) {
		t.Parallel()
		root, _ := netplanGenerate(t, res.YAML)
		nd := readNetworkd(t, "netplan generate", filepath.Join(root, "run", "systemd", "network"), "10-netplan-")
		for name, want := range map[string]string{"eth1": "yes", "eth2": "yes", "eth3": "no"} {
			v, ok := nd.files["10-netplan-"+name+".network"].value("Network", "IPv6AcceptRA")
			assert.True(t, ok && v == want, "netplan generate: %s IPv6AcceptRA=%q, want %q", name, v, want)
		}
	})
	t.Run("netplan", func(t *testing.T) {
		t.Parallel()
		out := mustNetConvert(t, res.YAML, "debian", "netplan")
		var doc struct {
			Network struct {
				Ethernets map[string]map[string]any `yaml:"ethernets"`
			} `yaml:"network"`
		}
		require.NoError(t, yamlv3.Unmarshal([]byte(readFile(t, "cloud-init netplan", filepath.Join(out, "etc", "netplan", "50-cloud-init.yaml"))), &doc))
		for name, want := range map[string]bool{"eth1": true, "eth2": true, "eth3": false} {
			assert.Equal(t, want, doc.Network.Ethernets[name]["accept-ra"], "cloud-init netplan: %s accept-ra", name)
		}
	})
	t.Run("networkd", func(t *testing.T) {
		t.Parallel()
		out := mustNetConvert(t, res.YAML, "debian", "networkd")
		nd := readNetworkd(t, "cloud-init networkd", filepath.Join(out, "etc", "systemd", "network"), "10-cloud-init-")
		for _, name := range []string{"eth1", "eth2", "eth3"} {
			f, ok := nd.files["10-cloud-init-"+name+".network"]
			require.True(t, ok, "cloud-init networkd: no file for %s", name)
			_, has := f.value("Network", "IPv6AcceptRA")
			assert.False(t, has, "cloud-init networkd now writes IPv6AcceptRA for %s: WarningAcceptRANotPortable can spare networkd", name)
		}
	})
	t.Run("eni", func(t *testing.T) {
		t.Parallel()
		out := mustNetConvert(t, res.YAML, "debian", "eni")
		e := readENI(t, out)
		for name, want := range map[string][]string{"eth1": nil, "eth2": {"inet dhcp accept_ra 1"}, "eth3": {"inet dhcp accept_ra 0"}} {
			var got []string
			for _, st := range e.file.stanzas(name) {
				assert.NotEqual(t, "inet6", st.Family, "cloud-init eni now writes an inet6 stanza for %s: WarningAcceptRANotPortable can spare eni", name)
				for _, v := range st.opts("accept_ra") {
					got = append(got, st.Family+" "+st.Method+" accept_ra "+v)
				}
			}
			assert.Equal(t, want, got, "cloud-init eni: %s accept_ra", name)
		}
	})
	t.Run("sysconfig", func(t *testing.T) {
		t.Parallel()
		out := mustNetConvert(t, res.YAML, "rhel", "sysconfig")
		s := readSysconfig(t, out)
		for name, want := range map[string]string{"eth1": "yes", "eth2": "yes", "eth3": "no"} {
			assert.Equal(t, want, s.ifcfg[name]["IPV6_FORCE_ACCEPT_RA"], "cloud-init sysconfig: ifcfg-%s IPV6_FORCE_ACCEPT_RA", name)
			assert.Empty(t, s.ifcfg[name]["IPV6INIT"], "cloud-init sysconfig now writes IPV6INIT for %s: WarningAcceptRANotPortable can spare sysconfig", name)
		}
	})
}

// TestCloudInit224ConfigDriveSLAAC: network_data.json's ipv6_slaac network
// becomes a SLAAC stanza on eni (inet6 auto) and sysconfig
// (IPV6_AUTOCONF=yes), dhcp6: true on netplan, and nothing on networkd.
// IPv6Mode none has no form there, so NetworkDataJSON refuses it.
func TestCloudInit224ConfigDriveSLAAC(t *testing.T) {
	t.Parallel()
	requireTool(t, "cloud-init")
	spec := acceptRASpec()
	spec.Networks = spec.Networks[:3]
	res, err := netconfig.Build(spec)
	require.NoError(t, err)
	js, err := cloudinit.NetworkDataJSON(res.Config)
	require.NoError(t, err)

	t.Run("eni", func(t *testing.T) {
		t.Parallel()
		// Read as a plain file: readENI refuses methods the guests'
		// NoCloud path never gets, such as auto.
		out := mustNetConvertJSON(t, js, "debian", "eni", nil)
		f, err := parseENI(readFile(t, "cloud-init eni", filepath.Join(out, eniPath)))
		require.NoError(t, err)
		for _, name := range []string{"eth1", "eth2"} {
			var methods []string
			for _, st := range f.stanzas(name) {
				methods = append(methods, st.Family+" "+st.Method)
			}
			assert.Contains(t, methods, "inet6 auto", "cloud-init eni: %s", name)
		}
	})
	t.Run("sysconfig", func(t *testing.T) {
		t.Parallel()
		s := readSysconfig(t, mustNetConvertJSON(t, js, "rhel", "sysconfig", nil))
		for _, name := range []string{"eth1", "eth2"} {
			assert.Equal(t, "yes", s.ifcfg[name]["IPV6INIT"], "cloud-init sysconfig: ifcfg-%s IPV6INIT", name)
			assert.Equal(t, "yes", s.ifcfg[name]["IPV6_AUTOCONF"], "cloud-init sysconfig: ifcfg-%s IPV6_AUTOCONF", name)
		}
	})
	t.Run("netplan", func(t *testing.T) {
		t.Parallel()
		out := mustNetConvertJSON(t, js, "debian", "netplan", nil)
		var doc struct {
			Network struct {
				Ethernets map[string]map[string]any `yaml:"ethernets"`
			} `yaml:"network"`
		}
		require.NoError(t, yamlv3.Unmarshal([]byte(readFile(t, "cloud-init netplan", filepath.Join(out, "etc", "netplan", "50-cloud-init.yaml"))), &doc))
		for _, name := range []string{"eth1", "eth2"} {
			assert.Equal(t, true, doc.Network.Ethernets[name]["dhcp6"], "cloud-init netplan: %s dhcp6", name)
		}
	})
	t.Run("networkd", func(t *testing.T) {
		t.Parallel()
		out := mustNetConvertJSON(t, js, "debian", "networkd", nil)
		nd := readNetworkd(t, "cloud-init networkd", filepath.Join(out, "etc", "systemd", "network"), "10-cloud-init-")
		v, _ := nd.files["10-cloud-init-eth1.network"].value("Network", "DHCP")
		assert.Equal(t, "no", v, "cloud-init networkd: eth1 DHCP")
		_, has := nd.files["10-cloud-init-eth1.network"].value("Network", "IPv6AcceptRA")
		assert.False(t, has, "cloud-init networkd now writes IPv6AcceptRA for an ipv6_slaac network")
	})
	t.Run("none is refused", func(t *testing.T) {
		res, err := netconfig.Build(acceptRASpec())
		require.NoError(t, err)
		_, err = cloudinit.NetworkDataJSON(res.Config)
		require.ErrorContains(t, err, "network.ethernets[eth3].accept-ra")
	})
}

// warningCodesOf returns the codes of the warnings about networks[i].
func warningCodesOf(res netconfig.Result, i int) []netconfig.WarningCode {
	var out []netconfig.WarningCode
	for _, w := range res.Warnings {
		if w.Network == res.Interfaces[i].Network {
			out = append(out, w.Code)
		}
	}
	return out
}
