package clickhouse

import (
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/chdb"
	"github.com/mxmigrate/mxmigrate/internal/dburl"
	"github.com/mxmigrate/mxmigrate/internal/redact"
)

// store is a configured ClickHouse store: a server (clickhouse://...) or an
// embedded data directory (chdb:...).
type store struct {
	name    string
	raw     string // connection_string as written (templated)
	cluster string
	// server
	u      *url.URL
	secure bool
	port   int // native protocol port
	// chdb
	dir string
	db  string
}

// Configure reads config.connection_string: clickhouse://user:pass@host:port/db
// (Metaxy's form; HTTP ports are mapped to the native protocol's) or
// chdb:///abs/dir, chdb:rel/dir (relative to the configuration file), with
// ?database=NAME (default "default").
func (d Dialect) Configure(st *config.Store) (dialect.Store, error) {
	raw, err := st.String("connection_string")
	if err != nil {
		return nil, err
	}
	if raw == "" {
		if st.Has("connection_params") {
			return nil, fmt.Errorf("%s: store %q sets connection_params but no %s: mxmigrate needs a URL (as Metaxy's sqlalchemy_url does), e.g. clickhouse://user:pass@host:8443/db",
				st.ConfigPath, st.Name, st.Key("connection_string"))
		}
		return nil, fmt.Errorf("%s: store %q: %s is not set (e.g. clickhouse://user:pass@host:8443/db, or chdb:///path/to/dir for embedded ClickHouse)",
			st.ConfigPath, st.Name, st.Key("connection_string"))
	}
	s := &store{name: st.Name, raw: raw, cluster: d.settings().cluster}
	if rest, ok := strings.CutPrefix(raw, "chdb:"); ok {
		err = s.readChdbURL(st, rest)
	} else {
		err = s.readServerURL(st)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// readChdbURL reads a chdb: URL (rest is what follows "chdb:") into s: the
// data directory, resolved against the configuration file, and ?database.
func (s *store) readChdbURL(st *config.Store, rest string) error {
	raw := s.raw
	p, q, _ := strings.Cut(rest, "?")
	if strings.HasPrefix(p, "//") {
		p = strings.TrimPrefix(p, "//")
		if !strings.HasPrefix(p, "/") {
			return fmt.Errorf("%s: %s = %q: write chdb:///absolute/path or chdb:relative/path", st.ConfigPath, st.Key("connection_string"), raw)
		}
	}
	if p == "" {
		return fmt.Errorf("%s: %s = %q: no data directory", st.ConfigPath, st.Key("connection_string"), raw)
	}
	vals, err := url.ParseQuery(q)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", st.ConfigPath, st.Key("connection_string"), err)
	}
	for k := range vals {
		if k != "database" {
			return fmt.Errorf("%s: %s = %q: unknown parameter %q (chdb: URLs take ?database=NAME)", st.ConfigPath, st.Key("connection_string"), raw, k)
		}
	}
	if len(vals["database"]) > 1 {
		return fmt.Errorf("%s: %s = %q: ?database is given %d times", st.ConfigPath, st.Key("connection_string"), raw, len(vals["database"]))
	}
	if strings.HasPrefix(p, "~") {
		return fmt.Errorf("%s: %s = %q: ~ is not expanded: write chdb:///absolute/path, or a path relative to %s", st.ConfigPath, st.Key("connection_string"), raw, st.ConfigPath)
	}
	s.dir, s.db = st.Resolve(p), vals.Get("database")
	if s.db == "" {
		s.db = "default"
	}
	if err := checkDatabase(s.db); err != nil {
		return fmt.Errorf("%s: %s: %w", st.ConfigPath, st.Key("connection_string"), err)
	}
	return nil
}

// readServerURL reads a clickhouse:// URL into s: credentials (in the userinfo
// or clickhouse-connect's query parameters, registered as secrets), the
// native port for an HTTP one, and the database.
func (s *store) readServerURL(st *config.Store) error {
	raw := s.raw
	u, err := url.Parse(raw)
	if err != nil || !strings.HasPrefix(u.Scheme, "clickhouse") || u.Host == "" {
		return fmt.Errorf("%s: %s: not a ClickHouse URL (clickhouse://user:pass@host:8443/db or chdb:///dir): %s",
			st.ConfigPath, st.Key("connection_string"), redactUserinfo(raw))
	}
	if pw, ok := u.User.Password(); ok {
		redact.RegisterSecret(pw)
	}
	q := u.Query()
	for k, v := range q {
		switch k {
		case "secure", "protocol":
		case "username", "user", "password":
			// clickhouse-connect's spellings: credentials in the query
			if k == "password" {
				redact.RegisterSecret(v[0])
			}
		default:
			return fmt.Errorf("%s: %s: unknown parameter %q (ClickHouse URLs here take secure, protocol, username, password)", st.ConfigPath, st.Key("connection_string"), k)
		}
		if len(v) > 1 {
			return fmt.Errorf("%s: %s: parameter %q is given %d times", st.ConfigPath, st.Key("connection_string"), k, len(v))
		}
	}
	// credentials in the userinfo win over the query's
	user, pw, hasPW := u.User.Username(), "", false
	if u.User != nil {
		pw, hasPW = u.User.Password()
	}
	if user == "" {
		user = q.Get("username")
		if user == "" {
			user = q.Get("user")
		}
	}
	if !hasPW && q.Has("password") {
		pw, hasPW = q.Get("password"), true
	}
	switch {
	case hasPW:
		u.User = url.UserPassword(user, pw)
	case user != "":
		u.User = url.User(user)
	}
	q.Del("username")
	q.Del("user")
	q.Del("password")
	u.RawQuery = q.Encode()
	s.u = u
	s.secure, s.port = nativePort(u)
	if err := checkDatabase(s.database()); err != nil {
		return fmt.Errorf("%s: %s: %w", st.ConfigPath, st.Key("connection_string"), err)
	}
	return nil
}

// redactUserinfo hides what stands between "://" and the last "@" of a URL
// that does not parse (a password with a space, say).
func redactUserinfo(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return redact.MaskPassword(raw)
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	if at := strings.LastIndex(host, "@"); at >= 0 {
		return scheme + "://***@" + rest[at+1:]
	}
	return redact.MaskPassword(raw)
}

// checkDatabase refuses database names that are not plain identifiers:
// golang-migrate's ClickHouse driver writes the name into its SQL quoted
// with " doubled only (a backslash in the name breaks out), and ClickHouse's
// own databases (system, information_schema) hold no migrations.
func checkDatabase(db string) error {
	if !identRE.MatchString(db) {
		return fmt.Errorf("database %q: mxmigrate takes database names of letters, digits and underscores", db)
	}
	switch strings.ToLower(db) {
	case "system", "information_schema":
		return fmt.Errorf("database %q is ClickHouse's own: keep Metaxy's tables in a database of yours", db)
	}
	return nil
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// metaxyPort is Metaxy's sqlalchemy_url rule, for URL: HTTP 8443 -> 9440
// (secure), 8123 -> 9000; any other port -> 9440 when secure=True is set,
// else 9000.
func metaxyPort(u *url.URL) (secure bool, port int) {
	p := u.Port()
	secure = p == "8443" || u.Query().Get("secure") == "True"
	switch {
	case p == "8443":
		return true, 9440
	case p == "8123":
		return secure, 9000
	case secure:
		return true, 9440
	}
	return false, 9000
}

// nativePort is where mxmigrate connects (and golang-migrate's URL points):
// Metaxy's HTTP ports map as in its sqlalchemy_url (8443 -> 9440 with TLS,
// 8123 -> 9000); the native ports 9000 and 9440 (TLS) and any other port
// given are kept, since mxmigrate cannot know the native port of a
// non-standard HTTP one; no port: 9000, or 9440 with TLS. TLS also with
// secure=true/1, protocol=https, or a clickhouse+https scheme.
func nativePort(u *url.URL) (secure bool, port int) {
	q := u.Query()
	sec := strings.ToLower(q.Get("secure"))
	secure = sec == "true" || sec == "1" || strings.EqualFold(q.Get("protocol"), "https") ||
		strings.HasSuffix(u.Scheme, "+https") || u.Port() == "8443" || u.Port() == "9440"
	switch p := u.Port(); p {
	case "8443":
		return true, 9440
	case "8123":
		return secure, 9000
	case "":
		if secure {
			return true, 9440
		}
		return false, 9000
	default:
		n, _ := strconv.Atoi(p)
		return secure, n
	}
}

func (s *store) embedded() bool { return s.dir != "" }

func (s *store) database() string {
	if s.embedded() {
		return s.db
	}
	if db := strings.Trim(s.u.Path, "/"); db != "" {
		return db
	}
	return "default"
}

// Open connects to the server, or opens the embedded data directory (the
// database is created when missing).
func (s *store) Open(ctx context.Context, o dialect.OpenOptions) (*dialect.Handle, error) {
	if s.embedded() {
		return s.openEmbedded(o)
	}
	pw, _ := s.u.User.Password()
	opts := &ch.Options{
		Addr:        []string{net.JoinHostPort(s.u.Hostname(), strconv.Itoa(s.port))},
		Auth:        ch.Auth{Database: s.database(), Username: s.u.User.Username(), Password: pw},
		DialTimeout: 10 * time.Second,
		Protocol:    ch.Native,
	}
	if s.secure {
		opts.TLS = &tls.Config{ServerName: s.u.Hostname()}
	}
	db := ch.OpenDB(opts)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to ClickHouse %s (native protocol, port %d): %w", s.u.Host, s.port, err)
	}
	return &dialect.Handle{DB: db, ID: "clickhouse://" + s.u.Host + "/" + s.database()}, nil
}

// openEmbedded opens the data directory and the store's database in it,
// creating them when missing, except for a read-only command: that reads an
// empty database and creates nothing on disk (a directory that does not
// exist is opened as an empty scratch directory, removed after; a database
// that does not exist is made in memory only, ENGINE = Memory).
// It is long because each of its cases (directory or not, database or not,
// read-only or not) needs its own few lines, in order.
func (s *store) openEmbedded(o dialect.OpenOptions) (*dialect.Handle, error) {
	dir, scratch := s.dir, ""
	if _, err := os.Stat(dir); o.ReadOnly && os.IsNotExist(err) {
		if scratch, err = os.MkdirTemp("", "mxmigrate-chdb-"); err != nil {
			return nil, err
		}
		dir = scratch
	}
	sess, err := chdb.Open(dir)
	if err != nil {
		if scratch != "" {
			os.RemoveAll(scratch)
		}
		if errors.Is(err, chdb.ErrInUse) {
			return nil, &dialect.InUseError{Msg: fmt.Sprintf("store %q: %v", s.name, err)}
		}
		return nil, fmt.Errorf("store %q: %w", s.name, err)
	}
	release := func() {
		sess.Release(o.ExitSoon && scratch == "")
		if scratch != "" {
			os.RemoveAll(scratch)
		}
	}
	if s.db != "default" {
		out, err := sess.Query("", "SELECT engine FROM system.databases WHERE name = "+chdb.QuoteString(s.db), "TabSeparated")
		engine := strings.TrimSpace(string(out))
		var stmts []string
		switch {
		case err != nil:
		case engine == "" && o.ReadOnly:
			stmts = []string{"CREATE DATABASE " + chdb.QuoteIdent(s.db) + " ENGINE = Memory"}
		case engine == "":
			stmts = []string{"CREATE DATABASE " + chdb.QuoteIdent(s.db)}
		case engine == "Memory" && !o.ReadOnly:
			// made in memory by a read-only command of this process: now
			// for real (nothing in it was ever on disk)
			stmts = []string{"DROP DATABASE " + chdb.QuoteIdent(s.db), "CREATE DATABASE " + chdb.QuoteIdent(s.db)}
		}
		for _, q := range stmts {
			if err == nil {
				_, err = sess.Query("", q, "TabSeparated")
			}
		}
		if err != nil {
			release()
			return nil, fmt.Errorf("store %q: database %s: %w", s.name, s.db, err)
		}
	}
	db := sql.OpenDB(chdb.NewConnector(sess, s.db))
	released := false
	return &dialect.Handle{DB: db, ID: "chdb://" + s.dir + "?database=" + s.db, Release: func() error {
		if released {
			return nil
		}
		released = true
		err := db.Close()
		release()
		return err
	}}, nil
}

// URL mirrors Metaxy's sqlalchemy_url: clickhouse+native:// on the native
// port, secure=True for TLS; a chdb: store's URL as written.
func (s *store) URL(o dialect.URLOptions) (string, error) {
	if s.embedded() {
		if o.Port != 0 {
			return "", fmt.Errorf("store %q is an embedded ClickHouse directory: it has no port (--port)", s.name)
		}
		return dburl.Apply(s.raw, o.Protocol, o.Port)
	}
	u := *s.u
	u.Scheme = "clickhouse+native"
	secure, port := metaxyPort(&u)
	u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(port))
	q := u.Query()
	if secure {
		q.Del("protocol")
		q.Set("secure", "True")
	}
	u.RawQuery = q.Encode()
	return dburl.Apply(u.String(), o.Protocol, o.Port)
}

// MigrateURL is the URL of golang-migrate's ClickHouse driver (the stock CLI
// built with -tags clickhouse): clickhouse://host:native-port?username=&password=&database=
// with x-multi-statement, x-migrations-table, and x-cluster-name and
// x-migrations-table-engine=MergeTree when clustered.
func (s *store) MigrateURL(table string, o dialect.URLOptions) (string, error) {
	if s.embedded() {
		return "", fmt.Errorf("store %q is an embedded ClickHouse directory (chDB): golang-migrate's CLI cannot open it; apply with `mxmigrate up`", s.name)
	}
	if err := checkMigrationsTable(table); err != nil {
		return "", err
	}
	q := url.Values{}
	q.Set("username", s.u.User.Username())
	if pw, ok := s.u.User.Password(); ok {
		q.Set("password", pw)
	}
	q.Set("database", s.database())
	if s.secure {
		q.Set("secure", "true")
	}
	q.Set("x-multi-statement", "true")
	q.Set("x-migrations-table", table)
	if s.cluster != "" {
		q.Set("x-cluster-name", s.cluster)
		q.Set("x-migrations-table-engine", migrationsEngine(s.cluster))
	}
	u := url.URL{Scheme: "clickhouse", Host: net.JoinHostPort(s.u.Hostname(), strconv.Itoa(s.port)), RawQuery: q.Encode()}
	return dburl.Apply(u.String(), o.Protocol, o.Port)
}

// Dev is the dev database the proof runs on (docs/proof.md):
//   - dev_url "chdb:" (or no live store: generate --offline): embedded
//     chDB in a temporary directory, removed after;
//   - dev_url naming a server (clickhouse://) or a chDB directory
//     (chdb:DIR): a scratch database made there, dropped after;
//   - otherwise a scratch database beside the live one, on the same server
//     or in the same chDB data directory (chDB runs one engine per process,
//     which an embedded live store holds). A server with libchdb at hand
//     gets embedded chDB in a temporary directory instead.
//
// It is empty by construction and never the live database; none is made
// for a cluster yet.
func (d Dialect) Dev(ctx context.Context, live dialect.Store, devURL string) (dialect.Store, func(), error) {
	s, _ := live.(*store)
	switch {
	case d.settings().cluster != "":
		// the files say ON CLUSTER, which a single node refuses
		return nil, nil, fmt.Errorf("no dev database on a cluster yet (the files say ON CLUSTER): generate --no-proof")
	case devURL == "chdb:" || devURL == "chdb://":
		return tempDev(ctx)
	case devURL != "":
		return d.namedDev(ctx, s, devURL)
	case s == nil:
		return tempDev(ctx)
	case s.embedded():
		if _, err := os.Stat(s.dir); os.IsNotExist(err) {
			// nothing to make a database beside, and the live directory is
			// not created by a command that only plans
			return tempDev(ctx)
		}
	case !s.embedded():
		if _, err := chdb.Load(); err == nil {
			return tempDev(ctx)
		}
	}
	return scratch(ctx, s)
}

// namedDev is a scratch database on the server or in the chDB directory
// devURL names; a URL naming the live database is refused.
func (d Dialect) namedDev(ctx context.Context, live *store, devURL string) (dialect.Store, func(), error) {
	ds, err := d.Configure(&config.Store{Name: "dev", ConfigPath: "dev_url", Settings: map[string]any{"connection_string": devURL}})
	if err != nil {
		return nil, nil, err
	}
	dev := ds.(*store)
	if live != nil && sameDatabase(dev, live) {
		return nil, nil, fmt.Errorf("dev_url %s names the live database: the proof needs a server it may create a scratch database on, never the live one", redactUserinfo(devURL))
	}
	return scratch(ctx, dev)
}

// sameDatabase reports whether two stores name one database: the same data
// directory, or the same host and port, and the same database.
func sameDatabase(a, b *store) bool {
	if a.embedded() != b.embedded() || a.database() != b.database() {
		return false
	}
	if a.embedded() {
		da, _ := filepath.Abs(a.dir)
		db, _ := filepath.Abs(b.dir)
		return da == db
	}
	return strings.EqualFold(a.u.Hostname(), b.u.Hostname()) && a.port == b.port
}

// tempDev is embedded chDB in a temporary directory, held open until the
// returned function removes it.
func tempDev(ctx context.Context) (dialect.Store, func(), error) {
	dir, err := os.MkdirTemp("", "mxmigrate-dev-")
	if err != nil {
		return nil, nil, err
	}
	dev := &store{name: "dev", raw: "chdb:" + dir, dir: dir, db: "default"}
	pin, err := dev.Open(ctx, dialect.OpenOptions{})
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return dev, func() {
		pin.Close()
		os.RemoveAll(dir)
	}, nil
}

// scratch is a database mxmigrate makes on s's server or in s's chDB
// directory, and the function that drops it.
func scratch(ctx context.Context, s *store) (dialect.Store, func(), error) {
	name := dialect.DevName()
	dev := *s
	if s.embedded() {
		dev.db = name // created when opened
		dev.raw = "chdb:" + s.dir + "?database=" + name
	} else {
		h, err := s.Open(ctx, dialect.OpenOptions{})
		if err != nil {
			return nil, nil, err
		}
		_, err = h.ExecContext(ctx, "CREATE DATABASE "+chdb.QuoteIdent(name))
		h.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("cannot make a scratch dev database on %s (%v): set [ext.mxmigrate] dev_url (or --dev-url) to a server mxmigrate may create databases on, or \"chdb:\"", s.u.Host, err)
		}
		u := *s.u
		u.Path = "/" + name
		dev.u = &u
	}
	sys := *s // dropped from "default", so that the live database is not created
	sys.db = "default"
	if !s.embedded() {
		u := *s.u
		u.Path = "/default"
		sys.u = &u
	}
	drop := func() {
		dialect.Exec(context.Background(), &sys, "DROP DATABASE IF EXISTS "+chdb.QuoteIdent(name)+" SYNC")
	}
	return &dev, drop, nil
}
