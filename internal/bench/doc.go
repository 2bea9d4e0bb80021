// Package bench holds no code of its own: run.sh runs netconfig's render
// benchmarks and ratios prints the figures issue 5 asks for from their
// output. See the README's "Speed" section.
package bench
