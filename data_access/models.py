"""Tables of the system of record. docs/schema.md describes them for reporting tools."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from data_access.types import UTCDateTime


class Base(DeclarativeBase):
    pass


# --- reference data -------------------------------------------------------------------------


class Agency(Base):
    __tablename__ = "agencies"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Category(Base):
    __tablename__ = "categories"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    group: Mapped[str] = mapped_column("group_code", String(20))  # infrastruktur / pelayanan / lainnya
    name_id: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    default_agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    first_response_minutes: Mapped[int] = mapped_column(Integer, default=10)
    resolution_working_days: Mapped[int] = mapped_column(Integer, default=5)
    # SLA stages after the first response (issue 4): forwarding to an agency, the agency's follow-up.
    forward_minutes: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    followup_working_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Kecamatan(Base):
    __tablename__ = "kecamatan"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    area_ha: Mapped[float] = mapped_column(Float)


class Kelurahan(Base):
    __tablename__ = "kelurahan"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    kecamatan_code: Mapped[str] = mapped_column(ForeignKey("kecamatan.code"))
    area_ha: Mapped[float] = mapped_column(Float)
    center_lat: Mapped[float] = mapped_column(Float)  # a point inside the polygon
    center_lon: Mapped[float] = mapped_column(Float)


class ResponderPost(Base):
    """Police post, fire station, health post... maintained by admins (samples flagged)."""

    __tablename__ = "responder_posts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # polisi / damkar / kesehatan / bpbd
    agency_code: Mapped[str | None] = mapped_column(ForeignKey("agencies.code"), nullable=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class BusRoute(Base):
    __tablename__ = "bus_routes"
    route_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    color: Mapped[str] = mapped_column(String(16), default="#1f77b4")
    geometry: Mapped[dict] = mapped_column(JSON)  # GeoJSON LineString
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(Base):
    """A person who logs in. Passwords are stored as argon2id hashes only."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # operator / supervisor / agency / mayor / admin
    agency_code: Mapped[str | None] = mapped_column(ForeignKey("agencies.code"), nullable=True)  # for role agency
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # sign-in security (docs/security.md): consecutive wrong passwords, the lockout, and a counter
    # that every session cookie must match (raised at logout, so an old cookie is worthless)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


# --- live items -----------------------------------------------------------------------------


class Complaint(Base):
    __tablename__ = "complaints"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    stream_entry_id: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(20))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"), index=True)
    title: Mapped[str] = mapped_column(String(140))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    location_source: Mapped[str] = mapped_column(String(12))  # gps / kelurahan
    kelurahan_code: Mapped[str | None] = mapped_column(ForeignKey("kelurahan.code"), nullable=True, index=True)
    kecamatan_code: Mapped[str | None] = mapped_column(ForeignKey("kecamatan.code"), nullable=True)
    outside_city: Mapped[bool] = mapped_column(Boolean, default=False)
    reporter_nik: Mapped[str | None] = mapped_column(String(16), nullable=True)  # NULL once erased (retention)
    reporter_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reporter_phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    photo_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    extra: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # optional producer fields
    status: Mapped[str] = mapped_column(String(16), index=True, default="baru")
    suggested_agency_code: Mapped[str | None] = mapped_column(ForeignKey("agencies.code"), nullable=True)
    agency_code: Mapped[str | None] = mapped_column(ForeignKey("agencies.code"), nullable=True, index=True)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # tepat / segera / terlambat, kept current by the SLA watchdog so queues and reports can filter on it
    due_state: Mapped[str] = mapped_column(String(10), default="tepat", server_default="tepat")
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), nullable=True)
    first_response_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolution_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # first move away from `baru` (read, forwarded or rejected): what "time to first response" measures
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    in_progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reject_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (Index("ix_complaints_status_due", "status", "first_response_due_at"),)


class Emergency(Base):
    __tablename__ = "emergencies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    stream_entry_id: Mapped[str] = mapped_column(String(40))
    pressed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(20))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    kelurahan_code: Mapped[str | None] = mapped_column(ForeignKey("kelurahan.code"), nullable=True)
    kecamatan_code: Mapped[str | None] = mapped_column(ForeignKey("kecamatan.code"), nullable=True)
    outside_city: Mapped[bool] = mapped_column(Boolean, default=False)
    reporter_nik: Mapped[str | None] = mapped_column(String(16), index=True, nullable=True)  # NULL once erased
    reporter_phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    device_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    extra: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="baru")
    nearest_post_id: Mapped[int | None] = mapped_column(ForeignKey("responder_posts.id"), nullable=True)
    nearest_post_distance_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    dispatched_post_id: Mapped[int | None] = mapped_column(ForeignKey("responder_posts.id"), nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    on_scene_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    false_alarm_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Vehicle(Base):
    """A Trans Binjai bus and its latest fix (never moved backwards by a late fix)."""

    __tablename__ = "vehicles"
    vehicle_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    route_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_lat: Mapped[float] = mapped_column(Float)
    last_lon: Mapped[float] = mapped_column(Float)
    last_speed_kmh: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_bearing_deg: Mapped[float | None] = mapped_column(Float, nullable=True)
    outside_city: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class VehiclePosition(Base):
    """Every fix, late ones included, for track history (thinned and dropped by data_access/retention.py).

    On PostgreSQL the table is partitioned by month of recorded_at (migration 0007): there the
    primary key is (id, recorded_at) and event_id is unique together with recorded_at.
    """

    __tablename__ = "vehicle_positions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(100), unique=True)
    vehicle_id: Mapped[str] = mapped_column(String(64))
    route_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    speed_kmh: Mapped[float | None] = mapped_column(Float, nullable=True)
    bearing_deg: Mapped[float | None] = mapped_column(Float, nullable=True)
    outside_city: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_vehicle_positions_vehicle_time", "vehicle_id", "recorded_at"),)


class StatusChange(Base):
    """Every status change of every item: the audit trail and the source of response times."""

    __tablename__ = "status_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_kind: Mapped[str] = mapped_column(String(12))  # complaint / emergency
    item_id: Mapped[int] = mapped_column(Integer)
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    agency_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    escalation_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # status (a lifecycle move), note, escalate, merge: every recorded action, not only moves
    action: Mapped[str] = mapped_column(String(16), default="status", server_default="status")
    # True until the `bcc:actions` entry for this change is in Redis: the outbox that survives a Redis outage.
    announce_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (
        Index("ix_status_changes_item", "item_kind", "item_id", "at"),
        Index(
            "ix_status_changes_announce_pending",
            "id",
            postgresql_where=text("announce_pending"),
            sqlite_where=text("announce_pending"),
        ),
    )


class PersonalDataView(Base):
    """Who revealed a reporter's name, phone or NIK, and when: the reveal click is itself audited."""

    __tablename__ = "personal_data_views"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    item_kind: Mapped[str] = mapped_column(String(12))
    item_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_personal_data_views_item", "item_kind", "item_id"),)


class AdminChange(Base):
    """Who changed which reference row or account, when, and how (old → new; never a password)."""

    __tablename__ = "admin_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(String(20))  # user / agency / category / post
    entity_key: Mapped[str] = mapped_column(String(64))  # username, code or post code
    action: Mapped[str] = mapped_column(String(20))  # create / update / deactivate / reset_password
    changes: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # {field: [old, new]}

    __table_args__ = (Index("ix_admin_changes_entity", "entity", "entity_key", "at"),)


class SignInAttempt(Base):
    """Every sign-in try: when, the username as typed (cut to 64), from where, and how it ended."""

    __tablename__ = "sign_in_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    username: Mapped[str] = mapped_column(String(64))
    client_address: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(10))  # ok / wrong / locked / throttled

    __table_args__ = (Index("ix_sign_in_attempts_at", "at"),)


class RetentionRun(Base):
    """One run of `retention run` (daily in the worker): what was thinned, dropped and erased; the audit of erasures."""

    __tablename__ = "retention_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100))  # sistem:retensi
    complaints_erased: Mapped[int] = mapped_column(Integer)
    emergencies_erased: Mapped[int] = mapped_column(Integer)
    positions_thinned: Mapped[int] = mapped_column(Integer)
    positions_dropped: Mapped[int] = mapped_column(Integer)
    details: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # policy in force, partitions, days


class ThinnedPositionDay(Base):
    """A (WIB) day of position history already thinned: thinning runs once per day of history."""

    __tablename__ = "thinned_position_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    rows_before: Mapped[int] = mapped_column(Integer)
    rows_after: Mapped[int] = mapped_column(Integer)
    thinned_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClosedDay(Base):
    """A day government offices are closed besides holidays and cuti bersama (a local holiday, a
    disaster), set by an administrator: working-day deadlines skip it (domain/sla.py)."""

    __tablename__ = "closed_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    reason: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
