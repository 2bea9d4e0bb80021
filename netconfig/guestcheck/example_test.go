package guestcheck_test

import (
	"fmt"
	"net/netip"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/guestcheck"
)

// A guest asked for 192.168.0.200 on its bridge NIC took 192.168.0.77:
// the VMI's status.interfaces, filled from the guest agent's report, says
// so, and the condition turns False.
func ExampleVerify() {
	res, err := netconfig.Build(netconfig.Spec{Networks: []netconfig.Network{
		{Name: "default", Source: netconfig.SourcePod, MAC: netconfig.MustParseMAC("02:00:00:00:00:01")},
		{Name: "external", Source: netconfig.SourceMultus, NetworkName: "ext-net", MAC: netconfig.MustParseMAC("02:00:00:aa:bb:cc"),
			IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeStatic, Addresses: []netip.Prefix{netip.MustParsePrefix("192.168.0.200/24")}}},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	reported := []kubevirtv1.VirtualMachineInstanceNetworkInterface{
		{Name: "default", InterfaceName: "eth0", MAC: "02:00:00:00:00:01", IP: "10.244.1.17", IPs: []string{"10.244.1.17"}, InfoSource: "domain, guest-agent"},
		{Name: "external", InterfaceName: "eth1", MAC: "02:00:00:aa:bb:cc", IP: "192.168.0.77", IPs: []string{"192.168.0.77", "fe80::aa:bbff:fecc"}, InfoSource: "domain, guest-agent, multus-status"},
	}
	verdicts := guestcheck.Verify(res, reported)
	for _, v := range verdicts {
		fmt.Printf("%s: %s: %s\n", v.Network, v.Kind, v.Detail)
	}

	var conditions []metav1.Condition // the status of the controller's own object
	meta.SetStatusCondition(&conditions, guestcheck.Condition(verdicts, 1))
	c := conditions[0]
	fmt.Printf("%s=%s %s: %s\n", c.Type, c.Status, c.Reason, c.Message)
	// Output:
	// default: AsAsked: eth0 (02:00:00:00:00:01) has 10.244.1.17
	// external: Different: eth1 (02:00:00:aa:bb:cc) has 192.168.0.77, not 192.168.0.200
	// GuestNetworkConfigured=False AddressesDiffer: differ from what was asked: external (eth1 (02:00:00:aa:bb:cc) has 192.168.0.77, not 192.168.0.200)
}
