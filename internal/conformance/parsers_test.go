package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParsers checks the small parsers on samples of the renderers' real
// output (blank lines inside cloud-init's [Route] sections, control-alias
// stanzas, quoted sysconfig values) and on input they must refuse.
func TestParsers(t *testing.T) {
	t.Parallel()
	t.Run("ini", func(t *testing.T) {
		f, err := parseINI("# comment\n[Match]\nMACAddress=02:00:00:00:00:01\nName=eth1\n\n[Route]\nDestination=10.30.0.0/16\n\nGateway=10.20.0.254\n\n[Route]\nGateway=fd00::1\n[Network]\nDNS=10.0.0.1 10.0.0.2\nDNS=10.0.0.3\n; other comment\nDomains = a.example b.example\n")
		require.NoError(t, err)
		assert.Len(t, f.sections("Route"), 2)
		v, ok := f.sections("Route")[0].get("Gateway")
		assert.True(t, ok, "a blank line does not end a section")
		assert.Equal(t, "10.20.0.254", v)
		assert.Equal(t, []string{"10.0.0.1 10.0.0.2", "10.0.0.3"}, f.values("Network", "DNS"))
		d, _ := f.value("Network", "Domains")
		assert.Equal(t, "a.example b.example", d, "spaces around = are trimmed")
		_, ok = f.value("Network", "Gateway")
		assert.False(t, ok)

		reset, err := parseINI("[Network]\nDNS=1.1.1.1\nDNS=\nDNS=9.9.9.9\n")
		require.NoError(t, err)
		assert.Equal(t, []string{"9.9.9.9"}, reset.values("Network", "DNS"), "an empty assignment resets a list, as in systemd")

		for _, bad := range []string{"Name=eth0\n", "[Match\n", "[Match]\njunk\n", "[Match]\nName=a \\\n"} {
			_, err := parseINI(bad)
			assert.Error(t, err, "%q", bad)
		}
	})
	t.Run("eni", func(t *testing.T) {
		f, err := parseENI("# header\nauto lo\niface lo inet loopback\n    dns-nameservers 10.0.0.1\n\nauto eth1\niface eth1 inet static\n    address 10.20.0.10/24\n    post-up route add default gw 10.20.0.1 || true\n\n# control-alias eth1\niface eth1 inet6 static\n    address fd00::10/64\n    gateway fd00::1\nallow-hotplug eth2\niface eth2 inet dhcp\n")
		require.NoError(t, err)
		assert.Equal(t, []string{"lo", "eth1", "eth2"}, f.Auto)
		assert.Equal(t, []string{"lo", "eth1", "eth2"}, f.names())
		st := f.stanzas("eth1")
		require.Len(t, st, 2)
		assert.Equal(t, "inet6", st[1].Family)
		assert.Equal(t, []string{"fd00::1"}, st[1].opts("gateway"))
		assert.Equal(t, []string{"route add default gw 10.20.0.1 || true"}, st[0].opts("post-up"))
		for _, bad := range []string{"address 1.2.3.4/24\n", "iface eth0 inet\n", "auto eth0\nmapping eth0\n"} {
			_, err := parseENI(bad)
			assert.Error(t, err, "%q", bad)
		}
	})
	t.Run("route commands", func(t *testing.T) {
		tests := []struct{ in, want string }{
			{"route add default gw 10.20.0.1 || true", "0.0.0.0/0 via 10.20.0.1"},
			{"route add -A inet6 default gw fd00::1 || true", "::/0 via fd00::1"},
			{"route add -net 10.30.0.0/16 gw 10.20.0.254 metric 100 || true", "10.30.0.0/16 via 10.20.0.254 metric 100"},
			{"route add -net 10.30.0.0 netmask 255.255.0.0 gw 10.20.0.254", "10.30.0.0/16 via 10.20.0.254"},
			{"route add -host 10.9.9.9/32 gw 10.20.0.254 || true", "10.9.9.9/32 via 10.20.0.254"},
			{"route add -A inet6 fd00:30::/48 gw fd00:20::fe || true", "fd00:30::/48 via fd00:20::fe"},
			{"route add -A inet6 ::/64 gw fd00:20::1 || true", "::/64 via fd00:20::1"},
		}
		for _, tt := range tests {
			r, err := parseRouteCmd(tt.in)
			if assert.NoError(t, err, tt.in) {
				assert.Equal(t, tt.want, r.String(), tt.in)
			}
		}
		for _, bad := range []string{"ip route add default via 1.2.3.4", "route add -net 10.0.0.0/8", "route add -A inet6 10.0.0.0/8 gw 10.0.0.1", "route add -net 10.0.0.0/8 gw", "route add -net 10.0.0.0 netmask 255.0.255.0 gw 10.0.0.1"} {
			_, err := parseRouteCmd(bad)
			assert.Error(t, err, bad)
		}
	})
	t.Run("sysconfig", func(t *testing.T) {
		kv, err := parseSysconfig("# Created by cloud-init\n#\nBOOTPROTO=none\nDOMAIN=\"a.example b.example\"\nNAME='x y'\nIPV6ADDR=fd00::10/64\n")
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"BOOTPROTO": "none", "DOMAIN": "a.example b.example", "NAME": "x y", "IPV6ADDR": "fd00::10/64"}, kv)
		for _, bad := range []string{"A=1\nA=2\n", "not a pair\n", "A B=1\n"} {
			_, err := parseSysconfig(bad)
			assert.Error(t, err, "%q", bad)
		}
	})
	t.Run("ip routes", func(t *testing.T) {
		rs, err := parseIPRoutes("# header\nfd00:30::/48 via fd00:20::fe  dev eth1\ndefault via fd00::1 dev eth1 metric 10\n", true)
		require.NoError(t, err)
		assert.Equal(t, []string{"fd00:30::/48 via fd00:20::fe", "::/0 via fd00::1 metric 10"}, routeStrings(rs))
		for _, bad := range []string{"fd00::/48 via\n", "fd00::/48 proto static\n", "nonsense via fd00::1\n"} {
			_, err := parseIPRoutes(bad, true)
			assert.Error(t, err, "%q", bad)
		}
	})
	t.Run("udev", func(t *testing.T) {
		m, err := parseUdevRenames(`SUBSYSTEM=="net", ACTION=="add", DRIVERS=="?*", ATTR{address}=="02:00:00:00:00:01", NAME="eth0"` + "\n# c\n" +
			`SUBSYSTEM=="net", ACTION=="add", ENV{ID_NET_NAME}=="eth1", ENV{NM_UNMANAGED}="1"` + "\n")
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"eth0": "02:00:00:00:00:01"}, m, "only NAME= rules are renames")
		_, err = parseUdevRenames(`NAME="eth0"` + "\n")
		assert.Error(t, err)
		_, err = parseUdevRenames(`ATTR{address}=="02:00:00:00:00:01", NAME="eth0"` + "\n" + `ATTR{address}=="02:00:00:00:00:02", NAME="eth0"` + "\n")
		assert.Error(t, err)
	})
	t.Run("netmask", func(t *testing.T) {
		p, err := prefixFromMask("192.168.0.200", "255.255.255.0")
		require.NoError(t, err)
		assert.Equal(t, "192.168.0.200/24", p.String())
		_, err = prefixFromMask("192.168.0.200", "255.0.255.0")
		assert.Error(t, err)
	})
}
