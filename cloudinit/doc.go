// Package cloudinit puts guest network data into KubeVirt objects and
// cloud-init seeds.
//
// # NoCloud network data in a VirtualMachine
//
// SetNetworkData (and SetNetworkDataVMI for a VirtualMachineInstance) puts a
// netplan v2 document, such as netconfig.Build's Result.YAML, into the
// VM's cloudInitNoCloud volume, adding the volume and its disk when the VM
// has none. It returns an updated deep copy and never modifies its input:
//
//	vm, secret, err := cloudinit.SetNetworkData(vm, res.YAML)
//	// create or update secret first when it is not nil, then vm
//
// The volume's user data (userData, userDataBase64 or secretRef) is left
// as it is, and exactly one network-data source is set afterwards:
// networkData for text up to MaxInlineNetworkData bytes,
// networkDataBase64 for data of that size that a manifest cannot carry as
// a string (invalid UTF-8, control characters), and networkDataSecretRef,
// with a Secret to create, above that size or when ForceSecret is given.
// Whichever is used, the guest receives the input byte for byte.
// KubeVirt's admission webhook rejects inline network data longer than
// 2048 bytes, so a VM that the webhook would refuse is never produced; nor
// is a Secret the API server would refuse: data over MaxNetworkData (1 MiB,
// a Secret's limit) is an error. When the data moves back inline, the
// Secret a previous call returned is no longer referenced; deleting it is
// up to the caller.
//
// # ConfigDrive
//
// A cloudInitConfigDrive volume carries OpenStack's network_data.json, not
// netplan: cloud-init (and cloudbase-init on Windows) read links, networks
// and services from it. NetworkDataJSON renders that document from the same
// typed model, netplan.Config, and SetConfigDriveNetworkData puts it into
// the VM's cloudInitConfigDrive volume under the same rules as
// SetNetworkData. ConfigDrive links are found by MAC address, so every
// interface must be matched by MAC.
//
// # A NoCloud seed outside KubeVirt
//
// NewNoCloudSeed builds the three files of a NoCloud seed (meta-data,
// user-data and network-config) for platforms that write the seed
// themselves, for instance as a cidata ISO. Its instance-id is derived from
// the content, so a guest treats a seed with a changed network config as a
// new instance and applies it.
//
// # Changed network data and instance-id
//
// cloud-init applies network configuration once per instance: on a boot
// whose instance-id differs from the last one it saw. KubeVirt gives the
// NoCloud meta-data the instance-id spec.domain.firmware.uuid, and the
// ConfigDrive meta_data.json the same value as its uuid, which cloud-init
// takes as the instance-id. A VirtualMachine's template keeps that UUID
// across restarts (KubeVirt derives one from the VM's name when the
// template sets none, so even a VM deleted and created again under the
// same name gets the same one), so the guest of an existing VM keeps the
// network config of its first boot even after the network data in the VM
// changes: new network data reaches it only on a new instance. A platform
// gets one by one of:
//
//   - writing a new spec.template.spec.domain.firmware.uuid together with
//     the new network data, and restarting the VM (the guest also sees a new
//     SMBIOS system UUID, which some software licenses are bound to);
//   - opting the guest into cloud-init's boot event for network config with
//     user data holding `updates: {network: {when: [boot]}}`, which makes
//     cloud-init render the network config again on every boot (see
//     cloud-init's "Events and updates" documentation). NetworkEveryBoot
//     adds that key to any user data (merged into a cloud-config, or as a
//     part of a MIME multipart), and SetNetworkEveryBoot to a VM's
//     cloudInitNoCloud volume. cloud-init reads the key from the user data
//     of the previous boot, so it takes effect from the second boot after
//     it is added, or from the second boot of a new instance;
//   - inside the guest, running `cloud-init clean` and rebooting.
//
// A VirtualMachineInstance created directly, without a VM, gets a random
// firmware UUID unless its spec sets one, so each such VMI is a new
// instance.
//
// # Errors
//
// Invalid input is reported all at once, as a Kubernetes API server
// rejects a manifest: the error is a *netconfig.ValidationError whose
// Errors are *field.Error values naming the field at fault, such as
// spec.template.spec.volumes[2].cloudInitNoCloud or
// network.ethernets[eth1].match.macaddress, and errors.As finds the first.
// A nil VM or VMI is a field.Required at the empty path.
//
// All functions here are pure: they do no I/O, keep no state, never modify
// their arguments and are safe for concurrent use.
package cloudinit
