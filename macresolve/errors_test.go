package macresolve

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/internal/validationtest"
	"github.com/guestnet/guestnet/netconfig"
)

// TestErrorsAreFieldErrors checks, for each kind of bad input of each
// exported function that validates, that the error is a
// *netconfig.ValidationError holding that one problem, which errors.As
// finds as a *field.Error of the expected type at the expected path. The
// empty path is that of a whole object, or of a value read from no field.
func TestErrorsAreFieldErrors(t *testing.T) {
	// full is a prefix under which the MACs to avoid leave network "red"
	// of vms/fedora no free MAC.
	full := MustParsePrefix("06:1c:2f")
	var avoid []netconfig.MAC
	for attempt := uint64(0); attempt < maxAttempts; attempt++ {
		avoid = append(avoid, referenceMAC("vms", "fedora", "red", attempt, full.Octets()...))
	}
	withoutTemplate := func() *kubevirtv1.VirtualMachine {
		vm := newVM()
		vm.Spec.Template = nil
		return vm
	}
	pin := func(vm *kubevirtv1.VirtualMachine, opts ...PinOption) error {
		_, _, err := Pin(vm, opts...)
		return err
	}
	ifaces := "spec.template.spec.domain.devices.interfaces"
	tests := []struct {
		name      string
		call      func() error
		wantType  field.ErrorType
		wantField string
	}{
		{"FromVM/nil VM", func() error { _, err := FromVM(nil); return err }, field.ErrorTypeRequired, ""},
		{"FromVM/no template", func() error { _, err := FromVM(withoutTemplate()); return err }, field.ErrorTypeRequired, "spec.template"},
		{"FromVM/bad MAC", func() error { _, err := FromVM(newVM("red", "02:00:00")); return err }, field.ErrorTypeInvalid, ifaces + "[0].macAddress"},
		{"FromVM/multicast MAC", func() error { _, err := FromVM(newVM("red", "01:00:5e:00:00:01")); return err }, field.ErrorTypeInvalid, ifaces + "[0].macAddress"},
		{
			"FromVM/one name, two MACs",
			func() error {
				_, err := FromVM(newVM("red", "02:00:00:00:00:01", "red", "02:00:00:00:00:02"))
				return err
			},
			field.ErrorTypeInvalid, ifaces + "[1].macAddress",
		},

		{"FromVMI/nil VMI", func() error { _, err := FromVMI(nil); return err }, field.ErrorTypeRequired, ""},
		{"FromVMI/bad spec MAC", func() error { _, err := FromVMI(vmi([]string{"red", "zz"}, nil)); return err }, field.ErrorTypeInvalid, "spec.domain.devices.interfaces[0].macAddress"},
		{"FromVMI/bad status MAC", func() error { _, err := FromVMI(vmi(nil, []string{"red", "ff:ff:ff:ff:ff:ff"})); return err }, field.ErrorTypeInvalid, "status.interfaces[0].mac"},
		{
			"FromVMI/one status name, two MACs",
			func() error {
				_, err := FromVMI(vmi(nil, []string{"red", "02:00:00:00:00:01", "red", "02:00:00:00:00:02"}))
				return err
			},
			field.ErrorTypeInvalid, "status.interfaces[1].mac",
		},

		{"Static/empty network name", func() error { _, err := Static(map[string]string{"": "02:00:00:00:00:01"}); return err }, field.ErrorTypeInvalid, "macs[]"},
		{"Static/empty MAC", func() error { _, err := Static(map[string]string{"red": ""}); return err }, field.ErrorTypeRequired, "macs[red]"},
		{"Static/bad MAC", func() error { _, err := Static(map[string]string{"red": "00:00:00:00:00:00"}); return err }, field.ErrorTypeInvalid, "macs[red]"},

		{"Pin/nil VM", func() error { return pin(nil) }, field.ErrorTypeRequired, ""},
		{
			"Pin/no namespace",
			func() error { vm := newVM("red", ""); vm.Namespace = ""; return pin(vm) },
			field.ErrorTypeRequired, "metadata.namespace",
		},
		{
			"Pin/no name",
			func() error { vm := newVM("red", ""); vm.Name = ""; return pin(vm) },
			field.ErrorTypeRequired, "metadata.name",
		},
		{"Pin/no template", func() error { return pin(withoutTemplate()) }, field.ErrorTypeRequired, "spec.template"},
		{"Pin/interface without a name", func() error { return pin(newVM("", "")) }, field.ErrorTypeRequired, ifaces + "[0].name"},
		{"Pin/two interfaces of one name", func() error { return pin(newVM("red", "", "red", "")) }, field.ErrorTypeInvalid, ifaces + "[1].name"},
		{"Pin/bad MAC", func() error { return pin(newVM("red", "02-00-00")) }, field.ErrorTypeInvalid, ifaces + "[0].macAddress"},
		{
			"Pin/two interfaces with one MAC",
			func() error { return pin(newVM("red", "02:00:00:00:00:01", "blue", "02-00-00-00-00-01")) },
			field.ErrorTypeInvalid, ifaces + "[1].macAddress",
		},
		{
			"Pin/no free MAC",
			func() error {
				return pin(newVM("blue", "02:00:00:00:00:01", "red", ""), WithPrefix(full), WithAvoid(avoid...))
			},
			field.ErrorTypeRequired, ifaces + "[1].macAddress",
		},

		{"StableMACs/no namespace", func() error { _, err := StableMACs("", "fedora", nil, Prefix{}); return err }, field.ErrorTypeRequired, "namespace"},
		{"StableMACs/no VM name", func() error { _, err := StableMACs("vms", "", nil, Prefix{}); return err }, field.ErrorTypeRequired, "name"},
		{"StableMACs/empty network name", func() error { _, err := StableMACs("vms", "fedora", []string{""}, Prefix{}); return err }, field.ErrorTypeRequired, "networks[0]"},
		{
			"StableMACs/two networks of one name",
			func() error { _, err := StableMACs("vms", "fedora", []string{"red", "red"}, Prefix{}); return err },
			field.ErrorTypeInvalid, "networks[1]",
		},
		{
			"StableMACs/no free MAC",
			func() error {
				_, err := StableMACs("vms", "fedora", []string{"blue", "red"}, full, avoid...)
				return err
			},
			field.ErrorTypeInvalid, "networks[1]",
		},

		{"Normalize/not a MAC", func() error { _, err := Normalize("02:00:00"); return err }, field.ErrorTypeInvalid, ""},
		{"Normalize/broadcast", func() error { _, err := Normalize("ff:ff:ff:ff:ff:ff"); return err }, field.ErrorTypeInvalid, ""},

		{"ParsePrefix/not a prefix", func() error { _, err := ParsePrefix("06:1"); return err }, field.ErrorTypeInvalid, ""},
		{"ParsePrefix/multicast", func() error { _, err := ParsePrefix("01"); return err }, field.ErrorTypeInvalid, ""},
		{"PrefixFrom/too long", func() error { _, err := PrefixFrom(6, 0, 0, 0); return err }, field.ErrorTypeInvalid, ""},
		{"PrefixFrom/not locally administered", func() error { _, err := PrefixFrom(0); return err }, field.ErrorTypeInvalid, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			validationtest.RequireOne(t, tt.call(), tt.wantType, tt.wantField)
		})
	}
}
