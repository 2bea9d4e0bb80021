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
		{newPath("namespace"), field.NewPath("namespace")},
		{newPath("networks").Index(3), field.NewPath("networks").Index(3)},
		{newPath("networks").Index(1).Child("ipConfig").Child("routes").Index(0).Child("via"),
			field.NewPath("networks").Index(1).Child("ipConfig").Child("routes").Index(0).Child("via")},
		{newPath("networks").Index(12).Child("ipConfig").Child("nameservers").Child("addresses").Index(2),
			field.NewPath("networks").Index(12).Child("ipConfig").Child("nameservers").Child("addresses").Index(2)},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want.String(), tt.got.String())
		assert.Equal(t, tt.want, tt.got.path())
	}
}
