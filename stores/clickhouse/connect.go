package clickhouse

import (
	"context"
	"crypto/tls"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/internal/chdb"
	"github.com/mxmigrate/mxmigrate/internal/sqlx"
	"github.com/mxmigrate/mxmigrate/stores"
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
func (d Dialect) Configure(st *config.Store) (stores.Store, error) {
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
		p, q, _ := strings.Cut(rest, "?")
		if strings.HasPrefix(p, "//") {
			p = strings.TrimPrefix(p, "//")
			if !strings.HasPrefix(p, "/") {
				return nil, fmt.Errorf("%s: %s = %q: write chdb:///absolute/path or chdb:relative/path", st.ConfigPath, st.Key("connection_string"), raw)
			}
		}
		if p == "" {
			return nil, fmt.Errorf("%s: %s = %q: no data directory", st.ConfigPath, st.Key("connection_string"), raw)
		}
		vals, err := url.ParseQuery(q)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", st.ConfigPath, st.Key("connection_string"), err)
		}
		for k := range vals {
			if k != "database" {
				return nil, fmt.Errorf("%s: %s = %q: unknown parameter %q (chdb: URLs take ?database=NAME)", st.ConfigPath, st.Key("connection_string"), raw, k)
			}
		}
		s.dir, s.db = st.Resolve(p), vals.Get("database")
		if s.db == "" {
			s.db = "default"
		}
		return s, nil
	}
	u, err := url.Parse(raw)
	if err != nil || !strings.HasPrefix(u.Scheme, "clickhouse") || u.Host == "" {
		return nil, fmt.Errorf("%s: %s: not a ClickHouse URL (clickhouse://user:pass@host:8443/db or chdb:///dir): %s",
			st.ConfigPath, st.Key("connection_string"), stores.MaskPassword(raw))
	}
	if pw, ok := u.User.Password(); ok {
		stores.RegisterSecret(pw)
	}
	s.u = u
	s.secure, s.port = nativePort(u)
	return s, nil
}

// nativePort applies Metaxy's sqlalchemy_url rule: HTTP 8443 -> 9440 (secure),
// 8123 -> 9000; any other port -> 9440 when secure=True is set, else 9000.
func nativePort(u *url.URL) (secure bool, port int) {
	p := u.Port()
	secure = p == "8443" || strings.EqualFold(u.Query().Get("secure"), "true")
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
func (s *store) Open(ctx context.Context, o stores.OpenOptions) (*stores.Handle, error) {
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
	return &stores.Handle{DB: db, ID: "clickhouse://" + s.u.Host + "/" + s.database()}, nil
}

func (s *store) openEmbedded(o stores.OpenOptions) (*stores.Handle, error) {
	sess, err := chdb.Open(s.dir)
	if err != nil {
		return nil, fmt.Errorf("store %q: %w", s.name, err)
	}
	if s.db != "default" {
		if _, err := sess.Query("", "CREATE DATABASE IF NOT EXISTS "+chdb.QuoteIdent(s.db), "TabSeparated"); err != nil {
			sess.Release(o.ExitSoon)
			return nil, fmt.Errorf("store %q: create database %s: %w", s.name, s.db, err)
		}
	}
	db := sql.OpenDB(chdb.NewConnector(sess, s.db))
	released := false
	return &stores.Handle{DB: db, ID: "chdb://" + sess.Path() + "?database=" + s.db, Release: func() error {
		if released {
			return nil
		}
		released = true
		err := db.Close()
		sess.Release(o.ExitSoon)
		return err
	}}, nil
}

// URL mirrors Metaxy's sqlalchemy_url: clickhouse+native:// on the native
// port, secure=True for TLS; a chdb: store's URL as written.
func (s *store) URL(o stores.URLOptions) (string, error) {
	if s.embedded() {
		if o.Port != 0 {
			return "", fmt.Errorf("store %q is an embedded ClickHouse directory: it has no port (--port)", s.name)
		}
		return sqlx.ApplyURLOptions(s.raw, o)
	}
	u := *s.u
	u.Scheme = "clickhouse+native"
	u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(s.port))
	q := u.Query()
	if s.secure {
		q.Del("protocol")
		q.Set("secure", "True")
	}
	u.RawQuery = q.Encode()
	return sqlx.ApplyURLOptions(u.String(), o)
}

// MigrateURL is the URL of golang-migrate's ClickHouse driver (the stock CLI
// built with -tags clickhouse): clickhouse://host:native-port?username=&password=&database=
// with x-multi-statement, x-migrations-table, and x-cluster-name and
// x-migrations-table-engine=MergeTree when clustered.
func (s *store) MigrateURL(table string, o stores.URLOptions) (string, error) {
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
	return sqlx.ApplyURLOptions(u.String(), o)
}
