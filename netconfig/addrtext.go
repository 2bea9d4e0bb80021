package netconfig

import (
	"net/netip"
	"slices"
)

// appendAddr appends a's text, exactly as a.AppendTo writes it: dotted
// decimal for IPv4, RFC 5952's form for IPv6 (lower-case hex, no leading
// zeros, the longest run of two or more zero groups, the first on a tie,
// written "::"). It is netip's text, written faster: render formats every
// address of every VM on every reconcile, and netip's general formatter
// was a sixth of Build's time. Zoned and IPv4-mapped addresses, which
// validation refuses, are left to netip.
func appendAddr(b []byte, a netip.Addr) []byte {
	// The text is written straight into b's room, grown first when short.
	if a.Is4() {
		x := a.As4()
		b = slices.Grow(b, len("255.255.255.255"))
		at := len(b)
		t := b[at : at+len("255.255.255.255")]
		n := putDecimal(t, x[0])
		for _, o := range x[1:] {
			t[n] = '.'
			n++
			n += putDecimal(t[n:], o)
		}
		return b[:at+n]
	}
	if !a.Is6() || a.Is4In6() || a.Zone() != "" {
		return a.AppendTo(b)
	}
	x := a.As16()
	var g [8]uint16
	for i := range g {
		g[i] = uint16(x[2*i])<<8 | uint16(x[2*i+1])
	}
	// The longest run of zero groups, at least two long; the first wins a
	// tie.
	zeroAt, zeroLen := -1, 1
	for i := 0; i < len(g); {
		if g[i] != 0 {
			i++
			continue
		}
		j := i + 1
		for j < len(g) && g[j] == 0 {
			j++
		}
		if j-i > zeroLen {
			zeroAt, zeroLen = i, j-i
		}
		i = j
	}
	b = slices.Grow(b, len("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))
	at := len(b)
	t := b[at : at+len("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
	n := 0
	for i := 0; i < len(g); i++ {
		if i == zeroAt {
			t[n], t[n+1] = ':', ':'
			n += 2
			i += zeroLen - 1
			continue
		}
		if i > 0 && i != zeroAt+zeroLen {
			t[n] = ':'
			n++
		}
		n += putHex(t[n:], g[i])
	}
	return b[:at+n]
}

// appendPrefix appends p's text, exactly as p.AppendTo writes it.
func appendPrefix(b []byte, p netip.Prefix) []byte {
	if !p.IsValid() {
		return p.AppendTo(b)
	}
	b = appendAddr(b, p.Addr())
	b = append(b, '/')
	bits := p.Bits()
	if bits >= 100 {
		b = append(b, '1')
		bits -= 100
		return append(b, byte('0'+bits/10), byte('0'+bits%10))
	}
	if bits >= 10 {
		b = append(b, byte('0'+bits/10))
	}
	return append(b, byte('0'+bits%10))
}

// putDecimal writes o in decimal at the start of t and returns how many
// bytes it wrote.
func putDecimal(t []byte, o byte) int {
	switch {
	case o >= 100:
		t[0], t[1], t[2] = '0'+o/100, '0'+o/10%10, '0'+o%10
		return 3
	case o >= 10:
		t[0], t[1] = '0'+o/10, '0'+o%10
		return 2
	}
	t[0] = '0' + o
	return 1
}

// putHex writes v in lower-case hex with no leading zeros at the start of
// t and returns how many bytes it wrote.
func putHex(t []byte, v uint16) int {
	const digits = "0123456789abcdef"
	switch {
	case v >= 0x1000:
		t[0], t[1], t[2], t[3] = digits[v>>12], digits[v>>8&0xf], digits[v>>4&0xf], digits[v&0xf]
		return 4
	case v >= 0x100:
		t[0], t[1], t[2] = digits[v>>8], digits[v>>4&0xf], digits[v&0xf]
		return 3
	case v >= 0x10:
		t[0], t[1] = digits[v>>4], digits[v&0xf]
		return 2
	}
	t[0] = digits[v]
	return 1
}
