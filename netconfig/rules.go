package netconfig

import "strings"

// IsPodNetwork reports whether n is the pod network by its spec alone:
// SourcePod, or an unspecified source with the name "default" (KubeVirt's
// conventional name for `pod: {}`). Build also takes a network of
// unspecified source for the pod network when its network status is the
// pod's default entry.
func (n *Network) IsPodNetwork() bool {
	return n.Source == SourcePod || n.Source == SourceUnspecified && n.Name == "default"
}

// IsPrimary reports whether n is the VM's primary network by its spec
// alone: the pod network (see IsPodNetwork) or a Multus default network.
// KubeVirt gives the primary network the pod interface eth0
// (pkg/network/namescheme, PrimaryPodInterfaceName) and never requests it
// as a secondary attachment.
func (n *Network) IsPrimary() bool {
	return n.Source == SourceMultusDefault || n.IsPodNetwork()
}

// IsSecondaryMultus reports whether n is requested as a secondary Multus
// attachment by its spec alone (SourceMultus), as KubeVirt's
// vmispec.IsSecondaryMultusNetwork decides.
func (n *Network) IsSecondaryMultus() bool { return n.Source == SourceMultus }

// QualifyAttachment returns a NetworkAttachmentDefinition name as
// "namespace/name", taking the namespace from namespace when name has
// none, as KubeVirt does for multus.networkName. An empty name, or an
// empty namespace, leaves the name as it is.
func QualifyAttachment(namespace, name string) string {
	if name == "" || namespace == "" || strings.Contains(name, "/") {
		return name
	}
	return namespace + "/" + name
}
