package netconfig

import (
	"strconv"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// fieldPath is the path of a field of the Spec, such as
// networks[1].ipConfig.routes[0].via, held as a small plain value (four
// words) so that checking valid input neither allocates nor copies much
// for paths: the *field.Path that an error carries is built only when
// there is an error to report.
type fieldPath struct {
	segs  [maxPathDepth]segment
	index [maxPathDepth]int32
	n     uint8
}

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

// Child returns the path of field name under p.
func (p fieldPath) Child(name segment) fieldPath {
	if p.n < maxPathDepth {
		p.segs[p.n] = name
		p.n++
	}
	return p
}

// Index returns the path of element i of the list at p.
func (p fieldPath) Index(i int) fieldPath {
	if p.n < maxPathDepth {
		p.segs[p.n] = segIndex
		p.index[p.n] = int32(i)
		p.n++
	}
	return p
}

// path returns p as a *field.Path.
func (p fieldPath) path() *field.Path {
	var fp *field.Path
	for k, s := range p.segs[:p.n] {
		switch {
		case s != segIndex && fp == nil:
			fp = field.NewPath(s.String())
		case s != segIndex:
			fp = fp.Child(s.String())
		case fp == nil:
			fp = field.NewPath("").Index(int(p.index[k]))
		default:
			fp = fp.Index(int(p.index[k]))
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
	for k, s := range p.segs[:p.n] {
		if s == segIndex {
			out = append(out, '[')
			out = strconv.AppendInt(out, int64(p.index[k]), 10)
			out = append(out, ']')
			continue
		}
		if k > 0 {
			out = append(out, '.')
		}
		out = append(out, s.String()...)
	}
	return out
}
