package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/docker"
	"github.com/mxmigrate/mxmigrate/internal/redact"
	"github.com/mxmigrate/mxmigrate/internal/sqltext"
)

// Dev is the dev database the proof runs on (docs/proof.md), always a
// scratch database mxmigrate makes with CREATE DATABASE and drops after:
//   - dev_url docker://postgres/MAJOR: on a throwaway server in a container
//     of that major (see dockerServer), removed after;
//   - dev_url postgresql://...: on that server (never the live database);
//   - no dev_url: on a throwaway container of the live server's major when
//     a Docker engine answers, else on the live server (the role needs
//     CREATEDB), else an error naming dev_url.
//
// A live store that is itself a dev server (generate --offline proving on
// the server it planned on) gets its scratch database there.
func (Dialect) Dev(ctx context.Context, live dialect.Store, devURL string) (dialect.Store, func(), error) {
	server, _ := live.(*store)
	switch {
	case server != nil && server.container != "":
		return scratch(ctx, server, server.String())
	case strings.HasPrefix(devURL, "docker://"):
		major, err := dockerMajor(devURL)
		if err != nil {
			return nil, nil, err
		}
		return dockerDev(ctx, major)
	case devURL != "":
		return namedDev(ctx, server, devURL)
	case server == nil:
		return nil, nil, fmt.Errorf("no dev database: without the live server (--offline), set [ext.mxmigrate] dev_url (or --dev-url) to docker://postgres/MAJOR (the live server's major) or to a PostgreSQL server mxmigrate may create a scratch database on")
	}
	var why string
	if _, err := docker.Connect(ctx); err == nil {
		major, err := serverMajor(ctx, server)
		if err != nil {
			return nil, nil, err
		}
		dev, remove, err := dockerDev(ctx, major)
		if err == nil {
			return dev, remove, nil
		}
		why = "; " + err.Error()
	} else {
		why = "; " + err.Error()
	}
	dev, remove, err := scratch(ctx, server, "the live server")
	if err != nil {
		return nil, nil, fmt.Errorf("%w%s", err, why)
	}
	return dev, remove, nil
}

// namedDev is a scratch database on the server devURL names.
func namedDev(ctx context.Context, live *store, devURL string) (dialect.Store, func(), error) {
	m := schemeRE.FindStringSubmatch(devURL)
	if m == nil || !strings.HasPrefix(strings.ToLower(m[1]), "postgres") {
		return nil, nil, fmt.Errorf("dev_url %s is neither docker://postgres/MAJOR nor a postgresql:// URL", redact.MaskPassword(devURL))
	}
	registerPassword(devURL)
	dev := &store{name: "dev", raw: devURL, url: "postgresql://" + devURL[len(m[0]):]}
	if live != nil && sameDatabase(dev.url, live.url) {
		return nil, nil, fmt.Errorf("dev_url %s names the live database: the proof needs a server it may create a scratch database on, never the live one", redact.MaskPassword(devURL))
	}
	return scratch(ctx, dev, redact.MaskPassword(devURL))
}

// scratch makes an empty database on server's server (where names it in
// messages) and returns it with the function that drops it.
func scratch(ctx context.Context, server *store, where string) (dialect.Store, func(), error) {
	h, err := server.Open(ctx, dialect.OpenOptions{})
	if err != nil {
		return nil, nil, err
	}
	defer h.Close()
	name := dialect.DevName()
	if _, err := h.ExecContext(ctx, "CREATE DATABASE "+sqltext.QuoteDouble(name)); err != nil {
		return nil, nil, fmt.Errorf("cannot make a scratch dev database on %s (%v): grant the role CREATEDB, or set [ext.mxmigrate] dev_url (or --dev-url) to docker://postgres/MAJOR or to a PostgreSQL server mxmigrate may create databases on", where, err)
	}
	u, err := url.Parse(server.url)
	if err != nil {
		return nil, nil, err
	}
	u.Path = "/" + name
	u.RawQuery = withoutParams(u.RawQuery, "dbname", "database") // they would choose another database (Open checks too)
	dev := &store{name: "dev", raw: u.String(), url: u.String(), container: server.container, devDB: name}
	drop := func() {
		dialect.Exec(context.Background(), server, "DROP DATABASE IF EXISTS "+sqltext.QuoteDouble(name)+" WITH (FORCE)")
	}
	return dev, drop, nil
}

// withoutParams is a URL query without the named parameters, the others
// kept exactly as written (re-encoding would turn options=-c%20x into
// options=-c+x, which pgx reads as "+x").
func withoutParams(raw string, names ...string) string {
	var kept []string
	for _, kv := range strings.Split(raw, "&") {
		k, _, _ := strings.Cut(kv, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		drop := kv == ""
		for _, n := range names {
			drop = drop || strings.EqualFold(k, n)
		}
		if !drop {
			kept = append(kept, kv)
		}
	}
	return strings.Join(kept, "&")
}

// String names a dev database in reports: its container, or its URL with
// the password masked.
func (s *store) String() string {
	u := redact.MaskPassword(s.url)
	if s.container != "" {
		return s.container + " (" + u + ")"
	}
	return u
}

// dockerMajor reads MAJOR from docker://postgres/MAJOR.
func dockerMajor(devURL string) (int, error) {
	rest := strings.TrimPrefix(devURL, "docker://")
	img, major, ok := strings.Cut(rest, "/")
	n, err := strconv.Atoi(major)
	if !ok || img != "postgres" || err != nil || n < 10 {
		return 0, fmt.Errorf("dev_url %s: write docker://postgres/MAJOR, e.g. docker://postgres/16 (the live server's major)", devURL)
	}
	return n, nil
}

// serverMajor is the live server's major version.
func serverMajor(ctx context.Context, s *store) (int, error) {
	h, err := s.Open(ctx, dialect.OpenOptions{})
	if err != nil {
		return 0, err
	}
	defer h.Close()
	var num int
	if err := h.QueryRowContext(ctx, "SHOW server_version_num").Scan(&num); err != nil {
		return 0, fmt.Errorf("read the live server's version: %w", err)
	}
	return num / 10000, nil
}

// dockerDev starts a throwaway PostgreSQL server of major in a container and
// returns its (empty) postgres database, and the function that removes the
// container (also after Ctrl-C: it does not use the command's context).
func dockerDev(ctx context.Context, major int) (dialect.Store, func(), error) {
	eng, err := docker.Connect(ctx)
	if err != nil {
		return nil, nil, err
	}
	image, err := postgresImage(ctx, eng, major)
	if err != nil {
		return nil, nil, err
	}
	pw := make([]byte, 12)
	rand.Read(pw)
	password := hex.EncodeToString(pw)
	redact.RegisterSecret(password)
	c, err := eng.Run(ctx, image, []string{"POSTGRES_PASSWORD=" + password, "POSTGRES_USER=postgres", "POSTGRES_DB=postgres"}, "5432/tcp")
	if err != nil {
		return nil, nil, err
	}
	remove := func() { eng.Remove(c) }
	u := fmt.Sprintf("postgresql://postgres:%s@%s:%s/postgres?sslmode=disable", password, c.Host, c.Port)
	server := &store{name: "dev", raw: u, url: u, container: fmt.Sprintf("docker://postgres/%d (image %s)", major, image), devDB: "postgres"}
	if err := waitReady(ctx, server); err != nil {
		remove()
		return nil, nil, fmt.Errorf("the dev server in a container of %s did not accept connections: %w", image, err)
	}
	return server, remove, nil // a new server's postgres database is empty
}

// postgresImage is postgres:MAJOR when the engine has it or can pull it,
// else the image scripts/build-postgres-image.sh builds from Debian's
// packages (mxmigrate/postgres:MAJOR-debian) where no registry answers.
func postgresImage(ctx context.Context, eng *docker.Engine, major int) (string, error) {
	official := fmt.Sprintf("postgres:%d", major)
	local := fmt.Sprintf("mxmigrate/postgres:%d-debian", major)
	if eng.HasImage(ctx, official) {
		return official, nil
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	pullErr := eng.Pull(pctx, official)
	if pullErr == nil {
		return official, nil
	}
	if eng.HasImage(ctx, local) {
		return local, nil
	}
	return "", fmt.Errorf("no image for docker://postgres/%d: pulling %s failed (%v), and the engine has no %s (scripts/build-postgres-image.sh %s, in a checkout of mxmigrate, builds it from Debian's packages)", major, official, pullErr, local, local)
}

// waitReady waits until the server accepts connections, as long as the
// server's own start takes (a minute at most).
func waitReady(ctx context.Context, s *store) error {
	deadline := time.Now().Add(time.Minute)
	var last error
	for time.Now().Before(deadline) {
		h, err := s.Open(ctx, dialect.OpenOptions{})
		if err == nil {
			h.Close()
			return nil
		}
		last = err
		if ctx.Err() != nil {
			return ctx.Err()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return errors.Join(errors.New("not ready after a minute"), last)
}

// sameDatabase reports whether two postgresql:// URLs name one database as
// pgx reads them (host, port and database, query parameters included).
func sameDatabase(a, b string) bool {
	ca, err1 := pgconn.ParseConfig(a)
	cb, err2 := pgconn.ParseConfig(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return strings.EqualFold(ca.Host, cb.Host) && ca.Port == cb.Port && ca.Database == cb.Database
}
