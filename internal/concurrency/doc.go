// Package concurrency holds only tests: they call every exported function
// and method of netconfig, netconfig/netplan, internal/specfile, multus,
// macresolve and cloudinit from many goroutines at once on shared inputs,
// and check that each call gives what the same call gives alone and that
// no input is changed. Run them with the race detector:
//
//	go test -race ./internal/concurrency/
//
// TestEveryExportedFunctionIsCalled parses those packages and fails when
// an exported function or method is missing from the calls, so a new one
// cannot be forgotten.
package concurrency
