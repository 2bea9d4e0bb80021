package cloudinit_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guestnet/guestnet/cloudinit"
)

// TestConcurrentUse runs every function on shared inputs from many
// goroutines; with -race it shows that they neither write their inputs nor
// share state, and each call must give the same result as a lone one.
func TestConcurrentUse(t *testing.T) {
	vm := newVM(rootDisk(), noCloudVolume("cloudinitdisk", noCloudUserData()))
	vmBefore := vm.DeepCopy()
	res := mustBuild(t, dualStackSpec())
	cfgBefore := deepCopyConfig(t, res.Config)
	big := sized(5000)

	wantVM, wantSecret, err := cloudinit.SetNetworkData(vm, big)
	require.NoError(t, err)
	wantJSON, err := cloudinit.NetworkDataJSON(res.Config)
	require.NoError(t, err)
	wantSeed := cloudinit.NewNoCloudSeed(res.YAML, nil)

	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				gotVM, gotSecret, err := cloudinit.SetNetworkData(vm, big)
				assert.NoError(t, err)
				assert.Equal(t, wantVM, gotVM)
				assert.Equal(t, wantSecret, gotSecret)
				_, _, err = cloudinit.SetNetworkData(vm, []byte(netData))
				assert.NoError(t, err)
				js, err := cloudinit.NetworkDataJSON(res.Config)
				assert.NoError(t, err)
				assert.Equal(t, wantJSON, js)
				assert.Equal(t, wantSeed, cloudinit.NewNoCloudSeed(res.YAML, nil))
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, vmBefore, vm)
	assert.Equal(t, cfgBefore, res.Config)
}
