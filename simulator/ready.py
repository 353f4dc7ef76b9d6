"""`flask demo-ready` (the Procfile's `ready`): wait until the web app answers and a worker consumes,
then print one short block with the URLs and the demo accounts — the last thing `make run` shows."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from simulator.accounts import format_accounts, read_accounts


def web_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_for(check: Callable[[], bool], *, timeout_s: float, every_s: float = 0.5, stop=None) -> float | None:
    """Seconds until `check()` held, or None after `timeout_s` (or when `stop` is set)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if check():
            return time.monotonic() - started
        if stop is not None and stop.wait(every_s):
            return None
        if stop is None:
            time.sleep(every_s)
    return None


def ready_block(base_url: str, wall_token: str | None, *, production: bool, accounts_file: Path, lines: list[str] = ()) -> str:
    """The block: where to go and who to sign in as. `wall_token` None: not shown (a real token)."""
    wall = f"{base_url}/wall?token={wall_token}" if wall_token else f"{base_url}/wall?token=<WALL_TOKEN>"
    out = [
        "=" * 72,
        "Binjai Command Center is ready" + (f" ({'; '.join(lines)})" if lines else ""),
        f"  start page  {base_url}/",
        f"  wall        {wall}",
        f"  status      {base_url}/status",
        f"  sign in     {base_url}/masuk  (operator, agency, admin, report: links on the start page)",
    ]
    if not production:
        accounts = read_accounts(accounts_file)
        if accounts:
            out += ["Demo accounts (role, username, password):", *format_accounts(accounts)]
            out.append(f"  kept in {accounts_file} · new passwords: flask --app app create-demo-users --reset")
        else:
            out.append("No demo passwords on file: flask --app app create-demo-users --reset")
    out += ["Ctrl+C stops everything.", "=" * 72]
    return "\n".join(out)
