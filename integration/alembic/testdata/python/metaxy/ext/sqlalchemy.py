"""Stand-in for metaxy.ext.sqlalchemy: the same two helpers, the same tables.

The system tables are declared as Metaxy declares them (String, DateTime,
composite primary keys, index=True columns, idx_<table>_lookup) in a MetaData
of their own, so SQLAlchemy's default naming names their indexes. Feature
tables are copied from the user's metadata into a fresh MetaData (the user's
naming convention does not follow them), filtered to the project, and get
Metaxy's injected key when asked: metaxy_feature_version, the id columns,
metaxy_updated_at, as a primary key named "metaxy_pk" and an index named
"metaxy_idx" on every table. PostgreSQL keeps index and constraint names per
schema, so with these fixed names only one feature table can have them.
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


def filter_feature_sqla_metadata(store, source_metadata, project=None, filter_by_project=True,
                                 inject_primary_key=None, inject_index=None, protocol=None, port=None):
    config = metaxy.MetaxyConfig.get()
    project = project or config.project
    wanted = {}
    for key, feature in metaxy.graph().items():
        if filter_by_project and feature.project != project:
            continue
        wanted[store.get_table_name(key)] = feature
    filtered = MetaData()
    for name, table in source_metadata.tables.items():
        feature = wanted.get(name)
        if feature is None:
            continue
        copy = table.to_metadata(filtered)
        cols = ["metaxy_feature_version", *feature.spec.id_columns, "metaxy_updated_at"]
        if inject_primary_key:
            copy.append_constraint(PrimaryKeyConstraint(*cols, name="metaxy_pk"))
        if inject_index:
            copy.append_constraint(Index("metaxy_idx", *[copy.c[c] for c in cols]))
    return store.sqlalchemy_url, filtered
