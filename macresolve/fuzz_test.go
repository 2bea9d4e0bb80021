package macresolve

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/guestnet/guestnet/netconfig"
)

// FuzzNormalize checks that Normalize accepts exactly the well-formed MACs
// a NIC can have (what netconfig.ParseMAC accepts, less the MACs whose
// Problem is not empty), that what it accepts comes out in lower-case colon
// form and parses back to itself, and that every error names the value and
// comes with the zero MAC. Static, which checks every MAC as Normalize
// does, must agree: it accepts the same strings, as the same MAC with
// netconfig.MACStatic, and its error names the field macs[<network>].
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"02:7c:4e:00:00:01", "02-7C-4E-00-00-01", "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff",
		"01:00:5e:00:00:01", "02:00-00:00:00:01", "02:00:00:00:00", "", "0g:00:00:00:00:00",
		"03:00:00:00:00:01", "FE:FF:FF:FF:FF:FF", "02:7c:4e:00:00:01\n", "\u00a002:7c:4e:00:00:01",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		mac, err := Normalize(s)
		parsed, perr := netconfig.ParseMAC(s)
		if wantOK := perr == nil && parsed.Problem() == ""; wantOK != (err == nil) {
			t.Fatalf("Normalize(%q): %v; ParseMAC: %v, %v (problem %q)", s, err, parsed, perr, parsed.Problem())
		}
		table, serr := Static(map[string]string{"net": s})
		switch {
		case s == "":
			if serr == nil || !strings.Contains(serr.Error(), "macs[net]: Required value") {
				t.Fatalf("Static with an empty MAC: %v", serr)
			}
		case (serr == nil) != (err == nil):
			t.Fatalf("Normalize(%q): %v; Static: %v", s, err, serr)
		case serr != nil:
			if table != nil || !strings.Contains(serr.Error(), "macs[net]") {
				t.Fatalf("Static(%q) = %v, %v: want no table and an error naming macs[net]", s, table, serr)
			}
		default:
			if want := (netconfig.MACTable{"net": {MAC: mac, Origin: netconfig.MACStatic}}); !reflect.DeepEqual(table, want) {
				t.Fatalf("Static(%q) = %v, want %v", s, table, want)
			}
		}
		if err != nil {
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", s)) {
				t.Fatalf("Normalize(%q): error %q does not name the value", s, err)
			}
			if mac != (netconfig.MAC{}) {
				t.Fatalf("Normalize(%q) = %s with an error", s, mac)
			}
			return
		}
		if want := strings.ToLower(strings.ReplaceAll(s, "-", ":")); mac.String() != want {
			t.Fatalf("Normalize(%q) = %s, want %s", s, mac, want)
		}
		if mac.Problem() != "" || mac.IsMulticast() || !mac.IsValid() {
			t.Fatalf("Normalize(%q) accepted %s, which a NIC cannot have", s, mac)
		}
		again, err := Normalize(mac.String())
		if err != nil || again != mac {
			t.Fatalf("Normalize(%q) = %v, %v; want %s", mac.String(), again, err, mac)
		}
	})
}
