package proof

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mxmigrate/mxmigrate/schema"
)

// retype is a column whose type the plan changes.
type retype struct {
	table, column string
	from, to      schema.Type
}

// retypes are the columns of the live tables that the target keeps with
// another type, in table and column order.
func retypes(live, target *schema.Schema) []retype {
	var out []retype
	for _, t := range target.Tables {
		lt := live.Table(t.Name)
		if lt == nil {
			continue
		}
		for _, c := range t.Columns {
			if lc := lt.Column(c.Name); lc != nil && lc.Type != c.Type {
				out = append(out, retype{t.Name, c.Name, lc.Type, c.Type})
			}
		}
	}
	return out
}

// conversionTable is the dev database's scratch table of the conversion
// check; the dev database is mxmigrate's own, so the name is free.
const conversionTable = "mxmigrate_proof_values"

// conversions is check (c): every sample value of each retyped column,
// converted as the plan converts it (CAST) and back, on the dev database.
// A value that does not convert, changes, or merges with another is a
// finding that says which and how.
func (p *prover) conversions() {
	rs := retypes(p.in.Live, p.in.Target)
	if len(rs) == 0 {
		return
	}
	var findings []string
	for _, r := range rs {
		if s := p.convert(r); s != "" {
			findings = append(findings, fmt.Sprintf("%s.%s (%s -> %s): %s", r.table, r.column, r.from, r.to, s))
		}
	}
	if len(findings) == 0 {
		p.pass("changed columns: sample values convert and back", fmt.Sprintf("%d column(s)", len(rs)))
		return
	}
	p.fail("changed columns: sample values convert and back", fmt.Sprintf("%d column(s) of %d", len(findings), len(rs)))
	p.r.Findings = append(p.r.Findings, findings...)
}

// convert converts r's sample values one by one and says what happens to
// them ("" when every one converts and back unchanged).
func (p *prover) convert(r retype) string {
	d := p.in.Dialect
	from, to := d.TypeSQL(r.from), d.TypeSQL(r.to)
	var notes []string
	became := map[string][]string{} // new value -> the distinct values that become it
	for _, v := range samples[r.from] {
		lit := literal(v, from)
		q := "CREATE TABLE " + d.Quote(conversionTable) + " AS SELECT " + lit + " AS a, CAST(" + lit + " AS " + to + ") AS b, CAST(CAST(" + lit + " AS " + to + ") AS " + from + ") AS c"
		if _, err := p.h.ExecContext(p.ctx, q); err != nil {
			notes = append(notes, quote(v)+" does not convert")
			continue
		}
		rows, err := d.ReadText(p.ctx, p.h, conversionTable, []string{"a", "b", "c"})
		p.h.ExecContext(p.ctx, "DROP TABLE "+d.Quote(conversionTable))
		if err != nil || len(rows) != 1 {
			continue
		}
		a, b, c := value(rows[0][0]), value(rows[0][1]), value(rows[0][2])
		if indexOf(became[b], a) < 0 {
			became[b] = append(became[b], a)
		}
		if c != a {
			notes = append(notes, fmt.Sprintf("%s becomes %s (and %s back)", quote(a), quote(b), quote(c)))
		}
	}
	var merged []string
	for b, as := range became {
		if len(as) > 1 {
			sort.Strings(as)
			var qs []string
			for _, a := range as {
				qs = append(qs, quote(a))
			}
			merged = append(merged, fmt.Sprintf("%s all become %s", strings.Join(qs, " and "), quote(b)))
		}
	}
	sort.Strings(merged)
	notes = append(merged, notes...) // merges first: they lose rows' identity
	if len(notes) > 5 {
		notes = append(notes[:5], fmt.Sprintf("and %d more", len(notes)-5))
	}
	return strings.Join(notes, "; ")
}

func value(v *string) string {
	if v == nil {
		return "NULL"
	}
	return *v
}

func quote(s string) string {
	if s == "NULL" {
		return s
	}
	return quoteValue(&s)
}
