package clickhouse

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/internal/chdb"
)

// settings are [ext.mxmigrate.clickhouse].
type settings struct {
	where    string
	jsonType string // "String" (default) or "JSON"
	cluster  string
	// acceptCollapse: a rebuild into an engine that merges rows sharing
	// its sorting key (ReplacingMergeTree, ...) may keep fewer rows than
	// the table had; the file then does not compare row counts
	acceptCollapse bool
	all            tableSettings
	features       map[string]tableSettings
}

// tableSettings shape feature tables; "" / nil is unset.
type tableSettings struct {
	engine, partitionBy string
	// partitionSet: partition_by was given ("" then means none, so that a
	// feature can drop the partitioning all features have)
	partitionSet bool
	orderBy      []string
	settings     map[string]string
}

// over returns o with the fields that f sets replaced.
func (o tableSettings) over(f tableSettings) tableSettings {
	if f.engine != "" {
		o.engine = f.engine
	}
	if f.partitionSet {
		o.partitionBy, o.partitionSet = f.partitionBy, true
	}
	if f.orderBy != nil {
		o.orderBy = f.orderBy
	}
	if f.settings != nil {
		// a feature's settings add to (and override) everyone's
		merged := map[string]string{}
		for k, v := range o.settings {
			merged[k] = v
		}
		for k, v := range f.settings {
			merged[k] = v
		}
		o.settings = merged
	}
	return o
}

var (
	clusterRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	settingRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// Tune reads [ext.mxmigrate.clickhouse]: json_type, cluster,
// accept_collapse, and engine,
// order_by, partition_by, settings for every feature table, which
// [ext.mxmigrate.clickhouse.features."<feature key>"] override per feature.
func (Dialect) Tune(m map[string]any, where string) (dialect.Dialect, error) {
	s := &settings{where: where, jsonType: "String", features: map[string]tableSettings{}}
	for k, v := range m {
		key := where + "." + k
		var err error
		switch k {
		case "json_type":
			var jt string
			if jt, err = str(v, key); err == nil {
				switch strings.ToLower(jt) {
				case "string":
					s.jsonType = "String"
				case "json":
					s.jsonType = "JSON"
				default:
					err = fmt.Errorf("%s = %q: use \"String\" or \"JSON\"", key, jt)
				}
			}
		case "cluster":
			if s.cluster, err = str(v, key); err == nil && !clusterRE.MatchString(s.cluster) {
				// golang-migrate writes ON CLUSTER <name> for its own table
				// unquoted: a {macro} or other characters break it
				err = fmt.Errorf("%s = %q: a cluster name is letters, digits and underscores (golang-migrate writes it unquoted, so a {macro} cannot be used)", key, s.cluster)
			}
		case "accept_collapse":
			b, ok := v.(bool)
			if !ok {
				return nil, fmt.Errorf("%s must be true or false, got %v", key, v)
			}
			s.acceptCollapse = b
		case "features":
			fm, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s must be a table of feature keys", key)
			}
			for fk, fv := range fm {
				fkey := fmt.Sprintf("%s.%q", key, fk)
				ft, ok := fv.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("%s must be a table", fkey)
				}
				ts := tableSettings{}
				for tk, tv := range ft {
					if err := ts.set(tk, tv, fkey+"."+tk); err != nil {
						return nil, err
					}
				}
				s.features[fk] = ts
			}
		default:
			err = s.all.set(k, v, key)
		}
		if err != nil {
			return nil, err
		}
	}
	return Dialect{cfg: s}, nil
}

// set reads one key of [ext.mxmigrate.clickhouse] (or of one feature's
// section) into ts, naming key in errors. It is long because it has one case
// per setting, which read best side by side.
func (ts *tableSettings) set(k string, v any, key string) error {
	var err error
	switch k {
	case "engine":
		if ts.engine, err = str(v, key); err == nil {
			ts.engine = normalizeExpr(ts.engine)
			if !strings.Contains(ts.engine, "MergeTree") {
				err = fmt.Errorf("%s = %q: mxmigrate manages MergeTree-family tables (MergeTree, ReplacingMergeTree(...), ...): only they have the ORDER BY Metaxy's tables are read by", key, ts.engine)
			}
		}
	case "partition_by":
		if ts.partitionBy, err = str(v, key); err == nil {
			ts.partitionBy, ts.partitionSet = normalizeExpr(ts.partitionBy), true
			if ts.partitionBy == "tuple" {
				ts.partitionBy = "" // PARTITION BY tuple(): no partitioning
			}
			if strings.Contains(ts.partitionBy, ";") {
				err = fmt.Errorf("%s = %q: give one partition expression, e.g. \"toYYYYMM(metaxy_created_at)\", or \"\" for none", key, ts.partitionBy)
			}
		}
	case "order_by":
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s must be a list of column names, e.g. [\"metaxy_feature_version\", \"{id_columns}\", \"metaxy_updated_at\"]", key)
		}
		ts.orderBy = []string{}
		for i, e := range list {
			s, err := str(e, fmt.Sprintf("%s[%d]", key, i))
			if err != nil {
				return err
			}
			ts.orderBy = append(ts.orderBy, s)
		}
	case "settings":
		sm, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s must be a table of table settings, e.g. { index_granularity = 8192 }", key)
		}
		ts.settings = map[string]string{}
		for name, sv := range sm {
			if !settingRE.MatchString(name) {
				return fmt.Errorf("%s.%s: not a setting name", key, name)
			}
			switch x := sv.(type) {
			case string:
				ts.settings[name] = chdb.QuoteString(x)
			case int64:
				ts.settings[name] = strconv.FormatInt(x, 10)
			case float64:
				// as ClickHouse shows it back: 1e6 is 1000000
				ts.settings[name] = strconv.FormatFloat(x, 'f', -1, 64)
			case bool:
				ts.settings[name] = "0"
				if x {
					ts.settings[name] = "1"
				}
			default:
				return fmt.Errorf("%s.%s must be a string, number or boolean", key, name)
			}
		}
	case "accept_collapse", "cluster", "json_type":
		return fmt.Errorf("%s: set it for every table, in [ext.mxmigrate.clickhouse]", key)
	default:
		return fmt.Errorf("%s: unknown key (known: engine, order_by, partition_by, settings, cluster, json_type, accept_collapse, features)", key)
	}
	return err
}

func str(v any, key string) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s must be a string, got %v", key, v)
	}
	return strings.TrimSpace(s), nil
}

// forFeature is the settings of one feature's table.
func (s *settings) forFeature(key string) tableSettings {
	return s.all.over(s.features[key])
}

// unusedFeatures lists per-feature sections that name no table of the target.
func (s *settings) unusedFeatures(used map[string]bool) []string {
	var out []string
	for k := range s.features {
		if !used[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// onCluster is " ON CLUSTER c" when a cluster is set.
func (s *settings) onCluster() string {
	switch {
	case s.cluster == "":
		return ""
	}
	return " ON CLUSTER " + chdb.QuoteIdent(s.cluster)
}

// replicated makes a MergeTree-family engine Replicated*, with the
// conventional {shard}/{replica} macros, unless it already is.
func replicated(engine string) string {
	if strings.HasPrefix(engine, "Replicated") || strings.HasPrefix(engine, "Shared") {
		return engine
	}
	name, args, _ := strings.Cut(engine, "(")
	args = strings.TrimSuffix(args, ")")
	path := "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'"
	if strings.TrimSpace(args) != "" {
		path += ", " + args
	}
	return "Replicated" + name + "(" + path + ")"
}

// normalizeExpr writes an expression the way ClickHouse shows it in
// system.tables as far as spacing goes: no space inside parentheses, one
// after each comma, runs of spaces as one; quoted text untouched. An empty
// argument list is dropped ("MergeTree()" is shown "MergeTree").
func normalizeExpr(s string) string {
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' || c == '`' || c == '"':
			j := chdb.SkipQuoted(s, i)
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteString(s[i:j])
			i = j - 1
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			space = true
		case c == ',':
			b.WriteString(", ")
			space = false
			for i+1 < len(s) && strings.IndexByte(" \t\n\r", s[i+1]) >= 0 {
				i++
			}
		case c == ')' || c == '(':
			out := strings.TrimRight(b.String(), " ")
			b.Reset()
			b.WriteString(out)
			if c == '(' && space && !endsWithIdent(out) {
				b.WriteByte(' ')
			}
			b.WriteByte(c)
			space = false
			if c == '(' {
				for i+1 < len(s) && strings.IndexByte(" \t\n\r", s[i+1]) >= 0 {
					i++
				}
			}
		default:
			if space && b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
				b.WriteByte(' ')
			}
			space = false
			b.WriteByte(c)
		}
	}
	return strings.TrimSuffix(strings.TrimSpace(b.String()), "()")
}

func endsWithIdent(s string) bool {
	if s == "" {
		return false
	}
	c := s[len(s)-1]
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
