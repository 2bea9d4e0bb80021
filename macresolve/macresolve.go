package macresolve

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/netconfig"
)

// FromVMI returns the MACs of vmi's guest NICs by network name (a KubeVirt
// interface is named after the network it is bound to).
//
// A MAC set in the spec (spec.domain.devices.interfaces[].macAddress) wins:
// it is the one KubeVirt gives the guest. For an interface whose spec sets
// none, the MAC reported in status.interfaces[].mac for the same name is
// used; status entries without a name (interfaces the guest agent reports
// that belong to no VM network) and entries without a MAC are skipped, and
// status entries of networks whose spec sets a MAC are not read at all.
//
// MACs are parsed with netconfig.ParseMAC, so upper case and '-' separators
// are accepted and the result is normalised. A MAC that is malformed, all
// zero, multicast or broadcast, or a network given two different MACs by
// one side, is an error naming the field and the value; every such problem
// is reported, in one aggregate error built from a field.ErrorList. A nil
// vmi is an error.
func FromVMI(vmi *kubevirtv1.VirtualMachineInstance) (netconfig.MACMap, error) {
	if vmi == nil {
		return nil, errors.New("no VirtualMachineInstance to read MAC addresses from")
	}
	var (
		macs     = netconfig.MACMap{}
		errs     field.ErrorList
		fromSpec = map[string]int{} // network name -> index of the spec interface that set its MAC
	)

	specPath := field.NewPath("spec", "domain", "devices", "interfaces")
	for i, iface := range vmi.Spec.Domain.Devices.Interfaces {
		if iface.Name == "" || iface.MacAddress == "" {
			continue
		}
		path := specPath.Index(i).Child("macAddress")
		prev, seen := fromSpec[iface.Name]
		if !seen {
			fromSpec[iface.Name] = i
		}
		mac, err := parse(path, iface.MacAddress)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if have, ok := macs[iface.Name]; ok && have != mac {
			errs = append(errs, field.Invalid(path, iface.MacAddress,
				fmt.Sprintf("interfaces[%d] has the same name %q with MAC %s", prev, iface.Name, have)))
			continue
		}
		macs[iface.Name] = mac
	}

	statusPath := field.NewPath("status", "interfaces")
	fromStatus := map[string]int{} // network name -> index of the status entry that gave its MAC
	for i, st := range vmi.Status.Interfaces {
		if st.Name == "" || st.MAC == "" {
			continue
		}
		if _, ok := fromSpec[st.Name]; ok {
			continue
		}
		path := statusPath.Index(i).Child("mac")
		mac, err := parse(path, st.MAC)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if prev, ok := fromStatus[st.Name]; ok {
			if have := macs[st.Name]; have != mac {
				errs = append(errs, field.Invalid(path, st.MAC,
					fmt.Sprintf("interfaces[%d] has the same name %q with MAC %s", prev, st.Name, have)))
			}
			continue
		}
		fromStatus[st.Name] = i
		macs[st.Name] = mac
	}

	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return macs, nil
}

// Static returns a MAC map built from m, a map from network name to MAC
// address written as ParseMAC accepts it ("02:00:00:AA:BB:CC" or
// "02-00-00-aa-bb-cc"). Every MAC is checked as FromVMI checks them, and an
// empty network name or MAC is refused; all problems are reported at once,
// under the path macs[<network name>], in network name order.
func Static(m map[string]string) (netconfig.MACMap, error) {
	var errs field.ErrorList
	macs := make(netconfig.MACMap, len(m))
	root := field.NewPath("macs")
	for _, network := range slices.Sorted(maps.Keys(m)) {
		value := m[network]
		path := root.Key(network)
		switch {
		case network == "":
			errs = append(errs, field.Invalid(path, value, "the network name is empty"))
			continue
		case value == "":
			errs = append(errs, field.Required(path, "a MAC address is required"))
			continue
		}
		mac, err := parse(path, value)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		macs[network] = mac
	}
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return macs, nil
}

// parse parses the MAC value found at path and checks that it can be the
// address of a guest NIC.
func parse(path *field.Path, value string) (netconfig.MAC, *field.Error) {
	mac, err := netconfig.ParseMAC(value)
	if err != nil {
		return netconfig.MAC{}, field.Invalid(path, value, "not a MAC address (six pairs of hex digits separated by ':' or '-', as in 02:00:00:aa:bb:cc)")
	}
	if problem := mac.Problem(); problem != "" {
		return netconfig.MAC{}, field.Invalid(path, value, problem)
	}
	return mac, nil
}
