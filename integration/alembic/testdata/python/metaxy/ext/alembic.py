"""Stand-in for metaxy.ext.alembic, the Alembic helpers earlier Metaxy
releases shipped (removed in November 2025, when metaxy.ext.sqlalchemy took
their place): one env.py for system and feature tables, in one MetaData, with
one version table (alembic_version). The same names and shapes:
get_metaxy_metadata() (the system tables, without a table prefix),
include_metaxy_tables(target_metadata) (adds them to the user's metadata),
get_user_features_metadata(project=None) (the project's feature tables, copied
into a MetaData of their own) and get_store_sqlalchemy_url(store_name=None).
"""

from sqlalchemy import MetaData

import metaxy
from metaxy.ext.sqlalchemy import get_system_slqa_metadata


class _Unprefixed:
    _table_prefix = ""
    sqlalchemy_url = None


def get_metaxy_metadata():
    return get_system_slqa_metadata(_Unprefixed())[1]


def include_metaxy_tables(target_metadata):
    for table in get_metaxy_metadata().tables.values():
        if table.name not in target_metadata.tables:
            table.to_metadata(target_metadata)
    return target_metadata


def get_user_features_metadata(project=None):
    project = project or metaxy.MetaxyConfig.get().project
    out = MetaData()
    for feature in metaxy.graph().values():
        if feature.project == project:
            feature.table.to_metadata(out)
    return out


def get_store_sqlalchemy_url(store_name=None):
    return metaxy.MetaxyConfig.get().get_store(store_name).sqlalchemy_url
