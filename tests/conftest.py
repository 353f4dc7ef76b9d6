"""Shared fixtures: a throwaway Redis, and a migrated database on SQLite and on PostgreSQL.

Each test gets its own stream prefix, so tests never see each other's streams, and nothing here
touches a Redis or a database it did not create.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from devtools.browser import CHROMIUM_BINARY, chromium_flags
from devtools.servers import DEFAULT_PG_URL, RedisServer, postgres_available, prepare_database, temporary_postgres_database

PG_URL = os.environ.get("TEST_POSTGRES_URL", DEFAULT_PG_URL)
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Debian's chromium for dash[testing]; chromedriver is found on PATH.
os.environ.setdefault("DASH_TEST_CHROMEPATH", CHROMIUM_BINARY)


def pytest_setup_options():
    """Chromium flags for a headless machine with no network but the registries (see env docs)."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in chromium_flags():
        options.add_argument(flag)
    return options


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def stream_prefix():
    return f"t{uuid.uuid4().hex[:10]}:"


@pytest.fixture(scope="session")
def pg_unavailable_reason():
    return postgres_available(PG_URL)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path, pg_unavailable_reason):
    """An empty database of each kind; PostgreSQL skips with its reason when it does not answer."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bcc.sqlite3'}"
        return
    if pg_unavailable_reason:
        pytest.skip(pg_unavailable_reason)
    with temporary_postgres_database(PG_URL) as url:
        yield url


@pytest.fixture
def migrated_url(database_url):
    """The database with the schema, reference data and sample posts/routes."""
    return prepare_database(database_url)
