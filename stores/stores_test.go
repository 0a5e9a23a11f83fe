package stores

import (
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/config"
)

func TestMaskPassword(t *testing.T) {
	got := MaskPassword(`dial postgresql://metaxy:s3cret@db:5432/x failed; also pgx5://u:p@h/y`)
	want := `dial postgresql://metaxy:***@db:5432/x failed; also pgx5://u:***@h/y`
	if got != want {
		t.Errorf("got %q", got)
	}
	for in, want := range map[string]string{
		"host=h password=s3 dbname=d":               "host=h password=*** dbname=d",
		"host=h password='a b\\'c' dbname=d":        "host=h password=*** dbname=d",
		"pg://u@h/db?sslmode=x&password=s3&y=1":     "pg://u@h/db?sslmode=x&password=***&y=1",
		"open md:db?motherduck_token=eyJabc failed": "open md:db?motherduck_token=*** failed",
		"pg://u:p@ss:w/rd@host/db":                  "pg://u:***@host/db",
	} {
		if got := MaskPassword(in); got != want {
			t.Errorf("%s: got %q want %q", in, got, want)
		}
	}
	if MaskPassword("postgresql://user@h/db") != "postgresql://user@h/db" {
		t.Error("no password: unchanged")
	}
}

// fake is a registration-only dialect: Register and ForStore look at
// Name and StoreTypes and nothing else.
type fake struct {
	Dialect
	name  string
	types []string
}

func (f fake) Name() string         { return f.name }
func (f fake) StoreTypes() []string { return f.types }

func TestRegister(t *testing.T) {
	Register(fake{name: "reg-a", types: []string{"x.A"}})
	if d, ok := Lookup("reg-a"); !ok || d.Name() != "reg-a" {
		t.Fatal("registered dialect not found")
	}
	d, err := ForStore(&config.Store{Name: "s", Type: "x.A"})
	if err != nil || d.Name() != "reg-a" {
		t.Fatalf("ForStore: %v %v", d, err)
	}
	_, err = ForStore(&config.Store{Name: "lake", Type: "metaxy.ext.metadata_stores.delta.DeltaMetadataStore", ConfigPath: "metaxy.toml"})
	if err == nil || !strings.Contains(err.Error(), "stores.lake.type") || !strings.Contains(err.Error(), "x.A") {
		t.Errorf("unknown type: the error names the key and the supported types: %v", err)
	}
	for _, dup := range []fake{{name: "reg-a"}, {name: "reg-b", types: []string{"x.A"}}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("registering %s (%v) again must panic", dup.name, dup.types)
				}
			}()
			Register(dup)
		}()
	}
	if _, ok := Lookup("reg-b"); ok {
		t.Error("a refused registration must leave nothing behind")
	}
}
