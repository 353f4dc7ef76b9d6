"""Shared helpers for the unit tests: pure modules only (no Redis, no database, no network)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so `pytest` works from any directory, not only `python -m pytest` in the root
    sys.path.insert(0, str(ROOT))

from domain.contract import ContractContext  # noqa: E402
from geo import AreaIndex, load_city_areas  # noqa: E402

REFERENCE_DIR = ROOT / "data" / "reference"


def read_categories() -> dict[str, str]:
    """category code -> group, from the project's reference copy."""
    with (REFERENCE_DIR / "categories.csv").open(encoding="utf-8", newline="") as f:
        return {row["code"]: row["group"] for row in csv.DictReader(f)}


def read_sample_routes() -> list[dict]:
    with (REFERENCE_DIR / "sample_routes.geojson").open(encoding="utf-8") as f:
        features = json.load(f)["features"]
    return [{"route_id": feat["properties"]["route_id"], "geometry": feat["geometry"]} for feat in features]


@pytest.fixture(scope="session")
def categories() -> dict[str, str]:
    return read_categories()


@pytest.fixture(scope="session")
def contract_ctx(categories) -> ContractContext:
    return ContractContext(
        category_codes=frozenset(categories),
        kelurahan_codes=load_city_areas().kelurahan_codes(),
    )


@pytest.fixture(scope="session")
def area_index() -> AreaIndex:
    return AreaIndex()


@pytest.fixture(scope="session")
def sample_routes() -> list[dict]:
    return read_sample_routes()
