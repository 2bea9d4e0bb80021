package macresolve

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/util/validation/field"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/netconfig"
)

// Normalize parses s as the MAC address of a guest NIC. It accepts what
// netconfig.ParseMAC accepts (six pairs of hex digits in either case,
// separated by ':' or '-' throughout) and refuses the all-zero address and
// multicast addresses, broadcast included, which no NIC can have. The error
// names the value. The result's String method gives the lower-case colon
// form ("02:7c:4e:00:00:01").
func Normalize(s string) (netconfig.MAC, error) {
	mac, err := netconfig.ParseMAC(s)
	if err != nil {
		return netconfig.MAC{}, err
	}
	if problem := mac.Problem(); problem != "" {
		return netconfig.MAC{}, fmt.Errorf("MAC address %q: %s", s, problem)
	}
	return mac, nil
}

// FromVM returns the MACs set on the interfaces of vm's template
// (spec.template.spec.domain.devices.interfaces[].macAddress) by network
// name (a KubeVirt interface is named after the network it is bound to),
// with netconfig.MACFromVMTemplate and, as Detail, the path of the field. Interfaces
// without a MAC are left out: before the VM is created nobody has chosen
// one yet (see Pin), and after it is created KubeMacPool, when it manages
// the namespace, has written the one it allocated here.
//
// MACs are checked as Normalize checks them. A bad MAC, or one network
// given two different MACs, is an error naming the field and the value;
// every such problem is reported, in one aggregate error built from a
// field.ErrorList. A nil vm, or one without a template, is an error.
func FromVM(vm *kubevirtv1.VirtualMachine) (netconfig.MACTable, error) {
	if vm == nil {
		return nil, errors.New("no VirtualMachine to read MAC addresses from")
	}
	if vm.Spec.Template == nil {
		return nil, field.ErrorList{field.Required(field.NewPath("spec", "template"), "a VirtualMachine needs a template")}.ToAggregate()
	}
	t := netconfig.MACTable{}
	path := field.NewPath("spec", "template", "spec", "domain", "devices", "interfaces")
	if _, errs := readInterfaces(path, vm.Spec.Template.Spec.Domain.Devices.Interfaces, netconfig.MACFromVMTemplate, t); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return t, nil
}

// FromVMI returns the MACs of vmi's guest NICs by network name (a KubeVirt
// interface is named after the network it is bound to).
//
// A MAC set in the spec (spec.domain.devices.interfaces[].macAddress) wins:
// it is the one KubeVirt gives the guest. Its entry has netconfig.MACFromVMISpec and,
// as Detail, the path of the field. For an interface whose spec sets none,
// the MAC reported in status.interfaces[].mac for the same name is used,
// with netconfig.MACFromVMIStatus and, as Detail, the entry's infoSource (which of
// the domain, the guest agent and the Multus status reported it). Status
// entries without a name (interfaces the guest agent reports that belong to
// no VM network) and entries without a MAC are skipped, and status entries
// of networks whose spec sets a MAC are not read at all.
//
// MACs are checked as Normalize checks them. A bad MAC, or a network given
// two different MACs by one side, is an error naming the field and the
// value; every such problem is reported, in one aggregate error built from
// a field.ErrorList. A nil vmi is an error.
func FromVMI(vmi *kubevirtv1.VirtualMachineInstance) (netconfig.MACTable, error) {
	if vmi == nil {
		return nil, errors.New("no VirtualMachineInstance to read MAC addresses from")
	}
	t := netconfig.MACTable{}
	specPath := field.NewPath("spec", "domain", "devices", "interfaces")
	fromSpec, errs := readInterfaces(specPath, vmi.Spec.Domain.Devices.Interfaces, netconfig.MACFromVMISpec, t)

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
			if have := t[st.Name].MAC; have != mac {
				errs = append(errs, field.Invalid(path, st.MAC,
					fmt.Sprintf("interfaces[%d] has the same name %q with MAC %s", prev, st.Name, have)))
			}
			continue
		}
		fromStatus[st.Name] = i
		t[st.Name] = netconfig.ResolvedMAC{MAC: mac, Origin: netconfig.MACFromVMIStatus, Detail: st.InfoSource}
	}

	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return t, nil
}

// readInterfaces puts the MACs set on ifaces, found at path, into t with
// source, and returns the index of the interface that set each network's
// MAC together with the problems found.
func readInterfaces(path *field.Path, ifaces []kubevirtv1.Interface, origin netconfig.MACOrigin, t netconfig.MACTable) (map[string]int, field.ErrorList) {
	var errs field.ErrorList
	set := map[string]int{} // network name -> index of the interface that set its MAC
	for i, iface := range ifaces {
		if iface.Name == "" || iface.MacAddress == "" {
			continue
		}
		p := path.Index(i).Child("macAddress")
		prev, seen := set[iface.Name]
		if !seen {
			set[iface.Name] = i
		}
		mac, err := parse(p, iface.MacAddress)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if have, ok := t[iface.Name]; ok && have.MAC != mac {
			errs = append(errs, field.Invalid(p, iface.MacAddress,
				fmt.Sprintf("interfaces[%d] has the same name %q with MAC %s", prev, iface.Name, have.MAC)))
			continue
		}
		if _, ok := t[iface.Name]; !ok {
			t[iface.Name] = netconfig.ResolvedMAC{MAC: mac, Origin: origin, Detail: p.String()}
		}
	}
	return set, errs
}

// FromNetworkStatus returns the MACs that the network status reported by r
// gives the guest NICs of spec's networks: the MAC of a network's pod
// interface, for the networks whose binding hands that MAC to the guest.
// KubeVirt's bridge binding does (it moves the pod interface's MAC to the
// guest NIC and gives the pod interface another), and so does SR-IOV (the
// VF passed through to the guest keeps the MAC the SR-IOV CNI reports for
// it); masquerade, passt and binding plugins
// do not, and their networks are skipped.
//
// Entries have netconfig.MACFromNetworkStatus and, as Detail, the pod interface name.
// The status is a hint: a network r reports nothing for, or a MAC that is
// unset or cannot be a NIC's (all zero, multicast), is left out, and no
// error is returned. A nil r gives an empty netconfig.MACTable. When two of spec's
// networks have the same name, the first wins.
func FromNetworkStatus(spec netconfig.Spec, r netconfig.StatusResolver) netconfig.MACTable {
	t := netconfig.MACTable{}
	if r == nil {
		return t
	}
	statuses := r.NetworkStatuses(spec.Networks)
	for _, n := range spec.Networks {
		if n.Name == "" || n.Binding != netconfig.BindingBridge && n.Binding != netconfig.BindingSRIOV {
			continue
		}
		if _, done := t[n.Name]; done {
			continue
		}
		st, ok := statuses[n.Name]
		if !ok || !st.MAC.IsValid() || st.MAC.Problem() != "" {
			continue
		}
		t[n.Name] = netconfig.ResolvedMAC{MAC: st.MAC, Origin: netconfig.MACFromNetworkStatus, Detail: st.Interface}
	}
	return t
}

// Static returns a netconfig.MACTable built from m, a map from network name to MAC
// address written as Normalize accepts it ("02:00:00:AA:BB:CC" or
// "02-00-00-aa-bb-cc"), with netconfig.MACStatic. Every MAC is checked as
// Normalize checks them, and an empty network name or MAC is refused; all
// problems are reported at once, under the path macs[<network name>], in
// network name order.
func Static(m map[string]string) (netconfig.MACTable, error) {
	var errs field.ErrorList
	t := make(netconfig.MACTable, len(m))
	root := field.NewPath("macs")
	for _, network := range slices.Sorted(maps.Keys(m)) {
		value := m[network]
		path := root.Key(keyName(network))
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
		t[network] = netconfig.ResolvedMAC{MAC: mac, Origin: netconfig.MACStatic}
	}
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return t, nil
}

// keyName returns a network name for a field path, macs[name]: as it is
// when it is printable text (or empty: macs[]), else quoted as Go quotes
// strings, so that a name holding a line break or a control character
// cannot add a line of its own to a message.
func keyName(name string) string {
	if utf8.ValidString(name) && strings.IndexFunc(name, func(r rune) bool { return !strconv.IsPrint(r) }) < 0 {
		return name
	}
	return strconv.Quote(name)
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
