"""The real Binjai boundaries (5 kecamatan, 37 kelurahan), loaded from the project's own copy."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Area:
    """One kecamatan or kelurahan: official code and name, polygon, and a point inside it."""

    level: str  # "kecamatan" or "kelurahan"
    code: str
    name: str
    kecamatan_code: str
    kecamatan_name: str
    area_ha: float
    geometry: BaseGeometry

    @property
    def interior_point(self) -> tuple[float, float]:
        """(lat, lon) of a point guaranteed inside the polygon (for labels and coarse locations)."""
        p = self.geometry.representative_point()
        return (round(p.y, 6), round(p.x, 6))


@dataclass(frozen=True)
class CityAreas:
    kecamatan: tuple[Area, ...]
    kelurahan: tuple[Area, ...]

    def by_code(self) -> dict[str, Area]:
        return {a.code: a for a in (*self.kecamatan, *self.kelurahan)}

    def kelurahan_codes(self) -> frozenset[str]:
        return frozenset(a.code for a in self.kelurahan)

    def name_of(self, code: str) -> str | None:
        area = self.by_code().get(code)
        return area.name if area else None


def _read_features(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return json.load(f)["features"]


def _official_names(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as f:
        return {row["code"]: row["name"] for row in csv.DictReader(f)}


@lru_cache(maxsize=4)
def load_city_areas(data_dir: Path = DATA_DIR) -> CityAreas:
    """Read both GeoJSON layers and the official code list; names come from the code list."""
    names = _official_names(data_dir / "binjai_wilayah.csv")
    kecamatan = tuple(
        Area(
            level="kecamatan",
            code=f["properties"]["code"],
            name=names[f["properties"]["code"]],
            kecamatan_code=f["properties"]["code"],
            kecamatan_name=names[f["properties"]["code"]],
            area_ha=float(f["properties"]["area_ha"]),
            geometry=shape(f["geometry"]),
        )
        for f in _read_features(data_dir / "binjai_kecamatan.geojson")
    )
    kelurahan = tuple(
        Area(
            level="kelurahan",
            code=f["properties"]["code"],
            name=names[f["properties"]["code"]],
            kecamatan_code=f["properties"]["kecamatan_code"],
            kecamatan_name=names[f["properties"]["kecamatan_code"]],
            area_ha=float(f["properties"]["area_ha"]),
            geometry=shape(f["geometry"]),
        )
        for f in _read_features(data_dir / "binjai_kelurahan.geojson")
    )
    return CityAreas(
        kecamatan=tuple(sorted(kecamatan, key=lambda a: a.code)),
        kelurahan=tuple(sorted(kelurahan, key=lambda a: a.code)),
    )
