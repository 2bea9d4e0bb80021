package conformance

// Readers turn each renderer's files into observed NICs.

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// networkdFiles is what a directory of systemd-networkd files says.
type networkdFiles struct {
	// nics are read from the .network files.
	nics map[string]observed
	// links maps the name a .link file gives to the MAC it matches.
	links map[string]string
	// linkMTU maps that name to the .link file's MTUBytes, if set.
	linkMTU map[string]string
	// files holds each file's parsed content by base name.
	files map[string]iniFile
}

// readNetworkd reads the .network and .link files in dir whose names start
// with filePrefix (10-netplan- for netplan, 10-cloud-init- for cloud-init).
func readNetworkd(t *testing.T, renderer, dir, filePrefix string) networkdFiles {
	t.Helper()
	out := networkdFiles{nics: map[string]observed{}, links: map[string]string{}, linkMTU: map[string]string{}, files: map[string]iniFile{}}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err, "%s: the output directory %s", renderer, dir)
	for _, e := range entries {
		base := e.Name()
		ext := filepath.Ext(base)
		if !strings.HasPrefix(base, filePrefix) || (ext != ".network" && ext != ".link") {
			continue
		}
		path := filepath.Join(dir, base)
		f, err := parseINI(readFile(t, renderer, path))
		require.NoError(t, err, "%s: %s", renderer, path)
		out.files[base] = f
		if ext == ".link" {
			name, ok := f.value("Link", "Name")
			require.True(t, ok, "%s: %s: [Link] Name= is missing", renderer, base)
			mac, _ := matchMAC(f)
			require.NotEmpty(t, mac, "%s: %s: [Match] has no MAC address", renderer, base)
			out.links[name] = mac
			if mtu, ok := f.value("Link", "MTUBytes"); ok {
				out.linkMTU[name] = mtu
			}
			continue
		}
		o := readNetworkFile(t, renderer, base, f)
		_, dup := out.nics[o.Name]
		require.False(t, dup, "%s: two .network files match %s", renderer, o.Name)
		out.nics[o.Name] = o
	}
	return out
}

// matchMAC returns the MAC of a [Match] section and the key holding it:
// netplan 0.106 writes PermanentMACAddress=, cloud-init MACAddress=.
func matchMAC(f iniFile) (mac, key string) {
	for _, k := range []string{"MACAddress", "PermanentMACAddress"} {
		if v, ok := f.value("Match", k); ok {
			return v, k
		}
	}
	return "", ""
}

// readNetworkFile reads one .network file.
func readNetworkFile(t *testing.T, renderer, file string, f iniFile) observed {
	t.Helper()
	at := func(keys string) string { return file + " " + keys }
	name, ok := f.value("Match", "Name")
	require.True(t, ok, "%s: %s: [Match] Name= is missing", renderer, file)
	o := newObserved(name)
	if mac, key := matchMAC(f); key != "" {
		o.MAC = mac
		o.from("MAC match", at("[Match] "+key+"="))
	}
	o.from("DHCPv4", at("[Network] DHCP="))
	o.from("DHCPv6", at("[Network] DHCP="))
	if v, ok := f.value("Network", "DHCP"); ok {
		switch v {
		case "yes", "true", "both":
			o.DHCP4, o.DHCP6 = true, true
		case "ipv4":
			o.DHCP4 = true
		case "ipv6":
			o.DHCP6 = true
		case "no", "false", "none":
		default:
			t.Fatalf("%s: %s: [Network] DHCP=%s is not understood", renderer, file, v)
		}
	}

	o.from("addresses", at("[Network] Address= and [Address] Address="))
	for _, v := range append(f.values("Network", "Address"), f.values("Address", "Address")...) {
		o.Addrs = append(o.Addrs, parsePrefix(t, renderer+": "+at("Address="), v))
	}

	o.from("default routes", at("[Network] Gateway= and [Route] Destination=/Gateway=/Metric="))
	o.from("extra routes", at("[Route] Destination=/Gateway=/Metric="))
	for _, v := range f.values("Network", "Gateway") {
		o.Routes = append(o.Routes, defaultRoute(parseAddr(t, renderer+": "+at("[Network] Gateway="), v)))
	}
	for i, s := range f.sections("Route") {
		where := renderer + ": " + at(fmt.Sprintf("[Route] #%d", i+1))
		gw, ok := s.get("Gateway")
		require.True(t, ok, "%s has no Gateway= (keys %v)", where, s.keys())
		r := defaultRoute(parseAddr(t, where+" Gateway=", gw))
		if d, ok := s.get("Destination"); ok {
			r.To = parsePrefix(t, where+" Destination=", d)
		}
		if m, ok := s.get("Metric"); ok {
			r.Metric, r.HasMetric = parseMetric(t, where+" Metric=", m), true
		}
		o.Routes = append(o.Routes, r)
	}

	o.from("DNS servers", at("[Network] DNS="))
	for _, v := range f.values("Network", "DNS") {
		o.DNS = append(o.DNS, parseAddrs(t, renderer+": "+at("[Network] DNS="), v)...)
	}
	o.from("search domains", at("[Network] Domains="))
	for _, v := range f.values("Network", "Domains") {
		o.Search = append(o.Search, strings.Fields(v)...)
	}
	o.from("MTU", at("[Link] MTUBytes="))
	if v, ok := f.value("Link", "MTUBytes"); ok {
		o.MTU = atoi(t, renderer+": "+at("[Link] MTUBytes="), v)
	}
	return o
}

// eniOutput is what cloud-init's eni renderer wrote.
type eniOutput struct {
	file    eniFile
	renames map[string]string // from the udev rules: name -> MAC
	nics    map[string]observed
}

const (
	eniPath     = "etc/network/interfaces.d/50-cloud-init"
	udevPath    = "etc/udev/rules.d/70-persistent-net.rules"
	sysconfPath = "etc/sysconfig/network-scripts"
)

// eniKnownOptions are the iface options the reader understands; any other
// fails the test, so that a new kind of output gets looked at. accept_ra,
// which cloud-init writes for network_data.json's IPv6 networks, is not
// read into the NIC; TestCloudInit224ConfigDriveStaticIPv6DisablesRA
// asserts it.
var eniKnownOptions = []string{"address", "netmask", "gateway", "post-up", "pre-down", "dns-nameservers", "dns-search", "dns", "mtu", "accept_ra"}

// readUdev reads the rename rules a renderer wrote, if any.
func readUdev(t *testing.T, renderer, root string) map[string]string {
	t.Helper()
	path := filepath.Join(root, udevPath)
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return map[string]string{}
	}
	require.NoError(t, err)
	m, err := parseUdevRenames(string(b))
	require.NoError(t, err, "%s: %s", renderer, path)
	return m
}

// readENI reads the eni renderer's interfaces file and udev rules.
func readENI(t *testing.T, root string) eniOutput {
	t.Helper()
	const renderer = "cloud-init eni"
	path := filepath.Join(root, eniPath)
	f, err := parseENI(readFile(t, renderer, path))
	require.NoError(t, err, "%s: %s", renderer, path)
	out := eniOutput{file: f, renames: readUdev(t, renderer, root), nics: map[string]observed{}}
	for _, name := range f.names() {
		if name == "lo" {
			continue
		}
		require.Contains(t, f.Auto, name, "%s: %s: no `auto %s`, so ifupdown does not bring it up at boot", renderer, eniPath, name)
		o := newObserved(name)
		if mac, ok := out.renames[name]; ok {
			o.MAC = mac
			o.from("MAC match", udevPath+` ATTR{address}=="..", NAME="`+name+`"`)
		}
		at := func(what string) string { return eniPath + " iface " + name + " " + what }
		o.from("DHCPv4", at("inet dhcp"))
		o.from("DHCPv6", at("inet6 dhcp"))
		o.from("addresses", at("address/netmask"))
		o.from("default routes", at("gateway and post-up route add default"))
		o.from("extra routes", at("post-up route add"))
		o.from("DNS servers", at("dns-nameservers"))
		o.from("search domains", at("dns-search"))
		o.from("MTU", at("mtu"))
		seenDNS := map[netip.Addr]bool{}
		for _, st := range f.stanzas(name) {
			where := fmt.Sprintf("cloud-init eni: %s: iface %s %s %s", eniPath, name, st.Family, st.Method)
			require.Contains(t, []string{"inet", "inet6"}, st.Family, where)
			switch st.Method {
			case "dhcp":
				if st.Family == "inet" {
					o.DHCP4 = true
				} else {
					o.DHCP6 = true
				}
			case "static":
			default:
				t.Fatalf("%s: method %q is not understood", where, st.Method)
			}
			for _, opt := range st.Options {
				require.Contains(t, eniKnownOptions, opt.Key, "%s: option %q is not understood by the test", where, opt.Key)
			}
			for _, a := range st.opts("address") {
				p, err := netip.ParsePrefix(a)
				if err != nil {
					masks := st.opts("netmask")
					require.Len(t, masks, 1, "%s: address %q has no prefix length and no single netmask", where, a)
					p, err = prefixFromMask(a, masks[0])
				}
				require.NoError(t, err, "%s: address %q", where, a)
				o.Addrs = append(o.Addrs, p)
			}
			for _, gw := range st.opts("gateway") {
				o.Routes = append(o.Routes, defaultRoute(parseAddr(t, where+" gateway", gw)))
			}
			for _, cmd := range st.opts("post-up") {
				if !strings.HasPrefix(cmd, "route ") {
					t.Fatalf("%s: post-up %q is not understood by the test", where, cmd)
				}
				r, err := parseRouteCmd(cmd)
				require.NoError(t, err, "%s: post-up", where)
				o.Routes = append(o.Routes, r)
			}
			for _, v := range st.opts("dns-nameservers") {
				for _, a := range parseAddrs(t, where+" dns-nameservers", v) {
					if !seenDNS[a] {
						seenDNS[a] = true
						o.DNS = append(o.DNS, a)
					}
				}
			}
			for _, v := range st.opts("dns-search") {
				for _, d := range strings.Fields(v) {
					if !slices.Contains(o.Search, d) {
						o.Search = append(o.Search, d)
					}
				}
			}
			for _, v := range st.opts("mtu") {
				o.MTU = atoi(t, where+" mtu", v)
			}
		}
		out.nics[name] = o
	}
	return out
}

// sysconfigOutput is what cloud-init's sysconfig renderer wrote.
type sysconfigOutput struct {
	ifcfg   map[string]map[string]string // by interface name
	renames map[string]string
	nics    map[string]observed
}

// readSysconfig reads the sysconfig renderer's ifcfg-*, route-* and
// route6-* files.
func readSysconfig(t *testing.T, root string) sysconfigOutput {
	t.Helper()
	const renderer = "cloud-init sysconfig"
	dir := filepath.Join(root, sysconfPath)
	matches, err := filepath.Glob(filepath.Join(dir, "ifcfg-*"))
	require.NoError(t, err)
	out := sysconfigOutput{ifcfg: map[string]map[string]string{}, renames: readUdev(t, renderer, root), nics: map[string]observed{}}
	for _, path := range matches {
		base := filepath.Base(path)
		name := strings.TrimPrefix(base, "ifcfg-")
		if name == "lo" {
			continue
		}
		file := filepath.Join(sysconfPath, base)
		kv, err := parseSysconfig(readFile(t, renderer, path))
		require.NoError(t, err, "%s: %s", renderer, file)
		out.ifcfg[name] = kv
		require.Equal(t, name, kv["DEVICE"], "%s: %s: DEVICE", renderer, file)
		require.Equal(t, "yes", kv["ONBOOT"], "%s: %s: ONBOOT (the interface would not come up)", renderer, file)
		at := func(keys string) string { return file + " " + keys }
		o := newObserved(name)
		if mac, ok := kv["HWADDR"]; ok {
			o.MAC = mac
			o.from("MAC match", at("HWADDR"))
		}
		o.from("DHCPv4", at("BOOTPROTO"))
		o.from("DHCPv6", at("DHCPV6C"))
		switch kv["BOOTPROTO"] {
		case "dhcp", "dhcp4":
			o.DHCP4 = true
		case "none", "static", "":
		default:
			t.Fatalf("%s: %s: BOOTPROTO=%s is not understood", renderer, file, kv["BOOTPROTO"])
		}
		o.DHCP6 = kv["DHCPV6C"] == "yes"

		o.from("addresses", at("IPADDRn/NETMASKn/PREFIXn, IPV6ADDR, IPV6ADDR_SECONDARIES"))
		for i := -1; i < 64; i++ {
			suff := ""
			if i >= 0 {
				suff = fmt.Sprint(i)
			}
			a, ok := kv["IPADDR"+suff]
			if !ok {
				continue
			}
			var p netip.Prefix
			switch {
			case kv["PREFIX"+suff] != "":
				p = parsePrefix(t, renderer+": "+at("IPADDR"+suff+"/PREFIX"+suff), a+"/"+kv["PREFIX"+suff])
			case kv["NETMASK"+suff] != "":
				p, err = prefixFromMask(a, kv["NETMASK"+suff])
				require.NoError(t, err, "%s: %s", renderer, at("IPADDR"+suff+"/NETMASK"+suff))
			default:
				t.Fatalf("%s: %s has no NETMASK%s or PREFIX%s", renderer, at("IPADDR"+suff), suff, suff)
			}
			o.Addrs = append(o.Addrs, p)
		}
		v6 := strings.Fields(kv["IPV6ADDR"] + " " + kv["IPV6ADDR_SECONDARIES"])
		for _, a := range v6 {
			o.Addrs = append(o.Addrs, parsePrefix(t, renderer+": "+at("IPV6ADDR"), a))
		}

		o.from("default routes", at("GATEWAY, IPV6_DEFAULTGW, METRIC, DEFROUTE"))
		o.from("extra routes", "route-"+name+" ADDRESSn/NETMASKn/GATEWAYn/METRICn and route6-"+name)
		if kv["DEFROUTE"] != "no" {
			for _, k := range []string{"GATEWAY", "IPV6_DEFAULTGW"} {
				if gw, ok := kv[k]; ok {
					r := defaultRoute(parseAddr(t, renderer+": "+at(k), gw))
					if m, ok := kv["METRIC"]; ok {
						r.Metric, r.HasMetric = parseMetric(t, renderer+": "+at("METRIC"), m), true
					}
					o.Routes = append(o.Routes, r)
				}
			}
		}
		if kv["IPV6ADDR"] != "" || kv["IPV6_DEFAULTGW"] != "" || o.DHCP6 {
			require.Equal(t, "yes", kv["IPV6INIT"], "%s: %s: IPV6INIT (without it IPv6 is not configured)", renderer, file)
		}
		o.Routes = append(o.Routes, readSysconfigRoutes(t, dir, name)...)

		o.from("DNS servers", at("DNS1, DNS2, DNS3"))
		for i := 1; i <= 3; i++ {
			if v, ok := kv[fmt.Sprintf("DNS%d", i)]; ok {
				o.DNS = append(o.DNS, parseAddr(t, renderer+": "+at(fmt.Sprintf("DNS%d", i)), v))
			}
		}
		o.from("search domains", at("DOMAIN"))
		o.Search = strings.Fields(kv["DOMAIN"])
		o.from("MTU", at("MTU"))
		if v, ok := kv["MTU"]; ok {
			o.MTU = atoi(t, renderer+": "+at("MTU"), v)
		}
		out.nics[name] = o
	}
	return out
}

// readSysconfigRoutes reads route-NAME (ADDRESSn=, NETMASKn= or PREFIXn=,
// GATEWAYn=, METRICn=) and route6-NAME (`DEST via GW dev NAME`), either
// of which may be missing.
func readSysconfigRoutes(t *testing.T, dir, name string) []route {
	t.Helper()
	const renderer = "cloud-init sysconfig"
	var out []route
	path := filepath.Join(dir, "route-"+name)
	if b, err := os.ReadFile(path); err == nil {
		file := filepath.Join(sysconfPath, "route-"+name)
		kv, err := parseSysconfig(string(b))
		require.NoError(t, err, "%s: %s", renderer, file)
		used := 0
		for i := 0; i < 256; i++ {
			a, ok := kv[fmt.Sprint("ADDRESS", i)]
			if !ok {
				continue
			}
			where := fmt.Sprintf("%s: %s route %d", renderer, file, i)
			var r route
			switch {
			case kv[fmt.Sprint("PREFIX", i)] != "":
				r.To = parsePrefix(t, where, a+"/"+kv[fmt.Sprint("PREFIX", i)])
			case kv[fmt.Sprint("NETMASK", i)] != "":
				r.To, err = prefixFromMask(a, kv[fmt.Sprint("NETMASK", i)])
				require.NoError(t, err, where)
			default:
				t.Fatalf("%s: no NETMASK%d or PREFIX%d", where, i, i)
			}
			r.Via = parseAddr(t, where+" GATEWAY", kv[fmt.Sprint("GATEWAY", i)])
			if m, ok := kv[fmt.Sprint("METRIC", i)]; ok {
				r.Metric, r.HasMetric = parseMetric(t, where+" METRIC", m), true
			}
			out = append(out, r)
			used++
		}
		if used == 0 {
			require.Empty(t, kv, "%s: %s: keys the test does not understand", renderer, file)
		}
	} else {
		require.True(t, os.IsNotExist(err), "%s: %v", path, err)
	}
	path = filepath.Join(dir, "route6-"+name)
	if b, err := os.ReadFile(path); err == nil {
		rs, err := parseIPRoutes(string(b), true)
		require.NoError(t, err, "%s: %s", renderer, filepath.Join(sysconfPath, "route6-"+name))
		out = append(out, rs...)
	} else {
		require.True(t, os.IsNotExist(err), "%s: %v", path, err)
	}
	return out
}
