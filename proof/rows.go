package proof

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mxmigrate/mxmigrate/internal/rowcmp"
	"github.com/mxmigrate/mxmigrate/schema"
)

// tableRows are a table's rows as text (nil for NULL), with its columns.
type tableRows struct {
	cols  []string
	types map[string]schema.Type
	rows  [][]*string
}

// read reads the rows of tables, each with its columns as they are.
func (p *prover) read(tables []*schema.Table) (map[string]*tableRows, error) {
	out := map[string]*tableRows{}
	for _, t := range tables {
		r, err := p.readTable(t)
		if err != nil {
			return nil, err
		}
		out[t.Name] = r
	}
	return out, nil
}

func (p *prover) readTable(t *schema.Table) (*tableRows, error) {
	r := &tableRows{types: map[string]schema.Type{}}
	for _, c := range t.Columns {
		r.cols = append(r.cols, c.Name)
		r.types[c.Name] = c.Type
	}
	rows, err := p.in.Dialect.ReadText(p.ctx, p.h, t.Name, r.cols)
	if err != nil {
		return nil, fmt.Errorf("read the sample rows of %s on the dev database: %w", t.Name, err)
	}
	r.rows = rows
	return r, nil
}

// compareRows checks that the sample rows of tables (as before the phase)
// are all there in now, and that every column now has kept its values: all
// of them after up where the type is the same or the conversion keeps
// values (Comparison), else it says which values change and how; after
// down, the columns whose values up kept.
func (p *prover) compareRows(phase string, tables []*schema.Table, before map[string]*tableRows, now *schema.Schema, down bool) {
	var findings []string
	for _, t := range tables {
		nt := now.Table(t.Name)
		if nt == nil {
			continue // dropped by the plan: its rows go by design
		}
		after, err := p.readTable(nt)
		if err != nil {
			findings = append(findings, err.Error())
			continue
		}
		b := before[t.Name]
		if len(after.rows) != len(b.rows) {
			// the columns cannot be compared row for row: the rows are the news
			findings = append(findings, fmt.Sprintf("%s: table %s keeps %d of its %d sample rows (rows merge or are lost)", phase, t.Name, len(after.rows), len(b.rows)))
			continue
		}
		for i, col := range b.cols {
			j, acol := indexOf(after.cols, col), col
			if n := p.renamed[t.Name+"."+col]; j < 0 && n != "" && !down {
				j, acol = indexOf(after.cols, n), n // renamed: its values are there
			}
			if j < 0 || (down && !p.keptByUp(t.Name, col, b.types[col])) {
				continue // dropped, or not restorable: its values went with up
			}
			if _, ok := rowcmp.Comparison(b.types[col], after.types[acol]); !ok {
				continue // a conversion that reads values anew: check (c) shows what it does
			}
			if d := describe(b, after, i, j); d != "" {
				f := fmt.Sprintf("%s: %s.%s (%s -> %s): %s", phase, t.Name, col, b.types[col], after.types[acol], d)
				findings = append(findings, f)
				if !down && b.types[col] == after.types[acol] && p.kept == nil {
					// a column the plan keeps as it is lost values: the
					// plan does what it does not say
					p.kept = &Bug{Check: "the columns the plan keeps keep their values", File: "up", Err: fmt.Errorf("%s", f)}
				}
			}
		}
	}
	name := phase + ": rows and values kept"
	if len(findings) == 0 {
		p.pass(name, fmt.Sprintf("%d table(s)", len(tables)))
		return
	}
	p.fail(name, fmt.Sprintf("%d finding(s)", len(findings)))
	p.r.Findings = append(p.r.Findings, findings...)
}

// keptByUp reports whether up kept the values of column col of table (of
// type from before up): the target has the column, converted without loss.
func (p *prover) keptByUp(table, col string, from schema.Type) bool {
	t := p.in.Target.Table(table)
	if t == nil || t.Column(col) == nil {
		return false
	}
	_, ok := rowcmp.Comparison(from, t.Column(col).Type)
	return ok
}

// describe says how column i of before became column j of after: "" when
// every value is kept (as Comparison equates them), else the values that
// change ('29.97' -> '30'), and whether distinct values merge.
func describe(before, after *tableRows, i, j int) string {
	from, to := before.types[before.cols[i]], after.types[after.cols[j]]
	norm, ok := rowcmp.Comparison(from, to)
	if !ok {
		norm = func(s string) string { return s }
	}
	bv, av := column(before.rows, i, norm), column(after.rows, j, norm)
	if equalMultiset(bv, av) {
		return ""
	}
	var parts []string
	if pairs := changedPairs(before, after, i, j, norm); len(pairs) > 0 {
		parts = append(parts, "values change: "+strings.Join(pairs, ", "))
	} else {
		onlyB, onlyA := difference(bv, av)
		parts = append(parts, fmt.Sprintf("values before only: %s; after only: %s", show(onlyB), show(onlyA)))
	}
	if db, da := distinct(bv), distinct(av); da < db {
		parts = append(parts, fmt.Sprintf("distinct values merge (%d distinct before, %d after)", db, da))
	}
	return strings.Join(parts, "; ")
}

// changedPairs pairs the rows of before and after by the columns both have
// with the same type (when those tell every row apart) and lists up to 3
// values of column i that change ('29.97' -> '30').
func changedPairs(before, after *tableRows, i, j int, norm func(string) string) []string {
	var kb, ka []int // key columns, by index in before and after
	for x, c := range before.cols {
		if y := indexOf(after.cols, c); y >= 0 && x != i && before.types[c] == after.types[c] {
			kb, ka = append(kb, x), append(ka, y)
		}
	}
	if len(kb) == 0 {
		return nil
	}
	index := map[string][]*string{}
	for _, r := range after.rows {
		k := rowKey(r, ka)
		if _, dup := index[k]; dup {
			return nil
		}
		index[k] = r
	}
	var out []string
	for _, r := range before.rows {
		a, ok := index[rowKey(r, kb)]
		if !ok {
			continue
		}
		if text(r[i], norm) != text(a[j], norm) {
			out = append(out, quoteValue(r[i])+" -> "+quoteValue(a[j]))
		}
	}
	sort.Strings(out)
	if len(out) > 3 {
		out = append(out[:3], fmt.Sprintf("and %d more", len(out)-3))
	}
	return out
}

func rowKey(r []*string, cols []int) string {
	var b strings.Builder
	for _, c := range cols {
		b.WriteString(text(r[c], nil))
		b.WriteByte(0)
	}
	return b.String()
}

func column(rows [][]*string, i int, norm func(string) string) []string {
	out := make([]string, len(rows))
	for k, r := range rows {
		out[k] = text(r[i], norm)
	}
	sort.Strings(out)
	return out
}

// text is a value as compared: NULL apart from every text.
func text(v *string, norm func(string) string) string {
	if v == nil {
		return "\x00NULL"
	}
	if norm == nil {
		return *v
	}
	return norm(*v)
}

func quoteValue(v *string) string {
	if v == nil {
		return "NULL"
	}
	s := *v
	if len(s) > 40 {
		s = schema.TruncateBytes(s, 37) + "..."
	}
	return "'" + s + "'"
}

func equalMultiset(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func difference(a, b []string) (onlyA, onlyB []string) {
	return minus(a, b), minus(b, a)
}

// minus is the values of a that b does not have (as multisets).
func minus(a, b []string) []string {
	count := map[string]int{}
	for _, v := range b {
		count[v]++
	}
	var out []string
	for _, v := range a {
		if count[v] > 0 {
			count[v]--
			continue
		}
		out = append(out, v)
	}
	return out
}

func distinct(vs []string) int {
	n := 0
	for i := range vs {
		if i == 0 || vs[i] != vs[i-1] {
			n++
		}
	}
	return n
}

func show(vs []string) string {
	var out []string
	for i, v := range vs {
		if i == 3 {
			out = append(out, fmt.Sprintf("and %d more", len(vs)-3))
			break
		}
		if v == "\x00NULL" {
			out = append(out, "NULL")
		} else {
			out = append(out, quoteValue(&v))
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
