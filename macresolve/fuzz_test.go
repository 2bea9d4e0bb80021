package macresolve

import (
	"fmt"
	"strings"
	"testing"

	"github.com/guestnet/guestnet/netconfig"
)

// FuzzNormalize checks that Normalize accepts exactly the well-formed MACs
// a NIC can have, that what it accepts comes out in lower-case colon form
// and parses back to itself, and that every error names the value.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"02:7c:4e:00:00:01", "02-7C-4E-00-00-01", "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff",
		"01:00:5e:00:00:01", "02:00-00:00:00:01", "02:00:00:00:00", "", "0g:00:00:00:00:00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		mac, err := Normalize(s)
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
