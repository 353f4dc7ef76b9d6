"""Per-process handles (engine, sessions, Redis) kept on the Flask app, built by the factory."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from data_access.db import make_engine, make_session_factory
from data_access.streams import StreamKeys
from settings import Settings

EXTENSION_KEY = "bcc"


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine
    Session: sessionmaker[Session]
    redis: redis.Redis
    keys: StreamKeys


def build_services(settings: Settings) -> Services:
    engine = make_engine(settings.database_url)
    return Services(
        settings=settings,
        engine=engine,
        Session=make_session_factory(engine),
        redis=redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2),
        keys=StreamKeys(settings.stream_prefix),
    )


def services() -> Services:
    """The services of the app handling the current request (callbacks, views, CLI)."""
    return current_app.extensions[EXTENSION_KEY]
