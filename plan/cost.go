package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/schema"
)

// Effect is what a statement does to the rows of the table it changes.
type Effect string

// Effects, from the cheapest.
const (
	// NewTable: the table is created by the plan; no rows are touched.
	NewTable Effect = "new table"
	// MetadataOnly: the catalog changes, the rows are not read.
	MetadataOnly Effect = "metadata only"
	// Scans: every row is read (to check a constraint), none written.
	Scans Effect = "scans the table"
	// RewritesColumn: one column's values are written again for every row
	// (ClickHouse's MODIFY COLUMN, DuckDB's ALTER TYPE and ADD COLUMN).
	RewritesColumn Effect = "rewrites a column"
	// BuildsIndex: every row is read to build an index.
	BuildsIndex Effect = "builds an index"
	// Rewrites: every row is written again (a new copy of the table or column).
	Rewrites Effect = "rewrites the table"
)

// Cost is what one statement costs on the live table: what it does to the
// rows, the lock it holds meanwhile, and how big the table is.
type Cost struct {
	// Table is the table the statement acts on.
	Table  string
	Effect Effect
	// Lock is the lock the statement holds and what it blocks, in the
	// dialect's words: "ACCESS EXCLUSIVE (blocks reads and writes)".
	Lock string
	// Stats is the live table's size (nil: a new table, or not known; on
	// a baseline, that of a table it creates that exists live).
	Stats *schema.Stats
}

// ChangeCost is the cost of a statement carrying out c: effect and lock on
// c's table, or NewTable when newTable says the plan creates it (dropping it
// again, in a down file, is metadata only as anywhere).
func ChangeCost(c diff.Change, newTable bool, e Effect, lock string) *Cost {
	if newTable && c.Kind != diff.DropTable {
		return &Cost{Table: c.Table, Effect: NewTable}
	}
	return &Cost{Table: c.Table, Effect: e, Lock: lock}
}

// RenameCost is what a rename costs: the catalog only, on the table as the
// live database names it (its old name, for its size).
func RenameCost(c diff.Change, lock string) *Cost {
	table := c.Table
	if c.Kind == diff.RenameTable {
		table = c.OldTable
	}
	return &Cost{Table: table, Effect: MetadataOnly, Lock: lock}
}

// IsNew reports whether c's table is not in before: the plan creates it.
func IsNew(c diff.Change, before *schema.Schema) bool {
	return before == nil || before.Table(c.Table) == nil
}

// String is the cost as plans and file comments show it: "rewrites the
// table, lock ACCESS EXCLUSIVE (blocks reads and writes), ~1,200,000 rows, 84.0 MB"
// (no ";", which golang-migrate's ClickHouse driver splits comments at).
func (c *Cost) String() string {
	if c.Effect == NewTable {
		if c.Stats != nil { // a baseline's table that exists live
			return string(NewTable) + " (the live table has " + c.Size() + ")"
		}
		return string(NewTable) + " (no rows)"
	}
	parts := []string{string(c.Effect)}
	if c.Lock != "" {
		parts = append(parts, "lock "+c.Lock)
	}
	parts = append(parts, c.Size())
	return strings.Join(parts, ", ")
}

// Brief is the cost without the table's size (down files: the size is the
// one after the up file, which the plan does not know).
func (c *Cost) Brief() string {
	if c.Effect == NewTable || c.Lock == "" {
		return string(c.Effect)
	}
	return string(c.Effect) + ", lock " + c.Lock
}

// Size says how big the table is: "~1,200,000 rows, 84 MB".
func (c *Cost) Size() string {
	if c.Stats == nil {
		return "size unknown"
	}
	rows := "rows unknown"
	if c.Stats.Rows >= 0 {
		rows = "~" + Thousands(c.Stats.Rows) + " rows"
	}
	if c.Stats.Bytes < 0 {
		return rows
	}
	return rows + ", " + Bytes(c.Stats.Bytes)
}

// Thousands writes n with commas: 1,234,567.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Bytes writes a size in bytes in binary units: 512 B, 8.0 kB, 1.2 GB.
func Bytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	units := []string{"kB", "MB", "GB", "TB", "PB"}
	f := float64(n) / 1024
	i := 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %s", f, units[i])
}

// Price puts the live tables' sizes on the statements' costs: live is the
// database as introspected (a table it lacks is new).
func Price(stmts []Statement, live *schema.Schema) {
	if live == nil {
		return
	}
	idx := live.Index()
	for i := range stmts {
		c := stmts[i].Cost
		if c == nil || c.Effect == NewTable {
			continue
		}
		if t := idx[c.Table]; t != nil {
			c.Stats = t.Stats
		}
	}
}

// Step is one migration file of a plan: statements that run in one
// transaction (on a transactional dialect), or, NoTx, one statement that
// must run outside any (PostgreSQL's CREATE INDEX CONCURRENTLY).
type Step struct {
	Up, Down []Statement
	NoTx     bool
	// Label names the step in its file name after the message's slug
	// ("concurrent_index"); "" for a plan's first (or only) file.
	Label string
	// Note says what the step is for, in its files' headers.
	Note string
}

// Statement is one SQL statement of a migration file with the changes it
// carries out (for comments and safety notes).
type Statement struct {
	SQL     string
	Changes []diff.Change
	// Note is an extra comment, e.g. why a table is rebuilt.
	Note string
	// Cost is what the statement costs on the live table, set by the
	// dialect (nil for statements that touch no table, like SET).
	Cost *Cost
}
