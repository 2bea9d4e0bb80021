package macresolve

import (
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
// multicast addresses, broadcast included, which no NIC can have. The
// result's String method gives the lower-case colon form
// ("02:7c:4e:00:00:01").
//
// The error is a *netconfig.ValidationError holding one field.Invalid that
// names the value. Its path is empty, since Normalize does not know which
// field s was read from: a caller that does can set the *field.Error's
// Field, found with errors.As.
func Normalize(s string) (netconfig.MAC, error) {
	mac, err := netconfig.ParseMAC(s)
	if err != nil {
		// ParseMAC's message starts with the value, which the field error
		// names already.
		detail := strings.TrimPrefix(err.Error(), "MAC address "+strconv.Quote(s)+": ")
		return netconfig.MAC{}, invalid(atRoot(field.Invalid(nil, s, detail)))
	}
	if problem := mac.Problem(); problem != "" {
		return netconfig.MAC{}, invalid(atRoot(field.Invalid(nil, s, problem)))
	}
	return mac, nil
}

// atRoot gives fe the empty path, the path of a whole object or of a value
// read from no field. (field.NewPath("") would be written "[]".)
func atRoot(fe *field.Error) *field.Error {
	fe.Field = ""
	return fe
}

// invalid returns errs, which are not empty, as the error of invalid input.
func invalid(errs ...*field.Error) error {
	return &netconfig.ValidationError{Errors: errs}
}

// FromVM returns the MACs set on the interfaces of vm's template
// (spec.template.spec.domain.devices.interfaces[].macAddress) by network
// name (a KubeVirt interface is named after the network it is bound to),
// with netconfig.MACFromVMTemplate and, as Detail, the path of the field.
// Interfaces without a MAC are left out: before the VM is created nobody
// has chosen one yet (see Pin), and after it is created KubeMacPool, when
// it manages the namespace, has written the one it allocated here.
//
// MACs are checked as Normalize checks them. A bad MAC, or one network
// given two different MACs, is a field.Invalid naming the field and the
// value; every such problem is reported, in one *netconfig.ValidationError.
// A nil vm is a field.Required at the empty path, and one without a
// template a field.Required at spec.template.
//
// FromVM reports every MAC of the template as netconfig.MACFromVMTemplate,
// those Pin wrote included; chain FromPinned before it to report those as
// netconfig.MACPinned.
func FromVM(vm *kubevirtv1.VirtualMachine) (netconfig.MACTable, error) {
	if vm == nil {
		return nil, invalid(atRoot(field.Required(nil, "no VirtualMachine to read MAC addresses from")))
	}
	if vm.Spec.Template == nil {
		return nil, invalid(field.Required(field.NewPath("spec", "template"), "a VirtualMachine needs a template"))
	}
	t := netconfig.MACTable{}
	if _, errs := readInterfaces(templateInterfaces, vm.Spec.Template.Spec.Domain.Devices.Interfaces, netconfig.MACFromVMTemplate, t); len(errs) > 0 {
		return nil, invalid(errs...)
	}
	return t, nil
}

// templateInterfaces is the path of a VirtualMachine's interfaces.
var templateInterfaces = field.NewPath("spec", "template", "spec", "domain", "devices", "interfaces")

// FromVMI returns the MACs of vmi's guest NICs by network name (a KubeVirt
// interface is named after the network it is bound to).
//
// A MAC set in the spec (spec.domain.devices.interfaces[].macAddress) wins:
// it is the one KubeVirt gives the guest. Its entry has
// netconfig.MACFromVMISpec and, as Detail, the path of the field. For an
// interface whose spec sets none, the MAC reported in
// status.interfaces[].mac for the same name is used, with
// netconfig.MACFromVMIStatus and, as Detail, the entry's infoSource (which
// of the domain, the guest agent and the Multus status reported it). Status
// entries without a name (interfaces the guest agent reports that belong to
// no VM network) and entries without a MAC are skipped, and status entries
// of networks whose spec sets a MAC are not read at all.
//
// A status MAC lasts only as long as the pod: KubeVirt keeps no MAC the
// spec does not set, and gives the guest the MAC the CNI picked for the
// pod's interface, so it changes when the VM restarts. netconfig.Build
// warns (netconfig.WarningEphemeralMAC) of each NIC it matches by one; pin
// the MACs (Pin, or macAddress on the VM's interfaces) to keep them.
//
// MACs are checked as Normalize checks them. A bad MAC, or a network given
// two different MACs by one side, is a field.Invalid naming the field and
// the value; every such problem is reported, in one
// *netconfig.ValidationError. A nil vmi is a field.Required at the empty
// path.
func FromVMI(vmi *kubevirtv1.VirtualMachineInstance) (netconfig.MACTable, error) {
	if vmi == nil {
		return nil, invalid(atRoot(field.Required(nil, "no VirtualMachineInstance to read MAC addresses from")))
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
		mac, problem := parse(st.MAC)
		if problem != "" {
			errs = append(errs, field.Invalid(statusPath.Index(i).Child("mac"), st.MAC, problem))
			continue
		}
		if prev, ok := fromStatus[st.Name]; ok {
			if have := t[st.Name].MAC; have != mac {
				errs = append(errs, field.Invalid(statusPath.Index(i).Child("mac"), st.MAC,
					fmt.Sprintf("interfaces[%d] has the same name %q with MAC %s", prev, st.Name, have)))
			}
			continue
		}
		fromStatus[st.Name] = i
		t[st.Name] = netconfig.ResolvedMAC{MAC: mac, Origin: netconfig.MACFromVMIStatus, Detail: st.InfoSource}
	}

	if len(errs) > 0 {
		return nil, invalid(errs...)
	}
	return t, nil
}

// readInterfaces puts the MACs set on ifaces, found at path, into t with
// origin and, as Detail, the path of the field; it returns the index of
// the interface that set each network's MAC together with the problems
// found. Field paths are built only for problems: a Detail is the text of
// path, formatted once, and the index.
func readInterfaces(path *field.Path, ifaces []kubevirtv1.Interface, origin netconfig.MACOrigin, t netconfig.MACTable) (map[string]int, field.ErrorList) {
	var errs field.ErrorList
	set := map[string]int{} // network name -> index of the interface that set its MAC
	var prefix string       // path's text, once an interface sets a MAC
	for i, iface := range ifaces {
		if iface.Name == "" || iface.MacAddress == "" {
			continue
		}
		prev, seen := set[iface.Name]
		if !seen {
			set[iface.Name] = i
		}
		mac, problem := parse(iface.MacAddress)
		if problem != "" {
			errs = append(errs, field.Invalid(path.Index(i).Child("macAddress"), iface.MacAddress, problem))
			continue
		}
		have, ok := t[iface.Name]
		switch {
		case ok && have.MAC != mac:
			errs = append(errs, field.Invalid(path.Index(i).Child("macAddress"), iface.MacAddress,
				fmt.Sprintf("interfaces[%d] has the same name %q with MAC %s", prev, iface.Name, have.MAC)))
		case !ok:
			if prefix == "" {
				prefix = path.String()
			}
			t[iface.Name] = netconfig.ResolvedMAC{MAC: mac, Origin: origin, Detail: prefix + "[" + strconv.Itoa(i) + "].macAddress"}
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
// it); masquerade, passt and binding plugins do not, and their networks
// are skipped. r is asked once, for all of spec's networks.
//
// Entries have netconfig.MACFromNetworkStatus and, as Detail, the pod
// interface name. Like a VMI status MAC, such a MAC changes when the VM
// restarts in a new pod, and netconfig.Build warns of it
// (netconfig.WarningEphemeralMAC). The status is a hint: a network r reports nothing for,
// or a MAC that is unset or cannot be a NIC's (all zero, multicast), is
// left out, and no error is returned. A nil r gives an empty table. When
// two of spec's networks have the same name, the first wins.
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

// Static returns a table built from m, a map from network name to MAC
// address written as Normalize accepts it ("02:00:00:AA:BB:CC" or
// "02-00-00-aa-bb-cc"), with netconfig.MACStatic and no Detail. Every MAC
// is checked as Normalize checks them, and an empty network name or MAC is
// refused; all problems are reported at once, in one
// *netconfig.ValidationError, under the path macs[<network name>], in
// network name order.
func Static(m map[string]string) (netconfig.MACTable, error) {
	var errs field.ErrorList
	t := make(netconfig.MACTable, len(m))
	macs := field.NewPath("macs")
	for _, network := range slices.Sorted(maps.Keys(m)) {
		value := m[network]
		path := macs.Key(keyName(network))
		switch {
		case network == "":
			errs = append(errs, field.Invalid(path, value, "the network name is empty"))
			continue
		case value == "":
			errs = append(errs, field.Required(path, "a MAC address is required"))
			continue
		}
		mac, problem := parse(value)
		if problem != "" {
			errs = append(errs, field.Invalid(path, value, problem))
			continue
		}
		t[network] = netconfig.ResolvedMAC{MAC: mac, Origin: netconfig.MACStatic}
	}
	if len(errs) > 0 {
		return nil, invalid(errs...)
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

// parse parses a MAC value and checks that it can be the address of a
// guest NIC; it returns the problem with it, or "".
func parse(value string) (netconfig.MAC, string) {
	mac, err := netconfig.ParseMAC(value)
	if err != nil {
		return netconfig.MAC{}, "not a MAC address (six pairs of hex digits separated by ':' or '-', as in 02:00:00:aa:bb:cc)"
	}
	return mac, mac.Problem()
}
