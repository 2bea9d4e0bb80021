package specfile

// The DeepCopy methods below have the form controller-gen generates, so
// that File and its parts can be embedded in the types of a custom
// resource, whose generated DeepCopyInto calls them.

// DeepCopyInto copies f into out, sharing no memory with f.
func (f *File) DeepCopyInto(out *File) {
	*out = *f
	if f.Networks != nil {
		out.Networks = make([]Network, len(f.Networks))
		for i := range f.Networks {
			f.Networks[i].DeepCopyInto(&out.Networks[i])
		}
	}
}

// DeepCopy returns a copy of f that shares no memory with it, or nil for
// a nil f.
func (f *File) DeepCopy() *File {
	if f == nil {
		return nil
	}
	out := new(File)
	f.DeepCopyInto(out)
	return out
}

// DeepCopyInto copies n into out, sharing no memory with n.
func (n *Network) DeepCopyInto(out *Network) {
	*out = *n
	out.Pod = n.Pod.DeepCopy()
	out.Multus = n.Multus.DeepCopy()
	out.IPConfig = n.IPConfig.DeepCopy()
}

// DeepCopy returns a copy of n that shares no memory with it, or nil for
// a nil n.
func (n *Network) DeepCopy() *Network {
	if n == nil {
		return nil
	}
	out := new(Network)
	n.DeepCopyInto(out)
	return out
}

// DeepCopyInto copies p into out.
func (p *PodNetwork) DeepCopyInto(out *PodNetwork) { *out = *p }

// DeepCopy returns a copy of p, or nil for a nil p.
func (p *PodNetwork) DeepCopy() *PodNetwork {
	if p == nil {
		return nil
	}
	out := new(PodNetwork)
	p.DeepCopyInto(out)
	return out
}

// DeepCopyInto copies m into out.
func (m *MultusNetwork) DeepCopyInto(out *MultusNetwork) { *out = *m }

// DeepCopy returns a copy of m, or nil for a nil m.
func (m *MultusNetwork) DeepCopy() *MultusNetwork {
	if m == nil {
		return nil
	}
	out := new(MultusNetwork)
	m.DeepCopyInto(out)
	return out
}

// DeepCopyInto copies c into out, sharing no memory with c.
func (c *IPConfig) DeepCopyInto(out *IPConfig) {
	*out = *c
	out.Addresses = copyStrings(c.Addresses)
	out.Gateways = copyStrings(c.Gateways)
	out.Nameservers = c.Nameservers.DeepCopy()
	if c.Routes != nil {
		out.Routes = make([]Route, len(c.Routes))
		for i := range c.Routes {
			c.Routes[i].DeepCopyInto(&out.Routes[i])
		}
	}
}

// DeepCopy returns a copy of c that shares no memory with it, or nil for
// a nil c.
func (c *IPConfig) DeepCopy() *IPConfig {
	if c == nil {
		return nil
	}
	out := new(IPConfig)
	c.DeepCopyInto(out)
	return out
}

// DeepCopyInto copies ns into out, sharing no memory with ns.
func (ns *Nameservers) DeepCopyInto(out *Nameservers) {
	*out = *ns
	out.Addresses = copyStrings(ns.Addresses)
	out.Search = copyStrings(ns.Search)
}

// DeepCopy returns a copy of ns that shares no memory with it, or nil for
// a nil ns.
func (ns *Nameservers) DeepCopy() *Nameservers {
	if ns == nil {
		return nil
	}
	out := new(Nameservers)
	ns.DeepCopyInto(out)
	return out
}

// DeepCopyInto copies r into out, sharing no memory with r.
func (r *Route) DeepCopyInto(out *Route) {
	*out = *r
	if r.Metric != nil {
		m := *r.Metric
		out.Metric = &m
	}
}

// DeepCopy returns a copy of r that shares no memory with it, or nil for
// a nil r.
func (r *Route) DeepCopy() *Route {
	if r == nil {
		return nil
	}
	out := new(Route)
	r.DeepCopyInto(out)
	return out
}

// copyStrings copies s, keeping nil as nil.
func copyStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append(make([]string, 0, len(s)), s...)
}
