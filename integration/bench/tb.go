package main

import (
	"fmt"
	"os"
	"testing"
)

// benchTB lets the driver use itest's helpers outside `go test`: a failure
// ends the program.
type benchTB struct{ testing.TB }

func (benchTB) Helper() {}

func (benchTB) Fatal(args ...any) {
	fmt.Fprintln(os.Stderr, append([]any{"bench:"}, args...)...)
	os.Exit(1)
}

func (benchTB) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}

func (benchTB) Cleanup(func()) {}
