package netconfig

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"pgregory.net/rapid"
)

// genAddr draws IPv4 and IPv6 addresses whose groups are often zero, so
// that runs of zero groups of every length and position, ties included,
// come up; and now and then an IPv4-mapped or zoned one.
func genAddr() *rapid.Generator[netip.Addr] {
	return rapid.Custom(func(t *rapid.T) netip.Addr {
		if rapid.Bool().Draw(t, "v4") {
			var b [4]byte
			for i := range b {
				b[i] = rapid.SampledFrom([]byte{0, 1, 9, 10, 99, 100, 199, 255, rapid.Byte().Draw(t, "any")}).Draw(t, "octet")
			}
			return netip.AddrFrom4(b)
		}
		var b [16]byte
		for i := 0; i < 16; i += 2 {
			if rapid.IntRange(0, 2).Draw(t, "zero") == 0 {
				continue
			}
			v := rapid.SampledFrom([]uint16{1, 0xf, 0x10, 0xff, 0x100, 0xfff, 0x1000, 0xffff, rapid.Uint16().Draw(t, "any")}).Draw(t, "group")
			b[i], b[i+1] = byte(v>>8), byte(v)
		}
		a := netip.AddrFrom16(b)
		switch rapid.IntRange(0, 9).Draw(t, "kind") {
		case 0:
			return netip.AddrFrom16(netip.AddrFrom4([4]byte{b[0], b[1], b[2], b[3]}).As16()) // IPv4-mapped
		case 1:
			return a.WithZone(rapid.SampledFrom([]string{"eth0", "1"}).Draw(t, "zone"))
		}
		return a
	})
}

// TestAppendAddrIsNetipText holds appendAddr and appendPrefix to netip's
// own text, over every kind of address and every prefix length.
func TestAppendAddrIsNetipText(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := genAddr().Draw(t, "addr")
		prefix := []byte("x")
		if got, want := string(appendAddr(prefix, a)), string(a.AppendTo(prefix)); got != want {
			t.Fatalf("appendAddr(%v) = %q, netip writes %q", a, got, want)
		}
		p := netip.PrefixFrom(a, rapid.IntRange(-1, a.BitLen()+1).Draw(t, "bits"))
		if got, want := string(appendPrefix(prefix, p)), string(p.AppendTo(prefix)); got != want {
			t.Fatalf("appendPrefix(%v) = %q, netip writes %q", p, got, want)
		}
	})
}

// TestAppendAddr pins the cases RFC 5952 spells out.
func TestAppendAddr(t *testing.T) {
	for _, s := range []string{
		"0.0.0.0", "255.255.255.255", "10.0.100.9", "::", "::1", "1::", "fd00::1:0:0:1",
		"1:0:0:1:0:0:0:1", "1:0:0:1:0:0:1:1", "1:0:1:0:1:0:1:0", "2001:db8::ffff:0:1",
		"fe80::1%eth0", "::ffff:10.0.0.1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	} {
		a := netip.MustParseAddr(s)
		assert.Equal(t, a.String(), string(appendAddr(nil, a)), s)
	}
	assert.Equal(t, "", string(appendAddr(nil, netip.Addr{})))
	assert.Equal(t, string(netip.Prefix{}.AppendTo(nil)), string(appendPrefix(nil, netip.Prefix{})))
}
