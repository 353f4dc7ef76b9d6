"""Headless Chromium flags that work on these machines (no network but the package registries)."""

from __future__ import annotations

import tempfile

CHROMIUM_BINARY = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)


def chromium_flags(width: int = 1920, height: int = 1080) -> list[str]:
    """The flags plus a window size and a fresh profile folder."""
    return [*CHROMIUM_FLAGS, f"--window-size={width},{height}", f"--user-data-dir={tempfile.mkdtemp(prefix='bcc-chromium-')}"]
