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

from data_access.actions import ActionRefused, announce, change_status
from data_access.models import Complaint, Emergency
from data_access.streams import StreamKeys

log = logging.getLogger("bcc.sim.operators")

# Typical minutes an agency takes to start work after an item is forwarded (demo only).
AGENCY_MINUTES = {"DLH": 4, "DISHUB": 8, "PDAM": 15, "DPUPR": 45, "DISDUKCAPIL": 25, "DINKES": 12, "SATPOLPP": 6, "BPBD": 3}
DEFAULT_AGENCY_MINUTES = 30
OPERATOR_READ_MINUTES = (0.5, 14.0)  # the room reads most reports within the 10-minute target, not all


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

    def _act(self, now: datetime, **kwargs) -> None:
        try:
            with self.Session.begin() as s:
                outcome = change_status(s, now=now, **kwargs)
            announce(self.client, self.keys, outcome, self.Session)
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
                select(Emergency.id, Emergency.status, Emergency.nearest_post_id).where(
                    Emergency.status.in_(["baru", "diterima", "dikirim", "di_lokasi"])
                )
            ).all()
        for cid, status, suggested, agency in complaints:
            key = ("c", cid)
            if status == "baru" and self._due(key, now, self.rng.uniform(*OPERATOR_READ_MINUTES)):
                self._act(now, item_kind="complaint", item_id=cid, to_status="dibaca", actor="demo:operator")
            elif status == "dibaca" and self._due(key, now, 2):
                self._act(
                    now, item_kind="complaint", item_id=cid, to_status="diteruskan", actor="demo:operator", agency_code=suggested
                )
            elif status == "diteruskan" and self._due(key, now, AGENCY_MINUTES.get(agency, DEFAULT_AGENCY_MINUTES)):
                self._act(
                    now, item_kind="complaint", item_id=cid, to_status="dikerjakan", actor=f"demo:{agency}", agency_code=agency
                )
            elif status == "dikerjakan" and self._due(key, now, 3 * AGENCY_MINUTES.get(agency, DEFAULT_AGENCY_MINUTES)):
                self._act(
                    now,
                    item_kind="complaint",
                    item_id=cid,
                    to_status="selesai",
                    actor=f"demo:{agency}",
                    agency_code=agency,
                    note="Selesai ditangani (demo)",
                )
        for eid, status, post in emergencies:
            key = ("e", eid)
            if status == "baru" and self._due(key, now, 0.6):
                self._act(now, item_kind="emergency", item_id=eid, to_status="diterima", actor="demo:operator")
            elif status == "diterima" and self._due(key, now, 1):
                if self.rng.random() < 0.15:
                    self._act(
                        now,
                        item_kind="emergency",
                        item_id=eid,
                        to_status="palsu",
                        actor="demo:operator",
                        note="Tidak ada keadaan darurat (demo)",
                    )
                else:
                    self._act(
                        now,
                        item_kind="emergency",
                        item_id=eid,
                        to_status="dikirim",
                        actor="demo:operator",
                        values={"dispatched_post_id": post},
                    )
            elif status == "dikirim" and self._due(key, now, 6):
                self._act(now, item_kind="emergency", item_id=eid, to_status="di_lokasi", actor="demo:petugas")
            elif status == "di_lokasi" and self._due(key, now, 10):
                self._act(now, item_kind="emergency", item_id=eid, to_status="selesai", actor="demo:petugas")
