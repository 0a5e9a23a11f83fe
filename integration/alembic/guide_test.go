package alembic

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

const guide = "../../docs/switching-from-alembic.md"

var (
	binary string
	pg     *itest.Postgres
)

// python is Debian's interpreter, the one python3-alembic and
// python3-sqlalchemy are installed for (a pyenv or venv python3 earlier on
// PATH would not have them).
const python = "/usr/bin/python3"

func TestMain(m *testing.M) {
	if out, err := exec.Command(python, "-c", "import alembic, sqlalchemy, psycopg2").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "integration/alembic: %s cannot import Alembic, SQLAlchemy and psycopg2 (%v: %s): run `make test`, which installs them, or apt-get install alembic python3-alembic python3-sqlalchemy python3-psycopg2\n", python, err, bytes.TrimSpace(out))
		os.Exit(1)
	}
	for _, tool := range []string{"alembic", "psql"} {
		if _, err := exec.LookPath(tool); err != nil {
			fmt.Fprintf(os.Stderr, "integration/alembic: %s is not on PATH: run `make test`, which installs it (Debian: alembic, postgresql-client)\n", tool)
			os.Exit(1)
		}
	}
	bin, cleanup, err := itest.BuildBinary()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = bin
	pg, err = itest.StartPostgres()
	if err != nil {
		cleanup()
		fmt.Fprintln(os.Stderr, "integration/alembic:", err)
		os.Exit(1)
	}
	code := m.Run()
	pg.Close()
	cleanup()
	os.Exit(code)
}

// block is a fenced code block of the guide.
type block struct {
	line  int    // line of the opening fence
	lang  string // first word of the info string
	title string // title="..." (a file to write)
	exit  int    // exit="N": the exit code the commands must end with
	body  string
}

var attr = regexp.MustCompile(`(\w+)="([^"]*)"`)

// parse reads the fenced blocks of a Markdown file, including those inside
// HTML comments (the reader's own edits, hidden from the rendered page).
func parse(path string) ([]block, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var (
		out []block
		cur *block
		n   int
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		if cur == nil {
			if !strings.HasPrefix(line, "```") {
				continue
			}
			info := strings.TrimPrefix(line, "```")
			b := block{line: n}
			b.lang, _, _ = strings.Cut(strings.TrimSpace(info), " ")
			for _, m := range attr.FindAllStringSubmatch(info, -1) {
				switch m[1] {
				case "title":
					b.title = m[2]
				case "exit":
					if b.exit, err = strconv.Atoi(m[2]); err != nil {
						return nil, fmt.Errorf("%s:%d: exit=%q", path, n, m[2])
					}
				}
			}
			cur = &b
			continue
		}
		if line == "```" {
			out = append(out, *cur)
			cur = nil
			continue
		}
		cur.body += line + "\n"
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: the block is not closed", path, cur.line)
	}
	return out, sc.Err()
}

// TestSwitchingFromAlembicGuide runs the guide: files with a title are
// written, bash blocks run in order, and a text block after a bash block
// lists lines that must appear in its output, in order.
func TestSwitchingFromAlembicGuide(t *testing.T) {
	blocks, err := parse(guide)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, ".bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(binary, filepath.Join(bin, "mxmigrate")); err != nil {
		t.Fatal(err)
	}
	itest.Write(t, filepath.Join(bin, "metaxy"), "#!/bin/sh\nexec "+python+" -m metaxy \"$@\"\n")
	if err := os.Chmod(filepath.Join(bin, "metaxy"), 0o755); err != nil {
		t.Fatal(err)
	}
	itest.CopyTree(t, filepath.Join("testdata", "project"), dir)
	shim, _ := filepath.Abs(filepath.Join("testdata", "python"))
	env := []string{
		"PATH=" + bin + ":/usr/local/bin:/usr/bin:/bin",
		"PYTHONPATH=" + dir + ":" + shim,
		"PYTHONDONTWRITEBYTECODE=1",
		"HOME=" + dir,
		"NO_COLOR=1",
		"LC_ALL=C.UTF-8",
		"DEV_DATABASE_URL=" + pg.DSN(pg.NewDatabase(t)),
		"PROD_DATABASE_URL=" + pg.DSN(pg.NewDatabase(t)),
		"CI_DATABASE_URL=" + pg.DSN(pg.NewDatabase(t)),
		"LEGACY_DATABASE_URL=" + pg.DSN(pg.NewDatabase(t)),
	}
	ran, commands := "", 0
	var last *block
	for i := range blocks {
		b := &blocks[i]
		switch {
		case b.title != "":
			path, appendTo := strings.CutSuffix(b.title, " (continued)")
			p := filepath.Join(dir, path)
			if appendTo {
				itest.Append(t, p, b.body)
			} else {
				itest.Write(t, p, b.body)
			}
			if b.lang == "bash" {
				os.Chmod(p, 0o755)
			}
		case b.lang == "bash":
			ran, last = run(t, dir, env, b), b
			commands++
		case b.lang == "text" && last != nil && i > 0 && &blocks[i-1] == last:
			want(t, b, last, ran)
		}
	}
	if commands < 10 {
		t.Fatalf("%s: only %d command blocks ran; the page's commands are the test", guide, commands)
	}
}

func run(t *testing.T, dir string, env []string, b *block) string {
	t.Helper()
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", b.body)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code != b.exit {
		t.Fatalf("%s:%d: exit %d, want %d\n--- commands\n%s--- output\n%s", guide, b.line, code, b.exit, b.body, out)
	}
	t.Logf("%s:%d:\n%s", guide, b.line, out)
	return string(out)
}

// want checks that every non-blank line of the text block appears, in
// order, within the lines of the command's output.
func want(t *testing.T, b, cmd *block, out string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	at := 0
	for _, w := range strings.Split(b.body, "\n") {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		found := false
		for at < len(lines) {
			at++
			if strings.Contains(lines[at-1], w) {
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("%s:%d: the output of the commands at line %d lacks %q (or has it out of order)\n--- output\n%s", guide, b.line, cmd.line, w, out)
		}
	}
}

// TestMetaxyNamedKeyIsAdopted: Metaxy's helper names the injected key
// metaxy_pk and its index metaxy_idx on every table. On PostgreSQL a second
// table cannot have them (as the guide says); a database whose one feature
// table has them is in sync with mxmigrate's per-table names, compared by
// columns.
//
// It is long because it is one scenario on a real engine, step after step.
func TestMetaxyNamedKeyIsAdopted(t *testing.T) {
	dir := t.TempDir()
	itest.CopyTree(t, filepath.Join("testdata", "project"), dir)
	shim, _ := filepath.Abs(filepath.Join("testdata", "python"))
	dbName := pg.NewDatabase(t)
	url := pg.DSN(dbName)
	itest.Write(t, filepath.Join(dir, "metaxy.toml"), `project = "media_pipeline"
entrypoints = ["pipeline.features"]

[stores.dev]
type = "metaxy.ext.postgresql.PostgreSQLMetadataStore"
config = { connection_string = "${DEV_DATABASE_URL}" }

[ext.sqlalchemy]
inject_primary_key = true
inject_index = true

[ext.mxmigrate]
key = ["metaxy_feature_version", "{id_columns}", "metaxy_updated_at"]

[ext.mxmigrate.column_types."media/videos"]
ingested_at = "timestamp"
fps = "int32"
`)
	env := []string{"PYTHONPATH=" + dir + ":" + shim, "PYTHONDONTWRITEBYTECODE=1", "DEV_DATABASE_URL=" + url, "HOME=" + dir}
	create := func(tables string) (string, error) {
		cmd := exec.Command(python, "-c", `
import sqlalchemy as sa
from metaxy import init
from metaxy.ext.sqlalchemy import get_system_slqa_metadata, filter_feature_sqla_metadata
from pipeline.features import metadata
store = init().get_store("dev")
url, system = get_system_slqa_metadata(store)
_, features = filter_feature_sqla_metadata(store, metadata, inject_primary_key=True, inject_index=True)
engine = sa.create_engine(url)
system.create_all(engine, checkfirst=True)
features.create_all(engine, tables=[features.tables[n] for n in "`+tables+`".split()])
`)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := create("media__videos media__video_frames"); err == nil || !strings.Contains(out, `relation "metaxy_pk" already exists`) {
		t.Fatalf("two tables with Metaxy's fixed names: want PostgreSQL to refuse the second, got %v\n%s", err, out)
	}
	// the failed create_all left the tables it made before the second one
	db := pg.Open(t, dbName)
	if _, err := db.Exec(`DROP TABLE IF EXISTS media__videos, media__video_frames`); err != nil {
		t.Fatal(err)
	}
	if out, err := create("media__videos"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM pg_indexes WHERE indexname IN ('metaxy_pk', 'metaxy_idx')`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("metaxy_pk and metaxy_idx: %d %v", n, err)
	}
	push := exec.Command(python, "-m", "metaxy", "push", "--store", "dev")
	push.Dir, push.Env = dir, env
	if out, err := push.CombinedOutput(); err != nil {
		t.Fatalf("metaxy push: %v\n%s", err, out)
	}
	vars := []string{"DEV_DATABASE_URL=" + url}
	itest.Run(t, binary, dir, vars, "check", "-n", "dev:metaxy_system").Must(t, 0, "in sync")
	r := itest.Run(t, binary, dir, vars, "generate", "-n", "dev:metaxy_features", "--dry-run", "--definitions-from-store")
	r.Must(t, 0, "+ create table media__video_frames")
	if strings.Contains(r.Stdout, "media__videos") {
		t.Errorf("media__videos, keyed by metaxy_pk and metaxy_idx, must need nothing:\n%s", r.Stdout)
	}
}
