package integration

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/dialect/dialecttest"
	"github.com/mxmigrate/mxmigrate/dialect/duckdb"
	"github.com/mxmigrate/mxmigrate/integration/itest"
)

// videoRows is an INSERT of two rows into the media fixture's videos table
// (named table, quoted by quote), in SQL that DuckDB and PostgreSQL share.
func videoRows(table string, quote func(string) string) string {
	return "INSERT INTO " + quote(table) + ` (video_id, path, duration_s, recorded_on, tags, metaxy_provenance, metaxy_provenance_by_field,
	metaxy_feature_version, metaxy_project_version, metaxy_data_version, metaxy_data_version_by_field, metaxy_created_at, metaxy_updated_at) VALUES
	('a', 's3://a.mp4', 1.5, DATE '2024-01-02', '["x", "y"]', 'pa', '{"f": "1"}', 'fv', 'pv', 'dv', '{"f": "2"}', TIMESTAMPTZ '2024-01-02 03:04:05.123456+00', TIMESTAMPTZ '2024-01-02 03:04:06+00'),
	('b', 's3://b.mp4', 2.25, DATE '2023-12-31', '[]', 'pb', '{}', 'fv', 'pv', 'dv', '{}', TIMESTAMPTZ '2023-12-31 23:59:59.5+00', TIMESTAMPTZ '2024-01-01 00:00:00+00')`
}

// textRows reads every column of table as text through rows, a row per
// line, sorted.
func textRows(t *testing.T, got [][]*string) string {
	t.Helper()
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
	return strings.Join(lines, "\n") + "\n"
}

// TestHostileNamesThroughTheCLI: table prefixes and migrations tables from
// the conformance kit's hostile name pool (a quote, a space, non-ASCII, a
// reserved word, "__", a dash, capitals), written in metaxy.toml, through
// generate, up, status, check, down and up again on DuckDB: the rows of the
// altered table survive every step and check ends in sync.
func TestHostileNamesThroughTheCLI(t *testing.T) {
	for _, c := range itest.HostileCases(dialecttest.HostileNames) {
		t.Run(c.Prefix, func(t *testing.T) {
			dir := project(t, "media")
			itest.Append(t, filepath.Join(dir, "metaxy.toml"), c.Config("metaxy.ext.duckdb.DuckDBMetadataStore", `database = "h.duckdb"`))
			path := filepath.Join(dir, "h.duckdb")
			d := duckdb.Dialect{}
			insert := func(table string) { sqlExec(t, path, videoRows(table, d.Quote)) }
			rows := func(table string) string {
				h, err := duckdb.OpenPath(context.Background(), path)
				if err != nil {
					t.Fatal(err)
				}
				defer h.Close()
				got, err := d.ReadText(context.Background(), h, table, []string{"video_id", "path", "duration_s", "recorded_on", "tags",
					"metaxy_provenance_by_field", "metaxy_created_at", "metaxy_updated_at"})
				if err != nil {
					t.Fatal(err)
				}
				return textRows(t, got)
			}
			itest.HostileFlow(t, dir, c, func(args ...string) itest.Result { return mx(t, dir, args...) }, insert, rows)
			// the migrations tables exist under their names, at their versions
			for table, want := range map[string]string{c.System: "1", c.Features: "2"} {
				h, err := duckdb.OpenPath(context.Background(), path)
				if err != nil {
					t.Fatal(err)
				}
				got, err := d.ReadText(context.Background(), h, table, []string{"version"})
				h.Close()
				if err != nil || len(got) != 1 || got[0][0] == nil || *got[0][0] != want {
					t.Errorf("migrations table %q: %v %v, want version %s", table, got, err, want)
				}
			}
		})
	}
}
