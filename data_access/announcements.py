"""The `bcc:actions` entries that tell the citizen apps about every operator action, never lost.

Each action's `status_changes` row is written with `announce_pending = true` in the action's own
transaction: that row is the outbox. Right after the commit the entry is sent and the flag cleared;
if Redis is down at that moment the row stays pending and the ingest worker sends it once Redis is
back (`deliver_pending`). A crash between the XADD and clearing the flag sends an entry twice, with
the same `event_id`, which is the consumers' idempotency key.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import redis
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from data_access.models import StatusChange
from data_access.streams import StreamKeys

log = logging.getLogger(__name__)

# The web process sends its own entries right after commit; the worker only takes rows older than
# this, so the two rarely send the same entry.
GRACE = timedelta(seconds=10)
BATCH = 500


def action_fields(change: StatusChange) -> dict[str, str]:
    """One `bcc:actions` entry, built from the audit row alone (see docs/streams.md)."""
    return {
        "event_id": f"{change.item_kind}-{change.item_id}-{change.action}-{change.id}",
        "item_kind": change.item_kind,
        "item_id": str(change.item_id),
        "action": change.to_status if change.action == "status" else change.action,
        "actor": change.actor,
        "at": change.at.isoformat(),
        "from_status": change.from_status or "",
        "to_status": change.to_status,
        "agency_code": change.agency_code or "",
        "note": change.note or "",
    }


def send(Session: sessionmaker[Session], client: redis.Redis, keys: StreamKeys, change_ids: list[int]) -> int:
    """XADD the entries of these changes and clear their flag; returns how many were sent.

    Raises redis.RedisError when Redis is down: the rows stay pending for `deliver_pending`.
    """
    if not change_ids:
        return 0
    with Session() as session:
        changes = session.scalars(
            select(StatusChange).where(StatusChange.id.in_(change_ids), StatusChange.announce_pending).order_by(StatusChange.id)
        ).all()
        if not changes:
            return 0
        pipe = client.pipeline(transaction=False)
        for change in changes:
            pipe.xadd(keys.actions, action_fields(change))
        pipe.execute()
        sent = [c.id for c in changes]
        session.execute(update(StatusChange).where(StatusChange.id.in_(sent)).values(announce_pending=False))
        session.commit()
    return len(sent)


def deliver_pending(Session: sessionmaker[Session], client: redis.Redis, keys: StreamKeys, *, now: datetime) -> int:
    """Send what an earlier Redis outage held back, oldest first; returns how many were sent."""
    total = 0
    while True:
        with Session() as session:
            ids = list(
                session.scalars(
                    select(StatusChange.id)
                    .where(StatusChange.announce_pending, StatusChange.at < now - GRACE)
                    .order_by(StatusChange.id)
                    .limit(BATCH)
                )
            )
        if not ids:
            return total
        sent = send(Session, client, keys, ids)
        total += sent
        if sent:
            log.info("sent %d held-back bcc:actions entries", sent)
        if len(ids) < BATCH or not sent:
            return total
