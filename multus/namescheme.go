package multus

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"

	"github.com/guestnet/guestnet/netconfig"
)

// KubeVirt's pod interface naming, from kubevirt/kubevirt
// pkg/network/namescheme/networknamescheme.go:
//
//	maxIfaceNameLen   = 11
//	HashedIfacePrefix = "pod"
//	GenerateHashedInterfaceName: "pod" + fmt.Sprintf("%x", sha256(networkName))[:11]
//	generateOrdinalInterfaceName: fmt.Sprintf("net%d", idx), idx counting the
//	    Multus non-default networks (vmispec.FilterMultusNonDefaultNetworks) from 1
//
// The hashed scheme came with kubevirt/kubevirt#9268 (KubeVirt v1.0); the
// ordinal one is what earlier releases requested, and KubeVirt still falls
// back to it for pods whose network status shows ordinal names
// (namescheme.PodHasOrdinalInterfaceName). KubeVirt's own tests pin, for
// instance, "red" to "podb1f51a511f1" and "blue" to "pod16477688c0e".
const (
	hashedPrefix  = "pod"
	hashedHexLen  = 11 // 15 (IFNAMSIZ-1) minus len("-nic"), KubeVirt's maxIfaceNameLen
	ordinalPrefix = "net"
)

// PodInterfaceName returns the name KubeVirt (v1.0 and later) gives the pod
// interface of the secondary VM network named network: "pod" followed by
// the first 11 hexadecimal digits of the SHA-256 of the name. For example,
// the network "red" gets the pod interface "podb1f51a511f1".
func PodInterfaceName(network string) string {
	sum := sha256.Sum256([]byte(network))
	var buf [len(hashedPrefix) + hashedHexLen + 1]byte
	name := hex.AppendEncode(append(buf[:0], hashedPrefix...), sum[:(hashedHexLen+1)/2])
	return string(name[:len(hashedPrefix)+hashedHexLen])
}

// OrdinalInterfaceName returns the name earlier KubeVirt releases gave the
// pod interface of the n-th secondary network of a VM, counting from 1 in
// the order of the VM's spec.networks: "net1", "net2", and so on. Only
// secondary Multus networks count (see takesOrdinal); the primary network,
// the pod network or a Multus default network, has the pod interface eth0.
func OrdinalInterfaceName(n int) string {
	return ordinalPrefix + strconv.Itoa(n)
}

// takesOrdinal reports whether n takes a position in the ordinal naming
// scheme, which numbers the networks that KubeVirt's
// vmispec.FilterMultusNonDefaultNetworks keeps (multus != nil &&
// !default), in spec.networks order, over the VM's whole network list:
// SR-IOV networks and absent (hot-unplugged) ones count
// (pkg/network/namescheme/networknamescheme.go,
// CreateOrdinalNetworkNameScheme).
//
// A KubeVirt network is either the pod network or a Multus network, so a
// network of unspecified source that is not the pod network by its spec
// (netconfig.Network.IsPodNetwork) is taken for a secondary Multus network
// and counts too. The primary network (the pod network or a Multus default
// network) does not count, and neither does a network of a source
// KubeVirt does not have, which netconfig.Build refuses.
func takesOrdinal(n *netconfig.Network) bool {
	return n.IsSecondaryMultus() || n.Source == netconfig.SourceUnspecified && !n.IsPodNetwork()
}

// isOrdinalName reports whether name is a pod interface name of the
// ordinal scheme, as KubeVirt's namescheme.OrdinalSecondaryInterfaceName
// decides with the regular expression ^net\d+$: "net" followed by one or
// more ASCII digits. The primary interface name, eth0, is not ordinal.
func isOrdinalName(name string) bool {
	digits, ok := strings.CutPrefix(name, ordinalPrefix)
	if !ok || digits == "" {
		return false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
}

// hasOrdinalNames reports whether a pod with the network-status entries
// statuses uses the ordinal naming scheme: whether any entry's interface
// is an ordinal name, as KubeVirt's namescheme.PodHasOrdinalInterfaceName
// decides (namescheme.CreateFromNetworkStatuses then names all of the
// VM's secondary networks ordinally, and otherwise all hashed).
func hasOrdinalNames(statuses []nadv1.NetworkStatus) bool {
	for i := range statuses {
		if isOrdinalName(statuses[i].Interface) {
			return true
		}
	}
	return false
}
