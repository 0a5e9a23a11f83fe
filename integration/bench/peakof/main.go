package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 4 || os.Args[2] != "--" {
		fmt.Fprintln(os.Stderr, "usage: peakof FILE -- command [args...]")
		os.Exit(2)
	}
	file, args := os.Args[1], os.Args[3:]
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil {
		fmt.Fprintf(os.Stderr, "peakof: %v\n", err)
		os.Exit(127)
	}
	var kb int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		kb = ru.Maxrss
	}
	if werr := os.WriteFile(file, fmt.Appendf(nil, "%d %d\n", kb, wall.Nanoseconds()), 0o644); werr != nil {
		fmt.Fprintf(os.Stderr, "peakof: %v\n", werr)
		os.Exit(127)
	}
	if err != nil {
		os.Exit(cmd.ProcessState.ExitCode())
	}
}
