package netconfig

import (
	"strconv"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// fieldPath is the path of a field of the Spec, such as
// networks[1].ipConfig.routes[0].via, held in two words that travel in
// registers, so that checking valid input neither allocates nor copies
// much for paths: the *field.Path that an error carries is built only
// when there is an error to report.
type fieldPath struct {
	// segs holds segment k in byte k (segIndex for an index), the number
	// of index segments in byte 6 and the number of segments in byte 7.
	segs uint64
	// index holds the index segments' values, in order.
	index [maxPathIndices]int32
}

// maxPathIndices is the most index segments a path of a Spec has, as in
// networks[i].ipConfig.routes[j].
const maxPathIndices = 2

// maxPathDepth is the depth of the deepest field path of a Spec,
// networks[i].ipConfig.nameservers.addresses[j] (six segments).
const maxPathDepth = 6

// segment is a field of the Spec, by name, or segIndex for an element of
// a list.
type segment uint8

// The segments; String gives each one's name in the Spec's JSON form.
const (
	segIndex segment = iota
	segNetworks
	segNamespace
	segName
	segSource
	segNetworkName
	segBinding
	segMACAddress
	segPCIAddress
	segIPConfig
	segMode
	segAddresses
	segGateways
	segDHCP6
	segNameservers
	segSearch
	segRoutes
	segTo
	segVia
	segMetric
	segMTU
	segCount // the number of segments
)

// String returns the field's name, or "" for segIndex.
func (s segment) String() string {
	switch s {
	case segNetworks:
		return "networks"
	case segNamespace:
		return "namespace"
	case segName:
		return "name"
	case segSource:
		return "source"
	case segNetworkName:
		return "networkName"
	case segBinding:
		return "binding"
	case segMACAddress:
		return "macAddress"
	case segPCIAddress:
		return "pciAddress"
	case segIPConfig:
		return "ipConfig"
	case segMode:
		return "mode"
	case segAddresses:
		return "addresses"
	case segGateways:
		return "gateways"
	case segDHCP6:
		return "dhcp6"
	case segNameservers:
		return "nameservers"
	case segSearch:
		return "search"
	case segRoutes:
		return "routes"
	case segTo:
		return "to"
	case segVia:
		return "via"
	case segMetric:
		return "metric"
	case segMTU:
		return "mtu"
	}
	return ""
}

// newPath returns the path of the top-level field name.
func newPath(name segment) fieldPath {
	var p fieldPath
	return p.Child(name)
}

func (p fieldPath) len() int          { return int(p.segs >> 56) }
func (p fieldPath) indices() int      { return int(p.segs >> 48 & 0xff) }
func (p fieldPath) seg(k int) segment { return segment(p.segs >> (8 * k)) }

// Child returns the path of field name under p.
func (p fieldPath) Child(name segment) fieldPath {
	if n := p.len(); n < maxPathDepth {
		p.segs = p.segs&(1<<56-1) | uint64(name)<<(8*n) | uint64(n+1)<<56
	}
	return p
}

// Index returns the path of element i of the list at p.
func (p fieldPath) Index(i int) fieldPath {
	if n, k := p.len(), p.indices(); n < maxPathDepth && k < maxPathIndices {
		p.index[k] = int32(i)
		p.segs = p.segs&(1<<48-1) | uint64(k+1)<<48 | uint64(n+1)<<56 // segment n is segIndex, 0
	}
	return p
}

// path returns p as a *field.Path.
func (p fieldPath) path() *field.Path {
	var fp *field.Path
	k := 0
	for i := range p.len() {
		s := p.seg(i)
		switch {
		case s != segIndex && fp == nil:
			fp = field.NewPath(s.String())
		case s != segIndex:
			fp = fp.Child(s.String())
		case fp == nil:
			fp = field.NewPath("").Index(int(p.index[k]))
			k++
		default:
			fp = fp.Index(int(p.index[k]))
			k++
		}
	}
	return fp
}

// String returns p as field.Path writes it, such as
// networks[1].ipConfig.routes[0].via.
func (p fieldPath) String() string {
	return string(p.appendTo(make([]byte, 0, 64)))
}

// appendTo appends p as String writes it.
func (p fieldPath) appendTo(out []byte) []byte {
	k := 0
	for i := range p.len() {
		s := p.seg(i)
		if s == segIndex {
			out = append(out, '[')
			out = strconv.AppendInt(out, int64(p.index[k]), 10)
			out = append(out, ']')
			k++
			continue
		}
		if i > 0 {
			out = append(out, '.')
		}
		out = append(out, s.String()...)
	}
	return out
}
