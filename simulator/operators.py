"""Demo operators and agencies (`simulate --act`): they answer items so that a demo wall shows
response times, agency rankings and emergencies being handled. Every actor is named `demo:…`.

Speeds differ per agency on purpose (some answer within minutes, some take hours), and some items
are left waiting, so the wall shows both good and bad practice. Not used outside the demo.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from data_access.actions import ActionRefused, ActionRequest, Actor, run_action
from data_access.models import Complaint, Emergency
from data_access.streams import StreamKeys

log = logging.getLogger("bcc.sim.operators")

# Typical minutes an agency takes to start work after an item is forwarded (demo only).
AGENCY_MINUTES = {"DLH": 4, "DISHUB": 8, "PDAM": 15, "DPUPR": 45, "DISDUKCAPIL": 25, "DINKES": 12, "SATPOLPP": 6, "BPBD": 3}
DEFAULT_AGENCY_MINUTES = 30
OPERATOR_READ_MINUTES = (0.5, 14.0)  # the room reads most reports within the 10-minute target, not all
OPERATOR = Actor("demo:operator", "operator")
FIELD = Actor("demo:petugas", "operator")  # the room records what the unit in the field reports


class DemoOperators:
    def __init__(self, Session: sessionmaker[Session], client: redis.Redis, keys: StreamKeys, seed: int = 1):
        self.Session = Session
        self.client = client
        self.keys = keys
        self.rng = random.Random(seed)
        self.plans: dict[tuple[str, int], datetime] = {}  # next action time per item

    def _due(self, key: tuple[str, int], now: datetime, minutes: float) -> bool:
        if key not in self.plans:
            self.plans[key] = now + timedelta(minutes=self.rng.uniform(0.3, 1.7) * minutes)
        if now >= self.plans[key]:
            del self.plans[key]
            return True
        return False

    def _act(self, now: datetime, actor: Actor, action: str, kind: str, item_id: int, **fields) -> None:
        """Through the same gate as a real user (data_access.actions), with a demo actor's role."""
        try:
            run_action(self.Session, self.client, self.keys, actor, ActionRequest(action, kind, item_id, **fields), now=now)
        except ActionRefused as exc:  # a real operator got there first: fine
            log.info("demo action skipped: %s", exc)

    def step(self, now: datetime) -> None:
        with self.Session() as s:
            complaints = s.execute(
                select(Complaint.id, Complaint.status, Complaint.suggested_agency_code, Complaint.agency_code).where(
                    Complaint.status.in_(["baru", "dibaca", "diteruskan", "dikerjakan"])
                )
            ).all()
            emergencies = s.execute(
                select(Emergency.id, Emergency.status).where(Emergency.status.in_(["baru", "diterima", "dikirim", "di_lokasi"]))
            ).all()
        for cid, status, suggested, agency in complaints:
            key = ("c", cid)
            staff = Actor(f"demo:{agency}", "agency", agency)
            if status == "baru" and self._due(key, now, self.rng.uniform(*OPERATOR_READ_MINUTES)):
                self._act(now, OPERATOR, "mark_read", "complaint", cid)
            elif status == "dibaca" and self._due(key, now, 2):
                self._act(now, OPERATOR, "assign", "complaint", cid, agency_code=suggested)
            elif status == "diteruskan" and self._due(key, now, AGENCY_MINUTES.get(agency, DEFAULT_AGENCY_MINUTES)):
                self._act(now, staff, "start_work", "complaint", cid)
            elif status == "dikerjakan" and self._due(key, now, 3 * AGENCY_MINUTES.get(agency, DEFAULT_AGENCY_MINUTES)):
                self._act(now, staff, "resolve", "complaint", cid, note="Selesai ditangani (demo)")
        for eid, status in emergencies:
            key = ("e", eid)
            if status == "baru" and self._due(key, now, 0.6):
                self._act(now, OPERATOR, "ack_emergency", "emergency", eid)
            elif status == "diterima" and self._due(key, now, 1):
                if self.rng.random() < 0.15:
                    self._act(now, OPERATOR, "false_alarm", "emergency", eid, note="Tidak ada keadaan darurat (demo)")
                else:
                    self._act(now, OPERATOR, "dispatch", "emergency", eid)
            elif status == "dikirim" and self._due(key, now, 6):
                self._act(now, FIELD, "on_scene", "emergency", eid)
            elif status == "di_lokasi" and self._due(key, now, 10):
                self._act(now, FIELD, "resolve_emergency", "emergency", eid)
