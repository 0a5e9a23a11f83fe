package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfiles writes pprof profiles of the command where the environment
// asks (docs/performance.md): MXMIGRATE_CPUPROFILE, a CPU profile of the
// whole command; MXMIGRATE_MEMPROFILE, the allocations at its end. The
// returned function writes them out.
func startProfiles(stderr io.Writer) func() {
	var stops []func()
	if path := os.Getenv("MXMIGRATE_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "mxmigrate: MXMIGRATE_CPUPROFILE: %v\n", err)
		} else {
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if path := os.Getenv("MXMIGRATE_MEMPROFILE"); path != "" {
		runtime.MemProfileRate = 4096
		stops = append(stops, func() {
			f, err := os.Create(path)
			if err == nil {
				err = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
			if err != nil {
				fmt.Fprintf(stderr, "mxmigrate: MXMIGRATE_MEMPROFILE: %v\n", err)
			}
		})
	}
	return func() {
		for _, stop := range stops {
			stop()
		}
	}
}
