package dialect

import (
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"github.com/mxmigrate/mxmigrate/config"
)

var (
	mu       sync.RWMutex
	dialects = map[string]Dialect{}
	byType   = map[string]Dialect{}
)

// Register makes a dialect available under its name and store types; dialect
// packages call it from init. Registering a name or a store type twice is a
// programming error and panics, as database/sql's Register does.
func Register(d Dialect) {
	mu.Lock()
	defer mu.Unlock()
	if d == nil {
		panic("dialect: Register of a nil dialect")
	}
	if _, dup := dialects[d.Name()]; dup {
		panic("dialect: Register called twice for dialect " + d.Name())
	}
	for _, t := range d.StoreTypes() {
		if prev, dup := byType[t]; dup {
			panic(fmt.Sprintf("dialect: store type %s registered by dialects %s and %s", t, prev.Name(), d.Name()))
		}
	}
	dialects[d.Name()] = d
	for _, t := range d.StoreTypes() {
		byType[t] = d
	}
}

// Names lists the registered dialects, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(dialects))
	for n := range dialects {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// StoreTypes lists the store class paths of every registered dialect, sorted.
func StoreTypes() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(byType))
	for t := range byType {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the dialect registered under name.
func Lookup(name string) (Dialect, bool) {
	mu.RLock()
	defer mu.RUnlock()
	d, ok := dialects[name]
	return d, ok
}

// ForStore returns the dialect that handles the store's type.
func ForStore(st *config.Store) (Dialect, error) {
	if st.Err != nil {
		return nil, st.Err
	}
	mu.RLock()
	d, ok := byType[st.Type]
	mu.RUnlock()
	if !ok && len(StoreTypes()) == 0 {
		return nil, fmt.Errorf("%s: stores.%s.type = %q: no dialect is built into this program; a Go program using mxmigrate as a library imports the dialects it needs, e.g. _ \"github.com/mxmigrate/mxmigrate/dialect/postgres\"",
			st.ConfigPath, st.Name, st.Type)
	}
	if !ok {
		return nil, fmt.Errorf("%s: stores.%s.type = %q is not a SQL metadata store this mxmigrate supports; supported types:\n  %s",
			st.ConfigPath, st.Name, st.Type, strings.Join(StoreTypes(), "\n  "))
	}
	return d, nil
}

// ModuleVersion is the version of the Go module at path built into this
// program ("unknown" when it is not, or the program has no build
// information), for About.Versions.
func ModuleVersion(path string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, d := range bi.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		if d.Path == path {
			return d.Version
		}
	}
	return "unknown"
}
