// Command compat-table renders the README's guest-compatibility table from
// the results that the guestvm tests write (internal/guestvm/testdata/guests.json
// and files.json)
// and rewrites the README between its guest-compat markers. Run it from the
// module root:
//
//	go run ./internal/guestvm/cmd/compat-table          # rewrite README.md
//	go run ./internal/guestvm/cmd/compat-table -check   # exit 1 if README.md is out of date
//	go run ./internal/guestvm/cmd/compat-table -print   # print the table
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/guestnet/guestnet/internal/guestvm"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main with its arguments and outputs, for tests; it returns the exit
// code.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("compat-table", flag.ContinueOnError)
	fs.SetOutput(stderr)
	readme := fs.String("readme", "README.md", "the README to rewrite")
	results := fs.String("results", "internal/guestvm/testdata", "the directory of the results files (guests.json, files.json)")
	check := fs.Bool("check", false, "do not write: exit 1 when the README's table is out of date")
	printOnly := fs.Bool("print", false, "print the table instead of rewriting the README")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var paths []string
	for _, name := range guestvm.ResultFiles {
		p := filepath.Join(*results, name)
		if _, err := os.Stat(p); err == nil {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		fmt.Fprintf(stderr, "compat-table: no results files (%s) in %s\n", strings.Join(guestvm.ResultFiles, ", "), *results)
		return 1
	}
	rs, err := guestvm.ReadResults(paths...)
	if err != nil {
		fmt.Fprintln(stderr, "compat-table:", err)
		return 1
	}
	table := rs.Table()
	if *printOnly {
		fmt.Fprint(stdout, table)
		return 0
	}
	old, err := os.ReadFile(*readme)
	if err != nil {
		fmt.Fprintln(stderr, "compat-table:", err)
		return 1
	}
	updated, err := guestvm.UpdateREADME(old, table)
	if err != nil {
		fmt.Fprintln(stderr, "compat-table:", err)
		return 1
	}
	switch {
	case bytes.Equal(old, updated):
		return 0
	case *check:
		fmt.Fprintf(stderr, "compat-table: the table in %s is out of date: go run ./internal/guestvm/cmd/compat-table\n", *readme)
		return 1
	}
	if err := os.WriteFile(*readme, updated, 0o644); err != nil {
		fmt.Fprintln(stderr, "compat-table:", err)
		return 1
	}
	fmt.Fprintf(stdout, "rewrote the guest-compatibility table in %s\n", *readme)
	return 0
}
