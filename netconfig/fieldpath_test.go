package netconfig_test

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/netconfig"
)

// TestWithFieldPath checks that every error and warning of Build is at the
// same path under WithFieldPath's path as at the Spec's own root without
// it (or with a nil path), for errors of each stage (limits, a network's
// fields, its IP config, across networks, resolved MACs) and for every
// kind of warning that names a field.
func TestWithFieldPath(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *netconfig.Spec)
		opts   []netconfig.Option
		// errors and warnings are the fields Build reports, at the Spec's
		// own root, in order (an invalid spec gives no warnings).
		errors   []string
		warnings []string
	}{
		{
			name:     "valid, with warnings",
			mutate:   func(s *netconfig.Spec) { s.Networks[1].MAC = netconfig.MAC{} },
			warnings: []string{"networks[1].macAddress", "networks[1].ipConfig.gateways[0]"},
		},
		{
			name: "past the limits",
			mutate: func(s *netconfig.Spec) {
				s.Namespace = string(make([]byte, netconfig.MaxTextLength+1))
				s.Networks = make([]netconfig.Network, netconfig.MaxNetworks+1)
			},
			errors: []string{"namespace", "networks"},
		},
		{
			name: "past a list's limit",
			mutate: func(s *netconfig.Spec) {
				ext(s).Routes = make([]netconfig.Route, netconfig.MaxListLength+1)
			},
			errors: []string{"networks[1].ipConfig.routes"},
		},
		{
			name: "a network's fields and IP config",
			mutate: func(s *netconfig.Spec) {
				s.Namespace = "VMs"
				s.Networks[1].PCIAddress = "81:00.1"
				ext(s).Gateways = []netip.Addr{ip("10.0.0.1")}
				ext(s).Nameservers.Search = []string{"-bad"}
				ext(s).Routes = []netconfig.Route{{To: prefix("10.1.0.0/16")}}
				ext(s).MTU = 1
			},
			errors: []string{
				"namespace", "networks[1].pciAddress", "networks[1].ipConfig.gateways[0]",
				"networks[1].ipConfig.nameservers.search[0]", "networks[1].ipConfig.routes[0].via", "networks[1].ipConfig.mtu",
			},
		},
		{
			name: "across networks",
			mutate: func(s *netconfig.Spec) {
				s.Networks = append(s.Networks, netconfig.Network{
					Name: "again", Source: netconfig.SourceMultus, NetworkName: "n", MAC: s.Networks[1].MAC,
					IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{prefix("192.168.0.200/16"), prefix("10.1.0.5/24")},
						Routes: []netconfig.Route{{To: prefix("0.0.0.0/0"), Via: ip("10.1.0.1")}}},
				})
			},
			errors: []string{"networks[2].macAddress", "networks[2].ipConfig.addresses[0]", "networks[2].ipConfig.routes[0]"},
		},
		{
			name:   "a resolved MAC",
			mutate: func(s *netconfig.Spec) { s.Networks[1].MAC = netconfig.MAC{} },
			opts:   []netconfig.Option{netconfig.WithMACResolver(netconfig.MACTable{"external": {MAC: netconfig.MustParseMAC("01:00:5e:00:00:01")}})},
			errors: []string{"networks[1]"},
		},
		{
			name: "warnings of every field",
			mutate: func(s *netconfig.Spec) {
				s.Networks[0].IPConfig = &netconfig.IPConfig{Mode: netconfig.ModeDHCP}
				ext(s).Nameservers.Addresses = []netip.Addr{ip("192.168.0.1"), ip("192.168.0.2"), ip("192.168.0.3"), ip("192.168.0.4")}
				ext(s).Routes = []netconfig.Route{{To: prefix("10.9.0.0/16"), Via: ip("192.168.0.9"), Metric: metric(10)}}
				s.Networks = append(s.Networks,
					netconfig.Network{Name: "overlapping", Source: netconfig.SourceMultus, NetworkName: "n", MAC: netconfig.MustParseMAC("02:00:00:00:00:09"),
						IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{prefix("192.168.0.5/16")}}},
					netconfig.Network{Name: "other"})
			},
			opts: []netconfig.Option{
				netconfig.WithoutPodNetwork(),
				netconfig.WithNetworkStatus(netconfig.StatusMap{"other": {Interface: "eth9"}}),
				netconfig.WithMACResolver(netconfig.MACTable{"external": {MAC: netconfig.MustParseMAC("02:00:00:00:00:08")}}),
			},
			warnings: []string{
				"networks[0].ipConfig", "networks[1].macAddress", "networks[3]",
				"networks[1].ipConfig.nameservers.addresses", "networks[1].ipConfig.routes", "networks[2].ipConfig.addresses[0]",
			},
		},
	}
	vm := field.NewPath("spec", "template", "spec")
	roots := []struct {
		name   string
		opts   []netconfig.Option
		prefix string
	}{
		{"no option", nil, ""},
		{"a nil path", []netconfig.Option{netconfig.WithFieldPath(nil)}, ""},
		{"a VM's template", []netconfig.Option{netconfig.WithFieldPath(vm)}, "spec.template.spec."},
		{"an index", []netconfig.Option{netconfig.WithFieldPath(field.NewPath("items").Index(3).Child("spec"))}, "items[3].spec."},
	}
	for _, tt := range tests {
		for _, root := range roots {
			t.Run(tt.name+"/"+root.name, func(t *testing.T) {
				spec := seedSpec()
				tt.mutate(&spec)
				res, err := netconfig.Build(spec, append(append([]netconfig.Option(nil), tt.opts...), root.opts...)...)
				var gotErrors, gotWarnings []string
				if err != nil {
					var invalid *netconfig.ValidationError
					require.True(t, errors.As(err, &invalid), "%v", err)
					for _, fe := range invalid.Errors {
						gotErrors = append(gotErrors, fe.Field)
					}
				}
				for _, w := range res.Warnings {
					if w.Field != "" {
						gotWarnings = append(gotWarnings, w.Field)
					}
				}
				assert.Equal(t, prefixed(root.prefix, tt.errors), gotErrors, "errors: %v", err)
				assert.Equal(t, prefixed(root.prefix, tt.warnings), gotWarnings, "warnings: %v", res.Warnings)
			})
		}
	}
}

// TestWithFieldPathInDetails: a detail that names another field by its
// path names it under WithFieldPath's path too.
func TestWithFieldPathInDetails(t *testing.T) {
	spec := seedSpec()
	spec.Networks = append(spec.Networks, netconfig.Network{Name: "second", Source: netconfig.SourceMultus, NetworkName: "n",
		IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{prefix("10.1.0.5/24")},
			Routes: []netconfig.Route{{To: prefix("0.0.0.0/0"), Via: ip("10.1.0.1")}}}})
	_, err := netconfig.Build(spec, netconfig.WithFieldPath(field.NewPath("spec", "template", "spec")))
	var fe *field.Error
	require.True(t, errors.As(err, &fe), "%v", err)
	assert.Equal(t, "spec.template.spec.networks[2].ipConfig.routes[0]", fe.Field)
	assert.Contains(t, fe.Detail, "(the first is spec.template.spec.networks[1].ipConfig.gateways[0])")
}

// prefixed returns paths, each with prefix in front; nil for none.
func prefixed(prefix string, paths []string) []string {
	var out []string
	for _, p := range paths {
		out = append(out, prefix+p)
	}
	return out
}
