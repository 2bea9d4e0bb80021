package netconfig

import (
	"encoding/hex"
	"fmt"
)

// MAC is a 48-bit Ethernet hardware address held as a comparable value.
// The zero value means "unset"; IsValid reports whether a MAC is set.
// String formats it in the lower-case, colon-separated form that netplan
// and cloud-init expect, and ParseMAC is its inverse.
type MAC [6]byte

// ParseMAC parses a 48-bit MAC address written as six pairs of hex digits
// separated by colons or hyphens, in either case ("02:00:00:AA:bb:cc",
// "02-00-00-aa-bb-cc"). It checks syntax only: whether a MAC may be given
// to a guest NIC is a question for validation (see MAC.Problem).
func ParseMAC(s string) (MAC, error) {
	var m MAC
	if len(s) != 17 {
		return MAC{}, fmt.Errorf("MAC address %q: want six pairs of hex digits separated by ':' or '-'", s)
	}
	sep := s[2]
	if sep != ':' && sep != '-' {
		return MAC{}, fmt.Errorf("MAC address %q: want six pairs of hex digits separated by ':' or '-'", s)
	}
	for i := 0; i < 6; i++ {
		if i > 0 && s[3*i-1] != sep {
			return MAC{}, fmt.Errorf("MAC address %q: separators must all be '%c'", s, sep)
		}
		if _, err := hex.Decode(m[i:i+1], []byte(s[3*i:3*i+2])); err != nil {
			return MAC{}, fmt.Errorf("MAC address %q: %q is not a pair of hex digits", s, s[3*i:3*i+2])
		}
	}
	return m, nil
}

// MustParseMAC is like ParseMAC but panics on error. It is meant for
// constants in tests and examples, never for user input.
func MustParseMAC(s string) MAC {
	m, err := ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

// IsValid reports whether m is set (not the zero value).
func (m MAC) IsValid() bool { return m != MAC{} }

// IsMulticast reports whether the group bit is set. Broadcast
// (ff:ff:ff:ff:ff:ff) is a multicast address too.
func (m MAC) IsMulticast() bool { return m[0]&1 == 1 }

// IsLocallyAdministered reports whether the locally administered bit is set.
func (m MAC) IsLocallyAdministered() bool { return m[0]&2 == 2 }

// Problem returns why m cannot be the address of a guest NIC, or "" when it
// can: the all-zero address and multicast (including broadcast) addresses
// are refused.
func (m MAC) Problem() string {
	switch {
	case !m.IsValid():
		return "the all-zero MAC address cannot be assigned to a NIC"
	case m == MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}:
		return "the broadcast MAC address cannot be assigned to a NIC"
	case m.IsMulticast():
		return "a multicast MAC address (lowest bit of the first octet set) cannot be assigned to a NIC"
	}
	return ""
}

// String returns m in lower-case colon form ("02:00:00:aa:bb:cc"), or ""
// for the zero MAC.
func (m MAC) String() string {
	if !m.IsValid() {
		return ""
	}
	var b [17]byte
	return string(m.appendText(b[:0]))
}

// AppendText appends m in lower-case colon form to b, as String writes it,
// and returns the extended buffer; it never fails. It implements
// encoding.TextAppender.
func (m MAC) AppendText(b []byte) ([]byte, error) {
	return m.appendText(b), nil
}

// MarshalText returns m as String writes it, so that a MAC is text in JSON
// and YAML. It implements encoding.TextMarshaler.
func (m MAC) MarshalText() ([]byte, error) {
	return m.appendText(make([]byte, 0, 17)), nil
}

// UnmarshalText parses text as ParseMAC does; empty text gives the zero
// (unset) MAC. It implements encoding.TextUnmarshaler.
func (m *MAC) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*m = MAC{}
		return nil
	}
	v, err := ParseMAC(string(text))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

func (m MAC) appendText(b []byte) []byte {
	if !m.IsValid() {
		return b
	}
	const digits = "0123456789abcdef"
	for i, o := range m {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, digits[o>>4], digits[o&0xf])
	}
	return b
}
