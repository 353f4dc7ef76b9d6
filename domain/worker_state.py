"""What an ingest worker reports about itself, and when it may consume (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

# Without these the contract check refuses every complaint ("category: unknown code …") and
# routing has no agency: a worker consuming then would dead-letter good traffic.
REFERENCE_TABLES = ("categories", "kelurahan", "agencies")


class WorkerState(StrEnum):
    READY = "ready"  # consuming
    WAITING_REFERENCE_DATA = "waiting_reference_data"  # database up, reference data not loaded yet
    DB_DOWN = "db_down"  # the database does not answer (or is not migrated)


def missing_reference_data(counts: Mapping[str, int]) -> tuple[str, ...]:
    """Reference tables that are empty (or not counted), in a fixed order."""
    return tuple(name for name in REFERENCE_TABLES if counts.get(name, 0) <= 0)
