package postgres_test

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/dialect/dialecttest"
	"github.com/mxmigrate/mxmigrate/dialect/postgres"
	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// TestHostileNamesThroughTheCLI: table prefixes and migrations tables from
// the conformance kit's hostile name pool (a quote, a space, non-ASCII, a
// reserved word, "__", a dash, capitals), written in metaxy.toml, through
// generate, up, status, check, down and up again on PostgreSQL: the rows of
// the altered table survive every step, check ends in sync, and the
// migrations tables exist under their names.
func TestHostileNamesThroughTheCLI(t *testing.T) {
	d := postgres.Dialect{}
	for _, c := range itest.HostileCases(dialecttest.HostileNames) {
		t.Run(c.Prefix, func(t *testing.T) {
			e := newProject(t)
			itest.Append(t, filepath.Join(e.dir, "metaxy.toml"), c.Config("metaxy.ext.postgresql.PostgreSQLMetadataStore", `connection_string = "${MEDIA_PG_URL}"`))
			db := pg.Open(t, e.db)
			insert := func(table string) {
				if _, err := db.Exec("INSERT INTO " + d.Quote(table) + ` (video_id, path, duration_s, recorded_on, tags, metaxy_provenance, metaxy_provenance_by_field,
	metaxy_feature_version, metaxy_project_version, metaxy_data_version, metaxy_data_version_by_field, metaxy_created_at, metaxy_updated_at) VALUES
	('a', 's3://a.mp4', 1.5, DATE '2024-01-02', '["x", "y"]', 'pa', '{"f": "1"}', 'fv', 'pv', 'dv', '{"f": "2"}', TIMESTAMPTZ '2024-01-02 03:04:05.123456+00', TIMESTAMPTZ '2024-01-02 03:04:06+00'),
	('b', 's3://b.mp4', 2.25, DATE '2023-12-31', '[]', 'pb', '{}', 'fv', 'pv', 'dv', '{}', TIMESTAMPTZ '2023-12-31 23:59:59.5+00', TIMESTAMPTZ '2024-01-01 00:00:00+00')`); err != nil {
					t.Fatal(err)
				}
			}
			read := func(table string, cols ...string) []string {
				t.Helper()
				got, err := d.ReadText(context.Background(), db, table, cols)
				if err != nil {
					t.Fatal(err)
				}
				var lines []string
				for _, r := range got {
					var vals []string
					for _, v := range r {
						if v == nil {
							vals = append(vals, "NULL")
						} else {
							vals = append(vals, *v)
						}
					}
					lines = append(lines, strings.Join(vals, " | "))
				}
				sort.Strings(lines)
				return lines
			}
			rows := func(table string) string {
				return strings.Join(read(table, "video_id", "path", "duration_s", "recorded_on", "tags",
					"metaxy_provenance_by_field", "metaxy_created_at", "metaxy_updated_at"), "\n") + "\n"
			}
			itest.HostileFlow(t, e.dir, c, func(args ...string) itest.Result { return e.mx(t, args...) }, insert, rows)
			for table, want := range map[string]string{c.System: "1 | false", c.Features: "2 | false"} {
				if got := read(table, "version", "dirty"); len(got) != 1 || got[0] != want {
					t.Errorf("migrations table %q: %v, want %s", table, got, want)
				}
			}
		})
	}
}
