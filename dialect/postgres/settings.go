package postgres

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/mxmigrate/mxmigrate/dialect"
)

// Tune reads [ext.mxmigrate.postgresql]:
//   - json_type, the type of new json columns. Not set, new columns are jsonb
//     and existing json or jsonb columns both satisfy the logical json (a
//     database Alembic made with sa.JSON needs no change). Set, a column of
//     the other type is planned as a conversion (gated, like every type change);
//   - lock_timeout, set at the start of every generated file that runs in a
//     transaction: a PostgreSQL duration ("5s", the default; "500ms", "1min"),
//     or false (or "0") for none;
//   - online_ddl (default true): changes to existing tables take the forms
//     that do not block writes (see Steps); false writes plain DDL.
func (Dialect) Tune(m map[string]any, where string) (dialect.Dialect, error) {
	d := Dialect{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		key := where + "." + k
		switch k {
		case "json_type":
			s, ok := m[k].(string)
			if jt := strings.ToLower(s); ok && (jt == "json" || jt == "jsonb") {
				d.jsonType = jt
				continue
			}
			return nil, fmt.Errorf("%s = %v: use \"jsonb\" or \"json\"", key, m[k])
		case "lock_timeout":
			lt, err := parseLockTimeout(m[k])
			if err != nil {
				return nil, fmt.Errorf("%s = %v: %w", key, m[k], err)
			}
			d.lockTimeout = lt
		case "online_ddl":
			on, ok := m[k].(bool)
			if !ok {
				return nil, fmt.Errorf("%s = %v: use true or false", key, m[k])
			}
			d.offline = !on
		default:
			return nil, fmt.Errorf("%s: unknown setting (PostgreSQL takes json_type, lock_timeout, online_ddl)", key)
		}
	}
	return d, nil
}

// durationRE is a PostgreSQL duration setting: a number of milliseconds, or
// one with a unit.
var durationRE = regexp.MustCompile(`^([0-9]+)\s*(us|ms|s|min|h|d)?$`)

// parseLockTimeout reads lock_timeout: "0" for none (false or "0"), else the
// duration as written.
func parseLockTimeout(v any) (string, error) {
	switch x := v.(type) {
	case bool:
		if !x {
			return "0", nil
		}
		return "", fmt.Errorf("use a duration such as \"5s\" (true names none), or false for none")
	case int64:
		v = strconv.FormatInt(x, 10)
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("use a duration such as \"5s\", or false for none")
	}
	s = strings.TrimSpace(s)
	m := durationRE.FindStringSubmatch(s)
	if m == nil {
		return "", fmt.Errorf("use a duration such as \"5s\", \"500ms\" or \"1min\" (a number alone is milliseconds), or false for none")
	}
	if strings.Trim(m[1], "0") == "" {
		return "0", nil
	}
	// PostgreSQL keeps milliseconds in an int: less than 1 ms rounds to 0
	// (no timeout at all), more than 2^31-1 ms is refused when the file runs
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return "", err
	}
	ms := n * map[string]float64{"": 1, "us": 0.001, "ms": 1, "s": 1000, "min": 60000, "h": 3600000, "d": 86400000}[m[2]]
	if ms < 1 || ms > math.MaxInt32 {
		return "", fmt.Errorf("PostgreSQL takes 1ms to %dms (about 24 days)", math.MaxInt32)
	}
	return s, nil
}
