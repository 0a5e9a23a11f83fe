package dialect

import (
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/config"
)

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
