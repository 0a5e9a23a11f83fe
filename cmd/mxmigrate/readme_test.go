package main

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/dialect"
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

var update = flag.Bool("update", false, "rewrite README.md's store table from the registry")

// TestReadmeStoreTable: the README lists every registered dialect, as the
// registry describes it, and no other (-update writes the table).
func TestReadmeStoreTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := storeTable()
	head := want[:strings.Index(want, "\n")+1]
	i := strings.Index(string(readme), head)
	if i < 0 {
		t.Fatalf("README.md has no store table (a line %q); write this one under ## Stores:\n%s", strings.TrimSpace(head), want)
	}
	got := string(readme[i:])
	if j := strings.Index(got, "\n\n"); j >= 0 {
		got = got[:j+1]
	}
	if got != want && *update {
		out := string(readme[:i]) + want + string(readme[i+len(got):])
		if err := os.WriteFile("../../README.md", []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != want {
		t.Errorf("README.md's store table differs from the registry; write this one (go test ./cmd/mxmigrate -run TestReadmeStoreTable -update does):\n%s\nREADME.md has:\n%s", want, got)
	}
}
