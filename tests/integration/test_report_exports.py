"""CSV and PDF downloads of the report: produced, readable, filtered, role-checked, bad dates refused."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from app import create_dash
from dashboard.auth import now_utc
from data_access.db import make_engine, make_session_factory
from devtools.report_history import history, insert_history, reference_for_history
from domain.report_period import wib_today
from tests.integration.helpers import create_role_users, login_client, worker_settings

PASSWORD = "kata-sandi-uji-panjang"


@pytest.fixture
def report_app(redis_server, migrated_url, stream_prefix):
    engine = make_engine(migrated_url)
    Session = make_session_factory(engine)
    now = now_utc()
    with Session.begin() as s:
        create_role_users(s, password=PASSWORD, now=now)
    with Session() as s:
        cats, areas = reference_for_history(s)
    pairs = list(history(count=400, start=now - timedelta(days=20), end=now, now=now, categories=cats, areas=areas, seed=3))
    insert_history(engine, [c for c, _ in pairs], [ch for _, chs in pairs for ch in chs])
    engine.dispose()
    app = create_dash(worker_settings(redis_server.url, migrated_url, stream_prefix))
    return app.server.test_client()


def login(client, username):
    assert login_client(client, username, PASSWORD).status_code == 302


def period_args() -> str:
    today = wib_today(datetime.now(UTC))
    return f"from={(today - timedelta(days=29)).isoformat()}&to={today.isoformat()}"


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_agency_and_item_csv_for_the_mayor(report_app):
    login(report_app, "u-mayor")
    agencies = read_csv(report_app.get(f"/laporan/export/agencies.csv?{period_args()}"))
    items = read_csv(report_app.get(f"/laporan/export/items.csv?{period_args()}"))
    assert len(items) == 400
    assert sum(int(a["received"]) for a in agencies) == 400
    assert [int(a["rank"]) for a in agencies] == list(range(1, len(agencies) + 1))
    scores = [float(a["score_pct"]) for a in agencies]
    assert scores == sorted(scores, reverse=True)  # worst first
    header = set(items[0])
    assert not any(word in col for col in header for word in ("nik", "reporter", "name", "phone", "title", "description"))
    assert items[0]["reported_at_wib"].endswith("+07:00")
    assert all(r["nomor"] == f"P-{r['id']}" for r in items)  # the number the console says aloud
    dlh = read_csv(report_app.get(f"/laporan/export/items.csv?{period_args()}&agency=DLH&group=infrastruktur"))
    assert dlh and {r["agency"] for r in dlh} == {"DLH"}
    assert len(dlh) == next(int(a["received"]) for a in agencies if a["agency_code"] == "DLH")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-13-01&to=2026-12-31", "'from' bukan tanggal"),
        ("from=2026-11-01", "'to' wajib"),
        ("from=2026-11-30&to=2026-11-01", "sebelum"),
        ("from=2026-11-01&to=2026-11-30&group=rahasia", "'group'"),
    ],
)
def test_bad_parameters_are_a_400_with_a_reason(report_app, query, message):
    login(report_app, "u-supervisor")
    for path in ("agencies.csv", "items.csv", "laporan.pdf"):
        r = report_app.get(f"/laporan/export/{path}?{query}")
        assert r.status_code == 400 and message in r.get_data(as_text=True)


@pytest.mark.parametrize("role", ["operator", "agency"])
def test_other_roles_are_refused(report_app, role):
    login(report_app, f"u-{role}")
    for path in ("agencies.csv", "items.csv", "laporan.pdf"):
        assert report_app.get(f"/laporan/export/{path}?{period_args()}").status_code == 403


def test_anonymous_is_asked_to_log_in(report_app):
    assert report_app.get(f"/laporan/export/items.csv?{period_args()}").status_code == 401


def test_pdf_has_cover_kpis_league_table_and_charts(report_app):
    login(report_app, "u-admin")
    agencies = read_csv(report_app.get(f"/laporan/export/agencies.csv?{period_args()}"))
    r = report_app.get(f"/laporan/export/laporan.pdf?{period_args()}")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(r.data))
    assert len(reader.pages) >= 4
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Laporan Kinerja Layanan Pengaduan" in text
    assert "Peringkat OPD" in text and "Pengaduan masuk" in text and "Tombol darurat" in text
    today = wib_today(datetime.now(UTC))
    assert today.strftime("%d-%m-%Y") in text
    worst = agencies[0]["agency_code"]
    assert worst in text and text.index(worst) < text.index(agencies[-1]["agency_code"], text.index("Peringkat OPD"))
    assert len(reader.pages[2].images) + len(reader.pages[3].images) >= 2  # map and charts
