package cloudinit_test

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"testing"

	"github.com/guestnet/guestnet/cloudinit"
	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/netplan"
)

// FuzzNetworkDataJSON feeds netplan documents that netplan.Parse accepts to
// NetworkDataJSON, which must not panic, and whose output, when it accepts
// the document, must be deterministic and well-formed: every link has a
// MAC, every network names an existing link, ids are unique, and every
// static network's address and netmask are an address and a mask of the
// same family.
func FuzzNetworkDataJSON(f *testing.F) {
	for _, spec := range []netconfig.Spec{seedSpec(), dualStackSpec()} {
		for _, style := range []netconfig.DefaultRouteStyle{netconfig.DefaultRoutePortable, netconfig.DefaultRouteNetplan} {
			res, err := netconfig.Build(spec, netconfig.WithDefaultRouteStyle(style))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(res.YAML)
		}
	}
	f.Add([]byte("network:\n  version: 2\n  ethernets:\n    eth0:\n      match: {macaddress: \"02:00:00:00:00:01\"}\n      addresses: [\"10.0.0.1/8\", \"fd00::1/7\"]\n      gateway6: \"fe80::1\"\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		if len(doc) > 1<<16 {
			return
		}
		cfg, err := netplan.Parse(doc)
		if err != nil {
			return
		}
		out, err := cloudinit.NetworkDataJSON(cfg)
		if err != nil {
			return
		}
		again, err := cloudinit.NetworkDataJSON(cfg)
		if err != nil || !bytes.Equal(out, again) {
			t.Fatalf("not deterministic: %v\n%s\n%s", err, out, again)
		}
		var nd struct {
			Links []struct {
				ID  string `json:"id"`
				MAC string `json:"ethernet_mac_address"`
			} `json:"links"`
			Networks []struct {
				ID        string `json:"id"`
				Type      string `json:"type"`
				Link      string `json:"link"`
				IPAddress string `json:"ip_address"`
				Netmask   string `json:"netmask"`
			} `json:"networks"`
			Services []any `json:"services"`
		}
		dec := json.NewDecoder(bytes.NewReader(out))
		if err := dec.Decode(&nd); err != nil {
			t.Fatalf("output is not network_data.json: %v\n%s", err, out)
		}
		links := map[string]bool{}
		for _, l := range nd.Links {
			if _, err := netconfig.ParseMAC(l.MAC); err != nil || links[l.ID] {
				t.Fatalf("link %q: MAC %q (%v) or duplicate id\n%s", l.ID, l.MAC, err, out)
			}
			links[l.ID] = true
		}
		ids := map[string]bool{}
		for _, n := range nd.Networks {
			if !links[n.Link] || ids[n.ID] {
				t.Fatalf("network %q: unknown link %q or duplicate id\n%s", n.ID, n.Link, out)
			}
			ids[n.ID] = true
			if n.Type != "ipv4" && n.Type != "ipv6" {
				continue
			}
			a, err1 := netip.ParseAddr(n.IPAddress)
			m, err2 := netip.ParseAddr(n.Netmask)
			if err1 != nil || err2 != nil || a.Is4() != m.Is4() || a.Is4() != (n.Type == "ipv4") {
				t.Fatalf("network %q: address %q and netmask %q do not fit type %s\n%s", n.ID, n.IPAddress, n.Netmask, n.Type, out)
			}
		}
	})
}
