"""The readings and rollups tables, shaped for volume on each database.

SQLite: WITHOUT ROWID tables clustered on their primary key, so a row is
stored once (no separate rowid B-tree plus index) and a range query on one
channel reads neighbouring pages. PostgreSQL: a primary-key B-tree for the
upserts and range queries, plus a BRIN index on time for retention deletes.
"""

from django.db import migrations

SQLITE = [
    """CREATE TABLE telemetry_reading (
        channel_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL,
        PRIMARY KEY (channel_id, ts)) WITHOUT ROWID""",
    """CREATE TABLE telemetry_rollup (
        channel_id INTEGER NOT NULL, resolution INTEGER NOT NULL, bucket INTEGER NOT NULL,
        min REAL NOT NULL, max REAL NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (channel_id, resolution, bucket)) WITHOUT ROWID""",
]
POSTGRESQL = [
    """CREATE TABLE telemetry_reading (
        channel_id bigint NOT NULL, ts bigint NOT NULL, value double precision NOT NULL,
        CONSTRAINT telemetry_reading_pk PRIMARY KEY (channel_id, ts))""",
    "CREATE INDEX telemetry_reading_ts_brin ON telemetry_reading USING brin (ts)",
    """CREATE TABLE telemetry_rollup (
        channel_id bigint NOT NULL, resolution integer NOT NULL, bucket bigint NOT NULL,
        min double precision NOT NULL, max double precision NOT NULL,
        sum double precision NOT NULL, count integer NOT NULL,
        CONSTRAINT telemetry_rollup_pk PRIMARY KEY (channel_id, resolution, bucket))""",
    "CREATE INDEX telemetry_rollup_bucket_brin ON telemetry_rollup USING brin (bucket)",
]
DROP = ["DROP TABLE telemetry_rollup", "DROP TABLE telemetry_reading"]


def create(apps, schema_editor):
    statements = SQLITE if schema_editor.connection.vendor == "sqlite" else POSTGRESQL
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("telemetry", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
