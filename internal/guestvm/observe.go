package guestvm

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/guestnet/guestnet/netconfig"
)

// Report is the report script's output: its sections by name (addr,
// route4, route6, link, ipv6-mtu, resolv.conf, resolvectl, renderer,
// cloud-init-problems, files, journal, wait, uptime), decoded.
type Report map[string]string

// ParseReport reads the report script's output. It fails when the begin
// or end line is missing or a section does not decode.
func ParseReport(b []byte) (Report, error) {
	r := Report{}
	var name string
	began, ended := false, false
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		switch {
		case line == reportBegin:
			began = true
		case !began:
		case line == reportEnd:
			ended = true
		case strings.HasPrefix(line, "--- "):
			name = strings.TrimPrefix(line, "--- ")
			r[name] = ""
		case name != "":
			dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(line))
			if err != nil {
				return nil, fmt.Errorf("guestvm: report section %s: %w", name, err)
			}
			r[name] = string(dec)
			name = ""
		}
		if ended {
			break
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !began || !ended {
		return nil, ErrNoReport
	}
	return r, nil
}

// Guest is the network state of a booted guest, as the report shows it.
type Guest struct {
	// Links are the guest's network interfaces, loopback included.
	Links []Link
	// Routes are the main table's routes of both families.
	Routes []Route
	// ResolvConf is /etc/resolv.conf.
	ResolvConf Resolver
	// LinkDNS is systemd-resolved's per-link configuration by link name,
	// empty when the guest has no systemd-resolved.
	LinkDNS map[string]Resolver
	// Renderer is the renderer cloud-init selected ("netplan", "eni", ...),
	// from its log.
	Renderer string
}

// Link is one network interface.
type Link struct {
	Index    int
	Name     string
	AltNames []string
	MAC      netconfig.MAC
	MTU      int
	// IPv6MTU is the link's IPv6 MTU (net.ipv6.conf.NAME.mtu), which can
	// be set below MTU; 0 when unknown.
	IPv6MTU int
	Up      bool
	Addrs   []Addr
}

// Addr is an address on a link.
type Addr struct {
	Prefix netip.Prefix
	// Dynamic is set for addresses with a lifetime (DHCP leases, SLAAC).
	Dynamic bool
	// Tentative is set while IPv6 duplicate address detection runs.
	Tentative bool
}

// Route is a route in the main table.
type Route struct {
	// Dst is the destination; 0.0.0.0/0 or ::/0 for a default route.
	Dst netip.Prefix
	// Gateway is the next hop; invalid for on-link routes.
	Gateway  netip.Addr
	Dev      string
	Metric   uint32
	Protocol string
}

// IsDefault reports whether r is a default route.
func (r Route) IsDefault() bool { return r.Dst.Bits() == 0 }

// String formats r as "DST via GW dev DEV metric M proto P", leaving out
// what is not set.
func (r Route) String() string {
	var b strings.Builder
	if r.IsDefault() {
		b.WriteString("default")
		if r.Dst.Addr().Is6() {
			b.WriteString("6")
		}
	} else {
		b.WriteString(r.Dst.String())
	}
	if r.Gateway.IsValid() {
		b.WriteString(" via " + r.Gateway.String())
	}
	b.WriteString(" dev " + r.Dev)
	b.WriteString(" metric " + strconv.FormatUint(uint64(r.Metric), 10))
	if r.Protocol != "" {
		b.WriteString(" proto " + r.Protocol)
	}
	return b.String()
}

// Resolver is a DNS configuration: servers and search domains.
type Resolver struct {
	Nameservers []netip.Addr
	Search      []string
}

// ParseGuest reads the guest's network state from a report.
func ParseGuest(r Report) (Guest, error) {
	var g Guest
	var err error
	if g.Links, err = parseLinks(r["addr"], r["link"]); err != nil {
		return Guest{}, err
	}
	mtu6 := parseIPv6MTU(r["ipv6-mtu"])
	for i := range g.Links {
		g.Links[i].IPv6MTU = mtu6[g.Links[i].Name]
	}
	for _, sec := range []string{"route4", "route6"} {
		routes, err := parseRoutes(r[sec], sec == "route6")
		if err != nil {
			return Guest{}, fmt.Errorf("guestvm: report section %s: %w", sec, err)
		}
		g.Routes = append(g.Routes, routes...)
	}
	g.ResolvConf = parseResolvConf(r["resolv.conf"])
	g.LinkDNS = parseResolvectl(r["resolvectl"])
	if m := rendererLine.FindStringSubmatch(r["renderer"]); m != nil {
		g.Renderer = m[1]
	}
	return g, nil
}

// parseIPv6MTU reads "NAME MTU" lines.
func parseIPv6MTU(s string) map[string]int {
	out := map[string]int{}
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		if n, err := strconv.Atoi(f[1]); err == nil {
			out[f[0]] = n
		}
	}
	return out
}

// rendererLine is cloud-init's log line naming the renderer it selected.
var rendererLine = regexp.MustCompile(`Selected renderer '([^']+)'`)

// ipLink is the part of `ip -j addr` and `ip -j link` output read here.
type ipLink struct {
	Index    int      `json:"ifindex"`
	Name     string   `json:"ifname"`
	AltNames []string `json:"altnames"`
	Flags    []string `json:"flags"`
	MTU      int      `json:"mtu"`
	LinkType string   `json:"link_type"`
	Address  string   `json:"address"`
	AddrInfo []struct {
		Family    string `json:"family"`
		Local     string `json:"local"`
		PrefixLen int    `json:"prefixlen"`
		Dynamic   bool   `json:"dynamic"`
		Tentative bool   `json:"tentative"`
	} `json:"addr_info"`
}

// parseLinks reads `ip -j addr`, completed with the altnames of
// `ip -j link`.
func parseLinks(addrJSON, linkJSON string) ([]Link, error) {
	var addrs, links []ipLink
	if err := json.Unmarshal([]byte(addrJSON), &addrs); err != nil {
		return nil, fmt.Errorf("guestvm: ip -j addr: %w", err)
	}
	if linkJSON != "" {
		if err := json.Unmarshal([]byte(linkJSON), &links); err != nil {
			return nil, fmt.Errorf("guestvm: ip -j link: %w", err)
		}
	}
	alt := map[int][]string{}
	for _, l := range links {
		alt[l.Index] = l.AltNames
	}
	var out []Link
	for _, l := range addrs {
		link := Link{Index: l.Index, Name: l.Name, AltNames: alt[l.Index], MTU: l.MTU, Up: slices.Contains(l.Flags, "UP")}
		if len(l.AltNames) > 0 {
			link.AltNames = l.AltNames
		}
		if l.LinkType == "ether" {
			mac, err := netconfig.ParseMAC(l.Address)
			if err != nil {
				return nil, fmt.Errorf("guestvm: ip -j addr: %s: %w", l.Name, err)
			}
			link.MAC = mac
		}
		for _, a := range l.AddrInfo {
			addr, err := netip.ParseAddr(a.Local)
			if err != nil {
				return nil, fmt.Errorf("guestvm: ip -j addr: %s: %w", l.Name, err)
			}
			link.Addrs = append(link.Addrs, Addr{Prefix: netip.PrefixFrom(addr, a.PrefixLen), Dynamic: a.Dynamic, Tentative: a.Tentative})
		}
		out = append(out, link)
	}
	return out, nil
}

// ipRoute is one route of `ip -j route`.
type ipRoute struct {
	Dst      string `json:"dst"`
	Gateway  string `json:"gateway"`
	Dev      string `json:"dev"`
	Metric   uint32 `json:"metric"`
	Protocol string `json:"protocol"`
	Type     string `json:"type"`
	// Nexthops are the next hops of a multipath route, which has no
	// gateway or dev of its own (systemd-networkd merges the IPv6 default
	// routes that router advertisements give several links into one).
	Nexthops []struct {
		Gateway string `json:"gateway"`
		Dev     string `json:"dev"`
	} `json:"nexthops"`
}

// parseRoutes reads `ip -j route` (or `ip -6 -j route`), skipping routes
// that are not unicast (multicast, local, unreachable).
func parseRoutes(s string, v6 bool) ([]Route, error) {
	var routes []ipRoute
	if err := json.Unmarshal([]byte(s), &routes); err != nil {
		return nil, err
	}
	var out []Route
	for _, r := range routes {
		if r.Type != "" && r.Type != "unicast" {
			continue
		}
		var dst netip.Prefix
		switch {
		case r.Dst == "default" && v6:
			dst = netip.MustParsePrefix("::/0")
		case r.Dst == "default":
			dst = netip.MustParsePrefix("0.0.0.0/0")
		case strings.Contains(r.Dst, "/"):
			p, err := netip.ParsePrefix(r.Dst)
			if err != nil {
				return nil, err
			}
			dst = p
		default:
			a, err := netip.ParseAddr(r.Dst)
			if err != nil {
				return nil, err
			}
			dst = netip.PrefixFrom(a, a.BitLen())
		}
		hops := []struct{ gateway, dev string }{{r.Gateway, r.Dev}}
		if len(r.Nexthops) > 0 {
			// One route per next hop, sorted: the next hops of a
			// multipath route are a set, which the kernel lists in the
			// order they were added (two boots of one networkd guest
			// listed them differently).
			hops = hops[:0]
			for _, h := range r.Nexthops {
				hops = append(hops, struct{ gateway, dev string }{h.Gateway, h.Dev})
			}
			slices.SortFunc(hops, func(a, b struct{ gateway, dev string }) int {
				return cmp.Or(cmp.Compare(a.dev, b.dev), cmp.Compare(a.gateway, b.gateway))
			})
		}
		for _, h := range hops {
			route := Route{Dst: dst, Dev: h.dev, Metric: r.Metric, Protocol: r.Protocol}
			if h.gateway != "" {
				gw, err := netip.ParseAddr(h.gateway)
				if err != nil {
					return nil, err
				}
				route.Gateway = gw
			}
			out = append(out, route)
		}
	}
	return out, nil
}

// parseResolvConf reads the nameserver and search lines of resolv.conf.
func parseResolvConf(s string) Resolver {
	var r Resolver
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "nameserver":
			if a, err := netip.ParseAddr(f[1]); err == nil {
				r.Nameservers = append(r.Nameservers, a)
			}
		case "search", "domain":
			r.Search = append(r.Search, f[1:]...)
		}
	}
	return r
}

// linkHeader is the first line of a link's block in `resolvectl status`.
var linkHeader = regexp.MustCompile(`^Link \d+ \(([^)]+)\)$`)

// parseResolvectl reads the per-link "DNS Servers" and "DNS Domain" of
// `resolvectl status` (systemd 252's layout: "Key: values", continued on
// indented lines without a key).
func parseResolvectl(s string) map[string]Resolver {
	out := map[string]Resolver{}
	var link, key string
	add := func(values string) {
		if link == "" {
			return
		}
		r := out[link]
		for _, v := range strings.Fields(values) {
			switch key {
			case "DNS Servers":
				if a, err := netip.ParseAddr(strings.SplitN(v, "#", 2)[0]); err == nil {
					r.Nameservers = append(r.Nameservers, a)
				}
			case "DNS Domain":
				r.Search = append(r.Search, v)
			}
		}
		out[link] = r
	}
	for _, line := range strings.Split(s, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			link, key = "", ""
		case linkHeader.MatchString(trimmed):
			link, key = linkHeader.FindStringSubmatch(trimmed)[1], ""
			out[link] = Resolver{}
		case trimmed == "Global":
			link, key = "", ""
		default:
			if k, v, ok := strings.Cut(trimmed, ": "); ok && resolvectlKey.MatchString(k) {
				key = k
				add(v)
			} else {
				add(trimmed) // more values of the same key
			}
		}
	}
	return out
}

// resolvectlKey is a key of `resolvectl status`: words, unlike the values
// (addresses, domains) of a continuation line.
var resolvectlKey = regexp.MustCompile(`^[A-Za-z][A-Za-z ]*$`)

// LinkByMAC returns the link with that MAC.
func (g Guest) LinkByMAC(mac netconfig.MAC) (Link, bool) {
	for _, l := range g.Links {
		if l.MAC == mac {
			return l, true
		}
	}
	return Link{}, false
}

// LinkByName returns the link with that name.
func (g Guest) LinkByName(name string) (Link, bool) {
	for _, l := range g.Links {
		if l.Name == name {
			return l, true
		}
	}
	return Link{}, false
}

// DefaultRoutes returns the default routes of one family (v6 or not), as
// strings, in the kernel's order, which decides between routes of equal
// metric.
func (g Guest) DefaultRoutes(v6 bool) []string {
	var out []string
	for _, r := range g.Routes {
		if r.IsDefault() && r.Dst.Addr().Is6() == v6 {
			out = append(out, r.String())
		}
	}
	return out
}
