package hostile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// InCI reports whether the CI environment variable asks for missing tools
// to be failures rather than skips, as internal/conformance reads it: set
// to anything but "", "false" or "0".
func InCI() bool {
	v := strings.TrimSpace(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

// pythonCandidates are the interpreters tried for PyYAML, best first: the
// one on cloud-init's #! line has the PyYAML that cloud-init reads network
// config with.
func pythonCandidates() []string {
	var out []string
	for _, ci := range []string{"/usr/bin/cloud-init", "/usr/local/bin/cloud-init"} {
		data, err := os.ReadFile(ci)
		if err != nil {
			continue
		}
		first, _, _ := strings.Cut(string(data), "\n")
		if fields := strings.Fields(strings.TrimPrefix(first, "#!")); strings.HasPrefix(first, "#!") && len(fields) > 0 {
			if len(fields) > 1 && strings.HasSuffix(fields[0], "/env") {
				if p, err := exec.LookPath(fields[1]); err == nil {
					out = append(out, p)
				}
			} else {
				out = append(out, fields[0])
			}
		}
	}
	out = append(out, "/usr/bin/python3")
	if p, err := exec.LookPath("python3"); err == nil {
		out = append(out, p)
	}
	return out
}

var (
	pythonOnce sync.Once
	python     string
	pythonErr  error
)

// findPython returns the first candidate that imports yaml.
func findPython() (string, error) {
	pythonOnce.Do(func() {
		var tried []string
		for _, p := range pythonCandidates() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			err := exec.CommandContext(ctx, p, "-c", "import yaml").Run()
			cancel()
			if err == nil {
				python = p
				return
			}
			tried = append(tried, fmt.Sprintf("%s (%v)", p, err))
		}
		pythonErr = fmt.Errorf("no python3 with PyYAML (tried %s)", strings.Join(tried, ", "))
	})
	return python, pythonErr
}

// pyyamlScript loads each document with PyYAML's safe_load, as cloud-init
// loads network config, and writes its values with their Python types.
const pyyamlScript = `import json, sys, yaml
def conv(x):
    if isinstance(x, dict):
        return {"map": [[conv(k), conv(v)] for k, v in x.items()]}
    if isinstance(x, list):
        return {"seq": [conv(v) for v in x]}
    if isinstance(x, bool):
        return {"bool": x}
    if isinstance(x, str):
        return {"str": x}
    if isinstance(x, int):
        return {"int": str(x)}
    if isinstance(x, float):
        return {"float": repr(x)}
    if x is None:
        return {"null": None}
    return {"other": type(x).__name__ + ":" + repr(x)}
out = []
for d in json.load(sys.stdin):
    try:
        out.append({"ok": conv(yaml.safe_load(d))})
    except Exception as e:
        out.append({"error": type(e).__name__ + ": " + str(e)})
json.dump(out, sys.stdout)
`

// PyYAML reads each of docs with PyYAML's yaml.safe_load, the reader of
// cloud-init, in one python3 process, and returns each document's Flat,
// or the error PyYAML raised as an error. The python3 is the one on
// cloud-init's #! line, else /usr/bin/python3, else python3 on PATH,
// whichever has PyYAML. Without one the test is skipped, or failed when
// CI is set (see InCI), as the conformance tests do.
func PyYAML(t testing.TB, docs [][]byte) []PyResult {
	t.Helper()
	py, err := findPython()
	if err != nil {
		if InCI() {
			t.Fatalf("%v; CI=%q: the PyYAML checks must not be skipped in CI (apt-get install cloud-init, or python3-yaml)", err, os.Getenv("CI"))
		}
		t.Skipf("%v; install cloud-init or python3-yaml (with CI=true this is a failure)", err)
	}
	// Each distinct document is read once: PyYAML is pure Python here, as
	// in cloud-init, and slow.
	var strs []string
	index := make([]int, len(docs)) // docs[i] is strs[index[i]]
	seen := map[string]int{}
	for i, d := range docs {
		k, ok := seen[string(d)]
		if !ok {
			k = len(strs)
			seen[string(d)] = k
			strs = append(strs, string(d))
		}
		index[i] = k
	}
	var raw []map[string]any
	RunPythonJSON(t, py, pyyamlScript, strs, &raw)
	if len(raw) != len(strs) {
		t.Fatalf("%s read %d documents of %d", py, len(raw), len(strs))
	}
	res := make([]PyResult, len(docs))
	for i := range docs {
		r := raw[index[i]]
		ok, found := r["ok"]
		if !found {
			res[i].Err = fmt.Errorf("PyYAML: %v", r["error"])
			continue
		}
		res[i].Flat = Flat{}
		pyFlatten(res[i].Flat, "", ok)
	}
	return res
}

// PyResult is what PyYAML made of one document.
type PyResult struct {
	Flat Flat
	Err  error
}

// pyFlatten adds v, a value as pyyamlScript writes it (an object with one
// key naming its Python type), to f at path.
func pyFlatten(f Flat, path string, v any) {
	m, _ := v.(map[string]any)
	switch {
	case m["map"] != nil:
		pairs, _ := m["map"].([]any)
		if len(pairs) == 0 {
			f[path] = "map:{}"
		}
		for _, kv := range pairs {
			pair, _ := kv.([]any)
			if len(pair) != 2 {
				f[path] = fmt.Sprintf("other:bad pair %v", kv)
				continue
			}
			k := pyKey(pair[0])
			if path != "" {
				k = path + "." + k
			}
			pyFlatten(f, k, pair[1])
		}
	case m["seq"] != nil:
		items, _ := m["seq"].([]any)
		if len(items) == 0 {
			f[path] = "seq:[]"
		}
		for i, e := range items {
			pyFlatten(f, fmt.Sprintf("%s[%d]", path, i), e)
		}
	default:
		f[path] = pyScalar(m)
	}
}

// pyKey returns a key as a path segment, as Path writes Go keys.
func pyKey(v any) string {
	m, _ := v.(map[string]any)
	if s, ok := m["str"].(string); ok {
		return keySegment(s)
	}
	return "<" + pyScalar(m) + ">"
}

// pyScalar writes a scalar as scalar writes Go values.
func pyScalar(m map[string]any) string {
	for k, v := range m {
		switch k {
		case "str":
			return "str:" + fmt.Sprint(v)
		case "bool":
			return "bool:" + fmt.Sprint(v)
		case "int":
			return "num:" + fmt.Sprint(v)
		case "float":
			return "float:" + fmt.Sprint(v)
		case "null":
			return "null"
		case "map":
			return "map:{}"
		case "seq":
			return "seq:[]"
		}
		return "other:" + fmt.Sprint(v)
	}
	return "other:?"
}

// RunPythonJSON runs script with the interpreter py, writing in to its
// standard input as JSON and reading its standard output, JSON, into out.
// It fails t when the script fails, takes over two minutes or writes
// anything but JSON.
func RunPythonJSON(t testing.TB, py, script string, in, out any) {
	t.Helper()
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "-c", script)
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", py, err, stderr.String())
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("%s wrote %s: %v", py, stdout, err)
	}
}
