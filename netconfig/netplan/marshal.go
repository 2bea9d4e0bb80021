package netplan

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Marshal returns c as YAML. The same Config always gives the same bytes:
// keys come in the order of the Config's fields (the ethernets keys
// sorted), and every string value is a double-quoted scalar in which every
// character that is not printable ASCII is escaped, so that no value can be
// read as another type (a MAC such as 52:54:00:12:34:56 is an integer to
// YAML 1.1) or become YAML structure, whatever it holds. An ethernets key
// is written plain only when every YAML reader, 1.1 or 1.2, takes it for
// the same string, and double-quoted otherwise. Fields left empty are
// left out, as the Config's json tags say (omitempty).
//
// Marshal is a dedicated emitter for this fixed schema: it appends to one
// buffer and allocates little more. The tests hold it to
// sigs.k8s.io/yaml: for every generated Config its bytes must read back,
// with sigs.k8s.io/yaml and with go.yaml.in/yaml/v3, as exactly the
// document sigs.k8s.io/yaml.Marshal writes for that Config.
// (sigs.k8s.io/yaml.Marshal itself passes a NEL, U+0085, through
// unescaped, which YAML readers then take for a line break.)
//
// A string that is not valid UTF-8 cannot be written as YAML text; Marshal
// returns an error naming where it is.
func Marshal(c Config) ([]byte, error) {
	w := emitter{buf: make([]byte, 0, sizeHint(c))}.config(c)
	if w.invalid {
		return nil, fmt.Errorf("marshal netplan config: %s is not valid UTF-8", invalidUTF8(c))
	}
	return w.buf, nil
}

// sizeHint estimates the length of c's document, so that the buffer is
// allocated once for typical configs.
func sizeHint(c Config) int {
	n := 64
	for _, e := range c.Network.Ethernets {
		n += 160 + 48*(len(e.Addresses)+len(e.Routes))
		if e.Nameservers != nil {
			n += 40 + 32*(len(e.Nameservers.Addresses)+len(e.Nameservers.Search))
		}
	}
	return n
}

// emitter appends a Config's document to buf. invalid is set when a
// string is not valid UTF-8.
//
// Its methods take and return it by value (w = w.quoted(s)): the buffer
// then lives in the caller's frame, and growing it needs no GC write
// barrier, which a pointer receiver costs on every append while the
// collector runs (a third of Marshal's time, measured).
type emitter struct {
	buf     []byte
	invalid bool
}

// Indentation of each level: the ethernets entries sit at four spaces,
// their fields at six, the fields of their nested mappings at eight, and
// sequences at the indentation of the key that holds them.
const (
	indentKey   = "    "
	indentField = "      "
	indentInner = "        "
)

func (w emitter) config(c Config) emitter {
	w.buf = append(w.buf, "network:\n  version: "...)
	w.buf = strconv.AppendInt(w.buf, int64(c.Network.Version), 10)
	w.buf = append(w.buf, '\n')
	if len(c.Network.Ethernets) == 0 {
		return w
	}
	w.buf = append(w.buf, "  ethernets:\n"...)
	keys := make([]string, 0, len(c.Network.Ethernets))
	for k := range c.Network.Ethernets {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		w.buf = append(w.buf, indentKey...)
		if plainKey(k) {
			w.buf = append(w.buf, k...)
		} else {
			w = w.quoted(k)
		}
		w = w.ethernet(c.Network.Ethernets[k])
	}
	return w
}

// ethernet writes an entry's value, after its key.
func (w emitter) ethernet(e Ethernet) emitter {
	if e.isZero() {
		w.buf = append(w.buf, ": {}\n"...)
		return w
	}
	w.buf = append(w.buf, ":\n"...)
	if m := e.Match; m != nil {
		if m.MACAddress == "" && m.Name == "" {
			w.buf = append(w.buf, indentField+"match: {}\n"...)
		} else {
			w.buf = append(w.buf, indentField+"match:\n"...)
			w = w.field(indentInner, "macaddress", m.MACAddress)
			w = w.field(indentInner, "name", m.Name)
		}
	}
	w = w.field(indentField, "set-name", e.SetName)
	if e.DHCP4 {
		w.buf = append(w.buf, indentField+"dhcp4: true\n"...)
	}
	if e.DHCP6 {
		w.buf = append(w.buf, indentField+"dhcp6: true\n"...)
	}
	if e.AcceptRA != nil {
		w.buf = append(w.buf, indentField+"accept-ra: "...)
		w.buf = strconv.AppendBool(w.buf, *e.AcceptRA)
		w.buf = append(w.buf, '\n')
	}
	w = w.list(indentField, "addresses", e.Addresses)
	w = w.field(indentField, "gateway4", e.Gateway4)
	w = w.field(indentField, "gateway6", e.Gateway6)
	if ns := e.Nameservers; ns != nil {
		if len(ns.Addresses) == 0 && len(ns.Search) == 0 {
			w.buf = append(w.buf, indentField+"nameservers: {}\n"...)
		} else {
			w.buf = append(w.buf, indentField+"nameservers:\n"...)
			w = w.list(indentInner, "addresses", ns.Addresses)
			w = w.list(indentInner, "search", ns.Search)
		}
	}
	if len(e.Routes) > 0 {
		w.buf = append(w.buf, indentField+"routes:\n"...)
		for _, r := range e.Routes {
			w.buf = append(w.buf, indentField+"- to: "...)
			w = w.quoted(r.To)
			w.buf = append(w.buf, "\n"+indentInner+"via: "...)
			w = w.quoted(r.Via)
			w.buf = append(w.buf, '\n')
			if r.Metric != nil {
				w.buf = append(w.buf, indentInner+"metric: "...)
				w.buf = strconv.AppendUint(w.buf, uint64(*r.Metric), 10)
				w.buf = append(w.buf, '\n')
			}
		}
	}
	if e.MTU != 0 {
		w.buf = append(w.buf, indentField+"mtu: "...)
		w.buf = strconv.AppendInt(w.buf, int64(e.MTU), 10)
		w.buf = append(w.buf, '\n')
	}
	return w
}

// isZero reports whether every field of e is left out of the document.
func (e Ethernet) isZero() bool {
	return e.Match == nil && e.SetName == "" && !e.DHCP4 && !e.DHCP6 && e.AcceptRA == nil &&
		len(e.Addresses) == 0 && e.Gateway4 == "" && e.Gateway6 == "" &&
		e.Nameservers == nil && len(e.Routes) == 0 && e.MTU == 0
}

// field writes `key: "value"` at indent, unless value is empty.
func (w emitter) field(indent, key, value string) emitter {
	if value == "" {
		return w
	}
	w.buf = append(w.buf, indent...)
	w.buf = append(w.buf, key...)
	w.buf = append(w.buf, ": "...)
	w = w.quoted(value)
	w.buf = append(w.buf, '\n')
	return w
}

// list writes key and its items at indent, unless values is empty.
func (w emitter) list(indent, key string, values []string) emitter {
	if len(values) == 0 {
		return w
	}
	w.buf = append(w.buf, indent...)
	w.buf = append(w.buf, key...)
	w.buf = append(w.buf, ":\n"...)
	for _, v := range values {
		w.buf = append(w.buf, indent...)
		w.buf = append(w.buf, "- "...)
		w = w.quoted(v)
		w.buf = append(w.buf, '\n')
	}
	return w
}

// plainByte has, for each byte value, '1' when the byte stands for itself
// inside a double-quoted scalar (printable ASCII but the quote and the
// backslash) and '0' when it needs an escape: one load per byte of a
// string, where the comparisons cost four.
const plainByte = "" +
	"0000000000000000000000000000000011011111111111111111111111111111" +
	"1111111111111111111111111111011111111111111111111111111111111110" +
	"0000000000000000000000000000000000000000000000000000000000000000" +
	"0000000000000000000000000000000000000000000000000000000000000000"

// quoted writes s as a double-quoted scalar. Printable ASCII is written
// as is, but for the quote and the backslash; every other character is
// escaped (\xXX, \uXXXX or \UXXXXXXXX, which YAML 1.1 and 1.2 readers
// alike decode), so the document is ASCII and no character can end the
// scalar, the line, or be folded by a reader.
func (w emitter) quoted(s string) emitter {
	w.buf = append(w.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if plainByte[b] == '1' {
			i++
			continue
		}
		w.buf = append(w.buf, s[start:i]...)
		if b == '"' || b == '\\' {
			w.buf = append(w.buf, '\\', b)
			i++
			start = i
			continue
		}
		r, size := rune(b), 1
		if b >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				w.invalid = true
			}
		}
		w = w.escape(r)
		i += size
		start = i
	}
	w.buf = append(w.buf, s[start:]...)
	w.buf = append(w.buf, '"')
	return w
}

// escape writes the YAML escape of r.
func (w emitter) escape(r rune) emitter {
	const hex = "0123456789ABCDEF"
	var digits int
	switch {
	case r <= 0xff:
		w.buf = append(w.buf, '\\', 'x')
		digits = 2
	case r <= 0xffff:
		w.buf = append(w.buf, '\\', 'u')
		digits = 4
	default:
		w.buf = append(w.buf, '\\', 'U')
		digits = 8
	}
	for shift := 4 * (digits - 1); shift >= 0; shift -= 4 {
		w.buf = append(w.buf, hex[(r>>shift)&0xf])
	}
	return w
}

// invalidUTF8 returns where c holds a string that is not valid UTF-8, or
// "" when it holds none.
func invalidUTF8(c Config) string {
	for key, e := range c.Network.Ethernets {
		where := fmt.Sprintf("network.ethernets[%q]", key)
		if !utf8.ValidString(key) {
			return "an ethernets key"
		}
		check := []struct{ field, value string }{{"set-name", e.SetName}, {"gateway4", e.Gateway4}, {"gateway6", e.Gateway6}}
		if e.Match != nil {
			check = append(check, struct{ field, value string }{"match.macaddress", e.Match.MACAddress}, struct{ field, value string }{"match.name", e.Match.Name})
		}
		for i, a := range e.Addresses {
			check = append(check, struct{ field, value string }{fmt.Sprintf("addresses[%d]", i), a})
		}
		if ns := e.Nameservers; ns != nil {
			for i, a := range ns.Addresses {
				check = append(check, struct{ field, value string }{fmt.Sprintf("nameservers.addresses[%d]", i), a})
			}
			for i, a := range ns.Search {
				check = append(check, struct{ field, value string }{fmt.Sprintf("nameservers.search[%d]", i), a})
			}
		}
		for i, r := range e.Routes {
			check = append(check, struct{ field, value string }{fmt.Sprintf("routes[%d].to", i), r.To}, struct{ field, value string }{fmt.Sprintf("routes[%d].via", i), r.Via})
		}
		for _, c := range check {
			if !utf8.ValidString(c.value) {
				return where + "." + c.field
			}
		}
	}
	return "a string"
}

// plainKey reports whether every YAML reader, 1.1 or 1.2, takes the plain
// scalar s as the same string.
func plainKey(s string) bool {
	if s == "" {
		return false
	}
	if len(s) <= len("false") {
		for _, word := range [...]string{"y", "n", "yes", "no", "on", "off", "true", "false", "null"} {
			if strings.EqualFold(s, word) {
				return false
			}
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if i == 0 && !letter {
			return false
		}
		if !letter && !(c >= '0' && c <= '9') && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}
