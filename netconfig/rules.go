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
