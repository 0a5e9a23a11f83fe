package proof

import (
	"fmt"
	"strings"

	"github.com/mxmigrate/mxmigrate/schema"
)

// sampleRows is how many rows the proof puts into each table it checks.
const sampleRows = 8

// samples are edge values per logical type, as text that every supported
// database casts to the type (CAST('...' AS type)): empty, long and
// unicode strings, text that reads as a number, extreme integers,
// fractional floats, timestamps with microseconds and time zones, JSON
// values. Each list has sampleRows distinct values, so that rows are
// distinct on any key; a nullable column is NULL in the first row.
var samples = map[schema.Type][]string{
	schema.String:      {"mxmigrate", "", "é✓ 漢字 🙂", strings.Repeat("long ", 60), "007", "7", "29.97", "O'Reilly"},
	schema.Int64:       {"0", "-9223372036854775808", "9223372036854775807", "7", "-1", "42", "1000000", "123456789012"},
	schema.Int32:       {"0", "-2147483648", "2147483647", "7", "-1", "42", "1000000", "65536"},
	schema.Float64:     {"29.97", "-1.5", "0.1", "1234567.891", "0", "7", "1e-07", "123456789.125"},
	schema.Float32:     {"29.97", "-1.5", "0.5", "1234.5", "0", "7", "0.25", "100"},
	schema.Bool:        {"true", "false", "true", "false", "true", "false", "true", "false"},
	schema.Date:        {"2024-01-31", "1970-01-01", "2000-02-29", "2299-12-31", "1900-01-01", "2024-12-31", "2023-06-15", "1999-12-31"},
	schema.Timestamp:   {"2024-01-31 12:34:56.123456", "1970-01-01 00:00:00", "2000-02-29 23:59:59.999999", "2262-04-11 00:00:00", "1900-01-01 00:00:01", "2024-06-30 12:00:00.5", "2023-03-26 02:30:00", "1999-12-31 23:59:59"},
	schema.TimestampTZ: {"2024-01-31 12:34:56.123456+00", "1970-01-01 00:00:00+00", "2000-02-29 23:59:59.999999+00", "2262-04-11 00:00:00+00", "2024-06-30 12:00:00.5+00", "2023-03-26 01:30:00+00", "2010-10-10 10:10:10.10+00", "1999-12-31 23:59:59+00"},
	schema.Time:        {"12:34:56.123456", "00:00:00", "23:59:59.999999", "12:00:00", "06:30:00", "18:45:15.5", "01:02:03", "22:22:22"},
	schema.UUID:        {"00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "123e4567-e89b-12d3-a456-426614174000", "550e8400-e29b-41d4-a716-446655440000", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "6ba7b811-9dad-11d1-80b4-00c04fd430c8", "f47ac10b-58cc-4372-a567-0e02b2c3d479", "9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b"},
	schema.Bytes:       {"mxmigrate", "", "bytes", "007", "7", "x", "yy", "zzz"},
	schema.JSON:        {`{"a":1}`, `[]`, `{"k":"é✓"}`, `{"n":29.97}`, `{}`, `[1,2,3]`, `{"nested":{"x":[1,"two"]}}`, `"text"`},
	// ClickHouse's Map of Metaxy's *_by_field columns, which no text casts
	// to: expressions (literal's "=" prefix)
	schema.RawExact("Map(String, String)"): {"=map()", "=map('a','1')", "=map('b','2','c','3')", "=map('é','✓')", "=map('k','')", "=map('x','007')", "=map('x','7')", "=map('long','29.97')"},
}

// literal is a sample value as SQL: CAST of its text to typ, or the
// expression itself for a value written "=expr".
func literal(v, typ string) string {
	if e, ok := strings.CutPrefix(v, "="); ok {
		return e
	}
	return "CAST('" + strings.ReplaceAll(v, "'", "''") + "' AS " + typ + ")"
}

// sampleInserts are the INSERTs of the sample rows into t, one a row (a
// row a constraint of the live table refuses is left out), or why there are
// none (a type without samples, in a column that cannot be NULL).
// newKey, when not nil, is a key the plan gives t: rows are added that
// equal sample rows on it and differ elsewhere (distinct under t's key,
// one row under the new one), so that what the new key merges shows.
func sampleInserts(t *schema.Table, newKey []string, quote func(string) string, typeSQL func(schema.Type) string) ([]string, string) {
	var cols []string
	var lists [][]string
	var casts []string
	for _, c := range t.Columns {
		vals, ok := samples[c.Type]
		if !ok && !c.Nullable {
			return nil, fmt.Sprintf("no sample values of type %s (column %s)", c.Type, c.Name)
		}
		cols = append(cols, quote(c.Name))
		lists = append(lists, vals)
		casts = append(casts, typeSQL(c.Type))
	}
	if len(cols) == 0 {
		return nil, "no columns"
	}
	inKey := map[string]bool{}
	for _, k := range newKey {
		inKey[k] = true
	}
	row := func(i, other int) string {
		var vals []string
		for j, c := range t.Columns {
			k := i
			if other >= 0 && !inKey[c.Name] {
				k = other // the same new key, other values elsewhere
			}
			if lists[j] == nil || (c.Nullable && k == 0) {
				vals = append(vals, "NULL")
				continue
			}
			vals = append(vals, literal(lists[j][k], casts[j]))
		}
		return "INSERT INTO " + quote(t.Name) + " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(vals, ", ") + ")"
	}
	var out []string
	for i := 0; i < sampleRows; i++ {
		out = append(out, row(i, -1))
	}
	if len(newKey) > 0 {
		for i := 1; i <= 3; i++ {
			out = append(out, row(i, (i+4)%sampleRows))
		}
	}
	return out, ""
}

// allRows is sampleInserts' rows in one INSERT (all or none go in).
func allRows(qs []string) string {
	head, _, _ := strings.Cut(qs[0], " VALUES ")
	var tuples []string
	for _, q := range qs {
		_, t, _ := strings.Cut(q, " VALUES ")
		tuples = append(tuples, t)
	}
	return head + " VALUES\n" + strings.Join(tuples, ",\n")
}
