"""The demo accounts' passwords, kept where a newcomer finds them again (DEMO_ACCOUNTS_FILE,
by default var/demo-accounts.txt).

Only for the demo (create-demo-users refuses in production); readable by the file's owner only
(mode 0600), and var/ is not in git.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from domain.sla import WIB
from settings import PROJECT_DIR

HEADER = "# Binjai Command Center: demo accounts (never in production). New passwords: flask --app app create-demo-users --reset"


def accounts_path(setting: str) -> Path:
    """DEMO_ACCOUNTS_FILE as a path; a relative one is taken from the project directory, not the cwd."""
    path = Path(setting)
    return path if path.is_absolute() else PROJECT_DIR / path


def write_accounts(accounts: list[tuple[str, str, str]], *, now: datetime, path: Path) -> Path:
    """(username, role, password) rows; replaces the file, created 0600 before anything is written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [HEADER, f"# written {now.astimezone(WIB):%d-%m-%Y %H:%M} WIB", *format_accounts(accounts)]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # also when the file was there with looser rights
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path


def format_accounts(accounts: list[tuple[str, str, str]]) -> list[str]:
    return [f"  {role:10} {username:12} {password}" for username, role, password in accounts]


def read_accounts(path: Path) -> list[tuple[str, str, str]]:
    """The rows written last; [] when there is no file (accounts made before it existed: --reset)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    rows = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and not line.startswith("#"):
            role, username, password = parts
            rows.append((username, role, password))
    return rows
