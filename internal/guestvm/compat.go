package guestvm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
)

// Source says how a column's facts were measured.
type Source string

const (
	// SourceGuest: a booted Debian guest (its release is the column's
	// Generation).
	SourceGuest Source = "guest"
	// SourceFiles: the files cloud-init's renderer writes (`cloud-init
	// devel net-convert`), read as the guest would apply them, with no
	// guest booted.
	SourceFiles Source = "files"
)

// Column is a column of the compatibility table: a guest image, or a
// renderer known only from its files.
type Column struct {
	Name     string `json:"name"`
	Renderer string `json:"renderer"`
	Source   Source `json:"source"`
	Summary  string `json:"summary"`
	// Generation is the release the column's guest belongs to, as
	// "Debian 12": the table groups the columns of one generation. Empty
	// for a column that belongs to none, which the table shows on its own.
	Generation string `json:"generation,omitempty"`
	// Versions are the versions of the packages that matter.
	Versions map[string]string `json:"versions,omitempty"`
}

// ScenarioInfo names a scenario and says what it holds.
type ScenarioInfo struct {
	Name    string `json:"name"`
	Summary string `json:"summary"`
	// Constructs, when not empty, are the only constructs whose outcomes
	// in this scenario the construct table shows: a scenario booted for
	// one construct, such as default-route-netplan, whose failure drags
	// every other construct of the VM down with it, would otherwise read
	// as a failure of those. Its facts stay in the results.
	Constructs []Construct `json:"constructs,omitempty"`
}

// Run is what one column did with one scenario.
type Run struct {
	Column   string `json:"column"`
	Scenario string `json:"scenario"`
	// Renderer is the renderer cloud-init selected.
	Renderer string `json:"renderer"`
	Facts    []Fact `json:"facts"`
	// DefaultRoutes are the guest's default routes of both families.
	DefaultRoutes []string `json:"defaultRoutes"`
}

// Results are the facts behind the compatibility table. TestGuests and
// TestRendererFiles write them under testdata/ with -update; the table in
// the README is rendered from them.
type Results struct {
	Columns   []Column       `json:"columns"`
	Scenarios []ScenarioInfo `json:"scenarios"`
	Runs      []Run          `json:"runs"`
}

// ResultFiles are the results files under testdata/, in the order in
// which they are merged (which orders the scenarios of the table): the
// guests' (TestGuests), then the renderer files' (TestRendererFiles).
var ResultFiles = []string{"guests.json", "files.json"}

// ReadResults reads and merges results files, in order.
func ReadResults(paths ...string) (Results, error) {
	var all Results
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return Results{}, err
		}
		var r Results
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return Results{}, fmt.Errorf("%s: %w", p, err)
		}
		all.Merge(r)
	}
	return all, nil
}

// Merge adds r's columns, scenarios and runs to rs; those of r replace
// those of rs with the same names.
func (rs *Results) Merge(r Results) {
	for _, c := range r.Columns {
		rs.PutColumn(c)
	}
	for _, s := range r.Scenarios {
		rs.PutScenario(s)
	}
	for _, run := range r.Runs {
		rs.PutRun(run)
	}
}

// PutColumn adds or replaces a column.
func (rs *Results) PutColumn(c Column) {
	if i := slices.IndexFunc(rs.Columns, func(o Column) bool { return o.Name == c.Name }); i >= 0 {
		rs.Columns[i] = c
		return
	}
	rs.Columns = append(rs.Columns, c)
}

// PutScenario adds or replaces a scenario.
func (rs *Results) PutScenario(s ScenarioInfo) {
	if i := slices.IndexFunc(rs.Scenarios, func(o ScenarioInfo) bool { return o.Name == s.Name }); i >= 0 {
		rs.Scenarios[i] = s
		return
	}
	rs.Scenarios = append(rs.Scenarios, s)
}

// PutRun adds or replaces the run of a column and scenario.
func (rs *Results) PutRun(run Run) {
	if i := slices.IndexFunc(rs.Runs, func(o Run) bool { return o.Column == run.Column && o.Scenario == run.Scenario }); i >= 0 {
		rs.Runs[i] = run
		return
	}
	rs.Runs = append(rs.Runs, run)
}

// Sort puts the guest columns before the files-only ones and the columns
// of one generation together, where the generation's first column is
// (keeping their order otherwise), and orders the runs by column and
// scenario, in the order of the columns and scenarios.
func (rs *Results) Sort() {
	// at is a column's place: its generation's first column's, or its
	// own (column names are unique).
	at, first := map[string]int{}, map[string]int{}
	for i, c := range rs.Columns {
		at[c.Name] = i
		if c.Generation == "" {
			continue
		}
		if _, ok := first[c.Generation]; !ok {
			first[c.Generation] = i
		}
		at[c.Name] = first[c.Generation]
	}
	slices.SortStableFunc(rs.Columns, func(a, b Column) int {
		if d := boolInt(a.Source != SourceGuest) - boolInt(b.Source != SourceGuest); d != 0 {
			return d
		}
		return at[a.Name] - at[b.Name]
	})
	col := func(name string) int {
		return slices.IndexFunc(rs.Columns, func(c Column) bool { return c.Name == name })
	}
	sc := func(name string) int {
		return slices.IndexFunc(rs.Scenarios, func(s ScenarioInfo) bool { return s.Name == name })
	}
	sort.SliceStable(rs.Runs, func(i, j int) bool {
		a, b := rs.Runs[i], rs.Runs[j]
		if col(a.Column) != col(b.Column) {
			return col(a.Column) < col(b.Column)
		}
		return sc(a.Scenario) < sc(b.Scenario)
	})
}

// Write writes rs to path as indented JSON, sorted.
func (rs Results) Write(path string) error {
	rs.Columns = slices.Clone(rs.Columns)
	rs.Runs = slices.Clone(rs.Runs)
	rs.Sort()
	b, err := json.MarshalIndent(rs, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Table renders the compatibility table as Markdown: one row per
// construct, one column per guest image or renderer, each cell the
// outcome in every scenario that has the construct (grouped when
// scenarios disagree), followed by the default routes each guest ended up
// with.
func (rs Results) Table() string {
	rs.Columns = slices.Clone(rs.Columns)
	rs.Runs = slices.Clone(rs.Runs)
	rs.Sort()
	var b strings.Builder
	b.WriteString("What guests do with guestnet's output (portable default-route style), construct by\n")
	b.WriteString("construct: **applied** (the guest has what the config asks), **wrong** (it has\n")
	b.WriteString("something else), **dropped** (it has nothing of it). Generated from\n")
	b.WriteString("`internal/guestvm/testdata/guests.json` and `files.json`, which\n")
	b.WriteString("`go test ./internal/guestvm -run 'TestGuests|TestRendererFiles' -update` rewrites;\n")
	b.WriteString("see \"Real guests\" below.\n\n")
	for _, g := range generations(rs.Columns) {
		indent := ""
		if g.name != "" {
			fmt.Fprintf(&b, "- **%s**", g.name)
			if v := g.cloudInit(); v != "" {
				b.WriteString(" (cloud-init " + v + ")")
			}
			b.WriteString(":\n")
			indent = "  "
		}
		for _, c := range g.columns {
			fmt.Fprintf(&b, "%s- **%s**: %s; cloud-init's %s renderer", indent, c.Name, c.Summary, c.Renderer)
			if c.Source == SourceFiles {
				b.WriteString(", judged from the files `cloud-init devel net-convert` writes, no guest booted")
			}
			if v := versions(c.Versions); v != "" {
				b.WriteString(" (" + v + ")")
			}
			b.WriteString(".\n")
		}
	}
	b.WriteString("\n| construct |")
	for _, c := range rs.Columns {
		b.WriteString(" " + c.header() + " |")
	}
	b.WriteString("\n| --- |" + strings.Repeat(" --- |", len(rs.Columns)) + "\n")
	for _, ci := range ConstructInfo {
		cells := make([]string, len(rs.Columns))
		seen := false
		for i, c := range rs.Columns {
			cells[i] = rs.cell(c.Name, ci.Construct)
			seen = seen || cells[i] != "-"
		}
		if !seen {
			continue
		}
		b.WriteString("| " + ci.Label + " | " + strings.Join(cells, " | ") + " |\n")
	}

	b.WriteString("\nScenarios (`internal/guestvm/scenarios_test.go`) and the default routes each guest had\n")
	b.WriteString("after booting them (IPv4 `default`, IPv6 `default6`):\n\n")
	b.WriteString("| scenario |")
	for _, c := range rs.Columns {
		if c.Source == SourceGuest {
			b.WriteString(" " + c.header() + " |")
		}
	}
	b.WriteString("\n| --- |")
	for _, c := range rs.Columns {
		if c.Source == SourceGuest {
			b.WriteString(" --- |")
		}
	}
	b.WriteString("\n")
	for _, s := range rs.Scenarios {
		b.WriteString("| `" + s.Name + "`: " + s.Summary + " |")
		for _, c := range rs.Columns {
			if c.Source != SourceGuest {
				continue
			}
			cell := "-"
			for _, run := range rs.Runs {
				if run.Column == c.Name && run.Scenario == s.Name {
					cell = strings.Join(run.DefaultRoutes, "<br>")
					if cell == "" {
						cell = "none"
					}
				}
			}
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// header is the column's cell in the tables' header rows: its name, and
// its generation below when it has one.
func (c Column) header() string {
	if c.Generation == "" {
		return c.Name
	}
	return c.Name + "<br>" + c.Generation
}

// generation is a run of columns of one generation, or a column that has
// none (name "").
type generation struct {
	name    string
	columns []Column
}

// generations splits sorted columns into runs of one generation; each
// column without a generation is a run of its own.
func generations(cols []Column) []generation {
	var out []generation
	for _, c := range cols {
		if n := len(out); n > 0 && c.Generation != "" && out[n-1].name == c.Generation {
			out[n-1].columns = append(out[n-1].columns, c)
			continue
		}
		out = append(out, generation{name: c.Generation, columns: []Column{c}})
	}
	return out
}

// cloudInit is the cloud-init release (major.minor, as "22.4") of the
// generation's columns when they all have the same, else "".
func (g generation) cloudInit() string {
	var rel string
	for i, c := range g.columns {
		v, _, _ := strings.Cut(c.Versions["cloud-init"], "-") // the upstream version
		parts := strings.SplitN(v, ".", 3)
		if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
			return ""
		}
		r := parts[0] + "." + parts[1]
		if i > 0 && r != rel {
			return ""
		}
		rel = r
	}
	return rel
}

// versions formats the versions that matter most, in a fixed order.
func versions(v map[string]string) string {
	var parts []string
	for _, p := range []string{"cloud-init", "netplan.io", "systemd", "network-manager", "ifupdown", "isc-dhcp-client", "dhcpcd-base", "net-tools", "linux-image"} {
		if s, ok := v[p]; ok {
			parts = append(parts, p+" "+s)
		}
	}
	return strings.Join(parts, ", ")
}

// cell is a column's outcome for a construct over all scenarios: one
// outcome when they agree, else each outcome with the scenarios and
// networks it was seen in.
func (rs Results) cell(column string, c Construct) string {
	type group struct {
		text  string
		where []string // "scenario (network, ...)"
		nets  map[string][]string
	}
	var groups []*group
	only := map[string][]Construct{}
	for _, s := range rs.Scenarios {
		only[s.Name] = s.Constructs
	}
	for _, run := range rs.Runs {
		if run.Column != column {
			continue
		}
		if o := only[run.Scenario]; len(o) > 0 && !slices.Contains(o, c) {
			continue
		}
		for _, f := range run.Facts {
			if f.Construct != c {
				continue
			}
			text := string(f.Outcome)
			if f.Outcome == Applied {
				text = "**" + text + "**"
			}
			if f.Detail != "" {
				text += " (" + f.Detail + ")"
			}
			i := slices.IndexFunc(groups, func(g *group) bool { return g.text == text })
			if i < 0 {
				groups = append(groups, &group{text: text, nets: map[string][]string{}})
				i = len(groups) - 1
			}
			g := groups[i]
			if _, ok := g.nets[run.Scenario]; !ok {
				g.where = append(g.where, run.Scenario)
			}
			g.nets[run.Scenario] = append(g.nets[run.Scenario], f.Network)
		}
	}
	switch len(groups) {
	case 0:
		return "-"
	case 1:
		return groups[0].text
	}
	parts := make([]string, len(groups))
	for i, g := range groups {
		where := make([]string, len(g.where))
		for j, sc := range g.where {
			where[j] = sc + " (" + strings.Join(g.nets[sc], ", ") + ")"
		}
		parts[i] = g.text + " in " + strings.Join(where, ", ")
	}
	return strings.Join(parts, "; ")
}

// The README markers between which the table is generated.
const (
	markerBegin = "<!-- guest-compat:begin"
	markerEnd   = "<!-- guest-compat:end -->"
)

// UpdateREADME returns readme with the text between the guest-compat
// markers replaced by table. The marker lines stay as they are.
func UpdateREADME(readme []byte, table string) ([]byte, error) {
	s := string(readme)
	begin := strings.Index(s, markerBegin)
	if begin < 0 {
		return nil, errors.New("guestvm: the README has no " + markerBegin + " marker")
	}
	eol := strings.Index(s[begin:], "\n")
	if eol < 0 {
		return nil, errors.New("guestvm: the README ends on the begin marker")
	}
	start := begin + eol + 1
	end := strings.Index(s[start:], markerEnd)
	if end < 0 {
		return nil, errors.New("guestvm: the README has no " + markerEnd + " marker after the begin marker")
	}
	end += start
	if !strings.HasSuffix(table, "\n") {
		table += "\n"
	}
	return []byte(s[:start] + table + s[end:]), nil
}

// ReadmeRegion returns the text between the markers.
func ReadmeRegion(readme []byte) (string, error) {
	s := string(readme)
	begin := strings.Index(s, markerBegin)
	if begin < 0 {
		return "", errors.New("guestvm: the README has no " + markerBegin + " marker")
	}
	eol := strings.Index(s[begin:], "\n")
	start := begin + eol + 1
	end := strings.Index(s[start:], markerEnd)
	if eol < 0 || end < 0 {
		return "", errors.New("guestvm: the README's guest-compat markers are incomplete")
	}
	return s[start : start+end], nil
}
