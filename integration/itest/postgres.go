package itest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/ory/dockertest/v3"
	dc "github.com/ory/dockertest/v3/docker"
)

// DefaultPostgresImage is the official image; MXMIGRATE_POSTGRES_IMAGE overrides it.
const DefaultPostgresImage = "postgres:15"

// Postgres is a PostgreSQL server in a Docker container.
type Postgres struct {
	pool  *dockertest.Pool
	res   *dockertest.Resource
	Host  string
	Port  string
	admin *sql.DB
	n     atomic.Int64
	// Setup is how long starting the container took.
	Setup time.Duration
	// Image is the image the server runs.
	Image string
}

const (
	pgUser     = "metaxy"
	pgPassword = "s3cret-pw"
)

// StartPostgres runs the PostgreSQL image and waits until it accepts
// connections. Without a Docker engine it fails, saying how to get one.
func StartPostgres() (*Postgres, error) {
	start := time.Now()
	pool, err := dockertest.NewPool("")
	if err == nil {
		err = pool.Client.Ping()
	}
	if err != nil {
		return nil, fmt.Errorf("no Docker engine answers (%v): run `make test`, which installs and starts one when run as root on Debian, or start Docker yourself (DOCKER_HOST is honoured)", err)
	}
	pool.MaxWait = 90 * time.Second
	image := os.Getenv("MXMIGRATE_POSTGRES_IMAGE")
	if image == "" {
		image = DefaultPostgresImage
	}
	repo, tag, ok := strings.Cut(image, ":")
	if !ok || strings.Contains(tag, "/") {
		repo, tag = image, "latest"
	}
	res, err := pool.RunWithOptions(&dockertest.RunOptions{
		Repository: repo, Tag: tag,
		Env:    []string{"POSTGRES_USER=" + pgUser, "POSTGRES_PASSWORD=" + pgPassword, "POSTGRES_DB=" + pgUser},
		Labels: map[string]string{"mxmigrate-test": "1"},
	}, func(hc *dc.HostConfig) {
		hc.AutoRemove = true
		hc.RestartPolicy = dc.RestartPolicy{Name: "no"}
		hc.PortBindings = map[dc.Port][]dc.PortBinding{"5432/tcp": {{HostIP: "127.0.0.1", HostPort: ""}}}
	})
	if err != nil {
		return nil, fmt.Errorf("start %s: %w (set MXMIGRATE_POSTGRES_IMAGE, or run `make test` to build a local image from Debian packages)", image, err)
	}
	res.Expire(3600) // removed even if this process dies
	p := &Postgres{pool: pool, res: res, Host: "127.0.0.1", Port: res.GetPort("5432/tcp"), Image: image}
	err = pool.Retry(func() error {
		db, err := sql.Open("pgx", p.DSN(pgUser))
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return err
		}
		p.admin = db
		return nil
	})
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("PostgreSQL in %s did not accept connections: %w", image, err)
	}
	p.Setup = time.Since(start)
	return p, nil
}

// ImageMajor is the PostgreSQL major version an image's tag names
// ("postgres:18", "mxmigrate/postgres:18-debian", "postgres:15.4"), or 0.
func ImageMajor(image string) int {
	_, tag, ok := strings.Cut(image, ":")
	if !ok {
		return 0
	}
	n := 0
	for _, r := range tag {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// ServerMajor asks the server for its major version.
func (p *Postgres) ServerMajor() (int, error) {
	var num int
	err := p.admin.QueryRow(`SELECT current_setting('server_version_num')::int`).Scan(&num)
	return num / 10000, err
}

// DSN is the postgresql:// URL of database db.
func (p *Postgres) DSN(db string) string {
	u := url.URL{Scheme: "postgresql", User: url.UserPassword(pgUser, pgPassword), Host: p.Host + ":" + p.Port, Path: "/" + db, RawQuery: "sslmode=disable"}
	return u.String()
}

// AdminDSN is the URL of the server's own database (not a test's): a
// dev_url that makes the proof's scratch databases on this server.
func (p *Postgres) AdminDSN() string { return p.DSN(pgUser) }

// Password is the server's password, for tests that check masking.
func (p *Postgres) Password() string { return pgPassword }

// NewDatabase creates a fresh database and returns its name.
func (p *Postgres) NewDatabase(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("t%d_%d", time.Now().UnixNano()%1e6, p.n.Add(1))
	if _, err := p.admin.Exec(`CREATE DATABASE "` + name + `"`); err != nil {
		t.Fatal(err)
	}
	return name
}

// Open opens database db.
func (p *Postgres) Open(t testing.TB, db string) *sql.DB {
	t.Helper()
	h, err := sql.Open("pgx", p.DSN(db))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// Close removes the container.
func (p *Postgres) Close() {
	if p.admin != nil {
		p.admin.Close()
	}
	if p.res != nil {
		p.pool.Purge(p.res)
	}
}
