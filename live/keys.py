"""Redis key names of the live push and the health endpoints (all under the configurable prefix)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LiveKeys:
    prefix: str = "bcc:"

    @property
    def relay_lock(self) -> str:
        """The leader lock: only the relay holding it reads the change stream and emits."""
        return f"{self.prefix}live:relay:lock"

    @property
    def relay_state(self) -> str:
        """Hash `at` (epoch s), `leader`, `last` (last change-stream id relayed): for a successor and /readyz."""
        return f"{self.prefix}live:relay"

    @property
    def push_latency(self) -> str:
        """Hash of push latency counts per bucket (`bucket:<le>`), `count` and `sum` (seconds)."""
        return f"{self.prefix}live:push_latency"

    def screens(self, process: str) -> str:
        """Hash page kind → connected sockets of one web process, expiring when the process is gone."""
        return f"{self.prefix}live:screens:{process}"

    @property
    def screens_pattern(self) -> str:
        return f"{self.prefix}live:screens:*"

    @property
    def worker_heartbeat_pattern(self) -> str:
        """Written by each ingest worker: hash `at` (epoch s) and `state`, TTL ~60 s."""
        return f"{self.prefix}worker:*:heartbeat"
