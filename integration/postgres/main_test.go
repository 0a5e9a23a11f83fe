package postgres_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate"
	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/integration/itest"
)

var (
	binary string
	pg     *itest.Postgres
)

func TestMain(m *testing.M) {
	bin, cleanup, err := itest.BuildBinary()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = bin
	pg, err = itest.StartPostgres()
	if err != nil {
		cleanup()
		fmt.Fprintln(os.Stderr, "integration/postgres:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "integration/postgres: PostgreSQL (%s) ready in %s\n", pg.Image, pg.Setup.Round(1e6))
	code := m.Run()
	pg.Close()
	cleanup()
	os.Exit(code)
}

// env is a project directory wired to a fresh database of the container.
type env struct {
	dir  string
	db   string
	vars []string
}

// newProject copies the media fixture; its prod store (prefix prod_) reads
// its URL from MEDIA_PG_URL, which points at a fresh database.
func newProject(t *testing.T) *env {
	t.Helper()
	e := &env{dir: t.TempDir(), db: pg.NewDatabase(t)}
	itest.CopyTree(t, filepath.Join("..", "testdata", "media"), e.dir)
	e.vars = []string{"MEDIA_PG_URL=" + pg.DSN(e.db)}
	// the proof's scratch databases go on the test server: a Docker dev
	// server a generate (devserver_test.go) is tried where it is the point
	itest.Edit(t, filepath.Join(e.dir, "metaxy.toml"), func(s string) string {
		return strings.Replace(s, "[ext.mxmigrate]\n", fmt.Sprintf("[ext.mxmigrate]\ndev_url = %q\n", pg.AdminDSN()), 1)
	})
	return e
}

// bareProject is newProject without a dev_url: the proof takes the
// default dev database (a Docker container of the server's major).
func bareProject(t *testing.T) *env {
	t.Helper()
	e := &env{dir: t.TempDir(), db: pg.NewDatabase(t)}
	itest.CopyTree(t, filepath.Join("..", "testdata", "media"), e.dir)
	e.vars = []string{"MEDIA_PG_URL=" + pg.DSN(e.db)}
	return e
}

func (e *env) mx(t *testing.T, args ...string) itest.Result {
	t.Helper()
	return itest.Run(t, binary, e.dir, e.vars, args...)
}

func (e *env) sql(t *testing.T, stmts ...string) {
	t.Helper()
	db := pg.Open(t, e.db)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// tables lists the tables of a schema (default public).
func (e *env) tables(t *testing.T, schema string) string {
	t.Helper()
	return e.names(t, `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, schema)
}

// names runs a query of one text column and joins its rows with spaces.
func (e *env) names(t *testing.T, query string, args ...any) string {
	t.Helper()
	rows, err := pg.Open(t, e.db).Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out = append(out, n)
	}
	return strings.Join(out, " ")
}

func (e *env) editLock(t *testing.T, f func(string) string) {
	itest.Edit(t, filepath.Join(e.dir, "metaxy.lock"), f)
}

const codecProp = `"is_public":{"default":false,"title":"Is Public","type":"boolean"},"codec":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null}}`

func addCodec(s string) string {
	return strings.Replace(s, `"is_public":{"default":false,"title":"Is Public","type":"boolean"}}`, codecProp, 1)
}

// environment is the project's environment name, resolved in process.
func (e *env) environment(t *testing.T, name string) (*mxmigrate.Project, *mxmigrate.Env) {
	t.Helper()
	p, err := mxmigrate.Load(config.Options{Path: filepath.Join(e.dir, "metaxy.toml"), Environ: e.vars}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	env, err := p.Environment(name)
	if err != nil {
		t.Fatal(err)
	}
	return p, env
}
