package netconfig

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// TestFieldPath checks that a fieldPath writes and builds the same path
// as field.Path.
func TestFieldPath(t *testing.T) {
	tests := []struct {
		got  fieldPath
		want *field.Path
	}{
		{newPath(segNamespace), field.NewPath("namespace")},
		{newPath(segNetworks).Index(3), field.NewPath("networks").Index(3)},
		{newPath(segNetworks).Index(1).Child(segIPConfig).Child(segRoutes).Index(0).Child(segVia),
			field.NewPath("networks").Index(1).Child("ipConfig").Child("routes").Index(0).Child("via")},
		{newPath(segNetworks).Index(255).Child(segIPConfig).Child(segNameservers).Child(segAddresses).Index(63),
			field.NewPath("networks").Index(255).Child("ipConfig").Child("nameservers").Child("addresses").Index(63)},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want.String(), tt.got.String())
		assert.Equal(t, tt.want, tt.got.path())
	}
}

// TestSegmentNames checks that every segment has a name of its own.
func TestSegmentNames(t *testing.T) {
	assert.Empty(t, segIndex.String())
	seen := map[string]segment{}
	for s := segIndex + 1; s < segCount; s++ {
		name := s.String()
		assert.NotEmpty(t, name, "segment %d", s)
		prev, dup := seen[name]
		assert.False(t, dup, "segments %d and %d are both %q", prev, s, name)
		seen[name] = s
	}
}
