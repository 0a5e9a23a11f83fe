package clickhouse

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/schema"
)

func configure(t testing.TB, d Dialect, conn string) dialect.Store {
	t.Helper()
	s, err := d.Configure(config.NewStore("prod", "metaxy.ext.clickhouse.ClickHouseMetadataStore", map[string]any{"connection_string": conn}))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestURLs: Metaxy's sqlalchemy_url port mapping, and golang-migrate's URL.
func TestURLs(t *testing.T) {
	for _, c := range []struct{ conn, url, migrate string }{
		{"clickhouse://u:p@host:8443/db", "clickhouse+native://u:p@host:9440/db?secure=True",
			"clickhouse://host:9440?database=db&password=p&secure=true&username=u&x-migrations-table=schema_migrations_metaxy_features&x-multi-statement=true"},
		{"clickhouse://u:p@host:8123/db", "clickhouse+native://u:p@host:9000/db",
			"clickhouse://host:9000?database=db&password=p&username=u&x-migrations-table=schema_migrations_metaxy_features&x-multi-statement=true"},
		{"clickhouse://u@host:9440/db?secure=True", "clickhouse+native://u@host:9440/db?secure=True",
			"clickhouse://host:9440?database=db&secure=true&username=u&x-migrations-table=schema_migrations_metaxy_features&x-multi-statement=true"},
	} {
		s := configure(t, Dialect{}, c.conn)
		if u, err := s.URL(dialect.URLOptions{}); err != nil || u != c.url {
			t.Errorf("%s: url %q %v, want %q", c.conn, u, err, c.url)
		}
		if u, err := s.MigrateURL("schema_migrations_metaxy_features", dialect.URLOptions{}); err != nil || u != c.migrate {
			t.Errorf("%s: migrate url %q %v, want %q", c.conn, u, err, c.migrate)
		}
	}
	// where mxmigrate and golang-migrate connect: native ports kept, TLS
	// from the port, secure, protocol or scheme, credentials from the query
	for conn, want := range map[string]string{
		"clickhouse://u:p@h:9440/db":                      "clickhouse://h:9440?database=db&password=p&secure=true&username=u",
		"clickhouse+https://u:p@h/db":                     "clickhouse://h:9440?database=db&password=p&secure=true&username=u",
		"clickhouse://u:p@h:19000/db?secure=1":            "clickhouse://h:19000?database=db&password=p&secure=true&username=u",
		"clickhouse://h:8123/db?username=u&password=s3cr": "clickhouse://h:9000?database=db&password=s3cr&username=u",
		"clickhouse://h:8123/db?protocol=https":           "clickhouse://h:9000?database=db&secure=true&username=",
	} {
		u, err := configure(t, Dialect{}, conn).MigrateURL("m", dialect.URLOptions{})
		if want += "&x-migrations-table=m&x-multi-statement=true"; err != nil || u != want {
			t.Errorf("%s: %q %v, want %q", conn, u, err, want)
		}
	}
	for conn, msg := range map[string]string{
		"clickhouse://h:8123/db?x=1":                    `unknown parameter "x"`,
		"clickhouse://h:8123/db?Password=x":             `unknown parameter "Password"`,
		"clickhouse://h:8123/db/extra":                  `database "db/extra"`,
		"clickhouse://h:8123/system":                    `database "system" is ClickHouse's own`,
		"clickhouse://u:s3c ret@h:8123/db":              "clickhouse://***@h:8123/db",
		"chdb:d?database=a&database=b":                  "?database is given 2 times",
		`chdb:d?database=x%5C%22%3B%20DROP%20TABLE%20t`: "letters, digits and underscores",
		"chdb:~/ch": "~ is not expanded",
	} {
		_, err := Dialect{}.Configure(config.NewStore("prod", "metaxy.ext.clickhouse.ClickHouseMetadataStore", map[string]any{"connection_string": conn}))
		if err == nil || !strings.Contains(err.Error(), msg) || strings.Contains(err.Error(), "s3c ret") {
			t.Errorf("%s: %v, want %q", conn, err, msg)
		}
	}
	if _, err := configure(t, Dialect{}, "chdb:///data/ch").MigrateURL("t", dialect.URLOptions{}); err == nil || !strings.Contains(err.Error(), "mxmigrate up") {
		t.Errorf("chdb migrate URL: %v", err)
	}
	if _, err := configure(t, Dialect{}, "clickhouse://h:9000/db").MigrateURL("my-table", dialect.URLOptions{}); err == nil || !strings.Contains(err.Error(), "unquoted") {
		t.Errorf("migrations table with '-': %v", err)
	}
}

// features is a feature table as target derivation makes it.
func featureTable(name, key string) *schema.Table {
	return &schema.Table{Name: name, FeatureKey: key, IDColumns: []string{"id"}, Columns: []*schema.Column{
		{Name: "id", Type: schema.String}, {Name: "doc", Type: schema.JSON, Nullable: true},
		{Name: "metaxy_provenance_by_field", Type: schema.JSON}, {Name: "metaxy_feature_version", Type: schema.String},
		{Name: "metaxy_created_at", Type: schema.TimestampTZ}, {Name: "metaxy_updated_at", Type: schema.TimestampTZ},
	}, PrimaryKey: &schema.PrimaryKey{Name: "pk", Columns: []string{"id"}}}
}

// TestCluster: with a cluster, every statement carries ON CLUSTER, engines
// are Replicated with {shard}/{replica} macros, the migrate URL names the
// cluster, and rebuilds are refused. No cluster is reachable on the test
// machines: this is checked on the rendered SQL (testdata/cluster.sql).
func TestCluster(t *testing.T) {
	tuned, err := Dialect{}.Tune(map[string]any{"cluster": "main", "partition_by": "toYYYYMM(metaxy_created_at)",
		"features": map[string]any{"a/b": map[string]any{"engine": "ReplacingMergeTree(metaxy_updated_at)"}}}, "ext.mxmigrate.clickhouse")
	if err != nil {
		t.Fatal(err)
	}
	d := tuned.(Dialect)
	before := &schema.Schema{Tables: []*schema.Table{featureTable("a__b", "a/b"), featureTable("c", "c")}}
	if _, _, err := d.Shape(before); err != nil {
		t.Fatal(err)
	}
	after := before.Clone()
	after.Tables[0].Columns = append(after.Tables[0].Columns, &schema.Column{Name: "codec", Type: schema.String, Nullable: true})
	after.Tables = after.Tables[:1]
	var out bytes.Buffer
	for _, step := range []struct{ from, to *schema.Schema }{{&schema.Schema{}, before}, {before, after}} {
		cs := diff.Compare(step.from, step.to)
		for _, dir := range [][]diff.Change{cs, diff.Inverse(cs)} {
			stmts, err := d.Render(dir, step.from, diff.Apply(step.from, dir))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range stmts {
				if !strings.Contains(s.SQL, " ON CLUSTER `main`") {
					t.Errorf("no ON CLUSTER: %s", s.SQL)
				}
				if strings.HasPrefix(s.SQL, "CREATE") && !strings.Contains(s.SQL, "ENGINE = Replicated") {
					t.Errorf("not replicated: %s", s.SQL)
				}
				out.WriteString(s.SQL + "\n")
			}
		}
	}
	golden := filepath.Join("testdata", "cluster.sql")
	if *update {
		os.WriteFile(golden, out.Bytes(), 0o644)
	}
	if want, err := os.ReadFile(golden); err != nil || !bytes.Equal(want, out.Bytes()) {
		t.Errorf("differs from %s (go test -update):\n%s", golden, out.Bytes())
	}
	u, err := configure(t, d, "clickhouse://u:p@host:9000/db").MigrateURL("schema_migrations_metaxy_features", dialect.URLOptions{})
	if err != nil || !strings.Contains(u, "x-cluster-name=main") || !strings.Contains(u, "x-migrations-table-engine=MergeTree") {
		t.Errorf("migrate url %q %v", u, err)
	}
	// a new ORDER BY would rebuild: refused on a cluster
	changed := before.Clone()
	changed.Tables[1].Storage.OrderBy = []string{"id"}
	if _, err := d.Render(diff.Compare(before, changed), before, changed); err == nil || !strings.Contains(err.Error(), "on cluster main") {
		t.Errorf("rebuild on a cluster: %v", err)
	}
}

// TestSettingsErrors: bad [ext.mxmigrate.clickhouse] values name the key.
func TestSettingsErrors(t *testing.T) {
	for _, c := range []struct {
		m    map[string]any
		want string
	}{
		{map[string]any{"engine": "Log"}, "ext.mxmigrate.clickhouse.engine"},
		{map[string]any{"order_by": "id"}, "must be a list"},
		{map[string]any{"json_type": "XML"}, "json_type"},
		{map[string]any{"ordr_by": []any{"id"}}, "unknown key"},
		{map[string]any{"cluster": "a b"}, "cluster"},
		{map[string]any{"accept_collapse": "yes"}, "accept_collapse must be true or false"},
		{map[string]any{"features": map[string]any{"a/b": map[string]any{"accept_collapse": true}}}, "set it for every table, in [ext.mxmigrate.clickhouse]"},
	} {
		if _, err := (Dialect{}).Tune(c.m, "ext.mxmigrate.clickhouse"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.m, err, c.want)
		}
	}
	d, _ := Dialect{}.Tune(map[string]any{"order_by": []any{"{id_columns}", "missing"}}, "ext.mxmigrate.clickhouse")
	s := &schema.Schema{Tables: []*schema.Table{featureTable("t", "t")}}
	if _, _, err := d.(Dialect).Shape(s); err == nil || !strings.Contains(err.Error(), `ORDER BY column "missing"`) {
		t.Errorf("unknown ORDER BY column: %v", err)
	}
	// json_type = "JSON": nullable json columns become non-null, with a warning
	d, _ = Dialect{}.Tune(map[string]any{"json_type": "JSON"}, "ext.mxmigrate.clickhouse")
	s = &schema.Schema{Tables: []*schema.Table{featureTable("t", "t")}}
	warnings, _, err := d.(Dialect).Shape(s)
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "cannot make Nullable") || s.Tables[0].Column("doc").Type != schema.JSON {
		t.Errorf("json_type JSON: %v %v", warnings, err)
	}
	// tables share their equal columns (the target's ShareColumns): each
	// table is shaped and warned about, the shared value is left as it was
	a, b := featureTable("a", "a"), featureTable("b", "b")
	b.Columns = append([]*schema.Column(nil), a.Columns...)
	shared := a.Column("doc")
	was := *shared
	warnings, _, err = d.(Dialect).Shape(&schema.Schema{Tables: []*schema.Table{a, b}})
	if err != nil || len(warnings) != 2 || a.Column("doc").Nullable || b.Column("doc").Nullable {
		t.Errorf("shared columns, json_type JSON: %v %v", warnings, err)
	}
	if *shared != was {
		t.Errorf("the shared column was written: %+v, was %+v", *shared, was)
	}
}

func TestCaveats(t *testing.T) {
	cur := &schema.Schema{Tables: []*schema.Table{{Name: "t", Columns: []*schema.Column{{Name: "a", Type: schema.String, Nullable: true}}}}}
	tgt := &schema.Schema{Tables: []*schema.Table{{Name: "t", Columns: []*schema.Column{{Name: "a", Type: schema.String}, {Name: "n", Type: schema.Int64}}}}}
	var got []string
	cs := diff.Compare(cur, tgt)
	for i, cv := range (Dialect{}).Caveats(cs, cur) {
		cs[i].Caveat = cv
		got = append(got, cs[i].Destructive())
	}
	want := []string{
		"adds non-Nullable column t.n to an existing table: its rows get the default value of Int64 for it, which reads as a real value",
		"makes t.a non-Nullable: rows holding NULL get the default value of String instead, and the NULLs are lost",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	// dropping NOT NULL is safe, unless the column is in the sorting key:
	// then the table is rebuilt
	cur.Tables[0].Columns[0].Nullable = false
	cur.Tables[0].Storage = &schema.Storage{Engine: "MergeTree", OrderBy: []string{"a"}, Settings: map[string]string{"allow_nullable_key": "1"}}
	tgt = cur.Clone()
	tgt.Tables[0].Columns[0].Nullable = true
	cs = diff.Compare(cur, tgt)
	cvs := (Dialect{}).Caveats(cs, cur)
	if len(cs) != 1 || !strings.HasPrefix(cvs[0], "rebuilds table t (ClickHouse cannot drop or alter column a of the sorting or partition key in place)") {
		t.Errorf("%d changes, caveats %q", len(cs), cvs)
	}
	// a type change says what its guard stops on
	tgt = cur.Clone()
	tgt.Tables[0].Columns[0].Type = schema.Int64
	tgt.Tables[0].Storage.OrderBy = nil
	cur.Tables[0].Storage.OrderBy = nil
	cs = diff.Compare(cur, tgt)
	cvs = (Dialect{}).Caveats(cs, cur)
	if len(cs) != 1 || cvs[0] != "changes the type of t.a from String to Int64: the file stops before the change if a value does not read back as the same text ('007' and '7' would merge into 7)" {
		t.Errorf("%d changes, caveats %q", len(cs), cvs)
	}
}
