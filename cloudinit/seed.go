package cloudinit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
)

// Names of the files of a NoCloud seed, as cloud-init's NoCloud datasource
// reads them from a cidata volume or a seed directory.
const (
	MetaDataFile      = "meta-data"
	UserDataFile      = "user-data"
	NetworkConfigFile = "network-config"
)

// defaultUserData is the user data of a seed given none: an empty
// cloud-config, which cloud-init accepts and acts on by doing nothing.
const defaultUserData = "#cloud-config\n"

// seedIDDomain separates the instance-id hash from any other use of
// SHA-256 over the same bytes, and versions its encoding.
const seedIDDomain = "guestnet nocloud seed v1\x00"

// Seed is a NoCloud seed: the contents of its meta-data, user-data and
// network-config files. Write them with Files.
type Seed struct {
	// MetaData is the meta-data file: YAML with instance-id and, when
	// asked for, local-hostname.
	MetaData []byte
	// UserData is the user-data file.
	UserData []byte
	// NetworkConfig is the network-config file; it may be empty, in which
	// case the seed has no network-config file.
	NetworkConfig []byte
}

// SeedOption configures NewNoCloudSeed.
type SeedOption func(*seedOptions)

type seedOptions struct {
	hostname string
}

// WithLocalHostname sets the seed's local-hostname, which cloud-init
// gives the guest as its host name. It does not enter the instance-id: a
// changed host name is applied by cloud-init on every boot anyway.
func WithLocalHostname(name string) SeedOption {
	return func(o *seedOptions) { o.hostname = name }
}

// NewNoCloudSeed returns the NoCloud seed of a guest with the given network
// config (a netplan v2 document such as netconfig.Build's Result.YAML) and
// user data, both copied as they are. Empty user data becomes an empty
// cloud-config ("#cloud-config\n").
//
// The meta-data's instance-id is "iid-" followed by the first 16 hex digits
// of the SHA-256 of the network config and the user data (each prefixed by
// its length, so that no two pairs share an encoding). cloud-init applies
// network config and runs per-instance user data only on a boot with an
// instance-id it has not seen before, so a seed whose content changed is
// applied by the guest at its next boot, and an unchanged seed is not
// applied again.
func NewNoCloudSeed(networkConfig, userData []byte, opts ...SeedOption) Seed {
	var o seedOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	ud := slices.Clone(userData)
	if len(ud) == 0 {
		ud = []byte(defaultUserData)
	}
	nc := slices.Clone(networkConfig)
	return Seed{
		MetaData:      metaData(instanceID(nc, ud), o.hostname),
		UserData:      ud,
		NetworkConfig: nc,
	}
}

// Files returns the seed's files by name (MetaDataFile, UserDataFile and,
// unless the network config is empty, NetworkConfigFile), as copies that
// the caller may modify. Writing them (into a directory, or a volume
// labelled cidata) is up to the caller.
func (s Seed) Files() map[string][]byte {
	files := map[string][]byte{
		MetaDataFile: slices.Clone(s.MetaData),
		UserDataFile: slices.Clone(s.UserData),
	}
	if len(s.NetworkConfig) > 0 {
		files[NetworkConfigFile] = slices.Clone(s.NetworkConfig)
	}
	return files
}

// instanceID derives the instance-id from the seed's content.
func instanceID(networkConfig, userData []byte) string {
	h := sha256.New()
	h.Write([]byte(seedIDDomain))
	for _, part := range [][]byte{networkConfig, userData} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write(part)
	}
	return "iid-" + hex.EncodeToString(h.Sum(nil))[:16]
}

// metaData writes the meta-data YAML, with every value double-quoted.
func metaData(id, hostname string) []byte {
	var b []byte
	b = append(b, "instance-id: "...)
	b = appendQuoted(b, id)
	b = append(b, '\n')
	if hostname != "" {
		b = append(b, "local-hostname: "...)
		b = appendQuoted(b, hostname)
		b = append(b, '\n')
	}
	return b
}

// appendQuoted appends s as a YAML double-quoted scalar that YAML 1.1
// readers (PyYAML, in cloud-init) and YAML 1.2 readers read back as s, so
// that no value can be read as another type or as YAML structure. Only
// printable ASCII is written as it is; every other character is escaped
// (\xXX, \uXXXX or \UXXXXXXXX, which both know), since YAML forbids raw
// control characters. Invalid UTF-8 is written as U+FFFD.
func appendQuoted(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r >= 0x20 && r < 0x7f:
			b = append(b, byte(r))
		default:
			var n int
			switch {
			case r < 0x100:
				b, n = append(b, '\\', 'x'), 2
			case r < 0x10000:
				b, n = append(b, '\\', 'u'), 4
			default:
				b, n = append(b, '\\', 'U'), 8
			}
			for i := n - 1; i >= 0; i-- {
				b = append(b, hexDigits[(r>>(4*i))&0xf])
			}
		}
	}
	return append(b, '"')
}
