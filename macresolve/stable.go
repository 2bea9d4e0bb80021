package macresolve

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/netconfig"
)

// MaxPrefixLen is the longest Prefix, in octets. It leaves 24 bits of every
// stable MAC to the hash.
const MaxPrefixLen = 3

// maxAttempts bounds the candidates tried for one network before StableMACs
// gives up; it is reached only when the MACs to avoid fill almost all of
// the space a prefix leaves.
const maxAttempts = 1 << 16

// stableMACDomain separates the hashes of this package from any other use
// of SHA-256 over the same names. Changing it changes every stable MAC.
const stableMACDomain = "guestnet stable MAC v1"

// Prefix is a fixed start for stable MACs: zero to MaxPrefixLen leading
// octets, the rest of the MAC coming from the hash. Its first octet has the
// locally administered bit (0x02) set and the group bit (0x01) clear, so
// every MAC under it is a unicast, locally administered address. The zero
// Prefix fixes no octet.
//
// A Prefix is a comparable value; ParsePrefix and String are inverses.
type Prefix struct {
	octets [MaxPrefixLen]byte
	n      uint8
}

// ParsePrefix parses a prefix written as one to MaxPrefixLen pairs of hex
// digits, in either case, separated by ':' or '-' throughout ("0a",
// "0A:58", "06-1c-2f"). The empty string is the zero Prefix. A prefix whose
// first octet is not locally administered and unicast is refused: pick,
// for instance, an octet ending in hex 2, 6, a or e.
//
// The error is a *netconfig.ValidationError holding one field.Invalid that
// names s, at the empty path (ParsePrefix does not know where s was read
// from; a caller that does can set the *field.Error's Field).
func ParsePrefix(s string) (Prefix, error) {
	if s == "" {
		return Prefix{}, nil
	}
	bad := func(why string) (Prefix, error) {
		return Prefix{}, invalid(atRoot(field.Invalid(nil, s, "not a MAC prefix: "+why)))
	}
	if len(s)%3 != 2 || len(s) > 3*MaxPrefixLen-1 {
		return bad(fmt.Sprintf("want one to %d pairs of hex digits separated by ':' or '-'", MaxPrefixLen))
	}
	var octets []byte
	for i := 0; i < len(s); i += 3 {
		if i > 0 && s[i-1] != s[2] {
			return bad("separators must all be ':' or all be '-'")
		}
		if i > 0 && s[2] != ':' && s[2] != '-' {
			return bad(fmt.Sprintf("want one to %d pairs of hex digits separated by ':' or '-'", MaxPrefixLen))
		}
		b, err := hex.DecodeString(s[i : i+2])
		if err != nil {
			return bad(fmt.Sprintf("%q is not a pair of hex digits", s[i:i+2]))
		}
		octets = append(octets, b[0])
	}
	if why := prefixProblem(octets); why != "" {
		return bad(why)
	}
	var p Prefix
	p.n = uint8(copy(p.octets[:], octets))
	return p, nil
}

// MustParsePrefix is like ParsePrefix but panics on error. It is meant for
// constants in tests and examples, never for user input.
func MustParsePrefix(s string) Prefix {
	p, err := ParsePrefix(s)
	if err != nil {
		panic(err)
	}
	return p
}

// PrefixFrom returns the Prefix of the given leading octets; none gives the
// zero Prefix. More than MaxPrefixLen octets, or a first octet that is not
// locally administered (0x02 set) and unicast (0x01 clear), is an error: a
// *netconfig.ValidationError holding one field.Invalid at the empty path,
// whose value is the octets in colon form ("03:00").
func PrefixFrom(octets ...byte) (Prefix, error) {
	if why := prefixProblem(octets); why != "" {
		return Prefix{}, invalid(atRoot(field.Invalid(nil, colonHex(octets), "not a MAC prefix: "+why)))
	}
	var p Prefix
	p.n = uint8(copy(p.octets[:], octets))
	return p, nil
}

// prefixProblem says why octets cannot be a Prefix, or returns "".
func prefixProblem(octets []byte) string {
	if len(octets) > MaxPrefixLen {
		return fmt.Sprintf("at most %d octets, so that the hash keeps at least 24 bits; got %d", MaxPrefixLen, len(octets))
	}
	if len(octets) > 0 {
		switch first := octets[0]; {
		case first&0x01 != 0:
			return fmt.Sprintf("first octet %02x has the group bit (0x01) set, so every MAC under it would be multicast", first)
		case first&0x02 == 0:
			return fmt.Sprintf("first octet %02x lacks the locally administered bit (0x02), so MACs under it could clash with vendor-assigned ones", first)
		}
	}
	return ""
}

// Len returns the number of octets p fixes.
func (p Prefix) Len() int { return int(p.n) }

// Octets returns a copy of the octets p fixes.
func (p Prefix) Octets() []byte { return slices.Clone(p.octets[:p.n]) }

// String returns p in lower-case colon form ("0a:58"), or "" for the zero
// Prefix.
func (p Prefix) String() string { return colonHex(p.octets[:p.n]) }

// colonHex writes octets as lower-case pairs of hex digits separated by
// colons.
func colonHex(octets []byte) string {
	pairs := make([]string, len(octets))
	for i := range pairs {
		pairs[i] = hex.EncodeToString(octets[i : i+1])
	}
	return strings.Join(pairs, ":")
}

// Contains reports whether mac starts with p's octets. Every MAC contains
// the zero Prefix.
func (p Prefix) Contains(mac netconfig.MAC) bool {
	return slices.Equal(mac[:p.n], p.octets[:p.n])
}

// StableMAC returns the stable MAC of the network named network of the VM
// vmName in namespace: the same strings and prefix always give the same
// MAC, on any machine and in any release that keeps the scheme below.
//
// The MAC is the first six octets of the SHA-256 of an unambiguous encoding
// of the three strings: the domain string "guestnet stable MAC v1", the
// namespace, the VM name and the network name, each preceded by its length
// in bytes as an 8-byte big-endian integer, then an 8-byte big-endian
// attempt counter, here 0 (StableMACs counts up on a collision). The
// prefix's octets then replace the leading octets, and in the first octet
// the locally administered bit (0x02) is set and the group bit (0x01)
// cleared, so the MAC is always a unicast, locally administered address
// that a NIC can have (never all zero, multicast or broadcast).
//
// StableMAC does not check that MACs of one VM differ; StableMACs does.
func StableMAC(namespace, vmName, network string, prefix Prefix) netconfig.MAC {
	return newStableHash(namespace, vmName, network, prefix).candidate(0)
}

// StableMACs returns the stable MACs of the named networks of the VM vmName
// in namespace, all different from each other and from avoid (the MACs
// already taken, such as those set on the VM's other interfaces).
//
// Each network gets StableMAC(namespace, vmName, network, prefix) unless
// that MAC is taken, in which case the attempt counter of the hash counts
// up until a free MAC comes out. Networks are served in name order, so the
// result depends on the set of names and of MACs to avoid, not on their
// order. A collision needs two 46-bit hashes (24-bit under a three-octet
// prefix) to meet, so in practice every network gets its StableMAC.
//
// The namespace and VM name must be set, and the network names must be
// set and distinct; problems are reported at once, in one
// *netconfig.ValidationError of field errors at the paths namespace, name
// and networks[i]. Running out of free MACs under the prefix is a
// field.Invalid at networks[i] too.
func StableMACs(namespace, vmName string, networks []string, prefix Prefix, avoid ...netconfig.MAC) (map[string]netconfig.MAC, error) {
	var errs field.ErrorList
	if namespace == "" {
		errs = append(errs, field.Required(field.NewPath("namespace"), "the VM's namespace is part of what a stable MAC is derived from"))
	}
	if vmName == "" {
		errs = append(errs, field.Required(field.NewPath("name"), "the VM's name is part of what a stable MAC is derived from"))
	}
	seen := make(map[string]int, len(networks))
	for i, n := range networks {
		path := field.NewPath("networks").Index(i)
		if n == "" {
			errs = append(errs, field.Required(path, "every network needs a name"))
			continue
		}
		if j, dup := seen[n]; dup {
			errs = append(errs, field.Invalid(path, n, fmt.Sprintf("networks[%d] has the same name", j)))
			continue
		}
		seen[n] = i
	}
	if len(errs) > 0 {
		return nil, invalid(errs...)
	}
	taken := make(map[netconfig.MAC]bool, len(avoid)+len(networks))
	for _, m := range avoid {
		taken[m] = true
	}
	macs, full := assign(namespace, vmName, networks, prefix, taken)
	if full >= 0 {
		return nil, invalid(field.Invalid(field.NewPath("networks").Index(full), networks[full], noFreeMAC(prefix)))
	}
	return macs, nil
}

// noFreeMAC says that the MACs to avoid fill the space under prefix.
func noFreeMAC(prefix Prefix) string {
	return fmt.Sprintf("no free MAC found in %d attempts under prefix %q: the MACs to avoid fill the space it leaves", maxAttempts, prefix)
}

// assign gives each of networks (distinct, non-empty names) a stable MAC
// not in taken, adding each to taken. When a network finds no free MAC, it
// returns its index in networks; otherwise -1.
func assign(namespace, vmName string, networks []string, prefix Prefix, taken map[netconfig.MAC]bool) (map[string]netconfig.MAC, int) {
	out := make(map[string]netconfig.MAC, len(networks))
	order := make([]int, len(networks))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(networks[a], networks[b]) })
	for _, i := range order {
		n := networks[i]
		h := newStableHash(namespace, vmName, n, prefix)
		found := false
		for attempt := uint64(0); attempt < maxAttempts; attempt++ {
			mac := h.candidate(attempt)
			if taken[mac] {
				continue
			}
			taken[mac] = true
			out[n] = mac
			found = true
			break
		}
		if !found {
			return nil, i
		}
	}
	return out, -1
}

// stableHash is the encoding of the strings a stable MAC is derived from,
// to which each attempt appends its counter.
type stableHash struct {
	encoded []byte
	prefix  Prefix
}

func newStableHash(namespace, vmName, network string, prefix Prefix) stableHash {
	var b []byte
	for _, s := range []string{stableMACDomain, namespace, vmName, network} {
		b = binary.BigEndian.AppendUint64(b, uint64(len(s)))
		b = append(b, s...)
	}
	return stableHash{encoded: b, prefix: prefix}
}

// candidate returns the MAC of the given attempt.
func (s stableHash) candidate(attempt uint64) netconfig.MAC {
	sum := sha256.Sum256(binary.BigEndian.AppendUint64(slices.Clip(s.encoded), attempt))
	var mac netconfig.MAC
	copy(mac[:], sum[:])
	copy(mac[:], s.prefix.octets[:s.prefix.n])
	mac[0] = mac[0]&^0x01 | 0x02
	return mac
}
