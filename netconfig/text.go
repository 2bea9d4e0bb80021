package netconfig

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/util/validation"
)

// The checks of names and text: each returns what is wrong with its value,
// for the detail of a field error, or nothing when the value is valid.

// maxIfaceName is the longest Linux interface name (IFNAMSIZ - 1).
const maxIfaceName = 15

// textProblem rejects control characters, invalid UTF-8 and values longer
// than max bytes in names.
func textProblem(s string, max int) string {
	if len(s) > max {
		return fmt.Sprintf("at most %d bytes", max)
	}
	if !utf8.ValidString(s) {
		return "not valid UTF-8"
	}
	for _, r := range s {
		if r < 0x20 || r >= 0x7f && r <= 0x9f {
			// C0, DEL and the C1 controls (NEL, U+0085, among them, which
			// YAML 1.1 and some terminals take for a line break).
			return "contains a control character"
		}
	}
	return ""
}

// dnsNameProblem checks a search domain: dot-separated labels of letters,
// digits and hyphens, each 1 to 63 characters and not starting or ending
// with a hyphen, 253 characters in all, with an optional final dot.
func dnsNameProblem(s string) string {
	name := strings.TrimSuffix(s, ".")
	if name == "" {
		return "not a DNS domain name"
	}
	if len(name) > 253 {
		return "a DNS domain name has at most 253 characters"
	}
	for label := range strings.SplitSeq(name, ".") {
		if label == "" || len(label) > 63 {
			return "not a DNS domain name: each dot-separated label has 1 to 63 characters"
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return "not a DNS domain name: a label cannot start or end with '-'"
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return "not a DNS domain name: only letters, digits, '-' and '.' are allowed"
			}
		}
	}
	return ""
}

// sameDomain reports whether a and b name the same DNS domain, ignoring
// case and a final dot.
func sameDomain(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}

// attachmentNameProblems checks a NetworkAttachmentDefinition name, "name"
// or "namespace/name", as Kubernetes checks a namespace and an object name.
func attachmentNameProblems(s string) []string {
	ns, name, qualified := strings.Cut(s, "/")
	if !qualified {
		name, ns = ns, ""
	}
	var out []string
	if qualified {
		for _, msg := range validation.IsDNS1123Label(ns) {
			out = append(out, "namespace: "+msg)
		}
	}
	for _, msg := range validation.IsDNS1123Subdomain(name) {
		out = append(out, "name: "+msg)
	}
	return out
}

// bindingProblem checks a binding name: a short identifier, as plugins have.
func bindingProblem(s string) string {
	if len(s) > 63 {
		return "a binding name has at most 63 characters"
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return "a binding name has only letters, digits, '-', '_' and '.'"
		}
	}
	return ""
}

// isPCIAddress checks domain:bus:slot.function, as in 0000:81:00.1.
func isPCIAddress(s string) bool {
	if len(s) != 12 || s[4] != ':' || s[7] != ':' || s[10] != '.' {
		return false
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6, 8, 9} {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	slot := hexVal(s[8])<<4 | hexVal(s[9])
	return slot <= 0x1f && s[11] >= '0' && s[11] <= '7'
}

func hexVal(c byte) int {
	if c >= 'a' {
		return int(c-'a') + 10
	}
	return int(c - '0')
}

// validInterfaceName checks a Linux interface name: 1 to 15 bytes, no '/',
// ':' or white space, not "." or "..".
func validInterfaceName(s string) bool {
	if s == "" || len(s) > maxIfaceName || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == '/' || c == ':' || c == 0x7f {
			return false
		}
	}
	return true
}
