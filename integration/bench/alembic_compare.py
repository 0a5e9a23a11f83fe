"""Alembic's autogenerate comparison on the bench's PostgreSQL database.

Run by integration/bench with Debian's python3-alembic (SQLAlchemy,
psycopg2): declares the bench's N feature tables as Metaxy's SQLAlchemy
integration declares them (the first EXTRA with one more column), runs
alembic.autogenerate.compare_metadata against the database, and prints the
seconds compare_metadata took and the number of differences it found.

usage: python3 alembic_compare.py URL N EXTRA
"""
import sys
import time

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

url, n, extra = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
url = url.replace("postgresql://", "postgresql+psycopg2://", 1)
kinds = [sa.String, sa.BigInteger, sa.Float, sa.Boolean, lambda: sa.DateTime(timezone=True), JSONB, sa.Date]
tz = lambda: sa.DateTime(timezone=True)

md = sa.MetaData()
for i in range(n):
    name = "bench__feature_%05d" % i
    cols = [sa.Column("sample_id", sa.String, nullable=False)]
    cols += [sa.Column("col_%02d" % c, kinds[c % len(kinds)](), nullable=True) for c in range(14)]
    if i < extra:
        cols.append(sa.Column("added_col", sa.String, nullable=True))
    cols += [
        sa.Column("metaxy_provenance", sa.String, nullable=False),
        sa.Column("metaxy_provenance_by_field", JSONB, nullable=False),
        sa.Column("metaxy_feature_version", sa.String, nullable=False),
        sa.Column("metaxy_project_version", sa.String, nullable=False),
        sa.Column("metaxy_data_version", sa.String, nullable=False),
        sa.Column("metaxy_data_version_by_field", JSONB, nullable=False),
        sa.Column("metaxy_created_at", tz(), nullable=False),
        sa.Column("metaxy_updated_at", tz(), nullable=False),
        sa.Column("metaxy_materialization_id", sa.String, nullable=True),
        sa.Column("metaxy_deleted_at", tz(), nullable=True),
    ]
    key = ("sample_id", "metaxy_created_at", "metaxy_data_version")
    sa.Table(name, md, *cols, sa.PrimaryKeyConstraint(*key), sa.Index("ix_bench_%05d" % i, *key))

engine = sa.create_engine(url)
with engine.connect() as conn:
    start = time.perf_counter()
    diffs = compare_metadata(MigrationContext.configure(conn), md)
    took = time.perf_counter() - start
print("%.3f %d" % (took, len(diffs)))
