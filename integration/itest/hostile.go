package itest

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// HostileCase is a store "h" whose table_prefix and migrations tables are
// names from the conformance kit's pool of hostile identifiers.
type HostileCase struct {
	Prefix string
	// System and Features are the migrations tables of h:metaxy_system and
	// h:metaxy_features ("" leaves the default, prefix + schema_migrations_…).
	System, Features string
}

// HostileCases pairs each name of pool, as a table prefix (with "_"), with
// two other names of pool as migrations tables: every name is used as each.
func HostileCases(pool []string) []HostileCase {
	var out []HostileCase
	for i, p := range pool {
		out = append(out, HostileCase{Prefix: p + "_", System: pool[(i+1)%len(pool)], Features: pool[(i+2)%len(pool)]})
	}
	return out
}

// TOMLString is s as a TOML basic string.
func TOMLString(s string) string { return strconv.Quote(s) }

// Config is the metaxy.toml lines that add store h of type typ with the
// case's prefix (config holds the store's other settings, as TOML inline
// table entries) and environments whose directories are migrations/h/… and
// whose migrations tables are the case's.
func (c HostileCase) Config(typ, config string) string {
	var b strings.Builder
	b.WriteString("\n[stores.h]\ntype = " + TOMLString(typ) + "\n")
	b.WriteString("config = { " + config + ", table_prefix = " + TOMLString(c.Prefix) + " }\n")
	for _, env := range []struct{ target, table string }{{"metaxy_system", c.System}, {"metaxy_features", c.Features}} {
		b.WriteString("\n[ext.mxmigrate.environments.\"h:" + env.target + "\"]\n")
		b.WriteString("dir = \"migrations/h/" + strings.TrimPrefix(env.target, "metaxy_") + "\"\n")
		if env.table != "" {
			b.WriteString("migrations_table = " + TOMLString(env.table) + "\n")
		}
	}
	return b.String()
}

// HostileFlow runs, in the media project at dir with store h configured by
// c, what a user runs: generate both targets, up, check; then a new
// nullable column (codec) generated, applied, reverted and applied again,
// with check in sync at each end. rows returns the rows of the prefixed
// videos table as text (a row per line, sorted); insert adds rows to it once
// the tables exist. The rows must survive every step; status must name the
// configured migrations tables and versions.
func HostileFlow(t *testing.T, dir string, c HostileCase, run func(args ...string) Result, insert func(table string), rows func(table string) string) {
	t.Helper()
	videos := c.Prefix + "media__videos"
	run("generate", "-n", "h:metaxy_system", "-m", "init").Must(t, 0, "+ create table "+c.Prefix+"metaxy_system__feature_versions")
	run("generate", "-n", "h:metaxy_features", "-m", "init").Must(t, 0, "+ create table "+videos)
	run("up", "-n", "h").Must(t, 0, "h:metaxy_system: applied 000001_init.up.sql", "h:metaxy_features: applied 000001_init.up.sql")
	insert(videos)
	want := rows(videos)
	if strings.Count(want, "\n") < 2 {
		t.Fatalf("%s does not hold the 2 rows inserted: %q", videos, want)
	}
	status := func(version float64) {
		t.Helper()
		st := run("status", "-n", "h", "--json").Must(t, 0)
		var got []map[string]any
		if err := json.Unmarshal([]byte(st.Stdout), &got); err != nil {
			t.Fatal(err, st.Stdout)
		}
		for i, table := range []string{c.System, c.Features} {
			if table == "" {
				continue
			}
			if len(got) != 2 || got[i]["migrations_table"] != table {
				t.Errorf("status %d: %v, want migrations table %q", i, got, table)
			}
		}
		if len(got) == 2 && (got[1]["version"] != version || got[1]["dirty"] != false) {
			t.Errorf("status: features %v, want version %v, clean", got[1], version)
		}
	}
	same := func(step string) {
		t.Helper()
		if got := rows(videos); got != want {
			t.Errorf("after %s the rows of %s are\n%s\nwant\n%s", step, videos, got, want)
		}
	}
	status(1)
	run("check", "-n", "h").Must(t, 0, "h:metaxy_system: in sync", "h:metaxy_features: in sync")
	run("generate", "-n", "h:metaxy_features").Must(t, 0, "No changes detected")

	Edit(t, filepath.Join(dir, "metaxy.lock"), AddCodec)
	run("check", "-n", "h:metaxy_features").Must(t, 1, "+ add column "+videos+".codec")
	run("generate", "-n", "h:metaxy_features", "-m", "codec").Must(t, 0, "000002_codec.up.sql")
	run("up", "-n", "h").Must(t, 0, "h:metaxy_features: applied 000002_codec.up.sql")
	same("up")
	status(2)
	run("check", "-n", "h").Must(t, 0, "h:metaxy_features: in sync")
	run("down", "-n", "h:metaxy_features", "1").Must(t, 0, "reverted 000002_codec.down.sql")
	same("down")
	status(1)
	run("check", "-n", "h:metaxy_features").Must(t, 1, "pending 000002_codec.up.sql")
	run("up", "-n", "h:metaxy_features").Must(t, 0, "applied 000002_codec.up.sql")
	same("up again")
	run("check", "-n", "h").Must(t, 0, "h:metaxy_system: in sync", "h:metaxy_features: in sync")
}

// AddCodec adds a nullable string property codec to media/videos in the
// media fixture's lock file.
func AddCodec(s string) string {
	return strings.Replace(s, `"is_public":{"default":false,"title":"Is Public","type":"boolean"}}`,
		`"is_public":{"default":false,"title":"Is Public","type":"boolean"},"codec":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null}}`, 1)
}
