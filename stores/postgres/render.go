package postgres

import (
	"strings"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/internal/sqlx"
	"github.com/mxmigrate/mxmigrate/schema"
	"github.com/mxmigrate/mxmigrate/stores"
)

// The locks PostgreSQL's DDL takes on the table, and what they block.
const (
	lockAccessExclusive = "ACCESS EXCLUSIVE (blocks reads and writes)"
	lockShare           = "SHARE (blocks writes, not reads)"
	lockShareUpdate     = "SHARE UPDATE EXCLUSIVE (reads and writes go on)"
)

// Render renders each change as PostgreSQL DDL in its plain form (the
// online forms are Steps'), with its cost. A table that before lacks is new.
func (d Dialect) Render(changes []diff.Change, before, after *schema.Schema) ([]stores.Statement, error) {
	var out []stores.Statement
	for _, c := range changes {
		out = append(out, d.render(c, stores.IsNew(c, before))...)
	}
	return out, nil
}

func (d Dialect) render(c diff.Change, newTable bool) []stores.Statement {
	t := d.Quote(c.Table)
	one := func(sql string, e stores.Effect, lock string) []stores.Statement {
		return []stores.Statement{{SQL: sql, Changes: []diff.Change{c}, Cost: stores.ChangeCost(c, newTable, e, lock)}}
	}
	switch c.Kind {
	case diff.CreateTable:
		st := []stores.Statement{{SQL: d.createTable(c.Def), Changes: []diff.Change{c}, Cost: &stores.Cost{Table: c.Table, Effect: stores.NewTable}}}
		for _, ix := range c.Def.Indexes {
			st = append(st, stores.Statement{SQL: d.createIndex(c.Table, ix), Cost: &stores.Cost{Table: c.Table, Effect: stores.NewTable}})
		}
		return st
	case diff.DropTable:
		return one("DROP TABLE "+t+";", stores.MetadataOnly, lockAccessExclusive)
	case diff.AddColumn:
		s := "ALTER TABLE " + t + " ADD COLUMN " + d.Quote(c.Column.Name) + " " + d.TypeSQL(c.Column.Type)
		if !c.Column.Nullable {
			// no default: every row would hold NULL, so PostgreSQL checks the table is empty
			return one(s+" NOT NULL;", stores.Scans, lockAccessExclusive)
		}
		return one(s+";", stores.MetadataOnly, lockAccessExclusive)
	case diff.DropColumn:
		return one("ALTER TABLE "+t+" DROP COLUMN "+d.Quote(c.Column.Name)+";", stores.MetadataOnly, lockAccessExclusive)
	case diff.AlterColumnType:
		col := d.Quote(c.Column.Name)
		ty := d.TypeSQL(c.Column.Type)
		e := stores.Rewrites
		if noRewrite(c.From.Type, c.Column.Type) {
			e = stores.MetadataOnly
		}
		return one("ALTER TABLE "+t+" ALTER COLUMN "+col+" TYPE "+ty+" USING "+col+"::"+ty+";", e, lockAccessExclusive)
	case diff.AlterColumnNull:
		if c.Column.Nullable {
			return one("ALTER TABLE "+t+" ALTER COLUMN "+d.Quote(c.Column.Name)+" DROP NOT NULL;", stores.MetadataOnly, lockAccessExclusive)
		}
		return one("ALTER TABLE "+t+" ALTER COLUMN "+d.Quote(c.Column.Name)+" SET NOT NULL;", stores.Scans, lockAccessExclusive)
	case diff.AddPrimaryKey:
		return one("ALTER TABLE "+t+" ADD "+d.pk(c.Table, c.PrimaryKey)+";", stores.BuildsIndex, lockAccessExclusive)
	case diff.DropPrimaryKey:
		return one("ALTER TABLE "+t+" DROP CONSTRAINT "+d.Quote(pkName(c.Table, c.PrimaryKey))+";", stores.MetadataOnly, lockAccessExclusive)
	case diff.CreateIndex:
		return one(d.createIndex(c.Table, c.Index), stores.BuildsIndex, lockShare)
	case diff.DropIndex:
		return one("DROP INDEX "+d.Quote(c.Index.Name)+";", stores.MetadataOnly, lockAccessExclusive)
	}
	return nil
}

// noRewrite reports whether PostgreSQL changes a column from type from to
// type to without rewriting the table (the types are binary coercible and
// the new one accepts every old value): varchar(n) to text, a timestamp's
// or time's precision raised to the default.
func noRewrite(from, to schema.Type) bool {
	raw, ok := from.IsRaw()
	if !ok {
		return false
	}
	raw = strings.ToLower(raw)
	base, _, _ := strings.Cut(raw, "(")
	switch to {
	case schema.String:
		return base == "character varying" || base == "varchar"
	case schema.Timestamp:
		return base == "timestamp" && strings.HasSuffix(raw, "without time zone")
	case schema.TimestampTZ:
		return base == "timestamp" && strings.HasSuffix(raw, "with time zone")
	case schema.Time:
		return base == "time" && strings.HasSuffix(raw, "without time zone")
	}
	return false
}

// pkName is the key's name, or PostgreSQL's default for an unnamed one.
func pkName(table string, pk *schema.PrimaryKey) string {
	if pk.Name != "" {
		return pk.Name
	}
	return schema.TruncateBytes(table, 58) + "_pkey"
}

func (d Dialect) pk(table string, pk *schema.PrimaryKey) string {
	return "CONSTRAINT " + d.Quote(pkName(table, pk)) + " PRIMARY KEY (" + sqlx.QuoteList(d, pk.Columns) + ")"
}

func (d Dialect) createTable(t *schema.Table) string {
	pk := ""
	if t.PrimaryKey != nil {
		pk = d.pk(t.Name, t.PrimaryKey)
	}
	return sqlx.CreateTableSQL(d, t, t.Name, d.TypeSQL, pk)
}

func (d Dialect) createIndex(table string, ix *schema.Index) string {
	return sqlx.CreateIndexSQL(d, table, ix)
}
