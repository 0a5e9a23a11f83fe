//go:build !(linux || darwin || freebsd)

package chdb

import "errors"

type api struct{}

var libPath string

type rawConn struct{}

func load() (*api, error) {
	return nil, &MissingError{Err: errors.New("chDB is available on Linux and macOS only")}
}

func (a *api) open(args []string) (*rawConn, error)     { return nil, errors.New("unreachable") }
func (r *rawConn) run(q, format string) ([]byte, error) { return nil, errors.New("unreachable") }
func (r *rawConn) close()                               {}
func detachStdin() error                                { return nil }

// inUse: not probed where chDB does not run.
func inUse(string) bool { return false }
