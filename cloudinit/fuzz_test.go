package cloudinit_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/cloudinit"
	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/netplan"
)

// FuzzNetworkDataJSON feeds netplan documents that netplan.Parse accepts to
// NetworkDataJSON, which must not panic nor modify the Config, and which
// returns either output or an error, never both. When it accepts the
// document its output must be deterministic and well-formed compact JSON
// without a trailing newline: one link per ethernets entry, in key order,
// with the entry's MAC (normalised) and set-name; every network names an
// existing link, ids are unique and numbered network0, network1, ... in
// order; every static network's address and netmask are an address and a
// mask of the same family, and each entry has one static network per
// address and one DHCP network per DHCP family; the document's own
// services list is empty. SetConfigDriveNetworkData must then carry the
// output byte for byte.
func FuzzNetworkDataJSON(f *testing.F) {
	for _, spec := range []netconfig.Spec{seedSpec(), dualStackSpec()} {
		for _, style := range []netconfig.DefaultRouteStyle{netconfig.DefaultRoutePortable, netconfig.DefaultRouteNetplan} {
			res, err := netconfig.Build(spec, netconfig.WithDefaultRouteStyle(style))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(res.YAML)
		}
	}
	f.Add([]byte("network:\n  version: 2\n  ethernets:\n    eth0:\n      match: {macaddress: \"02:00:00:00:00:01\"}\n      addresses: [\"10.0.0.1/8\", \"fd00::1/7\"]\n      gateway6: \"fe80::1\"\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		if len(doc) > 1<<16 {
			return
		}
		cfg, err := netplan.Parse(doc)
		if err != nil {
			return
		}
		before, err := netplan.Parse(doc) // an independent copy
		require.NoError(t, err)
		out, err := cloudinit.NetworkDataJSON(cfg)
		require.Equal(t, before, cfg, "NetworkDataJSON modified the Config")
		if err != nil {
			require.Nil(t, out, "output with an error")
			requireFieldErrors(t, err)
			return
		}
		again, err := cloudinit.NetworkDataJSON(cfg)
		if err != nil || !bytes.Equal(out, again) {
			t.Fatalf("not deterministic: %v\n%s\n%s", err, out, again)
		}
		var compact bytes.Buffer
		require.NoError(t, json.Compact(&compact, out), "%s", out)
		require.Equal(t, compact.String(), string(out), "the output is not compact JSON")
		var nd struct {
			Links []struct {
				ID   string `json:"id"`
				MAC  string `json:"ethernet_mac_address"`
				Name string `json:"name"`
			} `json:"links"`
			Networks []struct {
				ID        string `json:"id"`
				Type      string `json:"type"`
				Link      string `json:"link"`
				IPAddress string `json:"ip_address"`
				Netmask   string `json:"netmask"`
			} `json:"networks"`
			Services []any `json:"services"`
		}
		dec := json.NewDecoder(bytes.NewReader(out))
		if err := dec.Decode(&nd); err != nil {
			t.Fatalf("output is not network_data.json: %v\n%s", err, out)
		}
		require.NotNil(t, nd.Services, "the services list is missing")
		require.Empty(t, nd.Services)
		keys := slices.Sorted(maps.Keys(cfg.Network.Ethernets))
		require.Len(t, nd.Links, len(keys), "one link per ethernets entry\n%s", out)
		links := map[string]bool{}
		for i, l := range nd.Links {
			e := cfg.Network.Ethernets[keys[i]]
			require.Equal(t, keys[i], l.ID, "links in ethernets key order")
			mac, err := netconfig.ParseMAC(l.MAC)
			if err != nil || links[l.ID] || mac.Problem() != "" {
				t.Fatalf("link %q: MAC %q (%v) or duplicate id\n%s", l.ID, l.MAC, err, out)
			}
			require.NotNil(t, e.Match)
			require.Equal(t, strings.ToLower(strings.ReplaceAll(e.Match.MACAddress, "-", ":")), l.MAC)
			require.Equal(t, e.SetName, l.Name)
			links[l.ID] = true
		}
		ids := map[string]bool{}
		static := map[string]int{}
		dhcp := map[string]int{}
		for i, n := range nd.Networks {
			if !links[n.Link] || ids[n.ID] {
				t.Fatalf("network %q: unknown link %q or duplicate id\n%s", n.ID, n.Link, out)
			}
			require.Equal(t, fmt.Sprintf("network%d", i), n.ID)
			ids[n.ID] = true
			switch n.Type {
			case "ipv4_dhcp", "ipv6_dhcp":
				dhcp[n.Link+n.Type]++
			case "ipv4", "ipv6":
				static[n.Link]++
			default:
				t.Fatalf("network %q: type %q", n.ID, n.Type)
			}
			if n.Type != "ipv4" && n.Type != "ipv6" {
				continue
			}
			a, err1 := netip.ParseAddr(n.IPAddress)
			m, err2 := netip.ParseAddr(n.Netmask)
			if err1 != nil || err2 != nil || a.Is4() != m.Is4() || a.Is4() != (n.Type == "ipv4") {
				t.Fatalf("network %q: address %q and netmask %q do not fit type %s\n%s", n.ID, n.IPAddress, n.Netmask, n.Type, out)
			}
		}
		for _, k := range keys {
			e := cfg.Network.Ethernets[k]
			require.Equal(t, len(e.Addresses), static[k], "link %q: one static network per address", k)
			require.Equal(t, e.DHCP4, dhcp[k+"ipv4_dhcp"] == 1, "link %q: dhcp4", k)
			require.Equal(t, e.DHCP6, dhcp[k+"ipv6_dhcp"] == 1, "link %q: dhcp6", k)
		}

		vm := newVM(rootDisk())
		updated, secret, err := cloudinit.SetConfigDriveNetworkData(vm, out)
		require.NoError(t, err)
		require.Equal(t, len(out) > cloudinit.MaxInlineNetworkData, secret != nil)
		var carried []byte
		for _, v := range updated.Spec.Template.Spec.Volumes {
			if v.CloudInitConfigDrive != nil {
				require.Nil(t, carried, "two ConfigDrive volumes")
				carried = []byte(v.CloudInitConfigDrive.NetworkData)
				if secret != nil {
					require.Empty(t, carried)
					carried = secret.Data[cloudinit.SecretKey]
				}
			}
		}
		require.Equal(t, string(out), string(carried))
	})
}

// FuzzSetNetworkData puts arbitrary bytes into VMs with SetNetworkData,
// SetNetworkDataVMI and SetConfigDriveNetworkData; ctrl chooses the VM (no
// cloud-init volume, a NoCloud volume with user data, a ConfigDrive
// volume), a Secret forced or not, and a custom volume name. The
// invariants: nothing panics and the input is never modified; empty data,
// a volume of the other kind and (for ConfigDrive) data that is not JSON
// are errors, with no output; otherwise the result has exactly one
// network-data source, which gives back the input byte for byte (inline
// text, base64, or the returned Secret, which is used exactly when forced
// or when the data is longer than MaxInlineNetworkData); the user data is
// kept; and the VM, written as a YAML manifest and as JSON and read back
// strictly (as kubectl and the API server would), is the same VM, still
// carrying the input byte for byte. Setting the same data again changes
// nothing.
func FuzzSetNetworkData(f *testing.F) {
	for _, s := range []string{
		"network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n",
		`{"links":[],"networks":[],"services":[]}`,
		"",
		"\x00\x01binary\xff",
		"tab\tand\r\nCRLF\n",
		"\u0085NEL \u2028LS \u2029PS \ufeffBOM",
		"trailing spaces   \n\n\n",
		"  leading spaces\n",
		"- a\n# comment\n&anchor *alias !tag\n",
		"yes",
		"\x7f",
		strings.Repeat("x", cloudinit.MaxInlineNetworkData),
		strings.Repeat("x", cloudinit.MaxInlineNetworkData+1),
	} {
		for _, ctrl := range []uint8{0, 1, 2, 4} {
			f.Add([]byte(s), ctrl)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, ctrl uint8) {
		orig := bytes.Clone(data)
		var volumes []kubevirtv1.Volume
		switch ctrl & 3 {
		case 1:
			volumes = append(volumes, noCloudVolume("seed", noCloudUserData()))
		case 2:
			volumes = append(volumes, configDriveVolume("drive", kubevirtv1.CloudInitConfigDriveSource{UserData: "#cloud-config\n"}))
		}
		vm := newVM(append([]kubevirtv1.Volume{rootDisk()}, volumes...)...)
		var opts []cloudinit.Option
		force := ctrl&4 != 0
		if force {
			opts = append(opts, cloudinit.ForceSecret())
		}
		if ctrl&8 != 0 {
			opts = append(opts, cloudinit.WithVolumeName("net-data"))
		}

		before := vm.DeepCopy()
		out, secret, err := cloudinit.SetNetworkData(vm, data, opts...)
		require.Equal(t, before, vm, "SetNetworkData modified the VM")
		require.Equal(t, orig, data, "SetNetworkData modified the data")
		wantErr := len(data) == 0 || ctrl&3 == 2
		require.Equal(t, wantErr, err != nil, "SetNetworkData: %v", err)
		if err == nil {
			checkCarries(t, out, secret, data, force)
			again, secret2, err := cloudinit.SetNetworkData(out, data, opts...)
			require.NoError(t, err)
			require.Equal(t, out, again, "setting the same data again changed the VM")
			require.Equal(t, secret, secret2)
		} else {
			require.Nil(t, out)
			require.Nil(t, secret)
			requireFieldErrors(t, err)
		}

		vmi := &kubevirtv1.VirtualMachineInstance{ObjectMeta: vm.ObjectMeta, Spec: *vm.Spec.Template.Spec.DeepCopy()}
		beforeVMI := vmi.DeepCopy()
		outVMI, secretVMI, errVMI := cloudinit.SetNetworkDataVMI(vmi, data, opts...)
		require.Equal(t, beforeVMI, vmi, "SetNetworkDataVMI modified the VMI")
		require.Equal(t, err == nil, errVMI == nil, "SetNetworkData: %v; SetNetworkDataVMI: %v", err, errVMI)
		if errVMI == nil {
			require.Equal(t, secret, secretVMI)
			require.Equal(t, out.Spec.Template.Spec, outVMI.Spec, "the VM's template and the VMI differ")
		} else {
			requireFieldErrors(t, errVMI)
		}

		outCD, secretCD, errCD := cloudinit.SetConfigDriveNetworkData(vm, data, opts...)
		require.Equal(t, before, vm, "SetConfigDriveNetworkData modified the VM")
		wantErr = len(data) == 0 || ctrl&3 == 1 || !json.Valid(data)
		require.Equal(t, wantErr, errCD != nil, "SetConfigDriveNetworkData: %v", errCD)
		if errCD != nil {
			require.Nil(t, outCD)
			require.Nil(t, secretCD)
			requireFieldErrors(t, errCD)
			return
		}
		var carried []byte
		for _, v := range outCD.Spec.Template.Spec.Volumes {
			if s := v.CloudInitConfigDrive; s != nil {
				require.Nil(t, carried, "two ConfigDrive volumes")
				switch {
				case s.NetworkDataSecretRef != nil:
					require.Empty(t, s.NetworkData+s.NetworkDataBase64)
					require.NotNil(t, secretCD)
					carried = secretCD.Data[cloudinit.SecretKey]
				case s.NetworkDataBase64 != "":
					require.Empty(t, s.NetworkData)
					carried, err = base64.StdEncoding.DecodeString(s.NetworkDataBase64)
					require.NoError(t, err)
				default:
					carried = []byte(s.NetworkData)
				}
			}
		}
		require.Equal(t, data, carried, "the ConfigDrive volume does not carry the data")
	})
}

// requireFieldErrors checks that err is a *netconfig.ValidationError of
// field errors that errors.As finds, each with a path.
func requireFieldErrors(t *testing.T, err error) {
	t.Helper()
	var invalid *netconfig.ValidationError
	require.ErrorAs(t, err, &invalid)
	require.NotEmpty(t, invalid.Errors)
	var fe *field.Error
	require.ErrorAs(t, err, &fe)
	for _, fe := range invalid.Errors {
		require.NotEmpty(t, fe.Field, "a field error without a path: %v", err)
	}
}

// checkCarries checks that out (and secret) carry data byte for byte, also
// once written as a manifest and read back.
func checkCarries(t *testing.T, out *kubevirtv1.VirtualMachine, secret *corev1.Secret, data []byte, force bool) {
	t.Helper()
	require.True(t, bytes.Equal(data, networkDataOf(t, out, secret)), "the VM does not carry the data")
	require.Equal(t, force || len(data) > cloudinit.MaxInlineNetworkData, secret != nil, "Secret for %d bytes (forced: %v)", len(data), force)
	for _, v := range out.Spec.Template.Spec.Volumes {
		if v.CloudInitNoCloud != nil && v.Name == "seed" {
			require.Equal(t, noCloudUserData().UserData, v.CloudInitNoCloud.UserData, "the user data changed")
		}
	}

	fromYAML, backSecret := throughYAML(t, out, secret)

	js, err := json.Marshal(out)
	require.NoError(t, err)
	var fromJSON kubevirtv1.VirtualMachine
	require.NoError(t, json.Unmarshal(js, &fromJSON), "%s", js)
	require.Equal(t, out, &fromJSON, "the VM changed through JSON:\n%s", js)

	require.True(t, bytes.Equal(data, networkDataOf(t, fromYAML, backSecret)), "the data changed through a YAML manifest")
}
