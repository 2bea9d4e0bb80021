package conformance

// The NoCloud seed of package cloudinit, read by cloud-init's own NoCloud
// code and rendered by each of its renderers.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guestnet/guestnet/cloudinit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// readSeedWithCloudInit writes files into a seed directory and reads it
// the way cloud-init's NoCloud datasource reads a seed
// (util.pathprefix2dict, then DataSourceNoCloud._merge_new_seed), returning
// the meta-data, the user data and the parsed network-config as JSON.
func readSeedWithCloudInit(t *testing.T, files map[string][]byte) (metaData map[string]any, userData string, networkConfig any) {
	t.Helper()
	py := cloudInitPython(t)
	dir := t.TempDir()
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), content, 0o600))
	}
	const script = `import json, sys
from cloudinit import util
from cloudinit.sources import DataSourceNoCloud as nc
seeded = util.pathprefix2dict(sys.argv[1] + "/", required=["user-data", "meta-data"], optional=["vendor-data", "network-config"])
data = nc._merge_new_seed({"meta-data": {}}, seeded)
print(json.dumps({"meta-data": data["meta-data"], "user-data": data["user-data"].decode(), "network-config": data.get("network-config")}))`
	cmd := run(t, py, "-c", script, dir)
	require.NoError(t, cmd.err, "cloud-init's NoCloud code could not read the seed:\n%s", cmd)
	var out struct {
		MetaData      map[string]any `json:"meta-data"`
		UserData      string         `json:"user-data"`
		NetworkConfig any            `json:"network-config"`
	}
	require.NoError(t, json.Unmarshal([]byte(cmd.stdout), &out), "%s", cmd)
	return out.MetaData, out.UserData, out.NetworkConfig
}

// TestNoCloudSeedThroughCloudInit: cloud-init's NoCloud code reads the
// seed's meta-data (instance-id and local-hostname as strings, even for a
// host name YAML would misread), user data and network-config as written,
// and each renderer applies the network-config as intended.
func TestNoCloudSeedThroughCloudInit(t *testing.T) {
	t.Parallel()
	requireTool(t, "cloud-init")
	sc := seedScenario()
	res := build(t, sc)
	const userData = "#cloud-config\nusers: [default]\n"
	for _, host := range []string{"vm1", "on", "52:54:00:12:34:56", "a: b # c", "ünïcode\x7f"} {
		t.Run("hostname "+host, func(t *testing.T) {
			t.Parallel()
			seed := cloudinit.NewNoCloudSeed(res.YAML, []byte(userData), cloudinit.WithLocalHostname(host))
			md, ud, ncfg := readSeedWithCloudInit(t, seed.Files())

			var ours map[string]any
			require.NoError(t, yaml.Unmarshal(seed.MetaData, &ours))
			assert.Equal(t, ours["instance-id"], md["instance-id"], "instance-id read by cloud-init")
			assert.True(t, strings.HasPrefix(md["instance-id"].(string), "iid-"))
			assert.Equal(t, host, md["local-hostname"], "local-hostname read by cloud-init")
			assert.Equal(t, userData, ud)

			var want any
			js, err := yaml.YAMLToJSON(res.YAML)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(js, &want))
			assert.Equal(t, want, ncfg, "network-config read by cloud-init")
		})
	}
	for _, c := range netConvertCases {
		t.Run("net-convert/"+c.renderer, func(t *testing.T) {
			t.Parallel()
			seed := cloudinit.NewNoCloudSeed(res.YAML, nil)
			out := mustNetConvert(t, seed.Files()[cloudinit.NetworkConfigFile], distroFor(c.renderer), c.renderer)
			c.check(t, sc, res, out)
		})
	}
}
