package main

import (
	"fmt"
	"testing"
)

// benchTB lets the driver use itest's helpers outside `go test`: a failure
// ends the program.
type benchTB struct{ testing.TB }

func (benchTB) Helper() {}

func (benchTB) Fatal(args ...any) { check(fmt.Errorf("%s", fmt.Sprint(args...))) }

func (benchTB) Fatalf(format string, args ...any) { check(fmt.Errorf(format, args...)) }

func (benchTB) Cleanup(func()) {}
