"""Stand-in for metaxy.ext.sqlalchemy: the same two helpers, the same tables.

The system tables are declared as Metaxy declares them (String, DateTime,
composite primary keys, index=True columns, idx_<table>_lookup) in a MetaData
of their own, so SQLAlchemy's default naming names their indexes. Feature
tables are copied from the user's metadata, filtered to the project, and get
the injected key when asked; the key's columns follow [ext.mxmigrate] key in
metaxy.toml when set (Metaxy's current integration: metaxy_feature_version,
the id columns, metaxy_updated_at).
"""

from sqlalchemy import Column, DateTime, Index, MetaData, PrimaryKeyConstraint, String, Table

import metaxy


def get_system_slqa_metadata(store, protocol=None, port=None):
    metadata = MetaData()
    fv = store._table_prefix + "metaxy_system__feature_versions"
    Table(
        fv, metadata,
        Column("project", String, primary_key=True, index=True),
        Column("feature_key", String, primary_key=True, index=True),
        Column("metaxy_definition_version", String, primary_key=True),
        Column("metaxy_feature_version", String, index=True),
        Column("metaxy_project_version", String, index=True),
        Column("recorded_at", DateTime, index=True),
        Column("feature_spec", String),
        Column("feature_schema", String),
        Column("feature_class_path", String),
        Column("tags", String, default="{}"),
        Column("deleted_at", DateTime, nullable=True),
        Index(f"idx_{fv}_lookup", "project", "feature_key", "metaxy_feature_version"),
    )
    ev = store._table_prefix + "metaxy_system__events"
    Table(
        ev, metadata,
        Column("project", String, primary_key=True, index=True),
        Column("execution_id", String, primary_key=True, index=True),
        Column("timestamp", DateTime, primary_key=True),
        Column("event_type", String, index=True),
        Column("feature_key", String, nullable=True, index=True),
        Column("payload", String, default=""),
        Index(f"idx_{ev}_lookup", "project", "execution_id", "event_type"),
    )
    return store.sqlalchemy_url, metadata


def _key_columns(spec):
    key = metaxy.MetaxyConfig.get().ext.get("mxmigrate", {}).get(
        "key", ["metaxy_feature_version", "{id_columns}", "metaxy_updated_at"])
    out = []
    for c in key:
        out.extend(spec.id_columns if c == "{id_columns}" else [c])
    return out


def filter_feature_sqla_metadata(store, source_metadata, project=None, filter_by_project=True,
                                 inject_primary_key=None, inject_index=None, protocol=None, port=None):
    config = metaxy.MetaxyConfig.get()
    project = project or config.project
    wanted = {}
    for key, feature in metaxy.graph().items():
        if filter_by_project and feature.project != project:
            continue
        wanted[store.get_table_name(key)] = feature
    filtered = MetaData(naming_convention=source_metadata.naming_convention)
    for name, table in source_metadata.tables.items():
        feature = wanted.get(store._table_prefix + name)
        if feature is None:
            continue
        copy = table.to_metadata(filtered, name=store._table_prefix + name)
        cols = _key_columns(feature.spec)
        if inject_primary_key:
            # Unnamed: the naming convention names it (a fixed name such as
            # "metaxy_pk" on every table collides on PostgreSQL, where index
            # names are unique per schema).
            copy.append_constraint(PrimaryKeyConstraint(*cols))
        if inject_index:
            copy.append_constraint(Index(None, *[copy.c[c] for c in cols]))
    return store.sqlalchemy_url, filtered
