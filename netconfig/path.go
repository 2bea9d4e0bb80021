package netconfig

import (
	"strconv"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// fieldPath is the path of a field of the Spec, such as
// networks[1].ipConfig.routes[0].via, held as a plain value so that
// checking valid input allocates nothing for paths: the *field.Path that
// an error carries is built only when there is an error to report.
type fieldPath struct {
	segs [maxPathDepth]pathSegment
	n    int
}

// maxPathDepth is the depth of the deepest field path of a Spec,
// networks[i].ipConfig.nameservers.addresses[j] (six segments).
const maxPathDepth = 6

// pathSegment is a field name, or an index when name is "".
type pathSegment struct {
	name  string
	index int
}

// newPath returns the path of the top-level field name.
func newPath(name string) fieldPath {
	var p fieldPath
	return p.Child(name)
}

// Child returns the path of field name under p.
func (p fieldPath) Child(name string) fieldPath {
	if p.n < maxPathDepth {
		p.segs[p.n] = pathSegment{name: name}
		p.n++
	}
	return p
}

// Index returns the path of element i of the list at p.
func (p fieldPath) Index(i int) fieldPath {
	if p.n < maxPathDepth {
		p.segs[p.n] = pathSegment{index: i}
		p.n++
	}
	return p
}

// path returns p as a *field.Path.
func (p fieldPath) path() *field.Path {
	var fp *field.Path
	for _, s := range p.segs[:p.n] {
		switch {
		case s.name != "" && fp == nil:
			fp = field.NewPath(s.name)
		case s.name != "":
			fp = fp.Child(s.name)
		case fp == nil:
			fp = field.NewPath("").Index(s.index)
		default:
			fp = fp.Index(s.index)
		}
	}
	return fp
}

// String returns p as field.Path writes it, such as
// networks[1].ipConfig.routes[0].via.
func (p fieldPath) String() string {
	var b [64]byte
	out := b[:0]
	for i, s := range p.segs[:p.n] {
		if s.name == "" {
			out = append(out, '[')
			out = strconv.AppendInt(out, int64(s.index), 10)
			out = append(out, ']')
			continue
		}
		if i > 0 {
			out = append(out, '.')
		}
		out = append(out, s.name...)
	}
	return string(out)
}
