package proof

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/generator"
	"github.com/mxmigrate/mxmigrate/internal/sqltext"
	"github.com/mxmigrate/mxmigrate/schema"
)

// unsaid is lint's check of a committed file's statements: what the file
// did to the dev database's tables (before -> after) that drops or retypes
// data (a table or column dropped, a type changed so that values may not
// convert) must be said in the file, by a "-- DESTRUCTIVE: ..." comment
// naming it right above the statement that does it, as generate writes. A
// hand-written file that does it silently is a finding, naming the
// statement. A table or column a RENAME statement renames to one the file
// leaves behind is renamed, not dropped.
func (p *prover) unsaid(f File, before, after *schema.Schema) {
	up := string(f.Up)
	stmts := sqltext.Split(up)
	changes := diff.Compare(before, after)
	renamed := renames(stmts, changes)
	p.renamed = renamed
	blocks := saidAbove(up, stmts)
	var findings []string
	for _, c := range renamedRetypes(changes, renamed) {
		changes = append(changes, c) // a column renamed and retyped: a retype
	}
	for _, c := range changes {
		var name, does, keyword string
		switch {
		case c.Kind == diff.DropTable:
			name, does, keyword = c.Table, "drops table "+c.Table+" and all its rows", "DROP"
		case c.Kind == diff.DropColumn:
			name, does, keyword = c.Table+"."+c.Column.Name, "drops column "+c.Table+"."+c.Column.Name+" and its data", "DROP"
		case c.Kind == diff.AlterColumnType && c.Destructive() != "":
			name, does, keyword = c.Table+"."+c.Column.Name, c.Destructive(), "TYPE"
		default:
			continue
		}
		if c.Kind != diff.AlterColumnType && renamed[name] != "" {
			continue
		}
		last := name[strings.LastIndex(name, ".")+1:]
		s := naming(stmts, last, keyword)
		if s == nil && keyword == "TYPE" {
			s = naming(stmts, last, "MODIFY") // ClickHouse: MODIFY COLUMN
		}
		where, said := f.Name, []string(nil)
		if s != nil {
			first, _, _ := strings.Cut(s.Text, "\n")
			where = fmt.Sprintf("%s line %d (%s)", f.Name, s.Line, first)
			said = destructiveComments(up, s.Line) // the comments right above it
		} else {
			// no statement names it (a table made again without it): a
			// comment right above a statement of its table
			for _, b := range blocks {
				if b.mentions(c.Table, true) {
					said = append(said, b.comments...)
				}
			}
		}
		if names(said, name, c.Kind == diff.DropTable) {
			continue
		}
		findings = append(findings, fmt.Sprintf("%s %s, and the file does not say so: a hand-written statement that drops or retypes data needs a \"-- DESTRUCTIVE: <why>\" comment naming %s right above it, as generate writes", where, does, name))
	}
	const check = "statements that drop or retype data say so"
	if len(findings) == 0 {
		p.pass(check, "")
		return
	}
	p.fail(check, fmt.Sprintf("%d finding(s)", len(findings)))
	p.r.Findings = append(p.r.Findings, findings...)
}

// renamedRetypes are the type changes of renamed columns, as changes of
// the column under its new name: the drop and add the diff sees are a
// rename, and what its type does to values must be said like any retype.
func renamedRetypes(changes []diff.Change, renamed map[string]string) []diff.Change {
	dropped := map[string]*schema.Column{}
	for _, c := range changes {
		if c.Kind == diff.DropColumn {
			dropped[c.Table+"."+c.Column.Name] = c.Column
		}
	}
	var out []diff.Change
	for _, c := range changes {
		if c.Kind != diff.AddColumn {
			continue
		}
		for old, n := range renamed {
			from := dropped[old]
			if n == c.Column.Name && from != nil && strings.HasPrefix(old, c.Table+".") && from.Type != c.Column.Type {
				out = append(out, diff.Change{Kind: diff.AlterColumnType, Table: c.Table, Column: c.Column, From: from})
			}
		}
	}
	return out
}

// destructiveComments are the "-- DESTRUCTIVE:" lines of the comment block
// right above line (1-based).
func destructiveComments(sql string, line int) []string {
	lines := strings.Split(sql, "\n")
	var out []string
	for i := line - 2; i >= 0 && i < len(lines); i-- {
		l := strings.TrimSpace(lines[i])
		if l != "" && !strings.HasPrefix(l, "--") {
			break // the statement before
		}
		if strings.HasPrefix(l, "-- DESTRUCTIVE:") {
			out = append(out, l)
		}
	}
	return out
}

// names reports whether a comment names name ("table" or "table.column",
// as generate writes them) whole: not as the start of a longer name, and a
// table not as the table of one of its columns.
func names(comments []string, name string, table bool) bool {
	want := generator.Comment(name)
	for _, c := range comments {
		for i := 0; ; {
			j := strings.Index(c[i:], want)
			if j < 0 {
				break
			}
			j += i
			end := j + len(want)
			before := j == 0 || c[j-1] == ' '
			after := end == len(c) || !identByte(lower(c[end])) && c[end] != '.'
			if table && end < len(c) && c[end] == '.' {
				after = false
			}
			if before && after {
				return true
			}
			i = j + 1
		}
	}
	return false
}

func lower(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// renames are the tables and columns ("table.column") a RENAME statement
// renames to a name the file adds (RENAME [COLUMN] old TO new; RENAME TO
// new for a table), each with its new name: their values live on there
// (and are compared there).
func renames(stmts []sqltext.Stmt, changes []diff.Change) map[string]string {
	added := map[string]bool{}
	for _, c := range changes {
		switch c.Kind {
		case diff.CreateTable:
			added[c.Table] = true
		case diff.AddColumn:
			added[c.Table+"."+c.Column.Name] = true
		}
	}
	out := map[string]string{}
	for _, st := range stmts {
		toks := identifiers(st.Text)
		kw := func(i int, w string) bool {
			return i < len(toks) && !toks[i].quoted && strings.EqualFold(toks[i].text, w)
		}
		if kw(0, "RENAME") && kw(1, "TABLE") { // ClickHouse: RENAME TABLE a TO b[, c TO d]
			for k := 2; k+2 < len(toks); k++ {
				if kw(k+1, "TO") && added[toks[k+2].text] {
					out[toks[k].text] = toks[k+2].text
				}
			}
			continue
		}
		if !kw(0, "ALTER") || !kw(1, "TABLE") {
			continue
		}
		i := 2
		for kw(i, "IF") || kw(i, "EXISTS") || kw(i, "ONLY") {
			i++
		}
		if i >= len(toks) {
			continue
		}
		table := toks[i].text
		for j := i + 1; j < len(toks); j++ {
			if !kw(j, "RENAME") {
				continue
			}
			k := j + 1
			if kw(k, "COLUMN") {
				k++
			}
			if kw(k, "IF") && kw(k+1, "EXISTS") { // ClickHouse
				k += 2
			}
			switch {
			case kw(k, "TO") && k+1 < len(toks) && added[toks[k+1].text]:
				out[table] = toks[k+1].text // the table renamed
			case k+2 < len(toks) && kw(k+1, "TO") && added[table+"."+toks[k+2].text]:
				out[table+"."+toks[k].text] = toks[k+2].text
			}
		}
	}
	return out
}

// naming is the first statement that holds keyword and name as
// identifiers (any case; string literals and comments do not count), or nil.
func naming(stmts []sqltext.Stmt, name, keyword string) *sqltext.Stmt {
	for i := range stmts {
		var hasKey, hasName bool
		for _, t := range identifiers(stmts[i].Text) {
			hasKey = hasKey || !t.quoted && strings.EqualFold(t.text, keyword)
			hasName = hasName || strings.EqualFold(t.text, name)
		}
		if hasKey && hasName {
			return &stmts[i]
		}
	}
	return nil
}

func identByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
}

// saidTableRE reads the tables a "-- DESTRUCTIVE:" comment says lose their
// rows: a table dropped or rebuilt (generate's wording), or whose rows a
// hand-written file deletes (the wording `mxmigrate new`'s files suggest).
var saidTableRE = regexp.MustCompile(`(?:drops table|rebuilds table|deletes rows of table) (\S+?)(?: |:|$)`)

// accepted moves lint's findings about what the file says it destroys to
// its notes: the values of a column a "-- DESTRUCTIVE:" comment names
// (table.column, whole), the rows of a table one says it drops, rebuilds
// or deletes the rows of, where the comment is right above a statement
// that names that table (and column): a comment elsewhere in the file (the
// header, another statement's) accepts nothing. A change someone reviewed
// and allowed: the values it loses are the point. Other findings of the
// same table stay. A down file's findings may be said in either file.
func accepted(f File, findings, notes []string) ([]string, []string) {
	ups := saidAbove(string(f.Up), sqltext.Split(string(f.Up)))
	kept := []string{}
	for _, x := range findings {
		blocks := ups
		if strings.HasPrefix(x, "down:") {
			blocks = append(saidAbove(string(f.Down), sqltext.Split(string(f.Down))), ups...)
		}
		said := false
		for _, b := range blocks {
			if col := findingColumn(x); col != "" {
				table, column := col[:strings.LastIndex(col, ".")], col[strings.LastIndex(col, ".")+1:]
				said = said || names(b.comments, col, false) && b.mentions(table, true) && b.mentions(column, false)
			}
			for _, c := range b.comments {
				for _, m := range saidTableRE.FindAllStringSubmatch(c, -1) {
					said = said || strings.Contains(x, "table "+m[1]+" keeps ") && b.mentions(m[1], true)
				}
			}
		}
		switch {
		case said && !strings.Contains(x, "does not say so"):
			notes = append(notes, "said in the file (-- DESTRUCTIVE), so accepted: "+x)
		case strings.Contains(x, "does not say so"):
			kept = append(kept, x)
		default:
			kept = append(kept, x+acceptHint(x))
		}
	}
	return kept, notes
}

// saidBlock is a statement with the "-- DESTRUCTIVE:" comments right above
// it.
type saidBlock struct {
	comments []string
	toks     []token
}

// saidAbove is those of sql's statements (stmts, as split) that have
// "-- DESTRUCTIVE:" comments right above them.
func saidAbove(sql string, stmts []sqltext.Stmt) []saidBlock {
	var out []saidBlock
	for _, st := range stmts {
		if cs := destructiveComments(sql, st.Line); len(cs) > 0 {
			out = append(out, saidBlock{cs, identifiers(st.Text)})
		}
	}
	return out
}

// mentions reports whether the statement names name as an identifier (any
// case); a table also by its rebuild's work table (t__mxmigrate_new,
// t__mxmigrate_rebuild), which the comment above a rebuild's first
// statement names it by.
func (b saidBlock) mentions(name string, table bool) bool {
	for _, t := range b.toks {
		if strings.EqualFold(t.text, name) || table && strings.HasPrefix(strings.ToLower(t.text), strings.ToLower(name)+"__mxmigrate") {
			return true
		}
	}
	return false
}

// acceptHint says which comment, right above the statement, accepts
// finding x if what it does is meant.
func acceptHint(x string) string {
	if col := findingColumn(x); col != "" {
		return "; if meant, say so right above the statement that does it: -- DESTRUCTIVE: overwrites " + col
	}
	if _, rest, ok := strings.Cut(x, "table "); ok {
		if t, _, ok := strings.Cut(rest, " keeps "); ok {
			return "; if meant, say so right above the statement that does it: -- DESTRUCTIVE: deletes rows of table " + t
		}
	}
	return ""
}

// findingColumn is the "table.column" a value finding is about ("up:
// t.c (a -> b): ...", "t.c (a -> b): ..."), or "".
func findingColumn(x string) string {
	if _, rest, ok := strings.Cut(x, ": "); ok && (strings.HasPrefix(x, "up:") || strings.HasPrefix(x, "down:")) {
		x = rest
	}
	name, _, ok := strings.Cut(x, " (")
	if !ok || !strings.Contains(name, ".") || strings.Contains(name, " ") {
		return ""
	}
	return name
}
