"""`flask create-demo-users [--reset]` through the real CLI on SQLite and PostgreSQL: passwords
printed, kept 0600 in DEMO_ACCOUNTS_FILE, renewed by --reset (old ones stop working), refused in
production; and the block `make run` ends with."""

from __future__ import annotations

import stat

import pytest

from app import create_app
from data_access.db import make_engine, make_session_factory
from data_access.users import DEMO_USERS, authenticate
from simulator.accounts import read_accounts
from simulator.ready import ready_block
from tests.integration.helpers import worker_settings


def _cli(settings, *args):
    result = create_app(settings).test_cli_runner().invoke(args=["create-demo-users", *args])
    return result


def _printed(output: str) -> dict[str, str]:
    rows = [line.split() for line in output.splitlines() if line.startswith("  ")]
    return {username: password for _role, username, password in rows}


def _signs_in(url: str, username: str, password: str) -> bool:
    with make_session_factory(make_engine(url)).begin() as s:
        return authenticate(s, username=username, password=password) is not None


@pytest.fixture
def settings(redis_server, migrated_url, stream_prefix, tmp_path):
    return worker_settings(redis_server.url, migrated_url, stream_prefix, demo_accounts_file=str(tmp_path / "var" / "demo.txt"))


def test_demo_accounts_are_printed_kept_and_renewed_by_reset(settings, migrated_url, tmp_path):
    first = _cli(settings)
    assert first.exit_code == 0, first.output
    printed = _printed(first.output)
    assert set(printed) == {u for u, *_ in DEMO_USERS}
    path = tmp_path / "var" / "demo.txt"
    assert str(path) in first.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert {u: p for u, _r, p in read_accounts(path)} == printed
    assert all(_signs_in(migrated_url, u, p) for u, p in printed.items())

    again = _cli(settings)  # `make run` a second time: nothing changes, it says where the passwords are
    assert again.exit_code == 0 and "already exist" in again.output and str(path) in again.output
    assert _printed(again.output) == {}

    path.chmod(0o644)  # whatever happened to the file meanwhile
    reset = _cli(settings, "--reset")
    assert reset.exit_code == 0, reset.output
    renewed = _printed(reset.output)
    assert set(renewed) == set(printed) and all(renewed[u] != printed[u] for u in printed)
    assert {u: p for u, _r, p in read_accounts(path)} == renewed
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert all(_signs_in(migrated_url, u, p) for u, p in renewed.items())
    assert not any(_signs_in(migrated_url, u, p) for u, p in printed.items())

    block = ready_block("http://127.0.0.1:8050", "dinding-demo", production=False, accounts_file=path)
    assert "http://127.0.0.1:8050/wall?token=dinding-demo" in block and str(path) in block
    assert all(p in block for p in renewed.values()) and len(block.splitlines()) <= 16


def test_demo_accounts_are_refused_in_production(settings, tmp_path):
    result = _cli(settings.with_overrides(production=True), "--reset")
    assert result.exit_code != 0 and "production mode" in result.output
    assert not (tmp_path / "var" / "demo.txt").exists()
    block = ready_block("https://bcc.binjaikota.go.id", None, production=True, accounts_file=tmp_path / "var" / "demo.txt")
    assert "password" not in block.lower() and "<WALL_TOKEN>" in block
