package postgres

import (
	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/internal/sqlx"
	"github.com/mxmigrate/mxmigrate/schema"
	"github.com/mxmigrate/mxmigrate/stores"
)

// Render renders each change as PostgreSQL DDL; PostgreSQL's ALTER TABLE
// needs no planning around.
func (d Dialect) Render(changes []diff.Change, before, after *schema.Schema) ([]stores.Statement, error) {
	var out []stores.Statement
	for _, c := range changes {
		out = append(out, d.render(c)...)
	}
	return out, nil
}

func (d Dialect) render(c diff.Change) []stores.Statement {
	one := func(sql string) []stores.Statement {
		return []stores.Statement{{SQL: sql, Changes: []diff.Change{c}}}
	}
	if sql, ok := sqlx.StandardSQL(d, c); ok {
		return one(sql)
	}
	t := d.Quote(c.Table)
	switch c.Kind {
	case diff.CreateTable:
		st := []stores.Statement{{SQL: d.createTable(c.Def), Changes: []diff.Change{c}}}
		for _, ix := range c.Def.Indexes {
			st = append(st, stores.Statement{SQL: d.createIndex(c.Table, ix)})
		}
		return st
	case diff.AddColumn:
		s := "ALTER TABLE " + t + " ADD COLUMN " + d.Quote(c.Column.Name) + " " + d.TypeSQL(c.Column.Type)
		if !c.Column.Nullable {
			s += " NOT NULL"
		}
		return one(s + ";")
	case diff.AlterColumnType:
		col := d.Quote(c.Column.Name)
		ty := d.TypeSQL(c.Column.Type)
		return one("ALTER TABLE " + t + " ALTER COLUMN " + col + " TYPE " + ty + " USING " + col + "::" + ty + ";")
	case diff.AddPrimaryKey:
		return one("ALTER TABLE " + t + " ADD " + d.pk(c.Table, c.PrimaryKey) + ";")
	case diff.DropPrimaryKey:
		return one("ALTER TABLE " + t + " DROP CONSTRAINT " + d.Quote(pkName(c.Table, c.PrimaryKey)) + ";")
	}
	return nil
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
