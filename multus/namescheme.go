package multus

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
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
// the VM's network order and skipping the pod network: "net1", "net2", and
// so on.
func OrdinalInterfaceName(n int) string {
	return ordinalPrefix + strconv.Itoa(n)
}
