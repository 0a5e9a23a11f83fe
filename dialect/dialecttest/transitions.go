package dialecttest

import "github.com/mxmigrate/mxmigrate/schema"

// Transition is one step of the shared table: the schema after it.
type Transition struct {
	Name string
	// What the step changes, for the golden file.
	What   string
	Schema func() *schema.Schema
}

func col(name string, t schema.Type, nullable bool) *schema.Column {
	return &schema.Column{Name: name, Type: t, Nullable: nullable}
}

// videos and frames are the tables the transitions evolve; each function
// returns a fresh copy, which the transitions then change.
func videos() *schema.Table {
	return &schema.Table{Name: "videos",
		Columns: []*schema.Column{
			col("id", schema.String, false), col("created", schema.TimestampTZ, false),
			col("fps", schema.Int64, true), col("tags", schema.JSON, false), col("title", schema.String, true),
		},
		PrimaryKey: &schema.PrimaryKey{Name: "pk_videos", Columns: []string{"id", "created"}},
		Indexes:    []*schema.Index{{Name: "ix_videos_fps", Columns: []string{"fps"}}},
	}
}

func frames() *schema.Table {
	return &schema.Table{Name: "frames",
		Columns: []*schema.Column{
			col("video_id", schema.String, false), col("n", schema.Int64, false), col("label", schema.String, false),
		},
		PrimaryKey: &schema.PrimaryKey{Name: "pk_frames", Columns: []string{"video_id", "n"}},
	}
}

// SharedTransitions is the table of schema transitions every dialect runs,
// in order, on a database that holds rows: each is generated, applied,
// introspected, reverted and applied again (Transitions), and rendered into
// the dialect's golden file (Golden). Every step keeps the rows of the tables
// it does not drop.
var SharedTransitions = []Transition{
	{"create", "two tables with primary keys, one with an index", func() *schema.Schema {
		return build(videos(), frames())
	}},
	{"add-columns", "nullable columns on tables with rows", func() *schema.Schema {
		v, f := videos(), frames()
		v.Columns = append(v.Columns, col("codec", schema.String, true))
		f.Columns = append(f.Columns, col("width", schema.Int64, true))
		return build(v, f)
	}},
	{"add-index", "a composite index", func() *schema.Schema {
		v, f := step2()
		v.Indexes = append(v.Indexes, &schema.Index{Name: "ix_videos_codec_title", Columns: []string{"codec", "title"}})
		return build(v, f)
	}},
	{"drop-column", "drop an indexed column (and its index) before other columns", func() *schema.Schema {
		v, f := step2()
		v.Columns = remove(v.Columns, "title")
		return build(v, f)
	}},
	{"retype", "an indexed nullable column changes type", func() *schema.Schema {
		v, f := step2()
		v.Columns = remove(v.Columns, "title")
		v.Column("fps").Type = schema.Float64
		return build(v, f)
	}},
	{"drop-not-null", "NOT NULL -> nullable on a table with a primary key", func() *schema.Schema {
		v, f := step5()
		f.Column("label").Nullable = true
		return build(v, f)
	}},
	{"set-not-null", "nullable -> NOT NULL on a column that holds values", func() *schema.Schema {
		return build(step5())
	}},
	{"drop-not-null-indexed", "NOT NULL -> nullable on a table with a primary key and an index", func() *schema.Schema {
		v, f := step5()
		v.Column("tags").Nullable = true
		return build(v, f)
	}},
	{"set-not-null-indexed", "nullable -> NOT NULL on a table with a primary key and an index", func() *schema.Schema {
		return build(step5())
	}},
	{"add-column-indexed", "a nullable column on a table with a primary key and an index, then the index covers it", func() *schema.Schema {
		v, f := step5()
		v.Columns = append(v.Columns, col("lang", schema.String, true))
		v.Indexes = append(v.Indexes, &schema.Index{Name: "ix_videos_lang", Columns: []string{"lang"}})
		return build(v, f)
	}},
	{"change-primary-key", "the primary key gains a column", func() *schema.Schema {
		v, f := step5()
		f.PrimaryKey = &schema.PrimaryKey{Name: "pk_frames", Columns: []string{"video_id", "n", "label"}}
		return build(v, f)
	}},
	{"drop-primary-key", "a table loses its primary key and keeps its index", func() *schema.Schema {
		v, f := step5()
		f.PrimaryKey = &schema.PrimaryKey{Name: "pk_frames", Columns: []string{"video_id", "n", "label"}}
		v.PrimaryKey = nil
		return build(v, f)
	}},
	{"drop-table", "a table is dropped, another created", func() *schema.Schema {
		v, _ := step5()
		v.PrimaryKey = nil
		clips := &schema.Table{Name: "clips", Columns: []*schema.Column{col("id", schema.String, false), col("at", schema.Timestamp, true)},
			PrimaryKey: &schema.PrimaryKey{Name: "pk_clips", Columns: []string{"id"}},
			Indexes:    []*schema.Index{{Name: "ix_clips_at", Columns: []string{"at"}}}}
		return build(v, clips)
	}},
}

func step2() (*schema.Table, *schema.Table) {
	v, f := videos(), frames()
	v.Columns = append(v.Columns, col("codec", schema.String, true))
	f.Columns = append(f.Columns, col("width", schema.Int64, true))
	return v, f
}

func step5() (*schema.Table, *schema.Table) {
	v, f := step2()
	v.Columns = remove(v.Columns, "title")
	v.Column("fps").Type = schema.Float64
	return v, f
}

func remove(cols []*schema.Column, name string) []*schema.Column {
	var out []*schema.Column
	for _, c := range cols {
		if c.Name != name {
			out = append(out, c)
		}
	}
	return out
}

func build(tables ...*schema.Table) *schema.Schema {
	s := &schema.Schema{Tables: tables}
	s.Sort()
	return s
}
