package guestvm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBuildOnce: callers that race for one directory build it once; a
// build or finish that fails leaves nothing behind, and the next caller
// builds again.
func TestBuildOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "images", "netplan-0123")
	var builds atomic.Int32
	build := func(out string) error {
		builds.Add(1)
		require.NoError(t, os.Mkdir(out, 0o755))
		return os.WriteFile(filepath.Join(out, "disk.raw"), []byte("disk"), 0o644)
	}
	finish := func(out string) error { return os.WriteFile(filepath.Join(out, "image.json"), []byte("{}"), 0o644) }

	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, buildOnce(t.Context(), dir, build, finish))
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), builds.Load(), "built once")
	for _, f := range []string{"disk.raw", "image.json"} {
		assert.FileExists(t, filepath.Join(dir, f))
	}

	for _, tt := range []struct {
		name          string
		build, finish func(string) error
	}{
		{"build fails", func(out string) error {
			require.NoError(t, os.Mkdir(out, 0o755))
			return errors.New("debootstrap failed")
		}, finish},
		{"finish fails", build, func(string) error { return errors.New("no space") }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			other := filepath.Join(filepath.Dir(dir), "eni-"+strings.ReplaceAll(tt.name, " ", "-"))
			require.Error(t, buildOnce(t.Context(), other, tt.build, tt.finish))
			assert.NoDirExists(t, other, "no half-built directory")
			entries, err := os.ReadDir(filepath.Dir(dir))
			require.NoError(t, err)
			for _, e := range entries {
				assert.NotContains(t, e.Name(), ".build-", "the temporary directory is removed")
			}
			require.NoError(t, buildOnce(t.Context(), other, build, finish), "a later call builds again")
			assert.DirExists(t, other)
		})
	}
}

// TestBuildOnceWaitsForContext: a caller waiting for another's lock gives
// up when its context ends.
func TestBuildOnceWaitsForContext(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bases", "trixie-0123")
	require.NoError(t, os.MkdirAll(filepath.Dir(dir), 0o755))
	unlock, err := lock(t.Context(), dir+".lock")
	require.NoError(t, err)
	defer unlock()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err = buildOnce(ctx, dir, func(string) error { t.Error("built under another's lock"); return nil }, func(string) error { return nil })
	assert.ErrorIs(t, err, context.Canceled)
}

// TestGuestMatrix: GUESTNET_GUESTVM_MATRIX picks the images and reboot
// images; the CI matrix has one image per network stack per generation.
func TestGuestMatrix(t *testing.T) {
	t.Setenv("GUESTNET_GUESTVM_MATRIX", "")
	full := guestMatrix(t)
	assert.Equal(t, "full", full.name)
	assert.Len(t, full.images, len(Images()))

	t.Setenv("GUESTNET_GUESTVM_MATRIX", "ci")
	ci := guestMatrix(t)
	stacks := map[string]map[string]bool{} // generation -> renderers
	for name := range ci.images {
		im, ok := ImageByName(name)
		require.True(t, ok, "CI image %s", name)
		if stacks[im.Generation()] == nil {
			stacks[im.Generation()] = map[string]bool{}
		}
		assert.False(t, stacks[im.Generation()][im.Renderer], "%s: one image per renderer per generation", name)
		stacks[im.Generation()][im.Renderer] = true
	}
	assert.Equal(t, map[string]map[string]bool{
		"Debian 12": {"netplan": true, "eni": true},
		"Debian 13": {"netplan": true, "eni": true, "network-manager": true},
	}, stacks)
	for name := range ci.reboots {
		assert.True(t, ci.images[name], "reboot image %s is booted", name)
	}
}
