"""A stand-in for the parts of Python Metaxy that an Alembic setup uses.

Metaxy itself cannot be installed on the machines that run mxmigrate's tests
(no Python package index), so this package offers the same names with the same
shapes: init() reading metaxy.toml, stores with sqlalchemy_url and
get_table_name, a feature graph, `metaxy push`, and (in metaxy.ext.sqlalchemy)
the two helpers Alembic's env.py calls. The tables it describes follow Metaxy's
SQLAlchemy and SQLModel integrations: the system tables of
metaxy.ext.sqlalchemy, and feature tables with Metaxy's system columns as its
SQLModel base declares them (JSON, DateTime(timezone=True), NOT NULL).
"""

import importlib
import os
import re
import tomllib

import sqlalchemy as sa

_graph = {}  # feature key -> Feature, in definition order
_config = None


class FeatureSpec:
    def __init__(self, key, id_columns):
        self.key = key
        self.id_columns = list(id_columns)


class Feature:
    def __init__(self, spec, table, project, class_path):
        self.spec = spec
        self.table = table
        self.project = project
        self.class_path = class_path


def _system_columns():
    """Metaxy's system columns, as its SQLModel base declares them."""
    tz = sa.DateTime(timezone=True)
    return [
        sa.Column("metaxy_provenance", sa.String, nullable=False),
        sa.Column("metaxy_provenance_by_field", sa.JSON, nullable=False),
        sa.Column("metaxy_feature_version", sa.String, nullable=False),
        sa.Column("metaxy_project_version", sa.String, nullable=False),
        sa.Column("metaxy_data_version", sa.String, nullable=False),
        sa.Column("metaxy_data_version_by_field", sa.JSON, nullable=False),
        sa.Column("metaxy_created_at", tz, nullable=False),
        sa.Column("metaxy_updated_at", tz, nullable=False),
        sa.Column("metaxy_materialization_id", sa.String, nullable=True),
        sa.Column("metaxy_deleted_at", tz, nullable=True),
    ]


def feature_table(metadata, spec, *columns, project="media_pipeline", class_path=""):
    """Declares a feature's table in the user's metadata (what a SQLModel
    feature class with table=True does) and adds the feature to the graph."""
    name = spec.key.replace("/", "__").replace("-", "_")
    table = sa.Table(name, metadata, *columns, *_system_columns())
    _graph[spec.key] = Feature(spec, table, project, class_path or name)
    return table


def _expand(value):
    """${VAR} and ${VAR:-default}, as Metaxy expands config strings."""
    def sub(m):
        var, default = m.group(1), m.group(3)
        v = os.environ.get(var, "")
        if v == "" and default is not None:
            return default
        if var not in os.environ:
            raise KeyError("metaxy.toml: ${%s} is not set" % var)
        return v
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}", sub, value)


class Store:
    def __init__(self, name, settings):
        cfg = settings.get("config", {})
        self.name = name
        self.sqlalchemy_url = _expand(cfg.get("connection_string", ""))
        self._table_prefix = cfg.get("table_prefix", "")

    def get_table_name(self, key):
        return self._table_prefix + key.replace("/", "__").replace("-", "_")


class MetaxyConfig:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.raw = tomllib.load(f)
        self.project = self.raw.get("project")
        self.store = self.raw.get("store", "dev")
        self.ext = self.raw.get("ext", {})

    def get_store(self, name=None):
        name = name or self.store
        return Store(name, self.raw["stores"][name])

    @classmethod
    def get(cls, load=False):
        return init() if _config is None else _config


def init(config_path=None):
    """Reads metaxy.toml (from METAXY_CONFIG or the working directory) and
    imports the modules named by `entrypoints`, which declare the features."""
    global _config
    path = config_path or os.environ.get("METAXY_CONFIG", "metaxy.toml")
    _config = MetaxyConfig(path)
    for module in _config.raw.get("entrypoints", []):
        importlib.import_module(module)
    return _config


def graph():
    return dict(_graph)
