// Package bench holds guestnet's benchmarks, which measure what users run
// against what they would otherwise write, in one interleaved run:
//
//   - BenchmarkRender: netconfig.Build against three ways platforms write
//     the same netplan document (a strings.Builder concatenation, a
//     text/template, sigs.k8s.io/yaml over equivalent structs), for the
//     typical VM and for 4, 16 and 64 dual-stack secondaries;
//   - BenchmarkReconcile: a controller's whole reconcile step (Pin,
//     FromVM, the pod's network-status annotation read and resolved,
//     Build, the data put into the VM with SetNetworkData) against its
//     floor, the work no step can avoid (one VM DeepCopy, the document by
//     concatenation, one json.Unmarshal of the annotation), at 4 and 64
//     secondaries;
//   - BenchmarkBatch: 10,000 four-secondary VMs across GOMAXPROCS
//     goroutines.
//
// TestReferencesAgree and TestReconcileStepAgrees check that every
// implementation writes the same document, so that the figures compare
// like with like. run.sh runs the benchmarks and prints benchstat's tables,
// then ratios (the command in ratios/) prints the medians of that one run,
// each ratio of medians, and the speed targets; README.md in this folder
// holds the figures of the last measured run and what noise does to them.
package bench
