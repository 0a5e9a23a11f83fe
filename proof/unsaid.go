package proof

import (
	"fmt"
	"strings"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/internal/sqltext"
	"github.com/mxmigrate/mxmigrate/schema"
)

// unsaid is lint's check of a committed file's statements: what the file
// did to the dev database's tables (before -> after) that drops or retypes
// data (a table or column dropped, a type changed so that values may not
// convert) must be said in the file, by a "-- DESTRUCTIVE: ..." comment
// naming it, as generate writes above every such statement. A hand-written
// file that does it silently is a finding, naming the statement. A column
// that a RENAME statement names is taken as renamed, not dropped.
func (p *prover) unsaid(f File, before, after *schema.Schema) {
	up := string(f.Up)
	said := strings.ToLower(destructiveComments(up))
	stmts := sqltext.Split(up)
	var findings []string
	for _, c := range diff.Compare(before, after) {
		var name, does string
		switch {
		case c.Kind == diff.DropTable:
			name, does = c.Table, "drops table "+c.Table+" and all its rows"
		case c.Kind == diff.DropColumn:
			name, does = c.Table+"."+c.Column.Name, "drops column "+c.Table+"."+c.Column.Name+" and its data"
		case c.Kind == diff.AlterColumnType && c.Destructive() != "":
			name, does = c.Table+"."+c.Column.Name, c.Destructive()
		default:
			continue
		}
		if strings.Contains(said, strings.ToLower(name)) {
			continue
		}
		last := name[strings.LastIndex(name, ".")+1:]
		if c.Kind != diff.AlterColumnType && naming(stmts, last, "RENAME") != nil {
			continue // renamed: its values live on under the new name
		}
		where := f.Name
		keyword := "DROP"
		if c.Kind == diff.AlterColumnType {
			keyword = "TYPE"
			if naming(stmts, last, keyword) == nil {
				keyword = "MODIFY" // ClickHouse: MODIFY COLUMN
			}
		}
		if s := naming(stmts, last, keyword); s != nil {
			first, _, _ := strings.Cut(s.Text, "\n")
			where = fmt.Sprintf("%s line %d (%s)", f.Name, s.Line, first)
		}
		findings = append(findings, fmt.Sprintf("%s %s, and the file does not say so: a hand-written statement that drops or retypes data needs a \"-- DESTRUCTIVE: <why>\" comment naming %s above it, as generate writes", where, does, name))
	}
	const check = "statements that drop or retype data say so"
	if len(findings) == 0 {
		p.pass(check, "")
		return
	}
	p.fail(check, fmt.Sprintf("%d finding(s)", len(findings)))
	p.r.Findings = append(p.r.Findings, findings...)
}

// destructiveComments are the file's "-- DESTRUCTIVE:" lines.
func destructiveComments(sql string) string {
	var b strings.Builder
	for _, line := range strings.Split(sql, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "-- DESTRUCTIVE:") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// naming is the first statement that holds keyword and name (both as
// words, any case), or nil.
func naming(stmts []sqltext.Stmt, name, keyword string) *sqltext.Stmt {
	for i := range stmts {
		if hasWord(stmts[i].Text, keyword) && hasWord(stmts[i].Text, name) {
			return &stmts[i]
		}
	}
	return nil
}

// hasWord reports whether text holds w (any case) not inside a longer
// identifier.
func hasWord(text, w string) bool {
	lt, lw := strings.ToLower(text), strings.ToLower(w)
	for i := 0; ; {
		j := strings.Index(lt[i:], lw)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(lw)
		if (j == 0 || !identByte(lt[j-1])) && (end == len(lt) || !identByte(lt[end])) {
			return true
		}
		i = j + 1
	}
}

func identByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
}
