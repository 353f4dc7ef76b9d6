"""Retention: vehicle_positions partitioned by month (PostgreSQL), reporter NIK may be erased, retention audit

PostgreSQL: `vehicle_positions` becomes a table partitioned by month of `recorded_at` (declarative
partitioning; data_access/position_partitions.py), so old months are detached and dropped instead
of deleted row by row. A partitioned table's unique constraints must include the partition key:
the primary key becomes (id, recorded_at) and event_id is unique per (event_id, recorded_at). A
re-delivered fix carries the same recorded_at, so ingest stays idempotent (ON CONFLICT DO NOTHING).
Existing rows are copied into the new table (this takes a while on a big table: run it in a quiet
hour). Partitions are created for every month that has rows and for the next months ahead.
SQLite keeps its single table (retention deletes there in small batches).

Both: `reporter_nik` of complaints and emergencies may be NULL (erased after the personal-data
period, UU No. 27/2022); `retention_runs` records each retention run (the audit of erasures);
`thinned_position_days` records which days of position history were already thinned.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import data_access.types
from data_access import position_partitions as pp

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MONTHS_AHEAD = 2
_COLUMNS = "id, event_id, vehicle_id, route_id, recorded_at, received_at, lat, lon, speed_kmh, bearing_deg, outside_city"


def upgrade() -> None:
    with op.batch_alter_table("complaints") as batch_op:
        batch_op.alter_column("reporter_nik", existing_type=sa.String(16), nullable=True)
    with op.batch_alter_table("emergencies") as batch_op:
        batch_op.alter_column("reporter_nik", existing_type=sa.String(16), nullable=True)
    op.create_table(
        "retention_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("started_at", data_access.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", data_access.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("complaints_erased", sa.Integer(), nullable=False),
        sa.Column("emergencies_erased", sa.Integer(), nullable=False),
        sa.Column("positions_thinned", sa.Integer(), nullable=False),
        sa.Column("positions_dropped", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "thinned_position_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rows_before", sa.Integer(), nullable=False),
        sa.Column("rows_after", sa.Integer(), nullable=False),
        sa.Column("thinned_at", data_access.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    if op.get_bind().dialect.name == "postgresql":
        _partition_positions()


def _partition_positions() -> None:
    conn = op.get_bind()
    old = "vehicle_positions_unpartitioned"
    conn.exec_driver_sql(f"ALTER TABLE vehicle_positions RENAME TO {old}")
    conn.exec_driver_sql(f"ALTER TABLE {old} RENAME CONSTRAINT vehicle_positions_pkey TO {old}_pkey")
    conn.exec_driver_sql(f"ALTER TABLE {old} RENAME CONSTRAINT vehicle_positions_event_id_key TO {old}_event_id_key")
    conn.exec_driver_sql(f"ALTER INDEX ix_vehicle_positions_vehicle_time RENAME TO ix_{old}_vehicle_time")
    conn.exec_driver_sql("ALTER SEQUENCE vehicle_positions_id_seq OWNED BY NONE")
    conn.exec_driver_sql(
        """
        CREATE TABLE vehicle_positions (
            id bigint NOT NULL DEFAULT nextval('vehicle_positions_id_seq'),
            event_id varchar(100) NOT NULL,
            vehicle_id varchar(64) NOT NULL,
            route_id varchar(64),
            recorded_at timestamptz NOT NULL,
            received_at timestamptz NOT NULL,
            lat double precision NOT NULL,
            lon double precision NOT NULL,
            speed_kmh double precision,
            bearing_deg double precision,
            outside_city boolean NOT NULL,
            CONSTRAINT vehicle_positions_pkey PRIMARY KEY (id, recorded_at),
            CONSTRAINT vehicle_positions_event_id_recorded_at_key UNIQUE (event_id, recorded_at)
        ) PARTITION BY RANGE (recorded_at)
        """
    )
    conn.exec_driver_sql("CREATE INDEX ix_vehicle_positions_vehicle_time ON vehicle_positions (vehicle_id, recorded_at)")
    conn.exec_driver_sql("ALTER SEQUENCE vehicle_positions_id_seq AS bigint OWNED BY vehicle_positions.id")
    pp.ensure_default_partition(conn)
    now = datetime.now(UTC)
    months = [
        m.date()
        for m in conn.exec_driver_sql(
            f"SELECT DISTINCT date_trunc('month', recorded_at AT TIME ZONE 'UTC') FROM {old}"
            " WHERE recorded_at >= '2000-01-01' AND recorded_at < now() + interval '1 year'"
        ).scalars()
    ]
    current = pp.month_of(now)
    last = current
    for _ in range(MONTHS_AHEAD):
        last = pp.next_month(last)
    for month in months:
        pp.create_month_partition(conn, month)
    pp.ensure_months(conn, current, last)
    conn.exec_driver_sql(f"INSERT INTO vehicle_positions ({_COLUMNS}) SELECT {_COLUMNS} FROM {old}")
    conn.exec_driver_sql(f"DROP TABLE {old}")


def _unpartition_positions() -> None:
    conn = op.get_bind()
    conn.exec_driver_sql("ALTER TABLE vehicle_positions RENAME TO vehicle_positions_partitioned")
    conn.exec_driver_sql("ALTER TABLE vehicle_positions_partitioned RENAME CONSTRAINT vehicle_positions_pkey TO vpp_pkey")
    conn.exec_driver_sql("ALTER INDEX ix_vehicle_positions_vehicle_time RENAME TO ix_vpp_vehicle_time")
    conn.exec_driver_sql("ALTER SEQUENCE vehicle_positions_id_seq OWNED BY NONE")
    conn.exec_driver_sql(
        """
        CREATE TABLE vehicle_positions (
            id integer NOT NULL DEFAULT nextval('vehicle_positions_id_seq'),
            event_id varchar(100) NOT NULL,
            vehicle_id varchar(64) NOT NULL,
            route_id varchar(64),
            recorded_at timestamptz NOT NULL,
            received_at timestamptz NOT NULL,
            lat double precision NOT NULL,
            lon double precision NOT NULL,
            speed_kmh double precision,
            bearing_deg double precision,
            outside_city boolean NOT NULL,
            CONSTRAINT vehicle_positions_pkey PRIMARY KEY (id),
            CONSTRAINT vehicle_positions_event_id_key UNIQUE (event_id)
        )
        """
    )
    conn.exec_driver_sql(
        f"INSERT INTO vehicle_positions ({_COLUMNS}) SELECT DISTINCT ON (event_id) {_COLUMNS}"
        " FROM vehicle_positions_partitioned ORDER BY event_id, recorded_at"
    )
    conn.exec_driver_sql("CREATE INDEX ix_vehicle_positions_vehicle_time ON vehicle_positions (vehicle_id, recorded_at)")
    conn.exec_driver_sql("DROP TABLE vehicle_positions_partitioned")  # drops its partitions too
    conn.exec_driver_sql("ALTER SEQUENCE vehicle_positions_id_seq AS integer OWNED BY vehicle_positions.id")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _unpartition_positions()
    op.drop_table("thinned_position_days")
    op.drop_table("retention_runs")
    for table in ("complaints", "emergencies"):
        op.execute(sa.text(f"UPDATE {table} SET reporter_nik = '' WHERE reporter_nik IS NULL"))
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("reporter_nik", existing_type=sa.String(16), nullable=False)

