// Package validationtest checks the errors of guestnet's validating
// functions: a *netconfig.ValidationError whose problems errors.As finds
// as *field.Error values.
//
// It is imported by tests only.
package validationtest

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/netconfig"
)

// RequireOne checks that err is a *netconfig.ValidationError holding one
// problem, which errors.As finds as a *field.Error of type wantType at the
// path wantField, with a detail, and returns it.
func RequireOne(t testing.TB, err error, wantType field.ErrorType, wantField string) *field.Error {
	t.Helper()
	require.Error(t, err)
	var invalid *netconfig.ValidationError
	require.ErrorAs(t, err, &invalid)
	require.Len(t, invalid.Errors, 1, "%v", err)
	var fe *field.Error
	require.True(t, errors.As(err, &fe), "no *field.Error in %v", err)
	assert.Same(t, invalid.Errors[0], fe)
	assert.Equal(t, wantType, fe.Type, "%v", err)
	assert.Equal(t, wantField, fe.Field, "%v", err)
	assert.NotEmpty(t, fe.Detail)
	return fe
}
