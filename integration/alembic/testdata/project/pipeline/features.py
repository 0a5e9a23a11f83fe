"""The project's feature tables, declared the way Metaxy's SQLModel integration
builds them: user columns from the feature models as SQLModel maps them (str
-> AutoString, a String; int -> Integer, or BigInteger with sa_type; float ->
Float; bool -> Boolean; dict/list -> JSON; AwareDatetime ->
DateTime(timezone=True); datetime -> DateTime), plus Metaxy's system
columns, in one MetaData with the naming convention Alembic's docs recommend.
metaxy.toml names this module in `entrypoints`; Alembic's env.py imports
`metadata` from it."""

import sqlalchemy as sa

from metaxy import FeatureSpec, feature_table

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "pk": "pk_%(table_name)s",
})

videos = feature_table(
    metadata, FeatureSpec(key="media/videos", id_columns=["video_id"]),
    sa.Column("video_id", sa.String, nullable=False),
    sa.Column("path", sa.String, nullable=False),
    sa.Column("duration_s", sa.Float, nullable=True),
    sa.Column("fps", sa.Integer, nullable=True),
    sa.Column("is_public", sa.Boolean, nullable=False),
    sa.Column("labels", sa.JSON, nullable=True),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ingested_at", sa.DateTime(), nullable=True),
    class_path="pipeline.features.Videos",
)

frames = feature_table(
    metadata, FeatureSpec(key="media/video-frames", id_columns=["video_id", "frame_idx"]),
    sa.Column("video_id", sa.String, nullable=False),
    sa.Column("frame_idx", sa.BigInteger, nullable=False),
    sa.Column("caption", sa.String, nullable=True),
    sa.Column("embedding", sa.JSON, nullable=False),
    class_path="pipeline.features.VideoFrames",
)
