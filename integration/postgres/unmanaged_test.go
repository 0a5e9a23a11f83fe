package postgres_test

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// handMade are objects a person added to a feature table mxmigrate created
// (issue 18, defect 3).
var handMade = []string{
	`CREATE TABLE hand_ref (id text PRIMARY KEY)`,
	`CREATE INDEX ix_by_hand ON prod_media__videos (lower(path)) WHERE duration_s > 0`,
	`CREATE UNIQUE INDEX uq_by_hand ON prod_media__videos (path)`,
	`CREATE INDEX ix_desc ON prod_media__videos (path DESC)`, // a plain index whose definition says more than its columns
	`ALTER TABLE prod_media__videos ADD CONSTRAINT ck_duration CHECK (duration_s >= 0)`,
	`ALTER TABLE prod_media__videos ADD CONSTRAINT uq_path_duration UNIQUE (path, duration_s)`,
	`ALTER TABLE prod_media__videos ADD CONSTRAINT fk_hand FOREIGN KEY (path) REFERENCES hand_ref (id)`,
	`ALTER TABLE prod_media__videos ALTER COLUMN is_public SET DEFAULT true`,
	`CREATE FUNCTION hand_trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$`,
	`CREATE TRIGGER tg_hand BEFORE INSERT ON prod_media__videos FOR EACH ROW EXECUTE FUNCTION hand_trg()`,
	`COMMENT ON TABLE prod_media__videos IS 'made by hand'`,
}

// catalogOf is every index, constraint, default, trigger and comment of
// table, as PostgreSQL defines them, one per line.
func catalogOf(t *testing.T, e *env, table string) string {
	t.Helper()
	rows, err := pg.Open(t, e.db).Query(`
SELECT 'index ' || pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = $1::regclass
UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass AND contype <> 'n'
UNION ALL SELECT 'default ' || a.attname || ' ' || pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = $1::regclass
UNION ALL SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal
UNION ALL SELECT 'comment ' || COALESCE(obj_description($1::regclass, 'pg_class'), '')
ORDER BY 1`, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return strings.Join(out, "\n")
}

// TestUnmanagedObjectsKeptListedAndDroppedOnRequest: objects mxmigrate did
// not create are kept (no statement), listed by check (in sync, exit 0) and
// generate --verbose, silenced by ignore; manage_unknown = "drop" plans their
// drops, gated behind --allow-destructive, and down restores them exactly.
//
// It is long because it is one scenario on a real engine, step after step.
func TestUnmanagedObjectsKeptListedAndDroppedOnRequest(t *testing.T) {
	e := newProject(t)
	const env = "prod:metaxy_features"
	e.mx(t, "generate", "-n", env, "-m", "init").Must(t, 0)
	e.mx(t, "up", "-n", env).Must(t, 0)
	e.sql(t, handMade...)
	before := catalogOf(t, e, "prod_media__videos")

	listed := []string{"index ix_by_hand on prod_media__videos: CREATE INDEX ix_by_hand ON prod_media__videos USING btree (lower((path)::text)) WHERE (duration_s > (0)::double precision)",
		"unique index uq_by_hand", "check ck_duration on prod_media__videos: CHECK ((duration_s >= (0)::double precision))",
		"unique uq_path_duration on prod_media__videos: UNIQUE (path, duration_s)", "foreign key fk_hand on prod_media__videos: FOREIGN KEY (path) REFERENCES hand_ref(id)",
		"default is_public on prod_media__videos: DEFAULT true", "trigger tg_hand on prod_media__videos: CREATE TRIGGER tg_hand BEFORE INSERT ON prod_media__videos FOR EACH ROW",
		"comment on prod_media__videos: 'made by hand'"}
	r := e.mx(t, "check", "-n", env).Must(t, 0, append([]string{"in sync", "9 object(s) not created from the definitions, kept"}, listed...)...)
	t.Log(r.Stdout)
	var reports []struct {
		InSync    bool `json:"in_sync"`
		Unmanaged []struct{ Table, Kind, Name, Definition string }
	}
	if err := json.Unmarshal([]byte(e.mx(t, "check", "-n", env, "--json").Must(t, 0).Stdout), &reports); err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || !reports[0].InSync || len(reports[0].Unmanaged) != 9 {
		t.Fatalf("check --json: %+v", reports)
	}
	if u := reports[0].Unmanaged[0]; u.Table != "prod_media__videos" || u.Kind != "check" || u.Name != "ck_duration" || !strings.Contains(u.Definition, "CHECK") {
		t.Fatalf("check --json's first unmanaged object: %+v", u)
	}
	g := e.mx(t, "--verbose", "generate", "-n", env, "--dry-run").Must(t, 0, "No changes detected")
	for _, want := range listed {
		if !strings.Contains(g.Stderr, want) {
			t.Errorf("generate --verbose does not list %q:\n%s", want, g.Stderr)
		}
	}
	if strings.Contains(g.Stdout, "DROP") {
		t.Fatalf("generate plans a drop:\n%s", g.Stdout)
	}

	toml := filepath.Join(e.dir, "metaxy.toml")
	itest.Edit(t, toml, func(s string) string {
		return s + "ignore = [\"prod_media__videos.ck_*\", \"*.tg_hand\"]\n"
	})
	r = e.mx(t, "check", "-n", env).Must(t, 0, "7 object(s) not created")
	if strings.Contains(r.Stdout, "ck_duration") || strings.Contains(r.Stdout, "tg_hand") {
		t.Fatalf("ignored objects listed:\n%s", r.Stdout)
	}

	itest.Edit(t, toml, func(s string) string { return s + "manage_unknown = \"drop\"\n" })
	e.mx(t, "check", "-n", env).Must(t, 1, "- drop index ix_by_hand", "- drop foreign key fk_hand", "differs")
	refused := e.mx(t, "generate", "-n", env, "-m", "drop").Must(t, 1, "destructive", "unique index uq_by_hand",
		"unique uq_path_duration", "foreign key fk_hand", "default of prod_media__videos.is_public")
	if strings.Contains(refused.Stdout+refused.Stderr, "ck_duration") {
		t.Fatalf("an ignored check is planned:\n%s%s", refused.Stdout, refused.Stderr)
	}
	w := e.mx(t, "generate", "-n", env, "-m", "drop", "--allow-destructive").Must(t, 0, "wrote")
	files := strings.Count(w.Stdout, ".up.sql")
	e.mx(t, "up", "-n", env).Must(t, 0)
	after := catalogOf(t, e, "prod_media__videos")
	for _, gone := range []string{"ix_by_hand", "ix_desc", "uq_by_hand", "uq_path_duration", "fk_hand", "default is_public", "made by hand"} {
		if strings.Contains(after, gone) {
			t.Errorf("%s survived manage_unknown = drop:\n%s", gone, after)
		}
	}
	for _, kept := range []string{"ck_duration", "tg_hand"} {
		if !strings.Contains(after, kept) {
			t.Errorf("ignored %s was dropped:\n%s", kept, after)
		}
	}
	e.mx(t, "check", "-n", env).Must(t, 0, "in sync")
	e.mx(t, "down", "-n", env, strconv.Itoa(files)).Must(t, 0)
	if got := catalogOf(t, e, "prod_media__videos"); got != before {
		t.Fatalf("down did not restore the hand-made objects exactly:\n%s\nwant:\n%s", got, before)
	}
}
