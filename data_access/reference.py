"""Reference data: agencies, categories, areas (from the project's copies), posts and routes.

Loading is idempotent so `make run` can call it every time. Agencies, categories (with their SLA
policy), sample posts and sample routes are only inserted where missing: administrators edit them
in the app, and a reseed must not wipe those edits. `reset=True` (`flask seed --reset-reference`)
puts the files' values back, recording each changed row in `admin_changes`. Kecamatan and
kelurahan always follow the project's boundary files (they are not edited in the app).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.models import AdminChange, Agency, BusRoute, Category, Kecamatan, Kelurahan, ResponderPost
from domain.contract import ContractContext
from geo import Post, load_city_areas

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
POST_KINDS = ("polisi", "damkar", "kesehatan", "bpbd")


class ReferenceImportError(ValueError):
    """A reference file row that cannot be imported; the message names the row."""


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


RESET_ACTOR = "sistem:seed-reset"


def _upsert(session: Session, model, key: str, rows: list[dict], *, overwrite: bool = True, audit: str | None = None) -> int:
    """Insert missing rows; with `overwrite` also set existing rows to the file's values.

    `audit` (an entity name) records each overwritten row's changes in `admin_changes`. Returns the
    number of rows inserted or changed.
    """
    touched = 0
    for row in rows:
        obj = session.get(model, row[key])
        if obj is None:
            session.add(model(**row))
            touched += 1
        elif overwrite:
            changed = {k: [getattr(obj, k), v] for k, v in row.items() if getattr(obj, k) != v}
            for k, (_old, v) in changed.items():
                setattr(obj, k, v)
            if changed:
                touched += 1
                if audit:
                    session.add(
                        AdminChange(
                            at=datetime.now(UTC),
                            actor=RESET_ACTOR,
                            entity=audit,
                            entity_key=row[key],
                            action="reset",
                            changes=changed,
                        )
                    )
    session.flush()
    return touched


def load_reference(session: Session, *, data_dir: Path = REFERENCE_DIR, reset: bool = False) -> dict[str, int]:
    """Agencies, categories with their service targets, kecamatan and kelurahan: rows added or changed.

    Without `reset` existing agencies and categories are left as administrators edited them.
    """
    agencies = [{"code": r["code"], "name": r["name"], "kind": r["kind"]} for r in _read_csv(data_dir / "agencies.csv")]
    policy = {r["code"]: r for r in _read_csv(data_dir / "category_policy.csv")}
    categories = []
    for r in _read_csv(data_dir / "categories.csv"):
        p = policy.get(r["code"], {})
        categories.append(
            {
                "code": r["code"],
                "group": r["group"],
                "name_id": r["name_id"],
                "name_en": r["name_en"],
                "default_agency_code": r["default_agency"],
                "first_response_minutes": int(p.get("first_response_minutes") or 10),
                "resolution_working_days": int(p.get("resolution_working_days") or 5),
                "forward_minutes": int(p.get("forward_minutes") or 60),
                "followup_working_days": int(p.get("followup_working_days") or 5),
            }
        )
    areas = load_city_areas()
    kecamatan = [{"code": a.code, "name": a.name, "area_ha": a.area_ha} for a in areas.kecamatan]
    kelurahan = []
    for a in areas.kelurahan:
        lat, lon = a.interior_point
        kelurahan.append(
            {
                "code": a.code,
                "name": a.name,
                "kecamatan_code": a.kecamatan_code,
                "area_ha": a.area_ha,
                "center_lat": lat,
                "center_lon": lon,
            }
        )
    return {
        "agencies": _upsert(session, Agency, "code", agencies, overwrite=reset, audit="agency"),
        "categories": _upsert(session, Category, "code", categories, overwrite=reset, audit="category"),
        "kecamatan": _upsert(session, Kecamatan, "code", kecamatan),
        "kelurahan": _upsert(session, Kelurahan, "code", kelurahan),
    }


def _bool(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "ya"}


def import_posts_csv(session: Session, *, path: Path, overwrite: bool = True) -> int:
    """Responder posts from CSV: code,name,kind,agency_code,lat,lon,phone,is_sample.

    `overwrite=False` only adds posts whose code is new (the demo seed on every start).
    """
    rows = []
    for n, r in enumerate(_read_csv(path), start=2):
        try:
            lat, lon = float(r["lat"]), float(r["lon"])
        except (KeyError, ValueError):
            raise ReferenceImportError(f"{path.name} line {n}: lat/lon must be numbers") from None
        if r.get("kind") not in POST_KINDS:
            raise ReferenceImportError(f"{path.name} line {n}: kind must be one of {', '.join(POST_KINDS)}")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ReferenceImportError(f"{path.name} line {n}: lat/lon out of range")
        rows.append(
            {
                "code": r["code"],
                "name": r["name"],
                "kind": r["kind"],
                "agency_code": r.get("agency_code") or None,
                "lat": lat,
                "lon": lon,
                "phone": r.get("phone") or None,
                "is_sample": _bool(r.get("is_sample", "")),
            }
        )
    for row in rows:
        post = session.scalar(select(ResponderPost).where(ResponderPost.code == row["code"]))
        if post is None:
            session.add(ResponderPost(**row))
        elif overwrite:
            for k, v in row.items():
                setattr(post, k, v)
    session.flush()
    return len(rows)


def import_routes_geojson(session: Session, *, path: Path, overwrite: bool = True) -> int:
    """Bus routes from a GeoJSON FeatureCollection of LineStrings with route_id, name, color."""
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for i, f in enumerate(data.get("features", [])):
        props = f.get("properties") or {}
        geom = f.get("geometry") or {}
        if geom.get("type") != "LineString" or not props.get("route_id"):
            raise ReferenceImportError(f"{path.name} feature {i}: needs a LineString and a route_id")
        rows.append(
            {
                "route_id": str(props["route_id"]),
                "name": str(props.get("name") or props["route_id"]),
                "color": str(props.get("color") or "#1f77b4"),
                "geometry": geom,
                "is_sample": bool(props.get("is_sample", False)),
            }
        )
    _upsert(session, BusRoute, "route_id", rows, overwrite=overwrite)
    return len(rows)


def load_samples(session: Session, *, data_dir: Path = REFERENCE_DIR, reset: bool = False) -> dict[str, int]:
    """The demo's sample posts and routes, all named '(contoh)' and flagged is_sample.

    Missing ones are added; ones an administrator edited stay edited unless `reset`.
    """
    return {
        "responder_posts": import_posts_csv(session, path=data_dir / "sample_posts.csv", overwrite=reset),
        "bus_routes": import_routes_geojson(session, path=data_dir / "sample_routes.geojson", overwrite=reset),
    }


@dataclass(frozen=True)
class CategoryPolicy:
    code: str
    group: str
    default_agency_code: str
    first_response_minutes: int
    resolution_working_days: int


def category_policies(session: Session) -> dict[str, CategoryPolicy]:
    rows = session.scalars(select(Category).where(Category.active.is_(True))).all()
    return {
        c.code: CategoryPolicy(c.code, c.group, c.default_agency_code, c.first_response_minutes, c.resolution_working_days)
        for c in rows
    }


def contract_context(session: Session) -> ContractContext:
    return ContractContext(
        category_codes=frozenset(session.scalars(select(Category.code).where(Category.active.is_(True)))),
        kelurahan_codes=frozenset(session.scalars(select(Kelurahan.code))),
    )


def kelurahan_centers(session: Session) -> dict[str, tuple[float, float]]:
    return {k.code: (k.center_lat, k.center_lon) for k in session.scalars(select(Kelurahan))}


def active_posts(session: Session) -> list[Post]:
    rows = session.scalars(select(ResponderPost).where(ResponderPost.active.is_(True))).all()
    return [Post(id=p.id, name=p.name, kind=p.kind, lat=p.lat, lon=p.lon) for p in rows]


def bus_routes(session: Session) -> list[dict]:
    rows = session.scalars(select(BusRoute).where(BusRoute.active.is_(True)).order_by(BusRoute.route_id)).all()
    return [
        {"route_id": r.route_id, "name": r.name, "color": r.color, "geometry": r.geometry, "is_sample": r.is_sample} for r in rows
    ]
