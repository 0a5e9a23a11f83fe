package duckdb

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/schema"
)

// step migrates the live database to target with a rendered up file, checks
// it introspects back to target and keeps its rows, then runs the down file,
// checks the previous schema and rows are back, and runs up again.
func step(t *testing.T, name string, drv *Driver, target *schema.Schema, check func() string) {
	t.Helper()
	ctx := context.Background()
	d := Dialect{}
	before, err := d.Inspect(ctx, drv.h, target.Names())
	if err != nil {
		t.Fatal(err)
	}
	cs := diff.Compare(before, target)
	if len(cs) == 0 {
		t.Fatalf("%s: no changes", name)
	}
	up := renderDir(t, "up", cs, before, diff.Apply(before, cs))
	down := renderDir(t, "down", diff.Inverse(cs), diff.Apply(before, cs), before)
	rows := check()
	run := func(dir string, sql []byte, want *schema.Schema) {
		t.Helper()
		if err := drv.Run(bytes.NewReader(sql)); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, dir, err, sql)
		}
		got, err := d.Inspect(ctx, drv.h, want.Names())
		if err != nil {
			t.Fatal(err)
		}
		if rest := diff.Compare(got, want); len(rest) != 0 {
			for _, c := range rest {
				t.Errorf("%s %s: left %s", name, dir, c.Summary())
			}
		}
		if after := check(); after != rows {
			t.Errorf("%s %s: rows changed: %s -> %s", name, dir, rows, after)
		}
	}
	run("up", up, target)
	run("down", down, before)
	run("up again", up, target)
}

func TestAlterLimitsKeepRows(t *testing.T) {
	p, h := tempDB(t)
	drv0, err := (&Driver{}).Open("duckdb://" + p)
	if err != nil {
		t.Fatal(err)
	}
	drv := drv0.(*Driver)
	defer drv.Close()
	key := []string{"id", "metaxy_created_at", "metaxy_data_version"}
	mk := func(pk []string, cols ...*schema.Column) *schema.Schema {
		all := append([]*schema.Column{
			{Name: "id", Type: schema.String},
			{Name: "metaxy_created_at", Type: schema.TimestampTZ},
			{Name: "metaxy_data_version", Type: schema.String},
		}, cols...)
		return &schema.Schema{Tables: []*schema.Table{{Name: "videos", Columns: all,
			PrimaryKey: &schema.PrimaryKey{Name: "pk_videos", Columns: pk},
			Indexes:    []*schema.Index{{Name: "ix_videos_key", Columns: key}}}}}
	}
	path := &schema.Column{Name: "path", Type: schema.String, Nullable: true}
	fps := &schema.Column{Name: "fps", Type: schema.Int64, Nullable: true}
	v0 := mk(key, path, fps)
	// create and fill: 50 rows
	cs := diff.Compare(&schema.Schema{}, v0)
	if err := drv.Run(bytes.NewReader(render(t, cs, &schema.Schema{}, v0))); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		exec1(t, h, `INSERT INTO videos VALUES (?, TIMESTAMPTZ '2026-01-01 00:00:00+00' + INTERVAL (?) SECOND, 'v1', ?, ?)`, fmt.Sprint(i), i, fmt.Sprintf("/p/%d", i), i*10)
	}
	check := func() string {
		var n int
		var ids string
		if err := h.QueryRow(`SELECT count(*), string_agg(CAST(id AS VARCHAR), ',' ORDER BY CAST(id AS VARCHAR)) FROM videos`).Scan(&n, &ids); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%d:%x", n, ids)
	}

	codec := &schema.Column{Name: "codec", Type: schema.String, Nullable: true}
	step(t, "add column", drv, mk(key, path, fps, codec), check)
	step(t, "drop column", drv, mk(key, fps, codec), check)
	fpsF := &schema.Column{Name: "fps", Type: schema.Float64, Nullable: true}
	step(t, "change type", drv, mk(key, fpsF, codec), check)
	var sum float64
	h.QueryRow(`SELECT sum(fps) FROM videos`).Scan(&sum)
	if sum != 12250 {
		t.Errorf("values lost in the type change: sum %v", sum)
	}
	fpsNN := &schema.Column{Name: "fps", Type: schema.Float64, Nullable: false}
	step(t, "set not null", drv, mk(key, fpsNN, codec), check)
	step(t, "change primary key", drv, mk([]string{"id", "metaxy_created_at"}, fpsNN, codec), check)
	retyped := mk([]string{"id", "metaxy_created_at"}, fpsNN, codec)
	retyped.Tables[0].Columns[0].Type = schema.Int64
	step(t, "change type of a key column", drv, retyped, check)
	noKey := mk(nil, fpsNN, codec)
	noKey.Tables[0].PrimaryKey = nil
	step(t, "drop primary key", drv, noKey, check)
}
