package conformance

// Small parsers for the files the renderers write. They read only what the
// tests assert on, and they reject what they do not understand rather than
// skip it, so that a changed format fails loudly instead of passing
// silently. They are tested by TestParsers.

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// ---- systemd INI (.network, .link) ----

// iniEntry is one Key=Value line.
type iniEntry struct {
	Key, Value string
}

// iniSection is one [Section] with its entries in order. A section name
// may repeat in a file ([Route], [Address]).
type iniSection struct {
	Name    string
	Entries []iniEntry
}

// iniFile is a parsed systemd unit-style file.
type iniFile []iniSection

// parseINI reads a systemd INI file: [Section] headers, Key=Value lines,
// blank lines (cloud-init puts some inside sections) and comments starting
// with '#' or ';'.
func parseINI(s string) (iniFile, error) {
	var f iniFile
	for n, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
			continue
		case line[0] == '[':
			if !strings.HasSuffix(line, "]") || len(line) < 3 {
				return nil, fmt.Errorf("line %d: bad section header %q", n+1, line)
			}
			f = append(f, iniSection{Name: line[1 : len(line)-1]})
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				return nil, fmt.Errorf("line %d: want Key=Value, got %q", n+1, line)
			}
			if strings.HasSuffix(v, "\\") {
				return nil, fmt.Errorf("line %d: continuation lines are not supported", n+1)
			}
			if len(f) == 0 {
				return nil, fmt.Errorf("line %d: %q before any section", n+1, line)
			}
			last := &f[len(f)-1]
			last.Entries = append(last.Entries, iniEntry{Key: strings.TrimSpace(k), Value: strings.TrimSpace(v)})
		}
	}
	return f, nil
}

// sections returns every section with the given name, in order.
func (f iniFile) sections(name string) []iniSection {
	var out []iniSection
	for _, s := range f {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

// values returns the values of key across all sections named section, in
// order. As in systemd, an empty assignment resets the list.
func (f iniFile) values(section, key string) []string {
	var out []string
	for _, s := range f.sections(section) {
		for _, e := range s.Entries {
			if e.Key != key {
				continue
			}
			if e.Value == "" {
				out = nil
				continue
			}
			out = append(out, e.Value)
		}
	}
	return out
}

// value returns the last value of key in sections named section.
func (f iniFile) value(section, key string) (string, bool) {
	v := f.values(section, key)
	if len(v) == 0 {
		return "", false
	}
	return v[len(v)-1], true
}

// get returns the last value of key in s.
func (s iniSection) get(key string) (string, bool) {
	var v string
	var ok bool
	for _, e := range s.Entries {
		if e.Key == key {
			v, ok = e.Value, true
		}
	}
	return v, ok
}

// keys lists the keys set in s, for error messages and "nothing else"
// checks.
func (s iniSection) keys() []string {
	var out []string
	for _, e := range s.Entries {
		out = append(out, e.Key)
	}
	return out
}

// ---- ifupdown /etc/network/interfaces ----

// eniOption is one option line of an iface stanza.
type eniOption struct {
	Key, Value string
}

// eniIface is one `iface NAME FAMILY METHOD` stanza with its options.
type eniIface struct {
	Name, Family, Method string
	Options              []eniOption
}

// eniFile is a parsed interfaces file.
type eniFile struct {
	Auto   []string
	Ifaces []eniIface
}

// eniKeywords start a top-level line; any other line after an iface
// stanza is one of its options.
var eniKeywords = map[string]bool{
	"auto": true, "iface": true, "mapping": true, "source": true, "source-directory": true,
	"allow-auto": true, "allow-hotplug": true, "no-auto-down": true, "no-scripts": true, "rename": true,
}

// parseENI reads an ifupdown interfaces file.
func parseENI(s string) (eniFile, error) {
	var f eniFile
	var cur *eniIface
	for n, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		fields := strings.Fields(line)
		kw := fields[0]
		switch {
		case kw == "auto" || strings.HasPrefix(kw, "allow-"):
			f.Auto = append(f.Auto, fields[1:]...)
			cur = nil
		case kw == "iface":
			if len(fields) != 4 {
				return eniFile{}, fmt.Errorf("line %d: want `iface NAME FAMILY METHOD`, got %q", n+1, line)
			}
			f.Ifaces = append(f.Ifaces, eniIface{Name: fields[1], Family: fields[2], Method: fields[3]})
			cur = &f.Ifaces[len(f.Ifaces)-1]
		case eniKeywords[kw]:
			return eniFile{}, fmt.Errorf("line %d: %q stanzas are not supported", n+1, kw)
		case cur == nil:
			return eniFile{}, fmt.Errorf("line %d: option %q outside an iface stanza", n+1, line)
		default:
			v := strings.TrimSpace(strings.TrimPrefix(line, kw))
			cur.Options = append(cur.Options, eniOption{Key: kw, Value: v})
		}
	}
	return f, nil
}

// stanzas returns the iface stanzas of name.
func (f eniFile) stanzas(name string) []eniIface {
	var out []eniIface
	for _, i := range f.Ifaces {
		if i.Name == name {
			out = append(out, i)
		}
	}
	return out
}

// names lists the interfaces that have a stanza, without repeats.
func (f eniFile) names() []string {
	var out []string
	seen := map[string]bool{}
	for _, i := range f.Ifaces {
		if !seen[i.Name] {
			seen[i.Name] = true
			out = append(out, i.Name)
		}
	}
	return out
}

// opts returns the values of an option in a stanza.
func (i eniIface) opts(key string) []string {
	var out []string
	for _, o := range i.Options {
		if o.Key == key {
			out = append(out, o.Value)
		}
	}
	return out
}

// parseRouteCmd reads the net-tools command cloud-init's eni renderer puts
// after post-up: `route add [-A inet6] (default | -net D | -host D | D)
// [netmask M] gw G [metric N] [|| true]`.
func parseRouteCmd(cmd string) (route, error) {
	body, _, _ := strings.Cut(cmd, "||")
	f := strings.Fields(body)
	if len(f) < 2 || f[0] != "route" || (f[1] != "add" && f[1] != "del") {
		return route{}, fmt.Errorf("not a `route add` command: %q", cmd)
	}
	var r route
	inet6 := false
	var dest, netmask string
	for i := 2; i < len(f); i++ {
		next := func() (string, error) {
			if i+1 >= len(f) {
				return "", fmt.Errorf("%q: %s needs a value", cmd, f[i])
			}
			i++
			return f[i], nil
		}
		var err error
		switch f[i] {
		case "-A":
			var fam string
			if fam, err = next(); err == nil {
				if fam != "inet6" && fam != "inet" {
					err = fmt.Errorf("%q: unknown family %q", cmd, fam)
				}
				inet6 = fam == "inet6"
			}
		case "-net", "-host":
			dest, err = next()
		case "default":
			dest = "default"
		case "netmask":
			netmask, err = next()
		case "gw":
			var gw string
			if gw, err = next(); err == nil {
				r.Via, err = netip.ParseAddr(gw)
			}
		case "metric":
			var m string
			if m, err = next(); err == nil {
				var v uint64
				v, err = strconv.ParseUint(m, 10, 32)
				r.Metric, r.HasMetric = uint32(v), true
			}
		default:
			if dest != "" || strings.HasPrefix(f[i], "-") {
				return route{}, fmt.Errorf("%q: unexpected %q", cmd, f[i])
			}
			dest = f[i]
		}
		if err != nil {
			return route{}, err
		}
	}
	var err error
	switch {
	case dest == "default" && inet6:
		r.To = netip.MustParsePrefix("::/0")
	case dest == "default":
		r.To = netip.MustParsePrefix("0.0.0.0/0")
	case netmask != "":
		r.To, err = prefixFromMask(dest, netmask)
	case strings.Contains(dest, "/"):
		r.To, err = netip.ParsePrefix(dest)
	default:
		var a netip.Addr
		if a, err = netip.ParseAddr(dest); err == nil {
			r.To = netip.PrefixFrom(a, a.BitLen()) // a host route
		}
	}
	if err != nil {
		return route{}, fmt.Errorf("%q: destination: %w", cmd, err)
	}
	if !r.Via.IsValid() {
		return route{}, fmt.Errorf("%q: no gw", cmd)
	}
	if r.To.Addr().Is6() != inet6 {
		return route{}, fmt.Errorf("%q: -A inet6 does not match the destination %s", cmd, r.To)
	}
	return r, nil
}

// prefixFromMask turns an address and a dotted netmask into a prefix.
func prefixFromMask(addr, mask string) (netip.Prefix, error) {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return netip.Prefix{}, err
	}
	m, err := netip.ParseAddr(mask)
	if err != nil || !m.Is4() {
		return netip.Prefix{}, fmt.Errorf("bad netmask %q", mask)
	}
	b := m.As4()
	bits, seenZero := 0, false
	for _, o := range b {
		for i := 7; i >= 0; i-- {
			if o&(1<<i) != 0 {
				if seenZero {
					return netip.Prefix{}, fmt.Errorf("netmask %q is not contiguous", mask)
				}
				bits++
			} else {
				seenZero = true
			}
		}
	}
	return netip.PrefixFrom(a, bits), nil
}

// ---- sysconfig (ifcfg-*, route-*) ----

// parseSysconfig reads a shell-style KEY=VALUE file such as ifcfg-eth0 or
// route-eth0. Values may be quoted with ' or ". A repeated key is an error,
// because it would hide one of the values.
func parseSysconfig(s string) (map[string]string, error) {
	out := map[string]string{}
	for n, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil, fmt.Errorf("line %d: want KEY=VALUE, got %q", n+1, line)
		}
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("line %d: %s is set twice", n+1, k)
		}
		out[k] = v
	}
	return out, nil
}

// parseIPRoutes reads a route6-* file: one `ip route` argument list a line,
// `DEST via GW [dev NAME] [metric N]`, DEST being a prefix or "default".
func parseIPRoutes(s string, ipv6 bool) ([]route, error) {
	var out []route
	for n, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		var r route
		var err error
		switch {
		case f[0] == "default" && ipv6:
			r.To = netip.MustParsePrefix("::/0")
		case f[0] == "default":
			r.To = netip.MustParsePrefix("0.0.0.0/0")
		default:
			r.To, err = netip.ParsePrefix(f[0])
		}
		for i := 1; err == nil && i < len(f); i += 2 {
			if i+1 >= len(f) {
				err = fmt.Errorf("%s needs a value", f[i])
				break
			}
			switch f[i] {
			case "via":
				r.Via, err = netip.ParseAddr(f[i+1])
			case "dev":
			case "metric":
				var v uint64
				v, err = strconv.ParseUint(f[i+1], 10, 32)
				r.Metric, r.HasMetric = uint32(v), true
			default:
				err = fmt.Errorf("unknown word %q", f[i])
			}
		}
		if err != nil {
			return nil, fmt.Errorf("line %d %q: %w", n+1, line, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// ---- udev rules ----

var (
	udevAddr = regexp.MustCompile(`ATTR\{address\}=="([^"]*)"`)
	udevName = regexp.MustCompile(`(?:^|[ ,])NAME="([^"]*)"`)
)

// parseUdevRenames reads rename rules (`ATTR{address}=="MAC", NAME="eth1"`)
// and returns the MAC each interface name is given to.
func parseUdevRenames(s string) (map[string]string, error) {
	out := map[string]string{}
	for n, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		name := udevName.FindStringSubmatch(line)
		if name == nil {
			continue // not a rename rule
		}
		addr := udevAddr.FindStringSubmatch(line)
		if addr == nil {
			return nil, fmt.Errorf("line %d: a rename without ATTR{address}: %q", n+1, line)
		}
		if prev, dup := out[name[1]]; dup {
			return nil, fmt.Errorf("line %d: %s is given to %s and %s", n+1, name[1], prev, addr[1])
		}
		out[name[1]] = addr[1]
	}
	return out, nil
}
