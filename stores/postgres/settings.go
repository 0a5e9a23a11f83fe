package postgres

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mxmigrate/mxmigrate/stores"
)

// Tune reads [ext.mxmigrate.postgresql]: json_type, the type of new json
// columns. Not set, new columns are jsonb and existing json or jsonb columns
// both satisfy the logical json (a database Alembic made with sa.JSON needs
// no change). Set, a column of the other type is planned as a conversion
// (gated, like every type change).
func (Dialect) Tune(m map[string]any, where string) (stores.Dialect, error) {
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
		default:
			return nil, fmt.Errorf("%s: unknown setting (PostgreSQL takes json_type)", key)
		}
	}
	return d, nil
}
