package chdb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// LibraryPackage is the npm package that ships the libchdb mxmigrate is
// tested with (ClickHouse 26.7).
const LibraryPackage = "@chdb/lib-linux-x64-gnu@26.7.3-stable.1"

// MissingError says that libchdb could not be loaded, and how to get it.
type MissingError struct {
	Tried []string
	Err   error
}

func (e *MissingError) Error() string {
	if Static {
		return fmt.Sprintf("embedded ClickHouse (chDB) is not available: %v", e.Err)
	}
	return fmt.Sprintf("embedded ClickHouse (chDB) is not available: libchdb could not be loaded (%v). "+
		"It is a separate 566 MB library: fetch it with `npm pack %s` and `tar xzf` the tarball, "+
		"then set CHDB_LIB_PATH to the package/libchdb.so it holds (in a checkout of mxmigrate, "+
		"`bash scripts/provision.sh` does this into .cache/chdb). Stores on a ClickHouse server "+
		"(clickhouse://...) do not need it.", e.Err, LibraryPackage)
}

func (e *MissingError) Unwrap() error { return e.Err }

// Load loads libchdb now (it is otherwise loaded by the first Open) and
// returns the path it was loaded from.
func Load() (string, error) {
	if _, err := load(); err != nil {
		return "", err
	}
	return libPath, nil
}

// Session is the process's chDB session on one data directory. chDB keeps one
// per process: opening a second directory while the first is open is refused.
type Session struct {
	path string
	mu   sync.Mutex // one query at a time
	raw  *rawConn
	// db is the session's current database (USE), switched per query.
	db   string
	refs int
}

var (
	sessionMu sync.Mutex
	current   *Session
)

// ErrInUse: another process has the data directory open.
var ErrInUse = errors.New("in use by another process")

// Open opens (or shares) the session on the data directory path, creating the
// directory when it does not exist. A directory another process has open is
// ErrInUse (ClickHouse would print its exception and fail).
func Open(path string) (*Session, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	sessionMu.Lock()
	defer sessionMu.Unlock()
	if current != nil {
		if current.path != abs {
			return nil, fmt.Errorf("chDB runs one data directory per process: %s is open, so %s cannot be; use one directory (and a database per store: chdb://%s?database=NAME)", current.path, abs, current.path)
		}
		current.refs++
		return current, nil
	}
	a, err := load()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("chDB data directory: %w", err)
	}
	if inUse(abs) {
		return nil, fmt.Errorf("chDB data directory %s is %w (ClickHouse locks its status file: one process per directory)", abs, ErrInUse)
	}
	if err := detachStdin(); err != nil {
		return nil, fmt.Errorf("chDB: detach standard input: %w", err)
	}
	raw, err := a.open([]string{"--path=" + abs})
	if err != nil {
		return nil, fmt.Errorf("open chDB data directory %s: %w", abs, err)
	}
	current = &Session{path: abs, raw: raw, db: "default", refs: 1}
	return current, nil
}

// Path is the session's data directory.
func (s *Session) Path() string { return s.path }

// Release gives up one reference. keep leaves the session open when it was
// the last (a process about to exit spares the engine's shutdown).
func (s *Session) Release(keep bool) {
	sessionMu.Lock()
	defer sessionMu.Unlock()
	s.refs--
	if s.refs > 0 || keep {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.raw != nil {
		s.raw.close()
		s.raw = nil
	}
	if current == s {
		current = nil
	}
}

// ErrClosed is returned by queries on a released session.
var ErrClosed = errors.New("chDB session is closed")

// Query runs one statement in database db and returns its output in format
// (nil for statements without output).
func (s *Session) Query(db, q, format string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.raw == nil {
		return nil, ErrClosed
	}
	if db != "" && db != s.db {
		if _, err := s.raw.run("USE "+QuoteIdent(db), "TabSeparated"); err != nil {
			return nil, err
		}
		s.db = db
	}
	out, err := s.raw.run(q, format)
	if err == nil && s.db != "" && looksLikeUse(q) {
		// the statement switched databases itself: ask which is current
		s.db = ""
	}
	return out, err
}

func looksLikeUse(q string) bool {
	f := strings.Fields(q)
	return len(f) > 0 && strings.EqualFold(f[0], "USE")
}

// QuoteIdent back-quotes a ClickHouse identifier.
func QuoteIdent(s string) string {
	return "`" + strings.NewReplacer(`\`, `\\`, "`", "\\`").Replace(s) + "`"
}
