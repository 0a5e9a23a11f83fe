//go:build linux || darwin || freebsd

package chdb

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	"github.com/ebitengine/purego"
)

// connHandle and resultHandle mirror chDB's C structs, each one pointer.
type connHandle struct{ internal unsafe.Pointer }
type resultHandle struct{ internal unsafe.Pointer }

// api holds the bound C functions.
type api struct {
	connect   func(argc int32, argv []*byte) *connHandle
	closeConn func(c *connHandle)
	query     func(c unsafe.Pointer, q, format string) *resultHandle
	destroy   func(r *resultHandle)
	buffer    func(r *resultHandle) *byte
	length    func(r *resultHandle) uintptr
	errorText func(r *resultHandle) string
	// setSignals is chdb_set_signal_handlers_enabled (absent from old builds).
	setSignals func(enabled int32)
	sigaction  func(sig int32, act, old unsafe.Pointer) int32
}

var (
	loadOnce sync.Once
	lib      *api
	libPath  string
	loadErr  error
)

// candidates are where the library is looked for, in order.
func candidates() []string {
	if p := os.Getenv("CHDB_LIB_PATH"); p != "" {
		return []string{p}
	}
	name := "libchdb.so"
	if runtime.GOOS == "darwin" {
		name = "libchdb.dylib"
	}
	if runtime.GOOS == "darwin" {
		return []string{name, "/usr/local/lib/" + name, "/opt/homebrew/lib/" + name}
	}
	return []string{name, "/usr/local/lib/" + name}
}

// load opens libchdb once per process.
func load() (*api, error) {
	loadOnce.Do(func() {
		if Static {
			loadErr = &MissingError{Err: errors.New("this mxmigrate is a statically linked release build, which cannot load shared libraries: use one built with `go install` (or `make build`), or a ClickHouse server")}
			return
		}
		var errs []string
		for _, p := range candidates() {
			h, err := purego.Dlopen(p, purego.RTLD_NOW|purego.RTLD_GLOBAL)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			libPath = p
			lib, loadErr = bind(h)
			return
		}
		loadErr = &MissingError{Tried: candidates(), Err: errors.New(strings.Join(errs, "; "))}
	})
	return lib, loadErr
}

func bind(h uintptr) (a *api, err error) {
	defer func() {
		// RegisterLibFunc panics on a missing symbol: not a libchdb we know
		if r := recover(); r != nil {
			a, err = nil, fmt.Errorf("%s is not a libchdb with the stable C API (chDB 3 or newer): %v", libPath, r)
		}
	}()
	a = &api{}
	purego.RegisterLibFunc(&a.connect, h, "chdb_connect")
	purego.RegisterLibFunc(&a.closeConn, h, "chdb_close_conn")
	purego.RegisterLibFunc(&a.query, h, "chdb_query")
	purego.RegisterLibFunc(&a.destroy, h, "chdb_destroy_query_result")
	purego.RegisterLibFunc(&a.buffer, h, "chdb_result_buffer")
	purego.RegisterLibFunc(&a.length, h, "chdb_result_length")
	purego.RegisterLibFunc(&a.errorText, h, "chdb_result_error")
	if sym, err := purego.Dlsym(h, "chdb_set_signal_handlers_enabled"); err == nil && sym != 0 {
		purego.RegisterLibFunc(&a.setSignals, h, "chdb_set_signal_handlers_enabled")
	}
	libc, err := purego.Dlopen("", purego.RTLD_NOW)
	if err != nil {
		for _, name := range []string{"libc.so.6", "/usr/lib/libSystem.B.dylib", "libc.so.7"} {
			if libc, err = purego.Dlopen(name, purego.RTLD_NOW); err == nil {
				break
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("cannot find sigaction(2) to keep Go's signal handlers across chDB's start: %w", err)
	}
	purego.RegisterLibFunc(&a.sigaction, libc, "sigaction")
	if a.setSignals != nil {
		// Tell libchdb not to install its own handlers; the call resets
		// the current ones, so Go's are kept around it.
		a.keepSignals(func() { a.setSignals(0) })
	}
	return a, nil
}

// guarded are the signals whose handlers the Go runtime owns: libchdb's
// start replaces the handlers of some of them (SIGSEGV is how Go grows
// stacks and turns nil dereferences into panics, SIGURG how it preempts).
var guarded = []syscall.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGILL,
	syscall.SIGTRAP, syscall.SIGABRT, syscall.SIGBUS, syscall.SIGFPE, syscall.SIGSEGV, syscall.SIGPIPE,
	syscall.SIGTERM, syscall.SIGURG, syscall.SIGCHLD, syscall.SIGPROF, syscall.SIGUSR1, syscall.SIGUSR2}

// sigactionSize holds a struct sigaction on every supported system (152
// bytes on glibc).
const sigactionSize = 256

// keepSignals runs f and then puts back the signal handlers that were
// installed before it.
func (a *api) keepSignals(f func()) {
	saved := make([][sigactionSize]byte, len(guarded))
	for i, s := range guarded {
		a.sigaction(int32(s), nil, unsafe.Pointer(&saved[i][0]))
	}
	defer func() {
		for i, s := range guarded {
			a.sigaction(int32(s), unsafe.Pointer(&saved[i][0]), nil)
		}
	}()
	f()
}

// cstrings converts args to NUL-terminated C strings.
func cstrings(args []string) []*byte {
	out := make([]*byte, len(args))
	for i, s := range args {
		b := append([]byte(s), 0)
		out[i] = &b[0]
	}
	return out
}

// rawConn is one chDB connection.
type rawConn struct {
	a *api
	c *connHandle
}

func (a *api) open(args []string) (*rawConn, error) {
	argv := cstrings(append([]string{"clickhouse"}, args...))
	var c *connHandle
	a.keepSignals(func() { c = a.connect(int32(len(argv)), argv) })
	runtime.KeepAlive(argv)
	if c == nil {
		return nil, errors.New("chdb_connect failed (see the messages above)")
	}
	return &rawConn{a: a, c: c}, nil
}

// run runs one query and returns its output in format.
func (r *rawConn) run(q, format string) ([]byte, error) {
	res := r.a.query(r.c.internal, q, format)
	if res == nil {
		return nil, nil
	}
	defer r.a.destroy(res)
	if msg := r.a.errorText(res); msg != "" {
		return nil, errors.New(msg)
	}
	n := r.a.length(res)
	if n == 0 {
		return nil, nil
	}
	p := r.a.buffer(res)
	if p == nil {
		return nil, nil
	}
	return append([]byte(nil), unsafe.Slice(p, n)...), nil
}

func (r *rawConn) close() { r.a.closeConn(r.c) }

// inUse reports whether another process holds the lock ClickHouse takes on
// <dir>/status (flock, exclusive) while it has the directory open. The
// probe takes and drops the same lock, non-blocking.
func inUse(dir string) bool {
	f, err := os.Open(dir + "/status")
	if err != nil {
		return false // never opened: nobody holds it
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return errors.Is(err, syscall.EWOULDBLOCK)
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false
}
