package netconfig

import (
	"fmt"

	"github.com/guestnet/guestnet/netconfig/netplan"
)

// Build turns a VM's network specs into the netplan v2 network config of
// its guest. It runs three stages over plain values, each in its own file:
//
//  1. resolve (resolve.go): ask the status resolver, once, for the status
//     of all networks; then decide for each network, in VM order, its role
//     (pod network, Multus attachment, or skipped), its guest interface
//     name (by its place in Spec.NetworksInInterfaceOrder), and how its
//     NIC is matched: by a MAC, which Result.Interfaces reports with its
//     origin, or by name as a fallback;
//  2. validate (validate.go, with ipconfig.go, acrossnetworks.go and
//     text.go): check the specs and the resolved plan, and collect every
//     problem at once;
//  3. render (render.go): build the typed netplan model, which
//     netplan.Marshal writes as YAML.
//
// Invalid input returns a *ValidationError listing every problem as a
// *field.Error with the path of its field (under WithFieldPath's path,
// when one is given), and an empty Result: nothing partial is emitted. A
// Spec past one of the limits MaxNetworks, MaxListLength and MaxTextLength
// is refused with the fields past them only, before anything else is
// checked or any resolver is asked.
//
// Build does no I/O, keeps no state and does not modify spec, so it is
// safe to call from many goroutines at once; the same input always gives
// the same bytes.
func Build(spec Spec, opts ...Option) (Result, error) {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}

	// Input past a limit (limits.go) is refused before any work whose cost
	// grows with it.
	if errs := limitErrors(spec, o.path); len(errs) > 0 {
		return Result{}, &ValidationError{Errors: errs}
	}

	order, orderErrs := spec.NetworksInInterfaceOrder(o.path)
	plans, ifaces, warnings := resolve(spec, order, o)
	errs, warnings := validate(spec, plans, orderErrs, o, warnings)
	if len(errs) > 0 {
		return Result{}, &ValidationError{Errors: errs}
	}

	cfg := render(plans, o.defaultRoute)
	out, err := netplan.Marshal(cfg)
	if err != nil {
		// The model holds only strings that validation has checked, so
		// this cannot happen; it is reported rather than hidden all the
		// same.
		return Result{}, fmt.Errorf("netconfig: %w", err)
	}
	if len(cfg.Network.Ethernets) == 0 {
		warnings = append(warnings, Warning{
			Code:    WarningNothingConfigured,
			Message: "the network config configures no interface; a guest given a network config writes no fallback of its own, so it brings up no network",
		})
	}

	return Result{YAML: out, Config: cfg, Interfaces: ifaces, Warnings: warnings}, nil
}
