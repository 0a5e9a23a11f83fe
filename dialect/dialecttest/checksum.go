package dialecttest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/mxmigrate/mxmigrate/diff"
	"github.com/mxmigrate/mxmigrate/internal/rowcmp"
	"github.com/mxmigrate/mxmigrate/schema"
)

// ValuesDiffer starts every failure of the kit's value checks, so that a
// test can tell them from other failures (TestKitCatchesSabotage does).
const ValuesDiffer = "values differ"

// tableRows is one table's content as the dialect's ReadText returns it.
type tableRows struct {
	cols  []string
	types map[string]schema.Type
	rows  [][]*string
}

// snapshot is the content of every table of a live schema, by table name.
type snapshot map[string]*tableRows

// snapshot reads every row of every table of live (as introspected), all
// columns, through the dialect's own reader, ReadText.
func (d *db) snapshot(live *schema.Schema) snapshot {
	d.t.Helper()
	out := snapshot{}
	for _, t := range live.Tables {
		tr := &tableRows{types: map[string]schema.Type{}}
		for _, c := range t.Columns {
			tr.cols = append(tr.cols, c.Name)
			tr.types[c.Name] = c.Type
		}
		rows, err := d.h.Dialect.ReadText(context.Background(), d.pool, t.Name, tr.cols)
		if err != nil {
			d.t.Fatalf("read the rows of %s: %v", t.Name, err)
		}
		tr.rows = rows
		out[t.Name] = tr
	}
	return out
}

// dropped is the set of tables that changes drop: their rows are gone by
// design, and a down file gives them back empty.
func dropped(cs []diff.Change) map[string]bool {
	out := map[string]bool{}
	for _, c := range cs {
		if c.Kind == diff.DropTable {
			out[c.Table] = true
		}
	}
	return out
}

// sameValues checks, table by table, that every column of before that
// exists in after holds the same values there, rows compared as a multiset
// (order does not matter), with Comparison's rules for a column whose type
// changed. skip names tables not to compare (dropped ones). via, if not nil,
// is the state between before and after (after an up file, when after is
// after its down): a column is compared only if it is in via too and its
// conversion into via is value-preserving (a column the up file dropped, or
// converted with loss, comes back without its values by design).
func sameValues(t testing.TB, label string, before, after, via snapshot, skip map[string]bool) {
	t.Helper()
	tables := make([]string, 0, len(before))
	for name := range before {
		tables = append(tables, name)
	}
	sort.Strings(tables)
	for _, name := range tables {
		b, a := before[name], after[name]
		if skip[name] {
			continue
		}
		if a == nil {
			t.Errorf("%s: %s: table %s is gone (%d rows before)", label, ValuesDiffer, name, len(b.rows))
			continue
		}
		var m *tableRows
		if via != nil {
			if m = via[name]; m == nil {
				continue
			}
		}
		var cols []string
		var norms []func(string) string
		var bi, ai []int
		for i, c := range b.cols {
			j := slices.Index(a.cols, c)
			if j < 0 {
				continue // dropped: its values are gone by design
			}
			if m != nil {
				mt, in := m.types[c]
				if !in {
					continue
				}
				if _, ok := rowcmp.Comparison(b.types[c], mt); !ok {
					continue
				}
			}
			norm, ok := rowcmp.Comparison(b.types[c], a.types[c])
			if !ok {
				continue
			}
			cols, norms, bi, ai = append(cols, c), append(norms, norm), append(bi, i), append(ai, j)
		}
		compareTable(t, label, name, cols, norms, project(b.rows, bi, norms), project(a.rows, ai, norms))
	}
}

// project keeps the columns at idx of each row, read through norms.
func project(rows [][]*string, idx []int, norms []func(string) string) [][]*string {
	out := make([][]*string, len(rows))
	for r, row := range rows {
		p := make([]*string, len(idx))
		for k, i := range idx {
			if v := row[i]; v != nil {
				n := norms[k](*v)
				p[k] = &n
			}
		}
		out[r] = p
	}
	return out
}

// key encodes a row (NULL distinct from any text).
func key(row []*string) string {
	var b strings.Builder
	for _, v := range row {
		if v == nil {
			b.WriteString("\x00N\x1f")
		} else {
			b.WriteString("\x00V")
			b.WriteString(*v)
			b.WriteString("\x1f")
		}
	}
	return b.String()
}

// sorted returns the rows' keys in order.
func sorted(rows [][]*string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = key(r)
	}
	sort.Strings(out)
	return out
}

// checksum is a short hash of sorted keys.
func checksum(keys []string) string {
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{'\n'})
	}
	return fmt.Sprintf("%x", h.Sum(nil))[:12]
}

// compareTable fails t when before and after (rows projected on cols) differ
// as multisets, naming each column whose values differ with examples.
func compareTable(t testing.TB, label, table string, cols []string, norms []func(string) string, before, after [][]*string) {
	t.Helper()
	kb, ka := sorted(before), sorted(after)
	if slices.Equal(kb, ka) {
		return
	}
	found := false
	for k, c := range cols {
		one := func(rows [][]*string) [][]*string {
			out := make([][]*string, len(rows))
			for i, r := range rows {
				out[i] = []*string{r[k]}
			}
			return out
		}
		onlyB, onlyA := difference(one(before), one(after))
		if len(onlyB)+len(onlyA) == 0 {
			continue
		}
		found = true
		t.Errorf("%s: %s in column %s.%s (checksum of the table's rows %s before, %s after): before %s, after %s",
			label, ValuesDiffer, table, c, checksum(kb), checksum(ka), show(onlyB), show(onlyA))
	}
	if !found {
		onlyB, onlyA := difference(before, after)
		t.Errorf("%s: %s in table %s (columns %s; checksum %s before, %s after): rows before %s, after %s",
			label, ValuesDiffer, table, strings.Join(cols, ", "), checksum(kb), checksum(ka), show(onlyB), show(onlyA))
	}
}

// difference returns the rows of a not in b and those of b not in a
// (multisets).
func difference(a, b [][]*string) (onlyA, onlyB [][]*string) {
	count := map[string]int{}
	for _, r := range b {
		count[key(r)]++
	}
	for _, r := range a {
		if k := key(r); count[k] > 0 {
			count[k]--
		} else {
			onlyA = append(onlyA, r)
		}
	}
	count = map[string]int{}
	for _, r := range a {
		count[key(r)]++
	}
	for _, r := range b {
		if k := key(r); count[k] > 0 {
			count[k]--
		} else {
			onlyB = append(onlyB, r)
		}
	}
	return onlyA, onlyB
}

// show writes up to 3 rows, then how many more.
func show(rows [][]*string) string {
	if len(rows) == 0 {
		return "nothing else"
	}
	var parts []string
	for i, r := range rows {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(rows)-3))
			break
		}
		vals := make([]string, len(r))
		for j, v := range r {
			if v == nil {
				vals[j] = "NULL"
			} else {
				vals[j] = fmt.Sprintf("%q", *v)
			}
		}
		if len(vals) == 1 {
			parts = append(parts, vals[0])
		} else {
			parts = append(parts, "("+strings.Join(vals, ", ")+")")
		}
	}
	return strings.Join(parts, ", ")
}
