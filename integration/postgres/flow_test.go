package postgres_test

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

func TestFlowWithMxmigrateUp(t *testing.T) {
	e := newProject(t)
	e.mx(t, "generate", "-n", "prod:metaxy_system", "-m", "init").Must(t, 0, "+ create table prod_metaxy_system__feature_versions")
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "init").Must(t, 0, "+ create table prod_media__videos")
	up := itest.Read(t, filepath.Join(e.dir, "migrations/features/000001_init.up.sql"))
	for _, want := range []string{`"tags" JSONB NOT NULL`, `"duration_s" DOUBLE PRECISION NOT NULL`, `"recorded_on" DATE NOT NULL`,
		`"metaxy_created_at" TIMESTAMPTZ NOT NULL`, `CONSTRAINT "pk_prod_media__videos" PRIMARY KEY`, "-- dialect:     postgresql"} {
		if !strings.Contains(up, want) {
			t.Errorf("up file lacks %s:\n%s", want, up)
		}
	}
	e.mx(t, "up", "-n", "prod").Must(t, 0, "prod:metaxy_system: applied 000001_init.up.sql", "prod:metaxy_features: applied 000001_init.up.sql")
	if got := e.tables(t, "public"); got != "prod_media__video_frames prod_media__videos prod_metaxy_system__events prod_metaxy_system__feature_versions prod_schema_migrations_metaxy_features prod_schema_migrations_metaxy_system" {
		t.Fatalf("tables: %s", got)
	}
	e.mx(t, "check", "-n", "prod").Must(t, 0, "prod:metaxy_system: in sync", "prod:metaxy_features: in sync")
	e.mx(t, "generate", "-n", "prod:metaxy_features").Must(t, 0, "No changes detected")
	e.editLock(t, addCodec)
	e.mx(t, "check", "-n", "prod:metaxy_features").Must(t, 1, "+ add column prod_media__videos.codec")
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "codec").Must(t, 0, "000002_codec.up.sql")
	e.mx(t, "up", "-n", "prod").Must(t, 0, "applied 000002_codec.up.sql")
	e.mx(t, "check", "-n", "prod").Must(t, 0)
	e.mx(t, "down", "-n", "prod", "--all", "--yes").Must(t, 0, "prod:metaxy_features: reverted 000002_codec.down.sql", "reverted 000001_init.down.sql")
	e.mx(t, "down", "-n", "prod:metaxy_system", "--all", "--yes").Must(t, 0, "prod:metaxy_system: reverted 000001_init.down.sql")
	if got := e.tables(t, "public"); got != "prod_schema_migrations_metaxy_features prod_schema_migrations_metaxy_system" {
		t.Errorf("after down --all: %s", got)
	}
}

// TestStockMigrateCLI applies a generated directory with golang-migrate's own
// CLI pointed at `mxmigrate url`, then reverts one migration.
func TestStockMigrateCLI(t *testing.T) {
	migrateCLI(t)
	e := newProject(t)
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "init").Must(t, 0)
	e.editLock(t, addCodec)
	// a second migration: generated against a database at version 1
	url := strings.TrimSpace(e.mx(t, "url", "-n", "prod:metaxy_features").Must(t, 0).Stdout)
	if !strings.HasPrefix(url, "pgx5://") || !strings.Contains(url, "x-migrations-table=prod_schema_migrations_metaxy_features") {
		t.Fatalf("url: %s", url)
	}
	migrate := func(args ...string) string {
		t.Helper()
		return stockMigrate(t, e, args...)
	}
	migrate("up")
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "codec").Must(t, 0, "000002_codec")
	migrate("up")
	e.mx(t, "check", "-n", "prod:metaxy_features").Must(t, 0, "in sync")
	e.mx(t, "status", "-n", "prod:metaxy_features").Must(t, 0, "version 2, clean")
	migrate("down", "1")
	e.mx(t, "status", "-n", "prod:metaxy_features").Must(t, 0, "version 1, clean; 1 pending")
	e.mx(t, "check", "-n", "prod:metaxy_features").Must(t, 1, "pending 000002_codec.up.sql")
	if out := migrate("version"); !strings.Contains(out, "1") {
		t.Errorf("migrate version: %s", out)
	}
}

// TestTwoPrefixesShareADatabase: two stores with different table_prefix in
// one database, each with its own directories and migrations tables.
func TestTwoPrefixesShareADatabase(t *testing.T) {
	e := newProject(t)
	itest.Append(t, filepath.Join(e.dir, "metaxy.toml"), `
[stores.blue]
type = "metaxy.ext.metadata_stores.postgresql.PostgreSQLMetadataStore"
config = { connection_string = "${MEDIA_PG_URL}", table_prefix = "blue_" }
[ext.mxmigrate.environments."blue:metaxy_system"]
dir = "migrations/blue/system"
[ext.mxmigrate.environments."blue:metaxy_features"]
dir = "migrations/blue/features"
`)
	for _, store := range []string{"prod", "blue"} {
		e.mx(t, "generate", "-n", store+":metaxy_system", "-m", "init").Must(t, 0)
		e.mx(t, "generate", "-n", store+":metaxy_features", "-m", "init").Must(t, 0)
		e.mx(t, "up", "-n", store).Must(t, 0)
	}
	e.mx(t, "check", "-n", "prod").Must(t, 0)
	e.mx(t, "check", "-n", "blue").Must(t, 0)
	// removing every feature drops prod's feature tables, never blue's
	e.editLock(t, func(string) string { return "" })
	r := e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "none", "--allow-destructive", "--allow-empty").Must(t, 0, "- drop table prod_media__videos")
	if strings.Contains(r.Stdout, "blue_") {
		t.Fatalf("prod's plan touches blue's tables:\n%s", r.Stdout)
	}
	e.mx(t, "up", "-n", "prod").Must(t, 0)
	tables := e.tables(t, "public")
	for _, want := range []string{"blue_media__videos", "blue_media__video_frames", "blue_schema_migrations_metaxy_features", "prod_schema_migrations_metaxy_features"} {
		if !strings.Contains(tables, want) {
			t.Errorf("%s is gone: %s", want, tables)
		}
	}
	if strings.Contains(tables, "prod_media__videos") {
		t.Errorf("prod_media__videos survived: %s", tables)
	}
	e.mx(t, "down", "-n", "blue", "--all", "--yes").Must(t, 0)
	if tables := e.tables(t, "public"); strings.Contains(tables, "blue_media") || !strings.Contains(tables, "prod_metaxy_system__events") {
		t.Errorf("after blue down --all: %s", tables)
	}
}

// TestOtherTablesUntouched: another project's feature tables, unrelated
// tables, and same-named tables in another schema are never touched.
func TestOtherTablesUntouched(t *testing.T) {
	e := newProject(t)
	e.sql(t, `CREATE TABLE unrelated (x int)`, `INSERT INTO unrelated VALUES (1)`,
		`CREATE TABLE prod_other__thing (id text)`,
		`CREATE SCHEMA elsewhere`, `CREATE TABLE elsewhere.prod_media__videos (weird int)`)
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "init").Must(t, 0, "+ create table prod_media__videos")
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0)
	e.mx(t, "check", "-n", "prod:metaxy_features").Must(t, 0)
	e.editLock(t, func(string) string { return "" })
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "none", "--allow-destructive").Must(t, 3, "0 feature definitions found", "--allow-empty")
	r := e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "none", "--allow-destructive", "--allow-empty").Must(t, 0)
	for _, bad := range []string{"unrelated", "prod_other__thing", "weird", "schema_migrations"} {
		if strings.Contains(r.Stdout, bad) {
			t.Errorf("plan mentions %s:\n%s", bad, r.Stdout)
		}
	}
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0)
	if got := e.tables(t, "public"); got != "prod_other__thing prod_schema_migrations_metaxy_features unrelated" {
		t.Errorf("public: %s", got)
	}
	if got := e.tables(t, "elsewhere"); got != "prod_media__videos" {
		t.Errorf("elsewhere: %s", got)
	}
}

func TestDefinitionsFromStore(t *testing.T) {
	e := newProject(t)
	e.mx(t, "generate", "-n", "prod:metaxy_system", "-m", "init").Must(t, 0)
	e.mx(t, "up", "-n", "prod:metaxy_system").Must(t, 0)
	spec := `{"key":"media/audio","id_columns":["audio_id"],"deps":[{"feature":"media/videos"}],"fields":[{"key":"x","code_version":"1","deps":[]}],"metadata":{"owner":"x"},"a_future_field":{"nested":[1,2,3]}}`
	sch := `{"properties":{"audio_id":{"type":"string"},"sample_rate":{"type":"integer"},"peak":{"anyOf":[{"type":"number"},{"type":"null"}]}},"required":["audio_id","sample_rate"]}`
	e.sql(t, `INSERT INTO prod_metaxy_system__feature_versions (project, feature_key, metaxy_definition_version, recorded_at, feature_spec, feature_schema)
		VALUES ('media_pipeline', 'media/audio', 'd1', now(), '`+spec+`', '`+sch+`')`)
	e.mx(t, "generate", "-n", "prod:metaxy_features", "--definitions-from-store", "-m", "audio").Must(t, 0, "+ create table prod_media__audio")
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0)
	e.mx(t, "check", "-n", "prod:metaxy_features", "--definitions-from-store").Must(t, 0)
	// without the store's definitions, media/audio is not in the target: dropping it is destructive
	e.mx(t, "generate", "-n", "prod:metaxy_features").Must(t, 1, "- drop table prod_media__audio")
}

// TestFailingMigration: a migration that fails half-way leaves the database
// as it was, marked dirty; generate and up refuse, naming force.
func TestFailingMigration(t *testing.T) {
	e := newProject(t)
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "init").Must(t, 0)
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0)
	itest.Write(t, filepath.Join(e.dir, "migrations/features/000002_broken.up.sql"),
		"ALTER TABLE prod_media__videos ADD COLUMN extra VARCHAR;\nCREATE TABLE half_done (x int);\nSELECT * FROM no_such_table;\n")
	itest.Write(t, filepath.Join(e.dir, "migrations/features/000002_broken.down.sql"), "ALTER TABLE prod_media__videos DROP COLUMN extra;\n")
	e.mx(t, "rehash", "-n", "prod:metaxy_features").Must(t, 0)
	r := e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 3, "000002_broken.up.sql failed", "mxmigrate force -n prod:metaxy_features",
		"no_such_table", "000002_broken.up.sql:3:", "SELECT * FROM no_such_table")
	if strings.Contains(r.Stderr, "CREATE TABLE half_done") {
		t.Errorf("the error shows the failing statement, not the whole file:\n%s", r.Stderr)
	}
	if got := e.tables(t, "public"); strings.Contains(got, "half_done") {
		t.Errorf("half-applied: %s", got)
	}
	var n int
	pg.Open(t, e.db).QueryRow(`SELECT count(*) FROM information_schema.columns WHERE table_name = 'prod_media__videos' AND column_name = 'extra'`).Scan(&n)
	if n != 0 {
		t.Error("the failed file's ADD COLUMN survived")
	}
	e.mx(t, "status", "-n", "prod:metaxy_features").Must(t, 0, "version 2, DIRTY")
	e.mx(t, "generate", "-n", "prod:metaxy_features").Must(t, 3, "dirty", "mxmigrate force -n prod:metaxy_features")
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 3, "dirty", "mxmigrate force -n prod:metaxy_features")
	e.mx(t, "force", "-n", "prod:metaxy_features", "1").Must(t, 0)
	e.mx(t, "status", "-n", "prod:metaxy_features").Must(t, 0, "version 1, clean; 1 pending")
}

func TestConcurrentGenerate(t *testing.T) {
	e := newProject(t)
	var wg sync.WaitGroup
	results := make([]itest.Result, 3)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "race")
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, r := range results {
		if r.Code == 0 {
			ok++
		} else if r.Code != 3 || !(strings.Contains(r.Stderr, "another `mxmigrate generate`") || strings.Contains(r.Stderr, "apply them first")) {
			// a run that started after another finished sees its migration pending
			t.Errorf("unclean failure (%d):\n%s%s", r.Code, r.Stdout, r.Stderr)
		}
	}
	files := itest.Files(t, filepath.Join(e.dir, "migrations", "features"))
	if ok != 1 || len(files) != 3 {
		t.Errorf("%d succeeded; files %v", ok, files)
	}
}

// TestCatalogQueriesDoNotGrow: `check` runs as many catalog queries for 3
// feature tables as for 300.
func TestCatalogQueriesDoNotGrow(t *testing.T) {
	queries := func(n int) float64 {
		e := newProject(t)
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString("[[feature]]\nkey = \"bulk/f" + strconv.Itoa(i) + "\"\nid_columns = [\"id\"]\n[[feature.column]]\nname = \"v\"\ntype = \"int64\"\nnullable = true\n")
		}
		itest.Write(t, filepath.Join(e.dir, "defs", "bulk.toml"), b.String())
		itest.Append(t, filepath.Join(e.dir, "metaxy.toml"), "definitions = [\"defs/*.toml\"]\n")
		itest.Write(t, filepath.Join(e.dir, "metaxy.lock"), "")
		e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "bulk").Must(t, 0)
		e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0)
		r := e.mx(t, "check", "-n", "prod:metaxy_features", "--json").Must(t, 0)
		var rep []map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
			t.Fatal(err, r.Stdout)
		}
		return rep[0]["catalog_queries"].(float64)
	}
	small, large := queries(3), queries(300)
	if small != large || small == 0 {
		t.Errorf("catalog queries: %v for 3 tables, %v for 300", small, large)
	}
}

// TestUnreachableFailsFastAndMasksPassword: a closed port fails quickly, and
// no output shows the password.
func TestUnreachableFailsFastAndMasksPassword(t *testing.T) {
	e := newProject(t)
	e.vars = []string{"MEDIA_PG_URL=postgresql://metaxy:" + pg.Password() + "@127.0.0.1:1/nowhere"}
	r := e.mx(t, "check", "-n", "prod:metaxy_features").Must(t, 3, "cannot connect", "metaxy:***@127.0.0.1:1")
	if strings.Contains(r.Stdout+r.Stderr, pg.Password()) {
		t.Errorf("password shown:\n%s", r.Stderr)
	}
	// only url's own output shows it
	e.mx(t, "url", "-n", "prod:metaxy_features").Must(t, 0, pg.Password())
}

// TestLongNames: names past 63 bytes are cut (tables, columns: with a
// warning) or shortened with a hash (constraints, indexes), and still
// introspect back to the target.
func TestLongNames(t *testing.T) {
	e := newProject(t)
	long := strings.Repeat("k", 70)
	itest.Write(t, filepath.Join(e.dir, "defs", "long.toml"), "[[feature]]\nkey = \"long/"+long+"\"\nid_columns = [\"id\"]\n[[feature.column]]\nname = \""+long+"_column\"\ntype = \"string\"\nnullable = true\n")
	itest.Append(t, filepath.Join(e.dir, "metaxy.toml"), "definitions = [\"defs/*.toml\"]\n")
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "long", "--inject-index").Must(t, 0, "longer than 63 bytes")
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0)
	e.mx(t, "check", "-n", "prod:metaxy_features", "--inject-index").Must(t, 0, "in sync")
	if _, err := os.Stat(filepath.Join(e.dir, "migrations/features/000001_long.up.sql")); err != nil {
		t.Fatal(err)
	}
}

// TestLongTablePrefix: a table_prefix that makes the default migrations
// table names longer than PostgreSQL's 63 bytes. They are shortened with a
// hash (distinct per target, both found again), so status, check and
// generate agree, and --definitions-from-store finds the feature_versions
// table under the name PostgreSQL keeps.
func TestLongTablePrefix(t *testing.T) {
	e := newProject(t)
	const prefix = "acme_media_pipeline_production_eu_west_"
	e.vars = append(e.vars, "METAXY_STORES__PROD__CONFIG__TABLE_PREFIX="+prefix)
	e.mx(t, "generate", "-n", "prod:metaxy_system", "-m", "init").Must(t, 0)
	e.mx(t, "generate", "-n", "prod:metaxy_features", "-m", "init").Must(t, 0, "+ create table "+prefix+"media__videos")
	e.mx(t, "up", "-n", "prod").Must(t, 0, "prod:metaxy_system: applied 000001_init.up.sql", "prod:metaxy_features: applied 000001_init.up.sql")
	var tables []string
	for _, n := range strings.Fields(e.tables(t, "public")) {
		if !strings.HasPrefix(n, prefix+"media__") && !strings.HasPrefix(n, prefix+"metaxy_system__") {
			tables = append(tables, n)
		}
	}
	if len(tables) != 2 || len(tables[0]) > 63 || len(tables[1]) > 63 {
		t.Fatalf("two migrations tables that fit, one per target: %v", tables)
	}
	st := e.mx(t, "status", "-n", "prod", "--json").Must(t, 0)
	var status []struct {
		Env     string   `json:"environment"`
		Table   string   `json:"migrations_table"`
		Version int64    `json:"version"`
		Pending []string `json:"pending"`
	}
	if err := json.Unmarshal([]byte(st.Stdout), &status); err != nil {
		t.Fatalf("%v: %s", err, st.Stdout)
	}
	for _, s := range status {
		if s.Version != 1 || len(s.Pending) != 0 || !strings.Contains(" "+strings.Join(tables, " ")+" ", " "+s.Table+" ") {
			t.Errorf("status %s: %+v (tables %v)", s.Env, s, tables)
		}
	}
	e.mx(t, "check", "-n", "prod").Must(t, 0, "prod:metaxy_system: in sync", "prod:metaxy_features: in sync")
	e.mx(t, "generate", "-n", "prod:metaxy_features").Must(t, 0, "No changes detected")
	e.mx(t, "generate", "-n", "prod:metaxy_system").Must(t, 0, "No changes detected")
	fv := (prefix + "metaxy_system__feature_versions")[:63]
	sch := `{"properties":{"audio_id":{"type":"string"},"rate":{"type":"integer"}},"required":["audio_id","rate"]}`
	e.sql(t, `INSERT INTO "`+fv+`" (project, feature_key, metaxy_definition_version, recorded_at, feature_spec, feature_schema)
		VALUES ('media_pipeline', 'media/audio', 'd1', now(), '{"key":"media/audio","id_columns":["audio_id"]}', '`+sch+`')`)
	e.mx(t, "generate", "-n", "prod:metaxy_features", "--definitions-from-store", "-m", "audio").Must(t, 0, "+ create table "+prefix+"media__audio")
	e.mx(t, "up", "-n", "prod:metaxy_features").Must(t, 0, "applied 000002_audio.up.sql")
	e.mx(t, "check", "-n", "prod:metaxy_features", "--definitions-from-store").Must(t, 0, "in sync")
}

// TestPasswordFormsAreMasked: the connection-string forms people write
// (libpq key=value, ?password= in the query, unencoded special characters,
// wrong credentials against the real server) never show the password, in
// errors nor with --verbose, whichever command fails.
func TestPasswordFormsAreMasked(t *testing.T) {
	const secret = "Zq9-p@ss:w/rd#x?y"
	for name, cs := range map[string]string{
		"key=value":       "host=127.0.0.1 port=1 user=metaxy password=" + "Zq9secretKV" + " dbname=db",
		"quoted kv":       "host=127.0.0.1 port=1 user=metaxy password='Zq9 secret''s' dbname=db",
		"query":           "postgresql://metaxy@127.0.0.1:1/db?password=Zq9QUERYSECRET",
		"unencoded":       "postgresql://metaxy:" + secret + "@127.0.0.1:1/db",
		"wrong password":  "postgresql://metaxy:Zq9wrongpw@" + pg.Host + ":" + pg.Port + "/metaxy?sslmode=disable",
		"encoded, no srv": "postgresql://metaxy:" + url.QueryEscape(secret) + "@127.0.0.1:1/db",
	} {
		e := newProject(t)
		e.vars = []string{"MEDIA_PG_URL=" + cs}
		for _, args := range [][]string{{"check", "-n", "prod:metaxy_features"}, {"--verbose", "status", "-n", "prod"}, {"up", "-n", "prod"}} {
			r := e.mx(t, args...)
			if r.Code == 0 {
				t.Errorf("%s %v: must fail", name, args)
			}
			for _, leak := range []string{"Zq9secretKV", "Zq9 secret", "Zq9QUERYSECRET", secret, url.QueryEscape(secret), "w/rd#x", "Zq9wrongpw"} {
				if strings.Contains(r.Stdout+r.Stderr, leak) {
					t.Errorf("%s %v shows %q:\n%s%s", name, args, leak, r.Stdout, r.Stderr)
				}
			}
		}
	}
}
