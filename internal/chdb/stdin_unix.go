//go:build linux || darwin || freebsd

package chdb

import (
	"os"

	"golang.org/x/sys/unix"
)

// detachStdin points the process's standard input at /dev/null. libchdb is
// clickhouse-local inside: when standard input is not a terminal it takes
// what is there as the data of the next INSERT, which fails golang-migrate's
// INSERT into its migrations table ("both inlined and external data") and
// consumes input that belongs to the caller (a shell loop's). mxmigrate
// never reads standard input.
func detachStdin() error {
	null, err := os.Open(os.DevNull)
	if err != nil {
		return err
	}
	defer null.Close()
	return unix.Dup2(int(null.Fd()), 0)
}
