package clickhouse_test

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/dialect/dialecttest"
	"github.com/mxmigrate/mxmigrate/integration/itest"
)

const chStore = "metaxy.ext.clickhouse.ClickHouseMetadataStore"

// plain is a name golang-migrate's ClickHouse driver can write unquoted.
var plain = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

func backquote(s string) string { return "`" + strings.ReplaceAll(s, "`", "\\`") + "`" }

// TestHostileNamesThroughTheCLI: on embedded ClickHouse, table prefixes
// from the conformance kit's hostile name pool, with plain migrations
// tables, go through generate, up, status, check, down and up again with the
// rows of the altered table kept and check in sync; a migrations table
// named from the pool, given or derived from such a prefix, is refused
// clearly (golang-migrate's ClickHouse driver writes it unquoted) before
// anything is created, unless it is a plain identifier, which works.
func TestHostileNamesThroughTheCLI(t *testing.T) {
	for _, name := range dialecttest.HostileNames {
		c := itest.HostileCase{Prefix: name + "_", System: "schema_migrations_h_system", Features: "schema_migrations_h_features"}
		t.Run("prefix "+c.Prefix, func(t *testing.T) {
			dir := newProject(t)
			itest.Append(t, filepath.Join(dir, "metaxy.toml"), c.Config(chStore, `connection_string = "chdb:chdata?database=media"`))
			insert := func(table string) {
				query(t, dir, "INSERT INTO "+backquote(table)+` (video_id, path, duration_s, recorded_on, tags, metaxy_provenance_by_field, metaxy_feature_version, metaxy_created_at, metaxy_updated_at) VALUES
	('a', 's3://a.mp4', 1.5, '2024-01-02', '["x", "y"]', map('f', '1'), 'fv', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:06'),
	('b', 's3://b.mp4', 2.25, '2023-12-31', '[]', map(), 'fv', '2023-12-31 23:59:59.5', '2024-01-01 00:00:00')`)
			}
			rows := func(table string) string {
				return query(t, dir, "SELECT video_id, path, duration_s, recorded_on, tags, metaxy_provenance_by_field, metaxy_created_at, metaxy_updated_at FROM "+
					backquote(table)+" ORDER BY video_id") + "\n"
			}
			itest.HostileFlow(t, dir, c, func(args ...string) itest.Result { return mx(t, dir, args...) }, insert, rows)
		})
	}
	refused := []itest.HostileCase{{Prefix: "ok_"}} // the default migrations tables derive from a hostile prefix below
	for _, name := range dialecttest.HostileNames {
		refused = append(refused, itest.HostileCase{Prefix: "ok_", System: "schema_migrations_h_system", Features: name},
			itest.HostileCase{Prefix: name + "_"})
	}
	for _, c := range refused[1:] {
		table := c.Features
		if table == "" {
			table = c.Prefix + "schema_migrations_metaxy_features"
		}
		t.Run("migrations table "+table, func(t *testing.T) {
			dir := newProject(t)
			itest.Append(t, filepath.Join(dir, "metaxy.toml"), c.Config(chStore, `connection_string = "chdb:chdata?database=media"`))
			mx(t, dir, "generate", "-n", "h:metaxy_features", "-m", "init").Must(t, 0)
			if plain.MatchString(table) {
				// letters, digits and underscores ("select", "Frames"): the
				// driver's unquoted name works
				mx(t, dir, "up", "-n", "h:metaxy_features").Must(t, 0, "applied 000001_init.up.sql")
				mx(t, dir, "check", "-n", "h:metaxy_features").Must(t, 0, "in sync")
				return
			}
			r := mx(t, dir, "up", "-n", "h:metaxy_features")
			if r.Code == 0 || !strings.Contains(r.Stderr, "golang-migrate's ClickHouse driver writes this name unquoted") || !strings.Contains(r.Stderr, strconv.Quote(table)) {
				t.Fatalf("up with migrations table %q: exit %d, want a refusal naming it\nstdout:\n%s\nstderr:\n%s", table, r.Code, r.Stdout, r.Stderr)
			}
			if got := query(t, dir, "SELECT count() FROM system.tables WHERE database = 'media'"); got != "0" {
				t.Errorf("the refused up created %s tables", got)
			}
		})
	}
}
