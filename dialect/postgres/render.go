package postgres

import (
	"fmt"
	"strings"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/internal/sqltext"
	"github.com/mxmigrate/mxmigrate/plan"
	"github.com/mxmigrate/mxmigrate/schema"
)

// The locks PostgreSQL's DDL takes on the table, and what they block.
const (
	lockAccessExclusive = "ACCESS EXCLUSIVE (blocks reads and writes)"
	lockShare           = "SHARE (blocks writes, not reads)"
	lockShareUpdate     = "SHARE UPDATE EXCLUSIVE (reads and writes go on)"
)

// Render renders each change as PostgreSQL DDL in its plain form (the
// online forms are Steps'), with its cost. A table that before lacks is new.
func (d Dialect) Render(changes []diff.Change, before, after *schema.Schema) ([]plan.Statement, error) {
	var out []plan.Statement
	for _, c := range changes {
		out = append(out, d.render(c, plan.IsNew(c, before))...)
	}
	return out, nil
}

func (d Dialect) render(c diff.Change, newTable bool) []plan.Statement {
	t := d.Quote(c.Table)
	one := func(sql string, e plan.Effect, lock string) []plan.Statement {
		return []plan.Statement{{SQL: sql, Changes: []diff.Change{c}, Cost: plan.ChangeCost(c, newTable, e, lock)}}
	}
	switch c.Kind {
	case diff.RenameTable, diff.RenameColumn:
		sql, _ := sqltext.StandardSQL(d, c)
		return []plan.Statement{{SQL: sql, Changes: []diff.Change{c}, Cost: plan.RenameCost(c, lockAccessExclusive)}}
	case diff.CreateTable:
		st := []plan.Statement{{SQL: d.createTable(c.Def), Changes: []diff.Change{c}, Cost: &plan.Cost{Table: c.Table, Effect: plan.NewTable}}}
		for _, ix := range c.Def.Indexes {
			st = append(st, plan.Statement{SQL: d.createIndex(c.Table, ix), Cost: &plan.Cost{Table: c.Table, Effect: plan.NewTable}})
		}
		return st
	case diff.DropTable:
		return one("DROP TABLE "+t+";", plan.MetadataOnly, lockAccessExclusive)
	case diff.AddColumn:
		s := "ALTER TABLE " + t + " ADD COLUMN " + d.Quote(c.Column.Name) + " " + d.TypeSQL(c.Column.Type)
		if !c.Column.Nullable {
			// no default: every row would hold NULL, so PostgreSQL checks the table is empty
			return one(s+" NOT NULL;", plan.Scans, lockAccessExclusive)
		}
		return one(s+";", plan.MetadataOnly, lockAccessExclusive)
	case diff.DropColumn:
		return one("ALTER TABLE "+t+" DROP COLUMN "+d.Quote(c.Column.Name)+";", plan.MetadataOnly, lockAccessExclusive)
	case diff.AlterColumnType:
		col := d.Quote(c.Column.Name)
		ty := d.TypeSQL(c.Column.Type)
		e := plan.Rewrites
		if noRewrite(c.From.Type, c.Column.Type) {
			e = plan.MetadataOnly
		}
		st := one("ALTER TABLE "+t+" ALTER COLUMN "+col+" TYPE "+ty+" USING "+col+"::"+ty+";", e, lockAccessExclusive)
		if g, ok := d.guard(c); ok {
			st = append([]plan.Statement{g}, st...)
		}
		return st
	case diff.AlterColumnNull:
		if c.Column.Nullable {
			return one("ALTER TABLE "+t+" ALTER COLUMN "+d.Quote(c.Column.Name)+" DROP NOT NULL;", plan.MetadataOnly, lockAccessExclusive)
		}
		return one("ALTER TABLE "+t+" ALTER COLUMN "+d.Quote(c.Column.Name)+" SET NOT NULL;", plan.Scans, lockAccessExclusive)
	case diff.AddPrimaryKey:
		return one("ALTER TABLE "+t+" ADD "+d.pk(c.Table, c.PrimaryKey)+";", plan.BuildsIndex, lockAccessExclusive)
	case diff.DropPrimaryKey:
		return one("ALTER TABLE "+t+" DROP CONSTRAINT "+d.Quote(pkName(c.Table, c.PrimaryKey))+";", plan.MetadataOnly, lockAccessExclusive)
	case diff.CreateIndex:
		return one(d.createIndex(c.Table, c.Index), plan.BuildsIndex, lockShare)
	case diff.DropIndex:
		return one("DROP INDEX IF EXISTS "+d.Quote(c.Index.Name)+";", plan.MetadataOnly, lockAccessExclusive)
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
	return "CONSTRAINT " + d.Quote(pkName(table, pk)) + " PRIMARY KEY (" + sqltext.QuoteList(d, pk.Columns) + ")"
}

func (d Dialect) createTable(t *schema.Table) string {
	pk := ""
	if t.PrimaryKey != nil {
		pk = d.pk(t.Name, t.PrimaryKey)
	}
	return sqltext.CreateTableSQL(d, t, t.Name, d.TypeSQL, pk)
}

func (d Dialect) createIndex(table string, ix *schema.Index) string {
	return sqltext.CreateIndexSQL(d, table, ix)
}

// guarded reports whether a change of type gets a guard: every change diff
// calls destructive, but to or from json (jsonb keeps the parsed value, not
// the text: a round trip through it would refuse any text not written as
// jsonb prints it; the plan says so instead).
func (d Dialect) guarded(c diff.Change) bool {
	plain := c
	plain.Caveat = ""
	return c.Kind == diff.AlterColumnType && plain.Destructive() != "" && !isJSON(d.TypeSQL(c.From.Type)) && !isJSON(d.TypeSQL(c.Column.Type))
}

func isJSON(sql string) bool {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(sql)), "(")
	return base == "json" || base == "jsonb"
}

// guard is the statement that stops the file (which rolls back) before
// column c.Column changes type, if one of its values would not survive:
// (v::new)::old must give v back. PostgreSQL's casts round (29.97 to 30),
// read '007' as 7, move a timestamptz to the session's time zone: the
// ALTER alone would change such values silently. It first takes the lock
// the ALTER takes (ACCESS EXCLUSIVE, within lock_timeout), so that no row
// comes in between the check and the change. A value the cast refuses
// stops it too (with PostgreSQL's own error). A type without an equality
// operator (xml) is compared as text.
func (d Dialect) guard(c diff.Change) (plan.Statement, bool) {
	if !d.guarded(c) {
		return plan.Statement{}, false
	}
	t, col := d.Quote(c.Table), d.Quote(c.Column.Name)
	from, to := d.TypeSQL(c.From.Type), d.TypeSQL(c.Column.Type)
	back := "(" + col + "::" + to + ")::" + from
	if base, _, _ := strings.Cut(strings.ToLower(from), "("); strings.TrimSpace(base) == "xml" {
		back, col = "("+back+")::text", col+"::text"
	}
	// RAISE's format: % is the value, a % of a name is written %%
	msg := strings.ReplaceAll(fmt.Sprintf("mxmigrate: a value of %s.%s does not convert from %s to %s and back unchanged, so the migration is rolled back: ",
		c.Table, c.Column.Name, d.DisplayType(c.From.Type), d.DisplayType(c.Column.Type)), "%", "%%") + "%"
	// use_column: the table's columns win over the block's variable
	body := fmt.Sprintf(`
#variable_conflict use_column
DECLARE mxmigrate_value text;
BEGIN
    LOCK TABLE %s IN ACCESS EXCLUSIVE MODE;
    SELECT %s::text INTO mxmigrate_value FROM %s WHERE %s IS NOT NULL AND %s IS DISTINCT FROM %s LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION %s, mxmigrate_value;
    END IF;
END
`, t, d.Quote(c.Column.Name), t, d.Quote(c.Column.Name), back, col, quoteLiteral(msg))
	tag := "$mxmigrate$"
	for i := 2; strings.Contains(body, tag); i++ {
		tag = fmt.Sprintf("$mxmigrate%d$", i)
	}
	return plan.Statement{SQL: "DO " + tag + body + tag + ";",
		Note: fmt.Sprintf("stops here (the file rolls back) if a value of %s.%s does not convert to %s and back unchanged", c.Table, c.Column.Name, d.DisplayType(c.Column.Type)),
		Cost: plan.ChangeCost(c, false, plan.Scans, lockAccessExclusive)}, true
}

// quoteLiteral is a standard SQL string literal.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Caveats: a type change says what the file checks before it (guard), and
// what PostgreSQL does to the values that pass: a timestamptz becomes the
// wall-clock time of the session's time zone; a timestamp is read as one; a
// text parsed as json is kept as jsonb prints it.
func (d Dialect) Caveats(cs []diff.Change, _ *schema.Schema) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		plain := c
		plain.Caveat = ""
		if c.Kind != diff.AlterColumnType || plain.Destructive() == "" {
			continue
		}
		from, to := d.DisplayType(c.From.Type), d.DisplayType(c.Column.Type)
		s := fmt.Sprintf("changes the type of %s.%s from %s to %s: ", c.Table, c.Column.Name, from, to)
		if !d.guarded(c) {
			s += "the ALTER fails (and the file rolls back) on a value that does not convert"
			if isJSON(to) {
				s += "; the others are stored as " + to + " prints them"
				if to == "jsonb" {
					s += " (white space, key order and duplicate keys are not kept)"
				}
			}
			out[i] = s
			continue
		}
		s += "the migration stops and rolls back if a value does not convert and back unchanged"
		switch {
		case (c.From.Type == schema.Float64 || c.From.Type == schema.Float32 || strings.HasPrefix(from, "numeric")) && (c.Column.Type == schema.Int64 || c.Column.Type == schema.Int32):
			s += " (the cast rounds: 29.97 would become 30)"
		case c.From.Type == schema.String && (c.Column.Type == schema.Int64 || c.Column.Type == schema.Int32 || c.Column.Type == schema.Float64 || c.Column.Type == schema.Float32):
			s += " ('007' would read back as 7)"
		}
		switch {
		case c.From.Type == schema.TimestampTZ && c.Column.Type == schema.Timestamp:
			s += "; each instant becomes the wall-clock time of the TimeZone setting of the session that runs the file, and the time zone is dropped"
		case c.From.Type == schema.Timestamp && c.Column.Type == schema.TimestampTZ:
			s += "; each value is read as a wall-clock time in the TimeZone setting of the session that runs the file"
		}
		out[i] = s
	}
	return out
}
