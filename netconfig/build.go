package netconfig

import "errors"

// Build resolves, validates and renders spec. It is implemented in the next commit.
func Build(spec Spec, opts ...Option) (Result, error) {
	return Result{}, errors.New("not implemented")
}
