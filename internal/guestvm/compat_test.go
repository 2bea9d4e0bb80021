package guestvm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sampleResults are two columns and two scenarios.
func sampleResults() Results {
	return Results{
		Columns: []Column{
			{Name: "netplan", Renderer: "netplan", Source: SourceGuest, Summary: "netplan.io", Versions: map[string]string{"cloud-init": "22.4.2", "netplan.io": "0.106"}},
			{Name: "sysconfig", Renderer: "sysconfig", Source: SourceFiles, Summary: "RHEL"},
		},
		Scenarios: []ScenarioInfo{{Name: "seed", Summary: "the seed"}, {Name: "three", Summary: "three networks"}},
		Runs: []Run{
			{Column: "sysconfig", Scenario: "seed", Facts: []Fact{{Construct: MTU, Network: "a", Outcome: Applied}}},
			{Column: "netplan", Scenario: "three", Facts: []Fact{
				{Construct: MTU, Network: "a", Outcome: Dropped, Detail: "mtu 1500"},
				{Construct: Nameservers, Network: "a", Outcome: Applied, Detail: "per link"},
			}, DefaultRoutes: []string{"default via 10.0.2.2 dev eth0 metric 100 proto dhcp"}},
			{Column: "netplan", Scenario: "seed", Facts: []Fact{
				{Construct: MTU, Network: "a", Outcome: Applied},
				{Construct: MTU, Network: "b", Outcome: Applied},
			}},
		},
	}
}

func TestResultsTable(t *testing.T) {
	rs := sampleResults()
	rs.Columns[0], rs.Columns[1] = rs.Columns[1], rs.Columns[0]
	table := rs.Table()
	assert.Equal(t, "sysconfig", rs.Columns[0].Name, "Table does not reorder its receiver's columns")
	for _, want := range []string{
		"- **netplan**: netplan.io; cloud-init's netplan renderer (cloud-init 22.4.2, netplan.io 0.106).\n",
		"- **sysconfig**: RHEL; cloud-init's sysconfig renderer, judged from the files `cloud-init devel net-convert` writes, no guest booted.\n",
		"| construct | netplan | sysconfig |\n| --- | --- | --- |\n",
		"| `mtu` | **applied** in seed (a, b); dropped (mtu 1500) in three (a) | **applied** |\n",
		"| `nameservers.addresses` | **applied** (per link) | - |\n",
		"| scenario | netplan |\n",
		"| `seed`: the seed | none |\n",
		"| `three`: three networks | default via 10.0.2.2 dev eth0 metric 100 proto dhcp |\n",
	} {
		assert.Contains(t, table, want)
	}
	assert.NotContains(t, table, "`set-name`", "constructs without facts have no row")
	assert.Equal(t, table, sampleResults().Table(), "the table is deterministic")
}

func TestResultsMergeAndFiles(t *testing.T) {
	rs := sampleResults()
	rs.PutRun(Run{Column: "netplan", Scenario: "seed", Facts: []Fact{{Construct: MTU, Network: "a", Outcome: Wrong}}})
	rs.PutColumn(Column{Name: "eni", Renderer: "eni", Source: SourceGuest})
	assert.Len(t, rs.Runs, 3, "a run of the same column and scenario is replaced")
	assert.Len(t, rs.Columns, 3)

	path := filepath.Join(t.TempDir(), "r.json")
	require.NoError(t, rs.Write(path))
	back, err := ReadResults(path)
	require.NoError(t, err)
	assert.Equal(t, "netplan", back.Runs[0].Column, "written sorted by column, then scenario")
	assert.Equal(t, "seed", back.Runs[0].Scenario)
	assert.Equal(t, []Fact{{Construct: MTU, Network: "a", Outcome: Wrong}}, back.Runs[0].Facts)

	require.NoError(t, os.WriteFile(path, []byte(`{"columns": [], "surprise": 1}`), 0o644))
	_, err = ReadResults(path)
	assert.ErrorContains(t, err, "surprise", "unknown fields are errors")
}

func TestUpdateREADME(t *testing.T) {
	readme := "# x\n\nbefore\n<!-- guest-compat:begin (generated; do not edit by hand) -->\nold\ntable\n<!-- guest-compat:end -->\nafter\n"
	out, err := UpdateREADME([]byte(readme), "new table")
	require.NoError(t, err)
	assert.Equal(t, "# x\n\nbefore\n<!-- guest-compat:begin (generated; do not edit by hand) -->\nnew table\n<!-- guest-compat:end -->\nafter\n", string(out))
	region, err := ReadmeRegion(out)
	require.NoError(t, err)
	assert.Equal(t, "new table\n", region)

	again, err := UpdateREADME(out, "new table\n")
	require.NoError(t, err)
	assert.Equal(t, string(out), string(again), "idempotent")

	for _, bad := range []string{
		"no markers\n",
		"<!-- guest-compat:begin -->\nno end\n",
		"<!-- guest-compat:end -->\n<!-- guest-compat:begin -->\n",
	} {
		_, err := UpdateREADME([]byte(bad), "t")
		assert.Error(t, err, "%q", bad)
		_, err = ReadmeRegion([]byte(bad))
		assert.Error(t, err, "%q", bad)
	}
}

// TestREADMETable checks that the README's guest-compatibility table is
// the one the results files give: run
// `go run ./internal/guestvm/cmd/compat-table` (or a test with -update)
// after changing them.
func TestREADMETable(t *testing.T) {
	rs, err := ReadResults(resultFiles(t)...)
	require.NoError(t, err)
	readme, err := os.ReadFile(readmePath)
	require.NoError(t, err)
	region, err := ReadmeRegion(readme)
	require.NoError(t, err)
	assert.Equal(t, rs.Table(), region, "the README's table is out of date: go run ./internal/guestvm/cmd/compat-table")
	for _, c := range rs.Columns {
		assert.True(t, c.Name == sysconfigColumn || func() bool { _, ok := ImageByName(c.Name); return ok }(), "column %s is neither an image nor sysconfig", c.Name)
	}
	for _, run := range rs.Runs {
		for _, f := range run.Facts {
			assert.Contains(t, []Outcome{Applied, Wrong, Dropped}, f.Outcome, "%s/%s %s", run.Column, run.Scenario, f.Construct)
			assert.True(t, strings.TrimSpace(string(f.Construct)) != "")
		}
	}
}

// TestResultsTableGenerations checks how Table groups the columns by
// generation: in the list of columns (a bold heading, with the cloud-init
// release its columns share, over a sub-list) and in both tables' headers.
// TestResultsTableScenarioConstructs: a scenario that names its
// constructs shows only those in the construct table; its other facts stay
// out of every cell, the default routes table still shows it.
func TestResultsTableScenarioConstructs(t *testing.T) {
	rs := sampleResults()
	rs.Scenarios = append(rs.Scenarios, ScenarioInfo{Name: "style", Summary: "to: default", Constructs: []Construct{DefaultRouteToDefault4}})
	rs.Runs = append(rs.Runs, Run{Column: "netplan", Scenario: "style", Facts: []Fact{
		{Construct: MTU, Network: "a", Outcome: Dropped},
		{Construct: DefaultRouteToDefault4, Network: "a", Outcome: Dropped},
	}, DefaultRoutes: nil})
	table := rs.Table()
	assert.Contains(t, table, "| `mtu` | **applied** in seed (a, b); dropped (mtu 1500) in three (a) | **applied** |\n", "the style scenario's MTU stays out")
	assert.Contains(t, table, "| IPv4 default route as netplan's `routes: [{to: default, via}]` (`DefaultRouteNetplan`) | dropped | - |\n")
	assert.Contains(t, table, "| `style`: to: default | none |\n")

	rs.Scenarios[len(rs.Scenarios)-1].Constructs = nil
	assert.Contains(t, rs.Table(), "| `mtu` | **applied** in seed (a, b); dropped (mtu 1500) in three (a); dropped in style (a) | **applied** |\n", "without Constructs every fact counts")
}

func TestResultsTableGenerations(t *testing.T) {
	guest := func(name, gen, cloudInit string) Column {
		c := Column{Name: name, Renderer: "netplan", Source: SourceGuest, Summary: "s", Generation: gen}
		if cloudInit != "" {
			c.Versions = map[string]string{"cloud-init": cloudInit}
		}
		return c
	}
	files := Column{Name: "sysconfig", Renderer: "sysconfig", Source: SourceFiles, Summary: "RHEL"}
	tests := []struct {
		name    string
		columns []Column
		// list is the list of columns; construct and scens are the start
		// of the constructs' and of the scenarios' tables.
		list, construct, scens string
	}{
		{
			name:      "no generations: as before",
			columns:   []Column{guest("netplan", "", ""), files},
			list:      "- **netplan**: s; cloud-init's netplan renderer.\n- **sysconfig**: RHEL; cloud-init's sysconfig renderer, judged from the files `cloud-init devel net-convert` writes, no guest booted.\n",
			construct: "| construct | netplan | sysconfig |\n| --- | --- | --- |\n",
			scens:     "| scenario | netplan |\n| --- | --- |\n",
		},
		{
			name: "two generations, a files column without one",
			columns: []Column{
				guest("netplan", "Debian 12", "22.4.2-1+deb12u4"), guest("eni", "Debian 12", "22.4.2-1+deb12u4"),
				guest("netplan-13", "Debian 13", "25.1.4-1+deb13u1"), files,
			},
			list: "- **Debian 12** (cloud-init 22.4):\n" +
				"  - **netplan**: s; cloud-init's netplan renderer (cloud-init 22.4.2-1+deb12u4).\n" +
				"  - **eni**: s; cloud-init's netplan renderer (cloud-init 22.4.2-1+deb12u4).\n" +
				"- **Debian 13** (cloud-init 25.1):\n" +
				"  - **netplan-13**: s; cloud-init's netplan renderer (cloud-init 25.1.4-1+deb13u1).\n" +
				"- **sysconfig**: RHEL; cloud-init's sysconfig renderer, judged from the files `cloud-init devel net-convert` writes, no guest booted.\n",
			construct: "| construct | netplan<br>Debian 12 | eni<br>Debian 12 | netplan-13<br>Debian 13 | sysconfig |\n| --- | --- | --- | --- | --- |\n",
			scens:     "| scenario | netplan<br>Debian 12 | eni<br>Debian 12 | netplan-13<br>Debian 13 |\n| --- | --- | --- | --- |\n",
		},
		{
			name: "interleaved generations are grouped where the first one is; cloud-init releases that differ are not named",
			columns: []Column{
				files, guest("a", "Debian 12", "22.4.2-1"), guest("b", "Debian 13", ""), guest("c", "Debian 12", "23.1-1"), guest("d", "", ""),
			},
			list: "- **Debian 12**:\n" +
				"  - **a**: s; cloud-init's netplan renderer (cloud-init 22.4.2-1).\n" +
				"  - **c**: s; cloud-init's netplan renderer (cloud-init 23.1-1).\n" +
				"- **Debian 13**:\n" +
				"  - **b**: s; cloud-init's netplan renderer.\n" +
				"- **d**: s; cloud-init's netplan renderer.\n" +
				"- **sysconfig**: RHEL; cloud-init's sysconfig renderer, judged from the files `cloud-init devel net-convert` writes, no guest booted.\n",
			construct: "| construct | a<br>Debian 12 | c<br>Debian 12 | b<br>Debian 13 | d | sysconfig |\n",
			scens:     "| scenario | a<br>Debian 12 | c<br>Debian 12 | b<br>Debian 13 | d |\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := Results{Columns: tt.columns, Scenarios: []ScenarioInfo{{Name: "seed", Summary: "the seed"}}}
			for _, c := range tt.columns {
				rs.Runs = append(rs.Runs, Run{Column: c.Name, Scenario: "seed", Facts: []Fact{{Construct: MTU, Network: "a", Outcome: Applied}}})
			}
			table := rs.Table()
			assert.Contains(t, table, "\n\n"+tt.list+"\n| construct |", "the list of columns")
			assert.Contains(t, table, "\n"+tt.construct, "the constructs' header")
			assert.Contains(t, table, "\n"+tt.scens, "the scenarios' header")
			assert.Equal(t, tt.columns, rs.Columns, "Table does not reorder its receiver's columns")
		})
	}
}
