"""One settings object for the web app, the worker and the CLI.

Read from environment variables (and a `.env` file when present) only when `load_settings()` is
called, never at import, so tests and tools can build their own `Settings` directly.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent
DEFAULT_SQLITE_PATH = PROJECT_DIR / "var" / "bcc.sqlite3"


def _default_consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass(frozen=True)
class Settings:
    """Every knob the command center has; see `.env.example` for what each one means."""

    redis_url: str = "redis://127.0.0.1:6379/0"
    database_url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    stream_prefix: str = "bcc:"
    secret_key: str = "dev-only-not-secret"
    timezone: str = "Asia/Jakarta"
    production: bool = False
    # ingest worker
    consumer_group: str = "bcc-ingest"
    consumer_name: str = field(default_factory=_default_consumer_name)
    batch_size: int = 500
    block_ms: int = 1000
    claim_idle_ms: int = 30_000
    claim_every_s: float = 10.0
    retry_max_s: float = 10.0
    # read, validate and enrich the next batch in a child process while this one is written (ingest/reader_process.py)
    reader_process: bool = True
    # SLA watchdog (a thread in each worker): seconds between rounds; 0 turns it off
    watchdog_every_s: float = 30.0
    # working-day deadlines: count the collective-leave days (cuti bersama) as working days (default: closed)
    cuti_bersama_working: bool = False
    # stream retention (data_access/stream_retention.py): seconds between trims by the worker (0: off),
    # and how many days the dead-letter stream and bcc:actions keep their entries
    stream_trim_every_s: float = 60.0
    deadletter_keep_days: float = 30.0
    actions_keep_days: float = 30.0
    # map
    tile_url: str = ""
    # demo accounts' passwords (create-demo-users; mode 0600; never in production)
    demo_accounts_file: str = str(PROJECT_DIR / "var" / "demo-accounts.txt")
    # wall screens: read-only kiosk token (URL ?token=… or cookie); no token, no data
    wall_token: str = "dinding-demo"
    # sign-in (docs/security.md): throttles on POST /masuk (Flask-Limiter notation, kept in Redis),
    # lockout after this many wrong passwords in a row (0: never), idle timeout of signed-in
    # sessions in minutes (0: none; wall kiosks have no session), days the sign-in audit is kept
    sign_in_limit_account: str = "5/minute"
    sign_in_limit_address: str = "20/minute"
    sign_in_lock_after: int = 10
    idle_timeout_min: float = 30.0
    sign_in_keep_days: int = 180
    # live push: relays elect a leader through a Redis lock of this TTL; the leader's heartbeat to every screen
    relay_lock_ttl_s: float = 3.0
    live_heartbeat_s: float = 2.0
    # /metrics: when set, a scrape must send `Authorization: Bearer <token>`; empty, /metrics is open
    metrics_token: str = ""
    # retention (data_access/retention.py, docs/operations.md): every GPS fix for this many days, then thinned
    retention_detail_days: int = 30
    # position history older than this is dropped (PostgreSQL: whole months, once the month is past it)
    retention_keep_days: int = 365
    # reporter NIK, name, phone (and panic device id) of items closed longer ago are erased (UU No. 27/2022)
    personal_data_keep_days: int = 365
    # hour of the day (BCC_TIMEZONE) from which one worker runs `retention run` once a day; -1 = never
    retention_hour: int = 2
    # rows per transaction when thinning, deleting or erasing (keeps each lock short)
    retention_batch_rows: int = 5000
    # PostgreSQL: month partitions of vehicle_positions created this many months ahead
    retention_partitions_ahead: int = 2

    def with_overrides(self, **changes) -> Settings:
        return replace(self, **changes)

    def stream_key(self, name: str) -> str:
        """Full Redis key for a stream or helper key, e.g. `complaints` -> `bcc:complaints`."""
        return f"{self.stream_prefix}{name}"


def _flag(value: str) -> bool:
    text = value.strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected 1/0, true/false, yes/no or on/off")


def _rate_limit(value: str) -> str:
    """A Flask-Limiter rate such as `5/minute` or `5 per minute;100/day`, checked when read."""
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError as exc:
        raise ValueError("expected a rate such as 5/minute") from exc
    return value


_ENV_MAP = {
    "REDIS_URL": ("redis_url", str),
    "DATABASE_URL": ("database_url", str),
    "STREAM_PREFIX": ("stream_prefix", str),
    "SECRET_KEY": ("secret_key", str),
    "BCC_TIMEZONE": ("timezone", str),
    "BCC_PRODUCTION": ("production", _flag),
    "INGEST_GROUP": ("consumer_group", str),
    "INGEST_CONSUMER": ("consumer_name", str),
    "INGEST_BATCH_SIZE": ("batch_size", int),
    "INGEST_BLOCK_MS": ("block_ms", int),
    "INGEST_CLAIM_IDLE_MS": ("claim_idle_ms", int),
    "INGEST_CLAIM_EVERY_S": ("claim_every_s", float),
    "INGEST_RETRY_MAX_S": ("retry_max_s", float),
    "INGEST_READER_PROCESS": ("reader_process", _flag),
    "SLA_WATCHDOG_EVERY_S": ("watchdog_every_s", float),
    "CUTI_BERSAMA_WORKING": ("cuti_bersama_working", _flag),
    "STREAM_TRIM_EVERY_S": ("stream_trim_every_s", float),
    "DEADLETTER_KEEP_DAYS": ("deadletter_keep_days", float),
    "ACTIONS_KEEP_DAYS": ("actions_keep_days", float),
    "MAP_TILE_URL": ("tile_url", str),
    "WALL_TOKEN": ("wall_token", str),
    "BCC_SIGN_IN_LIMIT_ACCOUNT": ("sign_in_limit_account", _rate_limit),
    "BCC_SIGN_IN_LIMIT_ADDRESS": ("sign_in_limit_address", _rate_limit),
    "BCC_SIGN_IN_LOCK_AFTER": ("sign_in_lock_after", int),
    "BCC_IDLE_TIMEOUT_MIN": ("idle_timeout_min", float),
    "BCC_SIGN_IN_KEEP_DAYS": ("sign_in_keep_days", int),
    "LIVE_RELAY_LOCK_TTL_S": ("relay_lock_ttl_s", float),
    "LIVE_HEARTBEAT_S": ("live_heartbeat_s", float),
    "METRICS_TOKEN": ("metrics_token", str),
    "RETENTION_DETAIL_DAYS": ("retention_detail_days", int),
    "RETENTION_KEEP_DAYS": ("retention_keep_days", int),
    "PERSONAL_DATA_KEEP_DAYS": ("personal_data_keep_days", int),
    "RETENTION_HOUR": ("retention_hour", int),
    "RETENTION_BATCH_ROWS": ("retention_batch_rows", int),
    "RETENTION_PARTITIONS_AHEAD": ("retention_partitions_ahead", int),
    "DEMO_ACCOUNTS_FILE": ("demo_accounts_file", str),
}


def load_settings(env: dict[str, str] | None = None, dotenv_path: Path | None = None) -> Settings:
    """Build settings from `env` (default: `.env` file, then the process environment on top)."""
    if env is None:
        from dotenv import dotenv_values

        path = dotenv_path or PROJECT_DIR / ".env"
        env = {**{k: v for k, v in dotenv_values(path).items() if v is not None}, **os.environ}
    values = {}
    for var, (attr, convert) in _ENV_MAP.items():
        raw = env.get(var)
        if raw not in (None, ""):
            try:
                values[attr] = convert(raw)
            except ValueError as exc:
                raise ValueError(f"{var}={raw!r} is not valid: {exc}") from exc
    settings = Settings(**values)
    if settings.production and settings.secret_key == Settings.secret_key:
        raise RuntimeError("BCC_PRODUCTION is set but SECRET_KEY is not: refusing to start")
    if settings.production and settings.wall_token == Settings.wall_token:
        raise RuntimeError("BCC_PRODUCTION is set but WALL_TOKEN is not: refusing to start with the demo token")
    if settings.retention_keep_days <= settings.retention_detail_days:
        raise ValueError(
            "RETENTION_KEEP_DAYS must be larger than RETENTION_DETAIL_DAYS (history is thinned before it is dropped)"
        )
    return settings
