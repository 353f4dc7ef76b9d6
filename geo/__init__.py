"""Pure geography of Kota Binjai: boundaries, point-in-area lookup, nearest post, GeoJSON builders.

Nothing here talks to Redis or the database; data files are read once from `geo/data/`.
"""

from geo.boundaries import Area, CityAreas, load_city_areas
from geo.lookup import AreaIndex, Location
from geo.nearest import NearestPost, Post, haversine_m, nearest_post

__all__ = [
    "Area",
    "AreaIndex",
    "CityAreas",
    "Location",
    "NearestPost",
    "Post",
    "haversine_m",
    "load_city_areas",
    "nearest_post",
]
