package duckdb

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// lake is a store's [stores.<name>.config.ducklake], read as Metaxy's
// DuckLakeConfig (src/metaxy/ext/duckdb/handlers/ducklake.py) defines it,
// and the statements Metaxy runs to attach it, in its order and words:
// INSTALL and LOAD ducklake (and motherduck), the secrets it creates, the
// DuckLake secret metaxy_generated_<store>_<alias>, ATTACH ... AS <alias>
// with the attach options, USE <alias>.
type lake struct {
	alias      string
	statements []string
	// secrets are the values errors must not show (passwords, keys).
	secrets []string
}

// lakeKeys are the keys of each catalog and storage type (Metaxy's models).
var lakeKeys = map[string][]string{
	"catalog duckdb":     {"type", "uri"},
	"catalog sqlite":     {"type", "uri"},
	"catalog postgres":   {"type", "database", "user", "password", "host", "port", "secret_name", "secret_parameters"},
	"catalog motherduck": {"type", "database", "region"},
	"storage local":      {"type", "path"},
	"storage s3":         {"type", "key_id", "secret", "endpoint", "bucket", "prefix", "region", "url_style", "scope", "data_path", "use_ssl", "secret_name", "secret_parameters"},
	"storage r2":         {"type", "key_id", "secret", "account_id", "data_path", "secret_name", "secret_parameters"},
	"storage gcs":        {"type", "key_id", "secret", "data_path", "secret_name", "secret_parameters"},
}

// known refuses a key of a catalog or storage table its type does not have.
func (r reader) known(what, kind string, m map[string]any) error {
	keys, ok := lakeKeys[what+" "+kind]
	if !ok {
		return nil // the type itself is refused where it is read
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(keys, k) {
			return r.errorf("ducklake."+what+"."+k, "unknown key (a %s %s has %s)", kind, what, strings.Join(keys, ", "))
		}
	}
	return nil
}

// lakeFields are DuckLakeConfig's keys.
var lakeFields = []string{"alias", "attach_options", "catalog", "data_inlining_row_limit", "storage"}

func (r reader) lake(v any) (*lake, error) {
	m, _, err := r.table(v, "ducklake")
	if err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(lakeFields, k) {
			return nil, r.errorf("ducklake."+k, "unknown key (DuckLakeConfig has %s)", strings.Join(lakeFields, ", "))
		}
	}
	l := &lake{alias: "ducklake"}
	if m["alias"] != nil {
		a, err := r.str(m["alias"], "ducklake.alias", true)
		if err != nil {
			return nil, err
		}
		if a = strings.TrimSpace(a); a != "" {
			l.alias = a
		}
	}
	if err := checkIdent(r, "ducklake.alias", l.alias); err != nil {
		return nil, err
	}
	catalog, ok, err := r.table(m["catalog"], "ducklake.catalog")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, r.errorf("ducklake.catalog", "is not set (a DuckLake needs its catalog: duckdb, sqlite, postgres or motherduck)")
	}
	kind, err := r.str(catalog["type"], "ducklake.catalog.type", true)
	if err != nil {
		return nil, err
	}
	storage, hasStorage, err := r.table(m["storage"], "ducklake.storage")
	if err != nil {
		return nil, err
	}
	if err := r.known("catalog", kind, catalog); err != nil {
		return nil, err
	}
	if hasStorage {
		sk, _ := storage["type"].(string)
		if err := r.known("storage", sk, storage); err != nil {
			return nil, err
		}
	}
	for _, t := range []map[string]any{catalog, storage} {
		for _, k := range []string{"password", "secret", "key_id"} {
			if v, ok := t[k].(string); ok {
				if x, err := r.st.Templated("ducklake", v); err == nil {
					l.secrets = append(l.secrets, x)
				}
			}
		}
		if sp, ok := t["secret_parameters"].(map[string]any); ok {
			for _, v := range sp {
				if x, ok := v.(string); ok {
					if y, err := r.st.Templated("ducklake", x); err == nil {
						l.secrets = append(l.secrets, y)
					}
				}
			}
		}
	}
	l.statements = []string{"INSTALL ducklake;", "LOAD ducklake;"}
	if kind == "motherduck" {
		return l, r.motherduck(l, catalog, storage, hasStorage)
	}
	if !hasStorage {
		return nil, r.errorf("ducklake.storage", "is not set (a %s catalog needs storage: local, s3, r2 or gcs)", kind)
	}
	suffix := r.st.Name + "_" + l.alias
	if err := checkIdent(r, "ducklake.alias", suffix); err != nil {
		return nil, r.errorf("ducklake.alias", "the store's name and alias make the secret name metaxy_generated_%s, which is not a name", suffix)
	}
	var meta string
	switch kind {
	case "duckdb", "sqlite":
		uri, err := r.need(catalog, "ducklake.catalog", "uri")
		if err != nil {
			return nil, err
		}
		if !strings.Contains(uri, "://") && !strings.HasPrefix(uri, "md:") {
			uri = r.st.Resolve(uri)
		}
		meta = "METADATA_PATH " + sqlValue(uri)
	case "postgres":
		name, err := r.postgresSecret(l, catalog)
		if err != nil {
			return nil, err
		}
		meta = "METADATA_PATH '', METADATA_PARAMETERS MAP {'TYPE': 'postgres', 'SECRET': " + sqlValue(name) + "}"
	default:
		return nil, r.errorf("ducklake.catalog.type", "%q: use duckdb, sqlite, postgres or motherduck", kind)
	}
	data, err := r.storage(l, storage, "")
	if err != nil {
		return nil, err
	}
	secret := "metaxy_generated_" + suffix
	l.statements = append(l.statements, "CREATE OR REPLACE SECRET "+secret+" ( TYPE DUCKLAKE, "+meta+", DATA_PATH "+sqlValue(data)+" );")
	opts, _, err := r.table(m["attach_options"], "ducklake.attach_options")
	if err != nil {
		return nil, err
	}
	if m["data_inlining_row_limit"] != nil {
		n, ok := m["data_inlining_row_limit"].(int64)
		if !ok {
			return nil, r.errorf("ducklake.data_inlining_row_limit", "must be a number, got %v", m["data_inlining_row_limit"])
		}
		if opts == nil {
			opts = map[string]any{}
		}
		opts["data_inlining_row_limit"] = n
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(opts)) {
		if err := checkIdent(r, "ducklake.attach_options."+k, k); err != nil {
			return nil, err
		}
		v := opts[k]
		if x, ok := v.(string); ok {
			if v, err = r.st.Templated("ducklake.attach_options."+k, x); err != nil {
				return nil, err
			}
		}
		parts = append(parts, strings.ToUpper(k)+" "+sqlValue(v))
	}
	attach := "ATTACH IF NOT EXISTS " + sqlValue("ducklake:"+secret) + " AS " + l.alias
	if len(parts) > 0 {
		attach += " (" + strings.Join(parts, ", ") + ")"
	}
	l.statements = append(l.statements, attach+";", "USE "+l.alias+";")
	return l, nil
}

// need reads a required string of table m (at key) by name.
func (r reader) need(m map[string]any, key, name string) (string, error) {
	v, err := r.str(m[name], key+"."+name, false)
	if err == nil && v == "" {
		err = r.errorf(key+"."+name, "is not set")
	}
	return v, err
}

// optional reads strings of m that are set, by name.
func (r reader) optional(m map[string]any, key string, names ...string) (map[string]any, error) {
	out := map[string]any{}
	for _, n := range names {
		switch v := m[n].(type) {
		case nil:
		case bool, int64, float64:
			out[n] = v
		default:
			s, err := r.str(v, key+"."+n, false)
			if err != nil {
				return nil, err
			}
			out[n] = s
		}
	}
	return out, nil
}

// secret renders CREATE OR REPLACE SECRET name[ IN where] ( TYPE t, K v, ... )
// with params sorted by key, secret_parameters (uppercased) overriding.
func (r reader) secret(name, where, typ string, params map[string]any, m map[string]any, key string) (string, error) {
	extra, _, err := r.table(m["secret_parameters"], key+".secret_parameters")
	if err != nil {
		return "", err
	}
	all := map[string]any{}
	for k, v := range params {
		all[strings.ToUpper(k)] = v
	}
	for k, v := range extra {
		if err := checkIdent(r, key+".secret_parameters."+k, k); err != nil {
			return "", err
		}
		if x, ok := v.(string); ok {
			if v, err = r.st.Templated(key+".secret_parameters."+k, x); err != nil {
				return "", err
			}
		}
		all[strings.ToUpper(k)] = v
	}
	s := "CREATE OR REPLACE SECRET " + name
	if where != "" {
		s += " IN " + where
	}
	s += " ( TYPE " + typ
	for _, k := range slices.Sorted(maps.Keys(all)) {
		s += ", " + k + " " + sqlValue(all[k])
	}
	return s + " );", nil
}

// postgresSecret adds the catalog's postgres secret when credentials or
// secret_parameters are given, and returns its name.
func (r reader) postgresSecret(l *lake, c map[string]any) (string, error) {
	key := "ducklake.catalog"
	name, err := r.need(c, key, "secret_name")
	if err != nil {
		return "", err
	}
	if err := checkIdent(r, key+".secret_name", name); err != nil {
		return "", err
	}
	creds, err := r.optional(c, key, "host", "database", "user", "password")
	if err != nil {
		return "", err
	}
	if len(creds) > 0 && len(creds) < 4 {
		return "", r.errorf(key, "host, database, user and password are set together or not at all")
	}
	if len(creds) == 0 && c["secret_parameters"] == nil {
		return name, nil // an existing secret
	}
	port := any(int64(5432))
	if c["port"] != nil {
		p, err := r.str(c["port"], key+".port", false)
		if err != nil {
			return "", err
		}
		n, err := strconv.ParseInt(p, 10, 32)
		if err != nil || n <= 0 || n > 65535 {
			return "", r.errorf(key+".port", "%q is not a port", p)
		}
		port = n
	}
	if len(creds) > 0 {
		creds["port"] = port
	}
	s, err := r.secret(name, "", "postgres", creds, c, key)
	if err != nil {
		return "", err
	}
	l.statements = append(l.statements, s)
	return name, nil
}

// storage adds the storage's secret when one is given, and returns the
// data path; in ("" or MOTHERDUCK) says where the secret is kept.
func (r reader) storage(l *lake, s map[string]any, in string) (string, error) {
	key := "ducklake.storage"
	kind, err := r.str(s["type"], key+".type", true)
	if err != nil {
		return "", err
	}
	var fields []string
	var data string
	typ := strings.ToUpper(kind)
	switch kind {
	case "local":
		p, err := r.need(s, key, "path")
		if err != nil {
			return "", err
		}
		return r.st.Resolve(p), nil
	case "s3":
		fields = []string{"key_id", "secret", "endpoint", "region", "url_style", "use_ssl", "scope"}
		d, err := r.optional(s, key, "data_path", "bucket", "prefix", "scope")
		if err != nil {
			return "", err
		}
		switch {
		case d["data_path"] != nil:
			data = fmt.Sprint(d["data_path"])
		case d["bucket"] != nil:
			data = "s3://" + fmt.Sprint(d["bucket"]) + "/"
			if p := strings.Trim(fmt.Sprint(d["prefix"]), "/"); d["prefix"] != nil && p != "" {
				data += p + "/"
			}
		case d["scope"] != nil && strings.HasPrefix(fmt.Sprint(d["scope"]), "s3://"):
			data = strings.TrimSuffix(fmt.Sprint(d["scope"]), "/") + "/"
		default:
			return "", r.errorf(key, "s3 storage needs data_path, bucket, or an s3:// scope")
		}
	case "r2", "gcs":
		fields = []string{"key_id", "secret"}
		if kind == "r2" {
			fields = append(fields, "account_id")
		}
		if data, err = r.need(s, key, "data_path"); err != nil {
			return "", err
		}
	default:
		return "", r.errorf(key+".type", "%q: use local, s3, r2 or gcs", kind)
	}
	name, err := r.need(s, key, "secret_name")
	if err != nil {
		return "", err
	}
	if err := checkIdent(r, key+".secret_name", name); err != nil {
		return "", err
	}
	params, err := r.optional(s, key, fields...)
	if err != nil {
		return "", err
	}
	if (params["key_id"] == nil) != (params["secret"] == nil) {
		delete(params, "key_id") // Metaxy writes them as a pair only
		delete(params, "secret")
	}
	if kind == "r2" && params["key_id"] != nil && params["account_id"] == nil {
		return "", r.errorf(key+".account_id", "is needed with key_id and secret")
	}
	if ep, ok := params["endpoint"].(string); ok {
		for _, scheme := range []string{"https://", "http://"} {
			if rest, cut := strings.CutPrefix(ep, scheme); cut {
				params["endpoint"] = rest
				if params["use_ssl"] == nil {
					params["use_ssl"] = scheme == "https://"
				}
			}
		}
	}
	if len(params) == 0 && s["secret_parameters"] == nil {
		return data, nil // an existing secret
	}
	sec, err := r.secret(name, in, typ, params, s, key)
	if err != nil {
		return "", err
	}
	l.statements = append(l.statements, sec)
	return data, nil
}

// motherduck adds a MotherDuck catalog's statements: Metaxy ignores alias
// and attach options there, creates the lake database when storage is
// given, and uses it.
func (r reader) motherduck(l *lake, c, storage map[string]any, hasStorage bool) error {
	db, err := r.need(c, "ducklake.catalog", "database")
	if err != nil {
		return err
	}
	if err := checkIdent(r, "ducklake.catalog.database", db); err != nil {
		return err
	}
	l.alias = db
	l.statements = append(l.statements, "INSTALL motherduck;", "LOAD motherduck;")
	if c["region"] != nil {
		region, err := r.str(c["region"], "ducklake.catalog.region", true)
		if err != nil {
			return err
		}
		l.statements = append(l.statements, "SET s3_region="+sqlValue(region)+";")
	}
	if hasStorage {
		var secrets lake
		data, err := r.storage(&secrets, storage, "MOTHERDUCK")
		if err != nil {
			return err
		}
		l.statements = append(l.statements, "CREATE DATABASE IF NOT EXISTS "+db+" (TYPE DUCKLAKE, DATA_PATH "+sqlValue(data)+");")
		l.statements = append(l.statements, secrets.statements...)
	}
	l.statements = append(l.statements, "USE "+db+";")
	return nil
}
