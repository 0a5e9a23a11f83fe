package postgres

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/schema"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestURLs(t *testing.T) {
	d := Dialect{}
	conf := func(settings map[string]any) (dialect.Store, error) {
		return d.Configure(&config.Store{Name: "prod", Settings: settings, ConfigPath: "metaxy.toml"})
	}
	raw := "postgresql+psycopg://u:p@db.example:5432/metaxy?sslmode=require"
	st, err := conf(map[string]any{"connection_string": raw})
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := st.URL(dialect.URLOptions{}); u != raw {
		t.Errorf("store URL %q", u)
	}
	u, err := st.MigrateURL("prod_schema_migrations_metaxy_features", dialect.URLOptions{})
	if err != nil || u != "pgx5://u:p@db.example:5432/metaxy?sslmode=require&x-migrations-table=prod_schema_migrations_metaxy_features" {
		t.Errorf("migrate URL %q %v", u, err)
	}
	u, _ = st.MigrateURL("t", dialect.URLOptions{Protocol: "postgres", Port: 6432})
	if u != "postgres://u:p@db.example:6432/metaxy?sslmode=require&x-migrations-table=t" {
		t.Errorf("protocol/port: %q", u)
	}
	_, err = conf(map[string]any{"connection_params": map[string]any{"host": "h"}})
	if err == nil || !strings.Contains(err.Error(), "connection_params but no connection_string") {
		t.Errorf("params only: %v", err)
	}
	_, err = conf(map[string]any{"connection_string": "mysql://u:secret@h/db"})
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("wrong scheme: %v", err)
	}
	if _, err = conf(nil); err == nil || !strings.Contains(err.Error(), "stores.prod.config.connection_string") {
		t.Errorf("missing: %v", err)
	}
}

func TestNormalizeType(t *testing.T) {
	for in, want := range map[string]schema.Type{
		"character varying": schema.String, "text": schema.String, "bigint": schema.Int64,
		"double precision": schema.Float64, "boolean": schema.Bool, "timestamp without time zone": schema.Timestamp,
		"timestamp with time zone": schema.TimestampTZ, "date": schema.Date, "time without time zone": schema.Time,
		"uuid": schema.UUID, "bytea": schema.Bytes, "jsonb": schema.JSON,
	} {
		if got := normalize(in); got != want {
			t.Errorf("%s: %s", in, got)
		}
	}
	if normalize("timestamp(6) with time zone") != schema.TimestampTZ || normalize("time(6) without time zone") != schema.Time {
		t.Error("default precision 6 must compare equal")
	}
	if got := normalize("timestamp(3) with time zone"); got != schema.Raw("timestamp(3) with time zone") {
		t.Errorf("other precisions stay raw: %s", got)
	}
	if got := normalize("character varying(20)"); got != schema.Raw("character varying(20)") {
		t.Errorf("bounded varchar: %s", got)
	}
	for _, d := range []Dialect{{}, {jsonType: "json"}, {jsonType: "jsonb"}} {
		for _, lt := range schema.LogicalTypes {
			if d.NormalizeType(strings.ToLower(d.TypeSQL(lt))) != lt && lt != schema.String {
				t.Errorf("json_type %q: %s does not round-trip through %s", d.jsonType, lt, d.TypeSQL(lt))
			}
		}
	}
}

// TestJSONType: json and jsonb both hold the logical json unless json_type
// names one, and new columns take json_type (default jsonb).
func TestJSONType(t *testing.T) {
	for _, c := range []struct {
		setting           any
		json, jsonb, made schema.Type
		newType           string
	}{
		{nil, schema.JSON, schema.JSON, schema.JSON, "JSONB"},
		{"jsonb", schema.Raw("json"), schema.JSON, schema.JSON, "JSONB"},
		{"JSON", schema.JSON, schema.Raw("jsonb"), schema.JSON, "JSON"},
	} {
		m := map[string]any{}
		if c.setting != nil {
			m["json_type"] = c.setting
		}
		sd, err := Dialect{}.Tune(m, "metaxy.toml: ext.mxmigrate.postgresql")
		if err != nil {
			t.Fatal(err)
		}
		d := sd.(Dialect)
		if d.NormalizeType("json") != c.json || d.NormalizeType("jsonb") != c.jsonb || d.TypeSQL(schema.JSON) != c.newType {
			t.Errorf("json_type %v: json %s, jsonb %s, new %s", c.setting, d.NormalizeType("json"), d.NormalizeType("jsonb"), d.TypeSQL(schema.JSON))
		}
		if got := d.DisplayType(d.NormalizeType("json")); c.json != schema.JSON && got != "json" {
			t.Errorf("json_type %v: json shown as %q", c.setting, got)
		}
	}
	for m, want := range map[string]map[string]any{
		`ext.mxmigrate.postgresql.json_type = text: use "jsonb" or "json"`:                                        {"json_type": "text"},
		`ext.mxmigrate.postgresql.engine: unknown setting (PostgreSQL takes json_type, lock_timeout, online_ddl)`: {"engine": "x"},
	} {
		if _, err := (Dialect{}).Tune(want, "ext.mxmigrate.postgresql"); err == nil || err.Error() != m {
			t.Errorf("got %v, want %s", err, m)
		}
	}
}

func TestGoldenSQL(t *testing.T) {
	mk := func(pk []string, cols ...*schema.Column) *schema.Schema {
		all := append([]*schema.Column{{Name: "id", Type: schema.String}, {Name: "metaxy_created_at", Type: schema.TimestampTZ}}, cols...)
		return &schema.Schema{Tables: []*schema.Table{{Name: "videos", Columns: all,
			PrimaryKey: &schema.PrimaryKey{Name: "pk_videos", Columns: pk},
			Indexes:    []*schema.Index{{Name: "ix_videos_id", Columns: []string{"id"}}}}}}
	}
	v1 := mk([]string{"id", "metaxy_created_at"}, &schema.Column{Name: "fps", Type: schema.Int64, Nullable: true}, &schema.Column{Name: "tags", Type: schema.JSON})
	v2 := mk([]string{"id"}, &schema.Column{Name: "fps", Type: schema.Float64}, &schema.Column{Name: `we"ird`, Type: schema.UUID, Nullable: true})
	var out bytes.Buffer
	for _, step := range []struct {
		name     string
		from, to *schema.Schema
	}{{"create", &schema.Schema{}, v1}, {"alter", v1, v2}} {
		cs := diff.Compare(step.from, step.to)
		for _, dir := range []string{"up", "down"} {
			list, before, after := cs, step.from, step.to
			if dir == "down" {
				list, before, after = diff.Inverse(cs), step.to, step.from
			}
			st, err := Dialect{}.Render(list, before, after)
			if err != nil {
				t.Fatal(err)
			}
			out.Write(generator.Render(generator.Header{Tool: "mxmigrate test", Environment: "prod:metaxy_features", Dialect: "postgresql",
				Message: step.name, Direction: dir, Transactional: true}, st))
		}
	}
	p := filepath.Join("testdata", "golden.sql")
	if *update {
		os.WriteFile(p, out.Bytes(), 0o644)
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("differs from %s:\n%s", p, out.Bytes())
	}
}
