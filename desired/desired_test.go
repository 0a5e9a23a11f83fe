package desired

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/features"
	"github.com/mxmigrate/mxmigrate/schema"
)

func colNames(t *schema.Table) []string {
	var out []string
	for _, c := range t.Columns {
		n := c.Name + ":" + string(c.Type)
		if !c.Nullable {
			n += "!"
		}
		out = append(out, n)
	}
	return out
}

func TestSystemTables(t *testing.T) {
	r, err := System(Options{TablePrefix: "p_", Naming: schema.DefaultConvention})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Schema.Names(); !reflect.DeepEqual(got, []string{"p_metaxy_system__events", "p_metaxy_system__feature_versions"}) {
		t.Fatalf("tables %v", got)
	}
	fv := r.Schema.Table("p_metaxy_system__feature_versions")
	want := []string{"project:string!", "feature_key:string!", "metaxy_definition_version:string!", "metaxy_feature_version:string",
		"metaxy_project_version:string", "recorded_at:timestamp", "feature_spec:string", "feature_schema:string",
		"feature_class_path:string", "tags:string", "deleted_at:timestamp"}
	if !reflect.DeepEqual(colNames(fv), want) {
		t.Errorf("feature_versions columns %v", colNames(fv))
	}
	if !reflect.DeepEqual(fv.PrimaryKey.Columns, []string{"project", "feature_key", "metaxy_definition_version"}) {
		t.Errorf("pk %v", fv.PrimaryKey)
	}
	var ix []string
	for _, i := range fv.Indexes {
		ix = append(ix, i.Name+"("+strings.Join(i.Columns, ",")+")")
	}
	wantIx := []string{"ix_p_metaxy_system__feature_versions_project(project)", "ix_p_metaxy_system__feature_versions_feature_key(feature_key)",
		"ix_p_metaxy_system__feature_versions_metaxy_feature_version(metaxy_feature_version)",
		"ix_p_metaxy_system__feature_versions_metaxy_project_version(metaxy_project_version)",
		"ix_p_metaxy_system__feature_versions_recorded_at(recorded_at)",
		"idx_p_metaxy_system__feature_versions_lookup(project,feature_key,metaxy_feature_version)"}
	if !reflect.DeepEqual(ix, wantIx) {
		t.Errorf("indexes\n%v\n%v", ix, wantIx)
	}
	ev := r.Schema.Table("p_metaxy_system__events")
	if !reflect.DeepEqual(colNames(ev), []string{"project:string!", "execution_id:string!", "timestamp:timestamp!", "event_type:string", "feature_key:string", "payload:string"}) {
		t.Errorf("events %v", colNames(ev))
	}
	if len(ev.Indexes) != 5 || ev.Indexes[4].Name != "idx_p_metaxy_system__events_lookup" {
		t.Errorf("events indexes %+v", ev.Indexes)
	}
	// with PostgreSQL's 63-byte limit every name fits and stays unique
	r, _ = System(Options{TablePrefix: "a_rather_long_prefix_", Naming: schema.DefaultConvention, Names: schema.ByteLimit(63)})
	seen := map[string]bool{}
	for _, tb := range r.Schema.Tables {
		for _, i := range tb.Indexes {
			if len(i.Name) > 63 || seen[i.Name] {
				t.Errorf("index name %q too long or repeated", i.Name)
			}
			seen[i.Name] = true
		}
	}
}

func set(fs ...*features.Feature) *features.Set {
	for _, f := range fs {
		if f.Source == "" {
			f.Source = "test"
		}
	}
	return &features.Set{Features: fs}
}

func TestFeatureTables(t *testing.T) {
	s := set(
		&features.Feature{Key: "video-raw/frames", Project: "p", IDColumns: []string{"vid", "idx"},
			Schema: []byte(`{"properties":{"b":{"type":"string"},"idx":{"type":"integer"},"metaxy_provenance":{"type":"integer"},"a":{"type":"number"}},"required":["b"]}`)},
		&features.Feature{Key: "other/x", Project: "q", IDColumns: []string{"id"}, Columns: []features.Column{}},
	)
	r, err := Features(s, Options{TablePrefix: "pre_", Naming: schema.DefaultConvention, Project: "p", InjectPrimaryKey: true, InjectIndex: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Schema.Names(); !reflect.DeepEqual(got, []string{"pre_video_raw__frames"}) {
		t.Fatalf("project filter/name: %v", got)
	}
	tb := r.Schema.Tables[0]
	want := []string{"vid:string!", "idx:int64!", "b:string!", "a:float64",
		"metaxy_provenance:string!", "metaxy_provenance_by_field:json!", "metaxy_feature_version:string!", "metaxy_project_version:string!",
		"metaxy_data_version:string!", "metaxy_data_version_by_field:json!", "metaxy_created_at:timestamptz!", "metaxy_updated_at:timestamptz!",
		"metaxy_materialization_id:string", "metaxy_deleted_at:timestamptz"}
	if !reflect.DeepEqual(colNames(tb), want) {
		t.Errorf("columns\n%v\n%v", colNames(tb), want)
	}
	keys := []string{"vid", "idx", "metaxy_created_at", "metaxy_data_version"}
	if tb.PrimaryKey == nil || tb.PrimaryKey.Name != "pk_pre_video_raw__frames" || !reflect.DeepEqual(tb.PrimaryKey.Columns, keys) {
		t.Errorf("pk %+v", tb.PrimaryKey)
	}
	if len(tb.Indexes) != 1 || tb.Indexes[0].Name != "ix_pre_video_raw__frames_vid_idx_metaxy_created_at_metaxy_data_version" {
		t.Errorf("index %+v", tb.Indexes)
	}
	all, _ := Features(s, Options{Naming: schema.DefaultConvention, AllProjects: true})
	if len(all.Schema.Tables) != 2 || all.Schema.Tables[0].PrimaryKey != nil {
		t.Errorf("all projects, no injection: %v", all.Schema.Names())
	}
	if _, err := Features(s, Options{Naming: schema.DefaultConvention}); err == nil || !strings.Contains(err.Error(), "no project") {
		t.Errorf("missing project: %v", err)
	}
}

// TestKey: [ext.mxmigrate] key, as Metaxy's SQLModel integration keys its
// tables, and the columns a key cannot have.
func TestKey(t *testing.T) {
	s := set(&features.Feature{Key: "a/b", Project: "p", IDColumns: []string{"vid", "idx"},
		Schema: []byte(`{"properties":{"vid":{"type":"string"},"idx":{"type":"integer"},"note":{"type":"string"},"meta":{"type":"object"}},"required":["vid","idx","meta"]}`)})
	o := Options{Naming: schema.DefaultConvention, Project: "p", InjectPrimaryKey: true, InjectIndex: true,
		Key: []string{"metaxy_feature_version", "{id_columns}", "metaxy_updated_at"}}
	r, err := Features(s, o)
	if err != nil {
		t.Fatal(err)
	}
	tb := r.Schema.Tables[0]
	want := []string{"metaxy_feature_version", "vid", "idx", "metaxy_updated_at"}
	if !reflect.DeepEqual(tb.PrimaryKey.Columns, want) || !reflect.DeepEqual(tb.Indexes[0].Columns, want) {
		t.Errorf("pk %v, index %v, want %v", tb.PrimaryKey.Columns, tb.Indexes[0].Columns, want)
	}
	for key, msg := range map[string]string{
		"nosuch":            `feature a/b: ext.mxmigrate.key names column "nosuch", which table a__b does not have`,
		"note":              `feature a/b: ext.mxmigrate.key names column "note", which is nullable: a primary key column cannot be`,
		"meta":              `feature a/b: ext.mxmigrate.key names column "meta", of type json`,
		"metaxy_deleted_at": `which is nullable`,
		"vid":               `ext.mxmigrate.key holds column "vid" twice`,
	} {
		o.Key = []string{"{id_columns}", key}
		if _, err := Features(s, o); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("key %s: %v, want %q", key, err, msg)
		}
	}
	// an index alone may hold a nullable column
	o.Key, o.InjectPrimaryKey = []string{"{id_columns}", "note"}, false
	if _, err := Features(s, o); err != nil {
		t.Errorf("index on a nullable column: %v", err)
	}
}

func TestNameLimits(t *testing.T) {
	long := strings.Repeat("k", 70)
	s := set(&features.Feature{Key: long + "/a", Project: "p", IDColumns: []string{"id"}, Columns: []features.Column{}},
		&features.Feature{Key: long + "/b", Project: "p", IDColumns: []string{"id"}, Columns: []features.Column{}})
	_, err := Features(s, Options{Naming: schema.DefaultConvention, Project: "p", Names: schema.ByteLimit(63)})
	if err == nil || !strings.Contains(err.Error(), long+"/a") || !strings.Contains(err.Error(), long+"/b") {
		t.Errorf("truncated names colliding must name both features: %v", err)
	}
	s = set(&features.Feature{Key: long, Project: "p", IDColumns: []string{"id"}, Columns: []features.Column{}})
	r, err := Features(s, Options{Naming: schema.DefaultConvention, Project: "p", Names: schema.ByteLimit(63), InjectPrimaryKey: true, InjectIndex: true})
	if err != nil {
		t.Fatal(err)
	}
	tb := r.Schema.Tables[0]
	if tb.Name != long[:63] || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "longer than 63 bytes") {
		t.Errorf("truncation: %q %v", tb.Name, r.Warnings)
	}
	if len(tb.PrimaryKey.Name) > 63 || len(tb.Indexes[0].Name) > 63 || tb.PrimaryKey.Name == tb.Indexes[0].Name {
		t.Errorf("constraint names: %q %q", tb.PrimaryKey.Name, tb.Indexes[0].Name)
	}
	// two features mapping to one table without truncation
	s = set(&features.Feature{Key: "a-b/c", Project: "p", IDColumns: []string{"id"}, Columns: []features.Column{}},
		&features.Feature{Key: "a_b/c", Project: "p", IDColumns: []string{"id"}, Columns: []features.Column{}})
	if _, err := Features(s, Options{Naming: schema.DefaultConvention, Project: "p"}); err == nil || !strings.Contains(err.Error(), "same table") {
		t.Errorf("table collision: %v", err)
	}
}

func TestUnmappableAndOverride(t *testing.T) {
	f := &features.Feature{Key: "a/b", Project: "p", IDColumns: []string{"id"}, Schema: []byte(`{"properties":{"blob":{}}}`)}
	if _, err := Features(set(f), Options{Naming: schema.DefaultConvention, Project: "p"}); err == nil || !strings.Contains(err.Error(), `property "blob"`) {
		t.Errorf("unmappable: %v", err)
	}
	r, err := Features(set(f), Options{Naming: schema.DefaultConvention, Project: "p",
		ColumnTypes: map[string]map[string]schema.Type{"a/b": {"blob": schema.Bytes, "id": schema.Int64}}})
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Schema.Tables[0].Column("blob"); c == nil || c.Type != schema.Bytes {
		t.Errorf("override: %+v", c)
	}
	if c := r.Schema.Tables[0].Column("id"); c.Type != schema.Int64 || c.Nullable {
		t.Errorf("id override: %+v", c)
	}
}

// TestLongPrefixSystemTablesCollide: a prefix so long that both system tables
// are cut to one name is refused, naming the longest prefix that works.
func TestLongPrefixSystemTablesCollide(t *testing.T) {
	prefix := strings.Repeat("p", 50)
	_, err := System(Options{TablePrefix: prefix, Naming: schema.DefaultConvention, Names: schema.ByteLimit(63)})
	if err == nil || !strings.Contains(err.Error(), "too long") || !strings.Contains(err.Error(), "at most 32 bytes") {
		t.Errorf("got %v", err)
	}
	if _, err := System(Options{TablePrefix: strings.Repeat("p", 32), Naming: schema.DefaultConvention, Names: schema.ByteLimit(63)}); err != nil {
		t.Errorf("32 bytes fit: %v", err)
	}
}

// TestSelectAppliesTheNamer: a source built without the dialect's Namer
// (the library's FilterFeatureMetadata) comes out with the names the CLI's
// target has.
func TestSelectAppliesTheNamer(t *testing.T) {
	set := &features.Set{Features: []*features.Feature{{Key: "media/video_frames", Project: "p", IDColumns: []string{"id"}, Columns: []features.Column{}}}}
	prefix := strings.Repeat("x", 50) + "_"
	o := Options{TablePrefix: prefix, Naming: schema.DefaultConvention, Project: "p", InjectPrimaryKey: true, Names: schema.ByteLimit(63)}
	cli, err := Features(set, o)
	if err != nil {
		t.Fatal(err)
	}
	raw := o
	raw.Names = nil
	src, err := FeatureTables(set, raw)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := Select(src.Schema, o)
	if err != nil {
		t.Fatal(err)
	}
	a, b := cli.Schema.Tables[0], lib.Tables[0]
	if a.Name != b.Name || a.PrimaryKey.Name != b.PrimaryKey.Name || len(b.Name) > 63 {
		t.Errorf("CLI %s %s, library %s %s", a.Name, a.PrimaryKey.Name, b.Name, b.PrimaryKey.Name)
	}
}

// TestRelationNamesAreUnique: a naming convention that gives two indexes one
// name, or an index a table's name, is refused before anything is written.
func TestRelationNamesAreUnique(t *testing.T) {
	set := &features.Set{Features: []*features.Feature{
		{Key: "a/b", Project: "p", IDColumns: []string{"id"}, Columns: []features.Column{}},
		{Key: "c/d", Project: "p", IDColumns: []string{"id"}, Columns: []features.Column{}}}}
	for _, ix := range []string{"ix_%(column_0_name)s", "%(table_name)s"} {
		_, err := Features(set, Options{Naming: schema.Convention{PK: "pk_%(table_name)s", IX: ix}, Project: "p", InjectIndex: true})
		if err == nil || !strings.Contains(err.Error(), "naming_convention") {
			t.Errorf("%s: %v", ix, err)
		}
	}
}

// TestColumnsShared: the feature tables share each column equal in name,
// type and nullability (Metaxy's system columns: one value for 10,000
// tables), and no other.
func TestColumnsShared(t *testing.T) {
	s := set(&features.Feature{Key: "a/x", Project: "p", IDColumns: []string{"id"}, Columns: []features.Column{{Name: "v", Type: schema.String, Nullable: true}}},
		&features.Feature{Key: "b/x", Project: "p", IDColumns: []string{"id"}, Columns: []features.Column{{Name: "v", Type: schema.String}}})
	r, err := Features(s, Options{Naming: schema.DefaultConvention, Project: "p", InjectPrimaryKey: true})
	if err != nil {
		t.Fatal(err)
	}
	a, b := r.Schema.Tables[0], r.Schema.Tables[1]
	if a.Column("metaxy_created_at") != b.Column("metaxy_created_at") || a.Column("id") != b.Column("id") {
		t.Error("equal columns of two tables are two values")
	}
	if a.Column("v") == b.Column("v") || !a.Column("v").Nullable || b.Column("v").Nullable {
		t.Error("v, nullable in a only, is shared or crossed tables")
	}
}
