#!/usr/bin/env bash
# Benchmarks, in one interleaved run: Build against the three ways
# platforms write the same netplan document (concatenation, text/template,
# sigs.k8s.io/yaml), the whole reconcile step (pin, MACs from the VM, the
# pod's network-status annotation, Build, the network data put into the
# VM) against its floor, and a 10,000-VM batch on 1 and all CPUs. Prints
# benchstat's tables and each ratio of medians, then checks the speed
# targets (exit 1 when one is missed). See doc.go for the protocol and
# for what noise does to one run on a shared machine.
#
#   internal/bench/run.sh                 # COUNT=30 runs of 200ms each
#   COUNT=10 BENCHTIME=1s internal/bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${COUNT:-30}
BENCHTIME=${BENCHTIME:-200ms}
OUT=${OUT:-$(mktemp -d)}
BENCHSTAT=${BENCHSTAT:-golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da}
ncpu=$(nproc)
cpus=1
if ((ncpu > 1)); then cpus="1,$ncpu"; fi

go version
echo "CPUs: $ncpu; $COUNT runs of $BENCHTIME each; raw output in $OUT"
go test -run '^$' -bench '^Benchmark(Render|Reconcile)$' -benchmem -count "$COUNT" -benchtime "$BENCHTIME" -cpu 1 ./internal/bench/ >"$OUT/render.txt"
go test -run '^$' -bench '^BenchmarkBatch$' -benchmem -count "$COUNT" -benchtime 1x -cpu "$cpus" ./internal/bench/ >"$OUT/batch.txt"

echo
go run "$BENCHSTAT" -col /impl -row /vm "$OUT/render.txt"
echo
go run "$BENCHSTAT" "$OUT/batch.txt"
echo
cat "$OUT/render.txt" "$OUT/batch.txt" | go run ./internal/bench/ratios
