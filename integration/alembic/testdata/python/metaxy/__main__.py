"""`metaxy push [--store NAME]`: records the project's feature definitions in
the store's metaxy_system__feature_versions table, one row per feature whose
definition is new, as Metaxy's push does (feature_spec and feature_schema are
JSON strings; the schema is the Pydantic JSON Schema of the feature's model)."""

import datetime
import hashlib
import json
import sys

import sqlalchemy as sa

import metaxy


def _json_type(col):
    t = col.type
    if isinstance(t, sa.Boolean):
        return {"type": "boolean"}
    if isinstance(t, sa.Integer):
        return {"type": "integer"}
    if isinstance(t, sa.Float):
        return {"type": "number"}
    if isinstance(t, sa.JSON):
        return {"type": "object", "additionalProperties": {"type": "string"}}
    if isinstance(t, sa.DateTime):
        return {"type": "string", "format": "date-time"}
    if isinstance(t, sa.Date):
        return {"type": "string", "format": "date"}
    if isinstance(t, sa.String):
        return {"type": "string"}
    raise SystemExit("metaxy push: column %s.%s: no JSON Schema type for %r" % (col.table.name, col.name, t))


def feature_schema(feature):
    props, required = {}, []
    for col in feature.table.columns:
        p = _json_type(col)
        title = col.name.replace("_", " ").title()
        if col.nullable:
            props[col.name] = {"anyOf": [p, {"type": "null"}], "default": None, "title": title}
        else:
            props[col.name] = dict(p, title=title)
            required.append(col.name)
    name = feature.class_path.rsplit(".", 1)[-1]
    return {"additionalProperties": False, "properties": props, "required": required, "title": name, "type": "object"}


def _hash(*parts):
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16]


def push(store_name):
    config = metaxy.init()
    store = config.get_store(store_name)
    table = store._table_prefix + "metaxy_system__feature_versions"
    features = [f for f in metaxy.graph().values() if f.project == config.project]
    rows = []
    for f in features:
        spec = json.dumps({"key": f.spec.key, "id_columns": f.spec.id_columns, "deps": [], "fields": [], "metadata": {}})
        schema = json.dumps(feature_schema(f))
        rows.append({
            "project": f.project, "feature_key": f.spec.key,
            "metaxy_definition_version": _hash(spec, schema), "metaxy_feature_version": _hash(spec),
            "feature_spec": spec, "feature_schema": schema, "feature_class_path": f.class_path,
        })
    project_version = _hash(*sorted(r["metaxy_definition_version"] for r in rows))
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    engine = sa.create_engine(store.sqlalchemy_url)
    pushed = 0
    with engine.begin() as conn:
        for r in rows:
            exists = conn.execute(sa.text(
                f'SELECT 1 FROM "{table}" WHERE project = :project AND feature_key = :feature_key '
                "AND metaxy_definition_version = :metaxy_definition_version"), r).first()
            if exists:
                continue
            conn.execute(sa.text(
                f'INSERT INTO "{table}" (project, feature_key, metaxy_definition_version, metaxy_feature_version, '
                "metaxy_project_version, recorded_at, feature_spec, feature_schema, feature_class_path, tags) "
                "VALUES (:project, :feature_key, :metaxy_definition_version, :metaxy_feature_version, "
                ":metaxy_project_version, :recorded_at, :feature_spec, :feature_schema, :feature_class_path, '{}')"),
                dict(r, metaxy_project_version=project_version, recorded_at=now))
            pushed += 1
    print("Recorded %d of %d feature definitions in %s" % (pushed, len(rows), store_name))


def main(argv):
    if not argv or argv[0] != "push":
        raise SystemExit("usage: metaxy push [--store NAME] (this stand-in knows only push)")
    store = None
    if len(argv) >= 3 and argv[1] == "--store":
        store = argv[2]
    push(store)


main(sys.argv[1:])
