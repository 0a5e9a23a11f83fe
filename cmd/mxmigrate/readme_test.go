package main

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/schema"
)

// storeTable is the README's table of supported stores, written from the
// registry: one row per dialect built into the CLI.
func storeTable() string {
	rows := []string{"| Metaxy store type | dialect | status |", "| --- | --- | --- |"}
	for _, n := range dialect.Names() {
		d, _ := dialect.Lookup(n)
		a := d.About()
		var types []string
		for _, t := range d.StoreTypes() {
			types = append(types, "`"+t+"`")
		}
		status := "supported"
		if a.Docs != "" {
			status += " ([" + a.Docs + "](" + a.Docs + "))"
		}
		rows = append(rows, "| "+strings.Join(types, "<br>")+" | "+a.Database+" | "+status+" |")
	}
	return strings.Join(rows, "\n") + "\n"
}

// typesTable is docs/definitions.md's table of logical types, written from
// schema and the registry: each type, the other names it is accepted by,
// and the column type each dialect gives a column of it (shaped as a
// project without [ext.mxmigrate.<dialect>] settings has it).
func typesTable() string {
	head, sep := "| logical type | also accepted |", "| --- | --- |"
	var shaped []*schema.Table
	for _, n := range dialect.Names() {
		d, _ := dialect.Lookup(n)
		d, err := d.Tune(nil, "")
		if err != nil {
			panic(err)
		}
		t := &schema.Table{Name: "types"}
		for _, ty := range schema.LogicalTypes {
			t.Columns = append(t.Columns, &schema.Column{Name: string(ty), Type: ty})
		}
		if _, _, err := d.Shape(&schema.Schema{Tables: []*schema.Table{t}}); err != nil {
			panic(err)
		}
		for _, c := range t.Columns {
			c.Type = schema.Type(d.TypeSQL(c.Type))
		}
		shaped = append(shaped, t)
		head += " " + strings.Fields(d.About().Database)[0] + " |"
		sep += " --- |"
	}
	rows := []string{head, sep}
	for i, ty := range schema.LogicalTypes {
		row := "| `" + string(ty) + "` | " + strings.Join(schema.Aliases(ty), ", ") + " |"
		for _, t := range shaped {
			row += " `" + string(t.Columns[i].Type) + "` |"
		}
		rows = append(rows, row)
	}
	return strings.Join(rows, "\n") + "\n"
}

var update = flag.Bool("update", false, "rewrite the tables of README.md and docs/definitions.md from the code")

// TestDefinitionsTypeTable: docs/definitions.md lists every logical type
// with its column type on every dialect, as the code renders it (-update
// writes the table).
func TestDefinitionsTypeTable(t *testing.T) {
	docTable(t, "../../docs/definitions.md", typesTable(), "TestDefinitionsTypeTable", "## Logical types")
}

// TestReadmeStoreTable: the README lists every registered dialect, as the
// registry describes it, and no other (-update writes the table).
func TestReadmeStoreTable(t *testing.T) {
	docTable(t, "../../README.md", storeTable(), "TestReadmeStoreTable", "## Stores")
}

// docTable checks that the file at path holds the table want (found by its
// header line, ending at a blank line), and with -update writes it there.
func docTable(t *testing.T, path, want, test, section string) {
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head := want[:strings.Index(want, "\n")+1]
	i := strings.Index(string(doc), head)
	if i < 0 {
		t.Fatalf("%s has no table with the header %q; write this one under %s:\n%s", path, strings.TrimSpace(head), section, want)
	}
	got := string(doc[i:])
	if j := strings.Index(got, "\n\n"); j >= 0 {
		got = got[:j+1]
	}
	if got != want && *update {
		out := string(doc[:i]) + want + string(doc[i+len(got):])
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != want {
		t.Errorf("%s's table differs from the code; write this one (go test ./cmd/mxmigrate -run %s -update does):\n%s\n%s has:\n%s", path, test, want, path, got)
	}
}
