package netconfig

import "k8s.io/apimachinery/pkg/util/validation/field"

// Option configures Build.
type Option func(*options)

type options struct {
	status       StatusResolver
	macs         MACResolver
	omitPod      bool
	defaultRoute DefaultRouteStyle
	// path is where the Spec sits in the caller's object; nil is the
	// Spec's own root.
	path *field.Path
}

// DefaultRouteStyle is how default routes are written.
type DefaultRouteStyle int

const (
	// DefaultRoutePortable writes default routes in forms that every
	// renderer of cloud-init 22.4 (networkd, eni, sysconfig, netplan) and
	// netplan 0.106 apply correctly: an IPv4 default route as a route to
	// "0.0.0.0/0", an IPv6 default route as "gateway6" (cloud-init 22.4
	// turns a route to "::/0" into "::/64" on its own renderers, and crashes
	// on "to: default"). netplan 0.106 warns that gateway6 is deprecated but
	// applies it. An IPv6 default route cannot carry a metric in this style.
	DefaultRoutePortable DefaultRouteStyle = iota
	// DefaultRouteNetplan writes every default route as netplan's native
	// "to: default". Use it only for guests known to be recent: the guest
	// must render with netplan 0.103 or later, or with cloud-init 25.3 or
	// later on its own renderers (cloud-init's commit "Add 'to: default'
	// support in network state", #6391, first released in 25.3). Booted
	// guests whose cloud-init is older and renders on its own fail: with
	// cloud-init 22.4 and 25.1, networkd and eni guests configured no NIC
	// at all, the pod NIC included, and a NetworkManager guest left the NIC
	// with the route unconfigured.
	DefaultRouteNetplan
)

// WithNetworkStatus makes Build ask r, once, for the Multus status of all
// the VM's networks: whether each is a Multus attachment, its pod
// interface and MAC. Each status is copied into Result.Interfaces.
func WithNetworkStatus(r StatusResolver) Option {
	return func(o *options) { o.status = r }
}

// WithMACResolver makes Build ask r for the MAC of each network, which it
// uses when the spec sets none; Result.Interfaces reports the origin and
// detail r gave with it.
func WithMACResolver(r MACResolver) Option {
	return func(o *options) { o.macs = r }
}

// WithoutPodNetwork leaves the pod network out of the output entirely. By
// default it is written as DHCP, because a guest given any network config
// writes no fallback DHCP config of its own, so leaving the pod NIC out
// takes the VM off the pod network.
func WithoutPodNetwork() Option {
	return func(o *options) { o.omitPod = true }
}

// WithDefaultRouteStyle chooses how default routes are written; the default
// is DefaultRoutePortable.
func WithDefaultRouteStyle(s DefaultRouteStyle) Option {
	return func(o *options) { o.defaultRoute = s }
}

// WithFieldPath puts every path that Build reports, in its errors and in
// Warning.Field, under p, the path of the Spec in the caller's object:
// with field.NewPath("spec", "template", "spec") a gateway's error is at
// spec.template.spec.networks[1].ipConfig.gateways[0] and the namespace's
// at spec.template.spec.namespace; a nil p (the default) leaves them at
// the Spec's own root. A detail that refers to another network by its
// index ("networks[0] has the same name") names it relative to p.
func WithFieldPath(p *field.Path) Option {
	return func(o *options) { o.path = p }
}
