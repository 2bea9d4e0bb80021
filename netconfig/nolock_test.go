package netconfig_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBuildHoldsNoLock: Build runs on every VM of every reconcile, from
// many workers at once, so neither it nor the emitter may hold a lock or
// keep state. This checks that no non-test file of netconfig or
// netconfig/netplan imports sync or sync/atomic or declares a
// package-level variable. (BenchmarkBatch measures the scaling this
// gives.)
func TestBuildHoldsNoLock(t *testing.T) {
	for _, dir := range []string{".", "netplan"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.SkipObjectResolution)
			require.NoError(t, err)
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				require.NotContains(t, []string{"sync", "sync/atomic"}, path, "%s imports %s", name, path)
			}
			for _, decl := range f.Decls {
				if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
					require.Failf(t, "package-level variable", "%s declares a package-level variable at %v", name, gd.Pos())
				}
			}
		}
	}
}
