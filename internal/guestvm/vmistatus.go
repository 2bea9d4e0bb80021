package guestvm

import (
	"net/netip"
	"strings"

	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/netconfig"
)

// StatusNIC is one NIC of the VM as virt-handler knows it when it fills
// the VMI's status.interfaces.
type StatusNIC struct {
	// Name is the VM interface's name (its network's name).
	Name string
	// MAC is the NIC's MAC, as the domain has it.
	MAC netconfig.MAC
	// Multus says the network is a Multus attachment, so that Multus's
	// network status names it too.
	Multus bool
	// PodIPs are the pod interface's addresses in virt-handler's cache:
	// the pod's IPs for the pod network, none for a bridge-bound secondary
	// network without IPAM.
	PodIPs []string
}

// Sources of a status entry, KubeVirt's pkg/network/vmispec/infosource.go.
const (
	infoSourceDomain       = "domain"
	infoSourceDomainAndGA  = "domain, guest-agent"
	infoSourceGuestAgentGA = "guest-agent"
	infoSourceMultusStatus = "multus-status"
)

// StatusInterfaces turns the guest agent's guest-network-get-interfaces
// reply into the VMI's status.interfaces, as KubeVirt v1.7.0 does for a VM
// whose NICs are nics (in interface order):
//
//   - libvirt's virDomainGetGuestInfo (qemuAgentGetInterfaces in
//     src/qemu/qemu_agent.c) folds an alias such as "eth0:1" into its
//     interface;
//   - virt-launcher's agent poller (pkg/virt-launcher/virtwrap/agent-poller/agent_poller.go,
//     convertToInterfaces and convertToIPAddresses) leaves out "lo" and
//     keeps the addresses without prefix lengths, the first IPv4 address
//     (else the first address) as ipAddress;
//   - virt-handler's NetStat.UpdateStatus (pkg/network/setup/netstat.go)
//     makes one entry per domain NIC (ifacesStatusFromDomainInterfaces:
//     name, MAC, infoSource "domain"), gives it the pod interface's IPs
//     from its cache, matches each agent interface to an entry by MAC
//     (ifacesStatusFromGuestAgent), which gets the guest's interface name,
//     infoSource "domain, guest-agent" and, per family, the agent's IPs
//     when it had none of that family or the agent reports none
//     (updateVMIIfaceStatusWithGuestAgentData); an agent interface that
//     matches no entry becomes one of its own, infoSource "guest-agent";
//   - ifacesStatusFromMultus adds "multus-status" to the entries of Multus
//     networks.
//
// The harness's NICs are all virtio, so there are no SR-IOV host devices
// to add.
func StatusInterfaces(nics []StatusNIC, reply []AgentInterface) []kubevirtv1.VirtualMachineInstanceNetworkInterface {
	status := make([]kubevirtv1.VirtualMachineInstanceNetworkInterface, 0, len(nics))
	for _, n := range nics {
		e := kubevirtv1.VirtualMachineInstanceNetworkInterface{Name: n.Name, MAC: n.MAC.String(), InfoSource: infoSourceDomain}
		if len(n.PodIPs) > 0 {
			e.IP, e.IPs = n.PodIPs[0], append([]string(nil), n.PodIPs...)
		}
		status = append(status, e)
	}
	for _, a := range agentInterfaces(reply) {
		i := -1
		for j := range status {
			if status[j].MAC == a.mac {
				i = j
				break
			}
		}
		if i < 0 {
			status = append(status, kubevirtv1.VirtualMachineInstanceNetworkInterface{
				MAC: a.mac, IP: a.ip, IPs: a.ips, InterfaceName: a.name, InfoSource: infoSourceGuestAgentGA,
			})
			continue
		}
		e := &status[i]
		e.InterfaceName = a.name
		e.InfoSource = infoSourceDomainAndGA
		have4, have6 := splitFamilies(e.IPs)
		agent4, agent6 := splitFamilies(a.ips)
		if len(have4) == 0 || len(agent4) == 0 {
			have4 = agent4
		}
		if len(have6) == 0 || len(agent6) == 0 {
			have6 = agent6
		}
		e.IPs = append(have4, have6...)
		e.IP = ""
		if len(e.IPs) > 0 {
			e.IP = e.IPs[0]
		}
	}
	for i, n := range nics {
		if n.Multus {
			status[i].InfoSource += ", " + infoSourceMultusStatus
		}
	}
	return status
}

// agentInterface is an interface of the agent's reply as virt-launcher
// passes it on.
type agentInterface struct {
	name, mac, ip string
	ips           []string
}

// agentInterfaces is what virt-launcher makes of the reply: aliases folded
// into their interface (libvirt), "lo" left out, addresses without their
// prefix lengths (convertToInterfaces).
func agentInterfaces(reply []AgentInterface) []agentInterface {
	var out []agentInterface
	index := map[string]int{}
	for _, r := range reply {
		name, _, _ := strings.Cut(r.Name, ":")
		i, ok := index[name]
		if !ok {
			i = len(out)
			index[name] = i
			out = append(out, agentInterface{name: name, mac: r.HardwareAddress})
		}
		for _, a := range r.IPAddresses {
			out[i].ips = append(out[i].ips, a.Address)
		}
	}
	kept := out[:0]
	for _, a := range out {
		if a.name == "lo" {
			continue
		}
		for _, ip := range a.ips {
			if addr, err := netip.ParseAddr(ip); err == nil && addr.Is4() {
				a.ip = ip
				break
			}
		}
		if a.ip == "" && len(a.ips) > 0 {
			a.ip = a.ips[0]
		}
		kept = append(kept, a)
	}
	return kept
}

// splitFamilies splits addresses into IPv4 and IPv6 ones, leaving out
// what does not parse (netstat.go, splitIPByFamiliy).
func splitFamilies(ips []string) (v4, v6 []string) {
	for _, ip := range ips {
		a, err := netip.ParseAddr(ip)
		switch {
		case err != nil:
		case a.Unmap().Is4():
			v4 = append(v4, ip)
		default:
			v6 = append(v6, ip)
		}
	}
	return v4, v6
}
