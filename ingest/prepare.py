"""Preparing a batch for the writer: validation and enrichment, pure (no I/O).

The worker runs this in its child process (`ingest/reader_process.py`) while it writes the previous
batch, or itself whenever the child is not there; either way the result is the same `Prepared`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from domain.contract import ContractContext, Rejection, decode_fields, validate_entry
from domain.sla import CIVIL_SERVICE, WorkCalendar
from ingest.enrich import EnrichContext, Rows, build_rows

log = logging.getLogger("bcc.ingest")

# (stream name, stream entry id, raw fields or None when the entry was deleted before it was read)
RawEntry = tuple[str, str, "dict[bytes, bytes] | None"]
DELETED_REASON = "entry was deleted from the stream before it was processed"


@dataclass
class Prepared:
    """One batch, prepared. Indexes point into the raw entries the batch was prepared from."""

    good: list[int]  # valid entries, in stream order
    bad: list[tuple[int, str]]  # contract breaches and why
    rows: Rows | None  # None: enrichment failed; the writer rebuilds entry by entry to isolate it
    events: list[object] | None  # validated events of `good`; None when prepared in the child


def validate_batch(raw: list[RawEntry], contract: ContractContext) -> tuple[list[int], list[object], list[tuple[int, str]]]:
    """Split raw entries into valid events (index, event) and contract breaches (index, reason)."""
    good: list[int] = []
    events: list[object] = []
    bad: list[tuple[int, str]] = []
    for i, (stream, _entry_id, fields) in enumerate(raw):
        if fields is None:
            bad.append((i, DELETED_REASON))
            continue
        decoded = decode_fields(fields)
        if isinstance(decoded, Rejection):
            bad.append((i, decoded.reason))
            continue
        result = validate_entry(stream, decoded, contract)
        if isinstance(result, Rejection):
            bad.append((i, result.reason))
        else:
            good.append(i)
            events.append(result)
    return good, events, bad


def prepare_batch(raw: list[RawEntry], contract: ContractContext, enrich: EnrichContext, now: datetime) -> Prepared:
    """Validate and enrich one batch. An enrichment bug leaves `rows` None instead of raising."""
    good, events, bad = validate_batch(raw, contract)
    rows = None
    if good:
        try:
            rows = build_rows(((raw[i][0], raw[i][1], ev) for i, ev in zip(good, events, strict=True)), enrich, now)
        except Exception:  # noqa: BLE001 - the writer rebuilds entry by entry and dead-letters the culprit
            log.exception("enriching a batch failed; it is rebuilt entry by entry")
    return Prepared(good=good, bad=bad, rows=rows, events=events)


@dataclass(frozen=True)
class ChildContext:
    """Reference data the child needs, sent when it changes (the child builds its own area index)."""

    version: int
    contract: ContractContext
    posts: tuple
    policies: Mapping[str, object]
    kelurahan_centers: Mapping[str, tuple[float, float]]
    calendar: WorkCalendar = CIVIL_SERVICE
