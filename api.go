package mxmigrate

import (
	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/desired"
	"github.com/mxmigrate/mxmigrate/dialect"
	"github.com/mxmigrate/mxmigrate/schema"
)

// URLOptions change a store URL: Protocol replaces only the scheme, Port only
// the port.
type URLOptions = dialect.URLOptions

// SystemMetadata mirrors Metaxy's get_system_slqa_metadata: the store's URL
// and its two system tables (with the store's table prefix).
func SystemMetadata(store *config.Store, o URLOptions) (string, *schema.Schema, error) {
	d, url, err := storeURL(store, o)
	if err != nil {
		return "", nil, err
	}
	r, err := desired.System(desired.Options{TablePrefix: store.TablePrefix, Naming: schema.DefaultConvention, Names: d})
	if err != nil {
		return "", nil, err
	}
	return url, r.Schema, nil
}

// storeURL finds the store's dialect and returns it with the store's URL.
func storeURL(st *config.Store, o URLOptions) (dialect.Dialect, string, error) {
	d, err := dialect.ForStore(st)
	if err != nil {
		return nil, "", err
	}
	conn, err := d.Configure(st)
	if err != nil {
		return nil, "", err
	}
	u, err := conn.URL(o)
	return d, u, err
}

// FeatureOptions mirror filter_feature_sqla_metadata's keyword arguments.
type FeatureOptions struct {
	// Project selects the features of one project when FilterByProject is set.
	Project         string
	FilterByProject bool
	// InjectPrimaryKey and InjectIndex are tri-state: nil means "as configured"
	// (Configured), else the value given.
	InjectPrimaryKey *bool
	InjectIndex      *bool
	// Configured supplies [ext.sqlalchemy] defaults and the naming convention;
	// nil means both injections off and the default convention.
	Configured *config.Config
	Protocol   string
	Port       int
}

// FilterFeatureMetadata mirrors Metaxy's filter_feature_sqla_metadata: from
// the source schema (every feature table, as desired.FeatureTables builds it)
// keep the project's tables, add the injected primary key and index, and
// return them with the store's URL.
func FilterFeatureMetadata(store *config.Store, source *schema.Schema, o FeatureOptions) (string, *schema.Schema, error) {
	d, url, err := storeURL(store, URLOptions{Protocol: o.Protocol, Port: o.Port})
	if err != nil {
		return "", nil, err
	}
	to := desired.Options{TablePrefix: store.TablePrefix, Naming: schema.DefaultConvention, Names: d,
		Project: o.Project, AllProjects: !o.FilterByProject}
	if c := o.Configured; c != nil {
		to.Naming = c.Mx.Naming
		to.InjectPrimaryKey, to.InjectIndex = c.SQLAlchemy.InjectPrimaryKey, c.SQLAlchemy.InjectIndex
		to.Key = c.Mx.Key
		if to.Project == "" {
			to.Project = c.Project
		}
	}
	if o.InjectPrimaryKey != nil {
		to.InjectPrimaryKey = *o.InjectPrimaryKey
	}
	if o.InjectIndex != nil {
		to.InjectIndex = *o.InjectIndex
	}
	s, err := desired.Select(source, to)
	if err != nil {
		return "", nil, err
	}
	return url, s, nil
}
