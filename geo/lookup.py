"""Point → kelurahan/kecamatan with a spatial index (shapely STRtree), single or vectorised."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely import STRtree

from geo.boundaries import CityAreas, load_city_areas


@dataclass(frozen=True)
class Location:
    """Where a point falls. Outside the city both codes are None and `outside_city` is True."""

    kelurahan_code: str | None
    kecamatan_code: str | None
    outside_city: bool


OUTSIDE = Location(None, None, True)


class AreaIndex:
    """Spatial index over the 37 kelurahan.

    A point on a boundary shared by two kelurahan belongs to the one with the lower code, the same
    rule the source data used for overlaps, so the answer never depends on index order.
    """

    def __init__(self, areas: CityAreas | None = None):
        self.areas = areas or load_city_areas()
        # Sorted by code, so the smallest matching tree index is the lowest code.
        self._kel = tuple(sorted(self.areas.kelurahan, key=lambda a: a.code))
        self._tree = STRtree([a.geometry for a in self._kel])
        self._city = shapely.union_all([a.geometry for a in self._kel])
        shapely.prepare(self._city)
        self._locations = [Location(a.code, a.kecamatan_code, False) for a in self._kel]

    def locate(self, lat: float, lon: float) -> Location:
        hits = self._tree.query(shapely.Point(lon, lat), predicate="intersects")
        if len(hits) == 0:
            return OUTSIDE
        return self._locations[int(hits.min())]

    def locate_many(self, lats, lons) -> list[Location]:
        """Vectorised `locate` for a batch (the ingest worker's hot path)."""
        lats = np.asarray(lats, dtype=float)
        lons = np.asarray(lons, dtype=float)
        result: list[Location] = [OUTSIDE] * len(lats)
        if len(lats) == 0:
            return result
        points = shapely.points(lons, lats)
        inputs, trees = self._tree.query(points, predicate="intersects")
        best: dict[int, int] = {}
        for i, t in zip(inputs.tolist(), trees.tolist(), strict=True):
            if i not in best or t < best[i]:
                best[i] = t
        for i, t in best.items():
            result[i] = self._locations[t]
        return result

    def in_city_many(self, lats, lons) -> np.ndarray:
        """Boolean array: which points lie inside (or on the edge of) Kota Binjai."""
        lats = np.asarray(lats, dtype=float)
        lons = np.asarray(lons, dtype=float)
        return shapely.intersects_xy(self._city, lons, lats)

    @property
    def city(self):
        return self._city
