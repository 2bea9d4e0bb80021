package cloudinit_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
	"sigs.k8s.io/yaml"

	"github.com/guestnet/guestnet/cloudinit"
)

// metaDataDoc is what the tests read meta-data into.
type metaDataDoc struct {
	InstanceID    string `json:"instance-id"`
	LocalHostname string `json:"local-hostname,omitempty"`
}

func parseMetaData(t require.TestingT, b []byte) metaDataDoc {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	var m metaDataDoc
	require.NoError(t, yaml.UnmarshalStrict(b, &m), "meta-data:\n%s", b)
	return m
}

// wantInstanceID restates the documented derivation of the instance-id.
func wantInstanceID(networkConfig, userData []byte) string {
	h := sha256.New()
	h.Write([]byte("guestnet nocloud seed v1\x00"))
	for _, p := range [][]byte{networkConfig, userData} {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(p))))
		h.Write(p)
	}
	return "iid-" + hex.EncodeToString(h.Sum(nil))[:16]
}

func TestNewNoCloudSeed(t *testing.T) {
	nc := mustBuild(t, seedSpec()).YAML
	tests := []struct {
		name          string
		networkConfig []byte
		userData      []byte
		opts          []cloudinit.SeedOption
		wantMeta      metaDataDoc
		wantUserData  string
		wantFiles     []string
	}{
		{
			name:          "network config and user data",
			networkConfig: nc,
			userData:      []byte("#cloud-config\nusers: [default]\n"),
			wantMeta:      metaDataDoc{InstanceID: wantInstanceID(nc, []byte("#cloud-config\nusers: [default]\n"))},
			wantUserData:  "#cloud-config\nusers: [default]\n",
			wantFiles:     []string{"meta-data", "network-config", "user-data"},
		},
		{
			name:          "no user data: an empty cloud-config",
			networkConfig: nc,
			wantMeta:      metaDataDoc{InstanceID: wantInstanceID(nc, []byte("#cloud-config\n"))},
			wantUserData:  "#cloud-config\n",
			wantFiles:     []string{"meta-data", "network-config", "user-data"},
		},
		{
			name:          "user data that is not cloud-config passes through",
			networkConfig: nc,
			userData:      []byte("#!/bin/sh\necho hi\n"),
			wantMeta:      metaDataDoc{InstanceID: wantInstanceID(nc, []byte("#!/bin/sh\necho hi\n"))},
			wantUserData:  "#!/bin/sh\necho hi\n",
			wantFiles:     []string{"meta-data", "network-config", "user-data"},
		},
		{
			name:          "a local hostname",
			networkConfig: nc,
			opts:          []cloudinit.SeedOption{cloudinit.WithLocalHostname("vm1")},
			wantMeta:      metaDataDoc{InstanceID: wantInstanceID(nc, []byte("#cloud-config\n")), LocalHostname: "vm1"},
			wantUserData:  "#cloud-config\n",
			wantFiles:     []string{"meta-data", "network-config", "user-data"},
		},
		{
			name:          "a host name a YAML reader could misread stays a string",
			networkConfig: nc,
			opts:          []cloudinit.SeedOption{cloudinit.WithLocalHostname("on: [x]\n# y")},
			wantMeta:      metaDataDoc{InstanceID: wantInstanceID(nc, []byte("#cloud-config\n")), LocalHostname: "on: [x]\n# y"},
			wantUserData:  "#cloud-config\n",
			wantFiles:     []string{"meta-data", "network-config", "user-data"},
		},
		{
			name:         "no network config: no network-config file",
			userData:     []byte("#cloud-config\n"),
			wantMeta:     metaDataDoc{InstanceID: wantInstanceID(nil, []byte("#cloud-config\n"))},
			wantUserData: "#cloud-config\n",
			wantFiles:    []string{"meta-data", "user-data"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.networkConfig, tt.userData = slices.Clone(tt.networkConfig), slices.Clone(tt.userData)
			seed := cloudinit.NewNoCloudSeed(tt.networkConfig, tt.userData, tt.opts...)
			assert.Equal(t, tt.wantMeta, parseMetaData(t, seed.MetaData))
			assert.Equal(t, tt.wantUserData, string(seed.UserData))
			assert.Equal(t, string(tt.networkConfig), string(seed.NetworkConfig))
			files := seed.Files()
			assert.ElementsMatch(t, tt.wantFiles, keys(files))
			assert.Equal(t, seed.MetaData, files["meta-data"])
			assert.Equal(t, seed.UserData, files["user-data"])

			// Neither the seed nor its files share memory with the inputs
			// or with each other.
			for _, b := range [][]byte{tt.networkConfig, tt.userData} {
				for i := range b {
					b[i] = '!'
				}
			}
			for _, b := range files {
				for i := range b {
					b[i] = '?'
				}
			}
			assert.Equal(t, tt.wantUserData, string(seed.UserData))
			assert.Equal(t, tt.wantMeta, parseMetaData(t, seed.MetaData))
			assert.NotContains(t, string(seed.NetworkConfig), "!")
			assert.NotContains(t, string(seed.NetworkConfig), "?")
		})
	}
}

func keys[V any](m map[string]V) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestSeedMetaDataExact pins the meta-data bytes.
func TestSeedMetaDataExact(t *testing.T) {
	seed := cloudinit.NewNoCloudSeed([]byte("network: {version: 2}\n"), nil, cloudinit.WithLocalHostname("vm1"))
	id := wantInstanceID([]byte("network: {version: 2}\n"), []byte("#cloud-config\n"))
	assert.Equal(t, "instance-id: \""+id+"\"\nlocal-hostname: \"vm1\"\n", string(seed.MetaData))
}

var instanceIDPattern = regexp.MustCompile(`^iid-[0-9a-f]{16}$`)

// TestSeedInstanceIDChangesWithContent: seeds with different content have
// different instance-ids, so that a guest applies a changed seed; equal
// content gives the same instance-id, so that a guest does not apply an
// unchanged seed again; the host name does not count.
func TestSeedInstanceIDChangesWithContent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		bytesGen := rapid.SliceOfN(rapid.Byte(), 0, 64)
		nc1, ud1 := bytesGen.Draw(t, "nc1"), bytesGen.Draw(t, "ud1")
		var nc2, ud2 []byte
		switch rapid.IntRange(0, 3).Draw(t, "how") {
		case 0: // independent content
			nc2, ud2 = bytesGen.Draw(t, "nc2"), bytesGen.Draw(t, "ud2")
		case 1: // the same bytes split differently between the two files
			all := append(append([]byte{}, nc1...), ud1...)
			k := rapid.IntRange(0, len(all)).Draw(t, "split")
			nc2, ud2 = all[:k], all[k:]
		case 2: // one byte changed
			nc2, ud2 = append([]byte{}, nc1...), append([]byte{}, ud1...)
			target := &nc2
			if rapid.Bool().Draw(t, "inUserData") || len(nc2) == 0 {
				target = &ud2
			}
			if len(*target) == 0 {
				*target = append(*target, 0)
			} else {
				i := rapid.IntRange(0, len(*target)-1).Draw(t, "at")
				(*target)[i]++
			}
		case 3: // the same content
			nc2, ud2 = append([]byte{}, nc1...), append([]byte{}, ud1...)
		}
		host1, host2 := rapid.StringN(0, 10, -1).Draw(t, "host1"), rapid.StringN(0, 10, -1).Draw(t, "host2")

		s1 := cloudinit.NewNoCloudSeed(nc1, ud1, cloudinit.WithLocalHostname(host1))
		s2 := cloudinit.NewNoCloudSeed(nc2, ud2, cloudinit.WithLocalHostname(host2))
		m1, m2 := parseMetaData(t, s1.MetaData), parseMetaData(t, s2.MetaData)
		if !instanceIDPattern.MatchString(m1.InstanceID) {
			t.Fatalf("instance-id %q does not match %s", m1.InstanceID, instanceIDPattern)
		}
		if m1.LocalHostname != host1 {
			t.Fatalf("local-hostname %q, want %q", m1.LocalHostname, host1)
		}
		sameContent := string(s1.NetworkConfig) == string(s2.NetworkConfig) && string(s1.UserData) == string(s2.UserData)
		if sameContent != (m1.InstanceID == m2.InstanceID) {
			t.Fatalf("same content %v but instance-ids %s and %s", sameContent, m1.InstanceID, m2.InstanceID)
		}
	})
}
